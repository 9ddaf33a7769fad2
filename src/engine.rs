//! The discrete-event engine: one model responding to one replication's world.
//!
//! Lifecycle of an incident: occur → detect (telemetry of the first responder's group;
//! slower across team boundaries unless ops monitors them) → route → page and wait for a
//! free responder of the L1 pool (FIFO) → acknowledge → diagnose and mitigate (effort ×
//! knowledge penalty) → possibly escalate to the owning developers (paged at once when on
//! call, else the next business hours plus prioritisation; L1 may apply a workaround
//! meanwhile) → restored. Around it: deployments erode non-owners' knowledge, sync hours
//! restore it, error budgets freeze features, and `sre-run` hands services back.
//!
//! The engine does no I/O. Everything random about the incidents is in the [`World`], so
//! all models see the same incidents; only feedback (regressions from workaround conflicts,
//! workaround lifetimes) draws from a per-model stream.

mod breakdown;
mod downtime;
mod events;
mod journey;
mod knowledge;
mod long_run;
mod measure;

pub use breakdown::{PARTS, Trace};
pub use measure::reprice;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::RngExt;

use crate::model::ModelKind;
use crate::models::settling::starting_knowledge;
use crate::models::sync::{TRACKED, tracked_index};
use crate::models::{
    Escalation, Next, OnCall, Policy, Responder, Runner, crosses_teams, rolls_back, route,
};
use crate::outcome::{Outcome, WeekSample};
use crate::rng::{Purpose, SimRng, keyed_uniform, stream};
use crate::scenario::{BudgetWindow, HeldChanges, OnConflict, QueueOrder, Scenario};
use crate::units::{HOURS_PER_WEEK, HOURS_PER_YEAR};
use crate::world::{
    Cause, Incident, Streams, World, cascade_streams, draw_incident, feedback_streams,
};

use downtime::Impairment;
use journey::Journeys;
use knowledge::KnowledgeState;
use long_run::LongRun;

/// Hours in a quarter (a quarter of a 365-day year).
pub const HOURS_PER_QUARTER: f64 = HOURS_PER_YEAR / 4.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Detected and routed: page L1.
    L1Request,
    /// L1 finished its work (restored, or escalating).
    L1Done,
    /// L1 finished applying a workaround.
    WorkaroundDone,
    /// Page the on-call developer.
    L2Request,
    /// The developer fix is done (and deployed).
    L2Done,
    /// A regression incident occurs.
    Arrival,
    /// End of a week: check error budgets; after the warm-up, sample.
    WeekTick,
    /// End of a quarter: error-budget policy, hand-backs.
    QuarterTick,
    /// End of the warm-up: downtime is measured from here.
    Warmup,
    /// End of a measured quarter (counted from the warm-up): take a snapshot.
    QuarterMark,
    /// An incident's follow-up work reaches production.
    FollowUp,
}

/// A scheduled event; ordered by time, then by scheduling order (FIFO among ties).
type Event = events::Event<Kind>;

/// What happens to one incident under this model, with the moments its restore time
/// is split at (see [`breakdown`]).
#[derive(Debug, Clone, Copy)]
struct State {
    l1: Responder,
    escalation: Escalation,
    escalates: bool,
    /// When it arrived: the world's arrival time, or when a freeze that held it back
    /// lifted; infinite while held, if still held at the horizon, and if a freeze that
    /// drops held changes dropped it (it never happened).
    arrived: f64,
    /// Rolled back by a non-owner with production access.
    rolled_back: bool,
    /// Restored by L1's workaround before the developer fix.
    by_workaround: bool,
    requested: f64,
    detected: f64,
    paged: f64,
    l1_start: f64,
    l1_end: f64,
    /// On-call L2: when a developer took it. Business hours: when business hours opened.
    l2_start: f64,
    /// Business hours: when developers began work, after prioritisation.
    l2_begin: f64,
    /// On-call L2: who was paged (the owning team's rota, or its domain's out of hours).
    l2: Responder,
    wait: f64,
    restored: f64,
    /// The owning developers worked it (first responders, swarmed, or after an escalation).
    owners_worked: bool,
    /// They were paged for it out of business hours.
    owners_woken: bool,
    /// Its escalation crossed a team boundary and paid the hand-off.
    handed_off: bool,
}

impl State {
    const PENDING: State = State {
        l1: Responder::Ops,
        escalation: Escalation::None,
        escalates: false,
        arrived: f64::INFINITY,
        rolled_back: false,
        by_workaround: false,
        requested: f64::INFINITY,
        detected: f64::INFINITY,
        paged: f64::INFINITY,
        l1_start: f64::INFINITY,
        l1_end: f64::INFINITY,
        l2_start: f64::INFINITY,
        l2_begin: f64::INFINITY,
        l2: Responder::Ops,
        wait: 0.0,
        restored: f64::INFINITY,
        owners_worked: false,
        owners_woken: false,
        handed_off: false,
    };
}

/// What [`Sim::start`] reads of an incident's state.
#[derive(Clone, Copy)]
struct Started {
    l1: Responder,
    escalation: Escalation,
    l2: Responder,
    handed_off: bool,
}

/// One rota: its responders and the incidents waiting for one of them.
#[derive(Debug, Default, Clone)]
struct Pool {
    size: u32,
    free: u32,
    /// Waiting work, taken smallest key first: (priority, queued order, incident, stage).
    queue: BinaryHeap<Reverse<(u64, u64, u32, Kind)>>,
    /// Waiting work under `response.queue = "fifo"`, in queueing order: the heap's order
    /// when every priority is 0, without its cost.
    fifo: VecDeque<(u32, Kind)>,
}

#[derive(Debug, Clone, Copy)]
struct Workaround {
    created: f64,
    retired: f64,
}

/// Per-service error-budget and ownership state.
///
/// Laid out by use, a cache line at a time (`repr(C)` keeps the order, `align(64)` starts
/// each service on a line): every week reads every service's first line (its downtime,
/// budgets and freeze) and its second (changes held); an arrival
/// reads the first and its runner.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
struct ServiceState {
    /// Running integral of impact-weighted downtime.
    impairment: Impairment,
    /// Its reading at the start of the current quarter.
    at_quarter_start: f64,
    /// Its share of time it may be impaired (1 − its availability target): a quarter's
    /// budget and a rolling window's are this share of their hours, read every week, kept
    /// here rather than looked up in the scenario's service (the same arithmetic).
    unavailable_share: f64,
    frozen_from: f64,
    frozen_until: f64,
    /// Deployments a freeze holds back, waiting to ship when it lifts.
    held_deploys: u32,
    /// Incidents open now.
    open: u32,
    /// Change incidents of those deployments, waiting with them, each with the time it was
    /// held at (when it would have arrived).
    held_incidents: Vec<(u32, f64)>,
    runner: Runner,
    /// Next of this service's deployments not yet applied.
    next_deploy: usize,
    /// When the freeze that holds them began (infinite while nothing is held).
    held_since: f64,
    quarters_out: u32,
    quarters_in: u32,
    /// Its reading at the end of the warm-up.
    at_warmup: f64,
}

// The first line is the weekly pass's and the arrivals', the second the rest of the weekly
// pass's (checked when compiled).
const _: () = assert!(std::mem::offset_of!(ServiceState, held_incidents) == 64);
const _: () = assert!(std::mem::offset_of!(ServiceState, next_deploy) <= 128);
const _: () = assert!(std::mem::offset_of!(ServiceState, runner) < 128);

/// Running totals.
#[derive(Debug, Default, Clone)]
struct Tally {
    escalations: u64,
    pages: u64,
    offhours_pages: u64,
    dev_pages: u64,
    dev_hours: f64,
    ops_sre_hours: f64,
    knowledge_sum: f64,
    knowledge_n: u64,
    non_owner_knowledge_sum: f64,
    non_owner_knowledge_n: u64,
    workarounds_applied: u64,
    regressions: u64,
    freeze_hours: f64,
    deploys_frozen: u64,
    quarters_outside_budget: u64,
    handovers: u64,
    handbacks: u64,
    /// Person-hours of sync given, per tracked group (SRE, ops).
    sync_hours: [f64; 2],
    /// Person-hours of sync the knowledge target demanded, per tracked group.
    sync_demand_hours: [f64; 2],
    /// Service-hours run by someone other than the owning developers.
    handed_over_hours: f64,
    /// Incidents on services run by non-owners, and how many of them paged a developer.
    handed_over_incidents: u64,
    handed_over_dev_pages: u64,
    rollbacks: u64,
    /// Incidents that pulled in a second responder from the owning team.
    swarmed: u64,
    /// Integrals over time of who is on call: around the clock, then (wall-clock hours of
    /// rotas on call in part of the day, see [`OnCall`]) in the extended window, in
    /// business hours, by domain rotas around and in the extended window out of hours.
    dev_oncall_hours: f64,
    dev_ext_hours: f64,
    dev_bh_hours: f64,
    domain_hours: f64,
    domain_ext_hours: f64,
    sre_oncall_hours: f64,
    sre_ext_hours: f64,
    sre_bh_hours: f64,
    rota_people_hours: f64,
    /// Incidents the world drew that follow-up work prevented.
    prevented: u64,
    /// Incidents propagated along `depends_on`.
    cascades: u64,
    /// Follow-up work done, and the owning developers' hours it took.
    followups: u64,
    followup_hours: f64,
    /// Escalations that crossed a team boundary.
    handoffs: u64,
    /// Deployments that reached production.
    deploys: u64,
    /// Readiness reviews held, and of them failed.
    reviews: u64,
    reviews_failed: u64,
}

/// The running totals and readings at the end of a measured quarter (and at the horizon),
/// from which each quarter's figures are differences.
#[derive(Debug, Clone)]
struct Snapshot {
    t: f64,
    tally: Tally,
    service_downtime: Vec<f64>,
    journey_downtime: Vec<f64>,
    workarounds_open: u32,
    /// Mean background-rate multiplier, change-rate multiplier, telemetry, resilience.
    long: [f64; 4],
}

/// One model's simulation of one replication. Cloned where variants of a scenario share
/// their start ([`simulate_variants`]).
#[derive(Clone)]
struct Sim<'a> {
    scenario: &'a Scenario,
    policy: &'a Policy,
    world: &'a World,
    /// This model's regressions; incident `i` is `world.incidents[i]` below the world's
    /// count, `regressions[i - count]` above.
    regressions: Vec<Incident>,
    /// The most regressions a replication may create before the run-time guard stops the
    /// feedback loop ([`runaway_limit`]).
    max_regressions: usize,
    /// Whether the guard stopped it: the replication's results are not a finding, and the
    /// runner refuses the run.
    runaway: bool,
    states: Vec<State>,
    /// The next of the world's incidents to arrive (the main loop's position in them).
    next_incident: usize,
    heap: events::Events<Kind>,
    seq: u64,
    /// Order in which work joined a rota's queue.
    queued: u64,
    pools: Vec<Pool>,
    teams: usize,
    warmup: f64,
    horizon: f64,
    services: Vec<ServiceState>,
    /// Customer journeys' running downtime integrals.
    journeys: Journeys,
    knowledge: KnowledgeState,
    /// Per service, its workarounds in the order they were applied; those retired by the
    /// current time are pruned (no later question can count them open).
    workarounds: Vec<Vec<Workaround>>,
    feedback: Streams,
    feedback_rng: SimRng,
    /// Services' incident rates, telemetry and resilience over the long run.
    long: LongRun,
    /// For each service, the services that depend on it (cascades run this way).
    dependents: Vec<Vec<u32>>,
    cascade: Streams,
    /// The replication's seed (for numbers keyed by what they decide).
    seed: u64,
    oncall: OnCall,
    oncall_since: f64,
    /// Per pool: the 12-hour shift being counted and its pages so far.
    shift_pages: Vec<(u64, u32)>,
    /// Per-person pages of every (pool, shift) that had pages, closed so far.
    shift_loads: Vec<f64>,
    weekly: Vec<WeekSample>,
    /// A rolling budget window's readings of each service's downtime at the end of its
    /// last `window_weeks` weeks, week after week in a ring (`window_weeks` rows of one
    /// reading per service): a week reads the row it then overwrites, every service's
    /// side by side. Empty for a quarter's window, and for one longer than the run.
    readings: Vec<f64>,
    /// The rolling window's weeks (0 for a quarter's): the ring's rows, when it is kept.
    window_weeks: usize,
    /// Weeks read into the ring so far.
    weeks_read: usize,
    tally: Tally,
    /// Snapshots at the end of each measured quarter and at the horizon.
    snapshots: Vec<Snapshot>,
}

/// The most regressions one replication of one model may create: [`RUNAWAY_FACTOR`] per
/// incident the world drew, plus [`RUNAWAY_SLACK`]. Beyond it the feedback loop of fixes,
/// workaround conflicts and new workarounds has run away (a supercritical branching
/// process) and the runner refuses the run instead of reporting its numbers.
pub fn runaway_limit(world_incidents: usize) -> usize {
    RUNAWAY_FACTOR * world_incidents + RUNAWAY_SLACK
}

/// How many regressions per drawn incident the run-time guard allows (the bundled
/// scenarios reach at most 0.014 regressions per measured incident in any replication and
/// model, at their own replications: `whoruns run scenarios/<name>.toml --no-report`).
pub const RUNAWAY_FACTOR: usize = 10;

/// Regressions allowed whatever the number of drawn incidents.
pub const RUNAWAY_SLACK: usize = 1_000;

/// For each service, the services whose `depends_on` names it.
fn dependents(scenario: &Scenario) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); scenario.services.len()];
    for (i, s) in scenario.services.iter().enumerate() {
        for &d in &s.depends_on {
            // A dependency named twice is one dependency.
            if !out[d].contains(&(i as u32)) {
                out[d].push(i as u32);
            }
        }
    }
    out
}

/// A service's error budget for one quarter, hours of full outage.
pub fn quarter_budget(scenario: &Scenario, service: usize) -> f64 {
    (1.0 - scenario.services[service].availability_target) * HOURS_PER_QUARTER
}

/// Simulates `model` on `world` and measures the outcome.
pub fn simulate(
    scenario: &Scenario,
    world: &World,
    model: ModelKind,
    replication: u32,
    seed: u64,
) -> Outcome {
    simulate_policy(
        scenario,
        world,
        &Policy::of(scenario, model),
        replication,
        seed,
    )
}

/// As [`simulate`], for a policy derived once per run ([`crate::models::policies`]).
pub fn simulate_policy(
    scenario: &Scenario,
    world: &World,
    policy: &Policy,
    replication: u32,
    seed: u64,
) -> Outcome {
    // The model's own incidents are drawn from the world's spec: the world must be the
    // scenario's (for this policy, or for more models).
    debug_assert!(
        world.spec.serves(&crate::world::WorldSpec::of(
            scenario,
            std::slice::from_ref(policy)
        )),
        "a world simulated against a scenario it was not drawn from"
    );
    let mut sim = Sim::new(scenario, world, policy, seed);
    sim.run();
    measured(sim, replication, seed)
}

/// `sim`'s outcome, its incidents' states kept for this thread's next simulation.
fn measured(mut sim: Sim<'_>, replication: u32, seed: u64) -> Outcome {
    let outcome = measure::measure(&mut sim, replication, seed);
    keep_states(std::mem::take(&mut sim.states));
    outcome
}

/// Whether `a` and `b` differ at most in what acts only after the warm-up: the long-run
/// mechanisms' settings (`learning`, but for the follow-ups' `delay`, which the worlds
/// draw; `telemetry`; `cascades.step`). Until the warm-up's end their simulations are then
/// one and the same, event for event: what [`simulate_variants`] asks of its variants.
///
/// Before the warm-up's end no follow-up is scheduled (`follow_up` returns), so the
/// `done_when_*` shares, `handed_off_delay_factor` and `effort` are not read; and nothing
/// of the long run moves (`engine::long_run`: every rate and telemetry multiplier is
/// exactly 1, resilience as written, whatever `incentive`, `step`, `floor`,
/// `drift_per_year`, `telemetry.*` and `cascades.step`). Nor does it read what no
/// simulation reads: the name, the description, validation's warnings (which name their
/// file) and the analyses' tables. Compared field by field through their `Debug` text
/// (every field, every number to the bit), once per run, not per replication.
pub fn same_warm_up(a: &Scenario, b: &Scenario) -> bool {
    warm_up_key(a) == warm_up_key(b)
}

/// What of `s` its warm-up reads, as text: two scenarios with the same key are
/// [`same_warm_up`]. Everything but the fields the warm-up does not read, which are set
/// to 0 or emptied, through the `Debug` text (every number to the bit).
pub fn warm_up_key(s: &Scenario) -> String {
    let mut s = s.clone();
    // Written out field by field: a new setting must be placed on one side or the other.
    s.learning = crate::scenario::Learning {
        incentive: 0.0,
        done_when_felt: 0.0,
        done_when_woken: 0.0,
        done_when_handed_off: 0.0,
        done_when_frozen: 0.0,
        delay: s.learning.delay.clone(),
        handed_off_delay_factor: 0.0,
        effort_hours: 0.0,
        step: 0.0,
        floor: 0.0,
        drift_per_year: 0.0,
    };
    s.telemetry = crate::scenario::Telemetry {
        best: 0.0,
        worst: 0.0,
        use_step: 0.0,
        decay_per_year: 0.0,
    };
    s.cascades.step = 0.0;
    s.name.clear();
    s.description.clear();
    s.warnings.clear();
    s.sweep = None;
    s.sensitivity = Default::default();
    format!("{s:?}")
}

/// Simulates `policy` on `world` under each of `variants`, one scenario with several
/// settings of the long-run mechanisms (each pair [`same_warm_up`], and `policy` the same
/// under each), and measures each outcome, in `variants`' order.
///
/// The mechanisms act only after the warm-up ([`same_warm_up`]), so until then the
/// variants' simulations are one and the same, event for event. It is simulated once, to
/// the last event before the warm-up's end, and carried on from there under each variant
/// with that variant's mechanisms, from their state at the start (which is still theirs
/// then). Each outcome is bit for bit [`simulate_policy`]'s under its variant
/// (`tests::a_shared_warm_up_gives_each_variant_its_own_run`).
pub fn simulate_variants(
    variants: &[&Scenario],
    world: &World,
    policy: &Policy,
    replication: u32,
    seed: u64,
) -> Vec<Outcome> {
    let Some((last, rest)) = variants.split_last() else {
        return Vec::new();
    };
    let first = variants[0];
    debug_assert!(
        variants
            .iter()
            .all(|v| v.warmup_hours.to_bits() == first.warmup_hours.to_bits()
                && v.horizon_hours.to_bits() == first.horizon_hours.to_bits()
                && v.seed == first.seed),
        "variants that differ in their warm-up"
    );
    let mut shared = Sim::new(first, world, policy, seed);
    shared.begin();
    shared.advance(shared.warmup.min(shared.horizon));
    let mut out = Vec::with_capacity(variants.len());
    for variant in rest {
        out.push(carry_on(shared.fork(), variant, replication, seed));
    }
    out.push(carry_on(shared, last, replication, seed));
    out
}

/// `sim`, advanced to the end of the warm-up under one variant's settings, carried on to
/// the horizon under `variant`'s, and measured.
fn carry_on<'a>(mut sim: Sim<'a>, variant: &'a Scenario, replication: u32, seed: u64) -> Outcome {
    sim.scenario = variant;
    sim.long = LongRun::new(variant);
    sim.advance(sim.horizon);
    sim.finish();
    measured(sim, replication, seed)
}

thread_local! {
    /// The incidents' states of this thread's last simulation, kept for its next: a
    /// replication's states are allocated once per thread, not once per model and
    /// replication (the allocation and its page faults were a few percent of a run).
    static SPARE_STATES: std::cell::Cell<Vec<State>> = const { std::cell::Cell::new(Vec::new()) };
}

/// `n` pending states, in this thread's spare vector when it has one.
fn spare_states(n: usize) -> Vec<State> {
    let mut states = SPARE_STATES.with(std::cell::Cell::take);
    states.clear();
    states.resize(n, State::PENDING);
    states
}

/// A copy of `items` with room to grow: the original's capacity, or its length and a
/// quarter more, whichever is larger (a regression's push then does not copy them all
/// again).
fn with_room<T: Copy>(items: &Vec<T>) -> Vec<T> {
    let room = items.capacity().max(items.len() + items.len() / 4 + 16);
    let mut copy = Vec::with_capacity(room);
    copy.extend_from_slice(items);
    copy
}

/// Keeps `states` for this thread's next simulation.
fn keep_states(states: Vec<State>) {
    SPARE_STATES.with(|spare| spare.set(states));
}

/// Simulates `model` on `world` and returns every incident's trace: when it arrived, when
/// it was restored and its restore time split into [`PARTS`]. For checks and incident logs.
pub fn trace(scenario: &Scenario, world: &World, model: ModelKind, seed: u64) -> Vec<Trace> {
    let policy = Policy::of(scenario, model);
    let mut sim = Sim::new(scenario, world, &policy, seed);
    sim.run();
    let all = sim.world.incidents.iter().chain(&sim.regressions);
    all.zip(&sim.states)
        .filter(|(_, st)| st.arrived.is_finite())
        .map(|(inc, st)| breakdown::trace(inc, st))
        .collect()
}

impl<'a> Sim<'a> {
    fn new(scenario: &'a Scenario, world: &'a World, policy: &'a Policy, seed: u64) -> Self {
        let teams = scenario.teams.len();
        let g = &scenario.groups;
        let pool = |size: u32| Pool {
            size,
            free: size,
            queue: BinaryHeap::new(),
            fifo: VecDeque::new(),
        };
        let mut pools: Vec<Pool> = (0..teams).map(|_| pool(g.dev.concurrent_oncall)).collect();
        pools.extend((0..teams).map(|_| pool(1)));
        pools.push(pool(g.sre.concurrent_oncall));
        pools.push(pool(g.ops.concurrent_oncall));
        pools.extend((0..scenario.domains()).map(|_| pool(g.dev.concurrent_oncall)));
        let services: Vec<ServiceState> = (0..scenario.services.len())
            .map(|s| ServiceState {
                runner: policy.initial_runner(scenario, s),
                frozen_from: f64::INFINITY,
                frozen_until: f64::NEG_INFINITY,
                next_deploy: 0,
                held_deploys: 0,
                held_incidents: Vec::new(),
                held_since: f64::INFINITY,
                quarters_out: 0,
                quarters_in: 0,
                open: 0,
                impairment: Impairment::default(),
                at_quarter_start: 0.0,
                at_warmup: 0.0,
                unavailable_share: 1.0 - scenario.services[s].availability_target,
            })
            .collect();
        let k = &scenario.knowledge;
        let window_weeks = match scenario.error_budget.window {
            BudgetWindow::Rolling(hours) => ((hours / HOURS_PER_WEEK).round() as usize).max(1),
            BudgetWindow::Quarter => 0,
        };
        // A window longer than the run is never full (there are at most this many weeks):
        // its budget is read against nothing spent before the run, and no ring is kept.
        let weeks_in_run = (scenario.horizon_hours / HOURS_PER_WEEK) as usize + 1;
        let ring_rows = if window_weeks <= weeks_in_run {
            window_weeks
        } else {
            0
        };
        let mut sim = Sim {
            scenario,
            world,
            regressions: Vec::new(),
            max_regressions: runaway_limit(world.incidents.len()),
            runaway: false,
            states: spare_states(world.incidents.len()),
            next_incident: 0,
            heap: events::Events::new(),
            seq: 0,
            queued: 0,
            pools,
            teams,
            warmup: scenario.warmup_hours,
            horizon: scenario.horizon_hours,
            services,
            journeys: Journeys::new(scenario, scenario.warmup_hours),
            knowledge: KnowledgeState::new(
                (0..scenario.services.len())
                    .map(|s| [0, 1].map(|g| starting_knowledge(scenario, policy, g, s)))
                    .collect(),
                [g.sre.knowledge_floor, g.ops.knowledge_floor],
                k.erosion_per_deploy,
                policy.responds.clone(),
            ),
            workarounds: vec![Vec::new(); scenario.services.len()],
            feedback: feedback_streams(world.spec.needs, seed, policy.stream),
            feedback_rng: stream(seed, Purpose::Feedback, policy.stream as u64),
            long: LongRun::new(scenario),
            dependents: dependents(scenario),
            cascade: cascade_streams(world.spec.needs, seed, policy.stream),
            seed,
            policy,
            oncall: OnCall::default(),
            oncall_since: 0.0,
            shift_pages: Vec::new(),
            shift_loads: Vec::new(),
            weekly: Vec::with_capacity(
                (scenario.horizon_hours / HOURS_PER_WEEK) as usize * scenario.services.len(),
            ),
            readings: vec![0.0; ring_rows * scenario.services.len()],
            window_weeks,
            weeks_read: 0,
            tally: Tally::default(),
            snapshots: Vec::new(),
        };
        sim.tally.handovers = sim
            .services
            .iter()
            .filter(|s| s.runner == Runner::Sre)
            .count() as u64;
        sim.reopen(0.0);
        sim
    }

    /// A copy to carry on separately, with room for the weekly samples still to come (as
    /// [`Sim::new`] makes: a clone has only what it holds), and for the incidents its own
    /// dynamics will create: the states and regressions are copied once into vectors with
    /// that room, where a clone (with no room beyond their length) was copied a second time
    /// by its first regression's push (`RawVec::grow_one`: 2% of the instructions of
    /// `whoruns run scenarios/baseline.toml -n 20`, callgrind).
    fn fork(&mut self) -> Self {
        let states = std::mem::take(&mut self.states);
        let regressions = std::mem::take(&mut self.regressions);
        let mut sim = self.clone();
        sim.states = with_room(&states);
        sim.regressions = with_room(&regressions);
        self.states = states;
        self.regressions = regressions;
        sim.weekly
            .reserve(self.weekly.capacity().saturating_sub(self.weekly.len()));
        sim
    }

    fn schedule(&mut self, time: f64, kind: Kind, index: u32) {
        self.seq += 1;
        let event = Event {
            time_bits: time.max(0.0).to_bits(),
            seq: self.seq,
            kind,
            index,
        };
        self.heap.push(event, kind == Kind::FollowUp);
    }

    /// The whole run: its start, every event before the horizon, and its end.
    fn run(&mut self) {
        self.begin();
        self.advance(self.horizon);
        self.finish();
    }

    /// Schedules the run's clock events: the weekly and quarterly ticks, the end of the
    /// warm-up and the first measured quarter's end.
    fn begin(&mut self) {
        let horizon = self.horizon;
        let weeks = (horizon / HOURS_PER_WEEK).floor() as u32;
        if weeks > 0 {
            self.schedule(HOURS_PER_WEEK, Kind::WeekTick, 1);
        }
        if horizon > HOURS_PER_QUARTER {
            self.schedule(HOURS_PER_QUARTER, Kind::QuarterTick, 1);
        }
        if self.warmup > 0.0 {
            self.schedule(self.warmup, Kind::Warmup, 0);
        }
        if self.warmup + HOURS_PER_QUARTER < horizon {
            self.schedule(self.warmup + HOURS_PER_QUARTER, Kind::QuarterMark, 1);
        }
    }

    /// The main loop: handles every event before `until` (at most the horizon), world
    /// incidents and deployments merged in time order with the scheduled events, so they
    /// never pass through the heap. It stops at the first event at or after `until`
    /// without touching it: a run advanced to some time and then on to the horizon
    /// handles the same events, in the same order, as one advanced to the horizon at once.
    fn advance(&mut self, until: f64) {
        let mut next_incident = self.next_incident;
        let world = self.world;
        loop {
            let t_inc = world
                .incidents
                .get(next_incident)
                .map_or(f64::INFINITY, |i| i.arrival);
            let t_ev = self
                .heap
                .peek_time_bits()
                .map_or(f64::INFINITY, f64::from_bits);
            let t = t_inc.min(t_ev);
            if t >= until {
                break;
            }
            if t_inc <= t {
                self.arrive(next_incident, t);
                next_incident += 1;
            } else if let Some(ev) = self.heap.pop() {
                self.handle(ev, t);
            }
        }
        self.next_incident = next_incident;
    }

    /// The run's end, once every event before the horizon is handled: the deployments
    /// still to apply, a last quarter that ends on the horizon, and the final snapshot.
    fn finish(&mut self) {
        let horizon = self.horizon;
        for s in 0..self.services.len() {
            self.deploy_until(s, horizon);
        }
        // A horizon that ends on a quarter boundary completes that quarter: count it (there
        // is no next quarter for the policy to act in).
        let quarters = horizon / HOURS_PER_QUARTER;
        if quarters >= 1.0 && (quarters - quarters.round()).abs() < 1e-9 && horizon > self.warmup {
            for s in 0..self.services.len() {
                if self.quarter_downtime(s, horizon) > self.quarter_budget(s) {
                    self.tally.quarters_outside_budget += 1;
                }
            }
        }
        self.close(horizon);
        if horizon > self.warmup {
            let last = self.snapshot(horizon);
            self.snapshots.push(last);
        }
    }

    /// The running totals and readings at `t`, with the on-call and sync hours accrued
    /// since the last change of runners, without changing the simulation.
    fn snapshot(&self, t: f64) -> Snapshot {
        let mut tally = self.tally.clone();
        self.accrue(&mut tally, t);
        let warmup = self.warmup;
        Snapshot {
            t,
            tally,
            service_downtime: self
                .services
                .iter()
                .map(|st| st.impairment.at(t) - st.at_warmup)
                .collect(),
            journey_downtime: self.journeys.downtime(t),
            workarounds_open: (0..self.services.len() as u32)
                .map(|s| self.open_workarounds(s, t))
                .sum(),
            long: if t >= warmup {
                self.long.means(t)
            } else {
                [1.0, 1.0, 1.0, 0.0]
            },
        }
    }

    fn frozen(&self, service: usize, t: f64) -> bool {
        let st = &self.services[service];
        st.frozen_from <= t && t < st.frozen_until
    }

    fn freeze_holds_back(&self, service: usize, t: f64, freeze_u: f64) -> bool {
        self.frozen(service, t) && freeze_u >= self.scenario.error_budget.freeze_deploy_share
    }

    /// Applies the deployments of service `s` up to and including time `t`, lazily: only
    /// their own service's knowledge and freeze state depend on them, so they are applied
    /// when that state is next read or changed (and at the end), in their own time order.
    fn deploy_until(&mut self, s: usize, t: f64) {
        let list = &self.world.deployments[s];
        let mut next = self.services[s].next_deploy;
        if list.time.get(next).is_none_or(|&d| d > t) {
            return;
        }
        // The service's freeze does not change while its deployments are applied: what
        // `freeze_holds_back` and `hold` read is read once. A few deployments a call, so
        // walked rather than searched.
        let share = self.scenario.error_budget.freeze_deploy_share;
        let deferred = self.scenario.error_budget.held_changes == HeldChanges::Deferred;
        let (warmup, tally) = (self.warmup, &mut self.tally);
        let st = &mut self.services[s];
        let mut knowledge = self.knowledge.service(s);
        // Knowledge no one can read is left alone (`Policy::responds`).
        let tracked = knowledge.tracked();
        // The times only: a deployment's freeze uniform is read while the service is
        // frozen.
        while let Some(&time) = list.time.get(next) {
            if time > t {
                break;
            }
            let frozen = st.frozen_from <= time && time < st.frozen_until;
            if frozen && list.freeze_u[next] >= share {
                if time >= warmup {
                    tally.deploys_frozen += 1;
                }
                if hold(st, deferred) {
                    st.held_deploys += 1;
                }
            } else {
                if tracked {
                    knowledge.deploy(time);
                }
                if time >= warmup {
                    tally.deploys += 1;
                }
            }
            next += 1;
        }
        st.next_deploy = next;
    }

    /// Ships what a freeze held back on service `s`, if it is no longer frozen at `t`. The
    /// held changes go out at the pace they were written: each one later by the time it
    /// was held, rounded up to whole weeks, so a change written on a Tuesday at 10:00
    /// ships on a Tuesday at 10:00 (in business hours if it was written in them); the
    /// incident of a failed one arrives then, unless a new freeze holds it again. Their
    /// knowledge erosion is applied when the freeze lifts (an approximation: erosion is a
    /// share per deployment, so only its timing moves).
    #[inline(always)]
    fn release_held(&mut self, s: usize, t: f64) {
        // Asked of every service every week: the common answer, nothing held, without a
        // call.
        let st = &self.services[s];
        if self.frozen(s, t) || (st.held_deploys == 0 && st.held_incidents.is_empty()) {
            return;
        }
        self.release_held_now(s, t);
    }

    fn release_held_now(&mut self, s: usize, t: f64) {
        // Deployments before now were judged by the freeze state of their time.
        self.deploy_until(s, t);
        let held = std::mem::take(&mut self.services[s].held_deploys);
        let mut knowledge = self.knowledge.service(s);
        for _ in 0..held {
            knowledge.deploy(t);
        }
        drop(knowledge);
        if t >= self.warmup {
            self.tally.deploys += u64::from(held);
        }
        let since = std::mem::replace(&mut self.services[s].held_since, f64::INFINITY);
        let shift = ((t - since) / HOURS_PER_WEEK).ceil().max(0.0) * HOURS_PER_WEEK;
        // Taken out while they are scheduled, and put back with its allocation (for the
        // next freeze) holding those still held.
        let mut held = std::mem::take(&mut self.services[s].held_incidents);
        held.retain(|&(index, held_at)| {
            let at = held_at + shift;
            if at < self.horizon {
                self.schedule(at.max(t), Kind::Arrival, index);
                false
            } else {
                // Would ship after the horizon: still held at the end.
                let st = &mut self.services[s];
                st.held_since = st.held_since.min(since);
                true
            }
        });
        self.services[s].held_incidents = held;
    }

    /// Whether a freeze on service `s` keeps what it holds back (rather than dropping it);
    /// if so, the hold is dated from the freeze's start.
    fn hold(&mut self, s: usize) -> bool {
        let deferred = self.scenario.error_budget.held_changes == HeldChanges::Deferred;
        hold(&mut self.services[s], deferred)
    }

    fn arrive(&mut self, index: usize, t: f64) {
        // The world's incidents by reference (the world outlives the simulation), a
        // regression by copy.
        let world: &'a World = self.world;
        let regression;
        let inc: &Incident = match world.incidents.get(index) {
            Some(inc) => inc,
            None => {
                regression = *self.incident(index);
                &regression
            }
        };
        let s = inc.service as usize;
        if inc.cause == Cause::Change && self.freeze_holds_back(s, t, inc.freeze_u) {
            if self.hold(s) {
                self.services[s].held_incidents.push((index as u32, t));
            }
            return;
        }
        // Follow-up work done so far may have prevented it (the world's incidents only:
        // created ones are consequences of others).
        if index < self.world.incidents.len() && inc.learn_u >= self.long.rate(s, inc.cause, t) {
            if t >= self.warmup {
                self.tally.prevented += 1;
            }
            return;
        }
        let runner = self.services[s].runner;
        let (l1, escalation) = route(self.scenario, s, runner, t);
        let group = self.scenario.groups.get(l1.group());
        let mut detection =
            inc.detection * group.telemetry_delay_factor * self.long.telemetry(s, t);
        if inc.cross_team {
            detection *= self.scenario.response.cross_team_detection_factor;
            if self.policy.ops_monitors {
                detection = detection.min(inc.ops_watch);
            }
        }
        let detected = t + detection;
        let paged = detected + inc.routing[l1.group() as usize];
        // Outside its support hours nobody is paged until the next supported hour: the wait
        // is part of the queue for a responder (none is on duty for it).
        let supported = self.scenario.next_supported(s, paged);
        self.states[index] = State {
            l1,
            escalation,
            arrived: t,
            requested: supported,
            detected,
            paged,
            ..State::PENDING
        };
        if runner.hands_over() && t >= self.warmup {
            self.tally.handed_over_incidents += 1;
        }
        let impact = self.impact(index);
        let st = &mut self.services[s];
        st.open += 1;
        st.impairment.change(t, impact);
        self.journeys.change(t, s, st.impairment.level());
        if supported <= t {
            // Paged at once: handle now rather than through the heap.
            self.page_l1(index as u32, t);
        } else {
            self.schedule(supported, Kind::L1Request, index as u32);
        }
        self.cascade_from(index, s, t);
    }

    /// An incident on service `s` at `t` may impair each service that depends on it, the
    /// less likely the more resilient that service is.
    fn cascade_from(&mut self, index: usize, s: usize, t: f64) {
        let p = self.scenario.cascades.probability;
        if p <= 0.0 {
            return;
        }
        for k in 0..self.dependents[s].len() {
            let d = self.dependents[s][k] as usize;
            // Keyed by the incident and the dependent, not drawn in event order: a world
            // incident meets the same number under every model and strength.
            let u = keyed_uniform(self.seed, Purpose::Cascade, index as u64, d as u64);
            if u < p * (1.0 - self.long.resilience(d)) {
                let at = t + self.scenario.cascades.delay_hours;
                if at < self.horizon && self.spawn(d, at, Cause::Cascade) && at >= self.warmup {
                    self.tally.cascades += 1;
                }
            }
        }
    }

    fn knowledge_of(&mut self, who: Responder, service: usize, t: f64) -> f64 {
        match who {
            Responder::Dev(_) => self.scenario.groups.dev.knowledge,
            Responder::Domain(_) => self.scenario.domain_knowledge(service),
            Responder::Embedded(_) => self.scenario.you_run.embedded_sre_knowledge,
            Responder::Sre | Responder::Ops => {
                self.deploy_until(service, t);
                let g = tracked_index(who.group()).unwrap_or(0);
                self.knowledge.at(g, service, t)
            }
        }
    }

    fn page(&mut self, t: f64, who: Responder, index: usize) {
        if t < self.warmup {
            return;
        }
        self.tally.pages += 1;
        self.count_shift_page(who.pool(self.teams), t);
        if who.is_dev() {
            self.tally.dev_pages += 1;
            let s = self.incident(index).service as usize;
            if self.services[s].runner.hands_over() {
                self.tally.handed_over_dev_pages += 1;
            }
        }
        if who.is_on_call() && !self.scenario.calendar.is_open(t) {
            self.tally.offhours_pages += 1;
        }
    }

    /// Counts a page against its pool's 12-hour shift; pages come in time order, so each
    /// pool's shifts close one after another.
    fn count_shift_page(&mut self, pool: usize, t: f64) {
        if self.shift_pages.is_empty() {
            self.shift_pages = vec![(u64::MAX, 0); self.pools.len()];
        }
        let shift = ((t - self.warmup) / self.scenario.response.shift_hours) as u64;
        let (current, count) = self.shift_pages[pool];
        if current == shift {
            self.shift_pages[pool].1 += 1;
            return;
        }
        if current != u64::MAX {
            let size = f64::from(self.pools[pool].size.max(1));
            self.shift_loads.push(f64::from(count) / size);
        }
        self.shift_pages[pool] = (shift, 1);
    }

    fn labour(&mut self, t: f64, dev: bool, hours: f64) {
        if t < self.warmup {
            return;
        }
        if dev {
            self.tally.dev_hours += hours;
        } else {
            self.tally.ops_sre_hours += hours;
        }
    }

    /// Incident `index`'s severity impact.
    fn impact(&self, index: usize) -> f64 {
        let inc = self.incident(index);
        self.scenario.services[inc.service as usize].severities[inc.severity as usize].impact
    }

    fn acquire(&mut self, pool: usize, index: u32, stage: Kind, t: f64) {
        if self.pools[pool].free > 0 {
            self.pools[pool].free -= 1;
            self.start(index, stage, t);
            return;
        }
        // The larger the impact the sooner; impacts lie in (0, 1], so 1 − impact is a
        // non-negative float whose bits order as its value.
        match self.scenario.response.queue {
            QueueOrder::Severity => {
                let priority = (1.0 - self.impact(index as usize)).max(0.0).to_bits();
                self.queued += 1;
                let key = (priority, self.queued, index, stage);
                self.pools[pool].queue.push(Reverse(key));
            }
            QueueOrder::Fifo => self.pools[pool].fifo.push_back((index, stage)),
        }
    }

    fn release(&mut self, pool: usize, t: f64) {
        let next = match self.scenario.response.queue {
            QueueOrder::Severity => self.pools[pool]
                .queue
                .pop()
                .map(|Reverse((_, _, index, stage))| (index, stage)),
            QueueOrder::Fifo => self.pools[pool].fifo.pop_front(),
        };
        match next {
            Some((index, stage)) => self.start(index, stage, t),
            None => self.pools[pool].free += 1,
        }
    }

    /// Whether incident `index`, starting first-responder work at `t`, pulls in a second
    /// responder from the owning team: in business hours, at or above the swarming impact.
    fn swarms(&self, index: usize, t: f64) -> bool {
        self.scenario
            .response
            .swarm_min_impact
            .is_some_and(|min| self.impact(index) >= min && self.scenario.calendar.is_open(t))
    }

    fn owner(&self, index: usize) -> Responder {
        Responder::Dev(self.scenario.services[self.incident(index).service as usize].team as u32)
    }

    fn start(&mut self, index: u32, stage: Kind, t: f64) {
        let i = index as usize;
        // The few fields used, not the whole state (a copy of ~150 bytes per start).
        let st = {
            let st = &mut self.states[i];
            st.wait += t - st.requested;
            Started {
                l1: st.l1,
                escalation: st.escalation,
                l2: st.l2,
                handed_off: st.handed_off,
            }
        };
        let inc = self.incident(i);
        let (effort, ack_l1, ack_l2, u, service, cause, rollback) = (
            inc.effort,
            inc.ack_l1,
            inc.ack_l2,
            inc.escalation_u,
            inc.service as usize,
            inc.cause,
            inc.rollback,
        );
        if stage == Kind::L1Request {
            self.states[i].l1_start = t;
            let k = self.knowledge_of(st.l1, service, t);
            if t >= self.warmup {
                self.tally.knowledge_sum += k;
                self.tally.knowledge_n += 1;
                if !st.l1.is_dev() {
                    self.tally.non_owner_knowledge_sum += k;
                    self.tally.non_owner_knowledge_n += 1;
                }
            }
            // A non-owner holding production access rolls a failed deployment back; it
            // needs no developer.
            if cause == Cause::Change && rolls_back(self.scenario, st.l1.group()) {
                self.states[i].rolled_back = true;
                if t >= self.warmup {
                    self.tally.rollbacks += 1;
                }
                self.labour(t, false, rollback);
                self.schedule(t + ack_l1 + rollback, Kind::L1Done, index);
                return;
            }
            // A swarmed incident is worked with an owner in the room: the pair knows what
            // the better informed of them knows (and is no faster than that one alone).
            let swarmed = self.swarms(i, t);
            let k = if swarmed {
                k.max(self.scenario.groups.dev.knowledge)
            } else {
                k
            };
            // The owning team worked it: its developers, or its embedded SRE (a member of
            // the team); woken only a developer on its own rota.
            let owners = matches!(st.l1, Responder::Dev(_) | Responder::Embedded(_));
            if owners || swarmed {
                self.states[i].owners_worked = true;
                if matches!(st.l1, Responder::Dev(_)) && !self.scenario.calendar.is_open(t) {
                    self.states[i].owners_woken = true;
                }
            }
            let telemetry = self.long.telemetry(service, t);
            let r = &self.scenario.response;
            let diagnosis = effort * (1.0 + r.diagnosis_penalty * (1.0 - k)) * telemetry;
            let p_escalate = match st.escalation {
                Escalation::None => 0.0,
                _ => r.max_escalation_probability * (1.0 - k),
            };
            let escalates = u < p_escalate;
            self.states[i].escalates = escalates;
            let work = if escalates {
                diagnosis * r.triage_fraction
            } else {
                diagnosis
            };
            self.labour(t, st.l1.is_dev(), work);
            if swarmed {
                self.labour(t, true, work);
                if t >= self.warmup {
                    self.tally.swarmed += 1;
                }
            }
            self.schedule(t + ack_l1 + work, Kind::L1Done, index);
        } else {
            self.states[i].l2_start = t;
            // A domain rota answering out of hours is not the owning team.
            if matches!(st.l2, Responder::Dev(_)) {
                self.states[i].owners_worked = true;
                if !self.scenario.calendar.is_open(t) {
                    self.states[i].owners_woken = true;
                }
            }
            let effort = if st.handed_off {
                effort * self.scenario.handoff.effort_factor
            } else {
                effort
            };
            self.labour(t, true, effort);
            self.schedule(t + ack_l2 + effort, Kind::L2Done, index);
        }
    }

    /// Incident `index` is over at `t` (restored, and fixed if it was escalated): its
    /// follow-up work is done with the share its handling earned, and the owners' use of
    /// the service's telemetry counts.
    fn follow_up(&mut self, index: usize, t: f64) {
        if !self.long.active() || t < self.warmup {
            return;
        }
        let (owners_worked, owners_woken) = {
            let st = &self.states[index];
            (st.owners_worked, st.owners_woken)
        };
        let inc = self.incident(index);
        let (s, followup_u, followup_delay) =
            (inc.service as usize, inc.followup_u, inc.followup_delay);
        if owners_worked {
            self.long.telemetry_used(s, t);
        }
        let l = &self.scenario.learning;
        let mut share = if owners_woken {
            l.done_when_woken
        } else if owners_worked {
            l.done_when_felt
        } else {
            l.done_when_handed_off
        };
        if self.frozen(s, t) {
            share = share.max(l.done_when_frozen);
        }
        if followup_u < share {
            let delay = if owners_worked {
                followup_delay
            } else {
                followup_delay * l.handed_off_delay_factor
            };
            let at = t + delay;
            if at < self.horizon {
                self.schedule(at, Kind::FollowUp, index as u32);
            }
        }
    }

    fn restore(&mut self, index: usize, t: f64) {
        if self.states[index].restored.is_infinite() {
            self.states[index].restored = t;
            let inc = self.incident(index);
            let service = inc.service as usize;
            let impact = self.impact(index);
            let st = &mut self.services[service];
            st.open -= 1;
            st.impairment.change(t, -impact);
            if st.open == 0 {
                st.impairment.clear();
            }
            self.journeys.change(t, service, st.impairment.level());
        }
    }

    fn handle(&mut self, ev: Event, t: f64) {
        let index = ev.index;
        let i = index as usize;
        match ev.kind {
            Kind::Arrival => self.arrive(i, t),
            Kind::L1Request => self.page_l1(index, t),
            Kind::L1Done => self.l1_done(index, t),
            Kind::WorkaroundDone => {
                let st = self.states[i];
                self.release(st.l1.pool(self.teams), t);
                if self.states[i].restored.is_infinite() {
                    self.states[i].by_workaround = true;
                }
                self.restore(i, t);
                let lifetime = self
                    .scenario
                    .workarounds
                    .lifetime
                    .sample(&mut self.feedback_rng);
                let service = self.incident(i).service;
                self.workarounds[service as usize].push(Workaround {
                    created: t,
                    retired: t + lifetime,
                });
                if t >= self.warmup {
                    self.tally.workarounds_applied += 1;
                }
            }
            Kind::L2Request => {
                let s = self.incident(i).service as usize;
                let owner = self.owner(i).off_hours(self.scenario, &self.oncall, s, t);
                self.states[i].l2 = owner;
                self.page(t, owner, i);
                self.acquire(owner.pool(self.teams), index, Kind::L2Request, t);
            }
            Kind::L2Done => {
                if self.states[i].escalation == Escalation::OnCall {
                    let owner = self.states[i].l2;
                    self.release(owner.pool(self.teams), t);
                }
                self.restore(i, t);
                self.fix_deployed(i, t);
                self.follow_up(i, t);
            }
            Kind::FollowUp => {
                let inc = *self.incident(i);
                self.long.follow_up_done(inc.service as usize, inc.cause, t);
                let hours = self.scenario.learning.effort_hours;
                self.tally.followups += 1;
                self.tally.followup_hours += hours;
            }
            Kind::WeekTick => self.week_tick(index, t),
            Kind::QuarterTick => self.quarter_tick(index, t),
            Kind::Warmup => {
                for st in &mut self.services {
                    st.at_warmup = st.impairment.at(t);
                }
            }
            Kind::QuarterMark => {
                let snapshot = self.snapshot(t);
                self.snapshots.push(snapshot);
                let next = t + HOURS_PER_QUARTER;
                if next < self.horizon {
                    self.schedule(next, Kind::QuarterMark, index + 1);
                }
            }
        }
    }

    fn page_l1(&mut self, index: u32, t: f64) {
        let s = self.incident(index as usize).service as usize;
        let who = self.states[index as usize]
            .l1
            .off_hours(self.scenario, &self.oncall, s, t);
        self.states[index as usize].l1 = who;
        self.page(t, who, index as usize);
        self.acquire(who.pool(self.teams), index, Kind::L1Request, t);
    }

    fn l1_done(&mut self, index: u32, t: f64) {
        let i = index as usize;
        self.states[i].l1_end = t;
        let st = self.states[i];
        if !st.escalates {
            self.release(st.l1.pool(self.teams), t);
            self.restore(i, t);
            self.follow_up(i, t);
            return;
        }
        if t >= self.warmup {
            self.tally.escalations += 1;
        }
        // An escalation across a team boundary waits for the hand-off.
        let handoff = if self.scenario.handoff.active() && crosses_teams(st.l1) {
            self.states[i].handed_off = true;
            if t >= self.warmup {
                self.tally.handoffs += 1;
            }
            self.incident(i).handoff
        } else {
            0.0
        };
        match st.escalation {
            Escalation::OnCall | Escalation::None => {
                self.release(st.l1.pool(self.teams), t);
                // The on-call developers answer in the service's support hours only.
                let s = self.incident(i).service as usize;
                let supported = if handoff > 0.0 {
                    self.scenario.next_supported(s, t + handoff)
                } else {
                    self.scenario.next_supported(s, t)
                };
                self.states[i].requested = supported;
                self.schedule(supported, Kind::L2Request, index);
            }
            Escalation::BusinessHours { prioritise } => {
                let inc = self.incident(i);
                let (effort, prio, wa_u, wa_effort, cause) = (
                    inc.effort,
                    inc.prioritisation,
                    inc.workaround_u,
                    inc.workaround_effort,
                    inc.cause,
                );
                let cal = &self.scenario.calendar;
                let delay = if prioritise { prio } else { 0.0 };
                let open = cal.next_open(t);
                let begin = if handoff > 0.0 {
                    cal.add_working(open, delay + handoff)
                } else {
                    cal.add_working(open, delay)
                };
                self.states[i].l2_start = open;
                self.states[i].l2_begin = begin;
                self.states[i].owners_worked = true;
                let effort = if self.states[i].handed_off {
                    effort * self.scenario.handoff.effort_factor
                } else {
                    effort
                };
                let end = cal.add_working(begin, effort);
                self.labour(begin, true, effort);
                self.schedule(end, Kind::L2Done, index);
                let w = &self.scenario.workarounds;
                // Under `on_conflict = "retire"` a regression waits for the owners' fix.
                let may_work_around =
                    w.on_conflict == OnConflict::Keep || cause != Cause::Regression;
                if may_work_around && begin - t > w.threshold_hours && wa_u < w.probability {
                    // L1 keeps working to put a workaround in place; impact ends then.
                    self.labour(t, st.l1.is_dev(), wa_effort);
                    self.schedule(t + wa_effort, Kind::WorkaroundDone, index);
                } else {
                    self.release(st.l1.pool(self.teams), t);
                }
            }
        }
    }

    /// A developer fix reaches production: each workaround still open on the service may
    /// conflict with it and cause a new incident.
    fn fix_deployed(&mut self, index: usize, t: f64) {
        let service = self.incident(index).service;
        let p = self.scenario.workarounds.conflict_probability;
        if p <= 0.0 {
            return;
        }
        let retire = self.scenario.workarounds.on_conflict == OnConflict::Retire;
        let s = service as usize;
        self.workarounds[s].retain(|w| w.retired > t);
        for w in 0..self.workarounds[s].len() {
            let wa = self.workarounds[s][w];
            if !(wa.created <= t && t < wa.retired) {
                continue;
            }
            if self.feedback_rng.random::<f64>() < p {
                if retire {
                    // The conflict exposes the workaround: it comes out with the incident.
                    self.workarounds[s][w].retired = t;
                }
                self.regression(s, t);
            }
        }
    }

    fn regression(&mut self, service: usize, t: f64) {
        if self.spawn(service, t, Cause::Regression) && t >= self.warmup {
            self.tally.regressions += 1;
        }
    }

    /// A new incident this model's own dynamics create (a regression or a cascade) on
    /// `service`, arriving at `t`; `false` when the run-time guard stops it.
    fn spawn(&mut self, service: usize, t: f64, cause: Cause) -> bool {
        if self.regressions.len() >= self.max_regressions {
            // The loop of fixes, conflicts and new workarounds (or of cascades) has run
            // away: stop feeding it (so time and memory stay bounded) and mark the
            // replication.
            self.runaway = true;
            return false;
        }
        let streams = if cause == Cause::Cascade {
            &mut self.cascade
        } else {
            &mut self.feedback
        };
        let incident = draw_incident(&self.world.spec, service, t, cause, streams);
        let index = (self.world.incidents.len() + self.regressions.len()) as u32;
        self.regressions.push(incident);
        self.states.push(State::PENDING);
        self.schedule(t, Kind::Arrival, index);
        true
    }

    fn open_workarounds(&self, service: u32, t: f64) -> u32 {
        self.workarounds[service as usize]
            .iter()
            .filter(|w| w.created <= t && t < w.retired)
            .count() as u32
    }

    /// Incident `i`: the world's, or this model's regressions after them.
    fn incident(&self, i: usize) -> &Incident {
        let n = self.world.incidents.len();
        if i < n {
            &self.world.incidents[i]
        } else {
            &self.regressions[i - n]
        }
    }

    /// Downtime of `service` so far this quarter, at `t`.
    fn quarter_downtime(&self, service: usize, t: f64) -> f64 {
        let st = &self.services[service];
        st.impairment.at(t) - st.at_quarter_start
    }

    /// [`quarter_budget`], from the share kept in the service's state.
    fn quarter_budget(&self, service: usize) -> f64 {
        self.services[service].unavailable_share * HOURS_PER_QUARTER
    }

    fn week_tick(&mut self, week: u32, t: f64) {
        let quarter_start = (t / HOURS_PER_QUARTER).floor() * HOURS_PER_QUARTER;
        let quarter_end = quarter_start + HOURS_PER_QUARTER;
        let policy = self.policy.error_budget_policy;
        let window = self.scenario.error_budget.window;
        let n = self.services.len();
        // A rolling window's row of readings for this week (see `readings`), and whether
        // it holds the readings of `window_weeks` weeks ago yet.
        let (row, full) = if self.readings.is_empty() {
            (0, false)
        } else {
            let weeks = self.window_weeks;
            ((self.weeks_read % weeks) * n, self.weeks_read >= weeks)
        };
        // Weeks are numbered from the end of the warm-up (used only after it).
        let measured_week = week.wrapping_sub((self.warmup / HOURS_PER_WEEK).floor() as u32);
        for s in 0..n {
            let quarter_budget = self.quarter_budget(s);
            let quarter_spent = self.quarter_downtime(s, t);
            let now = self.services[s].impairment.at(t);
            // The window's budget, what it has spent and how long a freeze lasts.
            let (over, until) = match window {
                BudgetWindow::Quarter => (quarter_spent > quarter_budget, quarter_end),
                BudgetWindow::Rolling(hours) => {
                    // The reading `window_weeks` weeks ago is in the row this week's
                    // replaces.
                    let start = if full { self.readings[row + s] } else { 0.0 };
                    if let Some(slot) = self.readings.get_mut(row + s) {
                        *slot = now;
                    }
                    let budget = self.services[s].unavailable_share * hours;
                    (now - start > budget, t + HOURS_PER_WEEK)
                }
            };
            if policy && over && !self.frozen(s, t) {
                // Deployments before now were judged by the freeze state of their time.
                self.deploy_until(s, t);
                let until = until.min(self.horizon);
                self.services[s].frozen_from = t;
                self.services[s].frozen_until = until;
                self.tally.freeze_hours += (until - t.max(self.warmup)).max(0.0);
            }
            self.release_held(s, t);
            self.workarounds[s].retain(|w| w.retired > t);
            if t <= self.warmup {
                continue;
            }
            let sample = WeekSample {
                budget_remaining_hours: quarter_budget - quarter_spent,
                week: u16::try_from(measured_week).unwrap_or(u16::MAX),
                service: s as u16,
                workarounds_open: u16::try_from(self.open_workarounds(s as u32, t))
                    .unwrap_or(u16::MAX),
                frozen: self.frozen(s, t),
            };
            self.weekly.push(sample);
        }
        if !self.readings.is_empty() {
            self.weeks_read += 1;
        }
        let next = t + HOURS_PER_WEEK;
        if next <= self.horizon {
            self.schedule(next, Kind::WeekTick, week + 1);
        }
    }

    fn quarter_tick(&mut self, quarter: u32, t: f64) {
        let mut next_runners = Vec::with_capacity(self.services.len());
        for s in 0..self.services.len() {
            // A quarter's freeze lifts at its end.
            self.release_held(s, t);
            let outside = self.quarter_downtime(s, t) > self.quarter_budget(s);
            self.services[s].at_quarter_start = self.services[s].impairment.at(t);
            let st = &mut self.services[s];
            if outside {
                st.quarters_out += 1;
                st.quarters_in = 0;
            } else {
                st.quarters_in += 1;
                st.quarters_out = 0;
            }
            if outside && t > self.warmup {
                self.tally.quarters_outside_budget += 1;
            }
            let (current, q_in, q_out) = (st.runner, st.quarters_in, st.quarters_out);
            let traffic = self.scenario.services[s].traffic_at(t, self.warmup);
            let next =
                match self
                    .policy
                    .next_runner(self.scenario, s, current, (q_in, q_out), traffic)
                {
                    Next::Stay => current,
                    Next::To(runner) => runner,
                    Next::Review { to } => self.review(s, t, to),
                };
            next_runners.push(next);
        }
        if next_runners
            .iter()
            .zip(&self.services)
            .any(|(next, st)| *next != st.runner)
        {
            // Close the accounting under the runners that held the services until now.
            self.close(t);
            for (s, next) in next_runners.into_iter().enumerate() {
                let st = &mut self.services[s];
                match (st.runner, next) {
                    // A hand-over takes the service from its owners (to SRE, or to the rota
                    // shared with SRE); a hand-back returns it. The shared stage's move to
                    // SRE alone is neither.
                    (Runner::Sre | Runner::SharedWithSre, Runner::Owners) => {
                        st.quarters_in = 0;
                        if t >= self.warmup {
                            self.tally.handbacks += 1;
                        }
                    }
                    (Runner::Owners, Runner::Sre | Runner::SharedWithSre) => {
                        st.quarters_out = 0;
                        if t >= self.warmup {
                            self.tally.handovers += 1;
                        }
                    }
                    (Runner::SharedWithSre, Runner::Sre) => st.quarters_out = 0,
                    _ => {}
                }
                st.runner = next;
            }
            self.reopen(t);
        }
        let next = t + HOURS_PER_QUARTER;
        if next <= self.horizon {
            self.schedule(next, Kind::QuarterTick, quarter + 1);
        }
    }

    /// A readiness review of service `s` at `t`: it costs both teams its hours and passes
    /// with the review's probability (a draw only when it can fail); a pass makes `to` the
    /// runner, a failure keeps the owners and asks for new evidence.
    fn review(&mut self, s: usize, t: f64, to: Runner) -> Runner {
        let r = &self.scenario.sre_run;
        let (hours, pass) = (r.review_hours, r.review_pass_probability);
        if t >= self.warmup {
            self.tally.reviews += 1;
        }
        if hours > 0.0 {
            self.labour(t, true, hours);
            self.labour(t, false, hours);
        }
        // Keyed by the service and the quarter: the same number under every strength.
        let quarter = (t / HOURS_PER_QUARTER).round() as u64;
        let passed =
            pass >= 1.0 || keyed_uniform(self.seed, Purpose::Review, s as u64, quarter) < pass;
        if passed {
            to
        } else {
            if t >= self.warmup {
                self.tally.reviews_failed += 1;
            }
            self.services[s].quarters_in = 0;
            Runner::Owners
        }
    }

    /// Closes the on-call, sync and hand-over accounting up to `t` under the current
    /// runners.
    fn close(&mut self, t: f64) {
        // Knowledge must reach `t` under the old sync rates, deployments included.
        for s in 0..self.services.len() {
            self.deploy_until(s, t);
        }
        let mut tally = std::mem::take(&mut self.tally);
        self.accrue(&mut tally, t);
        self.tally = tally;
        self.oncall_since = t;
    }

    /// Adds to `tally` the on-call, sync and hand-over hours from the last change of
    /// runners to `t` under the current runners.
    fn accrue(&self, tally: &mut Tally, t: f64) {
        let from = self.oncall_since.max(self.warmup);
        let dt = (t - from).max(0.0);
        tally.dev_oncall_hours += self.oncall.dev * dt;
        tally.sre_oncall_hours += self.oncall.sre * dt;
        tally.dev_ext_hours += self.oncall.dev_ext * dt;
        tally.dev_bh_hours += self.oncall.dev_bh * dt;
        tally.domain_hours += self.oncall.domain * dt;
        tally.domain_ext_hours += self.oncall.domain_ext * dt;
        tally.sre_ext_hours += self.oncall.sre_ext * dt;
        tally.sre_bh_hours += self.oncall.sre_bh * dt;
        tally.rota_people_hours += self.oncall.rota_people * dt;
        let attendees = f64::from(self.scenario.knowledge.sync_attendees);
        let plan = &self.policy.sync;
        for st_index in 0..self.services.len() {
            let runner = self.services[st_index].runner;
            if runner.hands_over() {
                tally.handed_over_hours += dt;
            }
            for (g, group) in TRACKED.into_iter().enumerate() {
                if runner.l1_groups().contains(&group) {
                    let weeks = dt / HOURS_PER_WEEK;
                    tally.sync_hours[g] += plan.given[g][st_index] * attendees * weeks;
                    tally.sync_demand_hours[g] += plan.demand[g][st_index] * attendees * weeks;
                }
            }
        }
    }

    /// Re-derives sync rates and who is on call from who runs each service now.
    fn reopen(&mut self, t: f64) {
        let effect = self.scenario.knowledge.sync_effect_per_hour;
        for s in 0..self.services.len() {
            let runner = self.services[s].runner;
            for (g, group) in TRACKED.into_iter().enumerate() {
                let rate = if runner.l1_groups().contains(&group) {
                    effect * self.policy.sync.given[g][s] / HOURS_PER_WEEK
                } else {
                    0.0
                };
                self.knowledge.set_rate(g, s, t, rate);
            }
        }
        let runners: Vec<Runner> = self.services.iter().map(|s| s.runner).collect();
        self.oncall = OnCall::of(self.scenario, &runners, &self.policy.headcount);
        self.oncall_since = t;
    }
}

/// Whether a freeze on the service with state `st` keeps what it holds back (`deferred`)
/// rather than dropping it; if so, the hold is dated from the freeze's start.
fn hold(st: &mut ServiceState, deferred: bool) -> bool {
    if deferred {
        st.held_since = st.held_since.min(st.frozen_from);
    }
    deferred
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::replication_seed;

    /// The baseline with a rolling budget window of `window`, two replications.
    fn baseline_with_window(window: &str) -> Scenario {
        let text = include_str!("../scenarios/baseline.toml");
        let text = text.replace("window = \"4w\"", &format!("window = \"{window}\""));
        let mut s = crate::scenario::parse(&text, "baseline.toml").unwrap();
        s.set_replications(2).unwrap();
        s
    }

    /// A bundled scenario, its run cut to `warmup` then `measured` more (its text's own
    /// horizon and warm-up lines replaced), with `edit` applied to the rest of its text.
    fn bundled_cut(
        name: &str,
        text: &str,
        warmup: &str,
        measured: f64,
        edit: &[(&str, &str)],
    ) -> Scenario {
        let mut text: String = text
            .lines()
            .filter(|l| !l.starts_with("horizon =") && !l.starts_with("warmup ="))
            .map(|l| format!("{l}\n"))
            .collect();
        for (from, to) in edit {
            assert!(text.contains(from), "{name}: no {from:?}");
            text = text.replace(from, to);
        }
        let mut s = crate::scenario::parse(&text, name).unwrap();
        s.warmup_hours = crate::units::parse_duration_hours(warmup).unwrap();
        s.horizon_hours = s.warmup_hours + measured;
        s
    }

    /// The large estate, 13 weeks of warm-up then half a year.
    fn large_estate_half_year() -> Scenario {
        let year = crate::units::HOURS_PER_YEAR;
        let text = include_str!("../scenarios/large-estate.toml");
        bundled_cut("large-estate", text, "13w", 0.5 * year, &[])
    }

    #[test]
    fn a_shared_warm_up_gives_each_variant_its_own_run() {
        // Feedback and cascades, freezes holding changes (deferred and dropped), readiness
        // reviews, hand-offs, a warm-up of none and one longer than the run: each model's
        // outcome under each setting of the long-run mechanisms (its strength, and each
        // other setting moved) is the one its own run gives, to the bit.
        let baseline = include_str!("../scenarios/baseline.toml");
        let year = crate::units::HOURS_PER_YEAR;
        let scenarios = [
            bundled_cut("baseline", baseline, "26w", year, &[]),
            bundled_cut(
                "dropped",
                baseline,
                "13w",
                1.5 * year,
                &[
                    ("held_changes = \"deferred\"", "held_changes = \"dropped\""),
                    ("window = \"4w\"", "window = \"quarter\""),
                ],
            ),
            bundled_cut("no-warm-up", baseline, "0h", year, &[]),
            bundled_cut("all-warm-up", baseline, "40w", -20.0 * HOURS_PER_WEEK, &[]),
            large_estate_half_year(),
            bundled_cut(
                "mmc-check",
                include_str!("../scenarios/mmc-check.toml"),
                "30d",
                0.5 * year,
                &[],
            ),
        ];
        for scenario in &scenarios {
            let mut variants: Vec<Scenario> = [scenario.learning.incentive, 0.0, 0.5, 1.0, 2.0]
                .iter()
                .map(|k| {
                    let mut v = scenario.clone();
                    v.set_incentive(*k);
                    v
                })
                .collect();
            let moved: [fn(&mut Scenario); 9] = [
                |v| v.learning.done_when_felt = 0.3,
                |v| (v.learning.done_when_woken, v.learning.done_when_handed_off) = (0.2, 0.9),
                |v| (v.learning.done_when_frozen, v.telemetry.worst) = (0.1, 2.5),
                |v| v.learning.handed_off_delay_factor = 5.0,
                |v| v.learning.effort_hours *= 3.0,
                |v| (v.learning.step, v.learning.floor) = (0.3, 0.2),
                |v| v.learning.drift_per_year = 0.9,
                |v| (v.telemetry.best, v.telemetry.use_step) = (0.4, 0.3),
                |v| (v.cascades.step, v.telemetry.decay_per_year) = (0.4, 0.9),
            ];
            for m in moved {
                let mut v = variants[4].clone();
                m(&mut v);
                variants.push(v);
            }
            let refs: Vec<&Scenario> = variants.iter().collect();
            assert!(refs.iter().all(|v| same_warm_up(scenario, v)));
            let policies = crate::models::policies(&variants[4]);
            let seed = replication_seed(scenario.seed, 3);
            let world = World::generate_from(
                &std::sync::Arc::new(crate::world::WorldSpec::of(&variants[4], &policies)),
                seed,
            );
            for policy in &policies {
                let shared = simulate_variants(&refs, &world, policy, 3, seed);
                assert_eq!(shared.len(), variants.len());
                for (k, (v, o)) in variants.iter().zip(&shared).enumerate() {
                    let own = simulate_policy(v, &world, policy, 3, seed);
                    assert!(
                        format!("{own:?}") == format!("{o:?}"),
                        "{} under {:?}, variant {k} (strength {}): the shared warm-up's outcome differs",
                        scenario.name,
                        policy.model,
                        v.learning.incentive
                    );
                }
            }
        }
    }

    #[test]
    fn knowledge_no_one_can_read_is_left_alone_and_changes_nothing() {
        // Each model's outcome with every service's knowledge tracked for each group the
        // model tracks at all (as before `Policy::responds`) is, to the bit, the one it
        // gives tracking only the knowledge its first responders can read: readiness
        // reviews moving services to SRE and back, ops running some services, freezes
        // holding changes. And the models do leave some knowledge alone.
        let year = crate::units::HOURS_PER_YEAR;
        let scenarios = [
            bundled_cut(
                "baseline",
                include_str!("../scenarios/baseline.toml"),
                "26w",
                year,
                &[],
            ),
            large_estate_half_year(),
        ];
        let mut left_alone = 0;
        for scenario in &scenarios {
            let policies = crate::models::policies(scenario);
            let seed = replication_seed(scenario.seed, 5);
            let world = World::generate_from(
                &std::sync::Arc::new(crate::world::WorldSpec::of(scenario, &policies)),
                seed,
            );
            for policy in &policies {
                let mut every = policy.clone();
                // Each group the model tracks at all, for every service.
                let tracked = [0, 1].map(|g| policy.responds.iter().any(|r| r[g]));
                every.responds = vec![tracked; scenario.services.len()];
                left_alone += (policy.responds.iter().flatten())
                    .zip(every.responds.iter().flatten())
                    .filter(|(own, all)| !**own && **all)
                    .count();
                let own = simulate_policy(scenario, &world, policy, 5, seed);
                let all = simulate_policy(scenario, &world, &every, 5, seed);
                assert!(
                    format!("{own:?}") == format!("{all:?}"),
                    "{} under {:?}: tracking every service's knowledge changes the outcome",
                    scenario.name,
                    policy.model
                );
            }
        }
        assert!(left_alone > 0, "no model left any knowledge alone");
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "read knowledge that is not tracked")]
    fn reading_knowledge_that_is_not_tracked_is_a_bug_caught_in_the_tests() {
        let s = bundled_cut(
            "baseline",
            include_str!("../scenarios/baseline.toml"),
            "0h",
            HOURS_PER_WEEK * 26.0,
            &[],
        );
        let policies = crate::models::policies(&s);
        let seed = replication_seed(s.seed, 0);
        let world = World::generate_from(
            &std::sync::Arc::new(crate::world::WorldSpec::of(&s, &policies)),
            seed,
        );
        let Some(ops) = policies.iter().find(|p| p.model == ModelKind::OpsRun) else {
            panic!("the baseline compares ops-run");
        };
        let mut blind = ops.clone();
        blind.responds = vec![[false; 2]; s.services.len()];
        simulate_policy(&s, &world, &blind, 0, seed);
    }

    #[test]
    fn scenarios_that_differ_in_their_warm_up_are_not_alike() {
        let s = baseline_with_window("4w");
        let mut later = s.clone();
        later.set_incentive(2.0);
        later.learning.step = 0.5;
        later.telemetry.worst = 2.0;
        later.cascades.step = 0.9;
        // What no simulation reads.
        later.name = "another".into();
        later.warnings.clear();
        later.sweep = None;
        assert!(same_warm_up(&s, &later));
        let changes: [fn(&mut Scenario); 5] = [
            |v| v.knowledge.erosion_per_deploy *= 1.5,
            |v| v.warmup_hours += 1.0,
            // Drawn by the worlds, and acting from the first hour.
            |v| v.learning.delay = crate::dist::Dist::Constant(1.0),
            |v| v.cascades.probability = 0.5,
            |v| v.cascades.resilience = 0.1,
        ];
        for change in changes {
            let mut other = later.clone();
            change(&mut other);
            assert!(!same_warm_up(&s, &other));
        }
    }

    #[test]
    fn a_rolling_window_far_longer_than_the_run_is_never_full_and_keeps_no_ring() {
        // 5·10^9 weeks, which a ring would have to hold for every service, and a window so
        // long that its weeks do not fit a `usize` (they saturate): both run, neither is
        // ever full nor ever spent, so nothing freezes and the two agree.
        let long = baseline_with_window("100000000y");
        let longer = baseline_with_window("400000000000000000y");
        for model in [ModelKind::YouRun, ModelKind::SreRun] {
            let seed = replication_seed(long.seed, 0);
            let world = World::generate(&long, seed);
            let a = simulate(&long, &world, model, 0, seed);
            let b = simulate(&longer, &world, model, 0, seed);
            assert_eq!((a.freeze_days, a.deploys_frozen), (0.0, 0));
            assert!(
                format!("{a:?}") == format!("{b:?}"),
                "{model:?}: the outcomes differ"
            );
        }
    }
}
