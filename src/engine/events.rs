//! The engine's pending events, in two lanes: the work of the next hours (pages, work
//! done, ticks), kept in order in a short vector (a heap beside it for any beyond
//! [`SORTED`]), and the follow-ups due weeks ahead, in a heap, which outnumber the rest in
//! a long-run scenario and would make every pop of the near work walk a deeper heap.
//!
//! The key (time, scheduling order) is total — no two events share a scheduling number —
//! and the earliest of the lanes' first events is taken, so the events come out in
//! exactly the order one heap gives (see docs/performance.md, sessions 9 and 14).

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

/// The near events kept in order, the latest first and the earliest last, up to this
/// many; more wait in a heap beside them.
const SORTED: usize = 64;

/// Events, the earliest first; among equal times, the first scheduled first.
#[derive(Debug)]
pub(super) struct Events<K> {
    /// The near events, in descending key order: the next is taken from the end, without
    /// the data-dependent branches of a heap's sift (a tenth of a baseline run's time in a
    /// sampling profile went to them, far more than their instructions' share).
    sorted: Vec<Event<K>>,
    /// Near events beyond [`SORTED`] of them.
    overflow: BinaryHeap<Reverse<Event<K>>>,
    far: BinaryHeap<Reverse<Event<K>>>,
}

impl<K: Copy> Clone for Events<K> {
    /// With the vector's room for [`SORTED`] events: a fork's pushes do not grow it.
    fn clone(&self) -> Self {
        let mut sorted = Vec::with_capacity(SORTED.max(self.sorted.len()));
        sorted.extend_from_slice(&self.sorted);
        Self {
            sorted,
            overflow: self.overflow.clone(),
            far: self.far.clone(),
        }
    }
}

impl<K: Copy> Events<K> {
    pub fn new() -> Self {
        Self {
            sorted: Vec::with_capacity(SORTED),
            overflow: BinaryHeap::new(),
            far: BinaryHeap::new(),
        }
    }

    /// The earliest of the near events (the sorted ones' and the overflow's).
    #[inline]
    fn near(&self) -> Option<&Event<K>> {
        match (self.sorted.last(), self.overflow.peek()) {
            (Some(a), Some(Reverse(b))) => Some(if b.key() < a.key() { b } else { a }),
            (Some(e), None) | (None, Some(Reverse(e))) => Some(e),
            (None, None) => None,
        }
    }

    /// The earliest event's time bits, if any is pending.
    #[inline]
    pub fn peek_time_bits(&self) -> Option<u64> {
        match (self.near(), self.far.peek()) {
            (Some(a), Some(Reverse(b))) => Some(a.time_bits.min(b.time_bits)),
            (Some(e), None) | (None, Some(Reverse(e))) => Some(e.time_bits),
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
        } else if self.sorted.len() < SORTED {
            let key = event.key();
            let at = self.sorted.partition_point(|e| e.key() > key);
            self.sorted.insert(at, event);
        } else {
            self.overflow.push(Reverse(event));
        }
    }

    /// Takes the earliest event: the earliest of the three lanes' first (keys are unique,
    /// so exactly one). Inline, as `push`: once a change elsewhere led the compiler to call
    /// it instead, the engine ran 3% more instructions (callgrind, `estate-200`, session 15).
    #[inline]
    pub fn pop(&mut self) -> Option<Event<K>> {
        let far = self.far.peek().map(|Reverse(e)| e.key());
        let over = self.overflow.peek().map(|Reverse(e)| e.key());
        let sorted = self.sorted.last().map(Event::key);
        let first = |a: Option<u128>, b: Option<u128>| match (a, b) {
            (Some(a), Some(b)) => a < b,
            (a, _) => a.is_some(),
        };
        if first(sorted, over) && first(sorted, far) {
            self.sorted.pop()
        } else if first(over, far) {
            self.overflow.pop().map(|Reverse(e)| e)
        } else {
            self.far.pop().map(|Reverse(e)| e)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn more_near_events_than_the_vector_holds_come_out_in_order() {
        // 300 near events at scrambled times (ties among them), then all taken: the
        // overflow heap holds those beyond the vector, and the order is one heap's.
        let mut ours = Events::new();
        let mut std_heap = BinaryHeap::new();
        for seq in 0..300u64 {
            let time = ((seq * 7919) % 97) as f64;
            let e = Event {
                time_bits: time.to_bits(),
                seq,
                kind: (),
                index: seq as u32,
            };
            ours.push(e, seq % 10 == 0);
            std_heap.push(Reverse((e.time_bits, e.seq)));
        }
        assert!(ours.overflow.len() > 100, "{}", ours.overflow.len());
        while let Some(Reverse(k)) = std_heap.pop() {
            assert_eq!(ours.pop().map(|e| (e.time_bits, e.seq)), Some(k));
        }
        assert!(ours.pop().is_none());
    }

    proptest! {
        /// Against one `std` heap on the same (time, order) keys: any interleaving of
        /// pushes (to either lane) and pops, ties in time included, gives the same events
        /// in the same order — with few pending, and with more near ones than the sorted
        /// vector holds (pushes three times in four).
        #[test]
        fn pops_as_one_standard_heap_does(
            ops in prop::collection::vec((0u8..4, 0u64..6, any::<u32>(), any::<bool>()), 0..600),
            pushes in 2u8..4,
        ) {
            let mut ours = Events::new();
            let mut std_heap = BinaryHeap::new();
            for (seq, (op, time, index, far)) in ops.into_iter().enumerate() {
                if op < pushes {
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
