//! The world of one replication: every incident's arrival, severity and intrinsic
//! difficulty, drawn once from the replication's seed and shared by every model
//! (common random numbers). Models differ only in how they respond to it.

use std::sync::Arc;

use rand::{Rng, RngExt};

use crate::calendar::Calendar;
use crate::dist::Dist;
use crate::rng::{Purpose, SimRng, stream};
use crate::scenario::Scenario;
use crate::units::HOURS_PER_WEEK;

mod kept;

pub use kept::{KEEP_BUDGET, Worlds};

/// What caused an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Background failure (infrastructure, dependency, load, …).
    Background,
    /// A failed deployment.
    Change,
    /// A fix that conflicted with a workaround still in production.
    Regression,
    /// An incident of a service this one depends on, propagated (`[cascades]`).
    Cascade,
}

/// One incident as it exists in the world, before any model responds to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident {
    /// Hours from the start of the run.
    pub arrival: f64,
    /// Index into [`Scenario::services`].
    pub service: u32,
    /// Index into the service's severity classes.
    pub severity: u8,
    /// Background or change-induced.
    pub cause: Cause,
    /// Hands-on hours an owner with full knowledge needs.
    pub effort: f64,
    /// Hours to detect with the owners' telemetry.
    pub detection: f64,
    /// Uniform in [0, 1): the incident escalates when below the escalation probability.
    pub escalation_u: f64,
    /// Acknowledgement delay of the first responder, hours.
    pub ack_l1: f64,
    /// Acknowledgement delay of an escalation's responder, hours.
    pub ack_l2: f64,
    /// Working hours a dev team not on call takes to pick the escalation up.
    pub prioritisation: f64,
    /// Routing delay for each responder group (dev, sre, ops), hours.
    pub routing: [f64; 3],
    /// Uniform shared with the causing deployment: a change incident does not happen when
    /// its deployment is held back by a feature freeze (`freeze_u >= freeze_deploy_share`).
    pub freeze_u: f64,
    /// Whether the incident crosses team boundaries.
    pub cross_team: bool,
    /// Hours for ops monitoring to detect it, where ops monitors.
    pub ops_watch: f64,
    /// Uniform deciding whether L1 applies a workaround.
    pub workaround_u: f64,
    /// L1's hours to apply a workaround.
    pub workaround_effort: f64,
    /// A non-owner's hours to roll back the failed deployment (change incidents only).
    pub rollback: f64,
    /// Uniform in [0, 1): the incident happens only while it is below its service's rate
    /// multiplier for its cause (`[learning]`; 0 when no model learns: it always happens).
    pub learn_u: f64,
    /// Uniform in [0, 1): its follow-up work is done when below the share done.
    pub followup_u: f64,
    /// Hours its follow-up work takes to reach production, when done.
    pub followup_delay: f64,
    /// Extra wait of an escalation that crosses a team boundary, hours (`[handoff]`).
    pub handoff: f64,
}

/// One service's deployments, sorted by time, as two columns: the times, which every
/// walk over them reads, and the uniforms deciding whether each goes out during a freeze,
/// read only while the service is frozen. Apart, a walk loads 8 bytes a deployment, not a
/// 24-byte record: on a large estate the walk waits on memory (`docs/performance.md`,
/// session 15).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployments {
    /// Hours from the start of the run, ascending.
    pub time: Vec<f64>,
    /// Per deployment, the uniform deciding whether it goes out during a freeze.
    pub freeze_u: Vec<f64>,
}

impl Deployments {
    /// The heap bytes they take.
    pub fn bytes(&self) -> usize {
        (self.time.capacity() + self.freeze_u.capacity()) * std::mem::size_of::<f64>()
    }
}

/// All incidents and deployments of one replication.
#[derive(Debug, Clone)]
pub struct World {
    /// Incidents sorted by arrival (then service).
    pub incidents: Vec<Incident>,
    /// Deployments of each service, sorted by time. Deployments only touch their own
    /// service's knowledge and freeze state, so they are kept apart per service and never
    /// merged into one timeline.
    pub deployments: Vec<Deployments>,
    /// What it was drawn from (also what the models' own incidents are drawn from).
    pub(crate) spec: Arc<WorldSpec>,
}

/// Everything a replication's world is drawn from, taken out of the scenario: the
/// horizon, the calendar deployments keep to, each service's arrivals, deployments and
/// per-incident distributions, the response's distributions, and which optional draws
/// the models use. [`World::generate_from`] reads nothing else, so two scenarios whose
/// specs are equal draw the same world from the same seed, bit for bit: the key under
/// which [`Worlds`] keeps worlds across the points of an analysis. A parameter that moves
/// only staffing, prices, knowledge, budgets or freezes leaves the spec equal; one that
/// moves arrivals, deployments, an incident's distributions, the learning or hand-off
/// delays, or (through the optional draws) which paths the models can take, does not.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldSpec {
    horizon: f64,
    calendar: Calendar,
    /// Routing delay of each responder group (dev, sre, ops).
    routing: [Dist; 3],
    acknowledge: Dist,
    prioritisation: Dist,
    ops_watch: Dist,
    workaround_effort: Dist,
    learning_delay: Dist,
    handoff_delay: Dist,
    pub(crate) needs: Needs,
    services: Vec<ServiceSpec>,
}

/// What one service's incidents and deployments are drawn from.
#[derive(Debug, Clone, PartialEq)]
struct ServiceSpec {
    background_rate: f64,
    arrival_profile: Option<Vec<f64>>,
    deploys_per_week: f64,
    deploy_in_business_hours: bool,
    change_failure_rate: f64,
    severity_shares: Vec<f64>,
    effort: Dist,
    change_effort: Dist,
    detection: Dist,
    cross_team_share: f64,
    rollback: Dist,
}

impl WorldSpec {
    /// What `scenario`'s worlds are drawn from, for its `policies`.
    pub fn of(scenario: &Scenario, policies: &[crate::models::Policy]) -> WorldSpec {
        let g = &scenario.groups;
        WorldSpec {
            horizon: scenario.horizon_hours,
            calendar: scenario.calendar.clone(),
            routing: [
                g.dev.routing.clone(),
                g.sre.routing.clone(),
                g.ops.routing.clone(),
            ],
            acknowledge: scenario.response.acknowledge.clone(),
            prioritisation: scenario.response.prioritisation.clone(),
            ops_watch: scenario.you_run_ops_monitors.detection.clone(),
            workaround_effort: scenario.workarounds.effort.clone(),
            learning_delay: scenario.learning.delay.clone(),
            handoff_delay: scenario.handoff.delay.clone(),
            needs: Needs::of(scenario, policies),
            services: scenario
                .services
                .iter()
                .map(|s| ServiceSpec {
                    background_rate: s.background_rate_per_hour,
                    arrival_profile: s.arrival_profile.clone(),
                    deploys_per_week: s.deploys_per_week,
                    deploy_in_business_hours: s.deploy_in_business_hours,
                    change_failure_rate: s.change_failure_rate,
                    severity_shares: s.severities.iter().map(|v| v.share).collect(),
                    effort: s.effort.clone(),
                    change_effort: s.change_effort.clone(),
                    detection: s.detection.clone(),
                    cross_team_share: s.cross_team_share,
                    rollback: s.rollback().clone(),
                })
                .collect(),
        }
    }

    /// Whether a world drawn from this spec is, for every model that `other` serves, the
    /// world `other` draws: equal in everything but the optional draws, of which it has at
    /// least `other`'s. An optional draw has a stream of its own, so drawing more of them
    /// never moves another's numbers, and a model never reads one it does not use.
    pub fn serves(&self, other: &WorldSpec) -> bool {
        self.needs.covers(other.needs)
            && WorldSpec {
                needs: other.needs,
                ..self.clone()
            } == *other
    }
}

impl World {
    /// Draws the world of one replication from its seed.
    pub fn generate(scenario: &Scenario, replication_seed: u64) -> World {
        World::generate_for(
            scenario,
            &crate::models::policies(scenario),
            replication_seed,
        )
    }

    /// As [`World::generate`], for the scenario's `policies` (derived once per run).
    pub fn generate_for(
        scenario: &Scenario,
        policies: &[crate::models::Policy],
        replication_seed: u64,
    ) -> World {
        World::generate_from(
            &Arc::new(WorldSpec::of(scenario, policies)),
            replication_seed,
        )
    }

    /// Draws the world of one replication from what it is drawn from and its seed.
    pub fn generate_from(spec: &Arc<WorldSpec>, replication_seed: u64) -> World {
        // Room for the incidents expected (Poisson means, with slack), so the vector of
        // 100-byte records is not regrown and copied while it fills.
        let expected: f64 = spec
            .services
            .iter()
            .map(|s| {
                let changes = s.deploys_per_week / HOURS_PER_WEEK * s.change_failure_rate;
                let mean = (s.background_rate + changes) * spec.horizon;
                mean + 4.0 * mean.sqrt() + 8.0
            })
            .sum();
        let mut world = World {
            incidents: Vec::with_capacity(expected.min(1e8) as usize),
            deployments: vec![Deployments::default(); spec.services.len()],
            spec: Arc::clone(spec),
        };
        for index in 0..spec.services.len() {
            generate_service(spec, index, replication_seed, &mut world);
        }
        // By arrival, then service, stably: the keys and their positions are sorted, not the
        // records of 150 bytes, which are then moved once. The same order as sorting the
        // records; records already in that order (one service's arrivals alone) are left
        // where they are.
        let in_order = world.incidents.is_sorted_by(|a, b| {
            a.arrival
                .total_cmp(&b.arrival)
                .then(a.service.cmp(&b.service))
                .is_le()
        });
        if in_order {
            return world;
        }
        let order = sorted_order(world.incidents.iter().map(|inc| (inc.arrival, inc.service)));
        let drawn = std::mem::take(&mut world.incidents);
        world.incidents = order.iter().map(|&i| drawn[i as usize]).collect();
        world
    }
}

/// The positions of `keys` (arrival, service) in the order of a stable sort by arrival
/// (`f64::total_cmp`), then service. Each key is packed with its position into one integer
/// whose order is that order with the position last, so the keys are unique and an
/// unstable sort of the integers gives the stable sort's order, for some 60% of the cost
/// of sorting the tuples stably (callgrind, the baseline's worlds).
fn sorted_order(keys: impl Iterator<Item = (f64, u32)>) -> Vec<u32> {
    let mut packed: Vec<u128> = keys
        .enumerate()
        .map(|(i, (arrival, service))| {
            (u128::from(total_order(arrival)) << 64) | (u128::from(service) << 32) | i as u128
        })
        .collect();
    packed.sort_unstable();
    packed.iter().map(|&k| k as u32).collect()
}

/// `x`'s place in `f64::total_cmp`'s order, as an unsigned integer (the standard library's
/// own transformation of the bits, then the sign bit flipped so that negatives come first).
fn total_order(x: f64) -> u64 {
    let bits = x.to_bits() as i64;
    let ordered = bits ^ ((((bits >> 63) as u64) >> 1) as i64);
    (ordered as u64) ^ (1 << 63)
}

/// Per-purpose streams of one service.
#[derive(Clone)]
pub(crate) struct Streams {
    severity: SimRng,
    effort: SimRng,
    detection: SimRng,
    escalation: SimRng,
    acknowledge: SimRng,
    prioritisation: SimRng,
    routing: SimRng,
    cross_team: SimRng,
    workaround: SimRng,
    rollback: SimRng,
    learning: SimRng,
    handoff: SimRng,
    needs: Needs,
}

fn generate_service(spec: &WorldSpec, index: usize, seed: u64, world: &mut World) {
    let service = &spec.services[index];
    let needs = spec.needs;
    let idx = index as u64;
    let horizon = spec.horizon;
    let mut streams = Streams {
        severity: stream(seed, Purpose::Severity, idx),
        effort: stream(seed, Purpose::Effort, idx),
        detection: stream(seed, Purpose::Detection, idx),
        escalation: stream(seed, Purpose::Escalation, idx),
        acknowledge: stream(seed, Purpose::Acknowledge, idx),
        prioritisation: stream(seed, Purpose::Prioritisation, idx),
        routing: stream(seed, Purpose::Routing, idx),
        cross_team: stream(seed, Purpose::CrossTeam, idx),
        workaround: stream(seed, Purpose::Workaround, idx),
        rollback: stream(seed, Purpose::Rollback, idx),
        learning: stream(seed, Purpose::Learning, idx),
        handoff: stream(seed, Purpose::Handoff, idx),
        needs,
    };

    // Background incidents: a Poisson process, thinned by the hour-of-week profile.
    let mut arrivals = stream(seed, Purpose::Arrivals, idx);
    let rate = service.background_rate;
    if rate > 0.0 {
        let peak = service
            .arrival_profile
            .as_ref()
            .map_or(1.0, |p| p.iter().copied().fold(0.0, f64::max));
        let mut t = 0.0;
        loop {
            t += exp(&mut arrivals) / (rate * peak);
            if t >= horizon {
                break;
            }
            if let Some(profile) = &service.arrival_profile {
                let hour = (t % HOURS_PER_WEEK) as usize % 168;
                if arrivals.random::<f64>() * peak >= profile[hour] {
                    continue;
                }
            }
            let incident = draw_incident(spec, index, t, Cause::Background, &mut streams);
            world.incidents.push(incident);
        }
    }

    // Deployments: a Poisson process in business time (or all the time), each failing
    // with the change failure rate.
    let mut deploys = stream(seed, Purpose::Deployments, idx);
    let per_week = service.deploys_per_week;
    if per_week > 0.0 {
        let calendar = &spec.calendar;
        let (clock_hours_per_week, in_business) = if service.deploy_in_business_hours {
            (calendar.hours_per_week(), true)
        } else {
            (HOURS_PER_WEEK, false)
        };
        let rate = per_week / clock_hours_per_week;
        let mean = per_week * horizon / HOURS_PER_WEEK;
        let expected = (mean + 4.0 * mean.sqrt() + 8.0).min(1e8) as usize;
        let list = &mut world.deployments[index];
        list.time.reserve(expected);
        list.freeze_u.reserve(expected);
        let mut t = 0.0;
        // Gaps in business time, laid onto the calendar one after the other
        // (`calendar.add_working(t, gap)`, each from the day the last ended in).
        let mut walk = crate::calendar::Walk::new(calendar, t);
        loop {
            let gap = exp(&mut deploys) / rate;
            t = if in_business { walk.add(gap) } else { t + gap };
            if t >= horizon {
                break;
            }
            let freeze_u: f64 = deploys.random();
            let list = &mut world.deployments[index];
            list.time.push(t);
            list.freeze_u.push(freeze_u);
            if deploys.random::<f64>() < service.change_failure_rate {
                let mut incident = draw_incident(spec, index, t, Cause::Change, &mut streams);
                incident.freeze_u = freeze_u;
                world.incidents.push(incident);
            }
        }
    }
}

#[inline]
fn exp<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // Inverse transform on (0, 1]: never infinite.
    -(1.0 - rng.random::<f64>()).ln()
}

/// A draw that takes no random number for a constant distribution.
#[inline]
fn draw(d: &crate::dist::Dist, rng: &mut SimRng) -> f64 {
    match d {
        crate::dist::Dist::Constant(v) => *v,
        _ => d.sample(rng),
    }
}

/// Draws one incident's intrinsic properties from the service's per-purpose streams.
pub(crate) fn draw_incident(
    spec: &WorldSpec,
    index: usize,
    arrival: f64,
    cause: Cause,
    s: &mut Streams,
) -> Incident {
    let service = &spec.services[index];
    let severity = if service.severity_shares.len() == 1 {
        0
    } else {
        let u: f64 = s.severity.random();
        let mut acc = 0.0;
        let mut chosen = service.severity_shares.len() - 1;
        for (i, share) in service.severity_shares.iter().enumerate() {
            acc += share;
            if u < acc {
                chosen = i;
                break;
            }
        }
        chosen as u8
    };
    let needs = s.needs;
    Incident {
        arrival,
        service: index as u32,
        severity,
        cause,
        effort: match cause {
            Cause::Change => draw(&service.change_effort, &mut s.effort),
            Cause::Background | Cause::Regression | Cause::Cascade => {
                draw(&service.effort, &mut s.effort)
            }
        },
        detection: draw(&service.detection, &mut s.detection),
        escalation_u: if needs.escalation {
            s.escalation.random()
        } else {
            1.0
        },
        ack_l1: draw(&spec.acknowledge, &mut s.acknowledge),
        ack_l2: draw(&spec.acknowledge, &mut s.acknowledge),
        prioritisation: if needs.prioritisation {
            draw(&spec.prioritisation, &mut s.prioritisation)
        } else {
            0.0
        },
        routing: [
            draw(&spec.routing[0], &mut s.routing),
            draw(&spec.routing[1], &mut s.routing),
            draw(&spec.routing[2], &mut s.routing),
        ],
        freeze_u: 0.0,
        cross_team: service.cross_team_share > 0.0
            && s.cross_team.random::<f64>() < service.cross_team_share,
        ops_watch: if service.cross_team_share > 0.0 {
            draw(&spec.ops_watch, &mut s.cross_team)
        } else {
            f64::INFINITY
        },
        workaround_u: if needs.prioritisation {
            s.workaround.random()
        } else {
            1.0
        },
        workaround_effort: if needs.prioritisation {
            draw(&spec.workaround_effort, &mut s.workaround)
        } else {
            0.0
        },
        rollback: if cause == Cause::Change && needs.rollback {
            draw(&service.rollback, &mut s.rollback)
        } else {
            0.0
        },
        learn_u: if needs.learning {
            s.learning.random()
        } else {
            0.0
        },
        followup_u: if needs.learning {
            s.learning.random()
        } else {
            1.0
        },
        followup_delay: if needs.learning {
            draw(&spec.learning_delay, &mut s.learning)
        } else {
            0.0
        },
        handoff: if needs.handoff {
            draw(&spec.handoff_delay, &mut s.handoff)
        } else {
            0.0
        },
    }
}

/// Which per-incident draws some selected model can use. Each purpose has its own stream,
/// so skipping a purpose no model needs never shifts another purpose's numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Needs {
    escalation: bool,
    prioritisation: bool,
    rollback: bool,
    learning: bool,
    handoff: bool,
}

impl Needs {
    /// Whether every optional draw `other` makes is also made here.
    fn covers(self, other: Needs) -> bool {
        let has = |mine: bool, theirs: bool| mine || !theirs;
        has(self.escalation, other.escalation)
            && has(self.prioritisation, other.prioritisation)
            && has(self.rollback, other.rollback)
            && has(self.learning, other.learning)
            && has(self.handoff, other.handoff)
    }

    /// What the selected models' policies can use: decided by the runners they can assign
    /// and the escalation paths those runners have, never by model name.
    fn of(scenario: &Scenario, policies: &[crate::models::Policy]) -> Needs {
        use crate::models::{Escalation, route::paths};
        let mut needs = Needs {
            learning: scenario.learning.active(),
            ..Needs::default()
        };
        for policy in policies {
            for s in 0..scenario.services.len() {
                for runner in policy.possible_runners(scenario, s) {
                    for (l1, escalation) in paths(scenario, s, runner) {
                        match escalation {
                            Escalation::None => {}
                            Escalation::OnCall => needs.escalation = true,
                            Escalation::BusinessHours { .. } => {
                                needs.escalation = true;
                                needs.prioritisation = true;
                            }
                        }
                        if escalation != Escalation::None
                            && crate::models::crosses_teams(l1)
                            && scenario.handoff.active()
                        {
                            needs.handoff = true;
                        }
                        if crate::models::rolls_back(scenario, l1.group()) {
                            needs.rollback = true;
                        }
                    }
                }
            }
        }
        needs
    }
}

/// Streams for the incidents a model's feedback creates (regressions from workaround
/// conflicts). Keyed by model: once feedback acts, models no longer share a world.
pub(crate) fn feedback_streams(needs: Needs, seed: u64, model: usize) -> Streams {
    model_streams(needs, seed, model, Purpose::Feedback)
}

/// Streams for the incidents a model's cascades create, keyed by model.
pub(crate) fn cascade_streams(needs: Needs, seed: u64, model: usize) -> Streams {
    model_streams(needs, seed, model, Purpose::Cascade)
}

fn model_streams(needs: Needs, seed: u64, model: usize, purpose: Purpose) -> Streams {
    let key = |p: Purpose| 0x00FE_ED00_0000_u64 + (model as u64) * 64 + p as u64;
    let s = |p: Purpose| stream(seed, purpose, key(p));
    Streams {
        severity: s(Purpose::Severity),
        effort: s(Purpose::Effort),
        detection: s(Purpose::Detection),
        escalation: s(Purpose::Escalation),
        acknowledge: s(Purpose::Acknowledge),
        prioritisation: s(Purpose::Prioritisation),
        routing: s(Purpose::Routing),
        cross_team: s(Purpose::CrossTeam),
        workaround: s(Purpose::Workaround),
        rollback: s(Purpose::Rollback),
        learning: s(Purpose::Learning),
        handoff: s(Purpose::Handoff),
        needs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The packed keys' order is the stable sort's: ties of arrival (and of arrival and
        /// service) included, zeros of both signs, and any other doubles.
        #[test]
        fn the_packed_order_is_the_stable_sorts(
            keys in proptest::collection::vec(
                (
                    prop_oneof![
                        Just(0.0f64),
                        Just(-0.0f64),
                        Just(1.5f64),
                        (0u32..20).prop_map(f64::from),
                        proptest::num::f64::ANY,
                    ],
                    0u32..4,
                ),
                0..200,
            ),
        ) {
            let mut stable: Vec<(f64, u32, u32)> =
                keys.iter().enumerate().map(|(i, &(a, s))| (a, s, i as u32)).collect();
            stable.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let expected: Vec<u32> = stable.iter().map(|k| k.2).collect();
            prop_assert_eq!(sorted_order(keys.iter().copied()), expected);
        }

        /// `total_order` is `f64::total_cmp`'s order, NaNs and infinities included.
        #[test]
        fn total_order_is_total_cmp(a in any::<u64>(), b in any::<u64>()) {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            prop_assert_eq!(total_order(x).cmp(&total_order(y)), x.total_cmp(&y));
        }
    }
}
