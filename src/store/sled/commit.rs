//! Every change, applied with its history entry in one sled transaction and
//! flushed before returning; new records get their ids in it; undo and redo
//! replay the history, each user's own.

use super::bulk::{self, Header, Marker};
use super::{
    SledStore, T_HISTORY, T_HISTORY_INDEX, T_META, codec, codec_error, engine, history_index, keys, stacks,
    tree_index,
};
use crate::store::{Applied, BulkRange, ChangeKind, Edit, EntryKind, HistoryEntry, Kind, Result, StoreError};
use chrono::{DateTime, SubsecRound, Utc};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;
use std::sync::MutexGuard;

/// The next history sequence number. Kept in meta rather than taken from sled's
/// id generator, so that a restored history goes on from where it was.
pub(super) const SEQ_KEY: &[u8] = b"next_history_seq";

/// How a commit moves its user's undo and redo stacks.
#[derive(Debug, Clone, Copy)]
pub(super) enum StackMove {
    Do,
    /// Leaves both stacks as they are.
    Keep,
    Undo,
    Redo,
}

type TxError = ConflictableTransactionError<StoreError>;

/// The ids a change gives to new records of one numbered kind.
struct Counter {
    kind: Kind,
    first: u64,
    given: u64,
}

fn abort(e: StoreError) -> TxError {
    ConflictableTransactionError::Abort(e)
}

impl SledStore {
    /// Held by every write, so that ids and sequence numbers read before a
    /// transaction are still the store's when it commits.
    pub(super) fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Said before anything that may write records of `kind` (see `requests_written`).
    pub(super) fn will_write(&self, kind: Kind) {
        if kind == Kind::Certificate {
            self.requests_written
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Reverts this user's most recent change not yet undone.
    pub(super) fn undo_change(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        let _writing = self.write_lock();
        let Some(seq) = self.stacks_of(&self.user)?.undo.last().copied() else {
            return Ok(None);
        };
        let entry = self.entry(seq)?;
        let edits = entry.edits.iter().rev().map(Edit::inverse).collect();
        let run = self.bulk_header(seq)?;
        self.commit_with(
            EntryKind::Undo(seq),
            entry.change,
            edits,
            at,
            StackMove::Undo,
            run.map(|h| (h, !h.removes)),
        )
        .map(Some)
    }

    /// Re-applies this user's most recently undone change.
    pub(super) fn redo_change(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        let _writing = self.write_lock();
        let Some(seq) = self.stacks_of(&self.user)?.redo.last().copied() else {
            return Ok(None);
        };
        let entry = self.entry(seq)?;
        let run = self.bulk_header(seq)?;
        self.commit_with(
            EntryKind::Redo(seq),
            entry.change,
            entry.edits,
            at,
            StackMove::Redo,
            run.map(|h| (h, h.removes)),
        )
        .map(Some)
    }

    /// The id the next new record of a numbered kind gets: past its counter and
    /// past every stored record of the kind. Ids are never reused, even after an undo.
    pub(super) fn next_id(&self, kind: Kind) -> Result<u64> {
        let counted: u64 = match keys::counter_key(kind) {
            Some(key) => match self.meta()?.get(key)? {
                Some(bytes) => codec::decode(&bytes)?,
                None => 1,
            },
            None => 1,
        };
        let after_last = match self.tree(kind)?.last()? {
            Some((key, _)) => key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0) + 1,
            None => 1,
        };
        Ok(counted.max(after_last))
    }

    /// Applies and flushes one change; the caller holds `write_lock`. If the flush
    /// fails, the change stays applied in memory, is kept to be written again by
    /// `retry`, and is returned as not durable.
    pub(super) fn commit(
        &self,
        kind: EntryKind,
        change: ChangeKind,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
    ) -> Result<Applied> {
        self.commit_with(kind, change, edits, at, stacks, None)
    }

    /// `commit`, for an undo or redo of an entry that changed a run of records
    /// (`run`: its header, and whether this takes the records away): they are
    /// moved first, in batches under a marker, and the entry commits it.
    fn commit_with(
        &self,
        kind: EntryKind,
        change: ChangeKind,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
        run: Option<(Header, bool)>,
    ) -> Result<Applied> {
        let Some((header, removes)) = run else {
            return self.commit_run(kind, change, edits, at, stacks, None);
        };
        self.check_writable()?;
        let seq = self.next_history_seq()?;
        let moved = match self.move_bulk(seq, &header, removes) {
            Ok(moved) => moved,
            Err(e) => {
                self.take_back(&e);
                return Err(e);
            }
        };
        self.commit_run(
            kind,
            change,
            edits,
            at,
            stacks,
            Some(Marker { seq, header: moved }),
        )
    }

    /// After a run failed midway: what it wrote goes, now if sled still writes,
    /// else when the store is next opened.
    pub(super) fn take_back(&self, error: &StoreError) {
        if matches!(error, StoreError::Backend { .. }) {
            self.mark_broken(error);
        }
        if self.broken.load(std::sync::atomic::Ordering::SeqCst) == 0
            && let Err(e) = self.finish_interrupted()
        {
            tracing::error!("could not take back a run of records at once: {e}");
        }
    }

    /// `commit`, with the header of a run of records written in batches before
    /// (an import, or a run moved by an undo or redo): committed with the entry,
    /// which also removes the run's marker. If the flush fails, an import is
    /// refused, and an undo or redo kept to be written again; either way the next
    /// open takes back what reached the disk of the run.
    pub(super) fn commit_run(
        &self,
        kind: EntryKind,
        change: ChangeKind,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
        run: Option<Marker>,
    ) -> Result<Applied> {
        self.check_writable()?;
        let blobs_before = engine::blobs(&self.dir.join(engine::SLED_DIR));
        let mut applied = match self.transact(kind, change, edits, at, stacks, run) {
            Ok(applied) => applied,
            Err(e) => {
                if matches!(e, StoreError::Backend { .. }) {
                    self.transaction_failed(&e, &blobs_before);
                }
                return Err(e);
            }
        };
        // `transact` said whether it wrote requests; a run's records, as they were written.
        if let Err(e) = self.flush_change() {
            tracing::error!("applied, not flushed: {e}");
            // An import not flushed is not imported (the command says so); an undo
            // or redo of one is kept to be written again, as any other change: the
            // next open takes back what reached the disk of its run, and a retry
            // moves the run again.
            let moved = match (kind, run) {
                (_, None) => None,
                (EntryKind::Undo(_) | EntryKind::Redo(_), Some(marker)) => {
                    Some((marker.header, marker.header.removes))
                }
                (_, Some(_)) => return Err(e),
            };
            self.keep_pending(&applied, stacks, moved, e);
            applied.durable = false;
            return Ok(applied);
        }
        self.all_saved(applied.seq);
        tracing::debug!("flushed");
        Ok(applied)
    }

    /// The change and its history entry in one sled transaction, in memory.
    pub(super) fn transact(
        &self,
        kind: EntryKind,
        change: ChangeKind,
        mut edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
        run: Option<Marker>,
    ) -> Result<Applied> {
        let engine = self.engine()?;
        // The kinds' trees, then the runs' tree last.
        let mut trees = engine.trees.clone();
        trees.push(engine.bulk.clone());
        let t_bulk = trees.len() - 1;
        // New numbered records take the next ids of their kind, in the order of the edits.
        let mut counters: Vec<Counter> = Vec::new();
        let mut ids = Vec::new();
        for edit in &mut edits {
            let (None, Some(record)) = (&edit.before, &mut edit.after) else {
                continue;
            };
            if !record.is_new() {
                continue;
            }
            let kind = record.kind();
            let counter = match counters.iter().position(|c| c.kind == kind) {
                Some(i) => &mut counters[i],
                None => {
                    let first = self.next_id(kind)?;
                    counters.push(Counter {
                        kind,
                        first,
                        given: 0,
                    });
                    counters.last_mut().expect("just pushed")
                }
            };
            let id = counter.first + counter.given;
            counter.given += 1;
            record.set_number(id);
            ids.push(id);
        }
        // Encode once, outside the transaction closure, which sled may retry.
        struct Prepared {
            tree: usize,
            kind: Kind,
            key: Vec<u8>,
            before: Option<Vec<u8>>,
            after: Option<Vec<u8>>,
        }
        let mut prepared = Vec::with_capacity(edits.len());
        for edit in &edits {
            let Some(record) = edit.record() else {
                continue;
            };
            prepared.push(Prepared {
                tree: tree_index(record.kind()),
                kind: record.kind(),
                key: keys::record_key(record),
                before: edit.before.as_ref().map(keys::encode_value).transpose()?,
                after: edit.after.as_ref().map(keys::encode_value).transpose()?,
            });
        }
        let mut index_prefixes = history_index::prefixes(prepared.iter().map(|p| (p.kind, p.key.as_slice())));
        if let Some(Marker { header: h, .. }) = &run {
            index_prefixes.push(history_index::range_prefix(h.kind, h.first, h.last));
        }
        // An import's run moves its kind's counter past its last id; the counter was
        // read when the run began, under the same write lock.
        let run_counter = run
            .filter(|m| m.header.source == m.seq && m.header.count > 0)
            .and_then(|m| {
                Some((
                    keys::counter_key(m.header.kind)?,
                    m.header.first,
                    m.header.last + 1,
                ))
            });
        let run_bytes = run.map(|m| codec::encode(&m.header)).transpose()?;
        // Each numbered kind's counter moves past the highest id the change writes.
        let mut next_ids: Vec<(&'static [u8], u64, Option<u64>)> = Vec::new();
        for kind in Kind::ALL.into_iter().filter(|k| k.is_numbered()) {
            let Some(key) = keys::counter_key(kind) else {
                continue;
            };
            let next = edits
                .iter()
                .filter_map(|e| e.after.as_ref().filter(|r| r.kind() == kind)?.number())
                .map(|id| id + 1)
                .max();
            let given_from = counters.iter().find(|c| c.kind == kind).map(|c| c.first);
            if next.is_some() || given_from.is_some() {
                next_ids.push((key, next.unwrap_or(0), given_from));
            }
        }
        let entry = HistoryEntry {
            // As the history keeps it, to the millisecond: `Applied` says what is stored.
            at: at.trunc_subsecs(3),
            user: self.user.clone(),
            kind,
            change,
            edits,
        };
        let entry_bytes = codec::encode(&entry)?;
        let head_bytes = codec::encode(&entry.head())?;
        let mine = self.stacks_of(&self.user)?;
        let (undo_key, redo_key) = (stacks::undo_key(&self.user), stacks::redo_key(&self.user));
        let first_seq = self.next_history_seq()?;

        for kind in prepared.iter().map(|p| p.kind).chain(run.map(|m| m.header.kind)) {
            self.will_write(kind);
        }
        tracing::debug!(edits = prepared.len(), "transaction starts");
        let seq = trees[..].transaction(|tx| {
            for p in &prepared {
                let current = tx[p.tree].get(&p.key)?;
                if current.as_deref() != p.before.as_deref() {
                    return Err(abort(StoreError::conflict()));
                }
                match &p.after {
                    Some(bytes) => tx[p.tree].insert(p.key.as_slice(), bytes.as_slice())?,
                    None => tx[p.tree].remove(p.key.as_slice())?,
                };
            }
            let seq = match tx[T_META].get(SEQ_KEY)? {
                Some(bytes) => codec::decode(&bytes).unwrap_or(first_seq),
                None => first_seq,
            };
            if let Some(bytes) = &run_bytes {
                // The run was written for the entry numbered when it began.
                if run.is_some_and(|m| m.seq != seq) {
                    return Err(abort(StoreError::conflict()));
                }
                tx[t_bulk].insert(&bulk::header_key(seq), bytes.as_slice())?;
                tx[T_META].remove(bulk::PENDING_KEY)?;
            }
            if let Some((key, first, next)) = run_counter {
                let counted: u64 = match tx[T_META].get(key)? {
                    Some(bytes) => codec::decode(&bytes).unwrap_or(1),
                    None => 1,
                };
                if counted > first {
                    return Err(abort(StoreError::conflict()));
                }
                let bytes = codec::encode(&next).map_err(|e| abort(codec_error(e)))?;
                tx[T_META].insert(key, bytes)?;
            }
            let next = codec::encode(&(seq + 1)).map_err(|e| abort(codec_error(e)))?;
            tx[T_META].insert(SEQ_KEY, next)?;
            tx[T_HISTORY].insert(&seq.to_be_bytes(), entry_bytes.as_slice())?;
            for prefix in &index_prefixes {
                let mut index = prefix.clone();
                index.extend_from_slice(&seq.to_be_bytes());
                tx[T_HISTORY_INDEX].insert(index, head_bytes.as_slice())?;
            }
            for &(key, next, given_from) in &next_ids {
                let counted: u64 = match tx[T_META].get(key)? {
                    Some(bytes) => codec::decode(&bytes).unwrap_or(1),
                    None => 1,
                };
                // The ids given above were read under the write lock: a counter past them
                // means another writer, and the change is refused rather than reuse an id.
                if given_from.is_some_and(|first| counted > first) {
                    return Err(abort(StoreError::conflict()));
                }
                if next > counted {
                    let bytes = codec::encode(&next).map_err(|e| abort(codec_error(e)))?;
                    tx[T_META].insert(key, bytes)?;
                }
            }
            let moved = mine.clone().moved(stacks, seq);
            let enc = |v: &Vec<u64>| codec::encode(v).map_err(|e| abort(codec_error(e)));
            tx[T_META].insert(undo_key.as_slice(), enc(&moved.undo)?)?;
            tx[T_META].insert(redo_key.as_slice(), enc(&moved.redo)?)?;
            Ok(seq)
        });
        let seq = match seq {
            Ok(seq) => seq,
            Err(sled::transaction::TransactionError::Abort(e)) => return Err(e),
            Err(sled::transaction::TransactionError::Storage(e)) => return Err(e.into()),
        };
        tracing::debug!("transaction committed");
        let bulk = run.map(|Marker { header: h, .. }| BulkRange {
            kind: h.kind,
            first: h.first,
            last: h.last,
            removed: h.removes,
        });
        if let Some(m) = run.filter(|m| m.header.source == m.seq) {
            ids.extend(m.header.first..=m.header.last);
        }
        Ok(Applied {
            seq,
            at: entry.at,
            user: entry.user,
            kind: entry.kind,
            change: entry.change,
            ids,
            edits: entry.edits,
            bulk,
            durable: true,
        })
    }
}
