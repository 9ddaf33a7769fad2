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
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
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

/// Runs `whoruns breakeven`.
pub fn run(args: BreakevenArgs) -> anyhow::Result<ExitCode> {
    let (mut scenario, text) = match load::load_with_text(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    if let Some(n) = args.replications
        && let Err(e) = scenario.set_replications(n)
    {
        return refuse(e);
    }
    if let Some(s) = args.seed
        && let Err(e) = scenario.set_seed(s)
    {
        return refuse(e);
    }
    if let Err(e) = common::threads(args.threads) {
        return refuse(e);
    }
    let spec = Spec {
        params: args.params.clone(),
        screen: Some(args.screen),
    };
    let plan = match breakeven::plan(&text, &scenario, &spec) {
        Ok(p) => p,
        Err(e) => return refuse(format!("{}: {e}", args.scenario.display())),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-breakeven", scenario.name)));
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let interrupt = Interrupt::install();
    let started = std::time::Instant::now();
    let bar = common::progress(args.quiet, u64::from(scenario.replications));
    let base = whoruns::runner::run_until(&plan.base, args.threads, &|| bar.inc(1), &|| {
        interrupt.raised()
    });
    let shown = args.scenario.display().to_string();
    let base = match common::ran(base, &shown)? {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
        Err(status) => return Ok(status),
    };
    let analysis = match search(&plan, &base, args.threads, &bar, interrupt, &shown)? {
        Ok(Some(a)) => a,
        Ok(None) => return Ok(common::stopped(interrupt, Some(&out))),
        Err(status) => return Ok(status),
    };
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let out_files = whoruns::report::files::breakeven(&analysis, &plan.ledger, &plan.base, &text)?;
    let dest = common::Dest {
        out: &out,
        force: args.force,
        interrupt,
    };
    if let Some(status) = dest.publish(&out_files, Some(&out))? {
        return Ok(status);
    }
    if !args.quiet {
        print!("{}", whoruns::report::whatif::markdown(&analysis));
        println!(
            "\n{} verdicts × {} assumptions in {:.1} s; results in {}",
            analysis.verdicts.len(),
            analysis.entries.len(),
            elapsed.as_secs_f64(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The search of every ledger entry against the run's verdicts, with the progress bar
/// counting replications (its length an estimate: the screening and a search's ends);
/// `Ok(None)` when interrupted, `Err(status)` when a point ran away.
pub fn search(
    plan: &breakeven::Plan,
    base: &[Outcome],
    threads: Option<usize>,
    bar: &indicatif::ProgressBar,
    interrupt: &Interrupt,
    shown: &str,
) -> anyhow::Result<Result<Option<breakeven::Analysis>, ExitCode>> {
    let entries = plan.ledger.entries.len() as u64;
    bar.set_position(0);
    bar.set_length(entries * 2 * u64::from(plan.screen + plan.base.replications));
    let result = breakeven::analyse(
        plan,
        base,
        0..plan.ledger.entries.len(),
        threads,
        &|| bar.inc(1),
        &|| interrupt.raised(),
    );
    common::ran(result, shown)
}
