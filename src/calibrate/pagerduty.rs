//! PagerDuty's REST API (v2, the OpenAPI schema `PagerDuty/api-schema`, info.version 2.0.0)
//! as `curl` saves it: pages of `GET /incidents` (`{"incidents": [...], "limit", "offset",
//! "more"}`) and, optionally, pages of `GET /log_entries` or `GET /incidents/{id}/log_entries`
//! (`{"log_entries": [...]}`), one after another in one file or as a JSON array of pages.
//!
//! An incident gives `id` (else `incident_number`), `service.summary`, `urgency` (or
//! `priority.summary` with `--severity-column priority`), `created_at`, `teams[0].summary`,
//! and its resolution: `resolved_at` where the API version has it, else
//! `last_status_change_at` of an incident whose `status` is `resolved`, else the latest
//! `resolve_log_entry`. Its first acknowledgement is the earliest `acknowledgements[].at`
//! (the API lists them only while the incident is acknowledged: empty once resolved) or
//! else the earliest `acknowledge_log_entry` for it. The incidents become a [`Table`] and
//! are checked field by field like any CSV log ([`super::log::check`]).

use std::collections::HashMap;

use serde_json::Value;

use super::format::{Columns, Format};
use super::log::{self, Log, ReadOptions, Table};

/// The file is not PagerDuty API JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Not JSON at all.
    #[error("cannot read it as JSON: {0}")]
    Syntax(String),
    /// JSON, but no page of incidents in it.
    #[error(
        "no PagerDuty incidents in it: expected pages of GET /incidents ({{\"incidents\": [...]}}), as curl saves them, one after another or in a JSON array"
    )]
    NoIncidents,
    /// `--severity-column` names something an incident does not have.
    #[error(
        "--severity-column {0:?}: an API incident's severity is its urgency (default) or its priority (priority)"
    )]
    NoSuchSeverity(String),
}

/// Whether `bytes` look like JSON (the first character that is not white space opens an
/// object or an array) rather than CSV.
pub fn looks_like_json(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xef && **b != 0xbb && **b != 0xbf)
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

/// The first of the incident's acknowledgements and its last resolution, from log entries.
#[derive(Default)]
struct Entries {
    acknowledged: Option<(f64, String)>,
    resolved: Option<(f64, String)>,
}

/// Reads the incidents of PagerDuty API pages and checks them.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Log, JsonError> {
    let severity_field = match options.severity_column.as_deref() {
        None | Some("urgency") => "urgency",
        Some("priority" | "priority_name" | "priority.summary") => "priority",
        Some(other) => return Err(JsonError::NoSuchSeverity(other.to_string())),
    };
    let mut incidents: Vec<Value> = Vec::new();
    let mut entries: Vec<Value> = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        let value = value.map_err(|e| JsonError::Syntax(e.to_string()))?;
        collect(value, &mut incidents, &mut entries);
    }
    if incidents.is_empty() {
        return Err(JsonError::NoIncidents);
    }
    let by_incident = log_entries(&entries);
    let text_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut table = Table {
        rows: incidents.len(),
        acknowledged: Some(Vec::new()),
        teams: Some(Vec::new()),
        titles: Some(Vec::new()),
        ..Table::default()
    };
    for inc in &incidents {
        let id = text_of(&inc["id"]).or_else(|| text_of(&inc["incident_number"]));
        let logged = id.as_ref().and_then(|i| by_incident.get(i.as_str()));
        table.ids.push(id.clone());
        table.services.push(text_of(&inc["service"]["summary"]));
        table.severities.push(match severity_field {
            "priority" => text_of(&inc["priority"]["summary"]),
            _ => text_of(&inc["urgency"]),
        });
        table.created.push(text_of(&inc["created_at"]));
        let resolved = text_of(&inc["resolved_at"])
            .or_else(|| {
                (inc["status"].as_str() == Some("resolved"))
                    .then(|| text_of(&inc["last_status_change_at"]))
                    .flatten()
            })
            .or_else(|| logged.and_then(|e| e.resolved.as_ref().map(|r| r.1.clone())));
        table.resolved.push(resolved);
        let acknowledged = first_acknowledgement(inc)
            .or_else(|| logged.and_then(|e| e.acknowledged.as_ref().map(|a| a.1.clone())));
        if let Some(a) = table.acknowledged.as_mut() {
            a.push(acknowledged);
        }
        if let Some(t) = table.teams.as_mut() {
            t.push(text_of(&inc["teams"][0]["summary"]));
        }
        if let Some(t) = table.titles.as_mut() {
            t.push(text_of(&inc["title"]));
        }
    }
    let columns = Columns {
        format: Format::PagerDutyApi,
        id: "id".into(),
        service: "service.summary".into(),
        severity: if severity_field == "priority" {
            "priority.summary".into()
        } else {
            "urgency".into()
        },
        created: "created_at".into(),
        acknowledged: Some("acknowledgements[].at".into()),
        seconds_to_ack: None,
        resolved: "resolved_at".into(),
        team: Some("teams[0].summary".into()),
        cause: None,
        title: Some("title".into()),
        escalated: None,
        owners_acknowledged: None,
    };
    Ok(log::check(&table, columns, options))
}

/// Gathers incidents and log entries from a page, an array of pages, or an array of
/// incidents.
fn collect(value: Value, incidents: &mut Vec<Value>, entries: &mut Vec<Value>) {
    match value {
        Value::Array(items) => {
            for item in items {
                if item.get("incidents").is_some() || item.get("log_entries").is_some() {
                    collect(item, incidents, entries);
                } else if item.get("created_at").is_some() && item.get("service").is_some() {
                    incidents.push(item);
                } else if item
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.ends_with("_log_entry"))
                {
                    entries.push(item);
                }
            }
        }
        Value::Object(mut page) => {
            if let Some(Value::Array(i)) = page.remove("incidents") {
                incidents.extend(i);
            }
            if let Some(Value::Array(e)) = page.remove("log_entries") {
                entries.extend(e);
            }
            // A single incident (GET /incidents/{id}).
            if let Some(i) = page.remove("incident").filter(Value::is_object) {
                incidents.push(i);
            }
        }
        _ => {}
    }
}

/// The earliest of an incident's `acknowledgements[].at`.
fn first_acknowledgement(inc: &Value) -> Option<String> {
    inc["acknowledgements"]
        .as_array()?
        .iter()
        .filter_map(|a| a["at"].as_str())
        .filter_map(|t| super::time::parse(t).ok().map(|s| (s.unix_seconds, t)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, t)| t.to_string())
}

/// Per incident id, its first acknowledgement and last resolution in the log entries.
fn log_entries(entries: &[Value]) -> HashMap<String, Entries> {
    let mut out: HashMap<String, Entries> = HashMap::new();
    for e in entries {
        let (Some(kind), Some(at), Some(incident)) = (
            e["type"].as_str(),
            e["created_at"].as_str(),
            e["incident"]["id"].as_str(),
        ) else {
            continue;
        };
        let Ok(stamp) = super::time::parse(at) else {
            continue;
        };
        let slot = out.entry(incident.to_string()).or_default();
        let t = (stamp.unix_seconds, at.to_string());
        match kind {
            "acknowledge_log_entry" if slot.acknowledged.as_ref().is_none_or(|a| t.0 < a.0) => {
                slot.acknowledged = Some(t);
            }
            "resolve_log_entry" if slot.resolved.as_ref().is_none_or(|r| t.0 > r.0) => {
                slot.resolved = Some(t);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_log_entries_are_read() {
        let pages = r#"
{"incidents": [
  {"id": "P1", "incident_number": 1, "status": "resolved", "urgency": "high",
   "created_at": "2025-03-03T10:00:00Z", "last_status_change_at": "2025-03-03T11:00:00Z",
   "acknowledgements": [], "service": {"summary": "api"}, "teams": [{"summary": "Core"}],
   "priority": {"summary": "P1"}},
  {"id": "P2", "incident_number": 2, "status": "acknowledged", "urgency": "low",
   "created_at": "2025-03-04T10:00:00Z", "last_status_change_at": "2025-03-04T10:05:00Z",
   "acknowledgements": [{"at": "2025-03-04T10:07:00Z"}, {"at": "2025-03-04T10:05:00Z"}],
   "service": {"summary": "api"}, "teams": [], "priority": null}
], "limit": 2, "offset": 0, "more": false}
{"log_entries": [
  {"type": "acknowledge_log_entry", "created_at": "2025-03-03T10:04:00Z", "incident": {"id": "P1"}},
  {"type": "resolve_log_entry", "created_at": "2025-03-03T11:00:00Z", "incident": {"id": "P1"}}
]}"#;
        let log = read(pages.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(log.rows, 2);
        let r = &log.records[0];
        assert_eq!(r.tta_seconds(), Some(240.0));
        assert_eq!(r.ttr_seconds(), Some(3_600.0));
        assert_eq!(r.team.as_deref(), Some("Core"));
        let r = &log.records[1];
        assert_eq!(r.tta_seconds(), Some(300.0), "the earliest acknowledgement");
        assert!(r.open);
        let options = ReadOptions {
            severity_column: Some("priority".into()),
            ..ReadOptions::default()
        };
        let log = read(pages.as_bytes(), &options).unwrap();
        assert_eq!(log.records[0].severity.as_deref(), Some("P1"));
        assert_eq!(
            log.records[1].severity, None,
            "no priority: unknown severity"
        );
        assert!(looks_like_json(b"  \n[{}]"));
        assert!(!looks_like_json(b"id,service\n"));
        assert_eq!(
            read(b"{\"limit\": 1}", &ReadOptions::default()).unwrap_err(),
            JsonError::NoIncidents
        );
    }
}
