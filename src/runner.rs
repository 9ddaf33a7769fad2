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
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|source| RunError::ThreadPool {
        threads: threads.unwrap_or(0),
        source,
    })?;
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
    Ok(per_replication.map(|v| v.into_iter().flatten().collect()))
}
