//! `whoruns run`: simulate, summarise, export, and (by default) draw the report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use whoruns::guard::{self, Limits};
use whoruns::runner;

use super::EXIT_INVALID;
use super::files;
use super::interrupt::{Interrupt, Interrupted};
use super::results::{self, Frames};
use super::shards;

/// Arguments of `whoruns run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Replications (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u32>,
    /// Base seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    threads: Option<usize>,
    /// Output folder (default: output/<scenario name>/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Skip the charts and report (draw them later with `whoruns report DIR`).
    #[arg(long)]
    no_report: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Add replications until every headline metric's 95% half-width is within this share
    /// of its mean, for every model (e.g. 0.05), and stays there (Hoad, Robinson & Davies
    /// 2010); --replications is then the starting number.
    #[arg(long, value_name = "SHARE")]
    precision: Option<f64>,
    /// Run only shard K of N of the replications (K from 1), or `auto` from the batch
    /// engine's environment (JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, with
    /// WHORUNS_SHARDS); writes the part's tables for `whoruns merge`.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Also write replication 0's incidents under each model as an incident log in the
    /// generic layout (`incident-log-<model>.csv`), which `whoruns calibrate` reads.
    #[arg(long)]
    incident_log: bool,
    /// The most replications --precision may run.
    #[arg(long, default_value_t = 2_000)]
    max_replications: u32,
    /// Refuse runs estimated to simulate more incidents and deployments than this, summed
    /// over models and replications.
    #[arg(long, default_value_t = Limits::default().max_events)]
    max_events: u64,
    /// Refuse runs estimated to need more memory than this (e.g. "4GiB", "512MiB").
    #[arg(long, default_value = "4GiB", value_parser = guard::parse_bytes)]
    max_memory: u64,
}

/// Runs `whoruns run`.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut scenario = match files::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let shard = match args
        .shard
        .as_deref()
        .map(|s| shards::parse(s, &|v| std::env::var(v).ok()))
    {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    if shard.is_some() && args.incident_log {
        eprintln!(
            "error: --incident-log and --shard cannot be combined: write the log with a run of its own"
        );
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if shard.is_some() && args.precision.is_some() {
        eprintln!(
            "error: --precision and --shard cannot be combined: the number of replications must be known before the work is divided"
        );
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if let Some(p) = args.precision
        && !(p > 0.0 && p < 1.0)
    {
        eprintln!("error: --precision {p} must be a share between 0 and 1, e.g. 0.05 for 5%");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if let Some(n) = args.replications {
        if n < 2 {
            eprintln!("error: --replications must be at least 2 to give confidence intervals");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
        scenario.replications = n;
    }
    if let Some(s) = args.seed {
        scenario.seed = s;
    }
    if args.threads == Some(0) {
        eprintln!("error: --threads must be at least 1");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    // Refuse early, before spending time simulating.
    if let Err(e) = files::check_writable(&out, args.force) {
        eprintln!("error: {e:#}");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let limits = Limits {
        max_events: args.max_events,
        max_memory_bytes: args.max_memory,
    };
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    // With --precision the run may grow to --max-replications: the guardrails judge that.
    let mut largest = scenario.clone();
    if args.precision.is_some() {
        largest.replications = args.max_replications.max(scenario.replications);
    }
    if let Err(e) = guard::check(&largest, threads, &limits) {
        let why = if args.precision.is_some() {
            format!(
                " (with --precision the run is judged at --max-replications {}; lower it)",
                largest.replications
            )
        } else {
            String::new()
        };
        eprintln!("{}: {e}{why}", args.scenario.display());
        return Ok(ExitCode::from(EXIT_INVALID));
    }

    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(scenario.replications))
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos}/{len} replications [{elapsed_precise}] {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let interrupt = Interrupt::install();
    let started = std::time::Instant::now();
    let outcomes = match args.precision {
        None => {
            let range = shard.map_or(0..scenario.replications, |s| {
                shards::range(scenario.replications, s)
            });
            bar.set_length(u64::from(range.end - range.start));
            runner::run_range(&scenario, range, args.threads, &|| bar.inc(1), &|| {
                interrupt.raised()
            })?
        }
        Some(p) => {
            let cap = args.max_replications;
            bar.set_length(u64::from(scenario.replications.clamp(2, cap.max(2))));
            let r = whoruns::precision::run_until_precise(
                &mut scenario,
                args.threads,
                p,
                cap,
                &|| bar.inc(1),
                &|n| bar.set_length(u64::from(n)),
                &|| interrupt.raised(),
            )?;
            if let Some((_, note)) = &r
                && !args.quiet
            {
                bar.suspend(|| eprintln!("{note}"));
            }
            r.map(|(o, _)| o)
        }
    };
    bar.finish_and_clear();
    let Some(outcomes) = outcomes else {
        return Ok(stopped(interrupt, &out));
    };
    let elapsed = started.elapsed();

    // Saved with the replications and seed actually used, so `whoruns report` and a re-run
    // reproduce these results.
    let scenario_text = files::scenario_record(&args.scenario, &scenario)?;
    let mut frames = Frames::of(&scenario, &outcomes)?;
    drop(outcomes);
    if let Some(shard) = shard {
        // A shard writes its tables and a manifest; `whoruns merge` makes the results.
        let mut out_files = frames.parquet_files()?;
        out_files.push(("scenario.toml".into(), scenario_text.clone().into_bytes()));
        out_files.push((
            shards::MANIFEST.into(),
            shards::manifest(&scenario_text, &scenario, shard).into_bytes(),
        ));
        if let Err(e) = files::publish(&out, &out_files, args.force, &|| interrupt.check()) {
            return match e.downcast_ref::<Interrupted>() {
                Some(_) => Ok(stopped(interrupt, &out)),
                None => Err(e),
            };
        }
        if !args.quiet {
            println!(
                "shard {}/{}: replications {}..{} of {} in {:.2} s; part in {} (merge with `whoruns merge`)",
                shard.0,
                shard.1,
                shards::range(scenario.replications, shard).start,
                shards::range(scenario.replications, shard).end,
                scenario.replications,
                elapsed.as_secs_f64(),
                out.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if interrupt.raised() {
        return Ok(stopped(interrupt, &out));
    }
    let (mut out_files, text) =
        results::result_files(&scenario, scenario_text, &mut frames, args.no_report)?;
    if args.incident_log {
        for model in &scenario.models {
            out_files.push((
                format!("incident-log-{}.csv", model.key()),
                whoruns::calibrate::write::incident_log(&scenario, *model, 0).into_bytes(),
            ));
        }
    }
    if let Err(e) = files::publish(&out, &out_files, args.force, &|| interrupt.check()) {
        return match e.downcast_ref::<Interrupted>() {
            Some(_) => Ok(stopped(interrupt, &out)),
            None => Err(e),
        };
    }
    if !args.quiet {
        print!("{text}");
        println!(
            "\n{} replications × {} models in {:.2} s; results in {}",
            scenario.replications,
            scenario.models.len(),
            elapsed.as_secs_f64(),
            out.display()
        );
        if !args.no_report {
            println!("report: {}", out.join("report.html").display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Says that the run stopped and what was (not) written; the exit status of the signal.
fn stopped(interrupt: &Interrupt, out: &std::path::Path) -> ExitCode {
    let status = interrupt.check().err().map_or(130, |i| i.0);
    eprintln!(
        "interrupted: nothing was written{}",
        if out.exists() {
            format!("; {} is as it was", out.display())
        } else {
            String::new()
        }
    );
    ExitCode::from(status)
}
