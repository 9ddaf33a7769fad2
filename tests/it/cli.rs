//! The real `whoruns` binary on real scenario files.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

use crate::common::bundled;

/// The binary, with the terminal's width left to each test (a developer's exported
/// `COLUMNS` would otherwise narrow the tables the tests read).
pub fn whoruns() -> Command {
    let mut c = Command::cargo_bin("whoruns").expect("binary");
    c.env_remove("COLUMNS");
    c
}

fn run_to(scenario: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    whoruns()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run whoruns")
}

#[test]
fn every_bundled_scenario_validates_and_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut seen = 0;
    for entry in
        fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")).expect("scenarios")
    {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        seen += 1;
        whoruns().arg("validate").arg(&path).assert().success();
        let out = dir.path().join(path.file_stem().expect("stem"));
        let o = run_to(&path, &out, &["--replications", "4", "--quiet"]);
        assert!(
            o.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        for f in [
            "replications.parquet",
            "replications.csv",
            "summary.csv",
            "services.csv",
            "services.parquet",
        ] {
            assert!(out.join(f).exists(), "{} missing {f}", path.display());
        }
    }
    assert!(seen >= 2);
}

#[test]
fn run_writes_the_contracted_columns_and_prints_a_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("baseline");
    let o = run_to(&bundled("baseline.toml"), &out, &["--replications", "6"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for m in [
        "you-run",
        "you-and-sre-run",
        "sre-run",
        "ops-run",
        "MTTR",
        "availability",
    ] {
        assert!(stdout.contains(m), "summary lacks {m}:\n{stdout}");
    }
    let csv = fs::read_to_string(out.join("replications.csv")).expect("csv");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    for col in [
        "model",
        "replication",
        "seed",
        "incidents",
        "availability",
        "downtime_hours",
        "mttr_hours",
        "ttr_p50_hours",
        "ttr_p90_hours",
        "queue_wait_hours",
        "escalations",
        "dev_oncall_hours",
        "cost_total",
    ] {
        assert!(
            header.contains(&col),
            "replications.csv lacks {col}: {header:?}"
        );
    }
    assert_eq!(csv.lines().count(), 1 + 6 * 6);
    let weekly = whoruns::export::from_parquet(
        fs::read(out.join("timeseries.parquet")).expect("read"),
        "timeseries",
    )
    .expect("parquet");
    // Three measured years after the warm-up: weeks ending after hour 37,230 up to 63,510.
    assert_eq!(
        weekly.height(),
        6 * 6 * 157,
        "one row per (model, replication, week)"
    );
    let quarters = whoruns::export::from_parquet(
        fs::read(out.join("quarters.parquet")).expect("read"),
        "quarters",
    )
    .expect("parquet");
    assert_eq!(
        quarters.height(),
        6 * 6 * 12,
        "three measured years of quarters"
    );
    for col in ["model", "replication", "quarter"]
        .into_iter()
        .chain(whoruns::export::QUARTER_COLUMNS)
    {
        assert!(quarters.column(col).is_ok(), "quarters lacks {col}");
    }
    assert!(out.join("quarters.csv").exists());
    let names: Vec<String> = weekly
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for col in [
        "model",
        "replication",
        "week",
        "workarounds_open",
        "error_budget_remaining_hours",
        "workarounds_open[checkout-api]",
        "error_budget_remaining_hours[checkout-api]",
    ] {
        assert!(
            names.iter().any(|c| c == col),
            "timeseries.parquet lacks {col}"
        );
    }
    let summary = fs::read_to_string(out.join("summary.csv")).expect("summary");
    let head = summary.lines().next().expect("header");
    for col in [
        "model",
        "metric",
        "mean",
        "ci95_low",
        "ci95_high",
        "diff_vs_reference",
        "paired_ci95_low",
        "unpaired_ci95_low",
    ] {
        assert!(
            head.split(',').any(|c| c == col),
            "summary.csv lacks {col}: {head}"
        );
    }
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    let scenario = bundled("baseline.toml");
    assert!(
        run_to(&scenario, &a, &["-n", "8", "--threads", "1", "-q"])
            .status
            .success()
    );
    assert!(
        run_to(&scenario, &b, &["-n", "8", "--threads", "2", "-q"])
            .status
            .success()
    );
    // The report's other strengths run beside the run, on the same workers.
    for f in [
        "replications.csv",
        "summary.csv",
        "services.csv",
        "strengths.parquet",
    ] {
        let x = fs::read(a.join(f)).expect("read");
        let y = fs::read(b.join(f)).expect("read");
        assert!(x == y, "{f} differs between --threads 1 and --threads 2");
    }
}

#[test]
fn invalid_scenarios_exit_2_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nchange_failure_rate = 1.4\n").expect("write");
    let o = whoruns().arg("validate").arg(&bad).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:6:23: change_failure_rate = 1.4 is not a probability between 0 and 1 (e.g. 0.1)",
            bad.display()
        )),
        "{stderr}"
    );
    let o = run_to(&bad, &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !dir.path().join("out").exists(),
        "a failed run must not create output"
    );
}

#[test]
fn existing_results_are_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    let scenario = bundled("mmc-check.toml");
    assert!(
        run_to(&scenario, &out, &["-n", "3", "-q", "--seed", "1"])
            .status
            .success()
    );
    let before = fs::read(out.join("replications.csv")).expect("read");
    let o = run_to(&scenario, &out, &["-n", "3", "-q", "--seed", "2"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(
        fs::read(out.join("replications.csv")).expect("read"),
        before
    );
    assert!(
        run_to(
            &scenario,
            &out,
            &["-n", "3", "-q", "--seed", "2", "--force"]
        )
        .status
        .success()
    );
    assert_ne!(
        fs::read(out.join("replications.csv")).expect("read"),
        before
    );
    // No staging folders are left behind.
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn every_output_column_is_documented() {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/output-format.md"))
            .expect("doc");
    for m in whoruns::metric::COLUMNS {
        assert!(
            doc.contains(&format!("`{}`", m.name)),
            "docs/output-format.md does not document {}",
            m.name
        );
    }
}

#[test]
fn report_redraws_from_saved_results_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (full, bare) = (dir.path().join("full"), dir.path().join("bare"));
    let scenario = bundled("baseline.toml");
    assert!(
        run_to(&scenario, &full, &["-n", "4", "-q"])
            .status
            .success()
    );
    assert!(
        run_to(&scenario, &bare, &["-n", "4", "-q", "--no-report"])
            .status
            .success()
    );
    assert!(!bare.join("report.html").exists());
    // A file of the user's in the folder survives: the report is staged around it.
    fs::write(bare.join("notes.txt"), "mine").expect("note");
    let o = whoruns().arg("report").arg(&bare).output().expect("report");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        fs::read_to_string(bare.join("notes.txt")).expect("note"),
        "mine"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    let mut files = vec![
        "report.html".to_string(),
        "report.md".into(),
        "comparison.md".into(),
        "comparison.csv".into(),
    ];
    for chart in whoruns::report::Chart::ALL {
        files.push(format!("charts/{}.png", chart.name()));
        files.push(format!("charts/{}.svg", chart.name()));
    }
    for f in files {
        let a = fs::read(full.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        let b = fs::read(bare.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(a == b, "{f} differs between run and report");
    }
    // Redrawn again, a hard-linked copy of the old report elsewhere is not written through.
    let linked = dir.path().join("linked.md");
    fs::hard_link(bare.join("report.md"), &linked).expect("link");
    let before = fs::read(&linked).expect("linked");
    let o = whoruns()
        .args(["report", "--title", "Second draft"])
        .arg(&bare)
        .output()
        .expect("report");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read(&linked).expect("linked"), before);
    let md = fs::read_to_string(bare.join("report.md")).expect("report.md");
    assert!(md.starts_with("# Second draft"), "{md}");
}

/// `report DIR` reads the time series a row group at a time: a file that is no Parquet is
/// refused naming it (exit 2); a file that lacks a column the report needs cannot be
/// assembled, naming the column (exit 1), as when the table was read whole.
#[test]
fn report_names_a_broken_or_incomplete_time_series() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    let scenario = bundled("baseline.toml");
    assert!(
        run_to(&scenario, &out, &["-n", "2", "-q", "--no-report"])
            .status
            .success()
    );
    let file = out.join("timeseries.parquet");
    let good = fs::read(&file).expect("read");
    let frame = whoruns::export::from_parquet(good.clone(), "timeseries").expect("parquet");
    let column = frame
        .get_column_names()
        .into_iter()
        .find(|c| c.starts_with("error_budget_remaining_hours["))
        .expect("a service's column")
        .to_string();
    let mut without = frame.drop(&column).expect("drop");
    fs::write(
        &file,
        whoruns::export::to_parquet(&mut without).expect("bytes"),
    )
    .expect("write");
    let o = whoruns().arg("report").arg(&out).output().expect("report");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot assemble the report data"), "{err}");
    assert!(err.contains(&column), "{err}");
    fs::write(&file, b"not a parquet file").expect("write");
    let o = whoruns().arg("report").arg(&out).output().expect("report");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(!out.join("report.html").exists());
}

#[test]
fn report_redraws_a_chosen_subset_with_its_own_title_and_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    assert!(
        run_to(
            &bundled("baseline.toml"),
            &out,
            &["-n", "4", "-q", "--no-report"]
        )
        .status
        .success()
    );
    let o = whoruns()
        .args([
            "report",
            "--models",
            "ops-run,you-run",
            "--reference",
            "ops-run",
        ])
        .args(["--title", "Who should run checkout?"])
        .arg(&out)
        .output()
        .expect("report");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.starts_with("# Who should run checkout?"), "{md}");
    assert!(
        md.contains("Ops run it") && md.contains("You run it"),
        "{md}"
    );
    assert!(!md.contains("SRE run it"), "{md}");
    assert!(
        md.contains("Reference for paired differences: Ops run it"),
        "{md}"
    );
    let csv = fs::read_to_string(out.join("comparison.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 1 + 9 * 2);
    // A model the results do not hold, or an unknown key, is refused with exit 2.
    for bad in [["--models", "sre-runn"], ["--reference", "sre-run"]] {
        let o = whoruns()
            .arg("report")
            .args(bad)
            .args(["--models", "ops-run"])
            .arg(&out)
            .output()
            .expect("report");
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(!o.stderr.is_empty());
    }
}

#[test]
fn report_on_a_folder_without_results_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = whoruns()
        .arg("report")
        .arg(dir.path())
        .output()
        .expect("report");
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("whoruns run"), "{stderr}");
}

#[test]
fn a_quiet_world_with_no_incidents_still_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("quiet.toml");
    fs::write(
        &scenario,
        "horizon = \"3d\"\nreplications = 3\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"0/month\"\ndeploys_per_week = 0\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let o = run_to(&scenario, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("report.html").exists());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("NaN"));
}

#[test]
fn pairwise_verdicts_agree_with_their_intervals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p");
    let o = run_to(
        &bundled("baseline.toml"),
        &out,
        &["-n", "12", "-q", "--no-report"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("pairwise.csv")).expect("pairwise.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "metric,model_a,model_b,mean_diff,ci95_low,ci95_high,a_better_share,b_better_share,better"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 5 * 15, "five metrics × fifteen pairs");
    let mut verdicts = 0;
    for r in &rows {
        let num = |i: usize| r[i].parse::<f64>().expect("number");
        let (low, high, a_share, b_share) = (num(4), num(5), num(6), num(7));
        assert!(low <= num(3) && num(3) <= high, "{r:?}");
        assert!(a_share + b_share <= 1.0 + 1e-12, "{r:?}");
        let higher = r[0] == "availability";
        // a better: the interval of a − b lies wholly on a's good side, and vice versa.
        if r[8] == r[1] {
            verdicts += 1;
            assert!(if higher { low > 0.0 } else { high < 0.0 }, "{r:?}");
        } else if r[8] == r[2] {
            verdicts += 1;
            assert!(if higher { high < 0.0 } else { low > 0.0 }, "{r:?}");
        } else {
            assert_eq!(r[8], "tied", "{r:?}");
        }
    }
    assert!(verdicts > 0, "no pair differs at all");
}

#[test]
fn precision_adds_replications_and_equals_a_run_of_that_many() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (seq, fixed) = (dir.path().join("seq"), dir.path().join("fixed"));
    let o = run_to(
        &bundled("baseline.toml"),
        &seq,
        &["-n", "4", "--precision", "0.25", "--no-report"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("precision 25.0%: reached after"), "{err}");
    let scenario = fs::read_to_string(seq.join("scenario.toml")).expect("scenario");
    let n: u32 = scenario
        .lines()
        .find_map(|l| l.strip_prefix("replications = "))
        .and_then(|v| v.trim().parse().ok())
        .expect("replications recorded");
    assert!(n > 4, "{n}");
    let o = run_to(
        &bundled("baseline.toml"),
        &fixed,
        &["-n", &n.to_string(), "-q", "--no-report"],
    );
    assert!(o.status.success());
    assert_eq!(
        fs::read(seq.join("replications.csv")).expect("seq"),
        fs::read(fixed.join("replications.csv")).expect("fixed"),
        "replications added in batches differ from one run of {n}"
    );
    let bad = run_to(
        &bundled("baseline.toml"),
        &dir.path().join("bad"),
        &["--precision", "5"],
    );
    assert_eq!(bad.status.code(), Some(2));
}
