//! The long-run mechanisms: `[learning]` (follow-up work after incidents), `[telemetry]`
//! (that follows its builders' use), `[cascades]` (along `depends_on`) and `[handoff]`
//! (escalations across team boundaries). Each has a setting that turns it off and leaves
//! every result as the stationary model gives it (docs/model.md §13).

use super::super::file::{CascadesFile, HandoffFile, LearningFile, ScenarioFile, TelemetryFile};
use super::super::{Cascades, Handoff, Learning, Telemetry};
use super::{Ctx, defaults};

/// The long-run sections of a scenario, validated together.
pub(super) struct LongRun {
    pub(super) learning: Learning,
    pub(super) telemetry: Telemetry,
    pub(super) cascades: Cascades,
    pub(super) handoff: Handoff,
}

impl Ctx<'_> {
    /// `[learning]`, `[telemetry]`, `[cascades]` and `[handoff]`, in that order.
    pub(super) fn long_run(&mut self, raw: &ScenarioFile) -> LongRun {
        LongRun {
            learning: self.learning(raw.learning.as_ref()),
            telemetry: self.telemetry(raw.telemetry.as_ref()),
            cascades: self.cascades(raw.cascades.as_ref()),
            handoff: self.handoff(raw.handoff.as_ref()),
        }
    }

    fn learning(&mut self, raw: Option<&LearningFile>) -> Learning {
        let d = defaults::learning();
        let Some(l) = raw else { return d };
        let floor = self.number(
            &l.floor,
            "learning.floor",
            d.floor,
            0.0,
            1.0,
            "a share of the written rate between 0 and 1",
        );
        Learning {
            incentive: self.number(
                &l.incentive,
                "learning.incentive",
                d.incentive,
                0.0,
                10.0,
                "a strength between 0 (off) and 10",
            ),
            done_when_felt: self.probability(
                &l.done_when_felt,
                "learning.done_when_felt",
                d.done_when_felt,
            ),
            done_when_woken: self.probability(
                &l.done_when_woken,
                "learning.done_when_woken",
                d.done_when_woken,
            ),
            done_when_handed_off: self.probability(
                &l.done_when_handed_off,
                "learning.done_when_handed_off",
                d.done_when_handed_off,
            ),
            done_when_frozen: self.probability(
                &l.done_when_frozen,
                "learning.done_when_frozen",
                d.done_when_frozen,
            ),
            delay: self.dist(l.delay.as_ref(), "learning.delay", d.delay),
            handed_off_delay_factor: self.number(
                &l.handed_off_delay_factor,
                "learning.handed_off_delay_factor",
                d.handed_off_delay_factor,
                1.0,
                100.0,
                "a factor between 1 and 100",
            ),
            effort_hours: match &l.effort {
                None => d.effort_hours,
                Some(v) => match self.duration(v, "learning.effort") {
                    Some(h) if h >= 0.0 => h,
                    Some(_) => {
                        self.err(
                            &v.span(),
                            "learning.effort must not be negative, e.g. \"8h\"".into(),
                        );
                        d.effort_hours
                    }
                    None => d.effort_hours,
                },
            },
            step: self.probability(&l.step, "learning.step", d.step),
            floor,
            drift_per_year: self.probability(
                &l.drift_per_year,
                "learning.drift_per_year",
                d.drift_per_year,
            ),
        }
    }

    fn telemetry(&mut self, raw: Option<&TelemetryFile>) -> Telemetry {
        let d = defaults::telemetry();
        let Some(t) = raw else { return d };
        Telemetry {
            best: self.number(
                &t.best,
                "telemetry.best",
                d.best,
                0.01,
                1.0,
                "a multiplier between 0.01 and 1 (1: no better than today)",
            ),
            worst: self.number(
                &t.worst,
                "telemetry.worst",
                d.worst,
                1.0,
                100.0,
                "a multiplier between 1 and 100 (1: no worse than today)",
            ),
            use_step: self.probability(&t.use_step, "telemetry.use_step", d.use_step),
            decay_per_year: self.probability(
                &t.decay_per_year,
                "telemetry.decay_per_year",
                d.decay_per_year,
            ),
        }
    }

    fn cascades(&mut self, raw: Option<&CascadesFile>) -> Cascades {
        let d = defaults::cascades();
        let Some(c) = raw else { return d };
        Cascades {
            probability: self.probability(&c.probability, "cascades.probability", d.probability),
            resilience: self.probability(&c.resilience, "cascades.resilience", d.resilience),
            step: self.probability(&c.step, "cascades.step", d.step),
            delay_hours: match &c.delay {
                None => d.delay_hours,
                Some(v) => match self.duration(v, "cascades.delay") {
                    Some(h) if h >= 0.0 => h,
                    Some(_) => {
                        self.err(
                            &v.span(),
                            "cascades.delay must not be negative, e.g. \"5m\"".into(),
                        );
                        d.delay_hours
                    }
                    None => d.delay_hours,
                },
            },
        }
    }

    fn handoff(&mut self, raw: Option<&HandoffFile>) -> Handoff {
        let d = defaults::handoff();
        let Some(h) = raw else { return d };
        Handoff {
            delay: self.dist(h.delay.as_ref(), "handoff.delay", d.delay),
            effort_factor: self.number(
                &h.effort_factor,
                "handoff.effort_factor",
                d.effort_factor,
                1.0,
                100.0,
                "a factor between 1 and 100 (1: no extra effort)",
            ),
        }
    }
}
