//! Sweeps: every model at every value of one scenario parameter (or every pair of values
//! of two), with common random numbers across models *and* across values (every point runs
//! replications 0..n with the same seeds, and each random purpose has its own stream), so
//! that differences between points are differences of mechanism. Crossovers are where two
//! models swap rank on a metric, interpolated between points, with an interval from the
//! replications' own crossings.
//!
//! A parameter is named by the dotted path the validation errors use
//! (`costs.standby_per_hour`, `groups.ops.estate_services`,
//! `services.*.availability_target`, `*` meaning every element of an array of tables;
//! several keys moved together are separated by commas). A point is made by setting that
//! key in the scenario's TOML ([`crate::edit`]) and validating the result like any
//! scenario file, so a sweep can never run a scenario `whoruns validate` would refuse.
//!
//! The library call is [`plan`] (the validated points), [`simulate`] (their cells, all or
//! a shard's block, with `--precision` pairing) and [`finish`] (crossovers); the command
//! line only parses arguments and publishes the files `report::files::sweep` renders.

mod crossover;
mod plan;
mod simulate;

pub use crossover::{Crossover, crossovers};
pub use plan::{Plan, Point, SweepError, axes, plan};
pub use simulate::{Simulated, Sweep, finish, simulate};

use crate::metric::{ATTAINMENT, HEADLINE, find};
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::ranking::{Lead, lead_on};
use crate::scenario::Scenario;

/// Per replication, the share of the scenario's services (or of its top tier's) that met
/// their target.
fn attainment(scenario: &Scenario, o: &Outcome) -> [f64; 2] {
    let window = scenario.horizon_hours - scenario.warmup_hours;
    let top = scenario
        .services
        .iter()
        .map(|s| s.availability_target)
        .fold(f64::NEG_INFINITY, f64::max);
    let (mut met, mut n, mut top_met, mut top_n) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (i, s) in scenario.services.iter().enumerate() {
        let ok = 1.0 - o.service_downtime_hours.get(i).copied().unwrap_or(0.0) / window
            >= s.availability_target;
        let ok = f64::from(u8::from(ok));
        met += ok;
        n += 1.0;
        if s.availability_target >= top {
            top_met += ok;
            top_n += 1.0;
        }
    }
    [met / n.max(1.0), top_met / top_n.max(1.0)]
}

/// One model at one point: per-replication values of every reported metric.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The model.
    pub model: ModelKind,
    /// The parameter's value.
    pub value: f64,
    /// The second parameter's value, in a two-parameter grid.
    pub value_2: Option<f64>,
    /// Per metric (in [`metric_names`] order), per replication.
    pub values: Vec<Vec<f64>>,
    /// Per availability tier (target, highest first), per replication: the share of the
    /// tier's service-years meeting the target.
    pub tiers: Vec<(f64, Vec<f64>)>,
}

/// Every reported metric's name, in [`Cell::values`] order: the headline metrics, then
/// target attainment.
pub fn metric_names() -> Vec<&'static str> {
    HEADLINE
        .iter()
        .copied()
        .chain(ATTAINMENT.iter().map(|m| m.name))
        .collect()
}

/// The cells of one point from its outcomes (ordered by replication, then model).
pub fn cells(scenario: &Scenario, value: f64, outcomes: &[Outcome]) -> Vec<Cell> {
    scenario
        .models
        .iter()
        .map(|&model| {
            let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.model == model).collect();
            let mut values: Vec<Vec<f64>> = HEADLINE
                .iter()
                .map(|name| {
                    let m = find(name);
                    mine.iter()
                        .map(|o| m.and_then(|m| m.get(o)).unwrap_or(f64::NAN))
                        .collect()
                })
                .collect();
            let att: Vec<[f64; 2]> = mine.iter().map(|o| attainment(scenario, o)).collect();
            values.push(att.iter().map(|a| a[0]).collect());
            values.push(att.iter().map(|a| a[1]).collect());
            let per: Vec<Vec<(f64, f64)>> = mine
                .iter()
                .map(|o| crate::metric::tier_shares(scenario, o))
                .collect();
            let tiers = per
                .first()
                .map(|first| {
                    first
                        .iter()
                        .enumerate()
                        .map(|(k, (t, _))| (*t, per.iter().map(|r| r[k].1).collect()))
                        .collect()
                })
                .unwrap_or_default();
            Cell {
                model,
                value,
                value_2: None,
                values,
                tiers,
            }
        })
        .collect()
}

/// The models tied for best on metric `k` (named `metric`) at each point, by the ranking
/// rule and the metric table's direction and tie threshold.
pub fn leaders(cells: &[Vec<Cell>], k: usize, metric: &str) -> Vec<Vec<ModelKind>> {
    let Some(m) = find(metric) else {
        return vec![Vec::new(); cells.len()];
    };
    cells
        .iter()
        .map(|point| {
            let values: Vec<(ModelKind, &[f64])> = point
                .iter()
                .map(|c| (c.model, c.values[k].as_slice()))
                .collect();
            match lead_on(m, &values) {
                Lead::Clear { leader, .. } => vec![leader],
                Lead::Tied(t) => t,
            }
        })
        .collect()
}
