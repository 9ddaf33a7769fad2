//! The bad-input corpus (`tests/bad/`): dozens of scenario files, each wrong in one way.
//! `whoruns run` must refuse every one with exit status 2, say where (file, and line and
//! column when the problem is inside the file) and what, in the scenario's own words, and
//! write nothing. Every message is snapshotted in one file
//! (`snapshots/it__bad_inputs__bad_inputs.snap`) so a reviewer reads them all at once.

use std::fs;
use std::path::Path;

use crate::cli::whoruns;

/// Problems about the file as a whole, or refused by the guardrails before simulating:
/// named by file, without a line and column.
const FILE_LEVEL: [&str; 6] = [
    "a-folder.toml",
    "missing.toml",
    "too-large.toml",
    "extreme-rate.toml",
    "extreme-replications.toml",
    "empty.toml",
];

fn refuse(dir: &Path, name: &str, out_root: &Path) -> String {
    let out = out_root.join(name.replace('.', "-"));
    let o = whoruns()
        .current_dir(dir)
        .arg("run")
        .arg(name)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run whoruns");
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
    assert!(o.stdout.is_empty(), "{name} printed {:?}", o.stdout);
    assert!(!out.exists(), "{name}: something was written");
    assert!(!stderr.trim().is_empty(), "{name}: no message");
    for line in stderr.lines() {
        assert!(line.starts_with(&format!("{name}:")), "{name}: {line}");
        assert!(
            line.chars().count() < 600,
            "{name}: a message too long to read"
        );
    }
    if !FILE_LEVEL.contains(&name) {
        let first = stderr.lines().next().unwrap_or("");
        let rest = &first[name.len() + 1..];
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or("");
        let column = parts.next().unwrap_or("");
        assert!(
            line.parse::<u32>().is_ok() && column.parse::<u32>().is_ok(),
            "{name}: no line and column in {first}"
        );
    }
    stderr
}

#[test]
fn every_bad_input_is_refused_clearly_and_nothing_is_written() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut names: Vec<String> = fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 40,
        "only {} files in the corpus",
        names.len()
    );
    let out_root = tempfile::tempdir().expect("tempdir");
    let mut snapshot = String::new();
    for name in names.iter().map(String::as_str).chain(["missing.toml"]) {
        let stderr = refuse(&corpus, name, out_root.path());
        snapshot.push_str(&format!("── {name}\n{stderr}\n"));
    }
    // Made here rather than committed: a 5 MB value, and a file past the size limit.
    let big = tempfile::tempdir().expect("tempdir");
    let huge = format!(
        "horizon = \"{}\"\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n",
        "9".repeat(5 << 20)
    );
    fs::write(big.path().join("huge-value.toml"), huge).expect("write");
    let mut large = String::with_capacity(65 << 20);
    while large.len() < (65 << 20) {
        large.push_str("# a comment line that goes on and on to fill the file up\n");
    }
    fs::write(big.path().join("too-large.toml"), large).expect("write");
    for name in ["huge-value.toml", "too-large.toml"] {
        let stderr = refuse(big.path(), name, out_root.path());
        snapshot.push_str(&format!("── {name}\n{stderr}\n"));
    }
    let left: Vec<_> = fs::read_dir(out_root.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    insta::assert_snapshot!("bad_inputs", snapshot);
}
