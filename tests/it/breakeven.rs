//! What would have to be true: the assumption ledger, the break-even search against a
//! break-even known in closed form, a parameter that cannot flip a verdict, and the
//! commands that write them (`assumptions`, `breakeven`, `run --breakeven`).

use std::fs;

use whoruns::breakeven::{self, Spec};
use whoruns::{ModelKind, runner};

use crate::cli::whoruns;
use crate::common::bundled;

/// Four teams of one service each: "you run it" keeps four rotas, "ops run it" one, so
/// standby pay raises you-run's operating cost faster than ops-run's, in a straight line
/// (no call-out pay; standby is pay per on-call hour, and the hours do not depend on it).
const LINEAR: &str = r#"name = "linear"
replications = 30
seed = 7
horizon = "52w"
models = ["you-run", "ops-run"]
[costs]
standby_per_hour = 5.0
callout_per_page = 0.0
[groups.ops]
salary = 60000.0
[service_defaults]
background_incidents = "1/month"
[[teams]]
name = "a"
[[teams]]
name = "b"
[[teams]]
name = "c"
[[teams]]
name = "d"
[[services]]
name = "s1"
team = "a"
[[services]]
name = "s2"
team = "b"
[[services]]
name = "s3"
team = "c"
[[services]]
name = "s4"
team = "d"
"#;

/// Mean operating cost of you-run minus ops-run with standby pay at `standby`.
fn gap_at(standby: f64) -> f64 {
    let text = whoruns::edit::set(LINEAR, "costs.standby_per_hour", standby).unwrap();
    let s = whoruns::scenario::parse(&text, "linear.toml").unwrap();
    let o = runner::run(&s, Some(2), &|| {}).unwrap();
    let mean = |m: ModelKind| {
        let v: Vec<f64> = o
            .iter()
            .filter(|x| x.model == m)
            .map(|x| x.cost_operating)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    mean(ModelKind::YouRun) - mean(ModelKind::OpsRun)
}

#[test]
fn a_linear_break_even_is_found_within_its_interval() {
    // The break-even in closed form: the gap is linear in standby pay, so two points give it.
    let (g0, g50) = (gap_at(0.0), gap_at(50.0));
    assert!(g0 < 0.0 && g50 > 0.0, "the scenario must flip: {g0} {g50}");
    let known = 50.0 * -g0 / (g50 - g0);

    let base = whoruns::scenario::parse(LINEAR, "linear.toml").unwrap();
    let plan = breakeven::plan(
        LINEAR,
        &base,
        &Spec {
            params: vec!["costs.standby_per_hour".into(), "groups.sre.salary".into()],
            screen: None,
        },
    )
    .unwrap();
    let outcomes = runner::run(&plan.base, Some(2), &|| {}).unwrap();
    let a = breakeven::analyse(&plan, &outcomes, 0..2, Some(2), &|| {}, &|| false)
        .unwrap()
        .unwrap();
    let v = a
        .verdicts
        .iter()
        .position(|v| v.key == "cost_operating")
        .expect("you-run is the cheapest to run");
    assert_eq!(a.verdicts[v].winner, ModelKind::YouRun);
    let flips = a.flips_of(v);
    assert_eq!(flips.len(), 1, "only standby pay flips it: {flips:?}");
    let (entry, flip) = flips[0];
    assert_eq!(entry.key, "costs.standby_per_hour");
    assert!(flip.upward);
    assert_eq!(flip.challenger, ModelKind::OpsRun);
    assert!(
        flip.interval.0 <= known && known <= flip.interval.1,
        "{known} outside {:?}",
        flip.interval
    );
    assert!(
        (flip.at - known).abs() < 0.01 * 50.0,
        "{} vs {known}",
        flip.at
    );

    // SRE's salary cannot flip anything: no model compared employs SRE.
    let sre = a
        .entries
        .iter()
        .position(|e| e.key == "groups.sre.salary")
        .unwrap();
    let on_sre: Vec<_> = a.findings.iter().filter(|f| f.entry == sre).collect();
    assert_eq!(on_sre.len(), a.verdicts.len());
    assert!(on_sre.iter().all(|f| f.flip.is_none()));

    // The same in people's words.
    let s = whoruns::report::whatif::sentences(&a);
    assert!(
        s[v].starts_with("You run it is the cheapest to run unless standby pay exceeds $"),
        "{}",
        s[v]
    );
    assert!(
        !s.iter()
            .any(|x| x.contains("costs.") || x.contains("groups."))
    );
}

#[test]
fn the_ledger_lists_every_number_with_its_origin_and_range() {
    let o = whoruns()
        .args(["assumptions", "--csv"])
        .arg(bundled("baseline.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = String::from_utf8(o.stdout).unwrap();
    assert!(csv.starts_with("parameter,label,origin,kind,coordinate,value,range_low,range_high"));
    assert!(
        csv.contains("costs.standby_per_hour,standby pay,stated,standby pay,value,5,0,50,"),
        "{csv}"
    );
    assert!(
        csv.contains("salaries,every salary,stated,wage,factor,1,0.7,1.3,"),
        "{csv}"
    );
    // Targets are what verdicts are judged against, not assumptions.
    assert!(!csv.contains("services.*.availability_target"), "{csv}");
    for line in csv.lines().skip(1) {
        let label = line.split(',').nth(1).unwrap();
        assert!(
            !label.contains('.') && !label.contains('_'),
            "a raw key as a label: {line}"
        );
    }
    let table = whoruns()
        .arg("assumptions")
        .arg(bundled("baseline.toml"))
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("standby pay (costs.standby_per_hour)"),
        "{table}"
    );
}

#[test]
fn run_with_breakeven_puts_the_section_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("linear.toml");
    fs::write(&scenario, LINEAR).unwrap();
    let out = dir.path().join("out");
    let o = whoruns()
        .arg("run")
        .arg(&scenario)
        .args(["--breakeven", "-q", "-n", "12", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    let at = md
        .find("## What would have to be true")
        .expect("the section");
    assert!(at < md.find("## Results by model").unwrap());
    assert!(md.contains("unless standby pay exceeds"), "{md}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>What would have to be true</h2>"));
    let csv = fs::read_to_string(out.join("verdicts.csv")).unwrap();
    assert!(csv.starts_with(
        "verdict,metric,winner,runner_up,parameter,label,coordinate,current_value,break_even,interval_low,interval_high,range_low,range_high"
    ));
    assert!(out.join("assumptions.csv").exists());
    assert!(out.join("charts/breakeven_cost_operating.svg").exists());
    assert!(out.join("charts/breakeven_cost_operating.png").exists());

    // `whoruns report` re-draws the section from the saved analysis: the same report.
    let html_before = html.clone();
    let o = whoruns().arg("report").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read_to_string(out.join("report.md")).unwrap(), md);
    assert_eq!(
        fs::read_to_string(out.join("report.html")).unwrap(),
        html_before
    );
    // Naming the run's own reference keeps it.
    let o = whoruns()
        .arg("report")
        .arg(&out)
        .args(["--reference", "you-run", "-q", "--out"])
        .arg(dir.path().join("own-reference"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        fs::read_to_string(dir.path().join("own-reference/report.md"))
            .unwrap()
            .contains("What would have to be true")
    );
    // A report of other models than the run compared leaves it out.
    let o = whoruns()
        .arg("report")
        .arg(&out)
        .args(["--models", "ops-run,you-run", "-q", "--out"])
        .arg(dir.path().join("subset"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let subset = fs::read_to_string(dir.path().join("subset/report.md")).unwrap();
    assert!(!subset.contains("What would have to be true"));

    // A plain run stays as it was: no search, no section.
    let plain = dir.path().join("plain");
    let o = whoruns()
        .arg("run")
        .arg(&scenario)
        .args(["-q", "-n", "12", "--out"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        !fs::read_to_string(plain.join("report.md"))
            .unwrap()
            .contains("What would have to be true")
    );
    assert!(!plain.join("verdicts.csv").exists());
}

#[test]
fn breakeven_writes_its_files_and_refuses_unknown_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("linear.toml");
    fs::write(&scenario, LINEAR).unwrap();
    let out = dir.path().join("be");
    let o = whoruns()
        .arg("breakeven")
        .arg(&scenario)
        .args([
            "--params",
            "costs.standby_per_hour",
            "-n",
            "10",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "verdicts.csv",
        "assumptions.csv",
        "whatif.md",
        "scenario.toml",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let o = whoruns()
        .arg("breakeven")
        .arg(&scenario)
        .args(["--params", "costs.nope", "-q", "--out"])
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("costs.nope is not a parameter"));
}

#[test]
fn merged_breakeven_shards_equal_the_whole_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("linear.toml");
    fs::write(&scenario, LINEAR).unwrap();
    // Three assumptions: 7 shards leave some empty, which must merge too.
    crate::shards::shards_equal_whole(
        "breakeven",
        &scenario,
        &[
            "-n",
            "12",
            "--screen",
            "6",
            "--params",
            "costs.standby_per_hour,groups.ops.salary,costs.overhead_factor",
        ],
    );
}

#[test]
fn a_range_beside_a_value_is_the_ledgers_and_a_bad_one_is_refused_where_it_stands() {
    let text = LINEAR.replace(
        "standby_per_hour = 5.0",
        "standby_per_hour = { value = 5.0, range = [2, 30] }",
    );
    let s = whoruns::scenario::parse(&text, "linear.toml").unwrap();
    let l = whoruns::ledger::ledger(&text, &s).unwrap();
    let e = l
        .entries
        .iter()
        .find(|e| e.key == "costs.standby_per_hour")
        .unwrap();
    assert_eq!((e.value, e.range, e.range_stated), (5.0, (2.0, 30.0), true));
    // The value is the scenario's: the same results as the plain file.
    let plain = whoruns::scenario::parse(LINEAR, "linear.toml").unwrap();
    assert_eq!(s.costs.standby_per_hour, plain.costs.standby_per_hour);
    // A range that does not hold its value is refused at its place, by the command too.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(
        &bad,
        LINEAR.replace(
            "standby_per_hour = 5.0",
            "standby_per_hour = { value = 5.0, range = [10, 30] }",
        ),
    )
    .unwrap();
    let o = whoruns().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "bad.toml:7:43: costs.standby_per_hour: the value 5 lies outside its own range [10, 30]"
        ),
        "{err}"
    );
}

#[test]
fn ranged_rates_move_in_their_unit_and_every_element_states_its_range() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rate.toml");
    fs::write(
        &file,
        LINEAR.replace(
            "background_incidents = \"1/month\"",
            "background_incidents = { value = \"1/month\", range = [\"0.5/month\", \"3/month\"] }",
        ),
    )
    .unwrap();
    let o = whoruns()
        .arg("sensitivity")
        .arg(&file)
        .args([
            "-n",
            "4",
            "-q",
            "--params",
            "service_defaults.background_incidents",
            "--out",
        ])
        .arg(dir.path().join("sens"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // One service of four ranged: the range would move the other three too.
    let partial = LINEAR.replacen(
        "name = \"s1\"\nteam = \"a\"",
        "name = \"s1\"\nteam = \"a\"\ndeploys_per_week = { value = 2, range = [1, 4] }",
        1,
    );
    let partial = partial.replace(
        "name = \"s2\"\nteam = \"b\"",
        "name = \"s2\"\nteam = \"b\"\ndeploys_per_week = 3",
    );
    let e = whoruns::scenario::parse(&partial, "partial.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("services.*.deploys_per_week: 1 of the 2 elements stating it give a range"),
        "{e}"
    );
}

/// The outcomes of `text` (a bundled scenario, `name`) on its first three replications.
fn first_three(text: &str, name: &str) -> (whoruns::Scenario, Vec<whoruns::Outcome>) {
    let mut s = whoruns::scenario::parse(text, name).unwrap();
    s.set_replications(3).unwrap();
    let o = runner::run(&s, Some(2), &|| {}).unwrap();
    (s, o)
}

/// Where two debug texts first differ, with some text either side.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = a.floor_char_boundary(at.saturating_sub(120));
    let around = |s: &str| s[from..s.ceil_char_boundary((at + 80).min(s.len()))].to_string();
    format!(
        "\n  priced again: …{}…\n  simulated:    …{}…",
        around(a),
        around(b)
    )
}

/// Pricing again is simulating, for every ledger entry that moves prices only: on each
/// bundled scenario with a comparison, the run's outcomes priced again at each end of such
/// an entry's range equal the outcomes simulated there, every field bit for bit (the
/// quarterly figures, which pricing again leaves out, apart). The comparison has teeth: an
/// entry that moves more than prices gives outcomes pricing again cannot reach.
#[test]
fn pricing_again_is_simulating_for_every_price() {
    let mut checked = 0;
    for name in ["baseline.toml", "large-estate.toml", "frontier-small.toml"] {
        let text = fs::read_to_string(bundled(name)).unwrap();
        let (base, today) = first_three(&text, name);
        let ledger = whoruns::ledger::ledger(&text, &base).unwrap();
        for e in ledger.entries.iter().filter(|e| e.priced_only()) {
            for end in [e.range.0, e.range.1] {
                let (s, simulated) = first_three(&e.apply(&text, end).unwrap(), name);
                assert_eq!(today.len(), simulated.len());
                for (o, sim) in today.iter().zip(&simulated) {
                    let mut sim = sim.clone();
                    sim.quarters = Vec::new();
                    let priced = whoruns::engine::reprice(&s, o);
                    assert!(
                        priced == sim,
                        "{name}: {} at {end}: pricing again and simulating differ: {}",
                        e.key,
                        first_difference(&format!("{priced:?}"), &format!("{sim:?}"))
                    );
                }
                checked += 1;
            }
        }
        // Teeth: the smallest rota changes staffing, which pricing again cannot see.
        let rota = ledger
            .entries
            .iter()
            .find(|e| e.key == "costs.min_rota_size")
            .unwrap();
        assert!(!rota.priced_only());
        let (s, simulated) = first_three(&rota.apply(&text, rota.range.1).unwrap(), name);
        assert!(
            today
                .iter()
                .zip(&simulated)
                .any(
                    |(o, sim)| whoruns::engine::reprice(&s, o).cost_operating != sim.cost_operating
                ),
            "{name}: the smallest rota at {} should change what a model costs",
            rota.range.1
        );
    }
    assert!(checked >= 20, "only {checked} ends of prices checked");
}
