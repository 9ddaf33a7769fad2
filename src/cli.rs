//! Command-line parsing and the subcommands. Everything here is glue: the model lives in
//! the library.

mod calibrate;
mod common;
mod files;
mod interrupt;
mod load;
mod merge;
mod report;
mod run;
mod sensitivity;
mod serve;
mod shards;
mod sweep;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for invalid input (bad scenario files).
pub const EXIT_INVALID: u8 = 2;

/// Who builds it, who runs it? Monte Carlo simulation of production-support ownership models.
#[derive(Debug, Parser)]
#[command(name = "whoruns", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and write results, summary and tables to the output folder.
    Run(run::RunArgs),
    /// Re-draw charts, comparison table and report from a results folder, without simulating.
    Report(report::ReportArgs),
    /// Every model at every value of one parameter (or pair, for two): where each model wins.
    Sweep(sweep::SweepArgs),
    /// Which assumption decides it: every stated parameter moved ± one at a time.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Fit a scenario's incident rates, restore times and severity mix to an incident-tool
    /// export (generic CSV, PagerDuty or incident.io).
    Calibrate(calibrate::CalibrateArgs),
    /// A what-if page on a local web server: move a lever, the deck's charts answer and
    /// sharpen (loopback only unless --bind says otherwise).
    Serve(serve::ServeArgs),
    /// Merge shards written by `run --shard K/N` into the results of the single run.
    Merge(merge::MergeArgs),
    /// Check scenario files and report every problem with file, line and column.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Parses the command line and runs the subcommand.
pub fn run() -> anyhow::Result<ExitCode> {
    interrupt::Interrupt::install();
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Report(args) => report::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Validate { files } => validate(&files),
    }
}

/// The revenue a scenario prices downtime by, in millions a year: at risk (every service
/// fully down all year), and the organisation's when stated.
fn revenue(s: &whoruns::Scenario) -> String {
    let millions = |x: f64| format!("{:.1}M", x / 1e6);
    let at_risk = millions(s.revenue_at_risk_per_year());
    let journeys = match s.journeys.len() {
        0 => String::new(),
        1 => " over 1 journey".to_string(),
        n => format!(" over {n} journeys"),
    };
    match s.revenue_per_year {
        Some(r) => format!(
            "revenue at risk {at_risk} {} a year{journeys}, of {} revenue",
            s.costs.currency,
            millions(r)
        ),
        None => format!(
            "revenue at risk {at_risk} {} a year{journeys}",
            s.costs.currency
        ),
    }
}

fn validate(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    for path in files {
        match load::load_scenario(path) {
            Ok(s) => println!(
                "{}: ok — \"{}\": {} teams, {} services, models {}, {} replications, horizon {:.0} days; {}",
                path.display(),
                s.name,
                s.teams.len(),
                s.services.len(),
                s.models
                    .iter()
                    .map(|m| m.key())
                    .collect::<Vec<_>>()
                    .join(", "),
                s.replications,
                s.horizon_hours / 24.0,
                revenue(&s)
            ),
            Err(e) => {
                ok = false;
                eprintln!("{e:#}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    })
}
