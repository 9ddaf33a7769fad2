//! One service's keys — `[[services]]` and `[service_defaults]` take the same ones:
//! availability target, incident and deployment rates, efforts, detection, severity
//! classes and the hour-of-week arrival profile.

use super::super::file::{S, ServiceFile};
use super::super::{Service, Severity};
use super::Ctx;
use crate::dist::Dist;
use crate::model::Runner;
use crate::units::parse_rate_per_hour;

impl Ctx<'_> {
    /// One service's keys over `base` (the service defaults).
    pub(super) fn service(
        &mut self,
        s: &ServiceFile,
        name: String,
        team: usize,
        base: &Service,
    ) -> Service {
        let availability_target = self.target(
            &s.availability_target,
            "availability_target",
            base.availability_target,
            (0.5, 0.999_999_9),
        );
        let background_rate_per_hour = match &s.background_incidents {
            None => base.background_rate_per_hour,
            Some(r) => parse_rate_per_hour(r.get_ref()).unwrap_or_else(|e| {
                self.err(&r.span(), format!("background_incidents = {e}"));
                0.0
            }),
        };
        let severities = self.severities(s, base);
        let arrival_profile = self.arrival_profile(s, base);
        Service {
            name,
            team,
            availability_target,
            background_rate_per_hour,
            deploys_per_week: self.number(
                &s.deploys_per_week,
                "deploys_per_week",
                base.deploys_per_week,
                0.0,
                10_000.0,
                "a number of deployments per week between 0 and 10000",
            ),
            change_failure_rate: self.probability(
                &s.change_failure_rate,
                "change_failure_rate",
                base.change_failure_rate,
            ),
            revenue_per_hour: self.money(
                &s.revenue_per_hour,
                "revenue_per_hour",
                base.revenue_per_hour,
            ),
            effort: self.dist(s.effort.as_ref(), "effort", base.effort.clone()),
            change_effort: self.dist(
                s.change_effort.as_ref(),
                "change_effort",
                base.change_effort.clone(),
            ),
            rollback_effort: match s.rollback_effort.as_ref() {
                Some(_) => Some(self.dist(
                    s.rollback_effort.as_ref(),
                    "rollback_effort",
                    Dist::Constant(0.0),
                )),
                None => base.rollback_effort.clone(),
            },
            detection: self.dist(s.detection.as_ref(), "detection", base.detection.clone()),
            severities,
            arrival_profile,
            deploy_in_business_hours: s
                .deploy_in_business_hours
                .as_ref()
                .map_or(base.deploy_in_business_hours, |b| *b.get_ref()),
            depends_on: Vec::new(),
            cross_team_share: 0.0,
            traffic: self.number(
                &s.traffic,
                "traffic",
                base.traffic,
                0.0,
                1e15,
                "a traffic level of 0 or more, in the scenario's own unit",
            ),
            traffic_growth: self.number(
                &s.traffic_growth,
                "traffic_growth",
                base.traffic_growth,
                -0.99,
                100.0,
                "a growth per year between -0.99 and 100 (0.25: a quarter more each year)",
            ),
            // Resolved by `organisation` (stated, `[service_defaults]`, or by target).
            support: base.support,
            rota: base.rota,
            runner: self.runner(s.runner.as_ref(), base.runner),
            allowed_runners: self.allowed_runners(s, base),
        }
    }

    /// `runner`: one of the runner words.
    fn runner(&mut self, v: Option<&S<String>>, default: Runner) -> Runner {
        let options = Runner::ALL.map(|r| (r.key(), r));
        self.choice(v, "runner", &options, default)
    }

    /// `allowed_runners`: runner words, at least one, each once; the stated `runner`
    /// must be among them.
    fn allowed_runners(&mut self, s: &ServiceFile, base: &Service) -> Vec<Runner> {
        let Some(list) = &s.allowed_runners else {
            return base.allowed_runners.clone();
        };
        let mut out: Vec<Runner> = Vec::new();
        for w in list.get_ref() {
            let r = self.runner(Some(w), Runner::Owners);
            if out.contains(&r) {
                self.err(
                    &w.span(),
                    format!("allowed_runners names \"{}\" twice", w.get_ref()),
                );
            }
            out.push(r);
        }
        if out.is_empty() {
            self.err(
                &list.span(),
                format!(
                    "allowed_runners is empty; name at least one of {}",
                    Runner::ALL.map(Runner::key).join(", ")
                ),
            );
        }
        out.sort();
        out.dedup();
        out
    }

    /// `severities`: at least one class, shares adding up to 1.
    fn severities(&mut self, s: &ServiceFile, base: &Service) -> Vec<Severity> {
        match &s.severities {
            None => base.severities.clone(),
            Some(list) => {
                let mut out = Vec::new();
                for sev in list.get_ref() {
                    let v = sev.get_ref();
                    let share = self.probability(&Some(v.share.clone()), "severities.share", 0.0);
                    let impact =
                        self.probability(&Some(v.impact.clone()), "severities.impact", 0.0);
                    out.push(Severity {
                        name: v.name.get_ref().clone(),
                        share,
                        impact,
                    });
                }
                let total: f64 = out.iter().map(|s| s.share).sum();
                if out.is_empty() {
                    self.err(
                        &list.span(),
                        "severities is empty; give at least one class, e.g. [{ name = \"major\", share = 1.0, impact = 1.0 }]".into(),
                    );
                    base.severities.clone()
                } else {
                    // Shares written as decimals rarely sum to exactly 1 in binary; a
                    // millionth either way is the same total to anyone reading the file.
                    if (total - 1.0).abs() > 1e-6 {
                        let span = list.get_ref().first().map_or(list.span(), |s| s.span());
                        let shown = format!("{total:.6}");
                        let shown = shown.trim_end_matches('0').trim_end_matches('.');
                        self.err(
                            &span,
                            format!("severities: shares add up to {shown}, they must add up to 1"),
                        );
                    }
                    out
                }
            }
        }
    }

    /// `arrival_profile`: 24 or 168 weights, spread over the week and scaled to a mean of 1.
    fn arrival_profile(&mut self, s: &ServiceFile, base: &Service) -> Option<Vec<f64>> {
        match &s.arrival_profile {
            None => base.arrival_profile.clone(),
            Some(p) => {
                let v: Vec<f64> = p.get_ref().iter().map(|x| *x.get_ref()).collect();
                if v.len() != 168 && v.len() != 24 {
                    self.err(&p.span(), format!("arrival_profile has {} weights; give 24 (one per hour of day) or 168 (one per hour of week, Monday 00:00 first)", v.len()));
                    None
                } else if v.iter().any(|x| !(x.is_finite() && *x >= 0.0))
                    || v.iter().all(|x| *x == 0.0)
                {
                    self.err(
                        &p.span(),
                        "arrival_profile weights must be >= 0 and not all zero".into(),
                    );
                    None
                } else {
                    let week: Vec<f64> = (0..168).map(|h| v[h % v.len()]).collect();
                    let mean = week.iter().sum::<f64>() / 168.0;
                    Some(week.into_iter().map(|x| x / mean).collect())
                }
            }
        }
    }
}
