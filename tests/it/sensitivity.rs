//! `whoruns sensitivity`: one-at-a-time moves of stated parameters, sorted by effect, with
//! the parameters that reverse the comparison marked.

use std::fs;

use crate::cli::whoruns;
use crate::common::bundled;

#[test]
fn a_parameter_that_reverses_the_comparison_is_marked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("s");
    let o = whoruns()
        .arg("sensitivity")
        .arg(bundled("baseline.toml"))
        .args([
            "--params",
            "groups.ops.salary,costs.standby_per_hour",
            "--range",
            "0.95",
            "--models",
            "you-run,ops-run",
            "-n",
            "4",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("sensitivity");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("sensitivity.csv")).expect("csv");
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2 * 2, "two parameters × two outputs: {csv}");
    // Ops' salaries at 5% of the stated ones make ops-run cheaper to run than you-run:
    // the difference you-run − ops-run changes sign. Standby pay at ±95% cannot (every
    // team owns a 99.9% service, so its own rota answers for its domain-rota services at
    // night and no domain rota adds standby).
    let cost: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r[0] == "cost_operating:you-run-ops-run")
        .collect();
    assert_eq!(
        cost[0][1], "groups.ops.salary",
        "largest effect first: {csv}"
    );
    assert_eq!(cost[0][15], "true", "{csv}");
    assert_eq!(cost[1][1], "costs.standby_per_hour");
    assert_eq!(cost[1][15], "false", "{csv}");
    for chart in ["tornado.png", "tornado.svg", "tornado_availability.png"] {
        assert!(out.join("charts").join(chart).exists(), "{chart}");
    }
}

#[test]
fn an_unknown_parameter_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = whoruns()
        .arg("sensitivity")
        .arg(bundled("baseline.toml"))
        .args(["--params", "costs.nope", "-n", "2", "--out"])
        .arg(dir.path().join("s"))
        .output()
        .expect("sensitivity");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("costs.nope"));
    assert!(!dir.path().join("s").exists());
}

#[test]
fn a_stated_range_is_used_instead_of_the_relative_move() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = fs::read_to_string(bundled("baseline.toml")).expect("baseline")
        + "\n[sensitivity]\nrange = 0.1\n[sensitivity.ranges]\n\"costs.standby_per_hour\" = [0.0, 20.0]\n";
    let file = dir.path().join("with-ranges.toml");
    fs::write(&file, text).expect("write");
    let out = dir.path().join("s");
    let o = whoruns()
        .arg("sensitivity")
        .arg(&file)
        .args(["--params", "costs.standby_per_hour,costs.callout_per_page"])
        .args(["--models", "you-run,ops-run", "-n", "3", "-q", "--out"])
        .arg(&out)
        .output()
        .expect("sensitivity");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("sensitivity.csv")).expect("csv");
    let row = |p: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.starts_with("cost_operating") && l.contains(p))
            .unwrap_or_else(|| panic!("{p}: {csv}"))
            .split(',')
            .map(str::to_string)
            .collect()
    };
    let standby = row("standby_per_hour");
    assert_eq!(
        (standby[4].as_str(), standby[5].as_str()),
        ("0.0", "20.0"),
        "{csv}"
    );
    let callout = row("callout_per_page");
    assert_eq!(
        (callout[2].as_str(), callout[3].as_str()),
        ("0.9", "1.1"),
        "{csv}"
    );
}

/// A point that moves prices only (salaries, standby pay, revenue) is the base's outcomes
/// priced again instead of simulated: every value equals simulating the point, for a salary,
/// the salaries lever and revenue, and a point that moves more is still simulated.
#[test]
fn priced_points_equal_simulated_points() {
    use whoruns::sensitivity::{self, BASE, Side, SideValues, Spec};
    let text = fs::read_to_string(bundled("baseline.toml")).expect("baseline");
    let mut base = whoruns::scenario::parse(&text, "baseline.toml").expect("parses");
    base.set_replications(3).expect("replications");
    let spec = Spec {
        params: [
            "groups.ops.salary",
            "salaries",
            "costs.standby_per_hour",
            "costs.min_rota_size",
        ]
        .map(String::from)
        .to_vec(),
        ..Spec::default()
    };
    let plan = sensitivity::plan(&text, &base, &spec).expect("plan");
    let n = plan.points.len() as u32;
    let got = sensitivity::simulate(&plan, 0..n, true, Some(2), &|| {}, &|| false)
        .expect("simulates")
        .expect("not stopped");
    let outputs = plan.outputs();
    let mut expected: Vec<SideValues> = Vec::new();
    let run = |s: &whoruns::Scenario| whoruns::runner::run(s, Some(2), &|| {}).expect("runs");
    let b = run(&plan.base);
    for o in &outputs {
        expected.push(SideValues {
            point: BASE,
            output: o.name(),
            side: Side::Base,
            values: o.values(&b),
        });
    }
    for (i, p) in plan.points.iter().enumerate() {
        let (l, h) = (run(&p.low), run(&p.high));
        for o in &outputs {
            for (side, outcomes) in [(Side::Low, &l), (Side::High, &h)] {
                expected.push(SideValues {
                    point: i as u32,
                    output: o.name(),
                    side,
                    values: o.values(outcomes),
                });
            }
        }
    }
    assert_eq!(got, expected);
}
