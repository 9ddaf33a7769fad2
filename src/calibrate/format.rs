//! The incident-log layouts `whoruns calibrate` reads, and how a file's header picks one.
//!
//! Column names are matched case-insensitively with `_`, `-` and spaces treated alike, so
//! `created_at`, `Created At` and `created-at` are the same column. `docs/calibrate.md`
//! says which export of each product these follow.

use std::fmt;

/// A layout of incident-log columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// whoruns' own: `id, service, severity, created_at, acknowledged_at, resolved_at`.
    Generic,
    /// PagerDuty's incident data (Analytics raw incidents / Insights CSV field names).
    PagerDuty,
    /// incident.io's incident CSV export.
    IncidentIo,
    /// PagerDuty's REST API v2 JSON: pages of `GET /incidents` (and `GET /log_entries`) as
    /// `curl` saves them (read by [`super::pagerduty`], not by header).
    PagerDutyApi,
}

/// Where each field of an incident comes from in one layout: candidate column names, the
/// first present wins.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The layout.
    pub format: Format,
    /// Incident identifier (duplicates are skipped).
    pub id: &'static [&'static str],
    /// Service.
    pub service: &'static [&'static str],
    /// Severity class.
    pub severity: &'static [&'static str],
    /// When the incident was opened.
    pub created: &'static [&'static str],
    /// When it was first acknowledged (optional column).
    pub acknowledged: &'static [&'static str],
    /// Seconds from creation to first acknowledgement (optional column; PagerDuty).
    pub seconds_to_ack: &'static [&'static str],
    /// When service was restored.
    pub resolved: &'static [&'static str],
    /// Owning team (optional column).
    pub team: &'static [&'static str],
    /// What caused it, or the change that did (optional column): a cause word
    /// (`change`, `deployment`, …) or any change link marks a change-caused incident.
    pub cause: &'static [&'static str],
    /// The incident's title (optional column): repeats of a service's title are recurring
    /// incidents (learning).
    pub title: &'static [&'static str],
    /// When the first responder handed the incident to another team: escalation or
    /// reassignment (optional column; hand-off delay).
    pub escalated: &'static [&'static str],
    /// When the team it was handed to acknowledged it (optional column; hand-off delay).
    pub owners_acknowledged: &'static [&'static str],
}

impl Format {
    /// Every CSV format, in detection order.
    pub const ALL: [Format; 3] = [Format::Generic, Format::PagerDuty, Format::IncidentIo];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Generic => "generic",
            Format::PagerDuty => "pagerduty",
            Format::IncidentIo => "incident-io",
            Format::PagerDutyApi => "pagerduty-api",
        }
    }

    /// The format `--format` names, or None.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .chain([Format::PagerDutyApi])
            .find(|f| f.name() == name)
    }

    /// The layout's columns.
    pub fn layout(self) -> Layout {
        match self {
            Format::Generic => Layout {
                format: self,
                id: &["id"],
                service: &["service"],
                severity: &["severity"],
                created: &["created_at"],
                acknowledged: &["acknowledged_at"],
                seconds_to_ack: &[],
                resolved: &["resolved_at"],
                team: &["team"],
                cause: &["cause", "change_id", "deployment_id"],
                title: &["title"],
                escalated: &["escalated_at", "reassigned_at"],
                owners_acknowledged: &[
                    "escalation_acknowledged_at",
                    "reassignment_acknowledged_at",
                ],
            },
            Format::PagerDuty => Layout {
                format: self,
                id: &["id", "incident_number"],
                service: &["service_name"],
                severity: &["urgency"],
                created: &["created_at", "created_on"],
                acknowledged: &[],
                seconds_to_ack: &["seconds_to_first_ack"],
                resolved: &["resolved_at", "resolved_on"],
                team: &["team_name"],
                cause: &[],
                title: &[],
                escalated: &[],
                owners_acknowledged: &[],
            },
            Format::PagerDutyApi => Layout {
                format: self,
                id: &["id", "incident_number"],
                service: &["service.summary"],
                severity: &["urgency"],
                created: &["created_at"],
                acknowledged: &["acknowledgements[].at"],
                seconds_to_ack: &[],
                resolved: &["resolved_at", "last_status_change_at"],
                team: &["teams[0].summary"],
                cause: &[],
                title: &[],
                escalated: &[],
                owners_acknowledged: &[],
            },
            Format::IncidentIo => Layout {
                format: self,
                id: &["ID", "Reference"],
                service: &["Affected services", "Service"],
                severity: &["Severity"],
                created: &["Reported at", "Created at"],
                acknowledged: &["Accepted at"],
                seconds_to_ack: &[],
                resolved: &["Resolved at", "Closed at"],
                team: &["Team"],
                cause: &[],
                title: &[],
                escalated: &[],
                owners_acknowledged: &[],
            },
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A column name as matched: lower case, `_` and `-` as spaces, trimmed, no BOM.
pub fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
}

/// The columns a file's header gives each field under a layout: indices into the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The layout matched.
    pub format: Format,
    /// Header names of the columns used, by field.
    pub id: String,
    /// See `id`.
    pub service: String,
    /// See `id`.
    pub severity: String,
    /// See `id`.
    pub created: String,
    /// Optional.
    pub acknowledged: Option<String>,
    /// Optional.
    pub seconds_to_ack: Option<String>,
    /// See `id`.
    pub resolved: String,
    /// Optional.
    pub team: Option<String>,
    /// Optional: a cause or change-link column.
    pub cause: Option<String>,
    /// Optional: the incident's title.
    pub title: Option<String>,
    /// Optional: when it was handed to another team.
    pub escalated: Option<String>,
    /// Optional: when the team it was handed to acknowledged it.
    pub owners_acknowledged: Option<String>,
}

impl Columns {
    /// The log's column for a field (the acknowledgement's: its time, else the seconds to
    /// it).
    pub fn column(&self, field: super::log::Field) -> &str {
        use super::log::Field;
        match field {
            Field::Id => &self.id,
            Field::Service => &self.service,
            Field::Severity => &self.severity,
            Field::Created => &self.created,
            Field::Resolved => &self.resolved,
            Field::Acknowledged => self
                .acknowledged
                .as_deref()
                .or(self.seconds_to_ack.as_deref())
                .unwrap_or_default(),
        }
    }
}

/// The header does not fit the layout asked for, or any layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// `--format` was given and columns are missing.
    #[error(
        "the header does not have the {format} layout's {missing}; {format} expects {expected}; the file has: {found}"
    )]
    Missing {
        /// The format asked for.
        format: Format,
        /// Missing fields, in words.
        missing: String,
        /// The layout's required columns.
        expected: String,
        /// The file's header.
        found: String,
    },
    /// The file has no header row.
    #[error("the file is empty: an incident log needs a header row and one row per incident")]
    Empty,
    /// No layout fits.
    #[error(
        "the header matches no incident-log layout; expected one of:\n  generic:     {generic}\n  pagerduty:   {pagerduty}\n  incident-io: {incident_io}\nthe file has: {found}\n({hint}rename the columns or pass --format)"
    )]
    Unknown {
        /// Generic's columns.
        generic: String,
        /// PagerDuty's.
        pagerduty: String,
        /// incident.io's.
        incident_io: String,
        /// The file's header.
        found: String,
        /// The layout missing the fewest columns and what it misses, when it has some.
        hint: String,
    },
}

/// A layout's columns in words: `created_at (or created_on)`; optional ones bracketed.
fn expected(l: &Layout) -> String {
    let one = |names: &[&str]| match names {
        [] => None,
        [first] => Some((*first).to_string()),
        [first, rest @ ..] => Some(format!("{first} (or {})", rest.join(", "))),
    };
    let mut parts: Vec<String> = [l.id, l.service, l.severity, l.created, l.resolved]
        .iter()
        .filter_map(|n| one(n))
        .collect();
    for optional in [l.acknowledged, l.seconds_to_ack, l.team] {
        if let Some(o) = one(optional) {
            parts.push(format!("[{o}]"));
        }
    }
    parts.join(", ")
}

fn find(header: &[String], names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        let want = normalise(n);
        header.iter().find(|h| normalise(h) == want).cloned()
    })
}

/// Matches `header` against one layout.
fn match_layout(header: &[String], format: Format) -> Result<Columns, Vec<&'static str>> {
    let l = format.layout();
    let mut missing = Vec::new();
    let mut need = |names: &[&'static str]| {
        let f = find(header, names);
        if f.is_none() {
            missing.push(names[0]);
        }
        f.unwrap_or_default()
    };
    let id = need(l.id);
    let service = need(l.service);
    let severity = need(l.severity);
    let created = need(l.created);
    let resolved = need(l.resolved);
    if !missing.is_empty() {
        return Err(missing);
    }
    Ok(Columns {
        format,
        id,
        service,
        severity,
        created,
        acknowledged: find(header, l.acknowledged),
        seconds_to_ack: find(header, l.seconds_to_ack),
        resolved,
        team: find(header, l.team),
        cause: find(header, l.cause),
        title: find(header, l.title),
        escalated: find(header, l.escalated),
        owners_acknowledged: find(header, l.owners_acknowledged),
    })
}

/// Finds the columns: under `format` when given, else under the first layout that fits.
pub fn detect(header: &[String], format: Option<Format>) -> Result<Columns, HeaderError> {
    if header.is_empty() {
        return Err(HeaderError::Empty);
    }
    // Control characters (a binary file read as text) are shown escaped.
    let found = header
        .iter()
        .map(|h| {
            h.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_unicode().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(format) = format {
        return match_layout(header, format).map_err(|m| HeaderError::Missing {
            format,
            missing: m.join(", "),
            expected: expected(&format.layout()),
            found,
        });
    }
    let mut closest: Option<(Format, Vec<&str>)> = None;
    for f in Format::ALL {
        match match_layout(header, f) {
            Ok(c) => return Ok(c),
            Err(m) => {
                if closest
                    .as_ref()
                    .is_none_or(|(_, best)| m.len() < best.len())
                {
                    closest = Some((f, m));
                }
            }
        }
    }
    let separator = match header {
        [only] if only.contains(';') => {
            "the header is one column with ';' in it: save the file with commas as separators; "
        }
        [only] if only.contains('\t') => {
            "the header is one column with tabs in it: save the file with commas as separators; "
        }
        _ => "",
    };
    let hint = match closest {
        Some((f, missing)) if missing.len() < 5 => {
            format!("{separator}closest: {f}, missing {}; ", missing.join(", "))
        }
        _ => separator.to_string(),
    };
    Err(HeaderError::Unknown {
        generic: expected(&Format::Generic.layout()),
        pagerduty: expected(&Format::PagerDuty.layout()),
        incident_io: expected(&Format::IncidentIo.layout()),
        found,
        hint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &str) -> Vec<String> {
        names.split(',').map(str::to_string).collect()
    }

    #[test]
    fn detects_each_layout() {
        let g = detect(
            &h("id,service,severity,created_at,acknowledged_at,resolved_at"),
            None,
        )
        .unwrap();
        assert_eq!(g.format, Format::Generic);
        assert_eq!(g.acknowledged.as_deref(), Some("acknowledged_at"));
        let p = detect(
            &h("id,incident_number,service_name,urgency,created_at,resolved_at,seconds_to_first_ack,team_name"),
            None,
        )
        .unwrap();
        assert_eq!(p.format, Format::PagerDuty);
        assert_eq!(p.seconds_to_ack.as_deref(), Some("seconds_to_first_ack"));
        let i = detect(
            &h("\u{feff}ID,Name,Severity,Affected services,Reported at,Accepted at,Resolved at"),
            None,
        )
        .unwrap();
        assert_eq!(i.format, Format::IncidentIo);
        assert_eq!(i.id, "\u{feff}ID");
    }

    #[test]
    fn unknown_header_lists_the_layouts() {
        let e = detect(&h("when,what"), None).unwrap_err().to_string();
        assert!(e.contains("generic:     id, service, severity, created_at, resolved_at, [acknowledged_at], [team]"), "{e}");
        assert!(e.contains("the file has: when, what"), "{e}");
        let e = detect(&h("id,service,severity,created_at"), Some(Format::Generic))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("does not have the generic layout's resolved_at"),
            "{e}"
        );
    }
}
