//! What each ownership model *is*, in one place. [`Policy::of`] turns (scenario, model)
//! into a value that says who runs each service and how that can change (the readiness
//! review), whether ops monitors cross-team workflows, whether an error-budget policy
//! applies, who is staffed and how their cost is charged, and how much knowledge
//! synchronisation each responder group needs and can give. Nothing outside this module
//! matches on [`ModelKind`]: the engine, the measurements and the report ask the policy.
//!
//! - [`route`]: the first responder and escalation path for a service's runner;
//! - [`staffing`]: dedicated headcount, shared functions and who is on call;
//! - [`sync`]: knowledge synchronisation as a demand, capped by capacity;
//! - [`settling`]: how long the scenario takes to reach its steady state.

pub mod route;
pub mod settling;
pub mod staffing;
pub mod sync;

pub use route::{Escalation, Responder, route, sre_shift};
pub use staffing::{Headcount, OnCall, Runner};
pub use sync::SyncPlan;

use crate::model::ModelKind;
use crate::scenario::{GroupId, Scenario};

/// How a model assigns services to runners at the start of a run.
#[derive(Debug, Clone, PartialEq)]
enum Assignment {
    /// Every service has the same runner for the whole run.
    All(Runner),
    /// Services at or above `min_target` are run by `above`, the others by `below`.
    ByTarget {
        min_target: f64,
        above: Runner,
        below: Runner,
    },
    /// Services start with their owners; candidates are admitted by evidence (`sre-run`).
    Readiness,
    /// Each service has the runner at its index for the whole run (`assigned`).
    PerService(Vec<Runner>),
}

/// `sre-run`'s readiness review by evidence and its hand-back rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Readiness {
    /// Services with at least this availability target are candidates.
    pub min_target: f64,
    /// Consecutive quarters within budget under the owners before admission.
    pub evidence_quarters: u32,
    /// Consecutive quarters outside budget under SRE before hand-back.
    pub handback_after_quarters: u32,
    /// Traffic that starts the review, and traffic that hands over (SMITH's stages).
    pub substantial_traffic: f64,
    /// See `substantial_traffic`.
    pub critical_traffic: f64,
}

/// What happens to a service at a quarter's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// It keeps its runner.
    Stay,
    /// Its owners and the SRE team hold a readiness review; if it passes, `to` runs it.
    Review {
        /// The runner after a passed review.
        to: Runner,
    },
    /// `to` runs it from now.
    To(Runner),
}

/// One model's policy for one scenario.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The model.
    pub model: ModelKind,
    /// The key of the random-number streams for the incidents this policy's feedback and
    /// cascades create (once feedback acts, policies no longer share a world): the model's
    /// position, or for an assignment that is a named model's, that model's.
    pub stream: usize,
    assignment: Assignment,
    /// The readiness review, where services move between owners and SRE.
    pub readiness: Option<Readiness>,
    /// Whether ops watches critical cross-team workflows and pages the owners.
    pub ops_monitors: bool,
    /// Whether services freeze features when outside their error budget.
    pub error_budget_policy: bool,
    /// Dedicated staff and the share of shared functions charged to these services.
    pub headcount: Headcount,
    /// Sync demand, capacity and what each non-owning group gives per service.
    pub sync: SyncPlan,
    /// Per service, whether each non-owning group ([`sync::TRACKED`] order) can be its
    /// first responder during a run ([`Policy::may_respond`]): where it cannot, its
    /// knowledge of the service is never read.
    pub responds: Vec<[bool; 2]>,
}

/// The policies of every model a scenario compares, in its order: derived once per run.
pub fn policies(scenario: &Scenario) -> Vec<Policy> {
    scenario
        .models
        .iter()
        .map(|m| Policy::of(scenario, *m))
        .collect()
}

/// Whether an escalation from first responder `l1` to the owning team crosses a team
/// boundary (and pays `[handoff]`): the owning team's own rota and its embedded SREs do not;
/// the SRE team, operations and a domain rota do.
pub fn crosses_teams(l1: Responder) -> bool {
    !matches!(l1, Responder::Dev(_) | Responder::Embedded(_))
}

/// Whether a first responder of `group` restores a failed deployment by rolling it back
/// itself: a group other than the owning developers that holds production access.
pub fn rolls_back(scenario: &Scenario, group: GroupId) -> bool {
    group != GroupId::Dev && scenario.groups.get(group).production_access
}

impl Policy {
    /// The policy of `model` in `scenario`. This is the only place that decides, by model,
    /// who runs what.
    pub fn of(scenario: &Scenario, model: ModelKind) -> Policy {
        let (assignment, ops_monitors) = match model {
            ModelKind::YouRun => (Assignment::All(Runner::Owners), false),
            ModelKind::YouAndSreRun => (Assignment::All(Runner::SharedWithSre), false),
            ModelKind::SreRun => (Assignment::Readiness, false),
            ModelKind::OpsRun => (Assignment::All(Runner::Ops), false),
            ModelKind::OpsSometimesRun => (
                Assignment::ByTarget {
                    min_target: scenario.ops_sometimes_run.min_availability_target,
                    above: Runner::Owners,
                    below: Runner::Ops,
                },
                false,
            ),
            ModelKind::YouRunOpsMonitors => (
                Assignment::All(Runner::Owners),
                scenario.you_run_ops_monitors.ops_seats > 0,
            ),
            ModelKind::Assigned => (
                Assignment::PerService(scenario.services.iter().map(|s| s.runner).collect()),
                false,
            ),
        };
        Policy::build(scenario, model, assignment, ops_monitors)
    }

    /// The `assigned` policy with `runners` (one per service, in the scenario's order) in
    /// place of the services' `runner` keys: what `whoruns frontier` evaluates, through the
    /// same code as every model.
    pub fn assigned(scenario: &Scenario, runners: &[Runner]) -> Policy {
        let mut runners = runners.to_vec();
        runners.resize(scenario.services.len(), Runner::Owners);
        Policy::build(
            scenario,
            ModelKind::Assigned,
            Assignment::PerService(runners),
            false,
        )
    }

    /// The static runners of a named model, one per service: `None` for a model whose
    /// runners change during a run or that adds a mechanism an assignment has not
    /// (`sre-run`'s readiness review, ops monitoring).
    pub fn static_runners(scenario: &Scenario, model: ModelKind) -> Option<Vec<Runner>> {
        let p = Policy::of(scenario, model);
        if p.readiness.is_some() || p.ops_monitors {
            return None;
        }
        Some(
            (0..scenario.services.len())
                .map(|s| p.initial_runner(scenario, s))
                .collect(),
        )
    }

    /// The stream key of a policy: an assignment that every service's runner makes the
    /// same as a named static model's draws that model's numbers, so a named model written
    /// as an assignment gives identical results.
    fn stream_of(scenario: &Scenario, model: ModelKind, assignment: &Assignment) -> usize {
        let Assignment::PerService(runners) = assignment else {
            return model.index();
        };
        let n = scenario.services.len();
        let named = |m: ModelKind| {
            let p = Policy::of(scenario, m);
            p.readiness.is_none()
                && !p.ops_monitors
                && (0..n).all(|s| p.initial_runner(scenario, s) == runners[s])
        };
        ModelKind::ALL
            .into_iter()
            .find(|m| named(*m))
            .unwrap_or(model)
            .index()
    }

    /// The policy of `model` with `assignment`: readiness, staffing and sync follow from
    /// who runs what.
    fn build(
        scenario: &Scenario,
        model: ModelKind,
        assignment: Assignment,
        ops_monitors: bool,
    ) -> Policy {
        let readiness = (assignment == Assignment::Readiness).then(|| {
            let r = &scenario.sre_run;
            Readiness {
                min_target: r.min_availability_target,
                evidence_quarters: r.evidence_quarters,
                handback_after_quarters: r.handback_after_quarters,
                substantial_traffic: r.substantial_traffic,
                critical_traffic: r.critical_traffic,
            }
        });
        let stream = Policy::stream_of(scenario, model, &assignment);
        let mut policy = Policy {
            model,
            stream,
            assignment,
            readiness,
            ops_monitors,
            error_budget_policy: scenario.error_budget.freeze
                && scenario.error_budget.models.contains(&model),
            headcount: Headcount::default(),
            sync: SyncPlan::default(),
            responds: Vec::new(),
        };
        policy.responds = (0..scenario.services.len())
            .map(|s| sync::TRACKED.map(|g| policy.may_respond(scenario, g, s)))
            .collect();
        policy.headcount = Headcount::of(&policy, scenario);
        policy.sync = SyncPlan::of(&policy, scenario);
        policy
    }

    /// Who runs `service` at the start of a run.
    pub fn initial_runner(&self, scenario: &Scenario, service: usize) -> Runner {
        match &self.assignment {
            Assignment::All(r) => *r,
            Assignment::ByTarget {
                min_target,
                above,
                below,
            } => {
                if scenario.services[service].availability_target >= *min_target {
                    *above
                } else {
                    *below
                }
            }
            Assignment::Readiness => Runner::Owners,
            Assignment::PerService(runners) => {
                runners.get(service).copied().unwrap_or(Runner::Owners)
            }
        }
    }

    /// Whether `service` is a candidate for the SRE team's readiness review.
    pub fn candidate(&self, scenario: &Scenario, service: usize) -> bool {
        self.readiness
            .is_some_and(|r| scenario.services[service].availability_target >= r.min_target)
    }

    /// Every runner `service` can have during a run.
    pub fn possible_runners(&self, scenario: &Scenario, service: usize) -> Vec<Runner> {
        let first = self.initial_runner(scenario, service);
        match self.readiness {
            Some(r) if self.candidate(scenario, service) => {
                if r.critical_traffic > r.substantial_traffic {
                    vec![first, Runner::SharedWithSre, Runner::Sre]
                } else {
                    vec![first, Runner::Sre]
                }
            }
            _ => vec![first],
        }
    }

    /// Whether `group` can be a first responder for `service` during a run.
    pub fn may_respond(&self, scenario: &Scenario, group: GroupId, service: usize) -> bool {
        self.possible_runners(scenario, service)
            .iter()
            .any(|r| r.l1_groups().contains(&group))
    }

    /// Services `group` can be a first responder for.
    pub fn services_of(&self, scenario: &Scenario, group: GroupId) -> Vec<usize> {
        (0..scenario.services.len())
            .filter(|&s| self.may_respond(scenario, group, s))
            .collect()
    }

    /// What happens to a service at a quarter's end, given its consecutive quarters within
    /// and outside budget and its traffic then (SMITH's process): a candidate with enough
    /// evidence under its owners and substantial traffic goes to the readiness review,
    /// which admits it to a rota shared with SRE (or straight to SRE once its traffic is
    /// critical); a shared service is handed over when its traffic becomes critical; a
    /// service the SRE team runs, or shares, goes back to its owners after enough quarters
    /// outside budget. With both thresholds at 0 this is admission by evidence alone.
    pub fn next_runner(
        &self,
        scenario: &Scenario,
        service: usize,
        current: Runner,
        quarters: (u32, u32),
        traffic: f64,
    ) -> Next {
        let (quarters_in, quarters_out) = quarters;
        let Some(r) = self.readiness else {
            return Next::Stay;
        };
        match current {
            Runner::Sre | Runner::SharedWithSre if quarters_out >= r.handback_after_quarters => {
                Next::To(Runner::Owners)
            }
            Runner::SharedWithSre if traffic >= r.critical_traffic => Next::To(Runner::Sre),
            Runner::Owners
                if self.candidate(scenario, service)
                    && quarters_in >= r.evidence_quarters
                    && traffic >= r.substantial_traffic =>
            {
                Next::Review {
                    to: if traffic >= r.critical_traffic {
                        Runner::Sre
                    } else {
                        Runner::SharedWithSre
                    },
                }
            }
            _ => Next::Stay,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        let text = r#"
name = "p"
[[teams]]
name = "a"
[[services]]
name = "hi"
team = "a"
availability_target = 0.9995
[[services]]
name = "lo"
team = "a"
availability_target = 0.99
"#;
        crate::scenario::parsed(text, "p.toml")
    }

    #[test]
    fn readiness_admits_only_candidates_with_evidence_and_hands_back() {
        let s = scenario();
        let p = Policy::of(&s, ModelKind::SreRun);
        assert_eq!(p.initial_runner(&s, 0), Runner::Owners);
        let (n, m) = (
            s.sre_run.evidence_quarters,
            s.sre_run.handback_after_quarters,
        );
        let review = Next::Review { to: Runner::Sre };
        assert_eq!(
            p.next_runner(&s, 0, Runner::Owners, (n - 1, 0), 1.0),
            Next::Stay
        );
        assert_eq!(p.next_runner(&s, 0, Runner::Owners, (n, 0), 1.0), review);
        assert_eq!(
            p.next_runner(&s, 1, Runner::Owners, (99, 0), 1.0),
            Next::Stay
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::Sre, (0, m - 1), 1.0),
            Next::Stay
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::Sre, (0, m), 1.0),
            Next::To(Runner::Owners)
        );
    }

    #[test]
    fn staged_adoption_reviews_at_substantial_traffic_shares_then_hands_over_at_critical() {
        let mut s = scenario();
        s.sre_run.substantial_traffic = 10.0;
        s.sre_run.critical_traffic = 100.0;
        let p = Policy::of(&s, ModelKind::SreRun);
        let n = s.sre_run.evidence_quarters;
        assert_eq!(
            p.possible_runners(&s, 0),
            vec![Runner::Owners, Runner::SharedWithSre, Runner::Sre]
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::Owners, (n, 0), 9.9),
            Next::Stay
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::Owners, (n, 0), 10.0),
            Next::Review {
                to: Runner::SharedWithSre
            }
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::Owners, (n, 0), 150.0),
            Next::Review { to: Runner::Sre }
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::SharedWithSre, (0, 0), 50.0),
            Next::Stay
        );
        assert_eq!(
            p.next_runner(&s, 0, Runner::SharedWithSre, (0, 0), 100.0),
            Next::To(Runner::Sre)
        );
    }

    #[test]
    fn ops_sometimes_run_splits_by_target() {
        let s = scenario();
        let p = Policy::of(&s, ModelKind::OpsSometimesRun);
        assert_eq!(p.initial_runner(&s, 0), Runner::Owners);
        assert_eq!(p.initial_runner(&s, 1), Runner::Ops);
        assert_eq!(p.next_runner(&s, 1, Runner::Ops, (9, 0), 1.0), Next::Stay);
    }
}
