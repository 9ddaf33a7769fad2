//! Non-owners' knowledge of each service: eroded by every deployment, restored by
//! knowledge-synchronisation hours. Evaluated lazily, exactly, between events.

/// Knowledge of the SRE (index 0) and operations (index 1) groups per service.
#[derive(Debug, Clone)]
pub struct KnowledgeState {
    level: [Vec<f64>; 2],
    since: [Vec<f64>; 2],
    floor: [f64; 2],
    /// Continuous restoration rate per hour for each (group, service) while synchronising.
    rate: [Vec<f64>; 2],
    erosion: f64,
    /// Groups whose knowledge matters to this model; the others are never evaluated.
    used: [bool; 2],
}

impl KnowledgeState {
    /// Every service starts at the group's initial knowledge.
    pub fn new(
        services: usize,
        initial: [f64; 2],
        floor: [f64; 2],
        erosion: f64,
        used: [bool; 2],
    ) -> Self {
        Self {
            level: [vec![initial[0]; services], vec![initial[1]; services]],
            since: [vec![0.0; services], vec![0.0; services]],
            floor,
            rate: [vec![0.0; services], vec![0.0; services]],
            erosion,
            used,
        }
    }

    fn advance(&mut self, g: usize, s: usize, t: f64) {
        let dt = t - self.since[g][s];
        if dt > 0.0 && self.rate[g][s] > 0.0 {
            let gap = 1.0 - self.level[g][s];
            self.level[g][s] = 1.0 - gap * (-self.rate[g][s] * dt).exp();
        }
        self.since[g][s] = self.since[g][s].max(t);
    }

    /// Whether any group's knowledge matters to this model (deployments erode it).
    pub fn tracks_any(&self) -> bool {
        self.used[0] || self.used[1]
    }

    /// Knowledge of group `g` of service `s` at time `t`.
    pub fn at(&mut self, g: usize, s: usize, t: f64) -> f64 {
        self.advance(g, s, t);
        self.level[g][s]
    }

    /// Sets the restoration rate from `t` on (per hour).
    pub fn set_rate(&mut self, g: usize, s: usize, t: f64, rate: f64) {
        self.advance(g, s, t);
        self.rate[g][s] = rate;
    }

    /// A deployment of `s` at `t`: both groups lose a share of their knowledge above the floor.
    pub fn deploy(&mut self, s: usize, t: f64) {
        for g in 0..2 {
            if !self.used[g] {
                continue;
            }
            self.advance(g, s, t);
            let floor = self.floor[g].min(self.level[g][s]);
            self.level[g][s] = floor + (self.level[g][s] - floor) * (1.0 - self.erosion);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployments_erode_and_sync_restores() {
        let mut k = KnowledgeState::new(1, [0.8, 0.4], [0.5, 0.2], 0.1, [true, true]);
        k.deploy(0, 1.0);
        assert!((k.at(0, 0, 1.0) - (0.5 + 0.3 * 0.9)).abs() < 1e-12);
        assert!((k.at(1, 0, 1.0) - (0.2 + 0.2 * 0.9)).abs() < 1e-12);
        k.set_rate(1, 0, 1.0, 0.01);
        let later = k.at(1, 0, 101.0);
        let expected = 1.0 - (1.0 - 0.38) * (-1.0f64).exp();
        assert!((later - expected).abs() < 1e-12);
    }
}
