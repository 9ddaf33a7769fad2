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

/// What went wrong with a field of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// No incident id: the row is kept, but cannot be checked against duplicates.
    MissingId,
    /// No service: the row counts only in pooled estimates.
    MissingService,
    /// No creation time.
    MissingTimestamp,
    /// A timestamp (or seconds to acknowledge) that does not parse.
    UnparseableTimestamp,
    /// An empty or placeholder severity, or one outside `--severities`.
    UnknownSeverity,
    /// An id seen on an earlier row: the same incident again, dropped.
    DuplicateId,
    /// Resolved before it was created: the resolution is unusable.
    ResolvedBeforeCreated,
    /// Acknowledged before it was created: the acknowledgement is unusable.
    AcknowledgedBeforeCreated,
    /// Acknowledged after it was resolved (auto-resolved, acknowledged later; or a clock
    /// skew): the acknowledgement is unusable.
    AcknowledgedAfterResolved,
    /// A creation time whose time-zone offset is not the log's: its hour of the week is
    /// on another clock.
    MixedTimeZoneOffsets,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 10] = [
        Reason::MissingId,
        Reason::MissingService,
        Reason::MissingTimestamp,
        Reason::UnparseableTimestamp,
        Reason::UnknownSeverity,
        Reason::DuplicateId,
        Reason::ResolvedBeforeCreated,
        Reason::AcknowledgedBeforeCreated,
        Reason::AcknowledgedAfterResolved,
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
            Reason::AcknowledgedBeforeCreated => "acknowledged_before_created",
            Reason::AcknowledgedAfterResolved => "acknowledged_after_resolved",
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
            Reason::AcknowledgedBeforeCreated => "acknowledged before it was created",
            Reason::AcknowledgedAfterResolved => "acknowledged after it was resolved",
            Reason::MixedTimeZoneOffsets => "a time-zone offset unlike the rest of the log",
        }
    }
}

/// A field of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The incident's id.
    Id,
    /// Its service.
    Service,
    /// Its severity.
    Severity,
    /// When it was opened.
    Created,
    /// When it was first acknowledged (or the seconds to acknowledge).
    Acknowledged,
    /// When it was resolved.
    Resolved,
}

/// An estimate a row can count for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Use {
    /// Its service's arrival rate (and the clustering test, given a creation time).
    Rate,
    /// Its service's arrival profile (hour of day or week).
    Profile,
    /// Time to restore: resolved − created.
    RestoreTime,
    /// Hands-on time: resolved − acknowledged.
    Effort,
    /// Time to acknowledge: acknowledged − created.
    Acknowledge,
    /// The severity mix.
    Severity,
}

impl Use {
    /// Every estimate, in report order.
    pub const ALL: [Use; 6] = [
        Use::Rate,
        Use::Profile,
        Use::RestoreTime,
        Use::Effort,
        Use::Acknowledge,
        Use::Severity,
    ];

    /// The key in `skipped.csv`'s `counted_for` column.
    pub fn key(self) -> &'static str {
        match self {
            Use::Rate => "rate",
            Use::Profile => "profile",
            Use::RestoreTime => "restore_time",
            Use::Effort => "effort",
            Use::Acknowledge => "acknowledge",
            Use::Severity => "severity",
        }
    }

    /// In words, for the summary.
    pub fn words(self) -> &'static str {
        match self {
            Use::Rate => "the rate",
            Use::Profile => "the arrival profile",
            Use::RestoreTime => "restore time",
            Use::Effort => "effort",
            Use::Acknowledge => "time to acknowledge",
            Use::Severity => "the severity mix",
        }
    }
}

/// What a problem with `field` for `reason` costs the row: the estimates it no longer
/// counts for. The one table of what a bad field costs.
pub fn lost(reason: Reason, field: Field) -> &'static [Use] {
    match (reason, field) {
        (Reason::MissingId, _) => &[],
        (Reason::DuplicateId, _) => &Use::ALL,
        (Reason::MixedTimeZoneOffsets, _) => &[Use::Profile],
        (_, Field::Id) => &[],
        (_, Field::Service) => &[Use::Rate, Use::Profile],
        (_, Field::Severity) => &[Use::Severity],
        (_, Field::Created) => &[Use::Profile, Use::RestoreTime, Use::Acknowledge],
        (_, Field::Acknowledged) => &[Use::Acknowledge, Use::Effort],
        (_, Field::Resolved) => &[Use::RestoreTime, Use::Effort],
    }
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fate {
    /// Counted for every estimate its fields serve (a note at most: no id).
    Whole,
    /// A bad field cost it some estimates; it counts for the others.
    InPart,
    /// Counted for nothing (a duplicate, or no usable field).
    Dropped,
}

impl Fate {
    /// The key in `skipped.csv`'s `kept` column.
    pub fn key(self) -> &'static str {
        match self {
            Fate::Whole => "whole",
            Fate::InPart => "in_part",
            Fate::Dropped => "dropped",
        }
    }
}

/// A problem with one field of one row, and what the row still counted for.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    /// Line in the file, the header being line 1 (a quoted value spanning lines shifts it).
    pub line: usize,
    /// The row's id, if it had one.
    pub id: String,
    /// The field.
    pub field: Field,
    /// The log's column for it.
    pub column: String,
    /// Why.
    pub reason: Reason,
    /// The offending value or a few words on it.
    pub detail: String,
    /// What became of the row.
    pub fate: Fate,
    /// What the row still counted for (pooled only when the row has no service).
    pub counted_for: Vec<Use>,
}

/// One incident, with the fields that are usable; a field a problem made unusable is None.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Line in the file.
    pub line: usize,
    /// Its id, where it has one.
    pub id: Option<String>,
    /// Its service; None: it counts only in pooled estimates.
    pub service: Option<String>,
    /// Its team, where the log has one.
    pub team: Option<String>,
    /// Its severity class, where known.
    pub severity: Option<String>,
    /// When it was opened, where usable.
    pub created: Option<Stamp>,
    /// Whether its creation time places it in the arrival profile: on the log's clock, or
    /// kept with `--keep-mixed-offsets`.
    pub in_profile: bool,
    /// When it was first acknowledged, seconds since the epoch, where usable.
    pub acknowledged: Option<f64>,
    /// When it was resolved, seconds since the epoch, where usable.
    pub resolved: Option<f64>,
    /// No resolution time at all: still open.
    pub open: bool,
    /// Whether a change caused it, where the log has a cause or change-link column and a
    /// value in it.
    pub change: Option<bool>,
    /// Whether it is a cascade from a service it depends on, where the log has a `cause`
    /// column and a value in it (`cascade`, as whoruns' own logs write).
    pub cascade: Option<bool>,
    /// Its title, where the log has one.
    pub title: Option<String>,
    /// When it was handed to another team (seconds since the epoch), where usable.
    pub escalated: Option<f64>,
    /// When the team it was handed to acknowledged it (seconds since the epoch), where
    /// usable.
    pub owners_acknowledged: Option<f64>,
}

impl Record {
    /// Time to restore, seconds.
    pub fn ttr_seconds(&self) -> Option<f64> {
        Some(self.resolved? - self.created?.unix_seconds)
    }

    /// Hands-on time (resolved − acknowledged), seconds.
    pub fn effort_seconds(&self) -> Option<f64> {
        Some(self.resolved? - self.acknowledged?)
    }

    /// Time to acknowledge, seconds.
    pub fn tta_seconds(&self) -> Option<f64> {
        Some(self.acknowledged? - self.created?.unix_seconds)
    }

    /// The estimates the row counts for (in pooled ones only, without a service).
    pub fn uses(&self) -> Vec<Use> {
        let service = self.service.is_some();
        Use::ALL
            .into_iter()
            .filter(|u| match u {
                Use::Rate => service,
                Use::Profile => service && self.created.is_some() && self.in_profile,
                Use::RestoreTime => self.ttr_seconds().is_some(),
                Use::Effort => self.effort_seconds().is_some(),
                Use::Acknowledge => self.tta_seconds().is_some(),
                Use::Severity => self.severity.is_some(),
            })
            .collect()
    }
}

/// A log read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    /// The columns used.
    pub columns: Columns,
    /// Data rows in the file.
    pub rows: usize,
    /// Incidents that count for at least one estimate, in file order.
    pub records: Vec<Record>,
    /// Every field problem, in file order, with what its row still counted for.
    pub skipped: Vec<Skip>,
    /// The time-zone offset of the log (minutes), the one most rows use.
    pub offset_minutes: i32,
}

impl Log {
    /// Rows by what became of them: kept whole, kept in part, dropped.
    pub fn fates(&self) -> (usize, usize, usize) {
        let mut by_line: std::collections::BTreeMap<usize, Fate> = Default::default();
        for s in &self.skipped {
            by_line.insert(s.line, s.fate);
        }
        let in_part = by_line.values().filter(|f| **f == Fate::InPart).count();
        let dropped = by_line.values().filter(|f| **f == Fate::Dropped).count();
        (self.rows - in_part - dropped, in_part, dropped)
    }

    /// Rows per fate and (reason, column), in fate then [`Reason::ALL`] order, with the
    /// first such problem.
    pub fn skipped_by_reason(&self) -> Vec<(Fate, Reason, &str, usize, &Skip)> {
        let mut groups: Vec<(Fate, Reason, &str, usize, &Skip)> = Vec::new();
        for s in &self.skipped {
            match groups
                .iter_mut()
                .find(|g| g.0 == s.fate && g.1 == s.reason && g.2 == s.column)
            {
                Some(g) => g.3 += 1,
                None => groups.push((s.fate, s.reason, s.column.as_str(), 1, s)),
            }
        }
        groups.sort_by_key(|g| (g.0, g.1, g.4.line));
        groups
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
    Ok(check(&table, columns, options))
}

/// Checks every row of a table read under `columns`: each field on its own, so that a bad
/// field costs the estimates that need it and nothing else.
pub fn check(table: &Table, columns: Columns, options: &ReadOptions) -> Log {
    let known = known_severities(options);
    let mut rows: Vec<(Record, Vec<Problem>)> = (0..table.rows)
        .map(|row| check_row(table, row, &columns, known.as_ref()))
        .collect();
    // The log's clock: the offset most creation times use.
    let offset_minutes = log_offset(rows.iter().filter_map(|(r, _)| r.created));
    let mut seen: HashSet<String> = HashSet::new();
    for (r, problems) in &mut rows {
        if let Some(c) = r.created
            && c.offset_minutes != offset_minutes
            && !options.keep_mixed_offsets
        {
            r.in_profile = false;
            problems.push(Problem {
                field: Field::Created,
                reason: Reason::MixedTimeZoneOffsets,
                detail: format!(
                    "{} where the log uses {}",
                    offset(c.offset_minutes),
                    offset(offset_minutes)
                ),
            });
        }
        // An id is the first counted row's: a later row with it is the same incident again.
        if let Some(id) = &r.id
            && !r.uses().is_empty()
            && !seen.insert(id.clone())
        {
            problems.push(Problem {
                field: Field::Id,
                reason: Reason::DuplicateId,
                detail: id.clone(),
            });
        }
    }
    let mut records = Vec::with_capacity(rows.len());
    let mut skipped = Vec::new();
    for (r, problems) in rows {
        let duplicate = problems.iter().any(|p| p.reason == Reason::DuplicateId);
        let mut problems = problems;
        if duplicate {
            // The same incident again: its other problems are the first row's business.
            problems.retain(|p| p.reason == Reason::DuplicateId);
        }
        let counted_for = if duplicate { Vec::new() } else { r.uses() };
        let fate = if counted_for.is_empty() {
            Fate::Dropped
        } else if problems.iter().any(|p| !lost(p.reason, p.field).is_empty()) {
            Fate::InPart
        } else {
            Fate::Whole
        };
        for p in problems {
            skipped.push(Skip {
                line: r.line,
                id: r.id.clone().unwrap_or_default(),
                column: columns.column(p.field).to_string(),
                field: p.field,
                reason: p.reason,
                detail: p.detail,
                fate,
                counted_for: counted_for.clone(),
            });
        }
        if fate != Fate::Dropped {
            records.push(r);
        }
    }
    Log {
        columns,
        rows: table.rows,
        records,
        skipped,
        offset_minutes,
    }
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
pub type Texts = Vec<Option<String>>;

/// The value of `column` at `row`, if the row has one.
fn cell(column: &[Option<String>], row: usize) -> Option<String> {
    column.get(row).cloned().flatten()
}

/// The needed columns of a log, read as text: what [`check`] reads, from a CSV file or
/// another export.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Data rows.
    pub rows: usize,
    /// Incident ids.
    pub ids: Texts,
    /// Services.
    pub services: Texts,
    /// Severities.
    pub severities: Texts,
    /// Creation times.
    pub created: Texts,
    /// Resolution times.
    pub resolved: Texts,
    /// Acknowledgement times, where the layout has them.
    pub acknowledged: Option<Texts>,
    /// Seconds to acknowledge, where the layout has them.
    pub seconds_to_ack: Option<Texts>,
    /// Teams, where the layout has them.
    pub teams: Option<Texts>,
    /// Causes or change links, where the log has them.
    pub causes: Option<Texts>,
    /// Titles, where the log has them.
    pub titles: Option<Texts>,
    /// Hand-off times, where the log has them.
    pub escalated: Option<Texts>,
    /// Times the team handed to acknowledged, where the log has them.
    pub owners_acknowledged: Option<Texts>,
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
            ("cause", &columns.cause),
            ("title", &columns.title),
            ("escalated", &columns.escalated),
            ("owners_acknowledged", &columns.owners_acknowledged),
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
            causes: text("cause")?,
            titles: text("title")?,
            escalated: text("escalated")?,
            owners_acknowledged: text("owners_acknowledged")?,
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

/// A problem with a field of a row.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    /// The field.
    field: Field,
    /// What is wrong.
    reason: Reason,
    /// The offending value or a few words on it.
    detail: String,
}

impl Problem {
    fn new(field: Field, reason: Reason, detail: String) -> Problem {
        Problem {
            field,
            reason,
            detail,
        }
    }
}

/// Checks one row, field by field: the incident with its usable fields, and the problems
/// of the others.
fn check_row(
    table: &Table,
    row: usize,
    columns: &Columns,
    known: Option<&HashSet<String>>,
) -> (Record, Vec<Problem>) {
    let mut problems = Vec::new();
    let id = cell(&table.ids, row);
    if id.is_none() {
        problems.push(Problem::new(Field::Id, Reason::MissingId, String::new()));
    }
    let service = cell(&table.services, row).and_then(|s| incident_service(s, columns.format));
    if service.is_none() {
        problems.push(Problem::new(
            Field::Service,
            Reason::MissingService,
            String::new(),
        ));
    }
    let created_text = cell(&table.created, row);
    let mut created = match &created_text {
        None => {
            problems.push(Problem::new(
                Field::Created,
                Reason::MissingTimestamp,
                columns.created.clone(),
            ));
            None
        }
        Some(v) => stamp(v, &columns.created, Field::Created, &mut problems),
    };
    let resolved_text = cell(&table.resolved, row);
    let mut resolved = resolved_text
        .as_deref()
        .and_then(|v| stamp(v, &columns.resolved, Field::Resolved, &mut problems))
        .map(|s| s.unix_seconds);
    let mut acknowledged = acknowledgement(table, row, columns, created, &mut problems);
    let severity = cell(&table.severities, row).unwrap_or_default();
    let severity = match check_severity(&severity, &columns.severity, known) {
        Ok(()) => Some(severity),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    // Order: the later field in the lifecycle is the one blamed.
    if let (Some(c), Some(r)) = (created, resolved)
        && r < c.unix_seconds
    {
        problems.push(Problem::new(
            Field::Resolved,
            Reason::ResolvedBeforeCreated,
            format!(
                "{} > {}",
                created_text.as_deref().unwrap_or_default(),
                resolved_text.as_deref().unwrap_or_default()
            ),
        ));
        resolved = None;
    }
    if let Some(a) = acknowledged {
        let from_creation = created.map(|c| (a - c.unix_seconds) / 3_600.0);
        if let Some(gap) = from_creation.filter(|g| *g < 0.0) {
            problems.push(Problem::new(
                Field::Acknowledged,
                Reason::AcknowledgedBeforeCreated,
                format!(
                    "acknowledged {} before creation",
                    crate::units::format_hours(-gap)
                ),
            ));
            acknowledged = None;
        } else if let Some(r) = resolved.filter(|r| a > *r) {
            problems.push(Problem::new(
                Field::Acknowledged,
                Reason::AcknowledgedAfterResolved,
                format!(
                    "acknowledged {} after resolution",
                    crate::units::format_hours((a - r) / 3_600.0)
                ),
            ));
            acknowledged = None;
        }
    }
    if created.is_some_and(|c| !c.unix_seconds.is_finite()) {
        created = None;
    }
    let record = Record {
        line: row + 2,
        id,
        service,
        team: table.teams.as_ref().and_then(|t| cell(t, row)),
        severity,
        created,
        in_profile: true,
        acknowledged,
        resolved,
        open: resolved_text.is_none(),
        change: table
            .causes
            .as_ref()
            .and_then(|c| cell(c, row))
            .map(|v| change_caused(&v, columns.cause.as_deref().unwrap_or_default())),
        cascade: table
            .causes
            .as_ref()
            .filter(|_| {
                super::format::normalise(columns.cause.as_deref().unwrap_or_default()) == "cause"
            })
            .and_then(|c| cell(c, row))
            .map(|v| v.trim().eq_ignore_ascii_case("cascade")),
        title: table.titles.as_ref().and_then(|t| cell(t, row)),
        escalated: optional_stamp(table.escalated.as_ref(), row),
        owners_acknowledged: optional_stamp(table.owners_acknowledged.as_ref(), row),
    };
    (record, problems)
}

/// An optional timestamp column's value at `row`, seconds since the epoch; None where
/// empty or unparseable (the mechanism estimates count what they could not use).
fn optional_stamp(column: Option<&Texts>, row: usize) -> Option<f64> {
    let v = cell(column?, row)?;
    time::parse(&v).ok().map(|s| s.unix_seconds)
}

/// The incident's service: incident.io lists every affected service, the first is the
/// incident's. None when nothing is left.
fn incident_service(service: String, format: Format) -> Option<String> {
    let service = if format == Format::IncidentIo {
        service
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    } else {
        service
    };
    (!service.is_empty()).then_some(service)
}

/// A timestamp from `column`, or None with the problem noted.
fn stamp(v: &str, column: &str, field: Field, problems: &mut Vec<Problem>) -> Option<Stamp> {
    match time::parse(v) {
        Ok(s) => Some(s),
        Err(why) => {
            problems.push(Problem::new(
                field,
                Reason::UnparseableTimestamp,
                format!("{column} {:?}: {why}", cut(v)),
            ));
            None
        }
    }
}

/// When the row was first acknowledged (seconds since the epoch): from the acknowledgement
/// time or else from the seconds to acknowledge (which need the creation time); None where
/// the row has neither or it does not parse (noted).
fn acknowledgement(
    table: &Table,
    row: usize,
    columns: &Columns,
    created: Option<Stamp>,
    problems: &mut Vec<Problem>,
) -> Option<f64> {
    if let Some(v) = table.acknowledged.as_ref().and_then(|a| cell(a, row)) {
        let column = columns.acknowledged.as_deref().unwrap_or_default();
        stamp(&v, column, Field::Acknowledged, problems).map(|s| s.unix_seconds)
    } else if let Some(v) = table.seconds_to_ack.as_ref().and_then(|a| cell(a, row)) {
        match v.parse::<f64>() {
            Ok(s) if s.is_finite() && s >= 0.0 => created.map(|c| c.unix_seconds + s),
            _ => {
                problems.push(Problem::new(
                    Field::Acknowledged,
                    Reason::UnparseableTimestamp,
                    format!(
                        "{} {:?}: not a number of seconds",
                        columns.seconds_to_ack.as_deref().unwrap_or_default(),
                        cut(&v)
                    ),
                ));
                None
            }
        }
    } else {
        None
    }
}

/// Whether a cause column's value marks a change-caused incident: a cause word in the
/// cause column, or any value in a change-link column (`change_id`, `deployment_id`).
fn change_caused(value: &str, column: &str) -> bool {
    if super::format::normalise(column) != "cause" {
        return true;
    }
    matches!(
        value.trim().to_lowercase().as_str(),
        "change"
            | "changes"
            | "deploy"
            | "deployment"
            | "release"
            | "change-induced"
            | "change induced"
    )
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
        return Err(Problem::new(
            Field::Severity,
            Reason::UnknownSeverity,
            detail,
        ));
    }
    Ok(())
}

/// The log's clock: the offset most creation times use (ties: the smallest offset); 0
/// without any.
fn log_offset(created: impl Iterator<Item = Stamp>) -> i32 {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for c in created {
        *counts.entry(c.offset_minutes).or_default() += 1;
    }
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map_or(0, |(o, _)| *o)
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
