//! How many replications are enough: the sequential procedure of Hoad, Robinson & Davies
//! (2010), "Automated selection of the number of replications for a discrete-event
//! simulation", Journal of the Operational Research Society 61(11), 1632–1644.
//!
//! Replications are added until the 95% confidence interval's half-width of every headline
//! metric, for every model, is within `precision` of its mean (relative), and stays there
//! for a look-ahead of `k_limit` further replications (`k_limit · n / 100` once n > 100),
//! which guards against stopping on a chance early agreement. Availability is judged on
//! its complement, unavailability, because a relative precision on 99.9% says nothing.
//! Replications keep their seeds, so the result is exactly the run with that many
//! replications.

use crate::model::ModelKind;
use crate::outcome::{Outcome, metric};
use crate::stats::Estimate;

/// Hoad, Robinson & Davies' recommended look-ahead.
pub const K_LIMIT: u32 = 5;

/// The widest relative half-width over headline metrics and models, with where it is.
pub fn widest(models: &[ModelKind], outcomes: &[Outcome]) -> (f64, &'static str, ModelKind) {
    let mut worst = (
        0.0,
        "",
        models.first().copied().unwrap_or(ModelKind::YouRun),
    );
    for name in crate::sweep::METRICS {
        let Some(m) = metric(name) else { continue };
        for &model in models {
            let e = Estimate::of(outcomes.iter().filter(|o| o.model == model).map(|o| {
                let v = (m.get)(o);
                if name == "availability" { 1.0 - v } else { v }
            }));
            let rel = if e.mean.abs() > 0.0 {
                e.half_width() / e.mean.abs()
            } else if e.half_width() > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
            let rel = if rel.is_nan() { f64::INFINITY } else { rel };
            if rel > worst.0 {
                worst = (rel, name, model);
            }
        }
    }
    worst
}

/// Replications to add after precision is first reached at `n`.
pub fn look_ahead(n: u32) -> u32 {
    if n <= 100 { K_LIMIT } else { n * K_LIMIT / 100 }
}
