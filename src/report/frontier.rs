//! `whoruns frontier`'s files and words: the message title of the frontier chart, the
//! summary (printed and in `summary.txt`), the per-service reasons of a recommendation,
//! and every file as bytes — `frontier.csv`/`.parquet`, `charts/frontier.png`/`.svg`,
//! and with a goal `recommendation.csv` and `recommended.toml` (a ready-to-run scenario).

use super::charts::FrontierChart;
use super::files::FilesError;
use crate::export::frontier::{label, status, words};
use crate::export::{self, Files};
use crate::format::{count, money, trim_pct};
use crate::frontier::confirm::paired;
use crate::frontier::goal::{Recommendation, tier_index};
use crate::frontier::{Frontier, Status};
use crate::model::{ModelKind, Runner};

/// A runner in a sentence.
fn runner_words(r: Runner) -> &'static str {
    match r {
        Runner::Owners => "their owners",
        Runner::SharedWithSre => "a rota shared with SRE",
        Runner::Sre => "SRE",
        Runner::Ops => "ops",
    }
}

/// The reference point the title compares with: the scenario's reference model if it was
/// confirmed, else the first named model.
fn reference(f: &Frontier) -> Option<usize> {
    let c = &f.confirmed;
    let at = |m: ModelKind| f.references.iter().position(|r| r.model == m);
    at(f.scenario.reference)
        .or(if f.references.is_empty() {
            None
        } else {
            Some(0)
        })
        .map(|r| c.front_len + r)
}

/// The runners of point `i` at the start of a run.
fn runners_of(f: &Frontier, i: usize) -> Vec<Runner> {
    let s = &f.scenario;
    (0..s.services.len())
        .map(|k| f.confirmed.policies[i].initial_runner(s, k))
        .collect()
}

/// "9 services to ops and 2 to SRE": the moves from `from` to `to`, by destination.
fn moved(from: &[Runner], to: &[Runner]) -> Option<String> {
    let mut parts = Vec::new();
    let mut first = true;
    for r in Runner::ALL {
        let n = from
            .iter()
            .zip(to)
            .filter(|(a, b)| a != b && **b == r)
            .count();
        if n > 0 {
            parts.push(if first {
                format!("{} to {}", count(n, "service", "services"), runner_words(r))
            } else {
                format!("{n} to {}", runner_words(r))
            });
            first = false;
        }
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => {
            let last = parts.pop().unwrap_or_default();
            Some(format!("{} and {last}", parts.join(", ")))
        }
    }
}

/// The chart's message title: what the recommended assignment (or the cheapest point of
/// the front) changes against the reference model, by paired differences on fresh seeds.
pub fn title(f: &Frontier, rec: Option<&Recommendation>) -> String {
    let c = &f.confirmed;
    let cur = &f.scenario.costs.currency;
    let front = f.front();
    let Some(&cheapest) = front.first() else {
        return "No assignment survived confirmation".to_string();
    };
    let point = rec.map_or(cheapest, |r| r.point);
    let Some(base) = reference(f) else {
        return format!(
            "{} form the ownership frontier",
            count(front.len(), "assignment", "assignments")
        );
    };
    let (a, b) = (&c.rows[point], &c.rows[base]);
    let n = a.len().min(b.len());
    let d = paired(&a[..n], &b[..n], |r| r.cost_operating);
    let tiers = a.first().map_or(0, |r| r.tiers.len());
    let worse = (0..tiers).any(|t| paired(&a[..n], &b[..n], |r| r.tiers[t]).high < 0.0);
    let name = f.references[base - c.front_len].model.name();
    let Some(moves) = moved(&runners_of(f, base), &runners_of(f, point)) else {
        return same_as_reference(f, point, name);
    };
    let what = format!("Moving {moves}");
    let money_part = if d.high < 0.0 {
        format!("saves {} {cur} a year against {name}", money(-d.mean))
    } else if d.low > 0.0 {
        format!("costs {} {cur} a year more than {name}", money(d.mean))
    } else {
        format!("costs the same as {name} to run, within its interval")
    };
    let tier_part = if worse {
        "though some tier meets its target less often".to_string()
    } else {
        "with no tier missing its target more often".to_string()
    };
    format!("{what} {money_part}, {tier_part}")
}

/// The title when the chosen point is the reference model's own assignment: where it sits
/// on the front, and what the front's other end trades.
fn same_as_reference(f: &Frontier, point: usize, name: &str) -> String {
    let c = &f.confirmed;
    let cur = &f.scenario.costs.currency;
    let front = f.front();
    let op = |i: usize| c.estimate(i, |r| r.cost_operating).mean;
    let un = |i: usize| c.estimate(i, |r| r.cost_unreliability).mean;
    let (Some(&first), Some(&last)) = (front.first(), front.last()) else {
        return format!("{name} is the ownership frontier");
    };
    let others = front.len() - 1;
    if others == 0 {
        return if c.dims == 3 {
            format!(
                "{name} is the whole frontier: no other assignment runs for less, loses less to unreliability or meets its targets more often"
            )
        } else {
            format!(
                "{name} is the whole frontier: no other assignment runs for less or loses less to unreliability"
            )
        };
    }
    let far = if point == last { first } else { last };
    let words = |x: f64, less: &str, more: &str| {
        if x < 0.0 {
            format!("{} {cur} a year {less}", money(-x))
        } else {
            format!("{} {cur} a year {more}", money(x))
        }
    };
    format!(
        "{name} is on the frontier; {} reach {} to run, at {} in unreliability",
        count(others, "other assignment", "other assignments"),
        words(op(far) - op(point), "less", "more"),
        words(un(far) - un(point), "less", "more")
    )
}

/// Per service of the recommendation: its tier, load and revenue at risk, and what each
/// allowed move would change (paired, fresh seeds).
pub fn reasons(f: &Frontier, rec: &Recommendation) -> Vec<String> {
    let s = &f.scenario;
    let tiers = tier_index(s);
    (0..s.services.len())
        .map(|k| {
            let v = &s.services[k];
            let mut text = format!(
                "tier {} ({}%), {:.1} incidents a year, {} an hour at risk",
                tiers[k] + 1,
                trim_pct(100.0 * v.availability_target),
                export::frontier::incidents_per_year(s, k),
                money(export::frontier::revenue_at_risk_per_hour(s, k))
            );
            for m in rec.moves.iter().filter(|m| m.service == k) {
                let sign = |x: f64| {
                    if x >= 0.0 {
                        format!("+{}", money(x))
                    } else {
                        format!("-{}", money(-x))
                    }
                };
                text.push_str(&format!(
                    "; to {}: {} to run, {} unreliability",
                    m.to.key(),
                    sign(m.d_operating.mean),
                    sign(m.d_unreliability.mean)
                ));
            }
            text
        })
        .collect()
}

/// What the search did and found, in a few lines (the terminal's and `summary.txt`).
pub fn summary(f: &Frontier, rec: Option<&Recommendation>) -> String {
    let c = &f.confirmed;
    let s = &f.scenario;
    let mut out = String::new();
    let o = &f.options;
    let method = if f.exhaustive {
        "every assignment enumerated".to_string()
    } else if o.islands == 1 {
        format!(
            "NSGA-II, population {}, {} generations",
            o.population, o.generations
        )
    } else {
        format!(
            "NSGA-II on {} islands, population {}, {} generations each",
            o.islands, o.population, o.generations
        )
    };
    out.push_str(&format!(
        "searched {} of {} possible ({method}) on {} each: {} simulations\n",
        count(f.evaluations, "assignment", "assignments"),
        f.choices.space(),
        count(
            f.options.search_replications as usize,
            "replication",
            "replications"
        ),
        f.search_simulations
    ));
    out.push_str(if c.dims == 3 {
        "objectives: operating cost, cost of unreliability, the worst tier's share of service-years meeting its target\n"
    } else {
        "objectives: operating cost, cost of unreliability\n"
    });
    let by = |st: Status| (0..c.front_len).filter(|&i| c.status[i] == st).count();
    out.push_str(&format!(
        "confirmed {} of the search's front on fresh seeds: {} simulations (the named models' included) in {}; {} non-dominated by their paired intervals, {} unresolved, {} dominated\n",
        count(c.front_len, "point", "points"),
        c.simulations,
        count(c.rounds as usize + 1, "round", "rounds"),
        by(Status::NonDominated),
        by(Status::Unresolved),
        by(Status::Dominated)
    ));
    for (r, reference) in f.references.iter().enumerate() {
        let i = c.front_len + r;
        let (dominated_by, _) = c.against_front(i);
        let detail = match status(f, i) {
            "dominated" => format!(
                "dominated by {}",
                dominated_by
                    .iter()
                    .map(|&j| label(f, j))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => other.to_string(),
        };
        out.push_str(&format!("  {:<22} {detail}\n", reference.model.key()));
    }
    if let Some(rec) = rec {
        let cur = &s.costs.currency;
        let est = |g: fn(&crate::frontier::Row) -> f64| c.estimate(rec.point, g);
        out.push_str(&format!(
            "recommended for \"{}\": {} ({}), operating {} {cur} a year, unreliability {} {cur} a year, its worst tier meeting its target in {} of service-years{}\n",
            rec.goal.describe(cur),
            label(f, rec.point),
            words(&rec.runners),
            money(est(|r| r.cost_operating).mean),
            money(est(|r| r.cost_unreliability).mean),
            crate::format::pct_against(
                crate::frontier::goal::worst_tier(&c.rows[rec.point]),
                &match rec.goal {
                    crate::frontier::Goal::EveryTier { share } => vec![share],
                    crate::frontier::Goal::Budget { .. } => Vec::new(),
                }
            ),
            if rec.meets { "" } else { "; no confirmed point meets the goal: this is the closest" }
        ));
        // Who runs what, and why (every column in recommendation.csv).
        let width = s.services.iter().map(|v| v.name.len()).max().unwrap_or(0);
        for (k, why) in reasons(f, rec).iter().enumerate() {
            out.push_str(&format!(
                "  {:<width$}  {:<15}  {why}\n",
                s.services[k].name,
                rec.runners[k].key()
            ));
        }
    }
    out
}

/// Every file of a frontier: the tables, the chart, the summary, the scenario as run, and
/// with a recommendation its table and `recommended.toml` (from `scenario_text`).
pub fn files(
    f: &Frontier,
    rec: Option<&Recommendation>,
    scenario_text: &str,
) -> Result<Files, FilesError> {
    let mut frame = export::frontier_frame(f)?;
    let chart = FrontierChart {
        frontier: f,
        recommended: rec.map(|r| r.point),
        title: title(f, rec),
    };
    let mut files: Files = vec![
        ("frontier.parquet".into(), export::to_parquet(&mut frame)?),
        ("frontier.csv".into(), export::to_csv(&mut frame)?),
        ("charts/frontier.png".into(), chart.png()?),
        ("charts/frontier.svg".into(), chart.svg()?.into_bytes()),
        ("summary.txt".into(), summary(f, rec).into_bytes()),
        ("scenario.toml".into(), scenario_text.as_bytes().to_vec()),
    ];
    if let Some(rec) = rec {
        let why = reasons(f, rec);
        let mut table = export::recommendation_frame(f, rec, &why)?;
        files.push(("recommendation.csv".into(), export::to_csv(&mut table)?));
        let mut models = vec![ModelKind::Assigned];
        models.extend(f.references.iter().map(|r| r.model));
        let reference = f.scenario.reference;
        let reference = if models.contains(&reference) {
            reference
        } else {
            ModelKind::Assigned
        };
        if let Ok(text) =
            f.scenario
                .record_assignment(scenario_text, &rec.runners, &models, reference)
        {
            files.push(("recommended.toml".into(), text.into_bytes()));
        }
    }
    Ok(files)
}
