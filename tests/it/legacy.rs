//! Every new mechanism has a setting that reproduces the results from before it, bit for
//! bit. The digests below were recorded by the engine as it stood before the round that
//! made freezes defer work (commit `ac436de`); [`legacy`] applies, for each mechanism added
//! since, the setting that turns it off. A change that moves these numbers under the
//! legacy settings changed an old mechanism, not only added a new one.

use whoruns::runner::run;
use whoruns::scenario::{HeldChanges, OnConflict, QueueOrder};
use whoruns::{ModelKind, Outcome, Scenario};

use crate::common::bundled;

/// The columns `replications.csv` had at `ac436de`, in order.
const COLUMNS: &[&str] = &[
    "incidents",
    "resolved",
    "open_at_end",
    "availability",
    "downtime_hours",
    "mttr_hours",
    "ttr_p50_hours",
    "ttr_p90_hours",
    "ttr_p99_hours",
    "ttd_hours",
    "queue_wait_hours",
    "ttr_detect_hours",
    "ttr_route_hours",
    "ttr_queue_hours",
    "ttr_ack_hours",
    "ttr_l1_work_hours",
    "ttr_wait_l2_oncall_hours",
    "ttr_wait_l2_business_hours_hours",
    "ttr_wait_l2_prioritisation_hours",
    "ttr_l2_work_hours",
    "ttr_wait_for_l2_hours",
    "rollbacks",
    "escalations",
    "pages",
    "offhours_pages",
    "dev_pages",
    "pages_per_shift",
    "pages_per_shift_p90",
    "offhours_pages_per_person_month",
    "l1_knowledge",
    "sync_hours",
    "sync_demand_hours",
    "handed_over_service_years",
    "handed_over_incidents",
    "handed_over_dev_pages",
    "workarounds_applied",
    "workarounds_open_end",
    "workarounds_peak",
    "regressions",
    "freeze_days",
    "deploys_frozen",
    "quarters_outside_budget",
    "handovers",
    "handbacks",
    "dev_oncall_hours",
    "dev_incident_hours",
    "ops_sre_incident_hours",
    "dedicated_headcount",
    "charged_headcount",
    "cost_staff",
    "cost_oncall",
    "cost_labour",
    "cost_sync",
    "cost_freeze",
    "cost_capex",
    "cost_opex",
    "cost_operating",
    "cost_downtime",
    "cost_unreliability",
    "cost_total",
];

/// The settings that switch off every mechanism added since `ac436de`.
fn legacy(mut s: Scenario) -> Scenario {
    // Freezes drop the changes they hold back, and ops-run is exempt from the policy.
    s.error_budget.held_changes = HeldChanges::Dropped;
    // One responder per incident, first come first served.
    s.response.queue = QueueOrder::Fifo;
    s.response.swarm_min_impact = None;
    // Workarounds stay after a conflict and regressions may be worked around again.
    s.workarounds.on_conflict = OnConflict::Keep;
    s.error_budget.models = ModelKind::ALL
        .into_iter()
        .filter(|m| *m != ModelKind::OpsRun)
        .collect();
    // Revenue that adds up: the bundled scenarios' revenue comes from the organisation's
    // and its journeys; before, each service lost its tier's revenue per hour.
    if !s.journeys.is_empty() {
        s.journeys.clear();
        s.revenue_per_year = None;
        for service in &mut s.services {
            service.revenue_per_hour = match service.availability_target {
                t if t >= 0.9995 => 50_000.0,
                t if t >= 0.999 => 10_000.0,
                t if t >= 0.995 => 2_000.0,
                _ => 500.0,
            };
        }
    }
    // A steady start: the bundled scenarios now warm up for years; before, two quarters
    // of warm-up and one measured year.
    if s.warmup_hours > 4380.0 {
        s.warmup_hours = 4380.0;
        s.horizon_hours = 13140.0;
    }
    // Knowledge starts at each group's `knowledge` (session 14 added a steady start).
    s.knowledge.start = whoruns::scenario::KnowledgeStart::Initial;
    // Support hours by tier (issue 19, item 2): every service was supported around the
    // clock by its own team's rota.
    for service in &mut s.services {
        service.support = whoruns::scenario::SupportHours::AllHours;
        service.rota = whoruns::scenario::Rota::Team;
    }
    // The long run (issue 20): no learning (stationary rates and telemetry), no cascades,
    // no hand-off friction.
    s.learning.incentive = 0.0;
    s.cascades.probability = 0.0;
    s.handoff.effort_factor = 1.0;
    s.handoff.delay = match whoruns::dist::Dist::constant(0.0) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    staffing_as_before(s)
}
/// Staff sized by the load, symmetric by default (issue 19, item 3): the old rotas had two
/// SREs and two operations engineers on call at once against developers' one, and the
/// monitoring seats of `you-run-ops-monitors` were charged in full whatever the estate, and
/// the smallest SRE rota was eight whatever the number on call, and a function's load sized
/// its seats (8760 hours each) rather than its people's working time. (No scenario stated
/// a headcount before.)
fn staffing_as_before(mut s: Scenario) -> Scenario {
    s.costs.min_rota_size = 8;
    s.costs.operational_load_basis = whoruns::scenario::LoadBasis::SeatTime;
    s.groups.sre.concurrent_oncall = 2;
    s.groups.ops.concurrent_oncall = 2;
    s.you_run_ops_monitors.charging = Some(whoruns::scenario::Charging::Full);
    s
}

/// FNV-1a over the exact bits of every old column of every outcome, in run order.
fn digest(outcomes: &[Outcome]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for o in outcomes {
        eat(o.model.name().as_bytes());
        eat(&o.replication.to_le_bytes());
        for name in COLUMNS {
            let m = whoruns::metric::find(name).expect("an old column still exists");
            let v = m.get(o).expect("a column reads from the outcome");
            eat(&v.to_bits().to_le_bytes());
        }
    }
    format!("{h:016x}")
}

fn summary(file: &str, replications: u32) -> String {
    let path = bundled(file);
    let text = std::fs::read_to_string(&path).expect("bundled scenario");
    let mut s = whoruns::scenario::parse(&text, file).expect("valid");
    s.replications = replications;
    let s = legacy(s);
    let outcomes = run(&s, None, &|| {}).expect("run");
    let mut out = format!("{file} -n {replications}: {}\n", digest(&outcomes));
    for model in &s.models {
        let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.model == *model).collect();
        let n = mine.len() as f64;
        let mean = |f: fn(&Outcome) -> f64| mine.iter().map(|o| f(o)).sum::<f64>() / n;
        out += &format!(
            "  {:<22} incidents {:>9.3}  cost_total {:>14.3}  mttr {:>8.5}\n",
            model.name(),
            mean(|o| o.incidents as f64),
            mean(|o| o.cost_total),
            mean(|o| o.mttr_hours),
        );
    }
    out
}

#[test]
fn legacy_settings_reproduce_the_results_from_before_the_round() {
    let text = [
        summary("baseline.toml", 4),
        summary("large-estate.toml", 2),
        summary("mmc-check.toml", 3),
    ]
    .concat();
    insta::assert_snapshot!(text);
}
