//! Command-line parsing and the subcommands. Everything here is glue: the model lives in
//! the library.

mod breakeven;
mod calibrate;
mod common;
mod files;
mod frontier;
mod interrupt;
mod load;
mod merge;
mod report;
mod run;
mod sensitivity;
mod serve;
mod shards;
mod sweep;
pub mod term;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Exit code for invalid input (bad scenario files, a folder that holds no results).
pub const EXIT_INVALID: u8 = 2;

/// Who builds it, who runs it? Monte Carlo simulation of production-support ownership models.
#[derive(Debug, Parser)]
#[command(
    name = "whoruns",
    version,
    about,
    long_about = None,
    max_term_width = 100,
    after_help = "Exit status: 0 done; 1 an unexpected failure (e.g. a disk error); 2 the input was refused (a scenario's problems as file:line:column: message, a run too big for the guardrails, a folder that holds no results); 130/143 interrupted by Ctrl-C or SIGTERM, nothing written."
)]
struct Cli {
    /// When to colour the output: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = term::Color::Auto, value_name = "WHEN")]
    color: term::Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and write results, summary and tables to the output folder.
    Run(run::RunArgs),
    /// Re-draw charts, comparison table and report from a results folder, without simulating.
    Report(report::ReportArgs),
    /// Every model at every value of one parameter (or pair, for two): where each model wins.
    Sweep(sweep::SweepArgs),
    /// Who should run which service: the frontier of operating cost against the cost of
    /// unreliability over per-service assignments, confirmed on fresh seeds.
    Frontier(frontier::FrontierArgs),
    /// Which assumption decides it: every stated parameter moved ± one at a time.
    Sensitivity(sensitivity::SensitivityArgs),
    /// What would have to be true: every verdict's break-even in every assumption's range.
    Breakeven(breakeven::BreakevenArgs),
    /// The assumption ledger: every number the model uses, its origin and plausible range.
    Assumptions(breakeven::AssumptionsArgs),
    /// Fit a scenario's incident rates, restore times and severity mix to an incident-tool
    /// export (generic CSV, PagerDuty or incident.io).
    Calibrate(calibrate::CalibrateArgs),
    /// A what-if page on a local web server: move a lever, the deck's charts answer and
    /// sharpen (loopback only unless --bind says otherwise).
    Serve(serve::ServeArgs),
    /// Merge shards written by `run --shard K/N` into the results of the single run.
    Merge(merge::MergeArgs),
    /// Check scenario files and report every problem with file, line and column.
    Validate(ValidateArgs),
    /// Print a shell's completion script (e.g. `whoruns completions bash >
    /// ~/.local/share/bash-completion/completions/whoruns`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder with --out.
    Man {
        /// Write whoruns.1 and one whoruns-COMMAND.1 per command into this folder instead.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
    },
}

/// Arguments of `whoruns validate`.
#[derive(Debug, clap::Args)]
struct ValidateArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print nothing but problems (errors and warnings); the exit status says the rest.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print one JSON document on stdout instead: per file, ok or not, its errors and
    /// warnings, and for a valid file what it describes.
    #[arg(long)]
    json: bool,
}

/// Parses the command line and runs the subcommand.
pub fn run() -> anyhow::Result<ExitCode> {
    interrupt::Interrupt::install();
    let cli = Cli::parse();
    cli.color.apply();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Report(args) => report::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Frontier(args) => frontier::run(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Breakeven(args) => breakeven::run(args),
        Command::Assumptions(args) => breakeven::assumptions(args),
        Command::Serve(args) => serve::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Validate(args) => validate(&args),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "whoruns", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out } => man(out.as_deref()),
    }
}

/// `whoruns man`: the page on stdout, or every command's page into `out`.
fn man(out: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cmd = Cli::command();
    match out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            use std::io::Write as _;
            std::io::stdout().write_all(&page)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir).map_err(|e| {
                anyhow::anyhow!("cannot write the pages into {}: {e}", dir.display())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The revenue a scenario prices downtime by, in millions a year: at risk (every service
/// fully down all year), and the organisation's when stated.
fn revenue(s: &whoruns::Scenario) -> String {
    let millions = |x: f64| format!("{:.1}M", x / 1e6);
    let at_risk = millions(s.revenue_at_risk_per_year());
    let journeys = match s.journeys.len() {
        0 => String::new(),
        1 => " over 1 journey".to_string(),
        n => format!(" over {n} journeys"),
    };
    match s.revenue_per_year {
        Some(r) => format!(
            "revenue at risk {at_risk} {} a year{journeys}, of {} revenue",
            s.costs.currency,
            millions(r)
        ),
        None => format!(
            "revenue at risk {at_risk} {} a year{journeys}",
            s.costs.currency
        ),
    }
}

/// `whoruns validate`: every file checked, every problem listed; exit 2 if any is invalid.
fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    let mut documents = Vec::new();
    for path in &args.files {
        let shown = path.display().to_string();
        match load::load_silently(path) {
            Ok((s, _, warnings)) => {
                let models: Vec<&str> = s.models.iter().map(|m| m.key()).collect();
                if args.json {
                    documents.push(serde_json::json!({
                        "file": shown,
                        "ok": true,
                        "name": s.name,
                        "teams": s.teams.len(),
                        "services": s.services.len(),
                        "models": models,
                        "replications": s.replications,
                        "horizon_days": s.horizon_hours / 24.0,
                        "currency": s.costs.currency,
                        "revenue_at_risk_per_year": s.revenue_at_risk_per_year(),
                        "revenue_per_year": s.revenue_per_year,
                        "warnings": warnings,
                        "errors": Vec::<String>::new(),
                    }));
                    continue;
                }
                for w in &warnings {
                    anstream::eprintln!("{}", load::styled_warning(w));
                }
                if !args.quiet {
                    anstream::println!(
                        "{shown}: {} — \"{}\": {}, {}, models {}, {} replications, horizon {:.0} days; {}",
                        term::paint(term::GOOD, "ok"),
                        s.name,
                        whoruns::format::count(s.teams.len(), "team", "teams"),
                        whoruns::format::count(s.services.len(), "service", "services"),
                        models.join(", "),
                        s.replications,
                        s.horizon_hours / 24.0,
                        revenue(&s)
                    );
                }
            }
            Err(e) => {
                ok = false;
                if args.json {
                    documents.push(serde_json::json!({
                        "file": shown,
                        "ok": false,
                        "warnings": Vec::<String>::new(),
                        "errors": format!("{e:#}").lines().collect::<Vec<_>>(),
                    }));
                } else {
                    anstream::eprintln!("{e:#}");
                }
            }
        }
    }
    if args.json {
        let doc = serde_json::json!({ "ok": ok, "files": documents });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    })
}
