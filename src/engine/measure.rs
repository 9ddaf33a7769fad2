//! Turns a finished simulation into an [`Outcome`]: restore times, availability, load,
//! knowledge, workarounds, policy counts and costs.

use super::breakdown;
use super::{HOURS_PER_QUARTER, Sim, Snapshot, Tally};
use crate::metric::RestorePart;
use crate::outcome::{Outcome, Priced, QuarterSample};
use crate::scenario::Scenario;
use crate::scenario::{DevOncallCharge, Funding};
use crate::stats::quantiles_select;

use crate::units::HOURS_PER_YEAR;

/// Measures a finished simulation: its [`Outcome`] for this replication and seed (the
/// closed shift loads and weekly samples are taken from `sim`).
pub(super) fn measure(sim: &mut Sim<'_>, replication: u32, seed: u64) -> Outcome {
    let window = sim.horizon - sim.warmup;
    let service_downtime = service_downtime(sim);
    let restores = Restores::of(sim);
    let downtime_hours: f64 = service_downtime.iter().sum();
    let availability = availability(downtime_hours, sim.scenario.services.len(), window);
    let load = Load::of(sim, window);
    let workarounds = Workarounds::of(sim);
    let on_call = OnCallHours::of(sim, &sim.tally);
    let journey_downtime = sim.journeys.downtime(sim.horizon);
    let priced = Costs::quantities(
        sim,
        &sim.tally,
        &on_call,
        &journey_downtime,
        HOURS_PER_YEAR / window,
    );
    let costs = Costs::of(sim.scenario, &priced, &service_downtime);
    let quarters = quarters(sim);
    let long = sim.long.means(sim.horizon);
    let t = &sim.tally;
    let part = |p: RestorePart| restores.parts[p.index()];

    Outcome {
        model: sim.policy.model,
        replication,
        seed,
        incidents: restores.incidents,
        resolved: restores.resolved,
        open_at_end: restores.incidents - restores.resolved,
        availability,
        downtime_hours,
        mttr_hours: restores.mttr_hours,
        ttr_p50_hours: restores.ttr_p50_hours,
        ttr_p90_hours: restores.ttr_p90_hours,
        ttr_p99_hours: restores.ttr_p99_hours,
        ttd_hours: restores.ttd_hours,
        queue_wait_hours: restores.queue_wait_hours,
        escalations: t.escalations,
        pages: t.pages,
        offhours_pages: t.offhours_pages,
        dev_pages: t.dev_pages,
        pages_per_shift: load.pages_per_shift,
        pages_per_shift_p90: load.pages_per_shift_p90,
        offhours_pages_per_person_month: load.offhours_pages_per_person_month,
        ttr_detect_hours: part(RestorePart::Detect),
        ttr_route_hours: part(RestorePart::Route),
        ttr_queue_hours: part(RestorePart::Queue),
        ttr_ack_hours: part(RestorePart::Ack),
        ttr_l1_work_hours: part(RestorePart::L1Work),
        ttr_wait_l2_oncall_hours: part(RestorePart::WaitL2Oncall),
        ttr_wait_l2_business_hours_hours: part(RestorePart::WaitL2BusinessHours),
        ttr_wait_l2_prioritisation_hours: part(RestorePart::WaitL2Prioritisation),
        ttr_l2_work_hours: part(RestorePart::L2Work),
        ttr_wait_for_l2_hours: RestorePart::ALL
            .into_iter()
            .filter(|p| p.waits_for_developers())
            .map(part)
            .sum(),
        rollbacks: t.rollbacks,
        swarmed: t.swarmed,
        l1_knowledge: mean(t.knowledge_sum, t.knowledge_n),
        l1_non_owner: t.non_owner_knowledge_n,
        l1_knowledge_non_owner: mean(t.non_owner_knowledge_sum, t.non_owner_knowledge_n),
        sync_hours: t.sync_hours[0] + t.sync_hours[1],
        sync_demand_hours: t.sync_demand_hours[0] + t.sync_demand_hours[1],
        handed_over_service_years: t.handed_over_hours / HOURS_PER_YEAR,
        handed_over_incidents: t.handed_over_incidents,
        handed_over_dev_pages: t.handed_over_dev_pages,
        workarounds_applied: t.workarounds_applied,
        workarounds_open_end: workarounds.open_end,
        workarounds_peak: workarounds.peak,
        regressions: t.regressions,
        freeze_days: costs.freeze_days,
        deploys_frozen: t.deploys_frozen,
        deploys_held_end: sim.services.iter().map(|s| u64::from(s.held_deploys)).sum(),
        change_incidents_held_end: sim
            .services
            .iter()
            .map(|s| s.held_incidents.len() as u64)
            .sum(),
        quarters_outside_budget: t.quarters_outside_budget,
        handovers: t.handovers,
        handbacks: t.handbacks,
        dev_oncall_hours: on_call.dev,
        dev_incident_hours: t.dev_hours,
        ops_sre_incident_hours: t.ops_sre_hours,
        dedicated_headcount: sim.policy.headcount.total(),
        charged_headcount: costs.charged_headcount,
        dedicated_utilisation: costs.utilisation,
        cost_staff: costs.staff,
        cost_oncall: costs.oncall,
        cost_labour: costs.labour,
        cost_sync: costs.sync,
        cost_freeze: costs.freeze,
        cost_capex: costs.capex,
        cost_opex: costs.opex,
        cost_operating: costs.operating,
        cost_downtime: costs.downtime,
        cost_unreliability: costs.unreliability,
        cost_total: costs.operating + costs.unreliability,
        incidents_prevented: t.prevented,
        cascades: t.cascades,
        handoffs: t.handoffs,
        followups_done: t.followups,
        followup_hours: t.followup_hours,
        cost_followup: costs.followup,
        change_failure_rate: mean(restores.change_incidents as f64, t.deploys),
        rate_multiplier_end: long[0],
        change_rate_multiplier_end: long[1],
        telemetry_end: long[2],
        resilience_end: long[3],
        reviews: t.reviews,
        reviews_failed: t.reviews_failed,
        quarters,
        service_downtime_hours: service_downtime,
        service_incidents: restores.service_incidents,
        weekly: std::mem::take(&mut sim.weekly),
        ttr_histogram: restores.ttr_histogram,
        runaway: sim.runaway.then_some(sim.max_regressions),
        priced,
    }
}

/// `sum / n`, or 0 when there is nothing to average.
fn mean(sum: f64, n: u64) -> f64 {
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Impact-weighted downtime per service over the measured window (after warm-up), hours.
fn service_downtime(sim: &Sim<'_>) -> Vec<f64> {
    sim.services
        .iter()
        .map(|st| st.impairment.at(sim.horizon) - st.at_warmup)
        .collect()
}

/// The share of service-hours in the window that were not impaired, from the total
/// impact-weighted downtime.
fn availability(downtime_hours: f64, n_services: usize, window: f64) -> f64 {
    // Clamped: a service impaired for the whole window can round a hair past it.
    (1.0 - downtime_hours / (n_services as f64 * window)).clamp(0.0, 1.0)
}

/// Counts and restore times of the incidents that arrived after warm-up.
struct Restores {
    /// Incidents that arrived in the window.
    incidents: u64,
    /// Of them, restored before the horizon.
    resolved: u64,
    /// Incidents in the window, per service.
    service_incidents: Vec<u64>,
    /// Of the incidents, those caused by a deployment.
    change_incidents: u64,
    /// Mean time to restore over the restored incidents, hours.
    mttr_hours: f64,
    /// Median time to restore, hours.
    ttr_p50_hours: f64,
    /// 90th percentile of the time to restore, hours.
    ttr_p90_hours: f64,
    /// 99th percentile of the time to restore, hours.
    ttr_p99_hours: f64,
    /// Mean time to detect (to the first page, or the horizon), over all incidents, hours.
    ttd_hours: f64,
    /// Mean queue wait over the restored incidents, hours.
    queue_wait_hours: f64,
    /// Mean of each part of the restore time ([`breakdown::PARTS`] order) over the
    /// restored incidents, hours.
    parts: [f64; breakdown::PARTS.len()],
    /// Restore times per bin ([`crate::outcome::ttr_bin`]).
    ttr_histogram: Vec<u32>,
}

impl Restores {
    /// Walks the world's incidents and this model's regressions, in that order, skipping
    /// those that were never raised or arrived during warm-up.
    fn of(sim: &Sim<'_>) -> Restores {
        let (horizon, warmup) = (sim.horizon, sim.warmup);
        let mut service_incidents = vec![0u64; sim.scenario.services.len()];
        let mut ttr = Vec::with_capacity(sim.states.len());
        let (mut incidents, mut ttd_sum, mut wait_sum) = (0u64, 0.0, 0.0);
        let mut change_incidents = 0u64;
        let mut parts_sum = [0.0; breakdown::PARTS.len()];
        let all = sim.world.incidents.iter().chain(&sim.regressions);
        for (inc, st) in all.zip(&sim.states) {
            // Never arrived (dropped, or held by a freeze until the horizon), or in warm-up.
            if !st.arrived.is_finite() || st.arrived < warmup {
                continue;
            }
            incidents += 1;
            service_incidents[inc.service as usize] += 1;
            if inc.cause == crate::world::Cause::Change {
                change_incidents += 1;
            }
            ttd_sum += (st.paged.min(horizon)) - st.arrived;
            if st.restored < horizon {
                ttr.push(st.restored - st.arrived);
                wait_sum += st.wait;
                for (sum, part) in parts_sum.iter_mut().zip(breakdown::parts(inc, st)) {
                    *sum += part;
                }
            }
        }
        let resolved = ttr.len() as u64;
        let ttr_sum: f64 = ttr.iter().sum();
        let mut ttr_histogram = vec![0u32; crate::outcome::TTR_BINS + 2];
        for x in &ttr {
            ttr_histogram[crate::outcome::ttr_bin_fast(*x)] += 1;
        }
        let [ttr_p50_hours, ttr_p90_hours, ttr_p99_hours] =
            quantiles_select(&mut ttr, [0.5, 0.9, 0.99]);
        Restores {
            incidents,
            resolved,
            service_incidents,
            change_incidents,
            mttr_hours: mean(ttr_sum, resolved),
            ttr_p50_hours,
            ttr_p90_hours,
            ttr_p99_hours,
            ttd_hours: mean(ttd_sum, incidents),
            queue_wait_hours: mean(wait_sum, resolved),
            parts: parts_sum.map(|sum| mean(sum, resolved)),
            ttr_histogram,
        }
    }
}

/// How hard the rotas were paged.
struct Load {
    /// Mean pages per person per shift, over the rotas that were paged.
    pages_per_shift: f64,
    /// 90th percentile of pages per person per shift, quiet shifts counted as zero.
    pages_per_shift_p90: f64,
    /// Off-hours pages per person on a rota per month.
    offhours_pages_per_person_month: f64,
}

impl Load {
    /// Closes the shifts still being counted (taking the closed ones from `sim`) and
    /// measures the load per person.
    fn of(sim: &mut Sim<'_>, window: f64) -> Load {
        // Pages per person per 12-hour shift, over the rotas that were paged.
        let shifts = (window / sim.scenario.response.shift_hours).ceil().max(1.0) as usize;
        // Close the shifts still being counted.
        let mut loads = std::mem::take(&mut sim.shift_loads);
        for (pool, &(shift, count)) in sim.shift_pages.iter().enumerate() {
            if shift != u64::MAX {
                loads.push(f64::from(count) / f64::from(sim.pools[pool].size.max(1)));
            }
        }
        let rotas = sim
            .shift_pages
            .iter()
            .filter(|(shift, _)| *shift != u64::MAX)
            .count();
        let slots = rotas * shifts;
        let pages_per_shift = mean(loads.iter().sum(), slots as u64);
        let pages_per_shift_p90 = shift_load_p90(&mut loads, slots);
        let months = window / (HOURS_PER_YEAR / 12.0);
        let rota_people = sim.tally.rota_people_hours / window;
        let offhours_pages_per_person_month = if rota_people > 0.0 {
            sim.tally.offhours_pages as f64 / rota_people / months
        } else {
            0.0
        };
        Load {
            pages_per_shift,
            pages_per_shift_p90,
            offhours_pages_per_person_month,
        }
    }
}

/// The 90th percentile (linear interpolation) of per-person pages over `slots` shifts, of
/// which `loads` holds those that had pages and the rest count as zero; 0 without slots.
/// Sorts `loads`.
fn shift_load_p90(loads: &mut [f64], slots: usize) -> f64 {
    if slots == 0 {
        0.0
    } else {
        loads.sort_by(f64::total_cmp);
        let zeros = slots - loads.len();
        let value = |i: usize| if i < zeros { 0.0 } else { loads[i - zeros] };
        let h = (slots - 1) as f64 * 0.9;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(slots - 1);
        value(lo) + (h - lo as f64) * (value(hi) - value(lo))
    }
}

/// Workarounds still open at the end and the most open at once.
struct Workarounds {
    /// Open at the horizon.
    open_end: u64,
    /// The most open in any week (all services), or at the horizon if more.
    peak: u64,
}

impl Workarounds {
    /// Counts from the model's workarounds and its weekly samples.
    fn of(sim: &Sim<'_>) -> Workarounds {
        let open_at = |t: f64| {
            sim.workarounds
                .iter()
                .flatten()
                .filter(|w| w.created <= t && t < w.retired)
                .count() as u64
        };
        let open_end = open_at(sim.horizon);
        // Summed by week number (a few hundred at most), in a vector rather than a map.
        let weeks = sim.weekly.iter().map(|w| usize::from(w.week) + 1).max();
        let mut by_week = vec![0u64; weeks.unwrap_or(0)];
        for w in &sim.weekly {
            by_week[usize::from(w.week)] += u64::from(w.workarounds_open);
        }
        let peak = by_week.iter().copied().max().unwrap_or(0).max(open_end);
        Workarounds { open_end, peak }
    }
}

/// On-call hours over the window: developers' in all hours, and the shares of developers'
/// and SREs' on-call hours that fall outside and inside business hours. Rotas on call in
/// part of the day count the hours of the window in their part (fixed calendars, so the
/// window's shares apply); the sums start from the around-the-clock rotas' terms, so a
/// scenario with every service supported around the clock by its team prices on-call
/// exactly as before support hours.
struct OnCallHours {
    /// Developers' on-call hours.
    dev: f64,
    /// Of which outside business hours (standby).
    dev_off: f64,
    /// Of which in business hours.
    dev_in: f64,
    /// SREs' on-call hours outside business hours (standby).
    sre_off: f64,
}

impl OnCallHours {
    fn of(sim: &Sim<'_>, t: &Tally) -> OnCallHours {
        let scenario = sim.scenario;
        let horizon = sim.horizon;
        let business = scenario.calendar.open_hours_within(horizon) / horizon;
        let off = 1.0 - business;
        // The extended window contains business hours (validated).
        let extended_off =
            (scenario.support.extended.open_hours_within(horizon) / horizon - business).max(0.0);
        OnCallHours {
            dev: t.dev_oncall_hours
                + t.dev_ext_hours * (business + extended_off)
                + t.dev_bh_hours * business
                + t.domain_hours * off
                + t.domain_ext_hours * extended_off,
            dev_off: t.dev_oncall_hours * off
                + t.dev_ext_hours * extended_off
                + t.domain_hours * off
                + t.domain_ext_hours * extended_off,
            dev_in: t.dev_oncall_hours * (1.0 - off)
                + (t.dev_ext_hours + t.dev_bh_hours) * business,
            sre_off: t.sre_oncall_hours * off + t.sre_ext_hours * extended_off,
        }
    }
}

/// Costs per year: operating (running the model) and unreliability (its consequences).
struct Costs {
    /// Headcount charged to these services.
    charged_headcount: f64,
    /// Share of the charged dedicated staff's working time spent on incidents.
    utilisation: f64,
    /// Charged dedicated staff, loaded salaries.
    staff: f64,
    /// Standby, call-outs and (if charged so) developers' lost productivity on call.
    oncall: f64,
    /// Developers' incident hours.
    labour: f64,
    /// Knowledge-sync hours of developers and the responding groups.
    sync: f64,
    /// Days of deployment freeze (over the window, not per year).
    freeze_days: f64,
    /// The cost of freezes.
    freeze: f64,
    /// Operating cost funded from capital budgets.
    capex: f64,
    /// Operating cost funded from operating budgets.
    opex: f64,
    /// Developers' follow-up work after incidents (`[learning]`).
    followup: f64,
    /// Staff, on-call, labour, sync and follow-up work.
    operating: f64,
    /// Lost revenue from impact-weighted downtime: services' own and journeys'.
    downtime: f64,
    /// Downtime and freezes.
    unreliability: f64,
}

impl Costs {
    /// The quantities [`Costs::of`] prices, from tally `t` of `sim`, the on-call hours and
    /// the journeys' downtime, amounts over the tally's window times `per_year`.
    fn quantities(
        sim: &Sim<'_>,
        t: &Tally,
        on_call: &OnCallHours,
        journey_downtime: &[f64],
        per_year: f64,
    ) -> Priced {
        let (sre, embedded, ops) = sim.policy.headcount.charged();
        Priced {
            per_year,
            charged: [sre, embedded, ops],
            dev_off_hours: on_call.dev_off,
            dev_in_hours: on_call.dev_in,
            sre_off_hours: on_call.sre_off,
            offhours_pages: t.offhours_pages,
            dev_hours: t.dev_hours,
            sync_hours: t.sync_hours,
            freeze_hours: t.freeze_hours,
            followup_hours: t.followup_hours,
            ops_sre_hours: t.ops_sre_hours,
            journey_downtime_hours: journey_downtime.to_vec(),
        }
    }

    /// Prices quantities `q` and the services' downtime by `scenario`'s costs (staff are a
    /// cost per year; the rest is `q`'s amounts times its `per_year`).
    fn of(scenario: &Scenario, q: &Priced, service_downtime: &[f64]) -> Costs {
        let g = &scenario.groups;
        let costs = &scenario.costs;
        let per_year = q.per_year;
        let loaded = |salary: f64| salary * costs.overhead_factor;
        let rate = |salary: f64| loaded(salary) / costs.working_hours_per_year;
        let [sre_charged, embedded_charged, ops_charged] = q.charged;
        let sre_staff = sre_charged * loaded(g.sre.salary);
        let embedded_staff = embedded_charged * loaded(g.sre.salary);
        let ops_staff = ops_charged * loaded(g.ops.salary);
        let cost_staff = sre_staff + embedded_staff + ops_staff;
        let standby = |off_hours: f64| off_hours * costs.standby_per_hour * per_year;
        let dev_standby = standby(q.dev_off_hours);
        let sre_standby = standby(q.sre_off_hours);
        let callouts = q.offhours_pages as f64 * costs.callout_per_page * per_year;
        let interruptions = match costs.dev_oncall_charge {
            DevOncallCharge::Standby => 0.0,
            DevOncallCharge::Opportunity => {
                q.dev_in_hours * costs.dev_oncall_productivity_loss * rate(g.dev.salary) * per_year
            }
        };
        let cost_oncall = dev_standby + sre_standby + callouts + interruptions;
        let cost_labour = q.dev_hours * rate(g.dev.salary) * per_year;
        // Each sync hour has one person of the responder group; the other attendees are
        // developers.
        let attendees = f64::from(scenario.knowledge.sync_attendees);
        let dev_share = (attendees - 1.0) / attendees;
        let sync_dev =
            (q.sync_hours[0] + q.sync_hours[1]) * dev_share * rate(g.dev.salary) * per_year;
        let sync_sre = q.sync_hours[0] / attendees * rate(g.sre.salary) * per_year;
        let sync_ops = q.sync_hours[1] / attendees * rate(g.ops.salary) * per_year;
        let cost_sync = sync_dev + sync_sre + sync_ops;
        let freeze_days = q.freeze_hours / 24.0;
        let cost_freeze = freeze_days * costs.freeze_cost_per_day * per_year;
        let cost_followup = q.followup_hours * rate(g.dev.salary) * per_year;
        let cost_operating = cost_staff + cost_oncall + cost_labour + cost_sync + cost_followup;
        let (cost_capex, cost_opex) = capex_opex([
            (
                Funding::Capex,
                embedded_staff
                    + dev_standby
                    + interruptions
                    + callouts
                    + cost_labour
                    + sync_dev
                    + cost_followup,
            ),
            (g.sre.funding, sre_staff + sre_standby + sync_sre),
            (g.ops.funding, ops_staff + sync_ops),
        ]);
        // Each service's own revenue, then each journey's once (folded onto the services'
        // sum, so that a scenario without journeys prices its downtime exactly as before).
        let cost_downtime = q
            .journey_downtime_hours
            .iter()
            .zip(&scenario.journeys)
            .fold(
                service_downtime
                    .iter()
                    .zip(&scenario.services)
                    .map(|(d, s)| d * s.revenue_per_hour)
                    .sum::<f64>(),
                |sum, (d, j)| sum + d * j.revenue_per_hour,
            )
            * per_year;
        let charged_headcount = sre_charged + embedded_charged + ops_charged;
        let utilisation = if charged_headcount > 0.0 {
            q.ops_sre_hours * per_year / (charged_headcount * costs.working_hours_per_year)
        } else {
            0.0
        };
        Costs {
            charged_headcount,
            utilisation,
            staff: cost_staff,
            oncall: cost_oncall,
            labour: cost_labour,
            sync: cost_sync,
            freeze_days,
            freeze: cost_freeze,
            capex: cost_capex,
            opex: cost_opex,
            followup: cost_followup,
            operating: cost_operating,
            downtime: cost_downtime,
            unreliability: cost_downtime + cost_freeze,
        }
    }

    /// Sets `o`'s cost figures to these.
    fn set(&self, o: &mut Outcome) {
        o.charged_headcount = self.charged_headcount;
        o.dedicated_utilisation = self.utilisation;
        o.freeze_days = self.freeze_days;
        o.cost_staff = self.staff;
        o.cost_oncall = self.oncall;
        o.cost_labour = self.labour;
        o.cost_sync = self.sync;
        o.cost_freeze = self.freeze;
        o.cost_capex = self.capex;
        o.cost_opex = self.opex;
        o.cost_operating = self.operating;
        o.cost_downtime = self.downtime;
        o.cost_unreliability = self.unreliability;
        o.cost_total = self.operating + self.unreliability;
        o.cost_followup = self.followup;
    }
}

/// `outcome` priced again by `scenario`'s costs: what simulating `scenario` would give
/// when it differs from the scenario `outcome` was simulated on only in prices — wages,
/// the overhead on them, standby and call-out pay, the cost of a freeze day, on-call
/// developers' lost output, revenue ([`crate::ledger::Entry::priced_only`]; the
/// equality is tested on the bundled scenarios). The totals are priced again; the
/// quarterly figures, which need the simulation's snapshots, are left out.
pub fn reprice(scenario: &Scenario, outcome: &Outcome) -> Outcome {
    let mut o = outcome.clone();
    Costs::of(scenario, &o.priced, &o.service_downtime_hours).set(&mut o);
    o.quarters = Vec::new();
    o
}

/// Operating cost split by funding: (capital, operating), adding the parts in order.
fn capex_opex(parts: [(Funding, f64); 3]) -> (f64, f64) {
    let funded = |f: Funding, amount: f64| {
        if f == Funding::Capex {
            (amount, 0.0)
        } else {
            (0.0, amount)
        }
    };
    parts
        .iter()
        .map(|(f, a)| funded(*f, *a))
        .fold((0.0, 0.0), |acc, x| (acc.0 + x.0, acc.1 + x.1))
}

/// Each measured quarter's figures, from the differences between consecutive snapshots
/// (costs per year, as in the outcome) and the incidents that arrived in it.
fn quarters(sim: &Sim<'_>) -> Vec<QuarterSample> {
    let warmup = sim.warmup;
    let n = sim.snapshots.len();
    let mut out: Vec<QuarterSample> = (0..n)
        .map(|q| QuarterSample {
            quarter: u16::try_from(q + 1).unwrap_or(u16::MAX),
            ..QuarterSample::default()
        })
        .collect();
    if n == 0 {
        return out;
    }
    let all = sim.world.incidents.iter().chain(&sim.regressions);
    for (inc, st) in all.zip(&sim.states) {
        if !st.arrived.is_finite() || st.arrived < warmup {
            continue;
        }
        let q = (((st.arrived - warmup) / HOURS_PER_QUARTER) as usize).min(n - 1);
        let row = &mut out[q];
        row.incidents += 1;
        if inc.cause == crate::world::Cause::Change {
            row.change_incidents += 1;
        }
        if inc.cause == crate::world::Cause::Cascade {
            row.cascades += 1;
        }
        if st.restored < sim.horizon {
            row.restored += 1;
            row.restore_hours += st.restored - st.arrived;
        }
    }
    let zero = Snapshot {
        t: warmup,
        tally: Tally::default(),
        service_downtime: vec![0.0; sim.scenario.services.len()],
        journey_downtime: vec![0.0; sim.scenario.journeys.len()],
        workarounds_open: 0,
        long: [1.0; 4],
    };
    let cumulative = |snap: &Snapshot| {
        let on_call = OnCallHours::of(sim, &snap.tally);
        let q = Costs::quantities(sim, &snap.tally, &on_call, &snap.journey_downtime, 1.0);
        Costs::of(sim.scenario, &q, &snap.service_downtime)
    };
    let staff = cumulative(&zero).staff;
    let mut before = (zero.t, cumulative(&zero), zero.tally.clone(), 0.0);
    for (row, snap) in out.iter_mut().zip(&sim.snapshots) {
        let now = cumulative(snap);
        let hours = snap.t - before.0;
        let per_year = if hours > 0.0 {
            HOURS_PER_YEAR / hours
        } else {
            0.0
        };
        let downtime: f64 = snap.service_downtime.iter().sum();
        row.hours = hours;
        row.downtime_hours = downtime - before.3;
        row.deploys = snap.tally.deploys - before.2.deploys;
        row.prevented = snap.tally.prevented - before.2.prevented;
        row.followups = snap.tally.followups - before.2.followups;
        let k_n = snap.tally.knowledge_n - before.2.knowledge_n;
        let k_sum = snap.tally.knowledge_sum - before.2.knowledge_sum;
        row.l1_knowledge = mean(k_sum, k_n);
        row.cost_operating = staff + (now.operating - before.1.operating) * per_year;
        row.cost_unreliability = (now.unreliability - before.1.unreliability) * per_year;
        row.workarounds_open = snap.workarounds_open;
        [
            row.rate_multiplier,
            row.change_rate_multiplier,
            row.telemetry,
            row.resilience,
        ] = snap.long;
        before = (snap.t, now, snap.tally.clone(), downtime);
    }
    out
}
