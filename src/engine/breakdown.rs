//! Why an incident took as long as it did: its restore time split into consecutive parts
//! (detection, routing, queueing for a responder, acknowledgement, first-responder work,
//! the wait for developers — paged on call, or waiting for business hours and then for
//! prioritisation — and the developers' work). The parts add up to the restore time.

use super::State;
use crate::metric::RestorePart;
use crate::models::Escalation;
use crate::world::Incident;

/// The parts, in order (listed once, in [`crate::metric::RestorePart`]); `replications.*`
/// has a `ttr_<key>_hours` column each.
pub const PARTS: [RestorePart; N] = RestorePart::ALL;

/// How many parts there are.
const N: usize = RestorePart::ALL.len();

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
    pub parts: [f64; N],
    /// When its escalation was handed to another team (the owners), if it crossed a team
    /// boundary and paid the hand-off; infinite otherwise.
    pub handed_off: f64,
    /// When the owners took the handed-off incident (on call: when a developer took it;
    /// business hours: when work began); infinite if not (yet).
    pub owners_took: f64,
}

pub(super) fn trace(inc: &Incident, st: &State) -> Trace {
    Trace {
        arrival: st.arrived,
        restored: st.restored,
        service: inc.service,
        severity: inc.severity,
        cause: inc.cause,
        detected: st.detected,
        acknowledged: st.l1_start + inc.ack_l1,
        rolled_back: st.rolled_back,
        handed_off: if st.handed_off {
            st.l1_end
        } else {
            f64::INFINITY
        },
        owners_took: if !st.handed_off {
            f64::INFINITY
        } else if st.l2_begin.is_finite() {
            st.l2_begin
        } else {
            st.l2_start
        },
        parts: if st.restored.is_finite() {
            parts(inc, st)
        } else {
            [0.0; N]
        },
    }
}

/// The parts of a restored incident's time to restore.
pub(super) fn parts(inc: &Incident, st: &State) -> [f64; N] {
    let mut p = [0.0; N];
    p[RestorePart::Detect.index()] = st.detected - st.arrived;
    p[RestorePart::Route.index()] = st.paged - st.detected;
    p[RestorePart::Queue.index()] = st.l1_start - st.paged;
    p[RestorePart::Ack.index()] = inc.ack_l1;
    if !st.escalates || st.by_workaround {
        // Restored by L1: its own work, then any workaround it applied.
        p[RestorePart::L1Work.index()] = st.restored - st.l1_start - inc.ack_l1;
        return p;
    }
    p[RestorePart::L1Work.index()] = st.l1_end - st.l1_start - inc.ack_l1;
    match st.escalation {
        Escalation::None | Escalation::OnCall => {
            p[RestorePart::WaitL2Oncall.index()] = st.l2_start - st.l1_end + inc.ack_l2;
            p[RestorePart::L2Work.index()] = st.restored - st.l2_start - inc.ack_l2;
        }
        Escalation::BusinessHours { .. } => {
            p[RestorePart::WaitL2BusinessHours.index()] = st.l2_start - st.l1_end;
            p[RestorePart::WaitL2Prioritisation.index()] = st.l2_begin - st.l2_start;
            p[RestorePart::L2Work.index()] = st.restored - st.l2_begin;
        }
    }
    p
}
