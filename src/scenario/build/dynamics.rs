//! Organisational dynamics shared by the models: `[knowledge]` (erosion and sync),
//! `[workarounds]` and the `[error_budget]` policy, built together with the per-model
//! tables (`per_model.rs`) as one [`Dynamics`].

use super::super::file::{ErrorBudgetFile, KnowledgeFile, ScenarioFile, WorkaroundsFile};
use super::super::{
    BudgetWindow, ErrorBudget, HeldChanges, Knowledge, KnowledgeStart, OnConflict, OpsSometimesRun,
    Workarounds, YouRun, YouRunOpsMonitors,
};
use super::{Ctx, defaults};
use crate::model::ModelKind;
use crate::units::parse_duration_hours;

/// The organisational-dynamics sections of a scenario, validated together.
pub(super) struct Dynamics {
    pub(super) knowledge: Knowledge,
    pub(super) workarounds: Workarounds,
    pub(super) error_budget: ErrorBudget,
    pub(super) you_run: YouRun,
    pub(super) ops_sometimes_run: OpsSometimesRun,
    pub(super) you_run_ops_monitors: YouRunOpsMonitors,
}

impl Ctx<'_> {
    /// Knowledge, workarounds, the error budget and the per-model tables, in that order.
    pub(super) fn dynamics(&mut self, raw: &ScenarioFile) -> Dynamics {
        Dynamics {
            knowledge: self.knowledge(raw.knowledge.as_ref()),
            workarounds: self.workarounds(raw.workarounds.as_ref()),
            error_budget: self.error_budget(raw.error_budget.as_ref()),
            you_run: self.you_run(raw.you_run.as_ref()),
            ops_sometimes_run: self.ops_sometimes_run(raw.ops_sometimes_run.as_ref()),
            you_run_ops_monitors: self.you_run_ops_monitors(raw.you_run_ops_monitors.as_ref()),
        }
    }

    /// `[knowledge]`; the removed `sync_hours_per_week` is an error that says why.
    fn knowledge(&mut self, raw: Option<&KnowledgeFile>) -> Knowledge {
        let d = defaults::knowledge();
        match raw {
            None => d,
            Some(k) => {
                if let Some(h) = &k.sync_hours_per_week {
                    self.err(
                        &h.span(),
                        "knowledge.sync_hours_per_week is no longer an input: each group's sync \
                         hours are now the demand of keeping knowledge.target against \
                         deployments, capped by groups.<group>.sync_share of its time; remove \
                         this table (docs/model.md, \"Knowledge sync as demand\")"
                            .into(),
                    );
                }
                Knowledge {
                    erosion_per_deploy: self.probability(
                        &k.erosion_per_deploy,
                        "knowledge.erosion_per_deploy",
                        d.erosion_per_deploy,
                    ),
                    sync_effect_per_hour: self.number(
                        &k.sync_effect_per_hour,
                        "knowledge.sync_effect_per_hour",
                        d.sync_effect_per_hour,
                        0.0,
                        10.0,
                        "an effect between 0 and 10 per hour",
                    ),
                    sync_attendees: self.count(
                        &k.sync_attendees,
                        "knowledge.sync_attendees",
                        d.sync_attendees,
                        1,
                    ),
                    target: self.probability(&k.target, "knowledge.target", d.target),
                    start: self.choice(
                        k.start.as_ref(),
                        "knowledge.start",
                        &KnowledgeStart::VALUES,
                        d.start,
                    ),
                }
            }
        }
    }

    /// `[workarounds]`.
    fn workarounds(&mut self, raw: Option<&WorkaroundsFile>) -> Workarounds {
        let d = defaults::workarounds();
        match raw {
            None => d,
            Some(w) => Workarounds {
                threshold_hours: match &w.threshold {
                    None => d.threshold_hours,
                    Some(t) => self
                        .duration(t, "workarounds.threshold")
                        .unwrap_or(d.threshold_hours),
                },
                probability: self.probability(
                    &w.probability,
                    "workarounds.probability",
                    d.probability,
                ),
                effort: self.dist(w.effort.as_ref(), "workarounds.effort", d.effort),
                conflict_probability: self.probability(
                    &w.conflict_probability,
                    "workarounds.conflict_probability",
                    d.conflict_probability,
                ),
                lifetime: self.dist(w.lifetime.as_ref(), "workarounds.lifetime", d.lifetime),
                on_conflict: self.choice(
                    w.on_conflict.as_ref(),
                    "workarounds.on_conflict",
                    &OnConflict::VALUES,
                    d.on_conflict,
                ),
            },
        }
    }

    /// `[error_budget]`: the freeze, its window and the models that enforce it.
    fn error_budget(&mut self, raw: Option<&ErrorBudgetFile>) -> ErrorBudget {
        let d = defaults::error_budget();
        match raw {
            None => d,
            Some(e) => ErrorBudget {
                freeze: e.freeze.as_ref().map_or(d.freeze, |f| *f.get_ref()),
                freeze_deploy_share: self.probability(
                    &e.freeze_deploy_share,
                    "error_budget.freeze_deploy_share",
                    d.freeze_deploy_share,
                ),
                window: match &e.window {
                    None => d.window,
                    Some(w) if w.get_ref().trim() == "quarter" => BudgetWindow::Quarter,
                    Some(w) => match parse_duration_hours(w.get_ref()) {
                        Ok(h) if h >= crate::units::HOURS_PER_WEEK => BudgetWindow::Rolling(h),
                        Ok(_) => {
                            self.err(
                                &w.span(),
                                format!(
                                    "error_budget.window = \"{}\" is shorter than the week at whose end budgets are checked; use at least \"1w\", or \"quarter\"",
                                    w.get_ref()
                                ),
                            );
                            d.window
                        }
                        Err(msg) => {
                            self.err(
                                &w.span(),
                                format!("error_budget.window = {msg}, or \"quarter\""),
                            );
                            d.window
                        }
                    },
                },
                models: match &e.models {
                    None => d.models,
                    Some(list) => {
                        let mut out = Vec::new();
                        for m in list.get_ref() {
                            match m.get_ref().parse::<ModelKind>() {
                                Ok(k) if !out.contains(&k) => out.push(k),
                                Ok(_) => self.err(
                                    &m.span(),
                                    format!(
                                        "error_budget.models: model \"{}\" is listed twice",
                                        m.get_ref()
                                    ),
                                ),
                                Err(msg) => {
                                    self.err(&m.span(), format!("error_budget.models: {msg}"))
                                }
                            }
                        }
                        out
                    }
                },
                held_changes: self.choice(
                    e.held_changes.as_ref(),
                    "error_budget.held_changes",
                    &HeldChanges::VALUES,
                    d.held_changes,
                ),
            },
        }
    }
}
