//! `whoruns calibrate`: the sample log reproduces the parameters of the scenario that
//! generated it (the round trip), the fragment validates once joined with an organisation,
//! vendor layouts are read, bad rows are skipped and counted, and unusable logs fail
//! cleanly.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use whoruns::calibrate::fit::{Family, Fit};
use whoruns::calibrate::log::{self, ReadOptions};
use whoruns::calibrate::{self, Calibration, FitOptions, Profile, Source};
use whoruns::dist::Dist;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/data")
        .join(name)
}

fn whoruns() -> Command {
    Command::cargo_bin("whoruns").unwrap()
}

fn calibrate_file(path: &Path) -> (log::Log, Calibration) {
    let frame = log::scan_csv(path).unwrap();
    let log = log::read(frame, &ReadOptions::default()).unwrap();
    let cal = calibrate::calibrate(&log, FitOptions::default()).unwrap();
    (log, cal)
}

/// A scenario distribution as a fit with the same parameters (for its quantiles).
fn as_fit(d: &Dist) -> Fit {
    let (family, a, b) = match d {
        Dist::LogNormal(_, mu, sigma) => (Family::LogNormal, *mu, *sigma),
        Dist::Gamma(_, k, theta) => (Family::Gamma, *k, *theta),
        Dist::Weibull(_, k, lambda) => (Family::Weibull, *k, *lambda),
        other => panic!("the sample uses only the three families, not {other:?}"),
    };
    Fit {
        family,
        a,
        b,
        log_likelihood: 0.0,
    }
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// The committed sample is exactly what its documented, seeded generator writes.
#[test]
fn sample_log_is_what_its_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    whoruns()
        .args(["run", "--incident-log", "--no-report", "-q", "-o"])
        .arg(&out)
        .arg(data("sample-generator.toml"))
        .assert()
        .success();
    let generated = std::fs::read_to_string(out.join("incident-log-you-run.csv")).unwrap();
    let committed = std::fs::read_to_string(data("sample-incidents.csv")).unwrap();
    assert!(
        generated == committed,
        "scenarios/data/sample-incidents.csv differs from its generator's output; regenerate it (see sample-generator.toml)"
    );
}

/// Calibrating the sample recovers every parameter it was generated with, within
/// sampling error (four standard errors; one seed, so each check is deterministic).
#[test]
fn sample_log_recovers_its_generating_parameters() {
    let truth = whoruns::scenario::parse(
        &std::fs::read_to_string(data("sample-generator.toml")).unwrap(),
        "sample-generator.toml",
    )
    .unwrap();
    let (log, cal) = calibrate_file(&data("sample-incidents.csv"));
    assert!(log.skipped.is_empty(), "{:?}", log.skipped);
    assert_eq!(cal.services.len(), truth.services.len());
    assert_eq!(cal.severities, ["SEV1", "SEV2", "SEV3"]);
    for s in &cal.services {
        let t = truth.services.iter().find(|t| t.name == s.name).unwrap();
        // Arrivals: a Poisson count's standard error is its square root.
        let rate = t.background_rate_per_hour * 168.0;
        let se = (s.incidents as f64).sqrt().max(1.0) / cal.weeks;
        assert!(
            (s.arrivals_per_week - rate).abs() <= 4.0 * se,
            "{}: {} a week against {rate}",
            s.name,
            s.arrivals_per_week
        );
        assert!(
            s.arrivals_per_week_low <= rate && rate <= s.arrivals_per_week_high,
            "{}: 95% interval misses {rate}",
            s.name
        );
        assert_eq!(s.team.as_deref(), Some(truth.teams[t.team].name.as_str()));
        // Poisson arrivals: the index-of-dispersion test does not reject at 0.1%.
        assert!(
            s.dispersion_p_value.unwrap() > 0.001,
            "{}: dispersion {:?}",
            s.name,
            s.dispersion
        );
        if s.name == "legacy-reports" {
            assert_eq!(s.effort.source, Source::Pooled, "too few incidents: pooled");
            assert_eq!(s.severity_source, Source::Pooled);
            continue;
        }
        // Effort: median and p90 of the chosen fit against the truth's, in log terms.
        assert_eq!(s.effort.source, Source::Service, "{}", s.name);
        let fitted = s.effort.choice.as_ref().unwrap();
        let true_fit = as_fit(&t.effort);
        let spread = (true_fit.quantile(0.9) / true_fit.quantile(0.5)).ln() / 1.2816;
        let n = fitted.n as f64;
        for (p, factor) in [(0.5, 1.0), (0.9, 1.4)] {
            let (got, want) = (fitted.best.quantile(p), true_fit.quantile(p));
            assert!(
                (got / want).ln().abs() <= 4.0 * factor * spread / n.sqrt(),
                "{}: effort q{p} {got:.3} h against {want:.3} h ({})",
                s.name,
                fitted.best.describe()
            );
        }
        assert!(
            fitted.ks_p_value > 0.01,
            "{}: KS rejects the fit: {fitted:?}",
            s.name
        );
        // Severity shares.
        let shares = s.severity_shares(&cal.pooled_severity_counts);
        for (sev, share) in t.severities.iter().zip(&shares) {
            let se = (sev.share * (1.0 - sev.share) / s.incidents as f64).sqrt();
            assert!(
                (share - sev.share).abs() <= 4.0 * se,
                "{}: {} share {share:.3} against {}",
                s.name,
                sev.name,
                sev.share
            );
        }
        // Arrival profile: recovered where there is one, flat where there is none.
        let truth_week = t.arrival_profile.clone();
        // The recovered weights, turned back into counts, must be a plausible draw from
        // the true profile: a chi-square test against it does not reject at 0.1%.
        let consistent = |weights: &[f64], truth: &[f64]| {
            let n = s.incidents as f64;
            let (sw, st) = (weights.iter().sum::<f64>(), truth.iter().sum::<f64>());
            let chi: f64 = weights
                .iter()
                .zip(truth)
                .map(|(w, t)| {
                    let (o, e) = (w / sw * n, t / st * n);
                    (o - e).powi(2) / e
                })
                .sum();
            let p = whoruns::special::chi_square_sf(chi, (weights.len() - 1) as f64);
            assert!(
                p > 0.001,
                "{}: profile departs from the truth (chi-square p {p:.5}): {weights:?}",
                s.name
            );
            assert!(correlation(weights, truth) > 0.6, "{}: {weights:?}", s.name);
        };
        match (&s.profile, &truth_week) {
            (Profile::HourOfWeek { weights, .. }, Some(w)) => consistent(weights, w),
            (Profile::HourOfDay { weights, .. }, Some(w)) => {
                let day: Vec<f64> = (0..24).map(|h| w[h]).collect();
                consistent(weights, &day);
            }
            (Profile::Flat { .. }, None) => {}
            (got, want) => panic!("{}: profile {got:?} where the truth is {want:?}", s.name),
        }
    }
    let search = cal
        .services
        .iter()
        .find(|s| s.name == "search-api")
        .unwrap();
    assert!(
        matches!(search.profile, Profile::HourOfWeek { .. }),
        "weekends differ: {:?}",
        search.profile
    );
    // Time to acknowledge, pooled: exponential with mean 4 minutes.
    let tta = cal.pooled_tta.as_ref().unwrap();
    let (median, p90) = (4.0 / 60.0 * 2f64.ln(), 4.0 / 60.0 * 10f64.ln());
    let n = tta.n as f64;
    assert!(
        (tta.best.quantile(0.5) / median).ln().abs() < 4.0 / n.sqrt() * 1.5,
        "{tta:?}"
    );
    assert!(
        (tta.best.quantile(0.9) / p90).ln().abs() < 4.0 / n.sqrt() * 1.5,
        "{tta:?}"
    );
}

/// Over many seeds, the rate's 95% interval covers the truth about 95% of the time: the
/// interval is honest, not merely wide.
#[test]
fn arrival_interval_covers_the_truth_at_its_level() {
    let text = r#"
name = "one"
horizon = "365d"
replications = 2
models = ["you-run"]
[[teams]]
name = "t"
[[services]]
name = "s"
team = "t"
background_incidents = "2/week"
deploys_per_week = 0
"#;
    let mut covered = 0;
    let runs = 60;
    for seed in 0..runs {
        let mut s = whoruns::scenario::parse(text, "one.toml").unwrap();
        s.seed = seed;
        // The truth is a stationary rate.
        s.learning.incentive = 0.0;
        let csv = whoruns::calibrate::write::incident_log(&s, whoruns::ModelKind::YouRun, 0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        std::fs::write(&path, csv).unwrap();
        let (_, cal) = calibrate_file(&path);
        let f = &cal.services[0];
        if f.arrivals_per_week_low <= 2.0 && 2.0 <= f.arrivals_per_week_high {
            covered += 1;
        }
    }
    // Binomial(60, 0.95): 57 expected; fewer than 52 has probability below 0.2%.
    assert!(covered >= 52, "covered {covered} of {runs}");
}

/// The fragment, pasted after the sample organisation, is a scenario `whoruns validate`
/// accepts — and runs.
#[test]
fn fragment_validates_once_joined_with_an_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal");
    whoruns()
        .args(["calibrate", "-q", "--no-charts", "-o"])
        .arg(&out)
        .arg(data("sample-incidents.csv"))
        .assert()
        .success();
    let fragment = std::fs::read_to_string(out.join("scenario-fragment.toml")).unwrap();
    let org = std::fs::read_to_string(data("sample-organisation.toml")).unwrap();
    let joined = dir.path().join("joined.toml");
    std::fs::write(&joined, format!("{org}\n{fragment}")).unwrap();
    whoruns().arg("validate").arg(&joined).assert().success();
    whoruns()
        .args(["run", "-n", "2", "--no-report", "-q", "-o"])
        .arg(dir.path().join("run"))
        .arg(&joined)
        .assert()
        .success();
    // Alone, the fragment is not a scenario: it needs the organisation's teams.
    let alone = dir.path().join("alone.toml");
    std::fs::write(&alone, &fragment).unwrap();
    whoruns().arg("validate").arg(&alone).assert().code(2);
    let fit = std::fs::read_to_string(out.join("fit.csv")).unwrap();
    let header = fit.lines().next().unwrap();
    for column in [
        "service",
        "incidents",
        "arrivals_per_week",
        "ttr_distribution",
        "ttr_median_hours",
        "ttr_p90_hours",
        "ks_statistic",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "fit.csv lacks {column}: {header}"
        );
    }
}

fn run_calibrate(file: &Path, extra: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let output = whoruns()
        .args(["calibrate", "-o"])
        .arg(dir.path().join("out"))
        .args(extra)
        .arg(file)
        .output()
        .unwrap();
    (output, dir)
}

/// The vendor examples are read with their layouts; their bad rows are skipped, counted
/// per reason on stderr and listed in skipped.csv. The summaries are snapshots.
#[test]
fn vendor_examples_are_read_and_bad_rows_counted() {
    let mut shown = String::new();
    for (file, reasons) in [
        (
            "pagerduty-example.csv",
            vec![
                "missing_timestamp",
                "unparseable_timestamp",
                "unknown_severity",
                "duplicate_id",
                "resolved_before_created",
                "mixed_time_zone_offsets",
            ],
        ),
        (
            "incident-io-example.csv",
            vec![
                "missing_id",
                "missing_service",
                "unparseable_timestamp",
                "unknown_severity",
                "acknowledged_before_created",
            ],
        ),
        (
            "pagerduty-api-example.json",
            vec![
                "duplicate_id",
                "acknowledged_after_resolved",
                "unknown_severity",
                "unparseable_timestamp",
            ],
        ),
    ] {
        let (output, dir) = run_calibrate(&data(file), &["--min-incidents", "5"]);
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let skipped = std::fs::read_to_string(dir.path().join("out/skipped.csv")).unwrap();
        let mut got: Vec<&str> = skipped
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(3).unwrap())
            .collect();
        got.sort_unstable();
        let mut want = reasons.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{file}");
        let fragment =
            std::fs::read_to_string(dir.path().join("out/scenario-fragment.toml")).unwrap();
        assert!(fragment.contains("[[services]]"));
        shown.push_str(&format!(
            "$ whoruns calibrate scenarios/data/{file} --min-incidents 5\n{}\n",
            stderr.replace(&data("").display().to_string(), "scenarios/data/")
        ));
    }
    insta::assert_snapshot!("vendor_examples", shown);
}

/// Logs calibrate cannot use fail with exit 2 and a message, and write nothing.
#[test]
fn unusable_logs_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.csv", Vec::new()),
        ("header-only.csv", b"id,service,severity,created_at,acknowledged_at,resolved_at\n".to_vec()),
        ("unknown-header.csv", b"when,what,how long\n2024-01-01,db,4h\n".to_vec()),
        (
            "all-bad.csv",
            b"id,service,severity,created_at,acknowledged_at,resolved_at\n1,a,SEV1,yesterday,,\n2,a,,2024-01-01T00:00:00Z,,\n".to_vec(),
        ),
        (
            "one-incident.csv",
            b"id,service,severity,created_at,acknowledged_at,resolved_at\n1,a,SEV1,2024-01-01T00:00:00Z,,2024-01-01T01:00:00Z\n".to_vec(),
        ),
        ("binary.csv", vec![0xff, 0xfe, 0x00, 0x01, b',', b'\n', 0x80, 0x81, b'\n']),
        (
            "semicolons.csv",
            b"id;service;severity;created_at;acknowledged_at;resolved_at\n1;a;SEV1;2024-01-01T00:00:00Z;;\n".to_vec(),
        ),
    ];
    let mut shown = String::new();
    for (name, bytes) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let output = whoruns()
            .args(["calibrate", "-o"])
            .arg(&out)
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {output:?}");
        assert!(!out.exists(), "{name}: nothing may be written");
        let stderr = String::from_utf8_lossy(&output.stderr)
            .replace(&dir.path().display().to_string(), "DIR");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        shown.push_str(&format!("$ whoruns calibrate {name}\n{stderr}\n"));
    }
    for (what, arg) in [("missing", "no-such-file.csv"), ("folder", ".")] {
        let path = dir.path().join(arg);
        let output = whoruns()
            .args(["calibrate", "-o"])
            .arg(dir.path().join("x"))
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{what}");
        shown.push_str(&format!(
            "$ whoruns calibrate {arg}\n{}\n",
            String::from_utf8_lossy(&output.stderr)
                .replace(&dir.path().display().to_string(), "DIR")
        ));
    }
    let output = whoruns()
        .args(["calibrate", "--severity-column", "priority", "-o"])
        .arg(dir.path().join("z"))
        .arg(data("sample-incidents.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    shown.push_str(&format!(
        "$ whoruns calibrate --severity-column priority sample-incidents.csv\n{}\n",
        String::from_utf8_lossy(&output.stderr)
            .replace(&data("").display().to_string(), "scenarios/data/")
    ));
    let output = whoruns()
        .args(["calibrate", "--format", "pagerduty", "-o"])
        .arg(dir.path().join("y"))
        .arg(data("sample-incidents.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    shown.push_str(&format!(
        "$ whoruns calibrate --format pagerduty sample-incidents.csv\n{}\n",
        String::from_utf8_lossy(&output.stderr)
            .replace(&data("").display().to_string(), "scenarios/data/")
    ));
    insta::assert_snapshot!("unusable_logs", shown);
}

/// An existing calibration is not replaced without --force; with it, the user's own files
/// in the folder are kept.
#[test]
fn results_are_not_destroyed_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal");
    let go = |force: bool| {
        let mut c = whoruns();
        c.args(["calibrate", "-q", "--no-charts", "-o"])
            .arg(&out)
            .arg(data("sample-incidents.csv"));
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    assert!(go(false).status.success());
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    assert_eq!(go(false).status.code(), Some(2));
    assert!(go(true).status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// The sample's fit table and fragment, as the user sees them.
#[test]
fn sample_outputs_snapshot() {
    let (output, dir) = run_calibrate(&data("sample-incidents.csv"), &[]);
    assert!(output.status.success());
    let stdout =
        String::from_utf8_lossy(&output.stdout).replace(&dir.path().display().to_string(), "DIR");
    insta::assert_snapshot!("sample_table", stdout);
    let fragment = std::fs::read_to_string(dir.path().join("out/scenario-fragment.toml")).unwrap();
    insta::assert_snapshot!("sample_fragment", fragment);
    for page in [
        "charts/effort_fit_1.svg",
        "charts/effort_fit_1.png",
        "charts/ttr_fit_1.svg",
        "charts/ttr_fit_1.png",
    ] {
        assert!(dir.path().join("out").join(page).exists(), "{page}");
    }
    // Deck style: text as outlines (no font needed), the message title kept as words. The
    // chart of the fit the fragment uses speaks about that fit; restore times are shown
    // for comparison, with their rejections.
    let svg = std::fs::read_to_string(dir.path().join("out/charts/effort_fit_1.svg")).unwrap();
    assert!(!svg.contains("<text"), "text must be outlined");
    assert!(
        svg.contains("Hands-on time, the fragment&apos;s effort: a lognormal fits best for 4 of 7"),
        "the title's words in an aria-label"
    );
    assert!(svg.contains("rejects none at 5%"));
    assert!(svg.contains("legacy-reports"));
    let svg = std::fs::read_to_string(dir.path().join("out/charts/ttr_fit_1.svg")).unwrap();
    assert!(
        svg.contains("for comparison"),
        "restore times are for comparison"
    );
    assert!(svg.contains("fit for basket and search-api"), "{svg:.300}");
}

/// `--incident-log` cannot be combined with shards.
#[test]
fn incident_log_refuses_shards() {
    let dir = tempfile::tempdir().unwrap();
    whoruns()
        .args(["run", "--incident-log", "--shard", "1/2", "-o"])
        .arg(dir.path().join("x"))
        .arg(data("sample-generator.toml"))
        .assert()
        .code(2);
}

mod properties {
    use proptest::prelude::*;
    use whoruns::calibrate::{self, FitOptions, fit, log};

    /// Values a row's fields are drawn from: valid ones and every kind of bad one.
    fn stamp() -> impl Strategy<Value = String> {
        prop_oneof![
            (0i64..2_000_000).prop_map(|s| whoruns::calibrate::time::format_utc(1_704_067_200 + s)),
            (0i64..2_000_000)
                .prop_map(|s| whoruns::calibrate::time::format_utc(1_704_067_200 + s)
                    .replace('Z', "+01:00")),
            Just(String::new()),
            Just("yesterday".to_string()),
            Just("2024-02-30T00:00:00Z".to_string()),
        ]
    }

    fn row() -> impl Strategy<Value = [String; 6]> {
        (
            prop_oneof![
                Just(String::new()),
                (0u8..40).prop_map(|i| format!("INC-{i}"))
            ],
            prop_oneof![
                Just(String::new()),
                Just("api".to_string()),
                Just("db, cache".to_string())
            ],
            prop_oneof![
                Just("SEV1".to_string()),
                Just("SEV2".to_string()),
                Just(String::new()),
                Just("n/a".to_string())
            ],
            stamp(),
            stamp(),
            stamp(),
        )
            .prop_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        /// Conservation of rows: every row is kept (whole or in part) or dropped, never
        /// lost; and no estimate loses a row whose fields for it are valid: each estimate's
        /// sample is exactly the rows (first of each id) whose fields it needs parse and are
        /// in order, worked out here independently of the reader.
        #[test]
        fn no_estimate_loses_a_row_whose_fields_are_valid(rows in proptest::collection::vec(row(), 0..60)) {
            let mut text = String::from("id,service,severity,created_at,acknowledged_at,resolved_at\n");
            for r in &rows {
                let fields: Vec<String> = r.iter().map(|f| whoruns::calibrate::write::quote(f)).collect();
                text.push_str(&fields.join(","));
                text.push('\n');
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("log.csv");
            std::fs::write(&path, &text).unwrap();
            let log = log::read(log::scan_csv(&path).unwrap(), &log::ReadOptions::default()).unwrap();
            prop_assert_eq!(log.rows, rows.len());
            let (whole, in_part, dropped) = log.fates();
            prop_assert_eq!(whole + in_part + dropped, rows.len());
            prop_assert_eq!(log.records.len(), whole + in_part);

            // What each row's fields support, worked out from the text alone.
            let parse = |v: &str| whoruns::calibrate::time::parse(v).ok().map(|s| s.unix_seconds);
            let placeholder = ["", "unknown", "none", "n/a", "na", "null", "-", "?", "tbd"];
            let mut seen = std::collections::HashSet::new();
            let (mut rate, mut ttr, mut effort, mut tta, mut severity) = (
                std::collections::BTreeMap::<String, usize>::new(), 0, 0, 0, 0,
            );
            let mut service_ttr = std::collections::BTreeMap::<String, usize>::new();
            for [id, service, sev, created, acknowledged, resolved] in &rows {
                let c = parse(created);
                let r = parse(resolved).filter(|r| c.is_none_or(|c| *r >= c));
                let a = parse(acknowledged)
                    .filter(|a| c.is_none_or(|c| *a >= c) && r.is_none_or(|r| *a <= r));
                let service = Some(service.trim()).filter(|s| !s.is_empty());
                let sev_ok = !placeholder.contains(&sev.trim().to_lowercase().as_str());
                let counts = service.is_some() || (c.is_some() && r.is_some())
                    || (a.is_some() && r.is_some()) || (a.is_some() && c.is_some()) || sev_ok;
                if !id.is_empty() && counts && !seen.insert(id.clone()) {
                    continue; // the same incident again
                }
                if let Some(s) = service {
                    *rate.entry(s.to_string()).or_default() += 1;
                    if c.is_some() && r.is_some() {
                        *service_ttr.entry(s.to_string()).or_default() += 1;
                    }
                }
                ttr += usize::from(c.is_some() && r.is_some());
                effort += usize::from(a.is_some() && r.is_some());
                tta += usize::from(a.is_some() && c.is_some());
                severity += usize::from(sev_ok);
            }
            let count = |f: fn(&log::Record) -> Option<f64>| log.records.iter().filter(|r| f(r).is_some()).count();
            prop_assert_eq!(count(log::Record::ttr_seconds), ttr);
            prop_assert_eq!(count(log::Record::effort_seconds), effort);
            prop_assert_eq!(count(log::Record::tta_seconds), tta);
            prop_assert_eq!(log.records.iter().filter(|r| r.severity.is_some()).count(), severity);
            for r in &log.records {
                if let Some(a) = r.acknowledged {
                    if let Some(c) = r.created {
                        prop_assert!(a >= c.unix_seconds);
                    }
                    if let Some(v) = r.resolved {
                        prop_assert!(a <= v);
                    }
                }
            }
            // And the calibration uses every one of them.
            if let Ok(cal) = calibrate::calibrate(&log, FitOptions { min_incidents: 3 }) {
                let got: std::collections::BTreeMap<String, usize> =
                    cal.services.iter().map(|s| (s.name.clone(), s.incidents)).collect();
                prop_assert_eq!(&got, &rate);
                for s in &cal.services {
                    prop_assert_eq!(s.ttr.own, service_ttr.get(&s.name).copied().unwrap_or(0));
                }
                prop_assert_eq!(cal.pooled_severity_counts.iter().sum::<usize>(), severity);
                for (choice, n) in [(&cal.pooled_ttr, ttr), (&cal.pooled_effort, effort), (&cal.pooled_tta, tta)] {
                    if let Some(c) = choice {
                        prop_assert_eq!(c.n, n);
                    }
                }
                let fragment = calibrate::fragment::fragment(&cal, &log, "log.csv");
                prop_assert!(fragment.contains("[[services]]"));
            }
        }

        /// The chosen fit has the lowest AIC, a KS statistic in [0, 1], and increasing
        /// quantiles, for any sample with two distinct positive values.
        #[test]
        fn fits_are_consistent(xs in proptest::collection::vec(1e-4f64..1e4, 2..200)) {
            prop_assume!(xs.iter().any(|x| *x != xs[0]));
            let c = fit::fit(&xs).unwrap();
            for f in &c.all {
                prop_assert!(c.best.aic() <= f.aic());
            }
            prop_assert!((0.0..=1.0).contains(&c.ks_statistic));
            prop_assert!((0.0..=1.0).contains(&c.ks_p_value));
            let qs: Vec<f64> = [0.1, 0.5, 0.9].iter().map(|p| c.best.quantile(*p)).collect();
            prop_assert!(qs[0] <= qs[1] && qs[1] <= qs[2], "{:?}", qs);
            prop_assert!(c.best.mean().is_finite() && c.best.mean() > 0.0);
        }
    }
}

/// A log without acknowledgement times or teams: effort comes from the whole restore time
/// and the fragment says so; `--team` names the owning team.
#[test]
fn a_log_without_acknowledgements_or_teams() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.csv");
    let mut text = String::from("id,service,severity,created_at,resolved_at\n");
    for i in 0..30 {
        let created = 1_704_067_200 + i * 86_400;
        text.push_str(&format!(
            "{i},api,SEV{},{},{}\n",
            1 + i % 2,
            whoruns::calibrate::time::format_utc(created),
            whoruns::calibrate::time::format_utc(created + 600 + (i * 7919) % 7_200)
        ));
    }
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out");
    whoruns()
        .args(["calibrate", "-q", "--no-charts", "--team", "ops", "-o"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    let fragment = std::fs::read_to_string(out.join("scenario-fragment.toml")).unwrap();
    assert!(fragment.contains("team = \"ops\""), "{fragment}");
    assert!(
        fragment.contains("no acknowledgement times: includes the wait to acknowledge"),
        "{fragment}"
    );
    assert!(
        fragment.contains("the log has no acknowledgement times; keep [response].acknowledge"),
        "{fragment}"
    );
}

/// `--keep-mixed-offsets` keeps the row a daylight-saving change would otherwise cost.
#[test]
fn mixed_offsets_can_be_kept() {
    let (output, dir) = run_calibrate(
        &data("pagerduty-example.csv"),
        &["--keep-mixed-offsets", "-q"],
    );
    assert!(output.status.success());
    let skipped = std::fs::read_to_string(dir.path().join("out/skipped.csv")).unwrap();
    assert_eq!(skipped.lines().count(), 1 + 5, "{skipped}");
    assert!(!skipped.contains("mixed_time_zone_offsets"));
}

/// `--organisation` joins, validates and writes scenario.toml; when the join is not a valid
/// scenario the calibration is still written, the problems point into the organisation or
/// the fragment, and the exit status is 2.
#[test]
fn organisation_is_joined_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ok");
    whoruns()
        .args(["calibrate", "-q", "--no-charts", "--organisation"])
        .arg(data("sample-organisation.toml"))
        .arg("-o")
        .arg(&out)
        .arg(data("sample-incidents.csv"))
        .assert()
        .success();
    whoruns()
        .arg("validate")
        .arg(out.join("scenario.toml"))
        .assert()
        .success();
    let out = dir.path().join("teams-differ");
    let output = whoruns()
        .args(["calibrate", "-q", "--no-charts", "--organisation"])
        .arg(data("sample-organisation.toml"))
        .arg("-o")
        .arg(&out)
        .arg(data("pagerduty-example.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(out.join("scenario-fragment.toml").exists());
    assert!(!out.join("scenario.toml").exists());
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace(&dir.path().display().to_string(), "DIR")
        .replace(&data("").display().to_string(), "scenarios/data/");
    insta::assert_snapshot!("organisation_problems", stderr);
}

/// Incidents that come in bursts are told apart from Poisson arrivals: the
/// index-of-dispersion test rejects a log where incidents arrive in storms of five, and
/// the fragment warns.
#[test]
fn clustered_arrivals_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storms.csv");
    let mut text = String::from("id,service,severity,created_at,resolved_at\n");
    let mut id = 0;
    // 52 weeks; a storm of 5 incidents every third week, nothing in between.
    for week in 0..52 {
        if week % 3 != 0 {
            continue;
        }
        for k in 0..5 {
            let created = 1_704_067_200 + week * 604_800 + k * 3_600;
            text.push_str(&format!(
                "{id},api,SEV1,{},{}\n",
                whoruns::calibrate::time::format_utc(created),
                whoruns::calibrate::time::format_utc(created + 1_800 + k * 600)
            ));
            id += 1;
        }
    }
    std::fs::write(&path, text).unwrap();
    let (_, cal) = calibrate_file(&path);
    let s = &cal.services[0];
    assert!(s.dispersion.unwrap() > 3.0, "{:?}", s.dispersion);
    assert!(s.dispersion_p_value.unwrap() < 0.001);
    let out = dir.path().join("out");
    whoruns()
        .args(["calibrate", "-q", "--no-charts", "-o"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    let fragment = std::fs::read_to_string(out.join("scenario-fragment.toml")).unwrap();
    assert!(fragment.contains("# incidents cluster"), "{fragment}");
}

/// Fits run in parallel; the outputs are byte-identical on one thread and on two.
#[test]
fn calibration_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        whoruns()
            .env("RAYON_NUM_THREADS", threads)
            .args(["calibrate", "-q", "-o"])
            .arg(&out)
            .arg(data("sample-incidents.csv"))
            .assert()
            .success();
        outputs.push(crate::common::tree(&out));
    }
    assert_eq!(outputs[0], outputs[1]);
}

/// The sample log spoiled as real exports are: the fastest 5% of incidents acknowledged
/// after they were resolved (auto-resolved, acknowledged later), every 20th severity blank,
/// every 50th row exported twice. Returns the spoiled log's text and how many incidents
/// have a bad field.
fn spoiled_sample() -> (String, usize) {
    let text = std::fs::read_to_string(data("sample-incidents.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let mut rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let secs = |v: &str| whoruns::calibrate::time::parse(v).unwrap().unix_seconds;
    let mut by_ttr: Vec<(f64, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r[5].is_empty())
        .map(|(i, r)| (secs(&r[5]) - secs(&r[3]), i))
        .collect();
    by_ttr.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut spoiled = std::collections::BTreeSet::new();
    for (_, i) in by_ttr.iter().take(by_ttr.len() / 20) {
        let resolved = secs(&rows[*i][5]) as i64;
        rows[*i][4] = whoruns::calibrate::time::format_utc(resolved + 600);
        spoiled.insert(*i);
    }
    for (i, r) in rows.iter_mut().enumerate() {
        if i % 20 == 7 {
            r[2] = String::new();
            spoiled.insert(i);
        }
    }
    let mut out = header + "\n";
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&r.join(","));
        out.push('\n');
        if i % 50 == 3 {
            out.push_str(&r.join(","));
            out.push('\n');
        }
    }
    (out, spoiled.len())
}

/// A bad field costs that field, not the incident: on the spoiled sample every incident
/// still counts in its service's rate and restore time (the same fits as the clean log's,
/// exactly), the severity mix stays within sampling error, only effort and time to
/// acknowledge lose the auto-resolved incidents, and duplicates are dropped.
#[test]
fn a_bad_field_costs_that_field_not_the_incident() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spoiled.csv");
    let (text, spoiled) = spoiled_sample();
    std::fs::write(&path, text).unwrap();
    let (clean_log, clean) = calibrate_file(&data("sample-incidents.csv"));
    let (log, cal) = calibrate_file(&path);
    let (whole, in_part, dropped) = log.fates();
    let n = clean_log.records.len();
    assert_eq!(whole + in_part, n, "every incident kept");
    assert_eq!(dropped, log.rows - n, "only the duplicates dropped");
    assert_eq!(in_part, spoiled, "auto-resolved and blank severities");
    for (s, c) in cal.services.iter().zip(&clean.services) {
        assert_eq!(s.name, c.name);
        assert_eq!(s.incidents, c.incidents, "{}: rate", s.name);
        assert_eq!(s.arrivals_per_week, c.arrivals_per_week);
        assert_eq!(s.ttr, c.ttr, "{}: restore time", s.name);
        assert_eq!(s.profile, c.profile, "{}", s.name);
        assert!(s.effort.own < c.effort.own || c.effort.own == 0 || s.effort.own == c.effort.own);
        let known: usize = s.severity_counts.iter().sum();
        let shares = s.severity_shares(&cal.pooled_severity_counts);
        let truth = c.severity_shares(&clean.pooled_severity_counts);
        for (got, want) in shares.iter().zip(&truth) {
            let se = (want * (1.0 - want) / known.max(1) as f64).sqrt();
            assert!(
                (got - want).abs() <= 4.0 * se + 1e-9,
                "{}: {got} against {want}",
                s.name
            );
        }
    }
    // The account: every problem with its field, what the row still counted for.
    let (output, out) = run_calibrate(&path, &["--no-charts"]);
    assert!(output.status.success());
    let skipped = std::fs::read_to_string(out.path().join("out/skipped.csv")).unwrap();
    assert!(
        skipped.starts_with("line,id,field,reason,detail,kept,counted_for\n"),
        "{skipped}"
    );
    assert!(
        skipped.contains(",acknowledged_at,acknowledged_after_resolved,acknowledged 10m after resolution,in_part,rate;profile;restore_time;severity\n")
            || skipped.contains(",acknowledged_at,acknowledged_after_resolved,acknowledged 10m after resolution,in_part,rate;restore_time;severity\n"),
        "{skipped}"
    );
    let stderr =
        String::from_utf8_lossy(&output.stderr).replace(&dir.path().display().to_string(), "DIR");
    insta::assert_snapshot!("spoiled_summary", stderr);
}

/// `--model`: the round trip. A log simulated under a model, calibrated as if owners were
/// on call, overstates their effort by the model's waits and hand-offs; calibrated with the
/// model, the owners' effort that generated it comes back within sampling error.
#[test]
fn effort_net_of_the_model_recovers_the_owners_effort() {
    use whoruns::calibrate::net::{NetOptions, net_effort};
    let organisation = std::fs::read_to_string(data("sample-organisation.toml")).unwrap();
    let services = r#"
[[services]]
name = "api"
team = "checkout"
background_incidents = "8/week"
change_failure_rate = 0.0
effort = { dist = "lognormal", median = "45m", p90 = "3h" }

[[services]]
name = "ledger"
team = "payments"
background_incidents = "6/week"
change_failure_rate = 0.0
effort = { dist = "lognormal", median = "1.5h", p90 = "5h" }
"#;
    let truth = whoruns::scenario::parse(&(organisation.clone() + services), "truth.toml").unwrap();
    let mut shown = String::new();
    for model in [whoruns::ModelKind::OpsRun, whoruns::ModelKind::YouAndSreRun] {
        let csv = whoruns::calibrate::write::incident_log(&truth, model, 0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        std::fs::write(&path, csv).unwrap();
        let (log, cal) = calibrate_file(&path);
        let fragment = whoruns::calibrate::fragment::fragment(&cal, &log, "log.csv");
        let net = net_effort(&organisation, &fragment, &cal, NetOptions::new(model)).unwrap();
        assert_eq!(net.services.len(), 2);
        for e in &net.services {
            let t = truth.services.iter().find(|t| t.name == e.service).unwrap();
            let want = as_fit(&t.effort);
            let (m, p) = (want.quantile(0.5), want.quantile(0.9));
            // Sampling error of a log-scale quantile with n values: about 1.25 sd / sqrt(n)
            // for the median (1.7 for the p90); the logged spread bounds the sd.
            let sd = (e.observed_p90 / e.observed_median).ln() / 1.2816;
            let se = sd / (e.n as f64).sqrt();
            assert!(e.converged(), "{model:?} {}: {e:?}", e.service);
            assert!(
                (e.median / m).ln().abs() <= 4.0 * 1.25 * se,
                "{model:?} {}: owners' median {} against {m} (logged {}; se {se})",
                e.service,
                e.median,
                e.observed_median
            );
            assert!(
                (e.p90 / p).ln().abs() <= 4.0 * 1.7 * se,
                "{model:?} {}: owners' p90 {} against {p} (logged {}; se {se})",
                e.service,
                e.p90,
                e.observed_p90
            );
            shown.push_str(&format!(
                "{}: {}: truth median {:.3} h, p90 {:.3} h; logged {:.3}, {:.3}; net {:.3}, {:.3}\n",
                model.key(), e.service, m, p, e.observed_median, e.observed_p90, e.median, e.p90
            ));
        }
        if model == whoruns::ModelKind::OpsRun {
            // Under ops-run the log overstates the owners' effort: operators diagnose slower,
            // escalations wait for business hours.
            for e in &net.services {
                let t = truth.services.iter().find(|t| t.name == e.service).unwrap();
                let p = as_fit(&t.effort).quantile(0.9);
                assert!(
                    (e.observed_p90 / p).ln().abs() > 2.0 * (e.p90 / p).ln().abs(),
                    "{e:?}"
                );
            }
        }
    }
    println!("{shown}");
}

/// Where the KS test rejects the fit the fragment uses, the fragment says so beside it with
/// what to do, and writes the empirical distribution of the service's values, commented
/// out; uncommented, it is a valid scenario.
#[test]
fn a_rejected_effort_fit_is_flagged_where_it_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bimodal.csv");
    let mut text =
        String::from("id,service,severity,created_at,acknowledged_at,resolved_at,team\n");
    // Half the incidents take minutes, half take hours: no single family fits.
    for i in 0..300i64 {
        let created = 1_704_067_200 + i * 20_000;
        let work = if i % 2 == 0 {
            300 + (i * 37) % 300
        } else {
            18_000 + (i * 997) % 7_200
        };
        text.push_str(&format!(
            "{i},api,SEV1,{},{},{},checkout\n",
            whoruns::calibrate::time::format_utc(created),
            whoruns::calibrate::time::format_utc(created + 60),
            whoruns::calibrate::time::format_utc(created + 60 + work)
        ));
    }
    std::fs::write(&path, text).unwrap();
    let (output, out) = run_calibrate(&path, &["--no-charts", "-q"]);
    assert!(output.status.success());
    let fragment = std::fs::read_to_string(out.path().join("out/scenario-fragment.toml")).unwrap();
    assert!(
        fragment.contains("# WARNING: the KS test rejects this effort fit at 5%"),
        "{fragment}"
    );
    let empirical = fragment
        .lines()
        .find(|l| l.starts_with("# effort = { dist = \"empirical\""))
        .expect("an empirical alternative");
    let organisation = std::fs::read_to_string(data("sample-organisation.toml")).unwrap();
    let swapped: String = fragment
        .lines()
        .filter(|l| !l.starts_with("effort = "))
        .map(|l| if l == empirical { &l[2..] } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    whoruns::scenario::parse(&(organisation + &swapped), "swapped.toml").unwrap();
}

/// With a cause column, the share of incidents a change caused is estimated per service,
/// with its interval, and the fragment says how to move it to deployments.
#[test]
fn change_caused_share_from_a_cause_column() {
    let text = r#"
name = "changes"
horizon = "365d"
replications = 2
models = ["you-run"]
[error_budget]
freeze = false   # every deployment ships: the true share is 1 in 4
[[teams]]
name = "t"
[[services]]
name = "s"
team = "t"
background_incidents = "3/week"
deploys_per_week = 10
change_failure_rate = 0.1
"#;
    let scenario = whoruns::scenario::parse(text, "changes.toml").unwrap();
    let csv = whoruns::calibrate::write::incident_log(&scenario, whoruns::ModelKind::YouRun, 0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.csv");
    std::fs::write(&path, csv).unwrap();
    let (log, cal) = calibrate_file(&path);
    let s = &cal.services[0];
    let (share, low, high) = s.change_share().unwrap();
    let (n, _) = s.change_caused.unwrap();
    let truth = 1.0 / 4.0; // 10 deploys × 10% = 1 a week, of 4 a week
    let se = (truth * (1.0 - truth) / n as f64).sqrt();
    assert!((share - truth).abs() <= 4.0 * se, "{share} against {truth}");
    assert!(low < share && share < high);
    let fragment = whoruns::calibrate::fragment::fragment(&cal, &log, "log.csv");
    assert!(
        fragment.contains("# change-caused share (cause column): "),
        "{fragment}"
    );
    assert!(fragment.contains("change_failure_rate = "), "{fragment}");
}

/// `whoruns calibrate --model ops-run --organisation FILE` writes the owners' effort in the
/// fragment and says so; `--model` without an organisation is refused.
#[test]
fn calibrate_with_a_model_through_the_binary() {
    let organisation = std::fs::read_to_string(data("sample-organisation.toml")).unwrap();
    let services = "\n[[services]]\nname = \"api\"\nteam = \"checkout\"\nbackground_incidents = \"8/week\"\nchange_failure_rate = 0.0\neffort = { dist = \"lognormal\", median = \"45m\", p90 = \"3h\" }\n";
    let mut truth = whoruns::scenario::parse(&(organisation + services), "truth.toml").unwrap();
    // A log of a stationary year: the rates it was written with hold throughout.
    truth.learning.incentive = 0.0;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.csv");
    std::fs::write(
        &path,
        whoruns::calibrate::write::incident_log(&truth, whoruns::ModelKind::OpsRun, 0),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = whoruns()
        .args([
            "calibrate",
            "--no-charts",
            "--model",
            "ops-run",
            "--organisation",
        ])
        .arg(data("sample-organisation.toml"))
        .arg("-o")
        .arg(&out)
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("owners' effort net of ops-run"), "{stdout}");
    insta::assert_snapshot!(
        "model_ops_run_table",
        stdout.replace(&dir.path().display().to_string(), "DIR")
    );
    let fragment = std::fs::read_to_string(out.join("scenario-fragment.toml")).unwrap();
    assert!(
        fragment.contains("# owners' effort net of ops-run's waits and hand-offs"),
        "{fragment}"
    );
    assert!(
        fragment.contains("# hands-on time as logged under ops-run (not the owners' effort)"),
        "{fragment}"
    );
    assert!(
        !fragment.contains("dist = \"empirical\""),
        "no logged values offered as effort"
    );
    whoruns()
        .arg("validate")
        .arg(out.join("scenario.toml"))
        .assert()
        .success();
    whoruns()
        .args(["calibrate", "--model", "ops-run", "-o"])
        .arg(dir.path().join("refused"))
        .arg(&path)
        .assert()
        .code(2);
}
