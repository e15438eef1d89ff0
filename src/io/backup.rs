//! `ocsae backup` / `ocsae restore`: the store as one versioned JSON document.

use super::IoError;
use super::output::write_output_with;
use crate::store::dump_writer::BackupCounts;
use crate::store::{Dump, Store};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::Path;

/// Writes the whole store to `path` (through a temporary file and a rename), never
/// inside `store_dir`, the store's directory. The store writes it a record at a
/// time where it can, so the backup is never held whole.
pub fn backup(
    store: &dyn Store,
    store_dir: Option<&Path>,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<BackupCounts, IoError> {
    super::output::check_target(path, store_dir)?;
    let written = write_output_with(Some(path), store_dir, |out| {
        let mut out = Tracked { out, error: None };
        match store.write_backup(now, &mut out) {
            Ok(counts) => out.write_all(b"\n").map(|()| Ok(counts)),
            // The file's own error, naming it, rather than the store's words for it.
            Err(e) => out.error.take().map_or(Ok(Err(e)), Err),
        }
    })?;
    written.map_err(IoError::Store)
}

/// The output, keeping the first error it gave (the store sees only its text).
struct Tracked<'a> {
    out: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl Write for Tracked<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.out.write(bytes).inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush().inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
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
