//! `whoruns run` as a library call: a validated scenario and options in, outcomes out —
//! every replication, a shard's block of them, or as many as `--precision` needs (Hoad,
//! Robinson & Davies 2010) — with the scenario as run (its replications the number run).

use std::ops::Range;

use crate::guard::{self, Limits, TooBig};
use crate::outcome::Outcome;
use crate::precision::{Note, Precision, run_until_precise};
use crate::runner::{RunError, run_range};
use crate::scenario::Scenario;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads (all cores when `None`); results do not depend on it.
    pub threads: Option<usize>,
    /// Only these replications (a shard's block); all when `None`.
    pub replications: Option<Range<u32>>,
    /// Add replications until the headline metrics are this precise.
    pub precision: Option<Precision>,
}

/// Callbacks a long run reports to and is stopped by.
pub struct Progress<'a> {
    /// Called after each replication.
    pub tick: &'a (dyn Fn() + Sync),
    /// Told each new planned total (with `--precision` it grows).
    pub planned: &'a dyn Fn(u32),
    /// Asked before each replication; `true` stops the run.
    pub stop: &'a (dyn Fn() -> bool + Sync),
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario as run: with `--precision`, its replications are the number run.
    pub scenario: Scenario,
    /// Ordered by replication, then model.
    pub outcomes: Vec<Outcome>,
    /// What `--precision` did.
    pub note: Option<Note>,
}

/// Runs `scenario`; `None` when stopped.
pub fn run(
    mut scenario: Scenario,
    options: &Options,
    progress: &Progress<'_>,
) -> Result<Option<Run>, RunError> {
    match options.precision {
        None => {
            let range = options
                .replications
                .clone()
                .unwrap_or(0..scenario.replications);
            (progress.planned)(range.end - range.start);
            let outcomes = run_range(
                &scenario,
                range,
                options.threads,
                progress.tick,
                progress.stop,
            )?;
            Ok(outcomes.map(|outcomes| Run {
                scenario,
                outcomes,
                note: None,
            }))
        }
        Some(p) => {
            let cap = p.max_replications;
            (progress.planned)(scenario.replications.clamp(2, cap.max(2)));
            let done = run_until_precise(
                &mut scenario,
                options.threads,
                p.share,
                cap,
                progress.tick,
                progress.planned,
                progress.stop,
            )?;
            Ok(done.map(|(outcomes, note)| Run {
                scenario,
                outcomes,
                note: Some(note),
            }))
        }
    }
}

/// Refuses a run over the guardrails; with `--precision` it is judged at the most
/// replications it may grow to.
pub fn check_size(
    scenario: &Scenario,
    threads: usize,
    limits: &Limits,
    precision: Option<Precision>,
) -> Result<(), Box<TooBig>> {
    let mut largest = scenario.clone();
    if let Some(p) = precision {
        // At least the scenario's own number, which is at least 2: always valid.
        let most = p.max_replications.max(scenario.replications);
        if largest.set_replications(most).is_err() {
            return Ok(());
        }
    }
    guard::check(&largest, threads, limits)
        .map(|_| ())
        .map_err(Box::new)
}
