//! The rules every certificate request obeys, wherever it is written: the form, `cert add`
//! and the import all build the request, then call `check`, so none of them can let
//! through what another refuses.

use super::certificate::{CertificateRequest, check_urgency};
use super::limits;
use chrono::{DateTime, Duration, Utc};

/// How far ahead of the clock a time may be: a wall clock or a phone a few minutes fast.
pub const FUTURE_SLACK_MINUTES: i64 = 5;

/// Whether `at` is later than `now`, beyond the slack.
pub fn is_future(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + Duration::minutes(FUTURE_SLACK_MINUTES)
}

/// The fields the rules speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Holder,
    Reason,
    Notes,
    ReceivedAt,
    FiledAt,
    IssuedAt,
    DeliveredAt,
}

impl Field {
    /// The field's name in files: the CSV column and the JSON key.
    pub fn name(self) -> &'static str {
        match self {
            Field::Holder => "holder",
            Field::Reason => "reason",
            Field::Notes => "notes",
            Field::ReceivedAt => "received_at",
            Field::FiledAt => "filed_at",
            Field::IssuedAt => "issued_at",
            Field::DeliveredAt => "delivered_at",
        }
    }
}

/// The first rule a request breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    Empty(Field),
    TooLong {
        field: Field,
        max: usize,
    },
    /// Urgency for a post without the right to it needs a written reason.
    UrgentWithoutReason,
    InFuture(Field),
    IssuedBeforeReceived,
}

/// Checks a request as it is about to be stored, at `now`.
pub fn check(c: &CertificateRequest, now: DateTime<Utc>) -> Result<(), Broken> {
    if c.holder.trim().is_empty() {
        return Err(Broken::Empty(Field::Holder));
    }
    for (field, text, max) in [
        (Field::Holder, &c.holder, limits::NAME),
        (Field::Reason, &c.reason, limits::REASON),
        (Field::Notes, &c.notes, limits::NOTES),
    ] {
        if !limits::fits(text, max) {
            return Err(Broken::TooLong { field, max });
        }
    }
    if check_urgency(c.role, c.urgent, &c.reason).is_err() {
        return Err(Broken::UrgentWithoutReason);
    }
    for (field, at) in [
        (Field::ReceivedAt, Some(c.received_at)),
        (Field::FiledAt, c.filed_at),
        (Field::IssuedAt, c.issued_at),
        (Field::DeliveredAt, c.delivered_at),
    ] {
        if at.is_some_and(|at| is_future(at, now)) {
            return Err(Broken::InFuture(field));
        }
    }
    if c.issued_at.is_some_and(|issued| issued < c.received_at) {
        return Err(Broken::IssuedBeforeReceived);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::{CertStatus, HolderRole};
    use crate::domain::municipality::IneCode;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn each_rule_is_named() {
        let now = at("2026-12-04T10:00:00+01:00");
        let ine = IneCode::parse("252228").unwrap();
        let ok = CertificateRequest::received(1, ine, "Maria Puig", HolderRole::Other, "tcat", now);
        assert_eq!(check(&ok, now), Ok(()));
        let broken = |change: &dyn Fn(&mut CertificateRequest)| {
            let mut c = ok.clone();
            change(&mut c);
            check(&c, now)
        };
        assert_eq!(
            broken(&|c| c.holder = "  ".into()),
            Err(Broken::Empty(Field::Holder))
        );
        assert_eq!(
            broken(&|c| c.notes = "n".repeat(2001)),
            Err(Broken::TooLong {
                field: Field::Notes,
                max: 2000
            })
        );
        assert_eq!(broken(&|c| c.urgent = true), Err(Broken::UrgentWithoutReason));
        assert_eq!(
            broken(&|c| {
                c.urgent = true;
                c.reason = "caduca demà".into();
            }),
            Ok(())
        );
        // Five minutes of slack for a fast clock; a minute more is the future.
        assert_eq!(broken(&|c| c.received_at = now + Duration::minutes(5)), Ok(()));
        assert_eq!(
            broken(&|c| c.received_at = now + Duration::minutes(6)),
            Err(Broken::InFuture(Field::ReceivedAt))
        );
        assert_eq!(
            broken(&|c| {
                c.status = CertStatus::Issued;
                c.issued_at = Some(at("9999-01-01T00:00:00Z"));
            }),
            Err(Broken::InFuture(Field::IssuedAt))
        );
        assert_eq!(
            broken(&|c| c.delivered_at = Some(at("2099-01-01T00:00:00Z"))),
            Err(Broken::InFuture(Field::DeliveredAt))
        );
        assert_eq!(
            broken(&|c| c.issued_at = Some(now - Duration::days(1))),
            Err(Broken::IssuedBeforeReceived)
        );
    }
}
