//! A backup written piece by piece, byte for byte as `serde_json::to_vec(&Dump)`
//! writes it, so that a store of any size is written in little memory: a record
//! or a history entry's edit at a time.

use super::dump::{DUMP_FORMAT, DUMP_VERSION, UserStacks};
use super::{Edit, HistoryEntry, Kind, Record, Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// How much a backup held, for its summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackupCounts {
    pub municipalities: usize,
    pub certificates: usize,
    /// Entries of the support log.
    pub activities: usize,
    pub history: usize,
}

/// What follows the history, as `Dump` names it.
pub struct DumpTail<'a> {
    pub next_certificate_id: u64,
    pub next_activity_id: u64,
    pub next_history_seq: u64,
    pub undo: &'a [u64],
    pub redo: &'a [u64],
    pub stacks: &'a BTreeMap<String, UserStacks>,
    /// A shared store's sharing; None for a sled store (`Dump` leaves it out).
    pub sharing: Option<&'a super::Sharing>,
    /// The office's local holidays, if the store or its configuration has them.
    pub local_holidays: Option<&'a [super::dump::LocalHoliday]>,
    /// Each ER operator's office, as a shared store keeps them.
    pub operator_offices: Option<&'a [super::dump::OperatorOffice]>,
}

/// The record lists in `Dump`'s order, each with the kind it holds.
pub const SECTIONS: [(&str, Kind); 6] = [
    ("municipalities", Kind::Municipality),
    ("rollout", Kind::Rollout),
    ("certificates", Kind::Certificate),
    ("activities", Kind::Activity),
    ("operators", Kind::Operator),
    ("services", Kind::Service),
];

pub struct DumpWriter<'w> {
    out: &'w mut dyn Write,
    counts: BackupCounts,
}

fn json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(out, value).map_err(|e| StoreError::Codec(e.to_string()))
}

fn raw(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes).map_err(|e| StoreError::Codec(e.to_string()))
}

/// A record as its kind's list holds it (without `Record`'s tag).
fn record(out: &mut dyn Write, record: &Record) -> Result<()> {
    match record {
        Record::Municipality(m) => json(out, m),
        Record::Rollout(r) => json(out, r),
        Record::Certificate(c) => json(out, c),
        Record::Activity(a) => json(out, a),
        Record::Operator(o) => json(out, o),
        Record::Service(s) => json(out, s),
    }
}

impl<'w> DumpWriter<'w> {
    /// Writes the header: the format, its version, the schema and the time.
    pub fn begin(out: &'w mut dyn Write, schema_version: u32, now: DateTime<Utc>) -> Result<Self> {
        raw(out, b"{\"format\":")?;
        json(out, &DUMP_FORMAT)?;
        raw(out, b",\"format_version\":")?;
        json(out, &DUMP_VERSION)?;
        raw(out, b",\"schema_version\":")?;
        json(out, &schema_version)?;
        raw(out, b",\"created_at\":")?;
        json(out, &now)?;
        Ok(DumpWriter {
            out,
            counts: BackupCounts::default(),
        })
    }

    /// One kind's list (`name` from `SECTIONS`), a record at a time.
    pub fn records(&mut self, name: &str, items: impl Iterator<Item = Result<Record>>) -> Result<()> {
        raw(self.out, format!(",\"{name}\":[").as_bytes())?;
        let mut count = 0;
        for item in items {
            if count > 0 {
                raw(self.out, b",")?;
            }
            record(self.out, &item?)?;
            count += 1;
        }
        match name {
            "municipalities" => self.counts.municipalities = count,
            "certificates" => self.counts.certificates = count,
            "activities" => self.counts.activities = count,
            _ => {}
        }
        raw(self.out, b"]")
    }

    /// One history entry: its stored edits, then `more` (an import's records, read
    /// as they are written). Call between `begin_history` and `end`.
    pub fn entry(
        &mut self,
        seq: u64,
        entry: &HistoryEntry,
        more: impl Iterator<Item = Result<Edit>>,
    ) -> Result<()> {
        let lead: &[u8] = match self.counts.history {
            0 => b"",
            _ => b",",
        };
        raw(self.out, lead)?;
        raw(self.out, b"{\"seq\":")?;
        json(self.out, &seq)?;
        raw(self.out, b",\"entry\":")?;
        // The head's fields are the entry's first ones, in the same order.
        let mut head = serde_json::to_vec(&entry.head()).map_err(|e| StoreError::Codec(e.to_string()))?;
        head.pop();
        raw(self.out, &head)?;
        raw(self.out, b",\"edits\":[")?;
        let mut first = true;
        for edit in entry.edits.iter().map(|e| Ok(e.clone())).chain(more) {
            if !first {
                raw(self.out, b",")?;
            }
            json(self.out, &edit?)?;
            first = false;
        }
        raw(self.out, b"]}}")?;
        self.counts.history += 1;
        Ok(())
    }

    pub fn begin_history(&mut self) -> Result<()> {
        raw(self.out, b",\"history\":[")
    }

    /// Ends the history and writes the counters and the stacks.
    pub fn end(self, tail: &DumpTail) -> Result<BackupCounts> {
        let out = self.out;
        raw(out, b"],\"next_certificate_id\":")?;
        json(out, &tail.next_certificate_id)?;
        raw(out, b",\"next_activity_id\":")?;
        json(out, &tail.next_activity_id)?;
        raw(out, b",\"next_history_seq\":")?;
        json(out, &tail.next_history_seq)?;
        raw(out, b",\"undo\":")?;
        json(out, &tail.undo)?;
        raw(out, b",\"redo\":")?;
        json(out, &tail.redo)?;
        if !tail.stacks.is_empty() {
            raw(out, b",\"stacks\":")?;
            json(out, tail.stacks)?;
        }
        if let Some(sharing) = tail.sharing {
            raw(out, b",\"sharing\":")?;
            json(out, sharing)?;
        }
        if let Some(days) = tail.local_holidays {
            raw(out, b",\"local_holidays\":")?;
            json(out, &days)?;
        }
        if let Some(offices) = tail.operator_offices {
            raw(out, b",\"operator_offices\":")?;
            json(out, &offices)?;
        }
        raw(out, b"}")?;
        Ok(self.counts)
    }
}
