//! The long-run state of each service under one model: its incident-rate multipliers
//! (lowered by done follow-up work, drifting back as new work brings new failure modes),
//! its telemetry multiplier (better while its builders use it in incidents, decaying while
//! they do not) and its resilience to failures of what it depends on (raised by follow-up
//! work). Everything moves only after the warm-up and only at a positive
//! `learning.incentive`; at zero every multiplier stays exactly 1 and resilience as written,
//! so the run is the stationary model's. Evaluated lazily and exactly between events.

use crate::scenario::Scenario;
use crate::units::HOURS_PER_YEAR;
use crate::world::Cause;

#[derive(Debug, Clone)]
struct ServiceLong {
    /// Multipliers of the written background and change-failure rates, in [floor, 1].
    rate: [f64; 2],
    rate_at: f64,
    /// Multiplier of detection time and diagnosis effort, in [best, worst].
    telemetry: f64,
    telemetry_at: f64,
    /// Share of upstream failures absorbed, in [0, 1].
    resilience: f64,
}

/// Every service's long-run state under one model.
#[derive(Debug, Clone)]
pub(super) struct LongRun {
    /// `learning.incentive`.
    strength: f64,
    /// When the mechanisms start acting: the end of the warm-up (year 1 is the first year
    /// under the model).
    start: f64,
    floor: f64,
    /// Per hour.
    drift: f64,
    rate_step: f64,
    best: f64,
    worst: f64,
    use_step: f64,
    /// Per hour.
    decay: f64,
    resilience_step: f64,
    services: Vec<ServiceLong>,
}

/// Which rate a cause's follow-up work lowers, if any: created incidents (regressions,
/// cascades) are consequences of others and lower the background rate.
fn slot(cause: Cause) -> usize {
    match cause {
        Cause::Change => 1,
        Cause::Background | Cause::Regression | Cause::Cascade => 0,
    }
}

/// The continuous rate per hour at which a gap shrinks by `share_per_year` of itself in a
/// year, times `strength` (a share of 1: all at once).
fn per_hour(share_per_year: f64, strength: f64) -> f64 {
    if share_per_year >= 1.0 {
        return f64::INFINITY;
    }
    -(1.0 - share_per_year).ln() * strength / HOURS_PER_YEAR
}

/// The share of a gap kept after `dt` hours at `rate` per hour (1 when no time passes).
fn kept(rate: f64, dt: f64) -> f64 {
    if dt > 0.0 { (-rate * dt).exp() } else { 1.0 }
}

impl LongRun {
    pub(super) fn new(scenario: &Scenario) -> LongRun {
        let l = &scenario.learning;
        let t = &scenario.telemetry;
        let s = l.incentive;
        LongRun {
            strength: s,
            start: scenario.warmup_hours,
            floor: l.floor,
            drift: per_hour(l.drift_per_year, 1.0),
            rate_step: (s * l.step).min(1.0),
            best: t.best,
            worst: t.worst,
            use_step: (s * t.use_step).min(1.0),
            decay: per_hour(t.decay_per_year, s),
            resilience_step: (s * scenario.cascades.step).min(1.0),
            services: vec![
                ServiceLong {
                    rate: [1.0; 2],
                    rate_at: 0.0,
                    telemetry: 1.0,
                    telemetry_at: 0.0,
                    resilience: scenario.cascades.resilience,
                };
                scenario.services.len()
            ],
        }
    }

    /// Whether anything can move.
    pub(super) fn active(&self) -> bool {
        self.strength > 0.0
    }

    /// Hours from `since` to `t` during which the mechanisms act.
    fn acting(&self, since: f64, t: f64) -> f64 {
        (t - since.max(self.start)).max(0.0)
    }

    fn drift_to(&mut self, s: usize, t: f64) {
        let dt = self.acting(self.services[s].rate_at, t);
        let st = &mut self.services[s];
        if dt > 0.0 && self.drift > 0.0 {
            let keep = (-self.drift * dt).exp();
            for m in &mut st.rate {
                *m = 1.0 - (1.0 - *m) * keep;
            }
        }
        st.rate_at = st.rate_at.max(t);
    }

    /// Service `s`'s multiplier of its written rate for incidents of `cause` at `t`.
    pub(super) fn rate(&mut self, s: usize, cause: Cause, t: f64) -> f64 {
        if !self.active() {
            return 1.0;
        }
        self.drift_to(s, t);
        self.services[s].rate[slot(cause)]
    }

    /// A follow-up of an incident of `cause` on service `s` reaches production at `t`.
    pub(super) fn follow_up_done(&mut self, s: usize, cause: Cause, t: f64) {
        if !self.active() || t < self.start {
            return;
        }
        self.drift_to(s, t);
        let (floor, step, r_step) = (self.floor, self.rate_step, self.resilience_step);
        let st = &mut self.services[s];
        let m = &mut st.rate[slot(cause)];
        *m = floor + (*m - floor) * (1.0 - step);
        st.resilience += (1.0 - st.resilience) * r_step;
    }

    fn decay_to(&mut self, s: usize, t: f64) {
        let dt = self.acting(self.services[s].telemetry_at, t);
        let (worst, decay) = (self.worst, self.decay);
        let st = &mut self.services[s];
        if dt > 0.0 && decay > 0.0 {
            st.telemetry = worst - (worst - st.telemetry) * (-decay * dt).exp();
        }
        st.telemetry_at = st.telemetry_at.max(t);
    }

    /// Service `s`'s telemetry multiplier at `t` (exactly 1 when inactive).
    pub(super) fn telemetry(&mut self, s: usize, t: f64) -> f64 {
        if !self.active() {
            return 1.0;
        }
        self.decay_to(s, t);
        self.services[s].telemetry
    }

    /// The owning developers worked an incident of service `s` at `t`: they used (and
    /// improved) its telemetry.
    pub(super) fn telemetry_used(&mut self, s: usize, t: f64) {
        if !self.active() || t < self.start {
            return;
        }
        self.decay_to(s, t);
        let (best, step) = (self.best, self.use_step);
        let st = &mut self.services[s];
        st.telemetry = best + (st.telemetry - best) * (1.0 - step);
    }

    /// Service `s`'s resilience now.
    pub(super) fn resilience(&self, s: usize) -> f64 {
        self.services[s].resilience
    }

    /// Means over services at `t` (read without moving the lazily kept state):
    /// background-rate multiplier, change-rate multiplier, telemetry multiplier, resilience.
    pub(super) fn means(&self, t: f64) -> [f64; 4] {
        let n = self.services.len();
        if n == 0 {
            return [1.0, 1.0, 1.0, 0.0];
        }
        let mut sum = [0.0; 4];
        for st in &self.services {
            let (rate, telemetry) = if self.active() {
                let keep = kept(self.drift, self.acting(st.rate_at, t));
                let decay = kept(self.decay, self.acting(st.telemetry_at, t));
                (
                    st.rate.map(|m| 1.0 - (1.0 - m) * keep),
                    self.worst - (self.worst - st.telemetry) * decay,
                )
            } else {
                (st.rate, st.telemetry)
            };
            sum[0] += rate[0];
            sum[1] += rate[1];
            sum[2] += telemetry;
            sum[3] += st.resilience;
        }
        sum.map(|x| x / n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(incentive: f64) -> Scenario {
        let text = format!(
            "name = \"l\"\nwarmup = \"0h\"\n[learning]\nincentive = {incentive}\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n"
        );
        crate::scenario::parsed(&text, "l.toml")
    }

    #[test]
    fn at_zero_nothing_moves() {
        let mut l = LongRun::new(&scenario(0.0));
        l.follow_up_done(0, Cause::Background, 10.0);
        l.telemetry_used(0, 10.0);
        assert_eq!(l.rate(0, Cause::Background, 1e6).to_bits(), 1f64.to_bits());
        assert_eq!(l.telemetry(0, 1e6).to_bits(), 1f64.to_bits());
    }

    #[test]
    fn follow_ups_lower_the_rate_towards_the_floor_and_drift_brings_it_back() {
        let sc = scenario(1.0);
        let mut l = LongRun::new(&sc);
        for i in 0..200 {
            l.follow_up_done(0, Cause::Change, f64::from(i));
        }
        let low = l.rate(0, Cause::Change, 200.0);
        assert!(low < 0.51 && low >= sc.learning.floor, "{low}");
        assert_eq!(l.rate(0, Cause::Background, 200.0), 1.0);
        let later = l.rate(0, Cause::Change, 200.0 + 10.0 * HOURS_PER_YEAR);
        assert!(later > 0.9 && later < 1.0, "{later}");
        assert!(l.resilience(0) > sc.cascades.resilience);
    }

    #[test]
    fn telemetry_improves_with_use_and_decays_without() {
        let sc = scenario(1.0);
        let mut l = LongRun::new(&sc);
        for i in 0..100 {
            l.telemetry_used(0, f64::from(i) * 0.01);
        }
        let used = l.telemetry(0, 1.0);
        assert!(used < 0.75 && used >= sc.telemetry.best, "{used}");
        let unused = l.telemetry(0, 1.0 + 20.0 * HOURS_PER_YEAR);
        assert!(unused > 1.45 && unused <= sc.telemetry.worst, "{unused}");
    }
}
