//! Who is paged first for an incident, and how they reach the owning developers.

use super::Runner;
use crate::scenario::{DevEscalation, GroupId, Scenario, TeamSetup};

/// A first responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responder {
    /// The owning team's developer rota.
    Dev(u32),
    /// The owning team's embedded SRE (section 12.3 set-ups).
    Embedded(u32),
    /// The central SRE rota.
    Sre,
    /// The operations shift.
    Ops,
    /// A domain's developer rota, answering out of hours for its teams' services with
    /// `rota = "domain"`.
    Domain(u32),
}

/// How L1 reaches the owning developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalation {
    /// L1 is a developer of the owning team: there is no one to escalate to.
    None,
    /// The owning team's on-call developer is paged at once.
    OnCall,
    /// The owners are not on call: the next business hours, plus the team's prioritisation
    /// delay when the escalation comes from another team.
    BusinessHours {
        /// Whether the dev team must first prioritise it against its own work.
        prioritise: bool,
    },
}

impl Responder {
    /// The group whose routing delay, telemetry and production access apply.
    pub fn group(self) -> GroupId {
        match self {
            Responder::Dev(_) | Responder::Embedded(_) | Responder::Domain(_) => GroupId::Dev,
            Responder::Sre => GroupId::Sre,
            Responder::Ops => GroupId::Ops,
        }
    }

    /// The responder pool: dev rotas, then embedded SREs (one per team), then SRE, then ops,
    /// then domain rotas.
    pub fn pool(self, teams: usize) -> usize {
        match self {
            Responder::Dev(t) => t as usize,
            Responder::Embedded(t) => teams + t as usize,
            Responder::Sre => 2 * teams,
            Responder::Ops => 2 * teams + 1,
            Responder::Domain(d) => 2 * teams + 2 + d as usize,
        }
    }

    /// Whether this responder is an on-call person (paged at home), not a staffed shift.
    pub fn is_on_call(self) -> bool {
        !matches!(self, Responder::Ops)
    }

    /// Whether this responder's work is developer time.
    pub fn is_dev(self) -> bool {
        matches!(self, Responder::Dev(_) | Responder::Domain(_))
    }

    /// Out of hours, a developer of the owning team is replaced by the domain's rota when
    /// `scenario` says the domain answers for `service` at `t`, unless the team's own rota
    /// is on call around the clock now (`oncall`).
    pub fn off_hours(
        self,
        scenario: &Scenario,
        oncall: &super::OnCall,
        service: usize,
        t: f64,
    ) -> Responder {
        match self {
            Responder::Dev(team)
                if scenario.domain_answers(service, t)
                    && !oncall
                        .team_nights
                        .get(team as usize)
                        .copied()
                        .unwrap_or(false) =>
            {
                Responder::Domain(scenario.teams[team as usize].domain as u32)
            }
            other => other,
        }
    }
}

/// Whether the shift containing `t` belongs to the rota's SRE share: shifts are allotted
/// evenly, so a share of 0.5 alternates and 0.25 gives every fourth shift.
pub fn sre_shift(t: f64, shift_hours: f64, share: f64) -> bool {
    use crate::calendar::floor;
    if share <= 0.0 {
        // No shift is an SRE's (what the arithmetic below gives, without it).
        return false;
    }
    let k = floor(t / shift_hours);
    floor((k + 1.0) * share) > floor(k * share)
}

/// Every (first responder, escalation) pair `runner` can produce for `service`, whatever
/// the shift: what the world must draw numbers for.
pub fn paths(scenario: &Scenario, service: usize, runner: Runner) -> Vec<(Responder, Escalation)> {
    let share = |s: f64| {
        if s <= 0.0 {
            vec![false]
        } else if s >= 1.0 {
            vec![true]
        } else {
            vec![false, true]
        }
    };
    let shares = match runner {
        Runner::Owners => share(scenario.you_run.embedded_sre_shift_share),
        Runner::SharedWithSre => share(scenario.you_and_sre_run.sre_shift_share),
        Runner::Sre | Runner::Ops => vec![false],
    };
    shares
        .into_iter()
        .map(|sre| route_on_shift(scenario, service, runner, sre))
        .collect()
}

/// First responder and escalation path for an incident on `service` at time `t`, when
/// `runner` runs it.
pub fn route(
    scenario: &Scenario,
    service: usize,
    runner: Runner,
    t: f64,
) -> (Responder, Escalation) {
    // Whose shift it is matters only to a rota shared with SREs: the embedded SRE's
    // (owners whose team has `setup = "sre-and-devs"`) or the central SREs'. Worked out only
    // then: the same answer, without the shift arithmetic on every other incident.
    let sre_on_shift = match runner {
        Runner::Owners => {
            let team = scenario.services[service].team;
            scenario.teams[team].setup == TeamSetup::SreAndDevs
                && sre_shift(
                    t,
                    scenario.response.shift_hours,
                    scenario.you_run.embedded_sre_shift_share,
                )
        }
        Runner::SharedWithSre => {
            let r = &scenario.you_and_sre_run;
            sre_shift(t, r.shift_hours, r.sre_shift_share)
        }
        Runner::Sre | Runner::Ops => false,
    };
    route_on_shift(scenario, service, runner, sre_on_shift)
}

/// As [`route`], given whether the shift is an SRE's (for rotas shared with SREs).
fn route_on_shift(
    scenario: &Scenario,
    service: usize,
    runner: Runner,
    sre_on_shift: bool,
) -> (Responder, Escalation) {
    let team = scenario.services[service].team as u32;
    match runner {
        Runner::Owners => match scenario.teams[team as usize].setup {
            TeamSetup::DevsRotate => (Responder::Dev(team), Escalation::None),
            TeamSetup::EmbeddedSre => (
                Responder::Embedded(team),
                Escalation::BusinessHours { prioritise: false },
            ),
            TeamSetup::SreAndDevs if sre_on_shift => {
                (Responder::Embedded(team), Escalation::OnCall)
            }
            TeamSetup::SreAndDevs => (Responder::Dev(team), Escalation::None),
        },
        Runner::SharedWithSre if sre_on_shift => (Responder::Sre, Escalation::OnCall),
        Runner::SharedWithSre => (Responder::Dev(team), Escalation::None),
        Runner::Sre => match scenario.sre_run.dev_escalation {
            DevEscalation::OnCall => (Responder::Sre, Escalation::OnCall),
            DevEscalation::BusinessHours => (
                Responder::Sre,
                Escalation::BusinessHours { prioritise: true },
            ),
        },
        Runner::Ops => (
            Responder::Ops,
            Escalation::BusinessHours { prioritise: true },
        ),
    }
}
