//! Nothing is lost: `--force` replaces only what whoruns wrote, and an interrupted run
//! leaves the earlier result exactly as it was, with no staging folder behind.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::whoruns;
use crate::common::{bundled, tree};

/// Hidden staging or set-aside folders beside the output.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn force_replaces_only_what_whoruns_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        whoruns()
            .arg("run")
            .arg(bundled("baseline.toml"))
            .arg("--out")
            .arg(&out)
            .args(["-n", "3", "-q", "--no-report"])
            .args(extra)
            .output()
            .expect("run")
    };
    assert!(run(&[]).status.success());
    let manifest = fs::read_to_string(out.join("whoruns-manifest.txt")).expect("manifest");
    assert!(
        manifest.lines().any(|l| l == "replications.csv"),
        "{manifest}"
    );
    fs::write(out.join("notes.txt"), "my notes").expect("notes");
    fs::create_dir_all(out.join("slides")).expect("slides");
    fs::write(out.join("slides/deck.key"), "deck").expect("deck");
    // Without --force the results are kept, with it they are replaced...
    let refused = run(&["--seed", "7"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(run(&["--seed", "7", "--force"]).status.success());
    let scenario = fs::read_to_string(out.join("scenario.toml")).expect("scenario");
    assert!(scenario.contains("seed = 7"), "{scenario}");
    // ...and the user's files are still there.
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "my notes"
    );
    assert_eq!(
        fs::read_to_string(out.join("slides/deck.key")).expect("deck"),
        "deck"
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

/// Sends `signal` to a run that replaces an earlier result, `after` it starts.
fn interrupted_run(out: &Path, signal: &str, after: Duration) -> Option<i32> {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("whoruns"))
        .arg("run")
        .arg(bundled("baseline.toml"))
        .arg("--out")
        .arg(out)
        .args(["-n", "6", "-q", "--force", "--seed", "99"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(after);
    // The shell's built-in kill: no procps needed on the machine.
    let _ = Command::new("sh")
        .arg("-c")
        .arg(format!("kill {signal} {}", child.id()))
        .status();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the run did not stop after {signal}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_earlier_result_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let first = whoruns()
        .arg("run")
        .arg(bundled("baseline.toml"))
        .arg("--out")
        .arg(&out)
        .args(["-n", "3", "-q"])
        .output()
        .expect("run");
    assert!(first.status.success());
    let earlier = tree(&out);
    // How long a whole run takes here, so the signals land at every stage: start-up,
    // simulation, export, charts, writing and the swap.
    let started = Instant::now();
    let full = interrupted_run(&out, "-0", Duration::ZERO);
    let whole = started.elapsed();
    assert_eq!(full, Some(0));
    let replaced = tree(&out);
    assert_ne!(
        replaced, earlier,
        "the uninterrupted run should replace the result"
    );
    let mut stopped = 0;
    for (k, signal) in (0..12).zip(["-INT", "-TERM"].iter().cycle()) {
        let at = whole.mul_f64(f64::from(k) / 12.0);
        let before = tree(&out);
        let code = interrupted_run(&out, signal, at);
        let after = tree(&out);
        match code {
            // Finished before the signal: a complete result, the new one.
            Some(0) => assert_eq!(after, replaced, "{signal} at {at:?}"),
            // Stopped by its handler, or (signalled during the first milliseconds of
            // start-up, before the handler exists) by the signal itself.
            Some(130) | Some(143) | None => {
                stopped += 1;
                assert_eq!(after, before, "{signal} at {at:?} changed the result");
            }
            other => panic!("{signal} at {at:?}: exit {other:?}"),
        }
        assert!(
            leftovers(dir.path()).is_empty(),
            "{signal} at {at:?} left {:?}",
            leftovers(dir.path())
        );
    }
    assert!(stopped > 0, "no signal landed while the run was working");
}

#[test]
fn force_over_a_folder_without_a_manifest_drops_stale_outputs_and_keeps_the_users() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("old");
    let run = |extra: &[&str]| {
        whoruns()
            .arg("run")
            .arg(bundled("baseline.toml"))
            .arg("--out")
            .arg(&out)
            .args(["-n", "3", "-q"])
            .args(extra)
            .output()
            .expect("run")
    };
    assert!(run(&[]).status.success());
    // As an older whoruns left it: no manifest; and a file of the user's.
    fs::remove_file(out.join("whoruns-manifest.txt")).expect("remove manifest");
    fs::write(out.join("notes.txt"), "mine").expect("notes");
    assert!(run(&["--force", "--no-report"]).status.success());
    assert!(
        !out.join("report.html").exists(),
        "a stale report was carried over"
    );
    assert!(
        !out.join("charts/cost_breakdown.png").exists(),
        "stale charts carried over"
    );
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "mine"
    );
}
