//! The Monte Carlo runner: replications in parallel, each one world shared by every model.
//! Results depend only on the scenario and the seed, never on the thread count.

use rayon::prelude::*;

use crate::engine::simulate;
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
}

/// Simulates every model of `scenario` on replication `replication`'s world.
pub fn simulate_replication(scenario: &Scenario, replication: u32) -> Vec<Outcome> {
    let seed = replication_seed(scenario.seed, replication);
    let world = World::generate(scenario, seed);
    scenario
        .models
        .iter()
        .map(|&model| simulate(scenario, &world, model, replication, seed))
        .collect()
}

/// Runs all replications on `threads` threads (all cores when `None`), calling `progress`
/// after each replication. Outcomes are ordered by replication, then by model.
pub fn run(
    scenario: &Scenario,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Outcome>, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|source| RunError::ThreadPool {
        threads: threads.unwrap_or(0),
        source,
    })?;
    let per_replication: Vec<Vec<Outcome>> = pool.install(|| {
        (0..scenario.replications)
            .into_par_iter()
            .map(|r| {
                let out = simulate_replication(scenario, r);
                progress();
                out
            })
            .collect()
    });
    Ok(per_replication.into_iter().flatten().collect())
}
