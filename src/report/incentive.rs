//! Every headline verdict across the strength of learning (`learning.incentive`: follow-up
//! work, telemetry and resilience): the scenario run again at 0 (no learning; cascades and
//! hand-offs as the scenario states them), 0.5, 1 and 2
//! — and at its own strength — on the same worlds (same seed and replications, common
//! random numbers), each verdict by the findings' rule, and the strengths between which a
//! verdict changes. The strengths' effects are assumptions (docs/model.md §13): a verdict
//! that holds at every strength does not rest on them.

use super::data::ReportData;
use crate::export::StrengthValues;
use crate::metric::{HEADLINE, direction, find, tie};
use crate::model::ModelKind;
use crate::ranking::{Lead, lead};

/// The strengths every report shows, besides the scenario's own.
pub const STRENGTHS: [f64; 4] = [0.0, 0.5, 1.0, 2.0];

/// The verdicts at each strength.
#[derive(Debug, Clone)]
pub struct Across {
    /// The strengths, ascending; the scenario's own is marked by `own`.
    pub strengths: Vec<f64>,
    /// Index of the scenario's own strength in `strengths`.
    pub own: usize,
    /// Per headline metric: its label and the verdict at each strength.
    pub rows: Vec<(&'static str, Vec<String>)>,
    /// Sentences naming where a verdict changes (or that none does).
    pub flips: Vec<String>,
}

/// Per model, a metric's values per replication.
type Series = Vec<(ModelKind, Vec<f64>)>;

/// The verdict on `metric` among `values`: the leader's name, or "tied".
fn verdict(metric: &str, values: &[(ModelKind, Vec<f64>)]) -> String {
    let refs: Vec<(ModelKind, &[f64])> = values.iter().map(|(m, v)| (*m, v.as_slice())).collect();
    match lead(&refs, direction(metric), tie(metric)) {
        Lead::Clear { leader, .. } => leader.name().to_string(),
        Lead::Tied(_) => "tied".to_string(),
    }
}

/// The strengths shown: [`STRENGTHS`] and the scenario's own, ascending, and the own's
/// index.
fn strengths_of(data: &ReportData) -> (Vec<f64>, usize) {
    let own_strength = data.scenario.learning.incentive;
    let mut strengths: Vec<f64> = STRENGTHS.to_vec();
    if !strengths.contains(&own_strength) {
        strengths.push(own_strength);
    }
    strengths.sort_by(f64::total_cmp);
    let own = strengths
        .iter()
        .position(|s| *s == own_strength)
        .unwrap_or(0);
    (strengths, own)
}

/// Runs the scenario at every strength but its own, for the models `data` holds, on the
/// same worlds; `Err` says why it could not (a shard's part, a run that failed).
pub fn simulate(data: &ReportData) -> Result<Vec<StrengthValues>, String> {
    let whole = data
        .replication_ids
        .iter()
        .enumerate()
        .all(|(i, r)| usize::try_from(*r).is_ok_and(|r| r == i));
    if !whole {
        return Err(
            "not measured for a part of a run's replications (merge the shards first)".into(),
        );
    }
    let mut s = data.scenario.clone();
    s.models = data.models.iter().map(|m| m.model).collect();
    let n = u32::try_from(data.replication_ids.len()).unwrap_or(u32::MAX);
    simulate_range(&s, 0..n, None, &|| false).and_then(|v| v.ok_or_else(|| "stopped".to_string()))
}

/// Runs `scenario` (its models) at every strength of [`STRENGTHS`] but its own, on
/// replications `range` (a shard's block, or all): the values `strengths.parquet` holds.
/// `Ok(None)` when `stop` said stop.
///
/// The strengths move no world but its optional draws ([`crate::world::WorldSpec`]), and
/// nothing before the end of the warm-up (the mechanisms act only after it): so each
/// replication's world is drawn once, and each model's warm-up simulated once and carried
/// on at every strength ([`crate::engine::simulate_variants`]). The values are those of
/// the strengths run one after another (a world is a function of its spec and its seed; a
/// run carried on from the shared warm-up is the strength's own run, to the bit), each
/// strength's in replication order. When a strength cannot be run (its run ran away), the
/// strengths run one after another over the whole range, so that the reason given is the
/// first strength's that ran away.
pub fn simulate_range(
    scenario: &crate::scenario::Scenario,
    range: std::ops::Range<u32>,
    threads: Option<usize>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<StrengthValues>>, String> {
    let strengths = others(scenario);
    run_strengths(scenario, &strengths, range.clone(), threads, stop, true)
        .or_else(|_| run_strengths(scenario, &strengths, range, threads, stop, false))
        .map_err(|e| e.to_string())
}

/// Runs `scenario` on replications `range` at its own strength and, beside it, at every
/// other of [`STRENGTHS`], sharing each replication's world and each model's warm-up
/// ([`crate::runner::for_each_variant`]): `own` gets the scenario's outcomes, its own
/// run's bit for bit, in replication order. Returns whether every replication ran (`false`:
/// `stop` said stop) and the other strengths' values as [`simulate_range`] gives them, or
/// no values when one of them ran away (the report's section then runs them again, one
/// after another, to say why). `None` when they cannot share: run it alone.
pub fn beside<E: From<crate::runner::RunError>>(
    scenario: &crate::scenario::Scenario,
    range: std::ops::Range<u32>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    own: &mut dyn FnMut(Vec<crate::outcome::Outcome>) -> Result<(), E>,
) -> Option<Result<Beside, E>> {
    let strengths = others(scenario);
    let mut values = Values::new(scenario, &strengths, range.len());
    let variants: Vec<&crate::scenario::Scenario> = std::iter::once(scenario)
        .chain(strengths.iter().map(|(_, s)| s))
        .collect();
    let run = crate::runner::for_each_variant(
        &variants,
        range,
        threads,
        progress,
        stop,
        crate::runner::Sharing {
            kept: None,
            spare_first: true,
        },
        &mut |k, outcomes| match k {
            0 => own(outcomes),
            _ => Ok(values.add(k - 1, &outcomes)?),
        },
    )?;
    Some(run.map(|run| Beside {
        finished: run.finished,
        values: run.complete.then_some(values.out),
    }))
}

/// How the other strengths ran beside the scenario's own ([`beside`]).
#[derive(Debug)]
pub struct Beside {
    /// Every replication ran (`false`: asked to stop).
    pub finished: bool,
    /// The other strengths' values; `None` when one of them ran away.
    pub values: Option<Vec<StrengthValues>>,
}

/// The scenario at every strength of [`STRENGTHS`] but its own.
fn others(scenario: &crate::scenario::Scenario) -> Vec<(f64, crate::scenario::Scenario)> {
    let own = scenario.learning.incentive;
    STRENGTHS
        .iter()
        .filter(|s| **s != own)
        .map(|strength| {
            let mut s = scenario.clone();
            s.set_incentive(*strength);
            (*strength, s)
        })
        .collect()
}

/// Per strength, model and headline metric, one value per replication: the outcomes
/// themselves are dropped as they arrive.
struct Values {
    out: Vec<StrengthValues>,
    models: Vec<crate::model::ModelKind>,
    columns: Vec<Option<&'static crate::metric::Metric>>,
}

impl Values {
    fn new(
        scenario: &crate::scenario::Scenario,
        strengths: &[(f64, crate::scenario::Scenario)],
        replications: usize,
    ) -> Values {
        let mut out = Vec::new();
        for (strength, _) in strengths {
            for m in &scenario.models {
                for metric in HEADLINE {
                    out.push(StrengthValues {
                        strength: *strength,
                        model: *m,
                        metric: metric.to_string(),
                        values: Vec::with_capacity(replications),
                    });
                }
            }
        }
        Values {
            out,
            models: scenario.models.clone(),
            columns: HEADLINE.iter().map(|metric| find(metric)).collect(),
        }
    }

    /// One replication's outcomes at strength number `k`.
    fn add(
        &mut self,
        k: usize,
        outcomes: &[crate::outcome::Outcome],
    ) -> Result<(), crate::runner::RunError> {
        let first = k * self.models.len() * HEADLINE.len();
        for (i, m) in self.models.iter().enumerate() {
            for o in outcomes.iter().filter(|o| o.model == *m) {
                for (j, column) in self.columns.iter().enumerate() {
                    if let Some(v) = column.and_then(|c| c.get(o)) {
                        self.out[first + i * HEADLINE.len() + j].values.push(v);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Every strength on `range`. With `shared`, each replication's world is drawn once and
/// each model's warm-up simulated once for every strength
/// ([`crate::runner::for_each_variant`]); without (or where they cannot share), strength
/// after strength over the whole range, each drawing its own worlds: the same values, and
/// what tells which strength ran away. `Ok(None)` when `stop` said stop.
fn run_strengths(
    scenario: &crate::scenario::Scenario,
    strengths: &[(f64, crate::scenario::Scenario)],
    range: std::ops::Range<u32>,
    threads: Option<usize>,
    stop: &(dyn Fn() -> bool + Sync),
    shared: bool,
) -> Result<Option<Vec<StrengthValues>>, crate::runner::RunError> {
    let mut values = Values::new(scenario, strengths, range.len());
    let all: Vec<&crate::scenario::Scenario> = strengths.iter().map(|(_, s)| s).collect();
    // Led by a strength whose worlds serve them all (not 0, which draws no learning numbers).
    if let Some(lead) = crate::runner::lead(&all).filter(|_| shared) {
        let order: Vec<usize> = std::iter::once(lead)
            .chain((0..all.len()).filter(|k| *k != lead))
            .collect();
        let variants: Vec<&crate::scenario::Scenario> = order.iter().map(|k| all[*k]).collect();
        if let Some(run) = crate::runner::for_each_variant(
            &variants,
            range.clone(),
            threads,
            &|| {},
            stop,
            crate::runner::Sharing::default(),
            &mut |k, outcomes| values.add(order[k], &outcomes),
        ) {
            return Ok(run?.finished.then_some(values.out));
        }
    }
    for (k, (_, s)) in strengths.iter().enumerate() {
        let finished =
            crate::runner::for_each(s, range.clone(), threads, &|| {}, stop, &mut |outcomes| {
                values.add(k, &outcomes)
            })?;
        if !finished {
            return Ok(None);
        }
    }
    Ok(Some(values.out))
}

/// The verdicts at every strength: the scenario's own from `data`, the others from the
/// values `whoruns run` saved (`strengths.parquet`) or, when there are none, simulated.
pub fn across(data: &ReportData) -> Result<Across, String> {
    let saved = data
        .strengths
        .get_or_init(|| simulate(data))
        .as_ref()
        .map_err(Clone::clone)?;
    let (strengths, own) = strengths_of(data);
    // values[strength][metric] = per model, per replication.
    let mut values: Vec<Vec<Series>> = Vec::new();
    for (k, strength) in strengths.iter().enumerate() {
        let mut per_metric: Vec<Series> = Vec::new();
        for metric in HEADLINE {
            let mut series = Series::new();
            for m in &data.models {
                let v = if k == own {
                    m.values(metric).to_vec()
                } else {
                    saved
                        .iter()
                        .find(|s| {
                            s.strength.to_bits() == strength.to_bits()
                                && s.model == m.model
                                && s.metric == metric
                        })
                        .map(|s| s.values.clone())
                        .ok_or_else(|| {
                            format!(
                                "the saved strengths lack {} at strength {strength}",
                                m.model.name()
                            )
                        })?
                };
                series.push((m.model, v));
            }
            per_metric.push(series);
        }
        values.push(per_metric);
    }
    let mut rows = Vec::new();
    let mut flips = Vec::new();
    for (i, metric) in HEADLINE.iter().enumerate() {
        let label = find(metric).map_or(*metric, |m| m.label);
        let verdicts: Vec<String> = values.iter().map(|v| verdict(metric, &v[i])).collect();
        for k in 1..verdicts.len() {
            if verdicts[k] != verdicts[k - 1] {
                flips.push(format!(
                    "On {label}, the verdict changes between strength {} ({}) and {} ({}).",
                    strengths[k - 1],
                    lead_words(&verdicts[k - 1]),
                    strengths[k],
                    lead_words(&verdicts[k]),
                ));
            }
        }
        rows.push((label, verdicts));
    }
    if flips.is_empty() {
        flips.push(format!(
            "No headline verdict changes at the strengths shown ({} to {}).",
            strengths[0],
            strengths[strengths.len() - 1]
        ));
    }
    Ok(Across {
        strengths,
        own,
        rows,
        flips,
    })
}

/// "X leads" or "tied".
fn lead_words(verdict: &str) -> String {
    if verdict == "tied" {
        "no model leads".into()
    } else {
        format!("**{verdict}** leads")
    }
}

/// What the section shows, for its first paragraph.
pub const NOTE: &str = "The strength of learning (`learning.incentive`: follow-up work, telemetry and resilience; docs/model.md §13) rests on assumptions, so every headline verdict is shown from 0 (no learning: incident rates and telemetry as written; cascades and hand-offs as the scenario states them) to 2, each strength run on the same worlds as the results above (same seed and replications). A model is named where it leads by the findings' rule; \"tied\" where no lead passes it.";

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled(name: &str, text: &str, replications: u32) -> crate::scenario::Scenario {
        let mut s = crate::scenario::parse(text, name).unwrap();
        s.set_replications(replications).unwrap();
        s
    }

    /// The strengths sharing each model's warm-up give every strength's values, bit for
    /// bit and in replication order, as the strengths run one after another over the
    /// whole range: on the baseline (the strength 0 first, whose worlds lack the learning
    /// draws the others need, so the shared worlds are the next's) and on a scenario of
    /// strength 0.
    #[test]
    fn the_shared_warm_ups_give_the_values_strength_by_strength_gives() {
        let cases = [
            bundled(
                "baseline.toml",
                include_str!("../../scenarios/baseline.toml"),
                11,
            ),
            bundled(
                "mmc-check.toml",
                include_str!("../../scenarios/mmc-check.toml"),
                13,
            ),
        ];
        for scenario in cases {
            let range = 1..scenario.replications;
            let shared = simulate_range(&scenario, range.clone(), Some(2), &|| false)
                .unwrap()
                .unwrap();
            let strengths = others(&scenario);
            let ordered = run_strengths(
                &scenario,
                &strengths,
                range.clone(),
                Some(2),
                &|| false,
                false,
            )
            .unwrap()
            .unwrap();
            assert_eq!(shared.len(), ordered.len());
            for (a, b) in shared.iter().zip(&ordered) {
                assert_eq!(
                    (a.strength, a.model, &a.metric),
                    (b.strength, b.model, &b.metric)
                );
                assert_eq!(a.values.len(), range.len());
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&a.values),
                    bits(&b.values),
                    "{} {:?} {}",
                    a.strength,
                    a.model,
                    a.metric
                );
            }
        }
    }

    /// Two services that depend on each other, every incident impairing the other an hour
    /// later: at strength 0 the chains never stop and the run is refused; at 10, one done
    /// follow-up (two hours after each restore) makes a service fully resilient.
    const CYCLE: &str = "name = \"cycle\"\nhorizon = \"60d\"\nwarmup = \"0h\"\nreplications = 3\nmodels = [\"you-run\", \"ops-run\"]\n[learning]\nincentive = 10\ndone_when_felt = 1\ndone_when_woken = 1\ndone_when_handed_off = 1\ndelay = { dist = \"constant\", value = \"2h\" }\n[cascades]\nprobability = 1.0\nresilience = 0.0\nstep = 0.5\ndelay = \"1h\"\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"x\"\nteam = \"a\"\nbackground_incidents = \"1/day\"\ndepends_on = [\"y\"]\n[[services]]\nname = \"y\"\nteam = \"a\"\nbackground_incidents = \"1/day\"\ndepends_on = [\"x\"]\n";

    /// A sink that keeps every outcome it is given, in `out`.
    fn keeping(
        out: &mut Vec<crate::outcome::Outcome>,
    ) -> impl FnMut(Vec<crate::outcome::Outcome>) -> Result<(), crate::runner::RunError> + '_ {
        |o| {
            out.extend(o);
            Ok(())
        }
    }

    /// The scenario's own outcomes on `range`, run alone.
    fn alone(scenario: &crate::scenario::Scenario, range: std::ops::Range<u32>) -> String {
        let mut out = Vec::new();
        let finished = crate::runner::for_each(
            scenario,
            range,
            Some(2),
            &|| {},
            &|| false,
            &mut keeping(&mut out),
        );
        assert!(finished.unwrap());
        format!("{out:?}")
    }

    /// `beside` on `range`: whether it ran, the own outcomes it passed on, and the others'
    /// values; `None` when it could not share.
    fn run_beside(
        scenario: &crate::scenario::Scenario,
        range: std::ops::Range<u32>,
    ) -> Option<(bool, String, Option<Vec<StrengthValues>>)> {
        let mut own = Vec::new();
        let run = beside(
            scenario,
            range,
            Some(2),
            &|| {},
            &|| false,
            &mut keeping(&mut own),
        )?;
        let run = run.unwrap();
        Some((run.finished, format!("{own:?}"), run.values))
    }

    /// Beside the scenario's own run, the other strengths change nothing in it: its
    /// outcomes are those it gives alone, and theirs are those of the strengths run one
    /// after another. When one of
    /// them runs away, the own run still runs (without their values); a scenario of
    /// strength 0, whose worlds lack the draws the others need, runs alone.
    #[test]
    fn the_other_strengths_beside_the_run_change_nothing_in_it() {
        let baseline = bundled(
            "baseline.toml",
            include_str!("../../scenarios/baseline.toml"),
            5,
        );
        let range = 1..5;
        let (finished, own, values) = run_beside(&baseline, range.clone()).unwrap();
        assert!(finished);
        assert!(
            own == alone(&baseline, range.clone()),
            "the own outcomes differ"
        );
        // Against the strengths run one after another, each on its own worlds.
        let strengths = others(&baseline);
        let separately = run_strengths(&baseline, &strengths, range, Some(2), &|| false, false)
            .unwrap()
            .unwrap();
        assert_eq!(format!("{values:?}"), format!("{:?}", Some(separately)));

        let cycle = crate::scenario::parse(CYCLE, "cycle.toml").unwrap();
        let (finished, own, values) = run_beside(&cycle, 0..3).unwrap();
        assert!(finished);
        assert!(values.is_none(), "a strength that ran away has no values");
        assert!(own == alone(&cycle, 0..3), "the own outcomes differ");
        let why = simulate_range(&cycle, 0..3, Some(2), &|| false).unwrap_err();
        assert!(why.contains("ran away"), "{why}");

        let mmc = bundled(
            "mmc-check.toml",
            include_str!("../../scenarios/mmc-check.toml"),
            3,
        );
        assert!(run_beside(&mmc, 0..3).is_none());
    }
}
