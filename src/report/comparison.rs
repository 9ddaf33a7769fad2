//! The chapter's comparison table regenerated from a run: its criteria as rows, the models
//! as columns; each cell the measured figure with its interval, the rating derived from
//! the figures by a documented rule, the book's rating beside it, and whether they agree.

use std::fmt::Write as _;

use super::data::{ModelData, ReportData};
use crate::model::ModelKind;
use crate::staffing::{Headcount, Runner, runner, sre_eligible};
use crate::stats::Estimate;
use crate::table::money;
use crate::units::format_hours;

/// One cell of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The model.
    pub model: ModelKind,
    /// The measured figure, or where a label comes from.
    pub figure: String,
    /// The rating derived from the figure by the row's rule.
    pub rating: String,
    /// The chapter's rating (none for the hybrids, which the table does not cover).
    pub book: Option<&'static str>,
}

impl Cell {
    /// Whether the derived rating matches the book's; `None` where the book has none.
    pub fn agrees(&self) -> Option<bool> {
        self.book.map(|b| normalise(b) == normalise(&self.rating))
    }

    /// The verdict as shown in tables.
    pub fn verdict(&self) -> &'static str {
        match self.agrees() {
            Some(true) => "✓ agrees",
            Some(false) => "✗ differs",
            None => "not in the chapter",
        }
    }
}

fn normalise(s: &str) -> String {
    let s = s.to_ascii_lowercase();
    // "None if services within error budgets" is the book's "None", qualified.
    let s = s
        .strip_suffix(" if services within error budgets")
        .unwrap_or(&s)
        .to_string();
    s.replace("partically", "partially").replace("sare", "sre")
}

/// One criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The chapter's criterion.
    pub criterion: &'static str,
    /// What is measured, or that it is a label.
    pub measure: &'static str,
    /// The rule that turns the figures into a rating.
    pub rule: &'static str,
    /// One cell per model.
    pub cells: Vec<Cell>,
}

/// The chapter's criteria, in its order.
pub const CRITERIA: [&str; 9] = [
    "Involvement of the development teams in the on-call work",
    "Knowledge synchronization between teams",
    "Incident resolution times",
    "Service handover for operations",
    "Establishment of a distinct SRE organization",
    "Ownership of the SRE infrastructure",
    "Availability targets and product demand",
    "Funding",
    "Cost",
];

/// The chapter's ratings for its four models, by criterion (in [`CRITERIA`] order).
fn book(criterion: usize, model: ModelKind) -> Option<&'static str> {
    let col = match model {
        ModelKind::YouRun => 0,
        ModelKind::YouAndSreRun => 1,
        ModelKind::SreRun => 2,
        ModelKind::OpsRun => 3,
        _ => return None,
    };
    const TABLE: [[&str; 4]; 9] = [
        [
            "Max",
            "Continuous",
            "None if services within error budgets",
            "None",
        ],
        ["None", "Partially required", "Required", "Not practical"],
        ["Min", "Short", "Short", "Max"],
        [
            "Not applicable",
            "Partially required",
            "Required",
            "Required",
        ],
        [
            "Not applicable",
            "May be an option",
            "May be an option",
            "Not applicable",
        ],
        [
            "Ops org",
            "Either SRE or ops org",
            "Either SRE or ops org",
            "Ops org",
        ],
        [
            "Highest targets and demand",
            "Highest targets and demand",
            "Highest targets and demand",
            "Lower targets and demand",
        ],
        ["CAPEX", "CAPEX", "CAPEX", "CAPEX"],
        ["High", "High", "High", "Low"],
    ];
    Some(TABLE[criterion][col])
}

fn ci(e: &Estimate, fmt: impl Fn(f64) -> String) -> String {
    format!("{} ({}–{})", fmt(e.mean), fmt(e.low), fmt(e.high))
}

/// Builds the table from a run.
pub fn comparison(data: &ReportData) -> Vec<Row> {
    let s = &data.scenario;
    let models: Vec<&ModelData> = data.models.iter().collect();
    let est = |m: &ModelData, k: &str| m.estimate(k);
    let max_of = |k: &str| models.iter().map(|m| est(m, k).mean).fold(0.0, f64::max);
    let min_of = |k: &str| {
        models
            .iter()
            .map(|m| est(m, k).mean)
            .fold(f64::INFINITY, f64::min)
    };
    let n_services = s.services.len();
    let initial_runners = |m: ModelKind| -> Vec<Runner> {
        (0..n_services)
            .map(|i| runner(m, s, i, sre_eligible(s, i)))
            .collect()
    };
    let mut rows = Vec::new();
    let mut row = |i: usize,
                   measure: &'static str,
                   rule: &'static str,
                   f: &dyn Fn(&ModelData) -> (String, String)| {
        let cells = models
            .iter()
            .map(|m| {
                let (figure, rating) = f(m);
                Cell {
                    model: m.model,
                    figure,
                    rating,
                    book: book(i, m.model),
                }
            })
            .collect();
        rows.push(Row {
            criterion: CRITERIA[i],
            measure,
            rule,
            cells,
        });
    };

    let max_dev = max_of("dev_oncall_hours");
    row(
        0,
        "developer on-call person-hours per year; share of pages that go to developers",
        "None: no developer on call. Max: developers answer ≥ 90% of pages. Continuous: developers on call around the clock (≥ 90% of the most any model needs). Partial: otherwise.",
        &|m| {
            let hours = est(m, "dev_oncall_hours");
            let pages = est(m, "pages").mean.max(1.0);
            let share = est(m, "dev_pages").mean / pages;
            let rating = if hours.mean <= 0.0 {
                "None"
            } else if share >= 0.9 {
                "Max"
            } else if hours.mean >= 0.9 * max_dev {
                "Continuous"
            } else {
                "Partial"
            };
            (
                format!(
                    "{:.0} h on call; {:.0}% of pages",
                    hours.mean,
                    100.0 * share
                ),
                rating.into(),
            )
        },
    );
    let max_sync = max_of("sync_hours");
    row(
        1,
        "knowledge-sync person-hours per year; first responders' mean knowledge (0–1)",
        "None: no sync. Not practical: first responders' knowledge stays below 0.5 despite sync. Required: ≥ half the most sync any model does. Partially required: otherwise.",
        &|m| {
            let sync = est(m, "sync_hours");
            let k = est(m, "l1_knowledge");
            let rating = if sync.mean <= 0.0 {
                "None"
            } else if k.mean < 0.5 {
                "Not practical"
            } else if sync.mean >= 0.5 * max_sync {
                "Required"
            } else {
                "Partially required"
            };
            (
                format!(
                    "{:.0} h; knowledge {}",
                    sync.mean,
                    ci(&k, |x| format!("{x:.2}"))
                ),
                rating.into(),
            )
        },
    );
    let min_mttr = min_of("mttr_hours");
    let max_mttr = max_of("mttr_hours");
    row(
        2,
        "mean time to restore with 95% interval",
        "Min: within 10% of the shortest. Max: the longest, and more than twice the shortest. Short: at most twice the shortest. Long: otherwise.",
        &|m| {
            let e = est(m, "mttr_hours");
            let rating = if e.mean <= 1.1 * min_mttr {
                "Min"
            } else if e.mean >= max_mttr && e.mean > 2.0 * min_mttr {
                "Max"
            } else if e.mean <= 2.0 * min_mttr {
                "Short"
            } else {
                "Long"
            };
            (ci(&e, format_hours), rating.into())
        },
    );
    row(
        3,
        "services whose first responders are not their developers (from the model's routing); hand-backs per year",
        "Not applicable: developers run every service. Required: some services are run wholly by another team. Partially required: another team shares the rota.",
        &|m| {
            let runners = initial_runners(m.model);
            let other = runners
                .iter()
                .filter(|r| matches!(r, Runner::Sre | Runner::Ops))
                .count();
            let shared = runners
                .iter()
                .filter(|r| **r == Runner::SharedWithSre)
                .count();
            let rating = if other > 0 {
                "Required"
            } else if shared > 0 {
                "Partially required"
            } else {
                "Not applicable"
            };
            let handbacks = est(m, "handbacks").mean;
            (
                format!("{other} handed over, {shared} shared; {handbacks:.1} hand-backs"),
                rating.into(),
            )
        },
    );
    row(
        4,
        "SRE rota headcount the model needs",
        "May be an option: the model needs a central SRE rota. Not applicable: it does not (embedded SREs stay in their teams).",
        &|m| {
            let hc = Headcount::of(m.model, s);
            let rating = if hc.sre_team > 0.0 {
                "May be an option"
            } else {
                "Not applicable"
            };
            (format!("{:.0} SREs", hc.sre_team), rating.into())
        },
    );
    row(
        5,
        "label: not simulated",
        "The chapter's label, carried over: the simulation does not model who owns the platform.",
        &|m| {
            let label = book(5, m.model).unwrap_or("—");
            ("label from the chapter".into(), label.into())
        },
    );
    let top = data.top_target;
    let shortfall =
        |m: &ModelData| 1.0 - Estimate::of(m.top_tier_availability.iter().copied()).mean;
    let best_shortfall = models
        .iter()
        .map(|m| shortfall(m))
        .fold(f64::INFINITY, f64::min);
    row(
        6,
        "availability of the top-tier services (highest target) with 95% interval; share of their service-years that met the target",
        "Highest targets and demand: the top tier's unavailability is at most 1.5× the best model's. Lower targets and demand: otherwise.",
        &|m| {
            let a = Estimate::of(m.top_tier_availability.iter().copied());
            let met = Estimate::of(m.top_tier_met.iter().copied());
            let rating = if shortfall(m) <= 1.5 * best_shortfall {
                "Highest targets and demand"
            } else {
                "Lower targets and demand"
            };
            (
                format!(
                    "{} against {:.2}%; met in {:.0}% of service-years",
                    ci(&a, |x| format!("{:.3}%", 100.0 * x)),
                    100.0 * top,
                    100.0 * met.mean
                ),
                rating.into(),
            )
        },
    );
    row(
        7,
        "share of operating cost funded from capital budgets (funding labels per team)",
        "CAPEX: ≥ 90% from capital budgets. OPEX: ≥ 90% from operating budgets. CAPEX and OPEX: otherwise.",
        &|m| {
            let capex = est(m, "cost_capex").mean;
            let total = capex + est(m, "cost_opex").mean;
            let share = if total > 0.0 { capex / total } else { 1.0 };
            let rating = if share >= 0.9 {
                "CAPEX"
            } else if share <= 0.1 {
                "OPEX"
            } else {
                "CAPEX and OPEX"
            };
            (format!("{:.0}% CAPEX", 100.0 * share), rating.into())
        },
    );
    let min_cost = min_of("cost_operating");
    row(
        8,
        "operating cost per year with 95% interval (staff, on-call, labour, sync, freezes)",
        "Low: within 25% of the cheapest model. High: otherwise.",
        &|m| {
            let e = est(m, "cost_operating");
            let rating = if e.mean <= 1.25 * min_cost {
                "Low"
            } else {
                "High"
            };
            (ci(&e, money), rating.into())
        },
    );
    rows
}

/// The table as Markdown.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::new();
    let Some(first) = rows.first() else {
        return out;
    };
    let _ = write!(out, "| Criterion |");
    for c in &first.cells {
        let _ = write!(out, " {} |", c.model.title());
    }
    let _ = write!(out, "\n|---|");
    for _ in &first.cells {
        let _ = write!(out, "---|");
    }
    out.push('\n');
    for r in rows {
        let _ = write!(
            out,
            "| **{}**<br><small>{}</small> |",
            r.criterion, r.measure
        );
        for c in &r.cells {
            let verdict = c.verdict();
            let book = c.book.unwrap_or("—");
            let _ = write!(
                out,
                " {}<br>**{}**<br>book: {} · {} |",
                c.figure, c.rating, book, verdict
            );
        }
        out.push('\n');
    }
    out.push_str("\nRating rules:\n\n");
    for r in rows {
        let _ = writeln!(out, "- *{}*: {}", r.criterion, r.rule);
    }
    out
}

/// The table as CSV: one row per (criterion, model).
pub fn csv(rows: &[Row]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("criterion,model,figure,rating,book_rating,agrees,measure,rule\n");
    for r in rows {
        for c in &r.cells {
            let agrees = match c.agrees() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                q(r.criterion),
                c.model.key(),
                q(&c.figure),
                q(&c.rating),
                q(c.book.unwrap_or("")),
                agrees,
                q(r.measure),
                q(r.rule)
            );
        }
    }
    out
}
