//! What one model did in one replication: the row of `replications.csv`.

use crate::model::ModelKind;

/// Results of one model in one replication. Times in hours; costs per year in the
/// scenario's currency; counts over the measured window (horizon minus warm-up).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The model.
    pub model: ModelKind,
    /// Replication number, from 0.
    pub replication: u32,
    /// The replication's seed.
    pub seed: u64,
    /// Incidents that arrived in the measured window.
    pub incidents: u64,
    /// Of those, incidents restored by the end of the horizon.
    pub resolved: u64,
    /// Of those, incidents still open at the end of the horizon.
    pub open_at_end: u64,
    /// Mean availability over services, impact-weighted.
    pub availability: f64,
    /// Impact-weighted downtime summed over services, hours.
    pub downtime_hours: f64,
    /// Mean time to restore of resolved incidents, hours.
    pub mttr_hours: f64,
    /// Median time to restore, hours.
    pub ttr_p50_hours: f64,
    /// 90th percentile time to restore, hours.
    pub ttr_p90_hours: f64,
    /// 99th percentile time to restore, hours.
    pub ttr_p99_hours: f64,
    /// Mean time from occurrence to the first page, hours.
    pub ttd_hours: f64,
    /// Mean time a resolved incident spent waiting for a free responder, hours.
    pub queue_wait_hours: f64,
    /// Incidents escalated from L1 to the owning developers.
    pub escalations: u64,
    /// Pages to on-call people and operations shifts.
    pub pages: u64,
    /// Pages outside business hours to people on call.
    pub offhours_pages: u64,
    /// Person-hours developers spent on call.
    pub dev_oncall_hours: f64,
    /// Hours developers spent working on incidents.
    pub dev_incident_hours: f64,
    /// Hours SREs and operations engineers spent working on incidents.
    pub ops_sre_incident_hours: f64,
    /// SRE and operations headcount the model needs.
    pub dedicated_headcount: f64,
    /// Salaries of dedicated SRE and operations staff, per year.
    pub cost_staff: f64,
    /// Standby and call-out pay, per year.
    pub cost_oncall: f64,
    /// Developer time spent on incidents, per year.
    pub cost_labour: f64,
    /// Staff, on-call and labour: the cost of running the model, per year.
    pub cost_operating: f64,
    /// Revenue lost to downtime, per year.
    pub cost_downtime: f64,
    /// Operating plus downtime cost, per year.
    pub cost_total: f64,
    /// Impact-weighted downtime per service, hours (same order as the scenario).
    pub service_downtime_hours: Vec<f64>,
    /// Incidents per service in the measured window.
    pub service_incidents: Vec<u64>,
}

/// A per-replication metric: its column name, its description and how to read it.
pub struct Metric {
    /// Column name in `replications.*` and `summary.csv`.
    pub name: &'static str,
    /// Unit or meaning, for docs and tables.
    pub unit: &'static str,
    /// Reads the value from an outcome.
    pub get: fn(&Outcome) -> f64,
}

macro_rules! metrics {
    ($($field:ident : $unit:expr),* $(,)?) => {
        /// Every numeric metric, in column order.
        pub const METRICS: &[Metric] = &[
            $(Metric { name: stringify!($field), unit: $unit, get: |o| o.$field as f64 }),*
        ];
    };
}

metrics! {
    incidents: "count",
    resolved: "count",
    open_at_end: "count",
    availability: "fraction",
    downtime_hours: "hours",
    mttr_hours: "hours",
    ttr_p50_hours: "hours",
    ttr_p90_hours: "hours",
    ttr_p99_hours: "hours",
    ttd_hours: "hours",
    queue_wait_hours: "hours",
    escalations: "count",
    pages: "count",
    offhours_pages: "count",
    dev_oncall_hours: "person-hours",
    dev_incident_hours: "hours",
    ops_sre_incident_hours: "hours",
    dedicated_headcount: "people",
    cost_staff: "currency/year",
    cost_oncall: "currency/year",
    cost_labour: "currency/year",
    cost_operating: "currency/year",
    cost_downtime: "currency/year",
    cost_total: "currency/year",
}

/// Looks a metric up by column name.
pub fn metric(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}
