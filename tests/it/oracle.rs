//! The engine against analytic queueing results (Erlang C) that no one here wrote.

use whoruns::runner;
use whoruns::stats::Estimate;

use crate::common::mmc;

/// Erlang C mean wait in queue for an M/M/c queue (textbook formula).
fn erlang_c_wq(lambda: f64, c: u32, mean_service: f64) -> f64 {
    let mu = 1.0 / mean_service;
    let a = lambda / mu; // offered load in Erlangs
    let rho = a / f64::from(c);
    assert!(rho < 1.0);
    let mut sum = 0.0;
    let mut term = 1.0; // a^k / k!
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c); // a^c / c!
    let p_wait = last / (1.0 - rho) / (sum + last / (1.0 - rho));
    p_wait / (f64::from(c) * mu - lambda)
}

#[test]
fn erlang_c_formula_matches_the_published_example() {
    // By hand: λ = 0.5/h, c = 2, mean 3 h, so a = λ/μ = 1.5 and ρ = 0.75;
    // P(wait) = (a²/2!)/(1 − ρ) / (1 + a + (a²/2!)/(1 − ρ)) = 4.5/7 = 0.642857 and
    // Wq = P(wait)/(cμ − λ) = 0.642857 × 6 = 3.857143 h (Erlang C; Kleinrock, Queueing
    // Systems I, 1975, §3.5).
    assert!((erlang_c_wq(0.5, 2, 3.0) - 3.857_143).abs() < 1e-5);
}

fn check(lambda: f64, c: u32, mean: f64, replications: u32, warmup_days: u32) {
    let scenario = mmc(lambda, c, mean, replications, 7, 365, warmup_days);
    let outcomes = runner::run(&scenario, None, &|| {}).expect("runner");
    let waits = Estimate::of(outcomes.iter().map(|o| o.queue_wait_hours));
    let expected = erlang_c_wq(lambda, c, mean);
    assert!(
        waits.low <= expected && expected <= waits.high,
        "M/M/{c} λ={lambda} mean={mean}: simulated Wq {:.4} h, 95% CI [{:.4}, {:.4}], Erlang C {expected:.4} h",
        waits.mean,
        waits.low,
        waits.high
    );
    // Conservation in the same runs.
    for o in &outcomes {
        assert_eq!(o.incidents, o.resolved + o.open_at_end);
    }
}

#[test]
fn mm2_at_utilisation_075_matches_erlang_c() {
    check(0.5, 2, 3.0, 120, 30);
}

#[test]
fn mm3_at_utilisation_080_matches_erlang_c() {
    check(2.0, 3, 1.2, 80, 30);
}

#[test]
fn mm2_at_utilisation_090_matches_erlang_c() {
    check(0.9, 2, 2.0, 400, 60);
}

#[test]
fn mm1_at_utilisation_085_matches_erlang_c() {
    check(0.85, 1, 1.0, 400, 60);
}

#[test]
fn bundled_mmc_check_matches_erlang_c() {
    let text = std::fs::read_to_string(crate::common::bundled("mmc-check.toml")).expect("read");
    let mut scenario = whoruns::scenario::parse(&text, "mmc-check.toml").expect("valid");
    scenario.replications = 100;
    let outcomes = runner::run(&scenario, None, &|| {}).expect("runner");
    let waits = Estimate::of(outcomes.iter().map(|o| o.queue_wait_hours));
    assert!(
        waits.low <= 3.857_143 && 3.857_143 <= waits.high,
        "mmc-check: Wq {:.4} [{:.4}, {:.4}] vs 3.857143",
        waits.mean,
        waits.low,
        waits.high
    );
}
