//! Per-model summaries: the mean of every metric with its 95% interval, and differences
//! against the reference model, paired by replication (common random numbers make these
//! intervals much tighter) and unpaired for comparison.

use crate::metric::{COLUMNS, HEADLINE, find as metric};
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::ranking::{Better, really_better};
use crate::stats::{Estimate, unpaired_difference};

/// One (model, metric) row of `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// The model.
    pub model: ModelKind,
    /// The metric's column name.
    pub metric: &'static str,
    /// Mean and interval over replications.
    pub estimate: Estimate,
    /// The reference model.
    pub reference: ModelKind,
    /// Mean of (model − reference), paired by replication.
    pub diff: f64,
    /// 95% interval of the paired difference.
    pub paired: (f64, f64),
    /// 95% interval of the difference treating the samples as independent (Welch).
    pub unpaired: (f64, f64),
}

/// Summarises outcomes ordered as the runner returns them.
pub fn summarise(
    models: &[ModelKind],
    reference: ModelKind,
    outcomes: &[Outcome],
) -> Vec<SummaryRow> {
    summarise_with(models, reference, &|m, name| of_outcomes(outcomes, m, name))
}

/// One metric's per-replication values for one model, from outcomes in runner order.
pub fn of_outcomes(outcomes: &[Outcome], model: ModelKind, name: &str) -> Vec<f64> {
    let Some(metric) = metric(name) else {
        return Vec::new();
    };
    outcomes
        .iter()
        .filter(|o| o.model == model)
        .map(|o| metric.get(o).unwrap_or(f64::NAN))
        .collect()
}

/// Summarises per-replication values given by `values(model, metric)` (in replication
/// order): from outcomes after a run, or from saved tables when shards are merged — the
/// same numbers either way, so the same bytes.
pub fn summarise_with(
    models: &[ModelKind],
    reference: ModelKind,
    values: &dyn Fn(ModelKind, &str) -> Vec<f64>,
) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for &model in models {
        for metric in COLUMNS {
            let xs = values(model, metric.name);
            let refs = values(reference, metric.name);
            let estimate = Estimate::of(xs.iter().copied());
            let reference_estimate = Estimate::of(refs.iter().copied());
            let diffs = Estimate::of(xs.iter().zip(&refs).map(|(a, b)| a - b));
            let unpaired = if model == reference {
                (0.0, 0.0)
            } else {
                unpaired_difference(&estimate, &reference_estimate)
            };
            let paired = if model == reference {
                (0.0, 0.0)
            } else {
                (diffs.low, diffs.high)
            };
            rows.push(SummaryRow {
                model,
                metric: metric.name,
                estimate,
                reference,
                diff: diffs.mean,
                paired,
                unpaired,
            });
        }
    }
    rows
}

/// Looks up one summary row.
pub fn find<'a>(rows: &'a [SummaryRow], model: ModelKind, metric: &str) -> Option<&'a SummaryRow> {
    rows.iter().find(|r| r.model == model && r.metric == metric)
}

/// One pair of models compared on one metric, paired by replication.
#[derive(Debug, Clone)]
pub struct PairRow {
    /// The metric.
    pub metric: &'static str,
    /// The first model.
    pub a: ModelKind,
    /// The second model.
    pub b: ModelKind,
    /// Mean and 95% interval of a − b over replications.
    pub diff: Estimate,
    /// Share of replications in which `a` is better (strictly).
    pub a_better_share: f64,
    /// Share of replications in which `b` is better (strictly).
    pub b_better_share: f64,
    /// `a`, `b` or neither, by the findings' rule (interval excludes zero and the
    /// difference passes the metric's practical threshold).
    pub better: Option<ModelKind>,
}

/// Every pair of `models` (in scenario order) on each headline metric of a sweep
/// ([`crate::metric::HEADLINE`]).
pub fn pairwise(models: &[ModelKind], outcomes: &[Outcome]) -> Vec<PairRow> {
    pairwise_with(models, &|m, name| of_outcomes(outcomes, m, name))
}

/// [`pairwise`] over values given by `values(model, metric)`, as [`summarise_with`].
pub fn pairwise_with(
    models: &[ModelKind],
    values: &dyn Fn(ModelKind, &str) -> Vec<f64>,
) -> Vec<PairRow> {
    let mut rows = Vec::new();
    for name in HEADLINE {
        let Some(metric) = metric(name) else {
            continue;
        };
        let direction = metric.direction();
        let higher = direction == Better::Higher;
        let threshold = metric.tie;
        for (i, &a) in models.iter().enumerate() {
            for &b in &models[i + 1..] {
                let (xa, xb) = (values(a, name), values(b, name));
                let n = xa.len().min(xb.len()).max(1) as f64;
                let wins = |x: &[f64], y: &[f64]| {
                    x.iter()
                        .zip(y)
                        .filter(|(p, q)| if higher { p > q } else { p < q })
                        .count() as f64
                        / n
                };
                let better = if really_better(&xa, &xb, direction, threshold).0 {
                    Some(a)
                } else if really_better(&xb, &xa, direction, threshold).0 {
                    Some(b)
                } else {
                    None
                };
                rows.push(PairRow {
                    metric: metric.name,
                    a,
                    b,
                    diff: Estimate::of(xa.iter().zip(&xb).map(|(p, q)| p - q)),
                    a_better_share: wins(&xa, &xb),
                    b_better_share: wins(&xb, &xa),
                    better,
                });
            }
        }
    }
    rows
}
