//! Who holds the writers' lock when a change could not take it in time: a
//! colleague's import, or a transaction someone left open in `psql` holding it
//! (until the server ends it, idle for a minute: schema 11). The message names
//! them, as far as the server lets this user see: the role and the program
//! always; since when and what it is doing only for one's own sessions (or to a
//! role that may read all statistics, such as the administrator).
//!
//! The commands wait for the lock so long at most (`command_wait`), never for
//! ever: their connections set `lock_timeout` (the dashboard's, 1.5 s, is set in
//! `deadline`).

use super::pg_error;
use crate::store::{LockHolder, StoreError};
use postgres::Client;
use postgres::error::SqlState;
use std::time::Duration;

/// How long a command waits for a lock by default.
const COMMAND_WAIT: Duration = Duration::from_secs(30);

/// How long a command waits for another's change: `OCSAE_LOCK_WAIT` seconds (1
/// to 86,400), else 30 s. `run` refuses a value outside that before anything.
pub(super) fn command_wait() -> Duration {
    lock_wait_setting().unwrap_or(COMMAND_WAIT)
}

/// `OCSAE_LOCK_WAIT` as given: the default when unset, the text when it is not
/// whole seconds from 1 to 86,400 (a `0` meant as "do not wait" must not wait 30 s
/// in silence).
pub fn lock_wait_setting() -> Result<Duration, String> {
    let Some(given) = std::env::var_os("OCSAE_LOCK_WAIT") else {
        return Ok(COMMAND_WAIT);
    };
    let text = given.to_string_lossy().into_owned();
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|s| (1..=86_400).contains(s))
        .map(Duration::from_secs)
        .ok_or(text)
}

/// What a command's connection runs first: its bound on lock waits, and no end
/// to its transactions when idle (the database's bound of one minute, for a
/// transaction forgotten in `psql`, would cut an import or a backup whose
/// client pauses between statements: reading its file, or writing to a slow pipe).
pub(super) fn command_session() -> String {
    format!(
        "SET lock_timeout = '{}ms'; SET idle_in_transaction_session_timeout = 0",
        command_wait().as_millis()
    )
}

/// The error for a failed attempt to take the writers' lock, its transaction
/// rolled back: when the wait ran out, who holds it (if it is still held).
pub(super) fn refused(client: &mut Client, e: postgres::Error, location: &str) -> StoreError {
    if e.code() != Some(&SqlState::LOCK_NOT_AVAILABLE) {
        return pg_error(e);
    }
    match holder(client) {
        Ok(Some(holder)) => StoreError::Held {
            location: location.to_string(),
            holder,
        },
        Ok(None) => pg_error(e),
        Err(why) => {
            tracing::warn!("could not read who holds the writers' lock: {why}");
            pg_error(e)
        }
    }
}

/// The session that holds the writers' lock, if one does: its process, role
/// and program from `ocsae.writers_holder()` (a technician may not read the
/// locked row); since when and in what state from `pg_stat_activity` as this
/// user may read it, which is only their own sessions' unless they may read
/// all statistics.
pub(super) fn holder(
    client: &mut impl postgres::GenericClient,
) -> Result<Option<LockHolder>, postgres::Error> {
    let row = client.query_opt(
        "SELECT h.pid, h.role, h.application, \
                extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.state_change))::bigint, \
                a.state \
         FROM ocsae.writers_holder() h LEFT JOIN pg_stat_activity a ON a.pid = h.pid",
        &[],
    )?;
    Ok(row.map(|row| LockHolder {
        pid: row.get::<_, Option<i32>>(0).unwrap_or_default(),
        user: row.get::<_, Option<String>>(1).unwrap_or_default(),
        application: row.get::<_, Option<String>>(2).unwrap_or_default(),
        held_secs: row.get::<_, Option<i64>>(3).map(|s| s.max(0) as u64),
        state: row.get(4),
    }))
}
