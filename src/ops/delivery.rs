//! A T-CAT P's last step: its holder downloaded it.

use super::RuleError;
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::domain::tcat_p;
use crate::store::{Change, ChangeKind, Record};
use chrono::{DateTime, Utc};

/// Whether a request is a delivered T-CAT P not yet marked downloaded.
pub fn awaits_download(c: &CertificateRequest) -> bool {
    c.cert_type == tcat_p::CODE && c.status == CertStatus::Delivered && c.downloaded_at().is_none()
}

/// Marks it downloaded at `now`.
pub fn mark_downloaded(before: &CertificateRequest, now: DateTime<Utc>) -> Result<Change, RuleError> {
    if !awaits_download(before) {
        return Err(RuleError::NoNextStep);
    }
    let mut after = before.clone();
    after.set_downloaded_at(Some(now));
    Ok(Change::update(
        ChangeKind::CertDownloaded,
        Record::Certificate(before.clone()),
        Record::Certificate(after),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::HolderRole;
    use crate::domain::municipality::IneCode;

    #[test]
    fn only_a_delivered_software_certificate_is_marked_downloaded() {
        let now: DateTime<Utc> = "2026-12-04T09:00:00Z".parse().unwrap();
        let mut c =
            CertificateRequest::received(1, IneCode(252228), "Anna", HolderRole::Other, "tcat-p", now);
        assert_eq!(mark_downloaded(&c, now), Err(RuleError::NoNextStep));
        c.status = CertStatus::Delivered;
        let change = mark_downloaded(&c, now).unwrap();
        assert!(
            matches!(&change.edits[0].after, Some(Record::Certificate(a)) if a.downloaded_at() == Some(now))
        );
        c.cert_type = "tcat".into();
        assert_eq!(mark_downloaded(&c, now), Err(RuleError::NoNextStep));
    }
}
