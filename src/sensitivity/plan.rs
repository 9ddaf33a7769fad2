//! The design of a one-at-a-time analysis: which parameters move, and each one's low and
//! high scenario, validated like any scenario file. A parameter with a stated range
//! (`[sensitivity.ranges]`) takes those values; others are scaled by 1 ∓ R; a share that
//! cannot pass 1 (a probability, a target) is moved in its distance from 1 instead. A move
//! validation refuses is reported and the parameter left out.

use super::{Output, parameters, scale, scale_complement};
use crate::edit::{self, EditError};
use crate::guard;
use crate::model::ModelKind;
use crate::scenario::Scenario;

/// What the analysis is asked to do, beyond the scenario.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// Only these parameters (dotted paths); empty: every numeric value the scenario
    /// states, and every parameter with a stated range.
    pub params: Vec<String>,
    /// Move parameters without a stated range by ×(1 ∓ range) (default: the scenario's
    /// `sensitivity.range`, else 0.2).
    pub range: Option<f64>,
    /// The two models whose paired difference is the output (default: the reference and
    /// the next model).
    pub models: Option<(ModelKind, ModelKind)>,
    /// The headline metric whose paired difference is the first output (default
    /// `cost_operating`); the second is availability (operating cost when this is
    /// availability).
    pub metric: Option<String>,
}

/// Why one point of the analysis cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointError {
    /// The key cannot be moved in the scenario's text.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The moved scenario does not validate.
    #[error("{problems}")]
    Invalid {
        /// Validation problems, `; `-separated.
        problems: String,
    },
}

/// An analysis that cannot be planned or finished, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// The range is not a share.
    #[error("--range {range} must be between 0 and 1, e.g. 0.2 for ±20%")]
    Range {
        /// The range given.
        range: f64,
    },
    /// The scenario compares one model and none were named.
    #[error("the scenario compares one model; name two with --models")]
    OneModel,
    /// The same model twice.
    #[error("--models needs two different models")]
    SameModels,
    /// The scenario's parameters cannot be listed.
    #[error(transparent)]
    Parameters(#[from] EditError),
    /// A stated range cannot be applied.
    #[error("sensitivity.ranges.\"{parameter}\": {error}")]
    StatedRange {
        /// The parameter.
        parameter: String,
        /// Why.
        error: PointError,
    },
    /// A parameter asked for by name cannot be moved.
    #[error("{parameter}: {error}")]
    Parameter {
        /// The parameter.
        parameter: String,
        /// Why.
        error: PointError,
    },
    /// No parameter could be moved.
    #[error("no parameter could be moved; see --params")]
    NothingToMove,
    /// A metric that is not a headline metric.
    #[error("--metric {metric}: not a headline metric; use one of {}", crate::metric::HEADLINE.join(", "))]
    Metric {
        /// The name given.
        metric: String,
    },
    /// Over the event limit.
    #[error(
        "this analysis would simulate about {events:.2e} events ({parameters} parameters × 2 points), over the limit of {limit}; use fewer --params or replications, or raise --max-events"
    )]
    TooBig {
        /// Estimated events.
        events: f64,
        /// Parameters moved.
        parameters: usize,
        /// The limit.
        limit: u64,
    },
    /// Shards' parts without a parameter's values.
    #[error("the parts lack the values of parameter {parameter}")]
    MissingValues {
        /// The parameter.
        parameter: String,
    },
    /// Shards' parts without the values at the stated parameters.
    #[error("the parts lack the values at the stated parameters (shard 1's)")]
    MissingBase,
}

/// How a parameter is moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Move {
    /// By × (1 ∓ range).
    Scaled,
    /// In its distance from 1, by × (1 ± range): low is further from 1.
    Shares,
    /// Across its plausible range from the assumption ledger ([`crate::ledger`]): values,
    /// or factors on today's values for a parameter of several values (`factor`).
    Plausible {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
        /// Whether `low` and `high` are factors.
        factor: bool,
    },
    /// To the low and high values `[sensitivity.ranges]` states.
    Stated {
        /// Low value.
        low: f64,
        /// High value.
        high: f64,
    },
}

/// One parameter's two points.
#[derive(Debug, Clone)]
pub struct Point {
    /// The parameter's dotted path.
    pub parameter: String,
    /// The scenario with the parameter at its low value.
    pub low: Scenario,
    /// The scenario with the parameter at its high value.
    pub high: Scenario,
    /// How it was moved.
    pub how: Move,
}

/// Every point of the analysis.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenario at its stated values, comparing only the two models.
    pub base: Scenario,
    /// The scenario file's text.
    pub text: String,
    /// The range unstated parameters move by, when not by their plausible ranges.
    pub range: f64,
    /// Whether parameters move across their plausible ranges (no `--range` and no
    /// `sensitivity.range`).
    pub plausible: bool,
    /// The first output's metric.
    pub metric: &'static str,
    /// The first model of the difference.
    pub a: ModelKind,
    /// The second model of the difference.
    pub b: ModelKind,
    /// The parameters moved, in order.
    pub points: Vec<Point>,
    /// Parameters left out, with why.
    pub skipped: Vec<(String, PointError)>,
}

/// The range unstated parameters move by: `given`, else the scenario's
/// `sensitivity.range`, else [`crate::scenario::SENSITIVITY_RANGE`]; a share in (0, 1).
pub fn range(base: &Scenario, given: Option<f64>) -> Result<f64, SensitivityError> {
    let range = given
        .or(base.sensitivity.range)
        .unwrap_or(crate::scenario::SENSITIVITY_RANGE);
    if range > 0.0 && range < 1.0 {
        Ok(range)
    } else {
        Err(SensitivityError::Range { range })
    }
}

/// The two models compared: `given`, else the reference and the next model.
pub fn models(
    base: &Scenario,
    given: Option<(ModelKind, ModelKind)>,
) -> Result<(ModelKind, ModelKind), SensitivityError> {
    match given {
        Some((x, y)) if x == y => Err(SensitivityError::SameModels),
        Some(pair) => Ok(pair),
        None => {
            let other = base.models.iter().copied().find(|m| *m != base.reference);
            Ok((base.reference, other.ok_or(SensitivityError::OneModel)?))
        }
    }
}

/// The analysis of `base` (read from `text`, with the command line's run settings):
/// every parameter's low and high scenario, validated.
pub fn plan(text: &str, base: &Scenario, spec: &Spec) -> Result<Plan, SensitivityError> {
    let range = range(base, spec.range)?;
    let plausible = spec.range.is_none() && base.sensitivity.range.is_none();
    let metric = match spec.metric.as_deref() {
        None => "cost_operating",
        Some(m) => crate::metric::HEADLINE
            .iter()
            .copied()
            .find(|h| *h == m.trim())
            .ok_or_else(|| SensitivityError::Metric {
                metric: m.to_string(),
            })?,
    };
    let ledger = if plausible {
        crate::ledger::ledger(text, base)?.entries
    } else {
        Vec::new()
    };
    let (a, b) = models(base, spec.models)?;
    // Only the two compared models are simulated.
    let mut base = base.clone();
    base.compare(vec![a, b], a)
        .map_err(|_| SensitivityError::SameModels)?;
    let by_name = !spec.params.is_empty();
    let mut params: Vec<String> = if by_name {
        spec.params.iter().map(|p| p.trim().to_string()).collect()
    } else if plausible {
        ledger.iter().map(|e| e.key.clone()).collect()
    } else {
        parameters(text)?
    };
    if !by_name {
        for (p, _, _) in &base.sensitivity.ranges {
            if !params.contains(p) {
                params.push(p.clone());
            }
        }
    }
    let mut points = Vec::new();
    let mut skipped = Vec::new();
    for p in params {
        if let Some(&(_, low, high)) = base.sensitivity.ranges.iter().find(|(q, _, _)| *q == p) {
            // A duration or rate keeps its unit: its number is moved, not replaced by a
            // bare number.
            let with_unit =
                edit::stated(text, &p).is_ok_and(|v| v.iter().any(|s| !s.suffix.is_empty()));
            let at = |v: f64| -> Result<Scenario, PointError> {
                let moved = if with_unit {
                    edit::transform(text, &p, &|_| v)?
                } else {
                    edit::set(text, &p, v)?
                };
                validated(&moved, &base)
            };
            match (at(low), at(high)) {
                (Ok(l), Ok(h)) => points.push(Point {
                    parameter: p,
                    low: l,
                    high: h,
                    how: Move::Stated { low, high },
                }),
                (Err(error), _) | (_, Err(error)) => {
                    return Err(SensitivityError::StatedRange {
                        parameter: p,
                        error,
                    });
                }
            }
            continue;
        }
        if let Some(e) = ledger.iter().find(|e| e.key == p) {
            let at =
                |v: f64| -> Result<Scenario, PointError> { validated(&e.apply(text, v)?, &base) };
            match (at(e.range.0), at(e.range.1)) {
                (Ok(l), Ok(h)) => points.push(Point {
                    parameter: p,
                    low: l,
                    high: h,
                    how: Move::Plausible {
                        low: e.range.0,
                        high: e.range.1,
                        factor: e.coord == crate::ledger::Coord::Factor,
                    },
                }),
                (Err(error), _) | (_, Err(error)) => skipped.push((p, error)),
            }
            continue;
        }
        match moved(text, &p, range, &base) {
            Ok((low, high, how)) => points.push(Point {
                parameter: p,
                low,
                high,
                how,
            }),
            Err(error) if by_name => {
                return Err(SensitivityError::Parameter {
                    parameter: p,
                    error,
                });
            }
            Err(error) => skipped.push((p, error)),
        }
    }
    if points.is_empty() {
        return Err(SensitivityError::NothingToMove);
    }
    Ok(Plan {
        base,
        text: text.to_string(),
        range,
        plausible,
        metric,
        a,
        b,
        points,
        skipped,
    })
}

/// A parameter's low and high scenario, scaled by 1 ∓ `range`, or — when that is
/// refused — moved in its distance from 1.
fn moved(
    text: &str,
    p: &str,
    range: f64,
    base: &Scenario,
) -> Result<(Scenario, Scenario, Move), PointError> {
    let at = |factor: f64, complement: bool| -> Result<Scenario, PointError> {
        let edited = if complement {
            scale_complement(text, p, factor)
        } else {
            scale(text, p, factor)
        }?;
        validated(&edited, base)
    };
    match (at(1.0 - range, false), at(1.0 + range, false)) {
        (Ok(lo), Ok(hi)) => Ok((lo, hi, Move::Scaled)),
        (Err(e), _) | (_, Err(e)) => match (at(1.0 + range, true), at(1.0 - range, true)) {
            (Ok(lo), Ok(hi)) => Ok((lo, hi, Move::Shares)),
            _ => Err(e),
        },
    }
}

/// The edited text as a validated scenario with `base`'s run settings.
fn validated(edited: &str, base: &Scenario) -> Result<Scenario, PointError> {
    let mut s =
        crate::scenario::parse(edited, "sensitivity point").map_err(|e| PointError::Invalid {
            problems: e.messages(),
        })?;
    s.adopt_run_settings(base);
    Ok(s)
}

impl Plan {
    /// The outputs: the paired difference a − b in the chosen metric (operating cost
    /// unless `--metric` says otherwise), and in availability (in operating cost when the
    /// chosen metric is availability).
    pub fn outputs(&self) -> [Output; 2] {
        let second = if self.metric == "availability" {
            "cost_operating"
        } else {
            "availability"
        };
        [
            Output {
                metric: self.metric,
                a: self.a,
                b: self.b,
            },
            Output {
                metric: second,
                a: self.a,
                b: self.b,
            },
        ]
    }

    /// Parameters moved in their distance from 1.
    pub fn moved_as_shares(&self) -> Vec<&str> {
        self.points
            .iter()
            .filter(|p| p.how == Move::Shares)
            .map(|p| p.parameter.as_str())
            .collect()
    }

    /// Whether any parameter was moved to a stated range.
    pub fn any_stated(&self) -> bool {
        self.points
            .iter()
            .any(|p| matches!(p.how, Move::Stated { .. }))
    }

    /// Refuses an analysis estimated to simulate more than `max_events` events (the base
    /// and two points per parameter).
    pub fn check_size(&self, threads: usize, max_events: u64) -> Result<(), SensitivityError> {
        let per_point = guard::estimate(&self.base, threads).events;
        let events = per_point * (2 * self.points.len() + 1) as f64;
        if events > max_events as f64 {
            return Err(SensitivityError::TooBig {
                events,
                parameters: self.points.len(),
                limit: max_events,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"t\"\nreplications = 3\nmodels = [\"you-run\", \"ops-run\", \"sre-run\"]\n[costs]\nstandby_per_hour = 4.0\n[groups.ops]\nknowledge = 0.9\nsalary = 100000.0\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n";

    fn base() -> Scenario {
        crate::scenario::parse(TEXT, "t.toml").expect("valid")
    }

    /// Moving by ±20%, as `--range 0.2` asks.
    fn scaled() -> Spec {
        Spec {
            range: Some(crate::scenario::SENSITIVITY_RANGE),
            ..Spec::default()
        }
    }

    fn spec(params: &[&str]) -> Spec {
        Spec {
            params: params.iter().map(|p| p.to_string()).collect(),
            ..scaled()
        }
    }

    #[test]
    fn by_default_every_assumption_moves_across_its_plausible_range() {
        let p = plan(TEXT, &base(), &Spec::default()).unwrap();
        assert!(p.plausible);
        let standby = p
            .points
            .iter()
            .find(|q| q.parameter == "costs.standby_per_hour")
            .unwrap();
        assert_eq!(
            standby.how,
            Move::Plausible {
                low: 0.0,
                high: 50.0,
                factor: false
            }
        );
        assert_eq!(standby.high.costs.standby_per_hour, 50.0);
        // Defaults the scenario leaves out are assumptions too.
        assert!(
            p.points
                .iter()
                .any(|q| q.parameter == "costs.callout_per_page")
        );
        let metric = Spec {
            metric: Some("cost_total".into()),
            ..spec(&["costs.standby_per_hour"])
        };
        assert_eq!(
            plan(TEXT, &base(), &metric).unwrap().outputs()[0].metric,
            "cost_total"
        );
        let bad = Spec {
            metric: Some("pages".into()),
            ..Spec::default()
        };
        assert!(matches!(
            plan(TEXT, &base(), &bad),
            Err(SensitivityError::Metric { .. })
        ));
    }

    #[test]
    fn every_stated_number_gets_a_low_and_a_high_point_of_the_two_models() {
        let p = plan(TEXT, &base(), &scaled()).unwrap();
        let names: Vec<&str> = p.points.iter().map(|q| q.parameter.as_str()).collect();
        assert_eq!(
            names,
            [
                "costs.standby_per_hour",
                "groups.ops.knowledge",
                "groups.ops.salary"
            ]
        );
        assert_eq!((p.a, p.b), (ModelKind::YouRun, ModelKind::OpsRun));
        assert_eq!(p.range, crate::scenario::SENSITIVITY_RANGE);
        let standby = &p.points[0];
        assert_eq!(standby.how, Move::Scaled);
        assert!((standby.low.costs.standby_per_hour - 3.2).abs() < 1e-12);
        assert!((standby.high.costs.standby_per_hour - 4.8).abs() < 1e-12);
        for q in &p.points {
            for s in [&q.low, &q.high] {
                assert_eq!(s.models, [ModelKind::YouRun, ModelKind::OpsRun]);
                assert_eq!((s.replications, s.seed), (p.base.replications, p.base.seed));
            }
        }
    }

    #[test]
    fn a_share_that_cannot_pass_one_moves_in_its_distance_from_one() {
        // 0.9 × 1.2 = 1.08 is not a knowledge level: 1 − 0.1 × (1 ∓ 0.2) instead.
        let p = plan(TEXT, &base(), &spec(&["groups.ops.knowledge"])).unwrap();
        let k = &p.points[0];
        assert_eq!(k.how, Move::Shares);
        assert_eq!(p.moved_as_shares(), ["groups.ops.knowledge"]);
        assert!(k.low.groups.ops.knowledge < 0.9 && k.high.groups.ops.knowledge > 0.9);
    }

    #[test]
    fn a_stated_range_sets_the_values_themselves() {
        let text = format!(
            "{TEXT}[sensitivity]\nrange = 0.1\n[sensitivity.ranges]\n\"costs.standby_per_hour\" = [0.0, 20.0]\n"
        );
        let b = crate::scenario::parse(&text, "t.toml").unwrap();
        let only = Spec {
            params: vec!["costs.standby_per_hour".into()],
            ..Spec::default()
        };
        let p = plan(&text, &b, &only).unwrap();
        assert_eq!(p.range, 0.1);
        assert!(p.any_stated());
        assert_eq!(
            p.points[0].how,
            Move::Stated {
                low: 0.0,
                high: 20.0
            }
        );
        assert_eq!(p.points[0].high.costs.standby_per_hour, 20.0);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let b = base();
        let refused = |s: Spec| plan(TEXT, &b, &s).unwrap_err();
        assert_eq!(
            refused(Spec {
                range: Some(1.5),
                ..Spec::default()
            }),
            SensitivityError::Range { range: 1.5 }
        );
        assert_eq!(
            refused(Spec {
                models: Some((ModelKind::OpsRun, ModelKind::OpsRun)),
                ..Spec::default()
            }),
            SensitivityError::SameModels
        );
        assert!(matches!(
            refused(spec(&["name"])),
            SensitivityError::Parameter { .. }
        ));
        let one = crate::scenario::parse(
            "models = [\"you-run\"]\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(
            plan("models = [\"you-run\"]\n", &one, &Spec::default()).unwrap_err(),
            SensitivityError::OneModel
        );
    }
}
