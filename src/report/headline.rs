//! Message titles: one sentence per chart stating what it shows, written from the numbers
//! by the same rules as the findings. A model "costs least" or "restores fastest" only when
//! it leads by [`crate::ranking`]'s rule; otherwise the title says who is tied. The chart's
//! neutral description stays beneath the title ([`Chart::title`], [`Chart::subtitle`]).
//! Every chart's title is written here: the report's charts ([`headline`]), and the sweep,
//! tornado, grid-map and calibration charts ([`sweep`], [`tornado`], [`grid_map`],
//! [`calibration`]).

use super::charts::Chart;
use super::data::{ModelData, ReportData};
use super::style::{Component, RESTORE_PARTS};
use crate::axis::Axis;
use crate::calibrate::{Calibration, Source};
use crate::format::trim_pct;
use crate::model::ModelKind;
use crate::ranking::{Lead, lead, trail};
use crate::sensitivity::{Effect, Output};
use crate::stats::{Estimate, paired_ratio};
use crate::sweep::{Cell, Crossover};
use crate::units::format_hours;

/// A share of service-years below which a tier "misses its target in most years".
const MOST: f64 = 0.5;
/// Workarounds at peak, on average, below which a model "leaves none".
const NEGLIGIBLE_WORKAROUNDS: f64 = 0.5;

/// "a", "a and b", "a, b and c".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A model's name as every title shows it: in curly quotes, since names themselves hold
/// commas and "and" ("You run it, ops monitor", "You and SRE run it").
pub fn q(m: impl std::borrow::Borrow<ModelKind>) -> String {
    format!("“{}”", m.borrow().name())
}

/// Model names as a list, each quoted ([`q`]).
fn names(models: &[ModelKind]) -> String {
    match models {
        [one] => q(*one),
        _ => list(&models.iter().map(|m| q(*m)).collect::<Vec<_>>()),
    }
}

/// The tiers as "99.95% tier" or "99.9% and 99.95% tiers".
fn tiers_phrase(tiers: &[f64]) -> String {
    let mut sorted = tiers.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pct: Vec<String> = sorted
        .iter()
        .map(|t| format!("{}%", trim_pct(100.0 * t)))
        .collect();
    format!(
        "{} tier{}",
        list(&pct),
        if tiers.len() == 1 { "" } else { "s" }
    )
}

/// Who leads `metric` among the report's models.
pub fn lead_on(data: &ReportData, metric: &str) -> Lead {
    let values: Vec<(ModelKind, &[f64])> = data
        .models
        .iter()
        .map(|m| (m.model, m.values(metric)))
        .collect();
    lead(
        &values,
        crate::metric::direction(metric),
        crate::metric::tie(metric),
    )
}

/// "X costs least to run", "X and Y tie as cheapest to run", "All models cost about the
/// same to run".
/// When more models are tied than left out, the title names those left out ("All models
/// but X ..."), which is shorter and reads better.
fn superlative(data: &ReportData, l: &Lead, clear: &str, tied: &str, all: &str) -> String {
    match l {
        Lead::Clear { leader, .. } => format!("{} {clear}", q(leader)),
        Lead::Tied(t) if t.len() == data.models.len() => all.to_string(),
        Lead::Tied(t) => {
            let others: Vec<ModelKind> = data
                .models
                .iter()
                .map(|m| m.model)
                .filter(|m| !t.contains(m))
                .collect();
            if t.len() >= 3 && others.len() < t.len() {
                format!("All models but {} {tied}", names(&others))
            } else {
                format!("{} {tied}", names(t))
            }
        }
    }
}

/// What contradicts calling `model` the cheapest on `cheapest_on` (`cost_operating`,
/// `cost_unreliability` or `cost_total`): being the dearest on the other cost or in total,
/// or the least available — each by [`crate::ranking`]'s rule run the other way
/// ([`trail`]): "the dearest in total" when it trails every other model, "among the least
/// available" when it is tied for last. Empty when nothing contradicts it.
pub fn contradictions(data: &ReportData, model: ModelKind, cheapest_on: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (metric, phrase) in against(cheapest_on) {
        // Dearest in total says most of what dearest in unreliability would.
        if metric == "cost_unreliability" && out.iter().any(|o| o.ends_with("in total")) {
            continue;
        }
        let values: Vec<(ModelKind, &[f64])> = data
            .models
            .iter()
            .map(|m| (m.model, m.values(metric)))
            .collect();
        let worst = trail(
            &values,
            crate::metric::direction(metric),
            crate::metric::tie(metric),
        );
        match worst {
            Lead::Clear { leader, .. } if leader == model => out.push(format!("the {phrase}")),
            Lead::Tied(t) if t.contains(&model) && t.len() > 1 && t.len() < values.len() => {
                out.push(format!("among the {phrase}"));
            }
            _ => {}
        }
    }
    out
}

/// The metrics on which being worst contradicts being the cheapest on `cheapest_on`, with
/// their phrases; dearest in total before dearest in unreliability, which it mostly says.
fn against(cheapest_on: &str) -> [(&'static str, &'static str); 3] {
    let available = ("availability", "least available");
    match cheapest_on {
        "cost_operating" => [
            ("cost_total", "dearest in total"),
            ("cost_unreliability", "dearest in unreliability"),
            available,
        ],
        "cost_unreliability" => [
            ("cost_total", "dearest in total"),
            ("cost_operating", "dearest to run"),
            available,
        ],
        _ => [
            ("cost_operating", "dearest to run"),
            ("cost_unreliability", "dearest in unreliability"),
            available,
        ],
    }
}

/// A superlative on a cost, with what contradicts it for each model it names: "Ops run it
/// costs least to run, but is the dearest in total and the least available".
fn cost_superlative(data: &ReportData, metric: &str, clear: &str, tied: &str, all: &str) -> String {
    let l = lead_on(data, metric);
    let mut out = superlative(data, &l, clear, tied, all);
    match &l {
        Lead::Clear { leader, .. } => {
            let against = contradictions(data, *leader, metric);
            if !against.is_empty() {
                out.push_str(&format!(", but is {}", list(&against)));
            }
        }
        Lead::Tied(t) if t.len() < data.models.len() => {
            for m in t {
                let against = contradictions(data, *m, metric);
                if !against.is_empty() {
                    out.push_str(&format!(", but {} is {}", q(m), list(&against)));
                }
            }
        }
        Lead::Tied(_) => {}
    }
    out
}

fn mean(m: &ModelData, metric: &str) -> f64 {
    m.estimate(metric).mean
}

/// Tiers (targets) whose share of service-years meeting the target is below [`MOST`]
/// under every model.
pub fn failing_everywhere(data: &ReportData) -> Vec<f64> {
    data.tiers
        .iter()
        .enumerate()
        .filter(|(t, _)| {
            data.models.iter().all(|m| {
                m.tier_met
                    .get(*t)
                    .is_none_or(|v| Estimate::of(v.iter().copied()).mean < MOST)
            })
        })
        .map(|(_, target)| *target)
        .collect()
}

fn cost_vs_reliability(data: &ReportData) -> String {
    let cost = cost_superlative(
        data,
        "cost_operating",
        "costs least to run",
        "tie as the cheapest to run",
        "All models cost about the same to run",
    );
    let failing = failing_everywhere(data);
    let tiers = if !failing.is_empty() {
        let verb = if failing.len() == 1 { "misses" } else { "miss" };
        format!(
            "the {} {verb} the target in most years under every model",
            tiers_phrase(&failing)
        )
    } else {
        let good: Vec<ModelKind> = data
            .models
            .iter()
            .filter(|m| {
                m.tier_met
                    .iter()
                    .all(|v| Estimate::of(v.iter().copied()).mean >= MOST)
            })
            .map(|m| m.model)
            .collect();
        if good.len() == data.models.len() {
            "every tier meets its target in most years under every model".into()
        } else if good.is_empty() {
            "no model meets every tier's target in most years".into()
        } else {
            format!(
                "only {} meet{} every tier's target in most years",
                names(&good),
                if good.len() == 1 { "s" } else { "" }
            )
        }
    };
    format!("{cost}; {tiers}")
}

fn time_to_restore(data: &ReportData) -> String {
    let l = lead_on(data, "mttr_hours");
    let mut out = superlative(
        data,
        &l,
        "restores service fastest",
        "restore service fastest, tied",
        "All models restore service in about the same time",
    );
    let best = match &l {
        Lead::Clear { leader, .. } => vec![*leader],
        Lead::Tied(t) => t.clone(),
    };
    // Against the reference when it is among the fastest, as in the findings.
    let reference = data.scenario.reference;
    let fastest = if best.contains(&reference) {
        data.model(reference)
    } else {
        best.first().and_then(|m| data.model(*m))
    };
    let slowest = data
        .models
        .iter()
        .filter(|m| !best.contains(&m.model))
        .max_by(|a, b| mean(a, "mttr_hours").total_cmp(&mean(b, "mttr_hours")));
    if let (Some(fast), Some(slow)) = (fastest, slowest) {
        // The ratio of the means, stated when its paired (Fieller) interval is above 1.5,
        // with the two means it is the ratio of: the chart beside it shows medians.
        if let Some(ratio) = paired_ratio(slow.values("mttr_hours"), fast.values("mttr_hours"))
            && ratio.low > 1.5
        {
            out.push_str(&format!(
                "; {} takes {:.1}× as long on average ({} against {})",
                q(slow.model),
                ratio.ratio,
                format_hours(mean(slow, "mttr_hours")),
                format_hours(mean(fast, "mttr_hours")),
            ));
        }
    }
    out
}

fn restore_breakdown(data: &ReportData) -> String {
    let by_ttr =
        |a: &&ModelData, b: &&ModelData| mean(a, "mttr_hours").total_cmp(&mean(b, "mttr_hours"));
    // The slowest model against the reference (as in the findings), or against the
    // fastest when the reference is itself the slowest.
    let slow = data.models.iter().max_by(by_ttr);
    let reference = data
        .model(data.scenario.reference)
        .filter(|r| slow.is_some_and(|s| s.model != r.model));
    let (Some(fast), Some(slow)) = (reference.or(data.models.iter().min_by(by_ttr)), slow) else {
        return "Time to restore, part by part".into();
    };
    let gap = |p: &Component| {
        mean(slow, p.metric)
            - if slow.model == fast.model {
                0.0
            } else {
                mean(fast, p.metric)
            }
    };
    let Some(part) = RESTORE_PARTS
        .iter()
        .max_by(|a, b| gap(a).total_cmp(&gap(b)))
    else {
        return "Time to restore, part by part".into();
    };
    let total = mean(slow, "mttr_hours");
    if slow.model == fast.model || gap(part).is_nan() || gap(part) <= 0.0 {
        return format!(
            "Under {}, the largest part of the time to restore is {} ({} of {})",
            q(slow.model),
            part.phrase,
            format_hours(mean(slow, part.metric)),
            format_hours(total)
        );
    }
    format!(
        "{} is {} slower to restore than {}; the largest part of the gap is {} ({})",
        q(slow.model),
        format_hours(total - mean(fast, "mttr_hours")),
        q(fast.model),
        part.phrase,
        format_hours(gap(part)),
    )
}

/// The highest point of a model's mean line on the workarounds chart: the largest weekly
/// mean over replications of the open workarounds (what the reader sees, unlike the mean
/// of each year's own peak, which is higher).
pub fn workarounds_line_peak(m: &ModelData) -> f64 {
    m.workarounds
        .iter()
        .map(|week| week.mean)
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max)
}

fn workarounds(data: &ReportData) -> String {
    let leaving: Vec<&ModelData> = data
        .models
        .iter()
        .filter(|m| mean(m, "workarounds_peak") >= NEGLIGIBLE_WORKAROUNDS)
        .collect();
    let Some(most) = leaving
        .iter()
        .max_by(|a, b| workarounds_line_peak(a).total_cmp(&workarounds_line_peak(b)))
    else {
        return "No model leaves workarounds in production".into();
    };
    let line = workarounds_line_peak(most);
    let peak = format!(
        "{} open at the most on average, under {}",
        if line >= 9.5 {
            format!("{line:.0}")
        } else {
            format!("{line:.1}")
        },
        q(most.model)
    );
    if leaving.len() == data.models.len() {
        format!("Every model leaves workarounds in production, {peak}")
    } else {
        let who: Vec<ModelKind> = leaving.iter().map(|m| m.model).collect();
        format!("Workarounds pile up only under {}: {peak}", names(&who))
    }
}

/// Whether a model's budget for tier `t` is below zero in most weeks (week means).
fn overspends(m: &ModelData, t: usize) -> bool {
    let Some(weeks) = m.budget_share_by_tier.get(t) else {
        return false;
    };
    let below = weeks.iter().filter(|week| week.mean < 0.0).count();
    !weeks.is_empty() && below as f64 > 0.5 * weeks.len() as f64
}

fn error_budget(data: &ReportData) -> String {
    // Tiers grouped by the models under which they overspend, highest tier first.
    let mut groups: Vec<(Vec<ModelKind>, Vec<f64>)> = Vec::new();
    for (t, target) in data.tiers.iter().enumerate() {
        let over: Vec<ModelKind> = data
            .models
            .iter()
            .filter(|m| overspends(m, t))
            .map(|m| m.model)
            .collect();
        if over.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(models, _)| *models == over) {
            Some((_, tiers)) => tiers.push(*target),
            None => groups.push((over, vec![*target])),
        }
    }
    if groups.is_empty() {
        return "Every tier stays within its error budget in most weeks under every model".into();
    }
    let clauses: Vec<String> = groups
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, (models, tiers))| {
            let who = if models.len() == data.models.len() {
                "every model".to_string()
            } else {
                names(models)
            };
            let verb = match (i, tiers.len()) {
                (0, 1) => "is over its error budget most weeks",
                (0, _) => "are over their error budgets most weeks",
                (_, 1) => "is over budget",
                _ => "are over budget",
            };
            format!("the {} {verb} under {who}", tiers_phrase(tiers))
        })
        .collect();
    clauses.join("; ")
}

fn cost_breakdown(data: &ReportData) -> String {
    let operating = lead_on(data, "cost_operating");
    let total = lead_on(data, "cost_total");
    let mut out = match (&operating, &total) {
        (Lead::Clear { leader: a, .. }, Lead::Clear { leader: b, .. }) if a == b => {
            let against = contradictions(data, *a, "cost_total");
            let but = if against.is_empty() {
                String::new()
            } else {
                format!(", but is {}", list(&against))
            };
            format!("{} costs least both to run and in total{but}", q(a))
        }
        _ => format!(
            "{}; {}",
            cost_superlative(
                data,
                "cost_operating",
                "costs least to run",
                "tie as the cheapest to run",
                "All models cost about the same to run",
            ),
            cost_superlative(
                data,
                "cost_total",
                "costs least in total",
                "tie as the cheapest in total",
                "all cost about the same in total",
            )
        ),
    };
    if !data.models.is_empty()
        && data
            .models
            .iter()
            .all(|m| mean(m, "cost_unreliability") > mean(m, "cost_operating"))
    {
        out.push_str("; unreliability costs more than running under every model");
    }
    out
}

/// In a sweep, what contradicts calling `model` the cheapest on cost `metric` (at values
/// above `from`, or everywhere): the values at which it is the dearest on the other cost
/// or in total, or the least available, each by [`trail`] at that value.
/// ", but the dearest in total throughout", ", but the least available at 3 of 7 values".
fn sweep_but(metric: &str, model: ModelKind, cells: &[Vec<Cell>], from: Option<f64>) -> String {
    let points: Vec<&Vec<Cell>> = cells
        .iter()
        .filter(|p| from.is_none_or(|f| p.first().is_some_and(|c| c.value > f)))
        .collect();
    let everywhere = if from.is_some() {
        "there"
    } else {
        "throughout"
    };
    points_but(metric, model, &points, (everywhere, "values"))
}

/// [`sweep_but`] over the given points (a grid map's: where the model is cheapest);
/// `everywhere` ends the clause when the contradiction holds at all of them, and `unit`
/// names the points otherwise ("at 3 of 7 values").
fn points_but(
    metric: &str,
    model: ModelKind,
    points: &[&Vec<Cell>],
    (everywhere, unit): (&str, &str),
) -> String {
    if !metric.starts_with("cost_") {
        return String::new();
    }
    let names = crate::sweep::metric_names();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (other, phrase) in against(metric) {
        let Some(k) = names.iter().position(|n| *n == other) else {
            continue;
        };
        if other == "cost_unreliability" && counts.iter().any(|(p, _)| p.ends_with("in total")) {
            continue;
        }
        let worst = points
            .iter()
            .filter(|point| {
                let values: Vec<(ModelKind, &[f64])> = point
                    .iter()
                    .filter_map(|c| Some((c.model, c.values.get(k)?.as_slice())))
                    .collect();
                let t = trail(
                    &values,
                    crate::metric::direction(other),
                    crate::metric::tie(other),
                );
                matches!(t, Lead::Clear { leader, .. } if leader == model)
            })
            .count();
        if worst > 0 {
            counts.push((phrase, worst));
        }
    }
    if counts.is_empty() {
        return String::new();
    }
    let out: Vec<String> = if counts.iter().all(|(_, n)| *n == points.len()) {
        let all: Vec<String> = counts.iter().map(|(p, _)| format!("the {p}")).collect();
        vec![format!("{} {everywhere}", list(&all))]
    } else {
        counts
            .iter()
            .map(|(p, n)| {
                if *n == points.len() {
                    format!("the {p} {everywhere}")
                } else {
                    format!("the {p} at {n} of {} {unit}", points.len())
                }
            })
            .collect()
    };
    format!(", but {}", list(&out))
}

/// The sweep chart's message title for `metric` (column `column` of the cells), whose axis
/// reads `quantity`: where the best model changes along `axis`, or who is best throughout.
pub fn sweep(
    metric: &str,
    column: usize,
    quantity: &str,
    axis: &Axis,
    cells: &[Vec<Cell>],
    crossovers: &[Crossover],
) -> String {
    let what = quantity
        .split([',', '('])
        .next()
        .unwrap_or(quantity)
        .trim()
        .to_lowercase();
    let higher = crate::metric::direction(metric) == crate::metric::Better::Higher;
    let changes: Vec<&Crossover> = crossovers
        .iter()
        .filter(|c| c.metric == metric && c.leader_change && c.significant)
        .collect();
    let label = &axis.label;
    let best_word = if higher { "highest" } else { "lowest" };
    if changes.is_empty() {
        // Who is tied for best at every value (by the ranking rule).
        let per_point = crate::sweep::leaders(cells, column, metric);
        let always: Vec<ModelKind> = per_point
            .first()
            .map(|first| {
                first
                    .iter()
                    .copied()
                    .filter(|m| per_point.iter().all(|p| p.contains(m)))
                    .collect()
            })
            .unwrap_or_default();
        let names: Vec<String> = always.iter().map(|m| q(*m)).collect();
        return match always.as_slice() {
            [] => format!(
                "No model is best on {what} across the whole range of {label}; the lead shifts among tied models"
            ),
            [one] => format!(
                "{} has the {best_word} {what} across the whole range of {label}{}",
                q(one),
                sweep_but(metric, *one, cells, None)
            ),
            _ => format!(
                "{} tie for the {best_word} {what} across the whole range of {label}",
                list(&names)
            ),
        };
    }
    let parts: Vec<String> = changes
        .iter()
        .take(2)
        .map(|c| {
            let new = if higher {
                c.lower_before
            } else {
                c.lower_after
            };
            format!(
                "{} has the {best_word} {what} above {label} ≈ {} (95% of crossings {}–{}){}",
                q(new),
                crate::format::short(c.at),
                crate::format::short(c.interval.0),
                crate::format::short(c.interval.1),
                sweep_but(metric, new, cells, Some(c.at))
            )
        })
        .collect();
    parts.join("; ")
}

/// How a paired difference a − b on a metric reads: its scale and unit, and which model
/// each sign favours ("You run it is cheaper by").
#[derive(Debug, Clone)]
pub struct DifferenceUnit {
    /// Divide a difference by this for the axis.
    pub scale: f64,
    /// The axis unit: "million USD a year", "percentage points", "hours".
    pub unit: String,
    /// What a negative difference says: "You run it is cheaper by".
    pub negative: String,
    /// What a positive difference says: "Ops run it is cheaper by".
    pub positive: String,
    currency: String,
    metric: &'static str,
}

impl DifferenceUnit {
    /// A difference for a reader, with its unit and sign: "+$554k a year", "−0.012 pp".
    pub fn show(&self, x: f64) -> String {
        let sign = if x < 0.0 { "−" } else { "+" };
        let a = x.abs();
        let body = match self.metric {
            "availability" => format!(
                "{} pp",
                crate::format::short((a * 100.0 * 1e4).round() / 1e4)
            ),
            "mttr_hours" => format!("{} h", crate::format::short((a * 100.0).round() / 100.0)),
            _ => {
                crate::parameter::show(a, crate::parameter::Unit::MoneyPerYear, &self.currency, "")
            }
        };
        format!("{sign}{body}")
    }

    /// The axis title: "← You run it is cheaper by · Ops run it is cheaper by →, million USD a year".
    pub fn axis(&self) -> String {
        format!(
            "← {}   ·   {} →   ({})",
            self.negative, self.positive, self.unit
        )
    }
}

/// How the difference `output` measures reads.
pub fn difference_unit(output: &Output, currency: &str) -> DifferenceUnit {
    let (a, b) = (output.a.name(), output.b.name());
    let (scale, unit, verb) = match output.metric {
        "availability" => (
            0.01,
            "percentage points".to_string(),
            "is more available by",
        ),
        "mttr_hours" => (1.0, "hours".to_string(), "restores faster by"),
        _ => (1e6, format!("million {currency} a year"), "is cheaper by"),
    };
    let (negative, positive) = match crate::metric::direction(output.metric) {
        crate::metric::Better::Lower => (format!("{a} {verb}"), format!("{b} {verb}")),
        crate::metric::Better::Higher => (format!("{b} {verb}"), format!("{a} {verb}")),
    };
    DifferenceUnit {
        scale,
        unit,
        negative,
        positive,
        currency: currency.to_string(),
        metric: output.metric,
    }
}

/// The tornado chart's message title: the parameter with the largest effect on the gap in
/// `output`, and which parameters reverse it when moved by ±`range` (or, when `range` is 0,
/// across their plausible ranges).
pub fn tornado(output: &Output, effects: &[Effect], range: f64) -> String {
    let labels: Vec<String> = effects
        .iter()
        .map(|e| crate::parameter::label(&e.parameter))
        .collect();
    let flips: Vec<&str> = effects
        .iter()
        .zip(&labels)
        .filter(|(e, _)| e.flips)
        .map(|(_, l)| l.as_str())
        .collect();
    let top = labels.first().map_or("no parameter", |l| l.as_str());
    let what = crate::metric::find(output.metric).map_or(output.metric, |m| m.label);
    let within = if range > 0.0 {
        format!("within ±{:.0}%", 100.0 * range)
    } else {
        "within its plausible range".to_string()
    };
    match flips.as_slice() {
        [] => format!(
            "{top} moves the {what} gap between {} and {} most; no parameter {within} reverses it",
            q(output.a),
            q(output.b),
        ),
        [one] => format!(
            "Only {one} can reverse the {what} gap between {} and {} {within}",
            q(output.a),
            q(output.b),
        ),
        many => format!(
            "{} parameters can reverse the {what} gap between {} and {} {within}, {} most",
            many.len(),
            q(output.a),
            q(output.b),
            many[0]
        ),
    }
}

/// The grid map's message title for `metric` (column `column` of the cells), `best` saying
/// what leading means ("lowest operating cost"): who leads at most points of the map.
pub fn grid_map(metric: &str, column: usize, best: &str, cells: &[Vec<Cell>]) -> String {
    let leaders = crate::sweep::leaders(cells, column, metric);
    let mut counts: Vec<(ModelKind, usize)> = Vec::new();
    for l in &leaders {
        if let [one] = l.as_slice() {
            match counts.iter_mut().find(|(m, _)| m == one) {
                Some((_, n)) => *n += 1,
                None => counts.push((*one, 1)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let total = leaders.len().max(1);
    match counts.first() {
        None => {
            // Ties everywhere: name who ties, every point or most often.
            let everywhere: Vec<ModelKind> = leaders
                .first()
                .map(|first| {
                    first
                        .iter()
                        .copied()
                        .filter(|m| leaders.iter().all(|l| l.contains(m)))
                        .collect()
                })
                .unwrap_or_default();
            if everywhere.len() >= 2 {
                format!(
                    "{} tie for the {best} at every point of this map",
                    names(&everywhere)
                )
            } else {
                let mut tally: Vec<(ModelKind, usize)> = Vec::new();
                for m in leaders.iter().flatten() {
                    match tally.iter_mut().find(|(k, _)| k == m) {
                        Some((_, n)) => *n += 1,
                        None => tally.push((*m, 1)),
                    }
                }
                tally.sort_by_key(|c| std::cmp::Reverse(c.1));
                let often: Vec<ModelKind> = tally.iter().take(3).map(|(m, _)| *m).collect();
                format!(
                    "No model has the {best} alone anywhere on this map; {} tie for it most often",
                    names(&often)
                )
            }
        }
        Some((m, n)) => {
            // What contradicts a cheapest model, at the points where it is cheapest.
            let led: Vec<&Vec<Cell>> = cells
                .iter()
                .zip(&leaders)
                .filter(|(_, l)| l.as_slice() == [*m])
                .map(|(p, _)| p)
                .collect();
            format!(
                "{} has the {best} at {n} of {total} points{}; {} elsewhere",
                q(m),
                points_but(metric, *m, &led, ("there", "points")),
                if counts.len() > 1 {
                    "other models or ties"
                } else {
                    "ties"
                }
            )
        }
    }
}

/// The calibration chart's message title: which family fits best for most services, where
/// the KS test rejects the fit, and how many services use the pooled fit — about the fit the
/// fragment's `effort` uses (`used`), or about restore times shown for comparison.
pub fn calibration(cal: &Calibration, used: bool) -> String {
    use crate::calibrate::Sample;
    fn fitted(s: &crate::calibrate::ServiceFit, used: bool) -> &crate::calibrate::Fitted {
        if used { s.effort_used().1 } else { &s.ttr }
    }
    let all_restore = cal
        .services
        .iter()
        .all(|s| s.effort_used().0 == Sample::RestoreTime);
    let own: Vec<_> = cal
        .services
        .iter()
        .filter(|s| fitted(s, used).source == Source::Service)
        .collect();
    let mut counts: Vec<(&str, usize)> = crate::calibrate::fit::Family::ALL
        .iter()
        .map(|f| {
            let n = own
                .iter()
                .filter(|s| {
                    fitted(s, used)
                        .choice
                        .as_ref()
                        .is_some_and(|c| c.best.family == *f)
                })
                .count();
            (f.name(), n)
        })
        .collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let best = format!(
        "a {} fits best for {} of {} services",
        counts[0].0,
        counts[0].1,
        own.len()
    );
    let mut title = match (own.is_empty(), used, all_restore) {
        (true, _, _) => "No service has enough incidents for a fit of its own".to_string(),
        (false, true, false) => format!("Hands-on time, the fragment's effort: {best}"),
        (false, true, true) => {
            format!("Restore time, the fragment's effort (no acknowledgements in the log): {best}")
        }
        (false, false, _) => format!("Restore time, for comparison: {best}"),
    };
    let rejected: Vec<String> = cal
        .services
        .iter()
        .filter(|s| {
            fitted(s, used)
                .choice
                .as_ref()
                .is_some_and(|c| c.ks_p_value < 0.05)
        })
        .map(|s| s.name.clone())
        .collect();
    if rejected.is_empty() {
        if !own.is_empty() {
            title.push_str("; the KS test rejects none at 5%");
        }
    } else {
        title.push_str(&format!(
            "; the KS test rejects the fit for {}{}",
            list(&rejected),
            if used { " (see the fragment)" } else { "" }
        ));
    }
    let pooled = cal.services.len() - own.len();
    if pooled > 0 {
        title.push_str(&format!(
            "; {pooled} {} with too few incidents {} the pooled fit",
            if pooled == 1 { "service" } else { "services" },
            if pooled == 1 { "uses" } else { "use" },
        ));
    }
    title
}

/// The chart's message title, from the numbers.
pub fn headline(chart: Chart, data: &ReportData) -> String {
    let text = match chart {
        Chart::CostVsReliability => cost_vs_reliability(data),
        Chart::TimeToRestore => time_to_restore(data),
        Chart::RestoreBreakdown => restore_breakdown(data),
        Chart::WorkaroundsOverTime => workarounds(data),
        Chart::ErrorBudgetOverTime => error_budget(data),
        Chart::CostBreakdown => cost_breakdown(data),
        Chart::Trajectories => trajectories(data),
    };
    capitalise(&text)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The trajectories' message: how the leader on the cost of unreliability (a drawn panel)
/// changes from the first year to the last, by the findings' rule, or that the chart shows
/// less than a year.
fn trajectories(data: &ReportData) -> String {
    match super::years::years(data) {
        None => "Less than one measured year: the quarters are in quarters.csv".into(),
        Some(y) => {
            let total = y
                .verdicts
                .iter()
                .find(|v| v.starts_with("On cost of unreliability"))
                .cloned()
                .unwrap_or_default();
            let plain = total.replace("**", "");
            if plain.is_empty() {
                format!("{} measured years, quarter by quarter", y.last)
            } else {
                plain.trim_end_matches('.').to_string()
            }
        }
    }
}
