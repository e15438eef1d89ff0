//! The connection a store's calls take turns on, and how to make another. A
//! call takes it out of its slot while it works and puts it back after, so that
//! a call the dashboard stopped waiting for (see `deadline`) keeps its
//! connection to itself, and the next call connects anew instead of queueing
//! behind it.

use super::connect::Target;
use super::{Statements, locate, pg_error};
use crate::store::{Result, StoreError};
use postgres::Client;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A connection that was idle this long is pinged before a change is sent on it.
const IDLE: Duration = Duration::from_secs(1);
/// How long a ping waits for the server's answer.
const PING: Duration = Duration::from_secs(5);

/// A connection with the statements prepared on it, and when it was last used.
pub(super) struct Conn {
    pub client: Client,
    pub statements: Statements,
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

pub(super) struct Link {
    pub target: Target,
    /// The idle connection; None while a call has it, or after it broke.
    slot: Mutex<Option<Conn>>,
    /// The store's name, for messages.
    pub name: String,
    /// What each new connection runs first (the dashboard's bounds, or a
    /// command's wait for locks).
    session: String,
}

impl Link {
    /// `client`, connected already, has run `session`.
    pub fn new(target: Target, name: String, client: Client, session: String) -> Link {
        Link {
            target,
            slot: Mutex::new(Some(Conn::new(client))),
            name,
            session,
        }
    }

    fn slot(&self) -> MutexGuard<'_, Option<Conn>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The idle connection, or a new one.
    fn take(&self) -> Result<Conn> {
        let idle = self.slot().take();
        match idle {
            Some(conn) if !conn.client.is_closed() => Ok(conn),
            _ => self.connect(),
        }
    }

    fn connect(&self) -> Result<Conn> {
        let mut client = self.target.connect().map_err(|e| locate(e, &self.name))?;
        client
            .batch_execute(&self.session)
            .map_err(|e| locate(pg_error(e), &self.name))?;
        Ok(Conn::new(client))
    }

    /// Keeps a connection that works for the next call; one more than needed
    /// (another call connected meanwhile) is closed.
    fn give_back(&self, conn: Conn) {
        let mut slot = self.slot();
        let extra = match slot.is_none() {
            true => {
                *slot = Some(conn);
                None
            }
            false => Some(conn),
        };
        drop(slot);
        drop(extra);
    }

    /// Runs a read, connecting first if needed; a read that finds the connection
    /// broken is tried once more on a new one.
    pub fn read<T>(&self, mut f: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        let mut tried = false;
        loop {
            let mut conn = self.take()?;
            conn.used = Instant::now();
            match f(&mut conn.client) {
                Err(e) if e.is_offline() => {
                    drop(conn);
                    if tried {
                        return Err(locate(e, &self.name));
                    }
                    tried = true;
                }
                other => {
                    self.give_back(conn);
                    return other.map_err(|e| locate(e, &self.name));
                }
            }
        }
    }

    /// Runs a change on a connection known to be alive: one idle for a while is
    /// pinged first, and replaced before anything is sent if it broke meanwhile (a
    /// server restarted); a change is never sent twice, and never once
    /// `given_up` says nobody waits for it any more.
    pub fn write<T>(
        &self,
        given_up: &dyn Fn() -> bool,
        f: impl FnOnce(&mut Client, &mut Statements) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.take()?;
        if conn.used.elapsed() >= IDLE && conn.client.is_valid(PING).is_err() {
            drop(conn);
            conn = self.connect()?;
        }
        if given_up() {
            self.give_back(conn);
            return Err(StoreError::Offline {
                location: self.name.clone(),
                detail: "the change was not sent: nobody waits for it any more".into(),
            });
        }
        conn.used = Instant::now();
        let result = f(&mut conn.client, &mut conn.statements);
        match &result {
            Err(e) if e.is_offline() => drop(conn),
            _ => self.give_back(conn),
        }
        result.map_err(|e| locate(e, &self.name))
    }

    /// A connection known to be alive (as `write` makes sure), kept by the
    /// caller across several statements of one transaction (an import); given
    /// back with `release`.
    pub fn hold(&self) -> Result<Conn> {
        let mut conn = self.take()?;
        if conn.used.elapsed() >= IDLE && conn.client.is_valid(PING).is_err() {
            drop(conn);
            return self.connect();
        }
        Ok(conn)
    }

    /// Takes back a connection `hold` gave, unless it broke.
    pub fn release(&self, mut conn: Conn) {
        if !conn.client.is_closed() {
            conn.used = Instant::now();
            self.give_back(conn);
        }
    }

    /// Whether the server answers now.
    pub fn ping(&self) -> Result<()> {
        let mut conn = self.take()?;
        match conn.client.is_valid(PING) {
            Ok(()) => {
                conn.used = Instant::now();
                self.give_back(conn);
                Ok(())
            }
            Err(e) => Err(locate(pg_error(e), &self.name)),
        }
    }
}
