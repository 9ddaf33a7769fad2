//! Who each model needs and keeps on call: dedicated SRE and operations headcount, and
//! on-call person-hours of developers and SREs. These follow from the model's structure and
//! on-call guidance, not from the incidents, so they are the same in every replication.

use crate::model::ModelKind;
use crate::scenario::Scenario;

/// The standing structure of one model in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    /// Dedicated SREs (a rota of at least `min_rota_size`, each on call at most `max_oncall_share`).
    pub sre_headcount: f64,
    /// Operations engineers staffing 24/7 seats.
    pub ops_headcount: f64,
    /// Developers on call at any moment, summed over teams.
    pub dev_oncall: f64,
    /// SREs on call at any moment (averaged over shifts).
    pub sre_oncall: f64,
}

impl Staffing {
    /// The structure `model` needs for `scenario`.
    pub fn of(model: ModelKind, scenario: &Scenario) -> Staffing {
        let g = &scenario.groups;
        let c = &scenario.costs;
        let owns_any = |team: usize, pred: &dyn Fn(f64) -> bool| {
            scenario
                .services
                .iter()
                .any(|s| s.team == team && pred(s.availability_target))
        };
        let teams = scenario.teams.len();
        let teams_with_services = (0..teams).filter(|t| owns_any(*t, &|_| true)).count() as f64;
        let dev_per_team = f64::from(g.dev.concurrent_oncall);
        let sre_rota = |share: f64| {
            if share <= 0.0 {
                0.0
            } else {
                let needed =
                    (f64::from(g.sre.concurrent_oncall) * share / c.max_oncall_share).ceil();
                needed.max(f64::from(c.min_rota_size))
            }
        };
        match model {
            ModelKind::YouRun => Staffing {
                sre_headcount: 0.0,
                ops_headcount: 0.0,
                dev_oncall: teams_with_services * dev_per_team,
                sre_oncall: 0.0,
            },
            ModelKind::YouAndSreRun => {
                let share = scenario.you_and_sre_run.sre_shift_share;
                Staffing {
                    sre_headcount: sre_rota(share),
                    ops_headcount: 0.0,
                    // Devs are L1 on their shifts and L2, 24/7, on the SREs' shifts.
                    dev_oncall: teams_with_services * dev_per_team,
                    sre_oncall: f64::from(g.sre.concurrent_oncall) * share,
                }
            }
            ModelKind::SreRun => {
                let min = scenario.sre_run.min_availability_target;
                let any_sre = scenario
                    .services
                    .iter()
                    .any(|s| s.availability_target >= min);
                let dev_teams = (0..teams)
                    .filter(|t| {
                        owns_any(*t, &|a| a < min)
                            || (scenario.sre_run.dev_escalation
                                == crate::scenario::DevEscalation::OnCall
                                && owns_any(*t, &|_| true))
                    })
                    .count() as f64;
                Staffing {
                    sre_headcount: if any_sre { sre_rota(1.0) } else { 0.0 },
                    ops_headcount: 0.0,
                    dev_oncall: dev_teams * dev_per_team,
                    sre_oncall: if any_sre {
                        f64::from(g.sre.concurrent_oncall)
                    } else {
                        0.0
                    },
                }
            }
            ModelKind::OpsRun => Staffing {
                sre_headcount: 0.0,
                ops_headcount: (f64::from(g.ops.concurrent_oncall) * c.ops_fte_per_seat).ceil(),
                dev_oncall: 0.0,
                sre_oncall: 0.0,
            },
        }
    }

    /// Salaries of dedicated staff per year.
    pub fn staff_cost_per_year(&self, scenario: &Scenario) -> f64 {
        self.sre_headcount * scenario.groups.sre.salary
            + self.ops_headcount * scenario.groups.ops.salary
    }
}
