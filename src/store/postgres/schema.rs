//! The schema's version and its migrations: SQL files applied in order, in one
//! transaction, under a lock, the version recorded in `ocsae.meta`. A database
//! of a newer schema is refused after reading, without a single write.

use super::pg_error;
use crate::domain::catalog::services;
use crate::store::{Result, StoreError};
use postgres::Client;

/// The schema this build writes. 2 added the support log (`activity`), 3 the ER
/// operators and the service catalogue (`operator`, `service`), 4 the guards of
/// the history (signed and stamped by the server, required by every write) and
/// the office of each ER operator, 5 functions of a fixed search path, history
/// numbers and times the server's, undo of one's own entries only, and the
/// catalogue the administrator's alone, 6 each entry's edits checked at commit
/// against the records its transaction leaves, 7 a council's comarca its row's,
/// 8 each request's, rollout cell's and activity's council there and its comarca
/// theirs, no text a restore refuses, each edit's `before` as the record was,
/// every entry notified by the server, and the sequences not technicians' to read,
/// 9 the first edit of a record created in its transaction from no record,
/// edits in released savepoints taken, no edit holding text a restore refuses,
/// and no record or edit that ocsae cannot read, 10 every value of a record or
/// an edit one ocsae reads, no record over 1 MiB nor any of its texts over
/// 10,000 characters, and an activity's author the server's, 11 the writers'
/// lock a row lock no session keeps beyond its transaction, and a transaction
/// left open ended after a minute idle, 12 each office's news on a channel of
/// its own that the other offices cannot name, 13 the check at commit joined
/// by hash whatever the statistics say, 14 a step's mark and a request's
/// appointment check made by the user who writes them, or there before.
pub const CURRENT: u32 = 14;

/// Each migration brings the schema from the one before it in this list to its
/// number (numbers need not follow each other).
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("migrations/001_initial.sql")),
    (2, include_str!("migrations/002_activity.sql")),
    (3, include_str!("migrations/003_office.sql")),
    (4, include_str!("migrations/004_guarded_history.sql")),
    (5, include_str!("migrations/005_pinned_functions.sql")),
    (6, include_str!("migrations/006_verified_edits.sql")),
    (7, include_str!("migrations/007_council_comarca.sql")),
    (8, include_str!("migrations/008_council_bound_rows.sql")),
    (9, include_str!("migrations/009_written_keys.sql")),
    (10, include_str!("migrations/010_checked_values.sql")),
    (11, include_str!("migrations/011_writers_row_lock.sql")),
    (12, include_str!("migrations/012_office_channels.sql")),
    (13, include_str!("migrations/013_hashed_commit_check.sql")),
    (14, include_str!("migrations/014_marks_by_their_authors.sql")),
];

/// Serialises migrations between processes (any number unlikely to clash).
const MIGRATION_LOCK: i64 = 0x6f63_7361_6501;

/// The recorded version; None in a database without ocsae's schema.
fn version(client: &mut impl postgres::GenericClient) -> Result<Option<u32>> {
    let set_up: bool = client
        .query_one("SELECT to_regclass('ocsae.meta') IS NOT NULL", &[])
        .map_err(pg_error)?
        .get(0);
    if !set_up {
        return Ok(None);
    }
    let row = client
        .query_opt("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .map_err(pg_error)?;
    let text: String = match row {
        Some(row) => row.get(0),
        None => return Ok(Some(0)),
    };
    text.trim().parse().map(Some).map_err(|_| StoreError::Damaged {
        location: String::new(),
        detail: format!("schema_version {text:?} is not a number"),
    })
}

/// True if the database holds ocsae's schema.
pub(super) fn is_set_up(client: &mut Client) -> Result<bool> {
    Ok(version(client)?.is_some())
}

/// Refuses a newer schema; creates a missing one (if `create`) or brings an older
/// one up to date.
pub(super) fn check_and_migrate(client: &mut Client, location: &str, create: bool) -> Result<()> {
    let newer = |found| StoreError::NewerSchema {
        location: location.to_string(),
        found,
        supported: CURRENT,
    };
    match version(client)? {
        Some(found) if found > CURRENT => return Err(newer(found)),
        Some(CURRENT) => return Ok(()),
        None if !create => return Err(StoreError::NoSchema(location.to_string())),
        _ => {}
    }
    let mut tx = client.transaction().map_err(pg_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(pg_error)?;
    // Another process may have done it while this one waited for the lock.
    let found = version(&mut tx)?;
    if let Some(found) = found
        && found >= CURRENT
    {
        return match found > CURRENT {
            true => Err(newer(found)),
            false => Ok(()),
        };
    }
    let from = found.unwrap_or(0);
    for (to, sql) in MIGRATIONS.iter().filter(|(to, _)| *to > from) {
        tx.batch_execute(sql).map_err(|e| match pg_error(e) {
            // A technician opening a database the administrator has not set up,
            // or has not brought up to date.
            StoreError::Denied { .. } if from == 0 => StoreError::NoSchema(location.to_string()),
            StoreError::Denied { .. } => StoreError::OlderSchema {
                location: location.to_string(),
                found: from,
                current: CURRENT,
            },
            other => other,
        })?;
        if *to == 1 {
            seed_catalogue(&mut tx)?;
        }
        tx.execute(
            "INSERT INTO ocsae.meta (key, value) VALUES ('schema_version', $1) \
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&to.to_string()],
        )
        .map_err(pg_error)?;
    }
    tx.commit().map_err(pg_error)
}

/// The service catalogue every technician shares, from the embedded one.
fn seed_catalogue(tx: &mut postgres::Transaction) -> Result<()> {
    for (position, s) in services().iter().enumerate() {
        let steps = serde_json::to_value(&s.steps).unwrap_or_default();
        tx.execute(
            "INSERT INTO ocsae.service (id, position, short, name, description, steps) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            &[
                &s.id,
                &(position as i32),
                &s.short,
                &s.name,
                &s.description,
                &steps,
            ],
        )
        .map_err(pg_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The characters a restore refuses in a record's text (`dump::unsafe_text`:
    /// `is_unsafe` but the line break), as ranges. NUL is left out: jsonb holds none.
    fn unsafe_ranges() -> Vec<(u32, u32)> {
        let refused = |c: char| c != '\n' && crate::domain::text::is_unsafe(c);
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for c in (1..=0x10FFFF).filter_map(char::from_u32).filter(|&c| refused(c)) {
            match ranges.last_mut() {
                Some((_, to)) if *to + 1 == c as u32 => *to = c as u32,
                _ => ranges.push((c as u32, c as u32)),
            }
        }
        ranges
    }

    /// Ranges as a bracket expression's, each end written by `end`.
    fn bracket(ranges: &[(u32, u32)], end: impl Fn(u32) -> String) -> String {
        let inside: String = ranges
            .iter()
            .map(|&(from, to)| match from == to {
                true => end(from),
                false => format!("{}-{}", end(from), end(to)),
            })
            .collect();
        format!("[{inside}]")
    }

    #[test]
    fn the_server_refuses_in_text_exactly_what_a_restore_refuses() {
        let sql = include_str!("migrations/008_council_bound_rows.sql");
        let ranges = unsafe_ranges();
        // Exact, in jsonpath's words (`\u{…}`), on each string of the record.
        let exact = bracket(&ranges, |c| format!("\\u{{{c:X}}}"));
        let exact = format!("like_regex \"{exact}\"");
        assert!(sql.contains(&exact), "008 should hold: {exact}");
        // The quick look at the record's JSON text, where controls below U+0020
        // are escaped (`\t`, `\u001b`) and every other character is itself.
        let raw: Vec<(u32, u32)> = ranges.into_iter().filter(|&(from, _)| from >= 0x20).collect();
        let quick = bracket(&raw, |c| match c > 0xFFFF {
            true => format!("\\U{c:08X}"),
            false => format!("\\u{c:04X}"),
        });
        let quick = format!("'\\\\[btfr]|\\\\u00[01]|{quick}'");
        assert!(sql.contains(&quick), "008 should hold: {quick}");
    }
}
