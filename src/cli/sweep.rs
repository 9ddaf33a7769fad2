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

/// Runs `whoruns sweep`.
pub fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let mut base = match files::load_scenario(&args.scenario) {
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
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sweep", base.name)));
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let text = std::fs::read_to_string(&args.scenario)?;
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
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(base.replications) * points.len() as u64)
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
    let mut points = points;
    let mut notes = Vec::new();
    for (_, _, p) in points.iter_mut() {
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
    let most = points
        .iter()
        .map(|(_, _, p)| p.replications)
        .max()
        .unwrap_or(0);
    for ((_, _, p), outcomes) in points.iter_mut().zip(runs.iter_mut()) {
        if p.replications < most {
            let more = runner::run_range(p, p.replications..most, args.threads, &|| {}, &|| {
                interrupt.raised()
            })?;
            let Some(more) = more else {
                return Ok(stopped(interrupt));
            };
            outcomes.extend(more);
            p.replications = most;
        }
    }
    base.replications = most;
    let mut cells = Vec::with_capacity(points.len());
    for ((value, value_2, p), outcomes) in points.iter().zip(&runs) {
        let mut c = sweep::cells(p, *value, outcomes);
        for cell in &mut c {
            cell.value_2 = *value_2;
        }
        cells.push(c);
    }
    bar.finish_and_clear();
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
    if let Err(e) = files::publish(&out, &out_files, args.force, &|| interrupt.check()) {
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
