//! The Monte Carlo runner: replications in parallel, each one world shared by every model.
//! Results depend only on the scenario and the seed, never on the thread count.

use rayon::prelude::*;

use crate::engine::simulate_policy;
use crate::models::{Policy, policies};
use crate::outcome::Outcome;
use crate::rng::replication_seed;
use crate::scenario::Scenario;
use crate::world::World;

/// Errors of the runner.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be created.
    #[error("could not start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads requested.
        threads: usize,
        /// The underlying error.
        source: rayon::ThreadPoolBuildError,
    },
    /// A replication's feedback loop ran away: fixes conflicted with open workarounds,
    /// each conflict was a new incident that could be worked around again, and the
    /// regressions passed the run-time guard ([`crate::engine::runaway_limit`]).
    #[error(
        "replication {replication} under {model} ran away: it created {limit} incidents of its own (the guard's limit, {factor} per incident drawn plus {slack}) — regressions from developer fixes that conflicted with open workarounds, each a new incident that could be worked around again, or cascades along depends_on — so the results would not be a finding. Regressions feed on workarounds.probability ({probability}), workarounds.conflict_probability ({conflict}) and workarounds.lifetime under workarounds.on_conflict = \"keep\" (use \"retire\", the default, which bounds them); cascades feed on cascades.probability × (1 − resilience) along cycles or long chains of depends_on (lower cascades.probability, raise cascades.resilience)"
    )]
    Runaway {
        /// The model's key.
        model: &'static str,
        /// The replication.
        replication: u32,
        /// Regressions created when the guard stopped it.
        limit: usize,
        /// The guard's regressions per drawn incident.
        factor: usize,
        /// The guard's regressions allowed regardless.
        slack: usize,
        /// `workarounds.probability`.
        probability: f64,
        /// `workarounds.conflict_probability`.
        conflict: f64,
    },
    /// The run settings cannot be applied to the scenario.
    #[error(transparent)]
    Settings(#[from] crate::scenario::ChangeError),
}

/// Simulates every model of `scenario` on replication `replication`'s world.
pub fn simulate_replication(scenario: &Scenario, replication: u32) -> Vec<Outcome> {
    replicate(scenario, &policies(scenario), replication)
}

/// One replication under the policies derived once for the run.
fn replicate(scenario: &Scenario, policies: &[Policy], replication: u32) -> Vec<Outcome> {
    let seed = replication_seed(scenario.seed, replication);
    let world = World::generate_for(scenario, policies, seed);
    policies
        .iter()
        .map(|policy| simulate_policy(scenario, &world, policy, replication, seed))
        .collect()
}

/// Runs all replications on `threads` threads (all cores when `None`), calling `progress`
/// after each replication. Outcomes are ordered by replication, then by model.
pub fn run(
    scenario: &Scenario,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Outcome>, RunError> {
    Ok(run_until(scenario, threads, progress, &|| false)?.unwrap_or_default())
}

/// [`run`], stopping early when `stop` says so: each worker asks before starting a
/// replication, so a stop takes effect within one replication's time. `None` when stopped.
pub fn run_until(
    scenario: &Scenario,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Outcome>>, RunError> {
    run_range(scenario, 0..scenario.replications, threads, progress, stop)
}

/// A worker pool of `threads` threads (all cores when `None`).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    builder.build().map_err(|source| RunError::ThreadPool {
        threads: threads.unwrap_or(0),
        source,
    })
}

/// Replications `range` only (their seeds do not depend on the range, so running 0..n
/// then n..m gives exactly the outcomes of running 0..m), stopping early like
/// [`run_until`].
pub fn run_range(
    scenario: &Scenario,
    range: std::ops::Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Outcome>>, RunError> {
    let pool = pool(threads)?;
    let policies = policies(scenario);
    let per_replication: Option<Vec<Vec<Outcome>>> = pool.install(|| {
        range
            .into_par_iter()
            .map(|r| {
                if stop() {
                    return None;
                }
                let out = replicate(scenario, &policies, r);
                progress();
                Some(out)
            })
            .collect()
    });
    let Some(per_replication) = per_replication else {
        return Ok(None);
    };
    // The first runaway in replication order (whatever the thread count).
    if let Some((o, limit)) = per_replication
        .iter()
        .flatten()
        .find_map(|o| o.runaway.map(|limit| (o, limit)))
    {
        return Err(RunError::Runaway {
            model: o.model.key(),
            replication: o.replication,
            limit,
            factor: crate::engine::RUNAWAY_FACTOR,
            slack: crate::engine::RUNAWAY_SLACK,
            probability: scenario.workarounds.probability,
            conflict: scenario.workarounds.conflict_probability,
        });
    }
    Ok(Some(per_replication.into_iter().flatten().collect()))
}
