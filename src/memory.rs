//! How the process asks the C allocator for memory (glibc, Linux). A million
//! requests are read on background threads, each of which glibc would give an
//! arena of its own, and large buffers freed raise glibc's threshold for mapping
//! memory so that the next ones stay in an arena: memory freed on one thread
//! is then not reused by another, nor returned. At a million requests that held
//! about 30 MB more at the dashboard's peak.

/// Buffers from this size up are mapped on their own and unmapped when freed
/// (the indexes, the list of requests, a chunk of the requests file).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 256 << 10;

/// One arena for every thread, and a fixed threshold for mapping memory. Call
/// before any thread starts: arenas already made stay.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before other threads run.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
