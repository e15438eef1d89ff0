//! `ocsae backup` / `ocsae restore`: the store as one versioned JSON document.

use super::IoError;
use super::input_file::Tracked;
use super::output::write_output_verified;
use crate::store::Store;
use crate::store::dump::RestoreError;
use crate::store::dump_check::{Checked, Checker, Rules};
use crate::store::dump_reader::{self, DumpSink, DumpSource, ReadError};
use crate::store::dump_writer::BackupCounts;
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::Path;

/// Writes the whole store to `path` (through a temporary file and a rename), never
/// inside `store_dir`, the store's directory. The store writes it a record at a
/// time where it can, so the backup is never held whole.
/// `verify` reads the file written before it replaces the one at `path`.
pub fn backup(
    store: &dyn Store,
    store_dir: Option<&Path>,
    path: &Path,
    now: DateTime<Utc>,
    configured_holidays: &[chrono::NaiveDate],
    verify: impl FnOnce(&Path) -> Result<(), IoError>,
) -> Result<BackupCounts, IoError> {
    super::output::check_target(path, store_dir)?;
    let mut failed = None;
    let written = write_output_verified(
        Some(path),
        store_dir,
        |out| {
            let mut out = Written { out, error: None };
            match store.write_backup_with(now, &mut out, configured_holidays) {
                Ok(counts) => out.write_all(b"\n").map(|()| counts),
                // The file's own error, naming it, rather than the store's words for
                // it; else the store's. An error either way: the file half written is
                // removed, never put in place of the one there.
                Err(e) => Err(out.error.take().unwrap_or_else(|| {
                    failed = Some(e);
                    std::io::Error::other("the store stopped the backup")
                })),
            }
        },
        verify,
    );
    match failed {
        Some(e) => Err(IoError::Store(e)),
        None => written,
    }
}

/// The output, keeping the first error it gave (the store sees only its text).
struct Written<'a> {
    out: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl Write for Written<'_> {
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

/// A backup file checked through without holding it, to be written by a store
/// reading it a second time (`load`): the same bytes, or nothing is kept.
pub struct BackupFile {
    path: std::path::PathBuf,
    file: std::fs::File,
    sum: (u64, u32),
    /// The sharing as the file says it (`checked`'s may be the configuration's).
    sharing: Option<crate::store::Sharing>,
    pub checked: Checked,
}

/// Why a backup file is not restored: the file itself, or what it holds.
#[derive(Debug)]
pub enum Unreadable {
    File(IoError),
    Refused(RestoreError),
}

/// A reading's error as the file's (its line, a refusal) or the sink's.
fn read_error(path: &Path, e: ReadError) -> Unreadable {
    match e {
        ReadError::Sink(e) => Unreadable::Refused(RestoreError::Store(e)),
        ReadError::Json(e) if e.is_io() => {
            let e: std::io::Error = e.into();
            Unreadable::File(match super::input_file::refusal(&e) {
                Some(refusal) => refusal.into(),
                None => IoError::Io {
                    path: path.into(),
                    source: e,
                },
            })
        }
        ReadError::Json(source) => Unreadable::File(IoError::Json {
            path: path.into(),
            source,
        }),
    }
}

impl BackupFile {
    /// The first pass: reads `path` through and checks it all (the format, the
    /// schema if `schemas` says which the store reads, what ocsae never writes,
    /// and `rules`). Only a regular file is read.
    pub fn check(
        path: &Path,
        schemas: Option<(u32, u32)>,
        rules: Option<&mut dyn Rules>,
    ) -> Result<BackupFile, Unreadable> {
        let file = super::input_file::open_bounded(path, u64::MAX >> 20).map_err(Unreadable::File)?;
        let reading = file.try_clone().map_err(|source| {
            Unreadable::File(IoError::Io {
                path: path.into(),
                source,
            })
        })?;
        let mut tracked = Tracked::new(reading, path, u64::MAX >> 20, None);
        let mut checker = Checker::new(rules);
        let frame = dump_reader::read(
            std::io::BufReader::with_capacity(1 << 16, &mut tracked),
            &mut checker,
        )
        .map_err(|e| read_error(path, e))?;
        let sum = tracked.sum();
        let checked = checker.finish(frame, schemas).map_err(Unreadable::Refused)?;
        Ok(BackupFile {
            path: path.into(),
            file,
            sum,
            sharing: checked.frame.sharing.clone(),
            checked,
        })
    }
}

impl DumpSource for BackupFile {
    fn checked(&self) -> &Checked {
        &self.checked
    }

    /// The second pass: hands every piece to `sink`, refused as changed if the
    /// bytes are not the first pass's.
    fn load(&mut self, sink: &mut dyn DumpSink) -> Result<(), RestoreError> {
        use std::io::Seek;
        let changed = || RestoreError::Changed(self.path.clone());
        let fail =
            |source: std::io::Error| RestoreError::Store(crate::store::StoreError::io(&self.path, source));
        self.file.seek(std::io::SeekFrom::Start(0)).map_err(fail)?;
        let reading = self.file.try_clone().map_err(fail)?;
        let mut tracked = Tracked::new(reading, &self.path, u64::MAX >> 20, Some(self.sum));
        let frame = dump_reader::read(std::io::BufReader::with_capacity(1 << 16, &mut tracked), sink);
        let frame = match frame.map_err(|e| read_error(&self.path, e)) {
            Ok(frame) => frame,
            Err(Unreadable::Refused(e)) => return Err(e),
            Err(Unreadable::File(IoError::Io { source, .. })) => return Err(fail(source)),
            Err(_) => return Err(changed()),
        };
        // A file cut back to a shorter whole backup ends early: its sum differs.
        let first = crate::store::dump_reader::DumpFrame {
            sharing: self.sharing.clone(),
            ..self.checked.frame.clone()
        };
        if tracked.sum() != self.sum || frame != first {
            return Err(changed());
        }
        Ok(())
    }
}
