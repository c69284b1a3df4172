//! Step timings of the v2 prover on stderr, for tuning: printed only when the environment
//! variable `MULTISIG_TRACE` is set (read once per proof), never otherwise.

use std::time::Instant;

/// Prints the time since its creation at each [`StepTimer::lap`] when tracing is on.
pub(crate) struct StepTimer {
    start: Instant,
    last: Instant,
    enabled: bool,
}

impl StepTimer {
    /// A timer for one proof; tracing is on when `MULTISIG_TRACE` is set.
    pub(crate) fn new() -> StepTimer {
        let now = Instant::now();
        StepTimer {
            start: now,
            last: now,
            enabled: std::env::var_os("MULTISIG_TRACE").is_some(),
        }
    }

    /// Whether tracing is on (to skip building a long line otherwise).
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Prints a line about the proof's shape (sizes), when tracing is on.
    pub(crate) fn note(&self, what: std::fmt::Arguments<'_>) {
        if self.enabled {
            eprintln!("[lean_prover v2] {what}");
        }
    }

    /// Reports the step that just ended.
    pub(crate) fn lap(&mut self, step: &str) {
        if self.enabled {
            let now = Instant::now();
            eprintln!(
                "[lean_prover v2] {step:<22} {:>9.1} ms (total {:.1} ms){}",
                (now - self.last).as_secs_f64() * 1e3,
                (now - self.start).as_secs_f64() * 1e3,
                memory()
            );
            self.last = now;
        }
    }
}

/// The process's resident and peak resident memory where the system reports it (Linux), else
/// nothing.
fn memory() -> String {
    use backend::memory::{peak_resident_bytes, resident_bytes};
    match (resident_bytes(), peak_resident_bytes()) {
        (Some(rss), Some(peak)) => format!(", RSS {} MiB, peak {} MiB", rss >> 20, peak >> 20),
        _ => String::new(),
    }
}
