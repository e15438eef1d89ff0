//! Every change, applied with its history entry in one sled transaction and
//! flushed before returning; undo and redo replay the history.

use super::codec;
use super::history_index;
use super::record::Kind;
use super::record::{Change, Edit, Record};
use super::{Result, Store, StoreError, T_HISTORY, T_HISTORY_INDEX, T_META, engine, tree_index};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

pub(crate) const UNDO_KEY: &[u8] = b"undo";
/// The next certificate id: ids are never reused, even after an undo.
pub(crate) const CERT_ID_KEY: &[u8] = b"next_certificate_id";
pub(crate) const REDO_KEY: &[u8] = b"redo";
/// The next history sequence number. Kept in meta rather than taken from sled's
/// id generator, so that a restored history goes on from where it was.
pub(crate) const SEQ_KEY: &[u8] = b"next_history_seq";
/// How many changes `u` can walk back.
const UNDO_DEPTH: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Do,
    /// Undid the entry with this sequence number.
    Undo(u64),
    /// Redid the entry with this sequence number.
    Redo(u64),
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub at: DateTime<Utc>,
    pub user: String,
    pub kind: EntryKind,
    pub action: String,
    pub edits: Vec<Edit>,
}

/// The leading fields of a [`HistoryEntry`], in the same order, decoded without its edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryHead {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub at: DateTime<Utc>,
    pub user: String,
    pub kind: EntryKind,
    pub action: String,
}

impl HistoryEntry {
    pub fn head(&self) -> HistoryHead {
        HistoryHead {
            at: self.at,
            user: self.user.clone(),
            kind: self.kind,
            action: self.action.clone(),
        }
    }
}

/// What a commit did, for the caller to mirror in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub seq: u64,
    pub kind: EntryKind,
    pub action: String,
    /// The edits as applied (for an undo, already inverted).
    pub edits: Vec<Edit>,
}

/// How a commit moves the undo and redo stacks.
#[derive(Debug, Clone, Copy)]
pub(super) enum StackMove {
    Do,
    /// Leaves both stacks as they are.
    Keep,
    Undo,
    Redo,
}

impl Store {
    /// Applies a change and its history entry atomically, then flushes.
    pub fn apply(&self, change: Change, at: DateTime<Utc>) -> Result<Applied> {
        let stacks = if change.undoable {
            StackMove::Do
        } else {
            StackMove::Keep
        };
        self.commit(EntryKind::Do, change.action, change.edits, at, stacks)
    }

    /// Reverts the most recent change not yet undone; None if there is none.
    pub fn undo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        let Some(seq) = self.read_stack(UNDO_KEY)?.last().copied() else {
            return Ok(None);
        };
        let entry = self.entry(seq)?;
        let edits = entry.edits.iter().rev().map(Edit::inverse).collect();
        self.commit(EntryKind::Undo(seq), entry.action, edits, at, StackMove::Undo)
            .map(Some)
    }

    /// Re-applies the most recently undone change; None if there is none.
    pub fn redo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        let Some(seq) = self.read_stack(REDO_KEY)?.last().copied() else {
            return Ok(None);
        };
        let entry = self.entry(seq)?;
        self.commit(
            EntryKind::Redo(seq),
            entry.action,
            entry.edits,
            at,
            StackMove::Redo,
        )
        .map(Some)
    }

    /// The id for a new certificate request.
    pub fn next_certificate_id(&self) -> Result<u64> {
        let counted: u64 = match self.trees()?[T_META].get(CERT_ID_KEY)? {
            Some(bytes) => codec::decode(&bytes)?,
            None => 1,
        };
        let after_last = match self.tree(Kind::Certificate)?.last()? {
            Some((key, _)) => key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0) + 1,
            None => 1,
        };
        Ok(counted.max(after_last))
    }

    /// When, who and what of the entries that touched one record, oldest first, each
    /// with whether it changed a run of records at once (an import).
    /// Read from the index, which keeps each entry's head: an import's entry holds every
    /// record it added, and reading it for one line would cost 20 MB.
    pub fn history_of(&self, kind: Kind, key: &[u8]) -> Result<Vec<(u64, HistoryHead, bool)>> {
        let index = &self.trees()?[T_HISTORY_INDEX];
        let mut seqs = Vec::new();
        let found = index
            .scan_prefix(history_index::record_prefix(kind, key))
            .chain(index.scan_prefix(history_index::ranges_of(kind)));
        for item in found {
            let (index_key, head) = item?;
            if let Some(seq) = history_index::seq_if_covers(&index_key, key) {
                seqs.push((seq, head, history_index::is_range(&index_key)));
            }
        }
        seqs.sort_unstable_by_key(|(seq, _, _)| *seq);
        seqs.into_iter()
            .map(|(seq, head, bulk)| {
                // The index holds a copy of the head; stores written before it did hold none.
                let head = match head.is_empty() {
                    true => self.head(seq)?,
                    false => codec::decode(&head)?,
                };
                Ok((seq, head, bulk))
            })
            .collect()
    }

    /// What one entry did to one record: its before and after.
    pub fn edit_in(&self, seq: u64, kind: Kind, key: &[u8]) -> Result<Option<Edit>> {
        let entry = self.entry(seq)?;
        Ok(entry
            .edits
            .into_iter()
            .find(|e| e.kind() == Some(kind) && e.key().as_deref() == Some(key)))
    }

    fn head(&self, seq: u64) -> Result<HistoryHead> {
        let bytes = self.trees()?[T_HISTORY]
            .get(seq.to_be_bytes())?
            .ok_or_else(|| super::damaged(&self.dir, format!("history entry {seq} is missing")))?;
        Ok(codec::decode_leading(&bytes)?)
    }

    pub fn entry(&self, seq: u64) -> Result<HistoryEntry> {
        let bytes = self.trees()?[T_HISTORY]
            .get(seq.to_be_bytes())?
            .ok_or_else(|| super::damaged(&self.dir, format!("history entry {seq} is missing")))?;
        Ok(codec::decode(&bytes)?)
    }

    /// The whole history, oldest first, with sequence numbers.
    pub fn history(&self) -> Result<Vec<(u64, HistoryEntry)>> {
        let mut out = Vec::new();
        for item in self.trees()?[T_HISTORY].iter() {
            let (key, value) = item?;
            let seq = u64::from_be_bytes(
                key.as_ref()
                    .try_into()
                    .map_err(|_| super::damaged(&self.dir, "a history key is not 8 bytes"))?,
            );
            out.push((seq, codec::decode(&value)?));
        }
        Ok(out)
    }

    /// The next sequence number as stored, or one past the last entry.
    fn next_seq_fallback(&self) -> Result<u64> {
        let trees = self.trees()?;
        match trees[T_META].get(SEQ_KEY)? {
            Some(bytes) => Ok(codec::decode(&bytes)?),
            None => Ok(match trees[T_HISTORY].last()? {
                Some((key, _)) => key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0) + 1,
                None => 1,
            }),
        }
    }

    pub(crate) fn read_stack(&self, key: &[u8]) -> Result<Vec<u64>> {
        match self.trees()?[T_META].get(key)? {
            Some(bytes) => Ok(codec::decode(&bytes)?),
            None => Ok(Vec::new()),
        }
    }

    /// Applies and flushes one change. If the flush fails, the change stays applied
    /// in memory and is kept to be written again by `recover`.
    fn commit(
        &self,
        kind: EntryKind,
        action: String,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
    ) -> Result<Applied> {
        self.check_writable()?;
        let blobs_before = engine::blobs(&self.dir.join(engine::SLED_DIR));
        let applied = match self.transact(kind, action, edits, at, stacks) {
            Ok(applied) => applied,
            Err(e) => {
                if matches!(e, StoreError::Sled(_)) {
                    self.transaction_failed(&e, &blobs_before);
                }
                return Err(e);
            }
        };
        if let Err(e) = self.flush() {
            self.keep_pending(&applied, at, stacks);
            return Err(StoreError::NotFlushed {
                applied: Box::new(applied),
                source: Box::new(e),
            });
        }
        self.all_saved(applied.seq);
        tracing::debug!("flushed");
        Ok(applied)
    }

    /// The change and its history entry in one sled transaction, in memory.
    pub(super) fn transact(
        &self,
        kind: EntryKind,
        action: String,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
    ) -> Result<Applied> {
        let trees = self.trees()?;
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
            let (Some(kind), Some(key)) = (edit.kind(), edit.key()) else {
                continue;
            };
            prepared.push(Prepared {
                tree: tree_index(kind),
                kind,
                key,
                before: edit.before.as_ref().map(Record::encode_value).transpose()?,
                after: edit.after.as_ref().map(Record::encode_value).transpose()?,
            });
        }
        let index_prefixes = history_index::prefixes(prepared.iter().map(|p| (p.kind, p.key.as_slice())));
        let next_cert_id = edits
            .iter()
            .filter_map(|e| match &e.after {
                Some(Record::Certificate(c)) => Some(c.id + 1),
                _ => None,
            })
            .max();
        let entry = HistoryEntry {
            at,
            user: self.user.clone(),
            kind,
            action,
            edits,
        };
        let entry_bytes = codec::encode(&entry)?;
        let head_bytes = codec::encode(&entry.head())?;
        let undo = self.read_stack(UNDO_KEY)?;
        let redo = self.read_stack(REDO_KEY)?;
        let first_seq = self.next_seq_fallback()?;

        tracing::debug!(edits = prepared.len(), "transaction starts");
        let seq = trees[..].transaction(|tx| {
            for p in &prepared {
                let current = tx[p.tree].get(&p.key)?;
                if current.as_deref() != p.before.as_deref() {
                    return Err(ConflictableTransactionError::Abort(StoreError::Conflict));
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
            let next = codec::encode(&(seq + 1))
                .map_err(|e| ConflictableTransactionError::Abort(StoreError::Codec(e)))?;
            tx[T_META].insert(SEQ_KEY, next)?;
            tx[T_HISTORY].insert(&seq.to_be_bytes(), entry_bytes.as_slice())?;
            for prefix in &index_prefixes {
                let mut index = prefix.clone();
                index.extend_from_slice(&seq.to_be_bytes());
                tx[T_HISTORY_INDEX].insert(index, head_bytes.as_slice())?;
            }
            if let Some(next) = next_cert_id {
                let counted: u64 = match tx[T_META].get(CERT_ID_KEY)? {
                    Some(bytes) => codec::decode(&bytes).unwrap_or(1),
                    None => 1,
                };
                if next > counted {
                    let bytes = codec::encode(&next)
                        .map_err(|e| ConflictableTransactionError::Abort(StoreError::Codec(e)))?;
                    tx[T_META].insert(CERT_ID_KEY, bytes)?;
                }
            }
            let (mut undo, mut redo) = (undo.clone(), redo.clone());
            match stacks {
                StackMove::Do => {
                    undo.push(seq);
                    redo.clear();
                }
                StackMove::Keep => {}
                StackMove::Undo => {
                    if let Some(s) = undo.pop() {
                        redo.push(s);
                    }
                }
                StackMove::Redo => {
                    if let Some(s) = redo.pop() {
                        undo.push(s);
                    }
                }
            }
            if undo.len() > UNDO_DEPTH {
                undo.drain(..undo.len() - UNDO_DEPTH);
            }
            let enc = |v: &Vec<u64>| {
                codec::encode(v).map_err(|e| ConflictableTransactionError::Abort(StoreError::Codec(e)))
            };
            tx[T_META].insert(UNDO_KEY, enc(&undo)?)?;
            tx[T_META].insert(REDO_KEY, enc(&redo)?)?;
            Ok(seq)
        });
        let seq = match seq {
            Ok(seq) => seq,
            Err(sled::transaction::TransactionError::Abort(e)) => return Err(e),
            Err(sled::transaction::TransactionError::Storage(e)) => return Err(e.into()),
        };
        tracing::debug!("transaction committed");
        Ok(Applied {
            seq,
            kind: entry.kind,
            action: entry.action,
            edits: entry.edits,
        })
    }
}
