//! Who leads on a metric, and whether the lead is real. A model leads only when its paired
//! difference against every other model (the same replications, common random numbers)
//! has a 95% interval that excludes zero *and* a mean that matters in practice: at least
//! `relative` of the other's mean and at least `absolute` in the metric's unit. Models that
//! fail that test against the best are tied with it, and findings say so.

use crate::metric::Metric;
pub use crate::metric::{Better, Threshold};
use crate::model::ModelKind;
use crate::stats::Estimate;

/// The outcome of ranking models on one metric.
#[derive(Debug, Clone, PartialEq)]
pub enum Lead {
    /// `leader` is better than every other model; `runner_up` is the closest, with the
    /// paired difference leader − runner-up.
    Clear {
        /// The leading model.
        leader: ModelKind,
        /// The closest other model.
        runner_up: ModelKind,
        /// Paired difference, leader minus runner-up.
        difference: Estimate,
    },
    /// These models (best first) cannot be told apart from the best by the rule.
    Tied(Vec<ModelKind>),
}

/// Whether `a` is really better than `b`: their paired difference excludes zero in the
/// right direction and exceeds the threshold.
pub fn really_better(a: &[f64], b: &[f64], better: Better, t: Threshold) -> (bool, Estimate) {
    let d = Estimate::of(a.iter().zip(b).map(|(x, y)| x - y));
    let b_mean = Estimate::of(b.iter().copied()).mean;
    let needed = (t.relative * b_mean.abs()).max(t.absolute);
    let real = match better {
        Better::Lower => d.high < 0.0 && -d.mean >= needed,
        Better::Higher => d.low > 0.0 && d.mean >= needed,
    };
    (real, d)
}

/// Ranks `models` on `metric` by the table's direction and tie threshold.
pub fn lead_on(metric: &Metric, models: &[(ModelKind, &[f64])]) -> Lead {
    lead(models, metric.direction(), metric.tie)
}

/// Ranks `models` (each with its per-replication values, in replication order) on one
/// metric. Fewer than two models: the one model leads by default (tied with itself).
pub fn lead(models: &[(ModelKind, &[f64])], better: Better, t: Threshold) -> Lead {
    let mean = |v: &[f64]| Estimate::of(v.iter().copied()).mean;
    let mut order: Vec<&(ModelKind, &[f64])> = models.iter().collect();
    order.sort_by(|a, b| {
        let (x, y) = (mean(a.1), mean(b.1));
        match better {
            Better::Lower => x.total_cmp(&y),
            Better::Higher => y.total_cmp(&x),
        }
    });
    let Some(best) = order.first() else {
        return Lead::Tied(Vec::new());
    };
    let tied: Vec<ModelKind> = order
        .iter()
        .filter(|other| other.0 == best.0 || !really_better(best.1, other.1, better, t).0)
        .map(|m| m.0)
        .collect();
    if tied.len() > 1 || order.len() < 2 {
        return Lead::Tied(tied);
    }
    let runner = order[1];
    let (_, difference) = really_better(best.1, runner.1, better, t);
    Lead::Clear {
        leader: best.0,
        runner_up: runner.0,
        difference,
    }
}

/// Who is *worst* on a metric, by the same rule as [`lead`] run the other way: a model
/// is the dearest or the least available only when its paired difference against every
/// other model excludes zero and passes the threshold; otherwise the worst are tied.
pub fn trail(models: &[(ModelKind, &[f64])], better: Better, t: Threshold) -> Lead {
    let worse = match better {
        Better::Lower => Better::Higher,
        Better::Higher => Better::Lower,
    };
    lead(models, worse, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ModelKind::*;

    const T: Threshold = Threshold {
        relative: 0.05,
        absolute: 0.1,
    };

    /// Values around `mean` with paired noise shared across models (common random numbers).
    fn series(mean: f64, noise: f64) -> Vec<f64> {
        (0..40)
            .map(|i| mean + noise * ((i * 7 % 11) as f64 - 5.0))
            .collect()
    }

    #[test]
    fn a_clear_winner_among_three() {
        let (a, b, c) = (series(2.0, 0.1), series(3.0, 0.1), series(4.0, 0.1));
        let l = lead(
            &[(YouRun, &a), (OpsRun, &c), (SreRun, &b)],
            Better::Lower,
            T,
        );
        match l {
            Lead::Clear {
                leader,
                runner_up,
                difference,
            } => {
                assert_eq!((leader, runner_up), (YouRun, SreRun));
                assert!((difference.mean + 1.0).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_lead_of_minutes_is_a_tie() {
        // 2.4 minutes on 2 hours: significant with paired noise, but under 5% and 0.1 h.
        let a = series(2.0, 0.1);
        let b: Vec<f64> = a.iter().map(|x| x + 0.04).collect();
        assert_eq!(
            lead(&[(YouRun, &a), (YouRunOpsMonitors, &b)], Better::Lower, T),
            Lead::Tied(vec![YouRun, YouRunOpsMonitors])
        );
    }

    #[test]
    fn a_large_but_noisy_difference_is_a_tie() {
        let a = series(2.0, 0.0);
        let b: Vec<f64> = (0..40)
            .map(|i| if i % 2 == 0 { 0.5 } else { 4.5 })
            .collect();
        let l = lead(&[(YouRun, &a), (OpsRun, &b)], Better::Lower, T);
        // Mean 2.5 against 2.0, but the paired interval straddles zero.
        assert_eq!(l, Lead::Tied(vec![YouRun, OpsRun]));
    }

    #[test]
    fn six_models_three_tied_at_the_top_for_higher_is_better() {
        let base = series(0.99, 0.001);
        let shift = |d: f64| -> Vec<f64> { base.iter().map(|x| x + d).collect() };
        let (a, b, c, d, e, f) = (
            shift(0.0),
            shift(-0.0001),
            shift(-0.0002),
            shift(-0.2),
            shift(-0.3),
            shift(-0.4),
        );
        let t = Threshold {
            relative: 0.0,
            absolute: 0.001,
        };
        let l = lead(
            &[
                (OpsRun, &d),
                (YouRun, &a),
                (SreRun, &c),
                (YouAndSreRun, &b),
                (OpsSometimesRun, &e),
                (YouRunOpsMonitors, &f),
            ],
            Better::Higher,
            t,
        );
        assert_eq!(l, Lead::Tied(vec![YouRun, YouAndSreRun, SreRun]));
    }

    #[test]
    fn the_worst_by_the_same_rule() {
        let (a, b, c) = (series(2.0, 0.1), series(3.0, 0.1), series(4.0, 0.1));
        let models = [(YouRun, &a[..]), (OpsRun, &c[..]), (SreRun, &b[..])];
        match trail(&models, Better::Lower, T) {
            Lead::Clear { leader, .. } => assert_eq!(leader, OpsRun),
            other => panic!("{other:?}"),
        }
        let c2: Vec<f64> = b.iter().map(|x| x + 0.04).collect();
        let models = [(YouRun, &a[..]), (OpsRun, &c2[..]), (SreRun, &b[..])];
        assert_eq!(
            trail(&models, Better::Lower, T),
            Lead::Tied(vec![OpsRun, SreRun])
        );
    }
}
