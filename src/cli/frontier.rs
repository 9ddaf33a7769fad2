//! `whoruns frontier`: who should run which service. Searches assignments for the
//! frontier of operating cost against the cost of unreliability, confirms it on fresh
//! seeds, and with `--goal` or `--budget` recommends one; `frontier.csv`/`.parquet`,
//! `charts/frontier.png`/`.svg`, `summary.txt`, `recommendation.csv`, `recommended.toml`.
//! With `--shard K/N` it runs the K-th block of the search's islands and writes their
//! archives as a part; `whoruns merge` joins the parts and confirms the front.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use whoruns::frontier::{self, Goal, Options};

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::load;
use super::shards;

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
    /// NSGA-II's population, on each island.
    #[arg(long, default_value_t = Options::default().population)]
    population: usize,
    /// NSGA-II's generations after the first, on each island (a space no larger than
    /// islands × population × (generations + 1) is enumerated instead).
    #[arg(long, default_value_t = Options::default().generations)]
    generations: usize,
    /// Independent NSGA-II runs (islands), each on its own random stream; their archives
    /// are joined before confirmation. A setting of the search: the result is the same
    /// however many shards run the islands.
    #[arg(long, default_value_t = Options::default().islands)]
    islands: usize,
    /// Search on operating cost and the cost of unreliability only, not also on the worst
    /// tier's share of service-years meeting its target (still reported).
    #[arg(long)]
    two_objectives: bool,
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
    /// Search only shard K of N of the islands (K from 1), or `auto` from the batch
    /// engine's environment; writes the part for `whoruns merge`, which confirms the front.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Parses recorded frontier arguments (from a shard's manifest) for `whoruns merge`.
#[derive(Debug, clap::Parser)]
struct Recorded {
    #[command(flatten)]
    args: FrontierArgs,
}

/// The arguments that define the search, canonical: what every shard shares and what
/// `whoruns merge` needs to conclude it.
fn canonical(args: &FrontierArgs, options: &Options, seed: u64) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(g) = &args.goal {
        out.extend(["--goal".to_string(), g.clone()]);
    }
    if let Some(b) = &args.budget {
        out.extend(["--budget".to_string(), b.clone()]);
    }
    if !options.tier_objective {
        out.push("--two-objectives".to_string());
    }
    for (flag, value) in [
        ("--replications", options.search_replications.to_string()),
        ("--population", options.population.to_string()),
        ("--generations", options.generations.to_string()),
        ("--islands", options.islands.to_string()),
        ("--max-front", options.max_front.to_string()),
        ("--confirm", options.confirm_initial.to_string()),
        ("--confirm-max", options.confirm_max.to_string()),
        ("--seed", seed.to_string()),
    ] {
        out.extend([flag.to_string(), value]);
    }
    out
}

/// The goal and the options of `args`, the seed set on `scenario`; why not, as a refusal.
fn settings(
    args: &FrontierArgs,
    scenario: &mut whoruns::Scenario,
) -> Result<(Option<Goal>, Options), String> {
    let goal = match (&args.goal, &args.budget) {
        (Some(g), _) => Some(Goal::every_tier(g).map_err(|e| e.to_string())?),
        (None, Some(b)) => Some(Goal::budget(b).map_err(|e| e.to_string())?),
        (None, None) => None,
    };
    if let Some(s) = args.seed {
        scenario.set_seed(s).map_err(|e| e.to_string())?;
    }
    common::threads(args.threads)?;
    if args.islands == 0 {
        return Err("--islands must be at least 1".into());
    }
    let options = Options {
        search_replications: args.replications,
        population: args.population,
        generations: args.generations,
        islands: args.islands,
        tier_objective: !args.two_objectives,
        max_front: args.max_front,
        confirm_initial: args.confirm,
        confirm_max: args.confirm_max,
        threads: args.threads,
        ..Options::default()
    };
    Ok((goal, options))
}

/// A spinner counting simulations, hidden when `quiet`.
fn spinner(quiet: bool) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} simulations [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// A library result, with a runaway replication or impossible options refused (exit 2).
fn settled<T>(
    result: Result<Option<T>, frontier::FrontierError>,
    shown: &str,
    bar: &ProgressBar,
) -> anyhow::Result<Result<Option<T>, ExitCode>> {
    match result {
        Ok(t) => Ok(Ok(t)),
        Err(frontier::FrontierError::Run(e)) => {
            bar.finish_and_clear();
            Ok(Err(match common::ran::<()>(Err(e), shown)? {
                Ok(()) => ExitCode::SUCCESS,
                Err(status) => status,
            }))
        }
        Err(e) => {
            bar.finish_and_clear();
            Ok(Err(refuse(format!("{shown}: {e}"))?))
        }
    }
}

/// Runs `whoruns frontier`.
pub fn run(args: FrontierArgs) -> anyhow::Result<ExitCode> {
    let mut scenario = match load::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let (goal, options) = match settings(&args, &mut scenario) {
        Ok(x) => x,
        Err(e) => return refuse(e),
    };
    let shard = match common::shard(args.shard.as_deref()) {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-frontier", scenario.name)));
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let shown = args.scenario.display().to_string();
    let text = std::fs::read_to_string(&args.scenario)?;
    let scenario_text = scenario.record(&text).map_err(|_| {
        anyhow::anyhow!("cannot record the scenario as run (edit of {shown} failed)")
    })?;
    let interrupt = Interrupt::install();
    let bar = spinner(args.quiet);
    let stop = || interrupt.raised();
    let dest = common::Dest {
        out: &out,
        force: args.force,
        interrupt,
    };
    if let Some(sh) = shard {
        let r = shards::range(options.islands as u32, sh);
        let todo = r.start as usize..r.end as usize;
        let searched = frontier::search(&scenario, &options, todo.clone(), &|| bar.inc(1), &stop);
        let islands = match settled(searched, &shown, &bar)? {
            Ok(Some(i)) => i,
            Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
            Err(status) => return Ok(status),
        };
        bar.finish_and_clear();
        let mut manifest = shards::manifest_for(
            "frontier",
            &scenario_text,
            scenario.seed,
            options.search_replications,
            sh,
        );
        for arg in canonical(&args, &options, scenario.seed) {
            manifest.push_str(&format!("arg {arg}\n"));
        }
        let choices = frontier::Choices::of(&scenario);
        let out_files: files::Files = vec![
            (
                frontier::part::ISLANDS.into(),
                frontier::part::write(&islands, &choices).into_bytes(),
            ),
            ("scenario.toml".into(), scenario_text.into_bytes()),
            (shards::MANIFEST.into(), manifest.into_bytes()),
        ];
        if let Some(status) = dest.publish(&out_files, Some(&out))? {
            return Ok(status);
        }
        if !args.quiet {
            println!(
                "shard {}/{}: islands {}..{} of {}; part in {} (merge with `whoruns merge`, which confirms the front)",
                sh.0,
                sh.1,
                todo.start,
                todo.end,
                options.islands,
                out.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let result = frontier::run(&scenario, &options, &|| bar.inc(1), &stop);
    let found = match settled(result, &shown, &bar)? {
        Ok(Some(f)) => f,
        Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
        Err(status) => return Ok(status),
    };
    finish(
        &found,
        goal,
        &scenario_text,
        &dest,
        &bar,
        args.quiet,
        &shown,
    )
}

/// Recommends for `goal`, writes the frontier's files and, unless `quiet`, prints the
/// summary.
fn finish(
    found: &frontier::Frontier,
    goal: Option<Goal>,
    scenario_text: &str,
    dest: &common::Dest<'_>,
    bar: &ProgressBar,
    quiet: bool,
    shown: &str,
) -> anyhow::Result<ExitCode> {
    let interrupt = dest.interrupt;
    let stop = || interrupt.raised();
    let threads = found.options.threads;
    let rec = match goal {
        Some(g) => match frontier::goal::recommend(found, g, threads, &|| bar.inc(1), &stop)? {
            Some(r) => Some(r),
            None if interrupt.raised() => {
                bar.finish_and_clear();
                return Ok(common::stopped(interrupt, Some(dest.out)));
            }
            None => None,
        },
        None => None,
    };
    bar.finish_and_clear();
    let out_files = whoruns::report::frontier::files(found, rec.as_ref(), scenario_text)?;
    let wrote_recommended = out_files.iter().any(|(n, _)| n == "recommended.toml");
    if let Some(status) = dest.publish(&out_files, Some(dest.out))? {
        return Ok(status);
    }
    if !quiet {
        print!(
            "{}",
            whoruns::report::frontier::summary(found, rec.as_ref())
        );
        if rec.is_some() && !wrote_recommended {
            println!(
                "recommended.toml not written: the runners could not be set in {shown}'s text (are its services written as [[services]] tables?); recommendation.csv has them"
            );
        }
        println!("results in {}", dest.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Merges frontier shards: `parts` in shard order, each holding its block of the
/// islands' archives; joins them and confirms the front on fresh seeds, as the single run.
pub fn merge(job: shards::MergeJob) -> anyhow::Result<ExitCode> {
    let args = match shards::recorded_args::<Recorded>("frontier", &job.recorded, job.quiet) {
        Ok(r) => r.args,
        Err(e) => return refuse(e),
    };
    let first = job.parts[0].display().to_string();
    let mut scenario = match whoruns::scenario::parse(&job.text, "scenario.toml") {
        Ok(s) => s,
        Err(e) => return refuse(format!("{first}: {e}")),
    };
    let (goal, options) = match settings(&args, &mut scenario) {
        Ok(x) => x,
        Err(e) => return refuse(e),
    };
    let choices = frontier::Choices::of(&scenario);
    let count = job.parts.len() as u32;
    let mut islands = Vec::new();
    for (i, dir) in job.parts.iter().enumerate() {
        let r = shards::range(options.islands as u32, (i as u32 + 1, count));
        let path = dir.join(frontier::part::ISLANDS);
        let read = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
            .and_then(|text| {
                let todo = r.start as usize..r.end as usize;
                frontier::part::read(&text, &choices, todo, options.dims())
                    .map_err(|e| format!("{}: {e}", dir.display()))
            });
        match read {
            Ok(part) => islands.extend(part),
            Err(e) => return refuse(e),
        }
    }
    let interrupt = Interrupt::install();
    let bar = spinner(job.quiet);
    let stop = || interrupt.raised();
    let dest = common::Dest {
        out: &job.out,
        force: job.force,
        interrupt,
    };
    let result = frontier::conclude(&scenario, &options, islands, &|| bar.inc(1), &stop);
    let found = match settled(result, &first, &bar)? {
        Ok(Some(f)) => f,
        Ok(None) => return Ok(common::stopped(interrupt, Some(&job.out))),
        Err(status) => return Ok(status),
    };
    finish(&found, goal, &job.text, &dest, &bar, job.quiet, &first)
}
