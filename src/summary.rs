//! Per-model summaries: the mean of every metric with its 95% interval, and differences
//! against the reference model, paired by replication (common random numbers make these
//! intervals much tighter) and unpaired for comparison.

use crate::model::ModelKind;
use crate::outcome::{METRICS, Outcome};
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
    let of_model =
        |m: ModelKind| -> Vec<&Outcome> { outcomes.iter().filter(|o| o.model == m).collect() };
    let reference_rows = of_model(reference);
    let mut rows = Vec::new();
    for &model in models {
        let mine = of_model(model);
        for metric in METRICS {
            let xs: Vec<f64> = mine.iter().map(|o| (metric.get)(o)).collect();
            let refs: Vec<f64> = reference_rows.iter().map(|o| (metric.get)(o)).collect();
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
