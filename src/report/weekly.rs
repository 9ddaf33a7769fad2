//! The columns of `timeseries.*` the report reads, reduced as they are read: each row's
//! model, week and open workarounds, and each tier's budget left summed over the tier's
//! services — three numbers a row for a table that has two columns a service. A folder's
//! `timeseries.parquet` is read one row group at a time into them ([`WeeklyRows::from_parquet`]),
//! so `whoruns report DIR` holds a row group of the wide table, not the whole of it.

use std::io::Cursor;

use polars::prelude::*;

use super::data::{DataError, numbers, strings, tier_of};
use crate::export::per_service_column;
use crate::scenario::Scenario;

/// Name of the table, in messages.
const TABLE: &str = "timeseries";

/// What the report reads of `timeseries.*`, one value per row, in the table's order.
#[derive(Debug, Clone)]
pub struct WeeklyRows {
    /// Model keys.
    pub(super) models: Vec<String>,
    /// Week numbers.
    pub(super) week: Vec<f64>,
    /// Workarounds open over all services.
    pub(super) open: Vec<f64>,
    /// Hours of error budget left, summed over each tier's services (in the scenario's
    /// order), `[tier][row]`; tiers as [`Scenario::tiers`] lists them.
    pub(super) tier_left: Vec<Vec<f64>>,
}

impl WeeklyRows {
    /// Reads them from the rows of `timeseries` (the whole table, or some of its rows).
    pub fn read(scenario: &Scenario, timeseries: &DataFrame) -> Result<WeeklyRows, DataError> {
        let tiers = scenario.tiers().len();
        let mut tier_left = vec![vec![0.0; timeseries.height()]; tiers];
        for (t, name) in tier_columns(scenario) {
            let left = numbers(timeseries, TABLE, &name)?;
            for (acc, x) in tier_left[t].iter_mut().zip(left) {
                *acc += x;
            }
        }
        Ok(WeeklyRows {
            models: strings(timeseries, TABLE, "model")?,
            week: numbers(timeseries, TABLE, "week")?,
            open: numbers(timeseries, TABLE, "workarounds_open")?,
            tier_left,
        })
    }

    /// Rows read.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// Whether no row was read.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Whether they are rows of a table of `scenario`'s: as many tiers, and every column
    /// as long as the others.
    pub(super) fn fits(&self, scenario: &Scenario) -> bool {
        let n = self.models.len();
        self.tier_left.len() == scenario.tiers().len()
            && self.week.len() == n
            && self.open.len() == n
            && self.tier_left.iter().all(|t| t.len() == n)
    }

    /// Appends `more`, the table's next rows (read for the same scenario).
    fn append(&mut self, more: WeeklyRows) {
        self.models.extend(more.models);
        self.week.extend(more.week);
        self.open.extend(more.open);
        for (mine, theirs) in self.tier_left.iter_mut().zip(more.tier_left) {
            mine.extend(theirs);
        }
    }

    /// Reads them from each row group of `file` in turn (of `columns`, all without them),
    /// starting from none of its rows: a file of no row group still has its columns
    /// checked.
    fn from_groups(
        scenario: &Scenario,
        file: &Groups<'_>,
        columns: Option<&[String]>,
        each: &mut dyn FnMut(DataFrame) -> Result<(), DataError>,
    ) -> Result<WeeklyRows, DataError> {
        let mut rows = WeeklyRows::read(scenario, &file.read(columns, Some((0, 0)))?)?;
        file.each(columns, &mut |part| {
            rows.append(WeeklyRows::read(scenario, &part)?);
            each(part)
        })?;
        Ok(rows)
    }

    /// Reads them from the bytes of a `timeseries.parquet` (`label`, its path in messages),
    /// one row group at a time and only the columns used: the same values as
    /// [`WeeklyRows::read`] of the whole table, holding the compressed file and one row
    /// group of those columns, not the table. A column the report needs and the file lacks
    /// is named, as when reading it whole ([`DataError::Column`]); a file that cannot be
    /// read is [`DataError::Read`].
    pub fn from_parquet(
        scenario: &Scenario,
        label: &str,
        bytes: &[u8],
    ) -> Result<WeeklyRows, DataError> {
        let file = Groups::of(label, bytes)?;
        // Only the columns present: a missing one is then reported by `read`, by name.
        let columns: Vec<String> = ["model", "week", "workarounds_open"]
            .map(String::from)
            .into_iter()
            .chain(tier_columns(scenario).into_iter().map(|(_, c)| c))
            .filter(|c| file.schema.contains(c))
            .collect();
        WeeklyRows::from_groups(scenario, &file, Some(&columns), &mut |_| Ok(()))
    }
}

/// Each tier's services' `error_budget_remaining_hours` columns, in the scenario's order,
/// with the tier's index in [`Scenario::tiers`].
fn tier_columns(scenario: &Scenario) -> Vec<(usize, String)> {
    let tiers = scenario.tiers();
    scenario
        .services
        .iter()
        .filter_map(|svc| {
            let t = tier_of(&tiers, svc.availability_target)?;
            Some((
                t,
                per_service_column("error_budget_remaining_hours", &svc.name),
            ))
        })
        .collect()
}

/// A Parquet file's bytes, its footer read once: its schema and row groups, each read in
/// turn without parsing the footer again.
struct Groups<'a> {
    /// The file, in messages.
    label: &'a str,
    bytes: &'a [u8],
    /// The columns, names and types.
    schema: std::sync::Arc<ArrowSchema>,
    meta: FileMetadataRef,
}

impl<'a> Groups<'a> {
    fn of(label: &'a str, bytes: &'a [u8]) -> Result<Groups<'a>, DataError> {
        let mut reader = ParquetReader::new(Cursor::new(bytes));
        let unreadable = |e: PolarsError| unreadable(label, &e);
        let schema = reader.schema().map_err(unreadable)?;
        let meta = reader.get_metadata().map_err(unreadable)?.clone();
        Ok(Groups {
            label,
            bytes,
            schema,
            meta,
        })
    }

    /// Rows in all.
    fn rows(&self) -> usize {
        self.meta.row_groups.iter().map(|g| g.num_rows()).sum()
    }

    /// The rows `slice` (all without one) of `columns` (all without them).
    fn read(
        &self,
        columns: Option<&[String]>,
        slice: Option<(usize, usize)>,
    ) -> Result<DataFrame, DataError> {
        let mut reader = ParquetReader::new(Cursor::new(self.bytes))
            .with_columns(columns.map(<[String]>::to_vec))
            .with_slice(slice);
        reader.set_metadata(self.meta.clone());
        reader.finish().map_err(|e| unreadable(self.label, &e))
    }

    /// Hands each row group's rows of `columns` (all without them) to `f`, in order.
    fn each(
        &self,
        columns: Option<&[String]>,
        f: &mut dyn FnMut(DataFrame) -> Result<(), DataError>,
    ) -> Result<(), DataError> {
        let mut offset = 0;
        for group in self.meta.row_groups.iter().map(|g| g.num_rows()) {
            f(self.read(columns, Some((offset, group)))?)?;
            offset += group;
        }
        Ok(())
    }
}

/// A file that could not be read, named.
fn unreadable(label: &str, e: &dyn std::fmt::Display) -> DataError {
    DataError::Read {
        message: format!("{label}: {e}"),
    }
}

/// The stacked `timeseries.parquet` of a merge's parts (each part's file's bytes, labelled
/// for messages, in replication order), and what the report reads of it: the file the
/// single run writes (the whole table's row groups, [`crate::export::ParquetPieces`]), read
/// and written a row group at a time instead of stacked whole (the parts' compressed files
/// and the merged one are held). Every part must have the first one's columns, names and
/// types.
pub fn merge_parquet(
    scenario: &Scenario,
    parts: &[(String, Vec<u8>)],
) -> Result<(WeeklyRows, Vec<u8>), DataError> {
    let files = parts
        .iter()
        .map(|(label, bytes)| Groups::of(label, bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = files.first() else {
        return Err(DataError::Read {
            message: "no parts to merge".into(),
        });
    };
    if let Some(odd) = files.iter().find(|f| f.schema != first.schema) {
        return Err(DataError::Read {
            message: format!(
                "cannot merge the parts' timeseries.parquet: {} has other columns than {}",
                odd.label, first.label
            ),
        });
    }
    let rows: usize = files.iter().map(Groups::rows).sum();
    if rows == 0 {
        // No rows (no measured week): the first part's empty table, as it is.
        let mut empty = first.read(None, None)?;
        let weekly = WeeklyRows::read(scenario, &empty)?;
        let file =
            crate::export::to_parquet(&mut empty).map_err(|e| unreadable(first.label, &e))?;
        return Ok((weekly, file));
    }
    let mut file = crate::export::ParquetPieces::new("timeseries", rows);
    let mut weekly = WeeklyRows::read(scenario, &first.read(None, Some((0, 0)))?)?;
    for part in &files {
        weekly.append(WeeklyRows::from_groups(
            scenario,
            part,
            None,
            &mut |piece| file.push(piece).map_err(|e| unreadable(part.label, &e)),
        )?);
    }
    let file = file.finish().map_err(|e| DataError::Read {
        message: e.to_string(),
    })?;
    Ok((weekly, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Frames, row_groups, to_parquet_within};

    /// Three services in two tiers, a few replications of three models.
    const SCENARIO: &str = "name = \"w\"\nhorizon = \"300d\"\nwarmup = \"100d\"\nreplications = 4\nmodels = [\"you-run\", \"ops-run\", \"sre-run\"]\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"checkout\"\nteam = \"a\"\navailability_target = 0.999\nbackground_incidents = \"1/day\"\n[[services]]\nname = \"search\"\nteam = \"a\"\navailability_target = 0.99\nbackground_incidents = \"2/week\"\n[[services]]\nname = \"ledger\"\nteam = \"a\"\navailability_target = 0.999\nbackground_incidents = \"3/week\"\n";

    /// The scenario, its tables and what the report reads of the whole `timeseries`.
    fn simulated() -> (Scenario, Frames, WeeklyRows) {
        let scenario = crate::scenario::parse(SCENARIO, "w.toml").unwrap();
        let outcomes = crate::runner::run(&scenario, Some(2), &|| {}).unwrap();
        let frames = Frames::of(&scenario, &outcomes).unwrap();
        let whole = WeeklyRows::read(&scenario, &frames.timeseries).unwrap();
        (scenario, frames, whole)
    }

    fn bits(rows: &WeeklyRows) -> Vec<Vec<u64>> {
        let mut out = vec![
            rows.week.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            rows.open.iter().map(|x| x.to_bits()).collect(),
        ];
        out.extend(
            rows.tier_left
                .iter()
                .map(|t| t.iter().map(|x| x.to_bits()).collect()),
        );
        out
    }

    /// The file read a row group at a time, in groups of a few rows or one, gives every
    /// value of the whole table read at once, to the bit.
    #[test]
    fn a_file_read_group_by_group_gives_the_whole_tables_values() {
        let (scenario, mut frames, whole) = simulated();
        assert!(whole.len() > 100);
        assert_eq!(whole.tier_left.len(), 2);
        let width = crate::export::row_bytes(frames.timeseries.schema());
        for rows_a_group in [1_000_000, 37, 1] {
            let bytes = to_parquet_within(&mut frames.timeseries, width * rows_a_group).unwrap();
            let groups = ParquetReader::new(Cursor::new(&bytes[..]))
                .get_metadata()
                .unwrap()
                .row_groups
                .len();
            assert_eq!(groups, row_groups(whole.len(), rows_a_group).len());
            let read = WeeklyRows::from_parquet(&scenario, "t.parquet", &bytes).unwrap();
            assert_eq!(read.models, whole.models, "{rows_a_group} rows a group");
            assert_eq!(bits(&read), bits(&whole), "{rows_a_group} rows a group");
        }
    }

    /// Parts of uneven lengths (one of none), each written with its own row groups,
    /// stacked: the whole table's file to the byte and its values to the bit; parts with
    /// other columns, or columns of other types, are refused, naming both.
    #[test]
    fn merged_parts_are_the_whole_tables_file_and_values() {
        let (scenario, mut frames, whole) = simulated();
        let expected = crate::export::to_parquet(&mut frames.timeseries).unwrap();
        let rows = frames.timeseries.height();
        let width = crate::export::row_bytes(frames.timeseries.schema());
        let cuts = [0, 0, 1, rows / 3, rows - 5, rows];
        let parts: Vec<(String, Vec<u8>)> = cuts
            .windows(2)
            .enumerate()
            .map(|(k, w)| {
                let mut part = frames.timeseries.slice(w[0] as i64, w[1] - w[0]);
                // Each part in groups of 29 rows.
                (
                    format!("part{k}"),
                    to_parquet_within(&mut part, width * 29).unwrap(),
                )
            })
            .collect();
        let (weekly, file) = merge_parquet(&scenario, &parts).unwrap();
        assert!(file == expected);
        assert_eq!(weekly.models, whole.models);
        assert_eq!(bits(&weekly), bits(&whole));
        // A part without a column, and one with a column of another type.
        let mut without = frames.timeseries.drop("week").unwrap();
        let week = frames.timeseries.column("week").unwrap();
        let mut retyped = frames.timeseries.clone();
        retyped
            .with_column(week.cast(&DataType::Int64).unwrap())
            .unwrap();
        for (first, odd) in [(0, &mut without), (2, &mut retyped)] {
            let odd = ("odd".to_string(), crate::export::to_parquet(odd).unwrap());
            let e = merge_parquet(&scenario, &[parts[first].clone(), odd]).unwrap_err();
            let m = e.to_string();
            assert!(
                m.contains(&format!("odd has other columns than part{first}")),
                "{m}"
            );
        }
        assert!(merge_parquet(&scenario, &[]).is_err());
    }

    /// A column the report needs and the file lacks is named; bytes that are no Parquet
    /// file are refused.
    #[test]
    fn a_missing_column_is_named_and_a_broken_file_refused() {
        let scenario = crate::scenario::parse(SCENARIO, "w.toml").unwrap();
        let outcomes = crate::runner::run(&scenario, Some(1), &|| {}).unwrap();
        let frames = Frames::of(&scenario, &outcomes).unwrap();
        let column = per_service_column("error_budget_remaining_hours", "search");
        let mut without = frames.timeseries.drop(&column).unwrap();
        let bytes = crate::export::to_parquet(&mut without).unwrap();
        let e = WeeklyRows::from_parquet(&scenario, "t.parquet", &bytes).unwrap_err();
        assert!(e.to_string().contains(&column), "{e}");
        let mut empty = frames.timeseries.slice(0, 0);
        let bytes = crate::export::to_parquet(&mut empty).unwrap();
        assert!(
            WeeklyRows::from_parquet(&scenario, "t.parquet", &bytes)
                .unwrap()
                .is_empty()
        );
        let mut no_model = empty.drop("model").unwrap();
        let bytes = crate::export::to_parquet(&mut no_model).unwrap();
        let e = WeeklyRows::from_parquet(&scenario, "t.parquet", &bytes).unwrap_err();
        assert!(e.to_string().contains("model"), "{e}");
        let e = WeeklyRows::from_parquet(&scenario, "t.parquet", b"not parquet").unwrap_err();
        assert!(matches!(e, DataError::Read { .. }), "{e}");
        assert!(e.to_string().starts_with("t.parquet: "), "{e}");
    }
}
