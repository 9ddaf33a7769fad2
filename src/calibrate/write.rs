//! A simulated replication written as an incident log in the generic layout, so that
//! `whoruns calibrate` can be checked against parameters known in advance (the round trip)
//! and users can see what a model's incidents would look like in their own tool.
//!
//! The scenario's hour 0 is Monday 2024-01-01T00:00:00Z (a Monday, as the scenario's
//! calendar starts its weeks). An incident is *created* when it is detected (when a tool
//! would open it), *acknowledged* when its first responder acknowledges, and *resolved*
//! when service is restored. Only incidents created after the warm-up are written;
//! those still open at the horizon have no `resolved_at` (and no `acknowledged_at` if not
//! yet acknowledged). Times are whole seconds (rounded down), as tools export them.

use crate::engine;
use crate::model::ModelKind;
use crate::rng::replication_seed;
use crate::scenario::Scenario;
use crate::world::{Cause, World};

/// Seconds since the Unix epoch of the scenario's hour 0: Monday 2024-01-01T00:00:00Z.
pub const EPOCH_UNIX_SECONDS: i64 = 1_704_067_200;

/// The generic layout's header, with whoruns' extra columns `team` and `cause`.
pub const HEADER: &str = "id,service,severity,created_at,acknowledged_at,resolved_at,team,cause";

/// Optional columns a log can carry beyond [`HEADER`]'s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extra {
    /// `escalated_at` (when an escalation was handed to the owning team across a team
    /// boundary) and `escalation_acknowledged_at` (when the owners took it), empty for
    /// incidents without a hand-off.
    pub handoffs: bool,
}

/// Replication `replication` of `scenario` under `model`, as a generic incident log (CSV).
pub fn incident_log(scenario: &Scenario, model: ModelKind, replication: u32) -> String {
    incident_log_with(scenario, model, replication, Extra::default())
}

/// [`incident_log`] with the optional columns `extra` asks for (appended after
/// [`HEADER`]'s; without any, the same bytes as [`incident_log`]).
pub fn incident_log_with(
    scenario: &Scenario,
    model: ModelKind,
    replication: u32,
    extra: Extra,
) -> String {
    let seed = replication_seed(scenario.seed, replication);
    let world = World::generate(scenario, seed);
    let mut traces = engine::trace(scenario, &world, model, seed);
    traces.retain(|t| {
        t.detected.is_finite()
            && t.detected >= scenario.warmup_hours
            && t.detected < scenario.horizon_hours
    });
    traces.sort_by(|a, b| {
        a.detected
            .total_cmp(&b.detected)
            .then(a.service.cmp(&b.service))
    });
    let stamp = |hours: f64| {
        if hours.is_finite() && hours < scenario.horizon_hours {
            super::time::format_utc(EPOCH_UNIX_SECONDS + (hours * 3_600.0).floor() as i64)
        } else {
            String::new()
        }
    };
    let mut out = String::with_capacity(100 * (traces.len() + 1));
    out.push_str(HEADER);
    if extra.handoffs {
        out.push_str(",escalated_at,escalation_acknowledged_at");
    }
    out.push('\n');
    for (i, t) in traces.iter().enumerate() {
        let service = &scenario.services[t.service as usize];
        let severity = service
            .severities
            .get(usize::from(t.severity))
            .map_or("", |s| s.name.as_str());
        let cause = match t.cause {
            Cause::Background => "background",
            Cause::Change => "change",
            Cause::Regression => "regression",
            Cause::Cascade => "cascade",
        };
        let fields = [
            format!("INC-{:06}", i + 1),
            service.name.clone(),
            severity.to_string(),
            stamp(t.detected),
            stamp(t.acknowledged),
            stamp(t.restored),
            scenario.teams[service.team].name.clone(),
            cause.to_string(),
        ];
        let mut row: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        if extra.handoffs {
            row.push(stamp(t.handed_off));
            row.push(stamp(t.owners_took));
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
