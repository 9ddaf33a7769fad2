//! The five tables every run's results are built from, made from outcomes (a run, a
//! shard) or read back from shards' parts; the same for `run` and `merge`, so that merged
//! shards and a single run give the same bytes.

use polars::prelude::DataFrame;

use super::{
    ExportError, Files, quarters_frame, replications_frame, services_frame, timeseries_frame,
    to_parquet, ttr_histogram_frame,
};
use crate::outcome::Outcome;
use crate::scenario::Scenario;

/// The five tables every result is built from.
pub struct Frames {
    /// One row per (model, replication).
    pub reps: DataFrame,
    /// One row per (model, replication, service).
    pub services: DataFrame,
    /// One row per (model, replication, week).
    pub timeseries: DataFrame,
    /// One row per (model, replication, bin).
    pub histogram: DataFrame,
    /// One row per (model, replication, measured quarter).
    pub quarters: DataFrame,
    /// The headline metrics at the other strengths of learning (`strengths.parquet`), when
    /// computed with the results: a shard's block, or the parts' stacked for a merge.
    pub strengths: Option<DataFrame>,
}

/// The file of [`Frames::strengths`].
pub const STRENGTHS: &str = "strengths.parquet";

/// The tables' file names, in [`Frames`] order.
pub const TABLES: [&str; 5] = [
    "replications.parquet",
    "services.parquet",
    "timeseries.parquet",
    "ttr_histogram.parquet",
    "quarters.parquet",
];

impl Frames {
    /// The tables of `outcomes` (ordered by replication, then model).
    pub fn of(scenario: &Scenario, outcomes: &[Outcome]) -> Result<Frames, ExportError> {
        Ok(Frames {
            reps: replications_frame(outcomes)?,
            services: services_frame(scenario, outcomes)?,
            timeseries: timeseries_frame(scenario, outcomes)?,
            histogram: ttr_histogram_frame(outcomes)?,
            strengths: None,
            quarters: quarters_frame(scenario, outcomes)?,
        })
    }

    /// The tables as Parquet files, for a shard.
    pub fn parquet_files(&mut self) -> Result<Files, ExportError> {
        let mut files: Files = vec![
            (TABLES[0].into(), to_parquet(&mut self.reps)?),
            (TABLES[1].into(), to_parquet(&mut self.services)?),
            (TABLES[2].into(), to_parquet(&mut self.timeseries)?),
            (TABLES[3].into(), to_parquet(&mut self.histogram)?),
            (TABLES[4].into(), to_parquet(&mut self.quarters)?),
        ];
        if let Some(df) = self.strengths.as_mut() {
            files.push((STRENGTHS.into(), to_parquet(df)?));
        }
        Ok(files)
    }
}
