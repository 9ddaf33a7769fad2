//! `whoruns breakeven` and `whoruns assumptions`: what would have to be true for each
//! verdict to flip, and the ledger of assumptions it searches. Glue only: the ledger and the
//! search are `whoruns::ledger` and `whoruns::breakeven`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use whoruns::breakeven::{self, Spec};
use whoruns::outcome::Outcome;

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::load;
use super::shards;

/// Arguments of `whoruns breakeven`.
#[derive(Debug, Args)]
pub struct BreakevenArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Only these parameters of the ledger (keys as `whoruns assumptions` lists them,
    /// comma-separated). Default: every one.
    #[arg(long, value_delimiter = ',', value_name = "KEY,...")]
    params: Vec<String>,
    /// Replications at each point (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u32>,
    /// Replications the ends of each range are screened on.
    #[arg(long, default_value_t = breakeven::SCREEN)]
    screen: u32,
    /// Base seed (overrides the scenario's `seed`). Every point uses the same seeds.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    threads: Option<usize>,
    /// Output folder (default: output/<scenario name>-breakeven/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Search only shard K of N of the ledger's parameters (K from 1), or `auto` from the
    /// batch engine's environment; writes the part for `whoruns merge`. Every shard runs
    /// the base replications itself.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Parses recorded break-even arguments (from a shard's manifest) for `whoruns merge`.
#[derive(Debug, clap::Parser)]
struct Recorded {
    #[command(flatten)]
    args: BreakevenArgs,
}

/// The arguments that define the analysis, canonical: what every shard shares and what
/// `whoruns merge` needs to rebuild its plan.
fn canonical(args: &BreakevenArgs, plan: &breakeven::Plan) -> Vec<String> {
    let mut out = Vec::new();
    if !args.params.is_empty() {
        out.extend(["--params".to_string(), args.params.join(",")]);
    }
    out.extend([
        "--replications".to_string(),
        plan.base.replications.to_string(),
        "--screen".to_string(),
        plan.screen.to_string(),
        "--seed".to_string(),
        plan.base.seed.to_string(),
    ]);
    out
}

/// Arguments of `whoruns assumptions`.
#[derive(Debug, Args)]
pub struct AssumptionsArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Print the ledger as CSV instead of a table.
    #[arg(long)]
    csv: bool,
}

/// Runs `whoruns assumptions`: the ledger, printed.
pub fn assumptions(args: AssumptionsArgs) -> anyhow::Result<ExitCode> {
    let (scenario, text) = match load::load_with_text(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let ledger = match whoruns::ledger::ledger(&text, &scenario) {
        Ok(l) => l,
        Err(e) => return refuse(format!("{}: {e}", args.scenario.display())),
    };
    let currency = &scenario.costs.currency;
    if args.csv {
        print!(
            "{}",
            whoruns::report::files::assumptions_csv(&ledger, currency)
        );
        return Ok(ExitCode::SUCCESS);
    }
    print!(
        "{}",
        whoruns::report::whatif::ledger_table(&ledger, currency)
    );
    Ok(ExitCode::SUCCESS)
}

/// The plan of `args` on `scenario` (read from `text`): the run settings applied, the
/// ledger narrowed; why not, as a refusal's message.
fn planned(
    args: &BreakevenArgs,
    mut scenario: whoruns::Scenario,
    text: &str,
) -> Result<breakeven::Plan, String> {
    if let Some(n) = args.replications {
        scenario.set_replications(n).map_err(|e| e.to_string())?;
    }
    if let Some(s) = args.seed {
        scenario.set_seed(s).map_err(|e| e.to_string())?;
    }
    common::threads(args.threads)?;
    let spec = Spec {
        params: args.params.clone(),
        screen: Some(args.screen),
    };
    breakeven::plan(text, &scenario, &spec).map_err(|e| format!("{}: {e}", args.scenario.display()))
}

/// Runs `whoruns breakeven`.
pub fn run(args: BreakevenArgs) -> anyhow::Result<ExitCode> {
    let (scenario, text) = match load::load_with_text(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let plan = match planned(&args, scenario, &text) {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-breakeven", plan.base.name)));
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let shard = match common::shard(args.shard.as_deref()) {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let entries = plan.ledger.entries.len();
    let todo = shard.map_or(0..entries, |sh| {
        let r = shards::range(entries as u32, sh);
        r.start as usize..r.end as usize
    });
    let interrupt = Interrupt::install();
    let started = std::time::Instant::now();
    let bar = common::progress(args.quiet, u64::from(plan.base.replications));
    let base = whoruns::runner::run_until(&plan.base, args.threads, &|| bar.inc(1), &|| {
        interrupt.raised()
    });
    let shown = args.scenario.display().to_string();
    let base = match common::ran(base, &shown)? {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
        Err(status) => return Ok(status),
    };
    let found = search(
        &plan,
        &base,
        todo.clone(),
        args.threads,
        &bar,
        interrupt,
        &shown,
    )?;
    let analysis = match found {
        Ok(Some(a)) => a,
        Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
        Err(status) => return Ok(status),
    };
    bar.finish_and_clear();
    let dest = common::Dest {
        out: &out,
        force: args.force,
        interrupt,
    };
    if let Some(sh) = shard {
        return publish_part(&args, &plan, sh, &analysis, &todo, &dest);
    }
    let done = format!("in {:.1} s", started.elapsed().as_secs_f64());
    finish(&plan, &analysis, &dest, args.quiet, &done)
}

/// Writes the analysis's files and, unless `quiet`, prints its sentences and `how` it was
/// made (its time, or the shards merged).
fn finish(
    plan: &breakeven::Plan,
    analysis: &breakeven::Analysis,
    dest: &common::Dest<'_>,
    quiet: bool,
    how: &str,
) -> anyhow::Result<ExitCode> {
    let out_files =
        whoruns::report::files::breakeven(analysis, &plan.ledger, &plan.base, &plan.text)?;
    if let Some(status) = dest.publish(&out_files, Some(dest.out))? {
        return Ok(status);
    }
    if !quiet {
        print!("{}", whoruns::report::whatif::markdown(analysis));
        println!(
            "\n{} verdicts × {} assumptions {how}; results in {}",
            analysis.verdicts.len(),
            analysis.entries.len(),
            dest.out.display()
        );
        let e = analysis.effort;
        if e.total() + e.repriced > 0 {
            println!(
                "simulated {} model-replications: screening {}, confirming {}, searching {}; \
                 priced {} again without simulating (prices only)",
                e.total(),
                e.screening,
                e.confirming,
                e.searching,
                e.repriced
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a shard's part: its verdicts and findings, the scenario and a manifest recording
/// the analysis.
fn publish_part(
    args: &BreakevenArgs,
    plan: &breakeven::Plan,
    sh: shards::Shard,
    analysis: &breakeven::Analysis,
    todo: &std::ops::Range<usize>,
    dest: &common::Dest<'_>,
) -> anyhow::Result<ExitCode> {
    let base = &plan.base;
    let mut manifest =
        shards::manifest_for("breakeven", &plan.text, base.seed, base.replications, sh);
    for arg in canonical(args, plan) {
        manifest.push_str(&format!("arg {arg}\n"));
    }
    let mut out_files: files::Files = breakeven::part::write(analysis, todo)
        .into_iter()
        .map(|(name, text)| (name.into(), text.into_bytes()))
        .collect();
    out_files.push(("scenario.toml".into(), plan.text.clone().into_bytes()));
    out_files.push((shards::MANIFEST.into(), manifest.into_bytes()));
    if let Some(status) = dest.publish(&out_files, None)? {
        return Ok(status);
    }
    if !args.quiet {
        println!(
            "shard {}/{}: assumptions {}..{} of {}; part in {} (merge with `whoruns merge`)",
            sh.0,
            sh.1,
            todo.start,
            todo.end,
            plan.ledger.entries.len(),
            dest.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Merges break-even shards: `parts` in shard order, with the recorded arguments. Each
/// part holds its block of the ledger's findings and the verdicts, which must agree.
pub fn merge(job: shards::MergeJob) -> anyhow::Result<ExitCode> {
    let parsed = match shards::recorded_args::<Recorded>("breakeven", &job.recorded, job.quiet) {
        Ok(r) => r.args,
        Err(e) => return refuse(e),
    };
    let scenario = match whoruns::scenario::parse(&job.text, "scenario.toml") {
        Ok(s) => s,
        Err(e) => return refuse(format!("{}: {e}", job.parts[0].display())),
    };
    let plan = match planned(&parsed, scenario, &job.text) {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let entries = plan.ledger.entries.len() as u32;
    let count = job.parts.len() as u32;
    let mut analyses: Vec<breakeven::Analysis> = Vec::new();
    for (i, dir) in job.parts.iter().enumerate() {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        let r = shards::range(entries, (i as u32 + 1, count));
        let todo = r.start as usize..r.end as usize;
        let part = read(breakeven::part::VERDICTS).and_then(|v| {
            let verdicts = breakeven::part::read_verdicts(&v)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            let f = read(breakeven::part::FINDINGS)?;
            breakeven::part::read(&plan, verdicts, &f, todo)
                .map_err(|e| format!("{}: {e}", dir.display()))
        });
        let part = match part {
            Ok(p) => p,
            Err(e) => return refuse(e),
        };
        if let Some(first) = analyses.first()
            && first.verdicts != part.verdicts
        {
            return refuse(format!(
                "{} tested other verdicts than {}: the parts' base runs differ",
                dir.display(),
                job.parts[0].display()
            ));
        }
        analyses.push(part);
    }
    let Some(analysis) = breakeven::join(analyses) else {
        return refuse("no parts to merge");
    };
    let interrupt = Interrupt::install();
    let dest = common::Dest {
        out: &job.out,
        force: job.force,
        interrupt,
    };
    let how = format!(
        "from {}",
        whoruns::format::count(job.parts.len(), "shard", "shards")
    );
    finish(&plan, &analysis, &dest, job.quiet, &how)
}

/// The search of every ledger entry against the run's verdicts, with the progress bar
/// counting replications (its length an estimate: the screening and a search's ends);
/// `Ok(None)` when interrupted, `Err(status)` when a point ran away.
pub fn search(
    plan: &breakeven::Plan,
    base: &[Outcome],
    todo: std::ops::Range<usize>,
    threads: Option<usize>,
    bar: &indicatif::ProgressBar,
    interrupt: &Interrupt,
    shown: &str,
) -> anyhow::Result<Result<Option<breakeven::Analysis>, ExitCode>> {
    let entries = todo.len() as u64;
    bar.set_position(0);
    bar.set_length(entries * 2 * u64::from(plan.screen + plan.base.replications));
    let result = breakeven::analyse(plan, base, todo, threads, &|| bar.inc(1), &|| {
        interrupt.raised()
    });
    common::ran(result, shown)
}
