//! Revenue that adds up: customer journeys lose their revenue once per hour whichever of
//! their services is down, more revenue never lowers the cost of unreliability, a journey
//! per service reproduces per-service revenue exactly, and validation warns when the
//! revenue at risk exceeds the organisation's revenue.

use whoruns::rng::replication_seed;
use whoruns::runner::{run, simulate_replication};
use whoruns::units::HOURS_PER_YEAR;
use whoruns::world::World;
use whoruns::{Outcome, Scenario};

use crate::common::{bundled, scenario};

/// Two teams' services, busy enough that their incidents overlap; `revenue` is appended
/// (service keys first, then `[organisation]` and `[[journeys]]`).
fn shop(web_revenue: &str, api_revenue: &str, journeys: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "journeys"
horizon = "400d"
warmup = "35d"
replications = 8
seed = 5
models = ["you-run", "ops-run", "you-run-ops-monitors"]
[service_defaults]
severities = [{{ name = "down", share = 1.0, impact = 1.0 }}]
[[teams]]
name = "a"
[[teams]]
name = "b"
[[services]]
name = "web"
team = "a"
background_incidents = "6/month"
deploys_per_week = 10
change_failure_rate = 0.2
{web_revenue}
[[services]]
name = "api"
team = "b"
background_incidents = "6/month"
deploys_per_week = 10
change_failure_rate = 0.2
{api_revenue}
{journeys}
"#
    ))
}

/// The length of the union of `[start, end)` intervals within `[from, to)`.
fn union_hours(mut intervals: Vec<(f64, f64)>, from: f64, to: f64) -> f64 {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut total, mut reach) = (0.0, from);
    for (start, end) in intervals {
        let (start, end) = (start.max(reach), end.min(to));
        if end > start {
            total += end - start;
            reach = end;
        }
    }
    total
}

#[test]
fn two_services_down_at_once_count_their_journey_once() {
    // Full outages only: the journey is down whenever either service is, so its downtime
    // is the union of both services' outages — an oracle from the incidents' traces.
    let journey =
        "[[journeys]]\nname = \"buy\"\nrevenue_per_hour = 1000\nservices = [\"web\", \"api\"]";
    let s = shop("", "", journey);
    assert_eq!(s.services[0].revenue_per_hour, 0.0, "no revenue of its own");
    let window = s.horizon_hours - s.warmup_hours;
    let mut overlapped = false;
    for rep in 0..s.replications {
        let seed = replication_seed(s.seed, rep);
        let world = World::generate(&s, seed);
        for o in simulate_replication(&s, rep) {
            let outages: Vec<(f64, f64)> = whoruns::engine::trace(&s, &world, o.model, seed)
                .iter()
                .map(|t| (t.arrival, t.restored.min(s.horizon_hours)))
                .collect();
            let union = union_hours(outages, s.warmup_hours, s.horizon_hours);
            let expected = union * 1000.0 * HOURS_PER_YEAR / window;
            assert!(
                (o.cost_downtime - expected).abs() <= 1e-6 * expected.max(1.0),
                "{}: {} vs {expected}",
                o.model,
                o.cost_downtime
            );
            let summed: f64 = o.service_downtime_hours.iter().sum();
            assert!(union <= summed + 1e-9);
            overlapped |= union < summed - 1e-6;
        }
    }
    assert!(overlapped, "the case should have overlapping outages");
}

#[test]
fn more_revenue_per_journey_never_lowers_the_cost_of_unreliability() {
    let text = std::fs::read_to_string(bundled("baseline.toml")).expect("bundled scenario");
    let mut low = whoruns::scenario::parse(&text, "baseline.toml").expect("valid");
    low.replications = 6;
    let mut high = low.clone();
    for j in &mut high.journeys {
        j.revenue_per_hour *= 1.5;
    }
    let (a, b) = (
        run(&low, None, &|| {}).unwrap(),
        run(&high, None, &|| {}).unwrap(),
    );
    assert_eq!(a.len(), b.len());
    let mut rose = false;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((x.model, x.replication), (y.model, y.replication));
        assert!(y.cost_unreliability >= x.cost_unreliability, "{}", x.model);
        // Revenue prices downtime; it changes nothing else.
        assert_eq!(x.service_downtime_hours, y.service_downtime_hours);
        assert_eq!(x.cost_operating, y.cost_operating);
        rose |= y.cost_unreliability > x.cost_unreliability;
    }
    assert!(rose);
}

#[test]
fn a_journey_per_service_reproduces_per_service_revenue() {
    let own = shop("revenue_per_hour = 7000", "revenue_per_hour = 300", "");
    let journeys = shop(
        "",
        "",
        "[[journeys]]\nname = \"w\"\nrevenue_per_hour = 7000\nservices = [\"web\"]\n\
         [[journeys]]\nname = \"a\"\nrevenue_per_hour = 300\nservices = [\"api\"]",
    );
    let (a, b) = (
        run(&own, None, &|| {}).unwrap(),
        run(&journeys, None, &|| {}).unwrap(),
    );
    let bits = |o: &Outcome| (o.cost_downtime.to_bits(), o.cost_total.to_bits());
    for (x, y) in a.iter().zip(&b) {
        assert!(x.cost_downtime > 0.0);
        assert_eq!(
            bits(x),
            bits(y),
            "{} replication {}",
            x.model,
            x.replication
        );
    }
}

#[test]
fn shares_are_of_the_organisations_revenue() {
    let s = shop(
        "",
        "revenue_per_hour = 100",
        "[organisation]\nrevenue_per_year = 8_760_000\n[[journeys]]\nname = \"buy\"\nshare = 0.25\nservices = [\"web\"]",
    );
    assert_eq!(s.revenue_per_year, Some(8_760_000.0));
    assert!((s.journeys[0].revenue_per_hour - 250.0).abs() < 1e-9);
    // A service's own revenue stated beside its journeys' counts too.
    assert!((s.revenue_at_risk_per_year() - 350.0 * HOURS_PER_YEAR).abs() < 1e-6);
    assert!(s.warnings.is_empty());
}

#[test]
fn revenue_at_risk_beyond_the_organisations_revenue_is_warned_about() {
    let s = shop(
        "",
        "revenue_per_hour = 50000",
        "[organisation]\nrevenue_per_year = 1_000_000\n\
         [[journeys]]\nname = \"buy\"\nshare = 0.8\nservices = [\"web\", \"api\"]\n\
         [[journeys]]\nname = \"browse\"\nshare = 0.5\nservices = [\"web\"]",
    );
    let text: Vec<String> = s.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(text.join("\n"));
}

#[test]
fn journeys_are_checked_with_their_places() {
    let bad = whoruns::scenario::parse(
        r#"
name = "bad-journeys"
[[teams]]
name = "a"
[[services]]
name = "web"
team = "a"
[[journeys]]
name = "buy"
share = 0.5
services = ["web", "wbe", "web"]
[[journeys]]
name = "buy"
revenue_per_hour = 10
share = 0.1
services = []
[[journeys]]
name = "none"
"#,
        "bad.toml",
    )
    .unwrap_err();
    insta::assert_snapshot!(bad.to_string());
}

#[test]
fn validate_prints_the_warning_and_accepts_the_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("double.toml");
    std::fs::write(
        &path,
        "[organisation]\nrevenue_per_year = 1000\n[[teams]]\nname = \"a\"\n\
         [[services]]\nname = \"web\"\nteam = \"a\"\nrevenue_per_hour = 1\n",
    )
    .unwrap();
    let out = crate::cli::whoruns()
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("double.toml:2:20: warning: revenue at risk is 8,760 a year"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("revenue at risk 0.0M USD a year, of 0.0M revenue"),
        "{stdout}"
    );
}
