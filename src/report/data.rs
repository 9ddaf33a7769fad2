//! The data behind charts, the comparison table and the report, read from the saved
//! result frames — so `whoruns run` and `whoruns report DIR` draw from exactly the same
//! numbers.

use std::collections::HashMap;

use polars::prelude::*;

use crate::model::ModelKind;
use crate::outcome::TTR_BINS;
use crate::scenario::Scenario;
use crate::stats::Estimate;

pub use super::weekly::WeeklyRows;

/// Why report data could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A frame lacks a column or has the wrong type.
    #[error("{table}: column `{column}`: {message}")]
    Column {
        /// The table.
        table: &'static str,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// A model in the results is unknown.
    #[error("{0}")]
    Model(String),
    /// The results hold no replication.
    #[error("the results hold no replications")]
    Empty,
    /// A table's file could not be read (the message names the file).
    #[error("{message}")]
    Read {
        /// The file and why.
        message: String,
    },
}

/// One model's results.
#[derive(Debug, Clone)]
pub struct ModelData {
    /// The model.
    pub model: ModelKind,
    /// Per-replication values of every numeric column of `replications.*`, by column name,
    /// in replication order.
    pub metrics: HashMap<String, Vec<f64>>,
    /// Time-to-restore histogram pooled over replications.
    pub ttr_histogram: Vec<u64>,
    /// Week numbers of the weekly series.
    pub weeks: Vec<u32>,
    /// Measured quarters, numbered from 1 (empty for results without `quarters.parquet`).
    pub quarters: Vec<u32>,
    /// Per column of `quarters.*` ([`crate::export::QUARTER_COLUMNS`]): `[quarter][replication]`.
    pub quarter_values: HashMap<String, Vec<Vec<f64>>>,
    /// Open workarounds (all services) per week, summarised over the replications
    /// ([`WeekBand::workarounds`]).
    pub workarounds: Vec<WeekBand>,
    /// Error budget remaining per tier (in [`ReportData::tiers`] order) as a share of the
    /// tier's quarterly budget, per week summarised over the replications
    /// ([`WeekBand::budget_share`]): `[tier][week]`. Never summed across tiers.
    pub budget_share_by_tier: Vec<Vec<WeekBand>>,
    /// Per replication: share of the top-tier services (highest target) that met their target.
    pub top_tier_met: Vec<f64>,
    /// Per replication: mean availability of the top-tier services.
    pub top_tier_availability: Vec<f64>,
    /// Per tier (in [`ReportData::tiers`] order), per replication: share of the tier's
    /// services that met their target.
    pub tier_met: Vec<Vec<f64>>,
    /// Per replication (in replication order): the service with the most impact-weighted
    /// downtime and its hours. Empty where the services table does not say.
    pub worst_service: Vec<(String, f64)>,
}

/// One week of a weekly series summarised over the replications: what the report reads of
/// it, so that the values themselves (one per replication) need not be kept. Made by one
/// function ([`WeekBand::of`]) wherever the values come from — the run's gathering or the
/// saved tables — so the two cannot differ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekBand {
    /// The mean of the values in replication order ([`Estimate::of`]; NaN when none):
    /// what the headline judges by.
    pub mean: f64,
    /// The charted line: the mean of the finite values, scaled, summed in ascending order.
    pub line: f64,
    /// The charted band's lower edge: the 10th percentile of the finite scaled values.
    pub low: f64,
    /// The charted band's upper edge: their 90th percentile.
    pub high: f64,
}

/// How the workarounds chart scales its values (not at all).
pub const WORKAROUNDS_SCALE: f64 = 1.0;
/// How the error-budget chart scales a share (to percent).
pub const BUDGET_SCALE: f64 = 100.0;

impl WeekBand {
    /// The summary of one week's `values` (in replication order), charted at `scale`.
    pub fn of(values: &[f64], scale: f64) -> WeekBand {
        let (line, low, high) = band_of(values, scale, false);
        WeekBand {
            mean: Estimate::of(values.iter().copied()).mean,
            line,
            low,
            high,
        }
    }

    /// One week's open workarounds, one value per replication.
    pub fn workarounds(values: &[f64]) -> WeekBand {
        WeekBand::of(values, WORKAROUNDS_SCALE)
    }

    /// One week's budget left of one tier, as shares of its budget, one per replication.
    pub fn budget_share(values: &[f64]) -> WeekBand {
        WeekBand::of(values, BUDGET_SCALE)
    }
}

/// A band chart's step from the replications' values `xs` scaled by `k`: the mean of the
/// finite scaled values (summed in ascending order) and the band's edges — with `interval`
/// the mean's 95% interval (kept above zero for a quantity that cannot be negative), else
/// the 10th and 90th percentiles.
pub fn band_of(xs: &[f64], k: f64, interval: bool) -> (f64, f64, f64) {
    let mut v: Vec<f64> = xs.iter().map(|x| x * k).filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (low, high) = if interval {
        let e = Estimate::of(v.iter().copied());
        let floor = if v.first().is_some_and(|x| *x >= 0.0) {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        (e.low.max(floor), e.high)
    } else {
        (
            crate::stats::quantile_sorted(&v, 0.1),
            crate::stats::quantile_sorted(&v, 0.9),
        )
    };
    (mean, low, high)
}

impl ModelData {
    /// Values of one metric (empty when absent).
    pub fn values(&self, metric: &str) -> &[f64] {
        self.metrics.get(metric).map_or(&[], Vec::as_slice)
    }

    /// Mean and 95% interval of one metric.
    pub fn estimate(&self, metric: &str) -> Estimate {
        Estimate::of(self.values(metric).iter().copied())
    }
}

/// Everything the report needs.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The scenario that produced the results.
    pub scenario: Scenario,
    /// Per model, in the scenario's order.
    pub models: Vec<ModelData>,
    /// Replications per model.
    pub replications: usize,
    /// The top availability target among services (the tier the chapter's "highest
    /// targets" row refers to).
    pub top_target: f64,
    /// The distinct availability targets (tiers), highest first.
    pub tiers: Vec<f64>,
    /// The report's title.
    pub title: String,
    /// The replication numbers the results hold, in the order of every per-replication
    /// vector (0..n for a whole run; a shard's own range for one part).
    pub replication_ids: Vec<u32>,
    /// The brief, drawn once per selection: it may simulate (an exempt model under the
    /// policy), and both the Markdown and the HTML report show it.
    pub brief: std::sync::OnceLock<Vec<String>>,
    /// The headline verdicts across the long-run strength, run once per selection (it
    /// simulates the scenario at each strength).
    pub incentive: std::sync::OnceLock<Result<super::incentive::Across, String>>,
    /// The headline metrics at the other strengths of learning, per replication: read from
    /// `strengths.parquet` ([`ReportData::with_strengths`]) or simulated once when drawn.
    pub strengths: std::sync::OnceLock<Result<Vec<crate::export::StrengthValues>, String>>,
}

impl ReportData {
    /// Keeps only `models`, in that order, and makes `reference` (or else the first of
    /// them) the model paired differences are taken against. For `whoruns report
    /// --models/--reference`: a subset of saved results, redrawn without simulating.
    pub fn select(
        &mut self,
        models: &[ModelKind],
        reference: Option<ModelKind>,
    ) -> Result<(), DataError> {
        if !models.is_empty() {
            let mut kept = Vec::with_capacity(models.len());
            for m in models {
                let Some(i) = self.models.iter().position(|d| d.model == *m) else {
                    let saved: Vec<&str> = self.models.iter().map(|d| d.model.key()).collect();
                    return Err(DataError::Model(format!(
                        "model \"{m}\" is not in these results (they hold: {})",
                        saved.join(", ")
                    )));
                };
                kept.push(self.models.remove(i));
            }
            self.models = kept;
        }
        let reference = match reference {
            Some(r) if self.model(r).is_none() => {
                return Err(DataError::Model(format!(
                    "reference model \"{r}\" is not among the models reported"
                )));
            }
            Some(r) => r,
            None if self.model(self.scenario.reference).is_some() => self.scenario.reference,
            None => self
                .models
                .first()
                .map_or(self.scenario.reference, |m| m.model),
        };
        let compared = if models.is_empty() {
            self.scenario.models.clone()
        } else {
            models.to_vec()
        };
        // A new selection draws a new brief.
        self.brief = std::sync::OnceLock::new();
        self.incentive = std::sync::OnceLock::new();
        self.scenario
            .compare(compared, reference)
            .map_err(|e| DataError::Model(e.to_string()))
    }

    /// One model's data.
    pub fn model(&self, model: ModelKind) -> Option<&ModelData> {
        self.models.iter().find(|m| m.model == model)
    }

    /// Assembles report data from the result frames.
    pub fn from_frames(
        scenario: Scenario,
        replications: &DataFrame,
        services: &DataFrame,
        timeseries: &DataFrame,
        histogram: &DataFrame,
    ) -> Result<ReportData, DataError> {
        let weekly = WeeklyRows::read(&scenario, timeseries)?;
        Self::from_tables(scenario, replications, services, &weekly, histogram)
    }

    /// Assembles report data from the result frames, with of `timeseries.*` only the
    /// columns the report reads ([`WeeklyRows`], which can be read a row group at a time).
    pub fn from_tables(
        scenario: Scenario,
        replications: &DataFrame,
        services: &DataFrame,
        weekly: &WeeklyRows,
        histogram: &DataFrame,
    ) -> Result<ReportData, DataError> {
        if !weekly.fits(&scenario) {
            return Err(DataError::Model(
                "the weekly rows were read for another scenario (their tiers or lengths differ)"
                    .into(),
            ));
        }
        let top_target = scenario
            .services
            .iter()
            .map(|s| s.availability_target)
            .fold(0.0, f64::max);
        let rep_models = strings(replications, "replications", "model")?;
        let rep_index = numbers(replications, "replications", "replication")?;
        let mut models = models_in(&scenario, &rep_models)?;
        let slots = Slots::of(&models);
        read_metrics(&mut models, &slots, replications, &rep_models, &rep_index)?;
        let replications_per_model = models
            .iter()
            .map(|m| m.values("incidents").len())
            .max()
            .unwrap_or(0);
        if replications_per_model == 0 {
            return Err(DataError::Empty);
        }
        read_histogram(&mut models, &slots, histogram)?;
        let tiers = scenario.tiers();
        let tier_budget = tier_budgets(&scenario, &tiers);
        read_weekly(&mut models, &slots, weekly, &tier_budget);
        let service_rows = ServiceRows::read(services)?;
        read_top_tier(&mut models, &slots, &service_rows, top_target);
        read_tier_met(&mut models, &slots, &service_rows, &tiers);
        read_worst_service(&mut models, &slots, services);

        let mut replication_ids: Vec<u32> = rep_index.iter().map(|&r| r as u32).collect();
        replication_ids.sort_unstable();
        replication_ids.dedup();
        let title = format!("whoruns report: {}", scenario.name);
        Ok(ReportData {
            title,
            scenario,
            models,
            replications: replications_per_model,
            top_target,
            tiers,
            replication_ids,
            brief: std::sync::OnceLock::new(),
            incentive: std::sync::OnceLock::new(),
            strengths: std::sync::OnceLock::new(),
        })
    }
}

/// The scenario's models that have replications, in the scenario's order, with nothing
/// read yet; an error if the replications hold a model the scenario does not compare.
fn models_in(scenario: &Scenario, rep_models: &[String]) -> Result<Vec<ModelData>, DataError> {
    let mut models: Vec<ModelData> = Vec::new();
    for m in &scenario.models {
        if rep_models.iter().any(|x| x == m.key()) {
            models.push(ModelData {
                model: *m,
                metrics: HashMap::new(),
                ttr_histogram: vec![0; TTR_BINS + 2],
                weeks: Vec::new(),
                quarters: Vec::new(),
                quarter_values: HashMap::new(),
                workarounds: Vec::new(),
                budget_share_by_tier: Vec::new(),
                top_tier_met: Vec::new(),
                top_tier_availability: Vec::new(),
                tier_met: Vec::new(),
                worst_service: Vec::new(),
            });
        }
    }
    if let Some(unknown) = rep_models
        .iter()
        .find(|x| !models.iter().any(|m| m.model.key() == x.as_str()))
    {
        return Err(DataError::Model(format!(
            "the results hold model \"{unknown}\", which the saved scenario does not compare"
        )));
    }
    Ok(models)
}

/// Where each model's data is kept: model keys in the order of the `ModelData` list.
struct Slots {
    /// The models' keys.
    keys: Vec<&'static str>,
}

impl Slots {
    /// The slots of `models`.
    fn of(models: &[ModelData]) -> Slots {
        Slots {
            keys: models.iter().map(|m| m.model.key()).collect(),
        }
    }

    /// The index of the model whose key is `key`, if it is reported.
    fn of_key(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| *k == key)
    }
}

/// Every numeric column of the replications table (but the replication number and seed),
/// per model in replication order.
fn read_metrics(
    models: &mut [ModelData],
    slots: &Slots,
    replications: &DataFrame,
    rep_models: &[String],
    rep_index: &[f64],
) -> Result<(), DataError> {
    let order = sort_order(rep_index);
    for col in replications.columns() {
        let name = col.name().as_str();
        if matches!(name, "model" | "replication" | "seed") || !col.dtype().is_primitive_numeric() {
            continue;
        }
        let values = numbers(replications, "replications", name)?;
        for &i in &order {
            if let Some(k) = slots.of_key(&rep_models[i]) {
                models[k]
                    .metrics
                    .entry(name.to_string())
                    .or_default()
                    .push(values[i]);
            }
        }
    }
    Ok(())
}

/// The time-to-restore histogram, pooled over replications per model.
fn read_histogram(
    models: &mut [ModelData],
    slots: &Slots,
    histogram: &DataFrame,
) -> Result<(), DataError> {
    let h_models = strings(histogram, "ttr_histogram", "model")?;
    let h_bins = numbers(histogram, "ttr_histogram", "bin")?;
    let h_counts = numbers(histogram, "ttr_histogram", "count")?;
    for ((m, b), c) in h_models.iter().zip(&h_bins).zip(&h_counts) {
        if let (Some(k), Ok(b)) = (slots.of_key(m), usize::try_from(*b as i64))
            && let Some(cell) = models[k].ttr_histogram.get_mut(b)
        {
            *cell += *c as u64;
        }
    }
    Ok(())
}

impl ReportData {
    /// Adds the headline metrics at the other strengths of learning that `whoruns run`
    /// saved (`strengths.parquet`), so that drawing the report does not simulate them.
    pub fn with_strengths(self, table: &DataFrame) -> Result<ReportData, DataError> {
        let values = crate::export::strengths_from(table)
            .map_err(|e| column_error("strengths", "value", e.to_string()))?;
        // A fresh lock: the values are the file's, whatever was drawn before.
        let strengths = std::sync::OnceLock::new();
        let _ = strengths.set(Ok(values));
        Ok(ReportData {
            strengths,
            incentive: std::sync::OnceLock::new(),
            ..self
        })
    }

    /// Adds the per-quarter values of `quarters.*` (rows in any order; replications in
    /// order of their numbers, as every other per-replication vector).
    pub fn with_quarters(mut self, quarters: &DataFrame) -> Result<ReportData, DataError> {
        if quarters.height() == 0 {
            return Ok(self);
        }
        let q_models = strings(quarters, "quarters", "model")?;
        let q_reps = numbers(quarters, "quarters", "replication")?;
        let q_numbers = numbers(quarters, "quarters", "quarter")?;
        let mut columns = Vec::new();
        for name in crate::export::QUARTER_COLUMNS {
            columns.push((name, numbers(quarters, "quarters", name)?));
        }
        let slots = Slots::of(&self.models);
        let mut order: Vec<usize> = (0..q_reps.len()).collect();
        order.sort_by(|&a, &b| q_reps[a].total_cmp(&q_reps[b]));
        let n_quarters = q_numbers.iter().fold(0.0, |a: f64, b| a.max(*b)) as usize;
        for m in &mut self.models {
            m.quarters = (1..=n_quarters as u32).collect();
            m.quarter_values = columns
                .iter()
                .map(|(name, _)| ((*name).to_string(), vec![Vec::new(); n_quarters]))
                .collect();
        }
        for i in order {
            let (Some(k), q) = (slots.of_key(&q_models[i]), q_numbers[i] as usize) else {
                continue;
            };
            if q == 0 || q > n_quarters {
                continue;
            }
            for (name, values) in &columns {
                if let Some(series) = self.models[k].quarter_values.get_mut(*name) {
                    series[q - 1].push(values[i]);
                }
            }
        }
        Ok(self)
    }
}

impl ModelData {
    /// Per replication, `column` of `quarters.*` over measured year `year` (from 1): the
    /// sum of its quarters for counts (`incidents`, `cascades`, `prevented`, `followups`),
    /// for `mttr_hours` the restore hours over the restored incidents of the four quarters,
    /// else the hours-weighted mean. Empty unless the year's four quarters were measured in
    /// full.
    pub fn year(&self, column: &str, year: usize) -> Vec<f64> {
        let get = |name: &str| self.quarter_values.get(name);
        let (Some(values), Some(hours), Some(restored), Some(restore_hours)) = (
            get(column),
            get("hours"),
            get("restored"),
            get("restore_hours"),
        ) else {
            return Vec::new();
        };
        let first = (year.max(1) - 1) * 4;
        if first + 4 > values.len() {
            return Vec::new();
        }
        let n = values[first].len();
        let whole = (0..n).all(|r| {
            let h: f64 = (first..first + 4).map(|q| hours[q][r]).sum();
            (h - crate::units::HOURS_PER_YEAR).abs() < 1.0
        });
        if !whole {
            return Vec::new();
        }
        let sum = |series: &[Vec<f64>], r: usize| -> f64 {
            (first..first + 4).map(|q| series[q][r]).sum()
        };
        (0..n)
            .map(|r| match column {
                "incidents" | "cascades" | "prevented" | "followups" => sum(values, r),
                "mttr_hours" => {
                    let count = sum(restored, r);
                    if count > 0.0 {
                        sum(restore_hours, r) / count
                    } else {
                        f64::NAN
                    }
                }
                _ => {
                    let weighted: f64 =
                        (first..first + 4).map(|q| values[q][r] * hours[q][r]).sum();
                    weighted / sum(hours, r)
                }
            })
            .collect()
    }

    /// Whole measured years in the quarterly values.
    pub fn years(&self) -> usize {
        self.quarters.len() / 4
    }
}

/// The tier (index into `tiers`) of an availability target.
pub(super) fn tier_of(tiers: &[f64], target: f64) -> Option<usize> {
    tiers.iter().position(|t| (t - target).abs() < 1e-12)
}

/// Hours of quarterly error budget of each tier, summed over the tier's services.
fn tier_budgets(scenario: &Scenario, tiers: &[f64]) -> Vec<f64> {
    let mut budget = vec![0.0; tiers.len()];
    for (s, svc) in scenario.services.iter().enumerate() {
        if let Some(t) = tier_of(tiers, svc.availability_target) {
            budget[t] += crate::engine::quarter_budget(scenario, s);
        }
    }
    budget
}

/// The weekly series over all services: week numbers, open workarounds and each tier's
/// budget left as a share of its quarterly budget, each week summarised over the
/// replications ([`WeekBand`]).
fn read_weekly(models: &mut [ModelData], slots: &Slots, weekly: &WeeklyRows, tier_budget: &[f64]) {
    let tier_left = &weekly.tier_left;
    // Per model: per week, one value per replication; per tier, per week, the same.
    let mut open: Vec<Vec<Vec<f64>>> = vec![Vec::new(); models.len()];
    let mut shares: Vec<Vec<Vec<Vec<f64>>>> =
        vec![vec![Vec::new(); tier_budget.len()]; models.len()];
    let (t_models, t_week, t_open) = (&weekly.models, &weekly.week, &weekly.open);
    for i in 0..t_models.len() {
        let Some(k) = slots.of_key(&t_models[i]) else {
            continue;
        };
        let week = t_week[i] as u32;
        let md = &mut models[k];
        let w = match md.weeks.iter().position(|x| *x == week) {
            Some(w) => w,
            None => {
                md.weeks.push(week);
                open[k].push(Vec::new());
                for series in &mut shares[k] {
                    series.push(Vec::new());
                }
                md.weeks.len() - 1
            }
        };
        open[k][w].push(t_open[i]);
        for (t, series) in shares[k].iter_mut().enumerate() {
            series[w].push(tier_left[t][i] / tier_budget[t].max(f64::MIN_POSITIVE));
        }
    }
    for ((md, open), shares) in models.iter_mut().zip(open).zip(shares) {
        md.workarounds = open.iter().map(|v| WeekBand::workarounds(v)).collect();
        md.budget_share_by_tier = shares
            .iter()
            .map(|weeks| weeks.iter().map(|v| WeekBand::budget_share(v)).collect())
            .collect();
    }
}

/// The columns of the services table the report reads, one value per row.
struct ServiceRows {
    /// Model keys.
    models: Vec<String>,
    /// Replication numbers.
    rep: Vec<f64>,
    /// Availability targets.
    target: Vec<f64>,
    /// Availabilities reached.
    avail: Vec<f64>,
}

impl ServiceRows {
    /// Reads them.
    fn read(services: &DataFrame) -> Result<ServiceRows, DataError> {
        Ok(ServiceRows {
            models: strings(services, "services", "model")?,
            rep: numbers(services, "services", "replication")?,
            target: numbers(services, "services", "availability_target")?,
            avail: numbers(services, "services", "availability")?,
        })
    }
}

/// Per replication: the share of the top-tier services that met their target, and their
/// mean availability.
fn read_top_tier(models: &mut [ModelData], slots: &Slots, rows: &ServiceRows, top_target: f64) {
    let (s_models, s_rep, s_target, s_avail) = (&rows.models, &rows.rep, &rows.target, &rows.avail);
    let mut met: HashMap<(usize, i64), (f64, f64, f64)> = HashMap::new();
    for i in 0..s_models.len() {
        if s_target[i] + 1e-12 < top_target {
            continue;
        }
        if let Some(k) = slots.of_key(&s_models[i]) {
            let e = met.entry((k, s_rep[i] as i64)).or_insert((0.0, 0.0, 0.0));
            e.1 += 1.0;
            e.2 += s_avail[i];
            if s_avail[i] >= s_target[i] {
                e.0 += 1.0;
            }
        }
    }
    let mut keys: Vec<_> = met.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let (ok, n, avail) = met[&key];
        models[key.0].top_tier_met.push(ok / n);
        models[key.0].top_tier_availability.push(avail / n);
    }
}

/// Every tier, per replication: the share of its services that met their target.
fn read_tier_met(models: &mut [ModelData], slots: &Slots, rows: &ServiceRows, tiers: &[f64]) {
    let (s_models, s_rep, s_target, s_avail) = (&rows.models, &rows.rep, &rows.target, &rows.avail);
    let mut by_tier: HashMap<(usize, usize, i64), (f64, f64)> = HashMap::new();
    for i in 0..s_models.len() {
        if let (Some(k), Some(t)) = (slots.of_key(&s_models[i]), tier_of(tiers, s_target[i])) {
            let e = by_tier.entry((k, t, s_rep[i] as i64)).or_insert((0.0, 0.0));
            e.1 += 1.0;
            if s_avail[i] >= s_target[i] {
                e.0 += 1.0;
            }
        }
    }
    for m in models.iter_mut() {
        m.tier_met = vec![Vec::new(); tiers.len()];
    }
    let mut keys: Vec<_> = by_tier.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let (ok, n) = by_tier[&key];
        models[key.0].tier_met[key.1].push(ok / n);
    }
}

/// Per replication, each model's service with the most impact-weighted downtime (for the
/// report to name the service behind an extreme year); nothing where the table lacks the
/// columns.
fn read_worst_service(models: &mut [ModelData], slots: &Slots, services: &DataFrame) {
    let (Ok(keys), Ok(reps), Ok(names), Ok(hours)) = (
        strings(services, "services", "model"),
        numbers(services, "services", "replication"),
        strings(services, "services", "service"),
        numbers(services, "services", "downtime_hours"),
    ) else {
        return;
    };
    let mut worst: HashMap<(usize, i64), (usize, f64)> = HashMap::new();
    for i in 0..keys.len() {
        let Some(k) = slots.of_key(&keys[i]) else {
            continue;
        };
        let e = worst
            .entry((k, reps[i] as i64))
            .or_insert((i, f64::NEG_INFINITY));
        if hours[i] > e.1 {
            *e = (i, hours[i]);
        }
    }
    let mut order: Vec<_> = worst.keys().copied().collect();
    order.sort_unstable();
    for key in order {
        let (i, h) = worst[&key];
        models[key.0].worst_service.push((names[i].clone(), h));
    }
}

fn sort_order(keys: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|a, b| keys[*a].total_cmp(&keys[*b]));
    order
}

fn column_error(table: &'static str, column: &str, message: String) -> DataError {
    DataError::Column {
        table,
        column: column.to_string(),
        message,
    }
}

pub(super) fn strings(
    df: &DataFrame,
    table: &'static str,
    name: &str,
) -> Result<Vec<String>, DataError> {
    let col = df
        .column(name)
        .map_err(|e| column_error(table, name, e.to_string()))?;
    let ca = col
        .str()
        .map_err(|e| column_error(table, name, e.to_string()))?;
    Ok(ca
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

pub(super) fn numbers(
    df: &DataFrame,
    table: &'static str,
    name: &str,
) -> Result<Vec<f64>, DataError> {
    let col = df
        .column(name)
        .map_err(|e| column_error(table, name, e.to_string()))?;
    let cast = col
        .cast(&DataType::Float64)
        .map_err(|e| column_error(table, name, e.to_string()))?;
    let ca = cast
        .f64()
        .map_err(|e| column_error(table, name, e.to_string()))?;
    Ok(ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}
