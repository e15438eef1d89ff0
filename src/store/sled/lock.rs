//! One process at a time per store. The lock is taken on the store directory
//! itself: a file can be unlinked while it is held (and a second process would
//! then lock a new file of the same name), the directory the store lives in cannot.
//! `ocsae.lock` is locked as well, which is all that older builds look at.

use crate::store::{Result, StoreError};
use std::fs::{self, File};
use std::path::Path;

const LOCK_FILE: &str = "ocsae.lock";

/// Held for the life of a store.
pub(super) struct StoreLock {
    _dir: File,
    _file: File,
}

impl StoreLock {
    /// Takes both locks; `InUse` if another handle holds either.
    pub(super) fn take(dir: &Path) -> Result<StoreLock> {
        // Read-only is enough for flock, and works in a store one may only read.
        let dir_handle = File::open(dir).map_err(|e| StoreError::io(dir, e))?;
        try_lock(&dir_handle, dir, dir)?;
        let path = dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        try_lock(&file, &path, dir)?;
        Ok(StoreLock {
            _dir: dir_handle,
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
