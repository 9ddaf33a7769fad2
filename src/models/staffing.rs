//! Who a policy staffs and keeps on call. Dedicated headcount follows from on-call
//! guidance (a rota of at least `min_rota_size`, nobody on call more than
//! `max_oncall_share` of the time, 24/7 operations seats) and from the expected
//! first-responder load of the function's estate (at most `max_operational_load` of its
//! people's working time, or of its seats' time), unless the scenario states the
//! function's headcount; its cost, monitoring seats included, is charged to this
//! scenario's services pro rata (or in full). Who is on call is a function of who runs each service,
//! which may change during a run (`sre-run`'s readiness review).

use super::Policy;
use crate::scenario::{
    Charging, DevEscalation, GroupId, LoadBasis, Rota, Scenario, SupportHours, TeamSetup,
};
use crate::units::{HOURS_PER_WEEK, HOURS_PER_YEAR};

pub use crate::model::Runner;

impl Runner {
    /// The groups that answer first pages for a service this runner runs.
    pub fn l1_groups(self) -> &'static [GroupId] {
        match self {
            Runner::Owners => &[GroupId::Dev],
            Runner::SharedWithSre => &[GroupId::Dev, GroupId::Sre],
            Runner::Sre => &[GroupId::Sre],
            Runner::Ops => &[GroupId::Ops],
        }
    }

    /// Whether someone other than the owning developers answers some first pages.
    pub fn hands_over(self) -> bool {
        self != Runner::Owners
    }
}

/// Dedicated headcount of one policy (fixed for the run), and the share of each shared
/// function's cost charged to this scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Headcount {
    /// The central SRE team (the whole function, across its estate).
    pub sre_team: f64,
    /// SREs embedded in development teams (section 12.3 set-ups).
    pub embedded_sre: f64,
    /// Operations engineers (the whole function, across its estate).
    pub ops: f64,
    /// Of which operations engineers staffing monitoring seats for these services.
    pub ops_monitoring: f64,
    /// Share of the SRE team's cost charged to these services.
    pub sre_charged_share: f64,
    /// Share of the operations function's responder cost charged to these services.
    pub ops_charged_share: f64,
    /// Share of the monitoring seats' cost charged to these services.
    pub monitoring_charged_share: f64,
    /// Services in the estate each function serves (SRE, ops); 0 where it runs none here.
    pub estate_services: [f64; 2],
}

/// Expected first-responder hours per year `group` spends on `service`, from the
/// scenario's rates and mean efforts: used to size a shared function for its estate and to
/// warn of a rota that cannot keep up ([`super::settling::overloaded`]).
pub(super) fn expected_l1_hours(scenario: &Scenario, group: GroupId, service: usize) -> f64 {
    let s = &scenario.services[service];
    let g = scenario.groups.get(group);
    let background = s.background_rate_per_hour * HOURS_PER_YEAR;
    let changes = s.deploys_per_week * HOURS_PER_YEAR / HOURS_PER_WEEK * s.change_failure_rate;
    let penalty = 1.0 + scenario.response.diagnosis_penalty * (1.0 - g.knowledge);
    let change_work = if super::rolls_back(scenario, group) {
        s.rollback().mean()
    } else {
        s.change_effort.mean() * penalty
    };
    background * s.effort.mean() * penalty + changes * change_work
}

/// The share of a function serving `estate` services charged to the `here` of them in
/// this scenario.
fn charged_share(charging: Charging, here: f64, estate: f64) -> f64 {
    match charging {
        Charging::ProRata => here / estate,
        Charging::Full => 1.0,
    }
}

impl Headcount {
    /// The people `policy` needs for `scenario`.
    pub fn of(policy: &Policy, scenario: &Scenario) -> Headcount {
        let c = &scenario.costs;
        let g = &scenario.groups;
        let n = scenario.services.len();
        let rota = |concurrent: f64| {
            if concurrent <= 0.0 {
                0.0
            } else {
                (concurrent / c.max_oncall_share)
                    .ceil()
                    .max(f64::from(c.min_rota_size))
            }
        };
        // A function shared across an estate is sized for the estate's load (other services
        // assumed to load it like the average of these), with at least the configured seats.
        // Returns the seats, the people the load needs, the charged share and the estate.
        let shared = |group: GroupId, base_seats: f64, share_of_work: f64| {
            let mine = policy.services_of(scenario, group);
            if mine.is_empty() || base_seats <= 0.0 {
                return (0.0, 0.0, 0.0, 0.0);
            }
            let here = mine.len() as f64;
            let estate = scenario
                .groups
                .get(group)
                .estate_services
                .map_or(here, |e| f64::from(e).max(here));
            let load: f64 = mine
                .iter()
                .map(|&s| expected_l1_hours(scenario, group, s))
                .sum::<f64>()
                * share_of_work
                * estate
                / here;
            let share = charged_share(scenario.groups.get(group).charging, here, estate);
            match c.operational_load_basis {
                LoadBasis::SeatTime => {
                    let seats_for_load = load / (HOURS_PER_YEAR * c.max_operational_load);
                    (base_seats.max(seats_for_load), 0.0, share, estate)
                }
                LoadBasis::WorkingTime => {
                    let people = load / (c.working_hours_per_year * c.max_operational_load);
                    (base_seats, people.ceil(), share, estate)
                }
            }
        };
        // A headcount the scenario states replaces the sizing wherever the group responds.
        let people = |group: GroupId, seats: f64, sized: f64| {
            if seats <= 0.0 {
                0.0
            } else {
                g.get(group).headcount.map_or(sized, f64::from)
            }
        };
        let runs_shared_rota = (0..n).any(|s| {
            policy
                .possible_runners(scenario, s)
                .contains(&Runner::SharedWithSre)
        });
        let sre_share_of_work = if runs_shared_rota {
            scenario.you_and_sre_run.sre_shift_share
        } else {
            1.0
        };
        let (sre_seats, sre_for_load, sre_charged_share, sre_estate) = shared(
            GroupId::Sre,
            f64::from(g.sre.concurrent_oncall) * sre_share_of_work,
            sre_share_of_work,
        );
        let (ops_seats, ops_for_load, ops_charged_share, ops_estate) =
            shared(GroupId::Ops, f64::from(g.ops.concurrent_oncall), 1.0);
        // A team keeps its embedded SRE where any of its services can be run by its owners.
        let embedded_sre = scenario
            .teams
            .iter()
            .enumerate()
            .filter(|(t, team)| {
                team.setup != TeamSetup::DevsRotate
                    && (0..n).any(|s| {
                        scenario.services[s].team == *t
                            && policy
                                .possible_runners(scenario, s)
                                .contains(&Runner::Owners)
                    })
            })
            .count() as f64;
        let monitoring_seats = if policy.ops_monitors {
            f64::from(scenario.you_run_ops_monitors.ops_seats)
        } else {
            0.0
        };
        let ops_monitoring = (monitoring_seats * c.ops_fte_per_seat).ceil();
        // The monitoring seats watch these services' workflows for the operations function,
        // which serves its whole estate: charged as that function is, unless stated.
        let here = n as f64;
        let ops_estate_all = g
            .ops
            .estate_services
            .map_or(here, |e| f64::from(e).max(here));
        let monitoring_charged_share = charged_share(
            scenario
                .you_run_ops_monitors
                .charging
                .unwrap_or(g.ops.charging),
            here,
            ops_estate_all,
        );
        let ops_responders = (ops_seats * c.ops_fte_per_seat).ceil().max(ops_for_load);
        Headcount {
            sre_team: people(GroupId::Sre, sre_seats, rota(sre_seats).max(sre_for_load)),
            embedded_sre,
            ops: people(GroupId::Ops, ops_seats, ops_responders) + ops_monitoring,
            ops_monitoring,
            sre_charged_share,
            ops_charged_share,
            monitoring_charged_share,
            estate_services: [sre_estate, ops_estate],
        }
    }

    /// Everyone dedicated to running services (whole functions).
    pub fn total(&self) -> f64 {
        self.sre_team + self.embedded_sre + self.ops
    }

    /// The headcount charged to these services: embedded SREs in full, shared functions
    /// (monitoring seats included) by their charged share.
    pub fn charged(&self) -> (f64, f64, f64) {
        (
            self.sre_team * self.sre_charged_share,
            self.embedded_sre,
            (self.ops - self.ops_monitoring) * self.ops_charged_share
                + self.ops_monitoring * self.monitoring_charged_share,
        )
    }

    /// People in `group`'s dedicated function (SRE team or operations responders).
    pub fn function(&self, group: GroupId) -> f64 {
        match group {
            GroupId::Dev => 0.0,
            GroupId::Sre => self.sre_team,
            GroupId::Ops => self.ops - self.ops_monitoring,
        }
    }
}

/// Who is on call at a moment, given who runs each service. A rota is on call only in the
/// hours its services are supported in: around the clock (`dev`, `sre`), in the extended
/// window (`*_ext`) or in business hours (`*_bh`); a domain rota only out of business
/// hours (`domain` around the clock, `domain_ext` in the extended window).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OnCall {
    /// Developers on call around the clock (as L1 or as L2 for a shared rota), summed
    /// over teams.
    pub dev: f64,
    /// Developers on call in the extended window only.
    pub dev_ext: f64,
    /// Developers on call in business hours only.
    pub dev_bh: f64,
    /// Developers of domain rotas on call outside business hours, every such hour.
    pub domain: f64,
    /// Developers of domain rotas on call in the extended window outside business hours.
    pub domain_ext: f64,
    /// SREs on call around the clock (central team and embedded), averaged over shifts.
    pub sre: f64,
    /// SREs on call in the extended window only.
    pub sre_ext: f64,
    /// SREs on call in business hours only.
    pub sre_bh: f64,
    /// People in the rotas of those on call (for per-person page rates).
    pub rota_people: f64,
    /// Per team: whether its own developer rota is on call around the clock, so that it
    /// answers out of hours for its `rota = "domain"` services too (the domain rota
    /// serves the teams that have no night rota of their own).
    pub team_nights: Vec<bool>,
}

/// Whether `team`'s developers hold a rota of their own under these runners (`owns` says
/// whether it has services of a runner): as first responders in a developer set-up, or as
/// the on-call escalation of a shared rota or of SREs.
fn dev_rota(team: &crate::scenario::Team, owns: &dyn Fn(Runner) -> bool, escalation: bool) -> bool {
    (owns(Runner::Owners) && team.setup != TeamSetup::EmbeddedSre)
        || owns(Runner::SharedWithSre)
        || escalation
}

/// Adds `amount` people on call in the hours `level` needs (none: nobody).
fn add(level: Option<SupportHours>, amount: f64, all: &mut f64, ext: &mut f64, bh: &mut f64) {
    match level {
        Some(SupportHours::AllHours) => *all += amount,
        Some(SupportHours::Extended) => *ext += amount,
        Some(SupportHours::BusinessHours) => *bh += amount,
        None => {}
    }
}

impl OnCall {
    /// The on-call structure when `runners[s]` runs service `s`.
    pub fn of(scenario: &Scenario, runners: &[Runner], headcount: &Headcount) -> OnCall {
        // Each team's services, in order: every question asked of a team is about its own
        // services, so it is asked of them alone (the estate once, not once per team).
        let mut of_team = vec![Vec::new(); scenario.teams.len()];
        for (i, service) in scenario.services.iter().enumerate().take(runners.len()) {
            if let Some(list) = of_team.get_mut(service.team) {
                list.push(i);
            }
        }
        OnCall::among(scenario, runners, headcount, &|t| &of_team[t])
    }

    /// [`OnCall::of`], asking about team `t` of the services `candidates(t)` (indices in
    /// order, a superset of the team's own).
    fn among<'c>(
        scenario: &Scenario,
        runners: &[Runner],
        headcount: &Headcount,
        candidates: &dyn Fn(usize) -> &'c [usize],
    ) -> OnCall {
        let g = &scenario.groups;
        let dev_per_team = f64::from(g.dev.concurrent_oncall);
        let mut out = OnCall::default();
        // The widest support hours among `services` for which `pick` holds.
        let widest_of = |services: &mut dyn Iterator<Item = usize>,
                         pick: &dyn Fn(usize, Runner) -> bool| {
            services
                .filter(|&i| pick(i, runners[i]))
                .map(|i| scenario.services[i].support)
                .max()
        };
        let n = scenario.services.len().min(runners.len());
        let widest = |pick: &dyn Fn(usize, Runner) -> bool| widest_of(&mut (0..n), pick);
        let escalates_on_call = scenario.sre_run.dev_escalation == DevEscalation::OnCall;
        let mut domains = vec![None; scenario.domains()];
        for (t, team) in scenario.teams.iter().enumerate() {
            let mine = |i: usize| scenario.services[i].team == t;
            let widest = |pick: &dyn Fn(usize, Runner) -> bool| {
                widest_of(&mut candidates(t).iter().copied(), pick)
            };
            let owns = |r: Runner| widest(&|i, run| mine(i) && run == r).is_some();
            // SREs escalate to an on-call developer rota when so configured.
            let escalation_rota = escalates_on_call && owns(Runner::Sre);
            // The developers' rota covers these of the team's services: its own hours for
            // those on its own rota (at least business hours), its domain's out of hours.
            let dev_covers = |i: usize, run: Runner| {
                mine(i)
                    && match run {
                        Runner::Owners => team.setup != TeamSetup::EmbeddedSre,
                        Runner::SharedWithSre => true,
                        Runner::Sre => escalates_on_call,
                        Runner::Ops => false,
                    }
            };
            let shared = scenario.domain_is_shared(team.domain);
            let domain_service = |i: usize| shared && scenario.services[i].rota == Rota::Domain;
            // A team whose own rota is on call around the clock for its other services
            // answers for its domain-rota services too: a second rota at night would only
            // add standby.
            let own_nights = dev_rota(team, &owns, escalation_rota)
                && widest(&|i, run| dev_covers(i, run) && !domain_service(i))
                    == Some(SupportHours::AllHours);
            let by_domain = |i: usize| !own_nights && domain_service(i);
            out.team_nights.push(own_nights);
            let own_level = widest(&|i, run| dev_covers(i, run) && !by_domain(i))
                .or_else(|| widest(&dev_covers).map(|_| SupportHours::BusinessHours));
            let domain_level = widest(&|i, run| dev_covers(i, run) && by_domain(i))
                .filter(|l| *l != SupportHours::BusinessHours);
            let slot = &mut domains[team.domain];
            *slot = (*slot).max(domain_level);
            let dev = |o: &mut OnCall| {
                add(
                    own_level,
                    dev_per_team,
                    &mut o.dev,
                    &mut o.dev_ext,
                    &mut o.dev_bh,
                );
            };
            if owns(Runner::Owners) {
                let owned = widest(&|i, run| mine(i) && run == Runner::Owners);
                match team.setup {
                    TeamSetup::DevsRotate => {
                        dev(&mut out);
                        out.rota_people += f64::from(team.headcount);
                    }
                    TeamSetup::EmbeddedSre => {
                        add(owned, 1.0, &mut out.sre, &mut out.sre_ext, &mut out.sre_bh);
                        out.rota_people += 1.0;
                    }
                    TeamSetup::SreAndDevs => {
                        let share = scenario.you_run.embedded_sre_shift_share;
                        // Devs are L1 on their shifts and L2 on the SRE's.
                        dev(&mut out);
                        add(
                            owned,
                            share,
                            &mut out.sre,
                            &mut out.sre_ext,
                            &mut out.sre_bh,
                        );
                        out.rota_people += f64::from(team.headcount) + 1.0;
                    }
                }
            } else if owns(Runner::SharedWithSre) || escalation_rota {
                dev(&mut out);
                out.rota_people += f64::from(team.headcount);
            }
        }
        for level in domains {
            match level {
                Some(SupportHours::AllHours) => out.domain += dev_per_team,
                Some(SupportHours::Extended) => out.domain_ext += dev_per_team,
                _ => {}
            }
        }
        let sre_level = widest(&|_, run| run == Runner::Sre);
        let sre_oncall = f64::from(g.sre.concurrent_oncall);
        add(
            sre_level,
            sre_oncall,
            &mut out.sre,
            &mut out.sre_ext,
            &mut out.sre_bh,
        );
        let shared_level = widest(&|_, run| run == Runner::SharedWithSre);
        add(
            shared_level,
            sre_oncall * scenario.you_and_sre_run.sre_shift_share,
            &mut out.sre,
            &mut out.sre_ext,
            &mut out.sre_bh,
        );
        if headcount.sre_team > 0.0 && (sre_level.is_some() || shared_level.is_some()) {
            out.rota_people += headcount.sre_team;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelKind;

    fn bundled(name: &str) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        crate::scenario::parse(&text, name).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Asking each team about its own services gives, field for field, what asking it
        /// about the whole estate gives (every question about a team is about its own
        /// services), whoever runs each service, whatever the teams' set-ups and the
        /// services' support hours.
        #[test]
        fn a_team_asked_about_its_own_services_answers_as_asked_about_all(
            which in 0usize..3,
            picks in proptest::collection::vec(0usize..4, 200),
            setups in proptest::collection::vec(0usize..3, 1..80),
            hours in proptest::collection::vec(0usize..3, 1..200),
            on_call in proptest::bool::ANY,
            model in 0usize..ModelKind::ALL.len(),
        ) {
            let name = ["baseline.toml", "estate-200.toml", "large-estate.toml"][which];
            let mut scenario = bundled(name);
            if on_call {
                scenario.sre_run.dev_escalation = DevEscalation::OnCall;
            }
            // Every team set-up, not only the bundled estates' own.
            const SETUPS: [TeamSetup; 3] =
                [TeamSetup::DevsRotate, TeamSetup::EmbeddedSre, TeamSetup::SreAndDevs];
            for (t, team) in scenario.teams.iter_mut().enumerate() {
                team.setup = SETUPS[setups[t % setups.len()]];
            }
            // And every support level, services of one team differing.
            const HOURS: [SupportHours; 3] =
                [SupportHours::BusinessHours, SupportHours::Extended, SupportHours::AllHours];
            for (s, service) in scenario.services.iter_mut().enumerate() {
                service.support = HOURS[hours[s % hours.len()]];
            }
            let runners: Vec<Runner> = (0..scenario.services.len())
                .map(|s| Runner::ALL[picks[s % picks.len()]])
                .collect();
            let policy = Policy::of(&scenario, ModelKind::ALL[model]);
            let all: Vec<usize> = (0..runners.len()).collect();
            let whole = OnCall::among(&scenario, &runners, &policy.headcount, &|_| &all);
            let own = OnCall::of(&scenario, &runners, &policy.headcount);
            proptest::prop_assert_eq!(own, whole);
        }
    }
}
