//! Duration distributions as a scenario writes them — a plain duration, or a table such as
//! `{ dist = "lognormal", median = "2h", p90 = "8h" }` — checked and turned into [`Dist`].

use super::super::file::{DistFile, DistTable, S};
use super::{Ctx, MAX_MEAN_HOURS};
use crate::dist::{Dist, DistError};
use crate::units::parse_duration_hours;

/// Why a distribution table gives no distribution.
#[derive(Debug, thiserror::Error)]
enum DistProblem {
    /// A parameter did not parse as a duration; the problem was already reported at that
    /// parameter, so nothing more is said.
    #[error("")]
    Reported,
    /// The parameters given are not the ones this kind of distribution takes.
    #[error("a {kind} distribution takes {usage}; found {found}")]
    Parameters {
        /// The kind as written.
        kind: String,
        /// The parameters it takes, in words.
        usage: &'static str,
        /// The parameters given, in words.
        found: String,
    },
    /// A gamma given by shape and mean, with a shape that is not positive.
    #[error("shape must be positive; found {shape}")]
    GammaShape {
        /// The shape given.
        shape: f64,
    },
    /// The parameters do not describe a distribution of durations.
    #[error(transparent)]
    Invalid(#[from] DistError),
    /// A kind of distribution that does not exist.
    #[error(
        "unknown distribution \"{kind}\" (valid: exponential, lognormal, gamma, weibull, triangular, constant, empirical)"
    )]
    UnknownKind {
        /// The kind as written.
        kind: String,
    },
}

impl Ctx<'_> {
    /// A distribution of durations, or `default` when absent (or when it has a problem).
    pub(super) fn dist(&mut self, v: Option<&S<DistFile>>, name: &str, default: Dist) -> Dist {
        let Some(v) = v else { return default };
        let built = match v.get_ref() {
            // A plain duration where a distribution is expected: always that long.
            DistFile::Plain(text) => match parse_duration_hours(text) {
                Ok(h) => Dist::constant(h).map_err(DistProblem::from),
                Err(e) => {
                    self.err(
                        &v.span(),
                        format!("{name} = {e}; or write a distribution, e.g. {{ dist = \"lognormal\", median = \"2h\", p90 = \"8h\" }}"),
                    );
                    return default;
                }
            },
            DistFile::Table(t) => self.dist_table(t, name),
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
            // The problem was already reported at its field.
            Err(DistProblem::Reported) => default,
            Err(problem) => {
                self.err(&v.span(), format!("{name}: {problem}"));
                default
            }
        }
    }

    /// A distribution table: its kind and exactly the parameters that kind takes.
    fn dist_table(&mut self, d: &DistTable, name: &str) -> Result<Dist, DistProblem> {
        let kind = d.dist.get_ref().as_str();
        let mut h = |v: &Option<S<String>>, field: &str| -> Result<Option<f64>, DistProblem> {
            match v {
                None => Ok(None),
                Some(s) => match parse_duration_hours(s.get_ref()) {
                    Ok(x) => Ok(Some(x)),
                    Err(e) => {
                        self.err(&s.span(), format!("{name}.{field} = {e}"));
                        Err(DistProblem::Reported)
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
        let expect = |fields: &[&str], usage: &'static str| -> Result<(), DistProblem> {
            if given.len() == fields.len() && fields.iter().all(|f| given.contains(f)) {
                Ok(())
            } else {
                Err(DistProblem::Parameters {
                    kind: kind.to_string(),
                    usage,
                    found: if given.is_empty() {
                        "no parameters".to_string()
                    } else {
                        given.join(", ")
                    },
                })
            }
        };
        let get = |x: Option<f64>| x.unwrap_or(0.0);
        let built = match kind {
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
                        return Err(DistProblem::GammaShape { shape: s });
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
            other => {
                return Err(DistProblem::UnknownKind {
                    kind: other.to_string(),
                });
            }
        };
        built.map_err(DistProblem::from)
    }
}
