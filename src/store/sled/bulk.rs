//! A run of new records too large to hold at once (an import), and its undo and
//! redo, written in batches without giving up "all or nothing".
//!
//! - A marker goes into meta first (`PENDING_KEY`); the records then go to their
//!   tree in batches as they come, each also kept as imported in the `bulk` tree
//!   under the entry's sequence number (what an undo checks against and a redo
//!   writes back, and what a backup writes out as the entry's edits).
//! - The history entry, a header with the range and a digest of the records (kept
//!   in the `bulk` tree under the entry's own number), the index's range key, the
//!   counter and the stacks are committed with the marker's removal, in one
//!   transaction: the run becomes part of the store at once.
//! - A marker still there when the store opens is a run that never committed:
//!   what it wrote is taken back (`finish_interrupted`).
//!
//! Only one writer runs at a time (the store's lock, and the write lock held by
//! the whole run), so the ids past the marker's first are the run's own.

use super::{SledStore, codec, damaged, keys};
use crate::store::{Edit, Kind, Record, Result, StoreError};
use serde::{Deserialize, Serialize};

/// The meta key of a run under way.
pub(super) const PENDING_KEY: &[u8] = b"bulk_pending";
/// How many records go to sled at a time. sled holds what a batch replaces until
/// the batch ends: 10,000 at a time peaked at 1.3 KB a record, 1,000 at 80 bytes.
const BATCH: usize = 1_000;
/// How many records the copy packs in one value: one insert for 64 records, so
/// keeping the copy costs little more than its bytes.
pub(super) const CHUNK: u64 = 64;

/// What a committed entry did to a run of records, kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Header {
    pub kind: Kind,
    pub first: u64,
    pub last: u64,
    pub count: u64,
    /// CRC-32 of the records' stored bytes, in id order.
    pub digest: u32,
    /// The entry whose copy in the `bulk` tree holds the records (the import's).
    pub source: u64,
    /// The entry took the records away (an undo) rather than wrote them.
    pub removes: bool,
}

/// A run under way: the entry it will be committed as, and what it does.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(super) struct Marker {
    pub seq: u64,
    pub header: Header,
}

/// The key of the header of entry `seq` in the `bulk` tree.
pub(super) fn header_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// The key of the chunk of entry `source`'s copy that starts at record `id`.
pub(super) fn copy_key(source: u64, id: u64) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&source.to_be_bytes());
    key[8..].copy_from_slice(&id.to_be_bytes());
    key
}

/// An import's new records as they come: numbered, written, counted, digested.
pub(super) struct Writer {
    pub header: Header,
    live: sled::Batch,
    copy: sled::Batch,
    pending: usize,
    /// The copy's chunk being filled: each record's length (4 bytes, little
    /// endian), then its bytes; and the id it starts at.
    chunk: Vec<u8>,
    chunk_first: u64,
    crc: crc32fast::Hasher,
}

impl Writer {
    /// Starts a run of `kind` from id `first`, for entry `seq`: the marker first.
    pub(super) fn start(store: &SledStore, seq: u64, kind: Kind, first: u64) -> Result<Writer> {
        let header = Header {
            kind,
            first,
            last: first.saturating_sub(1),
            count: 0,
            digest: 0,
            source: seq,
            removes: false,
        };
        store.will_write(kind);
        store
            .meta()?
            .insert(PENDING_KEY, codec::encode(&Marker { seq, header })?)?;
        Ok(Writer {
            header,
            live: sled::Batch::default(),
            copy: sled::Batch::default(),
            pending: 0,
            chunk: Vec::new(),
            chunk_first: first,
            crc: crc32fast::Hasher::new(),
        })
    }

    /// Gives `record` the next id and queues it; returns the id.
    pub(super) fn push(&mut self, store: &SledStore, mut record: Record) -> Result<u64> {
        let id = self.header.first + self.header.count;
        record.set_number(id);
        let value = keys::encode_value(&record)?;
        self.crc.update(&value);
        if self.chunk.is_empty() {
            self.chunk_first = id;
        }
        let len = u32::try_from(value.len()).map_err(|_| StoreError::Codec("a record over 4 GB".into()))?;
        self.chunk.extend_from_slice(&len.to_le_bytes());
        self.chunk.extend_from_slice(&value);
        self.live.insert(&id.to_be_bytes(), value);
        self.header.count += 1;
        self.header.last = id;
        if self.header.count.is_multiple_of(CHUNK) {
            self.end_chunk();
        }
        self.pending += 1;
        if self.pending == BATCH {
            self.write(store, false)?;
        }
        Ok(id)
    }

    fn end_chunk(&mut self) {
        if !self.chunk.is_empty() {
            let chunk = std::mem::take(&mut self.chunk);
            self.copy
                .insert(&copy_key(self.header.source, self.chunk_first), chunk);
        }
    }

    /// Writes what is queued, and the chunk begun if `last`.
    fn write(&mut self, store: &SledStore, last: bool) -> Result<()> {
        if last {
            self.end_chunk();
        }
        let engine = store.engine()?;
        let live = std::mem::take(&mut self.live);
        let copy = std::mem::take(&mut self.copy);
        engine.trees[super::tree_index(self.header.kind)].apply_batch(live)?;
        engine.bulk.apply_batch(copy)?;
        self.pending = 0;
        Ok(())
    }

    /// The header to commit, once everything is written.
    pub(super) fn finish(mut self, store: &SledStore) -> Result<Header> {
        self.write(store, true)?;
        self.header.digest = self.crc.clone().finalize();
        Ok(self.header)
    }
}

/// Reads a run's copy back a record at a time (see `SledStore::bulk_records`).
pub(super) struct CopyReader {
    chunks: sled::Iter,
    /// The chunk being read, where its next record starts, and that record's id.
    chunk: sled::IVec,
    at: usize,
    next_id: u64,
    crc: crc32fast::Hasher,
    seen: u64,
    header: Header,
    dir: std::path::PathBuf,
    ended: bool,
}

impl CopyReader {
    fn fail(&mut self, e: StoreError) -> Option<Result<(u64, Vec<u8>)>> {
        self.ended = true;
        Some(Err(e))
    }
}

impl Iterator for CopyReader {
    type Item = Result<(u64, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        while self.at >= self.chunk.len() {
            match self.chunks.next() {
                // The header, under the bare sequence number.
                Some(Ok((key, _))) if key.len() == 8 => {}
                Some(Ok((key, value))) => {
                    let Some(id) = key.get(8..16).and_then(|k| k.try_into().ok()) else {
                        return self.fail(damaged(&self.dir, "a key of an import's copy is not 16 bytes"));
                    };
                    (self.chunk, self.at, self.next_id) = (value, 0, u64::from_be_bytes(id));
                }
                Some(Err(e)) => return self.fail(e.into()),
                None => {
                    self.ended = true;
                    let whole =
                        self.seen == self.header.count && self.crc.clone().finalize() == self.header.digest;
                    let detail = format!(
                        "the records of history entry {} do not match its digest",
                        self.header.source
                    );
                    return (!whole).then(|| Err(damaged(&self.dir, detail)));
                }
            }
        }
        let at = self.at;
        let len = self
            .chunk
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes);
        let Some(value) = len.and_then(|n| self.chunk.get(at + 4..at + 4 + n as usize)) else {
            return self.fail(damaged(&self.dir, "a chunk of an import's copy is cut short"));
        };
        let value = value.to_vec();
        self.at += 4 + value.len();
        self.crc.update(&value);
        self.seen += 1;
        self.next_id += 1;
        Some(Ok((self.next_id - 1, value)))
    }
}

impl SledStore {
    /// The header kept beside entry `seq`, if it changed a run of records.
    pub(super) fn bulk_header(&self, seq: u64) -> Result<Option<Header>> {
        match self.engine()?.bulk.get(header_key(seq))? {
            Some(bytes) => Ok(Some(codec::decode(&bytes)?)),
            None => Ok(None),
        }
    }

    /// The records of entry `source`'s copy as stored, in id order, checked
    /// against the header's count and digest as they are read.
    pub(super) fn bulk_records(&self, header: &Header) -> Result<CopyReader> {
        let engine = self.engine()?;
        Ok(CopyReader {
            chunks: engine.bulk.scan_prefix(header.source.to_be_bytes()),
            chunk: sled::IVec::default(),
            at: 0,
            next_id: 0,
            crc: crc32fast::Hasher::new(),
            seen: 0,
            header: *header,
            dir: self.dir.clone(),
            ended: false,
        })
    }

    /// The records of a run as its entry lists them: in id order, or, for an
    /// entry that took them away, last first. Checked against the digest first
    /// when read backwards, a chunk of 64 at a time.
    pub(super) fn bulk_edits(&self, header: &Header) -> Result<Box<dyn Iterator<Item = Result<Edit>> + '_>> {
        let kind = header.kind;
        let decode = move |value: &[u8]| keys::decode_value(kind, value).map_err(StoreError::from);
        if !header.removes {
            let records = self.bulk_records(header)?;
            return Ok(Box::new(records.map(move |item| {
                item.and_then(|(_, value)| decode(&value)).map(Edit::create)
            })));
        }
        for item in self.bulk_records(header)? {
            item?;
        }
        let chunks = self.engine()?.bulk.scan_prefix(header.source.to_be_bytes()).rev();
        let dir = self.dir.clone();
        let chunk_edits = move |item: sled::Result<(sled::IVec, sled::IVec)>| -> Result<Vec<Result<Edit>>> {
            let (key, value) = item?;
            if key.len() == 8 {
                return Ok(Vec::new());
            }
            let mut values = Vec::new();
            let mut at = 0;
            while at < value.len() {
                let len = value
                    .get(at..at + 4)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_le_bytes);
                let Some(bytes) = len.and_then(|n| value.get(at + 4..at + 4 + n as usize)) else {
                    return Err(damaged(&dir, "a chunk of an import's copy is cut short"));
                };
                values.push(bytes);
                at += 4 + bytes.len();
            }
            Ok(values
                .into_iter()
                .rev()
                .map(|bytes| {
                    decode(bytes).map(|r| Edit {
                        before: Some(r),
                        after: None,
                    })
                })
                .collect())
        };
        Ok(Box::new(chunks.flat_map(move |item| match chunk_edits(item) {
            Ok(edits) => edits,
            Err(e) => vec![Err(e)],
        })))
    }

    /// The records of a run, decoded, for a backup or `changes_since`.
    pub(super) fn bulk_decoded(&self, header: &Header) -> Result<Vec<Record>> {
        let mut out = Vec::with_capacity(header.count as usize);
        for item in self.bulk_records(header)? {
            let (_, value) = item?;
            out.push(keys::decode_value(header.kind, &value)?);
        }
        Ok(out)
    }

    /// Takes the run of `header` away (`removes`) or writes it back, in batches,
    /// under a marker for entry `seq`; the caller commits the entry. Refused as a
    /// conflict, with nothing written, if the records are not as the run left them:
    /// an undo needs each one unchanged since, a redo none of them there.
    pub(super) fn move_bulk(&self, seq: u64, header: &Header, removes: bool) -> Result<Header> {
        let engine = self.engine()?;
        let live = &engine.trees[super::tree_index(header.kind)];
        let range = header.first.to_be_bytes()..=header.last.to_be_bytes();
        // Checked whole before anything is written.
        if removes {
            let mut stored = live.range(range.clone());
            for item in self.bulk_records(header)? {
                let (id, value) = item?;
                match stored.next().transpose()? {
                    Some((key, now)) if key.as_ref() == id.to_be_bytes() && now == value => {}
                    _ => return Err(StoreError::conflict()),
                }
            }
            if stored.next().is_some() {
                return Err(StoreError::conflict());
            }
        } else {
            for item in self.bulk_records(header)? {
                item?;
            }
            if live.range(range.clone()).next().is_some() {
                return Err(StoreError::conflict());
            }
        }
        let moved = Header { removes, ..*header };
        self.will_write(header.kind);
        engine.trees[super::T_META].insert(PENDING_KEY, codec::encode(&Marker { seq, header: moved })?)?;
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        for item in self.bulk_records(header)? {
            let (id, value) = item?;
            match removes {
                true => batch.remove(&id.to_be_bytes()),
                false => batch.insert(&id.to_be_bytes(), value),
            }
            pending += 1;
            if pending == BATCH {
                live.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
        live.apply_batch(batch)?;
        Ok(moved)
    }

    /// Takes back what a run that never committed wrote (the process ended
    /// midway), then removes its marker and flushes. Nothing if there is none.
    pub(super) fn finish_interrupted(&self) -> Result<()> {
        self.take_back_restore()?;
        let engine = self.engine()?;
        let Some(bytes) = engine.trees[super::T_META].get(PENDING_KEY)? else {
            return Ok(());
        };
        let Marker { seq, header } = codec::decode(&bytes)?;
        self.will_write(header.kind);
        let live = &engine.trees[super::tree_index(header.kind)];
        let mut batch = sled::Batch::default();
        if header.source == seq {
            // An import: its records are the ids from its first, and its copy.
            for key in live.range(header.first.to_be_bytes()..).keys() {
                batch.remove(key?);
            }
            live.apply_batch(std::mem::take(&mut batch))?;
            for key in engine.bulk.scan_prefix(seq.to_be_bytes()).keys() {
                batch.remove(key?);
            }
            engine.bulk.apply_batch(batch)?;
        } else if header.removes {
            // An undo: every record goes back as the import left it.
            for item in self.bulk_records(&header)? {
                let (id, value) = item?;
                batch.insert(&id.to_be_bytes(), value);
            }
            live.apply_batch(batch)?;
        } else {
            // A redo: the records it wrote go again.
            for key in live
                .range(header.first.to_be_bytes()..=header.last.to_be_bytes())
                .keys()
            {
                batch.remove(key?);
            }
            live.apply_batch(batch)?;
        }
        engine.trees[super::T_META].remove(PENDING_KEY)?;
        drop(engine);
        self.flush()?;
        tracing::warn!(seq, kind = ?header.kind, "took back an import, undo or redo that never committed");
        Ok(())
    }
}
