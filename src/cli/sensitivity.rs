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

/// Runs `whoruns sensitivity`.
pub fn run(args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    let mut base = match files::load_scenario(&args.scenario) {
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
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sensitivity", base.name)));
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let text = std::fs::read_to_string(&args.scenario)?;
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
    let Some(base_outcomes) = simulate(&base)? else {
        return Ok(stopped(interrupt));
    };
    let outs = outputs(a, b);
    let mut effects: Vec<Vec<Effect>> = vec![Vec::new(); outs.len()];
    for (p, lo, hi) in &points {
        let (Some(l), Some(h)) = (simulate(lo)?, simulate(hi)?) else {
            return Ok(stopped(interrupt));
        };
        let stated_range = base
            .sensitivity
            .ranges
            .iter()
            .find(|(q, _, _)| q == p)
            .map(|(_, lo, hi)| (*lo, *hi));
        for (k, o) in outs.iter().enumerate() {
            let mut e = Effect::of(p, &o.name(), &o.values(&l), &o.values(&h));
            e.stated = stated_range;
            effects[k].push(e);
        }
    }
    bar.finish_and_clear();
    for e in &mut effects {
        e.sort_by(|x, y| y.effect.mean.abs().total_cmp(&x.effect.mean.abs()));
    }
    let baselines: Vec<f64> = outs
        .iter()
        .map(|o| whoruns::stats::Estimate::of(o.values(&base_outcomes)).mean)
        .collect();
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
    if let Err(e) = files::publish(&out, &out_files, args.force, &|| interrupt.check()) {
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
