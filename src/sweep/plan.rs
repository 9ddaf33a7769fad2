//! A sweep's plan: its axes (from `--param` or the scenario's `[sweep]` table), and the
//! validated scenario at every value (or pair of values) — each the scenario file with the
//! key set, read back like any file — and whether the whole sweep fits the guardrails.

use crate::axis::{Axis, AxisError, Scale};
use crate::edit::{self, EditError};
use crate::guard::{self, Limits, TooBig};
use crate::scenario::Scenario;

/// A sweep that cannot be planned, and why.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// An axis is not well defined.
    #[error(transparent)]
    Axis(#[from] AxisError),
    /// The key cannot be set in the scenario's text.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The scenario at a point does not validate.
    #[error("at {at}: {problems}")]
    Invalid {
        /// The settings of the point (`path = value`, …).
        at: String,
        /// The validation problems, `; `-separated.
        problems: String,
    },
    /// Neither `--param` nor a `[sweep]` table.
    #[error("nothing to sweep; give --param PATH=START..END or a [sweep] table")]
    NothingToSweep,
    /// More than two parameters.
    #[error("--param can be given at most twice (a grid of two parameters)")]
    TooManyParameters,
    /// The run settings cannot be applied.
    #[error(transparent)]
    Settings(#[from] crate::scenario::ChangeError),
    /// The shards' parts do not hold the sweep they record.
    #[error("the parts hold {parts} values; the sweep they record has {points}")]
    PartsMismatch {
        /// Values in the parts.
        parts: usize,
        /// Values in the plan.
        points: usize,
    },
    /// One point is over the guardrails.
    #[error(transparent)]
    PointTooBig(#[from] Box<TooBig>),
    /// The points together are over the event limit.
    #[error(
        "this sweep would simulate about {events:.2e} events over its {values} values, over the limit of {limit}; use fewer steps or replications, or raise --max-events"
    )]
    TooBig {
        /// Estimated events over all values.
        events: f64,
        /// Number of values.
        values: usize,
        /// The limit.
        limit: u64,
    },
}

/// The axes of a sweep: `params` (`PATH=START..END[:SCALE]`, at most two) with `steps`
/// values (default [`crate::scenario::SWEEP_STEPS`]) on `scale`, else the scenario's `[sweep]` table (its steps unless
/// `steps` is given, and its label); `label` names the first axis for charts.
pub fn axes(
    base: &Scenario,
    params: &[String],
    steps: Option<u32>,
    scale: Scale,
    label: Option<&str>,
) -> Result<Vec<Axis>, SweepError> {
    let mut axes = match (params, &base.sweep) {
        ([], Some(w)) => {
            let mut a = Axis::new(&w.param, w.from, w.to, steps.unwrap_or(w.steps), w.scale)?;
            if let Some(l) = &w.label {
                a.label.clone_from(l);
            }
            vec![a]
        }
        ([], None) => return Err(SweepError::NothingToSweep),
        (specs, _) if specs.len() <= 2 => specs
            .iter()
            .map(|spec| Axis::parse(spec, steps.unwrap_or(crate::scenario::SWEEP_STEPS), scale))
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(SweepError::TooManyParameters),
    };
    if let (Some(l), Some(first)) = (label, axes.first_mut()) {
        first.label = l.to_string();
    }
    Ok(axes)
}

/// One point of a sweep.
#[derive(Debug, Clone)]
pub struct Point {
    /// The first parameter's value as applied (rounded for a whole-number key).
    pub value: f64,
    /// The second parameter's value as applied, in a grid.
    pub value_2: Option<f64>,
    /// The scenario there, validated, with the base's name, models, seed and
    /// replications.
    pub scenario: Scenario,
}

/// Every point of a sweep, in order (a grid's first axis outermost).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The axes, their values as applied.
    pub axes: Vec<Axis>,
    /// The points.
    pub points: Vec<Point>,
    /// The scenario at its stated values, with the run settings of the command line.
    pub base: Scenario,
    /// The scenario file's text the points were made from.
    pub text: String,
}

/// The validated scenario at every value of `axes` (one axis, or every pair of two): the
/// key set in `text` and the result read like any scenario file. Replications, seed and
/// models come from `base` (the command line may have overridden them).
pub fn plan(text: &str, base: &Scenario, axes: Vec<Axis>) -> Result<Plan, SweepError> {
    let mut axes = axes;
    let mut points = Vec::new();
    match axes.as_slice() {
        [one] => {
            for &v in &one.values {
                let (applied, scenario) = point(text, &[(one, v)], base)?;
                points.push(Point {
                    value: applied[0],
                    value_2: None,
                    scenario,
                });
            }
        }
        [first, second] => {
            for &a in &first.values {
                for &b in &second.values {
                    let (applied, scenario) = point(text, &[(first, a), (second, b)], base)?;
                    points.push(Point {
                        value: applied[0],
                        value_2: Some(applied[1]),
                        scenario,
                    });
                }
            }
        }
        [] => return Err(SweepError::NothingToSweep),
        _ => return Err(SweepError::TooManyParameters),
    }
    // The values as applied (a whole-number key is rounded): charts and crossovers use them.
    let mut first_values: Vec<f64> = Vec::new();
    let mut second_values: Vec<f64> = Vec::new();
    for p in &points {
        if !first_values.contains(&p.value) {
            first_values.push(p.value);
        }
        if let Some(b) = p.value_2
            && !second_values.contains(&b)
        {
            second_values.push(b);
        }
    }
    axes[0].values = first_values;
    if let Some(second) = axes.get_mut(1) {
        second.values = second_values;
    }
    Ok(Plan {
        axes,
        points,
        base: base.clone(),
        text: text.to_string(),
    })
}

/// The scenario with each axis's key set to its value, validated; the values as applied.
fn point(
    text: &str,
    settings: &[(&Axis, f64)],
    base: &Scenario,
) -> Result<(Vec<f64>, Scenario), SweepError> {
    let mut edited = text.to_string();
    let mut applied = Vec::with_capacity(settings.len());
    for (axis, value) in settings {
        edited = edit::set(&edited, &axis.path, *value)?;
        applied.push(edit::applied(&axis.path, *value));
    }
    let mut s = crate::scenario::parse(&edited, "sweep point").map_err(|e| {
        let at: Vec<String> = settings
            .iter()
            .map(|(a, v)| format!("{} = {v}", a.path))
            .collect();
        SweepError::Invalid {
            at: at.join(", "),
            problems: e.messages(),
        }
    })?;
    s.adopt_identity(base);
    Ok((applied, s))
}

impl Plan {
    /// Refuses a sweep over the guardrails: any point (judged at `most_replications` when
    /// `--precision` may grow it), or all points' events together.
    pub fn check_size(
        &self,
        threads: usize,
        limits: &Limits,
        most_replications: Option<u32>,
    ) -> Result<(), SweepError> {
        let mut events = 0.0;
        for p in &self.points {
            let mut s = p.scenario.clone();
            if let Some(most) = most_replications {
                s.set_replications(most.max(s.replications))?;
            }
            events += guard::estimate(&s, threads).events;
            guard::check(&s, threads, limits).map_err(Box::new)?;
        }
        if events > limits.max_events as f64 {
            return Err(SweepError::TooBig {
                events,
                values: self.points.len(),
                limit: limits.max_events,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"t\"\nreplications = 2\n[groups.ops]\nestate_services = 30\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n";

    fn base() -> Scenario {
        crate::scenario::parse(TEXT, "t.toml").expect("valid")
    }

    #[test]
    fn a_whole_number_key_is_rounded_and_repeats_collapse() {
        let axes =
            vec![Axis::new("groups.ops.estate_services", 10.0, 11.0, 3, Scale::Linear).unwrap()];
        let p = plan(TEXT, &base(), axes).unwrap();
        let values: Vec<f64> = p.points.iter().map(|q| q.value).collect();
        assert_eq!(
            values,
            [10.0, 11.0, 11.0],
            "10.5 rounds to 11 (half away from zero)"
        );
        assert_eq!(p.axes[0].values, [10.0, 11.0]);
    }

    #[test]
    fn a_grid_is_first_axis_outermost_and_keeps_the_run_settings() {
        let mut b = base();
        b.set_replications(7).unwrap();
        let axes = vec![
            Axis::new("costs.standby_per_hour", 1.0, 2.0, 2, Scale::Linear).unwrap(),
            Axis::new("groups.ops.estate_services", 20.0, 40.0, 3, Scale::Linear).unwrap(),
        ];
        let p = plan(TEXT, &b, axes).unwrap();
        let pairs: Vec<(f64, Option<f64>)> =
            p.points.iter().map(|q| (q.value, q.value_2)).collect();
        assert_eq!(pairs[0], (1.0, Some(20.0)));
        assert_eq!(pairs[2], (1.0, Some(40.0)));
        assert_eq!(pairs[3], (2.0, Some(20.0)));
        assert!(p.points.iter().all(|q| q.scenario.replications == 7));
    }

    #[test]
    fn an_invalid_point_names_its_settings() {
        let axes = vec![Axis::new("costs.standby_per_hour", -5.0, 1.0, 2, Scale::Linear).unwrap()];
        match plan(TEXT, &base(), axes) {
            Err(SweepError::Invalid { at, .. }) => assert_eq!(at, "costs.standby_per_hour = -5"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn axes_come_from_params_or_the_sweep_table() {
        assert!(matches!(
            axes(&base(), &[], None, Scale::Linear, None),
            Err(SweepError::NothingToSweep)
        ));
        let three = vec!["a=1..2".to_string(); 3];
        assert!(matches!(
            axes(&base(), &three, None, Scale::Linear, None),
            Err(SweepError::TooManyParameters)
        ));
        let a = axes(
            &base(),
            &["x.y=1..2".into()],
            None,
            Scale::Linear,
            Some("Y"),
        )
        .unwrap();
        assert_eq!((a[0].values.len(), a[0].label.as_str()), (9, "Y"));
    }
}
