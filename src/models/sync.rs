//! Knowledge synchronisation as a demand, not an input. A non-owning responder group
//! keeps its knowledge `K` of a service against erosion by deployments with sync hours:
//! between events `dK/dt = r (1 − K) − d e (K − f)`, with `d` deployments per hour, `e`
//! the erosion per deployment, `f` the group's floor, and `r = effect × h / 168` for `h`
//! sync hours a week. Holding `K` at the scenario's target `K*` takes
//!
//! ```text
//! h = deploys_per_week × e × (K* − f) / ((1 − K*) × effect)
//! ```
//!
//! sync hours a week per service: its demand. A group gives at most `sync_share` of its
//! people's working time, spread over every service of its estate; when the estate's
//! demand exceeds that, each service gets the same fraction of its demand, and knowledge
//! settles below the target. Demand, capacity and what was given are all outputs.

use super::Policy;
use crate::scenario::{GroupId, Scenario};

/// The groups whose knowledge of services is tracked (non-owners), in storage order.
pub const TRACKED: [GroupId; 2] = [GroupId::Sre, GroupId::Ops];

/// Index of a tracked group in [`TRACKED`].
pub fn tracked_index(group: GroupId) -> Option<usize> {
    TRACKED.iter().position(|g| *g == group)
}

/// Sync hours per week (of meetings; each has `sync_attendees` people, one of them from
/// the group) demanded and given per tracked group and service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncPlan {
    /// Hours a week each service needs from each tracked group to hold the target; zero
    /// for services the group never responds to.
    pub demand: [Vec<f64>; 2],
    /// Hours a week each service gets: the demand, scaled down when capacity is short.
    pub given: [Vec<f64>; 2],
    /// Hours a week the whole function can give (its people × `sync_share` × working week).
    pub capacity: [f64; 2],
    /// Hours a week the whole estate demands (these services' demand scaled to the estate).
    pub estate_demand: [f64; 2],
}

impl SyncPlan {
    /// The plan for `policy` (whose headcount is already set).
    pub fn of(policy: &Policy, scenario: &Scenario) -> SyncPlan {
        let k = &scenario.knowledge;
        let n = scenario.services.len();
        let week = scenario.costs.working_hours_per_year / 52.0;
        let mut plan = SyncPlan {
            demand: [vec![0.0; n], vec![0.0; n]],
            given: [vec![0.0; n], vec![0.0; n]],
            capacity: [0.0; 2],
            estate_demand: [0.0; 2],
        };
        for (i, group) in TRACKED.into_iter().enumerate() {
            let mine = policy.services_of(scenario, group);
            if mine.is_empty() {
                continue;
            }
            let floor = scenario.groups.get(group).knowledge_floor;
            for &s in &mine {
                plan.demand[i][s] = demand_per_week(
                    scenario.services[s].deploys_per_week,
                    k.erosion_per_deploy,
                    k.target,
                    floor,
                    k.sync_effect_per_hour,
                );
            }
            let estate = policy.headcount.estate_services[i].max(mine.len() as f64);
            let ours: f64 = plan.demand[i].iter().sum();
            plan.estate_demand[i] = ours * estate / mine.len() as f64;
            plan.capacity[i] =
                policy.headcount.function(group) * scenario.groups.get(group).sync_share * week;
            let fraction = if plan.estate_demand[i] <= plan.capacity[i] {
                1.0
            } else if plan.estate_demand[i].is_finite() {
                plan.capacity[i] / plan.estate_demand[i]
            } else {
                0.0
            };
            for &s in &mine {
                plan.given[i][s] = if plan.demand[i][s].is_finite() {
                    plan.demand[i][s] * fraction
                } else {
                    plan.capacity[i] / estate
                };
            }
        }
        plan
    }
}

/// Sync hours per week that hold knowledge at `target` against `deploys_per_week`
/// deployments each eroding `erosion` of the knowledge above `floor`, when an hour a
/// week closes `effect` of the gap per week. Infinite when the target is unreachable.
pub fn demand_per_week(
    deploys_per_week: f64,
    erosion: f64,
    target: f64,
    floor: f64,
    effect: f64,
) -> f64 {
    if target <= floor || deploys_per_week <= 0.0 || erosion <= 0.0 {
        return 0.0;
    }
    if target >= 1.0 || effect <= 0.0 {
        return f64::INFINITY;
    }
    deploys_per_week * erosion * (target - floor) / ((1.0 - target) * effect)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integrates the knowledge ODE with deployments as discrete erosions and checks that
    /// the demanded sync holds the target on average.
    #[test]
    fn demand_holds_the_target_in_an_independent_integration() {
        let (deploys, erosion, target, floor, effect) = (10.0, 0.01, 0.8, 0.2, 0.05);
        let h = demand_per_week(deploys, erosion, target, floor, effect);
        let rate = effect * h / 168.0;
        let gap = 168.0 / deploys;
        let mut k: f64 = target;
        let mut sum = 0.0;
        let steps = 20_000;
        for _ in 0..steps {
            // Restore for one inter-deployment gap (exact), then erode.
            k = 1.0 - (1.0 - k) * (-rate * gap).exp();
            sum += k;
            k = floor + (k - floor) * (1.0 - erosion);
        }
        let mean = sum / f64::from(steps);
        assert!((mean - target).abs() < 0.01, "mean knowledge {mean}");
        assert_eq!(demand_per_week(10.0, 0.01, 0.1, 0.2, 0.05), 0.0);
        assert!(demand_per_week(10.0, 0.01, 1.0, 0.2, 0.05).is_infinite());
    }
}
