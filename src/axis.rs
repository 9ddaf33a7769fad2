//! What a sweep varies: a parameter's dotted path and its values, and the scale they are
//! spaced on (linear, log or "nines"). Shared by the scenario's `[sweep]` table, sweeps,
//! crossovers and charts, so it sits below all of them.

/// How a sweep spaces its values, and the coordinate crossovers interpolate in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Evenly spaced.
    Linear,
    /// Geometrically spaced: sizes, rates and prices spanning magnitudes.
    Log,
    /// Evenly spaced in "nines", −log10(1 − v): availability targets, where 99% → 99.9%
    /// is the same step as 99.9% → 99.99%.
    Nines,
}

impl Scale {
    /// The scale's name, as [`Scale::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
            Scale::Nines => "nines",
        }
    }

    /// Reads `linear`, `log` or `nines`.
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "linear" => Some(Scale::Linear),
            "log" => Some(Scale::Log),
            "nines" => Some(Scale::Nines),
            _ => None,
        }
    }

    /// The coordinate of a value.
    pub fn coordinate(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => v.ln(),
            Scale::Nines => -(1.0 - v).log10(),
        }
    }

    /// The value at a coordinate.
    pub fn value(self, c: f64) -> f64 {
        match self {
            Scale::Linear => c,
            Scale::Log => c.exp(),
            Scale::Nines => 1.0 - 10f64.powf(-c),
        }
    }
}

/// A swept parameter and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted path of the key (several, comma-separated, move together).
    pub path: String,
    /// Values, in order.
    pub values: Vec<f64>,
    /// How the values are spaced; crossovers interpolate in its coordinate.
    pub scale: Scale,
    /// What the parameter is, in words, for charts (default: the path).
    pub label: String,
}

/// A sweep axis that cannot be made, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AxisError {
    /// The path is empty or has an empty part.
    #[error(
        "\"{path}\" is not a parameter path; write it as the errors name keys, e.g. costs.standby_per_hour or services.*.availability_target"
    )]
    NotAPath {
        /// The path as given.
        path: String,
    },
    /// An end of the range is infinite or not a number.
    #[error("{path}: the range must be finite")]
    NotFinite {
        /// The parameter.
        path: String,
    },
    /// Fewer than two values.
    #[error("{path}: a sweep needs at least 2 steps (got {steps})")]
    TooFewSteps {
        /// The parameter.
        path: String,
        /// The steps asked for.
        steps: u32,
    },
    /// More values than a sweep allows.
    #[error("{path}: {steps} steps is more than the 1000 a sweep allows")]
    TooManySteps {
        /// The parameter.
        path: String,
        /// The steps asked for.
        steps: u32,
    },
    /// A log scale over a range that reaches zero or below.
    #[error("{path}: a log-spaced sweep needs a positive range (got {start}..{end})")]
    LogNotPositive {
        /// The parameter.
        path: String,
        /// First value.
        start: f64,
        /// Last value.
        end: f64,
    },
    /// A scale in nines over values that are not shares strictly between 0 and 1.
    #[error(
        "{path}: a sweep in nines needs values between 0 and 1, e.g. 0.99..0.9999 (got {start}..{end})"
    )]
    NinesNotShares {
        /// The parameter.
        path: String,
        /// First value.
        start: f64,
        /// Last value.
        end: f64,
    },
    /// `--param` is not `PATH=START..END`.
    #[error("--param \"{spec}\": write PATH=START..END, e.g. groups.ops.estate_services=24..400")]
    NotASpec {
        /// The text as given.
        spec: String,
    },
    /// `--param` names a scale that does not exist.
    #[error("--param \"{spec}\": unknown scale \"{scale}\" (valid: linear, log, nines)")]
    UnknownScale {
        /// The text as given.
        spec: String,
        /// The scale it names.
        scale: String,
    },
}

/// The most values one axis may have.
pub const MAX_STEPS: u32 = 1000;

impl Axis {
    /// `steps` values from `start` to `end`, evenly spaced in the scale's coordinate.
    pub fn new(
        path: &str,
        start: f64,
        end: f64,
        steps: u32,
        scale: Scale,
    ) -> Result<Axis, AxisError> {
        let path = path.trim();
        let owned = || path.to_string();
        if path.is_empty()
            || path
                .split(',')
                .any(|p| p.trim().split('.').any(str::is_empty))
        {
            return Err(AxisError::NotAPath { path: owned() });
        }
        if !(start.is_finite() && end.is_finite()) {
            return Err(AxisError::NotFinite { path: owned() });
        }
        if steps < 2 {
            return Err(AxisError::TooFewSteps {
                path: owned(),
                steps,
            });
        }
        if steps > MAX_STEPS {
            return Err(AxisError::TooManySteps {
                path: owned(),
                steps,
            });
        }
        if scale == Scale::Log && (start <= 0.0 || end <= 0.0) {
            return Err(AxisError::LogNotPositive {
                path: owned(),
                start,
                end,
            });
        }
        let inside = |v: f64| v > 0.0 && v < 1.0;
        if scale == Scale::Nines && !(inside(start) && inside(end)) {
            return Err(AxisError::NinesNotShares {
                path: owned(),
                start,
                end,
            });
        }
        let k = f64::from(steps - 1);
        let (c0, c1) = (scale.coordinate(start), scale.coordinate(end));
        let values = (0..steps)
            .map(|i| match i {
                // The ends exactly as given, not as a round trip through the scale.
                0 => start,
                i if i == steps - 1 => end,
                _ => scale.value(c0 + f64::from(i) / k * (c1 - c0)),
            })
            .collect();
        Ok(Axis {
            path: path.to_string(),
            values,
            scale,
            label: path.to_string(),
        })
    }

    /// Parses `PATH=START..END`, optionally followed by `:SCALE`.
    pub fn parse(spec: &str, steps: u32, scale: Scale) -> Result<Axis, AxisError> {
        let bad = || AxisError::NotASpec {
            spec: spec.to_string(),
        };
        let (path, range) = spec.split_once('=').ok_or_else(bad)?;
        // An optional scale after the range: `...=24..400:log`.
        let (range, scale) = match range.rsplit_once(':') {
            Some((r, sc)) => match Scale::parse(sc.trim()) {
                Some(sc) => (r, sc),
                None => {
                    return Err(AxisError::UnknownScale {
                        spec: spec.to_string(),
                        scale: sc.to_string(),
                    });
                }
            },
            None => (range, scale),
        };
        let (a, b) = range.split_once("..").ok_or_else(bad)?;
        let num = |s: &str| s.trim().parse::<f64>().map_err(|_| bad());
        Axis::new(path, num(a)?, num(b)?, steps, scale)
    }

    /// The coordinate of a value on this axis's scale.
    pub fn coordinate(&self, v: f64) -> f64 {
        self.scale.coordinate(v)
    }

    /// The value at a coordinate on this axis's scale.
    pub fn value_at(&self, c: f64) -> f64 {
        self.scale.value(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_even_and_log_spaced() {
        let a = Axis::parse("costs.standby_per_hour=0..10", 3, Scale::Linear).unwrap();
        assert_eq!(a.values, vec![0.0, 5.0, 10.0]);
        let l = Axis::parse("groups.ops.estate_services=24..384", 5, Scale::Log).unwrap();
        for (v, want) in l.values.iter().zip([24.0, 48.0, 96.0, 192.0, 384.0]) {
            assert!((v - want).abs() < 1e-9, "{v}");
        }
        let n = Axis::parse(
            "services.*.availability_target=0.99..0.9999",
            3,
            Scale::Nines,
        )
        .unwrap();
        for (v, want) in n.values.iter().zip([0.99, 0.999, 0.9999]) {
            assert!((v - want).abs() < 1e-12, "{v}");
        }
        let s = Axis::parse("x=1..100:log", 3, Scale::Linear).unwrap();
        assert_eq!(s.scale, Scale::Log);
        assert!((s.values[1] - 10.0).abs() < 1e-9);
    }

    #[test]
    fn bad_axes_say_which_rule_they_break() {
        let e = |spec: &str, steps: u32, scale: Scale| Axis::parse(spec, steps, scale).unwrap_err();
        assert!(matches!(
            e("x=1..100:cubic", 3, Scale::Linear),
            AxisError::UnknownScale { .. }
        ));
        assert!(matches!(
            e("x=1..2", 1, Scale::Linear),
            AxisError::TooFewSteps { steps: 1, .. }
        ));
        assert!(matches!(
            e("x=1..2", 1001, Scale::Linear),
            AxisError::TooManySteps { .. }
        ));
        assert!(matches!(
            e("x=0..2", 3, Scale::Log),
            AxisError::LogNotPositive { .. }
        ));
        assert!(matches!(
            e("x=0.9..1", 3, Scale::Nines),
            AxisError::NinesNotShares { .. }
        ));
        assert!(matches!(
            e("x 1..2", 3, Scale::Linear),
            AxisError::NotASpec { .. }
        ));
        assert!(matches!(
            e(".x=1..2", 3, Scale::Linear),
            AxisError::NotAPath { .. }
        ));
        assert!(matches!(
            e("x=1..inf", 3, Scale::Linear),
            AxisError::NotFinite { .. }
        ));
    }

    #[test]
    fn scales_round_trip() {
        for s in [Scale::Linear, Scale::Log, Scale::Nines] {
            assert_eq!(Scale::parse(s.name()), Some(s));
            let v = 0.999;
            assert!((s.value(s.coordinate(v)) - v).abs() < 1e-12);
        }
    }
}
