//! Worlds kept across the points of an analysis. A sensitivity analysis, a break-even
//! search and a sweep simulate the same replications (the same seeds)
//! at many points; a point whose moved parameter does not touch what worlds are drawn
//! from ([`WorldSpec`]) would draw every replication's world again, the same to the bit.
//! [`Worlds`] keeps them instead, up to a memory budget; a point that does touch it draws
//! its own, as before. Outcomes are the same either way: a world is a function of its
//! spec and its seed alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{World, WorldSpec};
use crate::scenario::Scenario;

/// Bytes of worlds a [`Worlds`] keeps by default: about 160 of the bundled baseline's
/// replications (about 1.6 MB each).
pub const KEEP_BUDGET: usize = 256 << 20;

/// Replications' worlds of one scenario, kept by seed up to a budget in bytes, for the
/// points whose own worlds they are ([`WorldSpec::serves`]).
#[derive(Debug)]
pub struct Worlds {
    spec: Arc<WorldSpec>,
    budget: usize,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    by_seed: HashMap<u64, Arc<World>>,
    bytes: usize,
}

impl Worlds {
    /// Worlds drawn as `scenario`'s are, for every model of it, kept up to `budget` bytes.
    pub fn new(scenario: &Scenario, budget: usize) -> Worlds {
        Worlds {
            spec: Arc::new(WorldSpec::of(scenario, &crate::models::policies(scenario))),
            budget,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Whether these worlds are the worlds of a scenario drawn from `spec`.
    pub fn serve(&self, spec: &WorldSpec) -> bool {
        self.spec.serves(spec)
    }

    /// The world of the replication with `seed`: the one kept, or drawn now (and kept
    /// while the budget allows). Only for a `spec` these worlds [`serve`](Self::serve).
    pub fn world(&self, seed: u64) -> Arc<World> {
        if let Some(w) = self.lock().by_seed.get(&seed) {
            return Arc::clone(w);
        }
        // Drawn outside the lock: two workers never ask for the same seed at once, and if
        // they did, both would draw the same world.
        let world = Arc::new(World::generate_from(&self.spec, seed));
        let bytes = world.bytes();
        let mut kept = self.lock();
        if kept.bytes + bytes <= self.budget && !kept.by_seed.contains_key(&seed) {
            kept.bytes += bytes;
            kept.by_seed.insert(seed, Arc::clone(&world));
        }
        world
    }

    /// Worlds kept, and their bytes (what the tests check the budget against).
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.by_seed.len(), kept.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic elsewhere cannot leave the map half-changed: each change is one insert.
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl World {
    /// The heap bytes its incidents and deployments take.
    pub fn bytes(&self) -> usize {
        self.incidents.capacity() * std::mem::size_of::<super::Incident>()
            + self
                .deployments
                .iter()
                .map(super::Deployments::bytes)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::simulate_policy;
    use crate::models::policies;
    use crate::rng::replication_seed;

    fn baseline() -> Scenario {
        let text = include_str!("../../scenarios/baseline.toml");
        let mut s = crate::scenario::parse(text, "baseline.toml").unwrap();
        s.set_replications(2).unwrap();
        s
    }

    #[test]
    fn a_kept_world_is_the_world_drawn_for_the_point_and_gives_the_same_outcomes() {
        let base = baseline();
        let worlds = Worlds::new(&base, KEEP_BUDGET);
        // One model only: its world makes fewer optional draws than all six need.
        let mut point = base.clone();
        let one = vec![crate::model::ModelKind::YouRun];
        point.compare(one.clone(), one[0]).unwrap();
        let ps = policies(&point);
        let spec = WorldSpec::of(&point, &ps);
        assert!(worlds.serve(&spec));
        assert_ne!(
            spec.needs, worlds.spec.needs,
            "the kept worlds make more draws"
        );
        for r in 0..2 {
            let seed = replication_seed(point.seed, r);
            let own = World::generate_from(&Arc::new(spec.clone()), seed);
            let kept = worlds.world(seed);
            assert!(
                Arc::ptr_eq(&kept, &worlds.world(seed)),
                "kept, not drawn again"
            );
            for p in &ps {
                let a = simulate_policy(&point, &own, p, r, seed);
                let b = simulate_policy(&point, &kept, p, r, seed);
                assert_eq!(format!("{a:?}"), format!("{b:?}"));
            }
        }
        assert_eq!(worlds.held().0, 2);
    }

    #[test]
    fn a_parameter_that_moves_what_worlds_are_drawn_from_is_not_served() {
        let base = baseline();
        let worlds = Worlds::new(&base, KEEP_BUDGET);
        let ps = policies(&base);
        let mut moved = base.clone();
        moved.services[3].background_rate_per_hour *= 1.5;
        assert!(!worlds.serve(&WorldSpec::of(&moved, &ps)));
        let mut moved = base.clone();
        moved.response.acknowledge = crate::dist::Dist::exponential(0.2).unwrap();
        assert!(!worlds.serve(&WorldSpec::of(&moved, &ps)));
        // Staffing, prices and the knowledge model are not what worlds are drawn from.
        let mut moved = base.clone();
        moved.knowledge.erosion_per_deploy *= 2.0;
        assert!(worlds.serve(&WorldSpec::of(&moved, &ps)));
    }

    #[test]
    fn an_edit_of_a_price_is_served_by_the_stated_worlds() {
        let text = include_str!("../../scenarios/baseline.toml");
        let stated = crate::scenario::parse(text, "baseline.toml").unwrap();
        let worlds = Worlds::new(&stated, KEEP_BUDGET);
        let levers = crate::whatif::catalogue(text, &stated);
        let mut edit = crate::whatif::Edit::default();
        edit.values.insert("costs.standby_per_hour".into(), 7.5);
        let applied = crate::whatif::apply(text, "baseline.toml", &levers, &edit).unwrap();
        let spec = WorldSpec::of(&applied.scenario, &policies(&applied.scenario));
        assert!(worlds.serve(&spec));
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let base = baseline();
        let one = World::generate(&base, replication_seed(base.seed, 0)).bytes();
        let worlds = Worlds::new(&base, one + one / 2);
        for r in 0..3 {
            worlds.world(replication_seed(base.seed, r));
        }
        let (n, bytes) = worlds.held();
        assert_eq!(n, 1);
        assert!(bytes <= one + one / 2);
    }
}
