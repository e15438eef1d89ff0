//! A restore into an empty sled store, written in batches as the backup is read
//! a second time, never held whole, and still all or nothing:
//!
//! - a marker goes into meta first (`RESTORE_KEY`); the records, the history
//!   and its index then go to their trees 1,000 at a time;
//! - an import's entry (a run of consecutive new records, found by the first
//!   pass) is kept as the import keeps it: a header with its range and digest,
//!   and its records packed in the `bulk` tree, never one value of all of them;
//! - the counters, the stacks and the marker's removal are one transaction at
//!   the end: the store holds the backup from then on;
//! - a failure, or a marker found at the next open, takes back everything
//!   (the store was empty before).

use super::bulk::{CHUNK, Header, copy_key, header_key};
use super::commit::SEQ_KEY;
use super::stacks::{REDO_KEY, UNDO_KEY, redo_key, undo_key};
use super::{SledStore, T_HISTORY, T_HISTORY_INDEX, T_META, codec, history_index, keys, schema, tree_index};
use crate::store::dump_check::check_schema;
use crate::store::dump_reader::{DumpSink, DumpSource};
use crate::store::{Edit, HistoryEntry, HistoryHead, Kind, RecordId, RestoreError, Result, StoreError};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;
use std::collections::HashSet;

/// The meta key of a restore under way.
pub(super) const RESTORE_KEY: &[u8] = b"restore_pending";
/// How many writes go to sled at a time.
const BATCH: usize = 1_000;

/// An import's records as they come, packed as `bulk::Writer` packs them.
struct Run {
    kind: Kind,
    first: u64,
    last: u64,
    count: u64,
    crc: crc32fast::Hasher,
    chunk: Vec<u8>,
    chunk_first: u64,
}

struct Entry {
    seq: u64,
    head: HistoryHead,
    edits: Vec<Edit>,
    run: Option<Run>,
}

struct Loader<'a> {
    trees: Vec<sled::Tree>,
    batches: Vec<sled::Batch>,
    pending: usize,
    runs: &'a HashSet<u64>,
    max_seq: Option<u64>,
    entry: Option<Entry>,
}

impl Loader<'_> {
    fn t_bulk(&self) -> usize {
        self.trees.len() - 1
    }

    fn queue(&mut self, tree: usize, key: &[u8], value: Vec<u8>) -> Result<()> {
        self.batches[tree].insert(key, value);
        self.pending += 1;
        if self.pending >= BATCH {
            self.write()?;
        }
        Ok(())
    }

    fn write(&mut self) -> Result<()> {
        for (tree, batch) in self.trees.iter().zip(self.batches.iter_mut()) {
            tree.apply_batch(std::mem::take(batch))?;
        }
        self.pending = 0;
        Ok(())
    }

    fn end_chunk(&mut self, seq: u64) -> Result<()> {
        let Some(run) = self.entry.as_mut().and_then(|e| e.run.as_mut()) else {
            return Ok(());
        };
        if run.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut run.chunk);
        let key = copy_key(seq, run.chunk_first);
        let t = self.t_bulk();
        self.queue(t, &key, chunk)
    }
}

fn not_as_checked() -> StoreError {
    StoreError::Codec("an import's entry is not as the backup's check found it".into())
}

impl DumpSink for Loader<'_> {
    fn record(&mut self, _: usize, record: crate::store::Record) -> Result<()> {
        let value = keys::encode_value(&record)?;
        self.queue(tree_index(record.kind()), &keys::record_key(&record), value)
    }

    fn entry_start(&mut self, seq: u64, head: HistoryHead) -> Result<()> {
        self.max_seq = self.max_seq.max(Some(seq));
        let run = self.runs.contains(&seq).then(|| Run {
            kind: Kind::Certificate,
            first: 0,
            last: 0,
            count: 0,
            crc: crc32fast::Hasher::new(),
            chunk: Vec::new(),
            chunk_first: 0,
        });
        self.entry = Some(Entry {
            seq,
            head,
            edits: Vec::new(),
            run,
        });
        Ok(())
    }

    fn edit(&mut self, edit: Edit) -> Result<()> {
        let Some(entry) = self.entry.as_mut() else {
            return Err(not_as_checked());
        };
        let seq = entry.seq;
        let Some(run) = entry.run.as_mut() else {
            entry.edits.push(edit);
            return Ok(());
        };
        let (None, Some(record)) = (&edit.before, &edit.after) else {
            return Err(not_as_checked());
        };
        let Some(id) = record.number() else {
            return Err(not_as_checked());
        };
        if run.count == 0 {
            (run.kind, run.first) = (record.kind(), id);
        } else if record.kind() != run.kind || run.last.checked_add(1) != Some(id) {
            return Err(not_as_checked());
        }
        let value = keys::encode_value(record)?;
        run.crc.update(&value);
        if run.chunk.is_empty() {
            run.chunk_first = id;
        }
        let len = u32::try_from(value.len()).map_err(|_| StoreError::Codec("a record over 4 GB".into()))?;
        run.chunk.extend_from_slice(&len.to_le_bytes());
        run.chunk.extend_from_slice(&value);
        run.last = id;
        run.count += 1;
        if run.count.is_multiple_of(CHUNK) {
            self.end_chunk(seq)?;
        }
        Ok(())
    }

    fn entry_end(&mut self) -> Result<()> {
        let Some(seq) = self.entry.as_ref().map(|e| e.seq) else {
            return Err(not_as_checked());
        };
        self.end_chunk(seq)?;
        let Some(Entry { head, edits, run, .. }) = self.entry.take() else {
            return Err(not_as_checked());
        };
        let head_bytes = codec::encode(&head)?;
        let mut prefixes = Vec::new();
        if let Some(run) = run {
            let header = Header {
                kind: run.kind,
                first: run.first,
                last: run.last,
                count: run.count,
                digest: run.crc.finalize(),
                source: seq,
                removes: false,
            };
            let t = self.t_bulk();
            self.queue(t, &header_key(seq), codec::encode(&header)?)?;
            prefixes.push(history_index::range_prefix(run.kind, run.first, run.last));
        } else {
            let touched: Vec<(Kind, Vec<u8>)> = edits
                .iter()
                .filter_map(|edit| edit.id())
                .map(|id: RecordId| (id.kind(), keys::key(&id)))
                .collect();
            prefixes = history_index::prefixes(touched.iter().map(|(k, key)| (*k, key.as_slice())));
        }
        let entry = HistoryEntry {
            at: head.at,
            user: head.user,
            kind: head.kind,
            change: head.change,
            edits,
        };
        self.queue(T_HISTORY, &seq.to_be_bytes(), codec::encode(&entry)?)?;
        for mut index in prefixes {
            index.extend_from_slice(&seq.to_be_bytes());
            self.queue(T_HISTORY_INDEX, &index, head_bytes.clone())?;
        }
        Ok(())
    }
}

impl SledStore {
    /// Restores `source` in batches if the store is empty; a store that holds data
    /// (with `force`) is replaced in one transaction, as before.
    pub(super) fn restore_streamed(
        &self,
        source: &mut dyn DumpSource,
        force: bool,
    ) -> std::result::Result<(), RestoreError> {
        check_schema(&source.checked().frame, schema::BACKUP, schema::OLDEST_BACKUP)?;
        let writing = self.write_lock();
        let empty = self.holds_no_records()? && self.engine()?.trees[T_HISTORY].is_empty();
        if !empty {
            if !force {
                return Err(RestoreError::NotEmpty);
            }
            drop(writing);
            let dump = source.read_whole()?;
            return self.restore_all(&dump, true);
        }
        self.check_writable()?;
        self.will_write(Kind::Certificate);
        self.meta()?.insert(RESTORE_KEY, &[]).map_err(StoreError::from)?;
        let loaded = self.load_batches(source);
        if let Err(e) = loaded {
            if let Err(e) = self.take_back_restore() {
                tracing::error!("could not take back a restore at once: {e}");
            }
            return Err(e);
        }
        drop(writing);
        // The history may now be shorter than the one noted as acknowledged.
        self.all_saved(self.last_history_seq());
        Ok(())
    }

    fn load_batches(&self, source: &mut dyn DumpSource) -> std::result::Result<(), RestoreError> {
        let engine = self.engine()?;
        let mut trees = engine.trees.clone();
        trees.push(engine.bulk.clone());
        drop(engine);
        let runs = source.checked().runs.clone();
        let mut loader = Loader {
            batches: trees.iter().map(|_| sled::Batch::default()).collect(),
            trees,
            pending: 0,
            runs: &runs,
            max_seq: None,
            entry: None,
        };
        source.load(&mut loader)?;
        loader.write()?;
        let frame = &source.checked().frame;
        let counted = [
            (Kind::Certificate, frame.next_certificate_id),
            (Kind::Activity, frame.next_activity_id),
        ];
        let mut meta: Vec<(Vec<u8>, _)> = counted
            .iter()
            .filter_map(|&(kind, next)| Some((keys::counter_key(kind)?.to_vec(), codec::encode(&next))))
            .collect();
        meta.extend([
            (
                SEQ_KEY.to_vec(),
                codec::encode(&source.checked().next_seq(loader.max_seq)),
            ),
            (UNDO_KEY.to_vec(), codec::encode(&frame.undo)),
            (REDO_KEY.to_vec(), codec::encode(&frame.redo)),
        ]);
        for (user, stacks) in &frame.stacks {
            meta.push((undo_key(user), codec::encode(&stacks.undo)));
            meta.push((redo_key(user), codec::encode(&stacks.redo)));
        }
        let meta: Vec<(Vec<u8>, Vec<u8>)> = meta
            .into_iter()
            .map(|(k, v)| v.map(|v| (k, v)))
            .collect::<std::result::Result<_, _>>()
            .map_err(StoreError::from)?;
        let tree = self.meta()?;
        // Stacks left by an earlier store in this one go, as a restore over it clears them.
        let mut stale = Vec::new();
        for prefix in [&undo_key("")[..], &redo_key("")[..]] {
            for key in tree.scan_prefix(prefix).keys() {
                stale.push(key.map_err(StoreError::from)?);
            }
        }
        [&tree]
            .transaction(|tx| {
                for key in &stale {
                    tx[0].remove(key)?;
                }
                for (key, value) in &meta {
                    tx[0].insert(key.as_slice(), value.as_slice())?;
                }
                tx[0].remove(RESTORE_KEY)?;
                Ok::<(), ConflictableTransactionError<StoreError>>(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Abort(e) => e,
                sled::transaction::TransactionError::Storage(e) => StoreError::from(e),
            })?;
        self.flush()?;
        Ok(())
    }

    /// Takes back a restore that never ended (the store was empty before it),
    /// then removes its marker and flushes. Nothing if there is none.
    pub(super) fn take_back_restore(&self) -> Result<()> {
        let engine = self.engine()?;
        if engine.trees[T_META].get(RESTORE_KEY)?.is_none() {
            return Ok(());
        }
        self.will_write(Kind::Certificate);
        let trees = Kind::ALL.iter().map(|&k| &engine.trees[tree_index(k)]).chain([
            &engine.trees[T_HISTORY],
            &engine.trees[T_HISTORY_INDEX],
            &engine.bulk,
        ]);
        for tree in trees {
            let mut batch = sled::Batch::default();
            for (n, key) in tree.iter().keys().enumerate() {
                batch.remove(key?);
                if n % BATCH == BATCH - 1 {
                    tree.apply_batch(std::mem::take(&mut batch))?;
                }
            }
            tree.apply_batch(batch)?;
        }
        engine.trees[T_META].remove(RESTORE_KEY)?;
        drop(engine);
        self.flush()?;
        tracing::warn!("took back a restore that never ended");
        Ok(())
    }
}
