//! Renewing several certificates at once: one change, one history entry, one undo.

use super::RuleError;
use crate::domain::certificate::{CertificateRequest, Operation};
use crate::store::{Change, ChangeKind, Edit, NEW_ID, Record};
use chrono::{DateTime, Utc};

/// The renewal of one issued certificate, received `now`: same council, holder,
/// post and type, linked to it.
pub fn renewal_of(c: &CertificateRequest, now: DateTime<Utc>) -> CertificateRequest {
    let mut r =
        CertificateRequest::received(NEW_ID, c.ine, c.holder.clone(), c.role, c.cert_type.clone(), now);
    r.operation = Operation::Renewal;
    r.set_renews(Some(c.id));
    r
}

/// One change filing a renewal of each certificate given, in order. None when
/// there is none to renew.
pub fn file_all(certs: &[&CertificateRequest], now: DateTime<Utc>) -> Result<Option<Change>, RuleError> {
    let mut edits = Vec::with_capacity(certs.len());
    for c in certs {
        let renewal = renewal_of(c, now);
        super::requests::validate(&renewal, now)?;
        edits.push(Edit::create(Record::Certificate(renewal)));
    }
    Ok((!edits.is_empty()).then(|| Change::new(ChangeKind::CertRenewals, edits)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::{CertStatus, HolderRole};
    use crate::domain::municipality::IneCode;

    #[test]
    fn several_renewals_are_one_change_each_linked_to_its_certificate() {
        let now: DateTime<Utc> = "2026-11-30T10:00:00Z".parse().unwrap();
        let mut a = CertificateRequest::received(3, IneCode(252228), "Anna", HolderRole::Mayor, "tcat", now);
        a.status = CertStatus::Delivered;
        let mut b = a.clone();
        b.id = 8;
        b.holder = "Berta".into();
        b.role = HolderRole::Secretary;
        let change = file_all(&[&a, &b], now).unwrap().unwrap();
        assert_eq!(change.kind, ChangeKind::CertRenewals);
        assert!(change.undoable);
        let made: Vec<(Option<u64>, &str, Operation)> = change
            .edits
            .iter()
            .map(|e| match &e.after {
                Some(Record::Certificate(c)) => (c.renews(), c.holder.as_str(), c.operation),
                _ => panic!("a request"),
            })
            .collect();
        assert_eq!(
            made,
            [
                (Some(3), "Anna", Operation::Renewal),
                (Some(8), "Berta", Operation::Renewal)
            ]
        );
        assert_eq!(file_all(&[], now), Ok(None));
    }
}
