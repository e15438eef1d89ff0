//! The appointment check: before filing for a secretary, intervenor or
//! treasurer, the ER looks the appointment up in EACAT's register. Not found,
//! the request is rejected with that reason, after the council is told.

use super::RuleError;
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::domain::revocation::AppointmentCheck;
use crate::store::{Change, ChangeKind, Record};
use chrono::{DateTime, Utc};

/// Whether a request needs the check, and may still take it (it is open).
pub fn applies(c: &CertificateRequest) -> bool {
    c.role.needs_appointment() && c.status.is_open()
}

/// Whether a request was rejected because its appointment was not in the register.
pub fn rejected_for_it(c: &CertificateRequest) -> bool {
    c.status == CertStatus::Rejected && c.appointment_check().is_some_and(|check| !check.found)
}

/// Records the check by `user` at `now`. Found, the appointment counts as
/// attached; not found, the request is rejected with `reason` (the words
/// "nomenament no consta al registre d'EACAT" in the interface language).
pub fn record(
    before: &CertificateRequest,
    found: bool,
    user: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Change, RuleError> {
    if !applies(before) {
        return Err(RuleError::NotOpen);
    }
    let mut after = before.clone();
    after.set_appointment_check(Some(Box::new(AppointmentCheck {
        at: now,
        user: user.to_string(),
        found,
    })));
    if found {
        after.appointment_attached = true;
    } else {
        after.status = CertStatus::Rejected;
        after.set_status_reason(reason.into());
    }
    Ok(Change::update(
        ChangeKind::CertAppointment,
        Record::Certificate(before.clone()),
        Record::Certificate(after),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::HolderRole;
    use crate::domain::municipality::IneCode;

    fn secretary() -> CertificateRequest {
        let at = "2026-11-30T09:00:00Z".parse().unwrap();
        CertificateRequest::received(5, IneCode(252228), "Pere", HolderRole::Secretary, "tcat", at)
    }

    #[test]
    fn found_ticks_the_appointment_and_not_found_rejects_with_the_reason() {
        let now: DateTime<Utc> = "2026-11-30T10:00:00Z".parse().unwrap();
        let reason = "nomenament no consta al registre d'EACAT";
        let after = |change: Change| match change.edits[0].after.clone() {
            Some(Record::Certificate(c)) => c,
            _ => panic!("a request"),
        };
        let found = after(record(&secretary(), true, "anna", reason, now).unwrap());
        assert!(found.appointment_attached);
        assert_eq!(found.status, CertStatus::Received);
        assert_eq!(
            found.appointment_check(),
            Some(&AppointmentCheck {
                at: now,
                user: "anna".into(),
                found: true
            })
        );
        let missing = after(record(&secretary(), false, "anna", reason, now).unwrap());
        assert_eq!(missing.status, CertStatus::Rejected);
        assert_eq!(missing.status_reason(), reason);
        assert!(rejected_for_it(&missing));
        assert!(!rejected_for_it(&found));
        let mut mayor = secretary();
        mayor.role = HolderRole::Mayor;
        assert_eq!(record(&mayor, true, "anna", reason, now), Err(RuleError::NotOpen));
    }
}
