//! Policies simulated on shared worlds: replication `r`'s world is drawn once, with every
//! optional draw any runner could use (each purpose has its own stream, so a draw one
//! policy does not use leaves the others' numbers as they are), and every policy of the
//! batch runs on it — common random numbers. Work is spread over (policy, replication)
//! pairs and collected in order, so results do not depend on the thread count.

use rayon::prelude::*;

use crate::engine::simulate_policy;
use crate::metric::tier_shares;
use crate::model::{ModelKind, Runner};
use crate::models::Policy;
use crate::outcome::Outcome;
use crate::rng::replication_seed;
use crate::runner::RunError;
use crate::scenario::Scenario;
use crate::world::World;

/// What the frontier keeps of one replication of one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Operating cost per year (objective 1).
    pub cost_operating: f64,
    /// Cost of unreliability per year (objective 2).
    pub cost_unreliability: f64,
    /// Both.
    pub cost_total: f64,
    /// Mean availability.
    pub availability: f64,
    /// Share of all service-years meeting their target.
    pub met_share: f64,
    /// Per tier (targets highest first), the share meeting the target.
    pub tiers: Vec<f64>,
    /// The lowest of `tiers` in this replication (1 without tiers): objective 3,
    /// maximised. Its mean is at most the lowest of the tiers' means.
    pub worst_tier: f64,
    /// SRE and operations headcount (whole functions).
    pub dedicated_headcount: f64,
    /// Of which charged to these services.
    pub charged_headcount: f64,
    /// Developers' on-call hours per year.
    pub dev_oncall_hours: f64,
}

impl Row {
    /// Objective `k`, to be minimised: 0 the operating cost, 1 the cost of unreliability,
    /// 2 the worst tier's share meeting its target, negated.
    pub fn objective(&self, k: usize) -> f64 {
        match k {
            0 => self.cost_operating,
            1 => self.cost_unreliability,
            _ => -self.worst_tier,
        }
    }

    fn of(scenario: &Scenario, o: &Outcome) -> Row {
        let tiers = tier_shares(scenario, o);
        let window = scenario.horizon_hours - scenario.warmup_hours;
        let met = scenario
            .services
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                let down = o.service_downtime_hours.get(*i).copied().unwrap_or(0.0);
                1.0 - down / window >= s.availability_target
            })
            .count();
        let years = window / crate::units::HOURS_PER_YEAR;
        let worst_tier = tiers.iter().map(|(_, s)| *s).fold(1.0, f64::min);
        Row {
            cost_operating: o.cost_operating,
            cost_unreliability: o.cost_unreliability,
            cost_total: o.cost_total,
            availability: o.availability,
            met_share: met as f64 / scenario.services.len().max(1) as f64,
            tiers: tiers.into_iter().map(|(_, s)| s).collect(),
            worst_tier,
            dedicated_headcount: o.dedicated_headcount,
            charged_headcount: o.charged_headcount,
            dev_oncall_hours: o.dev_oncall_hours / years.max(f64::MIN_POSITIVE),
        }
    }
}

/// The mean of each of the first `dims` objectives over `rows` (see [`Row::objective`]).
pub fn objectives(rows: &[Row], dims: usize) -> Vec<f64> {
    let n = rows.len().max(1) as f64;
    (0..dims)
        .map(|k| rows.iter().map(|r| r.objective(k)).sum::<f64>() / n)
        .collect()
}

/// Simulates batches of policies on shared worlds.
pub struct Evaluator<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    pool: rayon::ThreadPool,
    /// Policies whose needs decide what every world draws.
    superset: Vec<Policy>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator on `threads` threads (all cores when `None`).
    pub fn new(scenario: &'a Scenario, threads: Option<usize>) -> Result<Self, RunError> {
        let pool = crate::runner::pool(threads)?;
        let n = scenario.services.len();
        let mut superset: Vec<Policy> = Runner::ALL
            .iter()
            .map(|r| Policy::assigned(scenario, &vec![*r; n]))
            .collect();
        superset.extend(ModelKind::ALL.iter().map(|m| Policy::of(scenario, *m)));
        Ok(Evaluator {
            scenario,
            pool,
            superset,
        })
    }

    /// Every policy on replications `reps` (numbers, seeds from the scenario's seed):
    /// `[policy][replication]`. `None` when `stop` said so.
    pub fn simulate(
        &self,
        policies: &[&Policy],
        reps: std::ops::Range<u32>,
        progress: &(dyn Fn() + Sync),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Vec<Vec<Row>>>, RunError> {
        let scenario = self.scenario;
        let per_rep = reps.len();
        let reps_v: Vec<u32> = reps.collect();
        let worlds: Vec<(u64, World)> = self.pool.install(|| {
            reps_v
                .par_iter()
                .map(|&r| {
                    let seed = replication_seed(scenario.seed, r);
                    (seed, World::generate_for(scenario, &self.superset, seed))
                })
                .collect()
        });
        let jobs = policies.len() * per_rep;
        let rows: Option<Vec<Result<Row, RunError>>> = self.pool.install(|| {
            (0..jobs)
                .into_par_iter()
                .map(|j| {
                    if stop() {
                        return None;
                    }
                    let (p, k) = (j / per_rep.max(1), j % per_rep.max(1));
                    let (seed, world) = &worlds[k];
                    let o = simulate_policy(scenario, world, policies[p], reps_v[k], *seed);
                    progress();
                    Some(match o.runaway {
                        Some(limit) => Err(crate::runner::runaway(scenario, &o, limit)),
                        None => Ok(Row::of(scenario, &o)),
                    })
                })
                .collect()
        });
        let Some(rows) = rows else { return Ok(None) };
        let rows: Vec<Row> = rows.into_iter().collect::<Result<_, _>>()?;
        let mut out: Vec<Vec<Row>> = Vec::with_capacity(policies.len());
        let mut it = rows.into_iter();
        for _ in 0..policies.len() {
            out.push(it.by_ref().take(per_rep).collect());
        }
        Ok(Some(out))
    }
}
