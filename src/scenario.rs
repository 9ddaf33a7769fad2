//! The validated scenario: the organisation, its services, the responder groups and the
//! models to compare. Types here cannot hold invalid values; they are built only by
//! [`parse`] from a scenario file, which reports every problem with line and column.

mod build;
mod change;
mod error;
mod file;
mod ranged;
mod read;

pub use build::defaults::{
    Basis, LEDGER as DEFAULT_LEDGER, LedgerDefault, SENSITIVITY_RANGE, SWEEP_STEPS,
};
pub use build::parse;
pub use change::ChangeError;
pub use error::{Problem, ScenarioError, Warning};

use crate::calendar::Calendar;
use crate::dist::Dist;
use crate::model::ModelKind;
pub use crate::model::Runner;

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
    /// Support hours and out-of-hours rotas: the extended window, the defaults by
    /// availability target, and what a domain rota's developer knows.
    pub support: Support,
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
    /// Knowledge erosion and synchronisation.
    pub knowledge: Knowledge,
    /// Workarounds applied while a developer fix is awaited.
    pub workarounds: Workarounds,
    /// Error-budget policy.
    pub error_budget: ErrorBudget,
    /// The `you-run` team set-up (section 12.3).
    pub you_run: YouRun,
    /// Which services `ops-sometimes-run` leaves with the developers.
    pub ops_sometimes_run: OpsSometimesRun,
    /// Ops monitoring in `you-run-ops-monitors`.
    pub you_run_ops_monitors: YouRunOpsMonitors,
    /// Learning from incidents: follow-up work that lowers a service's future rates.
    pub learning: Learning,
    /// Telemetry that improves when its builders use it and decays when they do not.
    pub telemetry: Telemetry,
    /// Incidents that propagate along `depends_on`.
    pub cascades: Cascades,
    /// The cost of an escalation that crosses a team boundary.
    pub handoff: Handoff,
    /// Development teams.
    pub teams: Vec<Team>,
    /// Services, each owned by one team.
    pub services: Vec<Service>,
    /// The organisation's revenue per year (`[organisation] revenue_per_year`), if stated:
    /// journeys' shares are of it, and validation warns when the revenue at risk exceeds it.
    pub revenue_per_year: Option<f64>,
    /// Customer journeys (`[[journeys]]`): revenue lost once per hour whichever of their
    /// services is impaired. Empty: each service's `revenue_per_hour` alone.
    pub journeys: Vec<Journey>,
    /// What validation found questionable but not invalid, with line and column.
    pub warnings: Vec<Warning>,
    /// The `[sweep]` table: what `whoruns sweep` varies when no `--param` is given.
    pub sweep: Option<SweepSpec>,
    /// The `[sensitivity]` table: the default relative range, and stated (low, high)
    /// values of parameters, by path.
    pub sensitivity: SensitivitySpec,
}

/// What `whoruns sensitivity` moves parameters over, as a scenario states it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SensitivitySpec {
    /// The relative move of parameters without a stated range (`None`: the command's).
    pub range: Option<f64>,
    /// Stated low and high values, by dotted path.
    pub ranges: Vec<(String, f64, f64)>,
}

/// A one-parameter sweep as a scenario states it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// Dotted path of the numeric key to vary.
    pub param: String,
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Number of values.
    pub steps: u32,
    /// How the values are spaced.
    pub scale: crate::axis::Scale,
    /// What the parameter is, in words, for charts.
    pub label: Option<String>,
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
    /// Multiplier on the time to detect incidents that cross team boundaries.
    pub cross_team_detection_factor: f64,
    /// Length of one on-call shift, hours: rotas hand over and page loads are counted per shift.
    pub shift_hours: f64,
    /// The order in which a rota's busy responders take waiting incidents.
    pub queue: QueueOrder,
    /// Swarming: in business hours an incident at or above `swarm_min_impact` pulls in a
    /// second responder from the owning team (never, when `None`).
    pub swarm_min_impact: Option<f64>,
    /// People on call at once in every rota (per team for developers), unless a group
    /// states its own `concurrent_oncall`.
    pub concurrent_oncall: u32,
    /// Whether every rota has a secondary on call behind each primary (SREB ch. 11). The
    /// groups' `concurrent_oncall` already counts them: it is doubled when this is set.
    pub secondary: bool,
}

/// The order in which waiting incidents are taken when a rota's responders are busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    /// By severity (the larger impact first), then in the order they were queued.
    Severity,
    /// First come, first served, whatever the severity.
    Fifo,
}

impl QueueOrder {
    /// The key's values, as a scenario writes them.
    pub const VALUES: [(&'static str, QueueOrder); 2] = [
        ("severity", QueueOrder::Severity),
        ("fifo", QueueOrder::Fifo),
    ];
}

/// How a team is funded (chapter 12's "Funding" row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funding {
    /// Capital expenditure (delivery budgets).
    Capex,
    /// Operating expenditure (operations budgets).
    Opex,
}

/// `[learning]`: every incident leaves follow-up work (postmortem action items) which,
/// when done, lowers its service's future incident rate of the same cause. How much is
/// done depends on who felt the incident, never on the model's name (docs/model.md §13).
#[derive(Debug, Clone)]
pub struct Learning {
    /// Strength of the effect of done follow-up work (and of telemetry's use, see
    /// [`Telemetry`]); 0 turns the long-run mechanisms off: rates and telemetry stay as
    /// written for the whole run.
    pub incentive: f64,
    /// Share of follow-up work done when the owning team worked the incident in its
    /// working hours.
    pub done_when_felt: f64,
    /// Share done when the owning team was woken for it (paged out of business hours).
    pub done_when_woken: f64,
    /// Share done when the owning team never worked the incident: the follow-up reaches
    /// it as a ticket from the team that did.
    pub done_when_handed_off: f64,
    /// Share done when the service is in an error-budget freeze (the policy makes
    /// reliability work the priority).
    pub done_when_frozen: f64,
    /// How long follow-up work takes to reach production.
    pub delay: Dist,
    /// How much longer it takes when it arrives as a ticket from another team.
    pub handed_off_delay_factor: f64,
    /// Developer hours one done follow-up costs the owning team.
    pub effort_hours: f64,
    /// At incentive 1, the share of the remaining gap to the floor that one done follow-up
    /// closes.
    pub step: f64,
    /// The lowest a service's rate can be brought, as a share of its written rate.
    pub floor: f64,
    /// Per year, the share of the gain lost again as new work brings new failure modes.
    pub drift_per_year: f64,
}

/// `[telemetry]`: a service's telemetry multiplies every group's detection time and
/// diagnosis effort for it. It starts at 1 (as written) and moves towards `best` each time
/// the owning developers work one of its incidents, and towards `worst` while they do not.
/// Scaled by `learning.incentive`.
#[derive(Debug, Clone)]
pub struct Telemetry {
    /// The multiplier telemetry in constant use approaches (below 1: faster).
    pub best: f64,
    /// The multiplier telemetry nobody who builds it uses decays towards (above 1).
    pub worst: f64,
    /// Share of the gap to `best` closed by one incident the owners work.
    pub use_step: f64,
    /// Per year, the share of the gap to `worst` that telemetry decays by.
    pub decay_per_year: f64,
}

/// `[cascades]`: an incident can impair each service that depends on its service.
#[derive(Debug, Clone)]
pub struct Cascades {
    /// Probability that an incident impairs a dependent service with no resilience.
    pub probability: f64,
    /// Every service's resilience at the start (stability patterns: timeouts, circuit
    /// breakers, bulkheads), the same under every model; a cascade needs a draw above it.
    pub resilience: f64,
    /// At incentive 1, the share of the gap to full resilience one done follow-up closes.
    pub step: f64,
    /// Time from the incident to the dependent's impairment.
    pub delay_hours: f64,
}

/// `[handoff]`: an escalation that crosses a team boundary (the first responder is not of
/// the owning team) waits for a hand-off and costs more effort: context, other tools,
/// production access. The same rule in every model.
#[derive(Debug, Clone)]
pub struct Handoff {
    /// Extra wait before the owning developers can start.
    pub delay: Dist,
    /// Multiplier of the owning developers' effort.
    pub effort_factor: f64,
}

impl Service {
    /// Traffic at `t` hours from the start, `warmup` hours being the start of the measured
    /// window (where `traffic` is stated): compound growth, lower during the warm-up.
    pub fn traffic_at(&self, t: f64, warmup: f64) -> f64 {
        if self.traffic_growth == 0.0 {
            return self.traffic;
        }
        let years = (t - warmup) / crate::units::HOURS_PER_YEAR;
        self.traffic * (1.0 + self.traffic_growth).powf(years)
    }
}

/// `text` parsed as scenario file `name`, for a test: a file the test wrote is valid, so an
/// error is the test's own and stops it with the error's text.
#[cfg(test)]
pub(crate) fn parsed(text: &str, name: &str) -> Scenario {
    match parse(text, name) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// `text` with each line that starts with one of `lines`' prefixes replaced by that
/// line: a bundled scenario cut short, or otherwise changed, for a test.
#[cfg(test)]
pub(crate) fn replace_lines(text: &str, lines: &[(&str, &str)]) -> String {
    text.lines()
        .map(|l| {
            let l = lines
                .iter()
                .find(|(prefix, _)| l.starts_with(prefix))
                .map_or(l, |(_, to)| to);
            format!("{l}\n")
        })
        .collect()
}

impl Learning {
    /// Whether the long-run mechanisms act at all.
    pub fn active(&self) -> bool {
        self.incentive > 0.0
    }
}

impl Handoff {
    /// Whether a hand-off costs anything.
    pub fn active(&self) -> bool {
        self.effort_factor != 1.0 || !matches!(self.delay, Dist::Constant(v) if v == 0.0)
    }
}

/// Knowledge erosion by deployments and restoration by synchronisation.
#[derive(Debug, Clone)]
pub struct Knowledge {
    /// Share of a non-owner's knowledge above its floor lost at each deployment.
    pub erosion_per_deploy: f64,
    /// Weekly share of the gap to full knowledge closed per sync hour: a week with `h`
    /// sync hours closes `1 − exp(−effect × h)` of it.
    pub sync_effect_per_hour: f64,
    /// People in each sync hour (one developer and one responder by default).
    pub sync_attendees: u32,
    /// Knowledge a non-owning responder group is to keep of each service it responds to;
    /// the sync hours this takes are its demand (see `models::sync`).
    pub target: f64,
    /// Where each group's knowledge of the services it runs at the start begins.
    pub start: KnowledgeStart,
}

/// Where a non-owning group's knowledge of a service begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnowledgeStart {
    /// At the group's `knowledge` for every service: the warm-up must cover its approach
    /// to the steady level (`models::settling` says how long that takes).
    Initial,
    /// At its steady level under the model's sync hours (`models::settling::steady_knowledge`)
    /// for each service the group runs at the start; at the group's `knowledge` for the
    /// others (services a readiness review may hand over later). A warm-up then need not
    /// cover knowledge's approach.
    Steady,
}

impl KnowledgeStart {
    /// The key's values, as a scenario writes them.
    pub const VALUES: [(&'static str, KnowledgeStart); 2] = [
        ("initial", KnowledgeStart::Initial),
        ("steady", KnowledgeStart::Steady),
    ];
}

/// Workarounds applied by L1 while a developer fix is awaited.
#[derive(Debug, Clone)]
pub struct Workarounds {
    /// A workaround is considered when the wait for developers exceeds this, hours.
    pub threshold_hours: f64,
    /// Probability that L1 applies one then.
    pub probability: f64,
    /// L1's time to apply a workaround.
    pub effort: Dist,
    /// Probability that each open workaround on a service conflicts with a fix deployed to it.
    pub conflict_probability: f64,
    /// How long a workaround stays in production before it is retired.
    pub lifetime: Dist,
    /// What a conflict between a fix and a workaround does to the workaround and to the
    /// regression it causes.
    pub on_conflict: OnConflict,
}

/// What happens when a fix deployed to a service conflicts with an open workaround.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// The conflict exposes the workaround, which is removed with the incident it causes;
    /// that regression goes to the owners' fix and is never worked around again. One
    /// workaround causes at most one regression and a regression causes none: the
    /// feedback loop cannot run away.
    Retire,
    /// The workaround stays and may conflict with later fixes, and each regression may be
    /// worked around again (the behaviour before issue 27): a branching process that
    /// runs away when workarounds pile up faster than they retire (the run-time guard
    /// then refuses the run).
    Keep,
}

impl OnConflict {
    /// The key's values, as a scenario writes them.
    pub const VALUES: [(&'static str, OnConflict); 2] =
        [("retire", OnConflict::Retire), ("keep", OnConflict::Keep)];
}

/// Error-budget policy.
#[derive(Debug, Clone)]
pub struct ErrorBudget {
    /// Whether a service outside its budget freezes features.
    pub freeze: bool,
    /// Share of deployments that still go out during a freeze (fixes, security).
    pub freeze_deploy_share: f64,
    /// The window budgets are judged over.
    pub window: BudgetWindow,
    /// The models that run an error-budget policy; the others never freeze.
    pub models: Vec<ModelKind>,
    /// What happens to the deployments a freeze holds back.
    pub held_changes: HeldChanges,
}

/// What happens to the deployments (and the change incidents they would cause) that a
/// freeze holds back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldChanges {
    /// They wait in the service's backlog and ship after the freeze lifts (at the first
    /// weekly or quarterly budget check that finds the service unfrozen), at the pace they
    /// were written: each later by the time it was held, in whole weeks. Each keeps its own
    /// failure draw, so a failed one's incident arrives when it ships.
    Deferred,
    /// They never ship: the work and its incidents vanish (the behaviour before deferral,
    /// kept to reproduce old results).
    Dropped,
}

impl HeldChanges {
    /// The key's values, as a scenario writes them.
    pub const VALUES: [(&'static str, HeldChanges); 2] = [
        ("deferred", HeldChanges::Deferred),
        ("dropped", HeldChanges::Dropped),
    ];
}

/// The window an error budget is judged over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BudgetWindow {
    /// A rolling window of this many hours, checked at the end of every week; a service
    /// over budget freezes for the next week and is judged again then (SRE workbook's
    /// example policy: the previous 4 weeks).
    Rolling(f64),
    /// The calendar quarter: a service over its quarterly budget freezes until quarter end.
    Quarter,
}

/// The three ways a `you-run` team runs its services (section 12.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamSetup {
    /// Developers rotate on call.
    DevsRotate,
    /// A dedicated SRE inside the team runs the services.
    EmbeddedSre,
    /// The team's SRE and the developers rotate together.
    SreAndDevs,
}

impl TeamSetup {
    /// The key used in scenario files.
    pub fn key(self) -> &'static str {
        match self {
            TeamSetup::DevsRotate => "devs-rotate",
            TeamSetup::EmbeddedSre => "embedded-sre",
            TeamSetup::SreAndDevs => "sre-and-devs",
        }
    }
}

/// `you-run` parameters.
#[derive(Debug, Clone)]
pub struct YouRun {
    /// Default set-up for teams that do not name one.
    pub setup: TeamSetup,
    /// Knowledge of a team's embedded SRE ("flows naturally for the most part").
    pub embedded_sre_knowledge: f64,
    /// Share of shifts the embedded SRE covers in `sre-and-devs`.
    pub embedded_sre_shift_share: f64,
}

/// `ops-sometimes-run` parameters.
#[derive(Debug, Clone)]
pub struct OpsSometimesRun {
    /// Services at or above this target stay `you-run`; the others are `ops-run`.
    pub min_availability_target: f64,
}

/// `you-run-ops-monitors` parameters.
#[derive(Debug, Clone)]
pub struct YouRunOpsMonitors {
    /// 24/7 operations seats that watch critical cross-team workflows.
    pub ops_seats: u32,
    /// Time for ops monitoring to detect a cross-team incident.
    pub detection: Dist,
    /// How the monitoring seats' cost is charged; `None`: as the operations function's
    /// (`groups.ops.charging`).
    pub charging: Option<Charging>,
}

/// The three responder groups, named once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupId {
    /// The owning developers (and SREs embedded in their teams).
    Dev,
    /// Site reliability engineers.
    Sre,
    /// Operations engineers.
    Ops,
}

impl GroupId {
    /// Every group.
    pub const ALL: [GroupId; 3] = [GroupId::Dev, GroupId::Sre, GroupId::Ops];

    /// The key used in scenario files (`groups.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            GroupId::Dev => "dev",
            GroupId::Sre => "sre",
            GroupId::Ops => "ops",
        }
    }
}

/// What a function's expected first-responder load is measured against when it is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadBasis {
    /// Its people's working time (`working_hours_per_year` each): the load sizes the
    /// headcount directly, with the rota's minimum as the floor.
    WorkingTime,
    /// Its seats' time (8760 hours a year each): the load sizes the seats, and the rota
    /// rule turns seats into people (the sizing before issue 19).
    SeatTime,
}

/// How a shared function's staff cost is charged to this scenario's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charging {
    /// In proportion to the share of the function's load these services cause.
    ProRata,
    /// In full, as if the function existed only for these services.
    Full,
}

/// A responder group's properties.
#[derive(Debug, Clone)]
pub struct Group {
    /// Initial knowledge of the services it responds to, in [0, 1]; 1 is the owners'.
    pub knowledge: f64,
    /// Knowledge that general skills keep however much the services change.
    pub knowledge_floor: f64,
    /// How the group is funded.
    pub funding: Funding,
    /// Multiplier on the time to detect, from the telemetry this group works with.
    pub telemetry_delay_factor: f64,
    /// Time from detection until this group's on-call is paged.
    pub routing: Dist,
    /// Responders on call at the same time (per team for developers).
    pub concurrent_oncall: u32,
    /// Annual salary per person (the overhead factor in [`Costs`] makes it fully loaded).
    pub salary: f64,
    /// Whether the group holds production access, so it can roll back a failed deployment.
    pub production_access: bool,
    /// Services the group serves in all, when it is a function shared beyond this scenario;
    /// `None`: only the scenario's services.
    pub estate_services: Option<u32>,
    /// How a shared function's staff cost is charged.
    pub charging: Charging,
    /// Share of the group's working time it can give to knowledge synchronisation.
    pub sync_share: f64,
    /// People in the function (across its estate), when the scenario states them; `None`:
    /// sized from the load and the minimum a 24/7 rota needs. Never set for developers.
    pub headcount: Option<u32>,
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

impl Groups {
    /// The group named `id`.
    pub fn get(&self, id: GroupId) -> &Group {
        match id {
            GroupId::Dev => &self.dev,
            GroupId::Sre => &self.sre,
            GroupId::Ops => &self.ops,
        }
    }
}

/// How `sre-run` escalates to developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevEscalation {
    /// The dev team keeps an on-call L2 rota and is paged at once.
    OnCall,
    /// The dev team is not on call: escalations wait for business hours and prioritisation.
    BusinessHours,
}

/// `sre-run` parameters: the readiness review by evidence, hand-back and escalation.
#[derive(Debug, Clone)]
pub struct SreRun {
    /// Services with at least this availability target are candidates for the SRE team.
    pub min_availability_target: f64,
    /// How SREs reach developers.
    pub dev_escalation: DevEscalation,
    /// Consecutive quarters outside budget after which SRE hands a service back.
    pub handback_after_quarters: u32,
    /// Consecutive quarters within budget under its owners before a candidate is admitted
    /// (and a handed-back service re-admitted).
    pub evidence_quarters: u32,
    /// SMITH: a team requests SRE when its service's traffic becomes substantial (the
    /// review), shares the rota with SRE, and hands it over when traffic becomes critical.
    /// Traffic at or above this starts the readiness review (0: always).
    pub substantial_traffic: f64,
    /// Traffic at or above this hands the service over to SRE (0: always; at or below
    /// `substantial_traffic` there is no shared stage).
    pub critical_traffic: f64,
    /// Hours the readiness review costs each of the owning team and the SRE team.
    pub review_hours: f64,
    /// Probability that a review passes; a failed one needs new evidence.
    pub review_pass_probability: f64,
}

impl SreRun {
    /// Whether admission has a shared-rota stage between the review and the hand-over.
    pub fn staged(&self) -> bool {
        self.critical_traffic > self.substantial_traffic
    }
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
    /// Minimum size of a dedicated 24/7 on-call rota (SRE book ch. 11: 8 for one site).
    pub min_rota_size: u32,
    /// Largest share of a person's time spent on call (SRE book: 25%).
    pub max_oncall_share: f64,
    /// Full-time equivalents needed to staff one 24/7 operations seat.
    pub ops_fte_per_seat: f64,
    /// Cost of delayed features per service per day of feature freeze.
    pub freeze_cost_per_day: f64,
    /// Share of an on-call developer's business-hours output lost to interruptions.
    pub dev_oncall_productivity_loss: f64,
    /// Salary × this = fully loaded cost of a person (benefits, payroll taxes, space).
    pub overhead_factor: f64,
    /// How developers' on-call time is charged.
    pub dev_oncall_charge: DevOncallCharge,
    /// Largest share of a shared function's staffed time spent on incident work; a shared
    /// function is sized for its estate's load with this ceiling (SRE book: 50%).
    pub max_operational_load: f64,
    /// What `max_operational_load` is a share of when a function is sized from its load.
    pub operational_load_basis: LoadBasis,
}

/// How developers' on-call time is charged to the operating model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevOncallCharge {
    /// Standby and call-out pay only.
    Standby,
    /// Standby and call-out pay plus the business-hours output lost to interruptions.
    Opportunity,
}

/// A development team.
#[derive(Debug, Clone)]
pub struct Team {
    /// Team name.
    pub name: String,
    /// Developers in the team.
    pub headcount: u32,
    /// How the team runs its services under `you-run`.
    pub setup: TeamSetup,
    /// Index of its domain (teams sharing an out-of-hours domain rota).
    pub domain: usize,
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

/// A customer journey: revenue that depends on every one of its services. At each moment
/// the journey is impaired by the largest impairment among its services (each service's
/// own: its open incidents' impacts summed and capped at 1), so two of its services down
/// at once lose its revenue once.
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    /// Journey name.
    pub name: String,
    /// Revenue lost per hour of the journey's full outage: its share of the
    /// organisation's revenue per year over 8,760 hours, or as stated.
    pub revenue_per_hour: f64,
    /// Indices of its services in [`Scenario::services`], each once, in the order given.
    pub services: Vec<usize>,
}

impl Scenario {
    /// Revenue at risk per year: what a year of every service fully down would lose, each
    /// journey's revenue once plus each service's own `revenue_per_hour`.
    pub fn revenue_at_risk_per_year(&self) -> f64 {
        let journeys: f64 = self.journeys.iter().map(|j| j.revenue_per_hour).sum();
        let services: f64 = self.services.iter().map(|s| s.revenue_per_hour).sum();
        (journeys + services) * crate::units::HOURS_PER_YEAR
    }

    /// The tiers: the services' distinct availability targets, highest first.
    pub fn tiers(&self) -> Vec<f64> {
        let mut tiers: Vec<f64> = self
            .services
            .iter()
            .map(|s| s.availability_target)
            .collect();
        tiers.sort_by(|a, b| b.total_cmp(a));
        tiers.dedup();
        tiers
    }
}

impl Service {
    /// A non-owner's rollback effort: its own distribution, or the owners' change effort.
    pub fn rollback(&self) -> &Dist {
        self.rollback_effort.as_ref().unwrap_or(&self.change_effort)
    }
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
    /// Revenue lost per hour of the service's full outage, on top of its journeys'
    /// (0 by default for a service on a journey).
    pub revenue_per_hour: f64,
    /// Hands-on time an owner with full knowledge needs to restore service.
    pub effort: Dist,
    /// Owners' hands-on time to restore service after a failed deployment.
    pub change_effort: Dist,
    /// A non-owner's hands-on time to roll a failed deployment back (with production
    /// access); `None`: the owners' `change_effort`, since owners mostly roll back too.
    pub rollback_effort: Option<Dist>,
    /// Time to detect with the owners' telemetry.
    pub detection: Dist,
    /// Severity classes; shares sum to 1.
    pub severities: Vec<Severity>,
    /// Relative weight of each hour of the week (Monday 00:00 first) for background incidents.
    pub arrival_profile: Option<Vec<f64>>,
    /// Whether deployments happen only in business hours.
    pub deploy_in_business_hours: bool,
    /// Indices of services this one depends on.
    pub depends_on: Vec<usize>,
    /// Share of incidents that cross team boundaries (0 without cross-team dependencies).
    pub cross_team_share: f64,
    /// The hours in which incidents are worked: outside them a detected incident waits
    /// for the next supported hour, under every model.
    pub support: SupportHours,
    /// Traffic at the start of the measured window, in the scenario's own unit (for
    /// `sre-run`'s staged adoption: `[sre_run] substantial_traffic`, `critical_traffic`).
    pub traffic: f64,
    /// Growth of the traffic per year (0.25: a quarter more each year).
    pub traffic_growth: f64,
    /// Who answers its pages outside business hours: its team's rota or its domain's.
    pub rota: Rota,
    /// Who runs it under the `assigned` model (`runner`; its owners unless stated). No
    /// other model reads it.
    pub runner: Runner,
    /// The runners it may have (`allowed_runners`; empty: any): `assigned` refuses
    /// another, and `whoruns frontier` never proposes one.
    pub allowed_runners: Vec<Runner>,
}

/// The hours a service is supported in (`support`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SupportHours {
    /// Business hours only (the scenario's calendar): no out-of-hours on-call.
    BusinessHours,
    /// The extended window (`[support] extended_hours`, `extended_days`).
    Extended,
    /// Around the clock.
    AllHours,
}

/// Who is on call for a service outside business hours (`rota`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rota {
    /// The owning team's own rota.
    Team,
    /// One rota shared by the teams of the owning team's domain.
    Domain,
}

/// `[support]`: the extended window, the availability bands that choose a service's
/// support hours and rota when it states none, and a domain rota's knowledge.
#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    /// The hours of `support = "extended"` (containing business hours).
    pub extended: Calendar,
    /// From this availability target a service is supported out of hours (by a domain
    /// rota); below it, in business hours only.
    pub out_of_hours_from: f64,
    /// From this availability target a service has its team's own rota around the clock.
    pub team_rota_from: f64,
    /// What a developer of another team in the domain knows of a service.
    pub domain_knowledge: f64,
}

impl Support {
    /// The support hours and rota a service with `target` takes when it states none.
    pub fn by_target(&self, target: f64) -> (SupportHours, Rota) {
        if target >= self.team_rota_from {
            (SupportHours::AllHours, Rota::Team)
        } else if target >= self.out_of_hours_from {
            (SupportHours::AllHours, Rota::Domain)
        } else {
            (SupportHours::BusinessHours, Rota::Team)
        }
    }
}

impl Scenario {
    /// The first moment at or after `t` inside service `s`'s support hours.
    pub fn next_supported(&self, s: usize, t: f64) -> f64 {
        match self.services[s].support {
            SupportHours::AllHours => t,
            SupportHours::Extended => self.support.extended.next_open(t),
            SupportHours::BusinessHours => self.calendar.next_open(t),
        }
    }

    /// Whether `t` is outside business hours and service `s` is answered then by its
    /// domain's rota.
    pub fn domain_answers(&self, s: usize, t: f64) -> bool {
        // The hour before the domain: asked of every page of such a service, and the
        // domain's teams are counted through the whole estate.
        self.services[s].rota == Rota::Domain
            && !self.calendar.is_open(t)
            && self.domain_is_shared(self.teams[self.services[s].team].domain)
    }

    /// Whether domain `d` has more than one team (a domain of one team is that team's own
    /// rota: `rota = "domain"` then changes nothing).
    pub fn domain_is_shared(&self, d: usize) -> bool {
        // A second team of the domain settles it: the rest of the estate is not counted.
        self.teams.iter().filter(|t| t.domain == d).nth(1).is_some()
    }

    /// What the domain rota's developer knows of service `s` on average: an owner's
    /// knowledge with the chance that the developer on call is of the owning team (its
    /// share of the domain's developers), `support.domain_knowledge` otherwise. Diagnosis
    /// time and escalation are linear in knowledge, so their means are those of the mix.
    pub fn domain_knowledge(&self, s: usize) -> f64 {
        let team = &self.teams[self.services[s].team];
        let domain: u32 = self
            .teams
            .iter()
            .filter(|t| t.domain == team.domain)
            .map(|t| t.headcount)
            .sum();
        let own = f64::from(team.headcount) / f64::from(domain.max(1));
        own * self.groups.dev.knowledge + (1.0 - own) * self.support.domain_knowledge
    }

    /// The number of domains (teams' `domain`, numbered from 0).
    pub fn domains(&self) -> usize {
        self.teams.iter().map(|t| t.domain + 1).max().unwrap_or(0)
    }
}
