//! Memory housekeeping for large provers: the release of freed heap pages, and the process's
//! resident memory as Linux reports it.
//!
//! Large buffers are ordinary zeroed allocations on the system's default pages. An earlier
//! version advised every buffer of 4 MiB or more to use transparent huge pages
//! (`MADV_HUGEPAGE`); measured 2026-12-07 on the 2-vCPU Intel test VM (THP `madvise`,
//! defrag `madvise`, `multisig bench --signatures 1000 --warmup 1`, three interleaved pairs),
//! the advice cost more than it saved once memory was fragmented: the kernel compacts memory
//! synchronously on such faults, system time doubled (2.3-3.2 s against 1.3-1.7 s per run)
//! and proving took 4.87-5.15 s against 4.82-4.85 s at rate 1/4, 3.68-3.74 s against
//! 3.60-3.71 s at rate 1/2. Whether huge pages pay is the host's choice (THP `always`).

/// Returns the allocator's free memory to the operating system where the C allocator keeps
/// it (glibc: `malloc_trim`). A prover phase that frees many mid-sized vectors (too small
/// for their own mappings, so they come from the heap) leaves them as free heap pages that
/// the next phase's large buffers, which get their own mappings, cannot reuse; releasing them
/// keeps the peak resident memory to what is live. Never fails; elsewhere it does nothing.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free pages of the allocator's own heap; it touches
    // no live allocation and has no precondition (glibc documents it as always safe to call).
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The process's resident set size in bytes (`VmRSS` of `/proc/self/status`), or `None`
/// where that file does not exist (not Linux) or cannot be parsed.
pub fn resident_bytes() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// The process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`), or `None`
/// where that file does not exist (not Linux) or cannot be parsed.
pub fn peak_resident_bytes() -> Option<u64> {
    status_bytes("VmHWM:")
}

fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kib(&status, field)
}

/// `field    1234 kB` in a `/proc/<pid>/status` text -> 1234 * 1024.
fn parse_status_kib(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(field))?;
    let mut parts = line[field.len()..].split_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") => value.checked_mul(1024),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_parsed_in_bytes() {
        let status = "Name:\tmultisig\nVmPeak:\t  999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 10 kB\n";
        assert_eq!(parse_status_kib(status, "VmHWM:"), Some(2048 * 1024));
        assert_eq!(parse_status_kib(status, "VmRSS:"), Some(10 * 1024));
        assert_eq!(parse_status_kib("VmHWM: 12 MB\n", "VmHWM:"), None);
        assert_eq!(parse_status_kib("VmRSS: 12 kB\n", "VmHWM:"), None);
        // This process has at least one resident page on Linux, and its peak is no lower.
        if cfg!(target_os = "linux") {
            let rss = resident_bytes().unwrap();
            assert!(rss >= 4096);
            assert!(peak_resident_bytes().unwrap() >= rss);
        }
    }
}
