//! An import or a restore that reached sled's memory but not the disk is given
//! up, not kept to be written again: the command says nothing was written. Its
//! transaction is one batch that the log holds only in part, which sled drops
//! whole when it next opens the files, so the blob files written for it belong
//! to no change. They go as soon as sled is closed, not at the next open.

use super::{SledStore, engine};
use std::collections::BTreeSet;
use std::ffi::OsString;

impl SledStore {
    /// The blobs that appeared since `before` (taken just before the operation)
    /// are the failed operation's: removed once sled has closed.
    pub(super) fn abandon_blobs_since(&self, before: &BTreeSet<OsString>) {
        let new = engine::new_blobs(&self.dir.join(engine::SLED_DIR), before);
        if new.is_empty() {
            return;
        }
        tracing::warn!(
            blobs = new.len(),
            "the failed operation's blobs are removed at close"
        );
        if let Ok(mut orphans) = self.orphans.lock() {
            orphans.extend(new);
        }
    }
}
