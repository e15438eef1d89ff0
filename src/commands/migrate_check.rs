//! What `migrate` compares between a store and its copy, read as each backup
//! streams: every record of each kind, the history, the counters and the stacks,
//! each kind's records and the history as a count and a digest, never held.

use crate::store::dump_reader::{self, DumpFrame, DumpSink};
use crate::store::{Edit, HistoryHead, Kind, Record, Store, StoreError};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufReader, BufWriter, Read, Write};

/// The parts compared, as `migrate` names them when one differs.
const PARTS: [&str; 5] = [
    "municipalities",
    "rollout",
    "certificates",
    "activities",
    "history",
];

/// A backup read through: each part's count and digest, and its frame.
pub(super) struct Digest {
    parts: [(usize, DefaultHasher); 5],
    max_seq: Option<u64>,
    pub frame: DumpFrame,
}

impl Default for Digest {
    fn default() -> Self {
        Digest {
            parts: std::array::from_fn(|_| (0, DefaultHasher::new())),
            max_seq: None,
            frame: DumpFrame::default(),
        }
    }
}

impl Digest {
    fn feed(&mut self, part: usize, value: &impl serde::Serialize) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Codec(e.to_string()))?;
        bytes.hash(&mut self.parts[part].1);
        Ok(())
    }

    /// How many records of a part it holds (the councils, the requests, ...).
    pub(super) fn count(&self, part: &str) -> usize {
        PARTS
            .iter()
            .position(|p| *p == part)
            .map_or(0, |i| self.parts[i].0)
    }

    fn next_seq(&self) -> u64 {
        self.frame.next_history_seq.max(self.max_seq.map_or(1, |s| s + 1))
    }

    /// What part of the copy differs from the original, if any. The stacks of a
    /// store written before undo was per user are each user's in the copy.
    pub(super) fn difference(&self, copy: &Digest) -> Option<String> {
        for (i, part) in PARTS.iter().enumerate() {
            let (a, b) = (&self.parts[i], &copy.parts[i]);
            if a.0 != b.0 || a.1.finish() != b.1.finish() {
                return Some(part.to_string());
            }
        }
        let (a, b) = (&self.frame, &copy.frame);
        let checks = [
            (
                "next_certificate_id",
                a.next_certificate_id == b.next_certificate_id,
            ),
            ("next_activity_id", a.next_activity_id == b.next_activity_id),
            ("next_history_seq", self.next_seq() == copy.next_seq()),
            (
                "stacks",
                !a.undo.is_empty() || !a.redo.is_empty() || a.stacks == b.stacks,
            ),
            // A copy that keeps holidays (a shared store) keeps every one.
            (
                "local_holidays",
                match (&a.local_holidays, &b.local_holidays) {
                    (Some(days), Some(kept)) => days.iter().all(|d| kept.contains(d)),
                    _ => true,
                },
            ),
        ];
        checks
            .into_iter()
            .find(|(_, same)| !same)
            .map(|(what, _)| what.to_string())
    }
}

impl DumpSink for Digest {
    fn record(&mut self, _: usize, record: Record) -> Result<(), StoreError> {
        let part = match record.kind() {
            Kind::Municipality => 0,
            Kind::Rollout => 1,
            Kind::Certificate => 2,
            Kind::Activity => 3,
            // Not compared, as before: the copy's are the store's own.
            Kind::Operator | Kind::Service => return Ok(()),
        };
        self.parts[part].0 += 1;
        self.feed(part, &record)
    }

    fn entry_start(&mut self, seq: u64, head: HistoryHead) -> Result<(), StoreError> {
        self.max_seq = self.max_seq.max(Some(seq));
        self.parts[4].0 += 1;
        self.feed(4, &(seq, head))
    }

    fn edit(&mut self, edit: Edit) -> Result<(), StoreError> {
        self.feed(4, &edit)
    }

    fn entry_end(&mut self) -> Result<(), StoreError> {
        self.feed(4, &"end")
    }
}

/// The digest of a backup read from `reader`.
pub(super) fn of_backup(reader: impl Read) -> Result<Digest, StoreError> {
    let mut digest = Digest::default();
    digest.frame =
        dump_reader::read(BufReader::with_capacity(1 << 16, reader), &mut digest).map_err(|e| match e {
            dump_reader::ReadError::Sink(e) => e,
            dump_reader::ReadError::Json(e) => StoreError::Codec(e.to_string()),
        })?;
    Ok(digest)
}

/// The digest of `store`'s backup, written by it on one side of a pipe and read
/// on the other as it is written.
pub(super) fn of_store(store: &dyn Store, now: chrono::DateTime<chrono::Utc>) -> Result<Digest, StoreError> {
    let (mut reader, writer) = std::io::pipe().map_err(|e| StoreError::Codec(e.to_string()))?;
    std::thread::scope(|s| {
        let written = s.spawn(move || {
            let mut out = BufWriter::with_capacity(1 << 16, writer);
            store.write_backup(now, &mut out)?;
            out.flush().map_err(|e| StoreError::Codec(e.to_string()))
        });
        let digest = of_backup(&mut reader);
        // The writer never waits on a reader that stopped early.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
        let written = written
            .join()
            .unwrap_or_else(|_| Err(StoreError::Codec("the backup's writer stopped".into())));
        written.and(digest)
    })
}
