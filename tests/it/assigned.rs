//! The `assigned` model: each service run by the runner its `runner` key names. The named
//! models with a static assignment are special cases of it, bit for bit; its keys leave
//! every other model's results unchanged.

use whoruns::models::Policy;
use whoruns::runner::run;
use whoruns::{ModelKind, Outcome, Scenario};

use crate::common::{bundled, scenario};

/// The baseline, shortened: two measured years after a year of warm-up, 3 replications.
fn baseline() -> Scenario {
    let text = std::fs::read_to_string(bundled("baseline.toml")).unwrap();
    let mut s = scenario(&text);
    s.horizon_hours = 3.0 * 8766.0;
    s.warmup_hours = 8766.0;
    s.set_replications(3).unwrap();
    s
}

/// `outcomes` with the model's key blanked, so that two models' rows can be compared.
fn as_assigned(outcomes: Vec<Outcome>) -> Vec<Outcome> {
    outcomes
        .into_iter()
        .map(|mut o| {
            o.model = ModelKind::Assigned;
            o
        })
        .collect()
}

fn outcomes(s: &Scenario, model: ModelKind) -> Vec<Outcome> {
    let mut s = s.clone();
    s.compare(vec![model], model).unwrap();
    run(&s, Some(2), &|| {}).unwrap()
}

#[test]
fn named_static_models_written_as_assignments_give_identical_results() {
    let s = baseline();
    let mut checked = 0;
    for model in ModelKind::ALL {
        let Some(runners) = Policy::static_runners(&s, model) else {
            continue;
        };
        let mut assigned = s.clone();
        assigned.assign(&runners).unwrap();
        let named = as_assigned(outcomes(&s, model));
        let written = outcomes(&assigned, ModelKind::Assigned);
        assert_eq!(named, written, "{model} written as an assignment differs");
        checked += 1;
    }
    // you-run, you-and-sre-run, ops-run, ops-sometimes-run.
    assert_eq!(checked, 4);
}

#[test]
fn runner_keys_in_the_file_give_ops_sometimes_run() {
    // The scenario file's words, not the library's setter: ops-sometimes-run's split at
    // 99.9% written as runner keys.
    let base = r#"
name = "split"
horizon = "2y"
warmup = "1y"
replications = 2
seed = 7
models = ["MODEL"]
[ops_sometimes_run]
min_availability_target = 0.999
[[teams]]
name = "a"
[[services]]
name = "hi"
team = "a"
availability_target = 0.9995
background_incidents = "2/month"
RUNNER_HI
[[services]]
name = "lo"
team = "a"
availability_target = 0.99
background_incidents = "3/month"
RUNNER_LO
"#;
    let named = scenario(
        &base
            .replace("MODEL", "ops-sometimes-run")
            .replace("RUNNER_HI", "")
            .replace("RUNNER_LO", ""),
    );
    let written = scenario(
        &base
            .replace("MODEL", "assigned")
            .replace("RUNNER_HI", "runner = \"owners\"")
            .replace(
                "RUNNER_LO",
                "runner = \"ops\"\nallowed_runners = [\"ops\", \"owners\"]",
            ),
    );
    let a = as_assigned(run(&named, Some(1), &|| {}).unwrap());
    let b = run(&written, Some(1), &|| {}).unwrap();
    assert_eq!(a, b);
    assert!(a.iter().any(|o| o.handed_over_incidents > 0));
}

#[test]
fn runner_keys_leave_every_other_model_unchanged() {
    let s = baseline();
    let mut moved = s.clone();
    let runners: Vec<_> = (0..s.services.len())
        .map(|i| whoruns::scenario::Runner::ALL[i % 4])
        .collect();
    moved.assign(&runners).unwrap();
    let before = run(&s, Some(2), &|| {}).unwrap();
    let after = run(&moved, Some(2), &|| {}).unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_mixed_assignment_staffs_what_it_uses() {
    let mut s = baseline();
    let n = s.services.len();
    let mut runners = vec![whoruns::scenario::Runner::Owners; n];
    runners[0] = whoruns::scenario::Runner::Ops;
    s.assign(&runners).unwrap();
    let p = Policy::of(&s, ModelKind::Assigned);
    assert!(p.headcount.ops > 0.0);
    assert_eq!(p.headcount.sre_team, 0.0);
    let all_owners = Policy::assigned(&s, &vec![whoruns::scenario::Runner::Owners; n]);
    assert_eq!(all_owners.headcount.ops, 0.0);
    assert_eq!(all_owners.stream, ModelKind::YouRun.index());
    assert_eq!(p.stream, ModelKind::Assigned.index());
}
