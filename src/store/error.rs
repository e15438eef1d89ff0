//! What can go wrong with a store, in words a technician can act on. Backends
//! turn their own errors into these: nothing here names a storage engine.

use super::{ChangeKind, EntryKind, Kind};
use crate::i18n::{I18n, Msg};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("the store {0} is in use by another ocsae process")]
    InUse(String),
    #[error("the store {location} has schema version {found}; this ocsae reads up to {supported}")]
    NewerSchema {
        location: String,
        found: u32,
        supported: u32,
    },
    #[error("the store {location} is damaged ({detail})")]
    Damaged { location: String, detail: String },
    #[error("the store {0} already holds data")]
    NotEmpty(String),
    /// The store holds what a restore refuses (written by hand, past the
    /// server's checks): a backup of it would never restore, so none is written.
    #[error("the store {location} holds what a restore refuses ({what}); no backup was written")]
    Unrestorable {
        location: String,
        what: super::dump::Inconsistency,
    },
    /// Someone changed the record since it was read: who, when, what change and
    /// which kind of record, as far as the backend knows; `entry` says whether
    /// that change undid or redid an earlier one, and `gone` that the record is
    /// no longer there (removed, or its filing undone), so trying again is no use.
    #[error("the record changed since it was read; nothing was saved")]
    Conflict {
        by: Option<String>,
        at: Option<DateTime<Utc>>,
        change: Option<ChangeKind>,
        kind: Option<Kind>,
        entry: Option<EntryKind>,
        gone: bool,
    },
    /// The store's server cannot be reached; nothing was written.
    #[error("no connection to the store {location}: {detail}")]
    Offline { location: String, detail: String },
    /// The shared store is busy with another change (a colleague's import, a lock
    /// held): the dashboard's change waited its bound and was taken back; nothing
    /// was written.
    #[error("the store {location} is busy with another change ({detail}); nothing was saved")]
    Busy { location: String, detail: String },
    /// The server did not answer within `waited` seconds; the dashboard stopped
    /// waiting. For a change (`change`), it may still commit when the server
    /// answers: whether it did is not known.
    #[error("the store {location} did not answer within {waited} s")]
    Unanswered {
        location: String,
        waited: u64,
        change: bool,
    },
    /// The server refused this user (a login, or a table it may not touch).
    #[error("the store {location} refused this user: {detail}")]
    Denied { location: String, detail: String },
    /// The server has no database of that name (`database`); the administrator
    /// creates it, then the store in it.
    #[error("the database {database} of the store {location} does not exist")]
    NoDatabase { location: String, database: String },
    /// A database without ocsae's tables, which this user may not create.
    #[error("the store {0} is not set up")]
    NoSchema(String),
    /// A shared store of an older schema, which this user may not bring up to
    /// date (its administrator does); nothing was written.
    #[error("the store {location} has schema version {found}; its administrator brings it up to {current}")]
    OlderSchema {
        location: String,
        found: u32,
        current: u32,
    },
    /// A technician's change to the service catalogue of a store several offices
    /// share: only its administrator changes it; nothing was written.
    #[error(
        "the store {0} is shared by several offices: only its administrator changes the service catalogue"
    )]
    SharedCatalogue(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    /// The storage engine failed; `io` is the system's error beneath, if any.
    #[error("storage error: {detail}")]
    Backend {
        detail: String,
        io: Option<Arc<std::io::Error>>,
    },
    #[error("{0}")]
    Codec(String),
    /// A write failed midway and the backend cannot take more until the program
    /// opens the store again (sled: its engine could not be closed).
    #[error("the store {0} stopped taking changes after a failed write; start ocsae again")]
    Stalled(String),
    /// The disk lacks the room a write needs (`needed` bytes, `free` now).
    #[error("{path}: the disk is full ({free} bytes free, {needed} needed)")]
    NoRoom { path: PathBuf, needed: u64, free: u64 },
    /// A planned import was given other edits than its plan said (its file
    /// changed between the readings): nothing of it was kept.
    #[error("{0}: the import's records changed between its two readings; nothing was imported")]
    ImportChanged(String),
    /// A location this build cannot open (a `postgresql://` one, for now).
    #[error("{0}: this kind of store is not supported yet")]
    Unsupported(String),
    /// The shared store's writers' lock stayed held by `holder` past the wait
    /// (the dashboard's, or a command's); nothing was written.
    #[error("the store {location} is busy: {holder} holds its writers' lock; nothing was saved")]
    Held { location: String, holder: LockHolder },
}

/// The session holding a shared store's writers' lock, as far as the server
/// shows it to this user: the role and program always, the rest only for one's
/// own sessions (or to the administrator).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockHolder {
    /// The server process: what `pg_terminate_backend` takes.
    pub pid: i32,
    pub user: String,
    /// Its `application_name` (`ocsae`, `psql`), if it gave one.
    pub application: String,
    /// How long it has been in its transaction, or in its state (idle).
    pub held_secs: Option<u64>,
    /// `active`, `idle`, `idle in transaction`, ...
    pub state: Option<String>,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}, process {})", self.user, self.application, self.pid)
    }
}

impl LockHolder {
    /// Who ("marta (psql)"), and what is known besides (" (des de fa 3 min,
    /// amb una transacció oberta sense activitat)"), the names cleaned of control
    /// characters (they are the server's data).
    fn words(&self, t: &I18n) -> (String, String) {
        use crate::domain::text::clean;
        let user = clean(&self.user);
        let who = match self.application.is_empty() {
            true => user.to_string(),
            false => t.f(
                Msg::lock_holder_app,
                &[("user", &user), ("app", &clean(&self.application))],
            ),
        };
        let mut known = Vec::new();
        if let Some(secs) = self.held_secs {
            let since = ago(t, chrono::TimeDelta::seconds(secs as i64));
            known.push(t.f(Msg::lock_holder_since, &[("ago", &since)]));
        }
        let state = match self.state.as_deref() {
            Some("active") => Some(Msg::lock_state_active),
            Some("idle") => Some(Msg::lock_state_idle),
            Some(s) if s.starts_with("idle in transaction") => Some(Msg::lock_state_idle_tx),
            _ => None,
        };
        known.extend(state.map(|s| t.t(s).to_string()));
        let detail = match known.is_empty() {
            true => String::new(),
            false => format!(" ({})", known.join(", ")),
        };
        (who, detail)
    }
}

impl StoreError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.into(),
            source: Arc::new(source),
        }
    }

    /// A conflict with nothing known of who made it.
    pub fn conflict() -> StoreError {
        StoreError::Conflict {
            by: None,
            at: None,
            change: None,
            kind: None,
            entry: None,
            gone: false,
        }
    }

    /// Whether the store could not be reached (rather than refusing the change).
    pub fn is_offline(&self) -> bool {
        matches!(self, StoreError::Offline { .. })
    }

    /// Whether the server did not answer in time, so that a change's fate is unknown.
    pub fn is_unanswered(&self) -> bool {
        matches!(self, StoreError::Unanswered { .. })
    }

    fn io_source(&self) -> Option<&std::io::Error> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            StoreError::Backend { io: Some(e), .. } => Some(e),
            _ => None,
        }
    }

    /// Whether the disk is full, whatever layer said so.
    pub fn disk_full(&self) -> bool {
        matches!(self, StoreError::NoRoom { .. }) || self.io_source().is_some_and(is_disk_full)
    }

    /// Whether the disk itself has no room left (not a quota, not a size limit).
    pub fn no_space(&self) -> bool {
        matches!(self, StoreError::NoRoom { .. })
            || self.io_source().is_some_and(|e| {
                e.raw_os_error() == Some(libc::ENOSPC) || e.kind() == std::io::ErrorKind::StorageFull
            })
    }

    /// The system's error number, if the error came from the system.
    pub fn os_error(&self) -> Option<i32> {
        self.io_source().and_then(std::io::Error::raw_os_error)
    }

    /// The message in the user's language.
    pub fn localize(&self, t: &I18n) -> String {
        self.localize_at(t, Utc::now())
    }

    /// The message in the user's language, saying how long ago a conflicting
    /// change was made as seen at `now`.
    pub fn localize_at(&self, t: &I18n, now: DateTime<Utc>) -> String {
        if let StoreError::NoRoom { needed, free, .. } = self {
            let kb = |bytes: &u64| bytes.div_ceil(1024);
            return t.f(
                Msg::err_disk_room,
                &[("needed", &kb(needed)), ("free", &kb(free))],
            );
        }
        if self.disk_full() {
            return t.t(Msg::err_disk_full).to_string();
        }
        match self {
            StoreError::InUse(p) => t.f(Msg::err_store_in_use, &[("path", p)]),
            StoreError::NewerSchema {
                location,
                found,
                supported,
            } => t.f(
                Msg::err_store_newer,
                &[("path", location), ("found", found), ("supported", supported)],
            ),
            StoreError::Damaged { location, detail } => {
                let detail = super::damage::localize_detail(detail, t);
                t.f(Msg::err_store_damaged, &[("path", location), ("detail", &detail)])
            }
            StoreError::NotEmpty(p) => t.f(Msg::err_store_not_empty, &[("path", p)]),
            StoreError::Unrestorable { location, what } => {
                let detail = super::dump::RestoreError::Inconsistent(what.clone()).localize(t, location);
                t.f(
                    Msg::err_store_unrestorable,
                    &[("path", location), ("detail", &detail)],
                )
            }
            // Gone: trying again cannot work, so it is not asked for.
            StoreError::Conflict { gone: true, .. } => self.conflict_words(t, now),
            StoreError::Conflict { by: Some(_), .. } => t.f(
                Msg::err_conflict_retry,
                &[("detail", &self.conflict_words(t, now))],
            ),
            StoreError::Conflict { .. } => t.t(Msg::err_store_conflict).to_string(),
            StoreError::Offline { location, detail } => t.f(
                Msg::err_store_offline,
                &[("path", location), ("detail", &offline_words(t, detail))],
            ),
            // Said on the status line: the store's address would crowd out the advice.
            StoreError::Busy { .. } => t.t(Msg::err_store_busy).to_string(),
            StoreError::Unanswered {
                waited, change: true, ..
            } => t.f(Msg::err_store_unconfirmed, &[("secs", waited)]),
            StoreError::Unanswered { waited, .. } => t.f(Msg::err_store_unanswered, &[("secs", waited)]),
            StoreError::Denied { location, detail } => {
                t.f(Msg::err_store_denied, &[("path", location), ("detail", detail)])
            }
            StoreError::NoSchema(location) => t.f(Msg::err_store_no_schema, &[("path", location)]),
            StoreError::NoDatabase { location, database } => t.f(
                Msg::err_store_no_database,
                &[("path", location), ("database", database)],
            ),
            StoreError::OlderSchema {
                location,
                found,
                current,
            } => t.f(
                Msg::err_store_older,
                &[("path", location), ("found", found), ("current", current)],
            ),
            StoreError::SharedCatalogue(location) => {
                t.f(Msg::err_store_shared_catalogue, &[("path", location)])
            }
            StoreError::Io { path, source } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                t.f(Msg::err_store_readonly, &[("path", &path.display())])
            }
            StoreError::Io { path, source } => crate::i18n::system::io_error(t, &path.display(), source),
            StoreError::Backend { detail, .. } => t.f(Msg::err_store_write, &[("detail", detail)]),
            StoreError::Codec(detail) => t.f(Msg::err_store_write, &[("detail", detail)]),
            StoreError::ImportChanged(_) => t.f(Msg::err_store_write, &[("detail", &self.to_string())]),
            StoreError::Unsupported(location) => t.f(Msg::err_store_unsupported, &[("path", location)]),
            StoreError::Stalled(location) => t.f(Msg::err_store_stalled, &[("path", location)]),
            StoreError::NoRoom { .. } => t.t(Msg::err_disk_full).to_string(),
            StoreError::Held { holder, .. } => {
                let (who, detail) = holder.words(t);
                t.f(
                    Msg::err_store_busy_held,
                    &[("holder", &who), ("detail", &detail), ("pid", &holder.pid)],
                )
            }
        }
    }
}

impl StoreError {
    /// The words for the status line where `localize`'s would not fit in 80
    /// columns (the writers' lock held: who, and to try later); the whole text
    /// goes to the message log. None: `localize`'s fit.
    pub fn short_words(&self, t: &I18n) -> Option<String> {
        match self {
            StoreError::Held { holder, .. } => Some(t.f(
                Msg::err_store_busy_held_short,
                &[("user", &crate::domain::text::clean(&holder.user))],
            )),
            _ => None,
        }
    }

    /// "marta ha canviat aquesta sol·licitud fa 1 min (estat de la sol·licitud)":
    /// who changed the record a change was based on, for a conflict.
    pub fn conflict_words(&self, t: &I18n, now: DateTime<Utc>) -> String {
        self.conflict_words_with(t, now, "")
    }

    /// The same, with what the other user changed in the record's fields
    /// (`titular: «Maria Garcia»`) after the change's name; "marta ha tret aquesta
    /// sol·licitud fa 2 min (ha desfet nova sol·licitud)" when the record is gone.
    pub fn conflict_words_with(&self, t: &I18n, now: DateTime<Utc>, fields: &str) -> String {
        let StoreError::Conflict {
            by,
            at,
            change,
            kind,
            entry,
            gone,
        } = self
        else {
            return self.localize_at(t, now);
        };
        let record = match kind {
            Some(Kind::Municipality) => Msg::conflict_this_council,
            Some(Kind::Rollout) => Msg::conflict_this_rollout,
            Some(Kind::Certificate) => Msg::conflict_this_request,
            Some(Kind::Activity) => Msg::conflict_this_activity,
            Some(Kind::Operator | Kind::Service) | None => Msg::conflict_this_record,
        };
        let ago = at.map_or_else(String::new, |at| ago(t, now - at));
        let mut what = change
            .as_ref()
            .map_or_else(String::new, |c| entry_words(t, entry.unwrap_or(EntryKind::Do), c));
        if !fields.is_empty() {
            what = t.f(Msg::conflict_what_fields, &[("what", &what), ("fields", &fields)]);
        }
        let args: [(&str, &dyn std::fmt::Display); 4] = [
            ("user", &by.clone().unwrap_or_default()),
            ("record", &t.t(record)),
            ("ago", &ago),
            ("what", &what),
        ];
        // A few seconds ago is "just now", not "0 s ago".
        let now_ = at.is_some_and(|at| (now - at).num_seconds() < JUST_NOW);
        match (gone, by, now_) {
            (true, Some(_), true) => t.f(Msg::conflict_gone_by_now, &args),
            (true, Some(_), false) => t.f(Msg::conflict_gone_by, &args),
            (true, None, _) => t.f(Msg::conflict_gone, &args),
            (false, _, true) => t.f(Msg::conflict_by_now, &args),
            (false, _, false) => t.f(Msg::conflict_by, &args),
        }
    }
}

/// A history entry's change as a person says it: "nova sol·licitud", or
/// "ha desfet nova sol·licitud" for its undo, "ha refet …" for its redo.
pub fn entry_words(t: &I18n, entry: EntryKind, change: &ChangeKind) -> String {
    let label = t.t(change.label());
    match entry {
        EntryKind::Do => label.to_string(),
        EntryKind::Undo(_) => t.f(Msg::entry_undone, &[("what", &label)]),
        EntryKind::Redo(_) => t.f(Msg::entry_redone, &[("what", &label)]),
    }
}

/// Why the server cannot be reached, in the user's language when the server
/// said why by its SQLSTATE (`[57P01] terminating connection…`); else as given.
/// The server's own words stay in the log.
pub fn offline_words(t: &I18n, detail: &str) -> String {
    let code = detail
        .strip_prefix('[')
        .and_then(|rest| rest.get(..5).filter(|_| rest.get(5..6) == Some("]")));
    let msg = match code {
        Some("57P01") => Msg::offline_admin_shutdown,
        Some("57P02") => Msg::offline_crash,
        Some("57P03") => Msg::offline_not_now,
        Some(code) if code.starts_with("08") => Msg::offline_connection,
        // The client library's own words, in English: said in the user's language.
        _ if detail.contains("timeout waiting for server") => Msg::offline_no_answer,
        // Refused at connecting: maybe never connected, so not said "lost".
        _ if detail.contains("error connecting to server") => Msg::offline_cannot_connect,
        _ => return detail.to_string(),
    };
    t.t(msg).to_string()
}

/// Under this many seconds, a change was made "just now".
const JUST_NOW: i64 = 5;

/// "fa 1 min", "fa 3 h": how long ago, coarsely.
pub fn ago(t: &I18n, since: chrono::TimeDelta) -> String {
    let seconds = since.num_seconds().max(0);
    match seconds {
        0..60 => t.f(Msg::ago_seconds, &[("n", &seconds)]),
        60..3600 => t.f(Msg::ago_minutes, &[("n", &(seconds / 60))]),
        3600..86400 => t.f(Msg::ago_hours, &[("n", &(seconds / 3600))]),
        _ => t.f(Msg::ago_days, &[("n", &(seconds / 86400))]),
    }
}

/// Whether an error is the disk refusing to take more (full, over quota, over a size limit).
pub fn is_disk_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge
    ) || matches!(e.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT | libc::EFBIG))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn by_marta(seconds_ago: i64, now: DateTime<Utc>) -> StoreError {
        StoreError::Conflict {
            by: Some("marta".into()),
            at: Some(now - chrono::TimeDelta::seconds(seconds_ago)),
            change: Some(ChangeKind::CertStatus),
            kind: Some(Kind::Certificate),
            entry: None,
            gone: false,
        }
    }

    #[test]
    fn the_client_librarys_english_for_a_lost_server_is_said_in_the_users_language() {
        let ca = I18n::new(Lang::Ca);
        assert_eq!(
            offline_words(&ca, "timeout waiting for server"),
            "el servidor no respon"
        );
        assert_eq!(
            offline_words(
                &ca,
                "error connecting to server: Connection refused (os error 111)"
            ),
            "no es pot connectar amb el servidor"
        );
        assert_eq!(
            offline_words(&ca, "[08006] connection failure"),
            "s'ha perdut la connexió amb el servidor"
        );
        assert_eq!(offline_words(&ca, "something else"), "something else");
    }

    #[test]
    fn a_change_made_seconds_ago_was_made_just_now() {
        let now = Utc::now();
        let said = |lang, ago| by_marta(ago, now).conflict_words(&I18n::new(lang), now);
        assert_eq!(
            said(Lang::Ca, 0),
            "marta ha canviat aquesta sol·licitud ara mateix (estat de la sol·licitud)"
        );
        assert_eq!(
            said(Lang::Es, 3),
            "marta ha cambiado esta solicitud ahora mismo (estado de la solicitud)"
        );
        assert_eq!(
            said(Lang::En, 4),
            "marta changed this request just now (request status)"
        );
        assert_eq!(
            said(Lang::Ca, 20),
            "marta ha canviat aquesta sol·licitud fa 20 s (estat de la sol·licitud)"
        );
        assert_eq!(
            said(Lang::Ca, 90),
            "marta ha canviat aquesta sol·licitud fa 1 min (estat de la sol·licitud)"
        );
        let gone = |ago| match by_marta(ago, now) {
            StoreError::Conflict {
                by,
                at,
                change,
                kind,
                entry,
                ..
            } => StoreError::Conflict {
                by,
                at,
                change,
                kind,
                entry,
                gone: true,
            },
            other => other,
        };
        assert_eq!(
            gone(2).conflict_words(&I18n::new(Lang::Ca), now),
            "marta ha eliminat aquesta sol·licitud ara mateix (estat de la sol·licitud); ja no es pot desar"
        );
        assert_eq!(
            gone(120).conflict_words(&I18n::new(Lang::En), now),
            "marta removed this request 2 min ago (request status); it can no longer be saved"
        );
    }
}
