//! `whoruns run` streamed into its files: each replication's outcomes, as the runner hands
//! them over in replication order, are written into the tables
//! ([`crate::export::TableStream`]) and gathered into the report's data
//! ([`super::gather::Gather`]), then dropped. Memory stays bounded by a row group per
//! table and the report's per-replication values, whatever the number of replications;
//! the files are byte for byte those of [`super::files::run_with`] on the same outcomes.

use crate::export::{ExportError, Sink, TableStream};
use crate::outcome::Outcome;
use crate::precision::{Note, run_until_precise};
use crate::run::{Options, Progress};
use crate::runner::{RunError, for_each};
use crate::scenario::Scenario;

use super::ReportData;
use super::gather::Gather;

/// What a streamed run keeps besides its tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Write the CSV files beside the tables (a whole run; a shard's part has none).
    pub csv: bool,
    /// Gather the report's data (a whole run; a shard's part needs none).
    pub report_data: bool,
    /// With it, everything the report draws; without, only the metrics the summaries
    /// need (`--no-report`).
    pub report_series: bool,
    /// Keep each outcome's scalars, without its weekly, quarterly and histogram series
    /// ([`Outcome::light`]): what `--breakeven` judges the run's verdicts on.
    pub outcomes: bool,
    /// Run the report's other strengths of learning beside the scenario's own, sharing
    /// each replication's world and each model's warm-up ([`super::incentive::beside`]),
    /// where they can: their values go into the report's data, or into
    /// [`Streamed::strengths`] when no data is gathered.
    pub strengths: bool,
}

/// Why a streamed run failed.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The simulation refused or failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A table could not be written.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The report's weekly values could not be spilled to their scratch file or read back.
    #[error("the report's scratch file of weekly values: {0}")]
    Scratch(#[from] std::io::Error),
}

/// A streamed run: its tables are written.
#[derive(Debug)]
pub struct Streamed {
    /// The scenario as run: with `--precision`, its replications are the number run.
    pub scenario: Scenario,
    /// What `--precision` did.
    pub note: Option<Note>,
    /// The report's data, when asked for (only its metrics without `report_series`).
    pub data: Option<ReportData>,
    /// The outcomes' scalars ([`Outcome::light`]), ordered by replication then model, when asked
    /// for; else empty.
    pub outcomes: Vec<Outcome>,
    /// When the other strengths ran beside the scenario's own ([`Keep::strengths`]) and no
    /// report data was gathered to hold them: their values, or `None` when one of them ran
    /// away (running them again would only say so again).
    pub strengths: Option<Option<Vec<crate::export::StrengthValues>>>,
}

/// The five tables of a run, the report's data and (when asked) the outcomes' scalars,
/// being filled replication by replication.
struct Filling<'a> {
    scenario: &'a Scenario,
    tables: TableStream,
    gather: Option<Gather>,
    outcomes: Option<Vec<Outcome>>,
}

impl Filling<'_> {
    fn push(&mut self, outcomes: Vec<Outcome>) -> Result<(), StreamError> {
        self.tables.push(self.scenario, &outcomes)?;
        if let Some(g) = self.gather.as_mut() {
            g.add(&outcomes);
        }
        if let Some(kept) = self.outcomes.as_mut() {
            kept.extend(outcomes.into_iter().map(Outcome::light));
        }
        Ok(())
    }
}

/// Runs `scenario` as [`crate::run::run`] does and streams the results into the files
/// `open` makes (by name: the table files of [`super::files::TABLE_FILES`], without the CSV
/// files unless `keep.csv`). Replications are written as they finish; with
/// `--precision`, whose number is known only at the end, they are held and written then.
/// The report's weekly values wait in a scratch file in `scratch` (the staging folder; in
/// memory without one), removed before returning. `None` when stopped: the files are then
/// incomplete and must be thrown away.
pub fn run(
    mut scenario: Scenario,
    options: &Options,
    progress: &Progress<'_>,
    keep: Keep,
    open: &mut dyn FnMut(&str) -> std::io::Result<Sink>,
    scratch: Option<&std::path::Path>,
) -> Result<Option<Streamed>, StreamError> {
    let held = match options.precision {
        None => None,
        Some(p) => {
            let cap = p.max_replications;
            (progress.planned)(scenario.replications.clamp(2, cap.max(2)));
            let Some((outcomes, note)) = run_until_precise(
                None,
                &mut scenario,
                options.threads,
                p,
                progress.tick,
                progress.planned,
                progress.stop,
            )?
            else {
                return Ok(None);
            };
            Some((outcomes, note))
        }
    };
    let range = options
        .replications
        .clone()
        .unwrap_or(0..scenario.replications);
    let count = range.end.saturating_sub(range.start);
    let gather = match (keep.report_data, scratch) {
        (false, _) => None,
        (true, Some(dir)) if keep.report_series => {
            Some(Gather::for_run(&scenario, count, true).spilling_in(dir)?)
        }
        (true, _) => Some(Gather::for_run(&scenario, count, keep.report_series)),
    };
    let mut filling = Filling {
        scenario: &scenario,
        tables: TableStream::new(count, keep.csv, open)?,
        gather,
        outcomes: keep.outcomes.then(Vec::new),
    };
    let mut strengths = None;
    let note = match held {
        Some((outcomes, note)) => {
            let models = scenario.models.len().max(1);
            let mut outcomes = outcomes.into_iter();
            loop {
                let replication: Vec<Outcome> = outcomes.by_ref().take(models).collect();
                if replication.is_empty() {
                    break;
                }
                filling.push(replication)?;
            }
            Some(note)
        }
        None => {
            (progress.planned)(count);
            let mut push = |outcomes| filling.push(outcomes);
            let beside = keep
                .strengths
                .then(|| {
                    super::incentive::beside(
                        &scenario,
                        range.clone(),
                        options.threads,
                        progress.tick,
                        progress.stop,
                        &mut push,
                    )
                })
                .flatten();
            let finished = match beside {
                Some(run) => {
                    let run = run?;
                    strengths = Some(run.values);
                    run.finished
                }
                None => for_each(
                    &scenario,
                    range,
                    options.threads,
                    progress.tick,
                    progress.stop,
                    &mut push,
                )?,
            };
            if !finished {
                return Ok(None);
            }
            None
        }
    };
    let Filling {
        tables,
        gather,
        outcomes,
        ..
    } = filling;
    tables.finish()?;
    let mut data = match gather {
        Some(g) => g.finish()?,
        None => None,
    };
    if let Some(d) = data.as_mut()
        && let Some(values) = strengths.take().flatten()
    {
        // Set once, here: the report reads them instead of running the strengths again.
        let _ = d.strengths.set(Ok(values));
    }
    Ok(Some(Streamed {
        scenario,
        note,
        data,
        outcomes: outcomes.unwrap_or_default(),
        strengths,
    }))
}
