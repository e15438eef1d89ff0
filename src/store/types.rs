//! What a store holds and how it changes, whatever the backend: the kinds of
//! record, their identities, a change as the edits it makes, and the history.
//!
//! The kind list is `Kind`, `Record` and `RecordId`: a new kind of record is a
//! variant at the end of each (the history stores `Record` by variant position).

use super::ChangeKind;
use crate::domain::activity::Activity;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Municipality,
    Rollout,
    Certificate,
    Activity,
    Operator,
    Service,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Municipality,
        Kind::Rollout,
        Kind::Certificate,
        Kind::Activity,
        Kind::Operator,
        Kind::Service,
    ];

    /// Kinds whose new records the store numbers (`NEW_ID`), each with its own counter.
    pub fn is_numbered(self) -> bool {
        matches!(self, Kind::Certificate | Kind::Activity)
    }

    /// The kind's position in `ALL`.
    pub fn index(self) -> usize {
        Kind::ALL.iter().position(|&k| k == self).unwrap_or(0)
    }
}

/// Where the history keeps records: new variants go at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    Municipality(Municipality),
    Rollout(Rollout),
    Certificate(CertificateRequest),
    Activity(Activity),
    /// One of the office's ER operators.
    Operator(crate::domain::operator::Operator),
    /// A service of the AOC's catalogue: a column of the matrix.
    Service(crate::domain::catalog::Service),
}

/// Which record: the identity a record keeps through every change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordId {
    Municipality(IneCode),
    /// A council's rollout of one service (the service's catalogue id).
    Rollout(IneCode, String),
    Certificate(u64),
    Activity(u64),
    /// An ER operator, by name.
    Operator(String),
    /// A catalogue service, by id.
    Service(String),
}

impl RecordId {
    pub fn kind(&self) -> Kind {
        match self {
            RecordId::Municipality(_) => Kind::Municipality,
            RecordId::Rollout(..) => Kind::Rollout,
            RecordId::Certificate(_) => Kind::Certificate,
            RecordId::Activity(_) => Kind::Activity,
            RecordId::Operator(_) => Kind::Operator,
            RecordId::Service(_) => Kind::Service,
        }
    }
}

/// The id of a certificate request or an activity not stored yet: the store gives
/// it the next one of its kind when it applies the change that creates it.
pub const NEW_ID: u64 = 0;

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::Municipality(_) => Kind::Municipality,
            Record::Rollout(_) => Kind::Rollout,
            Record::Certificate(_) => Kind::Certificate,
            Record::Activity(_) => Kind::Activity,
            Record::Operator(_) => Kind::Operator,
            Record::Service(_) => Kind::Service,
        }
    }

    pub fn id(&self) -> RecordId {
        match self {
            Record::Municipality(m) => RecordId::Municipality(m.ine),
            Record::Rollout(r) => RecordId::Rollout(r.ine, r.service.clone()),
            Record::Certificate(c) => RecordId::Certificate(c.id),
            Record::Activity(a) => RecordId::Activity(a.id),
            Record::Operator(o) => RecordId::Operator(o.name.clone()),
            Record::Service(s) => RecordId::Service(s.id.clone()),
        }
    }

    /// The number of a record of a numbered kind.
    pub fn number(&self) -> Option<u64> {
        match self {
            Record::Certificate(c) => Some(c.id),
            Record::Activity(a) => Some(a.id),
            Record::Municipality(_) | Record::Rollout(_) | Record::Operator(_) | Record::Service(_) => None,
        }
    }

    /// Gives a numbered record its number (the store does, in the change's transaction).
    pub fn set_number(&mut self, id: u64) {
        match self {
            Record::Certificate(c) => c.id = id,
            Record::Activity(a) => a.id = id,
            Record::Municipality(_) | Record::Rollout(_) | Record::Operator(_) | Record::Service(_) => {}
        }
    }

    /// A record whose id the store is to assign.
    pub fn is_new(&self) -> bool {
        self.number() == Some(NEW_ID)
    }
}

/// One record's change: absent before means created, absent after means removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub before: Option<Record>,
    pub after: Option<Record>,
}

impl Edit {
    pub fn create(after: Record) -> Edit {
        Edit {
            before: None,
            after: Some(after),
        }
    }

    pub fn update(before: Record, after: Record) -> Edit {
        Edit {
            before: Some(before),
            after: Some(after),
        }
    }

    /// The record as it ends up, or as it was if removed.
    pub fn record(&self) -> Option<&Record> {
        self.after.as_ref().or(self.before.as_ref())
    }

    pub fn kind(&self) -> Option<Kind> {
        self.record().map(Record::kind)
    }

    pub fn id(&self) -> Option<RecordId> {
        self.record().map(Record::id)
    }

    pub fn inverse(&self) -> Edit {
        Edit {
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// A unit of work: what the user did, as the records it touches. The backend
/// records who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub edits: Vec<Edit>,
    /// False for changes `u` must not walk back, such as seeding the store.
    pub undoable: bool,
}

impl Change {
    pub fn new(kind: ChangeKind, edits: Vec<Edit>) -> Change {
        Change {
            kind,
            edits,
            undoable: true,
        }
    }

    /// The same change, kept in the history but out of reach of undo.
    pub fn not_undoable(mut self) -> Change {
        self.undoable = false;
        self
    }

    pub fn update(kind: ChangeKind, before: Record, after: Record) -> Change {
        Change::new(kind, vec![Edit::update(before, after)])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Do,
    /// Undid the entry with this sequence number.
    Undo(u64),
    /// Redid the entry with this sequence number.
    Redo(u64),
}

/// One line of the audit trail. Its fields, in this order, are the stored format;
/// `change` keeps the name `action` it has always had in backups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub at: DateTime<Utc>,
    pub user: String,
    pub kind: EntryKind,
    #[serde(rename = "action")]
    pub change: ChangeKind,
    pub edits: Vec<Edit>,
}

/// The leading fields of a [`HistoryEntry`], in the same order, read without its edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryHead {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub at: DateTime<Utc>,
    pub user: String,
    pub kind: EntryKind,
    #[serde(rename = "action")]
    pub change: ChangeKind,
}

impl HistoryEntry {
    pub fn head(&self) -> HistoryHead {
        HistoryHead {
            at: self.at,
            user: self.user.clone(),
            kind: self.kind,
            change: self.change.clone(),
        }
    }
}

/// One history entry that touched a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordHistory {
    pub seq: u64,
    pub head: HistoryHead,
    /// The entry changed a run of records at once (an import).
    pub bulk: bool,
    /// What it did to this record; None for a bulk entry, whose head says enough.
    pub edit: Option<Edit>,
}

/// What the store did, for the caller to mirror in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub kind: EntryKind,
    pub change: ChangeKind,
    /// The ids the store gave to new records, in edit order.
    pub ids: Vec<u64>,
    /// The edits as applied: new ids filled in; for an undo, already inverted.
    pub edits: Vec<Edit>,
    /// A run of records written or taken away besides `edits`, too many to list
    /// (a large import, its undo or redo); the caller reads them if it needs them.
    pub bulk: Option<BulkRange>,
    /// On disk. False while the backend keeps it in memory to write later (a full
    /// disk): it is applied all the same, and `Store::unsaved` lists it.
    pub durable: bool,
}

/// A history entry this client's types cannot read (a record written by hand,
/// or by a newer ocsae): the live feed skips it and names it for the administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub seq: u64,
    pub user: String,
    /// Why it could not be read, for the log.
    pub detail: String,
}

/// The entries after a point: those read, oldest first, and those skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub applied: Vec<Applied>,
    pub unreadable: Vec<Unreadable>,
    /// The entries since were too large to read at once (their newest number):
    /// none is in `applied`, and the records are to be read instead.
    pub too_large: Option<u64>,
}

/// Every record of one kind from `first` to `last`, written by a change
/// (`removed` false) or taken away by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkRange {
    pub kind: Kind,
    pub first: u64,
    pub last: u64,
    pub removed: bool,
}

impl BulkRange {
    /// Whether the record `id` is in the run.
    pub fn covers(&self, id: &RecordId) -> bool {
        id.kind() == self.kind
            && match id {
                RecordId::Certificate(n) | RecordId::Activity(n) => (self.first..=self.last).contains(n),
                _ => false,
            }
    }
}

impl Applied {
    pub fn head(&self) -> HistoryHead {
        HistoryHead {
            at: self.at,
            user: self.user.clone(),
            kind: self.kind,
            change: self.change.clone(),
        }
    }
}
