//! A stated goal and the assignment recommended for it: `--goal "meet every tier in 90%
//! of service-years"` (the cheapest confirmed point whose every tier meets its target in
//! at least that share of service-years) or `--budget 1.2M` (the most reliable confirmed
//! point whose operating cost is within it), and per service what moving it would change,
//! each move simulated on the recommended point's fresh replications (paired).

use super::confirm::TIER_INDIFFERENCE;
use super::evaluate::{Evaluator, Row};
use super::{FRESH, Frontier, FrontierError, Status};
use crate::model::Runner;
use crate::models::Policy;
use crate::stats::Estimate;

/// What the recommendation must achieve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Every tier meets its target in at least this share of its service-years (mean
    /// over the fresh replications).
    EveryTier {
        /// The share, in (0, 1].
        share: f64,
    },
    /// Operating cost per year within this.
    Budget {
        /// Currency per year.
        per_year: f64,
    },
}

/// A goal that cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GoalError {
    /// `--goal` not in the form understood.
    #[error(
        "--goal \"{0}\" is not understood; say which share of service-years every tier must meet its target in, e.g. --goal \"meet every tier in 90% of service-years\""
    )]
    Goal(String),
    /// `--budget` not an amount.
    #[error(
        "--budget \"{0}\" is not an amount per year; write e.g. 1.2M, 800k or 1200000 (the scenario's currency)"
    )]
    Budget(String),
}

impl Goal {
    /// Reads `--goal`: a share (`90%` or `0.9`) of service-years in which every tier
    /// meets its target.
    pub fn every_tier(text: &str) -> Result<Goal, GoalError> {
        let bad = || GoalError::Goal(text.to_string());
        if !text.to_lowercase().contains("tier") {
            return Err(bad());
        }
        let start = text.find(|c: char| c.is_ascii_digit()).ok_or_else(bad)?;
        let rest = &text[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..end].parse().map_err(|_| bad())?;
        let share = if rest[end..].trim_start().starts_with('%') || value > 1.0 {
            value / 100.0
        } else {
            value
        };
        if share > 0.0 && share <= 1.0 {
            Ok(Goal::EveryTier { share })
        } else {
            Err(bad())
        }
    }

    /// Reads `--budget`: an amount per year, with `k`, `M` or `B` for thousands,
    /// millions, billions.
    pub fn budget(text: &str) -> Result<Goal, GoalError> {
        let bad = || GoalError::Budget(text.to_string());
        let t: String = text
            .chars()
            .filter(|c| !matches!(c, ',' | '_' | ' ' | '$' | '€' | '£'))
            .collect();
        let (number, scale) = match t.chars().last() {
            Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
            Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
            Some('b' | 'B') => (&t[..t.len() - 1], 1e9),
            _ => (t.as_str(), 1.0),
        };
        let v: f64 = number.parse().map_err(|_| bad())?;
        if v.is_finite() && v > 0.0 {
            Ok(Goal::Budget {
                per_year: v * scale,
            })
        } else {
            Err(bad())
        }
    }

    /// The goal in words, for titles and tables.
    pub fn describe(&self, currency: &str) -> String {
        match self {
            Goal::EveryTier { share } => format!(
                "every tier meets its target in {}% of service-years",
                crate::format::trim_pct(100.0 * share)
            ),
            Goal::Budget { per_year } => format!(
                "operating cost within {} {currency} a year",
                crate::format::money(*per_year)
            ),
        }
    }

    /// Whether replications `rows` meet the goal (by their means).
    pub fn met(&self, rows: &[Row]) -> bool {
        match *self {
            Goal::EveryTier { share } => worst_tier(rows) >= share,
            Goal::Budget { per_year } => mean(rows, |r| r.cost_operating) <= per_year,
        }
    }
}

fn mean(rows: &[Row], f: impl Fn(&Row) -> f64) -> f64 {
    Estimate::of(rows.iter().map(f)).mean
}

/// The lowest over tiers of the mean share of service-years meeting the target.
pub fn worst_tier(rows: &[Row]) -> f64 {
    let tiers = rows.first().map_or(0, |r| r.tiers.len());
    (0..tiers)
        .map(|t| mean(rows, |r| r.tiers[t]))
        .fold(f64::INFINITY, f64::min)
}

/// One service moved to another runner, from the recommended assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// The service.
    pub service: usize,
    /// The runner it would have.
    pub to: Runner,
    /// Operating cost, moved minus recommended (paired).
    pub d_operating: Estimate,
    /// Cost of unreliability, moved minus recommended (paired).
    pub d_unreliability: Estimate,
    /// Its tier's share of service-years meeting the target, moved minus recommended.
    pub d_tier: Estimate,
}

/// The assignment recommended for a goal.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// The goal.
    pub goal: Goal,
    /// The point (index into the confirmation's points).
    pub point: usize,
    /// Its runners, per service.
    pub runners: Vec<Runner>,
    /// Whether it meets the goal (when no point does: the closest, said so).
    pub meets: bool,
    /// Every allowed single-service move from it.
    pub moves: Vec<Move>,
}

/// The confirmed point recommended for `goal`: among the front's points not dominated,
/// the cheapest to run that meets an every-tier goal, or the least unreliable within a
/// budget; when none meets it, the closest (the cheapest whose worst tier is within
/// [`TIER_INDIFFERENCE`] of the best, or the cheapest).
pub fn choose(frontier: &Frontier, goal: Goal) -> Option<(usize, bool)> {
    let c = &frontier.confirmed;
    let candidates: Vec<usize> = (0..c.front_len)
        .filter(|&i| c.status[i] != Status::Dominated)
        .collect();
    let by = |f: &dyn Fn(&Row) -> f64, pool: &[usize]| {
        pool.iter()
            .copied()
            .min_by(|&a, &b| mean(&c.rows[a], f).total_cmp(&mean(&c.rows[b], f)))
    };
    let meeting: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| goal.met(&c.rows[i]))
        .collect();
    let best = match goal {
        Goal::EveryTier { .. } => by(&|r| r.cost_operating, &meeting),
        Goal::Budget { .. } => by(&|r| r.cost_unreliability, &meeting),
    };
    if let Some(i) = best {
        return Some((i, true));
    }
    let closest = match goal {
        Goal::EveryTier { .. } => {
            // The best worst tier, and among the points within the indifference zone of
            // it, the cheapest to run.
            let best = (candidates.iter())
                .map(|&i| worst_tier(&c.rows[i]))
                .fold(f64::NEG_INFINITY, f64::max);
            let near: Vec<usize> = (candidates.iter().copied())
                .filter(|&i| worst_tier(&c.rows[i]) >= best - TIER_INDIFFERENCE)
                .collect();
            by(&|r| r.cost_operating, &near)
        }
        Goal::Budget { .. } => by(&|r| r.cost_operating, &candidates),
    };
    closest.map(|i| (i, false))
}

/// The recommendation for `goal`, with every allowed single-service move simulated on the
/// point's fresh replications. `None` when stopped (or when the front is empty).
pub fn recommend(
    frontier: &Frontier,
    goal: Goal,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Recommendation>, FrontierError> {
    let Some((point, meets)) = choose(frontier, goal) else {
        return Ok(None);
    };
    let scenario = &frontier.scenario;
    let c = &frontier.confirmed;
    let runners: Vec<Runner> = (0..scenario.services.len())
        .map(|s| c.policies[point].initial_runner(scenario, s))
        .collect();
    let mut moved: Vec<(usize, Runner)> = Vec::new();
    for (s, allowed) in frontier.choices.per_service.iter().enumerate() {
        for &r in allowed {
            if r != runners[s] {
                moved.push((s, r));
            }
        }
    }
    let policies: Vec<Policy> = moved
        .iter()
        .map(|&(s, r)| {
            let mut x = runners.clone();
            x[s] = r;
            Policy::assigned(scenario, &x)
        })
        .collect();
    let refs: Vec<&Policy> = policies.iter().collect();
    let base = &c.rows[point];
    let n = base.len() as u32;
    let eval = Evaluator::new(scenario, threads)?;
    let Some(rows) = eval.simulate(&refs, FRESH..FRESH + n, progress, stop)? else {
        return Ok(None);
    };
    let tiers = tier_index(scenario);
    let moves = moved
        .iter()
        .zip(rows)
        .map(|(&(service, to), rows)| {
            let t = tiers[service];
            Move {
                service,
                to,
                d_operating: super::confirm::paired(&rows, base, |r| r.cost_operating),
                d_unreliability: super::confirm::paired(&rows, base, |r| r.cost_unreliability),
                d_tier: super::confirm::paired(&rows, base, |r| {
                    r.tiers.get(t).copied().unwrap_or(f64::NAN)
                }),
            }
        })
        .collect();
    Ok(Some(Recommendation {
        goal,
        point,
        runners,
        meets,
        moves,
    }))
}

/// Each service's tier: its position among the scenario's targets, highest first (the
/// order of [`Row::tiers`]).
pub fn tier_index(scenario: &crate::scenario::Scenario) -> Vec<usize> {
    let targets = scenario.tiers();
    scenario
        .services
        .iter()
        .map(|s| {
            targets
                .iter()
                .position(|t| *t == s.availability_target)
                .unwrap_or(0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_read_as_people_write_them() {
        assert_eq!(
            Goal::every_tier("meet every tier in 90% of service-years"),
            Ok(Goal::EveryTier { share: 0.9 })
        );
        assert_eq!(
            Goal::every_tier("every tier 0.95"),
            Ok(Goal::EveryTier { share: 0.95 })
        );
        assert!(Goal::every_tier("cheap please").is_err());
        assert!(Goal::every_tier("every tier in 190%").is_err());
        assert_eq!(Goal::budget("1.2M"), Ok(Goal::Budget { per_year: 1.2e6 }));
        assert_eq!(Goal::budget("$800k"), Ok(Goal::Budget { per_year: 8e5 }));
        assert!(Goal::budget("lots").is_err());
        assert!(Goal::budget("-3").is_err());
    }
}
