//! `whoruns report DIR`: re-draw charts, comparison table and report from saved results,
//! without simulating again.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use whoruns::export::from_parquet;
use whoruns::report::{self, ReportData};

use super::EXIT_INVALID;
use super::files::{self, LoadError};

/// Arguments of `whoruns report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `whoruns run`.
    dir: PathBuf,
}

fn read(dir: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).with_context(|| {
        format!(
            "cannot read {}: is {} a folder written by `whoruns run`?",
            path.display(),
            dir.display()
        )
    })
}

/// Runs `whoruns report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    let scenario = match files::load_scenario(&dir.join("scenario.toml")) {
        Ok(s) => s,
        Err(e @ LoadError::Invalid(_)) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "{} does not look like a folder written by `whoruns run`",
                dir.display()
            )));
        }
    };
    let reps = from_parquet(read(dir, "replications.parquet")?, "replications")?;
    let services = from_parquet(read(dir, "services.parquet")?, "services")?;
    let timeseries = from_parquet(read(dir, "timeseries.parquet")?, "timeseries")?;
    let histogram = from_parquet(read(dir, "ttr_histogram.parquet")?, "ttr_histogram")?;
    let data = ReportData::from_frames(scenario, &reps, &services, &timeseries, &histogram)
        .context("cannot assemble the report data")?;
    let rendered = report::render(&data)?;
    files::replace_files(dir, &rendered)?;
    println!("report: {}", dir.join("report.html").display());
    Ok(ExitCode::SUCCESS)
}
