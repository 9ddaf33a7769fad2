//! Impact-weighted downtime: at each moment a service is impaired by the sum of its open
//! incidents' impacts, capped at 1 (a service cannot be more than down). The engine keeps a
//! running integral per service, updated at each arrival and restore, so downtime over any
//! period is a difference of two readings; the interval sweep below is its test oracle.

/// The running integral of one service's impairment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Impairment {
    /// Sum of the open incidents' impacts.
    level: f64,
    /// Time of the last change.
    last: f64,
    /// Impaired hours from time 0 to `last`.
    accumulated: f64,
}

impl Impairment {
    /// Impaired hours from time 0 to `t` (`t` not before the last change).
    #[inline]
    pub fn at(&self, t: f64) -> f64 {
        if self.level > 1e-12 {
            self.accumulated + (t - self.last) * self.level.min(1.0)
        } else {
            self.accumulated
        }
    }

    /// The impairment now: the open incidents' impacts summed and capped at 1 (0 when
    /// nothing is open), the rate at which [`Impairment::at`] grows.
    #[inline]
    pub fn level(&self) -> f64 {
        if self.level > 1e-12 {
            self.level.min(1.0)
        } else {
            0.0
        }
    }

    /// An incident of impact `delta` opens (positive) or is restored (negative) at `t`.
    #[inline]
    pub fn change(&mut self, t: f64, delta: f64) {
        self.accumulated = self.at(t);
        self.last = t;
        self.level += delta;
    }

    /// Nothing is open: clears rounding left in the level by additions and subtractions.
    #[inline]
    pub fn clear(&mut self) {
        self.level = 0.0;
    }
}

#[cfg(test)]
use std::cmp::Reverse;
#[cfg(test)]
use std::collections::BinaryHeap;

/// Reusable heap of open intervals' (end, impact), as bit patterns of non-negative floats
/// (whose order the bits preserve).
#[cfg(test)]
pub type Scratch = BinaryHeap<Reverse<(u64, u64)>>;

/// Impaired hours within `[from, to)` of intervals `(start, end, impact)` given in order of
/// start: the oracle for [`Impairment`].
#[cfg(test)]
pub fn impaired_hours(
    intervals: impl Iterator<Item = (f64, f64, f64)>,
    from: f64,
    to: f64,
    open: &mut Scratch,
) -> f64 {
    open.clear();
    let (mut level, mut last, mut total) = (0.0_f64, from, 0.0_f64);
    let mut advance = |t: f64, level: f64, last: &mut f64| {
        if level > 1e-12 && t > *last {
            total += (t - *last) * level.min(1.0);
        }
        *last = (*last).max(t);
    };
    for (start, end, impact) in intervals {
        if start >= to {
            break;
        }
        let end = end.min(to);
        if end <= from || impact <= 0.0 {
            continue;
        }
        let start = start.max(from);
        while let Some(&Reverse((e, i))) = open.peek() {
            let e = f64::from_bits(e);
            if e > start {
                break;
            }
            advance(e, level, &mut last);
            level -= f64::from_bits(i);
            open.pop();
        }
        advance(start, level, &mut last);
        level += impact;
        open.push(Reverse((end.to_bits(), impact.to_bits())));
    }
    while let Some(Reverse((e, i))) = open.pop() {
        advance(f64::from_bits(e), level, &mut last);
        level -= f64::from_bits(i);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(iv: &[(f64, f64, f64)], from: f64, to: f64) -> f64 {
        let mut sorted = iv.to_vec();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        impaired_hours(sorted.into_iter(), from, to, &mut Scratch::new())
    }

    #[test]
    fn overlapping_outages_count_once() {
        let iv = [(0.0, 2.0, 1.0), (1.0, 3.0, 1.0), (5.0, 6.0, 0.5)];
        assert!((run(&iv, 0.0, 10.0) - 3.5).abs() < 1e-12);
        assert!((run(&iv, 1.5, 5.5) - 1.75).abs() < 1e-12);
        let partial = [(0.0, 4.0, 0.3), (1.0, 2.0, 0.3)];
        assert!((run(&partial, 0.0, 4.0) - 1.5).abs() < 1e-12);
    }

    proptest! {
        /// Against a brute-force integration on a fine grid.
        #[test]
        fn matches_brute_force(iv in proptest::collection::vec((0u32..100, 1u32..40, 1u32..5), 0..20), from in 0u32..50, len in 1u32..100) {
            let iv: Vec<(f64, f64, f64)> = iv
                .into_iter()
                .map(|(s, d, k)| (f64::from(s), f64::from(s + d), f64::from(k) * 0.25))
                .collect();
            let (from, to) = (f64::from(from), f64::from(from + len));
            let mut brute = 0.0;
            let step = 0.5;
            let mut t = from + step / 2.0;
            while t < to {
                let level: f64 = iv.iter().filter(|(s, e, _)| *s <= t && t < *e).map(|x| x.2).sum();
                brute += level.min(1.0) * step;
                t += step;
            }
            prop_assert!((run(&iv, from, to) - brute).abs() < 1e-9, "{} vs {}", run(&iv, from, to), brute);
        }

        /// The running integral, fed the same intervals as events in time order, agrees
        /// with the sweep over any window.
        #[test]
        fn running_integral_matches_the_sweep(iv in proptest::collection::vec((0u32..100, 1u32..40, 1u32..5), 0..20), from in 0u32..50, len in 1u32..100) {
            let iv: Vec<(f64, f64, f64)> = iv
                .into_iter()
                .map(|(s, d, k)| (f64::from(s), f64::from(s + d), f64::from(k) * 0.25))
                .collect();
            let (from, to) = (f64::from(from), f64::from(from + len));
            let mut events: Vec<(f64, f64)> = iv.iter().flat_map(|(s, e, k)| [(*s, *k), (*e, -*k)]).collect();
            events.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
            let mut track = Impairment::default();
            let (mut at_from, mut at_to) = (None, None);
            let mut open = 0i32;
            for (t, delta) in events {
                if at_from.is_none() && t >= from { at_from = Some(track.at(from)); }
                if at_to.is_none() && t >= to { at_to = Some(track.at(to)); }
                track.change(t, delta);
                open += if delta > 0.0 { 1 } else { -1 };
                if open == 0 { track.clear(); }
            }
            let a = at_from.unwrap_or_else(|| track.at(from));
            let b = at_to.unwrap_or_else(|| track.at(to));
            prop_assert!((b - a - run(&iv, from, to)).abs() < 1e-9);
        }
    }
}
