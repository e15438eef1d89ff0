//! Changes applied in memory that never reached the disk, and writing them once it
//! takes them again.
//!
//! When sled 0.34 fails a write (a full disk), it records the error and refuses
//! every later write until it is reopened; reopening reads the files, without what
//! was never written. So each change whose flush failed is kept here, and
//! `retry` reopens sled and applies them again, in order, each with its history
//! entry as it was first made (same time, same sequence number).

use super::bulk::{Header, Marker};
use super::commit::StackMove;
use super::engine::{self, SLED_DIR, open_sled, wait_for_sled_release};
use super::{SledStore, codec, damaged, location, recovery};
use crate::store::{Applied, ChangeKind, Edit, EntryKind, Result, StoreError, Unsaved};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;

/// Room beyond the estimate of what a retry writes: sled's own records around
/// each change, and a new segment's header.
const ROOM_MARGIN: u64 = 64 * 1024;

/// One change as it was applied, to apply it again.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    seq: u64,
    kind: EntryKind,
    change: ChangeKind,
    edits: Vec<Edit>,
    at: DateTime<Utc>,
    stacks: StackMove,
    /// An undo or redo of an import: the run it moves, and whether it takes it away.
    run: Option<(Header, bool)>,
}

impl SledStore {
    /// The changes applied (and shown) but not on disk yet, and why.
    pub(super) fn unsaved_changes(&self) -> Unsaved {
        Unsaved {
            changes: self
                .pending
                .lock()
                .map(|p| p.iter().map(|c| (c.change.clone(), c.edits.clone())).collect())
                .unwrap_or_default(),
            cause: self.write_error.lock().ok().and_then(|e| e.clone()),
        }
    }

    fn unsaved_count(&self) -> usize {
        self.pending.lock().map_or(0, |p| p.len())
    }

    /// Whether a change must wait for `retry`: some are not on disk, or sled
    /// failed a write and refuses more until it is reopened.
    pub(super) fn needs_recovery(&self) -> bool {
        self.unsaved_count() > 0 || self.broken.load(SeqCst) != 0 || !self.is_open()
    }

    pub(super) fn keep_pending(
        &self,
        applied: &Applied,
        stacks: StackMove,
        run: Option<(Header, bool)>,
        error: StoreError,
    ) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.push(Pending {
                seq: applied.seq,
                kind: applied.kind,
                change: applied.change.clone(),
                edits: applied.edits.clone(),
                at: applied.at,
                stacks,
                run,
            });
        }
        if let Ok(mut cause) = self.write_error.lock() {
            *cause = Some(error);
        }
    }

    /// A flush worked: everything applied so far is on disk.
    pub(super) fn all_saved(&self, last_seq: u64) {
        if let Ok(mut durable) = self.durable_blobs.lock() {
            *durable = engine::blobs(&self.dir.join(SLED_DIR));
        }
        if let Ok(mut pending) = self.pending.lock() {
            pending.clear();
        }
        if let Ok(mut cause) = self.write_error.lock() {
            *cause = None;
        }
        recovery::note_acknowledged(&self.dir, last_seq);
    }

    /// A transaction failed in sled's storage: the engine is broken, and the blobs
    /// it wrote belong to no change (they are removed once sled is closed).
    pub(super) fn transaction_failed(&self, error: &StoreError, blobs_before: &BTreeSet<OsString>) {
        self.mark_broken(error);
        let new = engine::new_blobs(&self.dir.join(SLED_DIR), blobs_before);
        if let Ok(mut orphans) = self.orphans.lock() {
            orphans.extend(new);
        }
    }

    /// Removes the blobs of failed transactions; sled must be closed.
    pub(super) fn remove_orphans(&self) {
        if let Ok(mut orphans) = self.orphans.lock() {
            for path in orphans.drain(..) {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Writes every change not on disk yet. A flush is tried first; if sled is
    /// broken, and the disk has room again, sled is reopened and the changes applied
    /// again. On failure they stay pending, for the next try.
    pub(super) fn recover(&self) -> Result<()> {
        let _writing = self.write_lock();
        if self.stalled.load(SeqCst) {
            return Err(StoreError::Stalled(location(&self.dir)));
        }
        if !self.needs_recovery() {
            return Ok(());
        }
        if self.broken.load(SeqCst) == 0 && self.is_open() {
            self.flush()?;
            self.all_saved(self.last_history_seq());
            return Ok(());
        }
        self.check_space()?;
        let free = free_space(&self.dir);
        let done = self.reopen().and_then(|()| self.apply_pending());
        match &done {
            Ok(()) => self.room_failed.store(0, SeqCst),
            Err(e) => self.note_room_failure(free, e),
        }
        done
    }

    /// An error naming the room needed unless the store's disk has it: reopening
    /// sled writes a new snapshot, and the waiting changes go to its log.
    fn check_space(&self) -> Result<()> {
        let needed = self.room_needed();
        let free = match self.disk_full_simulated() {
            true => Some(0),
            false => free_space(&self.dir),
        };
        match free {
            Some(free) if free < needed => Err(StoreError::NoRoom {
                path: self.dir.clone(),
                needed,
                free,
            }),
            _ => Ok(()),
        }
    }

    /// What a retry needs free: the size of sled's snapshot (it writes a new one as
    /// it opens), three times the waiting changes (the records, the history entry,
    /// its index), and a margin; more once a retry with that much failed.
    pub(super) fn room_needed(&self) -> u64 {
        let snapshot = std::fs::read_dir(self.dir.join(SLED_DIR))
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("snap."))
                    .filter_map(|e| e.metadata().ok().map(|m| m.len()))
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        let changes: u64 = self
            .pending
            .lock()
            .map(|pending| {
                pending
                    .iter()
                    .map(|p| {
                        let edits = codec::encode(&p.edits).map_or(0, |bytes| bytes.len() as u64);
                        // A run moved: its records, about 160 bytes each as stored.
                        edits + p.run.map_or(0, |(header, _)| header.count * 160)
                    })
                    .sum()
            })
            .unwrap_or(0);
        let estimate = snapshot + 3 * changes + ROOM_MARGIN;
        estimate.max(self.room_failed.load(SeqCst))
    }

    /// A retry failed for want of room with `free` bytes free: the next needs more.
    /// Only a full disk says so: a quota or a file size limit is not in `free`.
    pub(super) fn note_room_failure(&self, free: Option<u64>, error: &StoreError) {
        if let Some(free) = free.filter(|_| error.no_space()) {
            self.room_failed.fetch_max(free + ROOM_MARGIN, SeqCst);
        }
    }

    /// Closes sled and opens it again, which clears its error. What it then holds
    /// is what reached the disk; every acknowledged change must be there.
    fn reopen(&self) -> Result<()> {
        let sled_dir = self.dir.join(SLED_DIR);
        let mut slot = self
            .engine
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(engine) = slot.take()
            && !engine::close(engine, true)
        {
            self.stall();
            return Err(StoreError::Stalled(location(&self.dir)));
        }
        if !wait_for_sled_release(&sled_dir) {
            return Err(StoreError::InUse(location(&self.dir)));
        }
        self.remove_orphans();
        let db = open_sled(&self.dir)?;
        *slot = Some(Arc::new(engine::Engine::new(db, &self.dir)?));
        drop(slot);
        self.broken.store(0, SeqCst);
        let last = self.last_history_seq();
        if let Err(detail) = recovery::check_acknowledged(&self.dir, last) {
            // Nothing more is written to a store that lost what it had said was saved.
            self.broken.store(libc::EIO, SeqCst);
            return Err(damaged(&self.dir, detail));
        }
        self.finish_interrupted()?;
        tracing::info!("reopened after a write error");
        Ok(())
    }

    /// Applies the pending changes that the reopened store lacks, then flushes.
    fn apply_pending(&self) -> Result<()> {
        let next = self.next_history_seq()?;
        let pending: Vec<Pending> = match self.pending.lock() {
            Ok(mut pending) => {
                // Those the disk took before the error are there already.
                pending.retain(|p| p.seq >= next);
                pending.clone()
            }
            Err(_) => Vec::new(),
        };
        for p in pending {
            let blobs_before = engine::blobs(&self.dir.join(SLED_DIR));
            // An undo or redo of an import moves its run again first, under its marker.
            let run = match p.run {
                Some((header, removes)) => self.next_history_seq().and_then(|seq| {
                    Ok(Some(Marker {
                        seq,
                        header: self.move_bulk(seq, &header, removes)?,
                    }))
                }),
                None => Ok(None),
            };
            let applied = run.and_then(|run| self.transact(p.kind, p.change, p.edits, p.at, p.stacks, run));
            match applied {
                Ok(applied) if applied.seq != p.seq => {
                    tracing::warn!(
                        was = p.seq,
                        now = applied.seq,
                        "a change came back under another number"
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    match matches!(e, StoreError::Backend { .. }) {
                        true => self.transaction_failed(&e, &blobs_before),
                        false => self.mark_broken(&e),
                    }
                    return Err(e);
                }
            }
        }
        self.flush()?;
        self.all_saved(self.last_history_seq());
        tracing::info!("changes kept in memory are on disk");
        Ok(())
    }
}

#[cfg(test)]
thread_local! {
    /// The free space the unit tests pretend the disk has.
    pub(super) static FREE_SPACE: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Bytes an unprivileged user may still write on the filesystem of `dir`.
fn free_space(dir: &std::path::Path) -> Option<u64> {
    #[cfg(test)]
    if let Some(free) = FREE_SPACE.with(std::cell::Cell::get) {
        return Some(free);
    }
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct for a valid NUL-terminated path.
    unsafe {
        let mut stat: libc::statvfs = std::mem::zeroed();
        (libc::statvfs(path.as_ptr(), &mut stat) == 0).then(|| stat.f_bavail as u64 * stat.f_frsize as u64)
    }
}
