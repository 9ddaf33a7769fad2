//! Ctrl-C and `kill`: SIGINT and SIGTERM ask the run to stop. The first signal only raises
//! a flag; the workers stop at their next replication (milliseconds), the staging folder is
//! removed, nothing already published is touched, and the process exits with 128 + the
//! signal's number (130 for SIGINT, 143 for SIGTERM). A second signal exits at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};

/// The stop request, shared with the signal handlers.
#[derive(Debug, Clone)]
pub struct Interrupt {
    raised: Arc<AtomicBool>,
    status: Arc<AtomicUsize>,
}

/// The run was asked to stop; carries the exit status.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted(pub u8);

impl Interrupt {
    /// The process's handlers, installed on the first call (the command line calls it
    /// first thing, so a signal during start-up is caught too).
    pub fn install() -> &'static Self {
        static ONCE: std::sync::OnceLock<Interrupt> = std::sync::OnceLock::new();
        ONCE.get_or_init(Self::new)
    }

    /// Installs fresh handlers. Where signals cannot be caught, a run is simply not
    /// interruptible gracefully (the default action applies).
    fn new() -> Self {
        let i = Interrupt {
            raised: Arc::new(AtomicBool::new(false)),
            status: Arc::new(AtomicUsize::new(0)),
        };
        for (signal, status) in [(SIGINT, 130), (SIGTERM, 143)] {
            // Order matters: the shutdown checks the flag before this delivery raises it.
            let _ = signal_hook::flag::register_conditional_shutdown(
                signal,
                status,
                Arc::clone(&i.raised),
            );
            let _ =
                signal_hook::flag::register_usize(signal, Arc::clone(&i.status), status as usize);
            let _ = signal_hook::flag::register(signal, Arc::clone(&i.raised));
        }
        i
    }

    /// Whether a stop was asked for.
    pub fn raised(&self) -> bool {
        self.raised.load(Ordering::SeqCst)
    }

    /// `Err` once a stop was asked for.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.raised() {
            let status = self.status.load(Ordering::SeqCst);
            Err(Interrupted(u8::try_from(status).unwrap_or(130)))
        } else {
            Ok(())
        }
    }
}
