//! The validated scenario: the organisation, its services, the responder groups and the
//! models to compare. Types here cannot hold invalid values; they are built only by
//! [`parse`] from a scenario file, which reports every problem with line and column.

mod build;
mod error;
mod file;

pub use build::parse;
pub use error::{Problem, ScenarioError};

use crate::calendar::Calendar;
use crate::dist::Dist;
use crate::model::ModelKind;

/// A complete, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario name; names the default output folder.
    pub name: String,
    /// Free text shown in reports.
    pub description: String,
    /// Simulated time per replication, hours.
    pub horizon_hours: f64,
    /// Initial period excluded from every statistic, hours.
    pub warmup_hours: f64,
    /// Number of Monte Carlo replications.
    pub replications: u32,
    /// Base seed; replication seeds derive from it.
    pub seed: u64,
    /// The models to compare, in order.
    pub models: Vec<ModelKind>,
    /// The model paired differences are taken against.
    pub reference: ModelKind,
    /// Business hours of people who are not on call.
    pub calendar: Calendar,
    /// Paging, diagnosis and escalation mechanics.
    pub response: Response,
    /// Developers (owners), SREs and operations engineers.
    pub groups: Groups,
    /// Readiness criteria and escalation mode of `sre-run`.
    pub sre_run: SreRun,
    /// The shared rota of `you-and-sre-run`.
    pub you_and_sre_run: YouAndSreRun,
    /// Cost parameters.
    pub costs: Costs,
    /// Development teams.
    pub teams: Vec<Team>,
    /// Services, each owned by one team.
    pub services: Vec<Service>,
}

/// Paging, diagnosis and escalation mechanics common to every model.
#[derive(Debug, Clone)]
pub struct Response {
    /// Time from page to a responder starting work.
    pub acknowledge: Dist,
    /// Working hours a dev team takes to pick up an escalation when it is not on call.
    pub prioritisation: Dist,
    /// Diagnosis time multiplier is `1 + diagnosis_penalty × (1 − knowledge)`.
    pub diagnosis_penalty: f64,
    /// Escalation probability is `max_escalation_probability × (1 − knowledge)`.
    pub max_escalation_probability: f64,
    /// Share of its own diagnosis time an L1 responder spends before escalating.
    pub triage_fraction: f64,
}

/// A responder group's properties.
#[derive(Debug, Clone)]
pub struct Group {
    /// Knowledge of the services it responds to, in [0, 1]; 1 is the owners' knowledge.
    pub knowledge: f64,
    /// Multiplier on the time to detect, from the telemetry this group works with.
    pub telemetry_delay_factor: f64,
    /// Time from detection until this group's on-call is paged.
    pub routing: Dist,
    /// Responders on call at the same time (per team for developers).
    pub concurrent_oncall: u32,
    /// Fully loaded cost per person per year.
    pub salary: f64,
}

/// The three responder groups.
#[derive(Debug, Clone)]
pub struct Groups {
    /// The owning developers.
    pub dev: Group,
    /// Site reliability engineers.
    pub sre: Group,
    /// Operations engineers.
    pub ops: Group,
}

/// How `sre-run` escalates to developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevEscalation {
    /// The dev team keeps an on-call L2 rota and is paged at once.
    OnCall,
    /// The dev team is not on call: escalations wait for business hours and prioritisation.
    BusinessHours,
}

/// `sre-run` parameters.
#[derive(Debug, Clone)]
pub struct SreRun {
    /// Services with at least this availability target pass the readiness review.
    pub min_availability_target: f64,
    /// How SREs reach developers.
    pub dev_escalation: DevEscalation,
}

/// `you-and-sre-run` parameters.
#[derive(Debug, Clone)]
pub struct YouAndSreRun {
    /// Share of L1 shifts covered by SREs.
    pub sre_shift_share: f64,
    /// Length of one shift, hours.
    pub shift_hours: f64,
}

/// Cost parameters (per year unless stated).
#[derive(Debug, Clone)]
pub struct Costs {
    /// Currency label, e.g. `USD`.
    pub currency: String,
    /// Working hours per person per year, to turn salaries into hourly rates.
    pub working_hours_per_year: f64,
    /// Standby pay per on-call hour outside business hours.
    pub standby_per_hour: f64,
    /// Call-out pay per page outside business hours.
    pub callout_per_page: f64,
    /// Minimum size of a dedicated 24/7 on-call rota (SRE workbook: 8 for one site).
    pub min_rota_size: u32,
    /// Largest share of a person's time spent on call (SRE book: 25%).
    pub max_oncall_share: f64,
    /// Full-time equivalents needed to staff one 24/7 operations seat.
    pub ops_fte_per_seat: f64,
}

/// A development team.
#[derive(Debug, Clone)]
pub struct Team {
    /// Team name.
    pub name: String,
    /// Developers in the team.
    pub headcount: u32,
}

/// One severity class of incidents.
#[derive(Debug, Clone)]
pub struct Severity {
    /// Name, e.g. `SEV1`.
    pub name: String,
    /// Share of incidents in this class.
    pub share: f64,
    /// Weight against availability: 1.0 is a full outage.
    pub impact: f64,
}

/// A service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// Index of the owning team in [`Scenario::teams`].
    pub team: usize,
    /// Availability target, e.g. 0.999.
    pub availability_target: f64,
    /// Background (not change-induced) incidents per hour.
    pub background_rate_per_hour: f64,
    /// Deployments per week.
    pub deploys_per_week: f64,
    /// Probability that a deployment causes an incident.
    pub change_failure_rate: f64,
    /// Revenue lost per hour of full outage.
    pub revenue_per_hour: f64,
    /// Hands-on time an owner with full knowledge needs to restore service.
    pub effort: Dist,
    /// Time to detect with the owners' telemetry.
    pub detection: Dist,
    /// Severity classes; shares sum to 1.
    pub severities: Vec<Severity>,
    /// Relative weight of each hour of the week (Monday 00:00 first) for background incidents.
    pub arrival_profile: Option<Vec<f64>>,
    /// Whether deployments happen only in business hours.
    pub deploy_in_business_hours: bool,
}
