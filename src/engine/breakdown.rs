//! Why an incident took as long as it did: its restore time split into consecutive parts
//! (detection, routing, queueing for a responder, acknowledgement, first-responder work,
//! the wait for developers — paged on call, or waiting for business hours and then for
//! prioritisation — and the developers' work). The parts add up to the restore time.

use super::State;
use crate::models::Escalation;
use crate::world::Incident;

/// Names of the parts, in order; `replications.*` has a `ttr_<name>_hours` column each.
pub const PARTS: [&str; 9] = [
    "detect",
    "route",
    "queue",
    "ack",
    "l1_work",
    "wait_l2_oncall",
    "wait_l2_business_hours",
    "wait_l2_prioritisation",
    "l2_work",
];

/// One incident's path through a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Hours from the start of the run.
    pub arrival: f64,
    /// When it was restored; infinite if still open at the horizon.
    pub restored: f64,
    /// Index of the service.
    pub service: u32,
    /// Index of its severity class.
    pub severity: u8,
    /// Background, change-induced or a regression.
    pub cause: crate::world::Cause,
    /// When it was detected (infinite if not by the horizon): when an incident tool opens it.
    pub detected: f64,
    /// When it was first acknowledged by a responder (L1 start plus acknowledgement).
    pub acknowledged: f64,
    /// Whether a non-owner with production access rolled it back.
    pub rolled_back: bool,
    /// Its restore time in [`PARTS`], hours (zeros while still open).
    pub parts: [f64; 9],
}

pub(super) fn trace(inc: &Incident, st: &State) -> Trace {
    Trace {
        arrival: inc.arrival,
        restored: st.restored,
        service: inc.service,
        severity: inc.severity,
        cause: inc.cause,
        detected: st.detected,
        acknowledged: st.l1_start + inc.ack_l1,
        rolled_back: st.rolled_back,
        parts: if st.restored.is_finite() {
            parts(inc, st)
        } else {
            [0.0; 9]
        },
    }
}

/// The parts of a restored incident's time to restore.
pub(super) fn parts(inc: &Incident, st: &State) -> [f64; 9] {
    let mut p = [0.0; 9];
    p[0] = st.detected - inc.arrival;
    p[1] = st.paged - st.detected;
    p[2] = st.l1_start - st.paged;
    p[3] = inc.ack_l1;
    if !st.escalates || st.by_workaround {
        // Restored by L1: its own work, then any workaround it applied.
        p[4] = st.restored - st.l1_start - inc.ack_l1;
        return p;
    }
    p[4] = st.l1_end - st.l1_start - inc.ack_l1;
    match st.escalation {
        Escalation::None | Escalation::OnCall => {
            p[5] = st.l2_start - st.l1_end + inc.ack_l2;
            p[8] = st.restored - st.l2_start - inc.ack_l2;
        }
        Escalation::BusinessHours { .. } => {
            p[6] = st.l2_start - st.l1_end;
            p[7] = st.l2_begin - st.l2_start;
            p[8] = st.restored - st.l2_begin;
        }
    }
    p
}
