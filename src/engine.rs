//! The discrete-event engine: one model responding to one replication's world.
//!
//! Lifecycle of an incident: occur → detect (telemetry of the first responder's group) →
//! route → page and wait for a free responder of the L1 pool (FIFO) → acknowledge →
//! diagnose and mitigate (effort × knowledge penalty) → possibly escalate to the owning
//! developers (paged at once when on call, else next business hours plus prioritisation)
//! → restored. The engine does no I/O and draws no random numbers: every draw is in the
//! [`World`], so all models see the same incidents.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::scenario::{DevEscalation, Group, Scenario};
use crate::staffing::Staffing;
use crate::units::HOURS_PER_YEAR;
use crate::world::World;

/// Who is paged first for an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Responder {
    /// The owning team's developer rota.
    Dev(u32),
    /// The SRE rota.
    Sre,
    /// The operations shift.
    Ops,
}

/// How L1 reaches the owning developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escalation {
    /// L1 is the owner: there is no one to escalate to.
    None,
    /// The owning team's on-call developer is paged at once.
    OnCall,
    /// The owning team is not on call: business hours plus prioritisation.
    BusinessHours,
}

impl Responder {
    fn group_index(self) -> usize {
        match self {
            Responder::Dev(_) => 0,
            Responder::Sre => 1,
            Responder::Ops => 2,
        }
    }

    fn group(self, scenario: &Scenario) -> &Group {
        match self {
            Responder::Dev(_) => &scenario.groups.dev,
            Responder::Sre => &scenario.groups.sre,
            Responder::Ops => &scenario.groups.ops,
        }
    }

    /// Pools: one per dev team, then SRE, then ops.
    fn pool(self, teams: usize) -> usize {
        match self {
            Responder::Dev(t) => t as usize,
            Responder::Sre => teams,
            Responder::Ops => teams + 1,
        }
    }
}

/// The first responder and escalation path of `model` for a service at time `t`.
fn route(model: ModelKind, scenario: &Scenario, service: usize, t: f64) -> (Responder, Escalation) {
    let s = &scenario.services[service];
    let owner = Responder::Dev(s.team as u32);
    match model {
        ModelKind::YouRun => (owner, Escalation::None),
        ModelKind::YouAndSreRun => {
            let r = &scenario.you_and_sre_run;
            let shift = (t / r.shift_hours).floor();
            let sre_shift =
                ((shift + 1.0) * r.sre_shift_share).floor() > (shift * r.sre_shift_share).floor();
            if sre_shift {
                (Responder::Sre, Escalation::OnCall)
            } else {
                (owner, Escalation::None)
            }
        }
        ModelKind::SreRun => {
            if s.availability_target >= scenario.sre_run.min_availability_target {
                let esc = match scenario.sre_run.dev_escalation {
                    DevEscalation::OnCall => Escalation::OnCall,
                    DevEscalation::BusinessHours => Escalation::BusinessHours,
                };
                (Responder::Sre, esc)
            } else {
                (owner, Escalation::None)
            }
        }
        ModelKind::OpsRun => (Responder::Ops, Escalation::BusinessHours),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    L1Request,
    L1Done,
    L2Request,
    L2Done,
}

/// A scheduled event; ordered by time, then by scheduling order (FIFO among ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    time_bits: u64,
    seq: u64,
    kind: Kind,
    incident: u32,
}

#[derive(Debug, Clone, Copy)]
struct State {
    l1: Responder,
    escalation: Escalation,
    escalates: bool,
    requested: f64,
    paged: f64,
    wait: f64,
    restored: f64,
}

#[derive(Debug, Default)]
struct Pool {
    free: u32,
    queue: VecDeque<(u32, Kind)>,
}

struct Sim<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    heap: BinaryHeap<Reverse<Event>>,
    seq: u64,
    pools: Vec<Pool>,
    states: Vec<State>,
    teams: usize,
    warmup: f64,
    escalations: u64,
    pages: u64,
    offhours_pages: u64,
    dev_hours: f64,
    ops_sre_hours: f64,
}

impl Sim<'_> {
    fn schedule(&mut self, time: f64, kind: Kind, incident: u32) {
        self.seq += 1;
        self.heap.push(Reverse(Event {
            time_bits: time.max(0.0).to_bits(),
            seq: self.seq,
            kind,
            incident,
        }));
    }

    fn page(&mut self, t: f64, who: Responder) {
        if t < self.warmup {
            return;
        }
        self.pages += 1;
        if who != Responder::Ops && !self.scenario.calendar.is_open(t) {
            self.offhours_pages += 1;
        }
    }

    fn labour(&mut self, t: f64, who: Responder, hours: f64) {
        if t < self.warmup {
            return;
        }
        match who {
            Responder::Dev(_) => self.dev_hours += hours,
            _ => self.ops_sre_hours += hours,
        }
    }

    fn acquire(&mut self, pool: usize, incident: u32, stage: Kind, t: f64) {
        let p = &mut self.pools[pool];
        if p.free > 0 {
            p.free -= 1;
            self.start(incident, stage, t);
        } else {
            p.queue.push_back((incident, stage));
        }
    }

    fn release(&mut self, pool: usize, t: f64) {
        match self.pools[pool].queue.pop_front() {
            Some((incident, stage)) => self.start(incident, stage, t),
            None => self.pools[pool].free += 1,
        }
    }

    fn start(&mut self, i: u32, stage: Kind, t: f64) {
        let inc = &self.world.incidents[i as usize];
        let st = self.states[i as usize];
        self.states[i as usize].wait += t - st.requested;
        if stage == Kind::L1Request {
            let k = st.l1.group(self.scenario).knowledge;
            let r = &self.scenario.response;
            let diagnosis = inc.effort * (1.0 + r.diagnosis_penalty * (1.0 - k));
            let work = if st.escalates {
                diagnosis * r.triage_fraction
            } else {
                diagnosis
            };
            self.labour(t, st.l1, work);
            self.schedule(t + inc.ack_l1 + work, Kind::L1Done, i);
        } else {
            let owner = Responder::Dev(self.scenario.services[inc.service as usize].team as u32);
            self.labour(t, owner, inc.effort);
            self.schedule(t + inc.ack_l2 + inc.effort, Kind::L2Done, i);
        }
    }

    fn handle(&mut self, ev: Event, t: f64) {
        let i = ev.incident;
        let idx = i as usize;
        match ev.kind {
            Kind::L1Request => {
                let who = self.states[idx].l1;
                self.page(t, who);
                self.acquire(who.pool(self.teams), i, Kind::L1Request, t);
            }
            Kind::L1Done => {
                let st = self.states[idx];
                self.release(st.l1.pool(self.teams), t);
                if !st.escalates {
                    self.states[idx].restored = t;
                    return;
                }
                if t >= self.warmup {
                    self.escalations += 1;
                }
                let inc = &self.world.incidents[idx];
                match st.escalation {
                    Escalation::OnCall | Escalation::None => {
                        self.states[idx].requested = t;
                        self.schedule(t, Kind::L2Request, i);
                    }
                    Escalation::BusinessHours => {
                        let cal = &self.scenario.calendar;
                        let begin = cal.add_working(t, inc.prioritisation);
                        let end = cal.add_working(begin, inc.effort);
                        let owner = Responder::Dev(
                            self.scenario.services[inc.service as usize].team as u32,
                        );
                        self.labour(begin, owner, inc.effort);
                        self.schedule(end, Kind::L2Done, i);
                    }
                }
            }
            Kind::L2Request => {
                let owner = Responder::Dev(
                    self.scenario.services[self.world.incidents[idx].service as usize].team as u32,
                );
                self.page(t, owner);
                self.acquire(owner.pool(self.teams), i, Kind::L2Request, t);
            }
            Kind::L2Done => {
                if self.states[idx].escalation != Escalation::BusinessHours {
                    let owner = Responder::Dev(
                        self.scenario.services[self.world.incidents[idx].service as usize].team
                            as u32,
                    );
                    self.release(owner.pool(self.teams), t);
                }
                self.states[idx].restored = t;
            }
        }
    }
}

/// Simulates `model` on `world` and measures the outcome.
pub fn simulate(
    scenario: &Scenario,
    world: &World,
    model: ModelKind,
    replication: u32,
    seed: u64,
) -> Outcome {
    let teams = scenario.teams.len();
    let g = &scenario.groups;
    let mut pools: Vec<Pool> = (0..teams)
        .map(|_| Pool {
            free: g.dev.concurrent_oncall,
            queue: VecDeque::new(),
        })
        .collect();
    pools.push(Pool {
        free: g.sre.concurrent_oncall,
        queue: VecDeque::new(),
    });
    pools.push(Pool {
        free: g.ops.concurrent_oncall,
        queue: VecDeque::new(),
    });

    let r = &scenario.response;
    let states: Vec<State> = world
        .incidents
        .iter()
        .map(|inc| {
            let (l1, escalation) = route(model, scenario, inc.service as usize, inc.arrival);
            let grp = l1.group(scenario);
            let p_escalate = match escalation {
                Escalation::None => 0.0,
                _ => r.max_escalation_probability * (1.0 - grp.knowledge),
            };
            let paged = inc.arrival
                + inc.detection * grp.telemetry_delay_factor
                + inc.routing[l1.group_index()];
            State {
                l1,
                escalation,
                escalates: inc.escalation_u < p_escalate,
                requested: paged,
                paged,
                wait: 0.0,
                restored: f64::INFINITY,
            }
        })
        .collect();

    let mut sim = Sim {
        scenario,
        world,
        heap: BinaryHeap::with_capacity(world.incidents.len() + 16),
        seq: 0,
        pools,
        states,
        teams,
        warmup: scenario.warmup_hours,
        escalations: 0,
        pages: 0,
        offhours_pages: 0,
        dev_hours: 0.0,
        ops_sre_hours: 0.0,
    };
    for i in 0..world.incidents.len() {
        let paged = sim.states[i].paged;
        sim.schedule(paged, Kind::L1Request, i as u32);
    }
    let horizon = scenario.horizon_hours;
    while let Some(Reverse(ev)) = sim.heap.pop() {
        let t = f64::from_bits(ev.time_bits);
        if t >= horizon {
            break;
        }
        sim.handle(ev, t);
    }
    measure(&sim, model, replication, seed)
}

fn measure(sim: &Sim<'_>, model: ModelKind, replication: u32, seed: u64) -> Outcome {
    let scenario = sim.scenario;
    let horizon = scenario.horizon_hours;
    let warmup = scenario.warmup_hours;
    let window = horizon - warmup;
    let n_services = scenario.services.len();
    let mut service_downtime = vec![0.0; n_services];
    let mut service_incidents = vec![0u64; n_services];
    let mut ttr = Vec::with_capacity(sim.world.incidents.len());
    let (mut incidents, mut ttd_sum, mut wait_sum) = (0u64, 0.0, 0.0);
    let mut edges: Vec<(u32, f64, f64)> = Vec::with_capacity(2 * sim.world.incidents.len());
    for (inc, st) in sim.world.incidents.iter().zip(&sim.states) {
        let svc = &scenario.services[inc.service as usize];
        let impact = svc.severities[inc.severity as usize].impact;
        if impact > 0.0 {
            edges.push((inc.service, inc.arrival, impact));
            edges.push((inc.service, st.restored.min(horizon), -impact));
        }
        if inc.arrival < warmup {
            continue;
        }
        incidents += 1;
        service_incidents[inc.service as usize] += 1;
        ttd_sum += st.paged - inc.arrival;
        if st.restored < horizon {
            ttr.push(st.restored - inc.arrival);
            wait_sum += st.wait;
        }
    }
    impaired_hours(&mut edges, warmup, &mut service_downtime);
    let resolved = ttr.len() as u64;
    ttr.sort_by(f64::total_cmp);
    let mean = |sum: f64, n: u64| if n == 0 { 0.0 } else { sum / n as f64 };
    let downtime_hours: f64 = service_downtime.iter().sum();
    let availability = 1.0 - downtime_hours / (n_services as f64 * window);

    let staffing = Staffing::of(model, scenario);
    let costs = &scenario.costs;
    let per_year = HOURS_PER_YEAR / window;
    let offhours_share = 1.0 - scenario.calendar.open_hours_within(horizon) / horizon;
    let dev_oncall_hours = staffing.dev_oncall * window;
    let standby_hours = (staffing.dev_oncall + staffing.sre_oncall) * window * offhours_share;
    let cost_staff = staffing.staff_cost_per_year(scenario);
    let cost_oncall = (standby_hours * costs.standby_per_hour
        + sim.offhours_pages as f64 * costs.callout_per_page)
        * per_year;
    let dev_rate = scenario.groups.dev.salary / costs.working_hours_per_year;
    let cost_labour = sim.dev_hours * dev_rate * per_year;
    let cost_downtime = service_downtime
        .iter()
        .zip(&scenario.services)
        .map(|(d, s)| d * s.revenue_per_hour)
        .sum::<f64>()
        * per_year;
    let cost_operating = cost_staff + cost_oncall + cost_labour;

    Outcome {
        model,
        replication,
        seed,
        incidents,
        resolved,
        open_at_end: incidents - resolved,
        availability,
        downtime_hours,
        mttr_hours: mean(ttr.iter().sum(), resolved),
        ttr_p50_hours: crate::stats::quantile_sorted(&ttr, 0.5),
        ttr_p90_hours: crate::stats::quantile_sorted(&ttr, 0.9),
        ttr_p99_hours: crate::stats::quantile_sorted(&ttr, 0.99),
        ttd_hours: mean(ttd_sum, incidents),
        queue_wait_hours: mean(wait_sum, resolved),
        escalations: sim.escalations,
        pages: sim.pages,
        offhours_pages: sim.offhours_pages,
        dev_oncall_hours,
        dev_incident_hours: sim.dev_hours,
        ops_sre_incident_hours: sim.ops_sre_hours,
        dedicated_headcount: staffing.sre_headcount + staffing.ops_headcount,
        cost_staff,
        cost_oncall,
        cost_labour,
        cost_operating,
        cost_downtime,
        cost_total: cost_operating + cost_downtime,
        service_downtime_hours: service_downtime,
        service_incidents,
    }
}

/// Impact-weighted downtime per service over `[warmup, ∞)` from (service, time, ±impact)
/// edges: at each moment a service is impaired by the sum of its open incidents' impacts,
/// capped at 1 (a full outage cannot be more than down).
fn impaired_hours(edges: &mut [(u32, f64, f64)], warmup: f64, out: &mut [f64]) {
    edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut level = 0.0_f64;
    let mut last = (u32::MAX, 0.0_f64);
    for &(service, t, delta) in edges.iter() {
        if service != last.0 {
            level = 0.0;
            last = (service, t);
        }
        let from = last.1.max(warmup);
        if t > from && level > 1e-12 {
            out[service as usize] += (t - from) * level.min(1.0);
        }
        level += delta;
        last.1 = t;
    }
}
