//! Benchmark of `whoruns serve`'s change-to-first-answer on the baseline: an edit applied
//! and validated, the first batch of replications run, the answer drawn (four charts, the
//! table, titles, findings) — everything but the HTTP round trip, which is microseconds.
//! Twenty different changes in turn (standby pay), as the page sends them. Before the
//! criterion group it prints p50 and p95 over the 20 changes, and the time until every
//! headline metric is within ±5% (or the cap), as the targets are stated.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use whoruns::whatif::answer::{Basis, answer};
use whoruns::whatif::{Edit, Plan, apply, catalogue, sharpen};

fn baseline() -> String {
    std::fs::read_to_string(whoruns_bench::bundled("baseline.toml")).expect("read baseline")
}

/// One change to its first answer; the replications it ran.
fn first_answer(text: &str, levers: &[whoruns::whatif::Lever], k: u32, plan: &Plan) -> u32 {
    let mut edit = Edit::default();
    edit.values
        .insert("costs.standby_per_hour".into(), 5.0 + f64::from(k));
    let applied = apply(text, "baseline.toml", levers, &edit).expect("valid edit");
    let first = Plan {
        cap: plan.first,
        ..*plan
    };
    let mut n = 0;
    sharpen(
        &applied.scenario,
        &first,
        &|| false,
        &mut |outcomes, standing| {
            let mut s = applied.scenario.clone();
            s.set_replications(standing.replications).unwrap();
            let a = answer(&Basis {
                generation: 1,
                scenario: &s,
                outcomes,
                standing,
                plan: &first,
                changes: &applied.changes,
                pin: None,
            })
            .expect("answer");
            n = a.replications;
        },
    )
    .expect("run");
    n
}

fn serve(c: &mut Criterion) {
    let text = baseline();
    let scenario = whoruns::scenario::parse(&text, "baseline.toml").unwrap();
    let levers = catalogue(&text, &scenario);
    let plan = Plan::default();
    let mut times: Vec<Duration> = (0..20)
        .map(|k| {
            let t = Instant::now();
            first_answer(&text, &levers, k, &plan);
            t.elapsed()
        })
        .collect();
    times.sort();
    eprintln!(
        "serve: change to first answer ({} replications, {} threads) over 20 changes: p50 {:.0} ms, p95 {:.0} ms",
        plan.first,
        rayon::current_num_threads(),
        times[9].as_secs_f64() * 1e3,
        times[18].as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let mut last = None;
    sharpen(&scenario, &plan, &|| false, &mut |_, standing| {
        last = Some(standing)
    })
    .unwrap();
    if let Some(s) = last {
        eprintln!(
            "serve: to ±{:.0}% on every headline metric: {:.1} s, {} replications (widest {:.2}%, reached: {})",
            100.0 * plan.share,
            t.elapsed().as_secs_f64(),
            s.replications,
            100.0 * s.widest,
            s.precise
        );
    }
    let mut g = c.benchmark_group("serve");
    g.sample_size(20);
    let mut k = 0;
    g.bench_function("change_to_first_answer", |b| {
        b.iter(|| {
            k += 1;
            first_answer(&text, &levers, k % 20, &plan)
        })
    });
    g.finish();
}

criterion_group!(benches, serve);
criterion_main!(benches);
