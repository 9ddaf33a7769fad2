//! Who responds and how: the `[response]` mechanics common to every model (paging,
//! diagnosis, escalation, shifts) and the responder groups `[groups.dev]`,
//! `[groups.sre]` and `[groups.ops]`.

use super::super::file::{GroupFile, GroupsFile, ResponseFile};
use super::super::{Charging, Funding, Group, Groups, QueueOrder, Response};
use super::{Ctx, defaults};

impl Ctx<'_> {
    /// `[response]`, each key defaulted on its own.
    pub(super) fn response(&mut self, raw: Option<&ResponseFile>) -> Response {
        let d = defaults::response();
        match raw {
            None => d,
            Some(r) => Response {
                acknowledge: self.dist(
                    r.acknowledge.as_ref(),
                    "response.acknowledge",
                    d.acknowledge,
                ),
                prioritisation: self.dist(
                    r.prioritisation.as_ref(),
                    "response.prioritisation",
                    d.prioritisation,
                ),
                diagnosis_penalty: self.number(
                    &r.diagnosis_penalty,
                    "response.diagnosis_penalty",
                    d.diagnosis_penalty,
                    0.0,
                    100.0,
                    "a penalty between 0 and 100",
                ),
                max_escalation_probability: self.probability(
                    &r.max_escalation_probability,
                    "response.max_escalation_probability",
                    d.max_escalation_probability,
                ),
                cross_team_detection_factor: self.number(
                    &r.cross_team_detection_factor,
                    "response.cross_team_detection_factor",
                    d.cross_team_detection_factor,
                    0.0,
                    1e6,
                    "a factor >= 0",
                ),
                triage_fraction: self.probability(
                    &r.triage_fraction,
                    "response.triage_fraction",
                    d.triage_fraction,
                ),
                shift_hours: self.positive_duration(
                    &r.shift_length,
                    "response.shift_length",
                    d.shift_hours,
                ),
                queue: self.choice(
                    r.queue.as_ref(),
                    "response.queue",
                    &QueueOrder::VALUES,
                    d.queue,
                ),
                swarm_min_impact: {
                    let at_least = self.probability(
                        &r.swarm_min_impact,
                        "response.swarm_min_impact",
                        d.swarm_min_impact
                            .unwrap_or(defaults::DEFAULT_SWARM_MIN_IMPACT),
                    );
                    let on = r
                        .swarm
                        .as_ref()
                        .map_or(d.swarm_min_impact.is_some(), |s| *s.get_ref());
                    on.then_some(at_least)
                },
                concurrent_oncall: self.count(
                    &r.concurrent_oncall,
                    "response.concurrent_oncall",
                    d.concurrent_oncall,
                    1,
                ),
                secondary: r.secondary.as_ref().map_or(d.secondary, |s| *s.get_ref()),
            },
        }
    }

    /// `[groups.dev]`, `[groups.sre]` and `[groups.ops]`, each from its own defaults, with
    /// `concurrent` (`response.concurrent_oncall`) people on call in every rota unless the
    /// group states its own.
    pub(super) fn groups(&mut self, g: Option<&GroupsFile>, concurrent: u32) -> Groups {
        Groups {
            dev: self.group(
                g.and_then(|g| g.dev.as_ref()),
                "dev",
                defaults::dev(concurrent),
            ),
            sre: self.group(
                g.and_then(|g| g.sre.as_ref()),
                "sre",
                defaults::sre(concurrent),
            ),
            ops: self.group(
                g.and_then(|g| g.ops.as_ref()),
                "ops",
                defaults::ops(concurrent),
            ),
        }
    }

    /// `groups.<name>.headcount`: the people of a dedicated function, at least as many as
    /// it has on call at once; developers are counted per team instead.
    fn headcount(&mut self, g: &GroupFile, name: &str, concurrent: u32) -> Option<u32> {
        let v = g.headcount.as_ref()?;
        if name == "dev" {
            self.err(
                &v.span(),
                "groups.dev.headcount is not a key of the developers: state each team's \
                 developers with teams.*.headcount"
                    .to_string(),
            );
            return None;
        }
        let key = format!("groups.{name}.headcount");
        let n = self.count(&g.headcount, &key, concurrent.max(1), 1);
        if n < concurrent {
            self.err(
                &v.span(),
                format!(
                    "{key} = {n} is fewer than the {concurrent} people on call at once \
                     (groups.{name}.concurrent_oncall or response.concurrent_oncall); state \
                     at least {concurrent}"
                ),
            );
        }
        Some(n)
    }

    /// One responder group's table over its defaults `d`.
    fn group(&mut self, g: Option<&GroupFile>, name: &str, d: Group) -> Group {
        let Some(g) = g else { return d };
        let concurrent_oncall = self.count(
            &g.concurrent_oncall,
            &format!("groups.{name}.concurrent_oncall"),
            d.concurrent_oncall,
            1,
        );
        Group {
            headcount: self.headcount(g, name, concurrent_oncall),
            concurrent_oncall,
            knowledge: self.probability(
                &g.knowledge,
                &format!("groups.{name}.knowledge"),
                d.knowledge,
            ),
            telemetry_delay_factor: self.number(
                &g.telemetry_delay_factor,
                &format!("groups.{name}.telemetry_delay_factor"),
                d.telemetry_delay_factor,
                0.0,
                1e6,
                "a factor >= 0",
            ),
            routing: self.dist(
                g.routing.as_ref(),
                &format!("groups.{name}.routing"),
                d.routing,
            ),
            salary: self.money(&g.salary, &format!("groups.{name}.salary"), d.salary),
            knowledge_floor: self.probability(
                &g.knowledge_floor,
                &format!("groups.{name}.knowledge_floor"),
                d.knowledge_floor,
            ),
            production_access: g
                .production_access
                .as_ref()
                .map_or(d.production_access, |b| *b.get_ref()),
            estate_services: g.estate_services.as_ref().map(|_| {
                self.count(
                    &g.estate_services,
                    &format!("groups.{name}.estate_services"),
                    defaults::ESTATE_SERVICES_STAND_IN,
                    1,
                )
            }),
            charging: self.choice(
                g.charging.as_ref(),
                &format!("groups.{name}.charging"),
                &[("pro-rata", Charging::ProRata), ("full", Charging::Full)],
                d.charging,
            ),
            sync_share: self.probability(
                &g.sync_share,
                &format!("groups.{name}.sync_share"),
                d.sync_share,
            ),
            funding: match &g.funding {
                None => d.funding,
                Some(f) => match f.get_ref().to_ascii_uppercase().as_str() {
                    "CAPEX" => Funding::Capex,
                    "OPEX" => Funding::Opex,
                    other => {
                        self.err(
                            &f.span(),
                            format!(
                                "groups.{name}.funding = \"{other}\" is not valid (CAPEX, OPEX)"
                            ),
                        );
                        d.funding
                    }
                },
            },
        }
    }
}
