//! Who each model needs and keeps on call. Dedicated headcount follows from the model's
//! structure and on-call guidance (a rota of at least `min_rota_size`, nobody on call more
//! than `max_oncall_share` of the time, 24/7 operations seats); who is on call may change
//! during a run when `sre-run` hands services back, so it is a function of ownership.

use crate::model::ModelKind;
use crate::scenario::{Scenario, TeamSetup};

/// Which team runs a service: its developers (`you-run`, in the team's set-up), the SRE
/// team or operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// The owning team, in its section 12.3 set-up.
    Owners,
    /// The owning team's developers on a shared rota with SREs (`you-and-sre-run`).
    SharedWithSre,
    /// The SRE team.
    Sre,
    /// Operations.
    Ops,
}

/// Who first responds to `service` under `model`, given whether SRE currently holds it.
pub fn runner(model: ModelKind, scenario: &Scenario, service: usize, sre_holds: bool) -> Runner {
    let s = &scenario.services[service];
    match model {
        ModelKind::YouRun | ModelKind::YouRunOpsMonitors => Runner::Owners,
        ModelKind::YouAndSreRun => Runner::SharedWithSre,
        ModelKind::SreRun if sre_holds => Runner::Sre,
        ModelKind::SreRun => Runner::Owners,
        ModelKind::OpsRun => Runner::Ops,
        ModelKind::OpsSometimesRun => {
            if s.availability_target >= scenario.ops_sometimes_run.min_availability_target {
                Runner::Owners
            } else {
                Runner::Ops
            }
        }
    }
}

/// Whether `service` passes `sre-run`'s readiness review on its traffic tier.
pub fn sre_eligible(scenario: &Scenario, service: usize) -> bool {
    scenario.services[service].availability_target >= scenario.sre_run.min_availability_target
}

/// Dedicated headcount of one model (fixed for the run).
#[derive(Debug, Clone, PartialEq)]
pub struct Headcount {
    /// The central SRE team.
    pub sre_team: f64,
    /// SREs embedded in development teams (section 12.3 set-ups).
    pub embedded_sre: f64,
    /// Operations engineers.
    pub ops: f64,
}

impl Headcount {
    /// The people `model` needs for `scenario`.
    pub fn of(model: ModelKind, scenario: &Scenario) -> Headcount {
        let c = &scenario.costs;
        let g = &scenario.groups;
        let n = scenario.services.len();
        let rota = |concurrent: f64| {
            if concurrent <= 0.0 {
                0.0
            } else {
                (concurrent / c.max_oncall_share)
                    .ceil()
                    .max(f64::from(c.min_rota_size))
            }
        };
        let initially = |s: usize| runner(model, scenario, s, sre_eligible(scenario, s));
        let sre_team = match model {
            ModelKind::YouAndSreRun => {
                rota(f64::from(g.sre.concurrent_oncall) * scenario.you_and_sre_run.sre_shift_share)
            }
            ModelKind::SreRun if (0..n).any(|s| sre_eligible(scenario, s)) => {
                rota(f64::from(g.sre.concurrent_oncall))
            }
            _ => 0.0,
        };
        // A team keeps its embedded SRE where any of its services can be run by its owners.
        let embedded_sre = scenario
            .teams
            .iter()
            .enumerate()
            .filter(|(t, team)| {
                team.setup != TeamSetup::DevsRotate
                    && (0..n).any(|s| {
                        scenario.services[s].team == *t
                            && (initially(s) == Runner::Owners || (model == ModelKind::SreRun))
                    })
            })
            .count() as f64;
        let seats = match model {
            ModelKind::OpsRun => f64::from(g.ops.concurrent_oncall),
            ModelKind::OpsSometimesRun if (0..n).any(|s| initially(s) == Runner::Ops) => {
                f64::from(g.ops.concurrent_oncall)
            }
            ModelKind::YouRunOpsMonitors => f64::from(scenario.you_run_ops_monitors.ops_seats),
            _ => 0.0,
        };
        Headcount {
            sre_team,
            embedded_sre,
            ops: (seats * c.ops_fte_per_seat).ceil(),
        }
    }

    /// Everyone dedicated to running services.
    pub fn total(&self) -> f64 {
        self.sre_team + self.embedded_sre + self.ops
    }
}

/// Who is on call at a moment, given who runs each service.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OnCall {
    /// Developers on call (as L1 or as L2 for a shared rota), summed over teams.
    pub dev: f64,
    /// SREs on call (central team and embedded), averaged over shifts.
    pub sre: f64,
    /// People in the rotas of those on call (for per-person page rates).
    pub rota_people: f64,
}

impl OnCall {
    /// The on-call structure when `runners[s]` runs service `s`.
    pub fn of(
        model: ModelKind,
        scenario: &Scenario,
        runners: &[Runner],
        headcount: &Headcount,
    ) -> OnCall {
        let g = &scenario.groups;
        let dev_per_team = f64::from(g.dev.concurrent_oncall);
        let mut out = OnCall::default();
        for (t, team) in scenario.teams.iter().enumerate() {
            let owns = |r: Runner| {
                scenario
                    .services
                    .iter()
                    .zip(runners)
                    .any(|(s, run)| s.team == t && *run == r)
            };
            let escalation_rota = model == ModelKind::SreRun
                && scenario.sre_run.dev_escalation == crate::scenario::DevEscalation::OnCall
                && owns(Runner::Sre);
            if owns(Runner::Owners) {
                match team.setup {
                    TeamSetup::DevsRotate => {
                        out.dev += dev_per_team;
                        out.rota_people += f64::from(team.headcount);
                    }
                    TeamSetup::EmbeddedSre => {
                        out.sre += 1.0;
                        out.rota_people += 1.0;
                    }
                    TeamSetup::SreAndDevs => {
                        let share = scenario.you_run.embedded_sre_shift_share;
                        // Devs are L1 on their shifts and L2 on the SRE's.
                        out.dev += dev_per_team;
                        out.sre += share;
                        out.rota_people += f64::from(team.headcount) + 1.0;
                    }
                }
            } else if owns(Runner::SharedWithSre) || escalation_rota {
                out.dev += dev_per_team;
                out.rota_people += f64::from(team.headcount);
            }
        }
        if runners.contains(&Runner::Sre) {
            out.sre += f64::from(g.sre.concurrent_oncall);
        }
        if runners.contains(&Runner::SharedWithSre) {
            out.sre +=
                f64::from(g.sre.concurrent_oncall) * scenario.you_and_sre_run.sre_shift_share;
        }
        if headcount.sre_team > 0.0
            && (runners.contains(&Runner::Sre) || runners.contains(&Runner::SharedWithSre))
        {
            out.rota_people += headcount.sre_team;
        }
        out
    }
}
