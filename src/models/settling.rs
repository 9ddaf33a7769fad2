//! How long a scenario takes to reach its steady state, from its own parameters, so that a
//! warm-up too short for it is said out loud instead of biasing every figure.
//!
//! - **Knowledge.** A non-owning group's knowledge `K` of a service it runs follows
//!   `dK/dt = r (1 − K) − d e (K − f)` (see [`super::sync`]): `r` from the sync hours the
//!   policy gives, `d` deployments per hour, `e` the erosion per deployment, `f` the floor.
//!   It approaches `K∞ = (r + d e f) / (r + d e)` at rate `λ = r + d e`, so from its start
//!   `K₀` it is within [`KNOWLEDGE_TOLERANCE`] of `K∞` after `ln(|K₀ − K∞| / tol) / λ`.
//! - **Readiness evidence.** `sre-run` admits no service before it has been within budget
//!   for `evidence_quarters` quarters under its owners; until then SREs hold nothing.
//! - **Error-budget window.** A rolling window longer than the warm-up judges the first
//!   measured weeks on less than a full window.
//!
//! Freezes slow deployments down and hand-backs change who runs what, so these are
//! estimates of the first order, stated as such; they are what the warm-up must cover.

use super::Policy;
use super::sync::TRACKED;
use crate::scenario::{BudgetWindow, KnowledgeStart, Scenario};
use crate::units::{HOURS_PER_WEEK, HOURS_PER_YEAR};

/// Knowledge counts as settled within this distance of its steady level: at the default
/// diagnosis penalty (2) and escalation probability (0.8) it moves a diagnosis by at most
/// 2% and the escalation probability by at most 0.008.
pub const KNOWLEDGE_TOLERANCE: f64 = 0.01;

/// Something that takes longer to settle than the warm-up gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsettled {
    /// Hours it needs from the start of the run.
    pub needs_hours: f64,
    /// What it is and why, in a reader's words, naming the keys that change it.
    pub what: String,
}

/// The steady level `K∞` of tracked group `g`'s knowledge of service `s` under `policy`,
/// and the rate `λ` it is approached at, for a service the group runs at the start of a
/// run; `None` for one it does not run then, or one nothing moves.
pub fn steady_knowledge(
    scenario: &Scenario,
    policy: &Policy,
    g: usize,
    s: usize,
) -> Option<(f64, f64)> {
    let group = scenario.groups.get(TRACKED[g]);
    let runner = policy.initial_runner(scenario, s);
    if !runner.l1_groups().contains(&TRACKED[g]) {
        return None;
    }
    let k = &scenario.knowledge;
    let r = k.sync_effect_per_hour * policy.sync.given[g].get(s).copied().unwrap_or(0.0)
        / HOURS_PER_WEEK;
    let de = scenario.services[s].deploys_per_week / HOURS_PER_WEEK * k.erosion_per_deploy;
    let rate = r + de;
    if rate <= 0.0 {
        return None;
    }
    // Deployments erode down to the floor, or to the level itself where it starts below
    // the floor; sync lifts it above the floor, which then holds.
    let floor = if r > 0.0 {
        group.knowledge_floor
    } else {
        group.knowledge_floor.min(group.knowledge)
    };
    Some(((r + de * floor) / rate, rate))
}

/// Where tracked group `g`'s knowledge of service `s` begins under `policy`
/// (`knowledge.start`): the group's `knowledge`, or its steady level for a service it runs
/// at the start.
pub fn starting_knowledge(scenario: &Scenario, policy: &Policy, g: usize, s: usize) -> f64 {
    let initial = scenario.groups.get(TRACKED[g]).knowledge;
    match scenario.knowledge.start {
        KnowledgeStart::Initial => initial,
        KnowledgeStart::Steady => {
            steady_knowledge(scenario, policy, g, s).map_or(initial, |(steady, _)| steady)
        }
    }
}

/// Hours for the knowledge of tracked group `g` of service `s` to settle under `policy`,
/// with its starting and steady levels; `None` when it has nothing to settle (a steady
/// start has none).
fn knowledge_settling(
    scenario: &Scenario,
    policy: &Policy,
    g: usize,
    s: usize,
) -> Option<(f64, f64, f64)> {
    if scenario.knowledge.start == KnowledgeStart::Steady {
        return None;
    }
    let (steady, rate) = steady_knowledge(scenario, policy, g, s)?;
    let start = scenario.groups.get(TRACKED[g]).knowledge;
    let gap = (start - steady).abs();
    (gap > KNOWLEDGE_TOLERANCE).then(|| ((gap / KNOWLEDGE_TOLERANCE).ln() / rate, start, steady))
}

/// Hours of the readiness review's first cycle, to the first order: the quarters of
/// evidence a candidate needs, over the review's pass probability (the expected number of
/// tries), then the quarters outside budget that hand it back. Services start with their
/// owners, so until one cycle has run the hand-overs come in a surplus: on the baseline
/// with a steady start, a warm-up of the evidence alone (2 quarters) measures 12% more
/// hand-overs than 17 quarters, and one of this cycle (4) as many (docs/model.md §1).
/// `None` when no review can pass.
fn readiness_cycle_hours(scenario: &Scenario, r: &super::Readiness) -> Option<f64> {
    let pass = scenario.sre_run.review_pass_probability;
    (pass > 0.0).then(|| {
        let quarters = f64::from(r.evidence_quarters) / pass + f64::from(r.handback_after_quarters);
        quarters * (HOURS_PER_YEAR / 4.0)
    })
}

/// What takes longer to settle than `scenario`'s warm-up, for each model it compares,
/// the slowest first.
pub fn unsettled(scenario: &Scenario, policies: &[Policy]) -> Vec<Unsettled> {
    let warmup = scenario.warmup_hours;
    let mut out = Vec::new();
    // Knowledge: per group, the slowest service under any model, naming every model whose
    // knowledge of that group outlasts the warm-up.
    for (g, group) in TRACKED.into_iter().enumerate() {
        let mut slowest: Option<(f64, usize, f64, f64)> = None;
        let mut models = Vec::new();
        for policy in policies {
            let worst = (0..scenario.services.len())
                .filter_map(|s| knowledge_settling(scenario, policy, g, s).map(|x| (x, s)))
                .max_by(|a, b| a.0.0.total_cmp(&b.0.0));
            let Some(((hours, from, to), s)) = worst else {
                continue;
            };
            if hours <= warmup {
                continue;
            }
            models.push(policy.model.key());
            if slowest.is_none_or(|w| hours > w.0) {
                slowest = Some((hours, s, from, to));
            }
        }
        if let Some((hours, s, from, to)) = slowest {
            let key = group.key();
            out.push(Unsettled {
                needs_hours: hours,
                what: format!(
                    "{key} knowledge has not settled (under {}): of {} it goes from {from:.2} to its steady {to:.2} and comes within {KNOWLEDGE_TOLERANCE} of it only after {} (or start it there: `knowledge.start = \"steady\"`)",
                    models.join(", "),
                    scenario.services[s].name,
                    days(hours),
                ),
            });
        }
    }
    for policy in policies {
        if let Some(r) = policy.readiness {
            let hours = f64::from(r.evidence_quarters) * (HOURS_PER_YEAR / 4.0);
            let candidates = (0..scenario.services.len())
                .filter(|&s| policy.candidate(scenario, s))
                .count();
            let warning = if candidates == 0 {
                None
            } else if hours > warmup {
                Some((
                    hours,
                    format!(
                        "under {}, SREs take no service before {} of evidence ({}), so the measured period includes {} still run by their developers while SREs are charged (or lower `sre_run.evidence_quarters`)",
                        policy.model.key(),
                        plural(r.evidence_quarters as usize, "quarter"),
                        days(hours),
                        plural(candidates, "candidate service"),
                    ),
                ))
            } else {
                readiness_cycle_hours(scenario, &r)
                    .filter(|cycle| *cycle > warmup)
                    .map(|cycle| {
                        (
                            cycle,
                            format!(
                                "under {}, the readiness review's first cycle — {} of evidence to admit a service at a pass probability of {}, then {} outside budget to hand it back — takes {}, so the measured period still has the first admissions' surplus of hand-overs (or lower `sre_run.evidence_quarters` or `sre_run.handback_after_quarters`)",
                                policy.model.key(),
                                plural(r.evidence_quarters as usize, "quarter"),
                                scenario.sre_run.review_pass_probability,
                                plural(r.handback_after_quarters as usize, "quarter"),
                                days(cycle),
                            ),
                        )
                    })
            };
            if let Some((needs_hours, what)) = warning {
                out.push(Unsettled { needs_hours, what });
            }
        }
    }
    if let BudgetWindow::Rolling(hours) = scenario.error_budget.window
        && scenario.error_budget.freeze
        && hours > warmup
    {
        out.push(Unsettled {
            needs_hours: hours,
            what: format!(
                "the error-budget window ({}) is longer than the warm-up, so the first measured weeks are judged on less than a full window",
                days(hours)
            ),
        });
    }
    out.sort_by(|a, b| b.needs_hours.total_cmp(&a.needs_hours));
    out
}

/// Rotas whose offered load — the first-responder hours a year their services bring, from
/// the rates and mean efforts at the group's starting knowledge — is at least the people
/// they have on call: their queue grows without bound, and every restore time is
/// dominated by it. Dedicated rotas only (a team's developers for the services they run,
/// the SRE rota, the operations shift); shared rotas split their load and are not judged.
pub fn overloaded(scenario: &Scenario, policies: &[Policy]) -> Vec<String> {
    use super::staffing::{Runner, expected_l1_hours};
    use crate::scenario::GroupId;
    let mut out = Vec::new();
    for policy in policies {
        let runs = |s: usize, r: Runner| policy.initial_runner(scenario, s) == r;
        let mut rotas: Vec<(String, GroupId, Vec<usize>, u32)> = Vec::new();
        for (t, team) in scenario.teams.iter().enumerate() {
            let mine: Vec<usize> = (0..scenario.services.len())
                .filter(|&s| scenario.services[s].team == t && runs(s, Runner::Owners))
                .collect();
            if team.setup == crate::scenario::TeamSetup::DevsRotate {
                let on_call = scenario.groups.dev.concurrent_oncall;
                rotas.push((
                    format!("team {}'s rota", team.name),
                    GroupId::Dev,
                    mine,
                    on_call,
                ));
            }
        }
        for (group, runner) in [(GroupId::Sre, Runner::Sre), (GroupId::Ops, Runner::Ops)] {
            let mine: Vec<usize> = (0..scenario.services.len())
                .filter(|&s| runs(s, runner))
                .collect();
            let on_call = scenario.groups.get(group).concurrent_oncall;
            rotas.push((format!("the {} rota", group.key()), group, mine, on_call));
        }
        for (name, group, services, on_call) in rotas {
            let load: f64 = services
                .iter()
                .map(|&s| expected_l1_hours(scenario, group, s))
                .sum::<f64>()
                / HOURS_PER_YEAR;
            if services.is_empty() || load < f64::from(on_call.max(1)) {
                continue;
            }
            let load = if load < 1000.0 {
                format!("{load:.1}")
            } else {
                crate::format::short(load)
            };
            out.push(format!(
                "under {}, {name} is offered about {load} people's worth of incident work around the clock against {on_call} on call: its queue grows without bound and restore times measure the backlog. Raise `groups.{}.concurrent_oncall` (or set `response.secondary = true`), or lower the incident rates or efforts",
                policy.model.key(),
                group.key()
            ));
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Whole days, rounded up: what a warm-up must at least be.
pub fn days(hours: f64) -> String {
    format!("{:.0} days", (hours / 24.0).ceil())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelKind;

    fn ops_run(warmup: &str) -> Scenario {
        let text = format!(
            r#"
name = "settle"
warmup = "{warmup}"
horizon = "3000d"
models = ["ops-run"]
[error_budget]
freeze = false
[groups.ops]
knowledge = 0.3
knowledge_floor = 0.2
[knowledge]
erosion_per_deploy = 0.01
target = 0.8
[[teams]]
name = "a"
[[services]]
name = "s"
team = "a"
deploys_per_week = 5
"#
        );
        crate::scenario::parsed(&text, "settle.toml")
    }

    #[test]
    fn knowledge_settles_at_the_rate_of_sync_plus_erosion() {
        let s = ops_run("0d");
        let policy = Policy::of(&s, ModelKind::OpsRun);
        let Some((hours, from, to)) = knowledge_settling(&s, &policy, 1, 0) else {
            panic!("ops knowledge has to settle");
        };
        // By hand: d e = 5/168 × 0.01 per hour; the sync demand holds the target, so
        // r = d e (0.8 − 0.2) / (1 − 0.8) = 3 d e and λ = 4 d e; K∞ = 0.8.
        let de = 5.0 / 168.0 * 0.01;
        assert!((to - 0.8).abs() < 1e-9, "{to}");
        assert_eq!(from, 0.3);
        let expected = (0.5f64 / KNOWLEDGE_TOLERANCE).ln() / (4.0 * de);
        assert!(
            (hours - expected).abs() < 1e-6 * expected,
            "{hours} vs {expected}"
        );
    }

    #[test]
    fn a_steady_start_begins_where_knowledge_settles_and_has_nothing_to_settle() {
        let mut s = ops_run("0d");
        let policy = Policy::of(&s, ModelKind::OpsRun);
        assert_eq!(starting_knowledge(&s, &policy, 1, 0), 0.3);
        s.knowledge.start = KnowledgeStart::Steady;
        let Some((steady, _)) = steady_knowledge(&s, &policy, 1, 0) else {
            panic!("ops runs the service");
        };
        assert!((steady - 0.8).abs() < 1e-9, "{steady}");
        assert_eq!(starting_knowledge(&s, &policy, 1, 0), steady);
        assert!(knowledge_settling(&s, &policy, 1, 0).is_none());
        // SREs do not run it under ops-run: their knowledge starts where it always did.
        assert_eq!(
            starting_knowledge(&s, &policy, 0, 0),
            s.groups.sre.knowledge
        );
        assert!(unsettled(&s, &[policy]).is_empty());
    }

    #[test]
    fn knowledge_starting_below_its_floor_settles_where_sync_holds_it() {
        // Below the floor deployments do not erode it; sync lifts it above, and then the
        // floor holds: the steady level is the target the sync was sized for.
        let mut s = ops_run("0d");
        s.groups.ops.knowledge = 0.1;
        let policy = Policy::of(&s, ModelKind::OpsRun);
        let Some((steady, _)) = steady_knowledge(&s, &policy, 1, 0) else {
            panic!("ops runs the service");
        };
        assert!((steady - 0.8).abs() < 1e-9, "{steady}");
    }

    /// `sre-run` on one candidate service, knowledge started steady, warmed up for
    /// `warmup`, its reviews passing with probability `pass`.
    fn sre_run(warmup: &str, pass: f64) -> (Scenario, Vec<Policy>) {
        let text = format!(
            "name = \"r\"\nwarmup = \"{warmup}\"\nhorizon = \"3000d\"\nmodels = [\"sre-run\"]\n[error_budget]\nfreeze = false\n[knowledge]\nstart = \"steady\"\n[sre_run]\nreview_pass_probability = {pass}\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\navailability_target = 0.9995\n"
        );
        let s = crate::scenario::parsed(&text, "r.toml");
        let policies = vec![Policy::of(&s, ModelKind::SreRun)];
        (s, policies)
    }

    #[test]
    fn a_warm_up_shorter_than_the_readiness_reviews_first_cycle_is_warned_about() {
        // Two quarters of evidence then two outside budget: four quarters (1 year), or,
        // with reviews passing half the time, four of evidence and two: six.
        let quarter = HOURS_PER_YEAR / 4.0;
        let (s, p) = sre_run("200d", 1.0);
        let warned = unsettled(&s, &p);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(
            warned[0]
                .what
                .starts_with("under sre-run, the readiness review's first cycle"),
            "{warned:?}"
        );
        assert!((warned[0].needs_hours - 4.0 * quarter).abs() < 1e-9);
        let (s, p) = sre_run("366d", 1.0);
        assert!(unsettled(&s, &p).is_empty());
        let (s, p) = sre_run("366d", 0.5);
        let warned = unsettled(&s, &p);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!((warned[0].needs_hours - 6.0 * quarter).abs() < 1e-9);
        // Shorter than the evidence itself: the evidence's own warning, not this one.
        let (s, p) = sre_run("90d", 1.0);
        let warned = unsettled(&s, &p);
        assert!(
            warned[0].what.contains("SREs take no service before"),
            "{warned:?}"
        );
    }

    #[test]
    fn a_long_enough_warm_up_is_not_warned_about() {
        let short = ops_run("30d");
        let long = ops_run("1000d");
        let p = |s: &Scenario| vec![Policy::of(s, ModelKind::OpsRun)];
        let warned = unsettled(&short, &p(&short));
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(
            warned[0]
                .what
                .starts_with("ops knowledge has not settled (under ops-run)")
        );
        assert!(unsettled(&long, &p(&long)).is_empty());
    }

    #[test]
    fn a_rota_offered_more_work_than_its_people_is_named() {
        // 0.5 incidents an hour of 3 h for an owner; ops at knowledge 0.3 takes 2.4 × that:
        // 3.6 people's worth of work against one on call. Two developers hold 1.5.
        let text = r#"
name = "over"
models = ["you-run", "ops-run"]
[groups.dev]
concurrent_oncall = 2
[[teams]]
name = "a"
[[services]]
name = "s"
team = "a"
background_incidents = "0.5/h"
deploys_per_week = 0
effort = { dist = "exponential", mean = "3h" }
"#;
        let s = crate::scenario::parsed(text, "over.toml");
        let warned = overloaded(&s, &super::super::policies(&s));
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].starts_with("under ops-run, the ops rota is offered about 3.6"));
    }
}
