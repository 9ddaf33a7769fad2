//! The world of one replication: every incident's arrival, severity and intrinsic
//! difficulty, drawn once from the replication's seed and shared by every model
//! (common random numbers). Models differ only in how they respond to it.

use rand::{Rng, RngExt};

use crate::rng::{Purpose, SimRng, stream};
use crate::scenario::{Scenario, Service};
use crate::units::HOURS_PER_WEEK;

/// What caused an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Background failure (infrastructure, dependency, load, …).
    Background,
    /// A failed deployment.
    Change,
}

/// One incident as it exists in the world, before any model responds to it.
#[derive(Debug, Clone, PartialEq)]
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
}

/// A deployment of a service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deployment {
    /// Hours from the start of the run.
    pub time: f64,
    /// Index into [`Scenario::services`].
    pub service: u32,
}

/// All incidents and deployments of one replication, in time order.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Incidents sorted by arrival.
    pub incidents: Vec<Incident>,
    /// Deployments sorted by time.
    pub deployments: Vec<Deployment>,
}

impl World {
    /// Draws the world of one replication from its seed.
    pub fn generate(scenario: &Scenario, replication_seed: u64) -> World {
        let mut world = World::default();
        for (index, service) in scenario.services.iter().enumerate() {
            generate_service(scenario, service, index, replication_seed, &mut world);
        }
        world.incidents.sort_by(|a, b| {
            a.arrival
                .total_cmp(&b.arrival)
                .then(a.service.cmp(&b.service))
        });
        world
            .deployments
            .sort_by(|a, b| a.time.total_cmp(&b.time).then(a.service.cmp(&b.service)));
        world
    }
}

/// Per-purpose streams of one service.
struct Streams {
    severity: SimRng,
    effort: SimRng,
    detection: SimRng,
    escalation: SimRng,
    acknowledge: SimRng,
    prioritisation: SimRng,
    routing: SimRng,
    needs: Needs,
}

fn generate_service(
    scenario: &Scenario,
    service: &Service,
    index: usize,
    seed: u64,
    world: &mut World,
) {
    let idx = index as u64;
    let horizon = scenario.horizon_hours;
    let mut streams = Streams {
        severity: stream(seed, Purpose::Severity, idx),
        effort: stream(seed, Purpose::Effort, idx),
        detection: stream(seed, Purpose::Detection, idx),
        escalation: stream(seed, Purpose::Escalation, idx),
        acknowledge: stream(seed, Purpose::Acknowledge, idx),
        prioritisation: stream(seed, Purpose::Prioritisation, idx),
        routing: stream(seed, Purpose::Routing, idx),
        needs: Needs::of(scenario),
    };

    // Background incidents: a Poisson process, thinned by the hour-of-week profile.
    let mut arrivals = stream(seed, Purpose::Arrivals, idx);
    let rate = service.background_rate_per_hour;
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
            let incident =
                draw_incident(scenario, service, index, t, Cause::Background, &mut streams);
            world.incidents.push(incident);
        }
    }

    // Deployments: a Poisson process in business time (or all the time), each failing
    // with the change failure rate.
    let mut deploys = stream(seed, Purpose::Deployments, idx);
    let per_week = service.deploys_per_week;
    if per_week > 0.0 {
        let calendar = &scenario.calendar;
        let (clock_hours_per_week, in_business) = if service.deploy_in_business_hours {
            (calendar.hours_per_week(), true)
        } else {
            (HOURS_PER_WEEK, false)
        };
        let rate = per_week / clock_hours_per_week;
        let mut clock = 0.0;
        loop {
            clock += exp(&mut deploys) / rate;
            let t = if in_business {
                calendar.add_working(0.0, clock)
            } else {
                clock
            };
            if t >= horizon {
                break;
            }
            world.deployments.push(Deployment {
                time: t,
                service: index as u32,
            });
            if deploys.random::<f64>() < service.change_failure_rate {
                let incident =
                    draw_incident(scenario, service, index, t, Cause::Change, &mut streams);
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

fn draw_incident(
    scenario: &Scenario,
    service: &Service,
    index: usize,
    arrival: f64,
    cause: Cause,
    s: &mut Streams,
) -> Incident {
    let severity = if service.severities.len() == 1 {
        0
    } else {
        let u: f64 = s.severity.random();
        let mut acc = 0.0;
        let mut chosen = service.severities.len() - 1;
        for (i, sev) in service.severities.iter().enumerate() {
            acc += sev.share;
            if u < acc {
                chosen = i;
                break;
            }
        }
        chosen as u8
    };
    let g = &scenario.groups;
    let response = &scenario.response;
    let needs = s.needs;
    Incident {
        arrival,
        service: index as u32,
        severity,
        cause,
        effort: service.effort.sample(&mut s.effort),
        detection: service.detection.sample(&mut s.detection),
        escalation_u: if needs.escalation {
            s.escalation.random()
        } else {
            1.0
        },
        ack_l1: response.acknowledge.sample(&mut s.acknowledge),
        ack_l2: response.acknowledge.sample(&mut s.acknowledge),
        prioritisation: if needs.prioritisation {
            response.prioritisation.sample(&mut s.prioritisation)
        } else {
            0.0
        },
        routing: [
            g.dev.routing.sample(&mut s.routing),
            g.sre.routing.sample(&mut s.routing),
            g.ops.routing.sample(&mut s.routing),
        ],
    }
}

/// Which per-incident draws some selected model can use. Each purpose has its own stream,
/// so skipping a purpose no model needs never shifts another purpose's numbers.
#[derive(Debug, Clone, Copy)]
struct Needs {
    escalation: bool,
    prioritisation: bool,
}

impl Needs {
    fn of(scenario: &Scenario) -> Needs {
        use crate::model::ModelKind;
        use crate::scenario::DevEscalation;
        let escalation = scenario.models.iter().any(|m| *m != ModelKind::YouRun);
        let prioritisation = scenario.models.iter().any(|m| match m {
            ModelKind::OpsRun => true,
            ModelKind::SreRun => scenario.sre_run.dev_escalation == DevEscalation::BusinessHours,
            _ => false,
        });
        Needs {
            escalation,
            prioritisation,
        }
    }
}
