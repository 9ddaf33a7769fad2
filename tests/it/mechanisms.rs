//! Each organisational mechanism shows its direction, with common random numbers: the
//! same worlds, one parameter changed.

use whoruns::runner::run;
use whoruns::stats::Estimate;
use whoruns::{ModelKind, Outcome};

use crate::common::scenario;

/// A small organisation; `extra` is appended (sections override defaults).
fn org(models: &str, extra: &str) -> whoruns::Scenario {
    scenario(&format!(
        r#"
name = "mechanisms"
horizon = "365d"
replications = 12
seed = 99
models = [{models}]
[[teams]]
name = "a"
[[teams]]
name = "b"
[[services]]
name = "web"
team = "a"
availability_target = 0.999
background_incidents = "2/month"
deploys_per_week = 15
change_failure_rate = 0.1
[[services]]
name = "api"
team = "b"
availability_target = 0.995
background_incidents = "2/month"
deploys_per_week = 10
change_failure_rate = 0.1
{extra}
"#
    ))
}

fn outcomes(s: &whoruns::Scenario, model: ModelKind) -> Vec<Outcome> {
    run(s, None, &|| {})
        .expect("run")
        .into_iter()
        .filter(|o| o.model == model)
        .collect()
}

fn paired(a: &[Outcome], b: &[Outcome], metric: fn(&Outcome) -> f64) -> Estimate {
    Estimate::of(a.iter().zip(b).map(|(x, y)| metric(x) - metric(y)))
}

#[test]
fn more_sync_hours_shorten_restores_under_ops_run() {
    let sync = |h: f64| {
        org(
            "\"ops-run\"",
            &format!("[knowledge.sync_hours_per_week]\nops-run = {h}\n"),
        )
    };
    let none = outcomes(&sync(0.0), ModelKind::OpsRun);
    let lots = outcomes(&sync(8.0), ModelKind::OpsRun);
    let knowledge = paired(&lots, &none, |o| o.l1_knowledge);
    assert!(
        knowledge.low > 0.0,
        "sync should raise knowledge: {knowledge:?}"
    );
    let mttr = paired(&lots, &none, |o| o.mttr_hours);
    assert!(mttr.high < 0.0, "sync should shorten restores: {mttr:?}");
    let escalations = paired(&lots, &none, |o| o.escalations as f64);
    assert!(
        escalations.high < 0.0,
        "sync should cut escalations: {escalations:?}"
    );
    assert!(lots.iter().all(|o| o.sync_hours > 0.0 && o.cost_sync > 0.0));
    assert!(
        none.iter()
            .all(|o| o.sync_hours == 0.0 && o.cost_sync == 0.0)
    );
}

#[test]
fn deployments_erode_non_owners_knowledge() {
    let erosion = |e: f64| {
        org(
            "\"ops-run\"",
            &format!("[knowledge]\nerosion_per_deploy = {e}\n"),
        )
    };
    let stable = outcomes(&erosion(0.0), ModelKind::OpsRun);
    let eroding = outcomes(&erosion(0.05), ModelKind::OpsRun);
    let k = paired(&eroding, &stable, |o| o.l1_knowledge);
    assert!(k.high < 0.0, "{k:?}");
}

#[test]
fn without_workarounds_there_are_no_regressions() {
    let w = |p: f64, conflict: f64| {
        org(
            "\"ops-run\"",
            &format!("[workarounds]\nprobability = {p}\nconflict_probability = {conflict}\n"),
        )
    };
    for o in outcomes(&w(0.0, 1.0), ModelKind::OpsRun) {
        assert_eq!(
            (o.workarounds_applied, o.workarounds_peak, o.regressions),
            (0, 0, 0)
        );
    }
    // And the mechanism is live when switched on.
    let on = outcomes(&w(1.0, 0.5), ModelKind::OpsRun);
    assert!(
        on.iter()
            .all(|o| o.workarounds_applied > 0 && o.workarounds_peak > 0)
    );
    assert!(on.iter().map(|o| o.regressions).sum::<u64>() > 0);
}

#[test]
fn workarounds_end_impact_sooner() {
    let w = |p: f64| {
        org(
            "\"ops-run\"",
            &format!("[workarounds]\nprobability = {p}\nconflict_probability = 0\n"),
        )
    };
    let without = outcomes(&w(0.0), ModelKind::OpsRun);
    let with = outcomes(&w(1.0), ModelKind::OpsRun);
    let downtime = paired(&with, &without, |o| o.downtime_hours);
    assert!(downtime.high < 0.0, "{downtime:?}");
}

fn failing_service(handback_after: u32, horizon_days: u32) -> whoruns::Scenario {
    scenario(&format!(
        r#"
horizon = "{horizon_days}d"
replications = 4
seed = 3
models = ["sre-run"]
[sre_run]
min_availability_target = 0.999
handback_after_quarters = {handback_after}
readmit_after_quarters = 2
[[teams]]
name = "a"
[[services]]
name = "flaky"
team = "a"
availability_target = 0.9999
background_incidents = "3/day"
severities = [{{ name = "outage", share = 1.0, impact = 1.0 }}]
"#
    ))
}

#[test]
fn a_service_outside_budget_is_handed_back_after_n_quarters() {
    // Quarters end on days 91.25 and 182.5: with N = 2 the hand-back comes at the second.
    for o in run(&failing_service(2, 200), None, &|| {}).expect("run") {
        assert_eq!(
            (o.handovers, o.handbacks, o.quarters_outside_budget),
            (1, 1, 2),
            "{o:?}"
        );
    }
    // With N = 3 a 200-day run ends before the third quarter: no hand-back yet.
    for o in run(&failing_service(3, 200), None, &|| {}).expect("run") {
        assert_eq!((o.handovers, o.handbacks), (1, 0));
    }
    // A 365-day horizon completes four quarters, all of them outside the budget.
    for o in run(&failing_service(2, 365), None, &|| {}).expect("run") {
        assert_eq!(o.quarters_outside_budget, 4);
    }
    // After the hand-back the developers are on call for it.
    let short = run(&failing_service(2, 150), None, &|| {}).expect("run");
    let long = run(&failing_service(2, 300), None, &|| {}).expect("run");
    assert!(short.iter().all(|o| o.dev_oncall_hours == 0.0));
    assert!(long.iter().all(|o| o.dev_oncall_hours > 0.0));
}

#[test]
fn a_freeze_holds_back_deployments_and_their_incidents() {
    let policy = |freeze: bool| {
        let mut s = failing_service(2, 365);
        s.models = vec![ModelKind::YouRun];
        s.services[0].deploys_per_week = 20.0;
        s.services[0].change_failure_rate = 0.2;
        s.error_budget.freeze = freeze;
        s
    };
    let off = outcomes(&policy(false), ModelKind::YouRun);
    let on = outcomes(&policy(true), ModelKind::YouRun);
    for (a, b) in on.iter().zip(&off) {
        assert!(a.deploys_frozen > 0 && a.freeze_days > 0.0 && a.cost_freeze > 0.0);
        assert!(
            a.incidents < b.incidents,
            "freeze {} vs none {}",
            a.incidents,
            b.incidents
        );
        assert_eq!((b.deploys_frozen, b.freeze_days), (0, 0.0));
    }
}

#[test]
fn ops_monitoring_detects_cross_team_incidents_sooner() {
    let deps = "[[services]]\nname = \"checkout\"\nteam = \"a\"\ndepends_on = [\"api\"]\ncross_team_share = 0.5\n";
    let s = org("\"you-run\", \"you-run-ops-monitors\"", deps);
    let all = run(&s, None, &|| {}).expect("run");
    let you: Vec<_> = all
        .iter()
        .filter(|o| o.model == ModelKind::YouRun)
        .cloned()
        .collect();
    let mon: Vec<_> = all
        .iter()
        .filter(|o| o.model == ModelKind::YouRunOpsMonitors)
        .cloned()
        .collect();
    let ttd = paired(&mon, &you, |o| o.ttd_hours);
    assert!(ttd.high < 0.0, "{ttd:?}");
    assert!(mon.iter().all(|o| o.dedicated_headcount > 0.0));
}

#[test]
fn team_setups_change_who_is_paged_and_the_developer_burden() {
    let setup = |name: &str| org("\"you-run\"", &format!("[you_run]\nsetup = \"{name}\"\n"));
    let devs = outcomes(&setup("devs-rotate"), ModelKind::YouRun);
    let embedded = outcomes(&setup("embedded-sre"), ModelKind::YouRun);
    let mixed = outcomes(&setup("sre-and-devs"), ModelKind::YouRun);
    for ((d, e), m) in devs.iter().zip(&embedded).zip(&mixed) {
        assert_eq!(d.dedicated_headcount, 0.0);
        assert_eq!(e.dedicated_headcount, 2.0, "one embedded SRE per team");
        assert_eq!(
            e.dev_oncall_hours, 0.0,
            "developers leave on call to their SRE"
        );
        assert!(d.dev_oncall_hours > 0.0 && m.dev_oncall_hours > 0.0);
        assert_eq!(d.escalations, 0, "owners never escalate");
        assert!(e.dev_incident_hours < d.dev_incident_hours);
        assert!(e.l1_knowledge < 1.0 && d.l1_knowledge == 1.0);
    }
}
