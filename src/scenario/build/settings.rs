//! The run's settings at the top of a scenario file — `name`, `horizon`, `warmup`,
//! `replications`, `seed`, `models`, `reference_model` — and its `[calendar]`.

use super::super::file::{CalendarFile, ScenarioFile};
use super::{Ctx, MAX_HORIZON_HOURS, defaults};
use crate::calendar::Calendar;
use crate::model::ModelKind;

/// The run's settings, validated.
pub(super) struct Settings {
    pub(super) name: String,
    pub(super) horizon_hours: f64,
    pub(super) warmup_hours: f64,
    pub(super) replications: u32,
    pub(super) seed: u64,
    pub(super) models: Vec<ModelKind>,
    pub(super) reference: ModelKind,
    pub(super) calendar: Calendar,
}

impl Ctx<'_> {
    /// The top-level settings and the calendar, in the order they are checked.
    pub(super) fn settings(&mut self, raw: &ScenarioFile, file: &str) -> Settings {
        let name = self.name(raw, file);
        let (horizon_hours, warmup_hours) = self.horizon_and_warmup(raw);
        let replications = self.count(&raw.replications, "replications", defaults::REPLICATIONS, 2);
        let seed = match &raw.seed {
            None => defaults::SEED,
            Some(s) => u64::try_from(*s.get_ref()).unwrap_or_else(|_| {
                self.err(
                    &s.span(),
                    format!("seed = {} must be a whole number >= 0", s.get_ref()),
                );
                defaults::SEED
            }),
        };
        let models = self.models(raw);
        let reference = self.reference(raw, &models);
        let calendar = match &raw.calendar {
            None => defaults::calendar(),
            Some(c) => self.calendar(c),
        };
        Settings {
            name,
            horizon_hours,
            warmup_hours,
            replications,
            seed,
            models,
            reference,
            calendar,
        }
    }

    /// `name`, or the file's stem.
    fn name(&mut self, raw: &ScenarioFile, file: &str) -> String {
        let stem = defaults::name(file);
        match &raw.name {
            Some(n) if n.get_ref().trim().is_empty() => {
                self.err(&n.span(), "name is empty; give the scenario a name".into());
                stem
            }
            Some(n) => n.get_ref().clone(),
            None => stem,
        }
    }

    /// `horizon` and `warmup`, in hours; the warm-up must end before the horizon.
    fn horizon_and_warmup(&mut self, raw: &ScenarioFile) -> (f64, f64) {
        let mut horizon_hours =
            self.positive_duration(&raw.horizon, "horizon", defaults::HORIZON_HOURS);
        if horizon_hours > MAX_HORIZON_HOURS {
            if let Some(h) = &raw.horizon {
                self.err(
                    &h.span(),
                    format!(
                        "horizon = \"{}\" is longer than 1000 years, the longest a run can simulate; the usual horizon is a year or two",
                        h.get_ref()
                    ),
                );
            }
            horizon_hours = defaults::HORIZON_HOURS;
        }
        let mut warmup_hours = defaults::WARMUP_HOURS;
        if let Some(w) = &raw.warmup {
            match self.duration(w, "warmup") {
                Some(h) if h >= horizon_hours => {
                    let msg = format!(
                        "warmup = \"{}\" must be shorter than the horizon",
                        w.get_ref()
                    );
                    self.err(&w.span(), msg);
                }
                Some(h) => warmup_hours = h,
                None => {}
            }
        }
        (horizon_hours, warmup_hours)
    }

    /// `models`: each known, none twice, at least one.
    fn models(&mut self, raw: &ScenarioFile) -> Vec<ModelKind> {
        let Some(list) = &raw.models else {
            return defaults::models();
        };
        let mut out = Vec::new();
        for m in list.get_ref() {
            match m.get_ref().parse::<ModelKind>() {
                Ok(k) if out.contains(&k) => {
                    self.err(&m.span(), format!("model \"{k}\" is listed twice"))
                }
                Ok(k) => out.push(k),
                Err(e) => self.err(&m.span(), format!("models: {e}")),
            }
        }
        if list.get_ref().is_empty() {
            self.err(
                &list.span(),
                format!(
                    "models is empty; list at least one of {}",
                    ModelKind::valid_keys()
                ),
            );
        }
        out
    }

    /// `reference_model`: one of the models compared.
    fn reference(&mut self, raw: &ScenarioFile, models: &[ModelKind]) -> ModelKind {
        match &raw.reference_model {
            None => defaults::reference(models),
            Some(r) => match r.get_ref().parse::<ModelKind>() {
                Ok(k) if models.contains(&k) => k,
                Ok(k) => {
                    self.err(
                        &r.span(),
                        format!("reference_model = \"{k}\" is not among the models compared"),
                    );
                    k
                }
                Err(e) => {
                    self.err(&r.span(), format!("reference_model: {e}"));
                    defaults::REFERENCE_STAND_IN
                }
            },
        }
    }

    /// `[calendar]`: business hours and days, each defaulted on its own.
    fn calendar(&mut self, c: &CalendarFile) -> Calendar {
        let hours = c
            .business_hours
            .as_ref()
            .map_or(defaults::BUSINESS_HOURS, |s| s.get_ref().as_str());
        let days = c
            .business_days
            .as_ref()
            .map_or(defaults::BUSINESS_DAYS, |s| s.get_ref().as_str());
        Calendar::parse(hours, days).unwrap_or_else(|e| {
            let span = c
                .business_hours
                .as_ref()
                .or(c.business_days.as_ref())
                .map_or(0..0, |s| s.span());
            self.err(&span, format!("calendar: {e}"));
            defaults::calendar()
        })
    }
}
