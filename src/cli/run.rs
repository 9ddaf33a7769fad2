//! `whoruns run`: simulate, summarise, export, and (by default) draw the report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use whoruns::breakeven::Analysis;
use whoruns::guard::{self, Limits};
use whoruns::precision::Precision;
use whoruns::report::stream::{Keep, StreamError, Streamed};
use whoruns::run::{Options, Progress};

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::load;
use super::shards;

mod part;

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
    /// Skip the charts and report (draw them later with `whoruns report DIR`); with
    /// `--shard`, skip the block's runs at the other strengths of learning (the merge's
    /// report then runs them).
    #[arg(long)]
    no_report: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print the summary as one JSON document on stdout (every metric's mean, 95% interval
    /// and paired difference per model, as in summary.csv) instead of the table.
    #[arg(long)]
    json: bool,
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
    /// Also find what would have to be true for each verdict to flip (`whoruns
    /// breakeven`): `verdicts.csv`, `assumptions.csv`, break-even charts and the report's
    /// section "What would have to be true".
    #[arg(long)]
    breakeven: bool,
    /// The most replications --precision may run.
    #[arg(long, default_value_t = whoruns::precision::MAX_REPLICATIONS)]
    max_replications: u32,
    /// Refuse runs estimated to simulate more incidents and deployments than this, summed
    /// over models and replications.
    #[arg(long, default_value_t = Limits::default().max_events)]
    max_events: u64,
    /// Refuse runs estimated to need more memory than this: "4GiB", "512MiB" (powers of
    /// 1024) or "4GB" (10⁹ bytes each).
    #[arg(long, default_value = guard::DEFAULT_MAX_MEMORY, value_parser = guard::parse_bytes)]
    max_memory: u64,
}

/// Runs `whoruns run`.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let (mut scenario, text) = match load::load_with_text(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let (shard, precision) = match settings(&args, &mut scenario) {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    // Refuse early, before spending time simulating.
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let limits = Limits {
        max_events: args.max_events,
        max_memory_bytes: args.max_memory,
    };
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    if let Err(e) = whoruns::run::check_size(&scenario, threads, &limits, precision) {
        let why = match precision {
            Some(p) => format!(
                " (with --precision the run is judged at --max-replications {}; lower it)",
                p.max_replications.max(scenario.replications)
            ),
            None => String::new(),
        };
        return invalid(format!("{}: {e}{why}", args.scenario.display()));
    }

    let bar = common::progress(args.quiet, u64::from(scenario.replications));
    let interrupt = Interrupt::install();
    let started = std::time::Instant::now();
    let options = Options {
        threads: args.threads,
        replications: shard.map(|s| shards::range(scenario.replications, s)),
        precision,
    };
    // Tables (and the report's scratch file) stream into the staging folder: removed unless published.
    let stage = files::Stage::open(&out, args.force)?;
    let keep = keep(&args, shard.is_none());
    let result = whoruns::report::stream::run(
        scenario,
        &options,
        &Progress {
            tick: &|| bar.inc(1),
            planned: &|n| bar.set_length(u64::from(n)),
            stop: &|| interrupt.raised(),
        },
        keep,
        &mut |name| stage.sink(name),
        Some(stage.staging()),
    );
    let shown = args.scenario.display().to_string();
    let done = match streamed(result, &shown)? {
        Ok(done) => done,
        Err(status) => {
            bar.finish_and_clear();
            return Ok(status);
        }
    };
    if let Some(note) = done.as_ref().and_then(|d| d.note.as_ref())
        && !args.quiet
    {
        bar.suspend(|| eprintln!("{note}"));
    }
    bar.finish_and_clear();
    let Some(Streamed {
        scenario,
        data,
        outcomes,
        strengths,
        ..
    }) = done
    else {
        return Ok(common::stopped(interrupt, Some(&out)));
    };
    let elapsed = started.elapsed();
    // The report's other strengths ran beside the run (their time is in `elapsed`).
    let beside = data.as_ref().is_some_and(|d| d.strengths.get().is_some());
    let dest = common::Dest {
        out: &out,
        force: args.force,
        interrupt,
    };

    // Saved with the replications and seed actually used, so `whoruns report` and a re-run
    // reproduce these results.
    let scenario_text = scenario.record(&text).map_err(|_| {
        anyhow::anyhow!(
            "cannot record the scenario as run (edit of {} failed)",
            args.scenario.display()
        )
    })?;
    if let Some(shard) = shard {
        let part = part::Part {
            shard,
            scenario: &scenario,
            scenario_text: &scenario_text,
            seconds: elapsed.as_secs_f64(),
            strengths,
        };
        return part::publish(&args, &part, stage, &dest);
    }
    let analysis = if args.breakeven {
        match breakeven(&args, &scenario, &text, &outcomes, interrupt)? {
            Ok(Some(a)) => Some(a),
            Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
            Err(status) => return Ok(status),
        }
    } else {
        None
    };
    drop(outcomes);
    if interrupt.raised() {
        return Ok(common::stopped(interrupt, Some(&out)));
    }
    let data = data.ok_or_else(|| anyhow::anyhow!("the run holds no replications"))?;
    let (mut out_files, rows) = whoruns::report::files::run_rest(
        &data,
        scenario_text,
        args.no_report,
        analysis.as_ref().map(|(a, p)| (a, &p.ledger)),
    )?;
    if args.incident_log {
        for model in &scenario.models {
            out_files.push((
                format!("incident-log-{}.csv", model.key()),
                whoruns::calibrate::write::incident_log(&scenario, *model, 0).into_bytes(),
            ));
        }
    }
    let names = whoruns::report::files::run_names(&out_files);
    if let Some(status) = dest.publish_stage(stage, &out_files, &names, Some(&out))? {
        return Ok(status);
    }
    print_done(
        &args,
        &scenario,
        &rows,
        &out,
        (elapsed, beside),
        analysis.as_ref().map(|(a, _)| a),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// What the run keeps besides its tables: a whole run (not a shard's part) its CSV files,
/// the report's data and, for `--breakeven`, the outcomes' scalars; with a report, the
/// other strengths of learning run beside it.
fn keep(args: &RunArgs, whole: bool) -> Keep {
    Keep {
        csv: whole,
        report_data: whole,
        report_series: !args.no_report,
        outcomes: args.breakeven && whole,
        strengths: !args.no_report,
    }
}

/// A streamed run's result, with a runaway replication refused as [`common::ran`] does.
fn streamed(
    result: Result<Option<Streamed>, StreamError>,
    shown: &str,
) -> anyhow::Result<Result<Option<Streamed>, ExitCode>> {
    match result {
        Ok(done) => Ok(Ok(done)),
        Err(StreamError::Run(e)) => common::ran(Err(e), shown),
        Err(e) => Err(e.into()),
    }
}

/// What a finished run prints: the summary as one JSON document with `--json`, else the
/// table, the time taken, the break-even's size and where the report is (nothing with
/// `--quiet`).
fn print_done(
    args: &RunArgs,
    scenario: &whoruns::Scenario,
    rows: &[whoruns::summary::SummaryRow],
    out: &std::path::Path,
    (elapsed, beside): (std::time::Duration, bool),
    analysis: Option<&whoruns::breakeven::Analysis>,
) -> anyhow::Result<()> {
    if args.json {
        let mut doc = whoruns::export::summary_json(scenario, rows);
        doc["out"] = out.display().to_string().into();
        doc["report"] = if args.no_report {
            serde_json::Value::Null
        } else {
            out.join("report.html").display().to_string().into()
        };
        doc["seconds"] = elapsed.as_secs_f64().into();
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else if !args.quiet {
        common::print_table(scenario, rows);
        anstream::println!(
            "\n{}{} in {:.2} s; results in {}",
            whoruns::format::count(
                scenario.replications as usize,
                "replication",
                "replications"
            ) + " × "
                + &whoruns::format::count(scenario.models.len(), "model", "models"),
            if beside {
                " (and at the report's other strengths of learning)"
            } else {
                ""
            },
            elapsed.as_secs_f64(),
            out.display()
        );
        if let Some(a) = analysis {
            println!(
                "what would have to be true: {} verdicts × {} assumptions (verdicts.csv)",
                a.verdicts.len(),
                a.entries.len()
            );
        }
        if !args.no_report {
            anstream::println!(
                "report: {}",
                super::term::paint(super::term::HEADING, out.join("report.html").display())
            );
        }
    }
    Ok(())
}

/// The command line's run settings applied to `scenario`, in the order a user meets
/// them: the shard, what cannot be combined with it, `--precision`, `--replications`,
/// `--seed`, `--threads`. A refusal's message otherwise.
fn settings(
    args: &RunArgs,
    scenario: &mut whoruns::Scenario,
) -> Result<(Option<shards::Shard>, Option<Precision>), String> {
    let shard = common::shard(args.shard.as_deref())?;
    if shard.is_some() && args.breakeven {
        return Err(
            "--breakeven and --shard cannot be combined: the search needs every replication; shard `whoruns breakeven` instead"
                .into(),
        );
    }
    if shard.is_some() && args.incident_log {
        return Err(
            "--incident-log and --shard cannot be combined: write the log with a run of its own"
                .into(),
        );
    }
    if shard.is_some() && args.precision.is_some() {
        return Err(
            "--precision and --shard cannot be combined: the number of replications must be known before the work is divided"
                .into(),
        );
    }
    let precision = common::precision_share(args.precision)?.map(|share| Precision {
        share,
        max_replications: args.max_replications,
    });
    if let Some(n) = args.replications {
        scenario.set_replications(n).map_err(|e| e.to_string())?;
    }
    if let Some(s) = args.seed {
        scenario.set_seed(s).map_err(|e| e.to_string())?;
    }
    common::threads(args.threads)?;
    Ok((shard, precision))
}

/// The break-even analysis of a finished run, on its own outcomes.
fn breakeven(
    args: &RunArgs,
    scenario: &whoruns::Scenario,
    text: &str,
    outcomes: &[whoruns::Outcome],
    interrupt: &Interrupt,
) -> anyhow::Result<Result<Option<(Analysis, whoruns::breakeven::Plan)>, ExitCode>> {
    let plan = match whoruns::breakeven::plan(text, scenario, &Default::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {}: {e}", args.scenario.display());
            return Ok(Err(ExitCode::from(super::EXIT_INVALID)));
        }
    };
    let bar = common::progress(args.quiet, 0);
    let shown = args.scenario.display().to_string();
    let found = super::breakeven::search(
        &plan,
        outcomes,
        0..plan.ledger.entries.len(),
        args.threads,
        &bar,
        interrupt,
        &shown,
    )?;
    bar.finish_and_clear();
    Ok(found.map(|a| a.map(|a| (a, plan))))
}
