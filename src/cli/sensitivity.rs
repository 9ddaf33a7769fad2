//! `whoruns sensitivity`: which assumption decides the answer. Every stated numeric
//! parameter (or `--params`) moved low and high one at a time, its effect on the paired
//! difference between two models, sorted; `sensitivity.csv` and a tornado chart.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use whoruns::guard::Limits;
use whoruns::sensitivity::{self, SideValues, Spec};
use whoruns::{ModelKind, export};

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::load;
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
    /// × (1 − R) and × (1 + R) (default: the scenario's `sensitivity.range`, else every
    /// assumption across its plausible range, as `whoruns assumptions` lists them).
    #[arg(long, value_name = "R")]
    range: Option<f64>,
    /// The headline metric whose paired difference is measured (cost_operating,
    /// cost_unreliability, cost_total, availability, mttr_hours); availability is measured
    /// too (operating cost when the metric is availability).
    #[arg(long, value_name = "METRIC")]
    metric: Option<String>,
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

/// Parses recorded sensitivity arguments (from a shard's manifest) for `whoruns merge`.
#[derive(Debug, clap::Parser)]
struct Recorded {
    #[command(flatten)]
    args: SensitivityArgs,
}

/// The arguments that define the analysis, canonical: what every shard shares and what
/// `whoruns merge` needs to rebuild its plan.
fn canonical(args: &SensitivityArgs, plan: &sensitivity::Plan) -> Vec<String> {
    let (range, a, b, base) = (plan.range, plan.a, plan.b, &plan.base);
    let mut out = Vec::new();
    if !args.params.is_empty() {
        out.extend(["--params".to_string(), args.params.join(",")]);
    }
    if !plan.plausible {
        out.extend(["--range".to_string(), format!("{range:?}")]);
    }
    out.extend([
        "--metric".to_string(),
        plan.metric.to_string(),
        "--models".to_string(),
        format!("{},{}", a.key(), b.key()),
        "--replications".to_string(),
        base.replications.to_string(),
        "--seed".to_string(),
        base.seed.to_string(),
    ]);
    out
}

/// Where the analysis's values come from.
enum Source {
    /// Simulate (every parameter, or one shard's).
    Simulate,
    /// Merge: the scenario as the shards ran it, and their values.
    Merged {
        text: String,
        sides: Vec<SideValues>,
        out: PathBuf,
        force: bool,
    },
}

/// A sensitivity shard's table of per-replication output values.
const VALUES: &str = "values.parquet";

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
        sides.extend(export::sides_from(&df)?);
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
        Source::Simulate => load::load_scenario(&args.scenario).map_err(|e| e.to_string()),
        Source::Merged { text, .. } => {
            whoruns::scenario::parse(text, "scenario.toml").map_err(|e| e.to_string())
        }
    };
    let mut base = match loaded {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    // Refusals in the order a user meets them: the range, the run settings, the models,
    // the output folder, the shard, then the parameters.
    if let Err(e) = sensitivity::range(&base, args.range) {
        return refuse(e);
    }
    if let Some(n) = args.replications
        && let Err(e) = base.set_replications(n)
    {
        return refuse(e);
    }
    if let Some(s) = args.seed
        && let Err(e) = base.set_seed(s)
    {
        return refuse(e);
    }
    let models = match args.models.as_slice() {
        [] => None,
        [x, y] => match (x.trim().parse::<ModelKind>(), y.trim().parse::<ModelKind>()) {
            (Ok(x), Ok(y)) => Some((x, y)),
            (Err(e), _) | (_, Err(e)) => return refuse(format!("--models: {e}")),
        },
        _ => return refuse("--models takes exactly two models, e.g. you-run,ops-run"),
    };
    if let Err(e) = sensitivity::models(&base, models) {
        return refuse(e);
    }
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
    let shard = match common::shard(args.shard.as_deref()) {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let text = match &source {
        Source::Merged { text, .. } => text.clone(),
        Source::Simulate => std::fs::read_to_string(&args.scenario)?,
    };
    let spec = Spec {
        params: args.params.clone(),
        range: args.range,
        models,
        metric: args.metric.clone(),
    };
    let plan = match sensitivity::plan(&text, &base, &spec) {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    if let Err(e) = plan.check_size(threads, args.max_events) {
        return refuse(e);
    }

    let interrupt = Interrupt::install();
    let dest = common::Dest {
        out: &out,
        force,
        interrupt,
    };
    // Each point's outputs at low and high, and the base's: simulated (all points, or a
    // shard's block, the base with shard 1) or read from the parts.
    let sides = match source {
        Source::Merged { sides, .. } => sides,
        Source::Simulate => {
            let n = plan.points.len() as u32;
            let todo = shard.map_or(0..n, |sh| shards::range(n, sh));
            let bar = common::progress(
                args.quiet,
                u64::from(plan.base.replications) * (2 * u64::from(n) + 1),
            );
            let with_base = shard.is_none_or(|sh| sh.0 == 1);
            let simulated = sensitivity::simulate(
                &plan,
                todo,
                with_base,
                args.threads,
                &|| bar.inc(1),
                &|| interrupt.raised(),
            );
            bar.finish_and_clear();
            let simulated = match common::ran(simulated, &args.scenario.display().to_string())? {
                Ok(s) => s,
                Err(status) => return Ok(status),
            };
            let Some(sides) = simulated else {
                return Ok(common::stopped(interrupt, None));
            };
            sides
        }
    };
    if let Some(sh) = shard {
        return publish_part(&args, &plan, sh, &sides, &dest);
    }
    let analysis = match sensitivity::analyse(&plan, &sides) {
        Ok(a) => a,
        Err(e) => return refuse(e),
    };
    let out_files = whoruns::report::files::sensitivity(&plan, &analysis)?;
    if let Some(status) = dest.publish(&out_files, None)? {
        return Ok(status);
    }
    if !args.quiet {
        summarise(&plan, &analysis, &out);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a shard's part: its parameters' output values, the scenario and a manifest
/// recording the analysis.
fn publish_part(
    args: &SensitivityArgs,
    plan: &sensitivity::Plan,
    sh: shards::Shard,
    sides: &[SideValues],
    dest: &common::Dest<'_>,
) -> anyhow::Result<ExitCode> {
    let base = &plan.base;
    let mut frame = export::sides_frame(sides)?;
    let mut manifest =
        shards::manifest_for("sensitivity", &plan.text, base.seed, base.replications, sh);
    for arg in canonical(args, plan) {
        manifest.push_str(&format!("arg {arg}\n"));
    }
    let out_files: files::Files = vec![
        (VALUES.into(), export::to_parquet(&mut frame)?),
        ("scenario.toml".into(), plan.text.clone().into_bytes()),
        (shards::MANIFEST.into(), manifest.into_bytes()),
    ];
    if let Some(status) = dest.publish(&out_files, None)? {
        return Ok(status);
    }
    if !args.quiet {
        let r = shards::range(plan.points.len() as u32, sh);
        println!(
            "shard {}/{}: parameters {}..{} of {}; part in {} (merge with `whoruns merge`)",
            sh.0,
            sh.1,
            r.start,
            r.end,
            plan.points.len(),
            dest.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The largest effects, on the terminal: each on one line of at most 100 columns (a long
/// parameter path is cut with "…"; effects.csv has them whole), the first line wrapped
/// to the terminal.
fn summarise(plan: &sensitivity::Plan, analysis: &sensitivity::Analysis, out: &std::path::Path) {
    let width = super::term::width().unwrap_or(100).min(100);
    let how = if plan.plausible {
        "across its plausible range".to_string()
    } else {
        format!("±{:.0}%", 100.0 * plan.range)
    };
    let first = format!(
        "{} each moved {how}, one at a time ({} left out, see skipped.csv); {} against {}; results in {}",
        whoruns::format::count(plan.points.len(), "parameter", "parameters"),
        plan.skipped.len(),
        plan.a.name(),
        plan.b.name(),
        out.display()
    );
    for line in whoruns::format::wrap(&first, width) {
        println!("{line}");
    }
    let Some(o) = plan.outputs().into_iter().next() else {
        return;
    };
    let unit = whoruns::report::headline::difference_unit(&o, &plan.base.costs.currency);
    let what = whoruns::metric::find(o.metric).map_or(o.metric, |m| m.label);
    anstream::println!(
        "{}",
        super::term::paint(
            super::term::HEADING,
            format!(
                "Largest effects on {what}, {} against {}:",
                plan.a.name(),
                plan.b.name()
            )
        )
    );
    for e in analysis.effects.first().into_iter().flatten().take(10) {
        println!(
            "{}",
            effect_line(
                &whoruns::parameter::label(&e.parameter),
                [
                    unit.show(e.effect.mean),
                    unit.show(e.effect.low),
                    unit.show(e.effect.high)
                ],
                e.flips
            )
        );
    }
}

/// One effect in at most 100 columns: the parameter's label (cut to 42 characters), the
/// effect and its 95% interval in the metric's unit, and whether it reverses who is better.
fn effect_line(label: &str, [mean, low, high]: [String; 3], flips: bool) -> String {
    const PARAM: usize = 42;
    let n = label.chars().count();
    let label = if n > PARAM {
        let head: String = label.chars().take(PARAM - 1).collect();
        format!("{head}…")
    } else {
        label.to_string()
    };
    format!(
        "  {label:<PARAM$} {mean:>9}  95% CI {low:>9} to {high:>9}{}",
        if flips { "  reverses it" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_fits_in_100_columns() {
        let line = effect_line(
            "operations estate in services, SRE estate in services, standby pay",
            ["-1.25M".into(), "-1.30M".into(), "-1.20M".into()],
            true,
        );
        assert!(line.chars().count() <= 100, "{line}");
        assert!(line.contains('…') && line.contains("reverses it"), "{line}");
    }
}
