//! Customer journeys' impact-weighted downtime. At each moment a journey is impaired by
//! the largest impairment among its services (each service's own level: its open
//! incidents' impacts summed and capped at 1, [`super::downtime::Impairment::level`]), so
//! a journey whose services are down together loses its revenue once. Like a service's,
//! a journey's downtime is a running integral, changed whenever one of its services'
//! levels changes; its reading at the end of the warm-up is taken at the first change
//! after it (the integral is linear until then).

use crate::scenario::Scenario;

/// The running integral of one journey's impairment.
#[derive(Debug, Clone, Default)]
struct Track {
    /// The journey's services.
    members: Vec<usize>,
    /// The largest of its services' levels.
    level: f64,
    /// How many of its services are impaired (level above 0).
    impaired: u32,
    /// Time of the last change.
    last: f64,
    /// Impaired hours from time 0 to `last`.
    accumulated: f64,
    /// Impaired hours from time 0 to the end of the warm-up, once a change has passed it.
    at_warmup: Option<f64>,
}

impl Track {
    /// Impaired hours from time 0 to `t` (`t` not before the last change).
    fn at(&self, t: f64) -> f64 {
        self.accumulated + (t - self.last) * self.level
    }
}

/// Every journey's running integral, and which journeys each service is on.
#[derive(Debug, Clone, Default)]
pub struct Journeys {
    /// Per journey.
    tracks: Vec<Track>,
    /// Per service: the journeys it is on.
    of_service: Vec<Vec<usize>>,
    /// Per service: its level as last reported.
    levels: Vec<f64>,
    /// End of the warm-up.
    warmup: f64,
}

impl Journeys {
    /// The scenario's journeys, nothing impaired, measured from `warmup`.
    pub fn new(scenario: &Scenario, warmup: f64) -> Journeys {
        let n = scenario.services.len();
        let mut of_service = vec![Vec::new(); if scenario.journeys.is_empty() { 0 } else { n }];
        let tracks = scenario
            .journeys
            .iter()
            .enumerate()
            .map(|(j, journey)| {
                for &s in &journey.services {
                    of_service[s].push(j);
                }
                Track {
                    members: journey.services.clone(),
                    ..Track::default()
                }
            })
            .collect();
        let levels = vec![0.0; of_service.len()];
        Journeys {
            tracks,
            of_service,
            levels,
            warmup,
        }
    }

    /// Service `service`'s impairment level changed to `level` at `t` (times in order).
    #[inline]
    pub fn change(&mut self, t: f64, service: usize, level: f64) {
        let Some(journeys) = self.of_service.get(service) else {
            return;
        };
        let old = std::mem::replace(&mut self.levels[service], level);
        let (was, is) = (u32::from(old > 0.0), u32::from(level > 0.0));
        for &j in journeys {
            let track = &mut self.tracks[j];
            if track.at_warmup.is_none() && t >= self.warmup {
                track.at_warmup = Some(track.at(self.warmup));
            }
            track.accumulated = track.at(t);
            track.last = t;
            track.impaired = track.impaired + is - was;
            // The largest of the members' levels (and 0). Where the change decides it
            // without the others, the same value: above the largest, it is the largest;
            // below it from below it, the largest stays; with none impaired, it is 0 (every
            // level is 0 or above it).
            if level > track.level {
                track.level = level;
            } else if track.impaired == 0 {
                track.level = 0.0;
            } else if !(old < track.level && level < track.level) {
                track.level = track
                    .members
                    .iter()
                    .map(|&m| self.levels[m])
                    .fold(0.0, f64::max);
            }
        }
    }

    /// Each journey's impaired hours from the end of the warm-up to `horizon`.
    pub fn downtime(&self, horizon: f64) -> Vec<f64> {
        self.tracks
            .iter()
            .map(|track| {
                let start = track.at_warmup.unwrap_or_else(|| track.at(self.warmup));
                track.at(horizon) - start
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Journeys over `members`, measured from `warmup`, without a scenario.
    fn journeys(services: usize, members: &[&[usize]], warmup: f64) -> Journeys {
        let mut of_service = vec![Vec::new(); services];
        let tracks = members
            .iter()
            .enumerate()
            .map(|(j, m)| {
                for &s in *m {
                    of_service[s].push(j);
                }
                Track {
                    members: m.to_vec(),
                    ..Track::default()
                }
            })
            .collect();
        Journeys {
            tracks,
            of_service,
            levels: vec![0.0; services],
            warmup,
        }
    }

    proptest::proptest! {
        /// The level kept as services change is, bit for bit, the largest of the members'
        /// levels and 0 worked out afresh, whatever the order of changes (ties, zeros and
        /// levels just above and below the largest included).
        #[test]
        fn the_kept_level_is_the_largest_worked_out_afresh(
            changes in proptest::collection::vec((0usize..4, 0usize..6), 1..60)
        ) {
            const LEVELS: [f64; 6] = [0.0, 0.25, 0.5, 0.5000000000000001, 1.0, 1e-300];
            let mut j = journeys(4, &[&[0, 1, 2], &[2, 3], &[1]], 0.0);
            for (k, (service, level)) in changes.into_iter().enumerate() {
                j.change(k as f64, service, LEVELS[level]);
                for track in &j.tracks {
                    let afresh = track.members.iter().map(|&m| j.levels[m]).fold(0.0, f64::max);
                    proptest::prop_assert_eq!(track.level.to_bits(), afresh.to_bits());
                }
            }
        }
    }

    #[test]
    fn two_services_down_at_once_count_the_journey_once() {
        // Services 0 and 1 on one journey, 2 on its own. 0 fully down over [1, 3), 1
        // fully down over [2, 4), 2 at 0.3 over [0, 10).
        let mut j = journeys(3, &[&[0, 1], &[2]], 0.0);
        j.change(0.0, 2, 0.3);
        j.change(1.0, 0, 1.0);
        j.change(2.0, 1, 1.0);
        j.change(3.0, 0, 0.0);
        j.change(4.0, 1, 0.0);
        j.change(10.0, 2, 0.0);
        let d = j.downtime(12.0);
        assert!((d[0] - 3.0).abs() < 1e-12, "{d:?}");
        assert!((d[1] - 3.0).abs() < 1e-12, "{d:?}");
    }

    #[test]
    fn the_largest_impairment_among_its_services_counts() {
        let mut j = journeys(2, &[&[0, 1]], 0.0);
        j.change(0.0, 0, 0.3);
        j.change(1.0, 1, 0.05);
        j.change(2.0, 0, 0.0);
        j.change(3.0, 1, 0.0);
        // 0.3 over [0, 2), then 0.05 over [2, 3).
        assert!((j.downtime(5.0)[0] - 0.65).abs() < 1e-12);
    }

    #[test]
    fn downtime_is_measured_after_the_warm_up() {
        let mut j = journeys(1, &[&[0]], 2.0);
        j.change(1.0, 0, 1.0);
        j.change(5.0, 0, 0.0);
        assert!((j.downtime(10.0)[0] - 3.0).abs() < 1e-12);
        // No change after the warm-up: read from the line through it.
        let mut k = journeys(1, &[&[0]], 2.0);
        k.change(1.0, 0, 0.5);
        assert!((k.downtime(4.0)[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn no_journeys_track_nothing() {
        let mut j = journeys(0, &[], 0.0);
        j.change(1.0, 3, 1.0);
        assert!(j.downtime(2.0).is_empty());
    }
}
