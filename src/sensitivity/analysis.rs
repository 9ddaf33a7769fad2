//! Simulating an analysis's points (all, or a shard's block of parameters; the base with
//! the first shard) into the outputs' per-replication values, and the effects from them:
//! each parameter's high minus low, paired by replication, sorted by size.

use std::ops::Range;

use super::Effect;
use super::plan::{Move, Plan, SensitivityError};
use crate::engine::reprice;
use crate::outcome::Outcome;
use crate::runner::{RunError, run_range_in};
use crate::scenario::Scenario;
use crate::stats::Estimate;
use crate::world::Worlds;

/// The point index of the base (the stated values).
pub const BASE: u32 = u32::MAX;

/// Which scenario of a point the values are from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The stated values.
    Base,
    /// The parameter at its low value.
    Low,
    /// The parameter at its high value.
    High,
}

impl Side {
    /// Its name in a shard's `values.parquet`.
    pub fn key(self) -> &'static str {
        match self {
            Side::Base => "base",
            Side::Low => "low",
            Side::High => "high",
        }
    }

    /// Reads a name [`Side::key`] writes.
    pub fn parse(s: &str) -> Option<Side> {
        [Side::Base, Side::Low, Side::High]
            .into_iter()
            .find(|x| x.key() == s)
    }
}

/// One output's per-replication values at one side of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct SideValues {
    /// The point (parameter index in the plan), or [`BASE`].
    pub point: u32,
    /// The output's name ([`super::Output::name`]).
    pub output: String,
    /// Which side.
    pub side: Side,
    /// Per replication.
    pub values: Vec<f64>,
}

/// Simulates the base (when `with_base`) and the points `todo` of `plan`, calling
/// `progress` after each replication; `None` when `stop` said stop. A point whose
/// parameter moves prices only ([`crate::parameter::PRICES`]) is the base's outcomes priced
/// again ([`crate::engine::reprice`]): the same values, the base simulated once for all
/// such points. A point whose parameter acts only after the warm-up (a setting of the
/// long-run mechanisms, [`crate::engine::same_warm_up`]) is simulated beside the base,
/// each replication's warm-up simulated once for the base and all such points
/// ([`Late`]): the same values.
pub fn simulate(
    plan: &Plan,
    todo: Range<u32>,
    with_base: bool,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<SideValues>>, RunError> {
    let outputs = plan.outputs();
    let mut sides = Vec::new();
    let priced = |i: u32| {
        plan.points
            .get(i as usize)
            .is_some_and(|p| crate::parameter::priced_lever_or_key(&p.parameter))
    };
    // The replications' worlds, kept for the points whose parameter does not move them.
    let kept = Worlds::new(&plan.base, crate::world::KEEP_BUDGET);
    let run = |s: &Scenario, progress: &(dyn Fn() + Sync)| {
        run_range_in(Some(&kept), s, 0..s.replications, threads, progress, stop)
    };
    let mut late = match Late::run(
        plan,
        todo.clone(),
        &kept,
        threads,
        (progress, with_base),
        stop,
    ) {
        Ok(Some(late)) => Some(late),
        Ok(None) => return Ok(None),
        // A point that ran away: run them one by one, so that the first to run away in
        // the plan's order is the one named, as without sharing.
        Err(RunError::Runaway { .. }) => None,
        Err(e) => return Err(e),
    };
    let mut base: Option<Vec<Outcome>> = late.as_mut().and_then(|l| l.base.take());
    if base.is_none() && (with_base || todo.clone().any(priced)) {
        let quiet = &|| {};
        let Some(b) = run(&plan.base, if with_base { progress } else { quiet })? else {
            return Ok(None);
        };
        base = Some(b);
    }
    if let (true, Some(b)) = (with_base, &base) {
        for o in &outputs {
            sides.push(SideValues {
                point: BASE,
                output: o.name(),
                side: Side::Base,
                values: o.values(b),
            });
        }
    }
    for i in todo {
        let Some(p) = plan.points.get(i as usize) else {
            continue;
        };
        if let Some(values) = late.as_ref().and_then(|l| l.values(i)) {
            for (k, o) in outputs.iter().enumerate() {
                for (side, v) in [(Side::Low, &values[0][k]), (Side::High, &values[1][k])] {
                    sides.push(SideValues {
                        point: i,
                        output: o.name(),
                        side,
                        values: v.clone(),
                    });
                }
            }
            continue;
        }
        let side = |s: &Scenario| -> Result<Option<Vec<Outcome>>, RunError> {
            match (&base, priced(i)) {
                (Some(b), true)
                    if s.replications == plan.base.replications && s.models == plan.base.models =>
                {
                    let out: Vec<Outcome> = b.iter().map(|o| reprice(s, o)).collect();
                    for _ in 0..s.replications {
                        progress();
                    }
                    Ok(Some(out))
                }
                _ => run(s, progress),
            }
        };
        let (Some(l), Some(h)) = (side(&p.low)?, side(&p.high)?) else {
            return Ok(None);
        };
        for o in &outputs {
            sides.push(SideValues {
                point: i,
                output: o.name(),
                side: Side::Low,
                values: o.values(&l),
            });
            sides.push(SideValues {
                point: i,
                output: o.name(),
                side: Side::High,
                values: o.values(&h),
            });
        }
    }
    Ok(Some(sides))
}

/// The points of a block whose parameter acts only after the warm-up, simulated beside the
/// base ([`crate::runner::for_each_variant`]): the base's outcomes, and each such point's
/// outputs' values at its low and high ends.
struct Late {
    /// The base's outcomes, when the points could share its warm-ups.
    base: Option<Vec<Outcome>>,
    /// The points, in order.
    points: Vec<u32>,
    /// Per point, per side (low, high), per output: one value per replication.
    values: Vec<[Vec<Vec<f64>>; 2]>,
}

impl Late {
    /// Runs the base and the points of `todo` that act only after the warm-up, sharing its
    /// warm-ups; `Ok(None)` when stopped. The points are those whose ends can share the
    /// base's ([`crate::runner::shares_warm_up`]); without any, nothing runs here.
    /// `progress` is called once per replication of each point's side, and of the base
    /// when `with_base`.
    fn run(
        plan: &Plan,
        todo: Range<u32>,
        kept: &Worlds,
        threads: Option<usize>,
        (progress, with_base): (&(dyn Fn() + Sync), bool),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Late>, RunError> {
        let points: Vec<u32> = todo
            .filter(|i| {
                plan.points.get(*i as usize).is_some_and(|p| {
                    !crate::parameter::priced_lever_or_key(&p.parameter)
                        && crate::runner::shares_warm_up(&plan.base, &p.low)
                        && crate::runner::shares_warm_up(&plan.base, &p.high)
                })
            })
            .collect();
        let outputs = plan.outputs();
        let mut late = Late {
            base: None,
            values: vec![
                [
                    vec![Vec::new(); outputs.len()],
                    vec![Vec::new(); outputs.len()]
                ];
                points.len()
            ],
            points,
        };
        if late.points.is_empty() {
            return Ok(Some(late));
        }
        let mut variants = vec![&plan.base];
        for i in &late.points {
            let p = &plan.points[*i as usize];
            variants.extend([&p.low, &p.high]);
        }
        let ticks = usize::from(with_base) + 2 * late.points.len();
        let each = || (0..ticks).for_each(|_| progress());
        let mut base = Vec::new();
        let sharing = crate::runner::Sharing {
            kept: Some(kept),
            spare_first: false,
        };
        let run = crate::runner::for_each_variant(
            &variants,
            0..plan.base.replications,
            threads,
            &each,
            stop,
            sharing,
            &mut |k, outcomes| {
                match k.checked_sub(1) {
                    None => base.extend(outcomes),
                    Some(j) => {
                        for (o, output) in outputs.iter().enumerate() {
                            late.values[j / 2][j % 2][o].extend(output.values(&outcomes));
                        }
                    }
                }
                Ok::<(), RunError>(())
            },
        );
        match run {
            None => {
                late.points.clear();
                Ok(Some(late))
            }
            Some(run) => Ok(run?.finished.then_some(Late {
                base: Some(base),
                ..late
            })),
        }
    }

    /// Point `i`'s values, per side and output, when it ran here.
    fn values(&self, i: u32) -> Option<&[Vec<Vec<f64>>; 2]> {
        let j = self.points.iter().position(|p| *p == i)?;
        self.values.get(j)
    }
}

/// The finished analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Per output (in [`Plan::outputs`] order), every parameter's effect, largest first.
    pub effects: Vec<Vec<Effect>>,
    /// Per output, its mean at the stated values.
    pub baselines: Vec<f64>,
}

/// The effects of `plan`'s parameters from the outputs' `sides` (simulated, or read from
/// shards' parts).
pub fn analyse(plan: &Plan, sides: &[SideValues]) -> Result<Analysis, SensitivityError> {
    let find = |point: u32, output: &str, side: Side| -> Option<&[f64]> {
        sides
            .iter()
            .find(|s| s.point == point && s.output == output && s.side == side)
            .map(|s| s.values.as_slice())
    };
    let outputs = plan.outputs();
    let mut effects: Vec<Vec<Effect>> = vec![Vec::new(); outputs.len()];
    for (i, p) in plan.points.iter().enumerate() {
        let stated = match p.how {
            Move::Stated { low, high } | Move::Plausible { low, high, .. } => Some((low, high)),
            Move::Scaled | Move::Shares => None,
        };
        for (k, o) in outputs.iter().enumerate() {
            let name = o.name();
            let (Some(l), Some(h)) = (
                find(i as u32, &name, Side::Low),
                find(i as u32, &name, Side::High),
            ) else {
                return Err(SensitivityError::MissingValues {
                    parameter: p.parameter.clone(),
                });
            };
            let mut e = Effect::of(&p.parameter, &name, l, h);
            e.stated = stated;
            effects[k].push(e);
        }
    }
    for e in &mut effects {
        e.sort_by(|x, y| y.effect.mean.abs().total_cmp(&x.effect.mean.abs()));
    }
    let baselines = outputs
        .iter()
        .map(|o| {
            find(BASE, &o.name(), Side::Base)
                .map(|v| Estimate::of(v.iter().copied()).mean)
                .ok_or(SensitivityError::MissingBase)
        })
        .collect::<Result<Vec<f64>, _>>()?;
    Ok(Analysis { effects, baselines })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::{Spec, plan};

    const TEXT: &str = "name = \"t\"\nreplications = 2\nmodels = [\"you-run\", \"ops-run\"]\n[costs]\nstandby_per_hour = 4.0\ncallout_per_page = 50.0\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n";

    fn values(point: u32, output: &str, side: Side, values: Vec<f64>) -> SideValues {
        SideValues {
            point,
            output: output.into(),
            side,
            values,
        }
    }

    #[test]
    fn effects_are_paired_differences_sorted_by_size() {
        let base = crate::scenario::parse(TEXT, "t.toml").unwrap();
        let scaled = Spec {
            range: Some(0.2),
            ..Spec::default()
        };
        let p = plan(TEXT, &base, &scaled).unwrap();
        assert_eq!(p.points.len(), 2);
        let [cost, avail] = p.outputs().map(|o| o.name());
        let mut sides = vec![
            values(BASE, &cost, Side::Base, vec![1.0, 3.0]),
            values(BASE, &avail, Side::Base, vec![0.0, 0.0]),
        ];
        // Parameter 0 moves the cost difference by 1, parameter 1 by 10 (and flips it).
        for (i, d) in [(0, 1.0), (1, 10.0)] {
            sides.push(values(i, &cost, Side::Low, vec![-d / 2.0 + 0.1, -d / 2.0]));
            sides.push(values(i, &cost, Side::High, vec![d / 2.0 + 0.1, d / 2.0]));
            sides.push(values(i, &avail, Side::Low, vec![0.0, 0.0]));
            sides.push(values(i, &avail, Side::High, vec![0.0, 0.0]));
        }
        let a = analyse(&p, &sides).unwrap();
        assert_eq!(a.baselines, [2.0, 0.0]);
        let order: Vec<&str> = a.effects[0].iter().map(|e| e.parameter.as_str()).collect();
        assert_eq!(order, ["costs.standby_per_hour", "costs.callout_per_page"]);
        assert!((a.effects[0][0].effect.mean - 10.0).abs() < 1e-12);
        assert!(a.effects[0][0].flips);
        sides.retain(|s| !(s.point == 1 && s.side == Side::High));
        assert!(matches!(
            analyse(&p, &sides),
            Err(SensitivityError::MissingValues { .. })
        ));
    }

    /// Points whose parameter acts only after the warm-up run beside the base, sharing its
    /// warm-ups; their values, and the base's, are those of each scenario run on its own.
    #[test]
    fn points_sharing_the_base_warm_up_give_their_own_values() {
        let text = crate::scenario::replace_lines(
            include_str!("../../scenarios/baseline.toml"),
            &[
                ("horizon =", "horizon = \"39w\""),
                ("warmup =", "warmup = \"26w\""),
            ],
        );
        let mut base = crate::scenario::parse(&text, "baseline.toml").unwrap();
        base.set_replications(3).unwrap();
        let params = [
            "learning.incentive",
            "learning.step",
            "knowledge.erosion_per_deploy",
            "telemetry.best",
            "cascades.step",
            "costs.standby_per_hour",
            "learning.done_when_felt",
        ];
        let spec = Spec {
            params: params.iter().map(|p| p.to_string()).collect(),
            ..Spec::default()
        };
        let p = plan(&text, &base, &spec).unwrap();
        let n = p.points.len() as u32;
        let kept = Worlds::new(&p.base, crate::world::KEEP_BUDGET);
        let late = Late::run(&p, 0..n, &kept, Some(2), (&|| {}, true), &|| false)
            .unwrap()
            .unwrap();
        let shared: Vec<&str> = late
            .points
            .iter()
            .map(|i| p.points[*i as usize].parameter.as_str())
            .collect();
        assert_eq!(
            shared,
            [
                "learning.incentive",
                "learning.step",
                "telemetry.best",
                "cascades.step",
                "learning.done_when_felt"
            ]
        );
        let sides = simulate(&p, 0..n, true, Some(2), &|| {}, &|| false)
            .unwrap()
            .unwrap();
        let alone = |s: &Scenario| {
            crate::runner::run_range(s, 0..s.replications, Some(1), &|| {}, &|| false)
                .unwrap()
                .unwrap()
        };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for sv in &sides {
            let scenario = match sv.side {
                Side::Base => &p.base,
                Side::Low => &p.points[sv.point as usize].low,
                Side::High => &p.points[sv.point as usize].high,
            };
            let output = p
                .outputs()
                .into_iter()
                .find(|o| o.name() == sv.output)
                .unwrap();
            assert_eq!(
                bits(&sv.values),
                bits(&output.values(&alone(scenario))),
                "{} {:?} {}",
                sv.point,
                sv.side,
                sv.output
            );
        }
        // Per output: the base, and each point's two ends.
        assert_eq!(sides.len(), p.outputs().len() * (1 + 2 * params.len()));
    }
}
