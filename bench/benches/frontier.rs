//! Benchmarks of `whoruns frontier`: `frontier/small` (assignments evaluated per second by
//! the whole search and confirmation on `scenarios/frontier-small.toml`, at a small fixed
//! budget, 2 threads) and `frontier/evaluate` (search candidates simulated per second: one
//! generation's batch of 16 assignments on the search's 4 replications, the step every
//! island repeats).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use whoruns::frontier::evaluate::Evaluator;
use whoruns::frontier::{self, Choices, Options};
use whoruns::models::Policy;
use whoruns_bench::load;

/// A budget of 2 islands × 8 × 5 = 80 proposals: below the 729 assignments, so NSGA-II runs.
fn options() -> Options {
    Options {
        search_replications: 4,
        population: 8,
        generations: 4,
        islands: 2,
        max_front: 8,
        confirm_initial: 4,
        confirm_batch: 4,
        confirm_max: 12,
        threads: Some(2),
        ..Options::default()
    }
}

fn small(c: &mut Criterion) {
    let s = load("frontier-small.toml");
    let o = options();
    let once = frontier::run(&s, &o, &|| {}, &|| false).unwrap().unwrap();
    let mut g = c.benchmark_group("frontier");
    g.sample_size(10);
    g.throughput(Throughput::Elements(once.evaluations as u64));
    g.bench_function("small", |b| {
        b.iter(|| black_box(frontier::run(&s, &o, &|| {}, &|| false).unwrap()))
    });
    let choices = Choices::of(&s);
    let genomes: Vec<Vec<u8>> = (0..16u32)
        .map(|i| {
            (0..choices.per_service.len() as u32)
                .map(|k| ((i >> k) % 3) as u8)
                .collect()
        })
        .collect();
    let policies: Vec<Policy> = genomes
        .iter()
        .map(|g| Policy::assigned(&s, &choices.runners(g)))
        .collect();
    let refs: Vec<&Policy> = policies.iter().collect();
    let eval = Evaluator::new(&s, Some(2)).unwrap();
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.bench_function("evaluate", |b| {
        b.iter(|| black_box(eval.simulate(&refs, 0..4, &|| {}, &|| false).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, small);
criterion_main!(benches);
