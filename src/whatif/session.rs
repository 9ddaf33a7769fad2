//! A what-if edit: the page's lever values applied to the scenario's TOML through
//! [`edit::set`] (by dotted path) and validated by the scenario's own parser, each problem
//! placed beside the lever that caused it; and the edited scenario written back for the
//! reader to take away, every changed value commented with what it was.

use std::collections::BTreeMap;

use toml::Value;

use super::levers::{Lever, find, tidy};
use crate::edit;
use crate::model::ModelKind;
use crate::scenario::{self, Scenario};

/// What the page asks for: lever values in the units it shows, by lever id, and the
/// models compared with their reference. Lever values equal to the scenario's are no
/// change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edit {
    /// Lever id → value in the lever's shown units.
    pub values: BTreeMap<String, f64>,
    /// The models compared, in order (the scenario's when `None`).
    pub models: Option<Vec<ModelKind>>,
    /// The reference model (the scenario's when `None`).
    pub reference: Option<ModelKind>,
    /// The lever changed last: a problem no single lever causes is shown beside it.
    pub last: Option<String>,
}

/// The id problems with the models compared are shown beside.
pub const MODELS: &str = "models";

/// One problem, beside the lever it belongs to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeverProblem {
    /// The lever's id, [`MODELS`], or empty for the scenario as a whole.
    pub lever: String,
    /// The scenario's own validation message.
    pub message: String,
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// A lever this scenario does not offer: the request is malformed.
    #[error("unknown lever \"{id}\": this scenario offers no such input")]
    UnknownLever {
        /// The id sent.
        id: String,
    },
    /// The edited scenario is not valid: each problem beside its lever.
    #[error("the edited scenario is not valid: {}", .problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The problems.
        problems: Vec<LeverProblem>,
    },
}

/// One value an edit changed, for the download's comments.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// The lever's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The stated value(s) before, per path (`None` when the file did not state it).
    #[serde(skip)]
    pub was: Vec<(String, Option<f64>)>,
    /// The value now, in the file's units.
    #[serde(skip)]
    pub now: f64,
    /// The shown value before and now, for the page.
    pub shown: (Option<f64>, f64),
    /// Shown unit.
    pub unit: String,
}

/// A valid edit.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The edited scenario's text as `edit::set` writes it (comments not kept).
    pub text: String,
    /// The validated scenario.
    pub scenario: Scenario,
    /// What changed, in lever order.
    pub changes: Vec<Change>,
    /// The models and reference, when changed.
    pub models: Option<(Vec<ModelKind>, ModelKind)>,
}

/// Applies `edit` to `base` (the scenario file's text, named `file` in messages).
pub fn apply(base: &str, file: &str, levers: &[Lever], edit: &Edit) -> Result<Applied, Refusal> {
    let doc = edit::parse_table(base).map_err(|e| invalid("", e.to_string()))?;
    let base_scenario = scenario::parse(base, file).map_err(|e| invalid("", e.messages()))?;
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    for (id, &shown) in &edit.values {
        let Some(lever) = find(levers, id) else {
            return Err(Refusal::UnknownLever { id: id.clone() });
        };
        if !shown.is_finite() {
            problems.push(problem(id, format!("{} must be a number", lever.label)));
            continue;
        }
        let now = tidy(shown / lever.scale);
        let applied = edit::applied(&lever.paths, now);
        let was: Vec<(String, Option<f64>)> = lever
            .paths
            .split(',')
            .map(|p| (p.trim().to_string(), edit::number(&doc, p.trim())))
            .collect();
        let unchanged = lever.value == Some(tidy(applied * lever.scale))
            && was.iter().all(|(_, w)| *w == Some(applied));
        if unchanged {
            continue;
        }
        changes.push(Change {
            id: id.clone(),
            label: lever.label.clone(),
            was,
            now: applied,
            shown: (lever.value, tidy(applied * lever.scale)),
            unit: lever.unit.clone(),
        });
    }
    if !problems.is_empty() {
        return Err(Refusal::Invalid { problems });
    }
    let models = match (&edit.models, edit.reference) {
        (None, None) => None,
        (m, r) => {
            let models = m.clone().unwrap_or_else(|| base_scenario.models.clone());
            let reference = r.unwrap_or(base_scenario.reference);
            (models != base_scenario.models || reference != base_scenario.reference)
                .then_some((models, reference))
        }
    };
    let text = edited(base, levers, &changes, models.as_ref())
        .map_err(|(lever, message)| invalid(&lever, message))?;
    match scenario::parse(&text, file) {
        Ok(scenario) => Ok(Applied {
            text,
            scenario,
            changes,
            models,
        }),
        Err(e) => Err(Refusal::Invalid {
            problems: place(base, file, levers, &changes, models.as_ref(), edit, &e),
        }),
    }
}

fn problem(lever: &str, message: String) -> LeverProblem {
    LeverProblem {
        lever: lever.to_string(),
        message,
    }
}

fn invalid(lever: &str, message: String) -> Refusal {
    Refusal::Invalid {
        problems: vec![problem(lever, message)],
    }
}

/// `base` with `changes` and `models` applied through `edit`; an edit's error with the
/// lever it belongs to.
fn edited(
    base: &str,
    levers: &[Lever],
    changes: &[Change],
    models: Option<&(Vec<ModelKind>, ModelKind)>,
) -> Result<String, (String, String)> {
    let mut text = base.to_string();
    for c in changes {
        let paths = find(levers, &c.id).map_or("", |l| l.paths.as_str());
        text = edit::set(&text, paths, c.now).map_err(|e| (c.id.clone(), e.to_string()))?;
    }
    if let Some((models, reference)) = models {
        let list = Value::Array(models.iter().map(|m| Value::from(m.key())).collect());
        text = edit::set_value(&text, "models", list)
            .and_then(|t| edit::set_value(&t, "reference_model", Value::from(reference.key())))
            .map_err(|e| (MODELS.to_string(), e.to_string()))?;
    }
    Ok(text)
}

/// The problems of an invalid edit, each beside the lever that alone makes the scenario
/// invalid; what no lever causes alone (two levers that disagree) beside the last changed.
fn place(
    base: &str,
    file: &str,
    levers: &[Lever],
    changes: &[Change],
    models: Option<&(Vec<ModelKind>, ModelKind)>,
    edit: &Edit,
    all: &scenario::ScenarioError,
) -> Vec<LeverProblem> {
    let mut out = Vec::new();
    let mut placed = Vec::new();
    let alone = |c: &[Change], m: Option<&(Vec<ModelKind>, ModelKind)>| {
        edited(base, levers, c, m)
            .ok()
            .and_then(|t| scenario::parse(&t, file).err())
    };
    for c in changes {
        if let Some(e) = alone(std::slice::from_ref(c), None) {
            for p in &e.problems {
                placed.push(p.message.clone());
                out.push(problem(&c.id, p.message.clone()));
            }
        }
    }
    if models.is_some()
        && let Some(e) = alone(&[], models)
    {
        for p in &e.problems {
            placed.push(p.message.clone());
            out.push(problem(MODELS, p.message.clone()));
        }
    }
    let last = edit
        .last
        .clone()
        .or_else(|| changes.last().map(|c| c.id.clone()))
        .unwrap_or_default();
    for p in &all.problems {
        if !placed.contains(&p.message) {
            out.push(problem(&last, p.message.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatif::levers::{Group, catalogue};
    use crate::whatif::take::scenario_file;

    const BASELINE: &str = include_str!("../../scenarios/baseline.toml");

    fn setup() -> (Scenario, Vec<Lever>) {
        let s = scenario::parse(BASELINE, "baseline.toml").unwrap();
        let levers = catalogue(BASELINE, &s);
        (s, levers)
    }

    fn edit(values: &[(&str, f64)]) -> Edit {
        Edit {
            values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            ..Edit::default()
        }
    }

    #[test]
    fn the_catalogue_groups_levers_with_labels_units_and_the_scenarios_values() {
        let (_, levers) = setup();
        let l = find(&levers, "support.out_of_hours_from").unwrap();
        assert_eq!(
            (l.group, l.unit.as_str(), l.value),
            (Group::Support, "%", Some(99.0))
        );
        assert_eq!(find(&levers, "teams.0.headcount").unwrap().value, Some(8.0));
        assert_eq!(find(&levers, "groups.sre.headcount").unwrap().value, None);
        assert_eq!(
            find(&levers, "costs.standby_per_hour").unwrap().unit,
            "USD / hour"
        );
        let tier = find(&levers, "tier.1.deploys_per_week").unwrap();
        assert!(
            tier.label.starts_with("Tier 1 (99.95%, 4 services)"),
            "{}",
            tier.label
        );
        let groups: Vec<Group> = levers.iter().map(|l| l.group).collect();
        assert!(
            groups.windows(2).all(|w| w[0] <= w[1]),
            "grouped in page order"
        );
    }

    #[test]
    fn an_invalid_value_is_refused_beside_its_lever_in_the_scenarios_words() {
        let (_, levers) = setup();
        let e = Edit {
            last: Some("costs.callout_per_page".into()),
            ..edit(&[
                ("costs.standby_per_hour", -5.0),
                ("costs.callout_per_page", 60.0),
            ])
        };
        let Err(Refusal::Invalid { problems }) = apply(BASELINE, "baseline.toml", &levers, &e)
        else {
            panic!("refused")
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].lever, "costs.standby_per_hour");
        assert!(
            problems[0].message.contains("standby_per_hour"),
            "{problems:?}"
        );
        assert!(matches!(
            apply(
                BASELINE,
                "baseline.toml",
                &levers,
                &edit(&[("/etc/passwd", 1.0)])
            ),
            Err(Refusal::UnknownLever { .. })
        ));
        let e = Edit {
            models: Some(vec![ModelKind::OpsRun]),
            reference: Some(ModelKind::YouRun),
            ..Edit::default()
        };
        let Err(Refusal::Invalid { problems }) = apply(BASELINE, "baseline.toml", &levers, &e)
        else {
            panic!("a reference that is not compared is refused")
        };
        assert_eq!(problems[0].lever, MODELS, "{problems:?}");
    }

    #[test]
    fn the_download_keeps_the_files_comments_and_says_what_each_value_was() {
        let (_, levers) = setup();
        let e = Edit {
            models: Some(vec![ModelKind::YouRun, ModelKind::SreRun]),
            ..edit(&[
                ("costs.standby_per_hour", 9.0),
                ("groups.sre.headcount", 6.0),
                ("tier.1.change_failure_rate", 2.5),
                ("support.out_of_hours_from", 99.5),
            ])
        };
        let applied = apply(BASELINE, "baseline.toml", &levers, &e).unwrap();
        assert_eq!(applied.scenario.costs.standby_per_hour, 9.0);
        assert_eq!(applied.scenario.groups.sre.headcount, Some(6));
        assert_eq!(applied.scenario.support.out_of_hours_from, 0.995);
        let mut run = applied.scenario.clone();
        run.set_replications(40).unwrap();
        let text = scenario_file(BASELINE, "baseline.toml", &applied, &run).unwrap();
        assert!(
            text.starts_with("# Edited in `whoruns serve` from baseline.toml: 5 values"),
            "{text}"
        );
        assert!(text.contains("standby_per_hour = 9.0  # was 5 (whoruns serve: Standby pay); assumption: standby pay per off-hours on-call hour"), "{text}");
        assert!(
            text.contains("headcount = 6  # was not stated (the default)"),
            "{text}"
        );
        assert!(
            text.contains("change_failure_rate = 0.025  # was 0.05"),
            "{text}"
        );
        assert!(
            text.contains("models = [\"you-run\", \"sre-run\"]  # was ["),
            "{text}"
        );
        assert!(
            text.contains("#   [SREB]    Google, Site Reliability Engineering"),
            "comments kept"
        );
        assert!(text.contains("replications = 40"), "{text}");
        let back = scenario::parse(&text, "edited.toml").unwrap();
        assert_eq!(back.models, vec![ModelKind::YouRun, ModelKind::SreRun]);
        assert_eq!(back.services[0].change_failure_rate, 0.025);
        assert_eq!(back.replications, 40);
    }
}
