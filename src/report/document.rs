//! The report for a reader who was not at the keyboard: `report.md` and a self-contained
//! `report.html` (inline CSS and SVG, nothing loaded from anywhere).

use std::fmt::Write as _;

use super::charts::{Chart, colour_hex};
use super::comparison::Row;
use super::data::{ModelData, ReportData};
use crate::format::trim_pct;
use crate::model::ModelKind;
use crate::ranking::{Better, Lead, lead};
use crate::stats::{Estimate, paired_ratio};
use crate::table::money;
use crate::units::format_hours;

/// Names a list of models: "a", "a and b", "a, b and c", each as the prose styles them.
fn names(models: &[ModelKind]) -> String {
    super::plain::models(models)
}

/// A finding on who leads `metric`, stated only when the lead is real (see
/// [`crate::ranking`]); otherwise the tie, with the metric named either way.
fn lead_finding(
    data: &ReportData,
    metric: &str,
    what: &str,
    show: &dyn Fn(f64) -> String,
) -> Option<String> {
    let (better, threshold) = (crate::metric::direction(metric), crate::metric::tie(metric));
    // The rule itself is stated once, in "How to read this" ([`super::plain::how_to_read`]).
    let values: Vec<(ModelKind, &[f64])> = data
        .models
        .iter()
        .map(|m| (m.model, m.values(metric)))
        .collect();
    if values.len() < 2 {
        return None;
    }
    let mean = |m: ModelKind| data.model(m).map_or(f64::NAN, |d| d.estimate(metric).mean);
    Some(match lead(&values, better, threshold) {
        Lead::Clear {
            leader,
            runner_up,
            difference,
        } => {
            // An interval too narrow to show at the figures' precision is given as ± its
            // half-width instead of as "x to x".
            let (low, high) = (show(difference.low), show(difference.high));
            let interval = if low == high {
                format!("± {}", show(difference.half_width()))
            } else {
                format!("{low} to {high}")
            };
            // A cheapest model that is dearest on another cost, or least available, says so.
            let against = if metric.starts_with("cost_") {
                super::headline::contradictions(data, leader, metric)
            } else {
                Vec::new()
            };
            let but = if against.is_empty() {
                String::new()
            } else {
                format!(" But it is {}.", super::headline::list(&against))
            };
            format!(
                "{} is best on {what}: {} against {} for the runner-up, {}; paired difference {}, 95% CI {interval}.{but}",
                super::plain::model(leader),
                show(mean(leader)),
                show(mean(runner_up)),
                super::plain::model(runner_up),
                show(difference.mean),
            )
        }
        Lead::Tied(tied) => {
            let range: Vec<String> = tied.iter().map(|m| show(mean(*m))).collect();
            format!(
                "On {what}, {} are tied at the top ({}): no difference among them is large and sure enough to count.",
                names(&tied),
                range.join(", ")
            )
        }
    })
}

/// PagerDuty's on-call levels, and what they count.
const PAGERDUTY: &str = "PagerDuty's levels (2 interruptions per user per month good, 7 bad, 19 burnout) count every interruption, in business hours too, not only off-hours pages.";

/// The source material, named for a reader who has not seen it.
pub const SOURCE: &str = "Source of the models and of the comparison table: chapter 12, \"Implementing Organizational Structure\", of Vladyslav Ukis, *Establishing SRE Foundations* (Addison-Wesley, 2022); the SRE model's readiness review and hand-back follow Steve Smith's article \"You Build It SRE Run It\" (*Who Runs It* series).";

/// The report's key findings, written from the numbers (Markdown `**` and backticks
/// as in `report.md`).
pub fn key_findings(data: &ReportData) -> Vec<String> {
    findings(data, &super::comparison::comparison(data))
}

/// A finding, written from the numbers.
fn findings(data: &ReportData, rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(reference) = data.model(data.scenario.reference).or(data.models.first()) else {
        return out;
    };
    let by = |k: &str| {
        let mut v: Vec<&ModelData> = data.models.iter().collect();
        v.sort_by(|a, b| a.estimate(k).mean.total_cmp(&b.estimate(k).mean));
        v
    };
    let hours = |x: f64| format_hours(x);
    let cost = |x: f64| money(x);
    out.extend(lead_finding(data, "mttr_hours", "time to restore", &hours));
    let ttr = by("mttr_hours");
    if let Some(slow) = ttr.last()
        && slow.model != reference.model
    {
        // The ratio of the two means shown beside it, with Fieller's paired interval.
        if let Some(r) = paired_ratio(slow.values("mttr_hours"), reference.values("mttr_hours"))
            && r.low > 1.05
        {
            out.push(format!(
                "{} takes {:.2}× as long as {} to restore service: {} against {} on average (the ratio of these means, paired 95% CI {:.2}–{:.2}), {} at the 90th percentile.",
                super::plain::model(slow.model),
                r.ratio,
                super::plain::model(reference.model),
                format_hours(slow.estimate("mttr_hours").mean),
                format_hours(reference.estimate("mttr_hours").mean),
                r.low,
                r.high,
                format_hours(slow.estimate("ttr_p90_hours").mean),
            ));
        }
    }
    let top = data.top_target;
    let met: Vec<(ModelKind, f64)> = data
        .models
        .iter()
        .map(|m| (m.model, Estimate::of(m.top_tier_met.iter().copied()).mean))
        .collect();
    if let Some((best, share)) = met.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)) {
        let verdict = if share < 0.5 {
            "is met in fewer than half the service-years under every model"
        } else {
            "is met in most service-years under at least one model"
        };
        out.push(format!(
            "The top tier ({:.2}%) {verdict}: at best in {:.0}% of them, under {}.",
            100.0 * top,
            100.0 * share,
            super::plain::model(best)
        ));
    }
    out.extend(lead_finding(
        data,
        "cost_operating",
        "operating cost, the cost of running the model",
        &cost,
    ));
    out.extend(lead_finding(
        data,
        "cost_total",
        "total cost, operating cost plus lost revenue and freezes",
        &cost,
    ));
    out.extend(super::plain::tails_finding(data, "cost_total"));
    let avail = by("availability");
    if let (Some(worst), Some(best)) = (avail.first(), avail.last()) {
        let per_year =
            |m: &ModelData| (1.0 - m.estimate("availability").mean) * crate::units::HOURS_PER_YEAR;
        out.push(format!(
            "Availability ranges from {:.3}% under {} ({} of impact-weighted downtime per service per year) to {:.3}% under {} ({}).",
            100.0 * worst.estimate("availability").mean,
            super::plain::model(worst.model),
            format_hours(per_year(worst)),
            100.0 * best.estimate("availability").mean,
            super::plain::model(best.model),
            format_hours(per_year(best)),
        ));
    }
    let wa = by("workarounds_peak");
    if let Some(most) = wa.last()
        && most.estimate("workarounds_peak").mean > 0.0
    {
        out.push(format!(
            "{} accumulates the most workarounds: a peak of {:.0} in production, and {:.1} incidents a year from fixes that conflict with them.",
            super::plain::model(most.model),
            most.estimate("workarounds_peak").mean,
            most.estimate("regressions").mean,
        ));
    }
    // On-call load beside PagerDuty's levels, which count every interruption per user per
    // month (in hours too): an off-hours figure under them does not show a healthy rota.
    // A model is named as the most loaded only when it leads by the rule (10% and at least
    // half a page a month).
    let load = by("offhours_pages_per_person_month");
    if let Some(most) = load.last() {
        let top = most.estimate("offhours_pages_per_person_month").mean;
        if top < 2.0 {
            out.push(format!(
                "Off-hours pages per on-call person per month stay at or below {top:.1} under every model. {PAGERDUTY} Off-hours pages alone stay under the first of them; the business-hours interruptions they also count are not measured here."
            ));
        } else {
            let metric = "offhours_pages_per_person_month";
            let values: Vec<(ModelKind, &[f64])> = data
                .models
                .iter()
                .map(|m| (m.model, m.values(metric)))
                .collect();
            // Heaviest: the lead in the direction opposite to better, by the load rule.
            out.push(match lead(&values, Better::Higher, crate::metric::tie(metric)) {
                Lead::Clear { leader, .. } => format!(
                    "Off-hours pages per on-call person per month are heaviest under {}: {top:.1}. {PAGERDUTY}",
                    super::plain::model(leader)
                ),
                Lead::Tied(t) => format!(
                    "Off-hours pages per on-call person per month are heaviest, and tied, under {}: up to {top:.1}. {PAGERDUTY}",
                    names(&t)
                ),
            });
        }
    }
    let (agree, total_cells) = super::comparison::agreement(rows);
    if total_cells > 0 {
        let chapter_models = data
            .models
            .iter()
            .filter(|m| {
                rows.iter().any(|r| {
                    r.cells
                        .iter()
                        .any(|c| c.model == m.model && c.book.is_some())
                })
            })
            .count();
        out.push(format!(
            "Of the chapter's ratings the simulation can test (simulated rows, {chapter_models} of the chapter's models), the run agrees with {agree} of {total_cells}; structural rows follow from the models' definitions or carry the chapter's label and are not counted. The comparison table below shows where and why it differs."
        ));
    }
    out
}

fn brief(data: &ReportData) -> &[String] {
    data.brief.get_or_init(|| draw_brief(data))
}

/// The brief's lines, drawn once per report ([`ReportData::brief`]).
fn draw_brief(data: &ReportData) -> Vec<String> {
    let s = &data.scenario;
    let targets = s.services.iter().map(|x| x.availability_target);
    let lo = targets.clone().fold(1.0, f64::min);
    let hi = targets.fold(0.0, f64::max);
    let devs: u32 = s.teams.iter().map(|t| t.headcount).sum();
    vec![
        if s.description.is_empty() {
            s.name.clone()
        } else {
            s.description.clone()
        },
        format!(
            "{} development teams ({} developers) own {} services with availability targets from {:.2}% to {:.2}%.",
            s.teams.len(),
            devs,
            s.services.len(),
            100.0 * lo,
            100.0 * hi
        ),
        format!(
            "Models compared: {}. Reference for paired differences: {}.",
            s.models
                .iter()
                .map(|m| format!("{} ({})", m.name(), m.key()))
                .collect::<Vec<_>>()
                .join(", "),
            s.reference.name()
        ),
        budget_policy(data),
        steady_start(s),
        format!(
            "{} replications of {:.0} days (warm-up {:.0} days), seed {}.",
            data.replications,
            (s.horizon_hours - s.warmup_hours) / 24.0,
            s.warmup_hours / 24.0,
            s.seed
        ),
    ]
}

/// The error-budget policy in one sentence, naming any compared model the scenario
/// exempts — an exemption is a choice of the scenario, not a result — with the difference
/// it makes ([`exemption_effect`]).
fn budget_policy(data: &ReportData) -> String {
    let s = &data.scenario;
    let e = &s.error_budget;
    if !e.freeze {
        return "No error-budget policy: services never freeze (`error_budget.freeze = false`)."
            .to_string();
    }
    let held = match e.held_changes {
        crate::scenario::HeldChanges::Deferred => "held deployments ship when the freeze lifts",
        crate::scenario::HeldChanges::Dropped => {
            "held deployments and their incidents are dropped (`error_budget.held_changes = \"dropped\"`)"
        }
    };
    let exempt: Vec<ModelKind> = s
        .models
        .iter()
        .copied()
        .filter(|m| !e.models.contains(m) && data.model(*m).is_some())
        .collect();
    if exempt.is_empty() {
        return format!(
            "One error-budget policy for every model: a service over budget freezes features; {held}."
        );
    }
    let compared = s
        .models
        .iter()
        .filter(|m| data.model(**m).is_some())
        .count();
    if exempt.len() == compared {
        return format!(
            "No compared model enforces the error-budget policy (`error_budget.models` names none of them), so no service ever freezes. {}",
            exemption_effect(data, &exempt)
        );
    }
    format!(
        "Error-budget policy: a service over budget freezes features; {held}. Exempt by the scenario's choice (`error_budget.models`), not by any mechanism: {}. {}",
        names(&exempt),
        exemption_effect(data, &exempt)
    )
}

/// What exempting `exempt` from the error-budget policy changes: each exempt model run again
/// under the policy, on the same worlds (same seed and replications), and the paired
/// difference exempt minus under the policy in total cost, its unreliability part and
/// availability.
fn exemption_effect(data: &ReportData, exempt: &[ModelKind]) -> String {
    // Paired by replication: the results must hold replications 0..n (a whole run, or
    // merged shards), which the runner draws again.
    let whole = data
        .replication_ids
        .iter()
        .enumerate()
        .all(|(i, r)| usize::try_from(*r).is_ok_and(|r| r == i));
    if !whole {
        return "The difference it makes is not measured for a part of a run's replications (merge the shards first).".to_string();
    }
    let mut under = data.scenario.clone();
    under.models = exempt.to_vec();
    under.error_budget.models = ModelKind::EVERY.to_vec();
    under.replications = u32::try_from(data.replication_ids.len()).unwrap_or(u32::MAX);
    // Per exempt model, the three metrics compared, one value per replication (the
    // outcomes themselves are dropped as they arrive).
    const COMPARED: [&str; 3] = ["cost_total", "cost_unreliability", "availability"];
    let mut under_policy: Vec<[Vec<Option<f64>>; 3]> =
        exempt.iter().map(|_| Default::default()).collect();
    let streamed = crate::runner::for_each(
        &under,
        0..under.replications,
        None,
        &|| {},
        &|| false,
        &mut |outcomes| {
            for (m, values) in exempt.iter().zip(under_policy.iter_mut()) {
                for o in outcomes.iter().filter(|o| o.model == *m) {
                    for (metric, v) in COMPARED.iter().zip(values.iter_mut()) {
                        v.push(crate::metric::find(metric).and_then(|f| f.get(o)));
                    }
                }
            }
            Ok::<(), crate::runner::RunError>(())
        },
    );
    if let Err(e) = streamed {
        return format!("The difference it makes could not be measured: {e}.");
    }
    let mut parts = Vec::new();
    for (m, values) in exempt.iter().zip(&under_policy) {
        let Some(actual) = data.model(*m) else {
            continue;
        };
        let diff = |metric: &str| {
            let k = COMPARED.iter().position(|c| *c == metric)?;
            let exempt_values = actual.values(metric);
            (exempt_values.len() == values[k].len()).then(|| {
                Estimate::of(
                    exempt_values
                        .iter()
                        .zip(&values[k])
                        .filter_map(|(x, y)| y.map(|y| x - y)),
                )
            })
        };
        let (Some(total), Some(unrel), Some(avail)) = (
            diff("cost_total"),
            diff("cost_unreliability"),
            diff("availability"),
        ) else {
            continue;
        };
        parts.push(format!(
            "exempting {} changes its total cost by {} a year (95% CI {} to {}), of which unreliability {}, and its availability by {} percentage points",
            m.name(),
            signed(total.mean),
            signed(total.low),
            signed(total.high),
            signed(unrel.mean),
            points(100.0 * avail.mean)
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "The difference it makes, against the same model under the policy on the same worlds: {}.",
            parts.join("; ")
        )
    }
}

/// Percentage points with their sign, three decimals, never a negative zero.
fn points(x: f64) -> String {
    let shown = format!("{x:+.3}");
    if shown
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "±0.000".to_string()
    } else {
        shown.replace('-', "−")
    }
}

/// Money with its sign, in a reader's words.
fn signed(x: f64) -> String {
    if x >= 0.0 {
        format!("+{}", money(x))
    } else {
        format!("−{}", money(-x))
    }
}

/// Whether the warm-up covers the time the scenario takes to settle
/// ([`crate::models::settling`]); if not, what has not settled.
fn steady_start(s: &crate::Scenario) -> String {
    let days = s.warmup_hours / 24.0;
    let unsettled = crate::models::settling::unsettled(s, &crate::models::policies(s));
    if unsettled.is_empty() && s.knowledge.start == crate::scenario::KnowledgeStart::Steady {
        format!(
            "A steady start: non-owners' knowledge of the services they run from the start begins at its steady level (`knowledge.start = \"steady\"`), and the warm-up ({days:.0} days) covers the readiness review's first cycle and budget windows as `validate` bounds them, to the first order (docs/model.md §1)."
        )
    } else if unsettled.is_empty() {
        format!(
            "A steady start: the warm-up ({days:.0} days) covers the time knowledge, readiness evidence and budget windows take to settle."
        )
    } else {
        let what: Vec<String> = unsettled.iter().map(|u| u.what.clone()).collect();
        format!(
            "**Not a steady start:** the warm-up ({days:.0} days) is too short, so the figures include the ramp; it needs at least {}: {}.",
            crate::models::settling::days(unsettled[0].needs_hours),
            what.join("; ")
        )
    }
}

const METHOD: [&str; 7] = [
    "Each replication draws one world — every incident's arrival, severity, effort and delays — and runs every model on it (common random numbers). Differences between models within a replication are differences of mechanism, not of luck; paired intervals are therefore much tighter than unpaired ones (both are in summary.csv).",
    "Intervals are 95% Student-t intervals over replications. A ratio (\"takes 1.8× as long\") is the ratio of the two means printed beside it, with Fieller's 95% interval for paired samples (the replications are the pairs).",
    "The models differ only in mechanisms: who is paged first, what they know, whom they escalate to and whether those people are on call, and whom the model must hire. Every mechanism and default, with its source, is in docs/model.md.",
    "Feedback (feature freezes when a budget is spent, regressions when a fix conflicts with a workaround) makes models diverge once it acts.",
    "The comparison table's ratings are derived from the figures by the rules listed under it; the chapter's rating is shown beside each for comparison, not as a target.",
    SOURCE,
    "Left out: cascading failures across services, sickness and holidays, follow-the-sun rotas, learning from postmortems, and the incentive effect of on-call on code quality (incident rates are inputs).",
];

/// Columns of the results-by-model table.
pub const MODEL_COLUMNS: [&str; 6] = [
    "model",
    "availability",
    "mean time to restore",
    "p90 time to restore",
    "operating cost / year",
    "total cost / year",
];

/// One model's cells of the results-by-model table (after the model's name).
pub fn model_cells(m: &ModelData) -> [String; 5] {
    let e = |k: &str| m.estimate(k);
    [
        format!(
            "{:.3}% ± {:.3}%",
            100.0 * e("availability").mean,
            100.0 * e("availability").half_width()
        ),
        crate::format::hours_pm(e("mttr_hours").mean, e("mttr_hours").half_width()),
        format_hours(e("ttr_p90_hours").mean),
        super::plain::cost_with_median(m, "cost_operating"),
        super::plain::cost_with_median(m, "cost_total"),
    ]
}

fn model_table_md(data: &ReportData) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        MODEL_COLUMNS.join(" | "),
        "---|".repeat(MODEL_COLUMNS.len())
    );
    for m in &data.models {
        let _ = writeln!(
            out,
            "| {} | {} |",
            m.model.name(),
            model_cells(m).join(" | ")
        );
    }
    out
}

/// The per-tier table: a header (tiers) and, per model, the share of service-years that
/// met the target with its 95% interval.
fn tier_table(data: &ReportData) -> (Vec<String>, Vec<(ModelKind, Vec<String>)>) {
    let header = data
        .tiers
        .iter()
        .map(|t| format!("{}% tier", trim_pct(100.0 * t)))
        .collect();
    let rows = data
        .models
        .iter()
        .map(|m| {
            let cells = m
                .tier_met
                .iter()
                .map(|v| {
                    let e = Estimate::of(v.iter().copied());
                    format!(
                        "{:.0}% ({:.0}–{:.0}%)",
                        100.0 * e.mean,
                        100.0 * e.low.max(0.0),
                        100.0 * e.high.min(1.0)
                    )
                })
                .collect();
            (m.model, cells)
        })
        .collect();
    (header, rows)
}

/// Short column titles of the pairwise table, for [`crate::metric::HEADLINE`].
const PAIR_COLUMNS: [&str; 5] = [
    "operating cost",
    "unreliability",
    "total cost",
    "availability",
    "time to restore",
];

const PAIR_NOTE: &str = "Every pair of models on each headline metric, paired by replication: the model named is really better by the findings' rule (paired 95% interval excluding zero, and a practical threshold: 5% for costs and times, 0.01 percentage points of availability); the percentage is the share of replications in which it was better. \"tied\" means neither passes. All pairs with their differences and intervals are in `pairwise.csv`.";

/// The pairwise table: per pair of models, per headline metric, who is really better.
fn pair_table(data: &ReportData) -> Vec<(String, Vec<String>)> {
    use crate::ranking::really_better;
    let mut rows = Vec::new();
    for (i, a) in data.models.iter().enumerate() {
        for b in &data.models[i + 1..] {
            let cells = crate::metric::HEADLINE
                .iter()
                .map(|metric| {
                    let higher = crate::metric::direction(metric) == crate::metric::Better::Higher;
                    let dir = if higher {
                        Better::Higher
                    } else {
                        Better::Lower
                    };
                    let t = crate::metric::tie(metric);
                    let (xa, xb) = (a.values(metric), b.values(metric));
                    let share = |x: &[f64], y: &[f64]| {
                        let wins = x
                            .iter()
                            .zip(y)
                            .filter(|(p, q)| if higher { p > q } else { p < q })
                            .count();
                        100.0 * wins as f64 / x.len().max(1) as f64
                    };
                    if really_better(xa, xb, dir, t).0 {
                        format!("{} ({:.0}%)", a.model.name(), share(xa, xb))
                    } else if really_better(xb, xa, dir, t).0 {
                        format!("{} ({:.0}%)", b.model.name(), share(xb, xa))
                    } else {
                        "tied".to_string()
                    }
                })
                .collect();
            rows.push((format!("{} vs {}", a.model.name(), b.model.name()), cells));
        }
    }
    rows
}

const TIER_NOTE: &str = "Share of service-years in which a tier's services met their availability target, per model, with 95% intervals over replications (`met_target` in `services.csv`). Averages over all services can hide a failing tier; this table cannot.";

/// The report as Markdown, with charts linked from `charts/`.
pub fn markdown(data: &ReportData, rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", data.title);
    let bottom = super::plain::bottom_line(data);
    if !bottom.is_empty() {
        let _ = writeln!(out, "**The bottom line.** {}\n", bottom.join(" "));
    }
    out.push_str("## The scenario in brief\n\n");
    for line in brief(data) {
        let _ = writeln!(out, "- {line}");
    }
    out.push_str("\n## Key findings\n\n");
    let _ = writeln!(
        out,
        "*How to read this.* {}\n",
        super::plain::how_to_read(data)
    );
    for f in findings(data, rows) {
        let _ = writeln!(out, "- {f}");
    }
    out.push_str("\n## Results by model\n\n");
    out.push_str(&model_table_md(data));
    out.push_str("\n## Reliability by tier\n\n");
    let _ = writeln!(out, "{TIER_NOTE}\n");
    let (header, tier_rows) = tier_table(data);
    let _ = writeln!(
        out,
        "| model | {} |\n|---|{}",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for (model, cells) in &tier_rows {
        let _ = writeln!(out, "| {} | {} |", model.name(), cells.join(" | "));
    }
    out.push_str(&long_run_md(data));
    out.push_str("\n## Pairwise comparisons\n\n");
    let _ = writeln!(out, "{PAIR_NOTE}\n");
    let _ = writeln!(
        out,
        "| pair | {} |\n|---|{}",
        PAIR_COLUMNS.join(" | "),
        "---|".repeat(PAIR_COLUMNS.len())
    );
    for (pair, cells) in pair_table(data) {
        let _ = writeln!(out, "| {pair} | {} |", cells.join(" | "));
    }
    out.push_str("\n## Charts\n\n");
    for c in Chart::ALL {
        let _ = writeln!(
            out,
            "### {}\n\n*{}.* {}\n\n![{}](charts/{}.png)\n\nSVG: [charts/{}.svg](charts/{}.svg)\n",
            super::headline::headline(c, data),
            c.title(),
            c.subtitle(),
            c.title(),
            c.name(),
            c.name(),
            c.name()
        );
    }
    out.push_str("## The chapter's comparison table, from the run\n\n");
    let _ = writeln!(out, "{SOURCE}\n");
    out.push_str(&super::comparison::markdown(rows));
    out.push_str("\n## Method\n\n");
    for m in METHOD {
        let _ = writeln!(out, "- {m}");
    }
    out
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Turns the `**bold**`, `` `code` `` and `*italics*` of findings into HTML.
fn strong(s: &str) -> String {
    let wrap = |text: &str, marker: &str, tag: &str| {
        let mut out = String::new();
        for (i, part) in text.split(marker).enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<{tag}>{part}</{tag}>");
            } else {
                out.push_str(part);
            }
        }
        out
    };
    let bold_code = wrap(&wrap(&esc(s), "**", "strong"), "`", "code");
    wrap(&bold_code, "*", "em")
}

const CSS: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1.5em;color:#212121;line-height:1.5}h1{font-size:2em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}table{border-collapse:collapse;width:100%;font-size:.92em;margin:1em 0}th,td{border:1px solid #ddd;padding:.45em .6em;vertical-align:top;text-align:left}th{background:#f4f4f4}td.ok{background:#eef7ee}td.no{background:#fbeeee}small{color:#666}.chart svg{width:100%;height:auto;border:1px solid #eee;margin:.5em 0 1.5em}.swatch{display:inline-block;width:.9em;height:.9em;border-radius:50%;margin-right:.4em;vertical-align:middle}.rules li{margin:.3em 0}.bottom{font-size:1.15em;background:#f6f8fb;border-left:4px solid #1565c0;padding:.6em 1em}.read{color:#444}";

/// The bottom line as an HTML paragraph (nothing when there is none).
fn bottom_line_html(data: &ReportData) -> String {
    let bottom = super::plain::bottom_line(data);
    if bottom.is_empty() {
        return String::new();
    }
    format!(
        "<p class=\"bottom\"><strong>The bottom line.</strong> {}</p>\n",
        strong(&bottom.join(" "))
    )
}

/// The end of the brief's list, the key findings' heading and "How to read this".
fn key_findings_html(data: &ReportData) -> String {
    format!(
        "</ul>\n<h2>Key findings</h2>\n<p class=\"read\"><em>How to read this.</em> {}</p>\n<ul>\n",
        strong(&super::plain::how_to_read(data))
    )
}

/// The report as one self-contained HTML page; `svgs` are the charts in [`Chart::ALL`] order.
pub fn html(data: &ReportData, rows: &[Row], svgs: &[String]) -> String {
    let mut out = String::new();
    let title = data.title.clone();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    out.push_str(&bottom_line_html(data));
    out.push_str("<h2>The scenario in brief</h2>\n<ul>\n");
    for line in brief(data) {
        let _ = writeln!(out, "<li>{}</li>", strong(line));
    }
    out.push_str(&key_findings_html(data));
    for f in findings(data, rows) {
        let _ = writeln!(out, "<li>{}</li>", strong(&f));
    }
    out.push_str("</ul>\n<h2>Results by model</h2>\n<table>\n<tr>");
    for c in MODEL_COLUMNS {
        let _ = write!(out, "<th>{c}</th>");
    }
    out.push_str("</tr>\n");
    for m in &data.models {
        let _ = write!(
            out,
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>",
            colour_hex(m.model),
            m.model.name()
        );
        for cell in model_cells(m) {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<h2>Reliability by tier</h2>\n");
    let _ = writeln!(
        out,
        "<p>{}</p>\n<table>\n<tr><th>model</th>",
        strong(TIER_NOTE)
    );
    let (header, tier_rows) = tier_table(data);
    for h in &header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>\n");
    for (model, cells) in &tier_rows {
        let _ = write!(
            out,
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>",
            colour_hex(*model),
            model.name()
        );
        for c in cells {
            let _ = write!(out, "<td>{}</td>", esc(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out.push_str(&long_run_html(data));
    out.push_str("<h2>Pairwise comparisons</h2>\n");
    let _ = writeln!(
        out,
        "<p>{}</p>\n<table>\n<tr><th>pair</th>",
        strong(PAIR_NOTE)
    );
    for c in PAIR_COLUMNS {
        let _ = write!(out, "<th>{c}</th>");
    }
    out.push_str("</tr>\n");
    for (pair, cells) in pair_table(data) {
        let _ = write!(out, "<tr><td>{}</td>", esc(&pair));
        for c in cells {
            let _ = write!(out, "<td>{}</td>", esc(&c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<h2>Charts</h2>\n");
    for (c, svg) in Chart::ALL.iter().zip(svgs) {
        let body = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
        let _ = writeln!(
            out,
            "<div class=\"chart\" id=\"{}\">\n{}\n</div>",
            c.name(),
            body
        );
    }
    let _ = write!(
        out,
        "<h2>The chapter's comparison table, from the run</h2>\n<p>{}</p>\n<table>\n<tr><th>Criterion</th>",
        esc(&SOURCE.replace('*', ""))
    );
    if let Some(first) = rows.first() {
        for c in &first.cells {
            let _ = write!(
                out,
                "<th><span class=\"swatch\" style=\"background:{}\"></span>{}</th>",
                colour_hex(c.model),
                esc(c.model.title())
            );
        }
    }
    out.push_str("</tr>\n");
    for r in rows {
        let _ = write!(
            out,
            "<tr><td><strong>{}</strong><br><small>{}</small></td>",
            esc(r.criterion),
            esc(r.measure)
        );
        for c in &r.cells {
            let class = match c.agrees() {
                Some(true) => "ok",
                Some(false) => "no",
                None => "",
            };
            let verdict = c.verdict();
            let _ = write!(
                out,
                "<td class=\"{class}\">{}<br><strong>{}</strong><br><small>book: {} · {verdict}</small></td>",
                esc(&c.figure),
                esc(&c.rating),
                esc(c.book.unwrap_or("—"))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<ul class=\"rules\">\n");
    for r in rows {
        let _ = writeln!(
            out,
            "<li><em>{}</em>: {}</li>",
            esc(r.criterion),
            esc(r.rule)
        );
    }
    out.push_str("</ul>\n<h2>Method</h2>\n<ul>\n");
    for m in METHOD {
        let _ = writeln!(out, "<li>{}</li>", strong(m));
    }
    let _ = writeln!(
        out,
        "</ul>\n<p><small>Generated by whoruns {}.</small></p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// A column heading of the strength table: the strength, marked where it is the run's.
fn strength_heading(strength: f64, own: bool) -> String {
    let stationary = if strength == 0.0 {
        " (no learning)"
    } else {
        ""
    };
    if own {
        format!("{strength}{stationary} (this run)")
    } else {
        format!("{strength}{stationary}")
    }
}

/// The long-run sections in Markdown: over the years, and across the long-run strength.
fn long_run_md(data: &ReportData) -> String {
    let mut out = String::new();
    if let Some(y) = super::years::years(data) {
        out.push_str("\n## Over the years\n\n");
        let _ = writeln!(out, "{}\n", super::years::NOTE);
        for v in &y.verdicts {
            let _ = writeln!(out, "- {v}");
        }
        let _ = writeln!(
            out,
            "\n| model | {} |\n|---|{}",
            y.header.join(" | "),
            "---|".repeat(y.header.len())
        );
        for (model, cells) in &y.rows {
            let _ = writeln!(out, "| {} | {} |", model.name(), cells.join(" | "));
        }
    }
    out.push_str("\n## Across the long-run strength\n\n");
    let _ = writeln!(out, "{}\n", super::incentive::NOTE);
    match data
        .incentive
        .get_or_init(|| super::incentive::across(data))
    {
        Err(why) => {
            let _ = writeln!(out, "Not shown: {why}.");
        }
        Ok(a) => {
            for f in &a.flips {
                let _ = writeln!(out, "- {f}");
            }
            let heads: Vec<String> = a
                .strengths
                .iter()
                .enumerate()
                .map(|(k, s)| strength_heading(*s, k == a.own))
                .collect();
            let _ = writeln!(
                out,
                "\n| verdict on | {} |\n|---|{}",
                heads.join(" | "),
                "---|".repeat(heads.len())
            );
            for (label, verdicts) in &a.rows {
                let _ = writeln!(out, "| {label} | {} |", verdicts.join(" | "));
            }
        }
    }
    out
}

/// The long-run sections in HTML.
fn long_run_html(data: &ReportData) -> String {
    let mut out = String::new();
    if let Some(y) = super::years::years(data) {
        let _ = writeln!(
            out,
            "<h2>Over the years</h2>\n<p>{}</p>\n<ul>",
            strong(super::years::NOTE)
        );
        for v in &y.verdicts {
            let _ = writeln!(out, "<li>{}</li>", strong(v));
        }
        out.push_str("</ul>\n<table>\n<tr><th>model</th>");
        for h in &y.header {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr>\n");
        for (model, cells) in &y.rows {
            let _ = write!(
                out,
                "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>",
                colour_hex(*model),
                model.name()
            );
            for c in cells {
                let _ = write!(out, "<td>{}</td>", esc(c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    let _ = writeln!(
        out,
        "<h2>Across the long-run strength</h2>\n<p>{}</p>",
        strong(super::incentive::NOTE)
    );
    match data
        .incentive
        .get_or_init(|| super::incentive::across(data))
    {
        Err(why) => {
            let _ = writeln!(out, "<p>Not shown: {}.</p>", esc(why));
        }
        Ok(a) => {
            out.push_str("<ul>\n");
            for f in &a.flips {
                let _ = writeln!(out, "<li>{}</li>", strong(f));
            }
            out.push_str("</ul>\n<table>\n<tr><th>verdict on</th>");
            for (k, s) in a.strengths.iter().enumerate() {
                let _ = write!(out, "<th>{}</th>", esc(&strength_heading(*s, k == a.own)));
            }
            out.push_str("</tr>\n");
            for (label, verdicts) in &a.rows {
                let _ = write!(out, "<tr><td>{}</td>", esc(label));
                for v in verdicts {
                    let _ = write!(out, "<td>{}</td>", esc(v));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::steady_start;

    /// Ops running one service, warmed up for `warmup`, its knowledge starting at `start`.
    fn ops_run(warmup: &str, start: &str) -> crate::Scenario {
        let text = format!(
            "name = \"s\"\nwarmup = \"{warmup}\"\nhorizon = \"3000d\"\nmodels = [\"ops-run\"]\n[knowledge]\nstart = \"{start}\"\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n"
        );
        crate::scenario::parsed(&text, "s.toml")
    }

    #[test]
    fn the_report_says_whether_and_how_the_start_is_steady() {
        let short = steady_start(&ops_run("30d", "initial"));
        assert!(
            short.starts_with("**Not a steady start:** the warm-up (30 days)"),
            "{short}"
        );
        assert!(short.contains("`knowledge.start = \"steady\"`"), "{short}");
        let long = steady_start(&ops_run("2000d", "initial"));
        assert!(
            long.starts_with("A steady start: the warm-up (2000 days) covers the time knowledge"),
            "{long}"
        );
        let steady = steady_start(&ops_run("30d", "steady"));
        assert!(
            steady.starts_with("A steady start: non-owners' knowledge of the services they run from the start begins at its steady level"),
            "{steady}"
        );
    }
}
