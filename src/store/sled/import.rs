//! An import into sled: its new records go to the store in batches as they come
//! (see `bulk`), everything else it changes (contacts merged into councils: at
//! most one edit per council) is kept and committed with its one history entry,
//! which makes the whole of it part of the store at once. Undo takes it all back.
//! An import dropped without its commit takes back what it wrote.

use super::SledStore;
use super::bulk::{Marker, Writer};
use super::commit::StackMove;
use crate::store::{Applied, ChangeKind, Edit, EntryKind, ImportBatch, Result, StoreError};
use chrono::{DateTime, Utc};
use std::sync::MutexGuard;

pub(super) struct SledImport<'a> {
    store: &'a SledStore,
    /// Held from the first batch to the commit: no other change in between.
    _writing: MutexGuard<'a, ()>,
    kind: ChangeKind,
    /// The sequence number its entry will have.
    seq: u64,
    /// The new records' run, once one came.
    run: Option<Writer>,
    /// The other edits, committed with the entry.
    edits: Vec<Edit>,
    /// Committed, or nothing to take back.
    settled: bool,
}

impl<'a> SledImport<'a> {
    pub(super) fn begin(store: &'a SledStore, kind: ChangeKind) -> Result<SledImport<'a>> {
        let writing = store.write_lock();
        store.check_writable()?;
        Ok(SledImport {
            store,
            _writing: writing,
            kind,
            seq: store.next_history_seq()?,
            run: None,
            edits: Vec::new(),
            settled: true,
        })
    }

    fn push(&mut self, edit: Edit) -> Result<()> {
        let (None, Some(record)) = (&edit.before, &edit.after) else {
            self.edits.push(edit);
            return Ok(());
        };
        if !record.is_new() || self.run.as_ref().is_some_and(|r| r.header.kind != record.kind()) {
            self.edits.push(edit);
            return Ok(());
        }
        let record = edit.after.expect("matched above");
        if self.run.is_none() {
            let kind = record.kind();
            let first = self.store.next_id(kind)?;
            self.settled = false;
            self.run = Some(Writer::start(self.store, self.seq, kind, first)?);
        }
        let run = self.run.as_mut().expect("started above");
        run.push(self.store, record)?;
        Ok(())
    }

    fn fail(&mut self, e: StoreError) -> StoreError {
        if !self.settled {
            self.store.take_back(&e);
            self.settled = true;
        }
        e
    }
}

/// Requests an import writes at least for its close to keep the requests file.
const LARGE_IMPORT: u64 = 10_000;

impl ImportBatch for SledImport<'_> {
    fn append(&mut self, edits: Vec<Edit>) -> Result<()> {
        for edit in edits {
            if let Err(e) = self.push(edit) {
                return Err(self.fail(e));
            }
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>, at: DateTime<Utc>) -> Result<Applied> {
        let header = match self.run.take().map(|run| run.finish(self.store)).transpose() {
            Ok(header) => header,
            Err(e) => return Err(self.fail(e)),
        };
        let edits = std::mem::take(&mut self.edits);
        // A run's batches are small values; its entry holds the range, not the records.
        let before = super::engine::blobs(&self.store.dir.join(super::engine::SLED_DIR));
        let run = header.map(|header| Marker {
            seq: self.seq,
            header,
        });
        let done = self
            .store
            .commit_run(EntryKind::Do, self.kind.clone(), edits, at, StackMove::Do, run);
        match done {
            Ok(applied) => {
                self.settled = true;
                // A large import's close keeps the requests file: the rewrite costs
                // no more than the import did.
                if let Some(run) = applied
                    .bulk
                    .filter(|r| r.kind == crate::store::Kind::Certificate && !r.removed)
                    && run.last.saturating_sub(run.first) + 1 >= LARGE_IMPORT
                {
                    self.store.keep_requests();
                }
                // Not on disk (only without a run: a run's failed flush is an error):
                // the import says it imported nothing, and is not retried.
                if !applied.durable {
                    self.store.abandon_blobs_since(&before);
                }
                Ok(applied)
            }
            Err(e) => Err(self.fail(e)),
        }
    }
}

impl Drop for SledImport<'_> {
    /// Dropped before its commit (a bad row, an error): what it wrote goes.
    fn drop(&mut self) {
        if !self.settled {
            self.store.take_back(&StoreError::conflict());
        }
    }
}
