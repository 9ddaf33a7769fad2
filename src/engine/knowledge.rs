//! Non-owners' knowledge of each service: eroded by every deployment, restored by
//! knowledge-synchronisation hours. Evaluated lazily, exactly, between events.

/// One group's knowledge of one service.
#[derive(Debug, Clone, Copy)]
struct Cell {
    level: f64,
    since: f64,
    /// Continuous restoration rate per hour while synchronising.
    rate: f64,
}

/// Knowledge of the SRE (index 0) and operations (index 1) groups per service.
#[derive(Debug, Clone)]
pub struct KnowledgeState {
    /// Per service, both groups' cells side by side: what a deployment reads and writes
    /// is one service's, together.
    cells: Vec<[Cell; 2]>,
    floor: [f64; 2],
    erosion: f64,
    /// Per service, the groups whose knowledge of it matters to this model (can be read);
    /// the others are never evaluated.
    used: Vec<[bool; 2]>,
}

impl KnowledgeState {
    /// Each service's knowledge starts at its entry in `initial`; `used` has one entry
    /// per service too.
    pub fn new(
        initial: Vec<[f64; 2]>,
        floor: [f64; 2],
        erosion: f64,
        used: Vec<[bool; 2]>,
    ) -> Self {
        debug_assert_eq!(initial.len(), used.len());
        let cell = |level: f64| Cell {
            level,
            since: 0.0,
            rate: 0.0,
        };
        Self {
            cells: initial.iter().map(|k| [cell(k[0]), cell(k[1])]).collect(),
            floor,
            erosion,
            used,
        }
    }

    fn advance(&mut self, g: usize, s: usize, t: f64) {
        let c = &mut self.cells[s][g];
        advance(&mut c.level, &mut c.since, c.rate, t);
    }

    /// Knowledge of group `g` of service `s` at time `t`: a group whose knowledge of `s`
    /// matters to this model (an other's is never evaluated).
    pub fn at(&mut self, g: usize, s: usize, t: f64) -> f64 {
        debug_assert!(self.used[s][g], "read knowledge that is not tracked");
        self.advance(g, s, t);
        self.cells[s][g].level
    }

    /// Sets the restoration rate from `t` on (per hour).
    pub fn set_rate(&mut self, g: usize, s: usize, t: f64, rate: f64) {
        self.advance(g, s, t);
        self.cells[s][g].rate = rate;
    }

    /// Service `s`'s knowledge, held apart while a run of its deployments erodes it.
    pub fn service(&mut self, s: usize) -> ServiceKnowledge<'_> {
        let [a, b] = self.cells[s];
        ServiceKnowledge {
            level: [a.level, b.level],
            since: [a.since, b.since],
            rate: [a.rate, b.rate],
            used: self.used[s],
            floor: self.floor,
            keep: 1.0 - self.erosion,
            state: self,
            s,
        }
    }
}

/// Restoration of knowledge `level` from `since` to `t` at `rate` per hour.
#[inline]
fn advance(level: &mut f64, since: &mut f64, rate: f64, t: f64) {
    let dt = t - *since;
    if dt > 0.0 && rate > 0.0 {
        let gap = 1.0 - *level;
        *level = 1.0 - gap * (-rate * dt).exp();
    }
    *since = since.max(t);
}

/// One service's knowledge in local variables (registers) while a run of its deployments
/// erodes it, written back when dropped: the arithmetic of one
/// [`KnowledgeState::deploy`] per deployment, in the same order, without looking the
/// service up again for each.
pub struct ServiceKnowledge<'a> {
    state: &'a mut KnowledgeState,
    s: usize,
    level: [f64; 2],
    since: [f64; 2],
    rate: [f64; 2],
    used: [bool; 2],
    floor: [f64; 2],
    /// The share of knowledge above the floor a deployment leaves (1 − erosion).
    keep: f64,
}

impl ServiceKnowledge<'_> {
    /// Whether any group's knowledge of the service matters (its deployments erode it).
    #[inline]
    pub fn tracked(&self) -> bool {
        self.used[0] || self.used[1]
    }

    /// A deployment at `t`: both groups lose a share of their knowledge above the floor.
    #[inline]
    pub fn deploy(&mut self, t: f64) {
        for g in 0..2 {
            if !self.used[g] {
                continue;
            }
            advance(&mut self.level[g], &mut self.since[g], self.rate[g], t);
            let floor = self.floor[g].min(self.level[g]);
            self.level[g] = floor + (self.level[g] - floor) * self.keep;
        }
    }
}

impl Drop for ServiceKnowledge<'_> {
    fn drop(&mut self) {
        for (g, cell) in self.state.cells[self.s].iter_mut().enumerate() {
            cell.level = self.level[g];
            cell.since = self.since[g];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployments_erode_and_sync_restores() {
        let mut k = KnowledgeState::new(vec![[0.8, 0.4]], [0.5, 0.2], 0.1, vec![[true, true]]);
        k.service(0).deploy(1.0);
        assert!((k.at(0, 0, 1.0) - (0.5 + 0.3 * 0.9)).abs() < 1e-12);
        assert!((k.at(1, 0, 1.0) - (0.2 + 0.2 * 0.9)).abs() < 1e-12);
        k.set_rate(1, 0, 1.0, 0.01);
        let later = k.at(1, 0, 101.0);
        let expected = 1.0 - (1.0 - 0.38) * (-1.0f64).exp();
        assert!((later - expected).abs() < 1e-12);
    }
}
