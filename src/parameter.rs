//! One table of what each scenario parameter is, for a reader: its label in people's
//! words, its unit, and the kind of number it is, which decides its plausible range when
//! the scenario states none (`docs/model.md` §14 gives the reasons). The assumption
//! ledger, break-even search, sensitivity and the report read these facts here, as they
//! read a metric's facts in `metric.rs`; a key the table lacks still gets a readable label
//! from its own words ([`label`]), never the raw key.
//!
//! Named levers ([`LEVERS`]) move several keys together by one factor: every salary,
//! every service's incident rate.

/// What kind of number a parameter is: its default plausible range follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A wage: ±30% (the spread between markets and levels in BLS23's percentiles).
    Wage,
    /// Standby pay per on-call hour: 0 to 50 in the scenario's currency.
    StandbyPay,
    /// Revenue: ×0.1 to ×3 (the figure leadership is least sure of).
    Revenue,
    /// Another amount of money (call-out pay, a freeze day's cost): ×0.5 to ×2.
    Money,
    /// A probability or share: across its bounds, 0 to 1.
    Probability,
    /// An availability target or knowledge level near 1: its distance from 1 ×0.5 to ×2.
    NearOne,
    /// A duration: ×0.5 to ×2.
    Duration,
    /// A rate (incidents, deployments): ×0.5 to ×2.
    Rate,
    /// A count (people, services, seats): ×0.5 to ×2, whole numbers.
    Count,
    /// A dimensionless factor: ×0.5 to ×2.
    Factor,
}

/// How a parameter's range is written: values themselves, or factors on today's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Span {
    /// From `low` to `high`, in the parameter's unit.
    Absolute(f64, f64),
    /// From `low` × to `high` × today's value.
    Scale(f64, f64),
    /// Today's distance from 1 times `low` to `high` (low is further from 1 when the
    /// factor is larger, so it is written closer/further).
    Complement(f64, f64),
}

impl Kind {
    /// The default plausible range of a parameter of this kind.
    pub fn span(self) -> Span {
        match self {
            Kind::Wage => Span::Scale(0.7, 1.3),
            Kind::StandbyPay => Span::Absolute(0.0, 50.0),
            Kind::Revenue => Span::Scale(0.1, 3.0),
            Kind::Probability => Span::Absolute(0.0, 1.0),
            Kind::NearOne => Span::Complement(0.5, 2.0),
            Kind::Money | Kind::Duration | Kind::Rate | Kind::Count | Kind::Factor => {
                Span::Scale(0.5, 2.0)
            }
        }
    }

    /// The range in words, for the ledger: "±30%", "0–50", "×0.1–×3".
    pub fn span_words(self) -> &'static str {
        match self {
            Kind::Wage => "±30%",
            Kind::StandbyPay => "0 to 50 an hour",
            Kind::Revenue => "×0.1 to ×3",
            Kind::Probability => "0 to 1",
            Kind::NearOne => "distance from 1 ×0.5 to ×2",
            Kind::Money | Kind::Duration | Kind::Rate | Kind::Count | Kind::Factor => "×0.5 to ×2",
        }
    }

    /// Its name in `assumptions.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Wage => "wage",
            Kind::StandbyPay => "standby pay",
            Kind::Revenue => "revenue",
            Kind::Money => "money",
            Kind::Probability => "probability",
            Kind::NearOne => "near one",
            Kind::Duration => "duration",
            Kind::Rate => "rate",
            Kind::Count => "count",
            Kind::Factor => "factor",
        }
    }
}

/// The unit a parameter's value is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Money a year.
    MoneyPerYear,
    /// Money an hour.
    MoneyPerHour,
    /// Money per event (a page, a day).
    Money,
    /// A share, shown as a percentage.
    Share,
    /// Hours (or the unit the scenario writes the duration in).
    Duration,
    /// Events per period as the scenario writes them.
    Rate,
    /// A plain number.
    Number,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Fact {
    /// The key, `*` standing for any one part (a group, every service).
    pub pattern: &'static str,
    /// The label; `{}` is replaced by the part `*` stood for, in people's words.
    pub label: &'static str,
    /// The kind of number.
    pub kind: Kind,
    /// The unit it is shown in.
    pub unit: Unit,
}

const fn f(pattern: &'static str, label: &'static str, kind: Kind, unit: Unit) -> Fact {
    Fact {
        pattern,
        label,
        kind,
        unit,
    }
}

use Kind as K;
use Unit as U;

/// Every parameter with a label of its own. A key matching none is labelled from its words.
pub const FACTS: &[Fact] = &[
    f("groups.*.salary", "{} salary", K::Wage, U::MoneyPerYear),
    f(
        "groups.*.knowledge",
        "{} knowledge of a service",
        K::Probability,
        U::Share,
    ),
    f(
        "groups.*.knowledge_floor",
        "{} knowledge floor",
        K::Probability,
        U::Share,
    ),
    f(
        "groups.*.telemetry_delay_factor",
        "{} detection delay factor",
        K::Factor,
        U::Number,
    ),
    f(
        "groups.*.sync_share",
        "{} time for knowledge sync",
        K::Probability,
        U::Share,
    ),
    f(
        "groups.*.estate_services",
        "{} estate in services",
        K::Count,
        U::Number,
    ),
    f("groups.*.headcount", "{} headcount", K::Count, U::Number),
    f(
        "groups.*.concurrent_oncall",
        "{} people on call at once",
        K::Count,
        U::Number,
    ),
    f(
        "costs.standby_per_hour",
        "standby pay",
        K::StandbyPay,
        U::MoneyPerHour,
    ),
    f(
        "costs.callout_per_page",
        "call-out pay per page",
        K::Money,
        U::Money,
    ),
    f(
        "costs.working_hours_per_year",
        "working hours a year",
        K::Count,
        U::Number,
    ),
    f("costs.min_rota_size", "smallest rota", K::Count, U::Number),
    f(
        "costs.max_oncall_share",
        "most time on call",
        K::Probability,
        U::Share,
    ),
    f(
        "costs.ops_fte_per_seat",
        "people per operations seat",
        K::Factor,
        U::Number,
    ),
    f(
        "costs.freeze_cost_per_day",
        "cost of a freeze day",
        K::Money,
        U::Money,
    ),
    f(
        "costs.dev_oncall_productivity_loss",
        "on-call developers' lost output",
        K::Probability,
        U::Share,
    ),
    f(
        "costs.overhead_factor",
        "overhead on wages",
        K::Factor,
        U::Number,
    ),
    f(
        "costs.max_operational_load",
        "most time on operational work",
        K::Probability,
        U::Share,
    ),
    f(
        "organisation.revenue_per_year",
        "revenue",
        K::Revenue,
        U::MoneyPerYear,
    ),
    f(
        "services.*.revenue_per_hour",
        "every service's revenue",
        K::Revenue,
        U::MoneyPerHour,
    ),
    f(
        "service_defaults.revenue_per_hour",
        "a service's revenue",
        K::Revenue,
        U::MoneyPerHour,
    ),
    f(
        "services.*.availability_target",
        "every availability target",
        K::NearOne,
        U::Share,
    ),
    f(
        "services.*.deploys_per_week",
        "deployments a week",
        K::Rate,
        U::Number,
    ),
    f(
        "services.*.change_failure_rate",
        "change failure rate",
        K::Probability,
        U::Share,
    ),
    f(
        "service_defaults.change_failure_rate",
        "change failure rate",
        K::Probability,
        U::Share,
    ),
    f(
        "services.*.background_incidents",
        "background incident rate",
        K::Rate,
        U::Rate,
    ),
    f(
        "service_defaults.background_incidents",
        "background incident rate",
        K::Rate,
        U::Rate,
    ),
    f(
        "services.*.cross_team_share",
        "share of incidents across teams",
        K::Probability,
        U::Share,
    ),
    f(
        "service_defaults.effort",
        "hands-on effort of an incident",
        K::Duration,
        U::Duration,
    ),
    f(
        "service_defaults.change_effort",
        "effort to recover a failed deployment",
        K::Duration,
        U::Duration,
    ),
    f(
        "service_defaults.detection",
        "owners' time to detect",
        K::Duration,
        U::Duration,
    ),
    f(
        "services.*.change_effort",
        "effort to recover a failed deployment",
        K::Duration,
        U::Duration,
    ),
    f(
        "services.*.effort",
        "hands-on effort of an incident",
        K::Duration,
        U::Duration,
    ),
    f(
        "teams.*.headcount",
        "developers per team",
        K::Count,
        U::Number,
    ),
    f(
        "response.acknowledge",
        "time to acknowledge",
        K::Duration,
        U::Duration,
    ),
    f(
        "response.prioritisation",
        "wait for a team to prioritise",
        K::Duration,
        U::Duration,
    ),
    f(
        "response.diagnosis_penalty",
        "non-owners' diagnosis penalty",
        K::Factor,
        U::Number,
    ),
    f(
        "response.max_escalation_probability",
        "non-owners' chance to escalate",
        K::Probability,
        U::Share,
    ),
    f(
        "response.triage_fraction",
        "diagnosis before escalating",
        K::Probability,
        U::Share,
    ),
    f(
        "response.cross_team_detection_factor",
        "cross-team detection delay",
        K::Factor,
        U::Number,
    ),
    f(
        "response.concurrent_oncall",
        "people on call at once",
        K::Count,
        U::Number,
    ),
    f(
        "knowledge.erosion_per_deploy",
        "knowledge lost per deployment",
        K::Probability,
        U::Share,
    ),
    f(
        "knowledge.sync_effect_per_hour",
        "knowledge gained per sync hour",
        K::Probability,
        U::Share,
    ),
    f(
        "knowledge.sync_attendees",
        "people in a knowledge sync",
        K::Count,
        U::Number,
    ),
    f(
        "knowledge.target",
        "knowledge non-owners keep",
        K::Probability,
        U::Share,
    ),
    f(
        "workarounds.threshold",
        "wait before a workaround",
        K::Duration,
        U::Duration,
    ),
    f(
        "workarounds.probability",
        "chance of a workaround",
        K::Probability,
        U::Share,
    ),
    f(
        "workarounds.effort",
        "effort of a workaround",
        K::Duration,
        U::Duration,
    ),
    f(
        "workarounds.conflict_probability",
        "chance a fix conflicts with a workaround",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.incentive",
        "strength of learning from incidents",
        K::Factor,
        U::Number,
    ),
    f(
        "learning.done_when_felt",
        "follow-ups done by owners who worked the incident",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.done_when_woken",
        "follow-ups done by owners woken for it",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.done_when_handed_off",
        "follow-ups done from another team's ticket",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.done_when_frozen",
        "follow-ups done in a freeze",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.delay",
        "time for a follow-up to ship",
        K::Duration,
        U::Duration,
    ),
    f(
        "learning.handed_off_delay_factor",
        "delay of a handed-off follow-up",
        K::Factor,
        U::Number,
    ),
    f(
        "learning.effort",
        "effort of a follow-up",
        K::Duration,
        U::Duration,
    ),
    f(
        "learning.step",
        "gain from one follow-up",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.floor",
        "lowest incident rate follow-ups reach",
        K::Probability,
        U::Share,
    ),
    f(
        "learning.drift_per_year",
        "gain lost per year",
        K::Factor,
        U::Number,
    ),
    f(
        "telemetry.best",
        "telemetry at its best",
        K::Factor,
        U::Number,
    ),
    f(
        "telemetry.worst",
        "telemetry at its worst",
        K::Factor,
        U::Number,
    ),
    f(
        "telemetry.use_step",
        "telemetry gained per incident the owners work",
        K::Probability,
        U::Share,
    ),
    f(
        "telemetry.decay_per_year",
        "telemetry lost per year unused",
        K::Factor,
        U::Number,
    ),
    f(
        "cascades.probability",
        "chance an incident cascades",
        K::Probability,
        U::Share,
    ),
    f(
        "cascades.resilience",
        "resilience to upstream failures",
        K::Probability,
        U::Share,
    ),
    f(
        "cascades.step",
        "resilience gained per follow-up",
        K::Probability,
        U::Share,
    ),
    f(
        "cascades.delay",
        "time for a failure to cascade",
        K::Duration,
        U::Duration,
    ),
    f(
        "handoff.delay",
        "wait for a hand-off between teams",
        K::Duration,
        U::Duration,
    ),
    f(
        "handoff.effort_factor",
        "extra effort after a hand-off",
        K::Factor,
        U::Number,
    ),
    f(
        "sre_run.review_pass_probability",
        "chance a readiness review passes",
        K::Probability,
        U::Share,
    ),
    f(
        "workarounds.lifetime",
        "a workaround's lifetime",
        K::Duration,
        U::Duration,
    ),
    f(
        "error_budget.freeze_deploy_share",
        "deployments during a freeze",
        K::Probability,
        U::Share,
    ),
    f(
        "error_budget.window",
        "error-budget window",
        K::Duration,
        U::Duration,
    ),
    f(
        "sre_run.min_availability_target",
        "the lowest target SRE takes on",
        K::NearOne,
        U::Share,
    ),
    f(
        "sre_run.evidence_quarters",
        "quarters of evidence for SRE",
        K::Count,
        U::Number,
    ),
    f(
        "sre_run.handback_after_quarters",
        "quarters before a hand-back",
        K::Count,
        U::Number,
    ),
    f(
        "ops_sometimes_run.min_availability_target",
        "the lowest target developers keep running themselves",
        K::NearOne,
        U::Share,
    ),
    f(
        "you_run.embedded_sre_knowledge",
        "embedded SREs' knowledge",
        K::Probability,
        U::Share,
    ),
    f(
        "you_run.embedded_sre_shift_share",
        "embedded SREs' share of shifts",
        K::Probability,
        U::Share,
    ),
    f(
        "you_run_ops_monitors.ops_seats",
        "operations monitoring seats",
        K::Count,
        U::Number,
    ),
    f(
        "you_run_ops_monitors.detection",
        "operations' time to detect",
        K::Duration,
        U::Duration,
    ),
    f(
        "you_and_sre_run.sre_shift_share",
        "SREs' share of shared shifts",
        K::Probability,
        U::Share,
    ),
    f(
        "you_and_sre_run.shift_length",
        "shared shift length",
        K::Duration,
        U::Duration,
    ),
    f(
        "support.out_of_hours_from",
        "target supported out of hours",
        K::NearOne,
        U::Share,
    ),
    f(
        "support.team_rota_from",
        "target with a team rota",
        K::NearOne,
        U::Share,
    ),
    f(
        "support.domain_knowledge",
        "domain rota's knowledge",
        K::Probability,
        U::Share,
    ),
];

/// A named lever: several keys moved together by one factor.
#[derive(Debug, Clone, Copy)]
pub struct Lever {
    /// Its key in `verdicts.csv` and the ledger.
    pub key: &'static str,
    /// Its label.
    pub label: &'static str,
    /// The keys it moves (those the scenario states; at least two for the lever to exist).
    pub patterns: &'static [&'static str],
    /// The kind of number, for its range.
    pub kind: Kind,
}

/// The named levers.
pub const LEVERS: &[Lever] = &[
    Lever {
        key: "salaries",
        label: "every salary",
        patterns: &[
            "groups.dev.salary",
            "groups.sre.salary",
            "groups.ops.salary",
        ],
        kind: Kind::Wage,
    },
    Lever {
        key: "incident_rates",
        label: "every service's background incident rate",
        patterns: &[
            "service_defaults.background_incidents",
            "services.*.background_incidents",
        ],
        kind: Kind::Rate,
    },
    Lever {
        key: "change_failure_rates",
        label: "every service's change failure rate",
        patterns: &[
            "service_defaults.change_failure_rate",
            "services.*.change_failure_rate",
        ],
        kind: Kind::Rate,
    },
];

/// Keys that are prices only: wages, the overhead on them, standby and call-out pay, the
/// cost of a freeze day, on-call developers' lost output and revenue. They enter the
/// costs an outcome is priced at and nothing the simulation does (no mechanism reads
/// them), so an entry that moves only these is priced again on the run's own outcomes
/// instead of simulated again ([`crate::engine::reprice`]; tested equal to simulating on
/// the bundled scenarios). `costs.working_hours_per_year` is not one: staffing and
/// knowledge sync read it.
pub const PRICES: &[&str] = &[
    "groups.*.salary",
    "costs.overhead_factor",
    "costs.standby_per_hour",
    "costs.callout_per_page",
    "costs.freeze_cost_per_day",
    "costs.dev_oncall_productivity_loss",
    "organisation.revenue_per_year",
    "service_defaults.revenue_per_hour",
    "services.*.revenue_per_hour",
    "journeys.*.revenue_per_hour",
    "journeys.*.share",
];

/// Whether `key` is a price only ([`PRICES`]).
pub fn priced(key: &str) -> bool {
    PRICES.iter().any(|p| matches(p, key))
}

/// Whether a parameter's key moves prices only: a key of [`PRICES`], or a named lever all
/// of whose keys are.
pub fn priced_lever_or_key(key: &str) -> bool {
    match LEVERS.iter().find(|l| l.key == key) {
        Some(lever) => lever.patterns.iter().all(|p| priced(p)),
        None => priced(key),
    }
}

/// Keys that are decisions or definitions, not assumptions: the targets the verdicts are
/// judged against (a tier is its target) are never moved.
pub const NOT_ASSUMPTIONS: &[&str] = &[
    "services.*.availability_target",
    "service_defaults.availability_target",
];

/// Whether `key` matches `pattern` part by part (`*` matches any one part).
pub fn matches(pattern: &str, key: &str) -> bool {
    let (p, k): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), key.split('.').collect());
    p.len() == k.len() && p.iter().zip(&k).all(|(a, b)| *a == "*" || a == b)
}

/// The table's row for `key`, or for the distribution `key` is a parameter of
/// (`services.*.effort.median` → `services.*.effort`).
pub fn fact(key: &str) -> Option<&'static Fact> {
    FACTS.iter().find(|f| matches(f.pattern, key)).or_else(|| {
        let (table, _) = key.rsplit_once('.')?;
        FACTS.iter().find(|f| matches(f.pattern, table))
    })
}

/// A group's name in people's words.
fn group(name: &str) -> String {
    match name {
        "dev" => "developers'".into(),
        "sre" => "SREs'".into(),
        "ops" => "operations'".into(),
        other => format!("{other}'s"),
    }
}

/// The label of `key` for a reader: the table's, else made of the key's last words
/// ("services.*.deploys_per_week" → "deploys per week").
pub fn label(key: &str) -> String {
    if let Some(l) = LEVERS.iter().find(|l| l.key == key) {
        return l.label.to_string();
    }
    let Some(fact) = fact(key) else {
        return key.rsplit('.').next().unwrap_or(key).replace('_', " ");
    };
    let wild = fact
        .pattern
        .split('.')
        .zip(key.split('.'))
        .find(|(p, k)| *p == "*" && *k != "*")
        .map(|(_, k)| k);
    let mut out = match wild {
        Some(w) if fact.pattern.starts_with("groups.") => fact.label.replace("{}", &group(w)),
        Some(w) => fact.label.replace("{}", w),
        None => fact.label.replace("{} ", ""),
    };
    // A distribution's own parameter: "hands-on effort of an incident (median)".
    if !matches(fact.pattern, key)
        && let Some((_, leaf)) = key.rsplit_once('.')
    {
        out = format!("{out} ({})", leaf.replace('_', " "));
    }
    out
}

/// The kind of `key`: the table's, else guessed from its words (a share under 1, a
/// duration written with a unit).
pub fn kind(key: &str, value: f64, written_with_unit: bool) -> Kind {
    if let Some(f) = fact(key) {
        return f.kind;
    }
    if written_with_unit {
        return Kind::Duration;
    }
    if key.ends_with("_probability") || key.ends_with("_share") || key.ends_with("_rate") {
        return Kind::Probability;
    }
    if value > 0.0 && value < 1.0 {
        return Kind::Probability;
    }
    Kind::Factor
}

/// The unit of `key` (plain number when the table has none).
pub fn unit(key: &str) -> Unit {
    fact(key).map_or(Unit::Number, |f| f.unit)
}

/// A value in `unit` for a reader, with the scenario's `currency` and, for a value the
/// scenario writes with a unit (`"4h"`, `"0.5/month"`), that `suffix`.
pub fn show(value: f64, unit: Unit, currency: &str, suffix: &str) -> String {
    let money = |v: f64| -> String {
        let a = v.abs();
        let n = if a >= 1e6 {
            format!("{}M", crate::format::short(v / 1e6))
        } else if a >= 1e4 {
            format!("{:.0}k", v / 1e3)
        } else if a >= 100.0 {
            format!("{v:.0}")
        } else {
            crate::format::short((v * 10.0).round() / 10.0)
        };
        if currency == "USD" {
            format!("${n}")
        } else {
            format!("{n} {currency}")
        }
    };
    if !suffix.is_empty() {
        return format!("{}{suffix}", crate::format::short(value));
    }
    match unit {
        Unit::MoneyPerYear => format!("{} a year", money(value)),
        Unit::MoneyPerHour => format!("{}/h", money(value)),
        Unit::Money => money(value),
        // Targets near 1 keep their nines; other shares to a tenth of a point.
        Unit::Share if value > 0.99 => format!("{}%", crate::format::trim_pct(100.0 * value)),
        Unit::Share => format!("{}%", crate::format::short((1000.0 * value).round() / 10.0)),
        Unit::Duration => format!("{} h", crate::format::short(value)),
        Unit::Rate | Unit::Number => crate::format::short(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_words_never_keys() {
        assert_eq!(label("groups.ops.salary"), "operations' salary");
        assert_eq!(label("costs.standby_per_hour"), "standby pay");
        assert_eq!(label("salaries"), "every salary");
        assert_eq!(
            label("service_defaults.effort.p90"),
            "hands-on effort of an incident (p90)"
        );
        assert_eq!(label("services.*.frobs_per_day"), "frobs per day");
        for f in FACTS {
            assert!(!label(f.pattern).contains('.'), "{}", f.pattern);
            assert!(!label(f.pattern).contains('_'), "{}", f.pattern);
        }
    }

    #[test]
    fn values_read_with_their_units() {
        assert_eq!(show(24.63, Unit::MoneyPerHour, "USD", ""), "$24.6/h");
        assert_eq!(
            show(95_360.0, Unit::MoneyPerYear, "EUR", ""),
            "95k EUR a year"
        );
        assert_eq!(show(0.2, Unit::Share, "USD", ""), "20%");
        assert_eq!(show(4.0, Unit::Duration, "USD", "h"), "4h");
        assert_eq!(show(2.5e7, Unit::MoneyPerYear, "USD", ""), "$25M a year");
    }

    #[test]
    fn default_ranges_by_kind() {
        assert_eq!(Kind::Wage.span(), Span::Scale(0.7, 1.3));
        assert_eq!(Kind::StandbyPay.span(), Span::Absolute(0.0, 50.0));
        assert_eq!(kind("x.y_probability", 0.3, false), Kind::Probability);
        assert_eq!(kind("x.wait", 4.0, true), Kind::Duration);
    }
}
