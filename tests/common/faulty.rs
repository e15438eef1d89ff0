//! A store whose disk can be made full, for the dashboard's tests: it wraps the
//! real store and behaves as the sled backend does on a full disk (the backend's
//! own unit tests, and tests/full_disk.rs with a real size limit, cover sled).
//!
//! - `simulate_full_disk`: every change is refused before it is applied, and what
//!   waits cannot be written either.
//! - `simulate_full_disk_at_flush`: a change is applied but not durable; from then
//!   on every change is refused, even with room, until a retry succeeds (sled
//!   refuses writes after a failed one until it is reopened).
//! - `simulate_slow_changes`: reading the changes since an entry takes longer
//!   than the dashboard waits (a server given an entry of a gigabyte).

use chrono::{DateTime, Utc};
use ocsae::store::{
    Applied, Change, ChangeKind, Dump, Edit, ImportBatch, Kind, Location, Record, RecordHistory, RecordId,
    RestoreError, Result, Store, StoreError, Unsaved,
};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

pub struct FaultyStore {
    inner: Box<dyn Store>,
    full: AtomicBool,
    at_flush: AtomicBool,
    /// A write failed: everything is refused until a retry succeeds.
    broken: AtomicBool,
    /// What this wrapper pretends is not on disk.
    waiting: Mutex<Vec<(ChangeKind, Vec<Edit>)>>,
    slow_changes: AtomicBool,
}

impl FaultyStore {
    pub fn new(inner: Box<dyn Store>) -> FaultyStore {
        FaultyStore {
            inner,
            full: AtomicBool::new(false),
            at_flush: AtomicBool::new(false),
            broken: AtomicBool::new(false),
            waiting: Mutex::new(Vec::new()),
            slow_changes: AtomicBool::new(false),
        }
    }

    pub fn simulate_slow_changes(&self, on: bool) {
        self.slow_changes.store(on, SeqCst);
    }

    pub fn simulate_full_disk(&self, on: bool) {
        self.full.store(on, SeqCst);
    }

    pub fn simulate_full_disk_at_flush(&self, on: bool) {
        self.at_flush.store(on, SeqCst);
    }

    fn disk_full(&self) -> StoreError {
        let dir = self
            .inner
            .location()
            .as_dir()
            .map(|d| d.to_path_buf())
            .unwrap_or_default();
        StoreError::io(dir, std::io::Error::from_raw_os_error(libc::ENOSPC))
    }

    /// An error if a change cannot go in now.
    fn refuse(&self) -> Result<()> {
        match self.full.load(SeqCst) || self.broken.load(SeqCst) {
            true => Err(self.disk_full()),
            false => Ok(()),
        }
    }

    /// What a change did, as the disk took it.
    fn landed(&self, mut applied: Applied) -> Applied {
        if self.at_flush.load(SeqCst) {
            self.broken.store(true, SeqCst);
            self.waiting
                .lock()
                .unwrap()
                .push((applied.change.clone(), applied.edits.clone()));
            applied.durable = false;
        }
        applied
    }
}

struct FaultyImport<'a> {
    store: &'a FaultyStore,
    inner: Box<dyn ImportBatch + 'a>,
}

impl ImportBatch for FaultyImport<'_> {
    fn append(&mut self, edits: Vec<Edit>) -> Result<()> {
        self.inner.append(edits)
    }

    fn commit(self: Box<Self>, at: DateTime<Utc>) -> Result<Applied> {
        self.store.refuse()?;
        let applied = self.inner.commit(at)?;
        Ok(self.store.landed(applied))
    }
}

impl Store for FaultyStore {
    fn location(&self) -> &Location {
        self.inner.location()
    }
    fn user(&self) -> &str {
        self.inner.user()
    }
    fn is_empty(&self) -> Result<bool> {
        self.inner.is_empty()
    }
    fn records(&self, kind: Kind) -> Result<Box<dyn Iterator<Item = Result<Record>> + '_>> {
        self.inner.records(kind)
    }
    fn apply(&self, change: Change, at: DateTime<Utc>) -> Result<Applied> {
        self.refuse()?;
        let applied = self.inner.apply(change, at)?;
        Ok(self.landed(applied))
    }
    fn undo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.refuse()?;
        Ok(self.inner.undo(at)?.map(|a| self.landed(a)))
    }
    fn redo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.refuse()?;
        Ok(self.inner.redo(at)?.map(|a| self.landed(a)))
    }
    fn history(&self, id: &RecordId) -> Result<Vec<RecordHistory>> {
        self.inner.history(id)
    }
    fn last_seq(&self) -> Result<u64> {
        self.inner.last_seq()
    }
    fn changes_since(&self, seq: u64) -> Result<Vec<Applied>> {
        self.inner.changes_since(seq)
    }
    fn changes_since_skipping(&self, seq: u64) -> Result<ocsae::store::Changes> {
        if self.slow_changes.load(SeqCst) {
            // As PostgreSQL's statement timeout is said.
            return Err(StoreError::Busy {
                location: self.inner.location().to_string(),
                detail: "canceling statement due to statement timeout".into(),
            });
        }
        self.inner.changes_since_skipping(seq)
    }
    fn authors(&self, kind: Kind) -> Result<std::collections::HashMap<RecordId, ocsae::store::Authors>> {
        self.inner.authors(kind)
    }
    fn watch(&self, notify: ocsae::store::Notify) -> bool {
        self.inner.watch(notify)
    }
    fn begin_import(&self, kind: ChangeKind) -> Result<Box<dyn ImportBatch + '_>> {
        Ok(Box::new(FaultyImport {
            store: self,
            inner: self.inner.begin_import(kind)?,
        }))
    }
    fn dump(&self, now: DateTime<Utc>) -> Result<Dump> {
        self.inner.dump(now)
    }
    fn restore(&self, dump: &Dump, force: bool) -> Result<(), RestoreError> {
        self.inner.restore(dump, force)
    }
    fn read_cache(&self, name: &str) -> Option<String> {
        self.inner.read_cache(name)
    }
    fn write_cache(&self, name: &str, text: &str) {
        self.inner.write_cache(name, text)
    }
    fn unsaved(&self) -> Unsaved {
        let waiting = self.waiting.lock().unwrap().clone();
        match waiting.is_empty() {
            true => self.inner.unsaved(),
            false => Unsaved {
                changes: waiting,
                cause: Some(self.disk_full()),
            },
        }
    }
    fn needs_retry(&self) -> bool {
        self.broken.load(SeqCst) || self.inner.needs_retry()
    }
    fn retry(&self) -> Result<()> {
        if self.broken.load(SeqCst) {
            // The backend does not reopen its files while the disk is full.
            if self.full.load(SeqCst) || self.at_flush.load(SeqCst) {
                return Err(self.disk_full());
            }
            self.waiting.lock().unwrap().clear();
            self.broken.store(false, SeqCst);
        }
        self.inner.retry()
    }
}
