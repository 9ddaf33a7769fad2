//! Values at the edge of what validation accepts still simulate, and finish: every loop in
//! the calendar and the engine terminates however small a rate or long a delay.

use whoruns::{guard, runner};

use crate::common::scenario;

fn runs(extra: &str) {
    let mut s = scenario(&format!(
        "replications = 2\nhorizon = \"26w\"\nwarmup = \"1w\"\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n{extra}\n"
    ));
    s.replications = 2;
    guard::check(&s, 1, &guard::Limits::default()).expect("within the guardrails");
    let outcomes = runner::run(&s, Some(1), &|| {}).expect("run");
    for o in outcomes {
        assert_eq!(o.incidents, o.resolved + o.open_at_end, "{extra}");
    }
}

#[test]
fn a_vanishing_deployment_rate_does_not_stall_the_calendar() {
    runs("deploys_per_week = 1e-308\ndeploy_in_business_hours = true");
}

#[test]
fn a_vanishing_incident_rate_simulates_an_empty_world() {
    runs("background_incidents = \"1e-300/h\"\ndeploys_per_week = 0.0");
}

#[test]
fn the_longest_mean_validation_allows_still_finishes() {
    runs(
        "background_incidents = \"3/week\"\neffort = { dist = \"exponential\", mean = \"9y\" }\ndetection = \"9y\"",
    );
}

#[test]
fn heavy_tails_within_bounds_finish() {
    runs(
        "background_incidents = \"3/week\"\neffort = { dist = \"weibull\", shape = 0.15, scale = \"1m\" }",
    );
}
