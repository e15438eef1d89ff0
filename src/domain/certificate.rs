//! T-CAT certificate requests and their life cycle.

use super::municipality::IneCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The holder's post, which decides urgency rights and the appointment check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HolderRole {
    Mayor,
    Secretary,
    Intervenor,
    Treasurer,
    Other,
}

impl HolderRole {
    pub const ALL: [HolderRole; 5] = [
        HolderRole::Mayor,
        HolderRole::Secretary,
        HolderRole::Intervenor,
        HolderRole::Treasurer,
        HolderRole::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HolderRole::Mayor => "mayor",
            HolderRole::Secretary => "secretary",
            HolderRole::Intervenor => "intervenor",
            HolderRole::Treasurer => "treasurer",
            HolderRole::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<HolderRole> {
        Self::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// Mayors, secretaries and intervenors may ask for urgency without a reason.
    pub fn may_be_urgent(self) -> bool {
        matches!(
            self,
            HolderRole::Mayor | HolderRole::Secretary | HolderRole::Intervenor
        )
    }

    /// Posts whose certificate needs the appointment (BOE/DOGC) attached.
    pub fn needs_appointment(self) -> bool {
        matches!(
            self,
            HolderRole::Secretary | HolderRole::Intervenor | HolderRole::Treasurer
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation {
    New,
    Renewal,
    Revocation,
}

impl Operation {
    pub const ALL: [Operation; 3] = [Operation::New, Operation::Renewal, Operation::Revocation];

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::New => "new",
            Operation::Renewal => "renewal",
            Operation::Revocation => "revocation",
        }
    }

    pub fn parse(text: &str) -> Option<Operation> {
        Self::ALL.into_iter().find(|o| o.as_str() == text.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CertStatus {
    Received,
    AwaitingDocuments,
    Filed,
    Issued,
    Delivered,
    Rejected,
    Cancelled,
}

impl CertStatus {
    pub const ALL: [CertStatus; 7] = [
        CertStatus::Received,
        CertStatus::AwaitingDocuments,
        CertStatus::Filed,
        CertStatus::Issued,
        CertStatus::Delivered,
        CertStatus::Rejected,
        CertStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertStatus::Received => "received",
            CertStatus::AwaitingDocuments => "awaiting_documents",
            CertStatus::Filed => "filed",
            CertStatus::Issued => "issued",
            CertStatus::Delivered => "delivered",
            CertStatus::Rejected => "rejected",
            CertStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<CertStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// Still waiting to be issued: the deadline clock runs.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CertStatus::Received | CertStatus::AwaitingDocuments | CertStatus::Filed
        )
    }

    /// Issued, delivered or not: it has an expiry.
    pub fn is_issued(self) -> bool {
        matches!(self, CertStatus::Issued | CertStatus::Delivered)
    }

    /// One step forward on the main path, if there is one.
    pub fn next(self) -> Option<CertStatus> {
        match self {
            CertStatus::AwaitingDocuments => Some(CertStatus::Received),
            CertStatus::Received => Some(CertStatus::Filed),
            CertStatus::Filed => Some(CertStatus::Issued),
            CertStatus::Issued => Some(CertStatus::Delivered),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRequest {
    pub id: u64,
    pub ine: IneCode,
    pub holder: String,
    pub role: HolderRole,
    /// A code of the certificate type catalogue.
    pub cert_type: String,
    pub operation: Operation,
    pub urgent: bool,
    /// Why a request is urgent, required when the role has no right to it.
    pub reason: String,
    pub status: CertStatus,
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub received_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub filed_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub issued_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub delivered_at: Option<DateTime<Utc>>,
    pub notes: String,
    /// Checklist: the appointment (BOE/DOGC) is attached.
    pub appointment_attached: bool,
    /// Checklist: the full de lliurament was signed at delivery.
    pub delivery_sheet_signed: bool,
    /// Why it was rejected or cancelled.
    pub status_reason: String,
    /// The request this one renews, if any.
    pub renews: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_goes_received_filed_issued_delivered() {
        let mut s = CertStatus::Received;
        let mut path = vec![s];
        while let Some(n) = s.next() {
            s = n;
            path.push(s);
        }
        assert_eq!(
            path,
            [
                CertStatus::Received,
                CertStatus::Filed,
                CertStatus::Issued,
                CertStatus::Delivered
            ]
        );
        assert_eq!(CertStatus::Rejected.next(), None);
        assert_eq!(CertStatus::Cancelled.next(), None);
    }

    #[test]
    fn urgency_and_appointment_rules_follow_the_post() {
        assert!(HolderRole::Mayor.may_be_urgent());
        assert!(HolderRole::Intervenor.may_be_urgent());
        assert!(!HolderRole::Treasurer.may_be_urgent());
        assert!(!HolderRole::Other.may_be_urgent());
        assert!(HolderRole::Treasurer.needs_appointment());
        assert!(!HolderRole::Mayor.needs_appointment());
    }

    #[test]
    fn machine_names_round_trip() {
        for s in CertStatus::ALL {
            assert_eq!(CertStatus::parse(s.as_str()), Some(s));
        }
        for r in HolderRole::ALL {
            assert_eq!(HolderRole::parse(r.as_str()), Some(r));
        }
        for o in Operation::ALL {
            assert_eq!(Operation::parse(o.as_str()), Some(o));
        }
    }
}
