//! A backup read as it streams, through serde: each record, and each edit of a
//! history entry, is handed over as it is read, so a backup of any size is read
//! in little memory. The layout is `Dump`'s; its missing fields are refused as
//! serde refuses them, with the line.

use super::dump::UserStacks;
use super::{Edit, HistoryHead, Record, StoreError};
use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// The fields of a backup around its records and history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DumpFrame {
    pub format: String,
    pub format_version: u32,
    pub schema_version: u32,
    pub created_at: Option<DateTime<Utc>>,
    pub next_certificate_id: u64,
    pub next_activity_id: u64,
    pub next_history_seq: u64,
    pub undo: Vec<u64>,
    pub redo: Vec<u64>,
    pub stacks: BTreeMap<String, UserStacks>,
    pub sharing: Option<super::Sharing>,
    pub local_holidays: Option<Vec<super::dump::LocalHoliday>>,
    pub operator_offices: Option<Vec<super::dump::OperatorOffice>>,
}

/// What is done with each piece as it is read. An error stops the reading.
pub trait DumpSink {
    /// A record, with its place in its kind's list.
    fn record(&mut self, index: usize, record: Record) -> Result<(), StoreError>;
    fn entry_start(&mut self, seq: u64, head: HistoryHead) -> Result<(), StoreError>;
    fn edit(&mut self, edit: Edit) -> Result<(), StoreError>;
    fn entry_end(&mut self) -> Result<(), StoreError>;
}

/// A backup checked whole, read again piece by piece to be written.
pub trait DumpSource {
    fn checked(&self) -> &super::dump_check::Checked;
    /// Hands every piece to `sink`; refused if it is not what was checked.
    fn load(&mut self, sink: &mut dyn DumpSink) -> Result<(), super::RestoreError>;

    /// The whole backup in memory, for a store that does not stream a restore.
    fn read_whole(&mut self) -> Result<super::Dump, super::RestoreError> {
        let frame = self.checked().frame.clone();
        let mut collect = Collect(super::Dump {
            format: frame.format,
            format_version: frame.format_version,
            schema_version: frame.schema_version,
            created_at: frame.created_at.unwrap_or_default(),
            municipalities: Vec::new(),
            rollout: Vec::new(),
            certificates: Vec::new(),
            activities: Vec::new(),
            operators: Vec::new(),
            services: Vec::new(),
            history: Vec::new(),
            next_certificate_id: frame.next_certificate_id,
            next_activity_id: frame.next_activity_id,
            next_history_seq: frame.next_history_seq,
            undo: frame.undo,
            redo: frame.redo,
            stacks: frame.stacks,
            sharing: frame.sharing,
            local_holidays: frame.local_holidays,
            operator_offices: frame.operator_offices,
        });
        self.load(&mut collect)?;
        Ok(collect.0)
    }
}

/// Gathers a dump whole.
struct Collect(super::Dump);

impl DumpSink for Collect {
    fn record(&mut self, _: usize, record: Record) -> Result<(), StoreError> {
        self.0.push(record);
        Ok(())
    }

    fn entry_start(&mut self, seq: u64, head: HistoryHead) -> Result<(), StoreError> {
        let entry = super::HistoryEntry {
            at: head.at,
            user: head.user,
            kind: head.kind,
            change: head.change,
            edits: Vec::new(),
        };
        self.0.history.push(super::dump::HistoryItem { seq, entry });
        Ok(())
    }

    fn edit(&mut self, edit: Edit) -> Result<(), StoreError> {
        if let Some(item) = self.0.history.last_mut() {
            item.entry.edits.push(edit);
        }
        Ok(())
    }

    fn entry_end(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Why a reading stopped: the file (with serde's line), or the sink.
#[derive(Debug)]
pub enum ReadError {
    Json(serde_json::Error),
    Sink(StoreError),
}

/// Reads the backup from `reader` a piece at a time into `sink`.
pub fn read(reader: impl std::io::Read, sink: &mut dyn DumpSink) -> Result<DumpFrame, ReadError> {
    let mut failed = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = Top {
        sink,
        failed: &mut failed,
    }
    .deserialize(&mut de)
    .and_then(|frame| de.end().map(|()| frame));
    match (result, failed) {
        (_, Some(e)) => Err(ReadError::Sink(e)),
        (Ok(frame), None) => Ok(frame),
        (Err(e), None) => Err(ReadError::Json(e)),
    }
}

/// The sink and where its first error goes (serde's errors carry only text).
struct Top<'a> {
    sink: &'a mut dyn DumpSink,
    failed: &'a mut Option<StoreError>,
}

impl Top<'_> {
    fn pass<E: de::Error>(&mut self, result: Result<(), StoreError>) -> Result<(), E> {
        result.map_err(|e| {
            let text = e.to_string();
            *self.failed = Some(e);
            E::custom(text)
        })
    }
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = DumpFrame;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DumpFrame, D::Error> {
        d.deserialize_map(self)
    }
}

fn missing<E: de::Error>(seen: &[&str], fields: &[&'static str]) -> Result<(), E> {
    match fields.iter().find(|f| !seen.contains(f)) {
        Some(field) => Err(E::missing_field(field)),
        None => Ok(()),
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = DumpFrame;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Dump")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DumpFrame, A::Error> {
        let mut frame = DumpFrame {
            next_activity_id: 1,
            ..DumpFrame::default()
        };
        let mut seen: Vec<&str> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => frame.format = map.next_value()?,
                "format_version" => frame.format_version = map.next_value()?,
                "schema_version" => frame.schema_version = map.next_value()?,
                "created_at" => frame.created_at = Some(map.next_value()?),
                "municipalities" | "rollout" | "certificates" | "activities" | "operators" | "services" => {
                    map.next_value_seed(Records {
                        top: Top {
                            sink: &mut *self.sink,
                            failed: &mut *self.failed,
                        },
                        section: section(&key),
                    })?
                }
                "history" => map.next_value_seed(History(Top {
                    sink: &mut *self.sink,
                    failed: &mut *self.failed,
                }))?,
                "next_certificate_id" => frame.next_certificate_id = map.next_value()?,
                "next_activity_id" => frame.next_activity_id = map.next_value()?,
                "next_history_seq" => frame.next_history_seq = map.next_value()?,
                "undo" => frame.undo = map.next_value()?,
                "redo" => frame.redo = map.next_value()?,
                "stacks" => frame.stacks = map.next_value()?,
                "sharing" => frame.sharing = map.next_value()?,
                "local_holidays" => frame.local_holidays = map.next_value()?,
                "operator_offices" => frame.operator_offices = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            }
            if let Some(known) = FIELDS.iter().find(|f| **f == key) {
                seen.push(known);
            }
        }
        missing(&seen, &REQUIRED)?;
        Ok(frame)
    }
}

const FIELDS: [&str; 20] = [
    "format",
    "format_version",
    "schema_version",
    "created_at",
    "municipalities",
    "rollout",
    "certificates",
    "activities",
    "operators",
    "services",
    "history",
    "next_certificate_id",
    "next_activity_id",
    "next_history_seq",
    "undo",
    "redo",
    "stacks",
    "sharing",
    "local_holidays",
    "operator_offices",
];

/// The fields `Dump` has no default for, in its order.
const REQUIRED: [&str; 12] = [
    "format",
    "format_version",
    "schema_version",
    "created_at",
    "municipalities",
    "rollout",
    "certificates",
    "history",
    "next_certificate_id",
    "next_history_seq",
    "undo",
    "redo",
];

#[derive(Clone, Copy)]
enum Section {
    Municipalities,
    Rollout,
    Certificates,
    Activities,
    Operators,
    Services,
}

fn section(key: &str) -> Section {
    match key {
        "municipalities" => Section::Municipalities,
        "rollout" => Section::Rollout,
        "certificates" => Section::Certificates,
        "activities" => Section::Activities,
        "operators" => Section::Operators,
        _ => Section::Services,
    }
}

struct Records<'a> {
    top: Top<'a>,
    section: Section,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            let record = match self.section {
                Section::Municipalities => seq.next_element()?.map(Record::Municipality),
                Section::Rollout => seq.next_element()?.map(Record::Rollout),
                Section::Certificates => seq.next_element()?.map(Record::Certificate),
                Section::Activities => seq.next_element()?.map(Record::Activity),
                Section::Operators => seq.next_element()?.map(Record::Operator),
                Section::Services => seq.next_element()?.map(Record::Service),
            };
            let Some(record) = record else {
                return Ok(());
            };
            let done = self.top.sink.record(index, record);
            self.top.pass(done)?;
            index += 1;
        }
    }
}

/// The history: each item's `seq` comes before its `entry`, and in the entry
/// the head's fields before `edits`, as ocsae writes them.
struct History<'a>(Top<'a>);

impl<'de> DeserializeSeed<'de> for History<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for History<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of history items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Item(Top {
                sink: &mut *self.0.sink,
                failed: &mut *self.0.failed,
            }))?
            .is_some()
        {}
        Ok(())
    }
}

struct Item<'a>(Top<'a>);

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Item<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct HistoryItem")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut number = None;
        let mut entry = false;
        let mut held = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "seq" => number = Some(map.next_value::<u64>()?),
                "entry" => {
                    let Some(seq) = number else {
                        // Not as ocsae writes it (a tool sorted the keys): held whole.
                        held = Some(map.next_value::<super::HistoryEntry>()?);
                        entry = true;
                        continue;
                    };
                    map.next_value_seed(Entry {
                        top: Top {
                            sink: &mut *self.0.sink,
                            failed: &mut *self.0.failed,
                        },
                        seq,
                    })?;
                    entry = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(seq) = number else {
            return Err(de::Error::missing_field("seq"));
        };
        if !entry {
            return Err(de::Error::missing_field("entry"));
        }
        match held {
            Some(entry) => {
                let mut top = self.0;
                let done = hand_over(top.sink, seq, entry);
                top.pass(done)
            }
            None => Ok(()),
        }
    }
}

/// An entry read whole, handed over as one read as it streams.
fn hand_over(sink: &mut dyn DumpSink, seq: u64, entry: super::HistoryEntry) -> Result<(), StoreError> {
    let head = entry.head();
    sink.entry_start(seq, head)?;
    for edit in entry.edits {
        sink.edit(edit)?;
    }
    sink.entry_end()
}

struct Entry<'a> {
    top: Top<'a>,
    seq: u64,
}

impl<'de> DeserializeSeed<'de> for Entry<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// The time of an entry, as the history keeps it.
#[derive(serde::Deserialize)]
struct Millis(#[serde(with = "chrono::serde::ts_milliseconds")] DateTime<Utc>);

impl<'de> Visitor<'de> for Entry<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct HistoryEntry")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let (mut at, mut user, mut kind, mut change) = (None, None, None, None);
        let mut edits = false;
        let mut held = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "at" => at = Some(map.next_value::<Millis>()?.0),
                "user" => user = Some(map.next_value()?),
                "kind" => kind = Some(map.next_value()?),
                "action" => change = Some(map.next_value()?),
                "edits" if at.is_none() || user.is_none() || kind.is_none() || change.is_none() => {
                    // Not as ocsae writes it (a tool sorted the keys): held until the head.
                    held = Some(map.next_value::<Vec<Edit>>()?);
                }
                "edits" => {
                    let head = HistoryHead {
                        at: at.ok_or_else(|| de::Error::missing_field("at"))?,
                        user: user.take().ok_or_else(|| de::Error::missing_field("user"))?,
                        kind: kind.ok_or_else(|| de::Error::missing_field("kind"))?,
                        change: change.take().ok_or_else(|| de::Error::missing_field("action"))?,
                    };
                    let started = self.top.sink.entry_start(self.seq, head);
                    self.top.pass(started)?;
                    map.next_value_seed(Edits(Top {
                        sink: &mut *self.top.sink,
                        failed: &mut *self.top.failed,
                    }))?;
                    let ended = self.top.sink.entry_end();
                    self.top.pass(ended)?;
                    edits = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(edits) = held {
            let entry = super::HistoryEntry {
                at: at.ok_or_else(|| de::Error::missing_field("at"))?,
                user: user.ok_or_else(|| de::Error::missing_field("user"))?,
                kind: kind.ok_or_else(|| de::Error::missing_field("kind"))?,
                change: change.ok_or_else(|| de::Error::missing_field("action"))?,
                edits,
            };
            let done = hand_over(self.top.sink, self.seq, entry);
            return self.top.pass(done);
        }
        match edits {
            true => Ok(()),
            false => Err(de::Error::missing_field("edits")),
        }
    }
}

struct Edits<'a>(Top<'a>);

impl<'de> DeserializeSeed<'de> for Edits<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Edits<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of edits")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(edit) = seq.next_element::<Edit>()? {
            let done = self.0.sink.edit(edit);
            self.0.pass(done)?;
        }
        Ok(())
    }
}
