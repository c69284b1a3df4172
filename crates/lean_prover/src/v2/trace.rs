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

/// The process's resident and peak resident memory, from `/proc/self/status` where there is
/// one (Linux), else nothing.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kib| kib >> 10)
    };
    format!(
        ", RSS {} MiB, peak {} MiB",
        field("VmRSS:"),
        field("VmHWM:")
    )
}
