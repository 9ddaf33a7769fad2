//! `whoruns sensitivity`: which assumption decides the answer. Every stated numeric
//! parameter (or `--params`) moved low and high one at a time, its effect on the paired
//! difference between two models, sorted; `sensitivity.csv` and a tornado chart.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use whoruns::guard::{self, Limits};
use whoruns::report::charts::Tornado;
use whoruns::sensitivity::{self, Effect, Output};
use whoruns::{ModelKind, export, runner};

use super::EXIT_INVALID;
use super::files;
use super::interrupt::{Interrupt, Interrupted};
use super::shards;

/// Arguments of `whoruns sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Only these parameters (dotted paths, comma-separated). Default: every numeric value
    /// the scenario states.
    #[arg(long, value_delimiter = ',', value_name = "PATH,...")]
    params: Vec<String>,
    /// Move each parameter without a stated range (`[sensitivity.ranges]`) to its value
    /// × (1 − R) and × (1 + R) (default: the scenario's `sensitivity.range`, else 0.2).
    #[arg(long, value_name = "R")]
    range: Option<f64>,
    /// The two models whose paired difference is the output (default: the reference and
    /// the next model).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    models: Vec<String>,
    /// Replications at each point (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u32>,
    /// Base seed (overrides the scenario's `seed`). Every point uses the same seeds.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    threads: Option<usize>,
    /// Output folder (default: output/<scenario name>-sensitivity/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Run only shard K of N of the parameters (K from 1), or `auto` from the batch
    /// engine's environment; writes the part for `whoruns merge`.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Refuse analyses estimated to simulate more events than this, over all points.
    #[arg(long, default_value_t = Limits::default().max_events)]
    max_events: u64,
}

fn refuse(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(EXIT_INVALID))
}

/// The outputs: the paired difference a − b in operating cost, and in availability.
fn outputs(a: ModelKind, b: ModelKind) -> [Output; 2] {
    [
        Output {
            metric: "cost_operating",
            a,
            b,
        },
        Output {
            metric: "availability",
            a,
            b,
        },
    ]
}

/// Parses recorded sensitivity arguments (from a shard's manifest) for `whoruns merge`.
#[derive(Debug, clap::Parser)]
struct Recorded {
    #[command(flatten)]
    args: SensitivityArgs,
}

/// The arguments that define the analysis, canonical: what every shard shares and what
/// `whoruns merge` needs to rebuild its plan.
fn canonical(
    args: &SensitivityArgs,
    range: f64,
    a: ModelKind,
    b: ModelKind,
    base: &whoruns::Scenario,
) -> Vec<String> {
    let mut out = Vec::new();
    if !args.params.is_empty() {
        out.extend(["--params".to_string(), args.params.join(",")]);
    }
    out.extend([
        "--range".to_string(),
        format!("{range:?}"),
        "--models".to_string(),
        format!("{},{}", a.key(), b.key()),
        "--replications".to_string(),
        base.replications.to_string(),
        "--seed".to_string(),
        base.seed.to_string(),
    ]);
    out
}

/// The outputs' per-replication values at one point: (point, output, side) → values.
type Sides = Vec<(u32, String, String, Vec<f64>)>;

/// Where the analysis's values come from.
enum Source {
    /// Simulate (every parameter, or one shard's).
    Simulate,
    /// Merge: the scenario as the shards ran it, and their values.
    Merged {
        text: String,
        sides: Sides,
        out: PathBuf,
        force: bool,
    },
}

/// A sensitivity shard's table of per-replication output values.
const VALUES: &str = "values.parquet";
/// The point index of the base (stated values), in [`VALUES`].
const BASE: u32 = u32::MAX;

fn sides_frame(sides: &Sides) -> anyhow::Result<polars::prelude::DataFrame> {
    use polars::prelude::{Column, DataFrame};
    let (mut point, mut output, mut side, mut rep, mut v) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (p, o, sd, xs) in sides {
        for (r, x) in xs.iter().enumerate() {
            point.push(*p);
            output.push(o.as_str());
            side.push(sd.as_str());
            rep.push(r as u32);
            v.push(*x);
        }
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("point".into(), point),
        Column::new("output".into(), output),
        Column::new("side".into(), side),
        Column::new("replication".into(), rep),
        Column::new("value".into(), v),
    ])?)
}

fn sides_from(df: &polars::prelude::DataFrame) -> anyhow::Result<Sides> {
    let col = |n: &str| df.column(n).map_err(|e| anyhow::anyhow!("values: {e}"));
    let point = col("point")?.u32()?.clone();
    let output = col("output")?.str()?.clone();
    let side = col("side")?.str()?.clone();
    let value = col("value")?.f64()?.clone();
    let mut out: Sides = Vec::new();
    for i in 0..df.height() {
        let (Some(p), Some(o), Some(sd), Some(x)) =
            (point.get(i), output.get(i), side.get(i), value.get(i))
        else {
            anyhow::bail!("values: an empty entry in row {i}");
        };
        match out.last_mut() {
            Some((q, oo, ss, xs)) if *q == p && oo == o && ss == sd => xs.push(x),
            _ => out.push((p, o.to_string(), sd.to_string(), vec![x])),
        }
    }
    Ok(out)
}

/// Runs `whoruns sensitivity`.
pub fn run(args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    run_with(args, Source::Simulate)
}

/// Merges sensitivity shards: `parts` in shard order, with the recorded arguments.
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
    let parsed = match shards::recorded_args::<Recorded>("sensitivity", &recorded, quiet) {
        Ok(r) => r.args,
        Err(e) => return refuse(e),
    };
    let mut sides = Vec::new();
    for df in shards::part_tables(&parts, VALUES)? {
        sides.extend(sides_from(&df)?);
    }
    run_with(
        parsed,
        Source::Merged {
            text,
            sides,
            out,
            force,
        },
    )
}

fn run_with(args: SensitivityArgs, source: Source) -> anyhow::Result<ExitCode> {
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
    let range = args.range.or(base.sensitivity.range).unwrap_or(0.2);
    if !(range > 0.0 && range < 1.0) {
        return refuse(format!(
            "--range {range} must be between 0 and 1, e.g. 0.2 for ±20%"
        ));
    }
    if let Some(n) = args.replications {
        if n < 2 {
            return refuse("--replications must be at least 2 to give confidence intervals");
        }
        base.replications = n;
    }
    if let Some(s) = args.seed {
        base.seed = s;
    }
    let (a, b) = match args.models.as_slice() {
        [] => {
            let other = base.models.iter().copied().find(|m| *m != base.reference);
            match other {
                Some(o) => (base.reference, o),
                None => return refuse("the scenario compares one model; name two with --models"),
            }
        }
        [x, y] => match (x.trim().parse::<ModelKind>(), y.trim().parse::<ModelKind>()) {
            (Ok(x), Ok(y)) if x != y => (x, y),
            (Ok(_), Ok(_)) => return refuse("--models needs two different models"),
            (Err(e), _) | (_, Err(e)) => return refuse(format!("--models: {e}")),
        },
        _ => return refuse("--models takes exactly two models, e.g. you-run,ops-run"),
    };
    // Only the two compared models are simulated.
    base.models = vec![a, b];
    base.reference = a;
    let (out, force) = match &source {
        Source::Merged { out, force, .. } => (out.clone(), *force),
        Source::Simulate => (
            args.out.clone().unwrap_or_else(|| {
                PathBuf::from("output").join(format!("{}-sensitivity", base.name))
            }),
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
    let text = match &source {
        Source::Merged { text, .. } => text.clone(),
        Source::Simulate => std::fs::read_to_string(&args.scenario)?,
    };
    let params = if args.params.is_empty() {
        match sensitivity::parameters(&text) {
            Ok(p) => p,
            Err(e) => return refuse(e),
        }
    } else {
        args.params.iter().map(|p| p.trim().to_string()).collect()
    };
    let mut params = params;
    if args.params.is_empty() {
        for (p, _, _) in &base.sensitivity.ranges {
            if !params.contains(p) {
                params.push(p.clone());
            }
        }
    }
    // Each parameter's low and high scenario, validated; a move validation refuses (a
    // probability pushed past 1, say) is reported and the parameter left out.
    let mut points = Vec::new();
    let mut skipped = Vec::new();
    let mut complement: Vec<String> = Vec::new();
    let mut stated: Vec<String> = Vec::new();
    for p in &params {
        let make_with = |factor: f64, complement: bool| -> Result<whoruns::Scenario, String> {
            let edited = if complement {
                sensitivity::scale_complement(&text, p, factor)
            } else {
                sensitivity::scale(&text, p, factor)
            }
            .map_err(|e| e.to_string())?;
            let mut s = whoruns::scenario::parse(&edited, "sensitivity point").map_err(|e| {
                e.problems
                    .iter()
                    .map(|q| q.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
            s.models.clone_from(&base.models);
            s.reference = base.reference;
            s.replications = base.replications;
            s.seed = base.seed;
            Ok(s)
        };
        // A share that cannot pass 1 (a probability, a target) is moved in its distance
        // from 1 instead: low is further from 1, high closer (for a target: stricter).
        // A stated range sets the low and high values themselves.
        if let Some((_, lo, hi)) = base.sensitivity.ranges.iter().find(|(q, _, _)| q == p) {
            let absolute = |v: f64| -> Result<whoruns::Scenario, String> {
                let try_set = |integer: bool| {
                    whoruns::sweep::set(&text, p, v, integer)
                        .map_err(|e| e.to_string())
                        .and_then(|t| {
                            whoruns::scenario::parse(&t, "sensitivity point").map_err(|e| {
                                e.problems
                                    .iter()
                                    .map(|q| q.message.clone())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            })
                        })
                };
                let mut s = match try_set(false) {
                    Err(m) if m.contains("should be a whole number") => try_set(true)?,
                    other => other?,
                };
                s.models.clone_from(&base.models);
                s.reference = base.reference;
                s.replications = base.replications;
                s.seed = base.seed;
                Ok(s)
            };
            match (absolute(*lo), absolute(*hi)) {
                (Ok(l), Ok(h)) => {
                    stated.push(p.clone());
                    points.push((p.clone(), l, h));
                }
                (Err(e), _) | (_, Err(e)) => {
                    return refuse(format!("sensitivity.ranges.\"{p}\": {e}"));
                }
            }
            continue;
        }
        let plain = (make_with(1.0 - range, false), make_with(1.0 + range, false));
        let moved = match plain {
            (Ok(lo), Ok(hi)) => (Ok(lo), Ok(hi)),
            _ => match (make_with(1.0 + range, true), make_with(1.0 - range, true)) {
                (Ok(lo), Ok(hi)) => {
                    complement.push(p.clone());
                    (Ok(lo), Ok(hi))
                }
                _ => plain,
            },
        };
        match moved {
            (Ok(lo), Ok(hi)) => points.push((p.clone(), lo, hi)),
            (Err(e), _) | (_, Err(e)) => {
                if !args.params.is_empty() {
                    return refuse(format!("{p}: {e}"));
                }
                skipped.push((p.clone(), e));
            }
        }
    }
    if points.is_empty() {
        return refuse("no parameter could be moved; see --params");
    }
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    let per_point = guard::estimate(&base, threads).events;
    let events = per_point * (2 * points.len() + 1) as f64;
    if events > args.max_events as f64 {
        return refuse(format!(
            "this analysis would simulate about {events:.2e} events ({} parameters × 2 points), over the limit of {}; use fewer --params or replications, or raise --max-events",
            points.len(),
            args.max_events
        ));
    }

    let interrupt = Interrupt::install();
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(base.replications) * (2 * points.len() as u64 + 1))
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos}/{len} replications [{elapsed_precise}] {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let simulate = |s: &whoruns::Scenario| {
        runner::run_until(s, args.threads, &|| bar.inc(1), &|| interrupt.raised())
    };
    let outs = outputs(a, b);
    // Each point's outputs at low and high, and the base's: simulated (all points, or a
    // shard's block, the base with shard 1) or read from the parts.
    let sides: Sides = match &source {
        Source::Merged { sides, .. } => sides.clone(),
        Source::Simulate => {
            let todo = shard.map_or(0..points.len() as u32, |sh| {
                shards::range(points.len() as u32, sh)
            });
            let mut sides: Sides = Vec::new();
            if shard.is_none_or(|sh| sh.0 == 1) {
                let Some(o) = simulate(&base)? else {
                    return Ok(stopped(interrupt));
                };
                for out in &outs {
                    sides.push((BASE, out.name(), "base".into(), out.values(&o)));
                }
            }
            for i in todo {
                let (_, lo, hi) = &points[i as usize];
                let (Some(l), Some(h)) = (simulate(lo)?, simulate(hi)?) else {
                    return Ok(stopped(interrupt));
                };
                for out in &outs {
                    sides.push((i, out.name(), "low".into(), out.values(&l)));
                    sides.push((i, out.name(), "high".into(), out.values(&h)));
                }
            }
            sides
        }
    };
    if let Some(sh) = shard {
        bar.finish_and_clear();
        let mut frame = sides_frame(&sides)?;
        let mut manifest =
            shards::manifest_for("sensitivity", &text, base.seed, base.replications, sh);
        for arg in canonical(&args, range, a, b, &base) {
            manifest.push_str(&format!("arg {arg}\n"));
        }
        let out_files: files::Files = vec![
            (VALUES.into(), export::to_parquet(&mut frame)?),
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
            let r = shards::range(points.len() as u32, sh);
            println!(
                "shard {}/{}: parameters {}..{} of {}; part in {} (merge with `whoruns merge`)",
                sh.0,
                sh.1,
                r.start,
                r.end,
                points.len(),
                out.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let side = |point: u32, output: &str, which: &str| -> Option<&Vec<f64>> {
        sides
            .iter()
            .find(|(p, o, s, _)| *p == point && o == output && s == which)
            .map(|(_, _, _, v)| v)
    };
    let mut effects: Vec<Vec<Effect>> = vec![Vec::new(); outs.len()];
    for (i, (p, _, _)) in points.iter().enumerate() {
        let stated_range = base
            .sensitivity
            .ranges
            .iter()
            .find(|(q, _, _)| q == p)
            .map(|(_, lo, hi)| (*lo, *hi));
        for (k, o) in outs.iter().enumerate() {
            let (Some(l), Some(h)) = (
                side(i as u32, &o.name(), "low"),
                side(i as u32, &o.name(), "high"),
            ) else {
                return refuse(format!("the parts lack the values of parameter {p}"));
            };
            let mut e = Effect::of(p, &o.name(), l, h);
            e.stated = stated_range;
            effects[k].push(e);
        }
    }
    bar.finish_and_clear();
    for e in &mut effects {
        e.sort_by(|x, y| y.effect.mean.abs().total_cmp(&x.effect.mean.abs()));
    }
    let mut baselines = Vec::with_capacity(outs.len());
    for o in &outs {
        let Some(v) = side(BASE, &o.name(), "base") else {
            return refuse("the parts lack the values at the stated parameters (shard 1's)");
        };
        baselines.push(whoruns::stats::Estimate::of(v.iter().copied()).mean);
    }
    let all: Vec<Effect> = effects.iter().flatten().cloned().collect();
    let mut frame = export::sensitivity_frame(&all, range)?;
    let mut out_files: files::Files = vec![
        ("sensitivity.csv".into(), export::to_csv(&mut frame)?),
        (
            "sensitivity.parquet".into(),
            export::to_parquet(&mut frame)?,
        ),
        ("scenario.toml".into(), text.into_bytes()),
    ];
    if !stated.is_empty() {
        out_files.push(("stated_ranges.csv".into(), {
            let mut t = String::from("parameter,low,high\n");
            for (p, lo, hi) in &base.sensitivity.ranges {
                t.push_str(&format!("\"{p}\",{lo},{hi}\n"));
            }
            t.into_bytes()
        }));
    }
    if !complement.is_empty() {
        out_files.push((
            "moved_as_shares.csv".into(),
            format!("parameter\n{}\n", complement.join("\n")).into_bytes(),
        ));
    }
    if !skipped.is_empty() {
        let mut s = String::from("parameter,reason\n");
        for (p, why) in &skipped {
            s.push_str(&format!("{p},\"{}\"\n", why.replace('"', "'")));
        }
        out_files.push(("skipped.csv".into(), s.into_bytes()));
    }
    for (k, o) in outs.iter().enumerate() {
        let chart = Tornado {
            output: o,
            effects: &effects[k],
            baseline: baselines[k],
            range,
            scenario: &base,
        };
        let stem = if k == 0 {
            "tornado".to_string()
        } else {
            format!("tornado_{}", o.metric)
        };
        out_files.push((format!("charts/{stem}.png"), chart.png()?));
        out_files.push((format!("charts/{stem}.svg"), chart.svg()?.into_bytes()));
    }
    if let Err(e) = files::publish(&out, &out_files, force, &|| interrupt.check()) {
        return match e.downcast_ref::<Interrupted>() {
            Some(_) => Ok(stopped(interrupt)),
            None => Err(e),
        };
    }
    if !args.quiet {
        println!(
            "{} parameters moved ±{:.0}% one at a time ({} left out, see skipped.csv); {} − {}; results in {}",
            points.len(),
            100.0 * range,
            skipped.len(),
            a.key(),
            b.key(),
            out.display()
        );
        for e in effects[0].iter().take(10) {
            println!(
                "  {:<48} effect on {} {:>+14.0} (95% CI {:+.0} to {:+.0}){}",
                e.parameter,
                e.output,
                e.effect.mean,
                e.effect.low,
                e.effect.high,
                if e.flips { "  FLIPS the sign" } else { "" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn stopped(interrupt: &Interrupt) -> ExitCode {
    eprintln!("interrupted: nothing was written");
    ExitCode::from(interrupt.check().err().map_or(130, |i| i.0))
}
