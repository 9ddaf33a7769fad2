//! One-at-a-time sensitivity: every numeric parameter the scenario states (or a chosen
//! list) is moved to a low and a high value — its stated value times (1 − r) and (1 + r) —
//! with everything else held, and the effect on the chosen output measured with common
//! random numbers (the same seeds at the base, low and high points). Parameters are
//! sorted by the size of their effect; those that flip the sign of the output inside their
//! range are the assumptions a leadership team must argue about.
//!
//! A parameter is a dotted path as in sweeps. Values in an array of tables (`services`,
//! `teams`) are moved together (`services.*.deploys_per_week`), each element from its own
//! stated value. Durations and rates written with a unit (`"4h"`, `"2/week"`) are moved by
//! scaling their number. Run settings (`seed`, `replications`, `horizon`, `warmup`) and
//! the `[sweep]` and `[sensitivity]` tables are not parameters. A parameter listed in
//! `[sensitivity.ranges]` is moved to the low and high values stated there instead.
//!
//! The library call is [`plan`] (every parameter's low and high scenario, validated),
//! [`simulate`] (the outputs' values at each, all or a shard's block) and [`analyse`]
//! (effects sorted by size, and the output at the stated values).

mod analysis;
mod plan;

pub use analysis::{Analysis, BASE, Side, SideValues, analyse, simulate};
pub use plan::{Move, Plan, Point, PointError, SensitivityError, Spec, models, plan, range};

use crate::edit::{self, EditError};
use crate::metric::find;
use crate::model::ModelKind;
use crate::outcome::Outcome;
use crate::stats::Estimate;

/// Every parameter path in the scenario's TOML, in file order of tables
/// ([`edit::numbers`]).
pub fn parameters(text: &str) -> Result<Vec<String>, EditError> {
    edit::numbers(text)
}

/// Multiplies the stated value(s) at `path` by `factor` (integers rounded, at least 1 when
/// they were positive; strings by their number).
pub fn scale(text: &str, path: &str, factor: f64) -> Result<String, EditError> {
    edit::transform(text, path, &|x| x * factor)
}

/// Moves a share's distance from 1 by `factor`: 1 − (1 − v) · factor. For values that
/// cannot exceed 1 (probabilities, targets, knowledge), where ×(1 + R) is meaningless:
/// 0.999 at ×1.2 becomes 0.9988, a fifth more unavailability.
pub fn scale_complement(text: &str, path: &str, factor: f64) -> Result<String, EditError> {
    edit::transform(text, path, &|x| 1.0 - (1.0 - x) * factor)
}

/// What is measured: the paired difference `a − b` on `metric`, per replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The metric.
    pub metric: &'static str,
    /// The first model.
    pub a: ModelKind,
    /// The second model.
    pub b: ModelKind,
}

impl Output {
    /// Per replication, `a − b` on the metric, from outcomes ordered by replication.
    pub fn values(&self, outcomes: &[Outcome]) -> Vec<f64> {
        let Some(m) = find(self.metric) else {
            return Vec::new();
        };
        let of = |k: ModelKind| -> Vec<f64> {
            outcomes
                .iter()
                .filter(|o| o.model == k)
                .map(|o| m.get(o).unwrap_or(f64::NAN))
                .collect()
        };
        of(self.a)
            .iter()
            .zip(of(self.b))
            .map(|(x, y)| x - y)
            .collect()
    }

    /// Column-friendly name: `cost_operating:you-run-ops-run`.
    pub fn name(&self) -> String {
        format!("{}:{}-{}", self.metric, self.a.key(), self.b.key())
    }
}

/// One parameter's effect on one output.
#[derive(Debug, Clone)]
pub struct Effect {
    /// The parameter.
    pub parameter: String,
    /// The output.
    pub output: String,
    /// The output at the low value.
    pub low: Estimate,
    /// The output at the high value.
    pub high: Estimate,
    /// High minus low, paired by replication.
    pub effect: Estimate,
    /// Whether the output's mean has different signs at low and high: the parameter's
    /// range decides which model is better.
    pub flips: bool,
    /// The low and high values the scenario states for this parameter, when it does.
    pub stated: Option<(f64, f64)>,
}

impl Effect {
    /// The effect of a parameter from the output's values at its low and high points.
    pub fn of(parameter: &str, output: &str, low: &[f64], high: &[f64]) -> Effect {
        let (l, h) = (
            Estimate::of(low.iter().copied()),
            Estimate::of(high.iter().copied()),
        );
        Effect {
            parameter: parameter.to_string(),
            output: output.to_string(),
            low: l,
            high: h,
            effect: Estimate::of(high.iter().zip(low).map(|(x, y)| x - y)),
            flips: l.mean * h.mean < 0.0,
            stated: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "seed = 1\nreplications = 10\nhorizon = \"52w\"\n[costs]\nstandby_per_hour = 4.0\nmin_rota_size = 6\ncurrency = \"EUR\"\n[calendar]\nbusiness_hours = \"09:00-17:00\"\n[[services]]\nname = \"a\"\nbackground_incidents = \"2/week\"\neffort = { dist = \"lognormal\", median = \"2h\", p90 = \"8h\" }\n[[services]]\nname = \"b\"\ndeploys_per_week = 5\n";

    #[test]
    fn parameters_are_the_numbers_the_scenario_states() {
        let p = parameters(TEXT).unwrap();
        assert_eq!(
            p,
            vec![
                "costs.min_rota_size",
                "costs.standby_per_hour",
                "services.*.background_incidents",
                "services.*.effort.median",
                "services.*.effort.p90",
                "services.*.deploys_per_week",
            ],
            "{p:?}"
        );
    }

    #[test]
    fn scaling_moves_each_stated_value_by_the_factor() {
        let t = scale(TEXT, "services.*.background_incidents", 1.5).unwrap();
        assert!(t.contains("background_incidents = \"3/week\""), "{t}");
        let t = scale(TEXT, "services.*.effort.median", 0.5).unwrap();
        assert!(t.contains("median = \"1h\""), "{t}");
        let t = scale(TEXT, "costs.min_rota_size", 0.1).unwrap();
        assert!(t.contains("min_rota_size = 1"), "{t}");
        assert!(scale(TEXT, "costs.currency", 2.0).is_err());
        let t = scale_complement("p = 0.999\n", "p", 1.2).unwrap();
        assert!(t.contains("p = 0.9988"), "{t}");
        assert!(scale(TEXT, "costs.nope", 2.0).is_err());
    }

    #[test]
    fn a_flip_is_a_change_of_sign_between_low_and_high() {
        let e = Effect::of("p", "o", &[-1.0, -2.0, -1.5], &[1.0, 0.5, 2.0]);
        assert!(e.flips);
        assert!(e.effect.mean > 0.0 && e.effect.low > 0.0);
        let e = Effect::of("p", "o", &[1.0, 2.0], &[3.0, 4.0]);
        assert!(!e.flips);
    }
}
