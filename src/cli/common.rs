//! What every subcommand does the same way: refusing bad input (exit 2), a progress bar,
//! the `--shard` option, and publishing files unless an interrupt came first.

use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use whoruns::export::Files;
use whoruns::runner::RunError;

use super::EXIT_INVALID;
use super::files;
use super::interrupt::{Interrupt, Interrupted};
use super::shards::{self, Shard};

/// Prints `error: {message}` and gives the exit status for invalid input.
pub fn refuse(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    anstream::eprintln!(
        "{} {message}",
        super::term::paint(super::term::ERROR, "error:")
    );
    Ok(ExitCode::from(EXIT_INVALID))
}

/// Prints `message` as it is (it names its file) and gives the exit status for invalid
/// input.
pub fn invalid(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("{message}");
    Ok(ExitCode::from(EXIT_INVALID))
}

/// Says that the command stopped and nothing was written (and that `out`, if given and
/// there, is as it was); the exit status of the signal.
pub fn stopped(interrupt: &Interrupt, out: Option<&Path>) -> ExitCode {
    let status = interrupt.check().err().map_or(130, |i| i.0);
    let kept = match out {
        Some(out) if out.exists() => format!("; {} is as it was", out.display()),
        _ => String::new(),
    };
    eprintln!("interrupted: nothing was written{kept}");
    ExitCode::from(status)
}

/// Prints the summary table fitted to the terminal (every column in summary.txt), its
/// header row in bold.
pub fn print_table(scenario: &whoruns::Scenario, rows: &[whoruns::summary::SummaryRow]) {
    let text = whoruns::table::summary_table_fit(scenario, rows, super::term::width());
    anstream::print!("{}", super::term::bold_header(&text));
}

/// A progress bar over `len` replications, hidden when `quiet`.
pub fn progress(quiet: bool, len: u64) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(len)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos}/{len} replications [{elapsed_precise}] {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The `--shard` option: `K/N`, or `auto` from the batch engine's environment.
pub fn shard(spec: Option<&str>) -> Result<Option<Shard>, String> {
    spec.map(|s| shards::parse(s, &|v| std::env::var(v).ok()))
        .transpose()
}

/// `--precision`'s share, checked.
pub fn precision_share(p: Option<f64>) -> Result<Option<f64>, String> {
    match p {
        Some(p) if !(p > 0.0 && p < 1.0) => Err(format!(
            "--precision {p} must be a share between 0 and 1, e.g. 0.05 for 5%"
        )),
        other => Ok(other),
    }
}

/// `--threads`, checked; a given number also sizes rayon's shared pool (the report's
/// charts are drawn on it), so that no part of the command uses more threads than asked.
pub fn threads(t: Option<usize>) -> Result<Option<usize>, String> {
    match t {
        Some(0) => Err("--threads must be at least 1".into()),
        Some(n) => {
            // Only the first call of a process sizes the pool; a command makes one.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global();
            Ok(Some(n))
        }
        None => Ok(None),
    }
}

/// Publishes `files` into `out` atomically. `Ok(None)` when published; `Ok(Some(status))`
/// when an interrupt stopped it (nothing written, said on stderr).
pub fn publish(
    out: &Path,
    files: &Files,
    force: bool,
    interrupt: &Interrupt,
    kept: Option<&Path>,
) -> anyhow::Result<Option<ExitCode>> {
    match files::publish(out, files, force, &|| interrupt.check()) {
        Ok(()) => Ok(None),
        Err(e) if e.downcast_ref::<Interrupted>().is_some() => Ok(Some(stopped(interrupt, kept))),
        Err(e) => Err(e),
    }
}

/// Where a command publishes: the output folder, whether it may replace results there,
/// and the interrupt that stops it.
pub struct Dest<'a> {
    /// The output folder.
    pub out: &'a Path,
    /// Replace results already there.
    pub force: bool,
    /// Stops publishing when raised.
    pub interrupt: &'a Interrupt,
}

impl Dest<'_> {
    /// [`publish`] into this destination.
    pub fn publish(&self, files: &Files, kept: Option<&Path>) -> anyhow::Result<Option<ExitCode>> {
        publish(self.out, files, self.force, self.interrupt, kept)
    }

    /// Publishes `stage` (what was streamed into it, `files` beside it, the manifest naming
    /// `names`) as [`publish`] does.
    pub fn publish_stage(
        &self,
        stage: files::Stage,
        files: &Files,
        names: &[String],
        kept: Option<&Path>,
    ) -> anyhow::Result<Option<ExitCode>> {
        match stage.publish(files, names, &|| self.interrupt.check()) {
            Ok(()) => Ok(None),
            Err(e) if e.downcast_ref::<Interrupted>().is_some() => {
                Ok(Some(stopped(self.interrupt, kept)))
            }
            Err(e) => Err(e),
        }
    }
}

/// A simulation's result, with a runaway replication refused as the scenario's problem
/// (named after `shown`, exit 2) rather than a failure of the program.
pub fn ran<T>(result: Result<T, RunError>, shown: &str) -> anyhow::Result<Result<T, ExitCode>> {
    match result {
        Ok(t) => Ok(Ok(t)),
        Err(e @ RunError::Runaway { .. }) => {
            eprintln!("{shown}: {e}");
            Ok(Err(ExitCode::from(EXIT_INVALID)))
        }
        Err(e) => Err(e.into()),
    }
}
