//! The files of a run's results, from its four tables: the same function for `run` and
//! for `merge`, so that merged shards and a single run give the same bytes.

use anyhow::Context;
use polars::prelude::DataFrame;
use whoruns::report::{self, ReportData};
use whoruns::{Outcome, Scenario, export, summary, table};

use super::files::Files;

/// The four tables every result is built from.
pub struct Frames {
    /// One row per (model, replication).
    pub reps: DataFrame,
    /// One row per (model, replication, service).
    pub services: DataFrame,
    /// One row per (model, replication, week).
    pub timeseries: DataFrame,
    /// One row per (model, replication, bin).
    pub histogram: DataFrame,
}

/// The tables' file names, in [`Frames`] order.
pub const TABLES: [&str; 4] = [
    "replications.parquet",
    "services.parquet",
    "timeseries.parquet",
    "ttr_histogram.parquet",
];

impl Frames {
    /// The tables of `outcomes` (ordered by replication, then model).
    pub fn of(scenario: &Scenario, outcomes: &[Outcome]) -> anyhow::Result<Frames> {
        Ok(Frames {
            reps: export::replications_frame(outcomes)?,
            services: export::services_frame(scenario, outcomes)?,
            timeseries: export::timeseries_frame(scenario, outcomes)?,
            histogram: export::ttr_histogram_frame(outcomes)?,
        })
    }

    /// The tables as Parquet files, for a shard.
    pub fn parquet_files(&mut self) -> anyhow::Result<Files> {
        Ok(vec![
            (TABLES[0].into(), export::to_parquet(&mut self.reps)?),
            (TABLES[1].into(), export::to_parquet(&mut self.services)?),
            (TABLES[2].into(), export::to_parquet(&mut self.timeseries)?),
            (TABLES[3].into(), export::to_parquet(&mut self.histogram)?),
        ])
    }

    /// The tables of the shard folders `dirs`, one after the other (shards in order), as
    /// single-chunk tables. Each table is scanned lazily across the parts and collected
    /// once, so parts can sit on slow or mounted storage.
    pub fn read_parts(dirs: &[std::path::PathBuf]) -> anyhow::Result<Frames> {
        use polars::prelude::{LazyFrame, PlRefPath, ScanArgsParquet, UnionArgs, concat};
        let table = |name: &'static str| -> anyhow::Result<DataFrame> {
            let scans = dirs
                .iter()
                .map(|d| {
                    let path = d.join(name);
                    if !path.exists() {
                        anyhow::bail!("{} is missing", path.display());
                    }
                    let path = path.to_string_lossy().to_string();
                    LazyFrame::scan_parquet(
                        PlRefPath::from(path.as_str()),
                        ScanArgsParquet::default(),
                    )
                    .with_context(|| format!("cannot read {path}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let mut df = concat(scans, UnionArgs::default())
                .and_then(LazyFrame::collect)
                .with_context(|| format!("cannot merge the parts' {name}"))?;
            df.rechunk_mut();
            Ok(df)
        };
        Ok(Frames {
            reps: table(TABLES[0])?,
            services: table(TABLES[1])?,
            timeseries: table(TABLES[2])?,
            histogram: table(TABLES[3])?,
        })
    }
}

/// Every file of a run's results (tables, summary, pairwise, report unless `no_report`)
/// and the terminal summary. Summary and pairwise are computed from the tables, so a run
/// and merged shards of it agree to the byte.
pub fn result_files(
    scenario: &Scenario,
    scenario_text: String,
    frames: &mut Frames,
    no_report: bool,
) -> anyhow::Result<(Files, String)> {
    let data = ReportData::from_frames(
        scenario.clone(),
        &frames.reps,
        &frames.services,
        &frames.timeseries,
        &frames.histogram,
    )
    .context("cannot assemble the results")?;
    let values = |m: whoruns::ModelKind, name: &str| -> Vec<f64> {
        data.model(m)
            .map_or(Vec::new(), |d| d.values(name).to_vec())
    };
    let rows = summary::summarise_with(&scenario.models, scenario.reference, &values);
    let mut pairs = export::pairwise_frame(&summary::pairwise_with(&scenario.models, &values))?;
    let mut summary_df = export::summary_frame(&rows)?;
    let text = table::summary_table(scenario, &rows);
    let mut files: Files = vec![
        (TABLES[0].into(), export::to_parquet(&mut frames.reps)?),
        ("replications.csv".into(), export::to_csv(&mut frames.reps)?),
        (TABLES[1].into(), export::to_parquet(&mut frames.services)?),
        ("services.csv".into(), export::to_csv(&mut frames.services)?),
        ("summary.csv".into(), export::to_csv(&mut summary_df)?),
        ("pairwise.csv".into(), export::to_csv(&mut pairs)?),
        (
            TABLES[2].into(),
            export::to_parquet(&mut frames.timeseries)?,
        ),
        (TABLES[3].into(), export::to_parquet(&mut frames.histogram)?),
        ("summary.txt".into(), text.clone().into_bytes()),
        ("scenario.toml".into(), scenario_text.into_bytes()),
    ];
    if !no_report {
        files.extend(report::render(&data)?);
    }
    Ok((files, text))
}
