//! The backup of a shared store written as it is read: in one read-only
//! snapshot (REPEATABLE READ), each table page by page in key order and the
//! history's edits page by page, so a store of any size is written in little
//! memory, byte for byte as `dump_all`'s `Dump` is written by serde.

use super::backup::{next_ids, read_holidays, read_operators, read_sharing, read_stacks, records_version};
use super::commit::edit_of;
use super::history::head_of;
use super::{PgStore, damaged, pg_error, records::PAGE, tables};
use crate::domain::municipality::IneCode;
use crate::store::dump::{Inconsistency, unsafe_text};
use crate::store::dump_writer::{BackupCounts, DumpTail, DumpWriter, SECTIONS};
use crate::store::{Edit, HistoryEntry, Kind, Record, RecordId, Result, StoreError};
use chrono::{DateTime, Utc};
use postgres::Transaction;
use std::collections::{HashSet, VecDeque};

/// History entries read per round trip (their edits are paged apart).
const HEADS: i64 = 1_000;

impl PgStore {
    pub(super) fn stream_backup(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
    ) -> Result<BackupCounts> {
        let location = self.name();
        // `write`, not `read`: a reading is never tried again once bytes are out.
        self.write_here(|client, _| {
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg_error)?;
            let mut writer = DumpWriter::begin(out, records_version(), now)?;
            let mut restorable = Restorable::default();
            let mut operator_offices = Vec::new();
            for (name, kind) in SECTIONS {
                if kind == Kind::Operator {
                    let (records, offices) = read_operators(&mut tx, &location)?;
                    operator_offices = offices;
                    let checked = records.into_iter().map(|r| restorable.check(&location, name, r));
                    writer.records(name, checked)?;
                    continue;
                }
                let pages = RecordPages::new(&mut tx, kind, &location);
                let checked = pages.map(|r| r.and_then(|r| restorable.check(&location, name, r)));
                writer.records(name, checked)?;
            }
            writer.begin_history()?;
            let mut after = 0i64;
            loop {
                let heads = tx
                    .query(
                        "SELECT seq, at, author, kind, target, change FROM ocsae.history \
                         WHERE seq > $1 ORDER BY seq LIMIT $2",
                        &[&after, &HEADS],
                    )
                    .map_err(pg_error)?;
                let Some(last) = heads.last().map(|r| r.get::<_, i64>(0)) else {
                    break;
                };
                let mut edits = EditPages {
                    upto: last,
                    after: (after, -1),
                    ready: VecDeque::new(),
                    done: false,
                };
                for row in &heads {
                    let seq: i64 = row.get(0);
                    let head = head_of(row, 1);
                    let entry = HistoryEntry {
                        at: head.at,
                        user: head.user,
                        kind: head.kind,
                        change: head.change,
                        edits: Vec::new(),
                    };
                    let tx = &mut tx;
                    let more = std::iter::from_fn(|| edits.next_of(tx, seq, &location));
                    writer.entry(seq as u64, &entry, more)?;
                }
                after = last;
                if (heads.len() as i64) < HEADS {
                    break;
                }
            }
            let (next_certificate_id, next_activity_id, next_history_seq) = next_ids(&mut tx)?;
            let stacks = read_stacks(&mut tx)?;
            let sharing = read_sharing(&mut tx)?;
            let holidays = read_holidays(&mut tx)?;
            let counts = writer.end(&DumpTail {
                next_certificate_id,
                next_activity_id,
                next_history_seq,
                undo: &[],
                redo: &[],
                stacks: &stacks,
                sharing: Some(&sharing),
                local_holidays: Some(&holidays),
                operator_offices: Some(&operator_offices),
            })?;
            tx.commit().map_err(pg_error)?;
            Ok(counts)
        })
    }
}

/// What a restore refuses in the records written (text that could drive a
/// terminal, a council that is not there), found as they stream: the server
/// refuses them since schema 8, but rows written before, or by the
/// administrator's hand, may hold them, and the backup must fail now rather
/// than its restore later. Councils come first in a backup.
#[derive(Default)]
struct Restorable {
    councils: HashSet<IneCode>,
}

impl Restorable {
    fn check(&mut self, location: &str, section: &str, record: Record) -> Result<Record> {
        let refuse = |what| StoreError::Unrestorable {
            location: location.to_string(),
            what,
        };
        let unknown = |ine: &IneCode| !self.councils.contains(ine);
        match &record {
            Record::Municipality(m) => {
                self.councils.insert(m.ine);
            }
            Record::Rollout(r) if unknown(&r.ine) => {
                return Err(refuse(Inconsistency::RolloutCouncil(r.ine)));
            }
            Record::Certificate(c) if unknown(&c.ine) => {
                return Err(refuse(Inconsistency::RequestCouncil { id: c.id, ine: c.ine }));
            }
            Record::Activity(a) => {
                if let Some(ine) = a.council_codes().into_iter().find(|ine| unknown(ine)) {
                    return Err(refuse(Inconsistency::ActivityCouncil { id: a.id, ine }));
                }
            }
            _ => {}
        }
        // Named by the record's key: `.certificates[id=12].holder`.
        let id = record.id();
        let key = match id {
            RecordId::Municipality(_) => format!("ine={}", tables::key_text(&id)),
            RecordId::Certificate(_) | RecordId::Activity(_) => format!("id={}", tables::key_text(&id)),
            _ => tables::key_text(&id),
        };
        let json = match &record {
            Record::Municipality(m) => serde_json::to_value(m),
            Record::Rollout(r) => serde_json::to_value(r),
            Record::Certificate(c) => serde_json::to_value(c),
            Record::Activity(a) => serde_json::to_value(a),
            Record::Operator(o) => serde_json::to_value(o),
            Record::Service(x) => serde_json::to_value(x),
        }
        .map_err(|e| StoreError::Codec(e.to_string()))?;
        match unsafe_text(&json, &format!(".{section}[{key}]")) {
            Some(path) => Err(refuse(Inconsistency::UnsafeText(path))),
            None => Ok(record),
        }
    }
}

/// A kind's records in key order, a page at a time, inside the snapshot.
pub(super) struct RecordPages<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    kind: Kind,
    location: &'t str,
    after: Option<RecordId>,
    ready: VecDeque<Record>,
    done: bool,
}

impl<'t, 'c> RecordPages<'t, 'c> {
    pub(super) fn new(tx: &'t mut Transaction<'c>, kind: Kind, location: &'t str) -> Self {
        RecordPages {
            tx,
            kind,
            location,
            after: None,
            ready: VecDeque::new(),
            done: false,
        }
    }

    fn fill(&mut self) -> Result<()> {
        let rows = tables::page(self.tx, self.kind, self.after.as_ref(), PAGE).map_err(pg_error)?;
        self.done = (rows.len() as i64) < PAGE;
        for row in &rows {
            match tables::from_row(self.kind, row, 0).map_err(|e| damaged(self.location, e))? {
                Some(record) => self.ready.push_back(record),
                None => return Err(damaged(self.location, "a record is null")),
            }
        }
        self.after = self.ready.back().map(Record::id);
        Ok(())
    }
}

impl Iterator for RecordPages<'_, '_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.ready.is_empty()
            && !self.done
            && let Err(e) = self.fill()
        {
            self.done = true;
            return Some(Err(e));
        }
        self.ready.pop_front().map(Ok)
    }
}

/// The edits of a page of entries (up to `upto`), in order, a page at a time.
struct EditPages {
    upto: i64,
    /// The last edit read: its entry and place.
    after: (i64, i32),
    ready: VecDeque<(i64, Edit)>,
    done: bool,
}

impl EditPages {
    /// The next edit of entry `seq`; None once the next one is another entry's.
    fn next_of(&mut self, tx: &mut Transaction, seq: i64, location: &str) -> Option<Result<Edit>> {
        if self.ready.is_empty() && !self.done {
            let rows = tx.query(
                "SELECT seq, pos, kind, before, after FROM ocsae.history_edit \
                 WHERE (seq, pos) > ($1, $2) AND seq <= $3 ORDER BY seq, pos LIMIT $4",
                &[&self.after.0, &self.after.1, &self.upto, &PAGE],
            );
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    self.done = true;
                    return Some(Err(pg_error(e)));
                }
            };
            self.done = (rows.len() as i64) < PAGE;
            for row in &rows {
                match edit_of(row, 2, location) {
                    Ok(edit) => self.ready.push_back((row.get(0), edit)),
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
            }
            if let Some(row) = rows.last() {
                self.after = (row.get(0), row.get(1));
            }
        }
        match self.ready.front() {
            Some((of, _)) if *of == seq => self.ready.pop_front().map(|(_, edit)| Ok(edit)),
            _ => None,
        }
    }
}
