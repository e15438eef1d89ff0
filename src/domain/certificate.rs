//! T-CAT certificate requests and their life cycle.

use super::municipality::IneCode;
use super::sparse_text::SparseText;
use chrono::{DateTime, Utc};
use compact_str::CompactString;
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

/// A million of these are held in memory, so the texts are compact: a holder or a
/// type code of up to 24 bytes is kept inline, and the fields that are nearly
/// always empty (reasons, notes, links to other requests, the appointment's
/// check) are kept behind one pointer, `extra`, read and set through methods.
/// Stored exactly as before: field by field, through `certificate_wire`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "super::certificate_wire::Wire")]
pub struct CertificateRequest {
    pub id: u64,
    pub ine: IneCode,
    pub holder: CompactString,
    pub role: HolderRole,
    /// A code of the certificate type catalogue.
    pub cert_type: CompactString,
    pub operation: Operation,
    pub urgent: bool,
    pub status: CertStatus,
    pub received_at: DateTime<Utc>,
    pub filed_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Checklist: the appointment (BOE/DOGC) is attached.
    pub appointment_attached: bool,
    /// Checklist: the full de lliurament was signed at delivery.
    pub delivery_sheet_signed: bool,
    /// The rarely set fields; `Extras::default()` when none is.
    pub extra: Extras,
}

/// The fields of a request that are empty for nearly every one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extra {
    /// Why a request is urgent, required when the role has no right to it.
    pub reason: SparseText,
    pub notes: SparseText,
    /// Why it was rejected or cancelled.
    pub status_reason: SparseText,
    /// The request this one renews, if any.
    pub renews: Option<u64>,
    /// The request whose certificate this revocation revokes.
    pub revokes: Option<u64>,
    /// Why it is revoked: one of the AOC's five reasons.
    pub revocation_reason: Option<super::revocation::RevocationReason>,
    /// The appointment looked up in EACAT's register (secretary, intervenor, treasurer).
    pub appointment_check: Option<Box<super::revocation::AppointmentCheck>>,
    /// A T-CAT P downloaded by its holder (the last of its two clocks).
    pub downloaded_at: Option<DateTime<Utc>>,
}

impl Extra {
    const EMPTY: Extra = Extra {
        reason: SparseText::EMPTY,
        notes: SparseText::EMPTY,
        status_reason: SparseText::EMPTY,
        renews: None,
        revokes: None,
        revocation_reason: None,
        appointment_check: None,
        downloaded_at: None,
    };

    fn is_empty(&self) -> bool {
        *self == Extra::EMPTY
    }
}

static NO_EXTRA: Extra = Extra::EMPTY;

/// One pointer: none when every extra field is empty, so that no request holds
/// an empty box (and two requests that differ only by one compare equal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras(Option<Box<Extra>>);

impl Extras {
    /// Whether a box is kept (tests: an all-empty one never is).
    #[cfg(test)]
    pub(super) fn is_boxed(&self) -> bool {
        self.0.is_some()
    }

    pub fn get(&self) -> &Extra {
        self.0.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// Changes the extra fields, dropping the box if they end all empty.
    pub fn edit<R>(&mut self, change: impl FnOnce(&mut Extra) -> R) -> R {
        let mut extra = self.0.take().unwrap_or_default();
        let out = change(&mut extra);
        if !extra.is_empty() {
            self.0 = Some(extra);
        }
        out
    }
}

impl From<Extra> for Extras {
    fn from(extra: Extra) -> Extras {
        Extras((!extra.is_empty()).then(|| Box::new(extra)))
    }
}

/// The extra fields, read and set one by one.
impl CertificateRequest {
    pub fn reason(&self) -> &SparseText {
        &self.extra.get().reason
    }
    pub fn notes(&self) -> &SparseText {
        &self.extra.get().notes
    }
    pub fn status_reason(&self) -> &SparseText {
        &self.extra.get().status_reason
    }
    pub fn renews(&self) -> Option<u64> {
        self.extra.get().renews
    }
    pub fn revokes(&self) -> Option<u64> {
        self.extra.get().revokes
    }
    pub fn revocation_reason(&self) -> Option<super::revocation::RevocationReason> {
        self.extra.get().revocation_reason
    }
    pub fn appointment_check(&self) -> Option<&super::revocation::AppointmentCheck> {
        self.extra.get().appointment_check.as_deref()
    }
    pub fn downloaded_at(&self) -> Option<DateTime<Utc>> {
        self.extra.get().downloaded_at
    }
    pub fn set_reason(&mut self, text: SparseText) {
        self.extra.edit(|x| x.reason = text)
    }
    pub fn set_notes(&mut self, text: SparseText) {
        self.extra.edit(|x| x.notes = text)
    }
    pub fn set_status_reason(&mut self, text: SparseText) {
        self.extra.edit(|x| x.status_reason = text)
    }
    pub fn set_renews(&mut self, id: Option<u64>) {
        self.extra.edit(|x| x.renews = id)
    }
    pub fn set_revokes(&mut self, id: Option<u64>) {
        self.extra.edit(|x| x.revokes = id)
    }
    pub fn set_revocation_reason(&mut self, reason: Option<super::revocation::RevocationReason>) {
        self.extra.edit(|x| x.revocation_reason = reason)
    }
    pub fn set_appointment_check(&mut self, check: Option<Box<super::revocation::AppointmentCheck>>) {
        self.extra.edit(|x| x.appointment_check = check)
    }
    pub fn set_downloaded_at(&mut self, at: Option<DateTime<Utc>>) {
        self.extra.edit(|x| x.downloaded_at = at)
    }
}

/// Renewal opens this many days before a certificate expires.
pub const RENEWAL_WINDOW_DAYS: i64 = 60;

/// Why a request cannot be filed as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// Urgency for a post without the right to it needs a written reason.
    UrgentWithoutReason,
    /// Secretaries, intervenors and treasurers need their appointment attached before filing.
    AppointmentMissing,
    /// The status has no step forward.
    NoNextStep,
}

/// Urgency is for mayors, secretaries and intervenors; anyone else needs a reason.
pub fn check_urgency(role: HolderRole, urgent: bool, reason: &str) -> Result<(), StepError> {
    if urgent && !role.may_be_urgent() && reason.trim().is_empty() {
        return Err(StepError::UrgentWithoutReason);
    }
    Ok(())
}

impl CertificateRequest {
    /// A new request as received: a first certificate, ordinary, nothing ticked yet.
    pub fn received(
        id: u64,
        ine: IneCode,
        holder: impl Into<CompactString>,
        role: HolderRole,
        cert_type: impl Into<CompactString>,
        received_at: DateTime<Utc>,
    ) -> CertificateRequest {
        CertificateRequest {
            id,
            ine,
            holder: holder.into(),
            role,
            cert_type: cert_type.into(),
            operation: Operation::New,
            urgent: false,
            status: CertStatus::Received,
            received_at,
            filed_at: None,
            issued_at: None,
            delivered_at: None,
            appointment_attached: false,
            delivery_sheet_signed: false,
            extra: Extras::default(),
        }
    }

    /// When the office promised to issue it. A request still waiting for its
    /// documents has no deadline yet: the clock starts when it is complete.
    pub fn due_at(&self, calendar: &super::calendar::Calendar) -> Option<DateTime<Utc>> {
        (self.status != CertStatus::AwaitingDocuments).then(|| calendar.due(self.received_at, self.urgent))
    }

    /// The type's validity (4 years) from the real issue date, or from delivery
    /// for a type valid from delivery (T-CAT P); None until then.
    /// Issued and still to hand over. A revocation yields no certificate, so
    /// issuing it closes it: the queue, Avui and the Closed view all ask here.
    pub fn awaits_delivery(&self) -> bool {
        self.status == CertStatus::Issued && self.operation != Operation::Revocation
    }

    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        let ty = super::catalog::cert_type(&self.cert_type);
        let years = ty.map_or(4, |t| t.validity_years);
        let start = match ty.is_some_and(|t| t.from_delivery) {
            true => self.delivered_at?,
            false => self.issued_at?,
        };
        start.checked_add_months(chrono::Months::new(years * 12))
    }

    /// When the step before `status` was taken: the earliest time that step may
    /// bear (received, then filed, issued, delivered).
    pub fn previous_step_at(&self, status: CertStatus) -> Option<DateTime<Utc>> {
        match status {
            CertStatus::Filed => Some(self.received_at),
            CertStatus::Issued => self.filed_at.or(Some(self.received_at)),
            CertStatus::Delivered => self.issued_at.or(self.filed_at).or(Some(self.received_at)),
            _ => None,
        }
    }

    /// Issued, not yet expired... or expired: true from 60 days before expiry on.
    /// From the day 60 days before the day of expiry (office time), whatever the hour.
    pub fn in_renewal_window(&self, now: DateTime<Utc>, tz: chrono_tz::Tz) -> bool {
        self.status.is_issued()
            && self
                .days_to_expiry(now, tz)
                .is_some_and(|days| days <= RENEWAL_WINDOW_DAYS)
    }

    /// Calendar days from today to the day of expiry, in office time.
    pub fn days_to_expiry(&self, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Option<i64> {
        let day = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
        self.expires_at().map(|e| (day(e) - day(now)).num_days())
    }

    /// Moves one step along the main path, stamping the step's time `now` (the
    /// time it happened: `ops::requests::advance` checks it).
    /// Documents arriving restart the clock: it runs from a complete request.
    pub fn advance(&mut self, now: DateTime<Utc>) -> Result<CertStatus, StepError> {
        let next = self.status.next().ok_or(StepError::NoNextStep)?;
        match next {
            CertStatus::Received => self.received_at = now,
            CertStatus::Filed => {
                if self.role.needs_appointment() && !self.appointment_attached {
                    return Err(StepError::AppointmentMissing);
                }
                self.filed_at = Some(now);
            }
            CertStatus::Issued => self.issued_at = Some(now),
            CertStatus::Delivered => {
                self.delivered_at = Some(now);
                self.delivery_sheet_signed = true;
            }
            _ => {}
        }
        self.status = next;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(role: HolderRole) -> CertificateRequest {
        let received = "2026-12-04T09:00:00Z".parse().unwrap();
        CertificateRequest::received(1, IneCode(252228), "Maria Puig", role, "tcat", received)
    }

    #[test]
    fn a_request_in_memory_stays_small() {
        // A million are held: 272 bytes each with plain strings, 128 now.
        assert!(std::mem::size_of::<CertificateRequest>() <= 128);
        // A holder of up to 24 bytes needs no allocation of its own.
        assert!(!request(HolderRole::Mayor).holder.is_heap_allocated());
    }

    #[test]
    fn urgency_needs_a_reason_outside_the_three_posts() {
        assert_eq!(check_urgency(HolderRole::Mayor, true, ""), Ok(()));
        assert_eq!(
            check_urgency(HolderRole::Treasurer, true, "  "),
            Err(StepError::UrgentWithoutReason)
        );
        assert_eq!(check_urgency(HolderRole::Other, true, "caducada demà"), Ok(()));
        assert_eq!(check_urgency(HolderRole::Other, false, ""), Ok(()));
    }

    #[test]
    fn advancing_stamps_each_step_and_checks_the_appointment() {
        let t = |s: &str| -> DateTime<Utc> { s.parse().unwrap() };
        let mut r = request(HolderRole::Secretary);
        assert_eq!(
            r.advance(t("2026-12-04T10:00:00Z")),
            Err(StepError::AppointmentMissing)
        );
        assert_eq!(r.status, CertStatus::Received);
        r.appointment_attached = true;
        assert_eq!(r.advance(t("2026-12-04T10:00:00Z")), Ok(CertStatus::Filed));
        assert_eq!(r.filed_at, Some(t("2026-12-04T10:00:00Z")));
        assert_eq!(r.advance(t("2026-12-07T10:00:00Z")), Ok(CertStatus::Issued));
        assert_eq!(r.expires_at(), Some(t("2030-12-07T10:00:00Z")));
        assert_eq!(r.advance(t("2026-12-08T10:00:00Z")), Ok(CertStatus::Delivered));
        assert!(r.delivery_sheet_signed);
        assert_eq!(r.advance(t("2026-12-09T10:00:00Z")), Err(StepError::NoNextStep));
    }

    #[test]
    fn a_tcat_p_is_valid_four_years_from_delivery() {
        let t = |s: &str| -> DateTime<Utc> { s.parse().unwrap() };
        let mut r = request(HolderRole::Mayor);
        r.cert_type = "tcat-p".into();
        r.status = CertStatus::Issued;
        r.issued_at = Some(t("2026-12-07T10:00:00Z"));
        assert_eq!(r.expires_at(), None, "not delivered: not valid yet");
        r.status = CertStatus::Delivered;
        r.delivered_at = Some(t("2027-01-04T09:00:00Z"));
        assert_eq!(r.expires_at(), Some(t("2031-01-04T09:00:00Z")));
        r.cert_type = "tcat".into();
        assert_eq!(
            r.expires_at(),
            Some(t("2030-12-07T10:00:00Z")),
            "a card counts from issue"
        );
    }

    #[test]
    fn documents_arriving_restart_the_clock() {
        let mut r = request(HolderRole::Mayor);
        r.status = CertStatus::AwaitingDocuments;
        let now: DateTime<Utc> = "2026-12-10T08:00:00Z".parse().unwrap();
        assert_eq!(r.advance(now), Ok(CertStatus::Received));
        assert_eq!(r.received_at, now);
    }

    #[test]
    fn renewal_opens_60_days_before_expiry() {
        let mut r = request(HolderRole::Mayor);
        r.status = CertStatus::Delivered;
        let tz = chrono_tz::Europe::Madrid;
        r.issued_at = Some("2023-01-10T10:00:00Z".parse().unwrap());
        // Expires on 10 January 2027: the window opens on 11 November 2026 at 00:00.
        assert!(!r.in_renewal_window("2026-11-10T22:59:00Z".parse().unwrap(), tz));
        assert!(r.in_renewal_window("2026-11-10T23:00:00Z".parse().unwrap(), tz));
        assert_eq!(
            r.days_to_expiry("2026-11-11T08:00:00Z".parse().unwrap(), tz),
            Some(60)
        );
        // Issued late in the day or early: the same day of expiry, the same window.
        let mut early = r.clone();
        early.issued_at = Some("2023-01-10T07:00:00Z".parse().unwrap());
        let now = "2026-11-11T09:00:00Z".parse().unwrap();
        assert!(early.in_renewal_window(now, tz) && r.in_renewal_window(now, tz));
        assert!(
            r.in_renewal_window("2027-02-01T10:00:00Z".parse().unwrap(), tz),
            "expired: still to renew"
        );
    }

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
