//! Where records live: the `Store` trait the app and the commands use, and the
//! neutral types it speaks (`Change`, `Edit`, `Record`, `RecordId`, `Applied`,
//! the history). Backends live in their own folders and keep their shape to
//! themselves: `sled/` (a directory, see its module), the single-user default,
//! and `postgres/`, the office's shared store.
//!
//! A change is built by `ops` from the records as they are, applied here in one
//! transaction with its history entry, and mirrored by the caller from `Applied`.

mod change_kind;
pub mod damage;
pub mod dump;
pub mod dump_check;
pub mod dump_reader;
pub mod dump_tally;
pub mod dump_writer;
mod error;
mod location;
pub mod postgres;
pub mod seed;
mod shared;
pub mod sled;
mod types;

pub use self::sled::quiet::in_quiet_section;
pub use change_kind::ChangeKind;
pub use dump::{Dump, Office, RestoreError, Sharing};
pub use error::{LockHolder, Result, StoreError, ago, entry_words, is_disk_full, offline_words};
pub use location::{Location, redact};
pub use shared::{Authors, Notify, SharedSettings, Signal};
pub use types::{
    Applied, BulkRange, Change, Changes, Edit, EntryKind, HistoryEntry, HistoryHead, Kind, NEW_ID, Record,
    RecordHistory, RecordId, Unreadable,
};

use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::Municipality;
use crate::domain::rollout::Rollout;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A store of records with their history. Every change is one transaction with
/// its history entry; the backend supplies the author (the system user for sled).
pub trait Store: Send + Sync {
    /// Where it is, for messages.
    fn location(&self) -> &Location;
    /// Who the history records as the author of this session's changes.
    fn user(&self) -> &str;
    /// True when no record of any kind is stored.
    fn is_empty(&self) -> Result<bool>;
    /// Every stored record of `kind`, in the backend's order, read one at a time
    /// so that a large kind is never held twice; the size hint is their count if
    /// the backend knows it. A new kind of record needs no method of its own: its
    /// records come through here.
    fn records(&self, kind: Kind) -> Result<Box<dyn Iterator<Item = Result<Record>> + '_>>;
    fn municipalities(&self) -> Result<Vec<Municipality>> {
        collect(self, Kind::Municipality, |r| match r {
            Record::Municipality(m) => Some(m),
            _ => None,
        })
    }
    fn rollouts(&self) -> Result<Vec<Rollout>> {
        collect(self, Kind::Rollout, |r| match r {
            Record::Rollout(r) => Some(r),
            _ => None,
        })
    }
    fn certificates(&self) -> Result<Vec<CertificateRequest>> {
        collect(self, Kind::Certificate, |r| match r {
            Record::Certificate(c) => Some(c),
            _ => None,
        })
    }

    /// One stored certificate request, by its id; None if there is none. The
    /// default reads them all; a backend with an index looks it up.
    fn certificate(&self, id: u64) -> Result<Option<CertificateRequest>> {
        for record in self.records(Kind::Certificate)? {
            if let Record::Certificate(c) = record?
                && c.id == id
            {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// Applies a change and its history entry atomically. New records (`NEW_ID`)
    /// get their ids in the same transaction; `Applied::ids` says which.
    fn apply(&self, change: Change, at: DateTime<Utc>) -> Result<Applied>;
    /// Reverts this user's most recent change not yet undone; None if there is none.
    fn undo(&self, at: DateTime<Utc>) -> Result<Option<Applied>>;
    /// Re-applies this user's most recently undone change; None if there is none.
    fn redo(&self, at: DateTime<Utc>) -> Result<Option<Applied>>;

    /// The entries that touched one record, oldest first.
    fn history(&self, id: &RecordId) -> Result<Vec<RecordHistory>>;
    /// The sequence number of the newest history entry, 0 for none.
    fn last_seq(&self) -> Result<u64>;
    /// Which history the numbers of `last_seq` count in: it changes when a
    /// restore replaces a shared store's history, after which a number seen
    /// before means other entries. Always the same for a store of one user.
    fn history_identity(&self) -> Result<String> {
        Ok(String::new())
    }
    /// Every entry after `seq`, oldest first: the changes another writer made.
    fn changes_since(&self, seq: u64) -> Result<Vec<Applied>>;
    /// As `changes_since`, for the live feed: an entry this client cannot read
    /// is left out and listed in `Changes::unreadable` rather than failing the
    /// rest (full loads and backups stay strict). The default skips none.
    fn changes_since_skipping(&self, seq: u64) -> Result<Changes> {
        Ok(Changes {
            applied: self.changes_since(seq)?,
            ..Changes::default()
        })
    }
    /// Who created and who last changed each record of `kind` that has a history.
    fn authors(&self, kind: Kind) -> Result<HashMap<RecordId, Authors>> {
        let mut out: HashMap<RecordId, Authors> = HashMap::new();
        for applied in self.changes_since(0)? {
            for id in applied
                .edits
                .iter()
                .filter_map(Edit::id)
                .filter(|id| id.kind() == kind)
            {
                out.entry(id)
                    .or_insert_with(|| Authors {
                        created_by: applied.user.clone(),
                        updated_by: String::new(),
                    })
                    .updated_by = applied.user.clone();
            }
        }
        Ok(out)
    }

    /// Starts telling `notify` when other writers change the store, and when its
    /// server goes away and comes back; false if this store has no other writers.
    fn watch(&self, _notify: Notify) -> bool {
        false
    }
    /// The settings an office shares, if this store keeps them (a shared one).
    fn shared_settings(&self) -> Result<Option<SharedSettings>> {
        Ok(None)
    }
    /// Keeps the settings an office shares, where the store is shared; for the
    /// councils it holds. Nothing for a store of one user.
    fn share_settings(&self, _settings: &SharedSettings) -> Result<()> {
        Ok(())
    }
    /// Who administers a shared store (its schema's owner): the one user who
    /// may do what a technician may not, such as a restore. None for one user's store.
    fn administrator(&self) -> Option<&str> {
        None
    }
    /// The offices listed in a store several offices may share (their comarca
    /// and role); None for a store of one user.
    fn offices(&self) -> Result<Option<Vec<Office>>> {
        Ok(None)
    }

    /// A change too large to hold at once (an import): edits go in by batches,
    /// and nothing is seen or kept unless `commit` succeeds.
    fn begin_import(&self, kind: ChangeKind) -> Result<Box<dyn ImportBatch + '_>>;
    /// As `begin_import`, for a backend that must know an import's size and
    /// reach before its first edit in order to write it as it comes: the caller
    /// then goes through the edits twice, first giving each batch to `plan`,
    /// then the same batches to `append`; `at` is the time `commit` is given.
    /// None (the default): the backend needs no plan, use `begin_import`.
    fn begin_planned_import(
        &self,
        _kind: ChangeKind,
        _at: DateTime<Utc>,
    ) -> Result<Option<Box<dyn ImportBatch + '_>>> {
        Ok(None)
    }

    fn dump(&self, now: DateTime<Utc>) -> Result<Dump>;
    /// Writes the dump as JSON to `out`, as `serde_json` writes `dump`'s. A
    /// backend that can streams it, a record at a time.
    fn write_backup(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
    ) -> Result<dump_writer::BackupCounts> {
        let dump = self.dump(now)?;
        serde_json::to_writer(out, &dump).map_err(|e| StoreError::Codec(e.to_string()))?;
        Ok(dump_writer::BackupCounts {
            municipalities: dump.municipalities.len(),
            certificates: dump.certificates.len(),
            activities: dump.activities.len(),
            history: dump.history.len(),
        })
    }
    /// As `write_backup`, with the office's local holidays as its configuration
    /// lists them (`configured`): a store that keeps none (sled) carries those,
    /// under each comarca of its councils; a shared store carries its own.
    fn write_backup_with(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
        _configured: &[chrono::NaiveDate],
    ) -> Result<dump_writer::BackupCounts> {
        self.write_backup(now, out)
    }
    /// Replaces the store's content with the dump's, at once. A store that holds
    /// records is refused unless `force`.
    fn restore(&self, dump: &Dump, force: bool) -> Result<(), RestoreError>;
    /// As `restore`, from a backup checked whole and read again as it is
    /// written. A backend that can writes it in batches, never holding it.
    fn restore_from(
        &self,
        source: &mut dyn dump_reader::DumpSource,
        force: bool,
    ) -> Result<(), RestoreError> {
        let dump = source.read_whole()?;
        self.restore(&dump, force)
    }

    /// A small text kept beside the records (a cache of derived figures). Callers
    /// check it is current before trusting it.
    fn read_cache(&self, _name: &str) -> Option<String> {
        None
    }
    fn write_cache(&self, _name: &str, _text: &str) {}

    /// The changes applied but not durable yet, oldest first, and why.
    fn unsaved(&self) -> Unsaved {
        Unsaved::default()
    }
    /// Whether `retry` has something to do: changes wait, or the backend refuses
    /// writes until it is reopened.
    fn needs_retry(&self) -> bool {
        false
    }
    /// Writes what waits. On failure it keeps waiting, for the next try.
    fn retry(&self) -> Result<()> {
        Ok(())
    }
    /// Waits for a store still being opened after its first screen (see
    /// `sled::deferred`); its refusal if it was refused.
    fn opened(&self) -> Result<()> {
        Ok(())
    }
}

/// The records of `kind` taken apart by `pick` (the backend gives only that kind).
/// The most records reserved at once from a backend's bound (ids far apart grow the rest).
const RESERVE_MAX: usize = 4 << 20;

fn collect<T>(store: &(impl Store + ?Sized), kind: Kind, pick: fn(Record) -> Option<T>) -> Result<Vec<T>> {
    let records = store.records(kind)?;
    // Reserved once, for at most as many as the backend says there can be: room
    // reserved and never written is never touched, so it takes no memory.
    let (low, high) = records.size_hint();
    let mut out = Vec::with_capacity(high.unwrap_or(low).min(RESERVE_MAX));
    for record in records {
        out.extend(pick(record?));
    }
    if out.capacity() > out.len() + out.len() / 8 {
        out.shrink_to_fit();
    }
    Ok(out)
}

/// The edits of one import, given in batches; atomic at `commit`.
pub trait ImportBatch {
    /// A batch of the edits `append` will be given, in the same order, seen
    /// once and not kept (a planned import: see `Store::begin_planned_import`).
    fn plan(&mut self, _edits: &[Edit]) -> Result<()> {
        Ok(())
    }
    fn append(&mut self, edits: Vec<Edit>) -> Result<()>;
    fn commit(self: Box<Self>, at: DateTime<Utc>) -> Result<Applied>;
}

/// Changes that are applied (and shown) but not on disk yet.
#[derive(Debug, Clone, Default)]
pub struct Unsaved {
    /// Each change as applied, oldest first: what quitting now would lose.
    pub changes: Vec<(ChangeKind, Vec<Edit>)>,
    /// Why they are not: the error of the write that failed.
    pub cause: Option<StoreError>,
}

impl Unsaved {
    pub fn count(&self) -> usize {
        self.changes.len()
    }
}

/// True if there is a store at `location` (possibly empty). A server that cannot
/// be reached counts as holding one: opening it says why it cannot.
pub fn exists(location: &Location) -> bool {
    match location {
        Location::Sled(dir) => self::sled::SledStore::exists(dir),
        Location::Postgres(url) => self::postgres::PgStore::exists(url),
    }
}

/// Opens the store at `location`, creating it if absent. Refuses a store in use,
/// of a newer schema, or damaged, without writing to it.
pub fn open(location: &Location) -> Result<Box<dyn Store>> {
    match location {
        Location::Sled(dir) => Ok(Box::new(self::sled::SledStore::open(dir)?)),
        Location::Postgres(url) => Ok(Box::new(self::postgres::PgStore::open(location, url)?)),
    }
}

/// Opens the store at `location` for the dashboard: as `open`, but a sled store
/// closed cleanly shows its first screen before its files are checked through,
/// and a shared store never keeps the calling thread (the screen's) waiting long
/// on its server.
pub fn open_to_show(location: &Location) -> Result<Box<dyn Store>> {
    match location {
        Location::Sled(dir) => self::sled::SledStore::open_to_show(dir),
        Location::Postgres(url) => Ok(Box::new(self::postgres::PgStore::open_to_show(location, url)?)),
    }
}

/// Opens an existing store to read it, never to change it (on a full disk, sled
/// may read a copy).
pub fn open_to_read(location: &Location) -> Result<Box<dyn Store>> {
    match location {
        Location::Sled(dir) => Ok(Box::new(self::sled::SledStore::open_to_read(dir)?)),
        Location::Postgres(url) => Ok(Box::new(self::postgres::PgStore::open_to_read(location, url)?)),
    }
}

/// Opens an existing store for the `--read-only` dashboard: as `open_to_read`,
/// and a shared store's calls from the screen's thread are bounded in time as
/// the dashboard's are (see `open_to_show`).
pub fn open_to_look(location: &Location) -> Result<Box<dyn Store>> {
    match location {
        Location::Sled(dir) => Ok(Box::new(self::sled::SledStore::open_to_read(dir)?)),
        Location::Postgres(url) => Ok(Box::new(self::postgres::PgStore::open_to_look(location, url)?)),
    }
}

/// The settings an office shares, read from its store if it keeps them (a shared
/// one); None for a store of one user, which is not even opened.
pub fn shared_settings(location: &Location) -> Result<Option<SharedSettings>> {
    match location {
        Location::Sled(_) => Ok(None),
        Location::Postgres(url) => self::postgres::PgStore::open_to_read(location, url)?.shared_settings(),
    }
}

/// The stores this process could not close normally (a write failed midway and
/// the backend never let go), for a last word before it exits.
pub fn stalled() -> Vec<String> {
    self::sled::stalled()
}

/// Something about a store the person should know, though it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreWarning {
    /// The store's directory is another user's, and others may read it: they can
    /// lock its owner out, and read what it holds.
    OpenToOthers { path: String, owner: u32 },
}

impl StoreWarning {
    pub fn localize(&self, t: &crate::i18n::I18n) -> String {
        match self {
            StoreWarning::OpenToOthers { path, owner } => t.f(
                crate::i18n::Msg::warn_store_open_to_others,
                &[("path", path), ("owner", owner)],
            ),
        }
    }
}

/// The warnings about the stores opened so far, each given once.
pub fn take_warnings() -> Vec<StoreWarning> {
    self::sled::take_warnings()
}

/// Makes every file this process creates private to its user. The store lives
/// on a shared server; umask is process-wide, which is what we want for exports too.
pub fn private_umask() {
    // SAFETY: umask only sets the process file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}
