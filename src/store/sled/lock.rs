//! One process at a time per store. The lock is taken on the store directory
//! itself: a file can be unlinked while it is held (and a second process would
//! then lock a new file of the same name), the directory the store lives in cannot.
//! `ocsae.lock` is locked as well, which is all that older builds look at.
//!
//! A lock on the directory alone (`DirLock`) can be taken before the store is
//! opened, by a restore that must hold the directory from its first look at it to
//! its last removal: the store then shares it rather than taking its own.

use crate::store::{Result, StoreError};
use std::fs::{self, File};
use std::path::Path;

const LOCK_FILE: &str = "ocsae.lock";

/// The lock on a store's directory, held until dropped (and any store opened
/// with it is closed).
#[derive(Debug)]
pub struct DirLock {
    dir: File,
}

impl DirLock {
    /// Locks `dir`; `InUse` if another handle holds it. Creates nothing.
    pub fn take(dir: &Path) -> Result<DirLock> {
        // Read-only is enough for flock, and works in a store one may only read.
        let handle = File::open(dir).map_err(|e| StoreError::io(dir, e))?;
        try_lock(&handle, dir, dir)?;
        Ok(DirLock { dir: handle })
    }

    /// Another handle on the same lock: it is released when every one is dropped.
    fn share(&self, dir: &Path) -> Result<DirLock> {
        let handle = self.dir.try_clone().map_err(|e| StoreError::io(dir, e))?;
        Ok(DirLock { dir: handle })
    }
}

/// Held for the life of a store.
pub(super) struct StoreLock {
    _dir: DirLock,
    _file: File,
}

impl StoreLock {
    /// Takes both locks; `InUse` if another handle holds either.
    pub(super) fn take(dir: &Path) -> Result<StoreLock> {
        StoreLock::with(DirLock::take(dir)?, dir)
    }

    /// Both locks, the directory's shared with `held`.
    pub(super) fn sharing(held: &DirLock, dir: &Path) -> Result<StoreLock> {
        StoreLock::with(held.share(dir)?, dir)
    }

    fn with(dir_lock: DirLock, dir: &Path) -> Result<StoreLock> {
        let path = dir.join(LOCK_FILE);
        let file = super::regular::open_lock_file(dir, &path)?;
        try_lock(&file, &path, dir)?;
        Ok(StoreLock {
            _dir: dir_lock,
            _file: file,
        })
    }
}

fn try_lock(file: &File, path: &Path, store: &Path) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::InUse(super::location(store))),
        Err(fs::TryLockError::Error(e)) => Err(StoreError::io(path, e)),
    }
}
