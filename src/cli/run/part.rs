//! `whoruns run --shard K/N`: the block's tables (streamed into the staging folder by the
//! run), its runs at the other strengths of learning, the scenario and the shard's
//! manifest — the part `whoruns merge` reads.

use std::process::ExitCode;

use super::RunArgs;
use crate::cli::common;
use crate::cli::files::Stage;
use crate::cli::shards;

/// A shard's part of a run.
pub(super) struct Part<'a> {
    pub(super) shard: shards::Shard,
    pub(super) scenario: &'a whoruns::Scenario,
    pub(super) scenario_text: &'a str,
    pub(super) seconds: f64,
    /// When the other strengths ran beside the block: their values, or `None` when one of
    /// them ran away.
    pub(super) strengths: Option<Option<Vec<whoruns::export::StrengthValues>>>,
}

/// A shard writes its tables and a manifest; `whoruns merge` makes the results.
pub(super) fn publish(
    args: &RunArgs,
    part: &Part<'_>,
    stage: Stage,
    dest: &common::Dest<'_>,
) -> anyhow::Result<ExitCode> {
    let (shard, scenario) = (part.shard, part.scenario);
    let mut out_files = whoruns::export::Files::new();
    // The block at the other strengths of learning, so that the merge need not run them.
    if !args.no_report {
        let block = shards::range(scenario.replications, shard);
        let start = block.start;
        let stop = || dest.interrupt.raised();
        let values = match part.strengths.clone() {
            Some(Some(v)) => Ok(Some(v)),
            // Running them again would only say so again.
            Some(None) => Err(String::new()),
            None => {
                whoruns::report::incentive::simulate_range(scenario, block, args.threads, &stop)
            }
        };
        match values {
            Ok(Some(v)) => out_files.push((
                whoruns::export::STRENGTHS.into(),
                whoruns::export::to_parquet(&mut whoruns::export::strengths_frame(&v, start)?)?,
            )),
            Ok(None) => return Ok(common::stopped(dest.interrupt, Some(dest.out))),
            // As in a single run, a strength that cannot be run is the section's
            // "Not shown", not the run's failure: the merge's report says why.
            Err(_) => {}
        }
    }
    out_files.push((
        "scenario.toml".into(),
        part.scenario_text.as_bytes().to_vec(),
    ));
    out_files.push((
        shards::MANIFEST.into(),
        shards::manifest(part.scenario_text, scenario, shard).into_bytes(),
    ));
    let names: Vec<String> = whoruns::export::TABLES
        .iter()
        .map(|n| n.to_string())
        .chain(out_files.iter().map(|(n, _)| n.clone()))
        .collect();
    if let Some(status) = dest.publish_stage(stage, &out_files, &names, Some(dest.out))? {
        return Ok(status);
    }
    if !args.quiet {
        let r = shards::range(scenario.replications, shard);
        println!(
            "shard {}/{}: replications {}..{} of {} in {:.2} s; part in {} (merge with `whoruns merge`)",
            shard.0,
            shard.1,
            r.start,
            r.end,
            scenario.replications,
            part.seconds,
            dest.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
