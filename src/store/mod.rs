//! The only user of sled and of the codec.
//!
//! A store is a directory, private to its user (0700, files 0600):
//! `ocsae.lock` (held while open), `schema-version` (read before sled is
//! touched, so a newer store is refused without a single write), `sled/`, and
//! `backups/` (taken before migrations).

pub mod backup;
pub mod codec;
mod error;
pub mod history;
mod history_index;
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
use serde::de::DeserializeOwned;
use std::fs::{self, File};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "ocsae.lock";
const SLED_DIR: &str = "sled";

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
    /// Dropped first on close, so that the seal sees sled's final files.
    db: std::mem::ManuallyDrop<sled::Db>,
    /// Tree handles keep sled open too; they are dropped with `db`.
    trees: std::mem::ManuallyDrop<[sled::Tree; 6]>,
    user: String,
    /// Tests set this to see how a full or read-only disk is handled.
    fail_writes: std::sync::atomic::AtomicBool,
    /// Tests set this to see a change that goes through but cannot reach the disk.
    fail_flush: std::sync::atomic::AtomicBool,
    // Held for the life of the store: a second process gets `InUse`.
    _lock: File,
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
        let lock_path = dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(StoreError::InUse(dir.to_path_buf())),
            Err(fs::TryLockError::Error(e)) => return Err(StoreError::io(&lock_path, e)),
        }
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
        let sealed = seal::check_and_break(dir, &sled_dir)?;
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
                let next_seq: u64 = match db.open_tree("meta").and_then(|m| m.get(history::SEQ_KEY)) {
                    Ok(Some(bytes)) => codec::decode(&bytes).unwrap_or(1),
                    _ => 1,
                };
                recovery::check_acknowledged(dir, next_seq.saturating_sub(1))
                    .map_err(|detail| damaged(dir, detail))?;
            }
            Ok(db)
        });
        let db = match (opened, untouched) {
            (Ok(db), untouched) => {
                if let Some(untouched) = untouched {
                    untouched.discard();
                }
                db
            }
            (Err(e), Some(untouched)) => {
                wait_for_sled_release(&sled_dir);
                untouched.put_back().map_err(|io| StoreError::io(&sled_dir, io))?;
                return Err(e);
            }
            (Err(e), None) => return Err(e),
        };
        let tree = |name: &str| db.open_tree(name).map_err(|e| damaged(dir, e));
        let trees = [
            tree("meta")?,
            tree("history")?,
            tree(Kind::Municipality.tree_name())?,
            tree(Kind::Rollout.tree_name())?,
            tree(Kind::Certificate.tree_name())?,
            tree("history_index")?,
        ];
        let store = Store {
            dir: dir.to_path_buf(),
            db: std::mem::ManuallyDrop::new(db),
            trees: std::mem::ManuallyDrop::new(trees),
            user: system_user(),
            fail_writes: std::sync::atomic::AtomicBool::new(false),
            fail_flush: std::sync::atomic::AtomicBool::new(false),
            _lock: lock,
        };
        schema::check_and_migrate(&store, migrations)?;
        Ok(store)
    }

    /// Makes every later change fail as a full disk would (for tests).
    #[doc(hidden)]
    pub fn simulate_full_disk(&self, on: bool) {
        self.fail_writes.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Makes every later flush fail as a disk that filled up mid-change would (for tests).
    #[doc(hidden)]
    pub fn simulate_full_disk_at_flush(&self, on: bool) {
        self.fail_flush.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.fail_writes.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::io(
                &self.dir,
                std::io::Error::from_raw_os_error(libc::ENOSPC),
            ));
        }
        Ok(())
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

    pub(crate) fn meta(&self) -> &sled::Tree {
        &self.trees[T_META]
    }

    pub(crate) fn tree(&self, kind: Kind) -> &sled::Tree {
        &self.trees[tree_index(kind)]
    }

    /// True when no record of any kind is stored.
    pub fn is_empty(&self) -> bool {
        Kind::ALL.iter().all(|&k| self.tree(k).is_empty())
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
        self.tree(kind).len()
    }

    fn load<T: DeserializeOwned>(&self, kind: Kind) -> Result<Vec<T>> {
        load_tree(self.tree(kind), &self.dir)
    }

    /// A handle that reads every certificate request on another thread, so the
    /// dashboard can draw its first screen before 100,000 requests are decoded.
    pub fn certificate_reader(&self) -> CertificateReader {
        CertificateReader {
            tree: self.tree(Kind::Certificate).clone(),
            dir: self.dir.clone(),
        }
    }

    pub fn flush(&self) -> Result<()> {
        self.db.flush().map_err(StoreError::from)?;
        Ok(())
    }
}

impl Drop for Store {
    /// A clean close: flush, close sled, wait for its threads to let go of the
    /// files, then seal them.
    fn drop(&mut self) {
        let _ = self.db.flush();
        // SAFETY: neither field is used after this point, and Drop runs once.
        unsafe {
            std::mem::ManuallyDrop::drop(&mut self.trees);
            std::mem::ManuallyDrop::drop(&mut self.db);
        }
        let sled_dir = self.dir.join(SLED_DIR);
        if wait_for_sled_release(&sled_dir)
            && let Err(e) = seal::write(&self.dir, &sled_dir)
        {
            tracing::warn!("could not seal {}: {e}", self.dir.display());
        }
    }
}

/// sled holds a lock on its file until its last thread has finished with it.
fn wait_for_sled_release(sled_dir: &Path) -> bool {
    let Ok(file) = File::open(sled_dir.join("db")) else {
        return false;
    };
    for _ in 0..300 {
        if file.try_lock().is_ok() {
            let _ = file.unlock();
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
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

fn open_sled(dir: &Path) -> Result<sled::Db> {
    let path = dir.join(SLED_DIR);
    let config = sled::Config::new()
        .path(&path)
        // Every change is flushed explicitly; no background flusher waking up.
        .flush_every_ms(None)
        .cache_capacity(2 * 1024 * 1024);
    // Our lock file is held, so a busy sled lock can only be this process's
    // previous handle, whose background threads release it a moment after drop.
    let mut attempts = 0;
    let opened = loop {
        // sled panics on some kinds of damage instead of returning an error.
        let result = crate::panics::quietly(|| config.open());
        let busy = matches!(&result, Ok(Err(sled::Error::Io(e))) if e.to_string().contains("could not acquire lock"));
        if !busy || attempts == 200 {
            break result;
        }
        attempts += 1;
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    match opened {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(sled::Error::Io(e))) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(StoreError::io(path, e))
        }
        Ok(Err(e)) => Err(damaged(dir, e)),
        Err(_) => Err(damaged(dir, "the storage engine could not read it")),
    }
}

/// The login name of the person running ocsae, for the history.
pub fn system_user() -> String {
    whoami::username().unwrap_or_else(|_| "unknown".to_string())
}

#[cfg(test)]
mod tests;
