//! A complete, typed copy of a store: every record, the history and the counters.
//! `io::backup` writes it as JSON; restoring checks it all before one transaction.

use super::history::{CERT_ID_KEY, HistoryEntry, REDO_KEY, SEQ_KEY, UNDO_KEY};
use super::history_index;
use super::{
    Kind, Record, Result, Store, StoreError, T_HISTORY, T_HISTORY_INDEX, T_META, codec, schema, tree_index,
};
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::Municipality;
use crate::domain::rollout::Rollout;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

pub const DUMP_FORMAT: &str = "ocsae-backup";
/// The version of the dump layout this build writes and reads.
pub const DUMP_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub seq: u64,
    pub entry: HistoryEntry,
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
    pub history: Vec<HistoryItem>,
    pub next_certificate_id: u64,
    pub next_history_seq: u64,
    pub undo: Vec<u64>,
    pub redo: Vec<u64>,
}

/// Why a dump cannot be restored; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("not an ocsae backup")]
    NotABackup,
    #[error("backup format {0} is newer than this ocsae reads")]
    NewerFormat(u32),
    #[error("backup of schema {0}, this ocsae has schema {1}")]
    Schema(u32, u32),
    #[error("the store holds data")]
    NotEmpty,
    #[error("{0}")]
    Inconsistent(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    pub fn dump(&self, now: DateTime<Utc>) -> Result<Dump> {
        let history = self
            .history()?
            .into_iter()
            .map(|(seq, entry)| HistoryItem { seq, entry })
            .collect();
        Ok(Dump {
            format: DUMP_FORMAT.into(),
            format_version: DUMP_VERSION,
            schema_version: schema::CURRENT,
            created_at: now,
            municipalities: self.municipalities()?,
            rollout: self.rollouts()?,
            certificates: self.certificates()?,
            history,
            next_certificate_id: self.next_certificate_id()?,
            next_history_seq: self.next_history_seq()?,
            undo: self.read_stack(UNDO_KEY)?,
            redo: self.read_stack(REDO_KEY)?,
        })
    }

    pub(crate) fn next_history_seq(&self) -> Result<u64> {
        let stored: Option<u64> = match self.meta()?.get(SEQ_KEY)? {
            Some(bytes) => Some(codec::decode(&bytes)?),
            None => None,
        };
        match stored {
            Some(next) => Ok(next),
            // Stores written before the counter: one past the last entry's key.
            None => Ok(match self.trees()?[T_HISTORY].last()? {
                Some((key, _)) => key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0) + 1,
                None => 1,
            }),
        }
    }

    /// Replaces the store's content with the dump's, in one transaction. A store
    /// that holds records is refused unless `force`.
    pub fn restore(&self, dump: &Dump, force: bool) -> std::result::Result<(), RestoreError> {
        if dump.format != DUMP_FORMAT {
            return Err(RestoreError::NotABackup);
        }
        if dump.format_version > DUMP_VERSION {
            return Err(RestoreError::NewerFormat(dump.format_version));
        }
        if dump.schema_version != schema::CURRENT {
            return Err(RestoreError::Schema(dump.schema_version, schema::CURRENT));
        }
        check(dump).map_err(RestoreError::Inconsistent)?;
        let empty = self.is_empty()? && self.trees()?[T_HISTORY].is_empty();
        if !force && !empty {
            return Err(RestoreError::NotEmpty);
        }
        // Encode everything first: the transaction closure may be retried.
        let mut writes: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        let records = dump
            .municipalities
            .iter()
            .cloned()
            .map(Record::Municipality)
            .chain(dump.rollout.iter().cloned().map(Record::Rollout))
            .chain(dump.certificates.iter().cloned().map(Record::Certificate));
        for record in records {
            writes.push((
                tree_index(record.kind()),
                record.key(),
                record.encode_value().map_err(StoreError::from)?,
            ));
        }
        for item in &dump.history {
            writes.push((
                T_HISTORY,
                item.seq.to_be_bytes().to_vec(),
                codec::encode(&item.entry).map_err(StoreError::from)?,
            ));
            let touched: Vec<(Kind, Vec<u8>)> = item
                .entry
                .edits
                .iter()
                .filter_map(|edit| Some((edit.kind()?, edit.key()?)))
                .collect();
            let prefixes = history_index::prefixes(touched.iter().map(|(k, key)| (*k, key.as_slice())));
            let head = codec::encode(&item.entry.head()).map_err(StoreError::from)?;
            for mut index in prefixes {
                index.extend_from_slice(&item.seq.to_be_bytes());
                writes.push((T_HISTORY_INDEX, index, head.clone()));
            }
        }
        let last_seq = dump.history.iter().map(|h| h.seq + 1).max().unwrap_or(1);
        for (key, value) in [
            (CERT_ID_KEY, codec::encode(&dump.next_certificate_id)),
            (SEQ_KEY, codec::encode(&dump.next_history_seq.max(last_seq))),
            (UNDO_KEY, codec::encode(&dump.undo)),
            (REDO_KEY, codec::encode(&dump.redo)),
        ] {
            writes.push((T_META, key.to_vec(), value.map_err(StoreError::from)?));
        }
        // With force, what is there goes: every record, the history and its index.
        let mut clears: Vec<(usize, Vec<u8>)> = Vec::new();
        if force {
            let trees = Kind::ALL
                .iter()
                .map(|&k| tree_index(k))
                .chain([T_HISTORY, T_HISTORY_INDEX]);
            for t in trees {
                for item in self.trees()?[t].iter().keys() {
                    clears.push((t, item.map_err(StoreError::from)?.to_vec()));
                }
            }
        }
        self.check_writable()?;
        let blobs_before = super::engine::blobs(&self.dir.join(super::engine::SLED_DIR));
        self.trees()?[..]
            .transaction(|tx| {
                for (t, key) in &clears {
                    tx[*t].remove(key.as_slice())?;
                }
                for (t, key, value) in &writes {
                    tx[*t].insert(key.as_slice(), value.as_slice())?;
                }
                Ok::<(), ConflictableTransactionError<StoreError>>(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Abort(e) => e,
                sled::transaction::TransactionError::Storage(e) => {
                    let e = StoreError::from(e);
                    self.transaction_failed(&e, &blobs_before);
                    e
                }
            })?;
        self.flush()?;
        Ok(())
    }
}

/// What ocsae itself never writes: two records under one key, a request or a rollout
/// entry for a council that is not there, or text that could drive a terminal.
fn check(dump: &Dump) -> std::result::Result<(), String> {
    use std::collections::HashSet;
    let mut councils = HashSet::new();
    for m in &dump.municipalities {
        if !councils.insert(m.ine) {
            return Err(format!("council {} appears twice", m.ine));
        }
    }
    let mut ids = HashSet::new();
    for c in &dump.certificates {
        if !ids.insert(c.id) {
            return Err(format!("certificate request {} appears twice", c.id));
        }
        if !councils.contains(&c.ine) {
            return Err(format!("request {} names an unknown council {}", c.id, c.ine));
        }
    }
    for r in &dump.rollout {
        if !councils.contains(&r.ine) {
            return Err(format!("a rollout entry names an unknown council {}", r.ine));
        }
    }
    let records = serde_json::json!({
        "municipalities": dump.municipalities,
        "rollout": dump.rollout,
        "certificates": dump.certificates,
    });
    match unsafe_text(&records, "") {
        Some(path) => Err(format!("control or invisible characters in {path}")),
        None => Ok(()),
    }
}

/// The path of the first string holding a character that is unsafe on a terminal
/// (line breaks aside: notes have them).
fn unsafe_text(value: &serde_json::Value, path: &str) -> Option<String> {
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
