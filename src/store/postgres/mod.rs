//! The PostgreSQL backend: the office's shared store. Technicians on the shared
//! server connect through its Unix socket with peer authentication, so each
//! change is signed by the real system user; between sites, over TCP with TLS
//! (rustls) and SCRAM.
//!
//! Everything lives in the schema `ocsae` (see `migrations/`): one table per
//! kind of record (its key columns, its `comarca`, the record as `jsonb`), the
//! history in `history` and `history_edit`, appended in commit order under an
//! advisory lock, each user's undo stacks, and the settings an office shares.
//! The author of a change is the connection's role (`session_user`), never a
//! value the client sends. The state a dashboard shows stays in its memory:
//! only changes, undo and redo, and the change feed (`watch`) talk to the server.

mod backend;
mod backup;
mod backup_stream;
mod commit;
mod connect;
mod history;
mod pgpass;
mod records;
mod restore_stream;
mod schema;
mod tables;
mod watch;

use super::{Location, Result, StoreError};
use crate::domain::municipality::IneCode;
use connect::Target;
use postgres::{Client, GenericClient, Statement};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A connection that was idle this long is pinged before a change is sent on it.
const IDLE: Duration = Duration::from_secs(1);

pub use schema::CURRENT;

pub struct PgStore {
    location: Location,
    target: Target,
    /// The connection for reads and changes; None after it broke, until the next
    /// call connects again.
    conn: Mutex<Option<Conn>>,
    /// The connection's role: the author of this session's changes.
    user: String,
    /// Each council's comarca, as read (a council never moves).
    comarques: Mutex<HashMap<IneCode, String>>,
    /// What the server says of this user: their office, and whether they may
    /// write what belongs to no office.
    role: Role,
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
}

impl Role {
    fn read(client: &mut Client) -> Result<Role> {
        let row = client
            .query_one(
                "SELECT coalesce((SELECT min(c) FROM unnest(ocsae.my_comarques()) AS c),                    (SELECT min(comarca) FROM ocsae.municipality HAVING count(DISTINCT comarca) = 1), ''),                  EXISTS (SELECT FROM ocsae.meta WHERE key = 'multi_office' AND value = 'true'),                  ocsae.is_admin()",
                &[],
            )
            .map_err(pg_error)?;
        Ok(Role {
            office: row.get(0),
            multi_office: row.get(1),
            admin: row.get(2),
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

/// A connection with the statements prepared on it, and when it was last used.
struct Conn {
    client: Client,
    statements: Statements,
    used: Instant,
}

impl Conn {
    fn new(client: Client) -> Conn {
        Conn {
            client,
            statements: Statements::default(),
            used: Instant::now(),
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
        PgStore::connect(location, url, true)
    }

    /// Connects to a store that must be set up already, never creating anything.
    pub fn open_to_read(location: &Location, url: &str) -> Result<PgStore> {
        PgStore::connect(location, url, false)
    }

    fn connect(location: &Location, url: &str, create: bool) -> Result<PgStore> {
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
        Ok(PgStore {
            location: location.clone(),
            target,
            conn: Mutex::new(Some(Conn::new(client))),
            user,
            comarques: Mutex::new(HashMap::new()),
            role,
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

    fn slot(&self) -> MutexGuard<'_, Option<Conn>> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs a read on the connection, connecting first if it broke; a read that
    /// finds the connection broken is tried once more on a new one.
    fn read<T>(&self, mut f: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        let mut slot = self.slot();
        let mut tried = false;
        loop {
            let conn = self.connected(&mut slot)?;
            conn.used = Instant::now();
            match f(&mut conn.client) {
                Err(e) if e.is_offline() => {
                    *slot = None;
                    if tried {
                        return Err(locate(e, &self.name()));
                    }
                    tried = true;
                }
                other => return other.map_err(|e| locate(e, &self.name())),
            }
        }
    }

    /// Runs a change on a connection known to be alive: one idle for a while is
    /// pinged first, and replaced before anything is sent if it broke meanwhile (a
    /// server restarted); a change is never sent twice.
    fn write<T>(&self, f: impl FnOnce(&mut Client, &mut Statements) -> Result<T>) -> Result<T> {
        let mut slot = self.slot();
        if let Some(conn) = slot.as_mut()
            && conn.used.elapsed() >= IDLE
            && conn.client.is_valid(Duration::from_secs(5)).is_err()
        {
            *slot = None;
        }
        let conn = self.connected(&mut slot)?;
        conn.used = Instant::now();
        let result = f(&mut conn.client, &mut conn.statements);
        if result.as_ref().is_err_and(StoreError::is_offline) {
            *slot = None;
        }
        result.map_err(|e| locate(e, &self.name()))
    }

    fn connected<'a>(&self, slot: &'a mut Option<Conn>) -> Result<&'a mut Conn> {
        if slot.as_ref().is_none_or(|c| c.client.is_closed()) {
            let client = self.target.connect().map_err(|e| locate(e, &self.name()))?;
            *slot = Some(Conn::new(client));
        }
        Ok(slot.as_mut().expect("connected just now"))
    }
}

/// Names the store in an error that left it out.
fn locate(e: StoreError, name: &str) -> StoreError {
    match e {
        StoreError::Offline { location, detail } if location.is_empty() => StoreError::Offline {
            location: name.to_string(),
            detail,
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
