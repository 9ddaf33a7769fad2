//! The organisation: `[[teams]]`, `[[services]]` (each owned by one team, built over
//! `[service_defaults]`) and the `depends_on` graph with its cross-team shares.

use std::collections::HashMap;

use super::super::file::{S, ScenarioFile, ServiceFile};
use super::super::{Service, Support, Team, TeamSetup};
use super::{Ctx, MAX_SERVICES, defaults, not_defined};

impl Ctx<'_> {
    /// A service's `runner` must be one of its `allowed_runners`: the problem is placed at
    /// the `runner` that breaks the rule (the service's own, else the defaults'), or at the
    /// list when the runner is the owners by default.
    fn check_runner_allowed(
        &mut self,
        sf: &ServiceFile,
        defaults: Option<&ServiceFile>,
        svc: &Service,
    ) {
        if svc.allowed_runners.is_empty() || svc.allowed_runners.contains(&svc.runner) {
            return;
        }
        let place = sf
            .runner
            .as_ref()
            .or(defaults.and_then(|d| d.runner.as_ref()))
            .map(|r| r.span())
            .or(sf.allowed_runners.as_ref().map(|a| a.span()))
            .or(defaults.and_then(|d| d.allowed_runners.as_ref().map(|a| a.span())))
            .unwrap_or(0..0);
        let allowed: Vec<&str> = svc.allowed_runners.iter().map(|r| r.key()).collect();
        self.err(
            &place,
            format!(
                "service \"{}\": runner = \"{}\" is not among its allowed_runners ({}); name one of those, or allow it",
                svc.name,
                svc.runner,
                allowed.join(", ")
            ),
        );
    }

    /// Teams and their services; teams without a set-up of their own take
    /// `you_run_setup`.
    pub(super) fn organisation(
        &mut self,
        raw: &ScenarioFile,
        you_run_setup: TeamSetup,
        support: &Support,
    ) -> (Vec<Team>, Vec<Service>) {
        let mut teams: Vec<Team> = Vec::new();
        let mut team_setups = Vec::new();
        let mut team_index = HashMap::new();
        // Domains by name, numbered in order of first mention; a team naming none is a
        // domain of its own (its own rota out of hours, as before domains).
        let mut domain_index: HashMap<String, usize> = HashMap::new();
        for t in &raw.teams {
            let t_ref = t.get_ref();
            let name = t_ref.name.get_ref().clone();
            if team_index.insert(name.clone(), teams.len()).is_some() {
                self.err(
                    &t_ref.name.span(),
                    format!("team \"{name}\" is defined twice"),
                );
            }
            let headcount = self.count(&t_ref.headcount, "headcount", defaults::TEAM_HEADCOUNT, 1);
            let domain_name = t_ref.domain.as_ref().map_or_else(
                || format!("team {name}"),
                |d| format!("domain {}", d.get_ref()),
            );
            let next = domain_index.len();
            let domain = *domain_index.entry(domain_name).or_insert(next);
            teams.push(Team {
                name,
                headcount,
                domain,
                // Each team's own set-up is read below, once every team is known.
                setup: you_run_setup,
            });
            team_setups.push(t_ref.setup.clone());
        }

        for (team, setup) in teams.iter_mut().zip(&team_setups) {
            team.setup = self.setup(setup, "setup", you_run_setup);
        }
        let base = self.service_defaults(raw.service_defaults.as_ref());
        let (base_hours, base_rota) = raw
            .service_defaults
            .as_ref()
            .map_or((None, None), |d| self.support_words(d));
        let mut services = Vec::new();
        let mut names = HashMap::new();
        for s in &raw.services {
            let sf = s.get_ref();
            let Some(name) = &sf.name else {
                self.err(&s.span(), "a service needs a name".into());
                continue;
            };
            if names.insert(name.get_ref().clone(), ()).is_some() {
                self.err(
                    &name.span(),
                    format!("service \"{}\" is defined twice", name.get_ref()),
                );
            }
            let team = match &sf.team {
                None => {
                    self.err(
                        &name.span(),
                        format!(
                            "service \"{}\" needs a team (one of the [[teams]])",
                            name.get_ref()
                        ),
                    );
                    0
                }
                Some(t) => match team_index.get(t.get_ref()) {
                    Some(i) => *i,
                    None => {
                        let known: Vec<String> = teams.iter().map(|t| t.name.clone()).collect();
                        self.err(
                            &t.span(),
                            format!(
                                "team = {}",
                                not_defined(t.get_ref(), "team", &known, "none; add [[teams]]")
                            ),
                        );
                        0
                    }
                },
            };
            let mut svc = self.service(sf, name.get_ref().clone(), team, &base);
            // Support hours and rota: as stated, else by the availability target
            // (defaults::support).
            let (hours, rota) = self.support_words(sf);
            let (by_target_hours, by_target_rota) = support.by_target(svc.availability_target);
            svc.support = hours.or(base_hours).unwrap_or(by_target_hours);
            svc.rota = rota.or(base_rota).unwrap_or(by_target_rota);
            self.check_runner_allowed(sf, raw.service_defaults.as_ref(), &svc);
            services.push(svc);
        }
        self.resolve_dependencies(&raw.services, &mut services);
        if raw.services.len() > MAX_SERVICES {
            self.err(
                &raw.services[MAX_SERVICES].span(),
                format!(
                    "the scenario defines {} services; at most {MAX_SERVICES} are supported",
                    raw.services.len()
                ),
            );
        }
        if raw.services.is_empty() {
            self.err(
                &(0..0),
                "the scenario defines no [[services]]; add at least one".into(),
            );
        }
        (teams, services)
    }

    /// Resolves `depends_on` names and the cross-team share once all services are known.
    fn resolve_dependencies(&mut self, raw: &[S<ServiceFile>], services: &mut [Service]) {
        let index: HashMap<String, usize> = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        let named: Vec<&ServiceFile> = raw
            .iter()
            .map(|s| s.get_ref())
            .filter(|s| s.name.is_some())
            .collect();
        for (i, sf) in named.iter().enumerate() {
            for dep in sf.depends_on.iter().flatten() {
                match index.get(dep.get_ref()) {
                    Some(&j) if j == i => self.err(
                        &dep.span(),
                        format!("service \"{}\" cannot depend on itself", dep.get_ref()),
                    ),
                    Some(&j) => services[i].depends_on.push(j),
                    None => {
                        let known: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
                        self.err(
                            &dep.span(),
                            format!(
                                "depends_on: {}",
                                not_defined(dep.get_ref(), "service", &known, "none")
                            ),
                        );
                    }
                }
            }
        }
        // Whether another team's service depends on each service: one pass over the
        // edges, so validation stays linear in the number of services.
        let mut needed_by_other_team = vec![false; services.len()];
        for s in services.iter() {
            for &d in &s.depends_on {
                if services[d].team != s.team {
                    needed_by_other_team[d] = true;
                }
            }
        }
        for (i, sf) in named.iter().enumerate() {
            let cross = {
                let team = services[i].team;
                services[i]
                    .depends_on
                    .iter()
                    .any(|d| services[*d].team != team)
                    || needed_by_other_team[i]
            };
            services[i].cross_team_share = match (&sf.cross_team_share, cross) {
                (Some(v), true) => self.probability(&Some(v.clone()), "cross_team_share", 0.0),
                (Some(v), false) => {
                    self.err(&v.span(), "cross_team_share needs a cross-team dependency (depends_on a service of another team, or depended on by one)".into());
                    0.0
                }
                (None, true) => defaults::CROSS_TEAM_SHARE,
                (None, false) => 0.0,
            };
        }
    }

    /// `[service_defaults]` over the built-in service defaults.
    fn service_defaults(&mut self, d: Option<&ServiceFile>) -> Service {
        let base = defaults::service();
        match d {
            None => base,
            Some(d) => self.service(d, String::new(), 0, &base),
        }
    }
}
