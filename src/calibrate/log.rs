//! Incident logs: rows read from a CSV export into incidents, bad rows skipped and counted
//! by reason; and the other way, a simulated replication written as a generic log.
//!
//! Reading is lazy (polars): only the columns a layout needs are read, every value as
//! text, so that a few hundred thousand rows take seconds and a malformed value costs its
//! row, never the file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

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

/// The lazy scan of a CSV file: every value read as text, lossy UTF-8, ragged lines cut.
pub fn scan_csv(path: &Path) -> PolarsResult<LazyFrame> {
    LazyCsvReader::new(PlRefPath::from(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_encoding(CsvEncoding::LossyUtf8)
        .with_truncate_ragged_lines(true)
        .with_missing_is_null(true)
        .with_raise_if_empty(false)
        .finish()
}

/// Values read as no severity.
const PLACEHOLDERS: [&str; 9] = ["", "unknown", "none", "n/a", "na", "null", "-", "?", "tbd"];

/// Reads the incidents of a log: detects (or checks) the layout from the header, reads the
/// needed columns and checks every row.
pub fn read(frame: LazyFrame, options: &ReadOptions) -> Result<Log, ReadError> {
    let mut frame = frame;
    let schema = frame
        .collect_schema()
        .map_err(|e| ReadError::Csv(e.to_string()))?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let mut columns = detect(&header, options.format)?;
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
    let exprs: Vec<Expr> = fields
        .iter()
        .map(|(field, c)| col(*c).cast(DataType::String).alias(*field))
        .collect();
    let df = frame
        .select(exprs)
        .collect()
        .map_err(|e| ReadError::Csv(e.to_string()))?;
    let text = |field: &str| -> Result<Option<Vec<Option<String>>>, ReadError> {
        if !fields.iter().any(|(f, _)| *f == field) {
            return Ok(None);
        }
        let s = df
            .column(field)
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
    };
    let get = |field: &str| -> Result<Vec<Option<String>>, ReadError> {
        Ok(text(field)?.unwrap_or_default())
    };
    let ids = get("id")?;
    let services = get("service")?;
    let severities = get("severity")?;
    let created = get("created")?;
    let resolved = get("resolved")?;
    let acknowledged = text("acknowledged")?;
    let seconds_to_ack = text("seconds_to_ack")?;
    let teams = text("team")?;
    let rows = df.height();
    let known: Option<HashSet<String>> = options
        .severities
        .as_ref()
        .map(|v| v.iter().map(|s| s.trim().to_lowercase()).collect());

    let mut records: Vec<(usize, Record, Vec<i32>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for row in 0..rows {
        let line = row + 2;
        let id = ids.get(row).cloned().flatten();
        let skip = |reason: Reason, detail: String| Skip {
            line,
            id: id.clone().unwrap_or_default(),
            reason,
            detail,
        };
        let Some(id_text) = id.clone() else {
            skipped.push(skip(Reason::MissingId, String::new()));
            continue;
        };
        let Some(service) = services.get(row).cloned().flatten() else {
            skipped.push(skip(Reason::MissingService, String::new()));
            continue;
        };
        // incident.io lists every affected service: the first is the incident's.
        let service = if columns.format == Format::IncidentIo {
            service
                .split(',')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        } else {
            service
        };
        let Some(created_text) = created.get(row).cloned().flatten() else {
            skipped.push(skip(Reason::MissingTimestamp, columns.created.clone()));
            continue;
        };
        let stamp = |v: &str, column: &str| {
            time::parse(v).map_err(|why| {
                skip(
                    Reason::UnparseableTimestamp,
                    format!("{column} {:?}: {why}", cut(v)),
                )
            })
        };
        let created_at = match stamp(&created_text, &columns.created) {
            Ok(s) => s,
            Err(s) => {
                skipped.push(s);
                continue;
            }
        };
        let resolved_text = resolved.get(row).cloned().flatten();
        let resolved_at = match &resolved_text {
            None => None,
            Some(v) => match stamp(v, &columns.resolved) {
                Ok(s) => Some(s),
                Err(s) => {
                    skipped.push(s);
                    continue;
                }
            },
        };
        let mut offsets = vec![created_at.offset_minutes];
        offsets.extend(resolved_at.map(|s| s.offset_minutes));
        let mut acknowledged_at = None;
        if let Some(v) = acknowledged
            .as_ref()
            .and_then(|a| a.get(row).cloned().flatten())
        {
            match stamp(&v, columns.acknowledged.as_deref().unwrap_or_default()) {
                Ok(s) => {
                    offsets.push(s.offset_minutes);
                    acknowledged_at = Some(s.unix_seconds);
                }
                Err(s) => {
                    skipped.push(s);
                    continue;
                }
            }
        } else if let Some(v) = seconds_to_ack
            .as_ref()
            .and_then(|a| a.get(row).cloned().flatten())
        {
            match v.parse::<f64>() {
                Ok(s) if s.is_finite() && s >= 0.0 => {
                    acknowledged_at = Some(created_at.unix_seconds + s);
                }
                _ => {
                    skipped.push(skip(
                        Reason::UnparseableTimestamp,
                        format!(
                            "{} {:?}: not a number of seconds",
                            columns.seconds_to_ack.as_deref().unwrap_or_default(),
                            cut(&v)
                        ),
                    ));
                    continue;
                }
            }
        }
        let severity = severities.get(row).cloned().flatten().unwrap_or_default();
        let unknown = match &known {
            Some(k) => !k.contains(&severity.to_lowercase()),
            None => PLACEHOLDERS.contains(&severity.to_lowercase().as_str()),
        };
        if unknown {
            let detail = if severity.is_empty() {
                format!("{} is empty", columns.severity)
            } else {
                format!("{} {:?}", columns.severity, cut(&severity))
            };
            skipped.push(skip(Reason::UnknownSeverity, detail));
            continue;
        }
        if let Some(r) = resolved_at
            && r.unix_seconds < created_at.unix_seconds
        {
            skipped.push(skip(
                Reason::ResolvedBeforeCreated,
                format!(
                    "{created_text} > {}",
                    resolved_text.as_deref().unwrap_or_default()
                ),
            ));
            continue;
        }
        if let Some(a) = acknowledged_at
            && (a < created_at.unix_seconds || resolved_at.is_some_and(|r| a > r.unix_seconds))
        {
            skipped.push(skip(Reason::AcknowledgedOutsideIncident, {
                let gap = (a - created_at.unix_seconds) / 3_600.0;
                if gap < 0.0 {
                    format!(
                        "acknowledged {} before creation",
                        crate::units::format_hours(-gap)
                    )
                } else {
                    format!(
                        "acknowledged {} after creation, after resolution",
                        crate::units::format_hours(gap)
                    )
                }
            }));
            continue;
        }
        if !seen.insert(id_text.clone()) {
            skipped.push(skip(Reason::DuplicateId, id_text));
            continue;
        }
        records.push((
            line,
            Record {
                id: id_text,
                service,
                team: teams.as_ref().and_then(|t| t.get(row).cloned().flatten()),
                severity,
                created: created_at,
                acknowledged: acknowledged_at,
                resolved: resolved_at.map(|r| r.unix_seconds),
            },
            offsets,
        ));
    }
    // The log's clock: the offset most creation times use (ties: the smallest offset).
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for (_, r, _) in &records {
        *counts.entry(r.created.offset_minutes).or_default() += 1;
    }
    let offset_minutes = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map_or(0, |(o, _)| *o);
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
    skipped.sort_by_key(|s| s.line);
    Ok(Log {
        columns,
        rows,
        records: kept,
        skipped,
        offset_minutes,
    })
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
