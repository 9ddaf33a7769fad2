//! Support hours by tier and domain rotas (issue 19, item 2), with common random numbers:
//! the same worlds, only `support` or `rota`/`domain` changed.

use whoruns::calendar::Calendar;
use whoruns::runner::run;
use whoruns::stats::Estimate;
use whoruns::{ModelKind, Outcome};

use crate::common::scenario;

/// Two teams, one service each; `support`, `rota` and the teams' `domain` lines given.
fn org(models: &str, support: &str, rota: &str, domains: bool) -> whoruns::Scenario {
    let domain = if domains { "domain = \"d\"" } else { "" };
    scenario(&format!(
        r#"
name = "support"
horizon = "365d"
replications = 12
seed = 7
models = [{models}]
[error_budget]
freeze = false
[service_defaults]
support = "{support}"
rota = "{rota}"
background_incidents = "4/month"
deploys_per_week = 10
change_failure_rate = 0.1
[[teams]]
name = "a"
{domain}
[[teams]]
name = "b"
{domain}
[[services]]
name = "web"
team = "a"
[[services]]
name = "api"
team = "b"
"#
    ))
}

fn outcomes(s: &whoruns::Scenario) -> Vec<Outcome> {
    run(s, None, &|| {}).expect("run")
}

fn paired(a: &[Outcome], b: &[Outcome], metric: fn(&Outcome) -> f64) -> Estimate {
    Estimate::of(a.iter().zip(b).map(|(x, y)| metric(x) - metric(y)))
}

const ALL: &str = r#""you-run", "you-and-sre-run", "sre-run", "ops-run", "ops-sometimes-run", "you-run-ops-monitors""#;

#[test]
fn business_hours_support_never_shortens_restores_and_lowers_on_call_cost() {
    let all_hours = outcomes(&org(ALL, "24/7", "team", false));
    let business = outcomes(&org(ALL, "business-hours", "team", false));
    // Same worlds (only feedback — workaround regressions — can differ).
    for (a, b) in all_hours.iter().zip(&business) {
        assert_eq!(a.model, b.model);
    }
    for model in ModelKind::ALL {
        let a: Vec<Outcome> = all_hours
            .iter()
            .filter(|o| o.model == model)
            .cloned()
            .collect();
        let b: Vec<Outcome> = business
            .iter()
            .filter(|o| o.model == model)
            .cloned()
            .collect();
        let mttr = paired(&b, &a, |o| o.mttr_hours);
        assert!(
            mttr.low > 0.0,
            "{model:?}: waiting for business hours: {mttr:?}"
        );
        assert!(
            b.iter()
                .zip(&a)
                .all(|(x, y)| x.cost_oncall <= y.cost_oncall + 1e-9),
            "{model:?}: on-call cost should not rise"
        );
        assert!(
            b.iter().all(|o| o.offhours_pages == 0),
            "{model:?}: no page out of hours"
        );
    }
    let you_run = |v: &[Outcome]| -> f64 {
        v.iter()
            .filter(|o| o.model == ModelKind::YouRun)
            .map(|o| o.dev_oncall_hours)
            .sum()
    };
    assert!(you_run(&business) < 0.3 * you_run(&all_hours));
}

#[test]
fn an_incident_outside_support_hours_is_not_worked_before_the_next_supported_hour() {
    let s = org(ALL, "business-hours", "team", false);
    let calendar = Calendar::default();
    for model in ModelKind::ALL {
        let seed = whoruns::rng::replication_seed(s.seed, 0);
        let world = whoruns::world::World::generate(&s, seed);
        let traces = whoruns::engine::trace(&s, &world, model, seed);
        let mut waited = 0;
        for t in traces.iter().filter(|t| t.acknowledged.is_finite()) {
            let start = t.acknowledged - t.parts[whoruns::metric::RestorePart::Ack.index()];
            assert!(
                start >= calendar.next_open(t.detected) - 1e-9,
                "{model:?}: worked at {start} before support hours (detected {})",
                t.detected
            );
            // The parts still add up to the restore time.
            if t.restored.is_finite() {
                let sum: f64 = t.parts.iter().sum();
                assert!((sum - (t.restored - t.arrival)).abs() < 1e-6);
            }
            if !calendar.is_open(t.detected) {
                waited += 1;
            }
        }
        assert!(
            waited > 0,
            "{model:?}: some incidents were detected out of hours"
        );
    }
}

#[test]
fn a_domain_rota_lowers_on_call_cost_against_team_rotas() {
    let models = "\"you-run\"";
    let teams = outcomes(&org(models, "24/7", "team", true));
    let domain = outcomes(&org(models, "24/7", "domain", true));
    let hours = paired(&domain, &teams, |o| o.dev_oncall_hours);
    assert!(
        hours.high < 0.0,
        "one domain rota out of hours, not two: {hours:?}"
    );
    let cost = paired(&domain, &teams, |o| o.cost_oncall);
    assert!(cost.high < 0.0, "{cost:?}");
    // Without a shared domain, `rota = "domain"` is the team's own rota: nothing changes.
    let alone = outcomes(&org(models, "24/7", "domain", false));
    let own = outcomes(&org(models, "24/7", "team", false));
    for (a, b) in alone.iter().zip(&own) {
        assert_eq!(a.cost_total.to_bits(), b.cost_total.to_bits());
        assert_eq!(a.mttr_hours.to_bits(), b.mttr_hours.to_bits());
    }
}

#[test]
fn every_model_sees_the_same_support_hours_for_a_tier() {
    let s = scenario(
        r#"
name = "tiers"
[[teams]]
name = "a"
[[services]]
name = "low"
team = "a"
availability_target = 0.95
[[services]]
name = "mid"
team = "a"
availability_target = 0.995
[[services]]
name = "high"
team = "a"
availability_target = 0.9995
"#,
    );
    use whoruns::scenario::{Rota, SupportHours};
    let got: Vec<(SupportHours, Rota)> = s.services.iter().map(|x| (x.support, x.rota)).collect();
    assert_eq!(
        got,
        [
            (SupportHours::BusinessHours, Rota::Team),
            (SupportHours::AllHours, Rota::Domain),
            (SupportHours::AllHours, Rota::Team),
        ]
    );
    // The support hours are the service's, read by the engine for whoever responds:
    // no model changes them (Policy has no say), so each model's first pages for "low"
    // all fall in business hours.
    let calendar = Calendar::default();
    let seed = whoruns::rng::replication_seed(s.seed, 0);
    let world = whoruns::world::World::generate(&s, seed);
    for model in ModelKind::ALL {
        let mut checked = 0;
        for t in whoruns::engine::trace(&s, &world, model, seed)
            .iter()
            .filter(|t| t.service == 0 && t.acknowledged.is_finite())
        {
            let start = t.acknowledged - t.parts[whoruns::metric::RestorePart::Ack.index()];
            assert!(start >= calendar.next_open(t.detected) - 1e-9, "{model:?}");
            checked += 1;
        }
        assert!(
            checked > 0,
            "{model:?}: no incident of the business-hours service"
        );
    }
}

#[test]
fn a_team_with_its_own_night_rota_answers_for_its_domain_services_too() {
    // Team a runs a 24/7 service on its own rota and a domain-rota service; team b only a
    // domain-rota service. Team a's own rota is up all night anyway, so its domain service
    // stays with it: the results are those of team a holding both on its own rota.
    let text = |rota_of_a2: &str| {
        format!(
            r#"
name = "nights"
horizon = "365d"
replications = 8
seed = 5
models = ["you-run"]
[error_budget]
freeze = false
[service_defaults]
support = "24/7"
background_incidents = "4/month"
deploys_per_week = 10
[[teams]]
name = "a"
domain = "d"
[[teams]]
name = "b"
domain = "d"
[[services]]
name = "a1"
team = "a"
rota = "team"
[[services]]
name = "a2"
team = "a"
rota = "{rota_of_a2}"
[[services]]
name = "b1"
team = "b"
rota = "domain"
"#
        )
    };
    let as_domain = outcomes(&scenario(&text("domain")));
    let as_team = outcomes(&scenario(&text("team")));
    assert_eq!(as_domain, as_team);
    // And the domain rota still covers team b's nights: one rota-year of it, not two.
    for o in &as_domain {
        assert!(o.dev_oncall_hours > 8760.0 && o.dev_oncall_hours < 2.0 * 8760.0 + 1.0);
    }
}
