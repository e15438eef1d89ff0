//! The only user of sled and of the codec.
//!
//! A store is a directory, private to its user (0700, files 0600):
//! `ocsae.lock` (locked, with the directory itself, while open), `seal` (see
//! `seal`), `schema-version` (read before sled is
//! touched, so a newer store is refused without a single write), `sled/`, and
//! `backups/` (taken before migrations).

pub mod backup;
pub mod codec;
mod engine;
mod error;
pub mod history;
mod history_index;
mod lock;
mod pending;
mod read_copy;
pub mod record;
mod recovery;
pub mod schema;
mod seal;
pub mod seed;

pub use error::{Result, StoreError};
pub use history::{Applied, EntryKind, HistoryEntry, HistoryHead};
pub use record::{Change, Edit, Kind, Record};

use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::Municipality;
use crate::domain::rollout::Rollout;
use engine::{Engine, SLED_DIR, open_sled, wait_for_sled_release};
use serde::de::DeserializeOwned;
use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};

/// Indexes of the trees in a transaction, in `Store::trees` order.
const T_META: usize = 0;
const T_HISTORY: usize = 1;
/// Which history entries touched each record: kind, key length, key, sequence.
const T_HISTORY_INDEX: usize = 5;
fn tree_index(kind: Kind) -> usize {
    match kind {
        Kind::Municipality => 2,
        Kind::Rollout => 3,
        Kind::Certificate => 4,
    }
}

pub struct Store {
    dir: PathBuf,
    /// None only after sled was closed to recover from a write error and could
    /// not be opened again yet (`recover` tries again).
    engine: Option<Engine>,
    user: String,
    /// Tests set these to see how a full disk is handled.
    faults: Faults,
    /// The errno of the write sled failed, 0 if none. sled 0.34 then refuses every
    /// later write until it is reopened, and its memory may hold half a transaction.
    broken: AtomicI32,
    /// Changes applied in sled's memory that never reached the disk, oldest first.
    pending: Mutex<Vec<pending::Pending>>,
    /// Blobs written by transactions that failed: nothing refers to them.
    orphans: Mutex<Vec<PathBuf>>,
    /// Something was written since the store was opened.
    wrote: AtomicBool,
    // Held for the life of the store: a second process gets `InUse`.
    _lock: lock::StoreLock,
    /// For a store read from a copy (see `read_copy`): removed last.
    scratch: Option<read_copy::Scratch>,
}

/// Fault injection for tests, modelled on what sled does.
#[derive(Default)]
struct Faults {
    /// Every change is refused before it is applied, and sled cannot be reopened.
    full: AtomicBool,
    /// Every flush fails, which breaks the engine until it is reopened.
    at_flush: AtomicBool,
}

/// Makes every file this process creates private to its user. The store lives
/// on a shared server; umask is process-wide, which is what we want for exports too.
pub fn private_umask() {
    // SAFETY: umask only sets the process file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

impl Store {
    /// True if `dir` holds a store (possibly empty).
    pub fn exists(dir: &Path) -> bool {
        dir.join(SLED_DIR).is_dir()
    }

    /// Opens the store in `dir`, creating it if absent. Refuses a store in use,
    /// of a newer schema, or damaged, without writing to it.
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_with_migrations(dir, schema::MIGRATIONS)
    }

    /// `open`, with the migrations given (tests use it to exercise the mechanism).
    #[doc(hidden)]
    pub fn open_with_migrations(dir: &Path, migrations: &[schema::Migration]) -> Result<Store> {
        private_umask();
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| StoreError::io(dir, e))?;
        let lock = lock::StoreLock::take(dir)?;
        if let Some(found) = schema::read_version_file(dir)?
            && found > schema::CURRENT
        {
            return Err(StoreError::NewerSchema {
                path: dir.to_path_buf(),
                found,
                supported: schema::CURRENT,
            });
        }
        let sled_dir = dir.join(SLED_DIR);
        // A program that does not take our lock (an older ocsae whose lock file was
        // deleted) may have sled open: nothing is touched then.
        if engine::sled_busy(&sled_dir) {
            return Err(StoreError::InUse(dir.to_path_buf()));
        }
        let sealed = seal::check(dir, &sled_dir)?;
        if sealed {
            seal::take_off(dir)?;
        }
        // After a crash, sled's repair is checked against a copy before it is kept.
        let untouched = match sealed {
            true => None,
            false => recovery::Untouched::take(dir, &sled_dir)?,
        };
        let opened = open_sled(dir).and_then(|db| {
            if untouched.is_some() {
                match crate::panics::quietly(|| recovery::read_everything(&db)) {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return Err(damaged(dir, e)),
                    Err(_) => return Err(damaged(dir, "unreadable records")),
                }
                recovery::check_acknowledged(dir, last_seq_in(&db)).map_err(|detail| damaged(dir, detail))?;
            }
            Ok(db)
        });
        let db = match (opened, untouched) {
            (Ok(db), untouched) => {
                if let Some(untouched) = untouched {
                    untouched.discard();
                    // A seal that could not be read is replaced at close.
                    seal::take_off(dir)?;
                }
                db
            }
            (Err(StoreError::InUse(p)), _) => return Err(StoreError::InUse(p)),
            (Err(e), Some(untouched)) => {
                wait_for_sled_release(&sled_dir);
                untouched.put_back().map_err(|io| StoreError::io(&sled_dir, io))?;
                return Err(e);
            }
            (Err(e), None) => {
                // sled stopped for want of space while settling its files: they are
                // still the ones the seal vouched for, so the seal goes back on.
                if e.disk_full() && wait_for_sled_release(&sled_dir) {
                    let _ = seal::write(dir, &sled_dir);
                }
                return Err(e);
            }
        };
        let store = Store {
            dir: dir.to_path_buf(),
            engine: Some(Engine::new(db, dir)?),
            user: system_user(),
            faults: Faults::default(),
            broken: AtomicI32::new(0),
            pending: Mutex::new(Vec::new()),
            orphans: Mutex::new(Vec::new()),
            wrote: AtomicBool::new(false),
            _lock: lock,
            scratch: None,
        };
        schema::check_and_migrate(&store, migrations)?;
        Ok(store)
    }

    /// Makes every later change fail as a full disk would, before it is applied
    /// (for tests). Until it is turned off, sled cannot be reopened either.
    #[doc(hidden)]
    pub fn simulate_full_disk(&self, on: bool) {
        self.faults.full.store(on, SeqCst);
    }

    /// Makes every later flush fail as a disk that filled up mid-change would (for
    /// tests). As with sled, the first failure breaks the engine: every later
    /// change fails, even once this is off, until `recover` reopens it.
    #[doc(hidden)]
    pub fn simulate_full_disk_at_flush(&self, on: bool) {
        self.faults.at_flush.store(on, SeqCst);
    }

    /// Refuses a change the disk cannot take, or one sled would refuse.
    pub(crate) fn check_writable(&self) -> Result<()> {
        let errno = match self.broken.load(SeqCst) {
            0 if self.faults.full.load(SeqCst) => libc::ENOSPC,
            errno => errno,
        };
        match errno {
            0 if self.engine.is_none() => Err(self.closed()),
            0 => Ok(()),
            errno => Err(StoreError::io(
                &self.dir,
                std::io::Error::from_raw_os_error(errno),
            )),
        }
    }

    /// What a store whose engine could not be reopened says.
    fn closed(&self) -> StoreError {
        StoreError::io(
            self.dir.join(SLED_DIR),
            std::io::Error::other("the database is closed after a write error; ocsae keeps trying"),
        )
    }

    /// Notes that sled failed a write: it must be reopened before the next one.
    fn mark_broken(&self, error: &StoreError) {
        // sled's copy of the error keeps its kind, not its number.
        let errno = error
            .os_error()
            .or_else(|| error.disk_full().then_some(libc::ENOSPC))
            .unwrap_or(libc::EIO);
        self.broken.store(errno, SeqCst);
    }

    fn engine(&self) -> Result<&Engine> {
        self.engine.as_ref().ok_or_else(|| self.closed())
    }

    fn trees(&self) -> Result<&[sled::Tree; 6]> {
        Ok(&self.engine()?.trees)
    }

    /// A small file of derived figures kept beside the database, private like it.
    /// It is a cache: callers check it is current (`last_history_seq`) before trusting it.
    pub fn read_cache(&self, name: &str) -> Option<String> {
        fs::read_to_string(self.dir.join(format!("{name}.cache"))).ok()
    }

    pub fn write_cache(&self, name: &str, text: &str) {
        let path = self.dir.join(format!("{name}.cache"));
        let tmp = self.dir.join(format!("{name}.cache.tmp"));
        if fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &path))
            .is_err()
        {
            // A cache is only worth its space when whole.
            let _ = fs::remove_file(&tmp);
            tracing::warn!("could not write {}", path.display());
        }
    }

    /// The sequence number of the newest history entry, 0 for none. Read from the
    /// counter, not the entry: an import's entry can hold 100,000 records.
    pub fn last_history_seq(&self) -> u64 {
        self.next_history_seq().map_or(0, |next| next.saturating_sub(1))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The system user recorded in the history.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub(crate) fn meta(&self) -> Result<&sled::Tree> {
        Ok(&self.trees()?[T_META])
    }

    pub(crate) fn tree(&self, kind: Kind) -> Result<&sled::Tree> {
        Ok(&self.trees()?[tree_index(kind)])
    }

    /// True when no record of any kind is stored.
    pub fn is_empty(&self) -> Result<bool> {
        let trees = self.trees()?;
        Ok(Kind::ALL.iter().all(|&k| trees[tree_index(k)].is_empty()))
    }

    pub fn municipalities(&self) -> Result<Vec<Municipality>> {
        self.load(Kind::Municipality)
    }

    pub fn rollouts(&self) -> Result<Vec<Rollout>> {
        self.load(Kind::Rollout)
    }

    pub fn certificates(&self) -> Result<Vec<CertificateRequest>> {
        self.load(Kind::Certificate)
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.tree(kind).map_or(0, |t| t.len())
    }

    fn load<T: DeserializeOwned>(&self, kind: Kind) -> Result<Vec<T>> {
        load_tree(self.tree(kind)?, &self.dir)
    }

    /// A handle that reads every certificate request on another thread, so the
    /// dashboard can draw its first screen before 100,000 requests are decoded.
    pub fn certificate_reader(&self) -> Result<CertificateReader> {
        Ok(CertificateReader {
            tree: self.tree(Kind::Certificate)?.clone(),
            dir: self.dir.clone(),
        })
    }

    /// Writes what sled holds in memory to disk. A failure breaks the engine, as
    /// it does sled's: nothing more is written until `recover` reopens it.
    pub fn flush(&self) -> Result<()> {
        self.wrote.store(true, SeqCst);
        let flushed = match self.faults.at_flush.load(SeqCst) {
            true => Err(StoreError::io(
                &self.dir,
                std::io::Error::from_raw_os_error(libc::ENOSPC),
            )),
            false => self.engine()?.db.flush().map(|_| ()).map_err(StoreError::from),
        };
        if let Err(e) = &flushed {
            self.mark_broken(e);
        }
        flushed
    }
}

impl Drop for Store {
    /// A clean close: flush, close sled, wait for its threads to let go of the
    /// files, let sled settle what it wrote, then seal the files.
    fn drop(&mut self) {
        let sled_dir = self.dir.join(SLED_DIR);
        let Some(engine) = self.engine.take() else {
            // sled could not be reopened after a write error: the next open checks everything.
            self.remove_orphans();
            return;
        };
        if self.broken.load(SeqCst) == 0 {
            let _ = engine.db.flush();
        }
        if self.unsaved() > 0 {
            tracing::warn!(changes = self.unsaved(), "closing with changes not on disk");
        }
        drop(engine);
        if !wait_for_sled_release(&sled_dir) {
            return;
        }
        self.remove_orphans();
        if self.wrote.load(SeqCst) {
            settle(&self.dir);
        }
        if let Err(e) = seal::write(&self.dir, &sled_dir) {
            tracing::warn!("could not seal {}: {e}", self.dir.display());
        }
    }
}

/// Opens and closes sled once more. sled writes as it opens after a session that
/// changed something (it zeroes the end of its log, writes a snapshot, drops blobs
/// no change refers to); done now, the next open has nothing to write, so reading
/// the store works on a full disk.
fn settle(dir: &Path) {
    match open_sled(dir) {
        Ok(db) => {
            drop(db);
            wait_for_sled_release(&dir.join(SLED_DIR));
        }
        Err(e) => tracing::warn!("could not settle {}: {e}", dir.display()),
    }
}

/// The newest history sequence number in an open database, 0 for none.
fn last_seq_in(db: &sled::Db) -> u64 {
    let next: u64 = match db.open_tree("meta").and_then(|m| m.get(history::SEQ_KEY)) {
        Ok(Some(bytes)) => codec::decode(&bytes).unwrap_or(1),
        _ => 1,
    };
    next.saturating_sub(1)
}

pub struct CertificateReader {
    tree: sled::Tree,
    dir: PathBuf,
}

impl CertificateReader {
    pub fn read_all(&self) -> Result<Vec<CertificateRequest>> {
        load_tree(&self.tree, &self.dir)
    }
}

fn load_tree<T: DeserializeOwned>(tree: &sled::Tree, dir: &Path) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(tree.len());
    for item in tree.iter() {
        let (_, value) = item.map_err(|e| damaged(dir, e))?;
        out.push(codec::decode(&value).map_err(|e| damaged(dir, e))?);
    }
    Ok(out)
}

fn damaged(dir: &Path, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Damaged {
        path: dir.to_path_buf(),
        detail: detail.to_string(),
    }
}

/// The login name of the person running ocsae, for the history.
pub fn system_user() -> String {
    whoami::username().unwrap_or_else(|_| "unknown".to_string())
}

#[cfg(test)]
mod tests;
