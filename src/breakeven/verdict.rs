//! The headline verdicts a report states, decided by [`crate::ranking`] from a run's
//! outcomes: who is best on operating cost, total cost and restore time, who best meets
//! each tier's target, and the reference model against each other model on operating and
//! total cost. Only clear verdicts are verdicts: a tie has nothing to flip.

use crate::metric::{self, Better};
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::ranking::{Lead, lead, really_better};
use crate::scenario::Scenario;

/// The metrics whose best model is a headline verdict.
pub const BEST_ON: [&str; 3] = ["cost_operating", "cost_total", "mttr_hours"];

/// The metrics on which the reference model is compared with each other model.
pub const PAIRED_ON: [&str; 2] = ["cost_operating", "cost_total"];

/// What a verdict measures: a metric, or one tier's share of services meeting its target.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// A column of the metric table.
    Metric(&'static str),
    /// The share of the tier's services meeting the target (`target`).
    Tier(f64),
}

impl Measure {
    /// The metric's name; `met_share_tier` for a tier.
    pub fn name(&self) -> &'static str {
        match self {
            Measure::Metric(m) => m,
            Measure::Tier(_) => "met_share_tier",
        }
    }

    /// Which way is better.
    pub fn better(&self) -> Better {
        match self {
            Measure::Metric(m) => metric::direction(m),
            Measure::Tier(_) => Better::Higher,
        }
    }

    /// Per replication, `model`'s values in `outcomes` (ordered by replication).
    pub fn values(&self, scenario: &Scenario, outcomes: &[Outcome], model: ModelKind) -> Vec<f64> {
        let mine = outcomes.iter().filter(|o| o.model == model);
        match self {
            Measure::Metric(name) => {
                let m = metric::find(name);
                mine.map(|o| m.and_then(|m| m.get(o)).unwrap_or(f64::NAN))
                    .collect()
            }
            Measure::Tier(t) => mine
                .map(|o| {
                    metric::tier_shares(scenario, o)
                        .iter()
                        .find(|(target, _)| target == t)
                        .map_or(f64::NAN, |(_, share)| *share)
                })
                .collect(),
        }
    }
}

/// One verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Its key: `cost_operating`, `tier_99.95`, `cost_total_you-run_vs_ops-run`.
    pub key: String,
    /// What it measures.
    pub measure: Measure,
    /// The model it names.
    pub winner: ModelKind,
    /// The closest other model.
    pub runner_up: ModelKind,
    /// Whether it is a pairwise verdict (winner against runner-up only).
    pub pairwise: bool,
}

impl Verdict {
    /// The models that would overturn it by doing better than the winner.
    pub fn rivals(&self, models: &[ModelKind]) -> Vec<ModelKind> {
        if self.pairwise {
            vec![self.runner_up]
        } else {
            models
                .iter()
                .copied()
                .filter(|m| *m != self.winner)
                .collect()
        }
    }

    /// Per rival, the winner's advantage per replication (positive: the winner is better).
    pub fn advantages(
        &self,
        scenario: &Scenario,
        outcomes: &[Outcome],
        rivals: &[ModelKind],
    ) -> Vec<(ModelKind, Vec<f64>)> {
        let w = self.measure.values(scenario, outcomes, self.winner);
        let sign = match self.measure.better() {
            Better::Lower => -1.0,
            Better::Higher => 1.0,
        };
        rivals
            .iter()
            .map(|r| {
                let v = self.measure.values(scenario, outcomes, *r);
                (*r, w.iter().zip(&v).map(|(a, b)| sign * (a - b)).collect())
            })
            .collect()
    }
}

/// The clear verdicts of a run.
pub fn verdicts(scenario: &Scenario, outcomes: &[Outcome]) -> Vec<Verdict> {
    let models = &scenario.models;
    let mut out = Vec::new();
    let best = |measure: Measure, key: String, out: &mut Vec<Verdict>| {
        let values: Vec<(ModelKind, Vec<f64>)> = models
            .iter()
            .map(|m| (*m, measure.values(scenario, outcomes, *m)))
            .collect();
        let refs: Vec<(ModelKind, &[f64])> =
            values.iter().map(|(m, v)| (*m, v.as_slice())).collect();
        let tie = match &measure {
            Measure::Metric(m) => metric::tie(m),
            Measure::Tier(_) => metric::SHARE,
        };
        if let Lead::Clear {
            leader, runner_up, ..
        } = lead(&refs, measure.better(), tie)
        {
            out.push(Verdict {
                key,
                measure,
                winner: leader,
                runner_up,
                pairwise: false,
            });
        }
    };
    for m in BEST_ON {
        best(Measure::Metric(m), m.to_string(), &mut out);
    }
    for t in scenario.tiers() {
        best(
            Measure::Tier(t),
            format!("tier_{}", crate::format::trim_pct(100.0 * t)),
            &mut out,
        );
    }
    let reference = scenario.reference;
    for m in PAIRED_ON {
        let measure = Measure::Metric(m);
        let r = measure.values(scenario, outcomes, reference);
        for other in models.iter().copied().filter(|o| *o != reference) {
            let o = measure.values(scenario, outcomes, other);
            let (better, tie) = (measure.better(), metric::tie(m));
            let (winner, loser) = if really_better(&r, &o, better, tie).0 {
                (reference, other)
            } else if really_better(&o, &r, better, tie).0 {
                (other, reference)
            } else {
                continue;
            };
            out.push(Verdict {
                key: format!("{m}_{}_vs_{}", reference.key(), other.key()),
                measure: measure.clone(),
                winner,
                runner_up: loser,
                pairwise: true,
            });
        }
    }
    out
}
