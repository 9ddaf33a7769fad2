//! `whoruns sweep`: every model at every value of one parameter; `sweep.parquet`/`.csv`,
//! `crossovers.csv` and a chart per headline metric.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use whoruns::axis::Scale;
use whoruns::export;
use whoruns::guard::{self, Limits};
use whoruns::precision::Precision;
use whoruns::sweep::{self, SweepError};

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::load;
use super::shards;

/// Arguments of `whoruns sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// The parameter and range, PATH=START..END[:SCALE] (PATH as errors name keys, e.g.
    /// groups.ops.estate_services=24..400:log). Default: the scenario's [sweep] table.
    /// Given twice, a grid of both: every model at every pair of values.
    #[arg(long, value_name = "PATH=START..END")]
    param: Vec<String>,
    /// Number of values, first and last included (default: the [sweep] table's, or 9).
    #[arg(long)]
    steps: Option<u32>,
    /// How to space the values: linear, log (sizes, rates, prices spanning magnitudes) or
    /// nines (availability targets: 0.99, 0.999, 0.9999 are equal steps).
    #[arg(long, default_value = "linear", value_parser = parse_scale)]
    scale: Scale,
    /// What the parameter is, in words, for the charts (default: the path, or the
    /// [sweep] table's label).
    #[arg(long)]
    label: Option<String>,
    /// Shorthand for --scale log.
    #[arg(long, conflicts_with = "scale")]
    log: bool,
    /// Replications at each value (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u32>,
    /// Base seed (overrides the scenario's `seed`). Every value uses the same seeds.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    threads: Option<usize>,
    /// Output folder (default: output/<scenario name>-sweep/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Add replications until every headline metric's 95% half-width is within this share
    /// of its mean at every value, for every model (Hoad, Robinson & Davies 2010); every
    /// value then runs the largest number any value needed, so values stay paired.
    #[arg(long, value_name = "SHARE")]
    precision: Option<f64>,
    /// The most replications --precision may run at one value.
    #[arg(long, default_value_t = whoruns::precision::MAX_REPLICATIONS)]
    max_replications: u32,
    /// Run only shard K of N of the values (K from 1), or `auto` from the batch engine's
    /// environment; writes the part for `whoruns merge`.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print the results as one JSON document on stdout (per value, every model's headline
    /// metrics with their 95% intervals; the crossovers) instead of the summary.
    #[arg(long)]
    json: bool,
    /// Refuse sweeps estimated to simulate more events than this, over all values.
    #[arg(long, default_value_t = Limits::default().max_events)]
    max_events: u64,
    /// Refuse sweeps estimated to need more memory than this: "4GiB" (powers of 1024) or
    /// "4GB" (10⁹ bytes each).
    #[arg(long, default_value = guard::DEFAULT_MAX_MEMORY, value_parser = guard::parse_bytes)]
    max_memory: u64,
}

fn parse_scale(s: &str) -> Result<Scale, String> {
    Scale::parse(s).ok_or_else(|| format!("\"{s}\" is not a scale (valid: linear, log, nines)"))
}

/// Parses recorded sweep arguments (from a shard's manifest) for `whoruns merge`.
#[derive(Debug, clap::Parser)]
struct Recorded {
    #[command(flatten)]
    args: SweepArgs,
}

/// The arguments that define a sweep's work, in a canonical order: what every shard of it
/// must share and what `whoruns merge` needs to rebuild its plan.
fn canonical(args: &SweepArgs, replications: u32, seed: u64) -> Vec<String> {
    let mut out = Vec::new();
    for p in &args.param {
        out.extend(["--param".to_string(), p.clone()]);
    }
    if let Some(n) = args.steps {
        out.extend(["--steps".to_string(), n.to_string()]);
    }
    let scale = if args.log { Scale::Log } else { args.scale };
    out.extend(["--scale".to_string(), scale.name().to_string()]);
    if let Some(l) = &args.label {
        out.extend(["--label".to_string(), l.clone()]);
    }
    out.extend([
        "--replications".to_string(),
        replications.to_string(),
        "--seed".to_string(),
        seed.to_string(),
    ]);
    out
}

/// Where a sweep's cells come from.
enum Source {
    /// Simulate (all values, or one shard's).
    Simulate,
    /// Merge: the scenario as the shards ran it, and their cells in value order.
    Merged {
        text: String,
        cells: Vec<Vec<sweep::Cell>>,
        out: PathBuf,
        force: bool,
    },
}

/// Runs `whoruns sweep`.
pub fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    run_with(args, Source::Simulate)
}

/// Merges sweep shards: `parts` in shard order, with the arguments their manifests record.
pub fn merge(job: shards::MergeJob) -> anyhow::Result<ExitCode> {
    let shards::MergeJob {
        recorded,
        text,
        parts,
        out,
        force,
        quiet,
        ..
    } = job;
    let parsed = match shards::recorded_args::<Recorded>("sweep", &recorded, quiet) {
        Ok(r) => r.args,
        Err(e) => return refuse(e),
    };
    let mut cells = Vec::new();
    for df in shards::part_tables(&parts, CELLS)? {
        cells.extend(export::cells_from(&df)?);
    }
    run_with(
        parsed,
        Source::Merged {
            text,
            cells,
            out,
            force,
        },
    )
}

/// A sweep shard's table of per-replication values.
const CELLS: &str = "cells.parquet";

fn run_with(args: SweepArgs, source: Source) -> anyhow::Result<ExitCode> {
    let loaded = match &source {
        Source::Simulate => load::load_scenario(&args.scenario).map_err(|e| e.to_string()),
        Source::Merged { text, .. } => {
            whoruns::scenario::parse(text, "scenario.toml").map_err(|e| e.to_string())
        }
    };
    let mut base = match loaded {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let shown = args.scenario.display().to_string();
    let scale = if args.log { Scale::Log } else { args.scale };
    let axes = match sweep::axes(&base, &args.param, args.steps, scale, args.label.as_deref()) {
        Ok(a) => a,
        Err(e @ SweepError::NothingToSweep) => return refuse(format!("{shown}: {e}")),
        Err(e) => return refuse(e),
    };
    if let Some(n) = args.replications
        && let Err(e) = base.set_replications(n)
    {
        return refuse(e);
    }
    let precision = match common::precision_share(args.precision) {
        Ok(p) => p.map(|share| Precision {
            share,
            max_replications: args.max_replications,
        }),
        Err(e) => return refuse(e),
    };
    if let Some(s) = args.seed
        && let Err(e) = base.set_seed(s)
    {
        return refuse(e);
    }
    if let Err(e) = common::threads(args.threads) {
        return refuse(e);
    }
    let (out, force) = match &source {
        Source::Merged { out, force, .. } => (out.clone(), *force),
        Source::Simulate => (
            args.out
                .clone()
                .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sweep", base.name))),
            args.force,
        ),
    };
    if let Err(e) = files::check_writable(&out, force) {
        return refuse(format!("{e:#}"));
    }
    let shard = match common::shard(args.shard.as_deref()) {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    if shard.is_some() && precision.is_some() {
        return refuse(
            "--precision and --shard cannot be combined: the number of replications must be known before the work is divided",
        );
    }
    let text = match &source {
        Source::Merged { text, .. } => text.clone(),
        Source::Simulate => std::fs::read_to_string(&args.scenario)?,
    };
    let mut plan = match sweep::plan(&text, &base, axes) {
        Ok(p) => p,
        Err(e) => return invalid(format!("{shown}: {e}")),
    };
    // The guardrails hold for the whole sweep: events add up over the values.
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    let limits = Limits {
        max_events: args.max_events,
        max_memory_bytes: args.max_memory,
    };
    let most = precision.map(|p| p.max_replications);
    if let Err(e) = plan.check_size(threads, &limits, most) {
        return invalid(format!("{shown}: {e}"));
    }

    let interrupt = Interrupt::install();
    let mut notes = Vec::new();
    let (cells, replications) = match source {
        Source::Merged { cells, .. } => match plan.merge_cells(cells) {
            Ok(c) => (c, base.replications),
            Err(e) => return refuse(e),
        },
        Source::Simulate => {
            // A shard simulates a contiguous block of the values (in plan order).
            let n = plan.points.len();
            let todo = shard.map_or(0..n, |sh| {
                let r = shards::range(n as u32, sh);
                r.start as usize..r.end as usize
            });
            let bar =
                common::progress(args.quiet, u64::from(base.replications) * todo.len() as u64);
            let simulated = sweep::simulate(
                &mut plan,
                todo.clone(),
                args.threads,
                precision,
                &|| bar.inc(1),
                &|| interrupt.raised(),
            );
            bar.finish_and_clear();
            let simulated = match common::ran(simulated, &shown)? {
                Ok(s) => s,
                Err(status) => return Ok(status),
            };
            let Some(simulated) = simulated else {
                return Ok(common::stopped(interrupt, None));
            };
            if let Some(sh) = shard {
                let dest = common::Dest {
                    out: &out,
                    force,
                    interrupt,
                };
                return publish_part(&args, &plan, sh, todo, simulated.cells, &dest);
            }
            notes = simulated.notes;
            (simulated.cells, simulated.replications)
        }
    };
    let values = plan.points.len();
    let result = sweep::finish(plan, cells, replications)?;
    let Some(out_files) = whoruns::report::files::sweep(&result, &|| interrupt.raised())? else {
        return Ok(common::stopped(interrupt, None));
    };
    if let Some(status) = common::publish(&out, &out_files, force, interrupt, None)? {
        return Ok(status);
    }
    if args.json {
        let mut doc = export::sweep_json(&result);
        doc["out"] = out.display().to_string().into();
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else if !args.quiet {
        summarise(&result, values, precision, &notes, &out);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a shard's part: its values' cells, the scenario and a manifest recording the
/// sweep.
fn publish_part(
    args: &SweepArgs,
    plan: &sweep::Plan,
    sh: shards::Shard,
    todo: std::ops::Range<usize>,
    cells: Vec<Vec<sweep::Cell>>,
    dest: &common::Dest<'_>,
) -> anyhow::Result<ExitCode> {
    let base = &plan.base;
    let numbered: Vec<(usize, Vec<sweep::Cell>)> = todo.clone().zip(cells).collect();
    let mut frame = export::cells_frame(&numbered)?;
    let mut manifest = shards::manifest_for("sweep", &plan.text, base.seed, base.replications, sh);
    for a in canonical(args, base.replications, base.seed) {
        manifest.push_str(&format!("arg {a}\n"));
    }
    let out_files: files::Files = vec![
        (CELLS.into(), export::to_parquet(&mut frame)?),
        ("scenario.toml".into(), plan.text.clone().into_bytes()),
        (shards::MANIFEST.into(), manifest.into_bytes()),
    ];
    if let Some(status) = dest.publish(&out_files, None)? {
        return Ok(status);
    }
    if !args.quiet {
        println!(
            "shard {}/{}: values {}..{} of {}; part in {} (merge with `whoruns merge`)",
            sh.0,
            sh.1,
            todo.start,
            todo.end,
            plan.points.len(),
            dest.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What the sweep found, on the terminal.
fn summarise(
    result: &sweep::Sweep,
    values: usize,
    precision: Option<Precision>,
    notes: &[whoruns::precision::Note],
    out: &std::path::Path,
) {
    let replications = result.scenario.replications;
    if let Some(p) = precision {
        println!(
            "precision {:.1}%: every value run with {replications} replications, the most any value needed (Hoad, Robinson & Davies 2010)",
            100.0 * p.share
        );
        for note in notes.iter().filter(|n| !n.reached()) {
            println!("  {note}");
        }
    }
    let (counts, paths): (Vec<String>, Vec<&str>) = (result.axes.iter())
        .map(|a| (a.values.len().to_string(), a.path.as_str()))
        .unzip();
    let of = match counts.len() {
        1 => whoruns::format::count(values, "value", "values"),
        _ => format!("{values} values ({})", counts.join(" × ")),
    };
    let count = whoruns::format::count;
    println!(
        "{of} of {} × {} × {}; results in {}",
        paths.join(" × "),
        count(result.scenario.models.len(), "model", "models"),
        count(replications as usize, "replication", "replications"),
        out.display()
    );
    let changes: Vec<&sweep::Crossover> = result
        .crossovers
        .iter()
        .filter(|c| c.leader_change && c.significant)
        .collect();
    if result.axes.len() > 1 {
        println!("map of winners: winners.csv and charts/map_<metric>.png");
    } else if changes.is_empty() {
        println!("no model overtakes the best on any headline metric (by the paired 95% rule)");
    }
    for c in changes {
        println!("leader changes  {c}");
    }
}
