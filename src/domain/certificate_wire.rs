//! How a certificate request is stored and exported: the fields, order and serde
//! attributes it had before its rarely set ones moved behind one pointer, so the
//! store's bytes, the requests file, backups' JSON and the CSV stay as they were.

use super::certificate::{CertStatus, CertificateRequest, Extra, HolderRole, Operation};
use super::municipality::IneCode;
use super::sparse_text::SparseText;
use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// What is stored and exported: today's fields, order and attributes, unchanged.
#[derive(Deserialize)]
#[serde(rename = "CertificateRequest")]
pub(super) struct Wire {
    id: u64,
    ine: IneCode,
    holder: CompactString,
    role: HolderRole,
    cert_type: CompactString,
    operation: Operation,
    urgent: bool,
    reason: SparseText,
    status: CertStatus,
    #[serde(with = "chrono::serde::ts_milliseconds")]
    received_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    filed_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    issued_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    delivered_at: Option<DateTime<Utc>>,
    notes: SparseText,
    appointment_attached: bool,
    delivery_sheet_signed: bool,
    status_reason: SparseText,
    renews: Option<u64>,
    #[serde(default)]
    revokes: Option<u64>,
    #[serde(default)]
    revocation_reason: Option<crate::domain::revocation::RevocationReason>,
    #[serde(default)]
    appointment_check: Option<Box<crate::domain::revocation::AppointmentCheck>>,
    #[serde(default, with = "chrono::serde::ts_milliseconds_option")]
    downloaded_at: Option<DateTime<Utc>>,
}

/// [`Wire`] borrowed, to write a request without copying it.
#[derive(Serialize)]
#[serde(rename = "CertificateRequest")]
struct WireRef<'a> {
    id: u64,
    ine: IneCode,
    holder: &'a CompactString,
    role: HolderRole,
    cert_type: &'a CompactString,
    operation: Operation,
    urgent: bool,
    reason: &'a SparseText,
    status: CertStatus,
    #[serde(with = "chrono::serde::ts_milliseconds")]
    received_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    filed_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    issued_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    delivered_at: Option<DateTime<Utc>>,
    notes: &'a SparseText,
    appointment_attached: bool,
    delivery_sheet_signed: bool,
    status_reason: &'a SparseText,
    renews: Option<u64>,
    revokes: Option<u64>,
    revocation_reason: Option<crate::domain::revocation::RevocationReason>,
    appointment_check: Option<&'a crate::domain::revocation::AppointmentCheck>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    downloaded_at: Option<DateTime<Utc>>,
}

impl From<Wire> for CertificateRequest {
    fn from(w: Wire) -> CertificateRequest {
        CertificateRequest {
            id: w.id,
            ine: w.ine,
            holder: w.holder,
            role: w.role,
            cert_type: w.cert_type,
            operation: w.operation,
            urgent: w.urgent,
            status: w.status,
            received_at: w.received_at,
            filed_at: w.filed_at,
            issued_at: w.issued_at,
            delivered_at: w.delivered_at,
            appointment_attached: w.appointment_attached,
            delivery_sheet_signed: w.delivery_sheet_signed,
            extra: Extra {
                reason: w.reason,
                notes: w.notes,
                status_reason: w.status_reason,
                renews: w.renews,
                revokes: w.revokes,
                revocation_reason: w.revocation_reason,
                appointment_check: w.appointment_check,
                downloaded_at: w.downloaded_at,
            }
            .into(),
        }
    }
}

impl Serialize for CertificateRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let x = self.extra.get();
        WireRef {
            id: self.id,
            ine: self.ine,
            holder: &self.holder,
            role: self.role,
            cert_type: &self.cert_type,
            operation: self.operation,
            urgent: self.urgent,
            reason: &x.reason,
            status: self.status,
            received_at: self.received_at,
            filed_at: self.filed_at,
            issued_at: self.issued_at,
            delivered_at: self.delivered_at,
            notes: &x.notes,
            appointment_attached: self.appointment_attached,
            delivery_sheet_signed: self.delivery_sheet_signed,
            status_reason: &x.status_reason,
            renews: x.renews,
            revokes: x.revokes,
            revocation_reason: x.revocation_reason,
            appointment_check: x.appointment_check.as_deref(),
            downloaded_at: x.downloaded_at,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::revocation::{AppointmentCheck, RevocationReason};
    use crate::store::sled::codec;

    fn full() -> CertificateRequest {
        let t = |s: &str| -> DateTime<Utc> { s.parse().unwrap() };
        let mut r = CertificateRequest::received(
            7,
            IneCode(80193),
            "Núria Vilaseca i Puigdollers de la Riba",
            HolderRole::Treasurer,
            "tcat-p",
            t("2026-12-04T09:00:00.123Z"),
        );
        r.operation = Operation::Revocation;
        r.urgent = true;
        r.set_reason("caducada demà".into());
        r.status = CertStatus::Rejected;
        r.filed_at = Some(t("2026-12-05T10:00:00Z"));
        r.issued_at = Some(t("2026-12-06T11:00:00Z"));
        r.delivered_at = Some(t("2026-12-07T12:00:00Z"));
        r.set_notes("trucar abans".into());
        r.appointment_attached = true;
        r.delivery_sheet_signed = true;
        r.set_status_reason("sense DNI".into());
        r.set_renews(Some(3));
        r.set_revokes(Some(300_000));
        r.set_revocation_reason(Some(RevocationReason::CardLost));
        r.set_appointment_check(Some(Box::new(AppointmentCheck {
            at: t("2026-12-04T09:30:00Z"),
            user: "jordi".into(),
            found: true,
        })));
        r.set_downloaded_at(Some(t("2026-12-08T13:00:00Z")));
        r
    }

    fn plain() -> CertificateRequest {
        let received = "2026-12-04T09:00:00Z".parse().unwrap();
        CertificateRequest::received(
            1,
            IneCode(252228),
            "Maria Puig",
            HolderRole::Mayor,
            "tcat",
            received,
        )
    }

    // Both literals were printed by the code before the extra fields moved behind
    // one pointer: the store's bytes and the JSON must not change with it.
    const FULL_BYTES: &[u8] = &[
        1, 7, 252, 65, 57, 1, 0, 40, 78, 195, 186, 114, 105, 97, 32, 86, 105, 108, 97, 115, 101, 99, 97, 32,
        105, 32, 80, 117, 105, 103, 100, 111, 108, 108, 101, 114, 115, 32, 100, 101, 32, 108, 97, 32, 82,
        105, 98, 97, 3, 6, 116, 99, 97, 116, 45, 112, 2, 1, 14, 99, 97, 100, 117, 99, 97, 100, 97, 32, 100,
        101, 109, 195, 160, 5, 253, 246, 77, 144, 128, 68, 3, 0, 0, 1, 253, 0, 226, 74, 139, 68, 3, 0, 0, 1,
        253, 0, 119, 5, 150, 68, 3, 0, 0, 1, 253, 0, 12, 192, 160, 68, 3, 0, 0, 12, 116, 114, 117, 99, 97,
        114, 32, 97, 98, 97, 110, 115, 1, 1, 9, 115, 101, 110, 115, 101, 32, 68, 78, 73, 1, 3, 1, 252, 224,
        147, 4, 0, 1, 2, 1, 253, 128, 59, 199, 128, 68, 3, 0, 0, 5, 106, 111, 114, 100, 105, 1, 1, 253, 0,
        161, 122, 171, 68, 3, 0, 0,
    ];
    const FULL_JSON: &str = r#"{"id":7,"ine":80193,"holder":"Núria Vilaseca i Puigdollers de la Riba","role":"Treasurer","cert_type":"tcat-p","operation":"Revocation","urgent":true,"reason":"caducada demà","status":"Rejected","received_at":1796374800123,"filed_at":1796464800000,"issued_at":1796554800000,"delivered_at":1796644800000,"notes":"trucar abans","appointment_attached":true,"delivery_sheet_signed":true,"status_reason":"sense DNI","renews":3,"revokes":300000,"revocation_reason":"CardLost","appointment_check":{"at":1796376600000,"user":"jordi","found":true},"downloaded_at":1796734800000}"#;
    const PLAIN_BYTES: &[u8] = &[
        1, 1, 252, 68, 217, 3, 0, 10, 77, 97, 114, 105, 97, 32, 80, 117, 105, 103, 0, 4, 116, 99, 97, 116, 0,
        0, 0, 0, 253, 0, 77, 144, 128, 68, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    const PLAIN_JSON: &str = r#"{"id":1,"ine":252228,"holder":"Maria Puig","role":"Mayor","cert_type":"tcat","operation":"New","urgent":false,"reason":"","status":"Received","received_at":1796374800000,"filed_at":null,"issued_at":null,"delivered_at":null,"notes":"","appointment_attached":false,"delivery_sheet_signed":false,"status_reason":"","renews":null,"revokes":null,"revocation_reason":null,"appointment_check":null,"downloaded_at":null}"#;

    #[test]
    fn a_request_is_stored_and_exported_as_before() {
        for (r, bytes, json) in [
            (full(), FULL_BYTES, FULL_JSON),
            (plain(), PLAIN_BYTES, PLAIN_JSON),
        ] {
            assert_eq!(codec::encode(&r).unwrap(), bytes);
            assert_eq!(serde_json::to_string(&r).unwrap(), json);
            assert_eq!(codec::decode::<CertificateRequest>(bytes).unwrap(), r);
            assert_eq!(serde_json::from_str::<CertificateRequest>(json).unwrap(), r);
        }
    }

    #[test]
    fn extra_fields_set_then_emptied_leave_no_box() {
        let mut r = plain();
        r.set_notes("trucar abans".into());
        r.set_renews(Some(3));
        assert_ne!(r, plain());
        r.set_notes("".into());
        r.set_renews(None);
        assert_eq!(r, plain());
        assert!(!r.extra.is_boxed(), "an all-empty box is never kept");
        let decoded: CertificateRequest = serde_json::from_str(PLAIN_JSON).unwrap();
        assert!(!decoded.extra.is_boxed());
    }

    #[test]
    fn a_request_in_memory_stays_within_128_bytes() {
        // A million are held: 192 bytes each with every field inline, 128 now.
        assert!(
            std::mem::size_of::<CertificateRequest>() <= 128,
            "{} bytes",
            std::mem::size_of::<CertificateRequest>()
        );
    }
}
