//! Answers that sharpen: a first answer from a small batch of replications, then more,
//! each batch reported, until every headline metric of every model is within the target
//! relative 95% half-width (as `--precision` judges it, [`crate::precision::widest`]) or the
//! cap is reached. Replications keep the CLI's seeds ([`crate::runner::run_range`]), so the
//! outcomes after n replications are exactly those of `whoruns run -n n`.

use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::precision::widest;
use crate::runner::{RunError, run_range};
use crate::scenario::Scenario;

/// How an answer sharpens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Replications of the first answer (at least 2).
    pub first: u32,
    /// The most replications to run.
    pub cap: u32,
    /// The relative 95% half-width every headline metric must reach (0.05 for ±5%).
    pub share: f64,
    /// Worker threads (all cores when `None`); results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            first: 20,
            cap: 1_000,
            share: 0.05,
            threads: None,
        }
    }
}

impl Plan {
    /// The totals after each batch: `first`, then doubling, up to `cap`.
    pub fn totals(&self) -> Vec<u32> {
        let cap = self.cap.max(2);
        let mut n = self.first.clamp(2, cap);
        let mut out = vec![n];
        while n < cap {
            n = (n * 2).min(cap);
            out.push(n);
        }
        out
    }
}

/// Where an answer stands after a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// Replications so far.
    pub replications: u32,
    /// The widest relative half-width over headline metrics and models.
    pub widest: f64,
    /// The metric it is on.
    pub metric: &'static str,
    /// The model it is on.
    pub model: ModelKind,
    /// Whether every headline metric is within the target.
    pub precise: bool,
    /// Whether no more replications will run (precise, or at the cap).
    pub last: bool,
}

/// Runs `scenario` batch by batch along `plan`, calling `each` with the outcomes so far
/// and where they stand; stops between (and within) batches when `stop` says so. Returns
/// the final outcomes, or `None` when stopped.
pub fn sharpen(
    scenario: &Scenario,
    plan: &Plan,
    stop: &(dyn Fn() -> bool + Sync),
    each: &mut dyn FnMut(&[Outcome], Standing),
) -> Result<Option<Vec<Outcome>>, RunError> {
    let mut outcomes = Vec::new();
    let mut done = 0u32;
    let totals = plan.totals();
    for (k, &n) in totals.iter().enumerate() {
        let Some(batch) = run_range(scenario, done..n, plan.threads, &|| {}, stop)? else {
            return Ok(None);
        };
        outcomes.extend(batch);
        done = n;
        let (w, metric, model) = widest(&scenario.models, &outcomes);
        let precise = w <= plan.share;
        let last = precise || k + 1 == totals.len();
        if stop() {
            return Ok(None);
        }
        each(
            &outcomes,
            Standing {
                replications: n,
                widest: w,
                metric,
                model,
                precise,
                last,
            },
        );
        if last {
            break;
        }
    }
    Ok(Some(outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_double_from_the_first_batch_to_the_cap() {
        let p = Plan {
            first: 20,
            cap: 100,
            ..Plan::default()
        };
        assert_eq!(p.totals(), vec![20, 40, 80, 100]);
        let p = Plan {
            first: 1,
            cap: 1,
            ..Plan::default()
        };
        assert_eq!(p.totals(), vec![2]);
    }

    #[test]
    fn the_outcomes_after_each_batch_are_the_runs_of_that_many() {
        let text = "name = \"q\"\nhorizon = \"30d\"\nreplications = 4\nmodels = [\"you-run\", \"ops-run\"]\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"1/day\"\n";
        let s = crate::scenario::parse(text, "q.toml").unwrap();
        let plan = Plan {
            first: 3,
            cap: 12,
            share: 0.0,
            threads: Some(2),
        };
        let mut seen = Vec::new();
        let out = sharpen(&s, &plan, &|| false, &mut |o, st| {
            seen.push((o.len(), st.replications, st.last));
        })
        .unwrap()
        .unwrap();
        assert_eq!(seen, vec![(6, 3, false), (12, 6, false), (24, 12, true)]);
        let mut all = s.clone();
        all.set_replications(12).unwrap();
        let cli = crate::runner::run(&all, Some(1), &|| {}).unwrap();
        let key = |o: &Outcome| (o.replication, o.model, o.cost_total.to_bits());
        assert_eq!(
            out.iter().map(key).collect::<Vec<_>>(),
            cli.iter().map(key).collect::<Vec<_>>()
        );
        assert!(
            sharpen(&s, &plan, &|| true, &mut |_, _| {})
                .unwrap()
                .is_none()
        );
    }
}
