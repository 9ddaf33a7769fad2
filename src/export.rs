//! Exporters: results into bytes (CSV and Parquet through polars, text tables for the
//! terminal). They do no I/O; the binary writes the bytes atomically.

use polars::prelude::*;

pub mod frontier;
mod parts;
mod stream;
mod tables;

pub use crate::guard::{ROW_GROUP_BYTES, ROW_GROUP_ROWS};
pub use frontier::{frontier_frame, recommendation_frame};
pub use parts::{
    StrengthValues, cells_frame, cells_from, sides_frame, sides_from, strengths_frame,
    strengths_from,
};
pub use stream::{ParquetPieces, Sink, TableStream, row_groups};
pub use tables::{Frames, STRENGTHS, TABLES};

use crate::metric::COLUMNS;
use crate::outcome::Outcome;
use crate::scenario::Scenario;
use crate::summary::SummaryRow;

/// Named files' bytes, in the order they are listed: what a command publishes.
pub type Files = Vec<(String, Vec<u8>)>;

/// Errors while building, serialising or reading back a table.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// polars refused the table.
    #[error("could not serialise the {table} table: {source}")]
    Polars {
        /// Which table.
        table: &'static str,
        /// polars' error.
        source: PolarsError,
    },
    /// A streamed file could not be opened or completed.
    #[error("cannot write {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A table read back holds an empty or unreadable entry.
    #[error("{table}: {problem}")]
    Unreadable {
        /// Which table.
        table: &'static str,
        /// What is wrong.
        problem: String,
    },
}

fn wrap<T>(table: &'static str, r: PolarsResult<T>) -> Result<T, ExportError> {
    r.map_err(|source| ExportError::Polars { table, source })
}

/// One row per (model, replication): `replications.parquet` / `replications.csv`.
pub fn replications_frame(outcomes: &[Outcome]) -> Result<DataFrame, ExportError> {
    let mut cols = vec![
        Column::new(
            "model".into(),
            outcomes.iter().map(|o| o.model.key()).collect::<Vec<_>>(),
        ),
        Column::new(
            "replication".into(),
            outcomes.iter().map(|o| o.replication).collect::<Vec<_>>(),
        ),
        Column::new(
            "seed".into(),
            outcomes.iter().map(|o| o.seed).collect::<Vec<_>>(),
        ),
    ];
    for m in COLUMNS {
        let col = if m.unit == "count" {
            Column::new(
                m.name.into(),
                outcomes
                    .iter()
                    .map(|o| m.get(o).unwrap_or(f64::NAN) as u64)
                    .collect::<Vec<_>>(),
            )
        } else {
            Column::new(
                m.name.into(),
                outcomes
                    .iter()
                    .map(|o| m.get(o).unwrap_or(f64::NAN))
                    .collect::<Vec<_>>(),
            )
        };
        cols.push(col);
    }
    wrap("replications", DataFrame::new_infer_height(cols))
}

/// One row per (model, replication, service): `services.parquet` / `services.csv`.
pub fn services_frame(scenario: &Scenario, outcomes: &[Outcome]) -> Result<DataFrame, ExportError> {
    let window = scenario.horizon_hours - scenario.warmup_hours;
    let mut model = Vec::new();
    let mut replication = Vec::new();
    let mut service = Vec::new();
    let mut team = Vec::new();
    let mut target = Vec::new();
    let mut incidents = Vec::new();
    let mut downtime = Vec::new();
    let mut availability = Vec::new();
    let mut met = Vec::new();
    for o in outcomes {
        for (i, s) in scenario.services.iter().enumerate() {
            model.push(o.model.key());
            replication.push(o.replication);
            service.push(s.name.as_str());
            team.push(scenario.teams[s.team].name.as_str());
            target.push(s.availability_target);
            incidents.push(o.service_incidents[i]);
            downtime.push(o.service_downtime_hours[i]);
            let a = 1.0 - o.service_downtime_hours[i] / window;
            availability.push(a);
            met.push(a >= s.availability_target);
        }
    }
    wrap(
        "services",
        DataFrame::new_infer_height(vec![
            Column::new("model".into(), model),
            Column::new("replication".into(), replication),
            Column::new("service".into(), service),
            Column::new("team".into(), team),
            Column::new("availability_target".into(), target),
            Column::new("incidents".into(), incidents),
            Column::new("downtime_hours".into(), downtime),
            Column::new("availability".into(), availability),
            Column::new("met_target".into(), met),
        ]),
    )
}

/// One row per (model, replication, bin) of the time-to-restore histogram:
/// `ttr_histogram.parquet`.
pub fn ttr_histogram_frame(outcomes: &[Outcome]) -> Result<DataFrame, ExportError> {
    let bins = crate::outcome::TTR_BINS + 2;
    let n = outcomes.len() * bins;
    let (mut model, mut replication, mut bin, mut upper, mut count) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for o in outcomes {
        for (i, c) in o.ttr_histogram.iter().enumerate() {
            model.push(o.model.key());
            replication.push(o.replication);
            bin.push(i as u32);
            upper.push(crate::outcome::ttr_bin_upper(i));
            count.push(*c);
        }
    }
    wrap(
        "ttr_histogram",
        DataFrame::new_infer_height(vec![
            Column::new("model".into(), model),
            Column::new("replication".into(), replication),
            Column::new("bin".into(), bin),
            Column::new("upper_hours".into(), upper),
            Column::new("count".into(), count),
        ]),
    )
}

/// Column of a per-service weekly value in `timeseries.parquet`, e.g.
/// `workarounds_open[checkout-api]`.
pub fn per_service_column(value: &str, service: &str) -> String {
    format!("{value}[{service}]")
}

/// One row per (model, replication, week): open workarounds, error budget remaining and
/// services frozen summed over services, then open workarounds and error budget remaining
/// per service: `timeseries.parquet`.
pub fn timeseries_frame(
    scenario: &Scenario,
    outcomes: &[Outcome],
) -> Result<DataFrame, ExportError> {
    let n_services = scenario.services.len();
    let budgets: Vec<f64> = (0..n_services)
        .map(|s| crate::engine::quarter_budget(scenario, s))
        .collect();
    let total_budget: f64 = budgets.iter().sum();
    let rows: usize = outcomes
        .iter()
        .map(|o| o.weekly.len() / n_services.max(1))
        .sum();
    let mut model = Vec::with_capacity(rows);
    let mut replication = Vec::with_capacity(rows);
    let mut week = Vec::with_capacity(rows);
    let mut open = Vec::with_capacity(rows);
    let mut remaining = Vec::with_capacity(rows);
    let mut share = Vec::with_capacity(rows);
    let mut frozen = Vec::with_capacity(rows);
    let mut open_by: Vec<Vec<u32>> = vec![Vec::with_capacity(rows); n_services];
    let mut remaining_by: Vec<Vec<f64>> = vec![Vec::with_capacity(rows); n_services];
    for o in outcomes {
        for chunk in o.weekly.chunk_by(|a, b| a.week == b.week) {
            let (mut w, mut r, mut f) = (0u32, 0.0, 0u32);
            for x in chunk {
                let s = x.service as usize;
                open_by[s].push(u32::from(x.workarounds_open));
                remaining_by[s].push(x.budget_remaining_hours);
                w += u32::from(x.workarounds_open);
                r += x.budget_remaining_hours;
                f += u32::from(x.frozen);
            }
            model.push(o.model.key());
            replication.push(o.replication);
            week.push(u32::from(chunk[0].week));
            open.push(w);
            remaining.push(r);
            share.push(r / total_budget);
            frozen.push(f);
        }
    }
    let mut cols = vec![
        Column::new("model".into(), model),
        Column::new("replication".into(), replication),
        Column::new("week".into(), week),
        Column::new("workarounds_open".into(), open),
        Column::new("error_budget_remaining_hours".into(), remaining),
        Column::new("error_budget_remaining_share".into(), share),
        Column::new("services_frozen".into(), frozen),
    ];
    for (s, (o, r)) in open_by.into_iter().zip(remaining_by).enumerate() {
        let name = &scenario.services[s].name;
        cols.push(Column::new(
            per_service_column("workarounds_open", name).into(),
            o,
        ));
        cols.push(Column::new(
            per_service_column("error_budget_remaining_hours", name).into(),
            r,
        ));
    }
    wrap("timeseries", DataFrame::new_infer_height(cols))
}

/// The columns of `quarters.*` after model, replication and quarter, in order.
pub const QUARTER_COLUMNS: [&str; 23] = [
    "year",
    "hours",
    "incidents",
    "restored",
    "restore_hours",
    "change_incidents",
    "deploys",
    "change_failure_rate",
    "cascades",
    "prevented",
    "followups",
    "mttr_hours",
    "downtime_hours",
    "availability",
    "cost_operating",
    "cost_unreliability",
    "cost_total",
    "knowledge",
    "rate_multiplier",
    "change_rate_multiplier",
    "telemetry",
    "resilience",
    "workarounds_open",
];

/// One quarter's values in the columns of [`QUARTER_COLUMNS`], as `quarters.*` holds them,
/// for a scenario of `n_services` services (at least 1).
pub fn quarter_row(
    n_services: f64,
    q: &crate::outcome::QuarterSample,
) -> [f64; QUARTER_COLUMNS.len()] {
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    [
        f64::from((q.quarter.max(1) - 1) / 4 + 1),
        q.hours,
        f64::from(q.incidents),
        f64::from(q.restored),
        q.restore_hours,
        f64::from(q.change_incidents),
        q.deploys as f64,
        ratio(f64::from(q.change_incidents), q.deploys as f64),
        f64::from(q.cascades),
        q.prevented as f64,
        q.followups as f64,
        // No incident restored: no time to restore (not zero).
        if q.restored > 0 {
            q.restore_hours / f64::from(q.restored)
        } else {
            f64::NAN
        },
        q.downtime_hours,
        (1.0 - ratio(q.downtime_hours, n_services * q.hours)).clamp(0.0, 1.0),
        q.cost_operating,
        q.cost_unreliability,
        q.cost_operating + q.cost_unreliability,
        q.l1_knowledge,
        q.rate_multiplier,
        q.change_rate_multiplier,
        q.telemetry,
        q.resilience,
        f64::from(q.workarounds_open),
    ]
}

/// One row per (model, replication, measured quarter): how each headline metric unfolds
/// over the years (`quarters.parquet`, `quarters.csv`). Costs per year; availability of
/// the quarter's service-hours, impact-weighted; multipliers and resilience at its end.
pub fn quarters_frame(scenario: &Scenario, outcomes: &[Outcome]) -> Result<DataFrame, ExportError> {
    let n_services = scenario.services.len().max(1) as f64;
    let rows: usize = outcomes.iter().map(|o| o.quarters.len()).sum();
    let mut model = Vec::with_capacity(rows);
    let mut replication = Vec::with_capacity(rows);
    let mut quarter = Vec::with_capacity(rows);
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(rows); QUARTER_COLUMNS.len()];
    for o in outcomes {
        for q in &o.quarters {
            model.push(o.model.key());
            replication.push(o.replication);
            quarter.push(u32::from(q.quarter));
            let row = quarter_row(n_services, q);
            for (column, v) in values.iter_mut().zip(row) {
                column.push(v);
            }
        }
    }
    let mut cols = vec![
        Column::new("model".into(), model),
        Column::new("replication".into(), replication),
        Column::new("quarter".into(), quarter),
    ];
    for (name, v) in QUARTER_COLUMNS.iter().zip(values) {
        cols.push(Column::new((*name).into(), v));
    }
    wrap("quarters", DataFrame::new_infer_height(cols))
}

/// One row per (model, metric): `summary.csv`.
pub fn summary_frame(rows: &[SummaryRow]) -> Result<DataFrame, ExportError> {
    let f = |g: fn(&SummaryRow) -> f64| rows.iter().map(g).collect::<Vec<f64>>();
    let unit = |name: &str| crate::metric::find(name).map_or("", |m| m.unit);
    wrap(
        "summary",
        DataFrame::new_infer_height(vec![
            Column::new(
                "model".into(),
                rows.iter().map(|r| r.model.key()).collect::<Vec<_>>(),
            ),
            Column::new(
                "metric".into(),
                rows.iter().map(|r| r.metric).collect::<Vec<_>>(),
            ),
            Column::new(
                "unit".into(),
                rows.iter().map(|r| unit(r.metric)).collect::<Vec<_>>(),
            ),
            Column::new(
                "n".into(),
                rows.iter().map(|r| r.estimate.n as u64).collect::<Vec<_>>(),
            ),
            Column::new("mean".into(), f(|r| r.estimate.mean)),
            Column::new("sd".into(), f(|r| r.estimate.sd)),
            Column::new("ci95_low".into(), f(|r| r.estimate.low)),
            Column::new("ci95_high".into(), f(|r| r.estimate.high)),
            Column::new(
                "reference".into(),
                rows.iter().map(|r| r.reference.key()).collect::<Vec<_>>(),
            ),
            Column::new("diff_vs_reference".into(), f(|r| r.diff)),
            Column::new("paired_ci95_low".into(), f(|r| r.paired.0)),
            Column::new("paired_ci95_high".into(), f(|r| r.paired.1)),
            Column::new("unpaired_ci95_low".into(), f(|r| r.unpaired.0)),
            Column::new("unpaired_ci95_high".into(), f(|r| r.unpaired.1)),
        ]),
    )
}

/// The summary as one JSON document for scripts (`whoruns run --json`): the run's
/// settings, then per model every metric with the columns of `summary.csv` (a value that
/// is not a number is `null`).
pub fn summary_json(scenario: &crate::Scenario, rows: &[SummaryRow]) -> serde_json::Value {
    let unit = |name: &str| crate::metric::find(name).map_or("", |m| m.unit);
    let models: Vec<serde_json::Value> = scenario
        .models
        .iter()
        .map(|&m| {
            let metrics: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .filter(|r| r.model == m)
                .map(|r| {
                    (
                        r.metric.to_string(),
                        serde_json::json!({
                            "unit": unit(r.metric),
                            "n": r.estimate.n,
                            "mean": r.estimate.mean,
                            "sd": r.estimate.sd,
                            "ci95_low": r.estimate.low,
                            "ci95_high": r.estimate.high,
                            "diff_vs_reference": r.diff,
                            "paired_ci95_low": r.paired.0,
                            "paired_ci95_high": r.paired.1,
                        }),
                    )
                })
                .collect();
            serde_json::json!({ "model": m.key(), "name": m.name(), "metrics": metrics })
        })
        .collect();
    serde_json::json!({
        "scenario": scenario.name,
        "replications": scenario.replications,
        "seed": scenario.seed,
        "currency": scenario.costs.currency,
        "reference": scenario.reference.key(),
        "models": models,
    })
}

/// A sweep as one JSON document for scripts (`whoruns sweep --json`): the axes, then per
/// point every model's headline metrics (mean and 95% interval, as in `sweep.csv`), and
/// the crossovers found along a single axis.
pub fn sweep_json(sweep: &crate::sweep::Sweep) -> serde_json::Value {
    let names = crate::sweep::metric_names();
    let estimate = |xs: &[f64]| {
        let e = crate::stats::Estimate::of(xs.iter().copied());
        serde_json::json!({ "mean": e.mean, "ci95_low": e.low, "ci95_high": e.high })
    };
    let points: Vec<serde_json::Value> = sweep
        .cells
        .iter()
        .map(|cells| {
            let values: Vec<f64> = cells
                .first()
                .map(|c| std::iter::once(c.value).chain(c.value_2).collect())
                .unwrap_or_default();
            let models: Vec<serde_json::Value> = cells
                .iter()
                .map(|c| {
                    let mut metrics = serde_json::Map::new();
                    for (name, xs) in names.iter().zip(&c.values) {
                        metrics.insert((*name).to_string(), estimate(xs));
                    }
                    serde_json::json!({ "model": c.model.key(), "metrics": metrics })
                })
                .collect();
            serde_json::json!({ "values": values, "models": models })
        })
        .collect();
    let crossovers: Vec<serde_json::Value> = sweep
        .crossovers
        .iter()
        .map(|c| {
            serde_json::json!({
                "metric": c.metric,
                "lower_before": c.lower_before.key(),
                "lower_after": c.lower_after.key(),
                "at": c.at,
                "interval": [c.interval.0, c.interval.1],
                "between": [c.between.0, c.between.1],
                "leader_change": c.leader_change,
                "significant": c.significant,
                "text": c.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "scenario": sweep.scenario.name,
        "replications": sweep.scenario.replications,
        "seed": sweep.scenario.seed,
        "axes": sweep.axes.iter().map(|a| serde_json::json!({
            "path": a.path, "label": a.label, "values": a.values,
        })).collect::<Vec<_>>(),
        "points": points,
        "crossovers": crossovers,
    })
}

/// One row per (model, parameter, value) of a sweep: `sweep.parquet` / `sweep.csv`, with
/// the mean and 95% interval of every headline metric (`<metric>_mean`, `_low`, `_high`).
/// `cells` holds each point's cells, in axis order.
pub fn sweep_frame(
    parameter: &str,
    parameter_2: Option<&str>,
    cells: &[Vec<crate::sweep::Cell>],
) -> Result<DataFrame, ExportError> {
    let flat: Vec<&crate::sweep::Cell> = cells.iter().flatten().collect();
    let mut cols = vec![
        Column::new(
            "model".into(),
            flat.iter().map(|c| c.model.key()).collect::<Vec<_>>(),
        ),
        Column::new(
            "parameter".into(),
            flat.iter().map(|_| parameter).collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            flat.iter().map(|c| c.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "replications".into(),
            flat.iter()
                .map(|c| c.values.first().map_or(0, Vec::len) as u64)
                .collect::<Vec<_>>(),
        ),
    ];
    // A two-parameter grid adds the second parameter and its value.
    if let Some(second) = parameter_2 {
        cols.insert(
            3,
            Column::new(
                "parameter_2".into(),
                flat.iter().map(|_| second).collect::<Vec<_>>(),
            ),
        );
        cols.insert(
            4,
            Column::new(
                "value_2".into(),
                flat.iter()
                    .map(|c| c.value_2.unwrap_or(f64::NAN))
                    .collect::<Vec<_>>(),
            ),
        );
    }
    for (k, name) in crate::sweep::metric_names().iter().enumerate() {
        let est: Vec<crate::stats::Estimate> = flat
            .iter()
            .map(|c| crate::stats::Estimate::of(c.values[k].iter().copied()))
            .collect();
        cols.push(Column::new(
            format!("{name}_mean").into(),
            est.iter().map(|e| e.mean).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            format!("{name}_low").into(),
            est.iter().map(|e| e.low).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            format!("{name}_high").into(),
            est.iter().map(|e| e.high).collect::<Vec<_>>(),
        ));
    }
    // Per-tier attainment, when every point has the same tiers (a sweep of the targets
    // themselves changes them, and has met_share instead).
    let tiers: Vec<f64> = flat
        .first()
        .map(|c| c.tiers.iter().map(|t| t.0).collect())
        .unwrap_or_default();
    let same = flat
        .iter()
        .all(|c| c.tiers.iter().map(|t| t.0).eq(tiers.iter().copied()));
    if same {
        for (k, t) in tiers.iter().enumerate() {
            let name = format!("met_tier_{}", crate::format::trim_pct(100.0 * t));
            let est: Vec<crate::stats::Estimate> = flat
                .iter()
                .map(|c| crate::stats::Estimate::of(c.tiers[k].1.iter().copied()))
                .collect();
            for (suffix, get) in [
                (
                    "mean",
                    (|e: &crate::stats::Estimate| e.mean) as fn(&crate::stats::Estimate) -> f64,
                ),
                ("low", |e| e.low),
                ("high", |e| e.high),
            ] {
                cols.push(Column::new(
                    format!("{name}_{suffix}").into(),
                    est.iter().map(get).collect::<Vec<_>>(),
                ));
            }
        }
    }
    wrap("sweep", DataFrame::new_infer_height(cols))
}

/// One row per (grid point, metric) of a two-parameter sweep: the models tied for best
/// there by the findings' rule (`winners.csv`).
pub fn winners_frame(
    parameter: &str,
    parameter_2: &str,
    cells: &[Vec<crate::sweep::Cell>],
) -> Result<DataFrame, ExportError> {
    let (mut v1, mut v2, mut metric, mut best, mut tied) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, name) in crate::sweep::metric_names().into_iter().enumerate() {
        let leaders = crate::sweep::leaders(cells, k, name);
        for (point, lead) in cells.iter().zip(leaders) {
            let Some(first) = point.first() else { continue };
            v1.push(first.value);
            v2.push(first.value_2.unwrap_or(f64::NAN));
            metric.push(name);
            best.push(lead.iter().map(|m| m.key()).collect::<Vec<_>>().join(" "));
            tied.push(lead.len() > 1);
        }
    }
    wrap(
        "winners",
        DataFrame::new_infer_height(vec![
            Column::new("parameter".into(), vec![parameter; v1.len()]),
            Column::new("value".into(), v1),
            Column::new("parameter_2".into(), vec![parameter_2; v2.len()]),
            Column::new("value_2".into(), v2),
            Column::new("metric".into(), metric),
            Column::new("best".into(), best),
            Column::new("tied".into(), tied),
        ]),
    )
}

/// One row per crossover: `crossovers.csv`.
pub fn crossovers_frame(
    parameter: &str,
    crossovers: &[crate::sweep::Crossover],
) -> Result<DataFrame, ExportError> {
    let f = |g: fn(&crate::sweep::Crossover) -> f64| crossovers.iter().map(g).collect::<Vec<f64>>();
    wrap(
        "crossovers",
        DataFrame::new_infer_height(vec![
            Column::new(
                "parameter".into(),
                crossovers.iter().map(|_| parameter).collect::<Vec<_>>(),
            ),
            Column::new(
                "metric".into(),
                crossovers.iter().map(|c| c.metric).collect::<Vec<_>>(),
            ),
            Column::new(
                "lower_before".into(),
                crossovers
                    .iter()
                    .map(|c| c.lower_before.key())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "lower_after".into(),
                crossovers
                    .iter()
                    .map(|c| c.lower_after.key())
                    .collect::<Vec<_>>(),
            ),
            Column::new("at".into(), f(|c| c.at)),
            Column::new("ci95_low".into(), f(|c| c.interval.0)),
            Column::new("ci95_high".into(), f(|c| c.interval.1)),
            Column::new(
                "replications_crossing".into(),
                f(|c| c.replications_crossing),
            ),
            Column::new("between_low".into(), f(|c| c.between.0)),
            Column::new("between_high".into(), f(|c| c.between.1)),
            Column::new(
                "leader_change".into(),
                crossovers
                    .iter()
                    .map(|c| c.leader_change)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "significant".into(),
                crossovers.iter().map(|c| c.significant).collect::<Vec<_>>(),
            ),
        ]),
    )
}

/// One row per (metric, pair of models): `pairwise.csv`.
pub fn pairwise_frame(rows: &[crate::summary::PairRow]) -> Result<DataFrame, ExportError> {
    let f = |g: fn(&crate::summary::PairRow) -> f64| rows.iter().map(g).collect::<Vec<f64>>();
    let keys =
        |g: fn(&crate::summary::PairRow) -> &'static str| rows.iter().map(g).collect::<Vec<&str>>();
    wrap(
        "pairwise",
        DataFrame::new_infer_height(vec![
            Column::new("metric".into(), keys(|r| r.metric)),
            Column::new("model_a".into(), keys(|r| r.a.key())),
            Column::new("model_b".into(), keys(|r| r.b.key())),
            Column::new("mean_diff".into(), f(|r| r.diff.mean)),
            Column::new("ci95_low".into(), f(|r| r.diff.low)),
            Column::new("ci95_high".into(), f(|r| r.diff.high)),
            Column::new("a_better_share".into(), f(|r| r.a_better_share)),
            Column::new("b_better_share".into(), f(|r| r.b_better_share)),
            Column::new(
                "better".into(),
                keys(|r| r.better.map_or("tied", |m| m.key())),
            ),
        ]),
    )
}

/// One row per (output, parameter), largest effect first: `sensitivity.csv`.
pub fn sensitivity_frame(
    effects: &[crate::sensitivity::Effect],
    range: f64,
) -> Result<DataFrame, ExportError> {
    let f = |g: fn(&crate::sensitivity::Effect) -> f64| effects.iter().map(g).collect::<Vec<f64>>();
    wrap(
        "sensitivity",
        DataFrame::new_infer_height(vec![
            Column::new(
                "output".into(),
                effects
                    .iter()
                    .map(|e| e.output.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "parameter".into(),
                effects
                    .iter()
                    .map(|e| e.parameter.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "low_factor".into(),
                effects
                    .iter()
                    .map(|e| {
                        if e.stated.is_some() {
                            f64::NAN
                        } else {
                            1.0 - range
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "high_factor".into(),
                effects
                    .iter()
                    .map(|e| {
                        if e.stated.is_some() {
                            f64::NAN
                        } else {
                            1.0 + range
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "stated_low".into(),
                effects
                    .iter()
                    .map(|e| e.stated.map_or(f64::NAN, |s| s.0))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "stated_high".into(),
                effects
                    .iter()
                    .map(|e| e.stated.map_or(f64::NAN, |s| s.1))
                    .collect::<Vec<_>>(),
            ),
            Column::new("at_low_mean".into(), f(|e| e.low.mean)),
            Column::new("at_low_ci95_low".into(), f(|e| e.low.low)),
            Column::new("at_low_ci95_high".into(), f(|e| e.low.high)),
            Column::new("at_high_mean".into(), f(|e| e.high.mean)),
            Column::new("at_high_ci95_low".into(), f(|e| e.high.low)),
            Column::new("at_high_ci95_high".into(), f(|e| e.high.high)),
            Column::new("effect".into(), f(|e| e.effect.mean)),
            Column::new("effect_ci95_low".into(), f(|e| e.effect.low)),
            Column::new("effect_ci95_high".into(), f(|e| e.effect.high)),
            Column::new(
                "flips".into(),
                effects.iter().map(|e| e.flips).collect::<Vec<_>>(),
            ),
        ]),
    )
}

/// A frame as CSV bytes.
pub fn to_csv(df: &mut DataFrame) -> Result<Vec<u8>, ExportError> {
    let mut buf = Vec::new();
    wrap(
        "csv",
        CsvWriter::new(&mut buf).include_header(true).finish(df),
    )?;
    Ok(buf)
}

/// A frame as Parquet bytes (zstd), in row groups of about [`ROW_GROUP_BYTES`]
/// ([`group_rows`]).
pub fn to_parquet(df: &mut DataFrame) -> Result<Vec<u8>, ExportError> {
    to_parquet_within(df, ROW_GROUP_BYTES)
}

/// How every Parquet file is compressed: zstd at level 1. The files hold the same values at
/// any level; on the bundled scenarios level 1 makes them within about 2% of the size
/// polars' default (level 3) does (the large tables within 0.5%), in a third fewer of
/// zstd's instructions (the whole of `whoruns run scenarios/baseline.toml -n 10 --threads 1
/// --no-report`: 2.4% fewer; docs/performance.md, session 17).
pub(crate) fn compression() -> ParquetCompression {
    ParquetCompression::Zstd(polars_parquet::write::ZstdLevel::try_new(1).ok())
}

/// A frame as Parquet bytes (zstd), in row groups of about `budget` bytes.
pub(crate) fn to_parquet_within(df: &mut DataFrame, budget: usize) -> Result<Vec<u8>, ExportError> {
    let rows = group_rows(df.schema(), budget);
    let mut buf = Vec::new();
    wrap(
        "parquet",
        ParquetWriter::new(&mut buf)
            .with_compression(compression())
            .with_row_group_size(Some(rows))
            .finish(df)
            .map(|_| ()),
    )?;
    Ok(buf)
}

/// Bytes a row of `schema` takes in memory: the widths of its values, a string's 16-byte
/// view rather than its text (so the figure is the schema's alone, the same for a table
/// written whole or streamed in pieces).
pub fn row_bytes(schema: &Schema) -> usize {
    schema
        .iter_values()
        .map(|dtype| match dtype {
            DataType::Boolean | DataType::UInt8 | DataType::Int8 => 1,
            DataType::UInt16 | DataType::Int16 => 2,
            DataType::UInt32 | DataType::Int32 | DataType::Float32 => 4,
            DataType::String | DataType::Binary => 16,
            _ => 8,
        })
        .sum()
}

/// Rows per Parquet row group for a table of `schema` aiming at `budget` bytes a group:
/// polars' default ([`ROW_GROUP_ROWS`]) for a narrow table, fewer for a wide one
/// ([`crate::guard::group_rows`]).
pub fn group_rows(schema: &Schema, budget: usize) -> usize {
    crate::guard::group_rows(row_bytes(schema), budget)
}

/// Reads a frame back from Parquet bytes.
pub fn from_parquet(bytes: Vec<u8>, table: &'static str) -> Result<DataFrame, ExportError> {
    wrap(
        table,
        ParquetReader::new(std::io::Cursor::new(bytes)).finish(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level is one zstd accepts: an invalid one would make `compression` ask for no
    /// level, and polars would write at its default (3) without a word.
    #[test]
    fn parquet_is_compressed_at_zstd_level_1() {
        match compression() {
            ParquetCompression::Zstd(Some(level)) => assert_eq!(level.compression_level(), 1),
            other => panic!("not zstd level 1: {other:?}"),
        }
    }
}
