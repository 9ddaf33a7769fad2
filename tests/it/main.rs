//! The integration tests: one binary that checks the engine against queueing theory and
//! conservation laws, and runs the real `whoruns` on real scenario files.

mod cli;
mod common;
mod oracle;
mod properties;
mod scenario_errors;
