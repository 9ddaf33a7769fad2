//! The long-run mechanisms (issue 20): each shows its direction on common random numbers,
//! each has a setting that leaves results bit-identical, a parameter a model does not use
//! leaves that model's results bit-identical, and incidents are conserved with cascades.

use whoruns::runner::run;
use whoruns::{ModelKind, Outcome};

use crate::common::{outcomes, paired, scenario};

/// A small organisation over two years after a short warm-up: two teams, a chain of
/// dependencies; `extra` is appended.
fn org(models: &str, extra: &str) -> whoruns::Scenario {
    scenario(&format!(
        r#"
name = "long-run"
horizon = "800d"
warmup = "70d"
replications = 12
seed = 2020
models = [{models}]
[[teams]]
name = "a"
[[teams]]
name = "b"
[[services]]
name = "web"
team = "a"
availability_target = 0.999
background_incidents = "3/month"
deploys_per_week = 15
change_failure_rate = 0.1
depends_on = ["api"]
[[services]]
name = "api"
team = "b"
availability_target = 0.995
background_incidents = "3/month"
deploys_per_week = 10
change_failure_rate = 0.1
depends_on = ["db"]
[[services]]
name = "db"
team = "b"
availability_target = 0.995
background_incidents = "2/month"
deploys_per_week = 2
change_failure_rate = 0.1
{extra}
"#
    ))
}

/// Every column of every outcome, as bits, quarters included.
fn bits(outcomes: &[Outcome]) -> Vec<u64> {
    let mut out = Vec::new();
    for o in outcomes {
        for m in whoruns::metric::COLUMNS {
            out.push(m.get(o).unwrap_or(f64::NAN).to_bits());
        }
        for q in &o.quarters {
            out.extend([
                q.incidents.into(),
                q.restore_hours.to_bits(),
                q.cost_operating.to_bits(),
                q.cost_unreliability.to_bits(),
                q.telemetry.to_bits(),
            ]);
        }
    }
    out
}

const OFF: &str = "[learning]\nincentive = 0\n[cascades]\nprobability = 0\n[handoff]\ndelay = \"0h\"\neffort_factor = 1\n";

#[test]
fn more_follow_up_work_lowers_the_later_incident_rate() {
    let done = |share: f64| {
        org(
            "\"ops-run\"",
            &format!(
                "[learning]\ndone_when_handed_off = {share}\ndone_when_felt = {share}\ndone_when_woken = {share}\ndone_when_frozen = {share}\n[cascades]\nprobability = 0\n"
            ),
        )
    };
    let none = outcomes(&done(0.0), ModelKind::OpsRun);
    let all = outcomes(&done(1.0), ModelKind::OpsRun);
    let prevented = paired(&all, &none, |o| o.incidents_prevented as f64);
    assert!(prevented.low > 0.0, "{prevented:?}");
    let incidents = paired(&all, &none, |o| o.incidents as f64);
    assert!(incidents.high < 0.0, "{incidents:?}");
    assert!(
        none.iter()
            .all(|o| o.followups_done == 0 && o.cost_followup == 0.0)
    );
    assert!(all.iter().all(|o| o.rate_multiplier_end < 1.0));
}

#[test]
fn owners_who_feel_the_incidents_learn_more_than_those_handed_tickets() {
    // Neutral rule, different handling: you-run's owners work every incident, ops-run's
    // owners only the escalated ones.
    let s = org(
        "\"you-run\", \"ops-run\"",
        "[cascades]\nprobability = 0\n[handoff]\ndelay = \"0h\"\neffort_factor = 1\n",
    );
    let all = run(&s, None, &|| {}).expect("run");
    let of =
        |m: ModelKind| -> Vec<Outcome> { all.iter().filter(|o| o.model == m).cloned().collect() };
    let (you, ops) = (of(ModelKind::YouRun), of(ModelKind::OpsRun));
    let rate = paired(&you, &ops, |o| o.rate_multiplier_end);
    assert!(rate.high < 0.0, "{rate:?}");
    let telemetry = paired(&you, &ops, |o| o.telemetry_end);
    assert!(telemetry.high < 0.0, "{telemetry:?}");
}

#[test]
fn more_resilience_means_fewer_cascades() {
    let resilient = |r: f64| {
        org(
            "\"you-run\"",
            &format!(
                "[learning]\nincentive = 0\n[cascades]\nprobability = 0.5\nresilience = {r}\n"
            ),
        )
    };
    let fragile = outcomes(&resilient(0.0), ModelKind::YouRun);
    let sturdy = outcomes(&resilient(0.8), ModelKind::YouRun);
    let cascades = paired(&sturdy, &fragile, |o| o.cascades as f64);
    assert!(cascades.high < 0.0, "{cascades:?}");
    assert!(fragile.iter().all(|o| o.cascades > 0));
    // Nothing depends on web: only api and db cascade.
    let none = outcomes(&resilient(1.0), ModelKind::YouRun);
    assert!(none.iter().all(|o| o.cascades == 0));
}

#[test]
fn friction_lengthens_only_escalated_incidents() {
    let friction = |factor: f64| {
        org(
            "\"ops-run\", \"you-run\"",
            &format!(
                "[learning]\nincentive = 0\n[cascades]\nprobability = 0\n[handoff]\ndelay = \"2h\"\neffort_factor = {factor}\n[error_budget]\nfreeze = false\n[workarounds]\nconflict_probability = 0\n"
            ),
        )
    };
    let (low, high) = (friction(1.0), friction(3.0));
    let ops_low = outcomes(&low, ModelKind::OpsRun);
    let ops_high = outcomes(&high, ModelKind::OpsRun);
    let l2 = paired(&ops_high, &ops_low, |o| o.ttr_l2_work_hours);
    assert!(l2.low > 0.0, "{l2:?}");
    assert!(ops_high.iter().all(|o| o.handoffs > 0));
    // Without freezes or regressions (which longer restores would change), what happens
    // before the escalation is untouched: the same incidents, detected as
    // fast, escalated as often. (The first responder's work may change: a longer wait for
    // the owners makes a workaround worth applying more often.)
    for (a, b) in ops_high.iter().zip(&ops_low) {
        assert_eq!(a.incidents, b.incidents);
        assert_eq!(a.escalations, b.escalations);
        assert_eq!(a.ttr_detect_hours.to_bits(), b.ttr_detect_hours.to_bits());
    }
    // You-run's owners never hand off: its results do not move at all.
    assert_eq!(
        bits(&outcomes(&low, ModelKind::YouRun)),
        bits(&outcomes(&high, ModelKind::YouRun))
    );
}

#[test]
fn with_every_mechanism_off_parameters_of_the_mechanisms_change_nothing() {
    let base = org("\"you-run\", \"ops-run\", \"sre-run\"", OFF);
    let tuned = org(
        "\"you-run\", \"ops-run\", \"sre-run\"",
        &format!("{OFF}\n[telemetry]\nbest = 0.2\nworst = 9\n"),
    );
    let a = run(&base, None, &|| {}).expect("run");
    let b = run(&tuned, None, &|| {}).expect("run");
    assert_eq!(bits(&a), bits(&b));
    assert!(a.iter().all(|o| o.cascades == 0
        && o.incidents_prevented == 0
        && o.handoffs == 0
        && o.telemetry_end == 1.0));
}

#[test]
fn incidents_are_conserved_with_cascades_and_quarters_add_up() {
    let s = org(
        "\"you-run\", \"ops-run\"",
        "[cascades]\nprobability = 0.4\nresilience = 0.2\n",
    );
    for o in run(&s, None, &|| {}).expect("run") {
        assert_eq!(o.incidents, o.resolved + o.open_at_end);
        assert!(o.cascades > 0);
        let by_quarter: u64 = o.quarters.iter().map(|q| u64::from(q.incidents)).sum();
        assert_eq!(by_quarter, o.incidents, "{:?}", o.model);
        let cascades: u64 = o.quarters.iter().map(|q| u64::from(q.cascades)).sum();
        assert_eq!(cascades, o.cascades);
        let downtime: f64 = o.quarters.iter().map(|q| q.downtime_hours).sum();
        assert!((downtime - o.downtime_hours).abs() < 1e-6 * o.downtime_hours.max(1.0));
        // The quarters' costs, weighted by their lengths, are the whole window's.
        let hours: f64 = o.quarters.iter().map(|q| q.hours).sum();
        let operating: f64 = o
            .quarters
            .iter()
            .map(|q| q.cost_operating * q.hours)
            .sum::<f64>()
            / hours;
        assert!(
            (operating - o.cost_operating).abs() < 1e-6 * o.cost_operating,
            "{operating} against {}",
            o.cost_operating
        );
        let unreliability: f64 = o
            .quarters
            .iter()
            .map(|q| q.cost_unreliability * q.hours)
            .sum::<f64>()
            / hours;
        assert!(
            (unreliability - o.cost_unreliability).abs() < 1e-6 * o.cost_unreliability.max(1.0)
        );
    }
}

/// One candidate service whose traffic doubles each year, under `sre-run`.
fn growing(extra: &str) -> whoruns::Scenario {
    scenario(&format!(
        r#"
name = "staged"
horizon = "1460d"
warmup = "0d"
replications = 6
seed = 8
models = ["sre-run"]
[sre_run]
min_availability_target = 0.99
evidence_quarters = 1
handback_after_quarters = 99
{extra}
[learning]
incentive = 0
[[teams]]
name = "a"
[[services]]
name = "s"
team = "a"
availability_target = 0.99
background_incidents = "1/month"
traffic = 1
traffic_growth = 1.0
"#
    ))
}

#[test]
fn staged_adoption_reviews_at_substantial_traffic_and_hands_over_at_critical() {
    // Substantial at 2 (after a year), critical at 8 (after three): a review, a shared rota
    // for two years, then the hand-over.
    let staged =
        growing("substantial_traffic = 2\ncritical_traffic = 8\nreview_effort = \"40h\"\n");
    for o in outcomes(&staged, ModelKind::SreRun) {
        assert_eq!(o.reviews, 1, "{o:?}");
        assert_eq!(o.handovers, 1);
        // Shared from year 1 to 3, then SRE's alone: about three service-years handed over.
        assert!(
            (o.handed_over_service_years - 3.0).abs() < 0.3,
            "{}",
            o.handed_over_service_years
        );
    }
    // Without the stages the evidence alone admits it after one quarter.
    for o in outcomes(&growing(""), ModelKind::SreRun) {
        assert_eq!(o.handovers, 1);
        assert!(
            o.handed_over_service_years > 3.5,
            "{}",
            o.handed_over_service_years
        );
    }
    // A review that always fails keeps the service with its owners, one review per
    // quarter of new evidence once traffic is substantial.
    let failing =
        growing("substantial_traffic = 2\ncritical_traffic = 8\nreview_pass_probability = 0\n");
    for o in outcomes(&failing, ModelKind::SreRun) {
        assert_eq!((o.handovers, o.reviews_failed), (0, o.reviews));
        assert!(o.reviews >= 10, "{}", o.reviews);
        assert_eq!(o.handed_over_service_years, 0.0);
    }
}

/// `whoruns run` saves the runs at the other strengths the report draws, and `whoruns
/// report` draws the section from them instead of simulating again: the same section from
/// the saved values, and another when the saved values say otherwise.
#[test]
fn the_report_reads_the_strengths_the_run_saved() {
    use std::fs;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = crate::cli::whoruns()
        .arg("run")
        .arg(crate::common::bundled("baseline.toml"))
        .args(["-n", "4", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    let section = |md: &str| {
        let at = md.find("## Across the long-run strength").unwrap();
        md[at..].split("\n## ").next().unwrap().to_string()
    };
    let bytes = fs::read(out.join("strengths.parquet")).unwrap();
    let df = whoruns::export::from_parquet(bytes, "strengths").unwrap();
    let mut saved = whoruns::export::strengths_from(&df).unwrap();
    // Three other strengths (0, 0.5, 2), six models, five headline metrics, 4 replications.
    assert_eq!(saved.len(), 3 * 6 * 5);
    assert!(saved.iter().all(|s| s.values.len() == 4));
    assert_eq!(
        whoruns::export::strengths_from(&whoruns::export::strengths_frame(&saved, 0).unwrap())
            .unwrap(),
        saved
    );
    let o = crate::cli::whoruns()
        .arg("report")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        section(&fs::read_to_string(out.join("report.md")).unwrap()),
        section(&md)
    );
    // Saved values where every model is equal at every other strength: "tied" there.
    for s in &mut saved {
        s.values = vec![1.0; 4];
    }
    let mut frame = whoruns::export::strengths_frame(&saved, 0).unwrap();
    fs::write(
        out.join("strengths.parquet"),
        whoruns::export::to_parquet(&mut frame).unwrap(),
    )
    .unwrap();
    let o = crate::cli::whoruns()
        .arg("report")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let redrawn = section(&fs::read_to_string(out.join("report.md")).unwrap());
    let row = redrawn
        .lines()
        .find(|l| l.starts_with("| operating cost"))
        .unwrap_or_else(|| panic!("{redrawn}"));
    // Strengths 0, 0.5, 1 (the scenario's own, from the run) and 2.
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(
        (cells[2], cells[3], cells[5]),
        ("tied", "tied", "tied"),
        "{row}"
    );
    assert_ne!(cells[4], "tied", "{row}");
}
