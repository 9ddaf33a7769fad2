//! Simulating a sweep's points (all, or a shard's contiguous block) into cells, keeping the
//! points paired replication by replication: with `--precision` each point finds its own
//! number, then every point is extended to the largest. And the finished sweep, with its
//! crossovers.

use std::ops::Range;

use super::plan::{Plan, Point, SweepError};
use super::{Cell, Crossover, cells, crossovers};
use crate::axis::Axis;
use crate::engine::reprice;
use crate::outcome::Outcome;
use crate::parameter;
use crate::precision::{Note, Precision, run_until_precise};
use crate::runner::{RunError, run_range_in};
use crate::scenario::Scenario;
use crate::world::Worlds;

/// A block of points simulated.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// Each point's cells, in plan order.
    pub cells: Vec<Vec<Cell>>,
    /// What `--precision` did at each point.
    pub notes: Vec<Note>,
    /// The replications every point ran (the most any needed, with `--precision`).
    pub replications: u32,
}

/// Simulates the points `todo` of `plan` (those of them the plan has) on `threads` threads, calling `progress` after each
/// replication; `None` when `stop` said stop. With `precision`, the points' scenarios take
/// the number of replications they ran.
pub fn simulate(
    plan: &mut Plan,
    todo: Range<usize>,
    threads: Option<usize>,
    precision: Option<Precision>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Simulated>, RunError> {
    let end = todo.end.min(plan.points.len());
    // Per axis, whether it moves prices only: points that differ only on such axes are one
    // simulation priced again.
    let priced: Vec<bool> = plan
        .axes
        .iter()
        .map(|a| {
            a.path
                .split(',')
                .all(|k| parameter::priced_lever_or_key(k.trim()))
        })
        .collect();
    // The replications' worlds, kept for the points whose axes do not move them.
    let kept = Worlds::new(&plan.base, crate::world::KEEP_BUDGET);
    let points = &mut plan.points[todo.start.min(end)..end];
    let mut runs: Vec<Vec<Outcome>> = Vec::with_capacity(points.len());
    let mut notes = Vec::new();
    let sources: Vec<Option<usize>> = (0..points.len())
        .map(|i| match precision {
            None => (0..i).find(|&j| same_simulation(&priced, &points[j], &points[i])),
            Some(_) => None,
        })
        .collect();
    // Points that differ only in what acts after the warm-up share it (without
    // `--precision`, whose points each find their own number).
    let mut shared = match precision {
        None => {
            let simulated: Vec<bool> = sources.iter().map(Option::is_none).collect();
            match shared_warm_ups(points, &simulated, &kept, threads, progress, stop) {
                Ok(Some(shared)) => shared,
                Ok(None) => return Ok(None),
                // One of them ran away: run them one by one, so that the first to run
                // away in the plan's order is the one named, as without sharing.
                Err(RunError::Runaway { .. }) => vec![None; points.len()],
                Err(e) => return Err(e),
            }
        }
        Some(_) => vec![None; points.len()],
    };
    for i in 0..points.len() {
        if let Some(out) = shared[i].take() {
            runs.push(out);
            continue;
        }
        let p = &points[i];
        let source = sources[i];
        if let Some(j) = source {
            let out: Vec<Outcome> = runs[j].iter().map(|o| reprice(&p.scenario, o)).collect();
            for _ in 0..p.scenario.replications {
                progress();
            }
            runs.push(out);
            continue;
        }
        let p = &mut points[i];
        let outcomes = match precision {
            None => {
                let all = 0..p.scenario.replications;
                run_range_in(Some(&kept), &p.scenario, all, threads, progress, stop)?
            }
            Some(pr) => run_until_precise(
                Some(&kept),
                &mut p.scenario,
                threads,
                pr,
                progress,
                &|_| {},
                stop,
            )?
            .map(|(o, note)| {
                notes.push(note);
                o
            }),
        };
        let Some(outcomes) = outcomes else {
            return Ok(None);
        };
        runs.push(outcomes);
    }
    let most = points
        .iter()
        .map(|p| p.scenario.replications)
        .max()
        .unwrap_or(plan.base.replications);
    for (p, outcomes) in points.iter_mut().zip(runs.iter_mut()) {
        let have = p.scenario.replications;
        if have < most {
            let more = run_range_in(Some(&kept), &p.scenario, have..most, threads, &|| {}, stop)?;
            let Some(more) = more else {
                return Ok(None);
            };
            outcomes.extend(more);
            p.scenario.set_replications(most)?;
        }
    }
    let cells = points
        .iter()
        .zip(&runs)
        .map(|(p, outcomes)| {
            let mut c = cells(&p.scenario, p.value, outcomes);
            for cell in &mut c {
                cell.value_2 = p.value_2;
            }
            c
        })
        .collect();
    Ok(Some(Simulated {
        cells,
        notes,
        replications: most,
    }))
}

/// The points of `points` marked `simulated` that share each replication's warm-up with
/// others (they differ only in what acts after it, as a sweep of `learning.incentive` does:
/// [`crate::runner::shares_warm_up`]), simulated together, each group's warm-up once per
/// replication and model ([`crate::runner::for_each_variant`]); `None` for the others, and
/// `Ok(None)` when stopped. Their outcomes are the points' own runs' (their scalars: what
/// the cells read, [`Outcome::light`], but for each group's first).
fn shared_warm_ups(
    points: &[Point],
    simulated: &[bool],
    kept: &Worlds,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Option<Vec<Outcome>>>>, RunError> {
    let mut out: Vec<Option<Vec<Outcome>>> = vec![None; points.len()];
    // Groups of points with the same warm-up and policies, in plan order, found by a hash
    // of that text (a collision only costs the sharing: the runner compares the text).
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_key: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for (i, p) in points.iter().enumerate() {
        if !simulated[i] {
            continue;
        }
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            crate::runner::warm_up_group(&p.scenario).hash(&mut h);
            h.finish()
        };
        let g = *by_key.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    for group in groups {
        if group.len() < 2 {
            continue;
        }
        let members: Vec<&Scenario> = group.iter().map(|&j| &points[j].scenario).collect();
        let Some(lead) = crate::runner::lead(&members) else {
            continue;
        };
        let order: Vec<usize> = std::iter::once(group[lead])
            .chain(group.iter().copied().filter(|j| *j != group[lead]))
            .collect();
        let variants: Vec<&Scenario> = order.iter().map(|j| &points[*j].scenario).collect();
        let each = || (0..order.len()).for_each(|_| progress());
        let mut gathered: Vec<Vec<Outcome>> = vec![Vec::new(); order.len()];
        let sharing = crate::runner::Sharing {
            kept: Some(kept),
            spare_first: false,
        };
        let replications = 0..variants[0].replications;
        let run = crate::runner::for_each_variant(
            &variants,
            replications,
            threads,
            &each,
            stop,
            sharing,
            &mut |k, outcomes| {
                gathered[k].extend(outcomes);
                Ok::<(), RunError>(())
            },
        );
        let Some(run) = run else {
            continue;
        };
        if !run?.finished {
            return Ok(None);
        }
        for (j, outcomes) in order.iter().zip(gathered) {
            out[*j] = Some(outcomes);
        }
    }
    Ok(Some(out))
}

/// Whether `b`'s outcomes are `a`'s priced again: they differ only on axes that move
/// prices only (`priced`, per axis), with the same replications and models.
fn same_simulation(priced: &[bool], a: &Point, b: &Point) -> bool {
    let same = |k: usize, x: Option<f64>, y: Option<f64>| {
        priced.get(k).copied().unwrap_or(false) || x.map(f64::to_bits) == y.map(f64::to_bits)
    };
    same(0, Some(a.value), Some(b.value))
        && same(1, a.value_2, b.value_2)
        && a.scenario.replications == b.scenario.replications
        && a.scenario.models == b.scenario.models
}

impl Plan {
    /// The cells of every point read back from shards' parts (in plan order), with each
    /// point's values from the plan.
    pub fn merge_cells(&self, parts: Vec<Vec<Cell>>) -> Result<Vec<Vec<Cell>>, SweepError> {
        if parts.len() != self.points.len() {
            return Err(SweepError::PartsMismatch {
                parts: parts.len(),
                points: self.points.len(),
            });
        }
        Ok(parts
            .into_iter()
            .zip(&self.points)
            .map(|(c, p)| {
                c.into_iter()
                    .map(|mut cell| {
                        cell.value = p.value;
                        cell.value_2 = p.value_2;
                        cell
                    })
                    .collect()
            })
            .collect())
    }
}

/// A finished sweep: what its files and charts are drawn from.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The axes, their values as applied.
    pub axes: Vec<Axis>,
    /// Each point's cells, in plan order.
    pub cells: Vec<Vec<Cell>>,
    /// Crossovers along the axis (none for a grid, whose answer is its map of winners).
    pub crossovers: Vec<Crossover>,
    /// The scenario at its stated values, with the replications every point ran.
    pub scenario: Scenario,
    /// The scenario file's text.
    pub text: String,
}

/// The sweep of `plan` from every point's `cells`, run with `replications` each.
pub fn finish(plan: Plan, cells: Vec<Vec<Cell>>, replications: u32) -> Result<Sweep, SweepError> {
    let Plan {
        axes,
        mut base,
        text,
        ..
    } = plan;
    base.set_replications(replications)?;
    let crossovers = match axes.as_slice() {
        [one] => crossovers(one, &cells),
        _ => Vec::new(),
    };
    Ok(Sweep {
        axes,
        cells,
        crossovers,
        scenario: base,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axis::Scale;
    use crate::sweep::plan;

    const TEXT: &str = "name = \"q\"\nhorizon = \"60d\"\nreplications = 3\nseed = 7\nmodels = [\"you-run\", \"ops-run\"]\n[groups.dev]\nconcurrent_oncall = 1\n[[teams]]\nname = \"a\"\nheadcount = 4\n[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"1/day\"\neffort = { dist = \"exponential\", mean = \"2h\" }\n";

    fn planned() -> Plan {
        let base = crate::scenario::parse(TEXT, "q.toml").unwrap();
        let axis = Axis::new("groups.dev.concurrent_oncall", 1.0, 3.0, 3, Scale::Linear).unwrap();
        plan(TEXT, &base, vec![axis]).unwrap()
    }

    #[test]
    fn with_precision_every_point_runs_the_most_any_needed_on_the_same_seeds() {
        let mut p = planned();
        let precision = Precision {
            share: 0.15,
            max_replications: 12,
        };
        let s = simulate(&mut p, 0..3, Some(1), Some(precision), &|| {}, &|| false)
            .unwrap()
            .unwrap();
        assert_eq!(s.notes.len(), 3);
        assert!(
            s.replications >= 3 && s.replications <= 12,
            "{}",
            s.replications
        );
        for (point, cells) in p.points.iter().zip(&s.cells) {
            assert_eq!(point.scenario.replications, s.replications);
            for c in cells {
                assert!(c.values.iter().all(|v| v.len() == s.replications as usize));
            }
        }
        // Paired: a point's values are those of a plain run with that many replications.
        let mut plain = planned();
        for q in &mut plain.points {
            q.scenario.set_replications(s.replications).unwrap();
        }
        let again = simulate(&mut plain, 0..3, Some(2), None, &|| {}, &|| false)
            .unwrap()
            .unwrap();
        for (a, b) in s.cells.iter().zip(&again.cells) {
            for (x, y) in a.iter().zip(b) {
                assert_eq!(x.values, y.values);
            }
        }
    }

    #[test]
    fn a_shard_simulates_its_block_and_a_stop_stops() {
        let mut p = planned();
        let s = simulate(&mut p, 1..3, None, None, &|| {}, &|| false)
            .unwrap()
            .unwrap();
        assert_eq!(s.cells.len(), 2);
        assert_eq!(s.cells[0][0].value, 2.0);
        assert!(
            simulate(&mut p, 0..3, None, None, &|| {}, &|| true)
                .unwrap()
                .is_none()
        );
        let finished = finish(p, s.cells, s.replications).unwrap();
        assert_eq!(finished.scenario.replications, 3);
    }

    /// A sweep of the strength of learning (and, across it, of something acting from the
    /// first hour) shares each replication's warm-up among the points that differ only in
    /// the strength: every cell is the one each point gives run on its own.
    #[test]
    fn points_that_differ_only_after_the_warm_up_share_it_and_keep_their_cells() {
        let text = crate::scenario::replace_lines(
            include_str!("../../scenarios/baseline.toml"),
            &[
                ("horizon =", "horizon = \"39w\""),
                ("warmup =", "warmup = \"26w\""),
                ("models =", "models = [\"you-run\", \"ops-run\"]"),
            ],
        );
        let mut base = crate::scenario::parse(&text, "baseline.toml").unwrap();
        base.set_replications(3).unwrap();
        let axes = vec![
            Axis::new("learning.incentive", 0.0, 2.0, 3, Scale::Linear).unwrap(),
            Axis::new("knowledge.erosion_per_deploy", 0.01, 0.02, 2, Scale::Linear).unwrap(),
        ];
        let mut p = plan(&text, &base, axes).unwrap();
        assert_eq!(p.points.len(), 6);
        let kept = Worlds::new(&p.base, crate::world::KEEP_BUDGET);
        let all = vec![true; p.points.len()];
        let shared = shared_warm_ups(&p.points, &all, &kept, Some(2), &|| {}, &|| false)
            .unwrap()
            .unwrap();
        assert!(
            shared.iter().all(Option::is_some),
            "every point shares a warm-up"
        );
        let s = simulate(&mut p, 0..6, Some(2), None, &|| {}, &|| false)
            .unwrap()
            .unwrap();
        // The strength moves the cells (else a point given another's outcomes would pass).
        let at = |value: f64| {
            let i = p
                .points
                .iter()
                .position(|q| q.value == value && q.value_2 == p.points[0].value_2);
            format!("{:?}", s.cells[i.unwrap()])
        };
        assert_ne!(at(0.0), at(2.0));
        for (point, cells) in p.points.iter().zip(&s.cells) {
            let alone = crate::runner::run_range(
                &point.scenario,
                0..point.scenario.replications,
                Some(1),
                &|| {},
                &|| false,
            )
            .unwrap()
            .unwrap();
            let mut own = super::cells(&point.scenario, point.value, &alone);
            for c in &mut own {
                c.value_2 = point.value_2;
            }
            assert_eq!(
                format!("{cells:?}"),
                format!("{own:?}"),
                "{} {:?}",
                point.value,
                point.value_2
            );
        }
    }
}
