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
/// on at every strength ([`crate::engine::simulate_strengths`]); where that cannot be done,
/// the replications run in blocks whose worlds are kept while every strength is simulated
/// on them. The values are the same either way (a world is a function of its spec and its
/// seed; a run carried on from the shared warm-up is the strength's own run, to the bit),
/// and each strength's are in replication order. When a strength cannot be run (its run
/// ran away), the strengths run one after another over the whole range, as before, so
/// that the reason given is the same.
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

/// Every strength on `range`. With `keep`, each replication's world is drawn once and each
/// model's warm-up simulated once for every strength ([`crate::runner::for_each_strength_in`]),
/// or where they cannot share one, in blocks whose worlds are kept while every strength is
/// simulated on them; without, strength after strength over the whole range, each drawing
/// its own worlds (the same values: what tells which strength ran away). `Ok(None)` when
/// `stop` said stop.
fn run_strengths(
    scenario: &crate::scenario::Scenario,
    strengths: &[(f64, crate::scenario::Scenario)],
    range: std::ops::Range<u32>,
    threads: Option<usize>,
    stop: &(dyn Fn() -> bool + Sync),
    keep: bool,
) -> Result<Option<Vec<StrengthValues>>, crate::runner::RunError> {
    use crate::world::{KEEP_BUDGET, WorldSpec, Worlds};
    let mut values = Values::new(scenario, strengths, range.len());
    // The strengths share each replication's world and each model's warm-up when they can
    // (the mechanisms act only after it): nothing is kept, each world is drawn once.
    if keep {
        let variants: Vec<&crate::scenario::Scenario> = strengths.iter().map(|(_, s)| s).collect();
        if let Some(finished) = crate::runner::for_each_strength_in(
            None,
            &variants,
            range.clone(),
            threads,
            stop,
            &mut |k, outcomes| values.add(k, outcomes),
        ) {
            return Ok(finished?.then_some(values.out));
        }
    }
    // Worlds drawn for a strength whose draws serve them all (a strength of 0 needs no
    // learning draws; the others do), else the scenario's own.
    let specs: Vec<WorldSpec> = strengths
        .iter()
        .map(|(_, s)| WorldSpec::of(s, &crate::models::policies(s)))
        .collect();
    let keeper = specs
        .iter()
        .position(|w| specs.iter().all(|p| w.serves(p)))
        .map_or(scenario, |k| &strengths[k].1);
    // A quarter of what an analysis keeps: this runs beside a whole run's results. The
    // first block is small; the next ones as many worlds as the budget keeps, or the rest
    // at once when none could be kept (or none is to be).
    let budget = KEEP_BUDGET / 4;
    let mut block = if keep { 8u32 } else { u32::MAX };
    let mut from = range.start;
    while from < range.end {
        let to = from.saturating_add(block).min(range.end);
        let kept = keep.then(|| Worlds::new(keeper, budget));
        for (k, (_, s)) in strengths.iter().enumerate() {
            let finished = crate::runner::for_each_in(
                kept.as_ref(),
                s,
                from..to,
                threads,
                &|| {},
                stop,
                &mut |outcomes| values.add(k, &outcomes),
            )?;
            if !finished {
                return Ok(None);
            }
        }
        block = match kept.map(|k| k.held()) {
            Some((worlds, bytes)) if worlds > 0 && bytes > 0 => {
                u32::try_from(budget / bytes.div_ceil(worlds))
                    .unwrap_or(u32::MAX)
                    .clamp(1, 1024)
            }
            _ => u32::MAX,
        };
        from = to;
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

    /// The blocks with kept worlds give every strength's values, bit for bit and in
    /// replication order, as the strengths run one after another over the whole range:
    /// on the baseline (worlds of about 1.6 MB: a first block of 8, then the rest) and on
    /// a scenario of strength 0 (its own worlds lack the learning draws the others need).
    #[test]
    fn the_blocks_give_the_values_strength_by_strength_gives() {
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
            let blocks = simulate_range(&scenario, range.clone(), Some(2), &|| false)
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
            assert_eq!(blocks.len(), ordered.len());
            for (a, b) in blocks.iter().zip(&ordered) {
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
}
