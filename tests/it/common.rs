//! Helpers shared by the integration tests.

use whoruns::Scenario;

/// Parses a scenario from text, panicking with the error list if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    match whoruns::scenario::parse(text, "test.toml") {
        Ok(s) => s,
        Err(e) => panic!("test scenario is invalid:\n{e}"),
    }
}

/// An M/M/c queue as a scenario: one service, Poisson arrivals, `c` responders,
/// exponential service, no delays, a warm-up of `warmup_days`.
/// `s` with the long-run mechanisms off (no learning, cascades or hand-off friction): for
/// tests of other mechanisms, which the long run would otherwise mix in.
pub fn stationary(mut s: Scenario) -> Scenario {
    s.learning.incentive = 0.0;
    s.cascades.probability = 0.0;
    s.handoff.effort_factor = 1.0;
    s.handoff.delay = whoruns::dist::Dist::constant(0.0).expect("a constant");
    s
}

pub fn mmc(
    lambda: f64,
    c: u32,
    mean: f64,
    replications: u32,
    seed: u64,
    horizon_days: u32,
    warmup_days: u32,
) -> Scenario {
    scenario(&format!(
        r#"
name = "mmc"
horizon = "{horizon}d"
warmup = "{warmup_days}d"
replications = {replications}
seed = {seed}
models = ["you-run"]
[response]
acknowledge = {{ dist = "constant", value = "0h" }}
[groups.dev]
concurrent_oncall = {c}
[learning]
incentive = 0
[[teams]]
name = "q"
[[services]]
name = "s"
team = "q"
background_incidents = "{lambda}/h"
deploys_per_week = 0
effort = {{ dist = "exponential", mean = "{mean}h" }}
detection = {{ dist = "constant", value = "0h" }}
severities = [{{ name = "any", share = 1.0, impact = 1.0 }}]
"#,
        horizon = horizon_days + warmup_days
    ))
}

/// Path of a bundled scenario.
pub fn bundled(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Every file under `dir`, relative to it, with its bytes, sorted by path.
pub fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("read dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// Every replication of `model` in a run of `s`.
pub fn outcomes(s: &Scenario, model: whoruns::ModelKind) -> Vec<whoruns::Outcome> {
    whoruns::runner::run(s, None, &|| {})
        .expect("run")
        .into_iter()
        .filter(|o| o.model == model)
        .collect()
}

/// The paired difference a − b of `metric`, replication by replication.
pub fn paired(
    a: &[whoruns::Outcome],
    b: &[whoruns::Outcome],
    metric: fn(&whoruns::Outcome) -> f64,
) -> whoruns::stats::Estimate {
    whoruns::stats::Estimate::of(a.iter().zip(b).map(|(x, y)| metric(x) - metric(y)))
}
