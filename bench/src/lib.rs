//! Criterion benchmarks of whoruns live in `benches/`: `cargo bench -p whoruns-bench`.
//! This crate has no code of its own; it exists so that the main crate's `cargo test` does
//! not compile criterion.
