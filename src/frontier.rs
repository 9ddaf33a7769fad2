//! `whoruns frontier` as a library call: who should run which service. Searches
//! per-service assignments (the `assigned` model) for the Pareto frontier of operating
//! cost, the cost of unreliability and the worst tier's share of service-years meeting
//! its target (or the first two only), on common random numbers, then confirms the front
//! on fresh seeds and says which points its paired intervals separate.
//!
//! - [`evaluate`]: assignments simulated on shared worlds, one [`Row`] per replication;
//! - [`nsga`]: NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002) over the allowed runners,
//!   as independent islands, and exhaustive enumeration for small spaces;
//! - [`part`]: a shard's islands as text, for `whoruns merge`;
//! - [`confirm`]: fresh replications where they decide dominance, paired intervals;
//! - [`goal`]: `--goal`/`--budget`, the recommended assignment and its per-service table.

pub mod confirm;
pub mod evaluate;
pub mod goal;
pub mod nsga;
pub mod part;

pub use confirm::{Confirmed, Relation, Status};
pub use evaluate::Row;
pub use goal::{Goal, GoalError, Recommendation};

use crate::model::{ModelKind, Runner};
use crate::models::Policy;
use crate::runner::RunError;
use crate::scenario::Scenario;

/// The runners each service may be given: its `allowed_runners`, or every runner, less
/// the SRE team and the rota shared with it where the service's target is below
/// `[sre_run] min_availability_target` (it could not pass the readiness review) — unless
/// the scenario allows them for that service by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// Per service, in the scenario's order: its runners, in [`Runner::ALL`]'s order.
    pub per_service: Vec<Vec<Runner>>,
}

impl Choices {
    /// The choices `scenario` allows.
    pub fn of(scenario: &Scenario) -> Choices {
        let min = scenario.sre_run.min_availability_target;
        let per_service = scenario
            .services
            .iter()
            .map(|s| {
                if !s.allowed_runners.is_empty() {
                    return s.allowed_runners.clone();
                }
                Runner::ALL
                    .into_iter()
                    .filter(|r| {
                        s.availability_target >= min
                            || !matches!(r, Runner::Sre | Runner::SharedWithSre)
                    })
                    .collect()
            })
            .collect();
        Choices { per_service }
    }

    /// How many assignments there are (saturating).
    pub fn space(&self) -> u128 {
        self.per_service
            .iter()
            .fold(1u128, |n, c| n.saturating_mul(c.len() as u128))
    }

    /// Whether every service's runner in `runners` is allowed.
    pub fn allows(&self, runners: &[Runner]) -> bool {
        runners.len() == self.per_service.len()
            && runners
                .iter()
                .zip(&self.per_service)
                .all(|(r, c)| c.contains(r))
    }

    /// The runners of a genome (indices into each service's choices).
    pub fn runners(&self, genome: &[u8]) -> Vec<Runner> {
        genome
            .iter()
            .zip(&self.per_service)
            .map(|(g, c)| c[usize::from(*g) % c.len()])
            .collect()
    }

    /// The genome of `runners`, when every runner is allowed.
    pub fn genome(&self, runners: &[Runner]) -> Option<Vec<u8>> {
        if runners.len() != self.per_service.len() {
            return None;
        }
        runners
            .iter()
            .zip(&self.per_service)
            .map(|(r, c)| c.iter().position(|x| x == r).map(|i| i as u8))
            .collect()
    }
}

/// How the frontier is searched and confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Replications every candidate is simulated on during the search (the same seeds for
    /// every candidate: common random numbers).
    pub search_replications: u32,
    /// NSGA-II's population.
    pub population: usize,
    /// NSGA-II's generations after the first, on each island.
    pub generations: usize,
    /// Independent NSGA-II runs (islands), each on its own random stream with population
    /// × (generations + 1) proposals; their archives are joined before confirmation.
    pub islands: usize,
    /// Search on the worst tier's share of service-years meeting its target as a third
    /// objective (maximised), besides operating cost and the cost of unreliability.
    pub tier_objective: bool,
    /// The most points of the search's front confirmed (thinned by crowding distance,
    /// the extremes kept).
    pub max_front: usize,
    /// Fresh replications every confirmed point starts with.
    pub confirm_initial: u32,
    /// Fresh replications added at a time to the points of undecided pairs.
    pub confirm_batch: u32,
    /// The most fresh replications one point may get.
    pub confirm_max: u32,
    /// Worker threads (all cores when `None`); results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            search_replications: 8,
            population: 32,
            generations: 16,
            islands: 4,
            tier_objective: true,
            max_front: 20,
            confirm_initial: 10,
            confirm_batch: 10,
            confirm_max: 60,
            threads: None,
        }
    }
}

impl Options {
    /// How many objectives are searched and compared: 2, or 3 with the tier objective
    /// (see [`Row::objective`]).
    pub fn dims(&self) -> usize {
        if self.tier_objective { 3 } else { 2 }
    }
}

/// One island's archive: every assignment it simulated, in the order it proposed them.
#[derive(Debug, Clone, PartialEq)]
pub struct Island {
    /// The island's index, from 0.
    pub index: usize,
    /// Its archive.
    pub archive: Vec<nsga::Candidate>,
}

/// Why a frontier could not be found.
#[derive(Debug, thiserror::Error)]
pub enum FrontierError {
    /// A replication failed (a runaway, or the thread pool).
    #[error(transparent)]
    Run(#[from] RunError),
    /// A service has no runner it may be given.
    #[error("service \"{service}\" has no runner it may be given")]
    NoChoice {
        /// The service.
        service: String,
    },
    /// The options cannot work.
    #[error("{0}")]
    Options(String),
}

/// A named model as a reference point.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The model.
    pub model: ModelKind,
    /// Its runners when it is a static assignment (then it is in the search space if
    /// every runner is allowed).
    pub runners: Option<Vec<Runner>>,
    /// The front point with the same assignment, if any: both have the same fresh
    /// replications, so the same results.
    pub twin: Option<usize>,
}

/// The frontier found and confirmed.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// The scenario searched.
    pub scenario: Scenario,
    /// What each service could be given.
    pub choices: Choices,
    /// The options used.
    pub options: Options,
    /// Distinct assignments evaluated by the search (over all islands).
    pub evaluations: usize,
    /// Simulations the search ran (each island's evaluations × search replications).
    pub search_simulations: u64,
    /// Whether the search enumerated every assignment instead of NSGA-II.
    pub exhaustive: bool,
    /// The search's front (on the search's seeds), before confirmation.
    pub search_front: usize,
    /// The confirmation on fresh seeds: the front's points, then the references.
    pub confirmed: Confirmed,
    /// The named models compared, in the order of `confirmed`'s reference points.
    pub references: Vec<Reference>,
}

impl Frontier {
    /// Front points (not the references) the confirmation did not find dominated.
    pub fn front(&self) -> Vec<usize> {
        (0..self.confirmed.front_len)
            .filter(|&i| self.confirmed.status[i] != Status::Dominated)
            .collect()
    }
}

/// Where the search's replications start, and where the confirmation's fresh ones do:
/// replication numbers from 2^30 on, seeds the search never used.
pub const FRESH: u32 = 1 << 30;

/// What the search and the confirmation share.
struct Prepared {
    /// The choices.
    choices: Choices,
    /// The named models as reference points.
    references: Vec<Reference>,
    /// The genomes of those that are static assignments allowed.
    seeds: Vec<Vec<u8>>,
}

fn prepare(scenario: &Scenario, options: &Options) -> Result<Prepared, FrontierError> {
    let choices = Choices::of(scenario);
    if let Some(i) = choices.per_service.iter().position(Vec::is_empty) {
        return Err(FrontierError::NoChoice {
            service: scenario.services[i].name.clone(),
        });
    }
    if options.search_replications < 2 || options.confirm_initial < 2 {
        return Err(FrontierError::Options(
            "the search and the confirmation need at least 2 replications each".into(),
        ));
    }
    if options.islands == 0 {
        return Err(FrontierError::Options(
            "the search needs at least 1 island".into(),
        ));
    }
    let references: Vec<Reference> = scenario
        .models
        .iter()
        .filter(|m| **m != ModelKind::Assigned)
        .map(|&model| Reference {
            model,
            runners: Policy::static_runners(scenario, model),
            twin: None,
        })
        .collect();
    let seeds: Vec<Vec<u8>> = references
        .iter()
        .filter_map(|r| r.runners.as_ref().and_then(|x| choices.genome(x)))
        .collect();
    Ok(Prepared {
        choices,
        references,
        seeds,
    })
}

/// Searches and confirms the frontier of `scenario` (its seed; its `models` as the named
/// references), calling `progress` after each simulation; `None` when `stop` said so.
pub fn run(
    scenario: &Scenario,
    options: &Options,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Frontier>, FrontierError> {
    let Some(islands) = search(scenario, options, 0..options.islands, progress, stop)? else {
        return Ok(None);
    };
    conclude(scenario, options, islands, progress, stop)
}

/// Runs the search's islands `which` (of `options.islands`): what shard K of N does.
/// `None` when `stop` said so.
pub fn search(
    scenario: &Scenario,
    options: &Options,
    which: std::ops::Range<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Island>>, FrontierError> {
    let Prepared { choices, seeds, .. } = prepare(scenario, options)?;
    let eval = evaluate::Evaluator::new(scenario, options.threads)?;
    let mut out = Vec::new();
    for index in which.filter(|&i| i < options.islands) {
        let found = nsga::island(&eval, &choices, options, &seeds, index, progress, stop)?;
        let Some(archive) = found else {
            return Ok(None);
        };
        out.push(Island { index, archive });
    }
    Ok(Some(out))
}

/// Joins every island's archive (`islands`: indices 0 to `options.islands`, in order),
/// takes its front, and confirms it on fresh seeds against the named models. `None` when
/// `stop` said so.
pub fn conclude(
    scenario: &Scenario,
    options: &Options,
    islands: Vec<Island>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Frontier>, FrontierError> {
    let Prepared {
        choices,
        references,
        ..
    } = prepare(scenario, options)?;
    let indices: Vec<usize> = islands.iter().map(|i| i.index).collect();
    if indices != (0..options.islands).collect::<Vec<_>>() {
        return Err(FrontierError::Options(format!(
            "the search has {} islands, but islands {indices:?} were given",
            options.islands
        )));
    }
    let eval = evaluate::Evaluator::new(scenario, options.threads)?;
    let evaluated: usize = islands.iter().map(|i| i.archive.len()).sum();
    let archives: Vec<Vec<nsga::Candidate>> = islands.into_iter().map(|i| i.archive).collect();
    let search = nsga::join(&archives, nsga::exhaustive(&choices, options));
    let front = nsga::thin(&search.archive, &search.front, options.max_front);
    let mut policies: Vec<Policy> = front
        .iter()
        .map(|&i| Policy::assigned(scenario, &choices.runners(&search.archive[i].genome)))
        .collect();
    let front_len = policies.len();
    let mut references = references;
    for r in &mut references {
        r.twin = front
            .iter()
            .position(|&i| r.runners.as_ref() == Some(&choices.runners(&search.archive[i].genome)));
    }
    let twins: Vec<usize> = references.iter().filter_map(|r| r.twin).collect();
    policies.extend(references.iter().map(|r| match &r.runners {
        Some(x) => Policy::assigned(scenario, x),
        None => Policy::of(scenario, r.model),
    }));
    let Some(confirmed) =
        confirm::confirm(&eval, policies, front_len, &twins, options, progress, stop)?
    else {
        return Ok(None);
    };
    Ok(Some(Frontier {
        scenario: scenario.clone(),
        choices,
        options: options.clone(),
        evaluations: search.archive.len(),
        search_simulations: evaluated as u64 * u64::from(options.search_replications),
        exhaustive: search.exhaustive,
        search_front: search.front.len(),
        confirmed,
        references,
    }))
}
