//! `whoruns frontier`'s tables: `frontier.csv`/`.parquet` (one row per confirmed point
//! and per named model: its assignment, per-service runners, metrics with 95% intervals,
//! the worst tier's share meeting its target, headcounts, status) and `recommendation.csv` (per service of the recommended
//! assignment: who runs it, its tier, load and revenue at risk, and what moving it to each
//! other allowed runner would change, paired).

use polars::prelude::*;

use super::{ExportError, wrap};
use crate::frontier::goal::{Recommendation, tier_index};
use crate::frontier::{Frontier, Row, Status};
use crate::model::Runner;
use crate::stats::Estimate;

/// What a column reads from a replication.
type Getter = fn(&Row) -> f64;

/// The metrics of a point, each with its interval: (column, getter).
const METRICS: [(&str, Getter); 8] = [
    ("cost_operating", |r| r.cost_operating),
    ("cost_unreliability", |r| r.cost_unreliability),
    ("cost_total", |r| r.cost_total),
    ("availability", |r| r.availability),
    ("met_share", |r| r.met_share),
    ("dedicated_headcount", |r| r.dedicated_headcount),
    ("charged_headcount", |r| r.charged_headcount),
    ("dev_oncall_hours_per_year", |r| r.dev_oncall_hours),
];

/// The label of point `i`: `F1`, `F2`… along the front, the model's key for a reference.
pub fn label(f: &Frontier, i: usize) -> String {
    let c = &f.confirmed;
    if i < c.front_len {
        format!("F{}", i + 1)
    } else {
        f.references[i - c.front_len].model.key().to_string()
    }
}

/// What the confirmation says of point `i`: a front point's status; for a reference,
/// `dominated` (some confirmed point dominates it), `beyond` (it dominates a confirmed
/// point: the search missed it, or it is not an assignment) or `on-frontier`.
pub fn status(f: &Frontier, i: usize) -> &'static str {
    let c = &f.confirmed;
    if i < c.front_len {
        return c.status[i].key();
    }
    match c.against_front(i) {
        (by, _) if !by.is_empty() => "dominated",
        (_, over) if !over.is_empty() => "beyond",
        _ => "on-frontier",
    }
}

/// The column of tier `target` (`met_share_tier_99.95`).
fn tier_column(target: f64) -> String {
    format!("met_share_tier_{}", crate::format::trim_pct(100.0 * target))
}

/// The scenario's tiers, highest first.
pub fn tiers(f: &Frontier) -> Vec<f64> {
    let mut t: Vec<f64> = (f.scenario.services.iter())
        .map(|s| s.availability_target)
        .collect();
    t.sort_by(|a, b| b.total_cmp(a));
    t.dedup();
    t
}

/// One row per point: `frontier.csv` / `frontier.parquet`.
pub fn frontier_frame(f: &Frontier) -> Result<DataFrame, ExportError> {
    let c = &f.confirmed;
    let s = &f.scenario;
    let points: Vec<usize> = (0..c.policies.len()).collect();
    let runners: Vec<Vec<Runner>> = points
        .iter()
        .map(|&i| {
            (0..s.services.len())
                .map(|k| c.policies[i].initial_runner(s, k))
                .collect()
        })
        .collect();
    let mut cols = vec![
        Column::new(
            "kind".into(),
            points
                .iter()
                .map(|&i| if i < c.front_len { "frontier" } else { "model" })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "label".into(),
            points.iter().map(|&i| label(f, i)).collect::<Vec<_>>(),
        ),
        Column::new(
            "status".into(),
            points.iter().map(|&i| status(f, i)).collect::<Vec<_>>(),
        ),
        Column::new(
            "assignment".into(),
            runners
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let dynamic =
                        i >= c.front_len && f.references[i - c.front_len].runners.is_none();
                    if dynamic {
                        format!("({} at the start)", words(r))
                    } else {
                        words(r)
                    }
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "replications".into(),
            c.rows.iter().map(|r| r.len() as u32).collect::<Vec<_>>(),
        ),
    ];
    let add = |cols: &mut Vec<Column>, name: &str, est: &dyn Fn(usize) -> Estimate| {
        let e: Vec<Estimate> = points.iter().map(|&i| est(i)).collect();
        cols.push(Column::new(
            name.into(),
            e.iter().map(|e| e.mean).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            format!("{name}_ci95_low").into(),
            e.iter().map(|e| e.low).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            format!("{name}_ci95_high").into(),
            e.iter().map(|e| e.high).collect::<Vec<_>>(),
        ));
    };
    for (name, get) in METRICS {
        add(&mut cols, name, &|i| c.estimate(i, get));
    }
    for (t, target) in tiers(f).into_iter().enumerate() {
        add(&mut cols, &tier_column(target), &|i| {
            c.estimate(i, |r| r.tiers.get(t).copied().unwrap_or(f64::NAN))
        });
    }
    add(&mut cols, "worst_tier_met_share", &|i| {
        c.estimate(i, |r| r.worst_tier)
    });
    for r in Runner::ALL {
        cols.push(Column::new(
            format!("services_{}", r.key().replace('-', "_")).into(),
            runners
                .iter()
                .map(|x| x.iter().filter(|y| **y == r).count() as u32)
                .collect::<Vec<_>>(),
        ));
    }
    for (k, svc) in s.services.iter().enumerate() {
        cols.push(Column::new(
            format!("runner_{}", svc.name).into(),
            runners.iter().map(|x| x[k].key()).collect::<Vec<_>>(),
        ));
    }
    wrap("frontier", DataFrame::new_infer_height(cols))
}

/// Runner keys separated by spaces, in the scenario's order of services.
pub fn words(runners: &[Runner]) -> String {
    runners
        .iter()
        .map(|r| r.key())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Expected incidents a year on service `k` as written (background plus failed changes).
pub fn incidents_per_year(s: &crate::scenario::Scenario, k: usize) -> f64 {
    use crate::units::{HOURS_PER_WEEK, HOURS_PER_YEAR};
    let v = &s.services[k];
    v.background_rate_per_hour * HOURS_PER_YEAR
        + v.deploys_per_week * HOURS_PER_YEAR / HOURS_PER_WEEK * v.change_failure_rate
}

/// What an hour of service `k`'s full outage loses: its own `revenue_per_hour` plus that
/// of every journey it is on.
pub fn revenue_at_risk_per_hour(s: &crate::scenario::Scenario, k: usize) -> f64 {
    let journeys: f64 = (s.journeys.iter())
        .filter(|j| j.services.contains(&k))
        .map(|j| j.revenue_per_hour)
        .sum();
    s.services[k].revenue_per_hour + journeys
}

/// One row per service of the recommended assignment: `recommendation.csv`. `why` is
/// the sentence the report writes for each service.
pub fn recommendation_frame(
    f: &Frontier,
    rec: &Recommendation,
    why: &[String],
) -> Result<DataFrame, ExportError> {
    let s = &f.scenario;
    let n = s.services.len();
    let tier = tier_index(s);
    let mut cols = vec![
        Column::new(
            "service".into(),
            s.services
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "team".into(),
            s.services
                .iter()
                .map(|v| s.teams[v.team].name.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "availability_target".into(),
            s.services
                .iter()
                .map(|v| v.availability_target)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "tier".into(),
            tier.iter().map(|t| *t as u32 + 1).collect::<Vec<_>>(),
        ),
        Column::new(
            "runner".into(),
            rec.runners.iter().map(|r| r.key()).collect::<Vec<_>>(),
        ),
        Column::new(
            "incidents_per_year".into(),
            (0..n).map(|k| incidents_per_year(s, k)).collect::<Vec<_>>(),
        ),
        Column::new(
            "revenue_at_risk_per_hour".into(),
            (0..n)
                .map(|k| revenue_at_risk_per_hour(s, k))
                .collect::<Vec<_>>(),
        ),
        Column::new("why".into(), why.to_vec()),
    ];
    for r in Runner::ALL {
        let key = r.key().replace('-', "_");
        let find = |k: usize| rec.moves.iter().find(|m| m.service == k && m.to == r);
        let col = |name: &str, get: fn(&crate::frontier::goal::Move) -> Estimate, end: u8| {
            Column::new(
                format!("if_{key}_{name}").into(),
                (0..n)
                    .map(|k| {
                        find(k).map(|m| {
                            let e = get(m);
                            match end {
                                0 => e.mean,
                                1 => e.low,
                                _ => e.high,
                            }
                        })
                    })
                    .collect::<Vec<Option<f64>>>(),
            )
        };
        for (name, get) in [
            (
                "d_cost_operating",
                (|m| m.d_operating) as fn(&crate::frontier::goal::Move) -> Estimate,
            ),
            ("d_cost_unreliability", |m| m.d_unreliability),
            ("d_tier_met_share", |m| m.d_tier),
        ] {
            cols.push(col(name, get, 0));
            cols.push(col(&format!("{name}_ci95_low"), get, 1));
            cols.push(col(&format!("{name}_ci95_high"), get, 2));
        }
    }
    wrap("recommendation", DataFrame::new_infer_height(cols))
}

/// Whether point `i` is a front point the confirmation kept.
pub fn kept(f: &Frontier, i: usize) -> bool {
    i < f.confirmed.front_len && f.confirmed.status[i] != Status::Dominated
}
