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
                None,
                &mut scenario,
                options.threads,
                p,
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

/// Refuses a run over the guardrails, its results streamed ([`guard::check_streamed`]);
/// with `--precision`, held whole and judged at the most replications it may grow to.
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
    // Without --precision the results stream to their files; with it they are held
    // until the number of replications is known.
    let size = if precision.is_some() {
        guard::check(&largest, threads, limits)
    } else {
        guard::check_streamed(&largest, threads, limits)
    };
    size.map(|_| ()).map_err(Box::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"q\"\nhorizon = \"30d\"\nreplications = 4\nmodels = [\"you-run\", \"ops-run\"]\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"1/day\"\n";

    fn scenario() -> Scenario {
        crate::scenario::parse(TEXT, "q.toml").unwrap()
    }

    fn quiet<'a>(stop: &'a (dyn Fn() -> bool + Sync)) -> Progress<'a> {
        Progress {
            tick: &|| {},
            planned: &|_| {},
            stop,
        }
    }

    #[test]
    fn a_shard_runs_its_block_with_the_seeds_of_the_whole_run() {
        let all = run(scenario(), &Options::default(), &quiet(&|| false))
            .unwrap()
            .unwrap();
        assert_eq!(all.outcomes.len(), 8);
        let options = Options {
            replications: Some(2..4),
            threads: Some(1),
            ..Options::default()
        };
        let part = run(scenario(), &options, &quiet(&|| false))
            .unwrap()
            .unwrap();
        assert_eq!(part.outcomes.len(), 4);
        for (a, b) in part.outcomes.iter().zip(&all.outcomes[4..]) {
            assert_eq!((a.replication, a.cost_total), (b.replication, b.cost_total));
        }
        assert!(
            run(scenario(), &Options::default(), &quiet(&|| true))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn with_precision_the_scenario_as_run_has_the_replications_run() {
        let options = Options {
            precision: Some(Precision {
                share: 0.5,
                max_replications: 9,
            }),
            ..Options::default()
        };
        let r = run(scenario(), &options, &quiet(&|| false))
            .unwrap()
            .unwrap();
        let note = r.note.expect("a note");
        assert_eq!(r.scenario.replications, note.replications);
        assert_eq!(r.outcomes.len(), 2 * note.replications as usize);
        assert!(note.replications <= 9);
    }
}
