//! Every default of a scenario file: the value a key takes when the file leaves it out,
//! each with where it comes from. Sources are cited by the keys of `docs/model.md`
//! (DORA24, SREB, SREW, PD21, VOID22, BLS23, ECEC, IDC, CH12, SMITH, ATLAS, NYGARD); "assumption" marks a
//! default with no public figure behind it, with the reason for the guess. The tables in
//! `docs/model.md` and `docs/scenario-format.md` list the same values for users.
//!
//! At the end, *stand-ins*: values used in place of an invalid one while the remaining
//! problems are collected. A scenario with a problem is refused, so they never reach a run.

use super::super::{
    BudgetWindow, Cascades, Charging, Costs, DevEscalation, DevOncallCharge, ErrorBudget, Funding,
    Group, Handoff, HeldChanges, Knowledge, KnowledgeStart, Learning, LoadBasis, OnConflict,
    OpsSometimesRun, QueueOrder, Response, Rota, Service, Severity, SreRun, Support, SupportHours,
    TeamSetup, Telemetry, Workarounds, YouAndSreRun, YouRun, YouRunOpsMonitors,
};
use crate::calendar::Calendar;
use crate::dist::{Dist, DistError};
use crate::model::ModelKind;

/// A default distribution; its parameters are fixed here and valid (tested below).
fn d(r: Result<Dist, DistError>) -> Dist {
    r.unwrap_or(Dist::Constant(0.0))
}

// ---------------------------------------------------------------------------------------
// The run: top-level keys and `[calendar]`.

/// `name`: the file's stem (docs/scenario-format.md). Assumption: a file name without a
/// stem (such as `..`) still needs a name for its output folder, so it is called
/// "scenario".
pub(super) fn name(file: &str) -> String {
    std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("scenario")
        .to_string()
}

/// `horizon`: 365 days (docs/model.md §1). Assumption: a year holds four quarters of
/// error-budget and readiness reviews and a year of annual costs.
pub(super) const HORIZON_HOURS: f64 = 365.0 * 24.0;

/// `warmup`: none. Assumption: every simulated hour counts unless the scenario says
/// otherwise; `sre-run` comparisons should warm up for the readiness review's first cycle,
/// `evidence_quarters` over the pass probability then `handback_after_quarters` (docs/model.md
/// §1 and §6).
pub(super) const WARMUP_HOURS: f64 = 0.0;

/// `replications`: 200. Assumption: enough for tight paired intervals on the headline
/// metrics of a small estate; `--precision` (Hoad, Robinson & Davies 2010) says when more
/// are needed.
pub(super) const REPLICATIONS: u32 = 200;

/// `seed`: 1. Assumption: any fixed seed makes a run repeatable, since results depend
/// only on (scenario, seed).
pub(super) const SEED: u64 = 1;

/// `models`: all six (docs/scenario-format.md), so a scenario compares every model unless
/// it narrows the list.
pub(super) fn models() -> Vec<ModelKind> {
    ModelKind::ALL.to_vec()
}

/// `reference_model`: the first model compared (docs/scenario-format.md); with no model
/// at all (already a problem) the stand-in.
pub(super) fn reference(models: &[ModelKind]) -> ModelKind {
    models.first().copied().unwrap_or(REFERENCE_STAND_IN)
}

/// `calendar.business_hours`: 09:00–17:00. Assumption: an office day.
pub(super) const BUSINESS_HOURS: &str = "09:00-17:00";

/// `calendar.business_days`: Monday to Friday. Assumption: an office week.
pub(super) const BUSINESS_DAYS: &str = "mon-fri";

/// `[calendar]` left out: [`BUSINESS_HOURS`] on [`BUSINESS_DAYS`], which is
/// `Calendar::default()` (tested below).
pub(super) fn calendar() -> Calendar {
    Calendar::default()
}

// ---------------------------------------------------------------------------------------
// `[response]` and `[groups.*]`.

/// `[response]`.
pub(super) fn response() -> Response {
    Response {
        // PD21: time to acknowledge at large companies fell below 4 minutes (SREB: 5-minute
        // response for user-facing services).
        acknowledge: d(Dist::exponential(4.0 / 60.0)),
        // Assumption: a dev team not on call picks an escalation up within half a
        // working day typically, two working days at p90.
        prioritisation: d(Dist::lognormal_median_p90(4.0, 16.0)),
        // Assumption: a responder who knows nothing of a service takes 3× an owner's time.
        diagnosis_penalty: 2.0,
        // Assumption: a responder who knows nothing of a service escalates four times in
        // five; owners never escalate.
        max_escalation_probability: 0.8,
        // Assumption: L1 spends half of its diagnosis time before escalating.
        triage_fraction: 0.5,
        // Assumption: a failure in a cross-team workflow takes 3x as long to see from
        // one team's service dashboards.
        cross_team_detection_factor: 3.0,
        // 12-hour on-call shifts: SREB ch. 11, "Being On-Call" (not the workbook).
        shift_hours: 12.0,
        // SREB ch. 14 (incident management) and common practice: the most severe incident
        // is worked first; within a severity, first come first served.
        queue: QueueOrder::Severity,
        // Swarming, an assumption with a neutral rule: in business hours, when the team is
        // at work, a full-outage incident pulls in a developer from the owning team.
        swarm_min_impact: Some(DEFAULT_SWARM_MIN_IMPACT),
        // SMITH, "You Build It SRE Run It": one on-call engineer per team; SREB ch. 11: one
        // primary on call. The same for every rota, so that no model starts with more
        // hands than another (docs/model.md §9); a group may state its own.
        concurrent_oncall: 1,
        // SREB ch. 11 describes a primary and a secondary on call; the default is the one
        // person of SMITH's team rota, the same for every rota (a neutral choice: a
        // secondary is a setting, and the docs show what it changes).
        secondary: false,
    }
}

/// `response.swarm_min_impact`: full outages only (SEV1 in the default severities).
pub(super) const DEFAULT_SWARM_MIN_IMPACT: f64 = 1.0;

/// `[groups.dev]`: the developers who own the services.
pub(super) fn dev(concurrent_oncall: u32) -> Group {
    Group {
        // Owners know their services fully (docs/model.md §4).
        knowledge: 1.0,
        // The owners' own telemetry is the reference for detection times.
        telemetry_delay_factor: 1.0,
        // Assumption: a page reaches the rota without a routing delay.
        routing: Dist::Constant(0.0),
        // `response.concurrent_oncall`, the same for every rota.
        concurrent_oncall,
        // BLS23, software developers, median annual wage.
        salary: 132_270.0,
        // Owners' knowledge does not erode: the floor is full knowledge.
        knowledge_floor: 1.0,
        // Development teams are CAPEX-funded (docs/model.md §9; SMITH's accounting).
        funding: Funding::Capex,
        // Assumption: owners can roll back their own deployments.
        production_access: true,
        // No shared function: the group serves only this scenario's services.
        estate_services: None,
        // docs/model.md §9: a function serving only these services is charged for them.
        charging: Charging::ProRata,
        // Assumption: a day a week for knowledge sync.
        sync_share: 0.2,
        // Developers are counted per team (`teams.*.headcount`).
        headcount: None,
    }
}

/// `[groups.sre]`: the SRE team.
pub(super) fn sre(concurrent_oncall: u32) -> Group {
    Group {
        // Assumption: SREs know a service they did not build fairly well.
        knowledge: 0.7,
        // Assumption: SREs work with the owners' telemetry.
        telemetry_delay_factor: 1.0,
        // Assumption: a page reaches the rota without a routing delay.
        routing: Dist::Constant(0.0),
        // `response.concurrent_oncall`, the same for every rota (it was 2, a primary and a
        // secondary, against developers' 1: issue 19).
        concurrent_oncall,
        // Assumption: developer median + 15% (no public SRE wage series).
        salary: 152_000.0,
        // Assumption: general skills keep half of what a service needs.
        knowledge_floor: 0.5,
        // SMITH: an SRE team in Delivery is funded by a capex budget.
        funding: Funding::Capex,
        // CH12: SREs operate services in production.
        production_access: true,
        // No shared function: the team serves only this scenario's services.
        estate_services: None,
        // docs/model.md §9: a function serving only these services is charged for them.
        charging: Charging::ProRata,
        // Assumption: a day a week for synchronisation with delivery teams.
        sync_share: 0.2,
        // Sized from the load and the minimum a 24/7 rota needs (docs/model.md §9).
        headcount: None,
    }
}

/// `[groups.ops]`: the operations team.
pub(super) fn ops(concurrent_oncall: u32) -> Group {
    Group {
        // Assumption; CH12: "the operations teams possess limited knowledge about services
        // in production".
        knowledge: 0.3,
        // CH12 "limited telemetry", black-box metrics only; the factor is an assumption.
        telemetry_delay_factor: 3.0,
        // Assumption: a page reaches the rota without a routing delay.
        routing: Dist::Constant(0.0),
        // `response.concurrent_oncall`, the same for every rota (it was 2 against
        // developers' 1: issue 19).
        concurrent_oncall,
        // BLS23, network and computer systems administrators, median.
        salary: 95_360.0,
        // Assumption: general skills keep a fifth of what a service needs.
        knowledge_floor: 0.2,
        // SMITH: Operations is funded by an opex budget.
        funding: Funding::Opex,
        // CH12: "the development teams do not have access to production. The
        // operations teams do."
        production_access: true,
        // No shared function: operations serves only this scenario's services.
        estate_services: None,
        // docs/model.md §9: a function serving only these services is charged for them.
        charging: Charging::ProRata,
        // Assumption: as SRE, a day a week.
        sync_share: 0.2,
        // Sized from the load and the minimum a 24/7 rota needs (docs/model.md §9).
        headcount: None,
    }
}

// ---------------------------------------------------------------------------------------
// The per-model tables.

/// `[sre_run]`.
pub(super) fn sre_run() -> SreRun {
    SreRun {
        // SMITH: SRE takes services with critical user traffic; three nines as the line
        // is an assumption.
        min_availability_target: 0.999,
        // SMITH, "You Build It SRE Run It": SREs escalate to on-call delivery teams.
        dev_escalation: DevEscalation::OnCall,
        // CH12: "if the service consistently fails to stay within its error budgets, the
        // SRE team returns the service"; two quarters is an assumption.
        handback_after_quarters: 2,
        // SMITH's readiness review; CH12: "the service needs to fulfill strict
        // reliability criteria"; two quarters of evidence is an assumption.
        evidence_quarters: 2,
        // SMITH's stages, off by default (the admission by target and evidence alone):
        // a scenario states its services' traffic and the thresholds.
        substantial_traffic: 0.0,
        critical_traffic: 0.0,
        // Assumption where a scenario states a review: none by default.
        review_hours: 0.0,
        review_pass_probability: 1.0,
    }
}

/// `[you_and_sre_run]`; the shared rota's shifts are `response.shift_length` long
/// (`response_shift_hours`) unless it says otherwise (docs/scenario-format.md).
pub(super) fn you_and_sre_run(response_shift_hours: f64) -> YouAndSreRun {
    YouAndSreRun {
        // Assumption: SREs and developers alternate shifts evenly.
        sre_shift_share: 0.5,
        shift_hours: response_shift_hours,
    }
}

/// `[you_run]`.
pub(super) fn you_run() -> YouRun {
    YouRun {
        // CH12 §12.3's first set-up, developers on rotation. Assumption: the usual one.
        setup: TeamSetup::DevsRotate,
        // CH12 §12.3: knowledge "flows naturally for the most part"; the number is an
        // assumption.
        embedded_sre_knowledge: 0.9,
        // Assumption: in `sre-and-devs` the embedded SRE covers a quarter of shifts.
        embedded_sre_shift_share: 0.25,
    }
}

/// `[ops_sometimes_run]`.
pub(super) fn ops_sometimes_run() -> OpsSometimesRun {
    OpsSometimesRun {
        // CH12 §12.2.2: services with a high target stay with their developers; three
        // nines as the line is an assumption.
        min_availability_target: 0.999,
    }
}

/// `[you_run_ops_monitors]`.
pub(super) fn you_run_ops_monitors() -> YouRunOpsMonitors {
    YouRunOpsMonitors {
        // Assumption: one 24/7 operations seat watches the critical workflows.
        ops_seats: 1,
        detection: ops_monitor_detection(),
        // docs/model.md §9: the monitoring seats belong to the operations function and are
        // charged as it is (pro rata to these services' share of its estate by default).
        charging: None,
    }
}

/// Assumption: ops monitoring sees a cross-team incident after 5 minutes on average
/// (exponential).
pub(super) fn ops_monitor_detection() -> Dist {
    d(Dist::exponential(5.0 / 60.0))
}

// ---------------------------------------------------------------------------------------
// `[costs]`, `[knowledge]`, `[workarounds]`, `[error_budget]`.

/// `[costs]`.
pub(super) fn costs() -> Costs {
    Costs {
        // The default salaries (BLS23) are in US dollars.
        currency: "USD".into(),
        // Assumption: a working year after leave and public holidays.
        working_hours_per_year: 1_800.0,
        // Assumption: standby pay per off-hours on-call hour.
        standby_per_hour: 5.0,
        // Assumption: call-out pay per off-hours page.
        callout_per_page: 50.0,
        // SREB ch. 11: a single-site team needs eight engineers for "two people on-call
        // (primary and secondary)", each on call one week in four (at most 25%). With one
        // person on call (`response.concurrent_oncall`), the same arithmetic gives four;
        // more people on call raise it through `max_oncall_share` (two: eight again).
        min_rota_size: 4,
        // SREB: at most 25% of an SRE's time on call.
        max_oncall_share: 0.25,
        // 168 h/week ÷ 40 h/week ÷ 0.84 availability after leave ≈ 5.
        ops_fte_per_seat: 5.0,
        // Assumption: value of a service's delayed features per day of freeze.
        freeze_cost_per_day: 500.0,
        // Assumption: a developer on call loses a tenth of their business-hours output
        // to interruptions, on top of the incident hours counted as labour.
        dev_oncall_productivity_loss: 0.1,
        // Assumption: 1.3 × salary. ECEC says wages are about 70% of total
        // compensation, which alone implies about 1 / 0.7 ≈ 1.43 × wages before
        // overheads such as equipment and space; 1.3 is lower than the source implies
        // (set 1.43 or more to follow it).
        overhead_factor: 1.3,
        // Assumption: a developer's on-call time costs output as well as pay.
        dev_oncall_charge: DevOncallCharge::Opportunity,
        // SREB ch. 5: at most 50% of SRE time on operational work.
        max_operational_load: 0.5,
        // SREB ch. 5's cap is a share of the engineers' time, so the load is measured
        // against their working hours (docs/model.md §9).
        operational_load_basis: LoadBasis::WorkingTime,
    }
}

/// `[knowledge]`.
pub(super) fn knowledge() -> Knowledge {
    Knowledge {
        // Assumption: each deployment erodes 1% of a non-owner's knowledge above its floor.
        erosion_per_deploy: 0.01,
        // Assumption: the effect of an hour of sync on the gap to full knowledge.
        sync_effect_per_hour: 0.05,
        // Assumption: one of the responder group and one developer (docs/model.md §4).
        sync_attendees: 2,
        // Assumption: a responder at 0.8 escalates a fifth as often as one who knows
        // nothing (with the default escalation rule).
        target: 0.8,
        // Every group starts at its `knowledge`, as before the key existed; `validate`
        // suggests "steady" when the warm-up is too short for knowledge to settle.
        start: KnowledgeStart::Initial,
    }
}

/// `[workarounds]`.
pub(super) fn workarounds() -> Workarounds {
    Workarounds {
        // Assumption: a workaround is considered when developers will not start within
        // half a working day.
        threshold_hours: 4.0,
        // Assumption: L1 finds a workaround half the time.
        probability: 0.5,
        // Assumption: L1's time to apply one, median 30 min, p90 2 h.
        effort: d(Dist::lognormal_median_p90(0.5, 2.0)),
        // Assumption; CH12: "the fixes might interfere with the existing workarounds".
        conflict_probability: 0.05,
        // Assumption: a workaround is retired after 90 days on average.
        lifetime: d(Dist::exponential(90.0 * 24.0)),
        // A conflict exposes the workaround: it is removed, and the regression goes to the
        // owners' fix rather than being worked around again (assumption, chosen so that
        // the loop is bounded for every parameter value: docs/model.md §5).
        on_conflict: OnConflict::Retire,
    }
}

/// `[learning]` (docs/model.md §13). The strength is an assumption the report sweeps from 0
/// (the stationary model) to 2; every share below is an assumption, labelled as such.
pub(super) fn learning() -> Learning {
    Learning {
        // Assumption: at 1, the effects below as written. The report shows every verdict
        // at 0, 0.5, 1 and 2.
        incentive: 1.0,
        // Assumption: a team that worked the incident itself does most of its action items.
        done_when_felt: 0.8,
        // Assumption: being woken is the strongest incentive (CH12 §12.2.3: the builders
        // "bear the on-call pain").
        done_when_woken: 0.9,
        // Assumption: action items handed to another team's backlog as tickets are done
        // half as often (CH12: "collaboration issues"; SRE book ch. 15 on unowned items).
        done_when_handed_off: 0.4,
        // SRE workbook, example error-budget policy: while the budget is spent the team
        // works on reliability; assumption: nearly every item is done then.
        done_when_frozen: 0.95,
        // ATLAS: priority actions have SLOs of 4 or 8 weeks.
        delay: d(Dist::lognormal_median_p90(4.0 * 168.0, 8.0 * 168.0)),
        // Assumption: a ticket from another team waits twice as long in the backlog.
        handed_off_delay_factor: 2.0,
        // Assumption: a day of the owning team's work per follow-up.
        effort_hours: 8.0,
        // Assumption: one done item closes 5% of the gap to the floor.
        step: 0.05,
        // Assumption: follow-up work can at most halve a service's incident rates.
        floor: 0.5,
        // Assumption: a fifth of the gain is lost each year as new features bring new
        // failure modes.
        drift_per_year: 0.2,
    }
}

/// `[telemetry]` (docs/model.md §13): all assumptions, scaled by `learning.incentive`.
pub(super) fn telemetry() -> Telemetry {
    Telemetry {
        // Assumption: telemetry its builders use at every incident finds and explains a
        // failure in 70% of the time it takes today.
        best: 0.7,
        // Assumption: telemetry nobody who builds it uses decays to 1.5× today's times
        // (CH12 on ops-run: "limited telemetry").
        worst: 1.5,
        // Assumption: each incident the owners work closes 5% of the gap to `best`.
        use_step: 0.05,
        // Assumption: unused telemetry loses half its gap to `worst` per year.
        decay_per_year: 0.5,
    }
}

/// `[cascades]` (docs/model.md §13).
pub(super) fn cascades() -> Cascades {
    Cascades {
        // Assumption: one incident in 20 impairs a dependent service with no stability
        // patterns (CH12 on ops-run: a failure "easily becomes cascading").
        probability: 0.05,
        // Assumption: half of upstream failures are absorbed by timeouts, retries and
        // circuit breakers (NYGARD's stability patterns), under every model.
        resilience: 0.5,
        // Assumption: one done follow-up closes 5% of the gap to full resilience.
        step: 0.05,
        // Assumption: a dependent feels the failure within five minutes.
        delay_hours: 5.0 / 60.0,
    }
}

/// `[handoff]` (docs/model.md §13): assumptions, calibratable from reassignment
/// timestamps in an incident log.
pub(super) fn handoff() -> Handoff {
    Handoff {
        // Assumption: a hand-off between teams takes median 15 min, p90 1 h (finding the
        // right person, explaining what is known, granting access).
        delay: d(Dist::lognormal_median_p90(0.25, 1.0)),
        // Assumption: the receiving team spends a fifth more effort rebuilding context
        // (CH12: "collaboration issues during incident response").
        effort_factor: 1.2,
    }
}

/// `[error_budget]`.
pub(super) fn error_budget() -> ErrorBudget {
    // SRE workbook, example error-budget policy: releases freeze when the budget is spent.
    // Assumption: a fifth of deployments (fixes, security) still go out.
    ErrorBudget {
        freeze: true,
        freeze_deploy_share: 0.2,
        // SRE workbook, example error-budget policy: the previous four weeks.
        window: BudgetWindow::Rolling(4.0 * crate::units::HOURS_PER_WEEK),
        // One policy for every model: a budget is a property of the service and its
        // target, not of who holds the pager. Exempting a model is the scenario's choice.
        models: ModelKind::EVERY.to_vec(),
        // A freeze delays work, it does not delete it: held deployments ship when it lifts.
        held_changes: HeldChanges::Deferred,
    }
}

// ---------------------------------------------------------------------------------------
// `[[teams]]` and `[[services]]`.

/// `headcount` of a team: 7 developers. Assumption: a typical delivery team.
pub(super) const TEAM_HEADCOUNT: u32 = 7;

/// `cross_team_share` of a service in a cross-team dependency. Assumption: a quarter of
/// a cross-team service's incidents cross team boundaries.
pub(super) const CROSS_TEAM_SHARE: f64 = 0.25;

/// A service's keys, before `[service_defaults]`.
pub(super) fn service() -> Service {
    Service {
        name: String::new(),
        team: 0,
        // Assumption: three nines, a common target.
        availability_target: 0.999,
        // Relative traffic, constant unless stated (only `sre-run`'s stages read it).
        traffic: 1.0,
        traffic_growth: 0.0,
        // Assumption: one background incident a month per service.
        background_rate_per_hour: 1.0 / (8760.0 / 12.0),
        // Assumption: a deployment each working day.
        deploys_per_week: 5.0,
        // DORA24: medium cluster change failure rate 10%.
        change_failure_rate: 0.10,
        // Assumption: revenue lost per hour of full outage (the baseline sets it per
        // tier, scaled down from IDC's $0.5–1M per hour for critical applications).
        revenue_per_hour: 10_000.0,
        // PD21: incidents resolved within 24 h took 126 minutes from trigger to
        // resolution on average — a restore time, so hands-on effort is less; VOID22:
        // right-skewed. Lognormal median 1 h, p90 4 h has mean ≈ 1.8 h.
        effort: d(Dist::lognormal_median_p90(1.0, 4.0)),
        // DORA24: elite teams recover from a failed deployment in under an hour, high
        // and medium in under a day; most by rolling back. Assumption: median 20
        // minutes, p90 2 hours.
        change_effort: d(Dist::lognormal_median_p90(1.0 / 3.0, 2.0)),
        // A non-owner with production access rolls back as fast as the owners recover
        // (DORA24: failed-deployment recovery is mostly rollback).
        rollback_effort: None,
        // Assumption: the owners' telemetry detects an incident in 10 minutes on average.
        detection: d(Dist::exponential(10.0 / 60.0)),
        // Assumption: SEV1 10% × 1.0, SEV2 30% × 0.3, SEV3 60% × 0.05.
        severities: vec![
            Severity {
                name: "SEV1".into(),
                share: 0.1,
                impact: 1.0,
            },
            Severity {
                name: "SEV2".into(),
                share: 0.3,
                impact: 0.3,
            },
            Severity {
                name: "SEV3".into(),
                share: 0.6,
                impact: 0.05,
            },
        ],
        // Assumption: background incidents are equally likely at any hour (flat).
        arrival_profile: None,
        // Assumption: deployments happen in business hours.
        deploy_in_business_hours: true,
        // Dependencies and cross-team shares are resolved once every service is known.
        depends_on: Vec::new(),
        cross_team_share: 0.0,
        // Placeholders: a service stating no `support` or `rota` (here or in
        // `[service_defaults]`) takes them from its availability target, [`support`].
        support: SupportHours::AllHours,
        rota: Rota::Team,
        // `assigned` without a `runner`: the owners run it (you-run).
        runner: crate::model::Runner::Owners,
        allowed_runners: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// `[support]`: support hours and out-of-hours rotas.

/// `support.extended_hours`: 07:00–22:00. Assumption: business hours widened to cover
/// the mornings and evenings in which most customers use a consumer service; no public
/// figure fixes the window.
pub(super) const EXTENDED_HOURS: &str = "07:00-22:00";

/// `support.extended_days`: every day. Assumption, as [`EXTENDED_HOURS`].
pub(super) const EXTENDED_DAYS: &str = "mon-sun";

/// Support hours and rota by availability target, from the Equal Experts *You Build It
/// You Run It* playbook (EE-YBIYRI, practices/selection.md and scale.md): financial
/// exposure bands of about $7K / $250K / $800K per hour map to 95.0 / 99.0 / 99.9%
/// availability, and out-of-hours schedules are chosen by exposure — John Lewis: no
/// on-call at 95%, a domain schedule at 99.0%, a team schedule at 99.9%. So: a target
/// below `out_of_hours_from` (99.0%) is supported in business hours only; from it to below
/// `team_rota_from` (99.9%), around the clock with a domain rota out of hours; from 99.9%,
/// around the clock by the team's own rota.
pub(super) fn support() -> Support {
    Support {
        extended: Calendar::parse(EXTENDED_HOURS, EXTENDED_DAYS).unwrap_or_default(),
        out_of_hours_from: 0.99,
        team_rota_from: 0.999,
        // Assumption: a developer of another team in the domain knows its services about
        // as well as the neighbouring team it works beside — between an SRE's trained
        // knowledge and an owner's; 0.6, half-way between the default ops start (0.3)
        // and the owners' 1.0, rounded up for shared code and runbooks in one domain.
        domain_knowledge: 0.6,
    }
}

// ---------------------------------------------------------------------------------------
// `[sweep]` and `[sensitivity]`.

/// `sweep.steps`: nine values, both ends included (docs/scenario-format.md). Assumption:
/// enough to show a curve's shape and its crossovers at a modest cost.
pub const SWEEP_STEPS: u32 = 9;

/// `sweep.scale`: evenly spaced (docs/scenario-format.md). Assumption: the plainest
/// spacing unless the parameter spans magnitudes or nines.
pub(super) const SWEEP_SCALE: crate::axis::Scale = crate::axis::Scale::Linear;

// ---------------------------------------------------------------------------------------
// Stand-ins for invalid values (the scenario is refused; these keep the checks going).

/// The reference model when `reference_model` names no model, or no model is compared.
pub(super) const REFERENCE_STAND_IN: ModelKind = ModelKind::YouRun;

/// `groups.<g>.estate_services` when it is not a whole number >= 1.
pub(super) const ESTATE_SERVICES_STAND_IN: u32 = 1;

/// `sensitivity.range` when the key is left out (`whoruns sensitivity` moves each
/// parameter without a stated range by ±20%): the customary one-at-a-time range
/// (Saltelli et al., "Global Sensitivity Analysis: The Primer", 2008, ch. 1). Assumption:
/// far less than the real uncertainty of a price or a revenue figure; state ranges for
/// those (`[sensitivity.ranges]`). Also the stand-in for an out-of-range value.
pub const SENSITIVITY_RANGE: f64 = 0.2;

// ---------------------------------------------------------------------------------------
// The assumption ledger's defaults.

/// What a default rests on: a source (a key of `docs/model.md`'s references) or the
/// reason it is an assumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A published figure.
    Source(&'static str),
    /// No public figure: the reason for the guess.
    Assumption(&'static str),
}

/// A numeric default the model uses when the scenario leaves its key out, for the
/// assumption ledger. The values are the ones above (tested: stating them changes nothing).
#[derive(Debug, Clone, Copy)]
pub struct LedgerDefault {
    /// The key.
    pub key: &'static str,
    /// The value used.
    pub value: f64,
    /// What it rests on.
    pub basis: Basis,
}

const fn dv(key: &'static str, value: f64, basis: Basis) -> LedgerDefault {
    LedgerDefault { key, value, basis }
}

use Basis::{Assumption as A, Source as Src};

/// Every plain-number default of the ledger, with what it rests on (the comments above say
/// more).
pub const LEDGER: &[LedgerDefault] = &[
    dv(
        "learning.incentive",
        1.0,
        A("the report shows every verdict from 0 to 2"),
    ),
    dv(
        "learning.done_when_felt",
        0.8,
        A("a team that worked the incident does most of its action items"),
    ),
    dv(
        "learning.done_when_woken",
        0.9,
        A("CH12 §12.2.3: the builders bear the on-call pain; the share is a guess"),
    ),
    dv(
        "learning.done_when_handed_off",
        0.4,
        A("another team's tickets are done half as often"),
    ),
    dv(
        "learning.done_when_frozen",
        0.95,
        A("SREW's policy makes reliability the priority in a freeze; the share is a guess"),
    ),
    dv(
        "learning.handed_off_delay_factor",
        2.0,
        A("a ticket from another team waits twice as long"),
    ),
    dv(
        "learning.step",
        0.05,
        A("one action item closes 5% of the gap"),
    ),
    dv(
        "learning.floor",
        0.5,
        A("follow-up work can at most halve a rate"),
    ),
    dv(
        "learning.drift_per_year",
        0.2,
        A("new features bring new failure modes"),
    ),
    dv(
        "telemetry.best",
        0.7,
        A("used telemetry finds failures in 70% of the time"),
    ),
    dv(
        "telemetry.worst",
        1.5,
        A("CH12: limited telemetry where builders do not run it; the factor is a guess"),
    ),
    dv(
        "telemetry.use_step",
        0.05,
        A("each incident the owners work closes 5% of the gap"),
    ),
    dv(
        "telemetry.decay_per_year",
        0.5,
        A("unused telemetry loses half its gap a year"),
    ),
    dv(
        "cascades.probability",
        0.05,
        A("CH12: a failure easily becomes cascading; the share is a guess"),
    ),
    dv(
        "cascades.resilience",
        0.5,
        A("NYGARD's stability patterns absorb half of upstream failures"),
    ),
    dv(
        "cascades.step",
        0.05,
        A("one action item closes 5% of the gap"),
    ),
    dv(
        "handoff.effort_factor",
        1.2,
        A("CH12: collaboration issues in incident response; the factor is a guess"),
    ),
    dv(
        "groups.dev.salary",
        132_270.0,
        Src("BLS23, software developers' median wage"),
    ),
    dv(
        "groups.sre.salary",
        152_000.0,
        A("developer median + 15%; no public SRE wage series"),
    ),
    dv(
        "groups.ops.salary",
        95_360.0,
        Src("BLS23, systems administrators' median wage"),
    ),
    dv(
        "groups.sre.knowledge",
        0.7,
        A("SREs know a service they did not build fairly well"),
    ),
    dv(
        "groups.ops.knowledge",
        0.3,
        A("CH12: operations has limited knowledge of services"),
    ),
    dv(
        "groups.ops.telemetry_delay_factor",
        3.0,
        A("CH12's limited telemetry; the factor is a guess"),
    ),
    dv(
        "groups.sre.knowledge_floor",
        0.5,
        A("general skills keep half of what a service needs"),
    ),
    dv(
        "groups.ops.knowledge_floor",
        0.2,
        A("general skills keep a fifth of what a service needs"),
    ),
    dv(
        "groups.sre.sync_share",
        0.2,
        A("a day a week for knowledge sync"),
    ),
    dv(
        "groups.ops.sync_share",
        0.2,
        A("a day a week for knowledge sync"),
    ),
    dv(
        "response.diagnosis_penalty",
        2.0,
        A("no knowledge takes 3× an owner's time"),
    ),
    dv(
        "response.max_escalation_probability",
        0.8,
        A("no knowledge escalates four times in five"),
    ),
    dv(
        "response.triage_fraction",
        0.5,
        A("half of diagnosis before escalating"),
    ),
    dv(
        "response.cross_team_detection_factor",
        3.0,
        A("cross-team failures are harder to see"),
    ),
    dv(
        "costs.working_hours_per_year",
        1_800.0,
        A("a working year after leave"),
    ),
    dv(
        "costs.standby_per_hour",
        5.0,
        A("standby pay per off-hours on-call hour"),
    ),
    dv(
        "costs.callout_per_page",
        50.0,
        A("call-out pay per off-hours page"),
    ),
    dv(
        "costs.min_rota_size",
        4.0,
        Src("SREB ch. 11: one on call, one week in four"),
    ),
    dv(
        "costs.max_oncall_share",
        0.25,
        Src("SREB ch. 11: at most 25% of time on call"),
    ),
    dv(
        "costs.ops_fte_per_seat",
        5.0,
        A("168 h / 40 h / 0.84 availability after leave"),
    ),
    dv(
        "costs.freeze_cost_per_day",
        500.0,
        A("delayed-feature value per service per day"),
    ),
    dv(
        "costs.dev_oncall_productivity_loss",
        0.1,
        A("an on-call developer's day lost to interruptions"),
    ),
    dv(
        "costs.overhead_factor",
        1.3,
        A("below the 1.43 ECEC implies"),
    ),
    dv(
        "costs.max_operational_load",
        0.5,
        Src("SREB ch. 5: at most 50% operational work"),
    ),
    dv(
        "knowledge.erosion_per_deploy",
        0.01,
        A("a deployment erodes 1% of what non-owners know"),
    ),
    dv(
        "knowledge.sync_effect_per_hour",
        0.05,
        A("an hour of sync closes 5% of the gap"),
    ),
    dv(
        "knowledge.target",
        0.8,
        A("the knowledge non-owners are to keep"),
    ),
    dv(
        "workarounds.probability",
        0.5,
        A("half the time a workaround is applied"),
    ),
    dv(
        "workarounds.conflict_probability",
        0.05,
        A("per open workaround, per fix deployed"),
    ),
    dv(
        "error_budget.freeze_deploy_share",
        0.2,
        A("a fifth of deployments go out in a freeze"),
    ),
    dv(
        "sre_run.min_availability_target",
        0.999,
        Src("SMITH: SRE takes critical services"),
    ),
    dv(
        "you_and_sre_run.sre_shift_share",
        0.5,
        A("SREs and developers alternate shifts"),
    ),
    dv(
        "support.out_of_hours_from",
        0.99,
        Src("Equal Experts' playbook: a domain rota from 99%"),
    ),
    dv(
        "support.team_rota_from",
        0.999,
        Src("Equal Experts' playbook: a team rota from 99.9%"),
    ),
    dv(
        "support.domain_knowledge",
        0.6,
        A("a developer of another team in the domain"),
    ),
    dv(
        "service_defaults.deploys_per_week",
        5.0,
        A("a service deploying daily"),
    ),
    dv(
        "service_defaults.change_failure_rate",
        0.1,
        Src("DORA24: the medium cluster's 10%"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_distributions_are_valid() {
        // `d` would turn an invalid default into a constant zero; none is.
        let service = service();
        let response = response();
        let workarounds = workarounds();
        for dist in [
            response.acknowledge,
            response.prioritisation,
            workarounds.effort,
            workarounds.lifetime,
            ops_monitor_detection(),
            service.effort,
            service.change_effort,
            service.detection,
        ] {
            assert!(!matches!(dist, Dist::Constant(_)), "{dist:?}");
        }
    }

    #[test]
    fn default_calendar_is_the_default_business_hours_and_days() {
        assert_eq!(
            Calendar::parse(BUSINESS_HOURS, BUSINESS_DAYS),
            Ok(calendar())
        );
    }

    #[test]
    fn default_severities_add_up_to_one() {
        let total: f64 = service().severities.iter().map(|s| s.share).sum();
        assert!((total - 1.0).abs() <= 1e-6, "{total}");
    }

    #[test]
    fn the_ledgers_defaults_are_the_values_used() {
        const MIN: &str = "[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n";
        let plain = format!("{:?}", crate::scenario::parse(MIN, "t.toml").unwrap());
        for d in LEDGER {
            let text = crate::edit::set(MIN, d.key, d.value).unwrap();
            let stated = crate::scenario::parse(&text, "t.toml")
                .unwrap_or_else(|e| panic!("{}: {}", d.key, e.messages()));
            assert_eq!(
                format!("{stated:?}"),
                plain,
                "{} = {} is not the default",
                d.key,
                d.value
            );
        }
    }
}
