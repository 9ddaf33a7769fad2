//! The serde image of a scenario file: every field optional where a default exists,
//! unknown keys rejected, and spans kept so validation errors can point at line and column.
//! Nothing here is validated; `scenario::build` turns it into a [`crate::Scenario`].
// Field-level documentation of this serde image lives in docs/scenario-format.md.
#![allow(missing_docs)]

use serde::Deserialize;
use toml::Spanned;

/// A spanned string, e.g. a duration `"4h"`.
pub type S<T> = Spanned<T>;

/// Top level of a scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Option<S<String>>,
    pub description: Option<String>,
    pub horizon: Option<S<String>>,
    pub warmup: Option<S<String>>,
    pub replications: Option<S<i64>>,
    pub seed: Option<S<i64>>,
    pub models: Option<S<Vec<S<String>>>>,
    pub reference_model: Option<S<String>>,
    pub calendar: Option<CalendarFile>,
    pub support: Option<SupportFile>,
    pub response: Option<ResponseFile>,
    pub groups: Option<GroupsFile>,
    pub sre_run: Option<SreRunFile>,
    pub you_and_sre_run: Option<YouAndSreRunFile>,
    pub costs: Option<CostsFile>,
    pub knowledge: Option<KnowledgeFile>,
    pub workarounds: Option<WorkaroundsFile>,
    pub error_budget: Option<ErrorBudgetFile>,
    pub you_run: Option<YouRunFile>,
    pub ops_sometimes_run: Option<OpsSometimesRunFile>,
    pub you_run_ops_monitors: Option<YouRunOpsMonitorsFile>,
    pub learning: Option<LearningFile>,
    pub telemetry: Option<TelemetryFile>,
    pub cascades: Option<CascadesFile>,
    pub handoff: Option<HandoffFile>,
    pub service_defaults: Option<ServiceFile>,
    pub organisation: Option<OrganisationFile>,
    pub sweep: Option<SweepFile>,
    pub sensitivity: Option<SensitivityFile>,
    #[serde(default)]
    pub teams: Vec<S<TeamFile>>,
    #[serde(default)]
    pub services: Vec<S<ServiceFile>>,
    #[serde(default)]
    pub journeys: Vec<S<JourneyFile>>,
}

/// `[organisation]`: figures about the whole organisation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFile {
    pub revenue_per_year: Option<S<f64>>,
}

/// `[[journeys]]`: a customer journey, its services and its revenue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyFile {
    pub name: S<String>,
    pub services: Option<S<Vec<S<String>>>>,
    pub share: Option<S<f64>>,
    pub revenue_per_hour: Option<S<f64>>,
}

/// `[calendar]`: working hours of people who are not on call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    pub business_hours: Option<S<String>>,
    pub business_days: Option<S<String>>,
}

/// `[support]`: the extended window, the availability bands that choose support hours
/// and rotas, and what a domain rota's developer knows of other teams' services.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportFile {
    pub extended_hours: Option<S<String>>,
    pub extended_days: Option<S<String>>,
    pub out_of_hours_from: Option<S<f64>>,
    pub team_rota_from: Option<S<f64>>,
    pub domain_knowledge: Option<S<f64>>,
}

/// `[response]`: paging, diagnosis and escalation mechanics shared by all models.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseFile {
    pub acknowledge: Option<S<DistFile>>,
    pub prioritisation: Option<S<DistFile>>,
    pub diagnosis_penalty: Option<S<f64>>,
    pub max_escalation_probability: Option<S<f64>>,
    pub triage_fraction: Option<S<f64>>,
    pub cross_team_detection_factor: Option<S<f64>>,
    pub shift_length: Option<S<String>>,
    pub queue: Option<S<String>>,
    pub swarm: Option<S<bool>>,
    pub swarm_min_impact: Option<S<f64>>,
    pub concurrent_oncall: Option<S<i64>>,
    pub secondary: Option<S<bool>>,
}

/// `[groups.dev]`, `[groups.sre]`, `[groups.ops]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupsFile {
    pub dev: Option<GroupFile>,
    pub sre: Option<GroupFile>,
    pub ops: Option<GroupFile>,
}

/// One responder group's properties.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    pub knowledge: Option<S<f64>>,
    pub knowledge_floor: Option<S<f64>>,
    pub funding: Option<S<String>>,
    pub telemetry_delay_factor: Option<S<f64>>,
    pub routing: Option<S<DistFile>>,
    pub concurrent_oncall: Option<S<i64>>,
    pub salary: Option<S<f64>>,
    pub production_access: Option<S<bool>>,
    pub estate_services: Option<S<i64>>,
    pub charging: Option<S<String>>,
    pub sync_share: Option<S<f64>>,
    pub headcount: Option<S<i64>>,
}

/// `[sre_run]`: the readiness criteria and escalation mode of `sre-run`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SreRunFile {
    pub min_availability_target: Option<S<f64>>,
    pub dev_escalation: Option<S<String>>,
    pub handback_after_quarters: Option<S<i64>>,
    pub evidence_quarters: Option<S<i64>>,
    /// Former name of `evidence_quarters`, still accepted.
    pub readmit_after_quarters: Option<S<i64>>,
    pub substantial_traffic: Option<S<f64>>,
    pub critical_traffic: Option<S<f64>>,
    pub review_effort: Option<S<String>>,
    pub review_pass_probability: Option<S<f64>>,
}

/// `[you_and_sre_run]`: the shared rota.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YouAndSreRunFile {
    pub sre_shift_share: Option<S<f64>>,
    pub shift_length: Option<S<String>>,
}

/// `[costs]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostsFile {
    pub currency: Option<String>,
    pub working_hours_per_year: Option<S<f64>>,
    pub standby_per_hour: Option<S<f64>>,
    pub callout_per_page: Option<S<f64>>,
    pub min_rota_size: Option<S<i64>>,
    pub max_oncall_share: Option<S<f64>>,
    pub ops_fte_per_seat: Option<S<f64>>,
    pub freeze_cost_per_day: Option<S<f64>>,
    pub dev_oncall_productivity_loss: Option<S<f64>>,
    pub overhead_factor: Option<S<f64>>,
    pub dev_oncall_charge: Option<S<String>>,
    pub max_operational_load: Option<S<f64>>,
    pub operational_load_basis: Option<S<String>>,
}

/// `[[teams]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    pub name: S<String>,
    pub headcount: Option<S<i64>>,
    pub setup: Option<S<String>>,
    pub domain: Option<S<String>>,
}

/// `[[services]]` and `[service_defaults]`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    pub name: Option<S<String>>,
    pub team: Option<S<String>>,
    pub availability_target: Option<S<f64>>,
    pub background_incidents: Option<S<String>>,
    pub deploys_per_week: Option<S<f64>>,
    pub change_failure_rate: Option<S<f64>>,
    pub revenue_per_hour: Option<S<f64>>,
    pub effort: Option<S<DistFile>>,
    pub change_effort: Option<S<DistFile>>,
    pub rollback_effort: Option<S<DistFile>>,
    pub detection: Option<S<DistFile>>,
    pub severities: Option<S<Vec<S<SeverityFile>>>>,
    pub arrival_profile: Option<S<Vec<S<f64>>>>,
    pub deploy_in_business_hours: Option<S<bool>>,
    pub depends_on: Option<Vec<S<String>>>,
    pub cross_team_share: Option<S<f64>>,
    pub support: Option<S<String>>,
    pub rota: Option<S<String>>,
    pub traffic: Option<S<f64>>,
    pub traffic_growth: Option<S<f64>>,
    pub runner: Option<S<String>>,
    pub allowed_runners: Option<S<Vec<S<String>>>>,
}

/// `[sensitivity]`: the ranges `whoruns sensitivity` moves parameters over.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityFile {
    pub range: Option<S<f64>>,
    pub ranges: Option<std::collections::BTreeMap<String, S<Vec<f64>>>>,
}

/// `[sweep]`: what `whoruns sweep` varies by default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    pub param: S<String>,
    pub from: S<f64>,
    pub to: S<f64>,
    pub steps: Option<S<i64>>,
    pub scale: Option<S<String>>,
    pub label: Option<String>,
}

/// `[knowledge]`: erosion by deployments and restoration by synchronisation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeFile {
    pub erosion_per_deploy: Option<S<f64>>,
    pub sync_effect_per_hour: Option<S<f64>>,
    pub sync_attendees: Option<S<i64>>,
    pub target: Option<S<f64>>,
    pub start: Option<S<String>>,
    /// Removed: sync is now a demand the model derives. Kept to explain that.
    pub sync_hours_per_week: Option<S<toml::Value>>,
}

/// `[workarounds]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkaroundsFile {
    pub threshold: Option<S<String>>,
    pub probability: Option<S<f64>>,
    pub effort: Option<S<DistFile>>,
    pub conflict_probability: Option<S<f64>>,
    pub lifetime: Option<S<DistFile>>,
    pub on_conflict: Option<S<String>>,
}

/// `[learning]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningFile {
    pub incentive: Option<S<f64>>,
    pub done_when_felt: Option<S<f64>>,
    pub done_when_woken: Option<S<f64>>,
    pub done_when_handed_off: Option<S<f64>>,
    pub done_when_frozen: Option<S<f64>>,
    pub delay: Option<S<DistFile>>,
    pub handed_off_delay_factor: Option<S<f64>>,
    pub effort: Option<S<String>>,
    pub step: Option<S<f64>>,
    pub floor: Option<S<f64>>,
    pub drift_per_year: Option<S<f64>>,
}

/// `[telemetry]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryFile {
    pub best: Option<S<f64>>,
    pub worst: Option<S<f64>>,
    pub use_step: Option<S<f64>>,
    pub decay_per_year: Option<S<f64>>,
}

/// `[cascades]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CascadesFile {
    pub probability: Option<S<f64>>,
    pub resilience: Option<S<f64>>,
    pub step: Option<S<f64>>,
    pub delay: Option<S<String>>,
}

/// `[handoff]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffFile {
    pub delay: Option<S<DistFile>>,
    pub effort_factor: Option<S<f64>>,
}

/// `[error_budget]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBudgetFile {
    pub freeze: Option<S<bool>>,
    pub freeze_deploy_share: Option<S<f64>>,
    pub window: Option<S<String>>,
    pub models: Option<S<Vec<S<String>>>>,
    pub held_changes: Option<S<String>>,
}

/// `[you_run]`: the team set-up of section 12.3.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YouRunFile {
    pub setup: Option<S<String>>,
    pub embedded_sre_knowledge: Option<S<f64>>,
    pub embedded_sre_shift_share: Option<S<f64>>,
}

/// `[ops_sometimes_run]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsSometimesRunFile {
    pub min_availability_target: Option<S<f64>>,
}

/// `[you_run_ops_monitors]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YouRunOpsMonitorsFile {
    pub ops_seats: Option<S<i64>>,
    pub detection: Option<S<DistFile>>,
    pub charging: Option<S<String>>,
}

/// One severity class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityFile {
    pub name: S<String>,
    pub share: S<f64>,
    pub impact: S<f64>,
}

/// A distribution as written: `{ dist = "lognormal", median = "2h", p90 = "8h" }`, or a
/// plain duration such as `"10m"`, meaning always that long.
#[derive(Debug)]
pub enum DistFile {
    /// The table form.
    Table(Box<DistTable>),
    /// A plain duration: a constant.
    Plain(String),
}

/// The table form of a distribution.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistTable {
    pub dist: S<String>,
    pub mean: Option<S<String>>,
    pub median: Option<S<String>>,
    pub p90: Option<S<String>>,
    pub cv: Option<S<f64>>,
    pub shape: Option<S<f64>>,
    pub scale: Option<S<String>>,
    pub min: Option<S<String>>,
    pub mode: Option<S<String>>,
    pub max: Option<S<String>>,
    pub value: Option<S<String>>,
    pub values: Option<Vec<S<String>>>,
}

impl<'de> Deserialize<'de> for DistFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DistFile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a distribution")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DistFile, E> {
                Ok(DistFile::Plain(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DistFile, A::Error> {
                DistTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|t| DistFile::Table(Box::new(t)))
            }
        }
        d.deserialize_any(Visitor)
    }
}
