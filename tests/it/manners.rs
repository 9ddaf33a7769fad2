//! The command line's manners (issue 24): a table that fits the terminal, colour only where
//! wanted, `--json` for scripts, `--quiet` everywhere, completions and a manual page, sizes
//! with explicit units, exit codes as documented, `report --out`, and the small slips.

use std::fs;
use std::path::Path;

use crate::cli::whoruns;
use crate::common::bundled;

/// A baseline run of a few replications into `out`, without charts.
fn small_run(out: &Path, extra: &[&str]) -> std::process::Output {
    whoruns()
        .arg("run")
        .arg(bundled("baseline.toml"))
        .arg("--out")
        .arg(out)
        .args(["-n", "4", "--no-report"])
        .args(extra)
        .output()
        .expect("run whoruns")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_summary_table_fits_100_columns_and_summary_txt_keeps_every_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    let o = whoruns()
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .arg("run")
        .arg(bundled("baseline.toml"))
        .arg("--out")
        .arg(&out)
        .args(["-n", "4", "--no-report"])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    for line in stdout.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line:?}");
    }
    assert!(stdout.contains("summary.txt has every column"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "colour with NO_COLOR: {stdout}");
    let full = fs::read_to_string(out.join("summary.txt")).expect("summary.txt");
    assert!(
        full.contains("ΔMTTR") && full.contains("escalations"),
        "{full}"
    );
    assert!(full.lines().any(|l| l.chars().count() > 100));
    // Into a pipe with no COLUMNS, the table is whole.
    let o = whoruns()
        .env_remove("COLUMNS")
        .arg("run")
        .arg(bundled("baseline.toml"))
        .arg("--out")
        .arg(&out)
        .args(["-n", "4", "--no-report", "--force"])
        .output()
        .expect("run");
    assert!(text(&o.stdout).contains("ΔMTTR"));
}

#[test]
fn colour_only_where_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    let o = small_run(&out, &["--color", "always"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("\u{1b}["),
        "no colour with --color always"
    );
    let o = small_run(&out, &["--color", "never", "--force"]);
    assert!(!text(&o.stdout).contains('\u{1b}'));
    // An error's "error:" is coloured only when asked too.
    let o = whoruns()
        .args(["--color", "always", "report"])
        .arg(dir.path().join("nothing"))
        .output()
        .expect("report");
    assert!(text(&o.stderr).contains("\u{1b}["), "{}", text(&o.stderr));
}

#[test]
fn run_json_is_one_document_with_every_models_metrics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    let o = small_run(&out, &["--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(doc["replications"], 4);
    assert_eq!(doc["report"], serde_json::Value::Null);
    let models = doc["models"].as_array().expect("models");
    assert_eq!(models.len(), 6);
    let m = &models[0]["metrics"]["cost_total"];
    let (lo, mean, hi) = (
        m["ci95_low"].as_f64().expect("low"),
        m["mean"].as_f64().expect("mean"),
        m["ci95_high"].as_f64().expect("high"),
    );
    assert!(lo <= mean && mean <= hi, "{m}");
    // The same figures as summary.csv.
    let csv = fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    let key = models[0]["model"].as_str().expect("key");
    // Compared as numbers: the CSV may write more digits than the shortest that reads back,
    // and serde_json's default float parsing may differ in the last bit.
    assert!(
        csv.lines().any(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cells.len() > 4
                && cells[0] == key
                && cells[1] == "cost_total"
                && cells[4]
                    .parse::<f64>()
                    .is_ok_and(|x| (x - mean).abs() <= 1e-12 * mean.abs())
        }),
        "{mean} not in summary.csv"
    );
}

#[test]
fn validate_is_quiet_or_json_when_asked_and_counts_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = dir.path().join("one.toml");
    fs::write(
        &one,
        "[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"2/month\"\n",
    )
    .expect("write");
    let o = whoruns()
        .arg("validate")
        .arg(&one)
        .output()
        .expect("validate");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let said = text(&o.stdout);
    assert!(said.contains("1 team, 1 service,"), "{said}");
    let o = whoruns()
        .args(["validate", "--quiet"])
        .arg(&one)
        .output()
        .expect("validate");
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    let bad = dir.path().join("bad.toml");
    fs::write(
        &bad,
        "[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\navailability_target = 99.9\n",
    )
    .expect("write");
    let o = whoruns()
        .args(["validate", "--json"])
        .arg(&one)
        .arg(&bad)
        .output()
        .expect("validate");
    assert_eq!(o.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["files"][0]["ok"], true);
    assert_eq!(doc["files"][0]["teams"], 1);
    let errors = doc["files"][1]["errors"].as_array().expect("errors");
    assert!(
        errors[0]
            .as_str()
            .expect("text")
            .contains("did you mean 0.999?"),
        "{errors:?}"
    );
}

#[test]
fn completions_and_the_manual_page_come_from_the_binary() {
    for shell in ["bash", "zsh", "fish"] {
        let o = whoruns()
            .args(["completions", shell])
            .output()
            .expect("completions");
        assert!(o.status.success());
        let script = text(&o.stdout);
        assert!(
            script.contains("whoruns") && script.contains("sensitivity"),
            "{shell}"
        );
    }
    let o = whoruns().arg("man").output().expect("man");
    assert!(o.status.success());
    let page = text(&o.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH whoruns"),
        "{page}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let o = whoruns()
        .args(["man", "--out"])
        .arg(dir.path())
        .output()
        .expect("man");
    assert!(o.status.success(), "{}", text(&o.stderr));
    for page in [
        "whoruns.1",
        "whoruns-run.1",
        "whoruns-report.1",
        "whoruns-validate.1",
    ] {
        assert!(dir.path().join(page).exists(), "{page}");
    }
}

#[test]
fn help_is_wrapped_to_100_columns() {
    for command in ["run", "sweep", "report", "validate"] {
        let o = whoruns()
            .env("COLUMNS", "100")
            .args([command, "--help"])
            .output()
            .expect("help");
        for line in text(&o.stdout).lines() {
            assert!(line.chars().count() <= 100, "{command}: {line:?}");
        }
    }
}

#[test]
fn sizes_take_explicit_units() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    let o = small_run(&out, &["--max-memory", "2G"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("2GiB") && e.contains("2GB"), "{e}");
    // 1MB is a million bytes, too little for any run; 1GB is plenty for four replications.
    let o = small_run(&out, &["--max-memory", "1MB", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--max-memory"));
    let o = small_run(&out, &["--max-memory", "1GB", "-q"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn report_on_what_is_not_a_result_exits_2_saying_what_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    let file = dir.path().join("a-file.txt");
    fs::write(&file, "x").expect("write");
    let mut said = Vec::new();
    for (what, path) in [
        ("missing", dir.path().join("nowhere")),
        ("empty", empty),
        ("file", file),
    ] {
        let o = whoruns()
            .args(["--color", "never", "report"])
            .arg(&path)
            .output()
            .expect("report");
        assert_eq!(o.status.code(), Some(2), "{what}");
        said.push(text(&o.stderr).replace(&dir.path().display().to_string(), "DIR"));
    }
    insta::assert_snapshot!(said.join(""));
}

#[test]
fn report_out_writes_a_subset_elsewhere_with_summaries_that_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    assert!(small_run(&out, &["-q"]).status.success());
    let before = fs::read(out.join("summary.txt")).expect("summary.txt");
    let deck = dir.path().join("deck");
    let o = whoruns()
        .args(["report", "--models", "you-run,ops-run", "--quiet", "--out"])
        .arg(&deck)
        .arg(&out)
        .output()
        .expect("report");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "--quiet printed {}", text(&o.stdout));
    // The results are as they were; the deck has the two models only.
    assert_eq!(
        fs::read(out.join("summary.txt")).expect("summary.txt"),
        before
    );
    assert!(!out.join("report.html").exists());
    let summary = fs::read_to_string(deck.join("summary.txt")).expect("deck summary");
    assert!(
        summary.contains("you-run") && summary.contains("ops-run"),
        "{summary}"
    );
    assert!(!summary.contains("sre-run"), "{summary}");
    let csv = fs::read_to_string(deck.join("summary.csv")).expect("deck csv");
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.starts_with("you-run,") || l.starts_with("ops-run,"))
    );
    let pairs = fs::read_to_string(deck.join("pairwise.csv")).expect("deck pairs");
    assert!(!pairs.contains("sre-run"), "{pairs}");
    assert!(deck.join("report.html").exists() && deck.join("scenario.toml").exists());
    // A second time into the same folder needs --force.
    let o = whoruns()
        .args(["report", "--models", "you-run", "--out"])
        .arg(&deck)
        .arg(&out)
        .output()
        .expect("report");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn merged_shards_and_grids_are_counted_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let parts = [dir.path().join("p1"), dir.path().join("p2")];
    for (k, p) in parts.iter().enumerate() {
        let o = whoruns()
            .arg("run")
            .arg(bundled("baseline.toml"))
            .args(["-n", "6", "-q", "--shard", &format!("{}/2", k + 1), "--out"])
            .arg(p)
            .output()
            .expect("shard");
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let o = whoruns()
        .env("NO_COLOR", "1")
        .arg("merge")
        .args(&parts)
        .arg("--out")
        .arg(dir.path().join("merged"))
        .arg("--no-report")
        .output()
        .expect("merge");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let said = text(&o.stdout);
    assert!(
        said.contains("2 shards merged, 6 replications in all"),
        "{said}"
    );
}

/// The small slips of issue 24, each as the user now reads it.
#[test]
fn slips_in_scenario_messages() {
    let cases = [
        "availability_target = \"99.95%\"",
        "availability_target = 99.9",
        "availability_target = 99.95",
        "change_failure_rate = 1.4",
    ];
    let mut said = String::new();
    for case in cases {
        let text =
            format!("[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n{case}\n");
        let e = match whoruns::scenario::parse(&text, "slip.toml") {
            Ok(_) => panic!("{case} accepted"),
            Err(e) => e.to_string(),
        };
        said.push_str(&format!("{case}\n  {e}\n"));
    }
    insta::assert_snapshot!(said);
}
