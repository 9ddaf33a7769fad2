//! `whoruns sweep`: every model at every value of one parameter; `sweep.parquet`/`.csv`,
//! `crossovers.csv` and a chart per headline metric.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use whoruns::guard::{self, Limits};
use whoruns::report::charts::{GridMap, SweepChart};
use whoruns::sweep::{self, Axis, Scale};
use whoruns::{export, runner};

use super::EXIT_INVALID;
use super::files;
use super::interrupt::{Interrupt, Interrupted};
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
    #[arg(long, default_value_t = 2_000)]
    max_replications: u32,
    /// Run only shard K of N of the values (K from 1), or `auto` from the batch engine's
    /// environment; writes the part for `whoruns merge`.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Refuse sweeps estimated to simulate more events than this, over all values.
    #[arg(long, default_value_t = Limits::default().max_events)]
    max_events: u64,
    /// Refuse sweeps estimated to need more memory than this (e.g. "4GiB").
    #[arg(long, default_value = "4GiB", value_parser = guard::parse_bytes)]
    max_memory: u64,
}

fn parse_scale(s: &str) -> Result<Scale, String> {
    Scale::parse(s).ok_or_else(|| format!("\"{s}\" is not a scale (valid: linear, log, nines)"))
}

fn refuse(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(EXIT_INVALID))
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
        cells.extend(cells_from(&df)?);
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

/// One point's cells as rows: (point, model, name, replication, value); `name` is a
/// metric or `tier:<target>`.
fn cells_frame(points: &[(usize, Vec<sweep::Cell>)]) -> anyhow::Result<polars::prelude::DataFrame> {
    use polars::prelude::{Column, DataFrame};
    let (mut point, mut model, mut name, mut rep, mut v) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let names = sweep::metric_names();
    for (i, cells) in points {
        for c in cells {
            let mut push = |n: String, xs: &[f64]| {
                for (r, x) in xs.iter().enumerate() {
                    point.push(*i as u32);
                    model.push(c.model.key());
                    name.push(n.clone());
                    rep.push(r as u32);
                    v.push(*x);
                }
            };
            for (k, xs) in c.values.iter().enumerate() {
                push(names[k].to_string(), xs);
            }
            for (t, xs) in &c.tiers {
                push(format!("tier:{t}"), xs);
            }
        }
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("point".into(), point),
        Column::new("model".into(), model),
        Column::new("name".into(), name),
        Column::new("replication".into(), rep),
        Column::new("value".into(), v),
    ])?)
}

/// Cells back from [`cells_frame`]'s table, point by point (values filled in by the plan).
fn cells_from(df: &polars::prelude::DataFrame) -> anyhow::Result<Vec<Vec<sweep::Cell>>> {
    let col = |n: &str| df.column(n).map_err(|e| anyhow::anyhow!("cells: {e}"));
    let point = col("point")?.u32()?.clone();
    let model = col("model")?.str()?.clone();
    let name = col("name")?.str()?.clone();
    let value = col("value")?.f64()?.clone();
    let names = sweep::metric_names();
    let mut out: Vec<(u32, Vec<sweep::Cell>)> = Vec::new();
    for i in 0..df.height() {
        let (Some(p), Some(m), Some(n), Some(x)) =
            (point.get(i), model.get(i), name.get(i), value.get(i))
        else {
            anyhow::bail!("cells: an empty entry in row {i}");
        };
        let m: whoruns::ModelKind = m.parse().map_err(|e| anyhow::anyhow!("cells: {e}"))?;
        if out.last().is_none_or(|(q, _)| *q != p) {
            out.push((p, Vec::new()));
        }
        let Some((_, cells)) = out.last_mut() else {
            anyhow::bail!("cells: unreadable");
        };
        if cells.last().is_none_or(|c: &sweep::Cell| c.model != m) {
            cells.push(sweep::Cell {
                model: m,
                value: f64::NAN,
                value_2: None,
                values: vec![Vec::new(); names.len()],
                tiers: Vec::new(),
            });
        }
        let Some(cell) = cells.last_mut() else {
            anyhow::bail!("cells: unreadable");
        };
        if let Some(t) = n.strip_prefix("tier:") {
            let t: f64 = t.parse().map_err(|_| anyhow::anyhow!("cells: tier {t}"))?;
            match cell.tiers.last_mut() {
                Some((last, xs)) if *last == t => xs.push(x),
                _ => cell.tiers.push((t, vec![x])),
            }
        } else if let Some(k) = names.iter().position(|q| *q == n) {
            cell.values[k].push(x);
        }
    }
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

fn run_with(args: SweepArgs, source: Source) -> anyhow::Result<ExitCode> {
    let loaded = match &source {
        Source::Simulate => files::load_scenario(&args.scenario).map_err(|e| e.to_string()),
        Source::Merged { text, .. } => {
            whoruns::scenario::parse(text, "scenario.toml").map_err(|e| e.to_string())
        }
    };
    let mut base = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let scale = if args.log { Scale::Log } else { args.scale };
    let axes: Result<Vec<Axis>, _> = match (args.param.as_slice(), &base.sweep) {
        ([], Some(w)) => Axis::new(
            &w.param,
            w.from,
            w.to,
            args.steps.unwrap_or(w.steps),
            w.scale,
        )
        .map(|mut a| {
            if let Some(l) = &w.label {
                a.label.clone_from(l);
            }
            vec![a]
        }),
        ([], None) => {
            return refuse(format!(
                "{}: nothing to sweep; give --param PATH=START..END or a [sweep] table",
                args.scenario.display()
            ));
        }
        (specs, _) if specs.len() <= 2 => specs
            .iter()
            .map(|spec| Axis::parse(spec, args.steps.unwrap_or(9), scale))
            .collect(),
        _ => return refuse("--param can be given at most twice (a grid of two parameters)"),
    };
    let mut axes = match axes {
        Ok(a) => a,
        Err(e) => return refuse(e),
    };
    if let (Some(l), Some(first)) = (&args.label, axes.first_mut()) {
        first.label.clone_from(l);
    }
    if let Some(n) = args.replications {
        if n < 2 {
            return refuse("--replications must be at least 2 to give confidence intervals");
        }
        base.replications = n;
    }
    if let Some(p) = args.precision
        && !(p > 0.0 && p < 1.0)
    {
        return refuse(format!(
            "--precision {p} must be a share between 0 and 1, e.g. 0.05 for 5%"
        ));
    }
    if let Some(s) = args.seed {
        base.seed = s;
    }
    if args.threads == Some(0) {
        return refuse("--threads must be at least 1");
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
    let shard = match args
        .shard
        .as_deref()
        .map(|s| shards::parse(s, &|v| std::env::var(v).ok()))
    {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return refuse(e),
    };
    if shard.is_some() && args.precision.is_some() {
        return refuse(
            "--precision and --shard cannot be combined: the number of replications must be known before the work is divided",
        );
    }
    let text = match &source {
        Source::Merged { text, .. } => text.clone(),
        Source::Simulate => std::fs::read_to_string(&args.scenario)?,
    };
    // Each point: its value (and second value, in a grid) as applied, and its scenario.
    let made: Result<Vec<(f64, Option<f64>, whoruns::Scenario)>, _> = match axes.as_slice() {
        [one] => sweep::points(&text, one, &base)
            .map(|p| p.into_iter().map(|(v, s)| (v, None, s)).collect()),
        [first, second] => sweep::grid_points(&text, first, second, &base)
            .map(|p| p.into_iter().map(|((a, b), s)| (a, Some(b), s)).collect()),
        _ => return refuse("nothing to sweep"),
    };
    let points = match made {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", args.scenario.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    // The values as applied (a whole-number key is rounded): charts and crossovers use them.
    let mut first_values: Vec<f64> = Vec::new();
    let mut second_values: Vec<f64> = Vec::new();
    for (a, b, _) in &points {
        if !first_values.contains(a) {
            first_values.push(*a);
        }
        if let Some(b) = b
            && !second_values.contains(b)
        {
            second_values.push(*b);
        }
    }
    axes[0].values = first_values;
    if let Some(second) = axes.get_mut(1) {
        second.values = second_values;
    }
    // The guardrails hold for the whole sweep: events add up over the values.
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    let limits = Limits {
        max_events: args.max_events,
        max_memory_bytes: args.max_memory,
    };
    let mut events = 0.0;
    for (_, _, p) in &points {
        // With --precision a value may grow to --max-replications: judge that.
        let mut p = p.clone();
        if args.precision.is_some() {
            p.replications = args.max_replications.max(p.replications);
        }
        let size = guard::estimate(&p, threads);
        events += size.events;
        if let Err(e) = guard::check(&p, threads, &limits) {
            eprintln!("{}: {e}", args.scenario.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    }
    if events > args.max_events as f64 {
        eprintln!(
            "{}: this sweep would simulate about {events:.2e} events over its {} values, over the limit of {}; use fewer steps or replications, or raise --max-events",
            args.scenario.display(),
            points.len(),
            args.max_events
        );
        return Ok(ExitCode::from(EXIT_INVALID));
    }

    let interrupt = Interrupt::install();
    let mut points = points;
    let mut notes = Vec::new();
    let mut most = base.replications;
    let cells: Vec<Vec<sweep::Cell>> = if let Source::Merged { cells: merged, .. } = &source {
        // The shards' cells, with each point's values from the plan.
        if merged.len() != points.len() {
            return refuse(format!(
                "the parts hold {} values; the sweep they record has {}",
                merged.len(),
                points.len()
            ));
        }
        merged
            .iter()
            .zip(&points)
            .map(|(c, (value, value_2, _))| {
                c.iter()
                    .cloned()
                    .map(|mut cell| {
                        cell.value = *value;
                        cell.value_2 = *value_2;
                        cell
                    })
                    .collect()
            })
            .collect()
    } else {
        // A shard simulates a contiguous block of the values (in plan order).
        let todo = shard.map_or(0..points.len(), |sh| {
            let r = shards::range(points.len() as u32, sh);
            r.start as usize..r.end as usize
        });
        let bar = if args.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(u64::from(base.replications) * todo.len() as u64)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {pos}/{len} replications [{elapsed_precise}] {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        // With --precision each value finds its own number; then every value is extended to
        // the largest, so that the values stay paired replication by replication.
        let mut runs: Vec<Vec<whoruns::Outcome>> = Vec::with_capacity(points.len());
        for (_, _, p) in points[todo.clone()].iter_mut() {
            let outcomes = match args.precision {
                None => runner::run_until(p, args.threads, &|| bar.inc(1), &|| interrupt.raised())?,
                Some(share) => whoruns::precision::run_until_precise(
                    p,
                    args.threads,
                    share,
                    args.max_replications,
                    &|| bar.inc(1),
                    &|_| {},
                    &|| interrupt.raised(),
                )?
                .map(|(o, note)| {
                    notes.push(note);
                    o
                }),
            };
            let Some(outcomes) = outcomes else {
                bar.finish_and_clear();
                return Ok(stopped(interrupt));
            };
            runs.push(outcomes);
        }
        most = points[todo.clone()]
            .iter()
            .map(|(_, _, p)| p.replications)
            .max()
            .unwrap_or(0);
        for ((_, _, p), outcomes) in points[todo.clone()].iter_mut().zip(runs.iter_mut()) {
            if p.replications < most {
                let more =
                    runner::run_range(p, p.replications..most, args.threads, &|| {}, &|| {
                        interrupt.raised()
                    })?;
                let Some(more) = more else {
                    return Ok(stopped(interrupt));
                };
                outcomes.extend(more);
                p.replications = most;
            }
        }
        let mut cells = Vec::with_capacity(points.len());
        for ((value, value_2, p), outcomes) in points[todo.clone()].iter().zip(&runs) {
            let mut c = sweep::cells(p, *value, outcomes);
            for cell in &mut c {
                cell.value_2 = *value_2;
            }
            cells.push(c);
        }
        bar.finish_and_clear();
        if let Some(sh) = shard {
            // The part: its values' cells, the scenario and a manifest recording the sweep.
            let numbered: Vec<(usize, Vec<sweep::Cell>)> = todo.clone().zip(cells).collect();
            let mut frame = cells_frame(&numbered)?;
            let mut manifest =
                shards::manifest_for("sweep", &text, base.seed, base.replications, sh);
            for a in canonical(&args, base.replications, base.seed) {
                manifest.push_str(&format!("arg {a}\n"));
            }
            let out_files: files::Files = vec![
                (CELLS.into(), export::to_parquet(&mut frame)?),
                ("scenario.toml".into(), text.clone().into_bytes()),
                (shards::MANIFEST.into(), manifest.into_bytes()),
            ];
            if let Err(e) = files::publish(&out, &out_files, force, &|| interrupt.check()) {
                return match e.downcast_ref::<Interrupted>() {
                    Some(_) => Ok(stopped(interrupt)),
                    None => Err(e),
                };
            }
            if !args.quiet {
                println!(
                    "shard {}/{}: values {}..{} of {}; part in {} (merge with `whoruns merge`)",
                    sh.0,
                    sh.1,
                    todo.start,
                    todo.end,
                    points.len(),
                    out.display()
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        cells
    };
    base.replications = most;
    let axis = &axes[0];
    let second = axes.get(1);
    // Crossovers are along one parameter; a grid's answer is its map of winners.
    let crossovers = if second.is_none() {
        sweep::crossovers(axis, &cells)
    } else {
        Vec::new()
    };
    let mut frame = export::sweep_frame(&axis.path, second.map(|a| a.path.as_str()), &cells)?;
    let mut out_files: files::Files = vec![
        ("sweep.parquet".into(), export::to_parquet(&mut frame)?),
        ("sweep.csv".into(), export::to_csv(&mut frame)?),
        ("scenario.toml".into(), text.into_bytes()),
    ];
    if let Some(second) = second {
        let mut winners = export::winners_frame(&axis.path, &second.path, &cells)?;
        out_files.push(("winners.csv".into(), export::to_csv(&mut winners)?));
    } else {
        let mut cross = export::crossovers_frame(&axis.path, &crossovers)?;
        out_files.push(("crossovers.csv".into(), export::to_csv(&mut cross)?));
    }
    for metric in sweep::metric_names() {
        if interrupt.raised() {
            return Ok(stopped(interrupt));
        }
        let (stem, png, svg) = match second {
            None => {
                let chart = SweepChart {
                    metric,
                    axis,
                    cells: &cells,
                    crossovers: &crossovers,
                    scenario: &base,
                };
                (format!("sweep_{metric}"), chart.png()?, chart.svg()?)
            }
            Some(second) => {
                let chart = GridMap {
                    metric,
                    first: axis,
                    second,
                    cells: &cells,
                    scenario: &base,
                };
                (format!("map_{metric}"), chart.png()?, chart.svg()?)
            }
        };
        out_files.push((format!("charts/{stem}.png"), png));
        out_files.push((format!("charts/{stem}.svg"), svg.into_bytes()));
    }
    if let Err(e) = files::publish(&out, &out_files, force, &|| interrupt.check()) {
        return match e.downcast_ref::<Interrupted>() {
            Some(_) => Ok(stopped(interrupt)),
            None => Err(e),
        };
    }
    if !args.quiet {
        if let Some(share) = args.precision {
            println!(
                "precision {:.1}%: every value run with {most} replications, the most any value needed (Hoad, Robinson & Davies 2010)",
                100.0 * share
            );
            for note in notes.iter().filter(|n| n.contains("not reached")) {
                println!("  {note}");
            }
        }
        println!(
            "{} values of {} × {} models × {} replications; results in {}",
            points.len(),
            axes.iter()
                .map(|a| a.path.as_str())
                .collect::<Vec<_>>()
                .join(" × "),
            base.models.len(),
            base.replications,
            out.display()
        );
        if second.is_some() {
            println!("map of winners: winners.csv and charts/map_<metric>.png");
        } else if !crossovers.iter().any(|c| c.leader_change && c.significant) {
            println!("no model overtakes the best on any headline metric (by the paired 95% rule)");
        }
        for c in crossovers
            .iter()
            .filter(|c| c.leader_change && c.significant)
        {
            println!("leader changes  {c}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn stopped(interrupt: &Interrupt) -> ExitCode {
    eprintln!("interrupted: nothing was written");
    ExitCode::from(interrupt.check().err().map_or(130, |i| i.0))
}
