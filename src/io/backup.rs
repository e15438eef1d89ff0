//! `ocsae backup` / `ocsae restore`: the store as one versioned JSON document.

use super::IoError;
use super::output::write_output;
use crate::store::{Dump, Store};
use chrono::{DateTime, Utc};
use std::path::Path;

/// Writes the whole store to `path` (through a temporary file and a rename), never
/// inside `store_dir`, the store's directory.
pub fn backup(
    store: &dyn Store,
    store_dir: Option<&Path>,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<Dump, IoError> {
    super::output::check_target(path, store_dir)?;
    let dump = store.dump(now).map_err(IoError::Store)?;
    let mut bytes = serde_json::to_vec(&dump).map_err(|e| IoError::File {
        path: path.into(),
        detail: e.to_string(),
    })?;
    bytes.push(b'\n');
    write_output(Some(path), &bytes, store_dir)?;
    Ok(dump)
}

/// Reads and checks a backup file; nothing is written. Only a regular file is read:
/// a FIFO or a device would block the command or feed it without end.
pub fn read(path: &Path) -> Result<Dump, IoError> {
    let bytes = super::input_file::read_bounded(path, u64::MAX >> 20)?;
    serde_json::from_slice(&bytes).map_err(|source| IoError::Json {
        path: path.into(),
        source,
    })
}
