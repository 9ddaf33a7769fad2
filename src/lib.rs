//! # whoruns
//!
//! Monte Carlo discrete-event simulation of production support under the "who builds it,
//! who runs it?" ownership models. The library holds the model and every analysis; the
//! binary parses arguments, calls it, publishes the bytes and prints:
//!
//! - [`scenario`] parses and validates scenario files into a [`Scenario`];
//! - [`models`] says what each ownership model is, as a [`models::Policy`];
//! - [`world`] draws one replication's incidents (common random numbers);
//! - [`engine`] simulates one model on one world into an [`Outcome`], whose metrics
//!   [`metric`] describes;
//! - [`runner`] runs replications in parallel; [`guard`] refuses runs too big for the
//!   machine;
//! - [`run`], [`sweep`], [`sensitivity`], [`breakeven`] and [`frontier`] are the analyses as library calls;
//!   [`calibrate`] fits scenarios to incident logs;
//! - [`summary`], [`stats`] and [`ranking`] summarise and compare;
//! - [`export`] and [`report`] turn results into bytes: tables, charts, documents.
//!
//! `ARCHITECTURE.md` gives the layers these modules form; `tests/it/tidy.rs` checks them.

pub mod axis;
pub mod breakeven;
pub mod calendar;
pub mod calibrate;
pub mod dist;
pub mod edit;
pub mod engine;
pub mod export;
pub mod format;
pub mod frontier;
pub mod guard;
pub mod ledger;
pub mod metric;
pub mod model;
pub mod models;
pub mod outcome;
pub mod parameter;
pub mod precision;
pub mod ranking;
pub mod report;
pub mod rng;
pub mod run;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
pub mod special;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod table;
pub mod units;
pub mod whatif;
pub mod world;

pub use model::ModelKind;
pub use outcome::Outcome;
pub use scenario::Scenario;
