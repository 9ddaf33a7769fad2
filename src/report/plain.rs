//! The report in people's words: the bottom line a reader can say aloud, the note that
//! states once how to read the findings (the ranking rule, the units), and the heavy tail
//! when one simulated year decides a mean.
//!
//! Everything here is drawn by the same rules as the findings ([`crate::ranking`]): the
//! bottom line names a model as cheapest or most available only where a finding would.

use super::data::{ModelData, ReportData};
use super::headline::{contradictions, lead_on};
use crate::format::{hours, money, money_pm};
use crate::metric;
use crate::model::ModelKind;
use crate::ranking::{Lead, trail};
use crate::stats::Estimate;

/// A model's name as the report's prose shows it: in bold (Markdown), everywhere.
pub fn model(m: ModelKind) -> String {
    format!("**{}**", m.name())
}

/// Model names as prose: "**A**", "**A** and **B**", "**A**, **B** and **C**".
pub fn models(ms: &[ModelKind]) -> String {
    let named: Vec<String> = ms.iter().map(|m| model(*m)).collect();
    match named.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "How to read this": the ranking rule, the intervals and the units, said once so that
/// the findings need not repeat them.
pub fn how_to_read(data: &ReportData) -> String {
    let (cost, time, avail) = (
        metric::tie("cost_total"),
        metric::tie("mttr_hours"),
        metric::tie("availability"),
    );
    format!(
        "Every figure is a mean over {n} simulated years of the same organisation under each model, with its 95% interval after ±. Every model meets the same incidents, so two models are compared year by year. A model is called better (cheaper, faster, more available) only when that comparison's 95% interval leaves out zero (no difference) and the difference matters: at least {c:.0}% for costs, {t:.0}% and at least {tm} for times, {a} percentage points of availability. Otherwise the models are called tied. Money is {cur} a year (k thousands, M millions); times are in m minutes, h hours, d days. Where one year moves a mean by more than its interval, the findings say so; medians stand beside means for costs.",
        n = data.replications,
        c = 100.0 * cost.relative,
        t = 100.0 * time.relative,
        tm = hours(time.absolute),
        a = crate::format::short(100.0 * avail.absolute),
        cur = data.scenario.costs.currency,
    )
}

/// The bottom line: two or three sentences a reader can say aloud — who costs least in
/// total, who is most (and least) available, and the heavy tail when one year decides a
/// mean — each by the findings' rule.
pub fn bottom_line(data: &ReportData) -> Vec<String> {
    if data.models.len() < 2 {
        return Vec::new();
    }
    let mut out = vec![total_cost(data), availability(data)];
    if let Some(tail) = heavy_tails(data, "cost_total").first() {
        out.push(tail.sentence(data));
    }
    out
}

/// Who costs least in total, by the rule.
fn total_cost(data: &ReportData) -> String {
    let cur = &data.scenario.costs.currency;
    let mean = |m: ModelKind| {
        data.model(m)
            .map_or(f64::NAN, |d| d.estimate("cost_total").mean)
    };
    match lead_on(data, "cost_total") {
        Lead::Clear {
            leader, runner_up, ..
        } => {
            let against = contradictions(data, leader, "cost_total");
            let but = if against.is_empty() {
                String::new()
            } else {
                format!(", though it is {}", super::headline::list(&against))
            };
            format!(
                "{} costs least in total: {} {cur} a year, against {} for {}, the next cheapest{but}.",
                model(leader),
                money(mean(leader)),
                money(mean(runner_up)),
                model(runner_up),
            )
        }
        Lead::Tied(t) if t.len() == data.models.len() => format!(
            "No model is clearly cheapest in total: all cost between {} and {} {cur} a year, closer than the simulation can tell apart.",
            money(t.iter().map(|m| mean(*m)).fold(f64::INFINITY, f64::min)),
            money(t.iter().map(|m| mean(*m)).fold(f64::NEG_INFINITY, f64::max)),
        ),
        Lead::Tied(t) => format!(
            "{} cost least in total, tied ({} {cur} a year).",
            models(&t),
            t.iter()
                .map(|m| money(mean(*m)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

/// Who is most available and who least, by the rule.
fn availability(data: &ReportData) -> String {
    let pct = |m: ModelKind| {
        data.model(m).map_or("n/a".into(), |d| {
            format!("{:.3}%", 100.0 * d.estimate("availability").mean)
        })
    };
    let values: Vec<(ModelKind, &[f64])> = data
        .models
        .iter()
        .map(|m| (m.model, m.values("availability")))
        .collect();
    let best = match lead_on(data, "availability") {
        Lead::Clear { leader, .. } => {
            format!("{} is the most available ({})", model(leader), pct(leader))
        }
        Lead::Tied(t) if t.len() == data.models.len() => {
            "Availability is about the same under every model".to_string()
        }
        Lead::Tied(t) => format!("{} are the most available, tied", models(&t)),
    };
    let worst = match trail(
        &values,
        metric::direction("availability"),
        metric::tie("availability"),
    ) {
        Lead::Clear { leader, .. } => {
            let down = data.model(leader).map_or(f64::NAN, |d| {
                (1.0 - d.estimate("availability").mean) * crate::units::HOURS_PER_YEAR
            });
            format!(
                "; {} is the least available ({}, {} of impact-weighted downtime per service a year)",
                model(leader),
                pct(leader),
                hours(down)
            )
        }
        _ => String::new(),
    };
    format!("{best}{worst}.")
}

/// One simulated year that moves a model's mean by more than the mean's 95% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Tail {
    /// The model.
    pub model: ModelKind,
    /// The metric.
    pub metric: &'static str,
    /// The extreme year's value.
    pub value: f64,
    /// The mean over every year.
    pub mean: f64,
    /// The mean without that year.
    pub mean_without: f64,
    /// The median over every year.
    pub median: f64,
    /// The mean's 95% half-width.
    pub half_width: f64,
    /// Years simulated.
    pub years: usize,
    /// The service with the most impact-weighted downtime that year, and its hours.
    pub worst_service: Option<(String, f64)>,
}

impl Tail {
    /// The tail in a sentence: "One year in 300 cost 69.2M EUR under **You run it**
    /// (checkout-api was down for 1070 impact-weighted hours that year): without that year
    /// the mean would be 3.77M rather than 3.99M ± 0.22M, a shift larger than its
    /// interval; the median, 2.01M, is the steadier figure."
    pub fn sentence(&self, data: &ReportData) -> String {
        let why = self.worst_service.as_ref().map_or(String::new(), |(s, h)| {
            format!(" ({s} was down for {h:.0} impact-weighted hours that year)")
        });
        format!(
            "One year in {} cost {} {} under {}{why}: without that year the mean would be {} rather than {}, a shift larger than its interval; the median, {}, is the steadier figure.",
            self.years,
            money(self.value),
            data.scenario.costs.currency,
            model(self.model),
            money(self.mean_without),
            money_pm(self.mean, self.half_width),
            money(self.median),
        )
    }
}

/// The models whose mean of `metric` one year moves by more than the interval suggests:
/// the most extreme year's own shift of the mean (the mean with it less the mean without
/// it) exceeds the 95% half-width of the mean of the other years. (Against the interval
/// with that year in it, one outlier never counts: it widens the interval as much as it
/// moves the mean.) Largest shift first.
pub fn heavy_tails(data: &ReportData, metric: &'static str) -> Vec<Tail> {
    let mut out: Vec<Tail> = data
        .models
        .iter()
        .filter_map(|m| tail_of(m, metric))
        .collect();
    out.sort_by(|a, b| (b.mean - b.mean_without).total_cmp(&(a.mean - a.mean_without)));
    out
}

/// The heavy tails of `metric` as one finding: the largest in full, the other models it
/// holds for named after it. None when no mean rests on one year.
pub fn tails_finding(data: &ReportData, metric: &'static str) -> Option<String> {
    let tails = heavy_tails(data, metric);
    let first = tails.first()?;
    let others: Vec<ModelKind> = tails.iter().skip(1).map(|t| t.model).collect();
    Some(if others.is_empty() {
        first.sentence(data)
    } else {
        format!(
            "{} Under {} too, one year moves the mean by more than its interval; the medians beside the means in the table below are the steadier figures.",
            first.sentence(data),
            models(&others)
        )
    })
}

/// [`heavy_tails`] for one model.
fn tail_of(m: &ModelData, metric: &'static str) -> Option<Tail> {
    let xs = m.values(metric);
    let n = xs.len();
    if n < 3 {
        return None;
    }
    let e = m.estimate(metric);
    let (i, &value) = xs
        .iter()
        .enumerate()
        .filter(|(_, x)| x.is_finite())
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let without = Estimate::of(
        xs.iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, x)| *x),
    );
    let shift = e.mean - without.mean;
    // A NaN anywhere (too few years, a missing value) names no tail.
    if shift.partial_cmp(&without.half_width()) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let mean_without = without.mean;
    Some(Tail {
        model: m.model,
        metric,
        value,
        mean: e.mean,
        mean_without,
        median: median(xs),
        half_width: e.half_width(),
        years: n,
        worst_service: m.worst_service.get(i).cloned(),
    })
}

/// The median of `xs` (NaNs left out; NaN when none is left).
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let k = v.len() / 2;
    if v.len() % 2 == 1 {
        v[k]
    } else {
        (v[k - 1] + v[k]) / 2.0
    }
}

/// A cost's mean with its interval and, beside it, its median: "1.99M ± 0.06M (median
/// 1.95M)".
pub fn cost_with_median(m: &ModelData, metric: &str) -> String {
    let e: Estimate = m.estimate(metric);
    format!(
        "{} (median {})",
        money_pm(e.mean, e.half_width()),
        money(median(m.values(metric)))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    fn model_with(costs: Vec<f64>) -> ModelData {
        let n = costs.len();
        ModelData {
            model: ModelKind::YouRun,
            metrics: [("cost_total".to_string(), costs)].into_iter().collect(),
            ttr_histogram: Vec::new(),
            weeks: Vec::new(),
            workarounds: Vec::new(),
            budget_share_by_tier: Vec::new(),
            top_tier_met: Vec::new(),
            top_tier_availability: Vec::new(),
            tier_met: Vec::new(),
            worst_service: vec![("checkout-api".to_string(), 1070.0); n],
            quarters: Vec::new(),
            quarter_values: std::collections::HashMap::new(),
        }
    }

    #[test]
    fn one_extreme_year_is_named_and_an_even_spread_is_not() {
        let mut heavy = vec![2.0e6; 299];
        heavy.push(69.2e6);
        let t = tail_of(&model_with(heavy), "cost_total").expect("a heavy tail");
        assert_eq!(t.years, 300);
        assert_eq!(t.value, 69.2e6);
        assert_eq!(t.median, 2.0e6);
        assert!((t.mean_without - 2.0e6).abs() < 1e-6, "{t:?}");
        assert_eq!(t.worst_service, Some(("checkout-api".to_string(), 1070.0)));
        let even: Vec<f64> = (0..300).map(|i| 2.0e6 + 1e3 * f64::from(i % 7)).collect();
        assert_eq!(tail_of(&model_with(even), "cost_total"), None);
    }

    #[test]
    fn durations_read_as_the_units_module_writes_them() {
        for h in [0.2, 0.75, 1.0, 2.25, 47.9, 48.0, 100.0] {
            assert_eq!(hours(h), crate::units::format_hours(h), "{h}");
        }
    }
}
