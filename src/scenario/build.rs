//! Turns a scenario file's text into a validated [`Scenario`], applying documented
//! defaults and collecting every problem with its line and column.

use std::collections::HashMap;
use std::ops::Range;

use super::error::{Locator, Problem, ScenarioError};
use super::file::{
    DistFile, DistTable, GroupFile, S, ScenarioFile, SensitivityFile, ServiceFile, SweepFile,
};
use super::{
    BudgetWindow, Charging, Costs, DevEscalation, DevOncallCharge, ErrorBudget, Funding, Group,
    Groups, Knowledge, OpsSometimesRun, Response, Scenario, SensitivitySpec, Service, Severity,
    SreRun, SweepSpec, Team, TeamSetup, Workarounds, YouAndSreRun, YouRun, YouRunOpsMonitors,
};
use crate::calendar::Calendar;
use crate::dist::Dist;
use crate::model::ModelKind;
use crate::units::{parse_duration_hours, parse_rate_per_hour};

/// Parses and validates a scenario. `file` is the name used in error messages and the
/// default scenario name (its stem).
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let mut ctx = Ctx {
        loc: Locator::new(text),
        problems: Vec::new(),
    };
    let mut found = Vec::new();
    let raw = super::read::read(text, &mut found);
    for (span, message) in found {
        ctx.err(&span, message);
    }
    let Some(raw) = raw else {
        return Err(ctx.into_error(file));
    };
    let scenario = ctx.scenario(raw, file);
    if ctx.problems.is_empty() {
        Ok(scenario)
    } else {
        Err(ctx.into_error(file))
    }
}

/// The organisational-dynamics sections of a scenario, validated together.
struct Dynamics {
    knowledge: Knowledge,
    workarounds: Workarounds,
    error_budget: ErrorBudget,
    you_run: YouRun,
    ops_sometimes_run: OpsSometimesRun,
    you_run_ops_monitors: YouRunOpsMonitors,
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

struct Ctx<'a> {
    loc: Locator<'a>,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
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
        self.number(v, name, default, 0.0, 1.0, "a probability (0..=1)")
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

    fn dist(&mut self, v: Option<&S<DistFile>>, name: &str, default: Dist) -> Dist {
        let Some(v) = v else { return default };
        let built = match v.get_ref() {
            // A plain duration where a distribution is expected: always that long.
            DistFile::Plain(text) => match parse_duration_hours(text) {
                Ok(h) => Dist::constant(h),
                Err(e) => {
                    self.err(
                        &v.span(),
                        format!("{name} = {e}; or write a distribution, e.g. {{ dist = \"lognormal\", median = \"2h\", p90 = \"8h\" }}"),
                    );
                    return default;
                }
            },
            DistFile::Table(t) => self.dist_inner(t, name),
        };
        match built {
            // A mean beyond ten years (or none at all, for heavy tails such as a Weibull
            // with a tiny shape) describes no incident; it would stall the calendar and the
            // charts, so it is refused here.
            Ok(d) if !(d.mean().is_finite() && d.mean() <= MAX_MEAN_HOURS) => {
                self.err(
                    &v.span(),
                    format!(
                        "{name}: this distribution's mean is {}, beyond the ten years an incident's times may average; check its parameters",
                        if d.mean().is_finite() {
                            crate::units::format_hours(d.mean())
                        } else {
                            "infinite".into()
                        }
                    ),
                );
                default
            }
            Ok(d) => d,
            Err(msg) => {
                // An empty message means the problem was already reported at its field.
                if !msg.is_empty() {
                    self.err(&v.span(), format!("{name}: {msg}"));
                }
                default
            }
        }
    }

    fn dist_inner(&mut self, d: &DistTable, name: &str) -> Result<Dist, String> {
        let kind = d.dist.get_ref().as_str();
        let mut h = |v: &Option<S<String>>, field: &str| -> Result<Option<f64>, String> {
            match v {
                None => Ok(None),
                Some(s) => match parse_duration_hours(s.get_ref()) {
                    Ok(x) => Ok(Some(x)),
                    Err(e) => {
                        self.err(&s.span(), format!("{name}.{field} = {e}"));
                        Err(String::new())
                    }
                },
            }
        };
        let mean = h(&d.mean, "mean")?;
        let median = h(&d.median, "median")?;
        let p90 = h(&d.p90, "p90")?;
        let scale = h(&d.scale, "scale")?;
        let min = h(&d.min, "min")?;
        let mode = h(&d.mode, "mode")?;
        let max = h(&d.max, "max")?;
        let value = h(&d.value, "value")?;
        let cv = d.cv.as_ref().map(|c| *c.get_ref());
        let shape = d.shape.as_ref().map(|c| *c.get_ref());
        let given: Vec<&str> = [
            ("mean", mean.is_some()),
            ("median", median.is_some()),
            ("p90", p90.is_some()),
            ("cv", cv.is_some()),
            ("shape", shape.is_some()),
            ("scale", scale.is_some()),
            ("min", min.is_some()),
            ("mode", mode.is_some()),
            ("max", max.is_some()),
            ("value", value.is_some()),
            ("values", d.values.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, g)| g.then_some(n))
        .collect();
        let expect = |fields: &[&str], usage: &str| -> Result<(), String> {
            if given.len() == fields.len() && fields.iter().all(|f| given.contains(f)) {
                Ok(())
            } else {
                Err(format!(
                    "a {kind} distribution takes {usage}; found {}",
                    if given.is_empty() {
                        "no parameters".to_string()
                    } else {
                        given.join(", ")
                    }
                ))
            }
        };
        let get = |x: Option<f64>| x.unwrap_or(0.0);
        match kind {
            "exponential" => {
                expect(&["mean"], "mean")?;
                Dist::exponential(get(mean))
            }
            "lognormal" => {
                if median.is_some() || p90.is_some() {
                    expect(&["median", "p90"], "median and p90, or mean and cv")?;
                    Dist::lognormal_median_p90(get(median), get(p90))
                } else {
                    expect(&["mean", "cv"], "median and p90, or mean and cv")?;
                    Dist::lognormal_mean_cv(get(mean), cv.unwrap_or(0.0))
                }
            }
            "gamma" => {
                let s = shape.unwrap_or(0.0);
                if mean.is_some() {
                    expect(&["shape", "mean"], "shape and mean, or shape and scale")?;
                    if s <= 0.0 {
                        return Err(format!("shape must be positive; found {s}"));
                    }
                    Dist::gamma(s, get(mean) / s)
                } else {
                    expect(&["shape", "scale"], "shape and mean, or shape and scale")?;
                    Dist::gamma(s, get(scale))
                }
            }
            "weibull" => {
                expect(&["shape", "scale"], "shape and scale")?;
                Dist::weibull(shape.unwrap_or(0.0), get(scale))
            }
            "triangular" => {
                expect(&["min", "mode", "max"], "min, mode and max")?;
                Dist::triangular(get(min), get(mode), get(max))
            }
            "constant" => {
                expect(&["value"], "value")?;
                Dist::constant(get(value))
            }
            "empirical" => {
                expect(&["values"], "values")?;
                let mut out = Vec::new();
                for v in d.values.iter().flatten() {
                    out.push(h(&Some(v.clone()), "values")?.unwrap_or(0.0));
                }
                Dist::empirical(out)
            }
            other => Err(format!(
                "unknown distribution \"{other}\" (valid: exponential, lognormal, gamma, weibull, triangular, constant, empirical)"
            )),
        }
    }

    fn group(&mut self, g: Option<&GroupFile>, name: &str, d: Group) -> Group {
        let Some(g) = g else { return d };
        Group {
            knowledge: self.probability(
                &g.knowledge,
                &format!("groups.{name}.knowledge"),
                d.knowledge,
            ),
            telemetry_delay_factor: self.number(
                &g.telemetry_delay_factor,
                &format!("groups.{name}.telemetry_delay_factor"),
                d.telemetry_delay_factor,
                0.0,
                1e6,
                "a factor >= 0",
            ),
            routing: self.dist(
                g.routing.as_ref(),
                &format!("groups.{name}.routing"),
                d.routing,
            ),
            concurrent_oncall: self.count(
                &g.concurrent_oncall,
                &format!("groups.{name}.concurrent_oncall"),
                d.concurrent_oncall,
                1,
            ),
            salary: self.money(&g.salary, &format!("groups.{name}.salary"), d.salary),
            knowledge_floor: self.probability(
                &g.knowledge_floor,
                &format!("groups.{name}.knowledge_floor"),
                d.knowledge_floor,
            ),
            production_access: g
                .production_access
                .as_ref()
                .map_or(d.production_access, |b| *b.get_ref()),
            estate_services: g.estate_services.as_ref().map(|_| {
                self.count(
                    &g.estate_services,
                    &format!("groups.{name}.estate_services"),
                    1,
                    1,
                )
            }),
            charging: self.choice(
                g.charging.as_ref(),
                &format!("groups.{name}.charging"),
                &[("pro-rata", Charging::ProRata), ("full", Charging::Full)],
                d.charging,
            ),
            sync_share: self.probability(
                &g.sync_share,
                &format!("groups.{name}.sync_share"),
                d.sync_share,
            ),
            funding: match &g.funding {
                None => d.funding,
                Some(f) => match f.get_ref().to_ascii_uppercase().as_str() {
                    "CAPEX" => Funding::Capex,
                    "OPEX" => Funding::Opex,
                    other => {
                        self.err(
                            &f.span(),
                            format!(
                                "groups.{name}.funding = \"{other}\" is not valid (CAPEX, OPEX)"
                            ),
                        );
                        d.funding
                    }
                },
            },
        }
    }

    fn setup(&mut self, v: &Option<S<String>>, name: &str, default: TeamSetup) -> TeamSetup {
        self.choice(
            v.as_ref(),
            name,
            &[
                ("devs-rotate", TeamSetup::DevsRotate),
                ("embedded-sre", TeamSetup::EmbeddedSre),
                ("sre-and-devs", TeamSetup::SreAndDevs),
            ],
            default,
        )
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

    fn dynamics(&mut self, raw: &ScenarioFile) -> Dynamics {
        let d = defaults::knowledge();
        let knowledge = match &raw.knowledge {
            None => d,
            Some(k) => {
                if let Some(h) = &k.sync_hours_per_week {
                    self.err(
                        &h.span(),
                        "knowledge.sync_hours_per_week is no longer an input: each group's sync \
                         hours are now the demand of keeping knowledge.target against \
                         deployments, capped by groups.<group>.sync_share of its time; remove \
                         this table (docs/model.md, \"Knowledge sync as demand\")"
                            .into(),
                    );
                }
                Knowledge {
                    erosion_per_deploy: self.probability(
                        &k.erosion_per_deploy,
                        "knowledge.erosion_per_deploy",
                        d.erosion_per_deploy,
                    ),
                    sync_effect_per_hour: self.number(
                        &k.sync_effect_per_hour,
                        "knowledge.sync_effect_per_hour",
                        d.sync_effect_per_hour,
                        0.0,
                        10.0,
                        "an effect between 0 and 10 per hour",
                    ),
                    sync_attendees: self.count(
                        &k.sync_attendees,
                        "knowledge.sync_attendees",
                        d.sync_attendees,
                        1,
                    ),
                    target: self.probability(&k.target, "knowledge.target", d.target),
                }
            }
        };
        let d = defaults::workarounds();
        let workarounds = match &raw.workarounds {
            None => d,
            Some(w) => Workarounds {
                threshold_hours: match &w.threshold {
                    None => d.threshold_hours,
                    Some(t) => self
                        .duration(t, "workarounds.threshold")
                        .unwrap_or(d.threshold_hours),
                },
                probability: self.probability(
                    &w.probability,
                    "workarounds.probability",
                    d.probability,
                ),
                effort: self.dist(w.effort.as_ref(), "workarounds.effort", d.effort),
                conflict_probability: self.probability(
                    &w.conflict_probability,
                    "workarounds.conflict_probability",
                    d.conflict_probability,
                ),
                lifetime: self.dist(w.lifetime.as_ref(), "workarounds.lifetime", d.lifetime),
            },
        };
        let d = defaults::error_budget();
        let error_budget = match &raw.error_budget {
            None => d,
            Some(e) => ErrorBudget {
                freeze: e.freeze.as_ref().map_or(d.freeze, |f| *f.get_ref()),
                freeze_deploy_share: self.probability(
                    &e.freeze_deploy_share,
                    "error_budget.freeze_deploy_share",
                    d.freeze_deploy_share,
                ),
                window: match &e.window {
                    None => d.window,
                    Some(w) if w.get_ref().trim() == "quarter" => BudgetWindow::Quarter,
                    Some(w) => match parse_duration_hours(w.get_ref()) {
                        Ok(h) if h >= crate::units::HOURS_PER_WEEK => BudgetWindow::Rolling(h),
                        Ok(_) => {
                            self.err(
                                &w.span(),
                                format!(
                                    "error_budget.window = \"{}\" is shorter than the week at whose end budgets are checked; use at least \"1w\", or \"quarter\"",
                                    w.get_ref()
                                ),
                            );
                            d.window
                        }
                        Err(msg) => {
                            self.err(
                                &w.span(),
                                format!("error_budget.window = {msg}, or \"quarter\""),
                            );
                            d.window
                        }
                    },
                },
                models: match &e.models {
                    None => d.models,
                    Some(list) => {
                        let mut out = Vec::new();
                        for m in list.get_ref() {
                            match m.get_ref().parse::<ModelKind>() {
                                Ok(k) if !out.contains(&k) => out.push(k),
                                Ok(_) => {}
                                Err(msg) => {
                                    self.err(&m.span(), format!("error_budget.models: {msg}"))
                                }
                            }
                        }
                        out
                    }
                },
            },
        };
        let y = raw.you_run.as_ref();
        let you_run = YouRun {
            setup: self.setup(
                &y.and_then(|y| y.setup.clone()),
                "you_run.setup",
                TeamSetup::DevsRotate,
            ),
            embedded_sre_knowledge: self.probability(
                &y.and_then(|y| y.embedded_sre_knowledge.clone()),
                "you_run.embedded_sre_knowledge",
                0.9,
            ),
            embedded_sre_shift_share: self.probability(
                &y.and_then(|y| y.embedded_sre_shift_share.clone()),
                "you_run.embedded_sre_shift_share",
                0.25,
            ),
        };
        let ops_sometimes_run = OpsSometimesRun {
            min_availability_target: self.number(
                &raw.ops_sometimes_run
                    .as_ref()
                    .and_then(|o| o.min_availability_target.clone()),
                "ops_sometimes_run.min_availability_target",
                0.999,
                0.0,
                1.0,
                "an availability between 0 and 1",
            ),
        };
        let m = raw.you_run_ops_monitors.as_ref();
        let you_run_ops_monitors = YouRunOpsMonitors {
            ops_seats: self.count(
                &m.and_then(|m| m.ops_seats.clone()),
                "you_run_ops_monitors.ops_seats",
                1,
                0,
            ),
            detection: self.dist(
                m.and_then(|m| m.detection.as_ref()),
                "you_run_ops_monitors.detection",
                defaults::ops_monitor_detection(),
            ),
        };
        Dynamics {
            knowledge,
            workarounds,
            error_budget,
            you_run,
            ops_sometimes_run,
            you_run_ops_monitors,
        }
    }

    fn scenario(&mut self, raw: ScenarioFile, file: &str) -> Scenario {
        let stem = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("scenario")
            .to_string();
        let name = match &raw.name {
            Some(n) if n.get_ref().trim().is_empty() => {
                self.err(&n.span(), "name is empty; give the scenario a name".into());
                stem
            }
            Some(n) => n.get_ref().clone(),
            None => stem,
        };
        let mut horizon_hours = self.positive_duration(&raw.horizon, "horizon", 365.0 * 24.0);
        if horizon_hours > MAX_HORIZON_HOURS {
            if let Some(h) = &raw.horizon {
                self.err(
                    &h.span(),
                    format!(
                        "horizon = \"{}\" is longer than 1000 years, the longest a run can simulate; the usual horizon is a year or two",
                        h.get_ref()
                    ),
                );
            }
            horizon_hours = 365.0 * 24.0;
        }
        let mut warmup_hours = 0.0;
        if let Some(w) = &raw.warmup {
            match self.duration(w, "warmup") {
                Some(h) if h >= horizon_hours => {
                    let msg = format!(
                        "warmup = \"{}\" must be shorter than the horizon",
                        w.get_ref()
                    );
                    self.err(&w.span(), msg);
                }
                Some(h) => warmup_hours = h,
                None => {}
            }
        }
        let replications = self.count(&raw.replications, "replications", 200, 2);
        let seed = match &raw.seed {
            None => 1,
            Some(s) => u64::try_from(*s.get_ref()).unwrap_or_else(|_| {
                self.err(
                    &s.span(),
                    format!("seed = {} must be a whole number >= 0", s.get_ref()),
                );
                1
            }),
        };
        let models = match &raw.models {
            None => ModelKind::ALL.to_vec(),
            Some(list) => {
                let mut out = Vec::new();
                for m in list.get_ref() {
                    match m.get_ref().parse::<ModelKind>() {
                        Ok(k) if out.contains(&k) => {
                            self.err(&m.span(), format!("model \"{k}\" is listed twice"))
                        }
                        Ok(k) => out.push(k),
                        Err(e) => self.err(&m.span(), format!("models: {e}")),
                    }
                }
                if list.get_ref().is_empty() {
                    self.err(
                        &list.span(),
                        format!(
                            "models is empty; list at least one of {}",
                            ModelKind::valid_keys()
                        ),
                    );
                }
                out
            }
        };
        let reference = match &raw.reference_model {
            None => models.first().copied().unwrap_or(ModelKind::YouRun),
            Some(r) => match r.get_ref().parse::<ModelKind>() {
                Ok(k) if models.contains(&k) => k,
                Ok(k) => {
                    self.err(
                        &r.span(),
                        format!("reference_model = \"{k}\" is not among the models compared"),
                    );
                    k
                }
                Err(e) => {
                    self.err(&r.span(), format!("reference_model: {e}"));
                    ModelKind::YouRun
                }
            },
        };

        let calendar = match &raw.calendar {
            None => Calendar::default(),
            Some(c) => {
                let hours = c
                    .business_hours
                    .as_ref()
                    .map_or("09:00-17:00", |s| s.get_ref().as_str());
                let days = c
                    .business_days
                    .as_ref()
                    .map_or("mon-fri", |s| s.get_ref().as_str());
                Calendar::parse(hours, days).unwrap_or_else(|e| {
                    let span = c
                        .business_hours
                        .as_ref()
                        .or(c.business_days.as_ref())
                        .map_or(0..0, |s| s.span());
                    self.err(&span, format!("calendar: {e}"));
                    Calendar::default()
                })
            }
        };

        let response = {
            let d = defaults::response();
            match &raw.response {
                None => d,
                Some(r) => Response {
                    acknowledge: self.dist(
                        r.acknowledge.as_ref(),
                        "response.acknowledge",
                        d.acknowledge,
                    ),
                    prioritisation: self.dist(
                        r.prioritisation.as_ref(),
                        "response.prioritisation",
                        d.prioritisation,
                    ),
                    diagnosis_penalty: self.number(
                        &r.diagnosis_penalty,
                        "response.diagnosis_penalty",
                        d.diagnosis_penalty,
                        0.0,
                        100.0,
                        "a penalty between 0 and 100",
                    ),
                    max_escalation_probability: self.probability(
                        &r.max_escalation_probability,
                        "response.max_escalation_probability",
                        d.max_escalation_probability,
                    ),
                    cross_team_detection_factor: self.number(
                        &r.cross_team_detection_factor,
                        "response.cross_team_detection_factor",
                        d.cross_team_detection_factor,
                        0.0,
                        1e6,
                        "a factor >= 0",
                    ),
                    triage_fraction: self.probability(
                        &r.triage_fraction,
                        "response.triage_fraction",
                        d.triage_fraction,
                    ),
                    shift_hours: self.positive_duration(
                        &r.shift_length,
                        "response.shift_length",
                        d.shift_hours,
                    ),
                },
            }
        };

        let g = raw.groups.as_ref();
        let groups = Groups {
            dev: self.group(g.and_then(|g| g.dev.as_ref()), "dev", defaults::dev()),
            sre: self.group(g.and_then(|g| g.sre.as_ref()), "sre", defaults::sre()),
            ops: self.group(g.and_then(|g| g.ops.as_ref()), "ops", defaults::ops()),
        };

        let sre_run = {
            let r = raw.sre_run.as_ref();
            let min_availability_target = self.number(
                &r.and_then(|r| r.min_availability_target.clone()),
                "sre_run.min_availability_target",
                0.999,
                0.0,
                1.0,
                "an availability between 0 and 1",
            );
            let dev_escalation = self.choice(
                r.and_then(|r| r.dev_escalation.as_ref()),
                "sre_run.dev_escalation",
                &[
                    ("business-hours", DevEscalation::BusinessHours),
                    ("on-call", DevEscalation::OnCall),
                ],
                // Smith, "You Build It SRE Run It": SREs escalate to on-call delivery teams.
                DevEscalation::OnCall,
            );
            SreRun {
                min_availability_target,
                dev_escalation,
                handback_after_quarters: self.count(
                    &r.and_then(|r| r.handback_after_quarters.clone()),
                    "sre_run.handback_after_quarters",
                    2,
                    1,
                ),
                evidence_quarters: match r.and_then(|r| r.evidence_quarters.clone()) {
                    Some(v) => self.count(&Some(v), "sre_run.evidence_quarters", 2, 1),
                    None => self.count(
                        &r.and_then(|r| r.readmit_after_quarters.clone()),
                        "sre_run.readmit_after_quarters",
                        2,
                        1,
                    ),
                },
            }
        };

        let you_and_sre_run = {
            let r = raw.you_and_sre_run.as_ref();
            let shift_hours = self.positive_duration(
                &r.and_then(|r| r.shift_length.clone()),
                "you_and_sre_run.shift_length",
                response.shift_hours,
            );
            YouAndSreRun {
                sre_shift_share: self.probability(
                    &r.and_then(|r| r.sre_shift_share.clone()),
                    "you_and_sre_run.sre_shift_share",
                    0.5,
                ),
                shift_hours,
            }
        };

        let costs = {
            let d = defaults::costs();
            match &raw.costs {
                None => d,
                Some(c) => Costs {
                    currency: c.currency.clone().unwrap_or(d.currency),
                    working_hours_per_year: self.number(
                        &c.working_hours_per_year,
                        "costs.working_hours_per_year",
                        d.working_hours_per_year,
                        1.0,
                        8760.0,
                        "a number of hours between 1 and 8760",
                    ),
                    standby_per_hour: self.money(
                        &c.standby_per_hour,
                        "costs.standby_per_hour",
                        d.standby_per_hour,
                    ),
                    callout_per_page: self.money(
                        &c.callout_per_page,
                        "costs.callout_per_page",
                        d.callout_per_page,
                    ),
                    min_rota_size: self.count(
                        &c.min_rota_size,
                        "costs.min_rota_size",
                        d.min_rota_size,
                        1,
                    ),
                    max_oncall_share: self.number(
                        &c.max_oncall_share,
                        "costs.max_oncall_share",
                        d.max_oncall_share,
                        0.01,
                        1.0,
                        "a share between 0.01 and 1",
                    ),
                    dev_oncall_productivity_loss: self.probability(
                        &c.dev_oncall_productivity_loss,
                        "costs.dev_oncall_productivity_loss",
                        d.dev_oncall_productivity_loss,
                    ),
                    freeze_cost_per_day: self.money(
                        &c.freeze_cost_per_day,
                        "costs.freeze_cost_per_day",
                        d.freeze_cost_per_day,
                    ),
                    ops_fte_per_seat: self.number(
                        &c.ops_fte_per_seat,
                        "costs.ops_fte_per_seat",
                        d.ops_fte_per_seat,
                        1.0,
                        20.0,
                        "a number of people between 1 and 20",
                    ),
                    overhead_factor: self.number(
                        &c.overhead_factor,
                        "costs.overhead_factor",
                        d.overhead_factor,
                        1.0,
                        5.0,
                        "a factor between 1 and 5",
                    ),
                    dev_oncall_charge: self.choice(
                        c.dev_oncall_charge.as_ref(),
                        "costs.dev_oncall_charge",
                        &[
                            ("standby", DevOncallCharge::Standby),
                            ("opportunity", DevOncallCharge::Opportunity),
                        ],
                        d.dev_oncall_charge,
                    ),
                    max_operational_load: self.number(
                        &c.max_operational_load,
                        "costs.max_operational_load",
                        d.max_operational_load,
                        0.01,
                        1.0,
                        "a share between 0.01 and 1",
                    ),
                },
            }
        };

        let dynamics = self.dynamics(&raw);
        let mut teams: Vec<Team> = Vec::new();
        let mut team_setups = Vec::new();
        let mut team_index = HashMap::new();
        for t in &raw.teams {
            let t_ref = t.get_ref();
            let name = t_ref.name.get_ref().clone();
            if team_index.insert(name.clone(), teams.len()).is_some() {
                self.err(
                    &t_ref.name.span(),
                    format!("team \"{name}\" is defined twice"),
                );
            }
            let headcount = self.count(&t_ref.headcount, "headcount", 7, 1);
            teams.push(Team {
                name,
                headcount,
                setup: TeamSetup::DevsRotate,
            });
            team_setups.push(t_ref.setup.clone());
        }

        for (team, setup) in teams.iter_mut().zip(&team_setups) {
            team.setup = self.setup(setup, "setup", dynamics.you_run.setup);
        }
        let base = self.service_defaults(raw.service_defaults.as_ref());
        let mut services = Vec::new();
        let mut names = HashMap::new();
        for s in &raw.services {
            let sf = s.get_ref();
            let Some(name) = &sf.name else {
                self.err(&s.span(), "a service needs a name".into());
                continue;
            };
            if names.insert(name.get_ref().clone(), ()).is_some() {
                self.err(
                    &name.span(),
                    format!("service \"{}\" is defined twice", name.get_ref()),
                );
            }
            let team = match &sf.team {
                None => {
                    self.err(
                        &name.span(),
                        format!(
                            "service \"{}\" needs a team (one of the [[teams]])",
                            name.get_ref()
                        ),
                    );
                    0
                }
                Some(t) => match team_index.get(t.get_ref()) {
                    Some(i) => *i,
                    None => {
                        let known: Vec<String> = teams.iter().map(|t| t.name.clone()).collect();
                        self.err(
                            &t.span(),
                            format!(
                                "team = {}",
                                not_defined(t.get_ref(), "team", &known, "none; add [[teams]]")
                            ),
                        );
                        0
                    }
                },
            };
            let svc = self.service(sf, name.get_ref().clone(), team, &base);
            services.push(svc);
        }
        self.resolve_dependencies(&raw.services, &mut services);
        if raw.services.len() > MAX_SERVICES {
            self.err(
                &raw.services[MAX_SERVICES].span(),
                format!(
                    "the scenario defines {} services; at most {MAX_SERVICES} are supported",
                    raw.services.len()
                ),
            );
        }
        if raw.services.is_empty() {
            self.err(
                &(0..0),
                "the scenario defines no [[services]]; add at least one".into(),
            );
        }

        let sweep = self.sweep(raw.sweep.as_ref());
        let sensitivity = self.sensitivity(raw.sensitivity.as_ref());
        Scenario {
            name,
            description: raw.description.unwrap_or_default(),
            horizon_hours,
            warmup_hours,
            replications,
            seed,
            models,
            reference,
            calendar,
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
            teams,
            services,
            sweep,
            sensitivity,
        }
    }

    /// The `[sensitivity]` table, checked.
    fn sensitivity(&mut self, raw: Option<&SensitivityFile>) -> SensitivitySpec {
        let Some(w) = raw else {
            return SensitivitySpec::default();
        };
        let range = w.range.as_ref().map(|r| {
            self.number(
                &Some(r.clone()),
                "sensitivity.range",
                0.2,
                1e-6,
                0.999,
                "a share between 0 and 1, e.g. 0.2 for ±20%",
            )
        });
        let mut ranges = Vec::new();
        for (path, v) in w.ranges.iter().flatten() {
            match v.get_ref().as_slice() {
                [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => {
                    ranges.push((path.clone(), *lo, *hi));
                }
                other => self.err(
                    &v.span(),
                    format!(
                        "sensitivity.ranges.\"{path}\" = {other:?} is not a range; write [low, high] with low < high"
                    ),
                ),
            }
        }
        SensitivitySpec { range, ranges }
    }

    /// The `[sweep]` table, checked.
    fn sweep(&mut self, raw: Option<&SweepFile>) -> Option<SweepSpec> {
        let w = raw?;
        let steps = self.count(&w.steps, "sweep.steps", 9, 2);
        let scale = match w.scale.as_ref() {
            None => crate::axis::Scale::Linear,
            Some(s) => crate::axis::Scale::parse(s.get_ref()).unwrap_or_else(|| {
                self.err(
                    &s.span(),
                    format!(
                        "sweep.scale = \"{}\" is not a scale (valid: linear, log, nines)",
                        s.get_ref()
                    ),
                );
                crate::axis::Scale::Linear
            }),
        };
        let (from, to) = (*w.from.get_ref(), *w.to.get_ref());
        match crate::axis::Axis::new(w.param.get_ref(), from, to, steps, scale) {
            Ok(_) => Some(SweepSpec {
                param: w.param.get_ref().trim().to_string(),
                from,
                to,
                steps,
                scale,
                label: w.label.clone(),
            }),
            Err(e) => {
                self.err(&w.param.span(), format!("sweep: {e}"));
                None
            }
        }
    }

    /// Resolves `depends_on` names and the cross-team share once all services are known.
    fn resolve_dependencies(&mut self, raw: &[S<ServiceFile>], services: &mut [Service]) {
        let index: HashMap<String, usize> = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        let named: Vec<&ServiceFile> = raw
            .iter()
            .map(|s| s.get_ref())
            .filter(|s| s.name.is_some())
            .collect();
        for (i, sf) in named.iter().enumerate() {
            for dep in sf.depends_on.iter().flatten() {
                match index.get(dep.get_ref()) {
                    Some(&j) if j == i => self.err(
                        &dep.span(),
                        format!("service \"{}\" cannot depend on itself", dep.get_ref()),
                    ),
                    Some(&j) => services[i].depends_on.push(j),
                    None => {
                        let known: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
                        self.err(
                            &dep.span(),
                            format!(
                                "depends_on: {}",
                                not_defined(dep.get_ref(), "service", &known, "none")
                            ),
                        );
                    }
                }
            }
        }
        // Whether another team's service depends on each service: one pass over the
        // edges, so validation stays linear in the number of services.
        let mut needed_by_other_team = vec![false; services.len()];
        for s in services.iter() {
            for &d in &s.depends_on {
                if services[d].team != s.team {
                    needed_by_other_team[d] = true;
                }
            }
        }
        for (i, sf) in named.iter().enumerate() {
            let cross = {
                let team = services[i].team;
                services[i]
                    .depends_on
                    .iter()
                    .any(|d| services[*d].team != team)
                    || needed_by_other_team[i]
            };
            services[i].cross_team_share = match (&sf.cross_team_share, cross) {
                (Some(v), true) => self.probability(&Some(v.clone()), "cross_team_share", 0.0),
                (Some(v), false) => {
                    self.err(&v.span(), "cross_team_share needs a cross-team dependency (depends_on a service of another team, or depended on by one)".into());
                    0.0
                }
                (None, true) => defaults::CROSS_TEAM_SHARE,
                (None, false) => 0.0,
            };
        }
    }

    fn service_defaults(&mut self, d: Option<&ServiceFile>) -> Service {
        let base = defaults::service();
        match d {
            None => base,
            Some(d) => self.service(d, String::new(), 0, &base),
        }
    }

    fn service(&mut self, s: &ServiceFile, name: String, team: usize, base: &Service) -> Service {
        let availability_target = self.number(
            &s.availability_target,
            "availability_target",
            base.availability_target,
            0.5,
            0.999_999_9,
            "an availability target between 0.5 and 0.9999999 (e.g. 0.999)",
        );
        let background_rate_per_hour = match &s.background_incidents {
            None => base.background_rate_per_hour,
            Some(r) => parse_rate_per_hour(r.get_ref()).unwrap_or_else(|e| {
                self.err(&r.span(), format!("background_incidents = {e}"));
                0.0
            }),
        };
        let severities = match &s.severities {
            None => base.severities.clone(),
            Some(list) => {
                let mut out = Vec::new();
                for sev in list.get_ref() {
                    let v = sev.get_ref();
                    let share = self.probability(&Some(v.share.clone()), "severities.share", 0.0);
                    let impact =
                        self.probability(&Some(v.impact.clone()), "severities.impact", 0.0);
                    out.push(Severity {
                        name: v.name.get_ref().clone(),
                        share,
                        impact,
                    });
                }
                let total: f64 = out.iter().map(|s| s.share).sum();
                if out.is_empty() {
                    self.err(
                        &list.span(),
                        "severities is empty; give at least one class, e.g. [{ name = \"major\", share = 1.0, impact = 1.0 }]".into(),
                    );
                    base.severities.clone()
                } else {
                    // Shares written as decimals rarely sum to exactly 1 in binary; a
                    // millionth either way is the same total to anyone reading the file.
                    if (total - 1.0).abs() > 1e-6 {
                        let span = list.get_ref().first().map_or(list.span(), |s| s.span());
                        let shown = format!("{total:.6}");
                        let shown = shown.trim_end_matches('0').trim_end_matches('.');
                        self.err(
                            &span,
                            format!("severities: shares add up to {shown}, they must add up to 1"),
                        );
                    }
                    out
                }
            }
        };
        let arrival_profile = match &s.arrival_profile {
            None => base.arrival_profile.clone(),
            Some(p) => {
                let v: Vec<f64> = p.get_ref().iter().map(|x| *x.get_ref()).collect();
                if v.len() != 168 && v.len() != 24 {
                    self.err(&p.span(), format!("arrival_profile has {} weights; give 24 (one per hour of day) or 168 (one per hour of week, Monday 00:00 first)", v.len()));
                    None
                } else if v.iter().any(|x| !(x.is_finite() && *x >= 0.0))
                    || v.iter().all(|x| *x == 0.0)
                {
                    self.err(
                        &p.span(),
                        "arrival_profile weights must be >= 0 and not all zero".into(),
                    );
                    None
                } else {
                    let week: Vec<f64> = (0..168).map(|h| v[h % v.len()]).collect();
                    let mean = week.iter().sum::<f64>() / 168.0;
                    Some(week.into_iter().map(|x| x / mean).collect())
                }
            }
        };
        Service {
            name,
            team,
            availability_target,
            background_rate_per_hour,
            deploys_per_week: self.number(
                &s.deploys_per_week,
                "deploys_per_week",
                base.deploys_per_week,
                0.0,
                10_000.0,
                "a number of deployments per week between 0 and 10000",
            ),
            change_failure_rate: self.probability(
                &s.change_failure_rate,
                "change_failure_rate",
                base.change_failure_rate,
            ),
            revenue_per_hour: self.money(
                &s.revenue_per_hour,
                "revenue_per_hour",
                base.revenue_per_hour,
            ),
            effort: self.dist(s.effort.as_ref(), "effort", base.effort.clone()),
            change_effort: self.dist(
                s.change_effort.as_ref(),
                "change_effort",
                base.change_effort.clone(),
            ),
            rollback_effort: match s.rollback_effort.as_ref() {
                Some(_) => Some(self.dist(
                    s.rollback_effort.as_ref(),
                    "rollback_effort",
                    Dist::Constant(0.0),
                )),
                None => base.rollback_effort.clone(),
            },
            detection: self.dist(s.detection.as_ref(), "detection", base.detection.clone()),
            severities,
            arrival_profile,
            deploy_in_business_hours: s
                .deploy_in_business_hours
                .as_ref()
                .map_or(base.deploy_in_business_hours, |b| *b.get_ref()),
            depends_on: Vec::new(),
            cross_team_share: 0.0,
        }
    }
}

/// Documented defaults; `docs/model.md` gives the source of each.
pub(crate) mod defaults {
    use super::*;

    fn d(r: Result<Dist, String>) -> Dist {
        r.unwrap_or(Dist::Constant(0.0))
    }

    pub fn response() -> Response {
        Response {
            // PagerDuty 2021: time to acknowledge at large companies under 4 minutes.
            acknowledge: d(Dist::exponential(4.0 / 60.0)),
            // Assumption: a dev team not on call picks an escalation up within half a
            // working day typically, two working days at p90.
            prioritisation: d(Dist::lognormal_median_p90(4.0, 16.0)),
            diagnosis_penalty: 2.0,
            max_escalation_probability: 0.8,
            triage_fraction: 0.5,
            // Assumption: a failure in a cross-team workflow takes 3x as long to see from
            // one team's service dashboards.
            cross_team_detection_factor: 3.0,
            // Google SRE workbook: 12-hour on-call shifts.
            shift_hours: 12.0,
        }
    }

    pub fn dev() -> Group {
        Group {
            knowledge: 1.0,
            telemetry_delay_factor: 1.0,
            routing: Dist::Constant(0.0),
            // Smith, "You Build It SRE Run It": 1 on-call engineer per team.
            concurrent_oncall: 1,
            // US BLS OES May 2023, software developers, median annual wage.
            salary: 132_270.0,
            knowledge_floor: 1.0,
            funding: Funding::Capex,
            production_access: true,
            estate_services: None,
            charging: Charging::ProRata,
            sync_share: 0.2,
        }
    }

    pub fn sre() -> Group {
        Group {
            knowledge: 0.7,
            telemetry_delay_factor: 1.0,
            routing: Dist::Constant(0.0),
            concurrent_oncall: 2,
            // Assumption: developer median + 15% (no public SRE wage series).
            salary: 152_000.0,
            knowledge_floor: 0.5,
            // Smith: an SRE team in Delivery is funded by a capex budget.
            funding: Funding::Capex,
            // Chapter 12: SREs operate services in production.
            production_access: true,
            estate_services: None,
            charging: Charging::ProRata,
            // Assumption: a day a week for synchronisation with delivery teams.
            sync_share: 0.2,
        }
    }

    pub fn ops() -> Group {
        Group {
            knowledge: 0.3,
            telemetry_delay_factor: 3.0,
            routing: Dist::Constant(0.0),
            concurrent_oncall: 2,
            // US BLS OES May 2023, network and computer systems administrators, median.
            salary: 95_360.0,
            knowledge_floor: 0.2,
            // Smith: Operations is funded by an opex budget.
            funding: Funding::Opex,
            // Chapter 12: "the development teams do not have access to production. The
            // operations teams do."
            production_access: true,
            estate_services: None,
            charging: Charging::ProRata,
            // Assumption: as SRE, a day a week.
            sync_share: 0.2,
        }
    }

    pub fn costs() -> Costs {
        Costs {
            currency: "USD".into(),
            working_hours_per_year: 1_800.0,
            standby_per_hour: 5.0,
            callout_per_page: 50.0,
            // Google SRE workbook: minimum 8 engineers for a single-site 24/7 rota.
            min_rota_size: 8,
            // Google SRE book: at most 25% of an SRE's time on call.
            max_oncall_share: 0.25,
            // 168 h/week ÷ 40 h/week ÷ 0.84 availability after leave ≈ 5.
            ops_fte_per_seat: 5.0,
            // Assumption: value of a service's delayed features per day of freeze.
            freeze_cost_per_day: 500.0,
            // Assumption: a developer on call loses a tenth of their business-hours output
            // to interruptions, on top of the incident hours counted as labour.
            dev_oncall_productivity_loss: 0.1,
            // Fully loaded cost is typically 1.25-1.4x wages (US BLS Employer Costs for
            // Employee Compensation: wages are about 70% of total compensation).
            overhead_factor: 1.3,
            dev_oncall_charge: DevOncallCharge::Opportunity,
            // Google SRE book ch. 5: at most 50% of SRE time on operational work.
            max_operational_load: 0.5,
        }
    }

    /// Assumption: a quarter of a cross-team service's incidents cross team boundaries.
    pub const CROSS_TEAM_SHARE: f64 = 0.25;

    pub fn knowledge() -> Knowledge {
        Knowledge {
            erosion_per_deploy: 0.01,
            sync_effect_per_hour: 0.05,
            sync_attendees: 2,
            // Assumption: a responder at 0.8 escalates a fifth as often as one who knows
            // nothing (with the default escalation rule).
            target: 0.8,
        }
    }

    pub fn workarounds() -> Workarounds {
        Workarounds {
            threshold_hours: 4.0,
            probability: 0.5,
            effort: d(Dist::lognormal_median_p90(0.5, 2.0)),
            conflict_probability: 0.05,
            lifetime: d(Dist::exponential(90.0 * 24.0)),
        }
    }

    pub fn error_budget() -> ErrorBudget {
        // SRE workbook policy: releases freeze when the budget is spent. Assumption: a fifth
        // of deployments (fixes, security) still go out.
        ErrorBudget {
            freeze: true,
            freeze_deploy_share: 0.2,
            // SRE workbook, example error-budget policy: the previous four weeks.
            window: BudgetWindow::Rolling(4.0 * crate::units::HOURS_PER_WEEK),
            // Assumption: every model in which developers or SREs run services enforces
            // an error-budget policy; ops-run, where neither is on call, does not.
            models: ModelKind::ALL
                .into_iter()
                .filter(|m| *m != ModelKind::OpsRun)
                .collect(),
        }
    }

    pub fn ops_monitor_detection() -> Dist {
        d(Dist::exponential(5.0 / 60.0))
    }

    pub fn service() -> Service {
        Service {
            name: String::new(),
            team: 0,
            availability_target: 0.999,
            background_rate_per_hour: 1.0 / (8760.0 / 12.0),
            deploys_per_week: 5.0,
            // DORA 2024: medium cluster change failure rate 10%.
            change_failure_rate: 0.10,
            revenue_per_hour: 10_000.0,
            // PagerDuty 2021: incidents resolved within 24 h took 126 minutes from trigger
            // to resolution on average — a restore time, so hands-on effort is less;
            // VOID 2022: right-skewed. Lognormal median 1 h, p90 4 h has mean ≈ 1.8 h.
            effort: d(Dist::lognormal_median_p90(1.0, 4.0)),
            // DORA 2024: elite teams recover from a failed deployment in under an hour,
            // high and medium in under a day; most by rolling back. Assumption: median
            // 20 minutes, p90 2 hours.
            change_effort: d(Dist::lognormal_median_p90(1.0 / 3.0, 2.0)),
            // A non-owner with production access rolls back as fast as the owners recover
            // (DORA: failed-deployment recovery is mostly rollback).
            rollback_effort: None,
            detection: d(Dist::exponential(10.0 / 60.0)),
            severities: vec![
                Severity {
                    name: "SEV1".into(),
                    share: 0.1,
                    impact: 1.0,
                },
                Severity {
                    name: "SEV2".into(),
                    share: 0.3,
                    impact: 0.3,
                },
                Severity {
                    name: "SEV3".into(),
                    share: 0.6,
                    impact: 0.05,
                },
            ],
            arrival_profile: None,
            deploy_in_business_hours: true,
            depends_on: Vec::new(),
            cross_team_share: 0.0,
        }
    }
}
