//! Logging with `tracing`, to `$XDG_STATE_HOME/ocsae/ocsae.log`, never to the screen.

use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;

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
        .try_init()
        .ok()?;
    Some(path)
}
