//! Logging with `tracing`, to `$XDG_STATE_HOME/ocsae/ocsae.log`, never to the screen.

use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;

/// The process's peak resident memory in kB (Linux), for the log.
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Starts logging to `dir/ocsae.log` at `level` (error, warn, info, debug, trace).
/// Returns the log file's path; logging is skipped if the file cannot be opened.
pub fn init(dir: &Path, level: &str) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join("ocsae.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter =
        EnvFilter::try_new(format!("ocsae={level}")).unwrap_or_else(|_| EnvFilter::new("ocsae=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        // A log the disk no longer takes says nothing: tracing's own complaint goes
        // to stderr, which is the dashboard's screen.
        .log_internal_errors(false)
        .try_init()
        .ok()?;
    Some(path)
}
