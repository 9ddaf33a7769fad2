//! Turns a scenario file's text into a validated [`Scenario`], applying documented
//! defaults and collecting every problem with its line and column.
//!
//! This file holds the building context (`Ctx`), its checks for single values (durations,
//! numbers in a range, probabilities, money, counts, words from a fixed set) and the order
//! in which a scenario's parts are built. Each part is built in its own file under
//! `build/`; every default value lives in `build/defaults.rs`.

mod analysis;
mod costs;
pub(super) mod defaults;
mod distribution;
mod dynamics;
mod long_run;
mod organisation;
mod per_model;
mod responders;
mod revenue;
mod service;
mod settings;
mod support;

use std::ops::Range;

use super::Scenario;
use super::error::{Locator, Problem, ScenarioError};
use super::file::{S, ScenarioFile};
use crate::units::parse_duration_hours;

/// Parses and validates a scenario. `file` is the name used in error messages and the
/// default scenario name (its stem).
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let mut ctx = Ctx {
        loc: Locator::new(text),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    // Ranges beside values are lifted out first; positions stay the user's.
    let lifted = super::ranged::lift(text);
    let mut found = lifted.problems;
    let raw = super::read::read(&lifted.text, &mut found);
    for (span, message) in found {
        ctx.err(&span, message);
    }
    let Some(raw) = raw else {
        return Err(ctx.into_error(file));
    };
    let mut scenario = ctx.scenario(raw, file);
    ctx.adopt_ranges(&mut scenario, lifted.ranges, &lifted.text);
    if ctx.problems.is_empty() {
        scenario.warnings = ctx
            .warnings
            .into_iter()
            .map(|w| super::Warning {
                file: file.to_string(),
                line: w.line,
                column: w.column,
                message: w.message,
            })
            .collect();
        Ok(scenario)
    } else {
        Err(ctx.into_error(file))
    }
}

/// "\"x\" is not a defined team; did you mean \"y\"? (defined: a, b, … and 9 more)": a
/// reference to a name that does not exist, with the closest name and a short list.
fn not_defined(given: &str, what: &str, known: &[String], none: &str) -> String {
    const SHOWN: usize = 8;
    let list = if known.is_empty() {
        none.to_string()
    } else if known.len() <= SHOWN {
        known.join(", ")
    } else {
        format!(
            "{}, … and {} more",
            known[..SHOWN].join(", "),
            known.len() - SHOWN
        )
    };
    let hint = super::read::did_you_mean(given, known)
        .map(|m| format!("; did you mean \"{m}\"?"))
        .unwrap_or_default();
    format!(
        "\"{}\" is not a defined {what}{hint} (defined: {list})",
        super::read::echo(given)
    )
}

/// A number as a person would write it: 0.25, 1e308, 1e-9.
fn show_number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The most services a scenario may define (weekly samples index them in 16 bits).
const MAX_SERVICES: usize = u16::MAX as usize;

/// The most problems listed; a file with more is probably not a scenario at all.
const MAX_PROBLEMS: usize = 100;

/// The longest horizon a scenario may ask for: 1000 years.
const MAX_HORIZON_HOURS: f64 = 1000.0 * 365.0 * 24.0;
/// The largest mean a duration distribution may have: ten years.
const MAX_MEAN_HOURS: f64 = 10.0 * 365.0 * 24.0;

/// What building a scenario needs at hand: where each byte of the text is (for line and
/// column), and the problems and warnings found so far.
struct Ctx<'a> {
    loc: Locator<'a>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Ctx<'_> {
    /// Adds the ranges stated beside values to the scenario's `[sensitivity.ranges]`: a
    /// path may have one range, stated in one place or the same beside every element.
    fn adopt_ranges(
        &mut self,
        scenario: &mut Scenario,
        ranges: Vec<super::ranged::Ranged>,
        lifted: &str,
    ) {
        let table = scenario.sensitivity.ranges.len();
        // Inside an array of tables, a range moves every element's value: each element
        // that states the key states the range.
        for r in ranges.iter().filter(|r| r.path.contains('*')) {
            let ranged = ranges.iter().filter(|q| q.path == r.path).count();
            let stated = crate::edit::stated(lifted, &r.path).map_or(0, |v| v.len());
            if ranged < stated && ranges.iter().find(|q| q.path == r.path) == Some(r) {
                self.err(
                    &r.span,
                    format!(
                        "{}: {ranged} of the {stated} elements stating it give a range; a range moves every element's value, so state it beside each (or once in [sensitivity.ranges])",
                        r.path
                    ),
                );
            }
        }
        for r in ranges {
            let (lo, hi) = r.range;
            match scenario.sensitivity.ranges.iter().position(|(p, ..)| *p == r.path) {
                None => scenario.sensitivity.ranges.push((r.path, lo, hi)),
                Some(i) if i >= table && scenario.sensitivity.ranges[i] == (r.path.clone(), lo, hi) => {}
                Some(i) if i >= table => self.err(
                    &r.span,
                    format!(
                        "{}: another element states a different range ({} to {}); one path has one range (or state it once in [sensitivity.ranges])",
                        r.path,
                        show_number(scenario.sensitivity.ranges[i].1),
                        show_number(scenario.sensitivity.ranges[i].2)
                    ),
                ),
                Some(_) => self.err(
                    &r.span,
                    format!(
                        "{}: its range is also stated in [sensitivity.ranges]; state it in one place",
                        r.path
                    ),
                ),
            }
        }
    }

    fn into_error(mut self, file: &str) -> ScenarioError {
        self.problems.sort_by_key(|p| (p.line, p.column));
        if self.problems.len() > MAX_PROBLEMS {
            let more = self.problems.len() - MAX_PROBLEMS;
            self.problems.truncate(MAX_PROBLEMS);
            let (line, column) = self.problems.last().map_or((1, 1), |p| (p.line, p.column));
            self.problems.push(Problem {
                line,
                column,
                message: format!("… and {more} more problems; fix these first"),
            });
        }
        ScenarioError {
            file: file.to_string(),
            problems: self.problems,
        }
    }

    /// The order in which a scenario's parts are built (and so the order in which problems
    /// at the same place are listed).
    fn scenario(&mut self, raw: ScenarioFile, file: &str) -> Scenario {
        let settings = self.settings(&raw, file);
        let response = self.response(raw.response.as_ref());
        let mut groups = self.groups(raw.groups.as_ref(), response.concurrent_oncall);
        if response.secondary {
            // A secondary behind every primary: twice the people on call in every rota.
            for g in [&mut groups.dev, &mut groups.sre, &mut groups.ops] {
                g.concurrent_oncall = g.concurrent_oncall.saturating_mul(2);
            }
        }
        let sre_run = self.sre_run(raw.sre_run.as_ref());
        let you_and_sre_run =
            self.you_and_sre_run(raw.you_and_sre_run.as_ref(), response.shift_hours);
        let costs = self.costs(raw.costs.as_ref());
        let dynamics = self.dynamics(&raw);
        let long_run = self.long_run(&raw);
        let support = self.support(raw.support.as_ref(), &settings.calendar);
        let (teams, mut services) = self.organisation(&raw, dynamics.you_run.setup, &support);
        let revenue = self.revenue(&raw, &mut services);
        let sweep = self.sweep(raw.sweep.as_ref());
        let sensitivity = self.sensitivity(raw.sensitivity.as_ref());
        Scenario {
            name: settings.name,
            description: raw.description.unwrap_or_default(),
            horizon_hours: settings.horizon_hours,
            warmup_hours: settings.warmup_hours,
            replications: settings.replications,
            seed: settings.seed,
            models: settings.models,
            reference: settings.reference,
            calendar: settings.calendar,
            support,
            response,
            groups,
            sre_run,
            you_and_sre_run,
            costs,
            knowledge: dynamics.knowledge,
            workarounds: dynamics.workarounds,
            error_budget: dynamics.error_budget,
            you_run: dynamics.you_run,
            ops_sometimes_run: dynamics.ops_sometimes_run,
            you_run_ops_monitors: dynamics.you_run_ops_monitors,
            learning: long_run.learning,
            telemetry: long_run.telemetry,
            cascades: long_run.cascades,
            handoff: long_run.handoff,
            teams,
            services,
            revenue_per_year: revenue.per_year,
            journeys: revenue.journeys,
            // Filled by `parse` once the scenario is known to be valid.
            warnings: Vec::new(),
            sweep,
            sensitivity,
        }
    }

    /// Something valid but questionable, with its place.
    fn warn(&mut self, span: &Range<usize>, message: String) {
        let (line, column) = self.loc.locate(span.start);
        self.warnings.push(Problem {
            line,
            column,
            message: super::read::echo_long(&message),
        });
    }

    fn err(&mut self, span: &Range<usize>, message: String) {
        let (line, column) = self.loc.locate(span.start);
        self.problems.push(Problem {
            line,
            column,
            // Values are echoed back in messages; a huge one is cut short.
            message: super::read::echo_long(&message),
        });
    }

    /// A duration in hours; `None` (with the problem recorded) when it does not parse.
    fn duration(&mut self, v: &S<String>, name: &str) -> Option<f64> {
        match parse_duration_hours(v.get_ref()) {
            Ok(h) => Some(h),
            Err(e) => {
                self.err(&v.span(), format!("{name} = {e}"));
                None
            }
        }
    }

    /// A duration that must be longer than zero, or `default` hours when absent.
    fn positive_duration(&mut self, v: &Option<S<String>>, name: &str, default: f64) -> f64 {
        let Some(v) = v else { return default };
        match self.duration(v, name) {
            Some(h) if h > 0.0 => h,
            Some(_) => {
                let example = crate::units::format_hours(default);
                self.err(
                    &v.span(),
                    format!("{name} must be longer than zero, e.g. \"{example}\""),
                );
                default
            }
            None => default,
        }
    }

    /// A number within `range` (inclusive), with `what` describing the range.
    fn number(
        &mut self,
        v: &Option<S<f64>>,
        name: &str,
        default: f64,
        lo: f64,
        hi: f64,
        what: &str,
    ) -> f64 {
        let Some(v) = v else { return default };
        let x = *v.get_ref();
        if x.is_finite() && x >= lo && x <= hi {
            x
        } else {
            self.err(
                &v.span(),
                format!("{name} = {} is not {what}", show_number(x)),
            );
            default
        }
    }

    fn probability(&mut self, v: &Option<S<f64>>, name: &str, default: f64) -> f64 {
        self.number(
            v,
            name,
            default,
            0.0,
            1.0,
            "a probability between 0 and 1 (e.g. 0.1)",
        )
    }

    /// An availability target between `lo` and `hi`; a value written as a percentage
    /// (99.9) is refused with the share it likely means ("did you mean 0.999?").
    fn target(
        &mut self,
        v: &Option<S<f64>>,
        name: &str,
        default: f64,
        (lo, hi): (f64, f64),
    ) -> f64 {
        if let Some(s) = v {
            let x = *s.get_ref();
            if x.is_finite() && (lo * 100.0..=hi * 100.0).contains(&x) && x > 1.0 {
                self.err(
                    &s.span(),
                    format!(
                        "{name} = {} is not an availability target between {} and {} (e.g. 0.999); did you mean {}?",
                        show_number(x),
                        show_number(lo),
                        show_number(hi),
                        crate::format::short(x / 100.0)
                    ),
                );
                return default;
            }
        }
        self.number(
            v,
            name,
            default,
            lo,
            hi,
            &format!(
                "an availability target between {} and {} (e.g. 0.999)",
                show_number(lo),
                show_number(hi)
            ),
        )
    }

    fn money(&mut self, v: &Option<S<f64>>, name: &str, default: f64) -> f64 {
        // Every caller is an amount of money; beyond a trillion a year it is a typo, and
        // products of such amounts would overflow the cost columns.
        self.number(
            v,
            name,
            default,
            0.0,
            1e12,
            "an amount between 0 and 1e12 (a trillion)",
        )
    }

    fn count(&mut self, v: &Option<S<i64>>, name: &str, default: u32, lo: u32) -> u32 {
        let Some(v) = v else { return default };
        let x = *v.get_ref();
        match u32::try_from(x) {
            Ok(n) if n >= lo => n,
            _ => {
                self.err(
                    &v.span(),
                    format!("{name} = {x} is not a whole number >= {lo}"),
                );
                default
            }
        }
    }

    /// One of a fixed set of words, each standing for a value; any other word is an error
    /// that lists the valid ones, and `default` stands in.
    fn choice<T: Copy>(
        &mut self,
        v: Option<&S<String>>,
        name: &str,
        options: &[(&str, T)],
        default: T,
    ) -> T {
        let Some(v) = v else { return default };
        let word = v.get_ref().as_str();
        if let Some((_, value)) = options.iter().find(|(w, _)| *w == word) {
            return *value;
        }
        let valid: Vec<&str> = options.iter().map(|(w, _)| *w).collect();
        self.err(
            &v.span(),
            format!("{name} = \"{word}\" is not valid ({})", valid.join(", ")),
        );
        default
    }
}
