//! `whoruns frontier`: who should run which service. Searches assignments for the
//! frontier of operating cost against the cost of unreliability, confirms it on fresh
//! seeds, and with `--goal` or `--budget` recommends one; `frontier.csv`/`.parquet`,
//! `charts/frontier.png`/`.svg`, `summary.txt`, `recommendation.csv`, `recommended.toml`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use whoruns::frontier::{self, Goal, Options};

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::load;

/// Arguments of `whoruns frontier`.
#[derive(Debug, Args)]
pub struct FrontierArgs {
    /// Scenario file (TOML). Its services' `allowed_runners` bound the search; its models
    /// are the named reference points.
    scenario: PathBuf,
    /// The goal of the recommendation: the share of service-years in which every tier must
    /// meet its target, e.g. "meet every tier in 90% of service-years".
    #[arg(long, conflicts_with = "budget")]
    goal: Option<String>,
    /// Recommend the most reliable confirmed assignment whose operating cost per year is
    /// within this, e.g. 1.2M.
    #[arg(long)]
    budget: Option<String>,
    /// Replications every candidate is simulated on during the search (the same seeds for
    /// every candidate).
    #[arg(long, short = 'n', default_value_t = Options::default().search_replications)]
    replications: u32,
    /// NSGA-II's population.
    #[arg(long, default_value_t = Options::default().population)]
    population: usize,
    /// NSGA-II's generations after the first (a space no larger than population ×
    /// (generations + 1) is enumerated instead).
    #[arg(long, default_value_t = Options::default().generations)]
    generations: usize,
    /// The most points of the search's front taken to confirmation.
    #[arg(long, default_value_t = Options::default().max_front)]
    max_front: usize,
    /// Fresh replications every point starts its confirmation with.
    #[arg(long, default_value_t = Options::default().confirm_initial)]
    confirm: u32,
    /// The most fresh replications one point may get while its pairs are undecided.
    #[arg(long, default_value_t = Options::default().confirm_max)]
    confirm_max: u32,
    /// Base seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    threads: Option<usize>,
    /// Output folder (default: output/<scenario name>-frontier/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Runs `whoruns frontier`.
pub fn run(args: FrontierArgs) -> anyhow::Result<ExitCode> {
    let mut scenario = match load::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let goal = match (&args.goal, &args.budget) {
        (Some(g), _) => Goal::every_tier(g).map(Some),
        (None, Some(b)) => Goal::budget(b).map(Some),
        (None, None) => Ok(None),
    };
    let goal = match goal {
        Ok(g) => g,
        Err(e) => return refuse(e),
    };
    if let Some(s) = args.seed
        && let Err(e) = scenario.set_seed(s)
    {
        return refuse(e);
    }
    if let Err(e) = common::threads(args.threads) {
        return refuse(e);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-frontier", scenario.name)));
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let text = std::fs::read_to_string(&args.scenario)?;
    let options = Options {
        search_replications: args.replications,
        population: args.population,
        generations: args.generations,
        max_front: args.max_front,
        confirm_initial: args.confirm,
        confirm_max: args.confirm_max,
        threads: args.threads,
        ..Options::default()
    };
    let interrupt = Interrupt::install();
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} simulations [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let shown = args.scenario.display().to_string();
    let stop = || interrupt.raised();
    let found = match frontier::run(&scenario, &options, &|| bar.inc(1), &stop) {
        Ok(f) => f,
        Err(frontier::FrontierError::Run(e)) => {
            bar.finish_and_clear();
            return match common::ran::<()>(Err(e), &shown)? {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(status) => Ok(status),
            };
        }
        Err(e) => {
            bar.finish_and_clear();
            return refuse(format!("{shown}: {e}"));
        }
    };
    let Some(found) = found else {
        bar.finish_and_clear();
        return Ok(common::stopped(interrupt, Some(&out)));
    };
    let rec = match goal {
        Some(g) => {
            match frontier::goal::recommend(&found, g, args.threads, &|| bar.inc(1), &stop)? {
                Some(r) => Some(r),
                None if interrupt.raised() => {
                    bar.finish_and_clear();
                    return Ok(common::stopped(interrupt, Some(&out)));
                }
                None => None,
            }
        }
        None => None,
    };
    bar.finish_and_clear();
    let scenario_text = found.scenario.record(&text).map_err(|_| {
        anyhow::anyhow!("cannot record the scenario as run (edit of {shown} failed)")
    })?;
    let out_files = whoruns::report::frontier::files(&found, rec.as_ref(), &scenario_text)?;
    let wrote_recommended = out_files.iter().any(|(n, _)| n == "recommended.toml");
    if let Some(status) = common::publish(&out, &out_files, args.force, interrupt, Some(&out))? {
        return Ok(status);
    }
    if !args.quiet {
        print!(
            "{}",
            whoruns::report::frontier::summary(&found, rec.as_ref())
        );
        if rec.is_some() && !wrote_recommended {
            println!(
                "recommended.toml not written: the runners could not be set in {shown}'s text (are its services written as [[services]] tables?); recommendation.csv has them"
            );
        }
        println!("results in {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
