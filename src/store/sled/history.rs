//! Reading the history: one record's entries through the index, one entry, and
//! every entry after a point.

use super::{
    SledStore, T_HISTORY, T_HISTORY_INDEX, T_META, codec, commit::SEQ_KEY, damaged, history_index, keys,
};
use crate::store::{Applied, Edit, HistoryEntry, HistoryHead, RecordHistory, RecordId, Result};

impl SledStore {
    /// The entries that touched one record, oldest first, each with whether it
    /// changed a run of records at once (an import) and, if not, its edit.
    /// Found through the index, which keeps each entry's head: an import's entry
    /// holds every record it added, and reading it for one line would cost 20 MB.
    pub(super) fn record_history(&self, id: &RecordId) -> Result<Vec<RecordHistory>> {
        let engine = self.engine()?;
        let index = &engine.trees[T_HISTORY_INDEX];
        let (kind, key) = (id.kind(), keys::key(id));
        let mut found = Vec::new();
        let matches = index
            .scan_prefix(history_index::record_prefix(kind, &key))
            .chain(index.scan_prefix(history_index::ranges_of(kind)));
        for item in matches {
            let (index_key, head) = item?;
            if let Some(seq) = history_index::seq_if_covers(&index_key, &key) {
                found.push((seq, head, history_index::is_range(&index_key)));
            }
        }
        found.sort_unstable_by_key(|(seq, _, _)| *seq);
        let mut out = Vec::with_capacity(found.len());
        for (seq, head, bulk) in found {
            // The index holds a copy of the head; stores written before it did hold none.
            let head = match head.is_empty() {
                true => self.head(seq)?,
                false => codec::decode(&head)?,
            };
            let edit = match bulk {
                true => None,
                false => self
                    .entry(seq)?
                    .edits
                    .into_iter()
                    .find(|e| e.id().as_ref() == Some(id)),
            };
            out.push(RecordHistory {
                seq,
                head,
                bulk,
                edit,
            });
        }
        Ok(out)
    }

    pub(super) fn head(&self, seq: u64) -> Result<HistoryHead> {
        let bytes = self.engine()?.trees[T_HISTORY]
            .get(seq.to_be_bytes())?
            .ok_or_else(|| damaged(&self.dir, format!("history entry {seq} is missing")))?;
        Ok(codec::decode_leading(&bytes)?)
    }

    pub(super) fn entry(&self, seq: u64) -> Result<HistoryEntry> {
        let bytes = self.engine()?.trees[T_HISTORY]
            .get(seq.to_be_bytes())?
            .ok_or_else(|| damaged(&self.dir, format!("history entry {seq} is missing")))?;
        Ok(codec::decode(&bytes)?)
    }

    /// The entries after `seq`, oldest first, with their sequence numbers; an
    /// entry that changed a run of records lists them among its edits, as one
    /// written before runs were kept apart did.
    pub(super) fn entries_after(&self, seq: u64) -> Result<Vec<(u64, HistoryEntry)>> {
        let mut out = Vec::new();
        let from = seq.saturating_add(1).to_be_bytes();
        for item in self.engine()?.trees[T_HISTORY].range(from..) {
            let (key, value) = item?;
            let seq = u64::from_be_bytes(
                key.as_ref()
                    .try_into()
                    .map_err(|_| damaged(&self.dir, "a history key is not 8 bytes"))?,
            );
            let mut entry: HistoryEntry = codec::decode(&value)?;
            if let Some(header) = self.bulk_header(seq)? {
                let records = self.bulk_decoded(&header)?.into_iter();
                match header.removes {
                    true => entry.edits.extend(records.rev().map(|r| Edit {
                        before: Some(r),
                        after: None,
                    })),
                    false => entry.edits.extend(records.map(Edit::create)),
                }
            }
            out.push((seq, entry));
        }
        Ok(out)
    }

    /// Every change after `seq`, as the store applied it. The ids are those of the
    /// numbered records (requests, activities) each one created.
    pub(super) fn applied_after(&self, seq: u64) -> Result<Vec<Applied>> {
        Ok(self
            .entries_after(seq)?
            .into_iter()
            .map(|(seq, entry)| Applied {
                seq,
                ids: entry
                    .edits
                    .iter()
                    .filter_map(|e| match (&e.before, &e.after) {
                        (None, Some(record)) => record.number(),
                        _ => None,
                    })
                    .collect(),
                at: entry.at,
                user: entry.user,
                kind: entry.kind,
                change: entry.change,
                edits: entry.edits,
                bulk: None,
                durable: true,
            })
            .collect())
    }

    /// The next sequence number as stored, or one past the last entry (stores
    /// written before the counter).
    pub(super) fn next_history_seq(&self) -> Result<u64> {
        let engine = self.engine()?;
        match engine.trees[T_META].get(SEQ_KEY)? {
            Some(bytes) => Ok(codec::decode(&bytes)?),
            None => Ok(match engine.trees[T_HISTORY].last()? {
                Some((key, _)) => key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0) + 1,
                None => 1,
            }),
        }
    }

    /// The sequence number of the newest entry, 0 for none. Read from the
    /// counter, not the entry: an import's entry can hold 100,000 records.
    pub(super) fn last_history_seq(&self) -> u64 {
        self.next_history_seq().map_or(0, |next| next.saturating_sub(1))
    }
}
