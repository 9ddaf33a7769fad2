//! The search: NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast and elitist
//! multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2)) over
//! assignments, every candidate simulated on the same replications (common random
//! numbers: differences between candidates are not drowned by differences between
//! worlds). Fast non-dominated sorting, crowding distance, binary tournaments, uniform
//! crossover and per-service mutation among the allowed runners only. The initial
//! population holds the named models that are static assignments, every "one runner for
//! all" assignment allowed, and random assignments. Every distinct assignment is simulated
//! once per island (an archive); the search's front is the non-dominated set of the
//! islands' archives joined. A space no larger than the search's budget is enumerated
//! instead, each island taking its block of the assignments.
//!
//! **Islands.** The search is `islands` independent NSGA-II runs, each on its own random
//! stream of the scenario's seed and with population × (generations + 1) proposals of the
//! budget; they exchange nothing (an island model without migration: Whitley, Rana &
//! Heckendorn 1999; Tomassini 2005), so each island's archive depends only on the
//! scenario, the options and its index — which is what lets `whoruns frontier --shard`
//! run islands on separate machines and `whoruns merge` join them into the very archive
//! one machine finds. Every candidate of every island is simulated on the same
//! replications, so an assignment two islands both propose has the same objectives in
//! both.

use std::collections::HashMap;

use rand::{Rng, RngExt};

use super::evaluate::Evaluator;
use super::{Choices, FrontierError, Options};
use crate::models::Policy;
use crate::rng::{Purpose, SimRng, stream};

/// One assignment the search simulated.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Indices into each service's choices.
    pub genome: Vec<u8>,
    /// Mean objectives over the search's replications, each minimised (see
    /// [`Options::dims`]).
    pub objectives: Vec<f64>,
}

/// The search's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// Every assignment simulated, in the order it was first proposed.
    pub archive: Vec<Candidate>,
    /// The archive's non-dominated set (indices), by operating cost.
    pub front: Vec<usize>,
    /// Whether every assignment was enumerated.
    pub exhaustive: bool,
}

/// Whether `a` dominates `b` (every objective minimised).
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
}

/// Fast non-dominated sorting: fronts of indices into `objs`, best first.
pub fn fronts<O: AsRef<[f64]>>(objs: &[O]) -> Vec<Vec<usize>> {
    let objs: Vec<&[f64]> = objs.iter().map(AsRef::as_ref).collect();
    let n = objs.len();
    let mut dominated_by = vec![0usize; n];
    let mut dominates_list: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in 0..n {
            if i != j && dominates(objs[i], objs[j]) {
                dominates_list[i].push(j);
            } else if i != j && dominates(objs[j], objs[i]) {
                dominated_by[i] += 1;
            }
        }
    }
    let mut out = Vec::new();
    let mut current: Vec<usize> = (0..n).filter(|&i| dominated_by[i] == 0).collect();
    while !current.is_empty() {
        let mut next = Vec::new();
        for &i in &current {
            for &j in &dominates_list[i] {
                dominated_by[j] -= 1;
                if dominated_by[j] == 0 {
                    next.push(j);
                }
            }
        }
        next.sort_unstable();
        out.push(current);
        current = next;
    }
    out
}

/// Crowding distance of each member of `front` (same order): the extremes of each
/// objective infinite.
pub fn crowding<O: AsRef<[f64]>>(objs: &[O], front: &[usize]) -> Vec<f64> {
    let objs: Vec<&[f64]> = objs.iter().map(AsRef::as_ref).collect();
    let mut d = vec![0.0; front.len()];
    let dims = front.first().map_or(0, |&i| objs[i].len());
    // Objective `k` of every member: the loop is over objectives, not over `objs`.
    #[allow(clippy::needless_range_loop)]
    for k in 0..dims {
        let mut order: Vec<usize> = (0..front.len()).collect();
        order.sort_by(|&a, &b| {
            objs[front[a]][k]
                .total_cmp(&objs[front[b]][k])
                .then(front[a].cmp(&front[b]))
        });
        let (Some(&first), Some(&last)) = (order.first(), order.last()) else {
            continue;
        };
        let span = objs[front[last]][k] - objs[front[first]][k];
        d[first] = f64::INFINITY;
        d[last] = f64::INFINITY;
        if span <= 0.0 {
            continue;
        }
        for w in order.windows(3) {
            d[w[1]] += (objs[front[w[2]]][k] - objs[front[w[0]]][k]) / span;
        }
    }
    d
}

/// `front` (archive indices) thinned to at most `max` points by crowding distance, the
/// most crowded dropped one at a time; sorted by operating cost.
pub fn thin(archive: &[Candidate], front: &[usize], max: usize) -> Vec<usize> {
    let objs: Vec<&[f64]> = archive.iter().map(|c| c.objectives.as_slice()).collect();
    let dims = front.first().map_or(0, |&i| objs[i].len());
    // The best point on each objective always stays (duplicates can give other points an
    // infinite crowding distance too); ties go to the better on the others, in order.
    let end = |k: usize| {
        front.iter().copied().min_by(|&a, &b| {
            let mut o = objs[a][k].total_cmp(&objs[b][k]);
            for j in (0..dims).filter(|&j| j != k) {
                o = o.then(objs[a][j].total_cmp(&objs[b][j]));
            }
            o.then(a.cmp(&b))
        })
    };
    let protected: Vec<Option<usize>> = (0..dims).map(end).collect();
    let mut kept = front.to_vec();
    while kept.len() > max.max(dims) {
        let d = crowding(&objs, &kept);
        let Some(worst) = (0..kept.len())
            .filter(|&i| !protected.contains(&Some(kept[i])))
            .min_by(|&a, &b| d[a].total_cmp(&d[b]).then(kept[b].cmp(&kept[a])))
        else {
            break;
        };
        kept.remove(worst);
    }
    kept.sort_by(|&a, &b| objs[a][0].total_cmp(&objs[b][0]).then(a.cmp(&b)));
    kept
}

/// The archive: distinct genomes simulated once each.
struct Archive<'e, 'a> {
    eval: &'e Evaluator<'a>,
    choices: &'e Choices,
    reps: u32,
    dims: usize,
    index: HashMap<Vec<u8>, usize>,
    candidates: Vec<Candidate>,
}

impl<'e, 'a> Archive<'e, 'a> {
    fn new(eval: &'e Evaluator<'a>, choices: &'e Choices, options: &Options) -> Self {
        Archive {
            eval,
            choices,
            reps: options.search_replications,
            dims: options.dims(),
            index: HashMap::new(),
            candidates: Vec::new(),
        }
    }

    /// Simulates the genomes not yet in the archive; their indices, in order. `None`
    /// when stopped.
    fn add(
        &mut self,
        genomes: &[Vec<u8>],
        progress: &(dyn Fn() + Sync),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Vec<usize>>, FrontierError> {
        let mut fresh: Vec<Vec<u8>> = Vec::new();
        for g in genomes {
            if !self.index.contains_key(g) && !fresh.contains(g) {
                fresh.push(g.clone());
            }
        }
        let scenario = self.eval.scenario;
        let policies: Vec<Policy> = fresh
            .iter()
            .map(|g| Policy::assigned(scenario, &self.choices.runners(g)))
            .collect();
        let refs: Vec<&Policy> = policies.iter().collect();
        let Some(rows) = self.eval.simulate(&refs, 0..self.reps, progress, stop)? else {
            return Ok(None);
        };
        for (g, rows) in fresh.into_iter().zip(rows) {
            self.index.insert(g.clone(), self.candidates.len());
            self.candidates.push(Candidate {
                genome: g,
                objectives: super::evaluate::objectives(&rows, self.dims),
            });
        }
        Ok(Some(genomes.iter().map(|g| self.index[g]).collect()))
    }
}

/// Every genome of `choices`, in lexicographic order.
fn every(choices: &Choices) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new()];
    for c in &choices.per_service {
        out = out
            .into_iter()
            .flat_map(|g: Vec<u8>| {
                (0..c.len()).map(move |i| {
                    let mut g = g.clone();
                    g.push(i as u8);
                    g
                })
            })
            .collect();
    }
    out
}

fn below(rng: &mut SimRng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

/// NSGA-II's population size: `--population`, even and at least 4.
fn population_size(options: &Options) -> usize {
    options.population.max(4) & !1
}

/// The search's budget: the assignments all islands propose together.
pub fn budget(options: &Options) -> u128 {
    let per_island = population_size(options) * (options.generations + 1);
    (per_island as u128).saturating_mul(options.islands.max(1) as u128)
}

/// Whether `choices` is small enough to enumerate within the budget of `options`.
pub fn exhaustive(choices: &Choices, options: &Options) -> bool {
    choices.space() <= budget(options)
}

/// Block `k` of `m` of `total` items, in order (the blocks partition `0..total`).
pub fn block(total: usize, k: usize, m: usize) -> std::ops::Range<usize> {
    let at = |i: usize| (total as u128 * i as u128 / m.max(1) as u128) as usize;
    at(k)..at(k + 1)
}

/// Island `index`'s archive: every assignment it simulated, in the order it first
/// proposed them. NSGA-II on its own stream, starting from `seeds` (genomes of the named
/// models); when the space fits the budget, its block of the enumeration instead.
pub fn island(
    eval: &Evaluator<'_>,
    choices: &Choices,
    options: &Options,
    seeds: &[Vec<u8>],
    index: usize,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Candidate>>, FrontierError> {
    let mut archive = Archive::new(eval, choices, options);
    if exhaustive(choices, options) {
        let all = every(choices);
        let mine = block(all.len(), index, options.islands);
        if archive.add(&all[mine], progress, stop)?.is_none() {
            return Ok(None);
        }
        return Ok(Some(archive.candidates));
    }
    let n = population_size(options);
    let mut rng = stream(eval.scenario.seed, Purpose::Search, index as u64);
    let services = choices.per_service.len();
    let mut start: Vec<Vec<u8>> = Vec::new();
    let propose = |g: Vec<u8>, start: &mut Vec<Vec<u8>>| {
        if start.len() < n && !start.contains(&g) {
            start.push(g);
        }
    };
    for g in seeds {
        propose(g.clone(), &mut start);
    }
    for r in crate::model::Runner::ALL {
        if let Some(g) = choices.genome(&vec![r; services]) {
            propose(g, &mut start);
        }
    }
    while start.len() < n {
        let g: Vec<u8> = (choices.per_service.iter())
            .map(|c| below(&mut rng, c.len()) as u8)
            .collect();
        propose(g, &mut start);
    }
    let Some(mut population) = archive.add(&start, progress, stop)? else {
        return Ok(None);
    };
    for _ in 0..options.generations {
        let offspring = breed(&archive, &population, choices, n, &mut rng);
        let Some(children) = archive.add(&offspring, progress, stop)? else {
            return Ok(None);
        };
        let mut union = population.clone();
        for c in children {
            if !union.contains(&c) {
                union.push(c);
            }
        }
        let objs: Vec<&[f64]> = (archive.candidates.iter())
            .map(|c| c.objectives.as_slice())
            .collect();
        population = select(&objs, &union, n);
    }
    Ok(Some(archive.candidates))
}

/// `n` children of `population`: binary tournaments by rank and crowding, uniform
/// crossover (probability 0.9), per-service mutation to another allowed runner (rate
/// 1/services).
fn breed(
    archive: &Archive<'_, '_>,
    population: &[usize],
    choices: &Choices,
    n: usize,
    rng: &mut SimRng,
) -> Vec<Vec<u8>> {
    let services = choices.per_service.len();
    let objs: Vec<&[f64]> = (archive.candidates.iter())
        .map(|c| c.objectives.as_slice())
        .collect();
    let (rank, crowd) = rank_and_crowding(&objs, population);
    let better = |a: usize, b: usize| {
        if rank[a] != rank[b] {
            rank[a] < rank[b]
        } else {
            crowd[a] > crowd[b]
        }
    };
    let tournament = |rng: &mut SimRng| {
        let (a, b) = (below(rng, population.len()), below(rng, population.len()));
        if better(a, b) { a } else { b }
    };
    let pm = 1.0 / services.max(1) as f64;
    let mut offspring: Vec<Vec<u8>> = Vec::with_capacity(n);
    while offspring.len() < n {
        let p1 = &archive.candidates[population[tournament(rng)]].genome;
        let p2 = &archive.candidates[population[tournament(rng)]].genome;
        let (mut c1, mut c2) = (p1.clone(), p2.clone());
        if rng.random::<f64>() < 0.9 {
            for s in 0..services {
                if rng.random::<f64>() < 0.5 {
                    std::mem::swap(&mut c1[s], &mut c2[s]);
                }
            }
        }
        for c in [&mut c1, &mut c2] {
            for (s, gene) in c.iter_mut().enumerate() {
                let k = choices.per_service[s].len();
                if k > 1 && rng.random::<f64>() < pm {
                    *gene = ((usize::from(*gene) + 1 + below(rng, k - 1)) % k) as u8;
                }
            }
        }
        offspring.push(c1);
        offspring.push(c2);
    }
    offspring
}

/// Each population member's rank and crowding distance (by position in `population`).
fn rank_and_crowding(objs: &[&[f64]], population: &[usize]) -> (Vec<usize>, Vec<f64>) {
    let local: Vec<&[f64]> = population.iter().map(|&i| objs[i]).collect();
    let mut rank = vec![0; population.len()];
    let mut crowd = vec![0.0; population.len()];
    for (r, front) in fronts(&local).into_iter().enumerate() {
        let d = crowding(&local, &front);
        for (k, &i) in front.iter().enumerate() {
            rank[i] = r;
            crowd[i] = d[k];
        }
    }
    (rank, crowd)
}

/// NSGA-II's environmental selection: whole fronts while they fit, then the least crowded.
fn select<O: AsRef<[f64]>>(objs: &[O], union: &[usize], n: usize) -> Vec<usize> {
    let local: Vec<&[f64]> = union.iter().map(|&i| objs[i].as_ref()).collect();
    let mut out = Vec::with_capacity(n);
    for front in fronts(&local) {
        if out.len() + front.len() <= n {
            out.extend(front.iter().map(|&i| union[i]));
            continue;
        }
        let d = crowding(&local, &front);
        let mut order: Vec<usize> = (0..front.len()).collect();
        order.sort_by(|&a, &b| d[b].total_cmp(&d[a]).then(front[a].cmp(&front[b])));
        for k in order.into_iter().take(n - out.len()) {
            out.push(union[front[k]]);
        }
        break;
    }
    out
}

/// The islands' archives joined, in island order, each assignment once (its first
/// appearance; every island simulates it on the same replications, so every copy has the
/// same objectives), and their non-dominated set sorted by operating cost.
pub fn join(islands: &[Vec<Candidate>], exhaustive: bool) -> Search {
    let mut seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    let mut archive = Vec::new();
    for c in islands.iter().flatten() {
        if seen.insert(c.genome.as_slice()) {
            archive.push(c.clone());
        }
    }
    finish(archive, exhaustive)
}

fn finish(archive: Vec<Candidate>, exhaustive: bool) -> Search {
    let objs: Vec<&[f64]> = archive.iter().map(|c| c.objectives.as_slice()).collect();
    let mut front = fronts(&objs).into_iter().next().unwrap_or_default();
    front.sort_by(|&a, &b| objs[a][0].total_cmp(&objs[b][0]).then(a.cmp(&b)));
    Search {
        archive,
        front,
        exhaustive,
    }
}

/// Every assignment of `choices` simulated on the search's replications: the exact front
/// on those seeds, for checking the search.
pub fn enumerate(
    eval: &Evaluator<'_>,
    choices: &Choices,
    options: &Options,
) -> Result<Search, FrontierError> {
    let mut archive = Archive::new(eval, choices, options);
    archive.add(&every(choices), &|| {}, &|| false)?;
    Ok(finish(archive.candidates, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fronts_and_crowding_follow_deb_et_al() {
        let objs = [[1.0, 5.0], [2.0, 3.0], [3.0, 1.0], [3.0, 4.0], [4.0, 4.0]];
        let f = fronts(&objs);
        assert_eq!(f[0], vec![0, 1, 2]);
        assert_eq!(f[1], vec![3]);
        assert_eq!(f[2], vec![4]);
        let d = crowding(&objs, &f[0]);
        assert!(d[0].is_infinite() && d[2].is_infinite());
        assert!((d[1] - (2.0 / 2.0 + 4.0 / 4.0)).abs() < 1e-12);
        assert!(dominates(&[1.0, 1.0], &[1.0, 2.0]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
    }

    proptest::proptest! {
        /// Fast non-dominated sorting partitions the points; nothing in a front is
        /// dominated by anything in it or in a later front; thinning keeps both extremes.
        #[test]
        fn fronts_partition_and_order_by_dominance(
            points in proptest::collection::vec((0u8..20, 0u8..20), 1..40),
            max in 2usize..6,
        ) {
            let objs: Vec<[f64; 2]> =
                points.iter().map(|(a, b)| [f64::from(*a), f64::from(*b)]).collect();
            let f = fronts(&objs);
            let mut seen: Vec<usize> = f.iter().flatten().copied().collect();
            seen.sort_unstable();
            proptest::prop_assert_eq!(seen, (0..objs.len()).collect::<Vec<_>>());
            for (r, front) in f.iter().enumerate() {
                for &i in front {
                    for later in &f[r..] {
                        for &j in later {
                            proptest::prop_assert!(!dominates(&objs[j], &objs[i]));
                        }
                    }
                }
            }
            let archive: Vec<Candidate> = objs
                .iter()
                .map(|o| Candidate { genome: Vec::new(), objectives: o.to_vec() })
                .collect();
            let kept = thin(&archive, &f[0], max);
            proptest::prop_assert!(kept.len() <= max.max(2) || kept.len() == f[0].len());
            let lo = f[0].iter().map(|&i| objs[i][0]).fold(f64::INFINITY, f64::min);
            let hi = f[0].iter().map(|&i| objs[i][0]).fold(f64::NEG_INFINITY, f64::max);
            proptest::prop_assert!(kept.iter().any(|&i| objs[i][0] == lo));
            proptest::prop_assert!(kept.iter().any(|&i| objs[i][0] == hi));
        }
    }

    #[test]
    fn selection_keeps_whole_fronts_then_the_least_crowded() {
        let objs = [[1.0, 5.0], [2.0, 3.0], [3.0, 1.0], [2.1, 2.9], [4.0, 4.0]];
        let chosen = select(&objs, &[0, 1, 2, 3, 4], 3);
        assert_eq!(chosen.len(), 3);
        assert!(chosen.contains(&0) && chosen.contains(&2));
    }
}
