//! How many replications are enough: the sequential procedure of Hoad, Robinson & Davies
//! (2010), "Automated selection of the number of replications for a discrete-event
//! simulation", Journal of the Operational Research Society 61(11), 1632–1644.
//!
//! Replications are added until the 95% confidence interval's half-width of every headline
//! metric, for every model, is within `precision` of its mean (relative), and stays there
//! for a look-ahead of `k_limit` further replications (`k_limit · n / 100` once n > 100),
//! which guards against stopping on a chance early agreement. Availability is judged on
//! its complement, unavailability, because a relative precision on 99.9% says nothing.
//! Replications keep their seeds, so the result is exactly the run with that many
//! replications.

use std::fmt;

use crate::metric::{HEADLINE, find};
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::runner::{RunError, run_range_in};
use crate::scenario::Scenario;
use crate::stats::Estimate;
use crate::world::Worlds;

/// The most replications `--precision` runs unless told otherwise (`--max-replications`):
/// enough for a 1% half-width on the noisiest headline metric of the bundled scenarios,
/// few enough to finish in minutes (assumption).
pub const MAX_REPLICATIONS: u32 = 2_000;

/// Hoad, Robinson & Davies' recommended look-ahead.
pub const K_LIMIT: u32 = 5;

/// The widest relative half-width over headline metrics and models, with where it is.
pub fn widest(models: &[ModelKind], outcomes: &[Outcome]) -> (f64, &'static str, ModelKind) {
    let mut worst = (
        0.0,
        "",
        models.first().copied().unwrap_or(ModelKind::YouRun),
    );
    for name in HEADLINE {
        let Some(m) = find(name) else { continue };
        for &model in models {
            let e = Estimate::of(outcomes.iter().filter(|o| o.model == model).map(|o| {
                let v = m.get(o).unwrap_or(f64::NAN);
                if name == "availability" { 1.0 - v } else { v }
            }));
            let rel = if e.mean.abs() > 0.0 {
                e.half_width() / e.mean.abs()
            } else if e.half_width() > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
            let rel = if rel.is_nan() { f64::INFINITY } else { rel };
            if rel > worst.0 {
                worst = (rel, name, model);
            }
        }
    }
    worst
}

/// Replications to add after precision is first reached at `n`.
pub fn look_ahead(n: u32) -> u32 {
    if n <= 100 { K_LIMIT } else { n * K_LIMIT / 100 }
}

/// `--precision`: the relative 95% half-width every headline metric must reach, and the
/// most replications that may run to reach it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Relative half-width, a share between 0 and 1 (e.g. 0.05).
    pub share: f64,
    /// The most replications to run.
    pub max_replications: u32,
}

/// What the procedure did: reached the precision (and held it), or stopped at the cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The precision asked for.
    pub share: f64,
    /// Replications run.
    pub replications: u32,
    /// Where precision was first reached and then held; `None` when the cap came first.
    pub reached_at: Option<u32>,
    /// The cap (`--max-replications`).
    pub cap: u32,
    /// The widest relative half-width at the end.
    pub widest: f64,
    /// The metric it is on.
    pub metric: &'static str,
    /// The model it is on.
    pub model: ModelKind,
}

impl Note {
    /// Whether the precision was reached and held.
    pub fn reached(&self) -> bool {
        self.reached_at.is_some()
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reached_at {
            Some(at) => write!(
                f,
                "precision {:.1}%: reached after {at} replications and held over {} more ({} run; widest: {} of {}, {:.2}%); sequential procedure of Hoad, Robinson & Davies (2010)",
                100.0 * self.share,
                self.replications - at,
                self.replications,
                self.metric,
                self.model.key(),
                100.0 * self.widest
            ),
            None => write!(
                f,
                "precision {:.1}% not reached within {} replications (--max-replications): widest is {} of {} at {:.2}%; results are for {} replications",
                100.0 * self.share,
                self.cap,
                self.metric,
                self.model.key(),
                100.0 * self.widest,
                self.replications
            ),
        }
    }
}

/// Runs `scenario` in batches until its headline metrics are precise to `precision`'s
/// share (relative 95% half-width) for every model and stay so over the look-ahead, or
/// its most replications have run. Sets the scenario's replications to the number run;
/// returns the outcomes and a note saying what happened, or `None` when `stop` said stop.
/// `planned` is told each new total, for progress bars. Worlds `kept` across points are
/// used where they serve.
pub fn run_until_precise(
    kept: Option<&Worlds>,
    scenario: &mut Scenario,
    threads: Option<usize>,
    precision: Precision,
    progress: &(dyn Fn() + Sync),
    planned: &dyn Fn(u32),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<(Vec<Outcome>, Note)>, RunError> {
    let (p, cap) = (precision.share, precision.max_replications.max(2));
    let mut n = scenario.replications.clamp(2, cap);
    let mut outcomes = Vec::new();
    let mut done = 0u32;
    let mut reached_at: Option<u32> = None;
    planned(n);
    loop {
        let Some(batch) = run_range_in(kept, scenario, done..n, threads, progress, stop)? else {
            return Ok(None);
        };
        outcomes.extend(batch);
        done = n;
        let (w, metric, model) = widest(&scenario.models, &outcomes);
        match (w <= p, reached_at) {
            (true, None) => reached_at = Some(n),
            (true, Some(_)) => {}
            (false, _) => reached_at = None,
        }
        let next = match reached_at {
            Some(at) if n >= at + look_ahead(at) => {
                scenario.set_replications(n)?;
                let note = Note {
                    share: p,
                    replications: n,
                    reached_at: Some(at),
                    cap,
                    widest: w,
                    metric,
                    model,
                };
                return Ok(Some((outcomes, note)));
            }
            // One replication at a time through the look-ahead, as the procedure does.
            Some(_) => n + 1,
            // Otherwise grow by a tenth (at least 5) towards the cap.
            None => n + (n / 10).max(5),
        };
        if done >= cap {
            scenario.set_replications(n)?;
            let note = Note {
                share: p,
                replications: n,
                reached_at: None,
                cap,
                widest: w,
                metric,
                model,
            };
            return Ok(Some((outcomes, note)));
        }
        n = next.min(cap);
        planned(n);
    }
}
