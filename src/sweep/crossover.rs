//! Crossovers: where two models swap rank on a metric along a sweep's axis, interpolated
//! between points in the axis's coordinate, with an interval from the replications' own
//! crossings, and whether the best model changes hands there (by the ranking rule).

use std::fmt;

use super::{Cell, leaders, metric_names};
use crate::axis::Axis;
use crate::format::short;
use crate::model::ModelKind;
use crate::stats::{Estimate, quantile_sorted};

/// Where two models swap rank on a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossover {
    /// The metric.
    pub metric: &'static str,
    /// The model lower on the metric before the crossing (at smaller values).
    pub lower_before: ModelKind,
    /// The model lower after it.
    pub lower_after: ModelKind,
    /// Interpolated value where the mean paired difference is zero.
    pub at: f64,
    /// 2.5th and 97.5th percentiles of the replications' own crossings in the same
    /// interval of the axis.
    pub interval: (f64, f64),
    /// Share of replications that cross within that interval.
    pub replications_crossing: f64,
    /// The axis values bracketing the crossing.
    pub between: (f64, f64),
    /// Whether the best model on the metric changes hands here, from one of the two to the
    /// other: no model tied for best (by the ranking rule) on one side is tied for best on
    /// the other. These are the crossings a leadership team asks about.
    pub leader_change: bool,
    /// Whether the paired difference's 95% interval excludes zero on both sides of the
    /// crossing: the two really swap, rather than being tied across the bracket.
    pub significant: bool,
}

impl fmt::Display for Crossover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} lower below {}, {} above (95% of crossings {}–{}, {:.0}% of replications cross here)",
            self.metric,
            self.lower_before.key(),
            short(self.at),
            self.lower_after.key(),
            short(self.interval.0),
            short(self.interval.1),
            100.0 * self.replications_crossing
        )
    }
}

/// Interpolates the zero of a line through (x0, d0), (x1, d1) with d0·d1 < 0.
fn zero(x0: f64, d0: f64, x1: f64, d1: f64) -> f64 {
    x0 + (x1 - x0) * d0 / (d0 - d1)
}

/// Crossovers of every pair of models on every metric. `cells` holds, for each point in
/// axis order, that point's cells.
pub fn crossovers(axis: &Axis, cells: &[Vec<Cell>]) -> Vec<Crossover> {
    let names = metric_names();
    let mut out = Vec::new();
    let Some(first) = cells.first() else {
        return out;
    };
    let models: Vec<ModelKind> = first.iter().map(|c| c.model).collect();
    for (k, &name) in names.iter().enumerate() {
        let best = leaders(cells, k, name);
        for (i, &a) in models.iter().enumerate() {
            for &b in &models[i + 1..] {
                // Paired differences a − b per point, per replication.
                let diffs: Vec<Vec<f64>> = cells
                    .iter()
                    .map(|point| {
                        let of = |m: ModelKind| {
                            point
                                .iter()
                                .find(|c| c.model == m)
                                .map_or(&[][..], |c| c.values[k].as_slice())
                        };
                        of(a).iter().zip(of(b)).map(|(x, y)| x - y).collect()
                    })
                    .collect();
                let means: Vec<f64> = diffs
                    .iter()
                    .map(|d| Estimate::of(d.iter().copied()).mean)
                    .collect();
                for j in 0..means.len().saturating_sub(1) {
                    let (d0, d1) = (means[j], means[j + 1]);
                    if !(d0.is_finite() && d1.is_finite()) || d0 * d1 >= 0.0 {
                        continue;
                    }
                    let (x0, x1) = (
                        axis.coordinate(axis.values[j]),
                        axis.coordinate(axis.values[j + 1]),
                    );
                    let at = axis.value_at(zero(x0, d0, x1, d1));
                    let mut own: Vec<f64> = diffs[j]
                        .iter()
                        .zip(&diffs[j + 1])
                        .filter(|(p, q)| p.is_finite() && q.is_finite() && **p * **q < 0.0)
                        .map(|(p, q)| axis.value_at(zero(x0, *p, x1, *q)))
                        .collect();
                    own.sort_by(f64::total_cmp);
                    let share = own.len() as f64 / diffs[j].len().max(1) as f64;
                    let interval = if own.is_empty() {
                        (at, at)
                    } else {
                        (quantile_sorted(&own, 0.025), quantile_sorted(&own, 0.975))
                    };
                    let (lower_before, lower_after) = if d0 < 0.0 { (a, b) } else { (b, a) };
                    let excludes_zero = |d: &[f64]| {
                        let e = Estimate::of(d.iter().copied());
                        e.high < 0.0 || e.low > 0.0
                    };
                    let significant = excludes_zero(&diffs[j]) && excludes_zero(&diffs[j + 1]);
                    // The best changes hands: the models tied for best on either side have
                    // nothing in common, and these two are among them.
                    let leader_change = best[j].iter().all(|m| !best[j + 1].contains(m))
                        && (best[j].contains(&a) || best[j].contains(&b))
                        && (best[j + 1].contains(&a) || best[j + 1].contains(&b));
                    out.push(Crossover {
                        metric: name,
                        lower_before,
                        lower_after,
                        at,
                        interval,
                        replications_crossing: share,
                        between: (axis.values[j], axis.values[j + 1]),
                        leader_change,
                        significant,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axis::Scale;
    use crate::sweep::Cell;

    #[test]
    fn a_crossing_is_interpolated_with_its_own_interval() {
        let axis = Axis::new("p", 0.0, 2.0, 3, Scale::Linear).unwrap();
        // a − b goes from −1 to +1 (per replication ±0.1): the crossing is at 1.0.
        let point = |v: f64, d: f64| {
            vec![
                Cell {
                    model: ModelKind::YouRun,
                    value: v,
                    value_2: None,
                    tiers: Vec::new(),
                    values: vec![
                        (0..10)
                            .map(|r| d + 0.1 * (f64::from(r) - 4.5) / 4.5)
                            .collect();
                        7
                    ],
                },
                Cell {
                    model: ModelKind::OpsRun,
                    value: v,
                    value_2: None,
                    tiers: Vec::new(),
                    values: vec![vec![0.0; 10]; 7],
                },
            ]
        };
        let cells = vec![point(0.0, -1.0), point(1.0, -0.5), point(2.0, 0.5)];
        let c = crossovers(&axis, &cells);
        assert_eq!(c.len(), 7, "one per metric: {c:?}");
        let x = &c[0];
        assert_eq!(x.lower_before, ModelKind::YouRun);
        assert_eq!(x.lower_after, ModelKind::OpsRun);
        assert!((x.at - 1.5).abs() < 1e-9, "{x:?}");
        assert!(x.interval.0 < 1.5 && x.interval.1 > 1.5, "{x:?}");
        assert_eq!(x.between, (1.0, 2.0));
        // On costs (lower is better) OpsRun leads after the crossing: a leader change.
        assert!(x.leader_change);
        assert!(x.significant);
        assert!((x.replications_crossing - 1.0).abs() < 1e-9);
    }
}
