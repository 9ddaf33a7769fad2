//! Staff sized by the load, symmetric by default (issue 19, item 3): dedicated functions
//! are sized from the first-responder load and the minimum a 24/7 rota needs unless the
//! scenario states a headcount; every rota has the same number on call unless stated; a
//! shared function's cost, monitoring seats included, is charged pro rata. Each rule shows
//! its direction, and a key a model does not use leaves its outputs bit for bit.

use whoruns::models::Policy;
use whoruns::runner::run;
use whoruns::{ModelKind, Outcome, Scenario};

use crate::common::scenario;

/// Two teams, two services across them (a cross-team workflow); `extra` is appended.
fn org(models: &str, rate: &str, extra: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "staffing"
horizon = "200d"
replications = 4
seed = 5
models = [{models}]
[[teams]]
name = "a"
[[teams]]
name = "b"
[[services]]
name = "web"
team = "a"
availability_target = 0.9995
background_incidents = "{rate}"
deploys_per_week = 5
depends_on = ["api"]
[[services]]
name = "api"
team = "b"
availability_target = 0.99
background_incidents = "{rate}"
deploys_per_week = 5
{extra}
"#
    ))
}

fn all_models() -> String {
    ModelKind::ALL
        .iter()
        .map(|m| format!("\"{}\"", m.key()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn outcomes(s: &Scenario, model: ModelKind) -> Vec<Outcome> {
    run(s, None, &|| {})
        .expect("run")
        .into_iter()
        .filter(|o| o.model == model)
        .collect()
}

/// Every column of every outcome of `model`, as bits.
fn bits(s: &Scenario, model: ModelKind) -> Vec<Vec<u64>> {
    outcomes(s, model)
        .iter()
        .map(|o| {
            whoruns::metric::COLUMNS
                .iter()
                .map(|m| m.get(o).expect("a column").to_bits())
                .collect()
        })
        .collect()
}

#[test]
fn every_rota_has_the_same_number_on_call_unless_a_group_states_its_own() {
    let s = org("\"you-run\"", "1/month", "");
    let g = &s.groups;
    assert_eq!(
        [
            g.dev.concurrent_oncall,
            g.sre.concurrent_oncall,
            g.ops.concurrent_oncall
        ],
        [1, 1, 1]
    );
    let s = org(
        "\"you-run\"",
        "1/month",
        "[response]\nconcurrent_oncall = 2\n[groups.ops]\nconcurrent_oncall = 3\n",
    );
    let g = &s.groups;
    assert_eq!(
        [
            g.dev.concurrent_oncall,
            g.sre.concurrent_oncall,
            g.ops.concurrent_oncall
        ],
        [2, 2, 3]
    );
}

#[test]
fn a_stated_headcount_overrides_the_sizing() {
    let sized = org(&all_models(), "1/month", "");
    let stated = org(
        &all_models(),
        "1/month",
        "[groups.ops]\nheadcount = 13\n[groups.sre]\nheadcount = 11\n",
    );
    let hc = |s: &Scenario, m| Policy::of(s, m).headcount;
    assert_eq!(hc(&sized, ModelKind::OpsRun).ops, 5.0, "one 24/7 seat");
    assert_eq!(hc(&stated, ModelKind::OpsRun).ops, 13.0);
    assert_eq!(
        hc(&sized, ModelKind::SreRun).sre_team,
        4.0,
        "one on call, at most 25% of the time"
    );
    assert_eq!(hc(&stated, ModelKind::SreRun).sre_team, 11.0);
    assert_eq!(hc(&stated, ModelKind::YouAndSreRun).sre_team, 11.0);
    // Not where the group answers no page: monitoring seats are not the responders.
    assert_eq!(hc(&stated, ModelKind::YouRunOpsMonitors).ops, 5.0);
    assert_eq!(hc(&stated, ModelKind::YouRun).total(), 0.0);
    let o = outcomes(&stated, ModelKind::OpsRun);
    assert!(o.iter().all(|o| o.dedicated_headcount == 13.0));
    assert!(o.iter().all(|o| o.charged_headcount == 13.0));
}

#[test]
fn more_load_means_more_seats_never_fewer_than_a_rotas_minimum() {
    let rates = ["0.1/month", "1/month", "1/day", "4/day", "12/day"];
    let mut last = (0.0, 0.0);
    for rate in rates {
        let s = org(&all_models(), rate, "");
        let ops = Policy::of(&s, ModelKind::OpsRun).headcount.ops;
        let sre = Policy::of(&s, ModelKind::SreRun).headcount.sre_team;
        assert!(ops >= 5.0, "{rate}: a 24/7 seat needs 5 people, got {ops}");
        assert!(
            sre >= 4.0,
            "{rate}: one on call 25% of the time needs 4, got {sre}"
        );
        assert!(ops >= last.0 && sre >= last.1, "{rate}: fewer people");
        last = (ops, sre);
    }
    assert!(last.0 > 5.0 && last.1 > 4.0, "the load never raised a seat");
    // Measured against working time (SREB ch. 5's 50% of an engineer's time), a heavy load
    // needs more SREs than measured against seats' 8760 hours, four people each; for
    // operations the two nearly agree (a seat's five people work 1,752 hours each).
    let heavy = |basis: &str| {
        let s = org(
            &all_models(),
            "12/day",
            &format!("[costs]\noperational_load_basis = \"{basis}\"\n"),
        );
        let hc = Policy::of(&s, ModelKind::SreRun).headcount;
        let ops = Policy::of(&s, ModelKind::OpsRun).headcount;
        (hc.sre_team, ops.ops)
    };
    let (work, seat) = (heavy("working-time"), heavy("seat-time"));
    assert!(work.0 > seat.0, "{work:?} {seat:?}");
    assert!(
        (work.1 - seat.1).abs() <= 0.05 * seat.1,
        "{work:?} {seat:?}"
    );
}

#[test]
fn a_larger_estate_charges_these_services_a_smaller_share_monitoring_included() {
    let estate = |n: u32| {
        org(
            "\"ops-run\", \"you-run-ops-monitors\"",
            "1/month",
            &format!("[groups.ops]\nestate_services = {n}\n"),
        )
    };
    let mut last = (f64::INFINITY, f64::INFINITY);
    for n in [2, 20, 200] {
        let s = estate(n);
        let ops = Policy::of(&s, ModelKind::OpsRun).headcount.charged().2;
        let monitors = Policy::of(&s, ModelKind::YouRunOpsMonitors).headcount;
        let pro_rata = 5.0 * 2.0 / f64::from(n);
        assert!((monitors.charged().2 - pro_rata).abs() < 1e-12, "{n}");
        assert!(ops < last.0, "{n}: {ops}");
        assert!(monitors.charged().2 < last.1, "{n}");
        last = (ops, monitors.charged().2);
    }
    // Charged in full when the scenario says so, for the monitoring seats alone.
    let full = org(
        "\"you-run-ops-monitors\"",
        "1/month",
        "[groups.ops]\nestate_services = 200\n[you_run_ops_monitors]\ncharging = \"full\"\n",
    );
    let hc = Policy::of(&full, ModelKind::YouRunOpsMonitors).headcount;
    assert_eq!(hc.charged().2, 5.0);
}

#[test]
fn utilisation_is_incident_time_over_the_charged_staffs_working_time() {
    let s = org(&all_models(), "1/day", "");
    for o in outcomes(&s, ModelKind::OpsRun) {
        let expected = o.ops_sre_incident_hours * (8760.0 / (200.0 * 24.0))
            / (o.charged_headcount * s.costs.working_hours_per_year);
        assert!((o.dedicated_utilisation - expected).abs() < 1e-12, "{o:?}");
        assert!(o.dedicated_utilisation > 0.0 && o.dedicated_utilisation < 1.0);
    }
    assert!(
        outcomes(&s, ModelKind::YouRun)
            .iter()
            .all(|o| o.dedicated_utilisation == 0.0)
    );
}

#[test]
fn a_staffing_key_a_model_does_not_use_leaves_its_outputs_bit_identical() {
    let base = org(&all_models(), "1/month", "");
    let cases = [
        (
            "[groups.ops]\nheadcount = 17\n",
            &[
                ModelKind::YouRun,
                ModelKind::YouAndSreRun,
                ModelKind::SreRun,
            ][..],
        ),
        (
            "[groups.sre]\nheadcount = 17\n",
            &[
                ModelKind::YouRun,
                ModelKind::OpsRun,
                ModelKind::OpsSometimesRun,
                ModelKind::YouRunOpsMonitors,
            ][..],
        ),
        (
            "[groups.ops]\nestate_services = 100\n[you_run_ops_monitors]\ncharging = \"full\"\n",
            &[
                ModelKind::YouRun,
                ModelKind::YouAndSreRun,
                ModelKind::SreRun,
            ][..],
        ),
    ];
    for (extra, untouched) in cases {
        let changed = org(&all_models(), "1/month", extra);
        for &m in untouched {
            assert_eq!(bits(&base, m), bits(&changed, m), "{extra} moved {m:?}");
        }
    }
}
