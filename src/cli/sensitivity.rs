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
    let first = format!(
        "{} moved ±{:.0}% one at a time ({} left out, see skipped.csv); {} − {}; results in {}",
        whoruns::format::count(plan.points.len(), "parameter", "parameters"),
        100.0 * plan.range,
        plan.skipped.len(),
        plan.a.key(),
        plan.b.key(),
        out.display()
    );
    for line in whoruns::format::wrap(&first, width) {
        println!("{line}");
    }
    let effects: Vec<&sensitivity::Effect> = analysis
        .effects
        .first()
        .into_iter()
        .flatten()
        .take(10)
        .collect();
    let Some(e0) = effects.first() else {
        return;
    };
    let what = whoruns::metric::find(&e0.output).map_or(e0.output.clone(), |m| m.label.to_string());
    anstream::println!(
        "{}",
        super::term::paint(
            super::term::HEADING,
            format!(
                "Largest effects on {what}, {} − {} ({} a year, high value − low value):",
                plan.a.key(),
                plan.b.key(),
                plan.base.costs.currency
            )
        )
    );
    for e in effects {
        println!("{}", effect_line(e));
    }
}

/// One effect in at most 100 columns: the parameter (cut to 42 characters), the effect
/// and its 95% interval in money, and whether it flips the sign.
fn effect_line(e: &sensitivity::Effect) -> String {
    const PARAM: usize = 42;
    let n = e.parameter.chars().count();
    let parameter = if n > PARAM {
        let head: String = e.parameter.chars().take(PARAM - 1).collect();
        format!("{head}…")
    } else {
        e.parameter.clone()
    };
    let signed = |x: f64| {
        let m = whoruns::table::money(x);
        if x > 0.0 { format!("+{m}") } else { m }
    };
    format!(
        "  {parameter:<PARAM$} {:>8}  95% CI {:>8} to {:>8}{}",
        signed(e.effect.mean),
        signed(e.effect.low),
        signed(e.effect.high),
        if e.flips { "  flips the sign" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_fits_in_100_columns() {
        let e = sensitivity::Effect::of(
            "groups.ops.estate_services, groups.sre.estate_services, costs.standby_per_hour",
            "cost_operating",
            &[-1_250_000.0, -1_300_000.0, -1_200_000.0],
            &[1_250_000.0, 1_300_000.0, 1_350_000.0],
        );
        let line = effect_line(&e);
        assert!(line.chars().count() <= 100, "{line}");
        assert!(
            line.contains('…') && line.contains("flips the sign"),
            "{line}"
        );
    }
}
