//! The chapter's comparison table regenerated from a run: its criteria as rows, the models
//! as columns; each cell the measured figure with its interval, the rating derived from
//! the figures by a documented rule, the book's rating beside it, and whether they agree.
//!
//! Rows are of two kinds. *Simulated* rows are rated from what the run produced; only they
//! can agree or disagree with the chapter. *Structural* rows follow from a model's
//! definition or carry the chapter's label; they are never counted as evidence. A figure
//! is printed so that the rule its rating comes from visibly holds of it ("4.7%" under a
//! "< 5%" rule, [`pct_against`]).

use std::fmt::Write as _;

use super::data::{ModelData, ReportData};
use crate::format::pct_against;
use crate::model::ModelKind;
use crate::models::{Policy, Runner};
use crate::scenario::Scenario;
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
    /// Whether the row's rating was produced by the simulation.
    pub kind: RowKind,
}

/// Where a row's rating comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Rated from the run's results by a stated rule: evidence for or against the chapter.
    Simulated,
    /// Follows from the model's definition or carries the chapter's label: never evidence.
    Structural,
}

impl Cell {
    /// Whether the derived rating matches the book's; `None` where the book has none or
    /// the row is structural (a definition or a label is not evidence).
    pub fn agrees(&self) -> Option<bool> {
        if self.kind == RowKind::Structural {
            return None;
        }
        self.book.map(|b| normalise(b) == normalise(&self.rating))
    }

    /// The verdict as shown in tables.
    pub fn verdict(&self) -> &'static str {
        match (self.kind, self.agrees()) {
            (RowKind::Structural, _) => "structural",
            (_, Some(true)) => "✓ agrees",
            (_, Some(false)) => "✗ differs",
            (_, None) => "not in the chapter",
        }
    }
}

fn normalise(s: &str) -> String {
    let s = s.to_ascii_lowercase();
    // "None if services within error budgets" is the book's "None" for the services SRE
    // runs, those within their budgets: the scope a rating "on handed-over services" names.
    let s = s
        .strip_suffix(" if services within error budgets")
        .or_else(|| s.strip_suffix(" on handed-over services"))
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
    /// Simulated or structural.
    pub kind: RowKind,
    /// One cell per model.
    pub cells: Vec<Cell>,
}

/// Agreement over simulated cells that the chapter rates: (agreeing, rated).
pub fn agreement(rows: &[Row]) -> (usize, usize) {
    let verdicts: Vec<bool> = rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter_map(Cell::agrees)
        .collect();
    (verdicts.iter().filter(|a| **a).count(), verdicts.len())
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
    let models: Vec<&ModelData> = data.models.iter().collect();
    vec![
        oncall_involvement(&models),
        knowledge_sync(&models, data.scenario.knowledge.target),
        resolution_times(&models),
        service_handover(&models, &data.scenario),
        sre_organisation(&models, &data.scenario),
        infrastructure_ownership(&models),
        availability_targets(&models, data.top_target),
        funding(&models),
        cost(&models),
    ]
}

/// A row for criterion `i` (in [`CRITERIA`] order): one cell per model, its figure and
/// rating from `f`, the chapter's rating beside it.
fn row(
    models: &[&ModelData],
    i: usize,
    kind: RowKind,
    measure: &'static str,
    rule: &'static str,
    f: &dyn Fn(&ModelData) -> (String, String),
) -> Row {
    let cells = models
        .iter()
        .map(|m| {
            let (figure, rating) = f(m);
            Cell {
                model: m.model,
                figure,
                rating,
                book: book(i, m.model),
                kind,
            }
        })
        .collect();
    Row {
        criterion: CRITERIA[i],
        measure,
        rule,
        kind,
        cells,
    }
}

/// The largest mean of metric `k` over the models (0 at least).
fn max_of(models: &[&ModelData], k: &str) -> f64 {
    models
        .iter()
        .map(|m| m.estimate(k).mean)
        .fold(0.0, f64::max)
}

/// The smallest mean of metric `k` over the models (infinity without models).
fn min_of(models: &[&ModelData], k: &str) -> f64 {
    models
        .iter()
        .map(|m| m.estimate(k).mean)
        .fold(f64::INFINITY, f64::min)
}

/// Share of the incidents on handed-over services that paged a developer; None when
/// nothing was handed over.
fn dev_share_handed_over(m: &ModelData) -> Option<f64> {
    let n = m.estimate("handed_over_incidents").mean;
    (n > 0.0).then(|| m.estimate("handed_over_dev_pages").mean / n)
}

/// Involvement of the development teams in the on-call work: pages developers answer,
/// over all services, and on the services the model hands over. A rating about the
/// handed-over services only says so, since developers still answer the pages of the
/// services they keep.
fn oncall_involvement(models: &[&ModelData]) -> Row {
    row(
        models,
        0,
        RowKind::Simulated,
        "share of all pages developers answer; on the services the model hands over, share of their incidents that page a developer",
        "Max: developers answer ≥ 90% of all pages. None: under 5% of all pages. Otherwise, on the services handed over to another team: Continuous when ≥ 25% of their incidents page a developer (a shared rota), Occasional on handed-over services when ≥ 5%, None on handed-over services under 5% (developers answer the rest: the chapter's \"None if services within error budgets\" is this rating). A model that hands nothing over and falls short of Max: Partial.",
        &|m| {
            let pages = m.estimate("pages").mean.max(1.0);
            let share_all = m.estimate("dev_pages").mean / pages;
            let all = pct_against(share_all, &[0.05, 0.9]);
            if !(0.05..0.9).contains(&share_all) {
                let rating = if share_all >= 0.9 { "Max" } else { "None" };
                let handed = dev_share_handed_over(m).map_or(String::new(), |p| {
                    format!(
                        "; {} of handed-over incidents page a developer",
                        pct_against(p, &[0.05, 0.25])
                    )
                });
                return (
                    format!("developers answer {all} of all pages{handed}"),
                    rating.into(),
                );
            }
            match dev_share_handed_over(m) {
                None => (
                    format!("nothing handed over; developers answer {all} of all pages"),
                    "Partial".into(),
                ),
                Some(p) => {
                    let rating = if p >= 0.25 {
                        "Continuous"
                    } else if p >= 0.05 {
                        "Occasional on handed-over services"
                    } else {
                        "None on handed-over services"
                    };
                    (
                        format!(
                            "{} of handed-over incidents page a developer; developers answer {all} of all pages",
                            pct_against(p, &[0.05, 0.25]),
                        ),
                        rating.into(),
                    )
                }
            }
        },
    )
}

/// Knowledge synchronisation between teams: sync demanded against sync given, and the
/// knowledge of the first responders who are not the owners (the ones sync is for).
fn knowledge_sync(models: &[&ModelData], target: f64) -> Row {
    row(
        models,
        1,
        RowKind::Simulated,
        "sync hours the knowledge target demands on handed-over services, against what the responding group gives; knowledge of the first responders who are not the owning team's developers, against the target",
        "None: no service is handed over, so no sync is demanded. Not practical: the group gives under 95% of the demand (its capacity falls short) and its responders' knowledge stays under the target. Partially required: developers still answer ≥ 25% of the handed-over incidents' pages (a shared rota). Required: otherwise.",
        &|m| {
            let demand = m.estimate("sync_demand_hours").mean;
            let given = m.estimate("sync_hours").mean;
            let k = m.estimate("l1_knowledge_non_owner");
            let non_owners = m.estimate("l1_non_owner").mean > 0.0;
            let short = given < 0.95 * demand && non_owners && k.mean < target;
            let rating = if demand <= 0.0 {
                "None"
            } else if short {
                "Not practical"
            } else if dev_share_handed_over(m).is_some_and(|p| p >= 0.25) {
                "Partially required"
            } else {
                "Required"
            };
            let knowledge = if non_owners {
                // Two decimals, or three when two would put it on the wrong side.
                let digits = if (format!("{:.2}", k.mean).parse::<f64>().unwrap_or(k.mean) < target)
                    == (k.mean < target)
                {
                    2
                } else {
                    3
                };
                format!(
                    "non-owner responders' knowledge {} against a target of {target}",
                    ci(&k, |x| format!("{x:.digits$}"))
                )
            } else {
                "no non-owner first responders".into()
            };
            (
                format!("sync given: {given:.0} of {demand:.0} person-h demanded; {knowledge}"),
                rating.into(),
            )
        },
    )
}

/// Incident resolution times: mean time to restore against the shortest and longest.
fn resolution_times(models: &[&ModelData]) -> Row {
    let min_mttr = min_of(models, "mttr_hours");
    let max_mttr = max_of(models, "mttr_hours");
    row(
        models,
        2,
        RowKind::Simulated,
        "mean time to restore with 95% interval",
        "Min: within 10% of the shortest. Max: the longest, and more than twice the shortest. Short: at most twice the shortest. Long: otherwise.",
        &|m| {
            let e = m.estimate("mttr_hours");
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
    )
}

/// Service handover for operations (structural): which services another team can run,
/// from the model's definition, with the run's hand-overs and hand-backs.
fn service_handover(models: &[&ModelData], s: &Scenario) -> Row {
    let n_services = s.services.len();
    row(
        models,
        3,
        RowKind::Structural,
        "services whose first responders can be another team (from the model's definition); hand-overs and hand-backs in the run",
        "Not applicable: developers run every service. Required: some services can be run wholly by another team. Partially required: another team shares the rota.",
        &|m| {
            let policy = Policy::of(s, m.model);
            let runners: Vec<Vec<Runner>> = (0..n_services)
                .map(|i| policy.possible_runners(s, i))
                .collect();
            let other = runners
                .iter()
                .filter(|r| r.iter().any(|r| matches!(r, Runner::Sre | Runner::Ops)))
                .count();
            let shared = runners
                .iter()
                .filter(|r| r.contains(&Runner::SharedWithSre))
                .count();
            let rating = if other > 0 {
                "Required"
            } else if shared > 0 {
                "Partially required"
            } else {
                "Not applicable"
            };
            (
                format!(
                    "{other} can be handed over, {shared} shared; {:.1} hand-overs, {:.1} hand-backs",
                    m.estimate("handovers").mean,
                    m.estimate("handbacks").mean
                ),
                rating.into(),
            )
        },
    )
}

/// Establishment of a distinct SRE organisation (structural): the central SRE team the
/// model staffs.
fn sre_organisation(models: &[&ModelData], s: &Scenario) -> Row {
    row(
        models,
        4,
        RowKind::Structural,
        "SRE team the model staffs (from its definition)",
        "May be an option: the model staffs a central SRE team. Not applicable: it does not (embedded SREs stay in their teams).",
        &|m| {
            let hc = Policy::of(s, m.model).headcount;
            let rating = if hc.sre_team > 0.0 {
                "May be an option"
            } else {
                "Not applicable"
            };
            (format!("{:.0} SREs", hc.sre_team), rating.into())
        },
    )
}

/// Ownership of the SRE infrastructure (structural): the chapter's label, not simulated.
fn infrastructure_ownership(models: &[&ModelData]) -> Row {
    row(
        models,
        5,
        RowKind::Structural,
        "label: not simulated",
        "The chapter's label, carried over: the simulation does not model who owns the platform.",
        &|m| {
            let label = book(5, m.model).unwrap_or("—");
            ("label from the chapter".into(), label.into())
        },
    )
}

/// Availability targets and product demand: the top tier's availability against the best
/// model's.
fn availability_targets(models: &[&ModelData], top: f64) -> Row {
    let shortfall =
        |m: &ModelData| 1.0 - Estimate::of(m.top_tier_availability.iter().copied()).mean;
    let best_shortfall = models
        .iter()
        .map(|m| shortfall(m))
        .fold(f64::INFINITY, f64::min);
    row(
        models,
        6,
        RowKind::Simulated,
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
    )
}

/// Funding (structural): the chapter's label, carried over; beside it, the run's split
/// of operating cost by the groups' funding labels, shown and never compared.
fn funding(models: &[&ModelData]) -> Row {
    row(
        models,
        7,
        RowKind::Structural,
        "the chapter's label; beside it, the simulated split of operating cost between capital and operating budgets (from the groups' funding labels)",
        "The chapter's label, carried over: not rated from the run. The simulated split is shown for comparison (CAPEX: ≥ 90% from capital budgets; OPEX: ≥ 90% from operating budgets; CAPEX and OPEX otherwise) and is not counted.",
        &|m| {
            let capex = m.estimate("cost_capex").mean;
            let total = capex + m.estimate("cost_opex").mean;
            let share = if total > 0.0 { capex / total } else { 1.0 };
            let split = if share >= 0.9 {
                "CAPEX"
            } else if share <= 0.1 {
                "OPEX"
            } else {
                "CAPEX and OPEX"
            };
            let label = book(7, m.model).unwrap_or("—");
            (
                format!(
                    "label from the chapter; simulated split: {} CAPEX, {} OPEX ({split})",
                    pct_against(share, &[0.1, 0.9]),
                    pct_against(1.0 - share, &[0.1, 0.9]),
                ),
                label.into(),
            )
        },
    )
}

/// Cost: operating cost per year against the cheapest model's.
fn cost(models: &[&ModelData]) -> Row {
    let min_cost = min_of(models, "cost_operating");
    row(
        models,
        8,
        RowKind::Simulated,
        "operating cost per year with 95% interval (charged staff, on-call, incident labour, sync; not downtime or freezes)",
        "Low: within 25% of the cheapest model. High: otherwise.",
        &|m| {
            let e = m.estimate("cost_operating");
            let rating = if e.mean <= 1.25 * min_cost {
                "Low"
            } else {
                "High"
            };
            (ci(&e, money), rating.into())
        },
    )
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
        let kind = match r.kind {
            RowKind::Simulated => "simulated",
            RowKind::Structural => "structural",
        };
        let _ = write!(out, "| **{}** ({kind}) |", r.criterion);
        for c in &r.cells {
            let verdict = c.verdict();
            let book = c.book.unwrap_or("—");
            let _ = write!(
                out,
                " **{}** — {}; book: {} · {} |",
                c.rating, c.figure, book, verdict
            );
        }
        out.push('\n');
    }
    let (agree, rated) = agreement(rows);
    let _ = writeln!(
        out,
        "\nAgreement counts simulated cells only: {agree} of {rated}. Structural rows follow from the models' definitions or carry the chapter's label; they are not evidence and are never counted, and their figures can differ from the label (Funding shows the simulated split beside the chapter's label).\n\nWhat each row measures, and its rating rule:\n"
    );
    for r in rows {
        let _ = writeln!(out, "- *{}*: {} — {}", r.criterion, r.measure, r.rule);
    }
    out
}

/// The table as CSV: one row per (criterion, model).
pub fn csv(rows: &[Row]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out =
        String::from("criterion,model,figure,rating,book_rating,agrees,measure,rule,row_kind\n");
    for r in rows {
        for c in &r.cells {
            let agrees = match c.agrees() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let kind = match r.kind {
                RowKind::Simulated => "simulated",
                RowKind::Structural => "structural",
            };
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                q(r.criterion),
                c.model.key(),
                q(&c.figure),
                q(&c.rating),
                q(c.book.unwrap_or("")),
                agrees,
                q(r.measure),
                q(r.rule),
                kind
            );
        }
    }
    out
}
