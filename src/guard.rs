//! Guardrails before simulating: the size of a run, estimated from the validated scenario
//! alone, against limits a laptop can bear. A run that would take hours or exhaust memory
//! is refused up front with the estimate, what drives it and the flag that raises the
//! limit, instead of being killed by the operating system half-way.
//!
//! The estimate counts what the engine and the exporters actually hold: every incident and
//! deployment of a replication's world (kept while its models are simulated, one world per
//! worker thread), each model's outcome with its weekly samples per service, and the result
//! tables built from all outcomes at the end. A run that streams its results
//! ([`estimate_streamed`], `whoruns run`) holds instead a bounded number of outcomes, one
//! Parquet row group per table, the report's per-replication values and one block of its
//! weekly values read back from their scratch file.

use std::fmt;
use std::mem::size_of;

use crate::outcome::{TTR_BINS, estimated_bytes, held_ahead, measured_weeks};
use crate::scenario::Scenario;
use crate::units::HOURS_PER_WEEK;
use crate::world::Incident;

/// Limits on a run's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Incidents and deployments simulated, summed over models and replications.
    pub max_events: u64,
    /// Peak memory, bytes.
    pub max_memory_bytes: u64,
}

/// The default memory limit as the command line shows it; [`Limits::default`] holds the
/// same in bytes (a test checks they agree).
pub const DEFAULT_MAX_MEMORY: &str = "4GiB";

impl Default for Limits {
    /// Two billion events (minutes on a laptop core at the engine's few million events a
    /// second) and 4 GiB.
    fn default() -> Self {
        Limits {
            max_events: 2_000_000_000,
            max_memory_bytes: 4 << 30,
        }
    }
}

/// The estimated size of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Expected incidents and deployments in one replication's world.
    pub events_per_world: f64,
    /// Expected events simulated in all: per world × models × replications.
    pub events: f64,
    /// Expected peak memory, bytes.
    pub memory_bytes: f64,
}

/// A run the limits refuse.
#[derive(Debug, Clone, PartialEq)]
pub struct TooBig {
    /// The estimate.
    pub size: Size,
    /// The limits it exceeds.
    pub limits: Limits,
    /// Replications, models and weeks, for the message.
    replications: u32,
    models: usize,
    weeks: f64,
    services: usize,
}

/// Overhead on the engine's own state per world event (pending events, incident states).
const ENGINE_BYTES_PER_EVENT: f64 = 64.0;
/// Result tables hold each outcome's values about twice over (frames, then CSV/Parquet).
const TABLE_FACTOR: f64 = 2.5;

/// Estimates the size of running `scenario` on `threads` worker threads.
pub fn estimate(scenario: &Scenario, threads: usize) -> Size {
    let horizon = scenario.horizon_hours;
    let per_world: f64 = scenario
        .services
        .iter()
        .map(|s| {
            let deploys = s.deploys_per_week / HOURS_PER_WEEK * horizon;
            let incidents = s.background_rate_per_hour * horizon + deploys * s.change_failure_rate;
            deploys + incidents
        })
        .sum();
    let models = scenario.models.len().max(1) as f64;
    let reps = f64::from(scenario.replications);
    // Weekly samples are kept for the measured weeks only (after the warm-up).
    let world_bytes = per_world_bytes(per_world);
    let outcome_bytes = estimated_bytes(scenario);
    let memory = threads.max(1) as f64 * world_bytes + reps * models * outcome_bytes * TABLE_FACTOR;
    Size {
        events_per_world: per_world,
        events: per_world * models * reps,
        memory_bytes: memory,
    }
}

/// Rows per Parquet row group that polars' `ParquetWriter` aims at when none is set.
pub const ROW_GROUP_ROWS: usize = 512 * 512;
/// Bytes of values a Parquet row group aims at in memory: a table whose rows are wider than
/// `ROW_GROUP_BYTES / ROW_GROUP_ROWS` (256 bytes) gets fewer rows per group than polars'
/// default, so that a wide table (two columns per service in `timeseries.*`) does not hold
/// hundreds of replications' rows to write one group. Defined here, the lower layer, and
/// used by `export` (a layer above) for the files, so the estimate and the writing group
/// rows by the same rule (the estimate with its own estimates of the rows' widths).
pub const ROW_GROUP_BYTES: usize = 64 << 20;

/// Rows per Parquet row group for rows of `row_bytes` bytes, aiming at `budget` bytes a
/// group: polars' [`ROW_GROUP_ROWS`] when it fits, else as many rows as fit (at least one).
/// Polars writes a frame of `rows` rows in `rows / group_rows` groups (one below twice
/// this), so a group holds at most two budgets.
pub fn group_rows(row_bytes: usize, budget: usize) -> usize {
    (budget / row_bytes.max(1)).clamp(1, ROW_GROUP_ROWS)
}
/// Weekly values the report reads back from its scratch file at once, at most (unless one
/// week holds more): 32 MB. Defined here, the lower layer, and used by
/// `report::gather::BLOCK_VALUES`, so the estimate and the reading cannot drift apart.
pub const WEEKLY_BLOCK_VALUES: usize = 4 << 20;
/// Columns of `quarters.*` (`export::QUARTER_COLUMNS`, a layer above), plus model,
/// replication and quarter.
const QUARTER_COLUMNS: f64 = 26.0;

/// Estimates the size of running `scenario` on `threads` worker threads with its results
/// streamed to their files as `whoruns run` does: the worlds, the outcomes in flight, one
/// row group per table, per replication the values the report keeps (every metric, the
/// quarters' columns) and a block of the weekly open workarounds and tiers' budget shares
/// (spilled to a scratch file as they arrive, read back a block of weeks at a time).
pub fn estimate_streamed(scenario: &Scenario, threads: usize) -> Size {
    let whole = estimate(scenario, threads);
    let models = scenario.models.len().max(1) as f64;
    let reps = f64::from(scenario.replications);
    let weeks = measured_weeks(scenario);
    let quarters = (weeks / 13.0).ceil();
    let services = scenario.services.len() as f64;
    let tiers = scenario.tiers().len() as f64;
    let metrics = crate::metric::COLUMNS.len() as f64;
    let world_bytes = per_world_bytes(whole.events_per_world);
    // Those ahead of the one being written, and the one in flight, per thread.
    let held_per_thread = (held_ahead(scenario) + 1) as f64;
    let held = threads.max(1) as f64 * held_per_thread * models * estimated_bytes(scenario);
    // Bytes per row and rows per replication of each table, held up to two row groups of
    // `group_rows` rows.
    let tables = [
        (24.0 + 8.0 * metrics, models),
        (72.0, models * services),
        (52.0 + 12.0 * services, models * weeks),
        (36.0, models * (TTR_BINS as f64 + 2.0)),
        (8.0 * QUARTER_COLUMNS, models * quarters),
    ];
    let buffered: f64 = tables
        .iter()
        .map(|(row, rows)| {
            let group = group_rows(*row as usize, ROW_GROUP_BYTES) as f64;
            row * (rows * reps).min(2.0 * group)
        })
        .sum();
    let report = reps * models * 8.0 * (metrics + quarters * QUARTER_COLUMNS + tiers + 8.0);
    let week_values = reps * models * (1.0 + tiers);
    let weekly = 8.0 * (week_values * weeks).min((WEEKLY_BLOCK_VALUES as f64).max(week_values));
    // With its report, each thread also carries a clone of a model's simulation on at the
    // other strengths of learning (`engine::simulate_variants`): a second engine state.
    let forked = whole.events_per_world * ENGINE_BYTES_PER_EVENT;
    Size {
        memory_bytes: threads.max(1) as f64 * (world_bytes + forked)
            + held
            + buffered
            + report
            + weekly,
        ..whole
    }
}

/// Bytes of one world of `events` incidents and deployments, with the engine's state.
fn per_world_bytes(events: f64) -> f64 {
    // An incident's record is larger than a deployment's two columns (16 bytes).
    events * (size_of::<Incident>() as f64 + ENGINE_BYTES_PER_EVENT)
}

/// Refuses a run whose estimate exceeds `limits`.
pub fn check(scenario: &Scenario, threads: usize, limits: &Limits) -> Result<Size, TooBig> {
    judge(scenario, estimate(scenario, threads), limits)
}

/// Refuses a streamed run ([`estimate_streamed`]) whose estimate exceeds `limits`.
pub fn check_streamed(
    scenario: &Scenario,
    threads: usize,
    limits: &Limits,
) -> Result<Size, TooBig> {
    judge(scenario, estimate_streamed(scenario, threads), limits)
}

fn judge(scenario: &Scenario, size: Size, limits: &Limits) -> Result<Size, TooBig> {
    let fits = size.events.is_finite()
        && size.memory_bytes.is_finite()
        && size.events <= limits.max_events as f64
        && size.memory_bytes <= limits.max_memory_bytes as f64;
    if fits {
        Ok(size)
    } else {
        Err(TooBig {
            size,
            limits: *limits,
            replications: scenario.replications,
            models: scenario.models.len(),
            weeks: measured_weeks(scenario),
            services: scenario.services.len(),
        })
    }
}

/// A count in a person's words: 1.2 thousand, 3.4 million, 5.6e15.
fn count(x: f64) -> String {
    match x {
        x if !x.is_finite() => "an unbounded number of".into(),
        x if x < 1e4 => format!("{x:.0}"),
        x if x < 1e6 => format!("{:.1} thousand", x / 1e3),
        x if x < 1e9 => format!("{:.1} million", x / 1e6),
        x if x < 1e12 => format!("{:.1} billion", x / 1e9),
        x => format!("{x:.1e}"),
    }
}

/// Bytes in binary units.
pub fn bytes(x: f64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if !x.is_finite() {
        return "unbounded memory".into();
    }
    let mut v = x;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

impl fmt::Display for TooBig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.size;
        if s.events.is_nan() || s.events > self.limits.max_events as f64 {
            write!(
                f,
                "this run would simulate about {} events ({} incidents and deployments per replication × {} models × {} replications), over the limit of {}; shorten the horizon, lower the rates or the replications, or raise the limit with --max-events",
                count(s.events),
                count(s.events_per_world),
                self.models,
                self.replications,
                count(self.limits.max_events as f64),
            )
        } else {
            write!(
                f,
                "this run would need about {} of memory ({} measured weeks × {} services × {} models × {} replications of results, and each worker's world of {} events), over the limit of {}; shorten the horizon or lower the replications, or raise the limit with --max-memory",
                bytes(s.memory_bytes),
                self.weeks,
                self.services,
                self.models,
                self.replications,
                count(s.events_per_world),
                bytes(self.limits.max_memory_bytes as f64),
            )
        }
    }
}

impl std::error::Error for TooBig {}

/// A size that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BytesError {
    /// No number first.
    #[error("\"{text}\" is not a size; write e.g. \"4GiB\" or \"512MiB\"")]
    NotANumber {
        /// The text.
        text: String,
    },
    /// A unit that is not bytes, a binary unit (KiB…TiB) or a decimal one (kB…TB).
    #[error(
        "\"{text}\": unknown unit \"{unit}\" (use KiB, MiB, GiB, TiB for powers of 1024, or kB, MB, GB, TB for powers of 1000)"
    )]
    UnknownUnit {
        /// The text.
        text: String,
        /// The unit.
        unit: String,
    },
    /// A bare prefix (`"2G"`), which could mean either.
    #[error("\"{text}\": say {binary} (powers of 1024) or {decimal} (powers of 1000)")]
    Ambiguous {
        /// The text.
        text: String,
        /// The binary reading, e.g. `2GiB`.
        binary: String,
        /// The decimal reading, e.g. `2GB`.
        decimal: String,
    },
    /// Zero, or more than a `u64` holds.
    #[error("\"{text}\" is not a usable size")]
    Unusable {
        /// The text.
        text: String,
    },
}

/// Reads a size with an explicit unit: `"4GiB"` (4 × 2³⁰ bytes; KiB, MiB, GiB, TiB are
/// powers of 1024), `"512 MB"` (512 × 10⁶ bytes; kB, MB, GB, TB are powers of 1000, as
/// the SI and disk makers use them), or a plain number of bytes. A bare prefix (`"2G"`) is
/// refused with both readings, rather than guessed.
pub fn parse_bytes(text: &str) -> Result<u64, BytesError> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number.parse().map_err(|_| BytesError::NotANumber {
        text: text.to_string(),
    })?;
    let unit = unit.trim();
    let power = |p: i32, base: f64| base.powi(p);
    let k = match unit.to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1.0,
        "kib" => power(1, 1024.0),
        "mib" => power(2, 1024.0),
        "gib" => power(3, 1024.0),
        "tib" => power(4, 1024.0),
        "kb" => power(1, 1000.0),
        "mb" => power(2, 1000.0),
        "gb" => power(3, 1000.0),
        "tb" => power(4, 1000.0),
        "k" | "m" | "g" | "t" => {
            let prefix = unit.to_ascii_uppercase();
            let decimal_prefix = if prefix == "K" { "k" } else { prefix.as_str() };
            return Err(BytesError::Ambiguous {
                text: text.to_string(),
                binary: format!("{number}{prefix}iB"),
                decimal: format!("{number}{decimal_prefix}B"),
            });
        }
        other => {
            return Err(BytesError::UnknownUnit {
                text: text.to_string(),
                unit: other.to_string(),
            });
        }
    };
    let v = n * k;
    if v.is_finite() && v >= 1.0 && v < u64::MAX as f64 {
        Ok(v as u64)
    } else {
        Err(BytesError::Unusable {
            text: text.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "{extra}\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"2/week\"\ndeploys_per_week = 10.0\nchange_failure_rate = 0.1\n"
        );
        crate::scenario::parsed(&text, "t.toml")
    }

    /// A streamed run holds per replication only the report's values, not the outcomes:
    /// on an organisation of 24 services it grows by a fraction of what holding them does.
    #[test]
    fn a_streamed_run_grows_by_the_reports_values_only() {
        let at = |n: u32| {
            let mut text = format!(
                "horizon = \"156w\"\nwarmup = \"52w\"\nreplications = {n}\nmodels = [\"you-run\", \"ops-run\", \"sre-run\"]\n[[teams]]\nname = \"a\"\n"
            );
            for i in 0..24 {
                text.push_str(&format!(
                    "[[services]]\nname = \"s{i}\"\nteam = \"a\"\nbackground_incidents = \"2/week\"\n"
                ));
            }
            let s = crate::scenario::parse(&text, "t.toml").unwrap();
            (
                estimate(&s, 2).memory_bytes,
                estimate_streamed(&s, 2).memory_bytes,
            )
        };
        let (whole_1k, streamed_1k) = at(1_000);
        let (whole_10k, streamed_10k) = at(10_000);
        assert!(
            streamed_10k < whole_10k / 4.0,
            "{streamed_10k} vs {whole_10k}"
        );
        assert!(
            streamed_10k - streamed_1k < (whole_10k - whole_1k) / 4.0,
            "{streamed_1k} → {streamed_10k} vs {whole_1k} → {whole_10k}"
        );
    }

    #[test]
    fn events_are_rates_times_the_horizon_times_models_and_replications() {
        let s =
            scenario("horizon = \"52w\"\nreplications = 10\nmodels = [\"you-run\", \"ops-run\"]");
        let size = estimate(&s, 1);
        // 52 weeks × (2 incidents + 10 deploys + 10 × 0.1 change incidents).
        assert!(
            (size.events_per_world - 52.0 * 13.0).abs() < 1e-6,
            "{size:?}"
        );
        assert!((size.events - 52.0 * 13.0 * 2.0 * 10.0).abs() < 1e-6);
        assert!(check(&s, 1, &Limits::default()).is_ok());
    }

    #[test]
    fn an_absurd_horizon_is_refused_with_the_flag_that_raises_the_limit() {
        // The longest horizon validation allows, with a hundred thousand replications.
        let s = scenario("horizon = \"1000y\"\nwarmup = \"1d\"\nreplications = 100000");
        let e = check(&s, 2, &Limits::default()).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("--max-events"), "{m}");
        let generous = Limits {
            max_events: u64::MAX,
            max_memory_bytes: 1 << 30,
        };
        let m = check(&s, 2, &generous).unwrap_err().to_string();
        assert!(m.contains("--max-memory") && m.contains("GiB"), "{m}");
    }

    #[test]
    fn sizes_in_users_words() {
        assert_eq!(parse_bytes("4GiB"), Ok(4 << 30));
        assert_eq!(
            parse_bytes(DEFAULT_MAX_MEMORY),
            Ok(Limits::default().max_memory_bytes)
        );
        assert_eq!(parse_bytes("512 MiB"), Ok(512 << 20));
        assert_eq!(parse_bytes("1MB"), Ok(1_000_000));
        assert_eq!(parse_bytes("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_bytes("1GiB"), Ok(1 << 30));
        assert_eq!(parse_bytes("2kB"), Ok(2000));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(
            parse_bytes("2G").unwrap_err().to_string(),
            "\"2G\": say 2GiB (powers of 1024) or 2GB (powers of 1000)"
        );
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("4 parsecs").is_err());
        assert_eq!(bytes(3.5 * 1024.0 * 1024.0 * 1024.0), "3.5 GiB");
    }
}
