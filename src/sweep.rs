//! Sweeps: every model at every value of one scenario parameter, with common random
//! numbers across models *and* across values (every point runs replications 0..n with the
//! same seeds, and each random purpose has its own stream), so that differences between
//! points are differences of mechanism. Crossovers are where two models swap rank on a
//! metric, interpolated between points, with an interval from the replications' own
//! crossings.
//!
//! A parameter is named by the dotted path the validation errors use
//! (`costs.standby_per_hour`, `groups.ops.estate_services`,
//! `services.*.availability_target`, `*` meaning every element of an array of tables;
//! several keys moved together are separated by commas). A
//! point is made by setting that key in the scenario's TOML and validating the result like
//! any scenario file, so a sweep can never run a scenario `whoruns validate` would refuse.

use std::fmt;

use crate::model::ModelKind;
use crate::outcome::{Outcome, metric};
use crate::report::ranking::{Better, Lead, Threshold, lead};
use crate::scenario::Scenario;
use crate::stats::{Estimate, quantile_sorted};

/// The headline metrics a sweep reports, besides target attainment.
pub const METRICS: [&str; 5] = [
    "cost_operating",
    "cost_unreliability",
    "cost_total",
    "availability",
    "mttr_hours",
];

/// Target attainment columns: the share of all service-years meeting their target, and
/// of the top tier's (the highest target at that point).
pub const ATTAINMENT: [&str; 2] = ["met_share", "met_share_top_tier"];

/// How a sweep spaces its values, and the coordinate crossovers interpolate in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Evenly spaced.
    Linear,
    /// Geometrically spaced: sizes, rates and prices spanning magnitudes.
    Log,
    /// Evenly spaced in "nines", −log10(1 − v): availability targets, where 99% → 99.9%
    /// is the same step as 99.9% → 99.99%.
    Nines,
}

impl Scale {
    /// The scale's name, as [`Scale::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
            Scale::Nines => "nines",
        }
    }

    /// Reads `linear`, `log` or `nines`.
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "linear" => Some(Scale::Linear),
            "log" => Some(Scale::Log),
            "nines" => Some(Scale::Nines),
            _ => None,
        }
    }

    /// The coordinate of a value.
    pub fn coordinate(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => v.ln(),
            Scale::Nines => -(1.0 - v).log10(),
        }
    }

    /// The value at a coordinate.
    pub fn value(self, c: f64) -> f64 {
        match self {
            Scale::Linear => c,
            Scale::Log => c.exp(),
            Scale::Nines => 1.0 - 10f64.powf(-c),
        }
    }
}

/// A swept parameter and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted path of the key (several, comma-separated, move together).
    pub path: String,
    /// Values, in order.
    pub values: Vec<f64>,
    /// How the values are spaced; crossovers interpolate in its coordinate.
    pub scale: Scale,
    /// What the parameter is, in words, for charts (default: the path).
    pub label: String,
}

/// A problem with a sweep's definition or one of its points.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct SweepError(pub String);

impl Axis {
    /// `steps` values from `start` to `end`, evenly spaced in the scale's coordinate.
    pub fn new(
        path: &str,
        start: f64,
        end: f64,
        steps: u32,
        scale: Scale,
    ) -> Result<Axis, SweepError> {
        let path = path.trim();
        if path.is_empty()
            || path
                .split(',')
                .any(|p| p.trim().split('.').any(str::is_empty))
        {
            return Err(SweepError(format!(
                "\"{path}\" is not a parameter path; write it as the errors name keys, e.g. costs.standby_per_hour or services.*.availability_target"
            )));
        }
        if !(start.is_finite() && end.is_finite()) {
            return Err(SweepError(format!("{path}: the range must be finite")));
        }
        if steps < 2 {
            return Err(SweepError(format!(
                "{path}: a sweep needs at least 2 steps (got {steps})"
            )));
        }
        if steps > 1000 {
            return Err(SweepError(format!(
                "{path}: {steps} steps is more than the 1000 a sweep allows"
            )));
        }
        if scale == Scale::Log && (start <= 0.0 || end <= 0.0) {
            return Err(SweepError(format!(
                "{path}: a log-spaced sweep needs a positive range (got {start}..{end})"
            )));
        }
        let inside = |v: f64| v > 0.0 && v < 1.0;
        if scale == Scale::Nines && !(inside(start) && inside(end)) {
            return Err(SweepError(format!(
                "{path}: a sweep in nines needs values between 0 and 1, e.g. 0.99..0.9999 (got {start}..{end})"
            )));
        }
        let k = f64::from(steps - 1);
        let (c0, c1) = (scale.coordinate(start), scale.coordinate(end));
        let values = (0..steps)
            .map(|i| match i {
                // The ends exactly as given, not as a round trip through the scale.
                0 => start,
                i if i == steps - 1 => end,
                _ => scale.value(c0 + f64::from(i) / k * (c1 - c0)),
            })
            .collect();
        Ok(Axis {
            path: path.to_string(),
            values,
            scale,
            label: path.to_string(),
        })
    }

    /// Parses `PATH=START..END`.
    pub fn parse(spec: &str, steps: u32, scale: Scale) -> Result<Axis, SweepError> {
        let bad = || {
            SweepError(format!(
                "--param \"{spec}\": write PATH=START..END, e.g. groups.ops.estate_services=24..400"
            ))
        };
        let (path, range) = spec.split_once('=').ok_or_else(bad)?;
        // An optional scale after the range: `...=24..400:log`.
        let (range, scale) = match range.rsplit_once(':') {
            Some((r, sc)) => match Scale::parse(sc.trim()) {
                Some(sc) => (r, sc),
                None => {
                    return Err(SweepError(format!(
                        "--param \"{spec}\": unknown scale \"{sc}\" (valid: linear, log, nines)"
                    )));
                }
            },
            None => (range, scale),
        };
        let (a, b) = range.split_once("..").ok_or_else(bad)?;
        let num = |s: &str| s.trim().parse::<f64>().map_err(|_| bad());
        Axis::new(path, num(a)?, num(b)?, steps, scale)
    }

    fn coordinate(&self, v: f64) -> f64 {
        self.scale.coordinate(v)
    }

    fn value_at(&self, c: f64) -> f64 {
        self.scale.value(c)
    }
}

/// Sets `path` to `value` in the TOML `text`, creating tables as needed; `*` applies to
/// every element of an array of tables. An integer key gets the value rounded.
pub fn set(text: &str, path: &str, value: f64, integer: bool) -> Result<String, SweepError> {
    let mut doc: toml::Table = toml::from_str(text)
        .map_err(|e| SweepError(format!("the scenario is not valid TOML: {}", e.message())))?;
    let v = if integer {
        toml::Value::Integer(value.round() as i64)
    } else {
        toml::Value::Float(value)
    };
    // Several keys moved together are separated by commas.
    for one in path.split(',').map(str::trim) {
        let parts: Vec<&str> = one.split('.').collect();
        if set_in(&mut doc, &parts, &v, one)? == 0 {
            return Err(SweepError(format!(
                "{one}: no such key to vary (the array it names is empty)"
            )));
        }
    }
    toml::to_string(&doc).map_err(|e| SweepError(format!("{path}: {e}")))
}

fn set_in(
    table: &mut toml::Table,
    parts: &[&str],
    v: &toml::Value,
    path: &str,
) -> Result<usize, SweepError> {
    let Some((first, rest)) = parts.split_first() else {
        return Ok(0);
    };
    if rest.is_empty() {
        if let Some(old) = table.get(*first)
            && !matches!(old, toml::Value::Integer(_) | toml::Value::Float(_))
        {
            return Err(SweepError(format!(
                "{path} holds {old} in the scenario, not a number; a sweep varies numeric keys"
            )));
        }
        table.insert((*first).to_string(), v.clone());
        return Ok(1);
    }
    let entry = table
        .entry((*first).to_string())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    match (entry, rest.first()) {
        (toml::Value::Array(items), Some(&"*")) => {
            let mut n = 0;
            for item in items.iter_mut() {
                match item {
                    toml::Value::Table(t) => n += set_in(t, &rest[1..], v, path)?,
                    _ => {
                        return Err(SweepError(format!(
                            "{path}: {first} is not an array of tables"
                        )));
                    }
                }
            }
            Ok(n)
        }
        (toml::Value::Table(t), _) => set_in(t, rest, v, path),
        _ => Err(SweepError(format!(
            "{path}: {first} is not a table, so it has no key {}",
            rest.join(".")
        ))),
    }
}

/// The scenario at each value of `axis`, validated. Replications, seed and models come
/// from `base` (the command line may have overridden them).
///
/// Returns each point's value as applied (rounded, for a key that must be a whole number)
/// with its scenario.
pub fn points(
    text: &str,
    axis: &Axis,
    base: &Scenario,
) -> Result<Vec<(f64, Scenario)>, SweepError> {
    let integer = whole(text, axis)?;
    axis.values
        .iter()
        .map(|&v| {
            let (applied, s) = point(text, &[(axis, v, integer)], base)?;
            Ok((applied[0], s))
        })
        .collect()
}

/// A grid point: the two values as applied, and the scenario there.
pub type GridPoint = ((f64, f64), Scenario);

/// Every (first, second) pair of values of a two-parameter grid, first axis outermost.
pub fn grid_points(
    text: &str,
    first: &Axis,
    second: &Axis,
    base: &Scenario,
) -> Result<Vec<GridPoint>, SweepError> {
    let (i1, i2) = (whole(text, first)?, whole(text, second)?);
    let mut out = Vec::with_capacity(first.values.len() * second.values.len());
    for &a in &first.values {
        for &b in &second.values {
            let (applied, s) = point(text, &[(first, a, i1), (second, b, i2)], base)?;
            out.push(((applied[0], applied[1]), s));
        }
    }
    Ok(out)
}

/// Whether the axis's key must be a whole number (validation says so of a decimal).
fn whole(text: &str, axis: &Axis) -> Result<bool, SweepError> {
    let v = axis.values.first().copied().unwrap_or(0.0) + 0.5;
    let edited = set(text, &axis.path, v, false)?;
    Ok(match crate::scenario::parse(&edited, "sweep point") {
        Ok(_) => false,
        Err(e) => e
            .problems
            .iter()
            .any(|p| p.message.contains("should be a whole number")),
    })
}

/// The scenario with each axis's key set to its value, validated; the values as applied.
fn point(
    text: &str,
    settings: &[(&Axis, f64, bool)],
    base: &Scenario,
) -> Result<(Vec<f64>, Scenario), SweepError> {
    let mut edited = text.to_string();
    let mut applied = Vec::with_capacity(settings.len());
    for (axis, value, integer) in settings {
        edited = set(&edited, &axis.path, *value, *integer)?;
        applied.push(if *integer { value.round() } else { *value });
    }
    let mut s = crate::scenario::parse(&edited, "sweep point").map_err(|e| {
        let problems: Vec<String> = e.problems.iter().map(|p| p.message.clone()).collect();
        let at: Vec<String> = settings
            .iter()
            .map(|(a, v, _)| format!("{} = {v}", a.path))
            .collect();
        SweepError(format!("at {}: {}", at.join(", "), problems.join("; ")))
    })?;
    s.name.clone_from(&base.name);
    s.seed = base.seed;
    s.replications = base.replications;
    s.models.clone_from(&base.models);
    s.reference = base.reference;
    Ok((applied, s))
}

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
    /// Per metric (in [`METRICS`] then [`ATTAINMENT`] order), per replication.
    pub values: Vec<Vec<f64>>,
    /// Per availability tier (target, highest first), per replication: the share of the
    /// tier's service-years meeting the target.
    pub tiers: Vec<(f64, Vec<f64>)>,
}

/// Per tier (target, highest first), the share of its services meeting their target in
/// one outcome.
fn tier_shares(scenario: &Scenario, o: &Outcome) -> Vec<(f64, f64)> {
    let window = scenario.horizon_hours - scenario.warmup_hours;
    let mut targets: Vec<f64> = scenario
        .services
        .iter()
        .map(|s| s.availability_target)
        .collect();
    targets.sort_by(|a, b| b.total_cmp(a));
    targets.dedup();
    targets
        .into_iter()
        .map(|t| {
            let (mut met, mut n) = (0.0, 0.0);
            for (i, s) in scenario.services.iter().enumerate() {
                if s.availability_target == t {
                    n += 1.0;
                    let a = 1.0 - o.service_downtime_hours.get(i).copied().unwrap_or(0.0) / window;
                    if a >= t {
                        met += 1.0;
                    }
                }
            }
            (t, met / f64::max(n, 1.0))
        })
        .collect()
}

/// Every reported metric's name, in [`Cell::values`] order.
pub fn metric_names() -> Vec<&'static str> {
    METRICS.iter().chain(ATTAINMENT.iter()).copied().collect()
}

/// The cells of one point from its outcomes (ordered by replication, then model).
pub fn cells(scenario: &Scenario, value: f64, outcomes: &[Outcome]) -> Vec<Cell> {
    scenario
        .models
        .iter()
        .map(|&model| {
            let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.model == model).collect();
            let mut values: Vec<Vec<f64>> = METRICS
                .iter()
                .map(|name| {
                    let get = metric(name).map(|m| m.get);
                    mine.iter()
                        .map(|o| get.map_or(f64::NAN, |g| g(o)))
                        .collect()
                })
                .collect();
            let att: Vec<[f64; 2]> = mine.iter().map(|o| attainment(scenario, o)).collect();
            values.push(att.iter().map(|a| a[0]).collect());
            values.push(att.iter().map(|a| a[1]).collect());
            let per: Vec<Vec<(f64, f64)>> = mine.iter().map(|o| tier_shares(scenario, o)).collect();
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

/// Whether larger is better on a reported metric (availability and attainment).
pub fn higher_is_better(metric: &str) -> bool {
    metric == "availability" || metric.starts_with("met_")
}

/// The practical threshold below which two models count as tied on a metric (with the
/// paired 95% interval, see [`crate::report::ranking`]).
pub fn threshold(metric: &str) -> Threshold {
    match metric {
        "availability" => Threshold {
            relative: 0.0,
            absolute: 1e-4,
        },
        m if m.starts_with("met_") => Threshold {
            relative: 0.0,
            absolute: 0.02,
        },
        "mttr_hours" => crate::report::ranking::TIME,
        _ => crate::report::ranking::COST,
    }
}

/// The models tied for best on metric `k` at each point, by the ranking rule.
pub fn leaders(cells: &[Vec<Cell>], k: usize, metric: &str) -> Vec<Vec<ModelKind>> {
    let better = if higher_is_better(metric) {
        Better::Higher
    } else {
        Better::Lower
    };
    cells
        .iter()
        .map(|point| {
            let values: Vec<(ModelKind, &[f64])> = point
                .iter()
                .map(|c| (c.model, c.values[k].as_slice()))
                .collect();
            match lead(&values, better, threshold(metric)) {
                Lead::Clear { leader, .. } => vec![leader],
                Lead::Tied(t) => t,
            }
        })
        .collect()
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

/// A parameter value in few digits: 24, 0.999, 1.2e-5.
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{v:.2e}");
    }
    // Four significant digits, and more for targets such as 0.99995.
    let digits = if a < 1.0 && a > 0.9 {
        (-(1.0 - a).log10()).ceil() as usize + 2
    } else {
        (3 - a.log10().floor() as i32).clamp(0, 6) as usize
    };
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
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

    #[test]
    fn axes_even_and_log_spaced() {
        let a = Axis::parse("costs.standby_per_hour=0..10", 3, Scale::Linear).unwrap();
        assert_eq!(a.values, vec![0.0, 5.0, 10.0]);
        let l = Axis::parse("groups.ops.estate_services=24..384", 5, Scale::Log).unwrap();
        for (v, want) in l.values.iter().zip([24.0, 48.0, 96.0, 192.0, 384.0]) {
            assert!((v - want).abs() < 1e-9, "{v}");
        }
        let n = Axis::parse(
            "services.*.availability_target=0.99..0.9999",
            3,
            Scale::Nines,
        )
        .unwrap();
        for (v, want) in n.values.iter().zip([0.99, 0.999, 0.9999]) {
            assert!((v - want).abs() < 1e-12, "{v}");
        }
        let s = Axis::parse("x=1..100:log", 3, Scale::Linear).unwrap();
        assert_eq!(s.scale, Scale::Log);
        assert!((s.values[1] - 10.0).abs() < 1e-9);
        assert!(Axis::parse("x=1..100:cubic", 3, Scale::Linear).is_err());
        assert!(Axis::parse("x=1..2", 1, Scale::Linear).is_err());
        assert!(Axis::parse("x=0..2", 3, Scale::Log).is_err());
        assert!(Axis::parse("x=0.9..1", 3, Scale::Nines).is_err());
        assert!(Axis::parse("x 1..2", 3, Scale::Linear).is_err());
        assert!(Axis::parse(".x=1..2", 3, Scale::Linear).is_err());
    }

    #[test]
    fn set_reaches_nested_tables_and_every_array_element() {
        let text = "[costs]\nstandby_per_hour = 3.0\n[[services]]\nname = \"a\"\n[[services]]\nname = \"b\"\navailability_target = 0.99\n";
        let t = set(text, "services.*.availability_target", 0.999, false).unwrap();
        assert_eq!(t.matches("availability_target = 0.999").count(), 2, "{t}");
        let t = set(
            text,
            "groups.ops.estate_services, groups.sre.estate_services",
            120.4,
            true,
        )
        .unwrap();
        assert_eq!(t.matches("estate_services = 120").count(), 2, "{t}");
        let e = set("name = \"x\"\n", "name", 1.0, false).unwrap_err();
        assert!(e.0.contains("not a number"), "{e}");
        assert!(set(text, "costs.standby_per_hour.x", 1.0, false).is_err());
    }

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
