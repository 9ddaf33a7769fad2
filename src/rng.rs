//! Seeded random-number streams. Each replication has its own seed, and within a
//! replication each *purpose* (arrivals, effort, acknowledgement, …) of each service has
//! its own independent stream, so one mechanism's extra draws never shift another's.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere: fast, non-cryptographic, stable across versions.
pub type SimRng = Xoshiro256PlusPlus;

/// What a stream is used for. The discriminant is part of the stream's seed: never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Background incident arrival times.
    Arrivals = 1,
    /// Deployment times and whether each fails.
    Deployments = 2,
    /// Severity class of each incident.
    Severity = 3,
    /// Intrinsic effort to restore.
    Effort = 4,
    /// Intrinsic detection delay.
    Detection = 5,
    /// Uniforms deciding escalation.
    Escalation = 6,
    /// Acknowledgement delays.
    Acknowledge = 7,
    /// Dev-team prioritisation delays.
    Prioritisation = 8,
    /// Routing delays.
    Routing = 9,
    /// Whether an incident crosses team boundaries, and ops monitoring's detection.
    CrossTeam = 10,
    /// Workaround decisions and efforts.
    Workaround = 11,
    /// Model-specific feedback: regression incidents and workaround lifetimes. Keyed by
    /// model, since models diverge once feedback acts.
    Feedback = 12,
    /// A non-owner's time to roll back a failed deployment.
    Rollback = 13,
    /// Whether an incident still happens given its service's learning so far, whether its
    /// follow-up work is done and how long it takes.
    Learning = 14,
    /// The wait of an escalation across a team boundary.
    Handoff = 15,
    /// Model-specific: which dependents an incident impairs, and the cascaded incidents.
    /// Keyed by model, like [`Purpose::Feedback`].
    Cascade = 16,
    /// Whether a readiness review passes. Keyed by model.
    Review = 17,
    /// `whoruns frontier`'s search: parents, crossovers and mutations (never a world's
    /// numbers).
    Search = 18,
}

/// SplitMix64 finaliser: a bijective 64-bit mixer.
pub const fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) keyed by what it decides (`a`, `b`) rather than drawn in
/// order from a stream: the same decision meets the same number whatever happened before.
pub fn keyed_uniform(replication_seed: u64, purpose: Purpose, a: u64, b: u64) -> f64 {
    let key = splitmix64(
        replication_seed
            ^ splitmix64((purpose as u64) << 56 ^ splitmix64(a.wrapping_mul(0x9E37_79B9) ^ b)),
    );
    // The top 53 bits, as `rand` makes an f64.
    (key >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The seed of replication `replication` of a run with base seed `base`.
pub fn replication_seed(base: u64, replication: u32) -> u64 {
    splitmix64(base ^ splitmix64(u64::from(replication).wrapping_add(0xA076_1D64_78BD_642F)))
}

/// The stream for `purpose` of item `index` (a service) within a replication.
pub fn stream(replication_seed: u64, purpose: Purpose, index: u64) -> SimRng {
    let key = splitmix64((purpose as u64).wrapping_mul(0x1_0000_0001) ^ splitmix64(index));
    SimRng::seed_from_u64(splitmix64(replication_seed ^ key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_purpose_and_index() {
        let a = stream(1, Purpose::Arrivals, 0).next_u64();
        let b = stream(1, Purpose::Effort, 0).next_u64();
        let c = stream(1, Purpose::Arrivals, 1).next_u64();
        let d = stream(2, Purpose::Arrivals, 0).next_u64();
        assert!(a != b && a != c && a != d && b != c);
        assert_eq!(a, stream(1, Purpose::Arrivals, 0).next_u64());
        assert_ne!(replication_seed(1, 0), replication_seed(1, 1));
    }
}
