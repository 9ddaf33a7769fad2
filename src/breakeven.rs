//! Break-even search: what would have to be true for a verdict to flip. For each headline
//! verdict of a run ([`verdict::verdicts`]) and each parameter of the assumption ledger
//! ([`crate::ledger`]), whether moving the parameter across its plausible range makes
//! another model better on average than the one the verdict names, and where: the value at
//! which the winner's mean advantage over its closest rival reaches zero, with a 95%
//! interval from a bootstrap over the replications.
//!
//! Every point is simulated on the run's own replications (common random numbers), so the
//! advantage moves with the parameter, not with the noise. The work per parameter:
//! - *screening*: all models at the two ends of the range, on the first `screen`
//!   replications (a prefix of the run's seeds); a rival whose 95% interval of the
//!   advantage reaches zero at an end is a candidate;
//! - *confirming*: the winner and the candidates at that end, sequentially: the screened
//!   replications doubled (never simulated again) up to every replication, a candidate
//!   released as soon as its advantage's 95% interval no longer reaches zero; a verdict
//!   whose advantage on every replication stays positive holds across that side;
//! - *searching*: regula falsi between today's value and the end ([`search::bisect`]),
//!   the winner and the candidates only, every replication.
//!
//! A parameter that moves prices only (wages, standby pay, revenue:
//! [`crate::parameter::PRICES`]) changes no simulated quantity, so its points are the run's
//! own outcomes priced again ([`crate::engine::reprice`]) — the same numbers simulating
//! them would give, at no simulation.
//!
//! The library call is [`plan`] (the ledger, validated) and [`analyse`] (the verdicts of
//! the base outcomes and every entry's findings, all entries or a shard's block).

pub mod part;
mod search;
pub mod verdict;

pub use verdict::{Measure, Verdict, verdicts};

use std::ops::Range;

use crate::edit::EditError;
use crate::ledger::{Entry, Ledger, ledger};
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::runner::{RunError, for_each_in};
use crate::scenario::Scenario;
use crate::stats::Estimate;
use crate::world::Worlds;
use search::{Point, Rule};

/// Replications the ends of a range are screened on, at most.
pub const SCREEN: u32 = 20;

/// Points a search evaluates between today's value and the end, at most.
pub const MAX_POINTS: usize = 6;

/// What the analysis is asked to do, beyond the scenario.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// Only these ledger entries (keys); empty: every entry.
    pub params: Vec<String>,
    /// Replications the ends are screened on (default [`SCREEN`], at most the run's).
    pub screen: Option<u32>,
}

/// An analysis that cannot be planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BreakevenError {
    /// The scenario's numbers cannot be read.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// A parameter asked for is not in the ledger.
    #[error("{parameter} is not a parameter of this scenario's ledger (see `whoruns assumptions`)")]
    Unknown {
        /// The key asked for.
        parameter: String,
    },
    /// The scenario compares one model.
    #[error("the scenario compares one model; a verdict needs two")]
    OneModel,
}

/// The analysis's design.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenario with the run's settings.
    pub base: Scenario,
    /// The scenario file's text.
    pub text: String,
    /// The parameters searched.
    pub ledger: Ledger,
    /// Replications screened.
    pub screen: u32,
}

/// The ledger of `base` (read from `text`), narrowed to `spec.params`.
pub fn plan(text: &str, base: &Scenario, spec: &Spec) -> Result<Plan, BreakevenError> {
    if base.models.len() < 2 {
        return Err(BreakevenError::OneModel);
    }
    let mut l = ledger(text, base)?;
    if !spec.params.is_empty() {
        for p in &spec.params {
            if !l.entries.iter().any(|e| e.key == p.trim()) {
                return Err(BreakevenError::Unknown {
                    parameter: p.trim().to_string(),
                });
            }
        }
        l.entries
            .retain(|e| spec.params.iter().any(|p| p.trim() == e.key));
    }
    Ok(Plan {
        base: base.clone(),
        text: text.to_string(),
        ledger: l,
        screen: spec
            .screen
            .unwrap_or(SCREEN)
            .clamp(2, base.replications.max(2)),
    })
}

/// Where a verdict flips along one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Flip {
    /// The break-even: the value (or factor) at which the rival draws level on average.
    pub at: f64,
    /// Its 95% interval.
    pub interval: (f64, f64),
    /// The model that overtakes the winner there.
    pub challenger: ModelKind,
    /// Whether the flip lies above today's value.
    pub upward: bool,
}

/// One verdict against one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The verdict (index into [`Analysis::verdicts`]).
    pub verdict: usize,
    /// The parameter (index into [`Analysis::entries`]).
    pub entry: usize,
    /// Where it flips within the range; `None`: it holds across the whole range.
    pub flip: Option<Flip>,
}

/// The finished analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The run's clear verdicts.
    pub verdicts: Vec<Verdict>,
    /// The parameters searched (the ledger's entries, or a shard's block of them).
    pub entries: Vec<Entry>,
    /// Every verdict against every parameter: one finding per flip, or one saying it holds.
    pub findings: Vec<Finding>,
    /// The scenario's currency.
    pub currency: String,
    /// Replications per point.
    pub replications: u32,
    /// Replications screened.
    pub screen: u32,
    /// Parameters left out of the ledger, with why.
    pub skipped: Vec<(String, String)>,
    /// What the search simulated, in model-replications (zero when read from parts).
    pub effort: Effort,
}

/// Model-replications simulated by each step of the search (one model on one replication
/// is one): what the analysis cost, and where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effort {
    /// Every model at the ends of the ranges, on the screened replications.
    pub screening: u64,
    /// The winners and their candidates at the ends, on every replication.
    pub confirming: u64,
    /// The points of the regula falsi, on every replication.
    pub searching: u64,
    /// Model-replications priced again instead of simulated, at any step: points of an
    /// entry that moves prices only ([`crate::ledger::Entry::priced_only`]).
    pub repriced: u64,
}

impl Effort {
    /// Model-replications simulated, all steps.
    pub fn total(&self) -> u64 {
        self.screening + self.confirming + self.searching
    }

    fn add(&mut self, other: Effort) {
        self.screening += other.screening;
        self.confirming += other.confirming;
        self.searching += other.searching;
        self.repriced += other.repriced;
    }
}

/// Which step of the search a point serves.
#[derive(Debug, Clone, Copy)]
enum Step {
    Screening,
    Confirming,
    Searching,
}

impl Analysis {
    /// The findings of one verdict that flip, nearest to today's value first (as a share of
    /// the parameter's range).
    pub fn flips_of(&self, verdict: usize) -> Vec<(&Entry, &Flip)> {
        let mut out: Vec<(&Entry, &Flip)> = self
            .findings
            .iter()
            .filter(|f| f.verdict == verdict)
            .filter_map(|f| Some((self.entries.get(f.entry)?, f.flip.as_ref()?)))
            .collect();
        out.sort_by(|a, b| distance(a.0, a.1).total_cmp(&distance(b.0, b.1)));
        out
    }
}

/// How far a flip is from today's value, as a share of the range.
pub fn distance(e: &Entry, f: &Flip) -> f64 {
    let width = (e.range.1 - e.range.0).abs().max(f64::MIN_POSITIVE);
    (f.at - e.value).abs() / width
}

/// The work of one analysis while it runs.
struct Work<'a> {
    plan: &'a Plan,
    /// The run's outcomes (every model, every replication): what an entry that moves
    /// prices only is priced again on.
    base: &'a [Outcome],
    threads: Option<usize>,
    progress: &'a (dyn Fn() + Sync),
    stop: &'a (dyn Fn() -> bool + Sync),
    /// The replications' worlds, kept for the points whose entry does not move them.
    kept: &'a Worlds,
    /// Runs made: position, replications, the models simulated, their outcomes. A run of
    /// more models serves a request for fewer (a model's outcomes do not depend on which
    /// others are compared: they share the world, common random numbers).
    cache: Vec<(u64, u32, Vec<ModelKind>, Vec<Outcome>)>,
    /// What the points simulated so far cost.
    effort: Effort,
}

impl Work<'_> {
    /// The outcomes of `entry` at `x` for `models` on `replications`; `Ok(None)` when
    /// stopped, `Err` with why the point cannot be made.
    fn at(
        &mut self,
        step: Step,
        entry: &Entry,
        x: f64,
        models: &[ModelKind],
        replications: u32,
    ) -> Result<Option<Vec<Outcome>>, String> {
        self.extend(step, entry, x, models, &[], 0, replications)
    }

    /// [`Work::at`] for replications `have..want` added to `prefix`, the outcomes of
    /// replications `0..have` at the same point (of these models or more): the prefix is
    /// not simulated again, and the result is exactly what `0..want` would give (a
    /// replication's seed does not depend on the range it is run in).
    #[allow(clippy::too_many_arguments)]
    fn extend(
        &mut self,
        step: Step,
        entry: &Entry,
        x: f64,
        models: &[ModelKind],
        prefix: &[Outcome],
        have: u32,
        want: u32,
    ) -> Result<Option<Vec<Outcome>>, String> {
        if let Some((.., o)) = self.cache.iter().find(|(b, n, ms, _)| {
            *b == x.to_bits() && *n == want && models.iter().all(|m| ms.contains(m))
        }) {
            return Ok(Some(o.clone()));
        }
        let text = entry.apply(&self.plan.text, x).map_err(|e| e.to_string())?;
        let mut s = crate::scenario::parse(&text, "break-even point").map_err(|e| e.messages())?;
        s.adopt_run_settings(&self.plan.base);
        s.compare(models.to_vec(), models[0])
            .map_err(|e| e.to_string())?;
        s.set_replications(want).map_err(|e| e.to_string())?;
        let cost = models.len() as u64 * u64::from(want - have);
        let added = match self.repriced(entry, &s, models, have..want) {
            Some(added) => {
                self.effort.repriced += cost;
                added
            }
            None => {
                // Only the outcomes' scalars are judged: their weekly series are dropped as
                // they arrive (points are cached and extended, so they are copied).
                let mut added = Vec::with_capacity(models.len() * (want - have) as usize);
                let finished = for_each_in(
                    Some(self.kept),
                    &s,
                    have..want,
                    self.threads,
                    self.progress,
                    self.stop,
                    &mut |outcomes| {
                        added.extend(outcomes.into_iter().map(Outcome::light));
                        Ok::<(), RunError>(())
                    },
                )
                .map_err(|e| e.to_string())?;
                if !finished {
                    return Ok(None);
                }
                match step {
                    Step::Screening => self.effort.screening += cost,
                    Step::Confirming => self.effort.confirming += cost,
                    Step::Searching => self.effort.searching += cost,
                }
                added
            }
        };
        let mut out: Vec<Outcome> = prefix
            .iter()
            .filter(|o| o.replication < have && models.contains(&o.model))
            .cloned()
            .collect();
        out.extend(added);
        self.cache
            .push((x.to_bits(), want, models.to_vec(), out.clone()));
        Ok(Some(out))
    }

    /// The run's outcomes of `models` on `replications`, priced again by `scenario`: what
    /// simulating `scenario` would give when `entry` moves prices only; `None` when it
    /// moves more, or the run's outcomes lack one.
    fn repriced(
        &self,
        entry: &Entry,
        scenario: &Scenario,
        models: &[ModelKind],
        replications: Range<u32>,
    ) -> Option<Vec<Outcome>> {
        if !entry.priced_only() {
            return None;
        }
        let out: Vec<Outcome> = self
            .base
            .iter()
            .filter(|o| replications.contains(&o.replication) && models.contains(&o.model))
            .map(|o| crate::engine::reprice(scenario, o))
            .collect();
        let want = models.len() * replications.len();
        (out.len() == want).then_some(out)
    }
}

/// The verdicts of `base` (the run's outcomes, every model, every replication) tested
/// against the ledger entries `todo` of `plan`; `None` when `stop` said stop.
pub fn analyse(
    plan: &Plan,
    base: &[Outcome],
    todo: Range<usize>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Analysis>, RunError> {
    let scenario = &plan.base;
    let verdicts = verdicts(scenario, base);
    let entries: Vec<Entry> = plan
        .ledger
        .entries
        .get(todo.clone())
        .unwrap_or_default()
        .to_vec();
    let mut findings = Vec::new();
    let mut effort = Effort::default();
    let n = scenario.replications;
    // What prices are applied to again: the scalars (their series are never judged).
    let light: Vec<Outcome> = base.iter().cloned().map(Outcome::light).collect();
    let kept = Worlds::new(scenario, crate::world::KEEP_BUDGET);
    for (k, entry) in entries.iter().enumerate() {
        let mut work = Work {
            plan,
            base: &light,
            threads,
            progress,
            stop,
            kept: &kept,
            cache: Vec::new(),
            effort: Effort::default(),
        };
        let seed = (todo.start + k) as u64;
        let mut entry_findings: Vec<Finding> = verdicts
            .iter()
            .enumerate()
            .map(|(v, _)| Finding {
                verdict: v,
                entry: k,
                flip: None,
            })
            .collect();
        let mut flips: Vec<Finding> = Vec::new();
        for end in [entry.range.0, entry.range.1] {
            if (end - entry.value).abs() < 1e-12 {
                continue;
            }
            match search_end(&mut work, entry, k, end, seed, &verdicts, base)? {
                Some(found) => flips.extend(found),
                None => return Ok(None),
            }
        }
        for f in flips {
            let v = f.verdict;
            if entry_findings
                .iter()
                .any(|e| e.verdict == v && e.flip.is_some())
            {
                entry_findings.push(f);
            } else if let Some(slot) = entry_findings.iter_mut().find(|e| e.verdict == v) {
                *slot = f;
            }
        }
        entry_findings.sort_by_key(|f| f.verdict);
        findings.extend(entry_findings);
        effort.add(work.effort);
    }
    Ok(Some(Analysis {
        verdicts,
        entries,
        findings,
        currency: scenario.costs.currency.clone(),
        replications: n,
        screen: plan.screen,
        skipped: plan.ledger.skipped.clone(),
        effort,
    }))
}

/// The flips of every verdict toward `end` of `entry`'s range (entry `k`); `None` when a
/// stop was asked for.
fn search_end(
    work: &mut Work<'_>,
    entry: &Entry,
    k: usize,
    end: f64,
    seed: u64,
    verdicts: &[Verdict],
    base: &[Outcome],
) -> Result<Option<Vec<Finding>>, RunError> {
    let plan = work.plan;
    let scenario = &plan.base;
    let n = scenario.replications;
    let mut flips = Vec::new();
    let screened = match work.at(Step::Screening, entry, end, &scenario.models, plan.screen) {
        Ok(Some(o)) => o,
        Ok(None) => return Ok(None),
        Err(_) => return Ok(Some(flips)),
    };
    // Per verdict, the rivals whose advantage may be gone at this end.
    let reaching = |outcomes: &[Outcome], v: usize, rivals: &[ModelKind]| -> Vec<ModelKind> {
        verdicts[v]
            .advantages(scenario, outcomes, rivals)
            .into_iter()
            .filter(|(_, a)| Estimate::of(a.iter().copied()).low < 0.0)
            .map(|(m, _)| m)
            .collect()
    };
    let mut candidates: Vec<Vec<ModelKind>> = verdicts
        .iter()
        .enumerate()
        .map(|(v, verdict)| reaching(&screened, v, &verdict.rivals(&scenario.models)))
        .collect();
    // Confirming, sequentially: the replications doubled from the screened ones (which are
    // not simulated again) up to every replication; a rival whose advantage's 95% interval
    // no longer reaches zero is released on the way. One run of every model any verdict
    // still needs serves them all.
    let mut have = plan.screen.min(n);
    let mut outcomes = screened;
    loop {
        let needed: Vec<ModelKind> = scenario
            .models
            .iter()
            .copied()
            .filter(|m| {
                verdicts
                    .iter()
                    .zip(&candidates)
                    .any(|(v, c)| !c.is_empty() && (v.winner == *m || c.contains(m)))
            })
            .collect();
        if needed.is_empty() {
            return Ok(Some(flips));
        }
        if have >= n {
            break;
        }
        let want = have.saturating_mul(2).clamp(have + 1, n);
        outcomes = match work.extend(Step::Confirming, entry, end, &needed, &outcomes, have, want) {
            Ok(Some(o)) => o,
            Ok(None) => return Ok(None),
            Err(_) => return Ok(Some(flips)),
        };
        have = want;
        if have < n {
            for (v, c) in candidates.iter_mut().enumerate() {
                if !c.is_empty() {
                    *c = reaching(&outcomes, v, c);
                }
            }
        }
    }
    for (v, verdict) in verdicts.iter().enumerate() {
        let candidates = &candidates[v];
        if candidates.is_empty() {
            continue;
        }
        let mut models = vec![verdict.winner];
        models.extend(candidates.iter().copied());
        let point = |o: &[Outcome], x: f64| Point {
            x,
            advantages: verdict
                .advantages(scenario, o, candidates)
                .into_iter()
                .map(|(_, a)| a)
                .collect(),
        };
        let at_end = match work.at(Step::Confirming, entry, end, &models, n) {
            Ok(Some(o)) => point(&o, end),
            Ok(None) => return Ok(None),
            Err(_) => continue,
        };
        let (g_end, _) = at_end.margin();
        if g_end > 0.0 || g_end.is_nan() {
            continue;
        }
        let start = point(base, entry.value);
        let rule = Rule {
            max_points: MAX_POINTS,
            tolerance: if entry.whole() {
                1.0
            } else {
                0.002 * (entry.range.1 - entry.range.0)
            },
            whole: entry.whole(),
        };
        let mut stopped = false;
        let mut eval = |x: f64| -> Option<Point> {
            match work.at(Step::Searching, entry, x, &models, n) {
                Ok(Some(o)) => Some(point(&o, x)),
                Ok(None) => {
                    stopped = true;
                    None
                }
                // A point validation refuses inside the range: stop there.
                Err(_) => None,
            }
        };
        let Some((points, at)) = search::bisect(start, at_end, rule, &mut eval) else {
            if stopped {
                return Ok(None);
            }
            continue;
        };
        let crossing = points
            .iter()
            .min_by(|a, b| (a.x - at).abs().total_cmp(&(b.x - at).abs()))
            .map_or(0, |p| p.margin().1);
        let interval = search::interval(&points, entry.value, seed * 1_000 + v as u64);
        flips.push(Finding {
            verdict: v,
            entry: k,
            flip: Some(Flip {
                at,
                interval,
                challenger: candidates
                    .get(crossing)
                    .copied()
                    .unwrap_or(verdict.runner_up),
                upward: end > entry.value,
            }),
        });
    }
    Ok(Some(flips))
}

/// Joins shards' analyses (in shard order) into the analysis of the whole ledger.
pub fn join(parts: Vec<Analysis>) -> Option<Analysis> {
    let mut parts = parts.into_iter();
    let mut all = parts.next()?;
    for p in parts {
        let offset = all.entries.len();
        all.entries.extend(p.entries);
        all.effort.add(p.effort);
        all.findings.extend(p.findings.into_iter().map(|mut f| {
            f.entry += offset;
            f
        }));
    }
    Some(all)
}
