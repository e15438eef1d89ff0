//! sled itself: opening it, knowing when it has let go of its files, and the
//! leftovers of its writes that failed.

use super::{Kind, Result, StoreError, damaged, keys, location, plain};
use crate::store::is_disk_full;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub(super) const SLED_DIR: &str = "sled";

/// How long closing sled may take after one of its writes failed.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

/// An open database and its trees, in `T_*` order, the kinds' trees last. The
/// trees are declared first, so they are dropped before the database.
pub(super) struct Engine {
    pub(super) trees: Vec<sled::Tree>,
    /// The records of large runs as written, and each run's header (see `bulk`).
    pub(super) bulk: sled::Tree,
    pub(super) db: sled::Db,
}

impl Engine {
    pub(super) fn new(db: sled::Db, dir: &Path) -> Result<Engine> {
        let tree = |name: &str| db.open_tree(name).map_err(|e| damaged(dir, plain(&e)));
        let mut trees = vec![tree("meta")?, tree("history")?, tree("history_index")?];
        for kind in Kind::ALL {
            trees.push(tree(keys::tree_name(kind))?);
        }
        let bulk = tree("bulk")?;
        Ok(Engine { trees, bulk, db })
    }
}

/// Closes an engine: drops this last handle and so sled's trees, each of which
/// flushes as it goes. If one of sled's writes failed (`after_failure`) that can
/// wait forever: sled 0.34 counts a writer in its log buffer before writing a blob
/// and never uncounts it if that write fails (a full disk), so the buffer is never
/// written and every later flush waits for it, with no error ever raised. The drop
/// then runs on a thread of its own, waited for `CLOSE_WAIT` at most; false if it
/// did not end: that sled will never write again, and holds its files until the
/// process exits.
pub(super) fn close(engine: Arc<Engine>, after_failure: bool) -> bool {
    if !after_failure {
        drop(engine);
        return true;
    }
    // Handed over once the thread runs: if it cannot start, the engine stays here,
    // and is left as it is rather than dropped on this thread.
    let (give, take) = std::sync::mpsc::channel::<Arc<Engine>>();
    let (done, closed) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("ocsae-close".into())
        .spawn(move || {
            if let Ok(engine) = take.recv() {
                drop(engine);
                let _ = done.send(());
            }
        });
    if let Err(e) = spawned {
        tracing::error!("could not start a thread to close the database: {e}");
        std::mem::forget(engine);
        return false;
    }
    if let Err(e) = give.send(engine) {
        std::mem::forget(e.0);
        return false;
    }
    closed.recv_timeout(CLOSE_WAIT).is_ok()
}

pub(super) fn open_sled(dir: &Path) -> Result<sled::Db> {
    let path = dir.join(SLED_DIR);
    remove_abandoned_snapshots(&path);
    let config = sled::Config::new()
        .path(&path)
        // Every change is flushed explicitly; no background flusher waking up.
        .flush_every_ms(None)
        .cache_capacity(2 * 1024 * 1024);
    // Our lock is held, so a busy sled lock can only be this process's previous
    // handle, whose background threads release it a moment after drop.
    let mut attempts = 0;
    let opened = loop {
        // sled panics on some kinds of damage instead of returning an error.
        let result = super::quiet::quietly(|| config.open());
        let busy = matches!(&result, Ok(Err(sled::Error::Io(e))) if e.to_string().contains("could not acquire lock"));
        if !busy {
            break result;
        }
        if attempts == 200 {
            // Another program has the files: in use, never damaged.
            return Err(StoreError::InUse(location(dir)));
        }
        attempts += 1;
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    match opened {
        Ok(Ok(db)) => Ok(db),
        // sled writes as it opens (it zeroes the end of its log and writes a
        // snapshot): a full disk stops that, and says nothing about the data.
        Ok(Err(sled::Error::Io(e)))
            if e.kind() == std::io::ErrorKind::PermissionDenied || is_disk_full(&e) =>
        {
            remove_abandoned_snapshots(&path);
            Err(StoreError::io(path, e))
        }
        Ok(Err(e)) => Err(damaged(dir, plain(&e))),
        Err(_) => Err(damaged(dir, "the storage engine could not read it")),
    }
}

/// sled writes a snapshot as `snap.N.generating` and renames it when done; one left
/// by a failed write would be read as the newest snapshot, and refused as corrupt.
pub(super) fn remove_abandoned_snapshots(sled_dir: &Path) {
    let Ok(entries) = fs::read_dir(sled_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The blob files sled holds beside its log (one per large value).
pub(super) fn blobs(sled_dir: &Path) -> BTreeSet<OsString> {
    fs::read_dir(sled_dir.join("blobs"))
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

/// The blobs in `after` that were not in `before`, as paths.
pub(super) fn new_blobs(sled_dir: &Path, before: &BTreeSet<OsString>) -> Vec<PathBuf> {
    blobs(sled_dir)
        .difference(before)
        .map(|name| sled_dir.join("blobs").join(name))
        .collect()
}

/// Waits until no handle (ours being dropped, or another program's) holds sled's
/// file lock; false if it is still held after about three seconds, or there is no file.
pub(super) fn wait_for_sled_release(sled_dir: &Path) -> bool {
    // Never a plain open: a FIFO there would make it wait for ever.
    let Ok(file) = super::seal::open_regular(&sled_dir.join("db")) else {
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

/// True if some handle holds sled's file lock right now, waiting a moment for one of
/// this process's own to let go.
pub(super) fn sled_busy(sled_dir: &Path) -> bool {
    sled_dir.join("db").exists() && !wait_for_sled_release(sled_dir)
}
