//! Revocations: a request that names the certificate it revokes and one of the
//! AOC's five reasons. An expired certificate cannot be revoked, nor one that
//! was never issued, nor one already being revoked.

use super::{Field, RuleError};
use crate::domain::certificate::{CertStatus, CertificateRequest, Operation};
use crate::store::{Change, ChangeKind, Edit, Record};
use chrono::{DateTime, Utc};

/// Whether a request is a revocation that took effect (the AOC did it).
pub fn is_done(c: &CertificateRequest) -> bool {
    c.operation == Operation::Revocation && c.status.is_issued()
}

/// Whether a revocation still counts: neither cancelled nor rejected.
pub fn is_live(c: &CertificateRequest) -> bool {
    c.operation == Operation::Revocation
        && c.revokes().is_some()
        && !matches!(c.status, CertStatus::Cancelled | CertStatus::Rejected)
}

/// The links a request may carry, checked against the certificate it names
/// (`revoked`, looked up by the caller) and the live revocation of it already
/// filed, if any (`already`). `received` is when the revocation was asked for.
pub fn check(
    c: &CertificateRequest,
    revoked: Option<&CertificateRequest>,
    already: Option<u64>,
) -> Result<(), RuleError> {
    if c.operation != Operation::Revocation {
        return match c.revokes().is_some() || c.revocation_reason().is_some() {
            true => Err(RuleError::OnlyForRevocation),
            false => Ok(()),
        };
    }
    let id = c.revokes().ok_or(RuleError::Empty(Field::Revokes))?;
    c.revocation_reason()
        .ok_or(RuleError::Empty(Field::RevocationReason))?;
    let target = revoked.ok_or(RuleError::RevokesUnknown(id))?;
    if target.ine != c.ine {
        return Err(RuleError::RevokesAnotherCouncil(id));
    }
    if !target.status.is_issued() || target.operation == Operation::Revocation {
        return Err(RuleError::RevokesNotIssued(id));
    }
    // A revocation is of that certificate: its holder, post and type.
    if crate::domain::search::fold(&target.holder) != crate::domain::search::fold(&c.holder)
        || target.role != c.role
        || target.cert_type != c.cert_type
    {
        return Err(RuleError::RevokesAnotherHolder(id));
    }
    if let Some(expired) = expired_at(target, c.received_at) {
        return Err(RuleError::RevokesExpired { id, expired });
    }
    if let Some(by) = already.filter(|&by| by != c.id) {
        return Err(RuleError::RevokedAlready { id, by });
    }
    Ok(())
}

/// A checked revocation takes its certificate's own spelling of the holder
/// (`check` lets letter case and accents differ), so both read the same.
pub fn spelled_as(c: &mut CertificateRequest, revoked: &CertificateRequest) {
    if c.operation == Operation::Revocation && c.revokes() == Some(revoked.id) {
        c.holder = revoked.holder.clone();
    }
}

/// When the certificate expired, if it had by `at`.
pub fn expired_at(target: &CertificateRequest, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    target.expires_at().filter(|&e| e <= at)
}

/// Filing a revocation: the new request, and the certificate it revokes left as
/// it is but touched, so that its own history lists the revocation.
pub fn file(
    mut request: CertificateRequest,
    revoked: &CertificateRequest,
    now: DateTime<Utc>,
) -> Result<Change, RuleError> {
    super::requests::validate(&request, now)?;
    check(&request, Some(revoked), None)?;
    spelled_as(&mut request, revoked);
    let original = Record::Certificate(revoked.clone());
    Ok(Change::new(
        ChangeKind::CertRevocation,
        vec![
            Edit::create(Record::Certificate(request)),
            Edit::update(original.clone(), original),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::HolderRole;
    use crate::domain::municipality::IneCode;
    use crate::domain::revocation::RevocationReason;
    use crate::store::NEW_ID;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn issued() -> CertificateRequest {
        let mut c = CertificateRequest::received(
            4,
            IneCode(252228),
            "Maria Puig",
            HolderRole::Mayor,
            "tcat",
            at("2023-01-09T09:00:00Z"),
        );
        c.status = CertStatus::Delivered;
        c.issued_at = Some(at("2023-01-10T10:00:00Z"));
        c
    }

    fn revocation(reason: RevocationReason, received: &str) -> CertificateRequest {
        let mut r = CertificateRequest::received(
            NEW_ID,
            IneCode(252228),
            "Maria Puig",
            HolderRole::Mayor,
            "tcat",
            at(received),
        );
        r.operation = Operation::Revocation;
        r.set_revokes(Some(4));
        r.set_revocation_reason(Some(reason));
        r
    }

    #[test]
    fn each_of_the_five_reasons_revokes_a_valid_certificate() {
        let now = at("2026-11-30T10:00:00Z");
        for reason in RevocationReason::ALL {
            let r = revocation(reason, "2026-11-30T09:00:00Z");
            let change = file(r, &issued(), now).unwrap();
            let Some(Record::Certificate(filed)) = &change.edits[0].after else {
                panic!("the revocation first");
            };
            assert_eq!(filed.revocation_reason(), Some(reason));
            assert_eq!(filed.revokes(), Some(4));
            // The original is in the change, unchanged, so its history links the two.
            assert_eq!(change.edits[1].before, change.edits[1].after);
            assert_eq!(change.edits[1].id(), Some(crate::store::RecordId::Certificate(4)));
        }
    }

    #[test]
    fn an_expired_certificate_is_refused_with_its_expiry() {
        // Issued 10/01/2023: valid four years, until 10/01/2027 at 10:00.
        let late = revocation(RevocationReason::CardLost, "2027-01-10T10:00:00Z");
        assert_eq!(
            check(&late, Some(&issued()), None),
            Err(RuleError::RevokesExpired {
                id: 4,
                expired: at("2027-01-10T10:00:00Z")
            })
        );
        let in_time = revocation(RevocationReason::CardLost, "2027-01-10T09:59:00Z");
        assert_eq!(check(&in_time, Some(&issued()), None), Ok(()));
    }

    #[test]
    fn a_revocation_needs_its_link_its_reason_and_a_live_certificate() {
        let r = revocation(RevocationReason::DataChanged, "2026-11-30T09:00:00Z");
        let mut no_link = r.clone();
        no_link.set_revokes(None);
        assert_eq!(check(&no_link, None, None), Err(RuleError::Empty(Field::Revokes)));
        let mut no_reason = r.clone();
        no_reason.set_revocation_reason(None);
        assert_eq!(
            check(&no_reason, Some(&issued()), None),
            Err(RuleError::Empty(Field::RevocationReason))
        );
        assert_eq!(check(&r, None, None), Err(RuleError::RevokesUnknown(4)));
        let mut open = issued();
        open.status = CertStatus::Filed;
        assert_eq!(check(&r, Some(&open), None), Err(RuleError::RevokesNotIssued(4)));
        let mut elsewhere = issued();
        elsewhere.ine = IneCode(250019);
        assert_eq!(
            check(&r, Some(&elsewhere), None),
            Err(RuleError::RevokesAnotherCouncil(4))
        );
        assert_eq!(
            check(&r, Some(&issued()), Some(9)),
            Err(RuleError::RevokedAlready { id: 4, by: 9 })
        );
        let mut renewal = issued();
        renewal.set_revokes(Some(3));
        assert_eq!(check(&renewal, None, None), Err(RuleError::OnlyForRevocation));
    }

    #[test]
    fn a_revocation_is_of_its_certificates_holder_post_and_type() {
        let r = revocation(RevocationReason::DataChanged, "2026-11-30T09:00:00Z");
        for change in [0, 1, 2] {
            let mut other = r.clone();
            match change {
                0 => other.holder = "Someone Else".into(),
                1 => other.role = HolderRole::Secretary,
                _ => other.cert_type = "tcat-p".into(),
            }
            assert_eq!(
                check(&other, Some(&issued()), None),
                Err(RuleError::RevokesAnotherHolder(4))
            );
        }
        let mut case = r.clone();
        case.holder = "maria puig".into();
        assert_eq!(check(&case, Some(&issued()), None), Ok(()));
    }
}
