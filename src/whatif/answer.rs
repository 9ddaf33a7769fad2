//! The page's answer after a batch: the results table with intervals, the headline
//! metrics, the deck's four charts drawn by the report's own chart code with the message
//! titles the report writes, the key findings, where precision stands, and the paired
//! differences against a pinned answer. Everything is read from the same `ReportData`
//! `whoruns run` draws its report from, so the page's numbers are the report's.

use serde::Serialize;

use super::session::Change;
use super::sharpen::{Plan, Standing};
use crate::export::{ExportError, Frames};
use crate::metric::{HEADLINE, find};
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::report::charts::{Chart, colour_hex};
use crate::report::document::{MODEL_COLUMNS, key_findings, model_cells};
use crate::report::headline::headline;
use crate::report::{ChartError, DataError, ReportData};
use crate::scenario::Scenario;
use crate::stats::Estimate;

/// The charts the page shows: the deck's.
pub const CHARTS: [Chart; 4] = [
    Chart::CostVsReliability,
    Chart::TimeToRestore,
    Chart::RestoreBreakdown,
    Chart::CostBreakdown,
];

/// Why an answer could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The tables could not be made.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The report's data could not be assembled.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// A model as the page names and colours it.
#[derive(Debug, Clone, Serialize)]
pub struct ModelOut {
    /// Its key in scenario files.
    pub key: &'static str,
    /// Its short name.
    pub name: &'static str,
    /// Its colour on every chart.
    pub colour: String,
}

impl ModelOut {
    fn of(m: ModelKind) -> ModelOut {
        ModelOut {
            key: m.key(),
            name: m.name(),
            colour: colour_hex(m),
        }
    }
}

/// A mean with its 95% interval and relative half-width.
#[derive(Debug, Clone, Serialize)]
pub struct Interval {
    /// The model's key.
    pub model: &'static str,
    /// The mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Half-width over |mean| (unavailability's for availability, as precision judges it).
    pub relative: f64,
}

/// One headline metric for every model.
#[derive(Debug, Clone, Serialize)]
pub struct MetricOut {
    /// Column name.
    pub metric: &'static str,
    /// Human label.
    pub label: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Per model, in the scenario's order.
    pub models: Vec<Interval>,
}

/// One chart.
#[derive(Debug, Clone, Serialize)]
pub struct ChartOut {
    /// File stem under `charts/`.
    pub name: &'static str,
    /// The chart's subject.
    pub subject: &'static str,
    /// The message title the report writes, from the numbers.
    pub title: String,
    /// What is drawn.
    pub subtitle: &'static str,
    /// The SVG document.
    pub svg: String,
}

/// One model's row of the results table.
#[derive(Debug, Clone, Serialize)]
pub struct RowOut {
    /// The model.
    pub model: ModelOut,
    /// The cells, as the report writes them.
    pub cells: Vec<String>,
}

/// A paired difference of one metric of one model, now against the pin.
#[derive(Debug, Clone, Serialize)]
pub struct DiffRow {
    /// The model's key.
    pub model: &'static str,
    /// Its name.
    pub name: &'static str,
    /// The metric.
    pub metric: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// The pinned mean over the paired replications.
    pub pinned: f64,
    /// The mean now over the paired replications.
    pub now: f64,
    /// Mean of (now − pinned), paired by replication.
    pub diff: f64,
    /// 95% interval of the paired difference.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether the interval excludes zero.
    pub clear: bool,
}

/// The differences against a pinned answer.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// What the pin was.
    pub pinned: String,
    /// Replications paired (those both answers have).
    pub replications: usize,
    /// Per model and headline metric.
    pub rows: Vec<DiffRow>,
}

/// An answer pinned for comparison: its per-replication headline values.
#[derive(Debug, Clone)]
pub struct Pin {
    /// What it was (the changes then), for the page.
    pub label: String,
    values: Vec<(ModelKind, &'static str, Vec<f64>)>,
}

/// One metric's per-replication values (replication order) for one model.
fn values(outcomes: &[Outcome], model: ModelKind, name: &str) -> Vec<f64> {
    crate::summary::of_outcomes(outcomes, model, name)
}

impl Pin {
    /// Pins `outcomes` of `models`, described by `changes`.
    pub fn of(models: &[ModelKind], outcomes: &[Outcome], changes: &[Change]) -> Pin {
        let mut v = Vec::new();
        for &m in models {
            for name in HEADLINE {
                v.push((m, name, values(outcomes, m, name)));
            }
        }
        let label = if changes.is_empty() {
            "the scenario as stated".to_string()
        } else {
            changes
                .iter()
                .map(|c| format!("{} {}", c.label, crate::format::short(c.shown.1)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        Pin { label, values: v }
    }

    /// Paired differences of `outcomes` (of `models`) against the pin, over the
    /// replications both have; models not in both are left out.
    pub fn compare(&self, models: &[ModelKind], outcomes: &[Outcome]) -> Comparison {
        let mut rows = Vec::new();
        let mut paired = 0;
        for &m in models {
            for name in HEADLINE {
                let Some((_, _, pinned)) = self
                    .values
                    .iter()
                    .find(|(pm, pn, _)| *pm == m && *pn == name)
                else {
                    continue;
                };
                let Some(metric) = find(name) else { continue };
                let now = values(outcomes, m, name);
                let n = now.len().min(pinned.len());
                paired = n;
                let d = Estimate::of((0..n).map(|i| now[i] - pinned[i]));
                let mean = |xs: &[f64]| xs[..n].iter().sum::<f64>() / n.max(1) as f64;
                rows.push(DiffRow {
                    model: m.key(),
                    name: m.name(),
                    metric: name,
                    label: metric.label,
                    unit: metric.unit,
                    pinned: mean(pinned),
                    now: mean(&now),
                    diff: d.mean,
                    low: d.low,
                    high: d.high,
                    clear: d.low > 0.0 || d.high < 0.0,
                });
            }
        }
        Comparison {
            pinned: self.label.clone(),
            replications: paired,
            rows,
        }
    }
}

/// What the page shows after a batch.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// Which edit this answers (a newer edit's answers replace it).
    pub generation: u64,
    /// The scenario's name.
    pub scenario: String,
    /// Replications so far.
    pub replications: u32,
    /// The base seed.
    pub seed: u64,
    /// The target relative half-width.
    pub target: f64,
    /// The most replications that will run.
    pub cap: u32,
    /// The widest relative half-width now.
    pub widest: f64,
    /// Its metric's label.
    pub widest_metric: &'static str,
    /// Its model's name.
    pub widest_model: &'static str,
    /// Every headline metric within the target.
    pub precise: bool,
    /// No more replications will run for this edit.
    pub last: bool,
    /// The models, in order.
    pub models: Vec<ModelOut>,
    /// The reference model's key.
    pub reference: &'static str,
    /// The results table's columns (the first is the model).
    pub columns: Vec<&'static str>,
    /// The results table's rows.
    pub rows: Vec<RowOut>,
    /// The headline metrics with intervals.
    pub headline: Vec<MetricOut>,
    /// The deck's charts.
    pub charts: Vec<ChartOut>,
    /// The report's key findings.
    pub findings: Vec<String>,
    /// What this edit changed from the scenario file.
    pub changes: Vec<Change>,
    /// Differences against the pinned answer, when one is pinned.
    pub pin: Option<Comparison>,
}

/// The report's data for `outcomes` of `scenario` (its replications the number run).
pub fn report_data(scenario: &Scenario, outcomes: &[Outcome]) -> Result<ReportData, AnswerError> {
    let frames = Frames::of(scenario, outcomes)?;
    Ok(ReportData::from_frames(
        scenario.clone(),
        &frames.reps,
        &frames.services,
        &frames.timeseries,
        &frames.histogram,
    )?)
}

/// What an answer is made from.
pub struct Basis<'a> {
    /// Which edit.
    pub generation: u64,
    /// The scenario, its replications the number run.
    pub scenario: &'a Scenario,
    /// The outcomes so far.
    pub outcomes: &'a [Outcome],
    /// Where precision stands.
    pub standing: Standing,
    /// The plan it sharpens along.
    pub plan: &'a Plan,
    /// What the edit changed.
    pub changes: &'a [Change],
    /// The pinned answer.
    pub pin: Option<&'a Pin>,
}

/// Draws the answer.
pub fn answer(b: &Basis<'_>) -> Result<Answer, AnswerError> {
    let data = report_data(b.scenario, b.outcomes)?;
    let models = &b.scenario.models;
    let mut charts = Vec::new();
    for chart in CHARTS {
        charts.push(ChartOut {
            name: chart.name(),
            subject: chart.title(),
            title: headline(chart, &data),
            subtitle: chart.subtitle(),
            svg: chart.svg(&data)?,
        });
    }
    let mut metrics = Vec::new();
    for name in HEADLINE {
        let Some(metric) = find(name) else { continue };
        let mut per = Vec::new();
        for m in &data.models {
            let e = m.estimate(name);
            let u = Estimate::of(m.values(name).iter().map(|v| 1.0 - v));
            let rel = |e: &Estimate| {
                if e.mean.abs() > 0.0 {
                    e.half_width() / e.mean.abs()
                } else {
                    0.0
                }
            };
            per.push(Interval {
                model: m.model.key(),
                mean: e.mean,
                low: e.low,
                high: e.high,
                relative: if name == "availability" {
                    rel(&u)
                } else {
                    rel(&e)
                },
            });
        }
        metrics.push(MetricOut {
            metric: name,
            label: metric.label,
            unit: metric.unit,
            models: per,
        });
    }
    Ok(Answer {
        generation: b.generation,
        scenario: b.scenario.name.clone(),
        replications: b.standing.replications,
        seed: b.scenario.seed,
        target: b.plan.share,
        cap: b.plan.cap,
        widest: if b.standing.widest.is_finite() {
            b.standing.widest
        } else {
            f64::MAX
        },
        widest_metric: find(b.standing.metric).map_or("", |m| m.label),
        widest_model: b.standing.model.name(),
        precise: b.standing.precise,
        last: b.standing.last,
        models: models.iter().map(|&m| ModelOut::of(m)).collect(),
        reference: b.scenario.reference.key(),
        columns: MODEL_COLUMNS.to_vec(),
        rows: data
            .models
            .iter()
            .map(|m| RowOut {
                model: ModelOut::of(m.model),
                cells: model_cells(m).to_vec(),
            })
            .collect(),
        headline: metrics,
        charts,
        findings: key_findings(&data),
        changes: b.changes.to_vec(),
        pin: b.pin.map(|p| p.compare(models, b.outcomes)),
    })
}
