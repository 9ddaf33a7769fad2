//! The tables that tune one model each: `[sre_run]`, `[you_and_sre_run]`, `[you_run]` (and
//! the team set-ups it names), `[ops_sometimes_run]` and `[you_run_ops_monitors]`.

use super::super::file::{
    OpsSometimesRunFile, S, SreRunFile, YouAndSreRunFile, YouRunFile, YouRunOpsMonitorsFile,
};
use super::super::{
    Charging, DevEscalation, OpsSometimesRun, SreRun, TeamSetup, YouAndSreRun, YouRun,
    YouRunOpsMonitors,
};
use super::{Ctx, defaults};

impl Ctx<'_> {
    /// `[sre_run]`: candidates, escalation, hand-back and readiness by evidence.
    pub(super) fn sre_run(&mut self, r: Option<&SreRunFile>) -> SreRun {
        let d = defaults::sre_run();
        let min_availability_target = self.target(
            &r.and_then(|r| r.min_availability_target.clone()),
            "sre_run.min_availability_target",
            d.min_availability_target,
            (0.0, 1.0),
        );
        let dev_escalation = self.choice(
            r.and_then(|r| r.dev_escalation.as_ref()),
            "sre_run.dev_escalation",
            &[
                ("business-hours", DevEscalation::BusinessHours),
                ("on-call", DevEscalation::OnCall),
            ],
            d.dev_escalation,
        );
        SreRun {
            min_availability_target,
            dev_escalation,
            handback_after_quarters: self.count(
                &r.and_then(|r| r.handback_after_quarters.clone()),
                "sre_run.handback_after_quarters",
                d.handback_after_quarters,
                1,
            ),
            substantial_traffic: self.number(
                &r.and_then(|r| r.substantial_traffic.clone()),
                "sre_run.substantial_traffic",
                d.substantial_traffic,
                0.0,
                1e15,
                "a traffic level of 0 or more, in the unit of the services' traffic",
            ),
            critical_traffic: self.number(
                &r.and_then(|r| r.critical_traffic.clone()),
                "sre_run.critical_traffic",
                d.critical_traffic,
                0.0,
                1e15,
                "a traffic level of 0 or more, in the unit of the services' traffic",
            ),
            review_hours: match r.and_then(|r| r.review_effort.as_ref()) {
                None => d.review_hours,
                Some(v) => match self.duration(v, "sre_run.review_effort") {
                    Some(h) if h >= 0.0 => h,
                    Some(_) => {
                        self.err(
                            &v.span(),
                            "sre_run.review_effort must not be negative, e.g. \"40h\"".into(),
                        );
                        d.review_hours
                    }
                    None => d.review_hours,
                },
            },
            review_pass_probability: self.probability(
                &r.and_then(|r| r.review_pass_probability.clone()),
                "sre_run.review_pass_probability",
                d.review_pass_probability,
            ),
            evidence_quarters: match r.and_then(|r| r.evidence_quarters.clone()) {
                Some(v) => self.count(
                    &Some(v),
                    "sre_run.evidence_quarters",
                    d.evidence_quarters,
                    1,
                ),
                None => self.count(
                    &r.and_then(|r| r.readmit_after_quarters.clone()),
                    "sre_run.readmit_after_quarters",
                    d.evidence_quarters,
                    1,
                ),
            },
        }
    }

    /// `[you_and_sre_run]`; its shifts are `response_shift_hours` long unless it says.
    pub(super) fn you_and_sre_run(
        &mut self,
        r: Option<&YouAndSreRunFile>,
        response_shift_hours: f64,
    ) -> YouAndSreRun {
        let d = defaults::you_and_sre_run(response_shift_hours);
        let shift_hours = self.positive_duration(
            &r.and_then(|r| r.shift_length.clone()),
            "you_and_sre_run.shift_length",
            d.shift_hours,
        );
        YouAndSreRun {
            sre_shift_share: self.probability(
                &r.and_then(|r| r.sre_shift_share.clone()),
                "you_and_sre_run.sre_shift_share",
                d.sre_shift_share,
            ),
            shift_hours,
        }
    }

    /// `[you_run]`: the default team set-up and the embedded SRE.
    pub(super) fn you_run(&mut self, y: Option<&YouRunFile>) -> YouRun {
        let d = defaults::you_run();
        YouRun {
            setup: self.setup(&y.and_then(|y| y.setup.clone()), "you_run.setup", d.setup),
            embedded_sre_knowledge: self.probability(
                &y.and_then(|y| y.embedded_sre_knowledge.clone()),
                "you_run.embedded_sre_knowledge",
                d.embedded_sre_knowledge,
            ),
            embedded_sre_shift_share: self.probability(
                &y.and_then(|y| y.embedded_sre_shift_share.clone()),
                "you_run.embedded_sre_shift_share",
                d.embedded_sre_shift_share,
            ),
        }
    }

    /// A team set-up of `you-run` by its word, or `default`.
    pub(super) fn setup(
        &mut self,
        v: &Option<S<String>>,
        name: &str,
        default: TeamSetup,
    ) -> TeamSetup {
        self.choice(
            v.as_ref(),
            name,
            &[
                ("devs-rotate", TeamSetup::DevsRotate),
                ("embedded-sre", TeamSetup::EmbeddedSre),
                ("sre-and-devs", TeamSetup::SreAndDevs),
            ],
            default,
        )
    }

    /// `[ops_sometimes_run]`: which services stay with their developers.
    pub(super) fn ops_sometimes_run(&mut self, o: Option<&OpsSometimesRunFile>) -> OpsSometimesRun {
        let d = defaults::ops_sometimes_run();
        OpsSometimesRun {
            min_availability_target: self.target(
                &o.and_then(|o| o.min_availability_target.clone()),
                "ops_sometimes_run.min_availability_target",
                d.min_availability_target,
                (0.0, 1.0),
            ),
        }
    }

    /// `[you_run_ops_monitors]`: ops seats watching cross-team workflows, and how fast
    /// they see an incident.
    pub(super) fn you_run_ops_monitors(
        &mut self,
        m: Option<&YouRunOpsMonitorsFile>,
    ) -> YouRunOpsMonitors {
        let d = defaults::you_run_ops_monitors();
        YouRunOpsMonitors {
            ops_seats: self.count(
                &m.and_then(|m| m.ops_seats.clone()),
                "you_run_ops_monitors.ops_seats",
                d.ops_seats,
                0,
            ),
            detection: self.dist(
                m.and_then(|m| m.detection.as_ref()),
                "you_run_ops_monitors.detection",
                d.detection,
            ),
            charging: m.and_then(|m| m.charging.as_ref()).map(|c| {
                self.choice(
                    Some(c),
                    "you_run_ops_monitors.charging",
                    &[("pro-rata", Charging::ProRata), ("full", Charging::Full)],
                    Charging::ProRata,
                )
            }),
        }
    }
}
