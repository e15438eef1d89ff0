//! Running the ocsae binary as a command, on a given store and at a given time.

use super::pty::binary;
use std::path::Path;
use std::process::{Command, Output};

/// `ocsae --db DB --lang en ARGS`, with no user configuration, the clock at `now`.
pub fn ocsae_at(db: &Path, args: &[&str], now: &str) -> Output {
    command_at(db, args, now).output().unwrap()
}

/// The command `ocsae_at` runs, for a test that watches it while it runs.
pub fn command_at(db: &Path, args: &[&str], now: &str) -> Command {
    let mut command = Command::new(binary());
    command
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", db.join("no-config"))
        .env("OCSAE_NOW", now);
    command
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}
