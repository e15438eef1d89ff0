//! The PostgreSQL backend: the office's shared store. Technicians on the shared
//! server connect through its Unix socket with peer authentication, so each
//! change is signed by the real system user; between sites, over TCP with TLS
//! (rustls) and SCRAM.
//!
//! Everything lives in the schema `ocsae` (see `migrations/`): one table per
//! kind of record (its key columns, its `comarca`, the record as `jsonb`), the
//! history in `history` and `history_edit`, appended in commit order under a
//! row lock (`ocsae.writers`), each user's undo stacks, and the settings an
//! office shares.
//! The author of a change is the connection's role (`session_user`), never a
//! value the client sends. The state a dashboard shows stays in its memory:
//! only changes, undo and redo, and the change feed (`watch`) talk to the server,
//! and never for long (`deadline`).

mod backend;
mod backup;
mod backup_stream;
mod commit;
mod connect;
mod deadline;
mod edit_rows;
mod history;
mod holder;
mod import;
mod link;
mod pgpass;
#[cfg(test)]
mod readable;
mod records;
mod restore_stream;
mod schema;
mod tables;
mod watch;

use super::{Location, Result, StoreError};
use crate::domain::municipality::IneCode;
use connect::Target;
use link::Link;
use postgres::{Client, GenericClient, Statement};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use holder::lock_wait_setting;
pub use schema::CURRENT;

pub struct PgStore {
    location: Location,
    /// The connection for reads and changes, and how to make another.
    link: Arc<Link>,
    /// The connection's role: the author of this session's changes.
    user: String,
    /// Each council's comarca, as read (a council never moves).
    comarques: Arc<Mutex<HashMap<IneCode, String>>>,
    /// What the server says of this user: their office, and whether they may
    /// write what belongs to no office.
    role: Role,
    /// The dashboard's store: its screen's calls wait so long at most.
    bound: Option<deadline::Bound>,
}

/// The connected user's place in the store.
#[derive(Debug, Clone, Default)]
pub(super) struct Role {
    /// The comarca of the user's office (the first, for a role in several; the
    /// store's only comarca when no office is listed): its ER operators'.
    pub office: String,
    /// Whether several offices share the database (row-level security).
    pub multi_office: bool,
    /// The schema's owner: the store's administrator.
    pub admin: bool,
    /// The schema owner's role name, to name who must run what only they may.
    pub owner: String,
}

impl Role {
    fn read(client: &mut Client) -> Result<Role> {
        let row = client
            .query_one(
                "SELECT coalesce((SELECT min(c) FROM unnest(ocsae.my_comarques()) AS c),                    (SELECT min(comarca) FROM ocsae.municipality HAVING count(DISTINCT comarca) = 1), ''),                  EXISTS (SELECT FROM ocsae.meta WHERE key = 'multi_office' AND value = 'true'),                  ocsae.is_admin(),                  (SELECT pg_catalog.pg_get_userbyid(nspowner)::text FROM pg_catalog.pg_namespace WHERE nspname = 'ocsae')",
                &[],
            )
            .map_err(pg_error)?;
        Ok(Role {
            office: row.get(0),
            multi_office: row.get(1),
            admin: row.get(2),
            owner: row.get(3),
        })
    }

    /// The comarca a record is kept under, `council` being its council's.
    pub(super) fn comarca_of(&self, record: &crate::store::Record, council: Option<&str>) -> String {
        match record {
            crate::store::Record::Operator(_) => self.office.clone(),
            crate::store::Record::Service(_) => String::new(),
            _ => council.unwrap_or_default().to_string(),
        }
    }
}

/// Statements prepared once per connection: a change is then one round trip per
/// statement, not two.
#[derive(Default)]
pub(super) struct Statements(HashMap<&'static str, Statement>);

impl Statements {
    pub(super) fn get(
        &mut self,
        client: &mut impl GenericClient,
        sql: &'static str,
    ) -> std::result::Result<Statement, postgres::Error> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql)?;
        self.0.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl PgStore {
    /// Connects, and creates the schema in a database without it (as the office's
    /// administrator does with `ocsae init`). Refuses a newer schema without writing.
    pub fn open(location: &Location, url: &str) -> Result<PgStore> {
        PgStore::connect(location, url, true, false)
    }

    /// As `open`, for the dashboard: the calls of the calling thread (the one
    /// that draws the screen) never wait long on the server (see `deadline`).
    pub fn open_to_show(location: &Location, url: &str) -> Result<PgStore> {
        PgStore::connect(location, url, true, true)
    }

    /// Connects to a store that must be set up already, never creating anything.
    pub fn open_to_read(location: &Location, url: &str) -> Result<PgStore> {
        PgStore::connect(location, url, false, false)
    }

    /// As `open_to_read`, for the `--read-only` dashboard: bounded as `open_to_show`.
    pub fn open_to_look(location: &Location, url: &str) -> Result<PgStore> {
        PgStore::connect(location, url, false, true)
    }

    fn connect(location: &Location, url: &str, create: bool, bounded: bool) -> Result<PgStore> {
        let name = location.to_string();
        let target = Target::parse(url).map_err(|detail| StoreError::Backend {
            detail: format!("{name}: {}", crate::store::redact(&detail)),
            io: None,
        })?;
        let mut client = target.connect().map_err(|e| match locate(e, &name) {
            StoreError::NoDatabase { location, .. } => StoreError::NoDatabase {
                location,
                database: target.dbname(),
            },
            other => other,
        })?;
        schema::check_and_migrate(&mut client, &name, create).map_err(|e| locate(e, &name))?;
        let user: String = client
            .query_one("SELECT session_user::text", &[])
            .map_err(|e| locate(pg_error(e), &name))?
            .get(0);
        let role = Role::read(&mut client).map_err(|e| locate(e, &name))?;
        // Set after any migration, which may take its time. A command waits
        // for another's lock so long at most, never for ever.
        let session = match bounded {
            true => deadline::SESSION.to_string(),
            false => holder::command_session(),
        };
        client
            .batch_execute(&session)
            .map_err(|e| locate(pg_error(e), &name))?;
        Ok(PgStore {
            location: location.clone(),
            link: Arc::new(Link::new(target, name, client, session)),
            user,
            comarques: Arc::default(),
            role,
            bound: bounded.then(deadline::Bound::here),
        })
    }

    /// True if the database holds ocsae's schema. A server that cannot be reached
    /// counts as holding it: opening it says why it cannot.
    pub fn exists(url: &str) -> bool {
        let Ok(target) = Target::parse(url) else {
            return true;
        };
        let Ok(mut client) = target.connect() else {
            return true;
        };
        schema::is_set_up(&mut client).unwrap_or(true)
    }

    fn name(&self) -> String {
        self.location.to_string()
    }

    /// Runs a read; on the dashboard's screen, on a thread of its own, waited for
    /// so long at most.
    fn read<T: Send + 'static>(&self, f: impl FnMut(&mut Client) -> Result<T> + Send + 'static) -> Result<T> {
        let link = self.link.clone();
        self.bounded(false, move |_| link.read(f))
    }

    /// Runs a change (see `Link::write`); on the dashboard's screen, as `read`.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client, &mut Statements) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let link = self.link.clone();
        self.bounded(true, move |given_up| link.write(given_up, f))
    }

    fn bounded<T: Send + 'static>(
        &self,
        change: bool,
        job: impl FnOnce(&dyn Fn() -> bool) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        match &self.bound {
            Some(bound) if bound.applies() => bound.call(&self.link, change, job),
            _ => job(&|| false),
        }
    }

    /// A read on the calling thread, however long it takes: the commands'
    /// (a backup's snapshot), which borrow what they read into.
    fn read_here<T>(&self, f: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        self.link.read(f)
    }

    /// A change on the calling thread, however long it takes (a restore).
    fn write_here<T>(&self, f: impl FnOnce(&mut Client, &mut Statements) -> Result<T>) -> Result<T> {
        self.link.write(&|| false, f)
    }
}

/// Names the store in an error that left it out.
fn locate(e: StoreError, name: &str) -> StoreError {
    match e {
        StoreError::Offline { location, detail } if location.is_empty() => StoreError::Offline {
            location: name.to_string(),
            detail,
        },
        StoreError::Busy { location, detail } if location.is_empty() => StoreError::Busy {
            location: name.to_string(),
            detail,
        },
        StoreError::Held { location, holder } if location.is_empty() => StoreError::Held {
            location: name.to_string(),
            holder,
        },
        StoreError::Denied { location, detail } if location.is_empty() => StoreError::Denied {
            location: name.to_string(),
            detail,
        },
        StoreError::NoSchema(location) if location.is_empty() => StoreError::NoSchema(name.to_string()),
        StoreError::NoDatabase { location, database } if location.is_empty() => StoreError::NoDatabase {
            location: name.to_string(),
            database,
        },
        other => other,
    }
}

/// The driver's error as the store's: the server's refusals by their code, a
/// broken or unreachable connection as `Offline`.
pub(super) fn pg_error(e: postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    let detail = error_text(&e);
    match e.code() {
        None if unreachable(&e) => StoreError::Offline {
            location: String::new(),
            detail,
        },
        None => StoreError::Backend { detail, io: None },
        Some(code)
            if *code == SqlState::INSUFFICIENT_PRIVILEGE
                || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                || *code == SqlState::INVALID_PASSWORD =>
        {
            StoreError::Denied {
                location: String::new(),
                detail,
            }
        }
        // A database that is not there is the administrator's to make (named
        // from the address by the caller, which knows it).
        Some(code) if *code == SqlState::INVALID_CATALOG_NAME => StoreError::NoDatabase {
            location: String::new(),
            database: String::new(),
        },
        // The dashboard's bounds (`deadline::SESSION`): another change holds a
        // lock this one needs, or the server is slow; rolled back, nothing written.
        Some(code) if *code == SqlState::LOCK_NOT_AVAILABLE || *code == SqlState::QUERY_CANCELED => {
            StoreError::Busy {
                location: String::new(),
                detail,
            }
        }
        Some(code)
            if *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW =>
        {
            StoreError::Offline {
                location: String::new(),
                detail: lost_text(&e),
            }
        }
        Some(_) => StoreError::Backend { detail, io: None },
    }
}

/// Whether the driver's error is the server out of reach (rather than, say, a
/// value it could not convert): the connection closed, failed, or timed out.
fn unreachable(e: &postgres::Error) -> bool {
    let io = std::error::Error::source(e).is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
    let text = e.to_string();
    e.is_closed()
        || io
        || ["error communicating", "error connecting", "timeout", "TLS"]
            .iter()
            .any(|w| text.contains(w))
}

/// The server's message if it sent one, else the driver's with its cause.
/// The server's words for a lost connection, with its SQLSTATE first when it
/// gave one (`[57P01] …`), for the dashboard to say it in the user's language.
pub(super) fn lost_text(e: &postgres::Error) -> String {
    match e.code() {
        Some(code) => format!("[{}] {}", code.code(), error_text(e)),
        None => error_text(e),
    }
}

pub(super) fn error_text(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

/// A record that does not read back: the database holds what ocsae never wrote.
fn damaged(location: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Damaged {
        location: location.to_string(),
        detail: detail.to_string(),
    }
}
