//! The shapes schema 2 stored a certificate request in, before the revocation's
//! link and reason, the appointment check and the download (schema 3, which also
//! added the ER operators' tree): read only by the migration, which rewrites
//! every request and every history entry.

use super::{SledStore, T_HISTORY, T_META, codec, tree_index};
use crate::domain::activity::Activity;
use crate::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use crate::store::{ChangeKind, Edit, EntryKind, HistoryEntry, Kind, Record, Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sled::Transactional;
use std::ops::Bound::{Excluded, Unbounded};

#[derive(Deserialize)]
struct CertificateV2 {
    id: u64,
    ine: IneCode,
    holder: String,
    role: HolderRole,
    cert_type: String,
    operation: Operation,
    urgent: bool,
    reason: String,
    status: CertStatus,
    #[serde(with = "chrono::serde::ts_milliseconds")]
    received_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    filed_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    issued_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    delivered_at: Option<DateTime<Utc>>,
    notes: String,
    appointment_attached: bool,
    delivery_sheet_signed: bool,
    status_reason: String,
    renews: Option<u64>,
}

impl From<CertificateV2> for CertificateRequest {
    fn from(c: CertificateV2) -> CertificateRequest {
        // Delivered under the old build: taken as downloaded, so that no old
        // software certificate shows as lost.
        let downloaded_at = match c.cert_type.as_str() {
            crate::domain::tcat_p::CODE => c.delivered_at,
            _ => None,
        };
        CertificateRequest {
            id: c.id,
            ine: c.ine,
            holder: c.holder.into(),
            role: c.role,
            cert_type: c.cert_type.into(),
            operation: c.operation,
            urgent: c.urgent,
            extra: crate::domain::certificate::Extra {
                reason: c.reason.into(),
                notes: c.notes.into(),
                status_reason: c.status_reason.into(),
                renews: c.renews,
                downloaded_at,
                ..Default::default()
            }
            .into(),
            status: c.status,
            received_at: c.received_at,
            filed_at: c.filed_at,
            issued_at: c.issued_at,
            delivered_at: c.delivered_at,
            appointment_attached: c.appointment_attached,
            delivery_sheet_signed: c.delivery_sheet_signed,
        }
    }
}

/// A rollout cell as schema 2 wrote it, before `source`.
#[derive(Deserialize)]
struct RolloutV2 {
    ine: IneCode,
    service: String,
    status: crate::domain::rollout::RolloutStatus,
    steps: Vec<Option<crate::domain::rollout::StepMark>>,
    notes: String,
    blocked_reason: String,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    updated_at: Option<DateTime<Utc>>,
}

impl From<RolloutV2> for Rollout {
    fn from(r: RolloutV2) -> Rollout {
        Rollout {
            ine: r.ine,
            service: r.service,
            status: r.status,
            steps: r.steps,
            notes: r.notes,
            blocked_reason: r.blocked_reason,
            updated_at: r.updated_at,
            source: String::new(),
        }
    }
}

/// `Record` as schema 2 wrote it: the same variants in the same order.
#[derive(Deserialize)]
enum RecordV2 {
    Municipality(Municipality),
    Rollout(RolloutV2),
    Certificate(CertificateV2),
    Activity(Activity),
}

impl From<RecordV2> for Record {
    fn from(r: RecordV2) -> Record {
        match r {
            RecordV2::Municipality(m) => Record::Municipality(m),
            RecordV2::Rollout(r) => Record::Rollout(r.into()),
            RecordV2::Certificate(c) => Record::Certificate(c.into()),
            RecordV2::Activity(a) => Record::Activity(a),
        }
    }
}

#[derive(Deserialize)]
struct EditV2 {
    before: Option<RecordV2>,
    after: Option<RecordV2>,
}

#[derive(Deserialize)]
struct EntryV2 {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    at: DateTime<Utc>,
    user: String,
    kind: EntryKind,
    change: ChangeKind,
    edits: Vec<EditV2>,
}

impl From<EntryV2> for HistoryEntry {
    fn from(e: EntryV2) -> HistoryEntry {
        HistoryEntry {
            at: e.at,
            user: e.user,
            kind: e.kind,
            change: e.change,
            edits: e
                .edits
                .into_iter()
                .map(|edit| Edit {
                    before: edit.before.map(Record::from),
                    after: edit.after.map(Record::from),
                })
                .collect(),
        }
    }
}

/// The meta key of a 2-to-3 rewrite under way: the step (history, requests,
/// rollout) and the last key rewritten in it.
const PROGRESS_KEY: &[u8] = b"links_progress";
/// How many values are rewritten per transaction (a few in the unit tests, to
/// cross batches on a small store).
const BATCH: usize = if cfg!(test) { 16 } else { 1_000 };

type Progress = (usize, Option<Vec<u8>>);
/// A value of schema 2's shape, rewritten in schema 3's.
type Rewrite = fn(&[u8]) -> Result<Vec<u8>>;

fn entry_v3(value: &[u8]) -> Result<Vec<u8>> {
    let entry: HistoryEntry = codec::decode::<EntryV2>(value)?.into();
    Ok(codec::encode(&entry)?)
}

fn certificate_v3(value: &[u8]) -> Result<Vec<u8>> {
    let c: CertificateRequest = codec::decode::<CertificateV2>(value)?.into();
    Ok(codec::encode(&c)?)
}

fn rollout_v3(value: &[u8]) -> Result<Vec<u8>> {
    let r: Rollout = codec::decode::<RolloutV2>(value)?.into();
    Ok(codec::encode(&r)?)
}

/// 2 to 3: every history entry, request and rollout cell in the new shape, a
/// batch at a time, each batch in one transaction with a note of how far it got,
/// so a store of any size is rewritten in little memory, and a run that stops
/// midway (killed, a full disk) goes on from there at the next open, never
/// reading a value it already rewrote as an old one. The note goes, and schema 3
/// is recorded, together at the end.
pub(super) fn add_request_links(store: &SledStore) -> Result<()> {
    let engine = store.engine()?;
    let meta = &engine.trees[T_META];
    let steps: [(usize, Rewrite); 3] = [
        (T_HISTORY, entry_v3),
        (tree_index(Kind::Certificate), certificate_v3),
        (tree_index(Kind::Rollout), rollout_v3),
    ];
    let (mut step, mut after): Progress = match meta.get(PROGRESS_KEY)? {
        Some(bytes) => codec::decode(&bytes)?,
        None => (0, None),
    };
    store.will_write(Kind::Certificate);
    while let Some(&(index, rewrite)) = steps.get(step) {
        let tree = &engine.trees[index];
        let mut batch = Vec::with_capacity(BATCH);
        let rest = match &after {
            Some(key) => tree.range::<&[u8], _>((Excluded(key.as_slice()), Unbounded)),
            None => tree.iter(),
        };
        for item in rest.take(BATCH) {
            let (key, value) = item?;
            batch.push((key, rewrite(&value)?));
        }
        let progress: Progress = match batch.len() < BATCH {
            true => (step + 1, None),
            false => (step, batch.last().map(|(key, _)| key.to_vec())),
        };
        let note = codec::encode(&progress)?;
        fail_point()?;
        (tree, meta)
            .transaction(|(t, m)| {
                for (key, value) in &batch {
                    t.insert(key, value.as_slice())?;
                }
                m.insert(PROGRESS_KEY, note.as_slice())?;
                Ok::<(), sled::transaction::ConflictableTransactionError<StoreError>>(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Abort(e) => e,
                sled::transaction::TransactionError::Storage(e) => e.into(),
            })?;
        (step, after) = progress;
    }
    let mut done = sled::Batch::default();
    done.remove(PROGRESS_KEY);
    done.insert(super::schema::VERSION_KEY, codec::encode(&3u32)?);
    meta.apply_batch(done)?;
    store.flush()
}

#[cfg(test)]
thread_local! {
    /// Batches the unit tests let through before the rewrite stops as if killed.
    pub(super) static BATCHES_LEFT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// In the unit tests, stops the rewrite after `BATCHES_LEFT` batches.
fn fail_point() -> Result<()> {
    #[cfg(test)]
    if let Some(left) = BATCHES_LEFT.with(std::cell::Cell::get) {
        if left == 0 {
            return Err(StoreError::conflict());
        }
        BATCHES_LEFT.with(|b| b.set(Some(left - 1)));
    }
    Ok(())
}
