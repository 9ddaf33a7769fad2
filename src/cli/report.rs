//! `whoruns report DIR`: re-draw charts, comparison table and report from saved results,
//! without simulating again.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use whoruns::ModelKind;
use whoruns::export::from_parquet;
use whoruns::report::{self, ReportData};

use super::common::{invalid, refuse};
use super::files;
use super::interrupt::{Interrupt, Interrupted};
use super::load::{self, LoadError};

/// Arguments of `whoruns report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `whoruns run`.
    dir: PathBuf,
    /// Report only these models, in this order (keys, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "MODEL,...")]
    models: Vec<String>,
    /// The report's title (default: "whoruns report: <scenario name>").
    #[arg(long)]
    title: Option<String>,
    /// The model paired differences are taken against (default: the scenario's reference,
    /// or the first model reported).
    #[arg(long, value_name = "MODEL")]
    reference: Option<String>,
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
    let scenario = match load::load_scenario(&dir.join("scenario.toml")) {
        Ok(s) => s,
        Err(e @ LoadError::Invalid(_)) => return invalid(e),
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
    let parse = |key: &str| key.trim().parse::<ModelKind>();
    let mut models = Vec::new();
    for key in &args.models {
        match parse(key) {
            Ok(m) => models.push(m),
            Err(e) => return refuse(format!("--models: {e}")),
        }
    }
    let reference = match args.reference.as_deref().map(parse) {
        None => None,
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => return refuse(format!("--reference: {e}")),
    };
    let mut data = ReportData::from_frames(scenario, &reps, &services, &timeseries, &histogram)
        .context("cannot assemble the report data")?;
    // Results written before quarters were measured have no `quarters.parquet`.
    if dir.join("quarters.parquet").exists() {
        let quarters = from_parquet(read(dir, "quarters.parquet")?, "quarters")?;
        data = data
            .with_quarters(&quarters)
            .context("cannot assemble the report data")?;
    }
    if let Err(e) = data.select(&models, reference) {
        return refuse(e);
    }
    if let Some(title) = &args.title {
        data.title.clone_from(title);
    }
    let interrupt = Interrupt::install();
    let rendered = report::render(&data)?;
    if let Err(e) = files::replace_files(dir, &rendered, &|| interrupt.check()) {
        return match e.downcast_ref::<Interrupted>() {
            Some(i) => {
                eprintln!("interrupted: the report in {} is as it was", dir.display());
                Ok(ExitCode::from(i.0))
            }
            None => Err(e),
        };
    }
    println!("report: {}", dir.join("report.html").display());
    Ok(ExitCode::SUCCESS)
}
