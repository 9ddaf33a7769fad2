//! Shards merged bit-identically: `whoruns run --shard K/N` for every K, then `whoruns
//! merge`, gives the very bytes of the single run; broken sets of parts are refused by
//! name; `--shard auto` reads the batch engines' variables.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cli::whoruns;
use crate::common::{bundled, tree};

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    whoruns()
        .arg("run")
        .arg(bundled("baseline.toml"))
        .arg("--out")
        .arg(out)
        .args(["-n", "7", "-q"])
        .args(extra)
        .output()
        .expect("run")
}

fn merge(parts: &[PathBuf], out: &Path) -> std::process::Output {
    whoruns()
        .arg("merge")
        .args(parts)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .expect("merge")
}

#[test]
fn merged_shards_equal_the_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let single = dir.path().join("single");
    assert!(run(&single, &[]).status.success());
    let expected = tree(&single);
    for n in [1u32, 2, 3, 7] {
        let parts: Vec<PathBuf> = (1..=n)
            .map(|k| {
                let p = dir.path().join(format!("n{n}-part{k}"));
                let o = run(&p, &["--shard", &format!("{k}/{n}")]);
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                p
            })
            .collect();
        // In any order.
        let mut shuffled = parts.clone();
        shuffled.reverse();
        let merged = dir.path().join(format!("merged-{n}"));
        let o = merge(&shuffled, &merged);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got = tree(&merged);
        assert_eq!(
            got.iter().map(|f| &f.0).collect::<Vec<_>>(),
            expected.iter().map(|f| &f.0).collect::<Vec<_>>(),
            "N = {n}: different files"
        );
        for ((name, a), (_, b)) in got.iter().zip(&expected) {
            assert!(a == b, "N = {n}: {name} differs from the single run");
        }
    }
}

#[test]
fn missing_duplicated_and_foreign_parts_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let part = |k: u32, n: u32, extra: &[&str]| {
        let p = dir.path().join(format!("p{k}of{n}{}", extra.join("")));
        let mut args = vec!["--shard".to_string(), format!("{k}/{n}")];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(run(&p, &args).status.success());
        p
    };
    let (p1, p2, p3) = (part(1, 3, &[]), part(2, 3, &[]), part(3, 3, &[]));
    let other_seed = part(3, 3, &["--seed", "9"]);
    let out = dir.path().join("out");
    for (parts, says) in [
        (vec![p1.clone(), p3.clone()], "missing shard 2/3"),
        (
            vec![p1.clone(), p2.clone(), p2.clone(), p3.clone()],
            "shard 2/3 is given twice",
        ),
        (
            vec![p1.clone(), p2.clone(), other_seed.clone()],
            "not a shard of the same run",
        ),
        (
            vec![p1.clone(), p2.clone(), dir.path().join("nowhere")],
            "nowhere",
        ),
    ] {
        let o = merge(&parts, &out);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains(says), "{says}: {e}");
        assert!(!out.exists());
    }
    // A part whose scenario was edited after it was written.
    fs::write(p2.join("scenario.toml"), "name = \"tampered\"\n").expect("write");
    let o = merge(&[p1, p2, p3], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not match"));
}

#[test]
fn shard_auto_reads_kubernetes_and_slurm_indices() {
    let dir = tempfile::tempdir().expect("tempdir");
    let with_env = |name: &str, vars: &[(&str, &str)]| {
        let mut c = whoruns();
        c.env_remove("JOB_COMPLETION_INDEX")
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("WHORUNS_SHARDS");
        for (k, v) in vars {
            c.env(k, v);
        }
        c.arg("run")
            .arg(bundled("baseline.toml"))
            .arg("--out")
            .arg(dir.path().join(name))
            .args(["-n", "6", "-q", "--shard", "auto"])
            .output()
            .expect("run")
    };
    let k8s = with_env(
        "k8s",
        &[("JOB_COMPLETION_INDEX", "1"), ("WHORUNS_SHARDS", "3")],
    );
    assert!(
        k8s.status.success(),
        "{}",
        String::from_utf8_lossy(&k8s.stderr)
    );
    let m = fs::read_to_string(dir.path().join("k8s/whoruns-shard.txt")).expect("manifest");
    assert!(m.contains("shards 3\nshard 2\n"), "{m}");
    let slurm = with_env(
        "slurm",
        &[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
    );
    assert!(
        slurm.status.success(),
        "{}",
        String::from_utf8_lossy(&slurm.stderr)
    );
    let m = fs::read_to_string(dir.path().join("slurm/whoruns-shard.txt")).expect("manifest");
    assert!(m.contains("shards 4\nshard 4\n"), "{m}");
    let none = with_env("none", &[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("JOB_COMPLETION_INDEX"));
}

/// Runs `whoruns <command> <scenario> <args>` whole and as N shards for each N, merges
/// the shards and checks every file against the whole run.
pub fn shards_equal_whole(command: &str, scenario: &Path, args: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let go = |out: &Path, extra: &[&str]| {
        let o = whoruns()
            .arg(command)
            .arg(scenario)
            .args(args)
            .args(["-q", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let whole = dir.path().join("whole");
    go(&whole, &[]);
    let expected = tree(&whole);
    for n in [1u32, 2, 3, 7] {
        let parts: Vec<PathBuf> = (1..=n)
            .map(|k| {
                let p = dir.path().join(format!("n{n}-{k}"));
                go(&p, &["--shard", &format!("{k}/{n}")]);
                p
            })
            .collect();
        let merged = dir.path().join(format!("merged-{n}"));
        let o = merge(&parts, &merged);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got = tree(&merged);
        assert_eq!(
            got.iter().map(|f| &f.0).collect::<Vec<_>>(),
            expected.iter().map(|f| &f.0).collect::<Vec<_>>(),
            "{command}, N = {n}: different files"
        );
        for ((name, a), (_, b)) in got.iter().zip(&expected) {
            assert!(
                a == b,
                "{command}, N = {n}: {name} differs from the whole run"
            );
        }
    }
}

#[test]
fn merged_sweep_shards_equal_the_whole_sweep() {
    shards_equal_whole(
        "sweep",
        &bundled("sweep-estate.toml"),
        &["-n", "3", "--steps", "4"],
    );
}

#[test]
fn merged_sensitivity_shards_equal_the_whole_analysis() {
    shards_equal_whole(
        "sensitivity",
        &bundled("baseline.toml"),
        &[
            "-n",
            "3",
            "--models",
            "you-run,ops-run",
            "--params",
            "groups.ops.salary,costs.standby_per_hour,knowledge.target,services.*.deploys_per_week",
        ],
    );
}
