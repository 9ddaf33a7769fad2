//! The Monte Carlo runner: replications in parallel, each one world shared by every model.
//! Results depend only on the scenario and the seed, never on the thread count: they reach
//! the caller in replication order, through a reorder buffer of bounded size.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Condvar, Mutex};

use crate::engine::simulate_policy;
use crate::models::{Policy, policies};
use crate::outcome::Outcome;
use crate::rng::replication_seed;
use crate::scenario::Scenario;
use crate::world::{World, WorldSpec, Worlds};

/// Errors of the runner.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be created.
    #[error("could not start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads requested.
        threads: usize,
        /// The underlying error.
        source: rayon::ThreadPoolBuildError,
    },
    /// A replication's feedback loop ran away: fixes conflicted with open workarounds,
    /// each conflict was a new incident that could be worked around again, and the
    /// regressions passed the run-time guard ([`crate::engine::runaway_limit`]).
    #[error(
        "replication {replication} under {model} ran away: it created {limit} incidents of its own (the guard's limit, {factor} per incident drawn plus {slack}) — regressions from developer fixes that conflicted with open workarounds, each a new incident that could be worked around again, or cascades along depends_on — so the results would not be a finding. Regressions feed on workarounds.probability ({probability}), workarounds.conflict_probability ({conflict}) and workarounds.lifetime under workarounds.on_conflict = \"keep\" (use \"retire\", the default, which bounds them); cascades feed on cascades.probability × (1 − resilience) along cycles or long chains of depends_on (lower cascades.probability, raise cascades.resilience)"
    )]
    Runaway {
        /// The model's key.
        model: &'static str,
        /// The replication.
        replication: u32,
        /// Regressions created when the guard stopped it.
        limit: usize,
        /// The guard's regressions per drawn incident.
        factor: usize,
        /// The guard's regressions allowed regardless.
        slack: usize,
        /// `workarounds.probability`.
        probability: f64,
        /// `workarounds.conflict_probability`.
        conflict: f64,
    },
    /// A worker thread could not be started.
    #[error("could not start {threads} worker threads: {source}")]
    Spawn {
        /// Threads requested.
        threads: usize,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The run settings cannot be applied to the scenario.
    #[error(transparent)]
    Settings(#[from] crate::scenario::ChangeError),
}

/// Simulates every model of `scenario` on replication `replication`'s world.
pub fn simulate_replication(scenario: &Scenario, replication: u32) -> Vec<Outcome> {
    replicate(scenario, &policies(scenario), replication)
}

/// One replication under the policies derived once for the run.
fn replicate(scenario: &Scenario, policies: &[Policy], replication: u32) -> Vec<Outcome> {
    let spec = Arc::new(WorldSpec::of(scenario, policies));
    replicate_on(scenario, policies, &Drawn::Own(spec), replication)
}

/// Where a run's worlds come from: drawn for it, or kept across points ([`Worlds`]).
enum Drawn<'a> {
    Own(Arc<WorldSpec>),
    Kept(&'a Worlds),
}

impl<'a> Drawn<'a> {
    /// The run's worlds: `kept` when they are this scenario's, else its own.
    fn of(scenario: &Scenario, policies: &[Policy], kept: Option<&'a Worlds>) -> Drawn<'a> {
        let spec = WorldSpec::of(scenario, policies);
        match kept {
            Some(w) if w.serve(&spec) => Drawn::Kept(w),
            _ => Drawn::Own(Arc::new(spec)),
        }
    }

    /// The world of the replication with `seed`.
    fn world(&self, seed: u64) -> Arc<World> {
        match self {
            Drawn::Own(spec) => Arc::new(World::generate_from(spec, seed)),
            Drawn::Kept(worlds) => worlds.world(seed),
        }
    }
}

fn replicate_on(
    scenario: &Scenario,
    policies: &[Policy],
    drawn: &Drawn<'_>,
    replication: u32,
) -> Vec<Outcome> {
    let seed = replication_seed(scenario.seed, replication);
    let world = drawn.world(seed);
    policies
        .iter()
        .map(|policy| simulate_policy(scenario, &world, policy, replication, seed))
        .collect()
}

/// Runs all replications on `threads` threads (all cores when `None`), calling `progress`
/// after each replication. Outcomes are ordered by replication, then by model.
pub fn run(
    scenario: &Scenario,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Outcome>, RunError> {
    Ok(run_until(scenario, threads, progress, &|| false)?.unwrap_or_default())
}

/// [`run`], stopping early when `stop` says so: each worker asks before starting a
/// replication, so a stop takes effect within one replication's time. `None` when stopped.
pub fn run_until(
    scenario: &Scenario,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Outcome>>, RunError> {
    run_range(scenario, 0..scenario.replications, threads, progress, stop)
}

/// A worker pool of `threads` threads (all cores when `None`).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    builder.build().map_err(|source| RunError::ThreadPool {
        threads: threads.unwrap_or(0),
        source,
    })
}

/// Replications `range` only (their seeds do not depend on the range, so running 0..n
/// then n..m gives exactly the outcomes of running 0..m), stopping early like
/// [`run_until`]. Every outcome is held: for many replications, [`for_each`] streams them.
pub fn run_range(
    scenario: &Scenario,
    range: Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Outcome>>, RunError> {
    run_range_in(None, scenario, range, threads, progress, stop)
}

/// [`run_range`] on the worlds `kept` across points ([`for_each_in`]).
pub fn run_range_in(
    kept: Option<&Worlds>,
    scenario: &Scenario,
    range: Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Outcome>>, RunError> {
    let models = scenario.models.len();
    let mut all = Vec::with_capacity(range.len() * models);
    let mut sink = |outcomes: Vec<Outcome>| {
        all.extend(outcomes);
        Ok::<(), RunError>(())
    };
    let finished = for_each_in(kept, scenario, range, threads, progress, stop, &mut sink)?;
    Ok(finished.then_some(all))
}

/// The most replications whose outcomes [`for_each`] holds at once for `scenario` on
/// `threads` workers: those finished and waiting for their turn, those being simulated
/// ([`crate::outcome::held_ahead`] per thread in all), and the one the sink is given.
pub fn most_held(scenario: &Scenario, threads: usize) -> usize {
    threads.max(1) * crate::outcome::held_ahead(scenario) + 1
}

/// Runs replications `range` on `threads` worker threads (all cores when `None`) and
/// hands each replication's outcomes (every model, in the scenario's order) to `sink` on
/// the calling thread, in replication order whatever the thread count. Workers run at
/// most [`crate::outcome::held_ahead`] replications per thread ahead of the one the sink waits for,
/// so memory does not grow with the number of replications. `progress` is called after
/// each replication, `stop` asked before each. The first replication that ran away (in
/// replication order) ends the run with [`RunError::Runaway`], before the sink sees it;
/// an error of the sink ends the run with that error. `Ok(false)` when stopped.
pub fn for_each<E: From<RunError>>(
    scenario: &Scenario,
    range: Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    sink: &mut dyn FnMut(Vec<Outcome>) -> Result<(), E>,
) -> Result<bool, E> {
    for_each_in(None, scenario, range, threads, progress, stop, sink)
}

/// [`for_each`] on the worlds `kept` across points, where they are this scenario's
/// ([`Worlds::serve`]); the outcomes are the same, the worlds are not drawn again.
pub fn for_each_in<E: From<RunError>>(
    kept: Option<&Worlds>,
    scenario: &Scenario,
    range: Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    sink: &mut dyn FnMut(Vec<Outcome>) -> Result<(), E>,
) -> Result<bool, E> {
    let policies = policies(scenario);
    let drawn = Drawn::of(scenario, &policies, kept);
    let simulate = |r| replicate_on(scenario, &policies, &drawn, r);
    for_each_with(scenario, range, threads, progress, stop, &simulate, sink)
}

/// Takes one replication's outcomes under variant `k` of a scenario.
pub type VariantSink<'a, E> = dyn FnMut(usize, Vec<Outcome>) -> Result<(), E> + 'a;

/// Every model of `variants`, one scenario with several settings of the long-run
/// mechanisms ([`crate::engine::same_warm_up`]), on replications `range`, as [`for_each`]
/// runs one: each replication's world drawn (or taken from `sharing.kept`) once for all of
/// them, and each model's warm-up simulated once and carried on under each variant
/// ([`crate::engine::simulate_variants`]). The sink gets each replication's outcomes
/// under each variant in turn, `(k, outcomes)` in `variants`' order: the outcomes
/// [`for_each`] gives each variant, bit for bit. `progress` is called after each
/// replication, `stop` asked before each.
///
/// The first variant's outcomes are whole; the others' are [`Outcome::light`] (their
/// scalars: what the report's strengths and a sensitivity analysis's points read), so that
/// the replications waiting for the sink hold about what a run of the first alone holds.
///
/// A replication that ran away under the first variant ends the run, as in [`for_each`].
/// Under another, it ends the run too, unless `sharing.spare_first`: then the first runs
/// to the end, the others are no longer simulated once a worker has seen it, and
/// [`VariantsRun::complete`] is false. The sink may still get the others' outcomes of
/// replications simulated before, and lacks them for some: a caller must then drop what
/// it gathered of them.
///
/// `None` when they cannot share a warm-up ([`shares_warm_up`]): run them one by one then.
pub fn for_each_variant<E: From<RunError>>(
    variants: &[&Scenario],
    range: Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    sharing: Sharing<'_>,
    sink: &mut VariantSink<'_, E>,
) -> Option<Result<VariantsRun, E>> {
    let first = *variants.first()?;
    let group = warm_up_group(first);
    let policies = policies(first);
    // The first variant's own worlds, so that its outcomes are its own run's.
    let spec = WorldSpec::of(first, &policies);
    let alike =
        |v: &Scenario| warm_up_group(v) == group && spec.serves(&WorldSpec::of(v, &policies));
    if !variants.iter().all(|v| alike(v)) {
        return None;
    }
    let drawn = match sharing.kept {
        Some(w) if w.serve(&spec) => Drawn::Kept(w),
        _ => Drawn::Own(Arc::new(spec)),
    };
    let spare_first = sharing.spare_first;
    let models = policies.len();
    // Set when another variant ran away and the first is spared.
    let dropped = std::sync::atomic::AtomicBool::new(false);
    let simulate = |replication| {
        use std::sync::atomic::Ordering::Relaxed;
        let seed = replication_seed(first.seed, replication);
        let world = drawn.world(seed);
        // Once another variant ran away (and the first is spared), the first alone.
        let run = if dropped.load(Relaxed) {
            &variants[..1]
        } else {
            variants
        };
        // Variant after variant, each the scenario's models in order.
        let mut out: Vec<Option<Outcome>> = vec![None; run.len() * models];
        for (m, policy) in policies.iter().enumerate() {
            let outcomes = crate::engine::simulate_variants(run, &world, policy, replication, seed);
            for (k, o) in outcomes.into_iter().enumerate() {
                out[k * models + m] = Some(if k == 0 { o } else { o.light() });
            }
        }
        let mut out: Vec<Outcome> = out.into_iter().flatten().collect();
        if spare_first && out[models..].iter().any(|o| o.runaway.is_some()) {
            dropped.store(true, Relaxed);
            out.truncate(models);
        }
        out
    };
    let mut each = |outcomes: Vec<Outcome>| {
        let mut outcomes = outcomes.into_iter();
        for k in 0..variants.len() {
            let chunk: Vec<Outcome> = outcomes.by_ref().take(models).collect();
            if chunk.is_empty() {
                break;
            }
            sink(k, chunk)?;
        }
        Ok(())
    };
    let finished = for_each_with(first, range, threads, progress, stop, &simulate, &mut each);
    Some(finished.map(|finished| VariantsRun {
        finished,
        complete: !dropped.into_inner(),
    }))
}

/// Whether `v` can share `first`'s warm-ups in [`for_each_variant`]: they differ in nothing
/// the warm-up reads ([`crate::engine::same_warm_up`]), each model's policy is the same
/// under both, and `first`'s worlds serve `v` (a strength of 0 draws no learning numbers,
/// which the others need).
pub fn shares_warm_up(first: &Scenario, v: &Scenario) -> bool {
    let policies = policies(first);
    warm_up_group(first) == warm_up_group(v)
        && WorldSpec::of(first, &policies).serves(&WorldSpec::of(v, &policies))
}

/// Of `variants` (one warm-up group, [`warm_up_group`]), the first whose worlds serve them
/// all: the one to lead [`for_each_variant`] (a strength of 0 draws no learning numbers,
/// which the others need). `None` when none does.
pub fn lead(variants: &[&Scenario]) -> Option<usize> {
    let specs: Vec<WorldSpec> = variants
        .iter()
        .map(|v| WorldSpec::of(v, &policies(v)))
        .collect();
    specs.iter().position(|w| specs.iter().all(|v| w.serves(v)))
}

/// What of `s` decides whether it can share warm-ups with another scenario, as text:
/// scenarios that [`shares_warm_up`] have the same; those with the same share when the
/// first's worlds also serve the other's. For grouping many scenarios at once.
pub fn warm_up_group(s: &Scenario) -> String {
    crate::engine::warm_up_key(s) + &format!("{:?}", policies(s))
}

/// How [`for_each_variant`] shares: the worlds kept across points, if any (used when they
/// are the first variant's), and whether a runaway under another variant spares the first.
#[derive(Clone, Copy, Default)]
pub struct Sharing<'a> {
    /// Worlds kept across points.
    pub kept: Option<&'a Worlds>,
    /// Whether the first variant runs on when another runs away.
    pub spare_first: bool,
}

/// How a run of several variants ended ([`for_each_variant`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantsRun {
    /// Every replication ran (`false`: asked to stop).
    pub finished: bool,
    /// Every variant's outcomes reached the sink (`false`: one but the first ran away, and
    /// the others' are incomplete).
    pub complete: bool,
}

/// The runner itself: replications of `range` simulated by `simulate` on `threads`
/// workers, their outcomes handed to `sink` in replication order (see [`for_each`]).
fn for_each_with<E: From<RunError>>(
    scenario: &Scenario,
    range: Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    simulate: &(dyn Fn(u32) -> Vec<Outcome> + Sync),
    sink: &mut dyn FnMut(Vec<Outcome>) -> Result<(), E>,
) -> Result<bool, E> {
    let workers = threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let shared = Shared {
        state: Mutex::new(State {
            next: range.start,
            consumed: range.start,
            ready: BTreeMap::new(),
            running: 0,
            halt: false,
        }),
        for_workers: Condvar::new(),
        for_sink: Condvar::new(),
        ahead: (workers * crate::outcome::held_ahead(scenario)) as u32,
        end: range.end,
    };
    std::thread::scope(|s| {
        for _ in 0..workers {
            shared.lock().running += 1;
            let spawned = std::thread::Builder::new().spawn_scoped(s, || {
                let _done = Leaving(&shared);
                shared.work(|r| {
                    if stop() {
                        return None;
                    }
                    let out = simulate(r);
                    progress();
                    Some(out)
                });
            });
            if let Err(source) = spawned {
                shared.lock().running -= 1;
                shared.halt();
                return Err(RunError::Spawn {
                    threads: workers,
                    source,
                }
                .into());
            }
        }
        let result = shared.consume(range.clone(), scenario, sink);
        shared.halt();
        result
    })
}

/// What the workers and the sink share.
struct Shared {
    state: Mutex<State>,
    /// Wakes workers waiting for room ahead.
    for_workers: Condvar,
    /// Wakes the sink waiting for the next replication.
    for_sink: Condvar,
    /// Replications a worker may start ahead of the one the sink waits for.
    ahead: u32,
    /// The end of the range.
    end: u32,
}

/// The reorder buffer and the hand-out counter.
struct State {
    /// The next replication to hand out.
    next: u32,
    /// The replication the sink waits for.
    consumed: u32,
    /// Finished replications waiting for their turn (at most `ahead`).
    ready: BTreeMap<u32, Vec<Outcome>>,
    /// Workers still running.
    running: usize,
    /// Stop handing out work (stopped, failed, or done).
    halt: bool,
}

/// Marks a worker gone however it leaves (a panic included), so the sink never waits for
/// a replication no one will finish.
struct Leaving<'a>(&'a Shared);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        {
            let mut st = self.0.lock();
            st.running -= 1;
            if std::thread::panicking() {
                st.halt = true;
            }
        }
        self.0.for_workers.notify_all();
        self.0.for_sink.notify_all();
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A worker that panicked holding the lock cannot have left the counters half
        // changed (each change is one statement); its panic surfaces when the scope ends.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn halt(&self) {
        self.lock().halt = true;
        self.for_workers.notify_all();
        self.for_sink.notify_all();
    }

    /// A worker: takes the next replication while there is room ahead, simulates it with
    /// `simulate` (`None`: asked to stop) and files the outcomes.
    fn work(&self, simulate: impl Fn(u32) -> Option<Vec<Outcome>>) {
        loop {
            let r = {
                let mut st = self.lock();
                loop {
                    if st.halt || st.next >= self.end {
                        return;
                    }
                    if st.next < st.consumed.saturating_add(self.ahead) {
                        break;
                    }
                    st = self
                        .for_workers
                        .wait(st)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                st.next += 1;
                st.next - 1
            };
            let Some(out) = simulate(r) else {
                self.halt();
                return;
            };
            self.lock().ready.insert(r, out);
            self.for_sink.notify_all();
        }
    }

    /// The sink's side: each replication of `range` in order; `Ok(false)` when the
    /// workers stopped before finishing.
    fn consume<E: From<RunError>>(
        &self,
        range: Range<u32>,
        scenario: &Scenario,
        sink: &mut dyn FnMut(Vec<Outcome>) -> Result<(), E>,
    ) -> Result<bool, E> {
        for r in range {
            let outcomes = {
                let mut st = self.lock();
                loop {
                    if let Some(o) = st.ready.remove(&r) {
                        st.consumed = r + 1;
                        break o;
                    }
                    if st.halt || st.running == 0 {
                        return Ok(false);
                    }
                    st = self
                        .for_sink
                        .wait(st)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            };
            self.for_workers.notify_all();
            if let Some((o, limit)) = outcomes
                .iter()
                .find_map(|o| o.runaway.map(|limit| (o, limit)))
            {
                return Err(runaway(scenario, o, limit).into());
            }
            sink(outcomes)?;
        }
        Ok(true)
    }
}

/// The refusal of a replication that ran away (`limit`: the guard's limit it reached).
pub fn runaway(scenario: &Scenario, o: &Outcome, limit: usize) -> RunError {
    RunError::Runaway {
        model: o.model.key(),
        replication: o.replication,
        limit,
        factor: crate::engine::RUNAWAY_FACTOR,
        slack: crate::engine::RUNAWAY_SLACK,
        probability: scenario.workarounds.probability,
        conflict: scenario.workarounds.conflict_probability,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const TEXT: &str = "name = \"q\"\nhorizon = \"60d\"\nreplications = 40\nmodels = [\"you-run\", \"ops-run\"]\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"1/day\"\n";

    fn scenario() -> Scenario {
        crate::scenario::parse(TEXT, "q.toml").unwrap()
    }

    /// A sink that is slow on its first replication gives the workers every chance to run
    /// ahead; they must not hold more than [`most_held`] replications' outcomes however
    /// long the sink takes (a count, not a time, is asserted).
    #[test]
    fn the_runner_holds_a_bounded_number_of_replications_whatever_the_total() {
        let s = scenario();
        // Well beyond what three threads may hold, so that the bound can be broken.
        let total = 4 * most_held(&s, 3) as u32;
        for threads in [1, 2, 3] {
            let finished = AtomicUsize::new(0);
            let mut given = 0usize;
            let mut most = 0usize;
            let mut order = Vec::new();
            let done = for_each(
                &s,
                0..total,
                Some(threads),
                &|| {
                    finished.fetch_add(1, Ordering::SeqCst);
                },
                &|| false,
                &mut |outcomes| {
                    if given == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(200));
                    }
                    given += 1;
                    // Finished but not yet handed over, plus this one.
                    let held = finished.load(Ordering::SeqCst) + 1 - given;
                    most = most.max(held);
                    order.push(outcomes[0].replication);
                    assert_eq!(outcomes.len(), 2);
                    Ok::<(), RunError>(())
                },
            )
            .unwrap();
            assert!(done);
            assert_eq!(order, (0..total).collect::<Vec<_>>());
            assert!(
                most <= most_held(&s, threads),
                "{threads} threads held {most} replications (bound {})",
                most_held(&s, threads)
            );
        }
    }

    #[test]
    fn streamed_outcomes_are_the_collected_ones_and_a_stop_or_an_error_ends_the_run() {
        let s = scenario();
        let all = run_range(&s, 0..s.replications, Some(1), &|| {}, &|| false)
            .unwrap()
            .unwrap();
        let mut streamed = Vec::new();
        for_each(
            &s,
            0..s.replications,
            Some(3),
            &|| {},
            &|| false,
            &mut |o| {
                streamed.extend(o);
                Ok::<(), RunError>(())
            },
        )
        .unwrap();
        assert_eq!(all, streamed);
        let asked = AtomicUsize::new(0);
        let stopped = for_each(
            &s,
            0..s.replications,
            Some(2),
            &|| {},
            &|| asked.fetch_add(1, Ordering::SeqCst) >= 5,
            &mut |_| Ok::<(), RunError>(()),
        )
        .unwrap();
        assert!(!stopped);
        let mut calls = 0;
        let failed = for_each(
            &s,
            0..s.replications,
            Some(2),
            &|| {},
            &|| false,
            &mut |_| {
                calls += 1;
                if calls == 3 {
                    Err(RunError::Settings(crate::scenario::ChangeError::NoModels))
                } else {
                    Ok(())
                }
            },
        );
        assert!(failed.is_err());
        assert_eq!(calls, 3);
    }
}
