//! Benchmarks: `engine` (incidents per second on `mmc-check`, one thread), `rng_floor`
//! (only the random draws that replication consumes: the floor no engine can beat) and
//! `baseline` (replications per second with all models, on 1 and 2 threads), and
//! `calibrate` (incident-log rows read and checked, and fitted, per second), and
//! `report-strengths` (the report's runs at the other strengths of learning: sharing each
//! model's warm-up, against each strength run on its own).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::RngExt;
use whoruns::rng::{Purpose, replication_seed, stream};
use whoruns::runner::{run, simulate_replication};
use whoruns::world::World;
use whoruns_bench::load;

fn mmc(c: &mut Criterion) {
    let s = load("mmc-check.toml");
    let seed = replication_seed(s.seed, 0);
    let incidents = World::generate(&s, seed).incidents.len() as u64;
    let mut g = c.benchmark_group("mmc-check");
    g.throughput(Throughput::Elements(incidents));
    g.bench_function("engine", |b| {
        b.iter(|| black_box(simulate_replication(&s, 0)))
    });
    let service = &s.services[0];
    let rate = service.background_rate_per_hour;
    let horizon = s.horizon_hours;
    g.bench_function("rng_floor", |b| {
        b.iter(|| {
            let mut arrivals = stream(seed, Purpose::Arrivals, 0);
            let mut effort = stream(seed, Purpose::Effort, 0);
            let (mut t, mut sum) = (0.0, 0.0);
            loop {
                t += -(1.0 - arrivals.random::<f64>()).ln() / rate;
                if t >= horizon {
                    break;
                }
                sum += service.effort.sample(&mut effort);
            }
            black_box(sum)
        })
    });
    g.finish();
}

fn baseline(c: &mut Criterion) {
    let mut s = load("baseline.toml");
    s.replications = 20;
    let mut g = c.benchmark_group("baseline");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(s.replications)));
    for threads in [1, 2] {
        g.bench_function(format!("{threads}-threads"), |b| {
            b.iter(|| black_box(run(&s, Some(threads), &|| {}).expect("run")))
        });
    }
    g.finish();
}

/// A replication's cost against its measured years (the baseline after its warm-up, one
/// thread, 10 replications): it should grow linearly. And the long-run mechanisms' own cost:
/// the baseline's three years with them off (`learning.incentive = 0`, no cascades).
fn long_run(c: &mut Criterion) {
    let base = load("baseline.toml");
    let mut g = c.benchmark_group("long-run");
    g.sample_size(10);
    for years in [1u32, 2, 3] {
        let mut s = base.clone();
        s.replications = 10;
        s.horizon_hours = s.warmup_hours + f64::from(years) * whoruns::units::HOURS_PER_YEAR;
        g.throughput(Throughput::Elements(u64::from(s.replications)));
        g.bench_function(format!("{years}-years"), |b| {
            b.iter(|| black_box(run(&s, Some(1), &|| {}).expect("run")))
        });
    }
    let mut stationary = base.clone();
    stationary.replications = 10;
    stationary.set_incentive(0.0);
    stationary.cascades.probability = 0.0;
    g.bench_function("3-years-stationary", |b| {
        b.iter(|| black_box(run(&stationary, Some(1), &|| {}).expect("run")))
    });
    g.finish();
}

/// `whoruns calibrate`'s work on the bundled sample log (2 283 incidents, 8 services):
/// reading and checking the rows (polars' eager CSV reader), and fitting every service.
fn calibrate(c: &mut Criterion) {
    use whoruns::calibrate::{self, FitOptions, log};
    let path = whoruns_bench::bundled("data/sample-incidents.csv");
    let read = || {
        let frame = log::scan_csv(&path).expect("scan");
        log::read(frame, &log::ReadOptions::default()).expect("read")
    };
    let rows = read().rows as u64;
    let mut g = c.benchmark_group("calibrate");
    g.throughput(Throughput::Elements(rows));
    g.bench_function("read", |b| b.iter(read));
    let parsed = read();
    g.bench_function("fit", |b| {
        b.iter(|| calibrate::calibrate(&parsed, FitOptions::default()).expect("fit"))
    });
    g.finish();
}

/// The baseline's report section "Across the long-run strength" on 4 replications, one
/// thread: its three other strengths sharing each replication's world and each model's
/// warm-up (`incentive::simulate_range`), against the same three run one after another,
/// each from the start (what they cost before session 12).
fn report_strengths(c: &mut Criterion) {
    let mut s = load("baseline.toml");
    s.replications = 4;
    let others: Vec<_> = whoruns::report::incentive::STRENGTHS
        .iter()
        .filter(|k| **k != s.learning.incentive)
        .map(|k| {
            let mut v = s.clone();
            v.set_incentive(*k);
            v
        })
        .collect();
    let mut g = c.benchmark_group("report-strengths");
    g.sample_size(10);
    // Counted in strength-replications: each iteration runs every other strength on each
    // replication (all models).
    g.throughput(Throughput::Elements(
        others.len() as u64 * u64::from(s.replications),
    ));
    g.bench_function("shared-warm-up", |b| {
        b.iter(|| {
            black_box(
                whoruns::report::incentive::simulate_range(&s, 0..s.replications, Some(1), &|| {
                    false
                })
                .expect("strengths"),
            )
        })
    });
    g.bench_function("one-by-one", |b| {
        b.iter(|| {
            for v in &others {
                black_box(run(v, Some(1), &|| {}).expect("run"));
            }
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    mmc,
    baseline,
    long_run,
    calibrate,
    report_strengths
);
criterion_main!(benches);
