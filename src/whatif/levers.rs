//! The lever catalogue: which of a scenario's numbers the what-if page offers, in the
//! groups a reader thinks in, with human labels, units and the scale between what the page
//! shows (99.9 %) and what the file states (0.999). One table, as `metric.rs` is for
//! metrics; per-team and per-tier levers are derived from the scenario.

use serde::Serialize;
use toml::Table;

use crate::edit;
use crate::scenario::Scenario;

/// The groups levers are shown in, in page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Group {
    /// Teams, shared functions, revenue.
    #[serde(rename = "Organisation and teams")]
    Organisation,
    /// Support hours, rotas, what each model hands to whom.
    #[serde(rename = "Support hours and rotas")]
    Support,
    /// Pay, overheads and the prices of unreliability.
    #[serde(rename = "Costs and revenue")]
    Costs,
    /// How responders work: knowledge, escalation, workarounds, freezes.
    #[serde(rename = "Response")]
    Response,
    /// Deployments and change failure per availability tier.
    #[serde(rename = "Per tier")]
    Tier,
    /// The run itself.
    #[serde(rename = "Run")]
    Run,
}

/// One input of the page.
#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    /// Stable identifier the page sends back (never a path on disk).
    pub id: String,
    /// Where it is shown.
    pub group: Group,
    /// What a reader calls it.
    pub label: String,
    /// The unit of the shown value.
    pub unit: String,
    /// The dotted path(s) `edit::set` sets, comma-separated.
    #[serde(skip)]
    pub paths: String,
    /// Shown value = stated value × scale (100 for shares shown as percentages).
    pub scale: f64,
    /// Whether the value is a whole number.
    pub whole: bool,
    /// The scenario's value, shown units (its default when the file does not state it;
    /// `None` when the scenario leaves it to be derived, e.g. staffing by load).
    pub value: Option<f64>,
    /// Whether the scenario file states it.
    pub stated: bool,
    /// A stated range from `[sensitivity]`, shown units, when there is one: these levers
    /// come first in their group.
    pub range: Option<(f64, f64)>,
    /// A hint under the input.
    pub hint: &'static str,
}

type Get = fn(&Scenario) -> Option<f64>;
type ServiceGet = fn(&crate::scenario::Service) -> f64;

/// The fixed levers: (path, group, label, unit, scale, getter, hint). `{cur}` in a unit
/// is the scenario's currency.
const FIXED: &[(&str, Group, &str, &str, f64, Get, &str)] = &[
    (
        "groups.sre.headcount",
        Group::Organisation,
        "SRE team",
        "people",
        1.0,
        |s| s.groups.sre.headcount.map(f64::from),
        "empty: sized by load",
    ),
    (
        "groups.ops.headcount",
        Group::Organisation,
        "Operations team",
        "people",
        1.0,
        |s| s.groups.ops.headcount.map(f64::from),
        "empty: sized by load",
    ),
    (
        "organisation.revenue_per_year",
        Group::Organisation,
        "Revenue a year",
        "{cur}",
        1.0,
        |s| s.revenue_per_year,
        "shared over the customer journeys",
    ),
    (
        "support.out_of_hours_from",
        Group::Support,
        "Supported out of hours from a target of",
        "%",
        100.0,
        |s| Some(s.support.out_of_hours_from),
        "below it: business hours only",
    ),
    (
        "support.team_rota_from",
        Group::Support,
        "Own team's rota from a target of",
        "%",
        100.0,
        |s| Some(s.support.team_rota_from),
        "below it: the domain's rota out of hours",
    ),
    (
        "support.domain_knowledge",
        Group::Support,
        "Knowledge of a colleague in the domain",
        "%",
        100.0,
        |s| Some(s.support.domain_knowledge),
        "",
    ),
    (
        "response.concurrent_oncall",
        Group::Support,
        "People on call at once, per rota",
        "people",
        1.0,
        |s| Some(f64::from(s.response.concurrent_oncall)),
        "",
    ),
    (
        "costs.min_rota_size",
        Group::Support,
        "Smallest rota",
        "people",
        1.0,
        |s| Some(f64::from(s.costs.min_rota_size)),
        "",
    ),
    (
        "costs.max_oncall_share",
        Group::Support,
        "Most of a person's time on call",
        "%",
        100.0,
        |s| Some(s.costs.max_oncall_share),
        "",
    ),
    (
        "sre_run.min_availability_target",
        Group::Support,
        "SRE take services from a target of",
        "%",
        100.0,
        |s| Some(s.sre_run.min_availability_target),
        "SRE run it",
    ),
    (
        "ops_sometimes_run.min_availability_target",
        Group::Support,
        "Developers keep services from a target of",
        "%",
        100.0,
        |s| Some(s.ops_sometimes_run.min_availability_target),
        "ops sometimes run it",
    ),
    (
        "you_and_sre_run.sre_shift_share",
        Group::Support,
        "SRE's share of the shifts",
        "%",
        100.0,
        |s| Some(s.you_and_sre_run.sre_shift_share),
        "you and SRE run it",
    ),
    (
        "you_run_ops_monitors.ops_seats",
        Group::Support,
        "Operations monitoring seats",
        "seats",
        1.0,
        |s| Some(f64::from(s.you_run_ops_monitors.ops_seats)),
        "you run it, ops monitor",
    ),
    (
        "groups.dev.salary",
        Group::Costs,
        "Developer salary",
        "{cur} / year",
        1.0,
        |s| Some(s.groups.dev.salary),
        "",
    ),
    (
        "groups.sre.salary",
        Group::Costs,
        "SRE salary",
        "{cur} / year",
        1.0,
        |s| Some(s.groups.sre.salary),
        "",
    ),
    (
        "groups.ops.salary",
        Group::Costs,
        "Operations salary",
        "{cur} / year",
        1.0,
        |s| Some(s.groups.ops.salary),
        "",
    ),
    (
        "costs.overhead_factor",
        Group::Costs,
        "Loaded cost per salary",
        "×",
        1.0,
        |s| Some(s.costs.overhead_factor),
        "",
    ),
    (
        "costs.standby_per_hour",
        Group::Costs,
        "Standby pay",
        "{cur} / hour",
        1.0,
        |s| Some(s.costs.standby_per_hour),
        "per off-hours hour on call",
    ),
    (
        "costs.callout_per_page",
        Group::Costs,
        "Call-out pay",
        "{cur} / page",
        1.0,
        |s| Some(s.costs.callout_per_page),
        "per off-hours page",
    ),
    (
        "costs.dev_oncall_productivity_loss",
        Group::Costs,
        "Developer output lost while on call",
        "%",
        100.0,
        |s| Some(s.costs.dev_oncall_productivity_loss),
        "",
    ),
    (
        "costs.freeze_cost_per_day",
        Group::Costs,
        "Cost of a release freeze",
        "{cur} / service-day",
        1.0,
        |s| Some(s.costs.freeze_cost_per_day),
        "",
    ),
    (
        "costs.max_operational_load",
        Group::Costs,
        "Most operational work per person",
        "%",
        100.0,
        |s| Some(s.costs.max_operational_load),
        "sizes shared functions",
    ),
    (
        "costs.working_hours_per_year",
        Group::Costs,
        "Working hours a year",
        "hours",
        1.0,
        |s| Some(s.costs.working_hours_per_year),
        "",
    ),
    (
        "response.diagnosis_penalty",
        Group::Response,
        "Extra diagnosis without knowledge",
        "× owners' time",
        1.0,
        |s| Some(s.response.diagnosis_penalty),
        "",
    ),
    (
        "response.max_escalation_probability",
        Group::Response,
        "Escalations without knowledge",
        "%",
        100.0,
        |s| Some(s.response.max_escalation_probability),
        "",
    ),
    (
        "response.triage_fraction",
        Group::Response,
        "Share of effort spent on triage",
        "%",
        100.0,
        |s| Some(s.response.triage_fraction),
        "",
    ),
    (
        "response.cross_team_detection_factor",
        Group::Response,
        "Slower detection of cross-team failures",
        "×",
        1.0,
        |s| Some(s.response.cross_team_detection_factor),
        "",
    ),
    (
        "groups.sre.knowledge",
        Group::Response,
        "SRE's knowledge of services",
        "%",
        100.0,
        |s| Some(s.groups.sre.knowledge),
        "",
    ),
    (
        "groups.ops.knowledge",
        Group::Response,
        "Operations' knowledge of services",
        "%",
        100.0,
        |s| Some(s.groups.ops.knowledge),
        "",
    ),
    (
        "groups.ops.telemetry_delay_factor",
        Group::Response,
        "Operations' telemetry delay",
        "×",
        1.0,
        |s| Some(s.groups.ops.telemetry_delay_factor),
        "",
    ),
    (
        "knowledge.erosion_per_deploy",
        Group::Response,
        "Knowledge lost per deployment",
        "%",
        100.0,
        |s| Some(s.knowledge.erosion_per_deploy),
        "non-owners, above their floor",
    ),
    (
        "knowledge.sync_effect_per_hour",
        Group::Response,
        "Knowledge regained per sync hour",
        "/ hour",
        1.0,
        |s| Some(s.knowledge.sync_effect_per_hour),
        "",
    ),
    (
        "knowledge.target",
        Group::Response,
        "Knowledge non-owners are to keep",
        "%",
        100.0,
        |s| Some(s.knowledge.target),
        "",
    ),
    (
        "workarounds.probability",
        Group::Response,
        "Workarounds applied when considered",
        "%",
        100.0,
        |s| Some(s.workarounds.probability),
        "",
    ),
    (
        "workarounds.conflict_probability",
        Group::Response,
        "Conflict per open workaround per fix",
        "%",
        100.0,
        |s| Some(s.workarounds.conflict_probability),
        "",
    ),
    (
        "error_budget.freeze_deploy_share",
        Group::Response,
        "Deployments that still ship in a freeze",
        "%",
        100.0,
        |s| Some(s.error_budget.freeze_deploy_share),
        "",
    ),
    (
        "seed",
        Group::Run,
        "Seed",
        "",
        1.0,
        |s| Some(s.seed as f64),
        "the same seed gives the CLI's numbers",
    ),
];

/// The levers `scenario` (read from `text`) offers, in page order: by group, the levers
/// with a stated `[sensitivity]` range first, then the table's order.
pub fn catalogue(text: &str, scenario: &Scenario) -> Vec<Lever> {
    let doc = edit::parse_table(text).unwrap_or_default();
    let currency = scenario.costs.currency.as_str();
    let mut levers = Vec::new();
    for (i, team) in scenario.teams.iter().enumerate() {
        let path = format!("teams.{i}.headcount");
        levers.push(lever(
            &doc,
            scenario,
            &path,
            Group::Organisation,
            format!("Team {}", team.name),
            "developers".into(),
            1.0,
            Some(f64::from(team.headcount)),
            "",
        ));
    }
    for &(path, group, label, unit, scale, get, hint) in FIXED {
        levers.push(lever(
            &doc,
            scenario,
            path,
            group,
            label.into(),
            unit.replace("{cur}", currency),
            scale,
            get(scenario).map(|v| tidy(v * scale)),
            hint,
        ));
    }
    levers.extend(tiers(&doc, scenario));
    // Stable: the table's order within a group, ranged levers first.
    levers.sort_by_key(|l| (l.group, l.range.is_none()));
    levers
}

/// The per-tier levers: deployments a week and change failure rate of every service of
/// each distinct availability target, highest first.
fn tiers(doc: &Table, scenario: &Scenario) -> Vec<Lever> {
    let targets = scenario.tiers();
    let mut levers = Vec::new();
    for (k, target) in targets.iter().enumerate() {
        let members: Vec<usize> = (0..scenario.services.len())
            .filter(|&i| scenario.services[i].availability_target == *target)
            .collect();
        let tier = format!(
            "Tier {} ({}%, {} services)",
            k + 1,
            crate::format::trim_pct(100.0 * target),
            members.len()
        );
        let facts: [(&str, &str, &str, f64, ServiceGet); 2] = [
            (
                "deploys_per_week",
                "deployments a week",
                "/ week",
                1.0,
                |s| s.deploys_per_week,
            ),
            (
                "change_failure_rate",
                "change failure rate",
                "%",
                100.0,
                |s| s.change_failure_rate,
            ),
        ];
        for (key, what, unit, scale, get) in facts {
            let paths: Vec<String> = members
                .iter()
                .map(|i| format!("services.{i}.{key}"))
                .collect();
            let values: Vec<f64> = members
                .iter()
                .map(|&i| get(&scenario.services[i]))
                .collect();
            let same = values.windows(2).all(|w| w[0] == w[1]);
            let mut l = lever(
                doc,
                scenario,
                &paths.join(", "),
                Group::Tier,
                format!("{tier}: {what}"),
                unit.into(),
                scale,
                values.first().map(|v| tidy(v * scale)),
                if same {
                    ""
                } else {
                    "services differ: sets them all"
                },
            );
            l.id = format!("tier.{}.{key}", k + 1);
            levers.push(l);
        }
    }
    levers
}

#[allow(clippy::too_many_arguments)]
fn lever(
    doc: &Table,
    scenario: &Scenario,
    paths: &str,
    group: Group,
    label: String,
    unit: String,
    scale: f64,
    value: Option<f64>,
    hint: &'static str,
) -> Lever {
    let first = paths.split(',').next().unwrap_or(paths).trim();
    let range = scenario
        .sensitivity
        .ranges
        .iter()
        .find(|(p, _, _)| p == first)
        .map(|(_, lo, hi)| (lo * scale, hi * scale));
    Lever {
        id: first.to_string(),
        group,
        label,
        unit,
        paths: paths.to_string(),
        scale,
        whole: paths.split(',').any(edit::whole_number),
        value,
        stated: edit::number(doc, first).is_some(),
        range,
        hint,
    }
}

/// The lever with this id.
pub fn find<'a>(levers: &'a [Lever], id: &str) -> Option<&'a Lever> {
    levers.iter().find(|l| l.id == id)
}

/// `v` rounded to 12 significant digits: 0.999 × 100 shows as 99.9, and 99.95 / 100 is
/// stated as 0.9995.
pub fn tidy(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}
