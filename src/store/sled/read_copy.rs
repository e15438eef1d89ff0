//! Reading a store on a full disk. sled writes as it opens after a session that
//! could not let it settle (one that ended on a full disk); when the disk refuses
//! that, a command that only reads reads a copy in the system's temporary
//! directory instead. The store's lock is taken before the first try and held
//! until the copy is closed, so the store stays as copied and no other process
//! starts on it in between.
//!
//! A copy is named with the process's id (`ocsae-read-<pid>-XXXXXX`): one left
//! by a process killed meanwhile (kill -9, Ctrl-C) is removed at the next start.

use super::engine::SLED_DIR;
use super::lock::{DirLock, StoreLock};
use super::{SledStore, recovery};
use crate::store::{Result, StoreError};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What a store read from a copy holds until it is closed.
pub(super) struct Scratch {
    _origin: StoreLock,
    _copy: tempfile::TempDir,
}

/// The files a copy needs: the database, and what vouches for it.
const COPIED: [&str; 3] = ["seal", "acknowledged", "schema-version"];

const PREFIX: &str = "ocsae-read-";

#[cfg(test)]
pub(super) type Hook = Option<Box<dyn Fn(&Path)>>;

#[cfg(test)]
thread_local! {
    /// Set by the unit tests: the open in place fails for want of room, and this
    /// runs there, before the copy.
    pub(super) static AT_FULL_DISK: std::cell::RefCell<Hook> = const { std::cell::RefCell::new(None) };
}

impl SledStore {
    /// Opens an existing store to read it, never to change it. If opening it in
    /// place needs room the disk does not have, a copy is read instead.
    pub fn open_to_read(dir: &Path) -> Result<SledStore> {
        remove_stale_copies(&std::env::temp_dir());
        let held = DirLock::take(dir)?;
        let in_place = SledStore::open_locked(dir, &held);
        #[cfg(test)]
        let in_place = match AT_FULL_DISK.with(|hook| hook.borrow().is_some()) {
            true => in_place.and_then(|store| {
                drop(store);
                Err(StoreError::io(
                    dir,
                    std::io::Error::from_raw_os_error(libc::ENOSPC),
                ))
            }),
            false => in_place,
        };
        match in_place {
            Err(e) if e.disk_full() && SledStore::exists(dir) => {
                #[cfg(test)]
                AT_FULL_DISK.with(|hook| hook.borrow().as_ref().map(|f| f(dir)));
                SledStore::open_copy(dir, held).map_err(|copy| {
                    tracing::warn!("could not read a copy either: {copy}");
                    e
                })
            }
            other => other,
        }
    }

    fn open_copy(dir: &Path, held: DirLock) -> Result<SledStore> {
        let origin = StoreLock::sharing(&held, dir)?;
        drop(held);
        let copy = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| StoreError::io(std::env::temp_dir(), e))?;
        let copied = recovery::copy_tree(&dir.join(SLED_DIR), &copy.path().join(SLED_DIR)).and_then(|()| {
            for name in COPIED {
                match std::fs::copy(dir.join(name), copy.path().join(name)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
            Ok(())
        });
        copied.map_err(|e| StoreError::io(copy.path(), e))?;
        let mut store = SledStore::open(copy.path())?;
        tracing::info!(
            "the disk is full: reading a copy of {} in {}",
            dir.display(),
            copy.path().display()
        );
        store.scratch = Some(Scratch {
            _origin: origin,
            _copy: copy,
        });
        Ok(store)
    }
}

/// Removes the copies in `tmp` that processes of this user left when they were
/// killed: a directory `ocsae-read-<pid>-…` of ours whose process is gone.
pub(super) fn remove_stale_copies(tmp: &Path) {
    let Ok(entries) = fs::read_dir(tmp) else {
        return;
    };
    // SAFETY: geteuid only reads the process's effective user id.
    let me = unsafe { libc::geteuid() };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
        else {
            continue;
        };
        // Never a link, never another user's: the temporary directory is shared.
        let ours = entry
            .path()
            .symlink_metadata()
            .is_ok_and(|m| m.is_dir() && m.uid() == me);
        if ours && pid > 0 && !alive(pid) {
            tracing::info!(
                "removing {}, left by a process that has gone",
                entry.path().display()
            );
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id is running (or cannot be asked: then it may be).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let found = unsafe { libc::kill(pid, 0) };
    found == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}
