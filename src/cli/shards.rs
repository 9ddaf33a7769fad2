//! Deterministic shards: shard K of N runs replications `(K−1)·R/N .. K·R/N` with exactly
//! the seeds a single run gives them, and writes its tables with a manifest that `whoruns
//! merge` checks. The index may come from the batch engine: Kubernetes Indexed Jobs
//! (`JOB_COMPLETION_INDEX`, from 0) or Slurm job arrays (`SLURM_ARRAY_TASK_ID`, with
//! `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_COUNT`); the count from `WHORUNS_SHARDS`
//! or the engine's own variable.

use std::ops::Range;
use std::path::Path;

use anyhow::Context;
use polars::prelude::DataFrame;
use whoruns::Scenario;
use whoruns::export::{Frames, STRENGTHS, TABLES};

/// The manifest a shard writes beside its tables.
pub const MANIFEST: &str = "whoruns-shard.txt";

/// Shard K (from 1) of N.
pub type Shard = (u32, u32);

/// Reads `K/N`, or `auto` from the batch engine's environment (`env` looks variables up).
pub fn parse(spec: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
    if spec.trim() == "auto" {
        return from_env(env);
    }
    let bad = || format!("--shard \"{spec}\": write K/N with 1 <= K <= N, e.g. 2/7, or auto");
    let (k, n) = spec.split_once('/').ok_or_else(bad)?;
    let k: u32 = k.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

fn number(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<Option<u32>, String> {
    match env(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("{name}={v:?} is not a whole number")),
    }
}

fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let count = number(env, "WHORUNS_SHARDS")?;
    let (index0, count) = if let Some(i) = number(env, "JOB_COMPLETION_INDEX")? {
        let n = count.ok_or(
            "--shard auto: JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but WHORUNS_SHARDS is not; set it to the Job's completions",
        )?;
        (i, n)
    } else if let Some(id) = number(env, "SLURM_ARRAY_TASK_ID")? {
        let min = number(env, "SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let n = match count {
            Some(n) => n,
            None => number(env, "SLURM_ARRAY_TASK_COUNT")?.ok_or(
                "--shard auto: SLURM_ARRAY_TASK_ID is set but neither WHORUNS_SHARDS nor SLURM_ARRAY_TASK_COUNT is",
            )?,
        };
        let i = id.checked_sub(min).ok_or(format!(
            "SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}"
        ))?;
        (i, n)
    } else {
        return Err(
            "--shard auto: no batch index in the environment (JOB_COMPLETION_INDEX for Kubernetes Indexed Jobs, SLURM_ARRAY_TASK_ID for Slurm arrays); give --shard K/N"
                .into(),
        );
    };
    if count == 0 || index0 >= count {
        return Err(format!(
            "--shard auto: index {index0} (from 0) is not below the shard count {count}"
        ));
    }
    Ok((index0 + 1, count))
}

/// The replications of shard `(k, n)` out of `total`.
pub fn range(total: u32, (k, n): Shard) -> Range<u32> {
    let at = |i: u32| (u64::from(total) * u64::from(i) / u64::from(n)) as u32;
    at(k - 1)..at(k)
}

/// FNV-1a, 64 bits: a stable fingerprint of the scenario as run.
fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// The manifest of shard `shard` of a run of `scenario` (recorded as `scenario_text`).
pub fn manifest(scenario_text: &str, scenario: &Scenario, shard: Shard) -> String {
    manifest_for(
        "run",
        scenario_text,
        scenario.seed,
        scenario.replications,
        shard,
    )
}

/// The manifest of shard `shard` of `command` (`run`, `sweep`, `sensitivity`); a sweep or
/// sensitivity analysis appends `arg` lines recording its arguments.
pub fn manifest_for(
    command: &str,
    scenario_text: &str,
    seed: u64,
    replications: u32,
    shard: Shard,
) -> String {
    format!(
        "whoruns {}\ncommand {command}\nscenario {}\nseed {seed}\nreplications {replications}\nshards {}\nshard {}\n",
        env!("CARGO_PKG_VERSION"),
        fingerprint(scenario_text),
        shard.1,
        shard.0
    )
}

/// A shard's manifest as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Everything but the shard's own index, which must agree across parts.
    pub run: Vec<(String, String)>,
    /// The shard's index, from 1.
    pub shard: u32,
    /// The shard count.
    pub shards: u32,
}

/// Reads and checks a part's manifest, and that its scenario is the one it names.
pub fn read(dir: &Path) -> Result<Manifest, String> {
    let name = dir.display();
    let text = std::fs::read_to_string(dir.join(MANIFEST)).map_err(|_| {
        format!("{name}: no {MANIFEST}; is it a folder written by `whoruns run --shard`?")
    })?;
    let mut run = Vec::new();
    let (mut shard, mut shards) = (None, None);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (k, v) = line
            .split_once(' ')
            .ok_or(format!("{name}: {MANIFEST} has a malformed line {line:?}"))?;
        match k {
            "shard" => shard = v.parse::<u32>().ok(),
            "shards" => {
                shards = v.parse::<u32>().ok();
                run.push((k.to_string(), v.to_string()));
            }
            _ => run.push((k.to_string(), v.to_string())),
        }
    }
    let scenario = std::fs::read_to_string(dir.join("scenario.toml"))
        .map_err(|_| format!("{name}: no scenario.toml"))?;
    let stated = run
        .iter()
        .find(|(k, _)| k == "scenario")
        .map(|(_, v)| v.as_str());
    if stated != Some(fingerprint(&scenario).as_str()) {
        return Err(format!(
            "{name}: scenario.toml does not match the fingerprint in {MANIFEST}; the part was changed after it was written"
        ));
    }
    match (shard, shards) {
        (Some(k), Some(n)) if k >= 1 && k <= n => Ok(Manifest {
            run,
            shard: k,
            shards: n,
        }),
        _ => Err(format!(
            "{name}: {MANIFEST} lacks a valid shard and shard count"
        )),
    }
}

/// What a sweep or sensitivity merge is given: the recorded arguments, the scenario as
/// the shards ran it, the parts in shard order, and where to write.
pub struct MergeJob {
    /// The `arg` lines of the manifests.
    pub recorded: Vec<String>,
    /// The parts' `scenario.toml`.
    pub text: String,
    /// The parts, shard 1 first.
    pub parts: Vec<std::path::PathBuf>,
    /// The output folder.
    pub out: std::path::PathBuf,
    /// Replace results already there.
    pub force: bool,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Skip the charts and report (runs only).
    pub no_report: bool,
}

/// The recorded arguments of a sweep or sensitivity analysis, parsed as its command line
/// would be (`command` and a placeholder scenario path first).
pub fn recorded_args<T: clap::Parser>(
    command: &str,
    recorded: &[String],
    quiet: bool,
) -> Result<T, String> {
    let mut argv = vec![command.to_string(), "scenario.toml".to_string()];
    argv.extend(recorded.iter().cloned());
    if quiet {
        argv.push("--quiet".into());
    }
    T::try_parse_from(&argv)
        .map_err(|e| format!("the parts record arguments this whoruns cannot read: {e}"))
}

/// Each part's table `name`, in shard order.
pub fn part_tables(
    parts: &[std::path::PathBuf],
    name: &'static str,
) -> anyhow::Result<Vec<polars::prelude::DataFrame>> {
    parts
        .iter()
        .map(|p| {
            let path = p.join(name);
            let bytes = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            Ok(whoruns::export::from_parquet(bytes, name)?)
        })
        .collect()
}

/// Files' bytes, each with a label (its path) for messages.
pub type LabelledFiles = Vec<(String, Vec<u8>)>;

/// The tables of the shard folders `dirs`, one after the other (shards in order), as
/// single-chunk tables, but for the wide `timeseries.parquet`: its parts' files' bytes
/// (labelled by path), for [`whoruns::report::weekly::merge_parquet`] to stack a row group
/// at a time. Each part is read eagerly (Parquet), checked to have the columns of the
/// first and stacked under it.
pub fn read_frames(dirs: &[std::path::PathBuf]) -> anyhow::Result<(Frames, LabelledFiles)> {
    use polars::prelude::{ParquetReader, SerReader};
    let table = |name: &'static str| -> anyhow::Result<DataFrame> {
        let mut stacked: Option<DataFrame> = None;
        for d in dirs {
            let path = d.join(name);
            if !path.exists() {
                anyhow::bail!("{} is missing", path.display());
            }
            let file = std::fs::File::open(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let part = ParquetReader::new(file)
                .finish()
                .with_context(|| format!("cannot read {}", path.display()))?;
            match stacked.as_mut() {
                None => stacked = Some(part),
                Some(df) => {
                    if df.get_column_names() != part.get_column_names() {
                        anyhow::bail!(
                            "cannot merge the parts' {name}: {} has other columns than {}",
                            path.display(),
                            dirs[0].join(name).display()
                        );
                    }
                    df.vstack_mut_owned(part)
                        .with_context(|| format!("cannot merge the parts' {name}"))?;
                }
            }
        }
        let mut df = stacked.with_context(|| format!("no parts to merge for {name}"))?;
        df.rechunk_mut();
        Ok(df)
    };
    // The other strengths of learning, when every part computed its block's.
    let strengths = if dirs.iter().all(|d| d.join(STRENGTHS).exists()) {
        Some(table(STRENGTHS)?)
    } else {
        None
    };
    // The wide time series is left as the parts' files, stacked a row group at a time.
    let mut timeseries = Vec::with_capacity(dirs.len());
    for d in dirs {
        let path = d.join(TABLES[2]);
        if !path.exists() {
            anyhow::bail!("{} is missing", path.display());
        }
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        timeseries.push((path.display().to_string(), bytes));
    }
    let frames = Frames {
        strengths,
        reps: table(TABLES[0])?,
        services: table(TABLES[1])?,
        // Left empty: the parts' files are returned beside, to be stacked group by group.
        timeseries: DataFrame::empty(),
        histogram: table(TABLES[3])?,
        quarters: table(TABLES[4])?,
    };
    Ok((frames, timeseries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn shards_partition_the_replications_in_order() {
        for n in [1, 2, 3, 7] {
            for total in [2, 7, 10, 1000] {
                let mut next = 0;
                for k in 1..=n {
                    let r = range(total, (k, n));
                    assert_eq!(r.start, next, "{k}/{n} of {total}");
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn explicit_and_engine_indices() {
        let none = env(&[]);
        assert_eq!(parse("2/7", &none), Ok((2, 7)));
        assert!(parse("0/7", &none).is_err());
        assert!(parse("8/7", &none).is_err());
        assert!(
            parse("auto", &none)
                .unwrap_err()
                .contains("JOB_COMPLETION_INDEX")
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0"), ("WHORUNS_SHARDS", "3")]);
        assert_eq!(parse("auto", &k8s), Ok((1, 3)));
        let k8s_no_count = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert!(
            parse("auto", &k8s_no_count)
                .unwrap_err()
                .contains("WHORUNS_SHARDS")
        );
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(parse("auto", &slurm), Ok((3, 4)));
        let slurm_over = env(&[
            ("SLURM_ARRAY_TASK_ID", "9"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(parse("auto", &slurm_over).is_err());
    }
}
