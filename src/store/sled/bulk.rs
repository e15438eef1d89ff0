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
use crate::store::{Kind, Record, Result, StoreError};
use serde::{Deserialize, Serialize};

/// The meta key of a run under way.
pub(super) const PENDING_KEY: &[u8] = b"bulk_pending";
/// How many records go to sled at a time.
const BATCH: usize = 10_000;

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

/// The key of a record of entry `source`'s copy.
fn copy_key(source: u64, id: u64) -> [u8; 16] {
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
        store
            .meta()?
            .insert(PENDING_KEY, codec::encode(&Marker { seq, header })?)?;
        Ok(Writer {
            header,
            live: sled::Batch::default(),
            copy: sled::Batch::default(),
            pending: 0,
            crc: crc32fast::Hasher::new(),
        })
    }

    /// Gives `record` the next id and queues it; returns the id.
    pub(super) fn push(&mut self, store: &SledStore, mut record: Record) -> Result<u64> {
        let id = self.header.first + self.header.count;
        record.set_number(id);
        let value = keys::encode_value(&record)?;
        self.crc.update(&value);
        self.live.insert(&id.to_be_bytes(), value.clone());
        self.copy.insert(&copy_key(self.header.source, id), value);
        self.header.count += 1;
        self.header.last = id;
        self.pending += 1;
        if self.pending == BATCH {
            self.write(store)?;
        }
        Ok(id)
    }

    /// Writes what is queued.
    pub(super) fn write(&mut self, store: &SledStore) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
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
        self.write(store)?;
        self.header.digest = self.crc.clone().finalize();
        Ok(self.header)
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
    pub(super) fn bulk_records(
        &self,
        header: &Header,
    ) -> Result<impl Iterator<Item = Result<(u64, sled::IVec)>> + '_> {
        let engine = self.engine()?;
        let prefix = header.source.to_be_bytes();
        let mut crc = crc32fast::Hasher::new();
        let mut seen = 0u64;
        let mut ended = false;
        let dir = self.dir.clone();
        let header = *header;
        let mut items = engine
            .bulk
            .scan_prefix(prefix)
            .filter(|item| !matches!(item, Ok((k, _)) if k.len() == 8));
        Ok(std::iter::from_fn(move || {
            if ended {
                return None;
            }
            match items.next() {
                Some(Ok((key, value))) => {
                    let id = key
                        .get(8..16)
                        .and_then(|k| k.try_into().ok())
                        .map(u64::from_be_bytes);
                    let Some(id) = id else {
                        ended = true;
                        return Some(Err(damaged(&dir, "a key of an import's copy is not 16 bytes")));
                    };
                    crc.update(&value);
                    seen += 1;
                    Some(Ok((id, value)))
                }
                Some(Err(e)) => {
                    ended = true;
                    Some(Err(e.into()))
                }
                None => {
                    ended = true;
                    let whole = seen == header.count && crc.clone().finalize() == header.digest;
                    (!whole).then(|| {
                        Err(damaged(
                            &dir,
                            format!(
                                "the records of history entry {} do not match its digest",
                                header.source
                            ),
                        ))
                    })
                }
            }
        }))
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
        let engine = self.engine()?;
        let Some(bytes) = engine.trees[super::T_META].get(PENDING_KEY)? else {
            return Ok(());
        };
        let Marker { seq, header } = codec::decode(&bytes)?;
        let live = &engine.trees[super::tree_index(header.kind)];
        let mut batch = sled::Batch::default();
        if header.source == seq {
            // An import: its records are the ids from its first, and its copy.
            for key in live.range(header.first.to_be_bytes()..).keys() {
                batch.remove(key?);
            }
            live.apply_batch(std::mem::replace(&mut batch, sled::Batch::default()))?;
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
