//! Reading a store on a full disk. sled writes as it opens after a session that
//! could not let it settle (one that ended on a full disk); when the disk refuses
//! that, a command that only reads reads a copy in the system's temporary
//! directory instead, holding the store's lock meanwhile so that it stays as copied.

use super::engine::SLED_DIR;
use super::lock::StoreLock;
use super::{SledStore, recovery};
use crate::store::{Result, StoreError};
use std::path::Path;

/// What a store read from a copy holds until it is closed.
pub(super) struct Scratch {
    _origin: StoreLock,
    _copy: tempfile::TempDir,
}

/// The files a copy needs: the database, and what vouches for it.
const COPIED: [&str; 3] = ["seal", "acknowledged", "schema-version"];

impl SledStore {
    /// Opens an existing store to read it, never to change it. If opening it in
    /// place needs room the disk does not have, a copy is read instead.
    pub fn open_to_read(dir: &Path) -> Result<SledStore> {
        match SledStore::open(dir) {
            Err(e) if e.disk_full() && SledStore::exists(dir) => SledStore::open_copy(dir).map_err(|copy| {
                tracing::warn!("could not read a copy either: {copy}");
                e
            }),
            other => other,
        }
    }

    fn open_copy(dir: &Path) -> Result<SledStore> {
        let origin = StoreLock::take(dir)?;
        let copy = tempfile::Builder::new()
            .prefix("ocsae-read-")
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
