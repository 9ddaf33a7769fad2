//! `whoruns calibrate` on the long-run mechanisms (docs/calibrate.md, "Mechanisms"):
//! cascades along `depends_on` recovered from a simulated log (from its `cause` column and
//! from timing alone), hand-off delays and recurring incidents from logs made with known
//! parameters, and what the fragment says where the log cannot identify a value.

use std::path::Path;

use assert_cmd::Command;
use whoruns::calibrate::log::{self, ReadOptions};
use whoruns::calibrate::mechanisms::{self, Dependency, MechanismOptions};

/// Three services in a chain (web → api → db), cascades at a known probability and
/// resilience, everything else stationary.
const CHAIN: &str = r#"
name = "chain"
horizon = "730d"
replications = 2
seed = 7
models = ["you-run"]
[learning]
incentive = 0
[cascades]
probability = 0.4
resilience = 0.5
[groups.dev]
concurrent_oncall = 2
[service_defaults]
deploys_per_week = 0
detection = { dist = "exponential", mean = "2m" }
[[teams]]
name = "t"
headcount = 8
[[services]]
name = "db"
team = "t"
background_incidents = "6/week"
[[services]]
name = "api"
team = "t"
background_incidents = "3/week"
depends_on = ["db"]
[[services]]
name = "web"
team = "t"
background_incidents = "3/week"
depends_on = ["api"]
"#;

fn read(path: &Path) -> log::Log {
    let frame = log::scan_csv(path).unwrap();
    log::read(frame, &ReadOptions::default()).unwrap()
}

fn chain_log(dir: &Path, with_cause: bool) -> std::path::PathBuf {
    let scenario = whoruns::scenario::parse(CHAIN, "chain.toml").unwrap();
    let csv = whoruns::calibrate::write::incident_log(&scenario, whoruns::ModelKind::YouRun, 0);
    let csv = if with_cause {
        csv
    } else {
        // Drop the last column (cause): timing alone.
        csv.lines()
            .map(|l| l.rsplit_once(',').map_or(l, |(head, _)| head).to_string() + "\n")
            .collect()
    };
    let path = dir.join(if with_cause {
        "log.csv"
    } else {
        "no-cause.csv"
    });
    std::fs::write(&path, csv).unwrap();
    path
}

fn chain_dependencies() -> Vec<Dependency> {
    let (deps, resilience, _) = mechanisms::from_organisation(CHAIN);
    assert_eq!(resilience, Some(0.5));
    deps
}

/// The round trip: `[cascades] probability` is recovered within its interval from the
/// cause column, and from timing alone (excess over chance) once the column is dropped.
#[test]
fn cascade_probability_is_recovered_from_a_simulated_log() {
    let dir = tempfile::tempdir().unwrap();
    let deps = chain_dependencies();
    assert_eq!(deps.len(), 2);
    let options = MechanismOptions::default();
    for with_cause in [true, false] {
        let log = read(&chain_log(dir.path(), with_cause));
        let m = mechanisms::estimate(&log, &deps, &options);
        let c = &m.cascades;
        assert_eq!(c.warning, None, "{c:?}");
        assert_eq!(c.from_cause.is_some(), with_cause);
        assert!(c.triggers > 500, "{c:?}");
        let p = c.probability().unwrap();
        assert!(
            p.low <= 0.4 && 0.4 <= p.high,
            "cause column {with_cause}: {p:?} against 0.4"
        );
        assert!(p.high - p.low < 0.2, "{p:?}");
        // Timing is close to the cause column's count: the two views agree.
        let t = c.timing.unwrap();
        assert!(t.low <= 0.2 && 0.2 <= t.high, "{t:?}");
    }
}

/// Without cascades the timing estimate finds nothing beyond chance and says it cannot
/// tell the probability from 0; without depends_on it says what it needs.
#[test]
fn cascades_are_not_claimed_where_the_log_cannot_show_them() {
    let dir = tempfile::tempdir().unwrap();
    let off = CHAIN.replace("probability = 0.4", "probability = 0");
    let scenario = whoruns::scenario::parse(&off, "off.toml").unwrap();
    let csv = whoruns::calibrate::write::incident_log(&scenario, whoruns::ModelKind::YouRun, 0);
    let csv: String = csv
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(head, _)| head).to_string() + "\n")
        .collect();
    let path = dir.path().join("off.csv");
    std::fs::write(&path, csv).unwrap();
    let log = read(&path);
    let m = mechanisms::estimate(&log, &chain_dependencies(), &MechanismOptions::default());
    let t = m.cascades.timing.unwrap();
    assert!(t.low <= 0.0 && t.high < 0.05, "{t:?}");
    assert!(m.cascades.warning.is_some());
    let text = mechanisms::fragment(&m, &|_| false);
    assert!(!text.contains("\n[cascades]"), "{text}");
    assert!(text.contains("WARNING: not identifiable"), "{text}");
    let none = mechanisms::estimate(&log, &[], &MechanismOptions::default());
    assert!(
        none.cascades
            .warning
            .as_deref()
            .unwrap()
            .contains("--organisation")
    );
}

/// A small deterministic generator (SplitMix64) for logs made in the test.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.next(), self.next());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn stamp(hours: f64) -> String {
    whoruns::calibrate::time::format_utc(
        whoruns::calibrate::write::EPOCH_UNIX_SECONDS + (hours * 3_600.0).floor() as i64,
    )
}

/// A log whose escalated incidents wait a lognormal hand-off (median 15 min, p90 1 h)
/// before the team handed to acknowledges: the fit recovers both within their intervals.
#[test]
fn handoff_delay_is_recovered_from_escalation_times() {
    let mut rng = Mix(11);
    let (median, p90) = (0.25f64, 1.0f64);
    let sigma = (p90 / median).ln() / 1.281_551_565_544_600_5;
    let mut csv = String::from(
        "id,service,severity,created_at,acknowledged_at,resolved_at,escalated_at,escalation_acknowledged_at\n",
    );
    for i in 0..400 {
        let created = i as f64 * 7.0;
        let ack = created + 0.1;
        if i % 2 == 0 {
            let escalated = ack + 0.5;
            let wait = median * (sigma * rng.normal()).exp();
            let owners = escalated + wait;
            csv.push_str(&format!(
                "I{i},s,SEV2,{},{},{},{},{}\n",
                stamp(created),
                stamp(ack),
                stamp(owners + 1.0),
                stamp(escalated),
                stamp(owners)
            ));
        } else {
            csv.push_str(&format!(
                "I{i},s,SEV2,{},{},{},,\n",
                stamp(created),
                stamp(ack),
                stamp(ack + 1.0)
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("handoffs.csv");
    std::fs::write(&path, csv).unwrap();
    let log = read(&path);
    let m = mechanisms::estimate(&log, &[], &MechanismOptions::default());
    let h = m.handoffs.clone().unwrap();
    assert_eq!((h.escalated, h.measured), (200, 200));
    assert_eq!(h.warning, None);
    let (m50, m90) = (h.median.unwrap(), h.p90.unwrap());
    assert!(m50.low <= median && median <= m50.high, "{m50:?}");
    assert!(m90.low <= p90 && p90 <= m90.high, "{m90:?}");
    let text = mechanisms::fragment(&m, &|_| false);
    assert!(
        text.contains("\n[handoff]\ndelay = { dist = \"lognormal\""),
        "{text}"
    );
    assert!(text.contains("effort_factor is not identifiable"), "{text}");
    // Where the organisation sets [handoff] already, the value is a comment to move there.
    let text = mechanisms::fragment(&m, &|t| t == "handoff");
    assert!(!text.contains("\n[handoff]"), "{text}");
}

/// Recurring problems (same service and title) that recur less often late in the log
/// than early: the shares and their change are recovered, and the fragment says the
/// learning step is not identifiable.
#[test]
fn recurrence_falls_where_problems_recur_less() {
    let mut rng = Mix(5);
    let weeks = 104.0;
    let hours = weeks * 168.0;
    let mut rows = Vec::new();
    // 300 problems start uniformly; each recurs after 1 week with probability 0.6 in the
    // first half of the log and 0.2 in the second, else never.
    for p in 0..300 {
        let service = format!("s{}", p % 5);
        let title = format!("problem {p}");
        let mut t = rng.next() * hours;
        rows.push((t, service.clone(), title.clone()));
        loop {
            let again = if t < hours / 2.0 { 0.6 } else { 0.2 };
            if rng.next() >= again {
                break;
            }
            t += 168.0;
            rows.push((t, service.clone(), title.clone()));
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut csv =
        String::from("id,service,severity,created_at,acknowledged_at,resolved_at,title\n");
    for (i, (t, s, title)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "I{i},{s},SEV3,{},,{},{title}\n",
            stamp(*t),
            stamp(t + 1.0)
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recurring.csv");
    std::fs::write(&path, csv).unwrap();
    let log = read(&path);
    let m = mechanisms::estimate(&log, &[], &MechanismOptions::default());
    let r = m.recurrence.clone().unwrap();
    let (early, late) = (r.early.unwrap().1, r.late.unwrap().1);
    assert!(early.low <= 0.6 && 0.6 <= early.high, "{early:?}");
    assert!(late.low <= 0.2 && 0.2 <= late.high, "{late:?}");
    let change = r.change.unwrap();
    assert!(change.high < 0.0, "{change:?}");
    let text = mechanisms::fragment(&m, &|_| false);
    assert!(text.contains("learning.step"), "{text}");
    assert!(text.contains("not identifiable"), "{text}");
    assert!(!text.contains("\n[learning]"), "{text}");
}

/// Through the binary: `--dependencies` names the depends_on, the fragment carries the
/// cascade probability with its interval and the comments on what the log cannot say; the
/// summary is snapshot-tested.
#[test]
fn mechanisms_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let log = chain_log(dir.path(), true);
    let deps = dir.path().join("chain.toml");
    std::fs::write(&deps, CHAIN).unwrap();
    let out = dir.path().join("out");
    let output = Command::cargo_bin("whoruns")
        .unwrap()
        .args(["calibrate", "--no-charts", "-q", "--dependencies"])
        .arg(&deps)
        .arg(&log)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let fragment = std::fs::read_to_string(out.join("scenario-fragment.toml")).unwrap();
    let start = fragment
        .find("# ---- The long-run mechanisms")
        .expect("the mechanisms section");
    insta::assert_snapshot!("mechanisms_fragment", &fragment[start..]);
    // The services state the depends_on the probability was measured along, and the
    // fragment with its [cascades] table joins with an organisation into a scenario that
    // cascades at the recovered probability.
    assert!(fragment.contains("depends_on = [\"db\"]\n"), "{fragment}");
    assert!(fragment.contains("depends_on = [\"api\"]\n"), "{fragment}");
    let organisation = "[[teams]]\nname = \"t\"\n";
    let joined = whoruns::calibrate::join::join(organisation, &fragment).unwrap();
    let scenario = whoruns::scenario::parse(&joined, "joined.toml").unwrap();
    assert!((scenario.cascades.probability - 0.4).abs() < 0.05);
    assert_eq!(scenario.cascades.resilience, 0.5);
    let api = scenario.services.iter().find(|s| s.name == "api").unwrap();
    assert_eq!(api.depends_on.len(), 1);
}

/// The round trip through the engine: under you-and-sre-run, an SRE on shift answers first
/// and escalates to the owning developers (a hand-off across teams), who are on call around the clock with room
/// to spare, so the wait from hand-off to the owners taking it is the hand-off delay; the
/// written `[handoff] delay` (median 15 min, p90 1 h) is recovered within its intervals.
/// Without the extra columns the writer's bytes are unchanged.
#[test]
fn handoff_delay_is_recovered_from_a_simulated_log() {
    let text = r#"
name = "handoffs"
horizon = "730d"
replications = 2
seed = 3
models = ["you-and-sre-run"]
[learning]
incentive = 0
[cascades]
probability = 0
[handoff]
delay = { dist = "lognormal", median = "15m", p90 = "1h" }
[groups.dev]
concurrent_oncall = 4
[service_defaults]
deploys_per_week = 0
[[teams]]
name = "t"
headcount = 8
[[services]]
name = "s"
team = "t"
background_incidents = "10/week"
"#;
    use whoruns::calibrate::write::{self, Extra};
    let scenario = whoruns::scenario::parse(text, "handoffs.toml").unwrap();
    let model = whoruns::ModelKind::YouAndSreRun;
    let plain = write::incident_log(&scenario, model, 0);
    assert_eq!(
        plain,
        write::incident_log_with(&scenario, model, 0, Extra::default())
    );
    let csv = write::incident_log_with(&scenario, model, 0, Extra { handoffs: true });
    assert!(csv.starts_with(&format!(
        "{},escalated_at,escalation_acknowledged_at\n",
        write::HEADER
    )));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("handoffs.csv");
    std::fs::write(&path, csv).unwrap();
    let m = mechanisms::estimate(&read(&path), &[], &MechanismOptions::default());
    let h = m.handoffs.unwrap();
    assert_eq!(h.warning, None, "{h:?}");
    assert!(h.measured >= 100, "{h:?}");
    let (m50, m90) = (h.median.unwrap(), h.p90.unwrap());
    assert!(m50.low <= 0.25 && 0.25 <= m50.high, "{m50:?}");
    assert!(m90.low <= 1.0 && 1.0 <= m90.high, "{m90:?}");
}
