//! The Slurm script and the Kubernetes manifest in `docs/scale-out/`, run locally: their
//! whoruns command lines, with each engine's variables set for every index, then the
//! merge they describe. The merged results must equal a single run's, so the docs cannot
//! drift from the flags.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::bundled;

fn doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/scale-out")
        .join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `line` in a shell with `whoruns` on the PATH and `vars` set.
fn sh(line: &str, vars: &[(&str, String)]) {
    let bin = assert_cmd::cargo::cargo_bin("whoruns");
    let dir = bin.parent().expect("bin dir").to_path_buf();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("sh");
    c.arg("-c").arg(line).env("PATH", path);
    c.env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("WHORUNS_SHARDS");
    for (k, v) in vars {
        c.env(k, v);
    }
    let o = c.output().expect("sh");
    assert!(
        o.status.success(),
        "{line}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The quoted strings of the first JSON-style array on a line, e.g. `args: ["run", "x"]`.
fn strings(line: &str) -> Vec<String> {
    let start = line.find('[').expect("[") + 1;
    let end = start + line[start..].find(']').expect("]");
    let inner = &line[start..end];
    inner
        .split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

fn same_files(a: &Path, b: &Path) {
    for f in [
        "sensitivity.csv",
        "charts/tornado.png",
        "charts/tornado.svg",
    ] {
        let read = |d: &Path| {
            fs::read(d.join(f)).unwrap_or_else(|e| panic!("{}: {e}", d.join(f).display()))
        };
        assert_eq!(read(a), read(b), "{f} differs");
    }
}

/// The baseline with half a measured year after a quarter's warm-up, written into `dir`: the
/// docs' command lines are what is tested, on a scenario a tenth as long to simulate (it
/// warns that its start is not steady, which changes nothing here). Edited line by line, not
/// through `whoruns::edit::set_value`, which reads stated values without their ranges and
/// so would change the ranges the sensitivity analysis moves.
fn light(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(bundled("baseline.toml")).expect("baseline");
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("horizon =") {
                "horizon = \"6570h\"".to_string()
            } else if l.starts_with("warmup =") {
                "warmup = \"2190h\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    let path = dir.join("light.toml");
    fs::write(&path, text.join("\n")).expect("writes");
    path
}

/// The analysis the docs shard, run whole.
fn single(out: &Path, scenario: &Path) {
    let o = crate::cli::whoruns()
        .arg("sensitivity")
        .arg(scenario)
        .args([
            "--models",
            "you-run,ops-run",
            "--replications",
            "20",
            "-q",
            "--out",
        ])
        .arg(out)
        .output()
        .expect("sensitivity");
    assert!(o.status.success());
}

#[test]
fn the_slurm_script_runs_as_written() {
    let script = doc("slurm.sbatch");
    let run = script
        .lines()
        .find(|l| l.trim_start().starts_with("whoruns sensitivity"))
        .expect("a whoruns sensitivity line");
    let merge = script
        .lines()
        .rfind(|l| l.contains("whoruns merge"))
        .expect("a whoruns merge line")
        .trim_start_matches('#')
        .trim();
    let array = script
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array="))
        .expect("--array");
    let (lo, hi) = array.split_once('-').expect("a range");
    let (lo, hi): (u32, u32) = (lo.parse().expect("lo"), hi.parse().expect("hi"));
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = light(dir.path());
    let base = vec![
        ("SCENARIO", scenario.display().to_string()),
        ("PARTS", dir.path().join("parts").display().to_string()),
        ("OUT", dir.path().join("results").display().to_string()),
        ("SLURM_CPUS_PER_TASK", "1".to_string()),
        ("SLURM_ARRAY_TASK_MIN", lo.to_string()),
        ("SLURM_ARRAY_TASK_COUNT", (hi - lo + 1).to_string()),
    ];
    for id in lo..=hi {
        let mut vars = base.clone();
        vars.push(("SLURM_ARRAY_TASK_ID", id.to_string()));
        sh(run, &vars);
    }
    sh(merge, &base);
    single(&dir.path().join("single"), &scenario);
    same_files(&dir.path().join("results"), &dir.path().join("single"));
}

#[test]
fn the_kubernetes_job_runs_as_written() {
    let yaml = doc("k8s-job.yaml");
    let args = strings(
        yaml.lines()
            .find(|l| l.trim_start().starts_with("args:"))
            .expect("container args"),
    );
    let completions: u32 = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("completions:"))
        .expect("completions")
        .trim()
        .parse()
        .expect("a number");
    let shards = yaml
        .lines()
        .skip_while(|l| !l.contains("name: WHORUNS_SHARDS"))
        .find_map(|l| l.trim().strip_prefix("value:"))
        .expect("WHORUNS_SHARDS value")
        .trim()
        .trim_matches('"')
        .to_string();
    let merge_line = yaml
        .lines()
        .find(|l| l.contains("\"merge\""))
        .expect("the merge command");
    let merge_args = strings(&merge_line[merge_line.find("\"args\"").expect("args")..]);
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = light(dir.path());
    let local = |a: &str, index: Option<u32>| -> String {
        let a = a
            .replace("/out", &dir.path().display().to_string())
            .replace(
                "/opt/whoruns/scenarios/baseline.toml",
                &scenario.display().to_string(),
            );
        match index {
            Some(i) => a.replace("$(JOB_COMPLETION_INDEX)", &i.to_string()),
            None => a,
        }
    };
    for index in 0..completions {
        let line: Vec<String> = args
            .iter()
            .map(|a| format!("'{}'", local(a, Some(index))))
            .collect();
        sh(
            &format!("whoruns {}", line.join(" ")),
            &[
                ("JOB_COMPLETION_INDEX", index.to_string()),
                ("WHORUNS_SHARDS", shards.clone()),
            ],
        );
    }
    let line: Vec<String> = merge_args
        .iter()
        .map(|a| format!("'{}'", local(a, None)))
        .collect();
    sh(&format!("whoruns {}", line.join(" ")), &[]);
    single(&dir.path().join("single"), &scenario);
    same_files(&dir.path().join("merged"), &dir.path().join("single"));
}

/// The image's build stage (`Dockerfile`, which `docs/scale-out.md` builds for batch nodes)
/// copies every file the release build reads: the manifests, every workspace member, and
/// every file the source includes at compile time. Docker cannot run here, so the build
/// context is checked against the source instead: a member or an included file that the
/// stage does not copy fails `docker build` for every user.
#[test]
fn the_images_build_stage_copies_everything_the_build_reads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dockerfile = fs::read_to_string(root.join("Dockerfile")).unwrap();
    let stage: Vec<&str> = dockerfile
        .lines()
        .skip_while(|l| !(l.starts_with("FROM ") && l.trim_end().ends_with(" AS build")))
        .skip(1)
        .take_while(|l| !l.starts_with("FROM "))
        .collect();
    assert!(!stage.is_empty(), "Dockerfile: no `FROM … AS build` stage");
    let copied: Vec<String> = stage
        .iter()
        .filter_map(|l| l.strip_prefix("COPY "))
        .filter(|rest| !rest.starts_with("--from"))
        .flat_map(|rest| {
            let words: Vec<&str> = rest.split_whitespace().collect();
            words[..words.len() - 1]
                .iter()
                .map(|w| w.trim_end_matches('/').to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    for source in &copied {
        assert!(
            root.join(source).exists(),
            "Dockerfile copies `{source}`, which the repository does not have"
        );
    }
    let covered = |path: &str| {
        copied
            .iter()
            .any(|c| path == c || path.starts_with(&format!("{c}/")))
    };
    let mut needed = vec!["Cargo.toml".to_string(), "Cargo.lock".to_string()];
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest
        .lines()
        .find_map(|l| l.strip_prefix("members = "))
        .expect("Cargo.toml: the workspace's members");
    needed.extend(
        members
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|m| m.trim().trim_matches('"').to_string())
            .filter(|m| m != "."),
    );
    for path in crate::tidy::rust_files(&root.join("src")) {
        let text = fs::read_to_string(&path).unwrap();
        for macro_call in ["include_str!(\"", "include_bytes!(\""] {
            for (at, _) in text.match_indices(macro_call) {
                let rest = &text[at + macro_call.len()..];
                let target = &rest[..rest.find('"').unwrap()];
                let file = path.parent().unwrap().join(target);
                let file = file
                    .canonicalize()
                    .unwrap_or_else(|e| panic!("{}: includes {target}: {e}", path.display()));
                let relative = file.strip_prefix(root.canonicalize().unwrap()).unwrap();
                needed.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    needed.sort();
    needed.dedup();
    let missing: Vec<&String> = needed.iter().filter(|n| !covered(n)).collect();
    assert!(
        missing.is_empty(),
        "the Dockerfile's build stage does not copy {missing:?} (it copies {copied:?})"
    );
}
