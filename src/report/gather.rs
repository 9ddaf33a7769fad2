//! The report's data gathered replication by replication as a run streams, instead of read
//! back from whole result frames: the same [`ReportData`] that
//! [`ReportData::from_frames`] assembles from the tables of the same outcomes, value for
//! value (tested), keeping only what the report reads — per replication the metrics, the
//! quarters, tier shares and the worst service, per week the weekly series' summaries it
//! draws bands of — never an outcome.
//!
//! The weekly series (open workarounds, each tier's budget share: one value per week, model
//! and replication, ≈ 300 MB at 10,000 baseline replications) are not held: each
//! replication's values are spilled to a scratch file ([`Spill`]) as they arrive and, when
//! the gathering finishes, read back a block of weeks at a time (every replication's values
//! of those weeks) and summarised ([`WeekBand`]) by the function the tables' reading uses.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::data::{ModelData, ReportData, WeekBand};
use crate::export::{QUARTER_COLUMNS, quarter_row};
use crate::metric::COLUMNS;
use crate::outcome::{Outcome, TTR_BINS};
use crate::scenario::Scenario;

/// One model's per-replication values being gathered.
struct Model {
    data: ModelData,
    /// Per column of [`QUARTER_COLUMNS`], per quarter, one value per replication.
    quarters: Vec<Vec<Vec<f64>>>,
}

/// Gathers [`ReportData`] from each replication's outcomes, in replication order.
pub struct Gather {
    scenario: Scenario,
    tiers: Vec<f64>,
    top_target: f64,
    /// Each tier's quarterly error budget, hours, summed over its services.
    tier_budget: Vec<f64>,
    /// Each service's tier.
    service_tier: Vec<Option<usize>>,
    /// Hours of the measured window.
    window: f64,
    models: Vec<Model>,
    replication_ids: Vec<u32>,
    /// Replications announced: every per-replication vector is made this long at once.
    capacity: usize,
    /// Whether any quarter was measured.
    any_quarter: bool,
    /// Gather the weekly, quarterly, per-service and histogram values the report draws;
    /// without them only the metrics (what the summaries need).
    series: bool,
    /// Which columns of [`QUARTER_COLUMNS`] are gathered.
    quarter_columns: [bool; QUARTER_COLUMNS.len()],
    /// Where the weekly values wait for the end.
    spill: Spill,
}

/// Bytes a spilled record begins with: the model's index and the week's, `u32` each.
const RECORD_HEAD: usize = 8;

/// Values read back at once, at most (unless one week alone holds more): 32 MB, the block
/// the memory guard's estimate counts.
pub const BLOCK_VALUES: usize = crate::guard::WEEKLY_BLOCK_VALUES;

/// Anything a spill can be written to and read back from.
trait Scratch: Read + Write + Seek + Send {}
impl<T: Read + Write + Seek + Send> Scratch for T {}

/// The weekly values of every replication, written as they arrive — one record per model,
/// replication and week: the model's index and the week's (`u32`), the open workarounds and
/// each tier's budget share (`f64`), little-endian — to a scratch file (or, without a
/// folder for it, to memory), then read back in blocks of weeks.
struct Spill {
    store: BufWriter<Box<dyn Scratch>>,
    /// The scratch file, removed when the spill is done with (none in memory).
    path: Option<PathBuf>,
    /// Records written.
    records: u64,
    /// Values per record after its head: the open workarounds and one per tier.
    values: usize,
    /// Values read back at once, at most ([`BLOCK_VALUES`]).
    block_values: usize,
    /// The first error writing, reported when the gathering finishes.
    failed: Option<std::io::Error>,
}

impl Spill {
    fn memory(tiers: usize) -> Spill {
        Spill {
            store: BufWriter::new(Box::new(Cursor::new(Vec::new()))),
            path: None,
            records: 0,
            values: 1 + tiers,
            block_values: BLOCK_VALUES,
            failed: None,
        }
    }

    /// A spill to a new scratch file in `dir`.
    fn file(dir: &Path, tiers: usize) -> std::io::Result<Spill> {
        let path = dir.join(".report-weeks.scratch");
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)?;
        Ok(Spill {
            store: BufWriter::with_capacity(1 << 20, Box::new(file)),
            path: Some(path),
            records: 0,
            values: 1 + tiers,
            block_values: BLOCK_VALUES,
            failed: None,
        })
    }

    /// Writes one record (the first error is kept for [`Spill::read_back`]).
    fn write(&mut self, model: usize, week: usize, values: &[f64]) {
        if self.failed.is_some() {
            return;
        }
        let store = &mut self.store;
        let written = store
            .write_all(&(model as u32).to_le_bytes())
            .and_then(|()| store.write_all(&(week as u32).to_le_bytes()))
            .and_then(|()| {
                values
                    .iter()
                    .try_for_each(|v| store.write_all(&v.to_le_bytes()))
            });
        match written {
            Ok(()) => self.records += 1,
            Err(e) => self.failed = Some(e),
        }
    }

    /// Reads every record back, `weeks[model]` weeks per model, a block of weeks per pass
    /// over the records, and hands each model's week (in week order) with its values in
    /// the order written — `[value][record]`: the open workarounds, then each tier's
    /// share — to `each`. The scratch file is removed.
    fn read_back(
        mut self,
        weeks: &[usize],
        each: &mut dyn FnMut(usize, &[Vec<f64>]),
    ) -> std::io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let result = self.passes(weeks, each);
        let removed = self.path.take().map_or(Ok(()), std::fs::remove_file);
        result.and(removed)
    }

    fn passes(
        &mut self,
        weeks: &[usize],
        each: &mut dyn FnMut(usize, &[Vec<f64>]),
    ) -> std::io::Result<()> {
        self.store.flush()?;
        let most_weeks = weeks.iter().copied().max().unwrap_or(0);
        if self.records == 0 || most_weeks == 0 {
            return Ok(());
        }
        // Values of one week across models and replications, on average.
        let per_week = (self.records as usize * self.values).div_ceil(most_weeks);
        let block = (self.block_values / per_week.max(1)).max(1);
        let store = self.store.get_mut();
        let mut record = vec![0u8; RECORD_HEAD + 8 * self.values];
        for start in (0..most_weeks).step_by(block) {
            let end = (start + block).min(most_weeks);
            // `[model][week - start][value][record]`.
            let mut held: Vec<Vec<Vec<Vec<f64>>>> = weeks
                .iter()
                .map(|&n| vec![vec![Vec::new(); self.values]; end.min(n).saturating_sub(start)])
                .collect();
            store.seek(SeekFrom::Start(0))?;
            let mut reader = BufReader::with_capacity(1 << 20, &mut *store);
            for _ in 0..self.records {
                reader.read_exact(&mut record)?;
                let word = |i: usize| {
                    let mut b = [0u8; 4];
                    b.copy_from_slice(&record[4 * i..4 * i + 4]);
                    u32::from_le_bytes(b) as usize
                };
                let (model, week) = (word(0), word(1));
                let Some(slot) = week
                    .checked_sub(start)
                    .and_then(|w| held.get_mut(model)?.get_mut(w))
                else {
                    continue;
                };
                for (series, bytes) in slot.iter_mut().zip(record[RECORD_HEAD..].chunks_exact(8)) {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(bytes);
                    series.push(f64::from_le_bytes(b));
                }
            }
            for (model, block) in held.into_iter().enumerate() {
                for values in block {
                    each(model, &values);
                }
            }
        }
        Ok(())
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The columns of `quarters.*` the report reads: the years compared (`years::METRICS`,
/// with the hours, restored incidents and restore hours `ModelData::year` weighs them
/// by) and the trajectories chart's panels. A run gathers only these (the others would
/// be 14 × 8 bytes per quarter, model and replication kept for nothing); the tables hold
/// them all.
pub const DRAWN_QUARTER_COLUMNS: [&str; 9] = [
    "hours",
    "incidents",
    "restored",
    "restore_hours",
    "mttr_hours",
    "availability",
    "cost_operating",
    "cost_unreliability",
    "cost_total",
];

impl Gather {
    /// Gathers for `scenario`'s models over `replications` replications everything the
    /// report reads.
    pub fn new(scenario: &Scenario, replications: u32) -> Gather {
        Gather::with_series(scenario, replications, true)
    }

    /// What a run gathers: with `report`, what the report draws (of the quarters, only
    /// [`DRAWN_QUARTER_COLUMNS`]); without, the metrics alone: enough for the summaries
    /// and pairwise tables, not for the report's charts.
    pub fn for_run(scenario: &Scenario, replications: u32, report: bool) -> Gather {
        let mut g = Gather::with_series(scenario, replications, report);
        for (kept, name) in g.quarter_columns.iter_mut().zip(QUARTER_COLUMNS) {
            *kept = DRAWN_QUARTER_COLUMNS.contains(&name);
        }
        g
    }

    /// [`Gather::new`], with the weekly, quarterly, per-service and histogram values only
    /// when `series`.
    fn with_series(scenario: &Scenario, replications: u32, series: bool) -> Gather {
        let top_target = scenario
            .services
            .iter()
            .map(|s| s.availability_target)
            .fold(0.0, f64::max);
        let tiers = scenario.tiers();
        let service_tier: Vec<Option<usize>> = scenario
            .services
            .iter()
            .map(|s| {
                tiers
                    .iter()
                    .position(|t| (t - s.availability_target).abs() < 1e-12)
            })
            .collect();
        let mut tier_budget = vec![0.0; tiers.len()];
        for (s, t) in service_tier.iter().enumerate() {
            if let Some(t) = t {
                tier_budget[*t] += crate::engine::quarter_budget(scenario, s);
            }
        }
        let capacity = replications as usize;
        let tiers_len = tiers.len();
        let models = scenario
            .models
            .iter()
            .map(|m| Model {
                data: ModelData {
                    model: *m,
                    metrics: HashMap::new(),
                    ttr_histogram: vec![0; TTR_BINS + 2],
                    weeks: Vec::new(),
                    quarters: Vec::new(),
                    quarter_values: HashMap::new(),
                    workarounds: Vec::new(),
                    budget_share_by_tier: vec![Vec::new(); tiers.len()],
                    top_tier_met: Vec::with_capacity(capacity),
                    top_tier_availability: Vec::with_capacity(capacity),
                    tier_met: vec![Vec::with_capacity(capacity); tiers.len()],
                    worst_service: Vec::with_capacity(capacity),
                },
                quarters: vec![Vec::new(); QUARTER_COLUMNS.len()],
            })
            .collect();
        Gather {
            scenario: scenario.clone(),
            tiers,
            top_target,
            tier_budget,
            service_tier,
            window: scenario.horizon_hours - scenario.warmup_hours,
            models,
            replication_ids: Vec::with_capacity(capacity),
            capacity,
            any_quarter: false,
            series,
            quarter_columns: [true; QUARTER_COLUMNS.len()],
            spill: Spill::memory(tiers_len),
        }
    }

    /// Spills the weekly values to a scratch file in `dir` (the run's staging folder) instead
    /// of memory; the file is removed when the gathering finishes or is dropped.
    pub fn spilling_in(mut self, dir: &Path) -> std::io::Result<Gather> {
        self.spill = Spill::file(dir, self.tiers.len())?;
        Ok(self)
    }

    /// Reads the weekly values back `values` at a time at most (tests: several passes).
    #[cfg(test)]
    fn block_values(mut self, values: usize) -> Gather {
        self.spill.block_values = values;
        self
    }

    /// Adds one replication's outcomes (every model).
    pub fn add(&mut self, outcomes: &[Outcome]) {
        for o in outcomes {
            let Some(k) = self.models.iter().position(|m| m.data.model == o.model) else {
                continue;
            };
            self.metrics(k, o);
            if !self.series {
                continue;
            }
            self.weekly(k, o);
            self.services(k, o);
            self.quarters(k, o);
            let histogram = &mut self.models[k].data.ttr_histogram;
            for (cell, c) in histogram.iter_mut().zip(&o.ttr_histogram) {
                *cell += u64::from(*c);
            }
        }
        if let Some(o) = outcomes.first() {
            self.replication_ids.push(o.replication);
        }
    }

    /// Every column of `replications.*` as the table holds it (counts as whole numbers).
    fn metrics(&mut self, k: usize, o: &Outcome) {
        let capacity = self.capacity;
        let metrics = &mut self.models[k].data.metrics;
        for m in COLUMNS {
            let v = m.get(o).unwrap_or(f64::NAN);
            let v = if m.unit == "count" {
                v as u64 as f64
            } else {
                v
            };
            metrics
                .entry(m.name.to_string())
                .or_insert_with(|| Vec::with_capacity(capacity))
                .push(v);
        }
    }

    /// Each week's open workarounds and each tier's budget left as a share of its budget,
    /// spilled.
    fn weekly(&mut self, k: usize, o: &Outcome) {
        let n_services = self.scenario.services.len();
        let mut remaining = vec![0.0; n_services];
        let md = &mut self.models[k].data;
        let mut values = vec![0.0; 1 + self.tiers.len()];
        for chunk in o.weekly.chunk_by(|a, b| a.week == b.week) {
            let mut open = 0u32;
            for x in chunk {
                if let Some(r) = remaining.get_mut(x.service as usize) {
                    *r = x.budget_remaining_hours;
                }
                open += u32::from(x.workarounds_open);
            }
            let week = u32::from(chunk[0].week);
            let w = match md.weeks.iter().position(|x| *x == week) {
                Some(w) => w,
                None => {
                    md.weeks.push(week);
                    md.weeks.len() - 1
                }
            };
            values.fill(0.0);
            values[0] = f64::from(open);
            for (s, t) in self.service_tier.iter().enumerate() {
                if let Some(t) = t {
                    values[1 + *t] += remaining[s];
                }
            }
            for (t, v) in values[1..].iter_mut().enumerate() {
                *v /= self.tier_budget[t].max(f64::MIN_POSITIVE);
            }
            self.spill.write(k, w, &values);
        }
    }

    /// The top tier's share met and availability, each tier's share met, and the service
    /// with the most downtime.
    fn services(&mut self, k: usize, o: &Outcome) {
        let md = &mut self.models[k].data;
        let (mut ok, mut n, mut avail) = (0.0, 0.0, 0.0);
        let mut by_tier = vec![(0.0, 0.0); self.tiers.len()];
        let mut worst: Option<(usize, f64)> = None;
        for (i, s) in self.scenario.services.iter().enumerate() {
            let hours = o.service_downtime_hours[i];
            let a = 1.0 - hours / self.window;
            let target = s.availability_target;
            if target + 1e-12 >= self.top_target {
                n += 1.0;
                avail += a;
                if a >= target {
                    ok += 1.0;
                }
            }
            if let Some(t) = self.service_tier[i] {
                by_tier[t].1 += 1.0;
                if a >= target {
                    by_tier[t].0 += 1.0;
                }
            }
            let best = worst.get_or_insert((i, f64::NEG_INFINITY));
            if hours > best.1 {
                *best = (i, hours);
            }
        }
        if n > 0.0 {
            md.top_tier_met.push(ok / n);
            md.top_tier_availability.push(avail / n);
        }
        for (t, (ok, n)) in by_tier.into_iter().enumerate() {
            if n > 0.0 {
                md.tier_met[t].push(ok / n);
            }
        }
        if let Some((i, h)) = worst {
            md.worst_service
                .push((self.scenario.services[i].name.clone(), h));
        }
    }

    /// Each measured quarter's row of `quarters.*`.
    fn quarters(&mut self, k: usize, o: &Outcome) {
        let n_services = self.scenario.services.len().max(1) as f64;
        let capacity = self.capacity;
        let columns = &mut self.models[k].quarters;
        for q in &o.quarters {
            self.any_quarter = true;
            let Some(i) = usize::from(q.quarter).checked_sub(1) else {
                continue;
            };
            let row = quarter_row(n_services, q);
            for ((series, v), kept) in columns.iter_mut().zip(row).zip(self.quarter_columns) {
                if !kept {
                    continue;
                }
                if series.len() <= i {
                    series.resize_with(i + 1, || Vec::with_capacity(capacity));
                }
                series[i].push(v);
            }
        }
    }

    /// The report's data; `None` when no replication was added. An error when the weekly
    /// values could not be spilled or read back.
    pub fn finish(mut self) -> std::io::Result<Option<ReportData>> {
        let weeks: Vec<usize> = self.models.iter().map(|m| m.data.weeks.len()).collect();
        let tiers = self.tiers.len();
        let spill = std::mem::replace(&mut self.spill, Spill::memory(tiers));
        let models = &mut self.models;
        spill.read_back(&weeks, &mut |k, values| {
            let md = &mut models[k].data;
            md.workarounds.push(WeekBand::workarounds(&values[0]));
            for (series, shares) in md.budget_share_by_tier.iter_mut().zip(&values[1..]) {
                series.push(WeekBand::budget_share(shares));
            }
        })?;
        let n_quarters = self
            .models
            .iter()
            .flat_map(|m| m.quarters.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        let mut models: Vec<ModelData> = Vec::with_capacity(self.models.len());
        for m in self.models {
            let mut data = m.data;
            if data.metrics.is_empty() {
                continue;
            }
            if self.any_quarter {
                data.quarters = (1..=n_quarters as u32).collect();
                data.quarter_values = QUARTER_COLUMNS
                    .iter()
                    .zip(m.quarters)
                    .zip(self.quarter_columns)
                    .filter(|(_, kept)| *kept)
                    .map(|((name, mut series), _)| {
                        series.resize_with(n_quarters, Vec::new);
                        ((*name).to_string(), series)
                    })
                    .collect();
            }
            models.push(data);
        }
        let replications = models
            .iter()
            .map(|m| m.values("incidents").len())
            .max()
            .unwrap_or(0);
        if replications == 0 {
            return Ok(None);
        }
        let mut replication_ids = self.replication_ids;
        replication_ids.sort_unstable();
        replication_ids.dedup();
        Ok(Some(ReportData {
            title: format!("whoruns report: {}", self.scenario.name),
            scenario: self.scenario,
            models,
            replications,
            top_target: self.top_target,
            tiers: self.tiers,
            replication_ids,
            brief: std::sync::OnceLock::new(),
            incentive: std::sync::OnceLock::new(),
            strengths: std::sync::OnceLock::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::export::Frames;

    /// Everything in a model's data, in a fixed order (maps sorted), every number to the
    /// last bit (`{:?}` of a float is its shortest exact form).
    fn canonical(d: &ReportData) -> String {
        let mut s = format!(
            "{:?} {:?} {} {} {:?} {}\n",
            d.tiers,
            d.replication_ids,
            d.replications,
            d.top_target,
            d.title,
            d.models.len()
        );
        for m in &d.models {
            let metrics: BTreeMap<_, _> = m.metrics.iter().collect();
            let quarters: BTreeMap<_, _> = m.quarter_values.iter().collect();
            s.push_str(&format!(
                "{:?}\n{metrics:?}\n{:?}\n{:?}\n{:?}\n{quarters:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
                m.model,
                m.ttr_histogram,
                m.weeks,
                m.quarters,
                m.workarounds,
                m.budget_share_by_tier,
                m.top_tier_met,
                m.top_tier_availability,
                m.tier_met,
                m.worst_service
            ));
        }
        s
    }

    fn check(text: &str) {
        let scenario = crate::scenario::parse(text, "q.toml").unwrap();
        let outcomes = crate::runner::run(&scenario, Some(2), &|| {}).unwrap();
        let frames = Frames::of(&scenario, &outcomes).unwrap();
        let read = ReportData::from_frames(
            scenario.clone(),
            &frames.reps,
            &frames.services,
            &frames.timeseries,
            &frames.histogram,
        )
        .unwrap()
        .with_quarters(&frames.quarters)
        .unwrap();
        let models = scenario.models.len();
        // The weekly values read back in one pass, one week per pass (a block holds fewer
        // values than there are replications × models), and from a scratch file.
        let dir = tempfile::tempdir().unwrap();
        for (block, file) in [(BLOCK_VALUES, false), (1, false), (7, true)] {
            let mut gather = Gather::new(&scenario, scenario.replications).block_values(block);
            if file {
                gather = gather.spilling_in(dir.path()).unwrap();
            }
            for replication in outcomes.chunks(models) {
                gather.add(replication);
            }
            let gathered = gather.finish().unwrap().unwrap();
            assert_eq!(canonical(&gathered), canonical(&read), "block {block}");
            let m = &gathered.models[0];
            assert!(!m.workarounds.is_empty() && m.workarounds.len() == m.weeks.len());
            assert!(m.workarounds.iter().all(|w| w.mean.is_finite()));
            assert_eq!(m.budget_share_by_tier.len(), gathered.tiers.len());
            assert!(
                m.budget_share_by_tier
                    .iter()
                    .all(|t| t.len() == m.weeks.len())
            );
            // The scratch file is gone.
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
        // What a run with the report gathers: the same, but the quarters' columns the
        // report does not read; without the report, the metrics alone.
        let mut run = Gather::for_run(&scenario, scenario.replications, true);
        for replication in outcomes.chunks(models) {
            run.add(replication);
        }
        let mut drawn = read.clone();
        for m in &mut drawn.models {
            m.quarter_values
                .retain(|name, _| DRAWN_QUARTER_COLUMNS.contains(&name.as_str()));
            assert_eq!(m.quarter_values.len(), DRAWN_QUARTER_COLUMNS.len());
        }
        assert_eq!(
            canonical(&run.finish().unwrap().unwrap()),
            canonical(&drawn)
        );
        let mut metrics_only = Gather::for_run(&scenario, scenario.replications, false);
        for replication in outcomes.chunks(models) {
            metrics_only.add(replication);
        }
        let metrics_only = metrics_only.finish().unwrap().unwrap();
        for (a, b) in metrics_only.models.iter().zip(&read.models) {
            let (x, y): (BTreeMap<_, _>, BTreeMap<_, _>) =
                (a.metrics.iter().collect(), b.metrics.iter().collect());
            assert_eq!(format!("{x:?}"), format!("{y:?}"));
            assert!(a.workarounds.is_empty() && a.quarter_values.is_empty());
        }
    }

    #[test]
    fn the_data_gathered_while_streaming_is_the_data_read_from_the_tables() {
        // Three tiers, a service with no incidents, a window of whole and partial quarters.
        check(
            "name = \"q\"\nhorizon = \"500d\"\nwarmup = \"100d\"\nreplications = 6\nmodels = [\"you-run\", \"ops-run\", \"sre-run\", \"you-and-sre-run\"]\n[[teams]]\nname = \"a\"\n[[teams]]\nname = \"b\"\n[[services]]\nname = \"checkout\"\nteam = \"a\"\navailability_target = 0.999\nbackground_incidents = \"2/day\"\n[[services]]\nname = \"search\"\nteam = \"b\"\navailability_target = 0.99\nbackground_incidents = \"1/week\"\n[[services]]\nname = \"quiet\"\nteam = \"b\"\navailability_target = 0.9995\nbackground_incidents = \"0/week\"\n[[services]]\nname = \"ledger\"\nteam = \"a\"\navailability_target = 0.99\nbackground_incidents = \"3/week\"\n",
        );
    }

    #[test]
    fn the_bundled_baseline_gathers_as_it_reads() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml"),
        )
        .unwrap();
        let text = text.replacen("replications = ", "replications = 3 # ", 1);
        check(&text);
    }
}
