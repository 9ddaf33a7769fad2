//! The integration tests: one binary that checks the engine against queueing theory and
//! conservation laws, and runs the real `whoruns` on real scenario files.

// Tests state their expectations with expect/unwrap: a failure is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod assigned;
mod bad_inputs;
mod breakeven;
mod browser;
mod calibrate;
mod calibrate_mechanisms;
mod cli;
mod common;
mod extremes;
mod frontier;
mod fuzz_regressions;
mod headline;
mod journeys;
mod legacy;
mod library;
mod long_run;
mod manners;
mod mechanisms;
mod nothing_lost;
mod oracle;
mod properties;
mod report;
mod runaway;
mod scale_out;
mod scenario_errors;
mod sensitivity;
mod serve;
mod shards;
mod staffing;
mod support;
mod sweep;
mod tidy;
