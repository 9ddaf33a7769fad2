//! A feedback loop that would run away is stopped, bounded, and refused with exit 2
//! (issue 27): a service whose incidents take minutes of hands-on work, run by ops, where
//! every developer fix conflicts with open workarounds and every conflict is a new
//! incident that can be worked around again.

use std::fs;
use std::path::Path;

use whoruns::engine::runaway_limit;
use whoruns::runner::{self, RunError};
use whoruns::world::World;

const MODELS: &str = "[\"you-run\", \"you-and-sre-run\", \"sre-run\", \"ops-run\", \"ops-sometimes-run\", \"you-run-ops-monitors\"]";

/// `scenarios/mmc-check.toml` with every model and the hands-on effort's mean `effort`,
/// under the workaround rule `on_conflict`.
fn mutated(effort: &str, on_conflict: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc-check.toml");
    fs::read_to_string(path)
        .unwrap()
        .replace("models = [\"you-run\"]", &format!("models = {MODELS}"))
        .replace(
            "effort = { dist = \"exponential\", mean = \"3h\" }",
            &format!("effort = {{ dist = \"exponential\", mean = \"{effort}\" }}"),
        )
        + &format!("\n[workarounds]\non_conflict = \"{on_conflict}\"\n")
}

#[test]
fn under_the_default_rule_a_workaround_causes_at_most_one_regression() {
    for effort in ["3h", "30m", "1m", "3s"] {
        let mut s = crate::common::scenario(&mutated(effort, "retire"));
        s.set_replications(2).unwrap();
        let outcomes = runner::run(&s, Some(2), &|| {}).expect("bounded: never refused");
        for o in &outcomes {
            // Each world incident gets at most one workaround, each workaround causes at
            // most one regression, and a regression is never worked around.
            assert!(
                o.regressions <= o.workarounds_applied,
                "{effort} {}: {} regressions from {} workarounds",
                o.model,
                o.regressions,
                o.workarounds_applied
            );
            let seed = whoruns::rng::replication_seed(s.seed, o.replication);
            let drawn = World::generate(&s, seed).incidents.len() as u64;
            assert!(o.incidents <= 2 * drawn, "{effort} {}", o.model);
        }
        // The bound is tested where the loop lives: ops-run works incidents around.
        assert!(
            outcomes
                .iter()
                .any(|o| o.workarounds_applied > 0 && o.regressions > 0),
            "{effort}: no model exercised the workaround loop"
        );
    }
}

#[test]
fn incidents_stay_bounded_by_arrivals_or_the_run_is_refused() {
    for effort in ["3h", "30m", "1m", "3s"] {
        let mut s = crate::common::scenario(&mutated(effort, "keep"));
        s.set_replications(2).unwrap();
        match runner::run(&s, Some(2), &|| {}) {
            Ok(outcomes) => {
                for o in &outcomes {
                    let seed = whoruns::rng::replication_seed(s.seed, o.replication);
                    let drawn = World::generate(&s, seed).incidents.len() as u64;
                    assert!(
                        o.incidents <= drawn + runaway_limit(drawn as usize) as u64,
                        "{effort} {}: {} incidents from {drawn} drawn",
                        o.model,
                        o.incidents
                    );
                    assert!(o.runaway.is_none());
                }
            }
            Err(RunError::Runaway { model, .. }) => {
                assert_ne!(
                    effort, "3h",
                    "{model}: the unmutated queue does not run away"
                );
            }
            Err(e) => panic!("{effort}: {e}"),
        }
    }
}

#[test]
fn the_command_refuses_a_runaway_with_its_mechanism_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("runaway.toml");
    fs::write(&file, mutated("1m", "keep")).unwrap();
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_whoruns"))
        .arg("run")
        .arg(&file)
        .args(["-n", "2", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ran away"), "{err}");
    assert!(err.contains("workarounds.conflict_probability"), "{err}");
    assert!(!out.exists(), "nothing is written");
}
