//! A run's five tables streamed into their files as replications arrive, instead of built
//! whole: each replication's rows become a small frame of that table (by the same
//! functions that build the whole table), and a table is written one Parquet row group at
//! a time, with the CSV beside it. The row groups are exactly the ones polars writes for
//! the whole table held in one chunk ([`row_groups`]) with the rows per group
//! [`super::to_parquet`] sets ([`super::group_rows`], bounded in bytes), so the files are
//! byte for byte the files [`super::Frames`] gives; only one row group per table is held
//! at a time.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};

use polars::io::csv::write::BatchedWriter as CsvBatched;
use polars::io::parquet::write::BatchedWriter as ParquetBatched;
use polars::prelude::*;

use super::{
    ExportError, ROW_GROUP_BYTES, TABLES, group_rows, quarters_frame, replications_frame,
    services_frame, timeseries_frame, ttr_histogram_frame, wrap,
};
use crate::outcome::Outcome;
use crate::scenario::Scenario;

/// Where a streamed file's bytes go (a file in the staging folder, or memory in tests),
/// shared so that the stream flushes it, and reports a failure, once the file is complete.
#[derive(Clone)]
pub struct Sink(Arc<Mutex<Box<dyn Write + Send>>>);

impl Sink {
    /// A sink writing into `w`.
    pub fn new(w: impl Write + Send + 'static) -> Sink {
        Sink(Arc::new(Mutex::new(Box::new(w))))
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Box<dyn Write + Send>> {
        // A panic while writing leaves at worst a partial file, which is never published.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.inner().write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner().flush()
    }
}

/// The row groups, in rows, that polars' `ParquetWriter::finish` writes for a frame of
/// `rows` rows held in one chunk (what every table built from vectors is), asked for
/// `group_rows` rows a group: one group below `group_rows`; else `n = rows / group_rows`
/// groups, all of `rows / n` rows but the last, which takes the remainder
/// (`polars_core::frame::chunk_df_for_writing` and `split_and_flatten`).
pub fn row_groups(rows: usize, group_rows: usize) -> Vec<usize> {
    if rows == 0 {
        return Vec::new();
    }
    let n = rows / group_rows.max(1);
    if n <= 1 {
        return vec![rows];
    }
    let size = rows / n;
    let mut groups = vec![size; n - 1];
    groups.push(rows - size * (n - 1));
    groups
}

/// The CSV file written beside each table, if any ([`TABLES`] order).
const CSV: [Option<&str>; 5] = [
    Some("replications.csv"),
    Some("services.csv"),
    None,
    None,
    Some("quarters.csv"),
];

/// Pieces (one replication's rows each) merged into one chunk at a time.
const MERGE: usize = 64;

/// The frames `pieces` one under the other (as chunks; not yet one chunk).
fn concat(table: &'static str, pieces: Vec<DataFrame>) -> Result<DataFrame, ExportError> {
    let mut pieces = pieces.into_iter();
    let Some(mut all) = pieces.next() else {
        return Ok(DataFrame::empty());
    };
    for p in pieces {
        wrap(table, all.vstack_mut(&p).map(|_| ()))?;
    }
    Ok(all)
}

/// One table being streamed.
struct Table {
    /// Its Parquet file's name.
    name: &'static str,
    /// Where the Parquet bytes go, until the writer is made from the first rows' schema.
    parquet_sink: Option<Sink>,
    /// Where the CSV goes, likewise.
    csv_sink: Option<Sink>,
    parquet: Option<ParquetBatched<Sink>>,
    csv: Option<CsvBatched<Sink>>,
    /// Both files' sinks, flushed when the table is complete.
    files: Vec<(String, Sink)>,
    /// Row groups still to write, in rows; planned from the first replication's rows.
    plan: VecDeque<usize>,
    /// Rows each replication adds (every replication adds as many).
    rows_per_replication: Option<usize>,
    /// Rows of the row group being filled.
    pieces: Vec<DataFrame>,
    /// Of which the first are merged pieces ([`Table::consolidate`]).
    merged: usize,
    /// Their rows.
    buffered: usize,
    /// Bytes a row group aims at ([`ROW_GROUP_BYTES`]; smaller in tests).
    budget: usize,
}

impl Table {
    /// A table `name` written into `parquet` (and `csv`), nothing held yet; `files` are
    /// flushed when it is complete.
    fn new(
        name: &'static str,
        parquet: Sink,
        csv: Option<Sink>,
        files: Vec<(String, Sink)>,
        budget: usize,
    ) -> Table {
        Table {
            name,
            parquet_sink: Some(parquet),
            csv_sink: csv,
            parquet: None,
            csv: None,
            files,
            plan: VecDeque::new(),
            rows_per_replication: None,
            pieces: Vec::new(),
            merged: 0,
            buffered: 0,
            budget,
        }
    }

    /// Adds one replication's rows, writing each row group as it fills.
    fn push(&mut self, piece: DataFrame, replications: usize) -> Result<(), ExportError> {
        let rows = piece.height();
        match self.rows_per_replication {
            None => {
                self.rows_per_replication = Some(rows);
                self.start(&piece, rows * replications)?;
            }
            Some(r) if r != rows => {
                return Err(ExportError::Unreadable {
                    table: self.name,
                    problem: format!(
                        "a replication gave {rows} rows where the first gave {r}: the row groups cannot be planned"
                    ),
                });
            }
            Some(_) => {}
        }
        self.fill(piece)
    }

    /// Adds rows of any number, of a table of `rows` rows in all.
    fn push_rows(&mut self, piece: DataFrame, rows: usize) -> Result<(), ExportError> {
        // The Parquet writer is made, and the row groups planned, with the first rows.
        if self.parquet.is_none() {
            self.start(&piece, rows)?;
        }
        self.fill(piece)
    }

    /// Adds rows to the row group being filled, writing each row group as it fills.
    fn fill(&mut self, mut piece: DataFrame) -> Result<(), ExportError> {
        while piece.height() > 0 {
            let Some(&group) = self.plan.front() else {
                return Err(ExportError::Unreadable {
                    table: self.name,
                    problem: "more rows than were announced".into(),
                });
            };
            let want = group - self.buffered;
            if piece.height() < want {
                self.buffered += piece.height();
                self.pieces.push(piece);
                self.consolidate()?;
                return Ok(());
            }
            let (head, rest) = piece.split_at(want as i64);
            self.pieces.push(head);
            self.buffered += want;
            self.flush()?;
            piece = rest;
        }
        Ok(())
    }

    /// Makes the writers from the first rows' schema and plans the row groups of a table
    /// of `rows` rows.
    fn start(&mut self, first: &DataFrame, rows: usize) -> Result<(), ExportError> {
        let group = group_rows(first.schema(), self.budget);
        self.plan = row_groups(rows, group).into();
        if let Some(sink) = self.parquet_sink.take() {
            self.parquet = Some(wrap(
                self.name,
                ParquetWriter::new(sink)
                    .with_compression(super::compression())
                    .batched(first.schema()),
            )?);
        }
        if let Some(sink) = self.csv_sink.take() {
            self.csv = Some(wrap(
                self.name,
                CsvWriter::new(sink)
                    .include_header(true)
                    .batched(first.schema()),
            )?);
        }
        Ok(())
    }

    /// Merges the last [`MERGE`] pieces into one chunk once there are that many: a frame
    /// of a few rows carries more bookkeeping than values (a replication adds six rows of
    /// ninety columns to `replications.*`), so many small pieces would cost several times
    /// the rows they hold. The row group is one chunk in the end either way.
    fn consolidate(&mut self) -> Result<(), ExportError> {
        if self.pieces.len() < self.merged + MERGE {
            return Ok(());
        }
        let recent = self.pieces.split_off(self.merged);
        let mut merged = concat(self.name, recent)?;
        merged.rechunk_mut();
        self.pieces.push(merged);
        self.merged = self.pieces.len();
        Ok(())
    }

    /// Writes the full row group held.
    fn flush(&mut self) -> Result<(), ExportError> {
        self.plan.pop_front();
        let pieces = std::mem::take(&mut self.pieces);
        (self.buffered, self.merged) = (0, 0);
        if pieces.is_empty() {
            return Ok(());
        }
        let mut group = concat(self.name, pieces)?;
        group.rechunk_mut_par();
        if let Some(w) = self.parquet.as_mut() {
            wrap(self.name, w.write_batch(&group))?;
        }
        if let Some(w) = self.csv.as_mut() {
            wrap(self.name, w.write_batch(&group))?;
        }
        Ok(())
    }

    /// Writes the footers (and, for a table with no rows, the header and schema).
    fn finish(mut self) -> Result<(), ExportError> {
        if self.buffered > 0 || !self.plan.is_empty() {
            return Err(ExportError::Unreadable {
                table: self.name,
                problem: "fewer rows than were announced".into(),
            });
        }
        if let Some(w) = self.parquet.as_mut() {
            wrap(self.name, w.finish().map(|_| ()))?;
        }
        if let Some(w) = self.csv.as_mut() {
            wrap(self.name, w.finish())?;
        }
        for (file, mut sink) in self.files {
            sink.flush()
                .map_err(|source| ExportError::Io { file, source })?;
        }
        Ok(())
    }
}

/// The five tables of a run ([`TABLES`]), streamed: [`TableStream::push`] each
/// replication's outcomes in replication order, then [`TableStream::finish`].
pub struct TableStream {
    tables: Vec<Table>,
    /// Replications that will be pushed.
    replications: usize,
    /// Replications pushed so far.
    pushed: usize,
}

impl TableStream {
    /// Streams into the sinks `open` gives for each file name: the five Parquet tables,
    /// and with `csv` the CSV files beside three of them (`replications.csv`,
    /// `services.csv`, `quarters.csv`). `replications` is how many will be pushed: the
    /// row groups depend on the whole table's length.
    pub fn new(
        replications: u32,
        csv: bool,
        open: &mut dyn FnMut(&str) -> std::io::Result<Sink>,
    ) -> Result<TableStream, ExportError> {
        let mut tables = Vec::with_capacity(TABLES.len());
        for (name, csv_name) in TABLES.iter().zip(CSV) {
            let mut files = Vec::new();
            let mut opened = |file: &str| {
                let sink = open(file).map_err(|source| ExportError::Io {
                    file: file.to_string(),
                    source,
                })?;
                files.push((file.to_string(), sink.clone()));
                Ok::<Sink, ExportError>(sink)
            };
            let parquet_sink = opened(name)?;
            let csv_sink = match csv_name {
                Some(c) if csv => Some(opened(c)?),
                _ => None,
            };
            tables.push(Table::new(
                name,
                parquet_sink,
                csv_sink,
                files,
                ROW_GROUP_BYTES,
            ));
        }
        Ok(TableStream {
            tables,
            replications: replications as usize,
            pushed: 0,
        })
    }

    /// Adds one replication's outcomes (every model, in the scenario's order).
    pub fn push(&mut self, scenario: &Scenario, outcomes: &[Outcome]) -> Result<(), ExportError> {
        let pieces = [
            replications_frame(outcomes)?,
            services_frame(scenario, outcomes)?,
            timeseries_frame(scenario, outcomes)?,
            ttr_histogram_frame(outcomes)?,
            quarters_frame(scenario, outcomes)?,
        ];
        for (table, piece) in self.tables.iter_mut().zip(pieces) {
            table.push(piece, self.replications)?;
        }
        self.pushed += 1;
        Ok(())
    }

    /// Rows held for row groups not yet written, over all tables: never more than two row
    /// groups' worth per table, whatever the number of replications.
    pub fn rows_held(&self) -> usize {
        self.tables.iter().map(|t| t.buffered).sum()
    }

    /// Writes what is left and the files' footers. Every announced replication must have
    /// been pushed.
    pub fn finish(self) -> Result<(), ExportError> {
        if self.pushed != self.replications {
            return Err(ExportError::Unreadable {
                table: TABLES[0],
                problem: format!(
                    "{} replications streamed of {} announced",
                    self.pushed, self.replications
                ),
            });
        }
        for t in self.tables {
            t.finish()?;
        }
        Ok(())
    }
}

/// Bytes written into memory, shared with the [`Sink`] that writes them.
#[derive(Clone, Default)]
struct SharedBytes(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBytes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One table's Parquet bytes made from its rows in pieces of any length, in order: the
/// bytes [`super::to_parquet`] gives for the whole table, holding one row group of rows at
/// a time (what `whoruns merge` stacks from the parts' wide `timeseries`).
pub struct ParquetPieces {
    table: Table,
    bytes: SharedBytes,
    /// Rows in all.
    rows: usize,
}

impl ParquetPieces {
    /// A table `name` of `rows` rows in all.
    pub fn new(name: &'static str, rows: usize) -> ParquetPieces {
        let bytes = SharedBytes::default();
        ParquetPieces {
            table: Table::new(
                name,
                Sink::new(bytes.clone()),
                None,
                Vec::new(),
                ROW_GROUP_BYTES,
            ),
            bytes,
            rows,
        }
    }

    /// Aims at `budget` bytes a row group instead of [`ROW_GROUP_BYTES`] (tests).
    #[cfg(test)]
    fn within(mut self, budget: usize) -> Self {
        self.table.budget = budget;
        self
    }

    /// Adds the next rows.
    pub fn push(&mut self, piece: DataFrame) -> Result<(), ExportError> {
        self.table.push_rows(piece, self.rows)
    }

    /// The file's bytes, once every row is pushed.
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        let ParquetPieces { table, bytes, rows } = self;
        if rows == 0 {
            return Err(ExportError::Unreadable {
                table: table.name,
                problem: "no rows to write".into(),
            });
        }
        table.finish()?;
        let mut out = bytes
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(std::mem::take(&mut *out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Frames, ROW_GROUP_ROWS, row_bytes, to_csv, to_parquet_within};

    fn bytes(files: &[(String, SharedBytes)], name: &str) -> Vec<u8> {
        let m = &files.iter().find(|(n, _)| n == name).unwrap().1;
        m.0.lock().unwrap().clone()
    }

    /// Polars' own row groups, read back from the file it writes aiming at `budget` bytes
    /// a group.
    fn groups_written(df: &mut DataFrame, budget: usize) -> Vec<usize> {
        let bytes = to_parquet_within(df, budget).unwrap();
        let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
        let meta = reader.get_metadata().unwrap().clone();
        meta.row_groups.iter().map(|g| g.num_rows()).collect()
    }

    #[test]
    fn the_row_groups_planned_are_the_ones_polars_writes() {
        // A column of u32 (4 bytes a row): polars' default rows a group, and 1,000 rows a
        // group when aiming at 4,000 bytes.
        for (budget, group) in [(ROW_GROUP_BYTES, ROW_GROUP_ROWS), (4_000, 1_000)] {
            for rows in [
                1,
                group / 3,
                group - 1,
                group,
                group + 1,
                2 * group - 1,
                2 * group + 7,
                3 * group + group / 20,
                7 * group + 13,
            ] {
                let mut df = DataFrame::new_infer_height(vec![Column::new(
                    "x".into(),
                    (0..rows as u32).collect::<Vec<_>>(),
                )])
                .unwrap();
                assert_eq!(group_rows(df.schema(), budget), group);
                assert_eq!(
                    row_groups(rows, group),
                    groups_written(&mut df, budget),
                    "{rows} rows, {group} a group"
                );
            }
        }
        assert!(row_groups(0, 10).is_empty());
    }

    /// A narrow table gets polars' own row groups; a table of two columns per service for
    /// 200 services, groups of about 64 MiB, not a quarter of a million rows (600 MB).
    #[test]
    fn a_wide_tables_row_groups_are_bounded_in_bytes_not_rows() {
        let schema = |services: usize| {
            let mut s = Schema::default();
            s.insert("model".into(), DataType::String);
            s.insert("week".into(), DataType::UInt32);
            for i in 0..services {
                s.insert(format!("open_{i}").into(), DataType::UInt32);
                s.insert(format!("hours_{i}").into(), DataType::Float64);
            }
            s
        };
        assert_eq!(row_bytes(&schema(0)), 20);
        assert_eq!(row_bytes(&schema(200)), 20 + 200 * 12);
        assert_eq!(group_rows(&schema(8), ROW_GROUP_BYTES), ROW_GROUP_ROWS);
        let wide = group_rows(&schema(200), ROW_GROUP_BYTES);
        assert_eq!(wide, ROW_GROUP_BYTES / 2420);
        // Every group of any length of that table holds at most two budgets' worth.
        for rows in [1, wide, 2 * wide - 1, 5 * wide + 3, 1_000 * 936] {
            let most = row_groups(rows, wide).into_iter().max().unwrap();
            assert!(most * 2420 < 2 * ROW_GROUP_BYTES, "{rows} rows");
        }
    }

    /// A table of several row groups (long strings, whole numbers, floats and flags),
    /// streamed in pieces that straddle the groups' edges, gives the bytes of the whole:
    /// in polars' own groups, and in smaller ones aimed at fewer bytes.
    #[test]
    fn a_table_streamed_in_pieces_is_the_whole_table_to_the_byte() {
        let (pieces, per_piece) = (900usize, 997usize);
        let rows = pieces * per_piece;
        let names = ["you-and-sre-run", "ops-run", "you-run-ops-monitors"];
        let piece = |p: usize| {
            let at = p * per_piece;
            DataFrame::new_infer_height(vec![
                Column::new(
                    "model".into(),
                    (at..at + per_piece)
                        .map(|i| names[i % 3])
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "replication".into(),
                    (at..at + per_piece)
                        .map(|i| i as u32 / 7)
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "hours".into(),
                    (at..at + per_piece)
                        .map(|i| (i as f64).sqrt() * 1.37)
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "met".into(),
                    (at..at + per_piece).map(|i| i % 5 == 0).collect::<Vec<_>>(),
                ),
            ])
            .unwrap()
        };
        let mut whole = piece(0);
        for p in 1..pieces {
            whole.vstack_mut(&piece(p)).unwrap();
        }
        whole.rechunk_mut();
        // 29 bytes a row: polars' 262,144 rows a group, then 50,000.
        for budget in [ROW_GROUP_BYTES, 29 * 50_000] {
            let group = group_rows(whole.schema(), budget);
            assert_eq!(group, ROW_GROUP_ROWS.min(budget / 29));
            assert!(row_groups(rows, group).len() >= 3);
            let (parquet, csv) = (SharedBytes::default(), SharedBytes::default());
            let mut table = Table::new(
                "t",
                Sink::new(parquet.clone()),
                Some(Sink::new(csv.clone())),
                Vec::new(),
                budget,
            );
            for p in 0..pieces {
                table.push(piece(p), pieces).unwrap();
                assert!(table.buffered < 2 * group);
                // Small pieces are merged as they come: a bounded number of frames is held.
                assert!(table.pieces.len() <= 2 * MERGE + 2 * group / (MERGE * per_piece) + 1);
            }
            table.finish().unwrap();
            assert!(*parquet.0.lock().unwrap() == to_parquet_within(&mut whole, budget).unwrap());
            assert!(*csv.0.lock().unwrap() == to_csv(&mut whole).unwrap());
        }
    }

    /// Rows pushed in pieces of uneven lengths, straddling the groups' edges, give the
    /// whole table's bytes; too few rows are refused, as is a table of none.
    #[test]
    fn parquet_pieces_of_any_length_are_the_whole_table_to_the_byte() {
        let rows = 10_007usize;
        let mut whole = DataFrame::new_infer_height(vec![
            Column::new(
                "model".into(),
                (0..rows)
                    .map(|i| ["a", "bb", "ccc"][i % 3])
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "x".into(),
                (0..rows).map(|i| (i as f64).ln_1p()).collect::<Vec<_>>(),
            ),
            Column::new("n".into(), (0..rows as u32).collect::<Vec<_>>()),
        ])
        .unwrap();
        // 28 bytes a row: 262,144 rows a group (one group), then 700 (fourteen).
        for budget in [ROW_GROUP_BYTES, 28 * 700] {
            let expected = to_parquet_within(&mut whole, budget).unwrap();
            let mut file = ParquetPieces::new("t", rows).within(budget);
            let (mut at, mut len) = (0, 1);
            while at < rows {
                let n = len.min(rows - at);
                file.push(whole.slice(at as i64, n)).unwrap();
                (at, len) = (at + n, len * 3 + 1);
            }
            assert!(file.finish().unwrap() == expected, "{budget}");
        }
        let mut short = ParquetPieces::new("t", rows);
        short.push(whole.slice(0, 10)).unwrap();
        assert!(short.finish().is_err());
        assert!(ParquetPieces::new("t", 0).finish().is_err());
    }

    /// A run's five tables streamed replication by replication are the tables of all its
    /// outcomes, to the byte; and a replication too many or too few is an error.
    #[test]
    fn a_runs_tables_streamed_are_the_tables_built_whole() {
        let text = "name = \"q\"\nhorizon = \"400d\"\nwarmup = \"100d\"\nreplications = 5\nmodels = [\"you-run\", \"ops-run\", \"sre-run\"]\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"checkout-service-api\"\nteam = \"a\"\navailability_target = 0.999\nbackground_incidents = \"1/day\"\n[[services]]\nname = \"s2\"\nteam = \"a\"\navailability_target = 0.99\nbackground_incidents = \"1/week\"\n";
        let scenario = crate::scenario::parse(text, "q.toml").unwrap();
        let outcomes = crate::runner::run(&scenario, Some(2), &|| {}).unwrap();
        let files = std::cell::RefCell::new(Vec::new());
        let mut open = |name: &str| {
            let m = SharedBytes::default();
            files.borrow_mut().push((name.to_string(), m.clone()));
            Ok(Sink::new(m))
        };
        let mut stream = TableStream::new(scenario.replications, true, &mut open).unwrap();
        for (r, replication) in outcomes.chunks(3).enumerate() {
            stream.push(&scenario, replication).unwrap();
            // Rows wait for their row group (here the one group of each table), which is
            // written as soon as it is full.
            let last = r + 1 == scenario.replications as usize;
            assert_eq!(stream.rows_held() == 0, last, "after replication {r}");
        }
        stream.finish().unwrap();
        let files = files.into_inner();
        let mut frames = Frames::of(&scenario, &outcomes).unwrap();
        let mut whole = frames.parquet_files().unwrap();
        whole.push(("replications.csv".into(), to_csv(&mut frames.reps).unwrap()));
        whole.push(("services.csv".into(), to_csv(&mut frames.services).unwrap()));
        whole.push(("quarters.csv".into(), to_csv(&mut frames.quarters).unwrap()));
        assert_eq!(files.len(), 8);
        for (name, expected) in &whole {
            assert!(bytes(&files, name) == *expected, "{name} differs");
        }
        // One replication short, or one too many.
        let mut open = |_: &str| Ok(Sink::new(SharedBytes::default()));
        let mut short = TableStream::new(scenario.replications, false, &mut open).unwrap();
        for replication in outcomes.chunks(3).skip(1) {
            short.push(&scenario, replication).unwrap();
        }
        assert!(short.finish().is_err());
        let mut long = TableStream::new(2, false, &mut open).unwrap();
        let pushed: Vec<_> = outcomes
            .chunks(3)
            .map(|r| long.push(&scenario, r).is_ok())
            .collect();
        assert_eq!(pushed[..2], [true, true]);
        assert!(pushed[2..].iter().any(|ok| !ok) || long.finish().is_err());
    }
}
