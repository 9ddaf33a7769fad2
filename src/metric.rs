//! One table of what each metric is: its column name, unit, human label, which direction
//! is better, the practical threshold below which two models are tied on it, and how to
//! read it from an outcome. Exports, summaries, ranking, sweeps, sensitivity, precision
//! and the report all read these facts from here (as ripgrep keeps every flag's facts in
//! one list). The parts a restore time is split into are listed here once as well.

use crate::outcome::Outcome;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller values are better (times, costs, load).
    Lower,
    /// Larger values are better (availability).
    Higher,
}

/// The practical threshold a difference must exceed to count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Share of the compared model's mean, e.g. 0.05.
    pub relative: f64,
    /// Minimum in the metric's unit, e.g. 0.1 hours.
    pub absolute: f64,
}

/// The rule for times (hours): 5% and at least 6 minutes.
pub const TIME: Threshold = Threshold {
    relative: 0.05,
    absolute: 0.1,
};

/// The rule for costs (and counts): 5%.
pub const COST: Threshold = Threshold {
    relative: 0.05,
    absolute: 0.0,
};

/// The rule for availability: a hundredth of a percentage point (52 minutes a year).
pub const AVAILABILITY: Threshold = Threshold {
    relative: 0.0,
    absolute: 1e-4,
};

/// The rule for shares of service-years meeting a target: two percentage points.
pub const SHARE: Threshold = Threshold {
    relative: 0.0,
    absolute: 0.02,
};

/// The rule for on-call load (pages per person): 10% and at least half a page.
pub const LOAD: Threshold = Threshold {
    relative: 0.1,
    absolute: 0.5,
};

/// Where a metric's value comes from.
#[derive(Clone, Copy)]
pub enum Source {
    /// A column of `replications.*`, read from one outcome.
    Outcome(fn(&Outcome) -> f64),
    /// The share of service-years meeting their availability target, from an outcome and
    /// the scenario's targets (computed by sweeps).
    Attainment(Tiers),
}

/// Which services a target-attainment metric counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tiers {
    /// Every service.
    All,
    /// The services of the highest target.
    Top,
}

/// What one metric is.
pub struct Metric {
    /// Column name in `replications.*`, `summary.csv` and `sweep.*`.
    pub name: &'static str,
    /// Unit or meaning, for docs and tables.
    pub unit: &'static str,
    /// What it is, in a reader's words (lower case, for charts and findings).
    pub label: &'static str,
    /// Which direction is better; `None` for quantities that are neither (headcount,
    /// hand-overs).
    pub better: Option<Better>,
    /// The practical threshold below which two models count as tied on it.
    pub tie: Threshold,
    /// How to read it.
    pub source: Source,
}

impl Metric {
    /// Reads the value from an outcome; `None` for a metric that needs the scenario too.
    pub fn get(&self, o: &Outcome) -> Option<f64> {
        match self.source {
            Source::Outcome(get) => Some(get(o)),
            Source::Attainment(_) => None,
        }
    }

    /// The direction ranking uses: lower is better unless the table says higher.
    pub fn direction(&self) -> Better {
        self.better.unwrap_or(Better::Lower)
    }
}

const LOWER: Option<Better> = Some(Better::Lower);
const HIGHER: Option<Better> = Some(Better::Higher);
const NEITHER: Option<Better> = None;

macro_rules! columns {
    ($($field:ident : $unit:expr, $label:expr, $better:expr, $tie:expr;)*) => {
        /// Every numeric column of `replications.*`, in column order.
        pub const COLUMNS: &[Metric] = &[
            $(Metric {
                name: stringify!($field),
                unit: $unit,
                label: $label,
                better: $better,
                tie: $tie,
                source: Source::Outcome(|o| o.$field as f64),
            }),*
        ];
    };
}

columns! {
    incidents: "count", "incidents", LOWER, COST;
    resolved: "count", "incidents resolved", NEITHER, COST;
    open_at_end: "count", "incidents still open at the end", LOWER, COST;
    availability: "fraction", "availability", HIGHER, AVAILABILITY;
    downtime_hours: "hours", "impact-weighted downtime", LOWER, TIME;
    mttr_hours: "hours", "mean time to restore", LOWER, TIME;
    ttr_p50_hours: "hours", "median time to restore", LOWER, TIME;
    ttr_p90_hours: "hours", "90th percentile time to restore", LOWER, TIME;
    ttr_p99_hours: "hours", "99th percentile time to restore", LOWER, TIME;
    ttd_hours: "hours", "mean time to detect", LOWER, TIME;
    queue_wait_hours: "hours", "mean wait for a free responder", LOWER, TIME;
    ttr_detect_hours: "hours", "detection", LOWER, TIME;
    ttr_route_hours: "hours", "routing", LOWER, TIME;
    ttr_queue_hours: "hours", "queue for a responder", LOWER, TIME;
    ttr_ack_hours: "hours", "acknowledgement", LOWER, TIME;
    ttr_l1_work_hours: "hours", "first responder's work", LOWER, TIME;
    ttr_wait_l2_oncall_hours: "hours", "wait: on-call developer", LOWER, TIME;
    ttr_wait_l2_business_hours_hours: "hours", "wait: business hours", LOWER, TIME;
    ttr_wait_l2_prioritisation_hours: "hours", "wait: prioritisation", LOWER, TIME;
    ttr_l2_work_hours: "hours", "developers' work", LOWER, TIME;
    ttr_wait_for_l2_hours: "hours", "wait for developers", LOWER, TIME;
    rollbacks: "count", "rollbacks by non-owners", NEITHER, COST;
    swarmed: "count", "incidents swarmed by an owner in business hours", NEITHER, COST;
    escalations: "count", "escalations", LOWER, COST;
    pages: "count", "pages", LOWER, COST;
    offhours_pages: "count", "off-hours pages", LOWER, COST;
    dev_pages: "count", "pages to developers", LOWER, COST;
    pages_per_shift: "pages/person/12h", "pages per person per 12-hour shift", LOWER, LOAD;
    pages_per_shift_p90: "pages/person/12h", "90th percentile pages per person per shift", LOWER, LOAD;
    offhours_pages_per_person_month: "pages/person/month", "off-hours pages per on-call person per month", LOWER, LOAD;
    l1_knowledge: "fraction", "first responders' knowledge", HIGHER, SHARE;
    l1_non_owner: "count", "incidents first answered by non-owners", NEITHER, COST;
    l1_knowledge_non_owner: "fraction", "non-owner first responders' knowledge", HIGHER, SHARE;
    sync_hours: "person-hours", "knowledge sync", NEITHER, COST;
    sync_demand_hours: "person-hours", "knowledge sync demanded", NEITHER, COST;
    handed_over_service_years: "service-years", "service-years run by SRE", NEITHER, COST;
    handed_over_incidents: "count", "incidents on handed-over services", NEITHER, COST;
    handed_over_dev_pages: "count", "developer pages on handed-over services", LOWER, COST;
    workarounds_applied: "count", "workarounds applied", LOWER, COST;
    workarounds_open_end: "count", "workarounds open at the end", LOWER, COST;
    workarounds_peak: "count", "most workarounds open at once", LOWER, COST;
    regressions: "count", "regressions from workarounds", LOWER, COST;
    freeze_days: "service-days", "feature-freeze days", LOWER, COST;
    deploys_frozen: "count", "deployments held by freezes", LOWER, COST;
    deploys_held_end: "count", "deployments still held by a freeze at the end", LOWER, COST;
    change_incidents_held_end: "count", "change incidents still held by a freeze at the end", NEITHER, COST;
    quarters_outside_budget: "count", "quarters outside the error budget", LOWER, COST;
    handovers: "count", "hand-overs to SRE", NEITHER, COST;
    handbacks: "count", "hand-backs to developers", NEITHER, COST;
    dev_oncall_hours: "person-hours", "developer on-call hours", LOWER, COST;
    dev_incident_hours: "hours", "developer hours on incidents", LOWER, COST;
    ops_sre_incident_hours: "hours", "operations and SRE hours on incidents", NEITHER, COST;
    dedicated_headcount: "people", "dedicated headcount", NEITHER, COST;
    charged_headcount: "people", "charged headcount", NEITHER, COST;
    dedicated_utilisation: "fraction", "dedicated staff's working time on incidents", NEITHER, SHARE;
    cost_staff: "currency/year", "staff cost", LOWER, COST;
    cost_oncall: "currency/year", "on-call pay", LOWER, COST;
    cost_labour: "currency/year", "labour cost", LOWER, COST;
    cost_sync: "currency/year", "knowledge-sync cost", LOWER, COST;
    cost_freeze: "currency/year", "feature-freeze cost", LOWER, COST;
    cost_capex: "currency/year", "capital expenditure", LOWER, COST;
    cost_opex: "currency/year", "operating expenditure", LOWER, COST;
    cost_operating: "currency/year", "operating cost", LOWER, COST;
    cost_downtime: "currency/year", "downtime cost", LOWER, COST;
    cost_unreliability: "currency/year", "cost of unreliability", LOWER, COST;
    cost_total: "currency/year", "total cost", LOWER, COST;
    incidents_prevented: "count", "incidents prevented by follow-up work", HIGHER, COST;
    cascades: "count", "cascaded incidents", LOWER, COST;
    handoffs: "count", "escalations across team boundaries", LOWER, COST;
    followups_done: "count", "follow-ups done", NEITHER, COST;
    followup_hours: "hours", "developer hours on follow-ups", NEITHER, COST;
    cost_followup: "currency/year", "follow-up work cost", LOWER, COST;
    change_failure_rate: "fraction", "change failure rate", LOWER, SHARE;
    rate_multiplier_end: "multiplier", "incident rate at the end, of as written", LOWER, SHARE;
    change_rate_multiplier_end: "multiplier", "change failure rate at the end, of as written", LOWER, SHARE;
    telemetry_end: "multiplier", "detection and diagnosis time at the end, of as written", LOWER, SHARE;
    resilience_end: "fraction", "resilience to upstream failures at the end", HIGHER, SHARE;
    reviews: "count", "readiness reviews", NEITHER, COST;
    reviews_failed: "count", "failed readiness reviews", NEITHER, COST;
}

/// Target attainment, computed from outcomes and the scenario's targets.
pub const ATTAINMENT: [Metric; 2] = [
    Metric {
        name: "met_share",
        unit: "fraction",
        label: "share of service-years meeting their target",
        better: HIGHER,
        tie: SHARE,
        source: Source::Attainment(Tiers::All),
    },
    Metric {
        name: "met_share_top_tier",
        unit: "fraction",
        label: "top tier's share meeting its target",
        better: HIGHER,
        tie: SHARE,
        source: Source::Attainment(Tiers::Top),
    },
];

/// The headline metrics: what sweeps, pairwise tables and `--precision` report, besides
/// target attainment.
pub const HEADLINE: [&str; 5] = [
    "cost_operating",
    "cost_unreliability",
    "cost_total",
    "availability",
    "mttr_hours",
];

/// Every metric: the columns, then target attainment.
pub fn all() -> impl Iterator<Item = &'static Metric> {
    COLUMNS.iter().chain(ATTAINMENT.iter())
}

/// Looks a metric up by name.
pub fn find(name: &str) -> Option<&'static Metric> {
    all().find(|m| m.name == name)
}

/// The direction ranking uses for `name` (lower for a name not in the table).
pub fn direction(name: &str) -> Better {
    find(name).map_or(Better::Lower, Metric::direction)
}

/// The tie threshold for `name` (the cost rule for a name not in the table).
pub fn tie(name: &str) -> Threshold {
    find(name).map_or(COST, |m| m.tie)
}

/// Per tier (target, highest first), the share of its services meeting their target in
/// one outcome.
pub fn tier_shares(scenario: &crate::scenario::Scenario, o: &Outcome) -> Vec<(f64, f64)> {
    let window = scenario.horizon_hours - scenario.warmup_hours;
    scenario
        .tiers()
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

/// The consecutive parts an incident's restore time is split into, in order; each has a
/// `ttr_<key>_hours` column, and they add up to the restore time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestorePart {
    /// From the incident's start until it is noticed.
    Detect,
    /// From detection until the right responder group is paged.
    Route,
    /// Waiting for a free responder.
    Queue,
    /// The responder acknowledging the page.
    Ack,
    /// The first responder's hands-on work.
    L1Work,
    /// Waiting for an on-call developer to respond.
    WaitL2Oncall,
    /// Waiting for the developers' business hours.
    WaitL2BusinessHours,
    /// Waiting for the developers to prioritise it.
    WaitL2Prioritisation,
    /// The developers' hands-on work.
    L2Work,
}

impl RestorePart {
    /// Every part, in order.
    pub const ALL: [RestorePart; 9] = [
        RestorePart::Detect,
        RestorePart::Route,
        RestorePart::Queue,
        RestorePart::Ack,
        RestorePart::L1Work,
        RestorePart::WaitL2Oncall,
        RestorePart::WaitL2BusinessHours,
        RestorePart::WaitL2Prioritisation,
        RestorePart::L2Work,
    ];

    /// The part's position in [`RestorePart::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Short key: `detect`, `l1_work`, …
    pub const fn key(self) -> &'static str {
        match self {
            RestorePart::Detect => "detect",
            RestorePart::Route => "route",
            RestorePart::Queue => "queue",
            RestorePart::Ack => "ack",
            RestorePart::L1Work => "l1_work",
            RestorePart::WaitL2Oncall => "wait_l2_oncall",
            RestorePart::WaitL2BusinessHours => "wait_l2_business_hours",
            RestorePart::WaitL2Prioritisation => "wait_l2_prioritisation",
            RestorePart::L2Work => "l2_work",
        }
    }

    /// Its column: `ttr_<key>_hours`.
    pub const fn column(self) -> &'static str {
        match self {
            RestorePart::Detect => "ttr_detect_hours",
            RestorePart::Route => "ttr_route_hours",
            RestorePart::Queue => "ttr_queue_hours",
            RestorePart::Ack => "ttr_ack_hours",
            RestorePart::L1Work => "ttr_l1_work_hours",
            RestorePart::WaitL2Oncall => "ttr_wait_l2_oncall_hours",
            RestorePart::WaitL2BusinessHours => "ttr_wait_l2_business_hours_hours",
            RestorePart::WaitL2Prioritisation => "ttr_wait_l2_prioritisation_hours",
            RestorePart::L2Work => "ttr_l2_work_hours",
        }
    }

    /// As a noun phrase in a sentence ("… is mostly waiting for business hours").
    pub const fn phrase(self) -> &'static str {
        match self {
            RestorePart::Queue => "queueing for a responder",
            RestorePart::L1Work => "the first responder's work",
            RestorePart::WaitL2Oncall => "waiting for an on-call developer",
            RestorePart::WaitL2BusinessHours => "waiting for business hours",
            RestorePart::WaitL2Prioritisation => "waiting for prioritisation",
            RestorePart::Detect | RestorePart::Route | RestorePart::Ack | RestorePart::L2Work => {
                self.label()
            }
        }
    }

    /// As a legend label: its column's label in the metric table.
    pub const fn label(self) -> &'static str {
        match self {
            RestorePart::Detect => "detection",
            RestorePart::Route => "routing",
            RestorePart::Queue => "queue for a responder",
            RestorePart::Ack => "acknowledgement",
            RestorePart::L1Work => "first responder's work",
            RestorePart::WaitL2Oncall => "wait: on-call developer",
            RestorePart::WaitL2BusinessHours => "wait: business hours",
            RestorePart::WaitL2Prioritisation => "wait: prioritisation",
            RestorePart::L2Work => "developers' work",
        }
    }

    /// Whether it is a wait for developers (the parts `ttr_wait_for_l2_hours` sums).
    pub const fn waits_for_developers(self) -> bool {
        matches!(
            self,
            RestorePart::WaitL2Oncall
                | RestorePart::WaitL2BusinessHours
                | RestorePart::WaitL2Prioritisation
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lookups_find_them() {
        let names: Vec<&str> = all().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "a name twice in the table");
        for n in names {
            assert_eq!(find(n).map(|m| m.name), Some(n));
        }
        for h in HEADLINE {
            assert!(find(h).is_some_and(|m| m.better.is_some()), "{h}");
        }
    }

    #[test]
    fn restore_parts_are_columns_in_order_with_the_table_labels() {
        for (i, p) in RestorePart::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
            assert_eq!(p.column(), format!("ttr_{}_hours", p.key()));
            let m = find(p.column()).expect("every part is a column");
            assert_eq!(m.label, p.label(), "{}", p.key());
        }
        let waits: Vec<&str> = RestorePart::ALL
            .iter()
            .filter(|p| p.waits_for_developers())
            .map(|p| p.key())
            .collect();
        assert_eq!(
            waits,
            [
                "wait_l2_oncall",
                "wait_l2_business_hours",
                "wait_l2_prioritisation"
            ]
        );
    }

    #[test]
    fn the_ranking_rules_of_the_headline_metrics() {
        assert_eq!(direction("availability"), Better::Higher);
        assert_eq!(direction("met_share_top_tier"), Better::Higher);
        assert_eq!(direction("cost_total"), Better::Lower);
        assert_eq!(tie("mttr_hours"), TIME);
        assert_eq!(tie("cost_operating"), COST);
        assert_eq!(tie("availability"), AVAILABILITY);
        assert_eq!(tie("met_share"), SHARE);
    }
}
