//! The shapes schema 2 stored a certificate request in, before the revocation's
//! link and reason, the appointment check and the download (schema 3, which also
//! added the ER operators' tree): read only by the migration, which rewrites
//! every request and every history entry.

use super::{SledStore, T_HISTORY, codec, tree_index};
use crate::domain::activity::Activity;
use crate::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use crate::store::{ChangeKind, Edit, EntryKind, HistoryEntry, Kind, Record, Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sled::Transactional;

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
            holder: c.holder,
            role: c.role,
            cert_type: c.cert_type,
            operation: c.operation,
            urgent: c.urgent,
            reason: c.reason,
            status: c.status,
            received_at: c.received_at,
            filed_at: c.filed_at,
            issued_at: c.issued_at,
            delivered_at: c.delivered_at,
            notes: c.notes,
            appointment_attached: c.appointment_attached,
            delivery_sheet_signed: c.delivery_sheet_signed,
            status_reason: c.status_reason,
            renews: c.renews,
            revokes: None,
            revocation_reason: None,
            appointment_check: None,
            downloaded_at,
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

/// 2 to 3: every request and every history entry in the new shape, in one
/// transaction, so a failure leaves the store of schema 2 as it was.
pub(super) fn add_request_links(store: &SledStore) -> Result<()> {
    let engine = store.engine()?;
    let (history, certs) = (
        &engine.trees[T_HISTORY],
        &engine.trees[tree_index(Kind::Certificate)],
    );
    let mut rewritten_history = Vec::new();
    for item in history.iter() {
        let (key, value) = item?;
        let entry: HistoryEntry = codec::decode::<EntryV2>(&value)?.into();
        rewritten_history.push((key, codec::encode(&entry)?));
    }
    let mut rewritten_certs = Vec::new();
    for item in certs.iter() {
        let (key, value) = item?;
        let c: CertificateRequest = codec::decode::<CertificateV2>(&value)?.into();
        rewritten_certs.push((key, codec::encode(&c)?));
    }
    let rollout = &engine.trees[tree_index(Kind::Rollout)];
    let mut rewritten_rollout = Vec::new();
    for item in rollout.iter() {
        let (key, value) = item?;
        let r: Rollout = codec::decode::<RolloutV2>(&value)?.into();
        rewritten_rollout.push((key, codec::encode(&r)?));
    }
    (history, certs, rollout)
        .transaction(|(h, c, r)| {
            for (key, value) in &rewritten_history {
                h.insert(key, value.as_slice())?;
            }
            for (key, value) in &rewritten_certs {
                c.insert(key, value.as_slice())?;
            }
            for (key, value) in &rewritten_rollout {
                r.insert(key, value.as_slice())?;
            }
            Ok::<(), sled::transaction::ConflictableTransactionError<StoreError>>(())
        })
        .map_err(|e| match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => e.into(),
        })?;
    store.flush()
}
