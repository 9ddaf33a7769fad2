//! Turns a finished simulation into an [`Outcome`]: restore times, availability, load,
//! knowledge, workarounds, policy counts and costs.

use super::Sim;
use super::breakdown;
use crate::metric::RestorePart;
use crate::outcome::Outcome;
use crate::scenario::{DevOncallCharge, Funding};
use crate::stats::quantiles_select;

use crate::units::HOURS_PER_YEAR;

pub(super) fn measure(sim: &mut Sim<'_>, replication: u32, seed: u64) -> Outcome {
    let scenario = sim.scenario;
    let (horizon, warmup) = (sim.horizon, sim.warmup);
    let window = horizon - warmup;
    let n_services = scenario.services.len();

    let service_downtime: Vec<f64> = sim
        .services
        .iter()
        .map(|st| st.impairment.at(horizon) - st.at_warmup)
        .collect();
    let mut service_incidents = vec![0u64; n_services];
    let mut ttr = Vec::with_capacity(sim.states.len());
    let (mut incidents, mut ttd_sum, mut wait_sum) = (0u64, 0.0, 0.0);
    let mut parts_sum = [0.0; breakdown::PARTS.len()];
    let all = sim.world.incidents.iter().chain(&sim.regressions);
    for (inc, st) in all.zip(&sim.states) {
        if st.skipped || inc.arrival < warmup {
            continue;
        }
        incidents += 1;
        service_incidents[inc.service as usize] += 1;
        ttd_sum += (st.paged.min(horizon)) - inc.arrival;
        if st.restored < horizon {
            ttr.push(st.restored - inc.arrival);
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
        ttr_histogram[crate::outcome::ttr_bin(*x)] += 1;
    }
    let [ttr_p50_hours, ttr_p90_hours, ttr_p99_hours] =
        quantiles_select(&mut ttr, [0.5, 0.9, 0.99]);
    let mean = |sum: f64, n: u64| if n == 0 { 0.0 } else { sum / n as f64 };
    let downtime_hours: f64 = service_downtime.iter().sum();
    // Clamped: a service impaired for the whole window can round a hair past it.
    let availability = (1.0 - downtime_hours / (n_services as f64 * window)).clamp(0.0, 1.0);

    // Pages per person per 12-hour shift, over the rotas that were paged.
    let shifts = (window / scenario.response.shift_hours).ceil().max(1.0) as usize;
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
    let pages_per_shift_p90 = if slots == 0 {
        0.0
    } else {
        loads.sort_by(f64::total_cmp);
        let zeros = slots - loads.len();
        let value = |i: usize| if i < zeros { 0.0 } else { loads[i - zeros] };
        let h = (slots - 1) as f64 * 0.9;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(slots - 1);
        value(lo) + (h - lo as f64) * (value(hi) - value(lo))
    };
    let months = window / (HOURS_PER_YEAR / 12.0);
    let rota_people = sim.tally.rota_people_hours / window;
    let offhours_pages_per_person_month = if rota_people > 0.0 {
        sim.tally.offhours_pages as f64 / rota_people / months
    } else {
        0.0
    };

    // Workarounds.
    let open_at = |t: f64| {
        sim.workarounds
            .iter()
            .filter(|w| w.created <= t && t < w.retired)
            .count() as u64
    };
    let workarounds_open_end = open_at(horizon);
    let mut by_week = std::collections::BTreeMap::new();
    for w in &sim.weekly {
        *by_week.entry(w.week).or_insert(0u64) += u64::from(w.workarounds_open);
    }
    let workarounds_peak = by_week
        .values()
        .copied()
        .max()
        .unwrap_or(0)
        .max(workarounds_open_end);

    // Costs, per year: operating (running the model) and unreliability (its consequences).
    let t = &sim.tally;
    let g = &scenario.groups;
    let costs = &scenario.costs;
    let per_year = HOURS_PER_YEAR / window;
    let loaded = |salary: f64| salary * costs.overhead_factor;
    let rate = |salary: f64| loaded(salary) / costs.working_hours_per_year;
    let offhours_share = 1.0 - scenario.calendar.open_hours_within(horizon) / horizon;
    let hc = &sim.policy.headcount;
    let (sre_charged, embedded_charged, ops_charged) = hc.charged();
    let sre_staff = sre_charged * loaded(g.sre.salary);
    let embedded_staff = embedded_charged * loaded(g.sre.salary);
    let ops_staff = ops_charged * loaded(g.ops.salary);
    let cost_staff = sre_staff + embedded_staff + ops_staff;
    let standby = |hours: f64| hours * offhours_share * costs.standby_per_hour * per_year;
    let dev_standby = standby(t.dev_oncall_hours);
    let sre_standby = standby(t.sre_oncall_hours);
    let callouts = t.offhours_pages as f64 * costs.callout_per_page * per_year;
    let interruptions = match costs.dev_oncall_charge {
        DevOncallCharge::Standby => 0.0,
        DevOncallCharge::Opportunity => {
            t.dev_oncall_hours
                * (1.0 - offhours_share)
                * costs.dev_oncall_productivity_loss
                * rate(g.dev.salary)
                * per_year
        }
    };
    let cost_oncall = dev_standby + sre_standby + callouts + interruptions;
    let cost_labour = t.dev_hours * rate(g.dev.salary) * per_year;
    // Each sync hour has one person of the responder group; the other attendees are
    // developers.
    let attendees = f64::from(scenario.knowledge.sync_attendees);
    let dev_share = (attendees - 1.0) / attendees;
    let sync_dev = (t.sync_hours[0] + t.sync_hours[1]) * dev_share * rate(g.dev.salary) * per_year;
    let sync_sre = t.sync_hours[0] / attendees * rate(g.sre.salary) * per_year;
    let sync_ops = t.sync_hours[1] / attendees * rate(g.ops.salary) * per_year;
    let cost_sync = sync_dev + sync_sre + sync_ops;
    let freeze_days = t.freeze_hours / 24.0;
    let cost_freeze = freeze_days * costs.freeze_cost_per_day * per_year;
    let cost_operating = cost_staff + cost_oncall + cost_labour + cost_sync;
    let funded = |f: Funding, amount: f64| {
        if f == Funding::Capex {
            (amount, 0.0)
        } else {
            (0.0, amount)
        }
    };
    let parts = [
        (
            Funding::Capex,
            embedded_staff + dev_standby + interruptions + callouts + cost_labour + sync_dev,
        ),
        (g.sre.funding, sre_staff + sre_standby + sync_sre),
        (g.ops.funding, ops_staff + sync_ops),
    ];
    let (cost_capex, cost_opex) = parts
        .iter()
        .map(|(f, a)| funded(*f, *a))
        .fold((0.0, 0.0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
    let cost_downtime = service_downtime
        .iter()
        .zip(&scenario.services)
        .map(|(d, s)| d * s.revenue_per_hour)
        .sum::<f64>()
        * per_year;
    let cost_unreliability = cost_downtime + cost_freeze;
    let part = |p: RestorePart| mean(parts_sum[p.index()], resolved);

    Outcome {
        model: sim.policy.model,
        replication,
        seed,
        incidents,
        resolved,
        open_at_end: incidents - resolved,
        availability,
        downtime_hours,
        mttr_hours: mean(ttr_sum, resolved),
        ttr_p50_hours,
        ttr_p90_hours,
        ttr_p99_hours,
        ttd_hours: mean(ttd_sum, incidents),
        queue_wait_hours: mean(wait_sum, resolved),
        escalations: t.escalations,
        pages: t.pages,
        offhours_pages: t.offhours_pages,
        dev_pages: t.dev_pages,
        pages_per_shift,
        pages_per_shift_p90,
        offhours_pages_per_person_month,
        ttr_detect_hours: part(RestorePart::Detect),
        ttr_route_hours: part(RestorePart::Route),
        ttr_queue_hours: part(RestorePart::Queue),
        ttr_ack_hours: part(RestorePart::Ack),
        ttr_l1_work_hours: part(RestorePart::L1Work),
        ttr_wait_l2_oncall_hours: part(RestorePart::WaitL2Oncall),
        ttr_wait_l2_business_hours_hours: part(RestorePart::WaitL2BusinessHours),
        ttr_wait_l2_prioritisation_hours: part(RestorePart::WaitL2Prioritisation),
        ttr_l2_work_hours: part(RestorePart::L2Work),
        ttr_wait_for_l2_hours: part(RestorePart::WaitL2Oncall)
            + part(RestorePart::WaitL2BusinessHours)
            + part(RestorePart::WaitL2Prioritisation),
        rollbacks: t.rollbacks,
        l1_knowledge: mean(t.knowledge_sum, t.knowledge_n),
        sync_hours: t.sync_hours[0] + t.sync_hours[1],
        sync_demand_hours: t.sync_demand_hours[0] + t.sync_demand_hours[1],
        handed_over_service_years: t.handed_over_hours / HOURS_PER_YEAR,
        handed_over_incidents: t.handed_over_incidents,
        handed_over_dev_pages: t.handed_over_dev_pages,
        workarounds_applied: t.workarounds_applied,
        workarounds_open_end,
        workarounds_peak,
        regressions: t.regressions,
        freeze_days,
        deploys_frozen: t.deploys_frozen,
        quarters_outside_budget: t.quarters_outside_budget,
        handovers: t.handovers,
        handbacks: t.handbacks,
        dev_oncall_hours: t.dev_oncall_hours,
        dev_incident_hours: t.dev_hours,
        ops_sre_incident_hours: t.ops_sre_hours,
        dedicated_headcount: hc.total(),
        charged_headcount: sre_charged + embedded_charged + ops_charged,
        cost_staff,
        cost_oncall,
        cost_labour,
        cost_sync,
        cost_freeze,
        cost_capex,
        cost_opex,
        cost_operating,
        cost_downtime,
        cost_unreliability,
        cost_total: cost_operating + cost_unreliability,
        service_downtime_hours: service_downtime,
        service_incidents,
        weekly: std::mem::take(&mut sim.weekly),
        ttr_histogram,
    }
}
