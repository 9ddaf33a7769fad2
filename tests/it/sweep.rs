//! `whoruns sweep` on the bundled sweep scenarios: every model at every value, common
//! random numbers across values, the same bytes for any thread count, and errors that
//! name the parameter.

use std::fs;
use std::path::Path;

use crate::cli::whoruns;
use crate::common::bundled;

fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    whoruns()
        .arg("sweep")
        .arg(bundled("sweep-estate.toml"))
        .arg("--out")
        .arg(out)
        .args(["-n", "4", "--steps", "3", "-q"])
        .args(extra)
        .output()
        .expect("sweep")
}

/// Column `name` of a CSV, as text, per row.
fn column(csv: &str, name: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let i = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    // The parameter column is quoted and holds a comma: split on it first.
    lines
        .map(|l| {
            let rest = l.split_once('"').map_or(l.to_string(), |(a, b)| {
                let (_, after) = b.split_once('"').unwrap_or(("", b));
                format!("{a}P{after}")
            });
            rest.split(',').nth(i).unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn a_sweep_runs_every_model_at_every_value_with_common_random_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let o = sweep(&one, &["--threads", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(sweep(&two, &["--threads", "2"]).status.success());
    for f in ["sweep.csv", "sweep.parquet", "crossovers.csv"] {
        assert_eq!(
            fs::read(one.join(f)).expect("one"),
            fs::read(two.join(f)).expect("two"),
            "{f} depends on the thread count"
        );
    }
    let csv = fs::read_to_string(one.join("sweep.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 1 + 3 * 6, "{csv}");
    let header = csv.lines().next().unwrap_or("");
    for m in whoruns::sweep::metric_names() {
        for s in ["mean", "low", "high"] {
            assert!(header.contains(&format!("{m}_{s}")), "{header}");
        }
    }
    for tier in ["99.95", "99.9", "99.5", "99"] {
        assert!(
            header.contains(&format!(",met_tier_{tier}_mean,")),
            "{header}"
        );
    }
    let values: Vec<String> = column(&csv, "value");
    assert_eq!(values[0], "24.0");
    assert_eq!(values[17], "400.0");
    // You run it neither uses nor pays for the shared functions: with the same seeds at
    // every estate size, its figures are identical across the sweep (common random
    // numbers), while ops-run's operating cost falls as the estate grows.
    let models = column(&csv, "model");
    let cost = column(&csv, "cost_operating_mean");
    let of = |m: &str| -> Vec<&String> {
        models
            .iter()
            .zip(&cost)
            .filter(|(k, _)| k.as_str() == m)
            .map(|(_, c)| c)
            .collect()
    };
    let you = of("you-run");
    assert!(you.iter().all(|c| *c == you[0]), "{you:?}");
    let ops: Vec<f64> = of("ops-run")
        .iter()
        .map(|c| c.parse().expect("number"))
        .collect();
    assert!(ops[0] > ops[1] && ops[1] > ops[2], "{ops:?}");
    for m in whoruns::sweep::metric_names() {
        assert!(one.join(format!("charts/sweep_{m}.png")).exists());
        let svg = fs::read_to_string(one.join(format!("charts/sweep_{m}.svg"))).expect("svg");
        assert!(!svg.contains("<text"), "{m}: text left in the SVG");
    }
    let cross = fs::read_to_string(one.join("crossovers.csv")).expect("crossovers");
    assert!(
        cross.starts_with("parameter,metric,lower_before,lower_after,at,ci95_low,ci95_high"),
        "{cross}"
    );
}

#[test]
fn sweep_errors_name_the_parameter_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    for (param, says) in [
        ("costs.nope=1..2", "nope"),
        ("name=1..2", "not a number"),
        (
            "services.*.availability_target=0.9..1.5",
            "availability_target",
        ),
        ("costs.standby_per_hour", "PATH=START..END"),
    ] {
        let o = sweep(&out, &["--param", param]);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{param}: {e}");
        assert!(e.contains(says), "{param}: {e}");
        assert!(!out.exists(), "{param}: wrote output");
    }
}

#[test]
fn a_precise_sweep_runs_every_value_with_the_same_number_of_replications() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p");
    let o = whoruns()
        .arg("sweep")
        .arg(bundled("sweep-estate.toml"))
        .arg("--out")
        .arg(&out)
        .args(["-n", "3", "--steps", "3", "--precision", "0.3"])
        .output()
        .expect("sweep");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("precision 30.0%: every value run with"),
        "{stdout}"
    );
    let csv = fs::read_to_string(out.join("sweep.csv")).expect("csv");
    let reps = column(&csv, "replications");
    assert!(reps.iter().all(|r| *r == reps[0]), "{reps:?}");
    assert!(reps[0].parse::<u32>().expect("count") > 3, "{reps:?}");
}

#[test]
fn a_grid_of_two_parameters_maps_the_winner_at_every_pair() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("g");
    let o = whoruns()
        .arg("sweep")
        .arg(bundled("large-estate.toml"))
        .args([
            "--param",
            "groups.ops.estate_services, groups.sre.estate_services=24..400:log",
            "--param",
            "groups.ops.salary=60000..160000",
            "--steps",
            "3",
            "-n",
            "4",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("sweep");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("sweep.csv")).expect("csv");
    assert!(
        csv.starts_with("model,parameter,value,parameter_2,value_2,replications,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 9 * 6);
    let winners = fs::read_to_string(out.join("winners.csv")).expect("winners");
    let cost: Vec<&str> = winners
        .lines()
        .filter(|l| l.contains(",cost_operating,"))
        .collect();
    assert_eq!(cost.len(), 9, "{winners}");
    // The smallest estate at the highest ops salary: nothing shared, you-run cheapest;
    // the largest at the lowest salary: ops-run.
    assert!(
        cost[2].contains(",24.0,") && cost[2].contains(",you-run,"),
        "{}",
        cost[2]
    );
    assert!(
        cost[6].contains(",400.0,") && cost[6].contains(",ops-run,"),
        "{}",
        cost[6]
    );
    assert!(out.join("charts/map_cost_operating.png").exists());
    assert!(!out.join("crossovers.csv").exists());
}

/// A grid over a price (standby pay) and a mechanism (the smallest rota): the points that
/// differ only in the price are one simulation priced again, and every cell equals
/// simulating its point.
#[test]
fn points_that_differ_only_in_prices_equal_their_simulations() {
    use whoruns::axis::{Axis, Scale};
    let text = std::fs::read_to_string(crate::common::bundled("baseline.toml")).expect("reads");
    let mut base = whoruns::scenario::parse(&text, "baseline.toml").expect("parses");
    base.set_replications(2).expect("replications");
    let axes = vec![
        Axis::parse("costs.standby_per_hour=0..20", 3, Scale::Linear).expect("axis"),
        Axis::parse("costs.min_rota_size=4..6", 2, Scale::Linear).expect("axis"),
    ];
    let mut plan = whoruns::sweep::plan(&text, &base, axes).expect("plan");
    let n = plan.points.len();
    let got = whoruns::sweep::simulate(&mut plan, 0..n, Some(2), None, &|| {}, &|| false)
        .expect("simulates")
        .expect("not stopped");
    assert_eq!(got.cells.len(), 6);
    for (p, cells) in plan.points.iter().zip(&got.cells) {
        let outcomes = whoruns::runner::run(&p.scenario, Some(2), &|| {}).expect("runs");
        let expected = whoruns::sweep::cells(&p.scenario, p.value, &outcomes);
        for (g, e) in cells.iter().zip(&expected) {
            assert_eq!(
                (g.model, &g.values, &g.tiers),
                (e.model, &e.values, &e.tiers)
            );
        }
    }
}
