//! The sled backend: the only user of sled and of the codec.
//!
//! A store is a directory, private to its user (0700, files 0600):
//! `ocsae.lock` (locked, with the directory itself, while open), `seal` (see
//! `seal`), `schema-version` (read before sled is touched, so a newer store is
//! refused without a single write), `acknowledged` (see `recovery`), `sled/`, and
//! `backups/` (taken before migrations).

mod abandon;
mod authors;
mod backend;
mod backup;
mod bulk;
pub(crate) mod codec;
mod commit;
mod copy_apart;
mod damaged;
mod deferred;
mod engine;
mod first_screen;
mod history;
mod history_index;
mod import;
mod keys;
mod legacy;
mod lock;
mod pending;
mod private;
pub mod quiet;
mod read_copy;
mod recovery;
mod regular;
mod requests_file;
mod restore_stream;
pub mod schema;
mod seal;
mod stacks;

use super::{Kind, Location, Record, Result, StoreError};
use engine::{Engine, SLED_DIR, open_sled, wait_for_sled_release};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, RwLock};

/// Indexes of the trees in a transaction, in `Engine::trees` order; the kinds'
/// trees follow, in `Kind::ALL` order.
const T_META: usize = 0;
const T_HISTORY: usize = 1;
/// Which history entries touched each record: kind, key length, key, sequence.
const T_HISTORY_INDEX: usize = 2;
const T_KINDS: usize = 3;

fn tree_index(kind: Kind) -> usize {
    T_KINDS + kind.index()
}

pub struct SledStore {
    dir: PathBuf,
    location: Location,
    /// None only after sled was closed to recover from a write error and could
    /// not be opened again yet (`retry` tries again).
    engine: RwLock<Option<Arc<Engine>>>,
    user: String,
    /// The unit tests' full disk: every flush fails (see `simulate_full_disk_at_flush`).
    #[cfg(test)]
    flush_fails: AtomicBool,
    /// The errno of the write sled failed, 0 if none. sled 0.34 then refuses every
    /// later write until it is reopened, and its memory may hold half a transaction.
    broken: AtomicI32,
    /// Changes applied in sled's memory that never reached the disk, oldest first.
    pending: Mutex<Vec<pending::Pending>>,
    /// Why they did not: the error of the flush that failed.
    write_error: Mutex<Option<StoreError>>,
    /// Blobs written by transactions that failed: nothing refers to them.
    orphans: Mutex<Vec<PathBuf>>,
    /// The blobs there were at the last flush that worked: one written since by a
    /// change that never reached the disk may or may not be referred to by what did.
    durable_blobs: Mutex<BTreeSet<OsString>>,
    /// sled could not be closed after a write failed (see `engine::close`): it will
    /// write nothing more, and cannot be opened again in this process.
    stalled: AtomicBool,
    /// The room a retry found too little, after it failed for want of it (0 if none).
    room_failed: AtomicU64,
    /// Something was written since the store was opened.
    wrote: AtomicBool,
    /// The requests' tree may differ from the one the store opened with: set
    /// before anything that may write to it, and by every flush but a change's
    /// known to leave it alone (see `commit`). Without it, the close binds the
    /// requests file to its new seal rather than dropping it.
    requests_written: AtomicBool,
    /// The close keeps the requests file: the dashboard's, or after a large
    /// import (a command's close otherwise never reads the whole tree).
    keeps_requests: AtomicBool,
    /// The checksum of the seal the store was opened with, if it was sealed.
    opened_seal: Option<u32>,
    /// One change at a time in this process: ids and sequence numbers are read
    /// and advanced within it.
    writing: Mutex<()>,
    // Held for the life of the store: a second process gets `InUse`.
    _lock: lock::StoreLock,
    /// For a store read from a copy (see `read_copy`): removed last.
    scratch: Option<read_copy::Scratch>,
}

/// How to open a store; tests set the user, and the migrations to run.
pub struct OpenOptions<'a> {
    /// The author of this session's changes; the system user if None.
    pub user: Option<String>,
    pub migrations: &'a [schema::Migration],
    /// The dashboard's: its close keeps the requests file for the next one.
    pub keeps_requests: bool,
}

impl Default for OpenOptions<'_> {
    fn default() -> Self {
        OpenOptions {
            user: None,
            migrations: schema::MIGRATIONS,
            keeps_requests: false,
        }
    }
}

impl SledStore {
    /// True if `dir` holds a store (possibly empty).
    pub fn exists(dir: &Path) -> bool {
        dir.join(SLED_DIR).is_dir()
    }

    /// Opens the store in `dir`, creating it if absent. Refuses a store in use,
    /// of a newer schema, or damaged, without writing to it.
    pub fn open(dir: &Path) -> Result<SledStore> {
        SledStore::open_with(dir, OpenOptions::default())
    }

    /// `open`, as another user or with other migrations (for tests).
    #[doc(hidden)]
    pub fn open_with(dir: &Path, options: OpenOptions) -> Result<SledStore> {
        super::private_umask();
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| StoreError::io(dir, e))?;
        private::secure(dir)?;
        let lock = lock::StoreLock::take(dir)?;
        SledStore::open_held(dir, lock, options)
    }

    /// Locks the directory `dir` (which must exist) without opening a store in it:
    /// for a restore, which holds it from its first look to its last removal.
    pub fn lock_dir(dir: &Path) -> Result<DirLock> {
        DirLock::take(dir)
    }

    /// `open`, in a directory this process has locked already with `held`.
    pub fn open_locked(dir: &Path, held: &DirLock) -> Result<SledStore> {
        super::private_umask();
        private::secure(dir)?;
        let lock = lock::StoreLock::sharing(held, dir)?;
        SledStore::open_held(dir, lock, OpenOptions::default())
    }

    fn open_held(dir: &Path, lock: lock::StoreLock, options: OpenOptions) -> Result<SledStore> {
        regular::check(dir)?;
        if let Some(found) = schema::read_version_file(dir)?
            && found > schema::CURRENT
        {
            return Err(StoreError::NewerSchema {
                location: location(dir),
                found,
                supported: schema::CURRENT,
            });
        }
        let sled_dir = dir.join(SLED_DIR);
        // A program that does not take our lock (an older ocsae whose lock file was
        // deleted) may have sled open: nothing is touched then.
        if engine::sled_busy(&sled_dir) {
            return Err(StoreError::InUse(location(dir)));
        }
        tracing::debug!("checking the seal");
        let sealed = seal::check(dir, &sled_dir)?;
        tracing::debug!(sealed, "seal checked");
        // The seal the requests file may be bound to, for a close that writes nothing.
        let opened_seal = sealed.then(|| seal::quick_check(dir, &sled_dir)).flatten();
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
                match quiet::quietly(|| recovery::read_everything(&db)) {
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
                    let _ = seal::write(dir, &sled_dir, &[]);
                }
                return Err(e);
            }
        };
        tracing::debug!("sled open");
        let store = SledStore {
            dir: dir.to_path_buf(),
            location: Location::dir(dir),
            engine: RwLock::new(Some(Arc::new(Engine::new(db, dir)?))),
            user: options.user.unwrap_or_else(system_user),
            #[cfg(test)]
            flush_fails: AtomicBool::new(false),
            broken: AtomicI32::new(0),
            pending: Mutex::new(Vec::new()),
            write_error: Mutex::new(None),
            orphans: Mutex::new(Vec::new()),
            durable_blobs: Mutex::new(engine::blobs(&sled_dir)),
            stalled: AtomicBool::new(false),
            room_failed: AtomicU64::new(0),
            wrote: AtomicBool::new(false),
            requests_written: AtomicBool::new(false),
            keeps_requests: AtomicBool::new(options.keeps_requests),
            opened_seal,
            writing: Mutex::new(()),
            _lock: lock,
            scratch: None,
        };
        tracing::debug!("trees open");
        store.finish_interrupted()?;
        schema::check_and_migrate(&store, options.migrations)?;
        tracing::debug!("store ready");
        Ok(store)
    }

    /// Makes every later flush fail as a disk that filled up mid-change would. As
    /// with sled, the first failure breaks the engine: every later change fails,
    /// even once this is off, until `retry` reopens it; while it is on, sled is
    /// not reopened either.
    ///
    /// A hook inside the backend, compiled into its unit tests only: it stands for
    /// sled's own state (a failed flush leaves sled refusing writes and holding
    /// changes that must be applied again after reopening), which no wrapper
    /// around the `Store` trait can reach. The app's tests use such a wrapper.
    #[cfg(test)]
    fn simulate_full_disk_at_flush(&self, on: bool) {
        self.flush_fails.store(on, SeqCst);
    }

    #[cfg(test)]
    fn disk_full_simulated(&self) -> bool {
        self.flush_fails.load(SeqCst)
    }

    #[cfg(not(test))]
    fn disk_full_simulated(&self) -> bool {
        false
    }

    /// Refuses a change the disk cannot take, or one sled would refuse.
    fn check_writable(&self) -> Result<()> {
        if self.stalled.load(SeqCst) {
            return Err(StoreError::Stalled(location(&self.dir)));
        }
        match self.broken.load(SeqCst) {
            0 if !self.is_open() => Err(self.closed()),
            0 => Ok(()),
            errno => Err(StoreError::io(
                &self.dir,
                std::io::Error::from_raw_os_error(errno),
            )),
        }
    }

    fn is_open(&self) -> bool {
        self.engine.read().is_ok_and(|e| e.is_some())
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

    fn engine(&self) -> Result<Arc<Engine>> {
        self.engine
            .read()
            .ok()
            .and_then(|engine| engine.clone())
            .ok_or_else(|| self.closed())
    }

    pub(crate) fn meta(&self) -> Result<sled::Tree> {
        Ok(self.engine()?.trees[T_META].clone())
    }

    pub(crate) fn tree(&self, kind: Kind) -> Result<sled::Tree> {
        Ok(self.engine()?.trees[tree_index(kind)].clone())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The records of `kind`'s tree, in key order, decoded one at a time.
    pub(super) fn scan(&self, kind: Kind) -> Result<impl Iterator<Item = Result<Record>> + '_> {
        Ok(self.tree(kind)?.iter().map(move |item| {
            let (_, value) = item.map_err(|e| damaged(&self.dir, plain(&e)))?;
            keys::decode_value(kind, &value).map_err(|e| damaged(&self.dir, e))
        }))
    }

    /// Writes what sled holds in memory to disk. A failure breaks the engine, as
    /// it does sled's: nothing more is written until `retry` reopens it. Whatever
    /// was written, the requests count as written.
    fn flush(&self) -> Result<()> {
        self.requests_written.store(true, SeqCst);
        self.flush_change()
    }

    /// `flush`, for a change that said before it wrote whether it wrote requests
    /// (`requests_written`).
    fn flush_change(&self) -> Result<()> {
        self.wrote.store(true, SeqCst);
        let flushed = match self.disk_full_simulated() {
            true => Err(StoreError::io(
                &self.dir,
                std::io::Error::from_raw_os_error(libc::ENOSPC),
            )),
            false => self.engine()?.db.flush().map(|_| ()).map_err(backend_error),
        };
        if let Err(e) = &flushed {
            self.mark_broken(e);
        }
        flushed
    }
}

impl Drop for SledStore {
    /// A clean close: flush, close sled, wait for its threads to let go of the
    /// files, let sled settle what it wrote, then seal the files.
    fn drop(&mut self) {
        let sled_dir = self.dir.join(SLED_DIR);
        let engine = self.engine.get_mut().ok().and_then(Option::take);
        let failed = self.broken.load(SeqCst) != 0;
        let Some(engine) = engine else {
            match self.stalled.load(SeqCst) {
                true => self.seal_as_left(),
                // sled could not be reopened after a write error: the next open checks everything.
                false => self.remove_orphans(),
            }
            return;
        };
        if !failed {
            let _ = engine.db.flush();
        }
        // Read while sled is open; written beside the seal once it is on.
        let screen = match failed {
            true => None,
            false => first_screen::of(&engine),
        };
        // No request written, and the file kept at the last close is of the seal
        // the store opened with: it still holds the requests.
        let unchanged = !failed
            && !self.requests_written.load(SeqCst)
            && self.opened_seal.is_some()
            && requests_file::bound_to(&self.dir) == self.opened_seal;
        let requests = match (failed, unchanged) {
            (true, _) => {
                requests_file::remove(&self.dir);
                None
            }
            (false, true) => None,
            (false, false) if self.keeps_requests.load(SeqCst) => self.requests_of(&engine),
            (false, false) => None,
        };
        let unsaved = self.pending.lock().map_or(0, |p| p.len());
        if unsaved > 0 {
            tracing::warn!(changes = unsaved, "closing with changes not on disk");
        }
        if !engine::close(engine, failed) {
            self.stall();
            self.seal_as_left();
            return;
        }
        if !wait_for_sled_release(&sled_dir) {
            return;
        }
        self.remove_orphans();
        let settled = self.wrote.load(SeqCst) && settle(&self.dir);
        // Once sled has opened them again, the blobs left are the ones it keeps.
        let unsure = match settled || !failed {
            true => Vec::new(),
            false => self.unsure_blobs(),
        };
        match seal::write(&self.dir, &sled_dir, &unsure) {
            Ok(seal_crc) => {
                if let Some(screen) = screen.filter(|_| unsure.is_empty())
                    && let Err(e) = first_screen::write(&self.dir, &screen, seal_crc)
                {
                    tracing::warn!("could not keep the first screen of {}: {e}", self.dir.display());
                }
                match requests {
                    Some(requests) if unsure.is_empty() => {
                        if let Err(e) = requests.finish(&self.dir, seal_crc) {
                            tracing::warn!("could not keep the requests of {}: {e}", self.dir.display());
                        }
                    }
                    None if unchanged && unsure.is_empty() => match self.opened_seal {
                        Some(opened) => requests_file::rebind(&self.dir, opened, seal_crc),
                        None => requests_file::remove(&self.dir),
                    },
                    _ => requests_file::remove(&self.dir),
                }
            }
            Err(e) => tracing::warn!("could not seal {}: {e}", self.dir.display()),
        }
    }
}

impl SledStore {
    /// The close keeps the requests file (see `keeps_requests`).
    pub(super) fn keep_requests(&self) {
        self.keeps_requests.store(true, SeqCst);
    }

    /// The requests written into a temporary file while sled is open; None if not.
    fn requests_of(&self, engine: &Engine) -> Option<requests_file::Pending> {
        let tree = &engine.trees[tree_index(Kind::Certificate)];
        requests_file::start(&self.dir, tree.iter().values())
            .inspect_err(|e| tracing::warn!("could not keep the requests of {}: {e}", self.dir.display()))
            .ok()
    }
}

impl SledStore {
    /// sled could not be closed: it waits for a write that will never come, and
    /// holds its files until the process exits. Said on stderr at exit (`stalled`).
    fn stall(&self) {
        self.stalled.store(true, SeqCst);
        tracing::error!(
            "{}: the database could not be closed after a failed write; it is sealed as it was left",
            self.dir.display()
        );
        if let Ok(mut stalled) = STALLED.lock() {
            stalled.push(location(&self.dir));
        }
    }

    /// Seals the files of a sled that could not be closed. It writes nothing more:
    /// the buffer it waits for can never be written. What the disk holds is what a
    /// crash would leave, which sled's next open reads as after one (a transaction
    /// cut short is dropped whole); the blobs of the failed transactions go (they
    /// were for that buffer), and those of changes never flushed are not vouched for.
    fn seal_as_left(&self) {
        self.remove_orphans();
        let unsure = self.unsure_blobs();
        if let Err(e) = seal::write(&self.dir, &self.dir.join(SLED_DIR), &unsure) {
            tracing::warn!("could not seal {}: {e}", self.dir.display());
        }
    }

    /// The blobs written since the last flush that worked.
    fn unsure_blobs(&self) -> Vec<PathBuf> {
        match self.durable_blobs.lock() {
            Ok(durable) => engine::new_blobs(&self.dir.join(SLED_DIR), &durable),
            Err(_) => Vec::new(),
        }
    }
}

pub use damaged::SetAside;
pub use lock::DirLock;
pub use private::take_warnings;

/// The stores of this process whose database could not be closed (see `SledStore::stall`).
static STALLED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The stores whose database could not be closed in this process, for a last message.
pub fn stalled() -> Vec<String> {
    STALLED.lock().map(|s| s.clone()).unwrap_or_default()
}

/// Opens and closes sled once more. sled writes as it opens after a session that
/// changed something (it zeroes the end of its log, writes a snapshot, drops blobs
/// no change refers to); done now, the next open has nothing to write, so reading
/// the store works on a full disk.
fn settle(dir: &Path) -> bool {
    match open_sled(dir) {
        Ok(db) => {
            drop(db);
            wait_for_sled_release(&dir.join(SLED_DIR))
        }
        Err(e) => {
            tracing::warn!("could not settle {}: {e}", dir.display());
            false
        }
    }
}

/// The newest history sequence number in an open database, 0 for none.
fn last_seq_in(db: &sled::Db) -> u64 {
    let next: u64 = match db.open_tree("meta").and_then(|m| m.get(commit::SEQ_KEY)) {
        Ok(Some(bytes)) => codec::decode(&bytes).unwrap_or(1),
        _ => 1,
    };
    next.saturating_sub(1)
}

/// How messages name a store in a directory.
fn location(dir: &Path) -> String {
    dir.display().to_string()
}

fn damaged(dir: &Path, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Damaged {
        location: location(dir),
        detail: detail.to_string(),
    }
}

/// sled's error in plain words: its own text for damage is a debug dump
/// ("Read corrupted data at file offset Some(Inline(571)) backtrace ()").
fn plain(e: &sled::Error) -> String {
    match e {
        sled::Error::Corruption {
            at: Some(sled::DiskPtr::Inline(offset)),
            ..
        } => format!("unreadable data at byte {offset} of the database file"),
        sled::Error::Corruption {
            at: Some(sled::DiskPtr::Blob(_, blob)),
            ..
        } => format!("unreadable data in the file blobs/{blob}"),
        sled::Error::Corruption { .. } => "unreadable data in the database file".to_string(),
        sled::Error::Io(io) => io.to_string(),
        sled::Error::CollectionNotFound(_) => "a table of the database is missing".to_string(),
        sled::Error::Unsupported(what) => format!("the storage engine refused: {what}"),
        sled::Error::ReportableBug(what) => format!("the storage engine failed: {what}"),
    }
}

/// sled's error as the store's: an I/O error keeps its cause, for the full disk.
fn backend_error(e: sled::Error) -> StoreError {
    let detail = plain(&e);
    let io = match e {
        sled::Error::Io(io) => Some(Arc::new(io)),
        _ => None,
    };
    StoreError::Backend { detail, io }
}

fn codec_error(e: codec::CodecError) -> StoreError {
    StoreError::Codec(e.to_string())
}

/// The login name of the person running ocsae, for the history.
pub fn system_user() -> String {
    whoami::username().unwrap_or_else(|_| "unknown".to_string())
}

#[cfg(test)]
mod tests;
