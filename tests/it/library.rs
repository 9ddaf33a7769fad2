//! The analyses as library calls: the README's example, and the bytes it gives are the
//! bytes `whoruns sweep` writes — the binary adds nothing but publishing.

use std::fs;
use std::path::Path;

use whoruns::axis::Scale;

#[test]
fn the_readmes_library_sweep_gives_the_commands_files() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep-estate.toml");
    let text = fs::read_to_string(&path).unwrap();
    let mut base = whoruns::scenario::parse(&text, "sweep-estate.toml").unwrap();
    base.set_replications(3).unwrap();
    let axes = whoruns::sweep::axes(&base, &[], Some(3), Scale::Log, None).unwrap();
    let mut plan = whoruns::sweep::plan(&text, &base, axes).unwrap();
    let n = plan.points.len();
    let simulated = whoruns::sweep::simulate(&mut plan, 0..n, None, None, &|| {}, &|| false)
        .unwrap()
        .expect("not stopped");
    let sweep = whoruns::sweep::finish(plan, simulated.cells, simulated.replications).unwrap();
    let files = whoruns::report::files::sweep(&sweep, &|| false)
        .unwrap()
        .expect("not stopped");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_whoruns"))
        .arg("sweep")
        .arg(&path)
        .args(["-n", "3", "--steps", "3", "-q", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(files.len() > 10, "{}", files.len());
    for (name, bytes) in &files {
        let written = fs::read(out.join(name)).unwrap();
        assert!(written == *bytes, "{name} differs from the command's");
    }
}
