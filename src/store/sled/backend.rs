//! The `Store` trait over the sled backend.

use super::commit::StackMove;
use super::import::SledImport;
use super::{SledStore, codec, keys};
use crate::domain::certificate::CertificateRequest;
use crate::store::{
    Applied, Change, ChangeKind, Dump, EntryKind, ImportBatch, Kind, Location, Record, RecordHistory,
    RecordId, RestoreError, Result, Store, StoreError, Unsaved,
};
use chrono::{DateTime, Utc};
use std::fs;

impl SledStore {
    /// True when no record of any kind is stored.
    pub(super) fn holds_no_records(&self) -> Result<bool> {
        let engine = self.engine()?;
        Ok(Kind::ALL
            .iter()
            .all(|&k| engine.trees[super::tree_index(k)].is_empty()))
    }
}

impl Store for SledStore {
    fn location(&self) -> &Location {
        &self.location
    }

    fn user(&self) -> &str {
        &self.user
    }

    fn is_empty(&self) -> Result<bool> {
        self.holds_no_records()
    }

    fn records(&self, kind: Kind) -> Result<Box<dyn Iterator<Item = Result<Record>> + '_>> {
        // The caller reserves once from the hint: 100,000 requests grown by doubling
        // peak several MB higher. sled counts a tree only by reading it through, which
        // at a million requests took as long as reading them; a numbered kind's ids
        // bound its count from its first and last keys instead.
        let tree = self.tree(kind)?;
        let id = |entry: Option<(sled::IVec, sled::IVec)>| -> Option<u64> {
            Some(u64::from_be_bytes(entry?.0.as_ref().try_into().ok()?))
        };
        let bound = match super::keys::counter_key(kind) {
            Some(_) => {
                let first = id(tree.first().map_err(super::backend_error)?);
                let last = id(tree.last().map_err(super::backend_error)?);
                match (first, last) {
                    (Some(first), Some(last)) => usize::try_from(last.saturating_sub(first) + 1).ok(),
                    _ => Some(0),
                }
            }
            None => Some(tree.len()),
        };
        let low = match super::keys::counter_key(kind) {
            Some(_) => 0,
            None => bound.unwrap_or(0),
        };
        Ok(Box::new(Counted {
            records: self.scan(kind)?,
            low,
            high: bound,
        }))
    }

    fn certificate(&self, id: u64) -> Result<Option<CertificateRequest>> {
        match self.tree(Kind::Certificate)?.get(id.to_be_bytes())? {
            Some(value) => match keys::decode_value(Kind::Certificate, &value)
                .map_err(|e| super::damaged(&self.dir, e))?
            {
                Record::Certificate(c) => Ok(Some(c)),
                _ => Ok(None),
            },
            None => Ok(None),
        }
    }

    fn apply(&self, change: Change, at: DateTime<Utc>) -> Result<Applied> {
        let _writing = self.write_lock();
        let stacks = match change.undoable {
            true => StackMove::Do,
            false => StackMove::Keep,
        };
        self.commit(EntryKind::Do, change.kind, change.edits, at, stacks)
    }

    fn undo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.undo_change(at)
    }

    fn redo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.redo_change(at)
    }

    fn history(&self, id: &RecordId) -> Result<Vec<RecordHistory>> {
        self.record_history(id)
    }

    fn last_seq(&self) -> Result<u64> {
        Ok(self.next_history_seq()?.saturating_sub(1))
    }

    fn changes_since(&self, seq: u64) -> Result<Vec<Applied>> {
        self.applied_after(seq)
    }

    fn authors(&self, kind: Kind) -> Result<std::collections::HashMap<RecordId, crate::store::Authors>> {
        self.record_authors(kind)
    }

    fn begin_import(&self, kind: ChangeKind) -> Result<Box<dyn ImportBatch + '_>> {
        Ok(Box::new(SledImport::begin(self, kind)?))
    }

    fn dump(&self, now: DateTime<Utc>) -> Result<Dump> {
        self.dump_all(now)
    }

    fn write_backup(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
    ) -> Result<crate::store::dump_writer::BackupCounts> {
        self.stream_backup(now, out, &[])
    }

    fn write_backup_with(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
        configured: &[chrono::NaiveDate],
    ) -> Result<crate::store::dump_writer::BackupCounts> {
        self.stream_backup(now, out, configured)
    }

    fn restore_from(
        &self,
        source: &mut dyn crate::store::dump_reader::DumpSource,
        force: bool,
    ) -> Result<(), RestoreError> {
        self.restore_streamed(source, force)
    }

    fn restore(&self, dump: &Dump, force: bool) -> Result<(), RestoreError> {
        self.restore_all(dump, force)
    }

    /// A small file beside the database, private like it.
    fn read_cache(&self, name: &str) -> Option<String> {
        super::regular::read_note(&self.dir.join(format!("{name}.cache"))).ok()
    }

    fn write_cache(&self, name: &str, text: &str) {
        let path = self.dir.join(format!("{name}.cache"));
        let tmp = self.dir.join(format!("{name}.cache.tmp"));
        if fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &path))
            .is_err()
        {
            // A cache is only worth its space when whole.
            let _ = fs::remove_file(&tmp);
            tracing::warn!("could not write {}", path.display());
        }
    }

    fn unsaved(&self) -> Unsaved {
        self.unsaved_changes()
    }

    fn needs_retry(&self) -> bool {
        self.needs_recovery()
    }

    fn retry(&self) -> Result<()> {
        self.recover()
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> StoreError {
        super::backend_error(e)
    }
}

impl From<codec::CodecError> for StoreError {
    fn from(e: codec::CodecError) -> StoreError {
        super::codec_error(e)
    }
}

/// A kind's records with their count as the size hint (a writer on another
/// thread may change it meanwhile: it is a hint, never a promise).
/// Records with bounds on how many are left: exact for a small kind, at most
/// the span of ids for a numbered one.
struct Counted<I> {
    records: I,
    low: usize,
    high: Option<usize>,
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let record = self.records.next()?;
        self.low = self.low.saturating_sub(1);
        self.high = self.high.map(|h| h.saturating_sub(1));
        Some(record)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.low, self.high)
    }
}
