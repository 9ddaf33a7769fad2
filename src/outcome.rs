//! What one model did in one replication: the row of `replications.csv`.

use crate::model::ModelKind;
use crate::scenario::Scenario;
use crate::units::HOURS_PER_WEEK;

/// Results of one model in one replication. Times in hours; costs per year in the
/// scenario's currency; counts over the measured window (horizon minus warm-up).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The model.
    pub model: ModelKind,
    /// Replication number, from 0.
    pub replication: u32,
    /// The replication's seed.
    pub seed: u64,
    /// Incidents that arrived in the measured window.
    pub incidents: u64,
    /// Of those, incidents restored by the end of the horizon.
    pub resolved: u64,
    /// Of those, incidents still open at the end of the horizon.
    pub open_at_end: u64,
    /// Mean availability over services, impact-weighted.
    pub availability: f64,
    /// Impact-weighted downtime summed over services, hours.
    pub downtime_hours: f64,
    /// Mean time to restore of resolved incidents, hours.
    pub mttr_hours: f64,
    /// Median time to restore, hours.
    pub ttr_p50_hours: f64,
    /// 90th percentile time to restore, hours.
    pub ttr_p90_hours: f64,
    /// 99th percentile time to restore, hours.
    pub ttr_p99_hours: f64,
    /// Mean time from occurrence to the first page, hours.
    pub ttd_hours: f64,
    /// Mean time a resolved incident spent waiting for a free responder, hours.
    pub queue_wait_hours: f64,
    /// Of the mean time to restore: occurrence to detection, hours.
    pub ttr_detect_hours: f64,
    /// Of the mean time to restore: detection to the first page (routing), hours.
    pub ttr_route_hours: f64,
    /// Of the mean time to restore: waiting for a free first responder, hours.
    pub ttr_queue_hours: f64,
    /// Of the mean time to restore: the first responder's acknowledgement, hours.
    pub ttr_ack_hours: f64,
    /// Of the mean time to restore: first-responder work (diagnosis, mitigation, rollback,
    /// workaround), hours.
    pub ttr_l1_work_hours: f64,
    /// Of the mean time to restore: waiting for an on-call developer (queue and
    /// acknowledgement), hours.
    pub ttr_wait_l2_oncall_hours: f64,
    /// Of the mean time to restore: waiting for developers' business hours, hours.
    pub ttr_wait_l2_business_hours_hours: f64,
    /// Of the mean time to restore: waiting for the dev team to prioritise it, hours.
    pub ttr_wait_l2_prioritisation_hours: f64,
    /// Of the mean time to restore: developers' work after an escalation (clock hours), hours.
    pub ttr_l2_work_hours: f64,
    /// Of the mean time to restore: all waiting for developers (the three waits), hours.
    pub ttr_wait_for_l2_hours: f64,
    /// Failed deployments rolled back by a non-owner with production access.
    pub rollbacks: u64,
    /// Incidents that pulled in a second responder from the owning team (swarming, in
    /// business hours, at or above `response.swarm_min_impact`).
    pub swarmed: u64,
    /// Incidents escalated from L1 to the owning developers.
    pub escalations: u64,
    /// Pages to on-call people and operations shifts.
    pub pages: u64,
    /// Pages outside business hours to people on call.
    pub offhours_pages: u64,
    /// Pages to developers (as first responders or escalations).
    pub dev_pages: u64,
    /// Mean pages per person per 12-hour on-call shift (SRE book ch. 11: at most 2 incidents
    /// per 12-hour shift).
    pub pages_per_shift: f64,
    /// 90th percentile of pages per person per 12-hour shift.
    pub pages_per_shift_p90: f64,
    /// Off-hours pages per on-call person per month. Not PagerDuty's measure: its 2 good,
    /// 7 bad, 19 burnout count every interruption per user per month, in hours too.
    pub offhours_pages_per_person_month: f64,
    /// Mean knowledge of the first responder at the start of its work, in [0, 1].
    pub l1_knowledge: f64,
    /// Incidents whose first responder was not the owning team's developer (SRE, ops,
    /// embedded SREs).
    pub l1_non_owner: u64,
    /// Mean knowledge of those first responders at the start of their work (0 when there
    /// were none: see `l1_non_owner`).
    pub l1_knowledge_non_owner: f64,
    /// Person-hours of knowledge synchronisation given.
    pub sync_hours: f64,
    /// Person-hours of synchronisation that holding the knowledge target would take.
    pub sync_demand_hours: f64,
    /// Service-years run by someone other than the owning developers.
    pub handed_over_service_years: f64,
    /// Incidents on services run by someone other than the owning developers.
    pub handed_over_incidents: u64,
    /// Pages to developers (L1 shifts or escalations) for those incidents.
    pub handed_over_dev_pages: u64,
    /// Workarounds applied by L1 while waiting for a developer fix.
    pub workarounds_applied: u64,
    /// Workarounds still in production at the end of the horizon.
    pub workarounds_open_end: u64,
    /// Largest number of workarounds in production at a weekly sample.
    pub workarounds_peak: u64,
    /// Incidents caused by fixes conflicting with workarounds.
    pub regressions: u64,
    /// Service-days of feature freeze.
    pub freeze_days: f64,
    /// Deployments held back by freezes.
    pub deploys_frozen: u64,
    /// Deployments a freeze still held back at the end of the horizon (deferred work that
    /// had not shipped yet; zero when freezes drop held changes).
    pub deploys_held_end: u64,
    /// Change incidents of those deployments, still waiting to arrive with them.
    pub change_incidents_held_end: u64,
    /// Service-quarters outside the error budget.
    pub quarters_outside_budget: u64,
    /// Services taken over by the SRE team (including at the start).
    pub handovers: u64,
    /// Services handed back to their developers.
    pub handbacks: u64,
    /// Person-hours developers spent on call.
    pub dev_oncall_hours: f64,
    /// Hours developers spent working on incidents.
    pub dev_incident_hours: f64,
    /// Hours SREs and operations engineers spent working on incidents.
    pub ops_sre_incident_hours: f64,
    /// SRE and operations headcount the model needs (whole functions, across their estate).
    pub dedicated_headcount: f64,
    /// Of which charged to these services (shared functions pro rata).
    pub charged_headcount: f64,
    /// Share of the charged dedicated staff's working time (`charged_headcount` ×
    /// `costs.working_hours_per_year`) spent on these services' incidents, per year; 0
    /// when no dedicated staff is charged.
    pub dedicated_utilisation: f64,
    /// Fully loaded cost of the dedicated SRE and operations staff charged, per year.
    pub cost_staff: f64,
    /// Standby and call-out pay, and developers' on-call interruptions, per year.
    pub cost_oncall: f64,
    /// Developer time spent on incidents, per year.
    pub cost_labour: f64,
    /// Knowledge synchronisation time, per year.
    pub cost_sync: f64,
    /// Delayed features during freezes, per year.
    pub cost_freeze: f64,
    /// Operating cost funded from capital (delivery) budgets, per year.
    pub cost_capex: f64,
    /// Operating cost funded from operating (operations) budgets, per year.
    pub cost_opex: f64,
    /// Staff, on-call, labour and sync: the cost of running the model, per year.
    pub cost_operating: f64,
    /// Revenue lost to downtime, per year.
    pub cost_downtime: f64,
    /// Downtime and feature freezes: the cost of unreliability, per year.
    pub cost_unreliability: f64,
    /// Operating plus unreliability cost, per year.
    pub cost_total: f64,
    /// Impact-weighted downtime per service, hours (same order as the scenario).
    pub service_downtime_hours: Vec<f64>,
    /// Incidents per service in the measured window.
    pub service_incidents: Vec<u64>,
    /// Weekly samples per service.
    pub weekly: Vec<WeekSample>,
    /// Incidents the world drew that follow-up work had prevented (`[learning]`).
    pub incidents_prevented: u64,
    /// Incidents propagated along `depends_on` (`[cascades]`).
    pub cascades: u64,
    /// Escalations that crossed a team boundary (`[handoff]`).
    pub handoffs: u64,
    /// Follow-up work done after incidents.
    pub followups_done: u64,
    /// Developer hours it took.
    pub followup_hours: f64,
    /// Its cost, per year (part of the operating cost).
    pub cost_followup: f64,
    /// Change incidents per deployment that reached production.
    pub change_failure_rate: f64,
    /// Mean over services of the multiplier of the written background rate, at the end.
    pub rate_multiplier_end: f64,
    /// Mean over services of the multiplier of the change failure rate, at the end.
    pub change_rate_multiplier_end: f64,
    /// Mean over services of the telemetry multiplier of detection and diagnosis, at the end.
    pub telemetry_end: f64,
    /// Mean over services of resilience to upstream failures, at the end.
    pub resilience_end: f64,
    /// Readiness reviews held (`sre-run`).
    pub reviews: u64,
    /// Of which failed.
    pub reviews_failed: u64,
    /// Each measured quarter's figures (`quarters.*`).
    pub quarters: Vec<QuarterSample>,
    /// Counts of resolved incidents' times to restore in the bins of [`TTR_BINS`].
    pub ttr_histogram: Vec<u32>,
    /// The regressions at which the run-time guard stopped this replication's feedback
    /// loop (`engine::runaway_limit`), if it did: its numbers are not a finding, and the
    /// runner refuses the run.
    pub runaway: Option<usize>,
    /// The quantities its costs are priced from ([`crate::engine::reprice`]).
    pub priced: Priced,
}

impl Outcome {
    /// Without its per-week, per-quarter and histogram series: its scalars and its
    /// per-service figures, a few kilobytes whatever the horizon.
    pub fn light(mut self) -> Outcome {
        self.weekly = Vec::new();
        self.quarters = Vec::new();
        self.ttr_histogram = Vec::new();
        self
    }
}

/// What an outcome's costs are priced from: the simulation's quantities before any price
/// (wages, standby and call-out pay, revenue) is applied. Kept so that an outcome can be
/// priced again under other prices without simulating again ([`crate::engine::reprice`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Priced {
    /// Costs per year per amount over the measured window.
    pub per_year: f64,
    /// Charged headcount: the SRE team, embedded SREs, operations (people).
    pub charged: [f64; 3],
    /// Developers' on-call hours outside business hours.
    pub dev_off_hours: f64,
    /// Of developers' on-call hours, those in business hours.
    pub dev_in_hours: f64,
    /// SREs' on-call hours outside business hours.
    pub sre_off_hours: f64,
    /// Pages outside business hours.
    pub offhours_pages: u64,
    /// Developers' incident hours.
    pub dev_hours: f64,
    /// Knowledge-sync hours with SREs and with operations.
    pub sync_hours: [f64; 2],
    /// Hours of deployment freeze.
    pub freeze_hours: f64,
    /// Developers' follow-up hours.
    pub followup_hours: f64,
    /// The dedicated responders' incident hours.
    pub ops_sre_hours: f64,
    /// Each journey's impact-weighted downtime, hours.
    pub journey_downtime_hours: Vec<f64>,
}

/// Bins of the time-to-restore histogram: [`TTR_BINS`] log-spaced bins from one minute to
/// 60 days, plus one below and one above. Fixed bins keep memory per result constant
/// whatever the number of incidents, and pool exactly across replications.
pub const TTR_BINS: usize = 48;
const TTR_MIN_HOURS: f64 = 1.0 / 60.0;
const TTR_MAX_HOURS: f64 = 60.0 * 24.0;

/// Upper edge in hours of histogram bin `i` (of `TTR_BINS + 2`); infinite for the last.
pub fn ttr_bin_upper(i: usize) -> f64 {
    if i > TTR_BINS {
        return f64::INFINITY;
    }
    let ratio = (TTR_MAX_HOURS / TTR_MIN_HOURS).powf(1.0 / TTR_BINS as f64);
    TTR_MIN_HOURS * ratio.powi(i as i32)
}

/// The histogram bin of a time to restore.
pub fn ttr_bin(hours: f64) -> usize {
    if hours < TTR_MIN_HOURS {
        return 0;
    }
    let x = (hours / TTR_MIN_HOURS).ln() / (TTR_MAX_HOURS / TTR_MIN_HOURS).ln() * TTR_BINS as f64;
    (x as usize + 1).min(TTR_BINS + 1)
}

/// The histogram bin of a time to restore, as [`ttr_bin`] gives it, without its logarithm:
/// by the exact lowest value of each bin, found once by bisection over the bit patterns of
/// positive floats with [`ttr_bin`] itself (which rises with its argument), so the two
/// agree on every input.
pub fn ttr_bin_fast(hours: f64) -> usize {
    let edges = ttr_edges();
    // `edges[k]` is the smallest time in bin k + 1 or above.
    edges.partition_point(|&e| e <= hours)
}

/// The smallest time to restore of each bin from 1 to `TTR_BINS + 1`.
fn ttr_edges() -> &'static [f64; TTR_BINS + 1] {
    static EDGES: std::sync::OnceLock<[f64; TTR_BINS + 1]> = std::sync::OnceLock::new();
    EDGES.get_or_init(|| {
        let mut edges = [0.0; TTR_BINS + 1];
        for (k, edge) in edges.iter_mut().enumerate() {
            // The smallest positive float whose bin is at least k + 1: bin(lo) < k + 1 <=
            // bin(hi) holds throughout.
            let (mut lo, mut hi) = (0u64, 1e300_f64.to_bits());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if ttr_bin(f64::from_bits(mid)) > k {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            *edge = f64::from_bits(hi);
        }
        edges
    })
}

/// One measured quarter of one model in one replication (a row of `quarters.*`). The last
/// is shorter when the window is not a whole number of quarters (see `hours`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct QuarterSample {
    /// Quarter number from 1 (the first after the warm-up).
    pub quarter: u16,
    /// Its length, hours.
    pub hours: f64,
    /// Incidents that arrived in it.
    pub incidents: u32,
    /// Of which caused by a deployment.
    pub change_incidents: u32,
    /// Of which cascaded from a service depended on.
    pub cascades: u32,
    /// Deployments that reached production in it.
    pub deploys: u64,
    /// Of its incidents, those restored by the horizon, and their summed restore times.
    pub restored: u32,
    /// Hours.
    pub restore_hours: f64,
    /// Impact-weighted downtime over all services, hours.
    pub downtime_hours: f64,
    /// Operating cost, per year.
    pub cost_operating: f64,
    /// Cost of unreliability, per year.
    pub cost_unreliability: f64,
    /// Mean knowledge of first responders at the start of their work.
    pub l1_knowledge: f64,
    /// Incidents prevented by follow-up work, and follow-ups done.
    pub prevented: u64,
    /// Follow-up work done.
    pub followups: u64,
    /// At its end: workarounds in production.
    pub workarounds_open: u32,
    /// At its end, means over services: background-rate multiplier, change-rate
    /// multiplier, telemetry multiplier, resilience.
    pub rate_multiplier: f64,
    /// See `rate_multiplier`.
    pub change_rate_multiplier: f64,
    /// See `rate_multiplier`.
    pub telemetry: f64,
    /// See `rate_multiplier`.
    pub resilience: f64,
}

/// One weekly sample of one service (kept small: there are weeks × services per outcome).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekSample {
    /// Error budget left this quarter, hours of full outage (negative when overspent).
    pub budget_remaining_hours: f64,
    /// Week number from 1 (sampled at the end of the week).
    pub week: u16,
    /// Index into the scenario's services.
    pub service: u16,
    /// Workarounds in production.
    pub workarounds_open: u16,
    /// Whether the service is in feature freeze.
    pub frozen: bool,
}

/// Weeks after the warm-up: those whose samples a replication keeps.
pub fn measured_weeks(scenario: &Scenario) -> f64 {
    ((scenario.horizon_hours - scenario.warmup_hours).max(0.0) / HOURS_PER_WEEK).ceil()
}

/// Bytes of one outcome of `scenario` with its weekly samples and histogram (an estimate:
/// the memory guard's, and the budget of [`held_ahead`]).
pub fn estimated_bytes(scenario: &Scenario) -> f64 {
    let services = scenario.services.len() as f64;
    std::mem::size_of::<Outcome>() as f64
        + services * 16.0
        + measured_weeks(scenario) * services * std::mem::size_of::<WeekSample>() as f64
        + (TTR_BINS as f64 + 1.0) * 4.0
}

/// Outcomes a worker may hold ahead of the one being written, in bytes: the budget of
/// [`held_ahead`].
const AHEAD_BYTES: f64 = 32.0 * 1024.0 * 1024.0;

/// Replications a worker thread may simulate ahead of the one being written (the runner's
/// reorder window, `runner::for_each`, which the memory guard counts): as many as
/// [`AHEAD_BYTES`] of outcomes hold, between 4 and 32. Enough for the workers to go on
/// while the writer encodes a large row group: with 4, the baseline's workers waited for
/// it several times a run and 1,000 replications took 4% longer than with 32
/// (docs/performance.md, session 15); a wide estate's outcomes are larger, and fewer are
/// held.
pub fn held_ahead(scenario: &Scenario) -> usize {
    let per_replication = scenario.models.len().max(1) as f64 * estimated_bytes(scenario);
    // Saturating: a huge outcome gives 0, then the floor.
    ((AHEAD_BYTES / per_replication) as usize).clamp(4, 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runner's window ahead of the writer is a budget of bytes: a small scenario's
    /// workers run the most ahead, a wide estate's fewer, never fewer than 4.
    #[test]
    fn the_larger_the_outcomes_the_fewer_replications_run_ahead() {
        let with_services = |n: usize, models: &str| {
            let mut text = format!(
                "horizon = \"208w\"\nwarmup = \"52w\"\nmodels = [{models}]\n[[teams]]\nname = \"a\"\n"
            );
            for i in 0..n {
                text.push_str(&format!(
                    "[[services]]\nname = \"s{i}\"\nteam = \"a\"\nbackground_incidents = \"2/week\"\n"
                ));
            }
            crate::scenario::parsed(&text, "t.toml")
        };
        let six = "\"you-run\", \"you-and-sre-run\", \"sre-run\", \"ops-run\", \"ops-sometimes-run\", \"you-run-ops-monitors\"";
        assert_eq!(held_ahead(&with_services(1, "\"you-run\"")), 32);
        // 200 services, six models, three measured years: about half a megabyte an outcome.
        let wide = with_services(200, six);
        let ahead = held_ahead(&wide);
        assert!((4..32).contains(&ahead), "{ahead}");
        assert!(ahead as f64 * 6.0 * estimated_bytes(&wide) <= AHEAD_BYTES);
        assert!((ahead + 1) as f64 * 6.0 * estimated_bytes(&wide) > AHEAD_BYTES);
        // Far wider still: the floor.
        assert_eq!(held_ahead(&with_services(2_000, six)), 4);
    }

    #[test]
    fn histogram_bins_contain_their_values() {
        for x in [0.001, 1.0 / 60.0, 0.5, 1.0, 7.3, 100.0, 1439.0, 5000.0] {
            let b = ttr_bin(x);
            assert!(
                x < ttr_bin_upper(b),
                "{x} in bin {b} below {}",
                ttr_bin_upper(b)
            );
            if b > 0 {
                assert!(x >= ttr_bin_upper(b - 1), "{x} in bin {b}");
            }
        }
        assert_eq!(ttr_bin(1e9), TTR_BINS + 1);
    }

    #[test]
    fn the_fast_bin_is_the_logarithms_bin_everywhere() {
        let mut x = 1e-6;
        while x < 1e7 {
            assert_eq!(ttr_bin_fast(x), ttr_bin(x), "{x}");
            x *= 1.0007;
        }
        // Around every edge, to the last bit.
        for &e in ttr_edges() {
            let b = e.to_bits();
            for bits in b - 3..=b + 3 {
                let x = f64::from_bits(bits);
                assert_eq!(ttr_bin_fast(x), ttr_bin(x), "{x}");
            }
        }
        for x in [0.0, TTR_MIN_HOURS, TTR_MAX_HOURS, 1e300] {
            assert_eq!(ttr_bin_fast(x), ttr_bin(x), "{x}");
        }
    }
}
