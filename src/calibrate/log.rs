//! Incident logs: rows read from a CSV export into incidents, bad rows skipped and counted
//! by reason; and the other way, a simulated replication written as a generic log.
//!
//! Reading is eager with projection (polars' CSV reader): the header first, then only the
//! columns a layout needs, every value as text, so that a few hundred thousand rows take
//! seconds and a malformed value costs its row, never the file.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use super::format::{Columns, Format, detect};
use super::time::{self, Stamp};

/// Why a row was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// No incident id.
    MissingId,
    /// No service.
    MissingService,
    /// No creation time.
    MissingTimestamp,
    /// A timestamp (or seconds to acknowledge) that does not parse.
    UnparseableTimestamp,
    /// An empty or placeholder severity, or one outside `--severities`.
    UnknownSeverity,
    /// An id seen on an earlier row.
    DuplicateId,
    /// Resolved before it was created.
    ResolvedBeforeCreated,
    /// Acknowledged before it was created or after it was resolved.
    AcknowledgedOutsideIncident,
    /// A time-zone offset other than the one most of the log uses.
    MixedTimeZoneOffsets,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 9] = [
        Reason::MissingId,
        Reason::MissingService,
        Reason::MissingTimestamp,
        Reason::UnparseableTimestamp,
        Reason::UnknownSeverity,
        Reason::DuplicateId,
        Reason::ResolvedBeforeCreated,
        Reason::AcknowledgedOutsideIncident,
        Reason::MixedTimeZoneOffsets,
    ];

    /// The key in `skipped.csv`'s `reason` column.
    pub fn key(self) -> &'static str {
        match self {
            Reason::MissingId => "missing_id",
            Reason::MissingService => "missing_service",
            Reason::MissingTimestamp => "missing_timestamp",
            Reason::UnparseableTimestamp => "unparseable_timestamp",
            Reason::UnknownSeverity => "unknown_severity",
            Reason::DuplicateId => "duplicate_id",
            Reason::ResolvedBeforeCreated => "resolved_before_created",
            Reason::AcknowledgedOutsideIncident => "acknowledged_outside_incident",
            Reason::MixedTimeZoneOffsets => "mixed_time_zone_offsets",
        }
    }

    /// In words, for the summary.
    pub fn words(self) -> &'static str {
        match self {
            Reason::MissingId => "no incident id",
            Reason::MissingService => "no service",
            Reason::MissingTimestamp => "no creation time",
            Reason::UnparseableTimestamp => "a timestamp that is not RFC 3339",
            Reason::UnknownSeverity => "an unknown or empty severity",
            Reason::DuplicateId => "an id seen on an earlier row",
            Reason::ResolvedBeforeCreated => "resolved before it was created",
            Reason::AcknowledgedOutsideIncident => {
                "acknowledged before it was created or after it was resolved"
            }
            Reason::MixedTimeZoneOffsets => "a time-zone offset unlike the rest of the log",
        }
    }
}

/// A skipped row.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    /// Line in the file, the header being line 1 (a quoted value spanning lines shifts it).
    pub line: usize,
    /// The row's id, if it had one.
    pub id: String,
    /// Why.
    pub reason: Reason,
    /// The offending value or a few words on it.
    pub detail: String,
}

/// One usable incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its id.
    pub id: String,
    /// Its service.
    pub service: String,
    /// Its team, where the log has one.
    pub team: Option<String>,
    /// Its severity class.
    pub severity: String,
    /// When it was opened.
    pub created: Stamp,
    /// When it was first acknowledged, seconds since the epoch.
    pub acknowledged: Option<f64>,
    /// When it was resolved, seconds since the epoch; None while open.
    pub resolved: Option<f64>,
}

/// A log read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    /// The columns used.
    pub columns: Columns,
    /// Data rows in the file.
    pub rows: usize,
    /// Usable incidents, in file order.
    pub records: Vec<Record>,
    /// Skipped rows, in file order.
    pub skipped: Vec<Skip>,
    /// The time-zone offset of the log (minutes), the one most rows use.
    pub offset_minutes: i32,
}

impl Log {
    /// Skipped rows per reason, in [`Reason::ALL`] order, reasons with none left out.
    pub fn skipped_by_reason(&self) -> Vec<(Reason, usize)> {
        Reason::ALL
            .iter()
            .map(|r| (*r, self.skipped.iter().filter(|s| s.reason == *r).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// The log could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The header fits no layout.
    #[error(transparent)]
    Header(#[from] super::format::HeaderError),
    /// polars could not read the CSV.
    #[error("cannot read it as CSV: {0}")]
    Csv(String),
    /// `--severity-column` names a column the file does not have.
    #[error("--severity-column {column:?} is not in the header; the file has: {header}")]
    NoSuchColumn {
        /// The column asked for.
        column: String,
        /// The file's header.
        header: String,
    },
}

/// How to read severities.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The layout, or None to detect it from the header.
    pub format: Option<Format>,
    /// The severities to accept (matched case-insensitively); None accepts any but
    /// empty and placeholder values.
    pub severities: Option<Vec<String>>,
    /// A column to read severities from instead of the layout's.
    pub severity_column: Option<String>,
    /// Keep rows whose time-zone offset differs from the log's (daylight saving time):
    /// each is placed in the week by its own clock.
    pub keep_mixed_offsets: bool,
}

/// A CSV file whose header has been read: the columns it has, and where to read the rest.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The file.
    path: PathBuf,
    /// Its header, in order.
    header: Vec<String>,
}

impl Scan {
    /// The file's column names, in order.
    pub fn header(&self) -> &[String] {
        &self.header
    }
}

/// The CSV options every read uses: every value as text, lossy UTF-8, ragged lines cut,
/// missing fields as null, an empty file as no rows.
fn csv_options() -> CsvReadOptions {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|p| {
            p.with_encoding(CsvEncoding::LossyUtf8)
                .with_truncate_ragged_lines(true)
                .with_missing_is_null(true)
        })
}

/// Reads the header of a CSV file (no data rows), for [`read`] to choose the columns it needs.
pub fn scan_csv(path: &Path) -> PolarsResult<Scan> {
    let df = csv_options()
        .with_n_rows(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()?;
    Ok(Scan {
        path: path.to_path_buf(),
        header: df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect(),
    })
}

/// Values read as no severity.
const PLACEHOLDERS: [&str; 9] = ["", "unknown", "none", "n/a", "na", "null", "-", "?", "tbd"];

/// Reads the incidents of a log: detects (or checks) the layout from the header, reads the
/// needed columns and checks every row.
pub fn read(scan: Scan, options: &ReadOptions) -> Result<Log, ReadError> {
    let columns = columns_of(&scan.header, options)?;
    let table = Table::read(&scan, &columns)?;
    let known = known_severities(options);

    let mut records: Vec<(usize, Record, Vec<i32>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for row in 0..table.rows {
        let line = row + 2;
        match check_row(&table, row, &columns, known.as_ref(), &mut seen) {
            Ok((record, offsets)) => records.push((line, record, offsets)),
            Err((reason, detail)) => skipped.push(Skip {
                line,
                id: cell(&table.ids, row).unwrap_or_default(),
                reason,
                detail,
            }),
        }
    }
    let offset_minutes = log_offset(&records);
    let kept = keep_log_offset(records, offset_minutes, options, &mut skipped);
    skipped.sort_by_key(|s| s.line);
    Ok(Log {
        columns,
        rows: table.rows,
        records: kept,
        skipped,
        offset_minutes,
    })
}

/// The columns to read: the layout detected (or checked) from the header, with
/// `--severity-column` in place of the layout's severity if given.
fn columns_of(header: &[String], options: &ReadOptions) -> Result<Columns, ReadError> {
    let mut columns = detect(header, options.format)?;
    if let Some(c) = &options.severity_column {
        let want = super::format::normalise(c);
        match header.iter().find(|h| super::format::normalise(h) == want) {
            Some(h) => columns.severity = h.clone(),
            None => {
                return Err(ReadError::NoSuchColumn {
                    column: c.clone(),
                    header: header.join(", "),
                });
            }
        }
    }
    Ok(columns)
}

/// The severities `--severities` accepts, trimmed and lower-cased; None accepts any.
fn known_severities(options: &ReadOptions) -> Option<HashSet<String>> {
    options
        .severities
        .as_ref()
        .map(|v| v.iter().map(|s| s.trim().to_lowercase()).collect())
}

/// A column's values as text, trimmed, empty values as None.
type Texts = Vec<Option<String>>;

/// The value of `column` at `row`, if the row has one.
fn cell(column: &[Option<String>], row: usize) -> Option<String> {
    column.get(row).cloned().flatten()
}

/// The needed columns of a log, read as text.
struct Table {
    /// Data rows.
    rows: usize,
    /// Incident ids.
    ids: Texts,
    /// Services.
    services: Texts,
    /// Severities.
    severities: Texts,
    /// Creation times.
    created: Texts,
    /// Resolution times.
    resolved: Texts,
    /// Acknowledgement times, where the layout has them.
    acknowledged: Option<Texts>,
    /// Seconds to acknowledge, where the layout has them.
    seconds_to_ack: Option<Texts>,
    /// Teams, where the layout has them.
    teams: Option<Texts>,
}

impl Table {
    /// Reads the columns `columns` names (the optional ones where present) from the file
    /// `scan` names, and no others.
    fn read(scan: &Scan, columns: &Columns) -> Result<Table, ReadError> {
        let mut fields: Vec<(&str, &str)> = vec![
            ("id", &columns.id),
            ("service", &columns.service),
            ("severity", &columns.severity),
            ("created", &columns.created),
            ("resolved", &columns.resolved),
        ];
        for (field, c) in [
            ("acknowledged", &columns.acknowledged),
            ("seconds_to_ack", &columns.seconds_to_ack),
            ("team", &columns.team),
        ] {
            if let Some(c) = c {
                fields.push((field, c));
            }
        }
        // Each needed column once, even where two fields share it (a layout whose
        // severity column is also its team, say).
        let mut wanted: Vec<PlSmallStr> = Vec::new();
        for (_, c) in &fields {
            let c = PlSmallStr::from(*c);
            if !wanted.contains(&c) {
                wanted.push(c);
            }
        }
        let df = csv_options()
            .with_columns(Some(Arc::from(wanted)))
            .try_into_reader_with_file_path(Some(scan.path.clone()))
            .and_then(|r| r.finish())
            .map_err(|e| ReadError::Csv(e.to_string()))?;
        let text = |field: &str| text_column(&df, &fields, field);
        let get =
            |field: &str| -> Result<Texts, ReadError> { Ok(text(field)?.unwrap_or_default()) };
        Ok(Table {
            ids: get("id")?,
            services: get("service")?,
            severities: get("severity")?,
            created: get("created")?,
            resolved: get("resolved")?,
            acknowledged: text("acknowledged")?,
            seconds_to_ack: text("seconds_to_ack")?,
            teams: text("team")?,
            rows: df.height(),
        })
    }
}

/// One selected field of `df` as trimmed text, or None if `fields` does not select it.
fn text_column(
    df: &DataFrame,
    fields: &[(&str, &str)],
    field: &str,
) -> Result<Option<Texts>, ReadError> {
    let Some((_, name)) = fields.iter().find(|(f, _)| *f == field) else {
        return Ok(None);
    };
    let s = df
        .column(name)
        .and_then(|c| c.str().cloned())
        .map_err(|e| ReadError::Csv(e.to_string()))?;
    Ok(Some(
        s.iter()
            .map(|v| {
                v.map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            })
            .collect(),
    ))
}

/// Why a row is skipped and the offending value or a few words on it.
type Problem = (Reason, String);

/// Checks one row: a usable incident with the time-zone offsets of its timestamps, or the
/// first problem found. Ids of usable rows are added to `seen`.
fn check_row(
    table: &Table,
    row: usize,
    columns: &Columns,
    known: Option<&HashSet<String>>,
    seen: &mut HashSet<String>,
) -> Result<(Record, Vec<i32>), Problem> {
    let Some(id_text) = cell(&table.ids, row) else {
        return Err((Reason::MissingId, String::new()));
    };
    let Some(service) = cell(&table.services, row) else {
        return Err((Reason::MissingService, String::new()));
    };
    let service = incident_service(service, columns.format);
    let Some(created_text) = cell(&table.created, row) else {
        return Err((Reason::MissingTimestamp, columns.created.clone()));
    };
    let created_at = stamp(&created_text, &columns.created)?;
    let resolved_text = cell(&table.resolved, row);
    let resolved_at = match &resolved_text {
        None => None,
        Some(v) => Some(stamp(v, &columns.resolved)?),
    };
    let mut offsets = vec![created_at.offset_minutes];
    offsets.extend(resolved_at.map(|s| s.offset_minutes));
    let acknowledged_at = acknowledgement(table, row, columns, created_at, &mut offsets)?;
    let severity = cell(&table.severities, row).unwrap_or_default();
    check_severity(&severity, &columns.severity, known)?;
    check_order(
        created_at,
        resolved_at,
        acknowledged_at,
        &created_text,
        resolved_text.as_deref(),
    )?;
    if !seen.insert(id_text.clone()) {
        return Err((Reason::DuplicateId, id_text));
    }
    Ok((
        Record {
            id: id_text,
            service,
            team: table.teams.as_ref().and_then(|t| cell(t, row)),
            severity,
            created: created_at,
            acknowledged: acknowledged_at,
            resolved: resolved_at.map(|r| r.unix_seconds),
        },
        offsets,
    ))
}

/// The incident's service: incident.io lists every affected service, the first is the
/// incident's.
fn incident_service(service: String, format: Format) -> String {
    if format == Format::IncidentIo {
        service
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    } else {
        service
    }
}

/// A timestamp from `column`, or why it does not parse.
fn stamp(v: &str, column: &str) -> Result<Stamp, Problem> {
    time::parse(v).map_err(|why| {
        (
            Reason::UnparseableTimestamp,
            format!("{column} {:?}: {why}", cut(v)),
        )
    })
}

/// When the row was first acknowledged (seconds since the epoch): from the acknowledgement
/// time (its offset added to `offsets`) or else from the seconds to acknowledge; None where
/// the row has neither.
fn acknowledgement(
    table: &Table,
    row: usize,
    columns: &Columns,
    created_at: Stamp,
    offsets: &mut Vec<i32>,
) -> Result<Option<f64>, Problem> {
    if let Some(v) = table.acknowledged.as_ref().and_then(|a| cell(a, row)) {
        let s = stamp(&v, columns.acknowledged.as_deref().unwrap_or_default())?;
        offsets.push(s.offset_minutes);
        Ok(Some(s.unix_seconds))
    } else if let Some(v) = table.seconds_to_ack.as_ref().and_then(|a| cell(a, row)) {
        match v.parse::<f64>() {
            Ok(s) if s.is_finite() && s >= 0.0 => Ok(Some(created_at.unix_seconds + s)),
            _ => Err((
                Reason::UnparseableTimestamp,
                format!(
                    "{} {:?}: not a number of seconds",
                    columns.seconds_to_ack.as_deref().unwrap_or_default(),
                    cut(&v)
                ),
            )),
        }
    } else {
        Ok(None)
    }
}

/// Refuses an empty or placeholder severity, or one outside `known` when given.
fn check_severity(
    severity: &str,
    column: &str,
    known: Option<&HashSet<String>>,
) -> Result<(), Problem> {
    let unknown = match known {
        Some(k) => !k.contains(&severity.to_lowercase()),
        None => PLACEHOLDERS.contains(&severity.to_lowercase().as_str()),
    };
    if unknown {
        let detail = if severity.is_empty() {
            format!("{column} is empty")
        } else {
            format!("{column} {:?}", cut(severity))
        };
        return Err((Reason::UnknownSeverity, detail));
    }
    Ok(())
}

/// Refuses a resolution before creation, and an acknowledgement before creation or after
/// resolution.
fn check_order(
    created_at: Stamp,
    resolved_at: Option<Stamp>,
    acknowledged_at: Option<f64>,
    created_text: &str,
    resolved_text: Option<&str>,
) -> Result<(), Problem> {
    if let Some(r) = resolved_at
        && r.unix_seconds < created_at.unix_seconds
    {
        return Err((
            Reason::ResolvedBeforeCreated,
            format!("{created_text} > {}", resolved_text.unwrap_or_default()),
        ));
    }
    if let Some(a) = acknowledged_at
        && (a < created_at.unix_seconds || resolved_at.is_some_and(|r| a > r.unix_seconds))
    {
        let gap = (a - created_at.unix_seconds) / 3_600.0;
        let detail = if gap < 0.0 {
            format!(
                "acknowledged {} before creation",
                crate::units::format_hours(-gap)
            )
        } else {
            format!(
                "acknowledged {} after creation, after resolution",
                crate::units::format_hours(gap)
            )
        };
        return Err((Reason::AcknowledgedOutsideIncident, detail));
    }
    Ok(())
}

/// The log's clock: the offset most creation times use (ties: the smallest offset); 0
/// without records.
fn log_offset(records: &[(usize, Record, Vec<i32>)]) -> i32 {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for (_, r, _) in records {
        *counts.entry(r.created.offset_minutes).or_default() += 1;
    }
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map_or(0, |(o, _)| *o)
}

/// The records whose timestamps all use the log's offset (all of them with
/// `keep_mixed_offsets`); the others are added to `skipped`.
fn keep_log_offset(
    records: Vec<(usize, Record, Vec<i32>)>,
    offset_minutes: i32,
    options: &ReadOptions,
    skipped: &mut Vec<Skip>,
) -> Vec<Record> {
    let mut kept = Vec::with_capacity(records.len());
    for (line, r, offsets) in records {
        let other = offsets.iter().find(|o| **o != offset_minutes);
        if let Some(other) = other.filter(|_| !options.keep_mixed_offsets) {
            skipped.push(Skip {
                line,
                id: r.id,
                reason: Reason::MixedTimeZoneOffsets,
                detail: format!(
                    "{} where the log uses {}",
                    offset(*other),
                    offset(offset_minutes)
                ),
            });
        } else {
            kept.push(r);
        }
    }
    kept
}

/// An offset as RFC 3339 writes it.
pub fn offset(minutes: i32) -> String {
    if minutes == 0 {
        return "Z".into();
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

/// The first 40 characters of a value, for messages.
fn cut(v: &str) -> String {
    if v.chars().count() > 40 {
        format!("{}…", v.chars().take(40).collect::<String>())
    } else {
        v.to_string()
    }
}
