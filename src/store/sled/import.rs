//! An import into sled: the batches are kept in memory and written as one
//! transaction at `commit`, with one history entry, so that undo takes it all back.

use super::SledStore;
use super::commit::StackMove;
use crate::store::{Applied, ChangeKind, Edit, EntryKind, ImportBatch, Result};
use chrono::{DateTime, Utc};

pub(super) struct SledImport<'a> {
    pub(super) store: &'a SledStore,
    pub(super) kind: ChangeKind,
    pub(super) edits: Vec<Edit>,
}

impl ImportBatch for SledImport<'_> {
    fn append(&mut self, edits: Vec<Edit>) -> Result<()> {
        if self.edits.is_empty() {
            self.edits = edits;
        } else {
            self.edits.extend(edits);
        }
        Ok(())
    }

    fn commit(self: Box<Self>, at: DateTime<Utc>) -> Result<Applied> {
        let _writing = self.store.write_lock();
        let before = super::engine::blobs(&self.store.dir.join(super::engine::SLED_DIR));
        let applied = self
            .store
            .commit(EntryKind::Do, self.kind, self.edits, at, StackMove::Do)?;
        // Not on disk: the import says it imported nothing, and is not retried.
        if !applied.durable {
            self.store.abandon_blobs_since(&before);
        }
        Ok(applied)
    }
}
