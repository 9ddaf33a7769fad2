//! `whoruns merge PART... --out DIR`: the results of shards written by `whoruns run
//! --shard K/N`, byte-identical to the single run with the same arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::common::{self, refuse};
use super::files;
use super::interrupt::Interrupt;
use super::shards;

/// Arguments of `whoruns merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The parts: folders written with `--shard K/N` by `whoruns run`, `sweep`,
    /// `sensitivity`, `breakeven` or `frontier` (one command's), in any order.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Output folder for the merged results.
    #[arg(long, short = 'o')]
    out: PathBuf,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Skip the charts and report.
    #[arg(long)]
    no_report: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Runs `whoruns merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut read = Vec::with_capacity(args.parts.len());
    for p in &args.parts {
        match shards::read(p) {
            Ok(m) => read.push((p.clone(), m)),
            Err(e) => return refuse(e),
        }
    }
    let Some((first_path, first)) = read.first().cloned() else {
        return refuse("no parts to merge");
    };
    for (path, m) in &read[1..] {
        if m.run != first.run {
            // A recorded argument's value is named with its flag (`arg --islands 4`).
            let differs: Vec<String> = (m.run.iter().zip(&first.run).enumerate())
                .filter(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| {
                    let flag = match i.checked_sub(1).map(|j| &m.run[j]) {
                        Some((k, v)) if a.0 == "arg" && k == "arg" && v.starts_with("--") => {
                            format!("{v} ")
                        }
                        _ => String::new(),
                    };
                    format!("{} {flag}{} against {}", a.0, a.1, b.1)
                })
                .collect();
            return refuse(format!(
                "{} is not a shard of the same run as {}: {}",
                path.display(),
                first_path.display(),
                differs.join(", ")
            ));
        }
    }
    let n = first.shards;
    let mut by_index: Vec<Option<PathBuf>> = vec![None; n as usize];
    for (path, m) in &read {
        let slot = &mut by_index[(m.shard - 1) as usize];
        if let Some(other) = slot {
            return refuse(format!(
                "shard {}/{n} is given twice: {} and {}",
                m.shard,
                other.display(),
                path.display()
            ));
        }
        *slot = Some(path.clone());
    }
    let missing: Vec<String> = by_index
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| format!("{}/{n}", i + 1))
        .collect();
    if !missing.is_empty() {
        return refuse(format!("missing shard {}", missing.join(", ")));
    }
    if let Err(e) = files::check_writable(&args.out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let scenario_text = std::fs::read_to_string(first_path.join("scenario.toml"))?;
    let command = first
        .run
        .iter()
        .find(|(k, _)| k == "command")
        .map_or("run", |(_, v)| v.as_str());
    let recorded: Vec<String> = first
        .run
        .iter()
        .filter(|(k, _)| k == "arg")
        .map(|(_, v)| v.clone())
        .collect();
    let ordered: Vec<PathBuf> = by_index.iter().flatten().cloned().collect();
    // Sweeps and sensitivity analyses rebuild their plan from the recorded arguments.
    let merge_points: fn(shards::MergeJob) -> anyhow::Result<ExitCode> = match command {
        "run" => merge_run,
        "sweep" => super::sweep::merge,
        "sensitivity" => super::sensitivity::merge,
        "breakeven" => super::breakeven::merge,
        "frontier" => super::frontier::merge,
        other => {
            return refuse(format!(
                "the parts come from `whoruns {other}`, which this whoruns cannot merge"
            ));
        }
    };
    merge_points(shards::MergeJob {
        recorded,
        text: scenario_text,
        parts: ordered,
        out: args.out.clone(),
        force: args.force,
        quiet: args.quiet,
        no_report: args.no_report,
    })
}

/// Merges the parts of `whoruns run --shard`: their tables, then every result file.
fn merge_run(job: shards::MergeJob) -> anyhow::Result<ExitCode> {
    let scenario_text = job.text;
    let scenario = match whoruns::scenario::parse(&scenario_text, "scenario.toml") {
        Ok(s) => s,
        Err(e) => return refuse(format!("{}: {e}", job.parts[0].display())),
    };
    let (mut frames, timeseries) = shards::read_frames(&job.parts)?;
    let interrupt = Interrupt::install();
    let (weekly, timeseries) = whoruns::report::weekly::merge_parquet(&scenario, &timeseries)?;
    let (out_files, rows) = whoruns::report::files::run_merged(
        &scenario,
        scenario_text,
        &mut frames,
        (&weekly, timeseries),
        job.no_report,
    )?;
    if let Some(status) = common::publish(&job.out, &out_files, job.force, interrupt, None)? {
        return Ok(status);
    }
    if !job.quiet {
        common::print_table(&scenario, &rows);
        println!(
            "\n{} merged, {} in all; results in {}",
            whoruns::format::count(job.parts.len(), "shard", "shards"),
            whoruns::format::count(
                scenario.replications as usize,
                "replication",
                "replications"
            ),
            job.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
