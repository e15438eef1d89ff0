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
    _origin: Origin,
    _copy: tempfile::TempDir,
}

/// The lock on the store that was copied: the store's own, or, for a store that
/// may only be read, its directory's alone.
enum Origin {
    Store(#[allow(dead_code)] StoreLock),
    Dir(#[allow(dead_code)] DirLock),
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

    /// Opens a copy of the store in `dir`, made in a private temporary directory
    /// (removed when the store is closed): the store itself is only read, so a
    /// directory its reader may not write to is enough, and nothing in it changes.
    /// Its directory stays locked meanwhile, so no writer starts on it.
    /// Nothing in it is reached through a link (see `copy_apart`): its owner may
    /// be another user, who could point one at what only this one may read.
    pub fn open_copy_to_read(dir: &Path) -> Result<SledStore> {
        remove_stale_copies(&std::env::temp_dir());
        if dir.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(super::damaged(
                dir,
                format!("{} is a link, which is not followed", dir.display()),
            ));
        }
        if !SledStore::exists(dir) {
            return Err(StoreError::io(
                dir,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let held = DirLock::take(dir)?;
        SledStore::copy_and_open(dir, Origin::Dir(held), None)
    }

    fn open_copy(dir: &Path, held: DirLock) -> Result<SledStore> {
        let origin = StoreLock::sharing(&held, dir)?;
        drop(held);
        SledStore::copy_and_open(dir, Origin::Store(origin), Some(recovery::copy_tree))
    }

    /// `copy_tree` copies a store of ours (its files linked where it can); None:
    /// another's, copied whole without following any link (`copy_apart`).
    fn copy_and_open(
        dir: &Path,
        origin: Origin,
        copy_tree: Option<fn(&Path, &Path) -> std::io::Result<()>>,
    ) -> Result<SledStore> {
        let copy = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| StoreError::io(std::env::temp_dir(), e))?;
        let Some(copy_tree) = copy_tree else {
            super::copy_apart::copy_store(dir, SLED_DIR, &COPIED, copy.path()).map_err(|e| {
                match e.kind() {
                    std::io::ErrorKind::InvalidData => super::damaged(dir, e),
                    _ => StoreError::io(dir, e),
                }
            })?;
            return SledStore::open_copied(dir, copy, origin);
        };
        let copied = copy_tree(&dir.join(SLED_DIR), &copy.path().join(SLED_DIR)).and_then(|()| {
            for name in COPIED {
                let to = copy.path().join(name);
                match std::fs::copy(dir.join(name), &to) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                    Err(_) => {}
                    // The copy's own, whatever the store's mode.
                    Ok(_) => {
                        std::fs::set_permissions(&to, std::os::unix::fs::PermissionsExt::from_mode(0o600))?
                    }
                }
            }
            Ok(())
        });
        copied.map_err(|e| StoreError::io(copy.path(), e))?;
        SledStore::open_copied(dir, copy, origin)
    }

    fn open_copied(dir: &Path, copy: tempfile::TempDir, origin: Origin) -> Result<SledStore> {
        let mut store = SledStore::open(copy.path())?;
        tracing::info!("reading a copy of {} in {}", dir.display(), copy.path().display());
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
