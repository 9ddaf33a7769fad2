//! The engine's pending events, in two heaps: the work of the next hours (pages, work
//! done, ticks) and the follow-ups due weeks ahead, which outnumber the rest in a
//! long-run scenario and would make every pop of the near work walk a deeper heap.
//!
//! The key (time, scheduling order) is total — no two events share a scheduling number —
//! and the earlier of the two heaps' first events is taken, so the events come out in
//! exactly the order one heap gives (see docs/performance.md, session 9).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A scheduled event: what happens (`kind`, to incident or period `index`) at `time_bits`
/// (an `f64`'s bits; the engine's times are never negative, so the bits order as the
/// times do), the `seq`-th scheduled.
#[derive(Debug, Clone, Copy)]
pub(super) struct Event<K> {
    pub time_bits: u64,
    pub seq: u64,
    pub kind: K,
    pub index: u32,
}

impl<K> Event<K> {
    /// The time, then the scheduling order, as one number: compared without a branch,
    /// in the order of the pair.
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.time_bits) << 64) | u128::from(self.seq)
    }
}

impl<K> PartialEq for Event<K> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<K> Eq for Event<K> {}

impl<K> PartialOrd for Event<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Event<K> {
    /// By the key alone: the payload never decides (the key is unique).
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Events, the earliest first; among equal times, the first scheduled first.
#[derive(Debug, Clone)]
pub(super) struct Events<K> {
    near: BinaryHeap<Reverse<Event<K>>>,
    far: BinaryHeap<Reverse<Event<K>>>,
}

impl<K: Copy> Events<K> {
    pub fn new() -> Self {
        Self {
            near: BinaryHeap::new(),
            far: BinaryHeap::new(),
        }
    }

    /// The earliest event's time bits, if any is pending.
    #[inline]
    pub fn peek_time_bits(&self) -> Option<u64> {
        match (self.near.peek(), self.far.peek()) {
            (Some(Reverse(a)), Some(Reverse(b))) => Some(a.time_bits.min(b.time_bits)),
            (Some(Reverse(e)), None) | (None, Some(Reverse(e))) => Some(e.time_bits),
            (None, None) => None,
        }
    }

    /// Schedules an event; `far` for the kinds due long after most others (the choice
    /// changes only the speed, never the order). Inline: where the compiler chooses not
    /// to, the engine spends some 4% more (callgrind, `baseline`).
    #[inline]
    pub fn push(&mut self, event: Event<K>, far: bool) {
        if far {
            self.far.push(Reverse(event));
        } else {
            self.near.push(Reverse(event));
        }
    }

    /// Takes the earliest event.
    pub fn pop(&mut self) -> Option<Event<K>> {
        let far_first = match (self.near.peek(), self.far.peek()) {
            (Some(Reverse(a)), Some(Reverse(b))) => b.key() < a.key(),
            (None, _) => true,
            (_, None) => false,
        };
        let heap = if far_first {
            &mut self.far
        } else {
            &mut self.near
        };
        heap.pop().map(|Reverse(e)| e)
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Against one `std` heap on the same (time, order) keys: any interleaving of
        /// pushes (to either heap) and pops, ties in time included, gives the same events
        /// in the same order.
        #[test]
        fn pops_as_one_standard_heap_does(
            ops in prop::collection::vec((any::<bool>(), 0u64..6, any::<u32>(), any::<bool>()), 0..400)
        ) {
            let mut ours = Events::new();
            let mut std_heap = BinaryHeap::new();
            for (seq, (push, time, index, far)) in ops.into_iter().enumerate() {
                if push {
                    let e = Event { time_bits: (time as f64).to_bits(), seq: seq as u64, kind: (), index };
                    ours.push(e, far);
                    std_heap.push(Reverse((e.time_bits, e.seq, e.index)));
                } else {
                    let a = ours.pop().map(|e| (e.time_bits, e.seq, e.index));
                    let b = std_heap.pop().map(|Reverse(k)| k);
                    prop_assert_eq!(a, b);
                }
                prop_assert_eq!(ours.peek_time_bits(), std_heap.peek().map(|Reverse(k)| k.0));
            }
            while let Some(Reverse(k)) = std_heap.pop() {
                prop_assert_eq!(ours.pop().map(|e| (e.time_bits, e.seq, e.index)), Some(k));
            }
            prop_assert!(ours.pop().is_none());
        }
    }
}
