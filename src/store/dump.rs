//! A complete, typed copy of a store: every record, the history and the counters.
//! `io::backup` writes it as JSON; a backend's restore checks it all with
//! `Dump::check` before one transaction.

use super::{HistoryEntry, Record, StoreError};
use crate::domain::activity::Activity;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const DUMP_FORMAT: &str = "ocsae-backup";
/// The version of the dump layout this build writes and reads.
pub const DUMP_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub seq: u64,
    pub entry: HistoryEntry,
}

/// One user's undo and redo stacks, as sequence numbers, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStacks {
    pub undo: Vec<u64>,
    pub redo: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dump {
    pub format: String,
    pub format_version: u32,
    pub schema_version: u32,
    pub created_at: DateTime<Utc>,
    pub municipalities: Vec<Municipality>,
    pub rollout: Vec<Rollout>,
    pub certificates: Vec<CertificateRequest>,
    /// The support log; absent from backups of stores written before it.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// The office's ER operators; absent from backups written before them.
    #[serde(default)]
    pub operators: Vec<crate::domain::operator::Operator>,
    /// The service catalogue; absent from backups written before it was stored.
    #[serde(default)]
    pub services: Vec<crate::domain::catalog::Service>,
    pub history: Vec<HistoryItem>,
    pub next_certificate_id: u64,
    #[serde(default = "first_id")]
    pub next_activity_id: u64,
    pub next_history_seq: u64,
    /// The stacks of stores written before undo was per user: each user's are
    /// the entries of theirs in these.
    pub undo: Vec<u64>,
    pub redo: Vec<u64>,
    /// Each user's stacks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stacks: BTreeMap<String, UserStacks>,
    /// How a shared store is shared between offices; absent from a sled store's
    /// backups and from older ones (whose restore leaves the target's as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing: Option<Sharing>,
    /// The office's local holidays; absent from older backups and from those of a
    /// sled store whose configuration lists none (a restore of either leaves the
    /// target's as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_holidays: Option<Vec<LocalHoliday>>,
    /// Each ER operator's office, in the order of `operators` (several offices
    /// may list one name); absent from a sled store's backups and older ones
    /// (whose restore gives operators the office of a one-comarca store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_offices: Option<Vec<OperatorOffice>>,
}

/// The office (comarca) that listed an ER operator, by the operator's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorOffice {
    pub name: String,
    pub comarca: String,
}

/// One local holiday of an office, under its comarca as a shared store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LocalHoliday {
    pub comarca: String,
    pub day: chrono::NaiveDate,
}

/// A shared store's row-level security and its offices, carried so that a
/// restore puts them back with the records they guard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    /// Several offices share the database: each sees only its comarques.
    pub multi_office: bool,
    /// Which role belongs to which comarca's office; None leaves the target's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offices: Option<Vec<Office>>,
}

/// One row of the office list: a role (a technician's or a group's) and a comarca.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Office {
    pub comarca: String,
    pub role: String,
}

fn first_id() -> u64 {
    1
}

/// Why a dump cannot be restored; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("not an ocsae backup")]
    NotABackup,
    #[error("backup format {0} is newer than this ocsae reads")]
    NewerFormat(u32),
    #[error("backup of schema {0}, this ocsae reads schemas {2} to {1}")]
    /// The backup's schema, the newest this build reads, the oldest.
    Schema(u32, u32, u32),
    #[error("the store holds data")]
    NotEmpty,
    #[error("{0}")]
    Inconsistent(Inconsistency),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record breaks a rule of the forms: the words name it and the field.
    #[error("{0}")]
    Rule(String),
    /// The file changed between its check and its writing: nothing was kept.
    #[error("the backup changed while it was restored")]
    Changed(std::path::PathBuf),
}

/// What ocsae itself never writes into a backup, found in one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inconsistency {
    #[error("council {0} appears twice")]
    DuplicateCouncil(IneCode),
    #[error("certificate request {0} appears twice")]
    DuplicateRequest(u64),
    #[error("request {id} names an unknown council {ine}")]
    RequestCouncil { id: u64, ine: IneCode },
    #[error("a rollout entry names an unknown council {0}")]
    RolloutCouncil(IneCode),
    #[error("activity {0} appears twice")]
    DuplicateActivity(u64),
    #[error("activity {id} names an unknown council {ine}")]
    ActivityCouncil { id: u64, ine: IneCode },
    /// The path of the text in the backup (`.certificates[2].holder`).
    #[error("control or invisible characters in {0}")]
    UnsafeText(String),
    /// A number past what ids and history numbers reach (`field` names it).
    #[error("{field} is {value}, past {MAX_NUMBER}")]
    TooLarge { field: &'static str, value: u64 },
    /// An ER operator's office listed twice (a restore would write it twice).
    #[error("operator_offices lists {name} twice under {comarca}")]
    DuplicateOperatorOffice { name: String, comarca: String },
    /// A comarca none of the backup's councils is in (`field` names the list).
    #[error("{field} names {comarca}, a comarca of none of its councils")]
    UnknownComarca { field: &'static str, comarca: String },
}

/// Ids and history numbers a backup may carry: far more than any office files,
/// far below what the shared store's sequences and checks take (a restored
/// counter near the limit would stop every save).
pub const MAX_NUMBER: u64 = 1_000_000_000_000_000;

impl RestoreError {
    /// Why the backup cannot be restored into `store`, in the user's language.
    pub fn localize(&self, t: &crate::i18n::I18n, store: &dyn std::fmt::Display) -> String {
        use crate::i18n::Msg;
        match self {
            RestoreError::NotABackup => t.t(Msg::restore_not_backup).to_string(),
            RestoreError::NewerFormat(found) => t.f(
                Msg::restore_newer_format,
                &[("found", found), ("supported", &DUMP_VERSION)],
            ),
            RestoreError::Schema(found, current, _) => {
                t.f(Msg::restore_schema, &[("found", found), ("current", current)])
            }
            RestoreError::NotEmpty => t.f(Msg::err_restore_not_empty, &[("path", store)]),
            RestoreError::Store(e) => e.localize(t),
            RestoreError::Rule(text) => text.clone(),
            RestoreError::Changed(path) => crate::io::IoError::Changed { path: path.clone() }.localize(t),
            RestoreError::Inconsistent(what) => match what {
                Inconsistency::DuplicateCouncil(ine) => t.f(Msg::restore_dup_council, &[("ine", ine)]),
                Inconsistency::DuplicateRequest(id) => t.f(Msg::restore_dup_request, &[("id", id)]),
                Inconsistency::RequestCouncil { id, ine } => {
                    t.f(Msg::restore_request_council, &[("id", id), ("ine", ine)])
                }
                Inconsistency::RolloutCouncil(ine) => t.f(Msg::restore_rollout_council, &[("ine", ine)]),
                Inconsistency::DuplicateActivity(id) => t.f(Msg::restore_dup_activity, &[("id", id)]),
                Inconsistency::ActivityCouncil { id, ine } => {
                    t.f(Msg::restore_activity_council, &[("id", id), ("ine", ine)])
                }
                Inconsistency::UnsafeText(path) => t.f(Msg::restore_unsafe_text, &[("path", path)]),
                Inconsistency::TooLarge { field, value } => t.f(
                    Msg::restore_too_large,
                    &[("field", field), ("value", value), ("max", &MAX_NUMBER)],
                ),
                Inconsistency::DuplicateOperatorOffice { name, comarca } => t.f(
                    Msg::restore_dup_operator_office,
                    &[
                        ("name", &crate::domain::text::clean(name)),
                        ("comarca", &crate::domain::text::clean(comarca)),
                    ],
                ),
                Inconsistency::UnknownComarca { field, comarca } => t.f(
                    Msg::restore_unknown_comarca,
                    &[
                        ("field", field),
                        ("comarca", &crate::domain::text::clean(comarca)),
                    ],
                ),
            },
        }
    }
}

impl Dump {
    /// Every record, councils first (what a restore needs first).
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        let councils = self.municipalities.iter().cloned().map(Record::Municipality);
        let rollout = self.rollout.iter().cloned().map(Record::Rollout);
        let certificates = self.certificates.iter().cloned().map(Record::Certificate);
        let activities = self.activities.iter().cloned().map(Record::Activity);
        let operators = self.operators.iter().cloned().map(Record::Operator);
        let services = self.services.iter().cloned().map(Record::Service);
        services
            .chain(councils)
            .chain(rollout)
            .chain(certificates)
            .chain(activities)
            .chain(operators)
    }

    /// Adds a record to its kind's list.
    pub fn push(&mut self, record: Record) {
        match record {
            Record::Municipality(m) => self.municipalities.push(m),
            Record::Rollout(r) => self.rollout.push(r),
            Record::Certificate(c) => self.certificates.push(c),
            Record::Activity(a) => self.activities.push(a),
            Record::Operator(o) => self.operators.push(o),
            Record::Service(s) => self.services.push(s),
        }
    }

    /// Everything a restore checks before it writes: the format, the schema (the
    /// backend's: `oldest..=schema`, the schemas whose backups read as this one's,
    /// each newer one only adding kinds), and what ocsae itself never writes.
    pub fn check(&self, schema: u32, oldest: u32) -> Result<(), RestoreError> {
        if self.format != DUMP_FORMAT {
            return Err(RestoreError::NotABackup);
        }
        if self.format_version > DUMP_VERSION {
            return Err(RestoreError::NewerFormat(self.format_version));
        }
        if !(oldest..=schema).contains(&self.schema_version) {
            return Err(RestoreError::Schema(self.schema_version, schema, oldest));
        }
        consistent(self).map_err(RestoreError::Inconsistent)
    }

    /// The next history sequence number to use after restoring it.
    pub fn next_seq(&self) -> u64 {
        let after_last = self.history.iter().map(|h| h.seq + 1).max().unwrap_or(1);
        self.next_history_seq.max(after_last)
    }
}

/// What ocsae itself never writes: two records under one key, a request or a rollout
/// entry for a council that is not there, or text that could drive a terminal.
fn consistent(dump: &Dump) -> Result<(), Inconsistency> {
    use std::collections::HashSet;
    let mut councils = HashSet::new();
    for m in &dump.municipalities {
        if !councils.insert(m.ine) {
            return Err(Inconsistency::DuplicateCouncil(m.ine));
        }
    }
    let mut ids = HashSet::new();
    for c in &dump.certificates {
        if !ids.insert(c.id) {
            return Err(Inconsistency::DuplicateRequest(c.id));
        }
        if !councils.contains(&c.ine) {
            return Err(Inconsistency::RequestCouncil { id: c.id, ine: c.ine });
        }
    }
    for r in &dump.rollout {
        if !councils.contains(&r.ine) {
            return Err(Inconsistency::RolloutCouncil(r.ine));
        }
    }
    let mut ids = HashSet::new();
    for a in &dump.activities {
        if !ids.insert(a.id) {
            return Err(Inconsistency::DuplicateActivity(a.id));
        }
        if let Some(unknown) = a.council_codes().into_iter().find(|ine| !councils.contains(ine)) {
            return Err(Inconsistency::ActivityCouncil {
                id: a.id,
                ine: unknown,
            });
        }
    }
    let records = serde_json::json!({
        "municipalities": dump.municipalities,
        "rollout": dump.rollout,
        "certificates": dump.certificates,
        "activities": dump.activities,
        "operators": dump.operators,
        "services": dump.services,
        "local_holidays": dump.local_holidays,
        "operator_offices": dump.operator_offices,
    });
    match unsafe_text(&records, "") {
        Some(path) => Err(Inconsistency::UnsafeText(path)),
        None => Ok(()),
    }
}

/// The path of the first string holding a character that is unsafe on a terminal
/// (line breaks aside: notes have them).
pub(crate) fn unsafe_text(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) => text
            .chars()
            .any(|c| c != '\n' && crate::domain::text::is_unsafe(c))
            .then(|| path.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| unsafe_text(v, &format!("{path}[{i}]"))),
        Value::Object(fields) => fields
            .iter()
            .find_map(|(k, v)| unsafe_text(v, &format!("{path}.{k}"))),
        _ => None,
    }
}
