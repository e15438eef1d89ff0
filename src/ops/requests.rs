//! Certificate requests: the one validator every request goes through, wherever
//! it is written (the form, `cert add`, the import), and the changes to one.

use super::{Field, RuleError};
use crate::domain::certificate::{CertStatus, CertificateRequest, StepError, check_urgency};
use crate::domain::limits;
use crate::domain::search::fold;
use crate::store::{Change, ChangeKind, Edit, Record};
use chrono::{DateTime, Duration, Utc};

/// How far ahead of the clock a time may be: a wall clock or a phone a few minutes fast.
pub const FUTURE_SLACK_MINUTES: i64 = 5;

/// Whether `at` is later than `now`, beyond the slack.
pub fn is_future(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + Duration::minutes(FUTURE_SLACK_MINUTES)
}

/// Whether a step at `at` comes before the step before it, at `previous`. Times
/// are typed to the minute: a step in the same minute as the one before is not
/// before it.
fn before_step(at: DateTime<Utc>, previous: DateTime<Utc>) -> bool {
    use chrono::{DurationRound, TimeDelta};
    let minute = previous.duration_trunc(TimeDelta::minutes(1)).unwrap_or(previous);
    at < minute
}

/// The first rule a request about to be stored at `now` breaks: a holder, the
/// field limits, the urgency rule, no time in the future, issued after received.
pub fn validate(c: &CertificateRequest, now: DateTime<Utc>) -> Result<(), RuleError> {
    if c.holder.trim().is_empty() {
        return Err(RuleError::Empty(Field::Holder));
    }
    for (field, text, max) in [
        (Field::Holder, c.holder.as_str(), limits::NAME),
        (Field::Reason, c.reason().as_str(), limits::REASON),
        (Field::Notes, c.notes().as_str(), limits::NOTES),
        // Typed at most REASON long; an imported one may be a note.
        (Field::StatusReason, c.status_reason().as_str(), limits::NOTES),
    ] {
        if !limits::fits(text, max) {
            return Err(RuleError::TooLong { field, max });
        }
    }
    if check_urgency(c.role, c.urgent, c.reason()).is_err() {
        return Err(RuleError::UrgentWithoutReason);
    }
    for (field, at) in [
        (Field::ReceivedAt, Some(c.received_at)),
        (Field::FiledAt, c.filed_at),
        (Field::IssuedAt, c.issued_at),
        (Field::DeliveredAt, c.delivered_at),
    ] {
        if at.is_some_and(|at| is_future(at, now)) {
            return Err(RuleError::InFuture(field));
        }
    }
    if c.issued_at.is_some_and(|issued| issued < c.received_at) {
        return Err(RuleError::IssuedBeforeReceived);
    }
    Ok(())
}

/// A new request (its id `NEW_ID`: the store gives it one).
pub fn file_request(request: CertificateRequest, now: DateTime<Utc>) -> Result<Change, RuleError> {
    validate(&request, now)?;
    Ok(Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request))],
    ))
}

/// The steps' dates in their order: filed after received, issued after filed,
/// delivered after issued. (Imports keep only `validate`'s issued-after-received:
/// old records may have been stamped in any order.)
pub fn check_step_order(c: &CertificateRequest) -> Result<(), RuleError> {
    for (field, status, at) in [
        (Field::FiledAt, CertStatus::Filed, c.filed_at),
        (Field::IssuedAt, CertStatus::Issued, c.issued_at),
        (Field::DeliveredAt, CertStatus::Delivered, c.delivered_at),
    ] {
        let earlier = at
            .zip(c.previous_step_at(status))
            .is_some_and(|(at, prev)| before_step(at, prev));
        if earlier {
            return Err(match field {
                Field::IssuedAt if c.issued_at < Some(c.received_at) => RuleError::IssuedBeforeReceived,
                _ => RuleError::BeforePreviousStep(field),
            });
        }
    }
    Ok(())
}

/// A request as edited; None if nothing changed. An appointment check was of
/// the holder, role and council as they were: changed, it is dropped, to be made again.
pub fn edit_request(
    before: &CertificateRequest,
    mut after: CertificateRequest,
    now: DateTime<Utc>,
) -> Result<Option<Change>, RuleError> {
    if (after.ine, &after.holder, after.role) != (before.ine, &before.holder, before.role) {
        after.set_appointment_check(None);
    }
    validate(&after, now)?;
    check_step_order(&after)?;
    if *before == after {
        return Ok(None);
    }
    Ok(Some(Change::update(
        ChangeKind::CertEdit,
        Record::Certificate(before.clone()),
        Record::Certificate(after),
    )))
}

/// One step along the main path, dated `at` (what a person typed, or now), with
/// the status it reaches. The date may not be in the future nor before the step
/// it follows.
pub fn advance(
    before: &CertificateRequest,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(Change, CertStatus), RuleError> {
    let field = match before.status.next() {
        Some(CertStatus::Filed) => Field::FiledAt,
        Some(CertStatus::Issued) => Field::IssuedAt,
        Some(CertStatus::Delivered) => Field::DeliveredAt,
        Some(_) => Field::ReceivedAt,
        None => return Err(RuleError::NoNextStep),
    };
    if is_future(at, now) {
        return Err(RuleError::InFuture(field));
    }
    let next = before.status.next().unwrap_or(before.status);
    if before
        .previous_step_at(next)
        .is_some_and(|prev| before_step(at, prev))
    {
        return Err(RuleError::BeforePreviousStep(field));
    }
    let mut after = before.clone();
    let next = after.advance(at).map_err(|e| match e {
        StepError::AppointmentMissing => RuleError::AppointmentMissing,
        StepError::NoNextStep | StepError::UrgentWithoutReason => RuleError::NoNextStep,
    })?;
    let change = Change::update(
        ChangeKind::CertStatus,
        Record::Certificate(before.clone()),
        Record::Certificate(after),
    );
    Ok((change, next))
}

/// Whether a request may be cancelled or rejected: only an open one.
pub fn ensure_open(c: &CertificateRequest) -> Result<(), RuleError> {
    match c.status.is_open() {
        true => Ok(()),
        false => Err(RuleError::NotOpen),
    }
}

/// Whether the request may be cancelled by whoever typed `typed_name`: it is
/// open, and the name is its holder's (accents and case aside).
pub fn confirm_cancel(before: &CertificateRequest, typed_name: &str) -> Result<(), RuleError> {
    ensure_open(before)?;
    if fold(typed_name.trim()) != fold(&before.holder) {
        return Err(RuleError::NotTheHolder);
    }
    Ok(())
}

/// Cancelled at the holder's request (the name typed to confirm it), with the
/// reason given, if any.
pub fn cancel(before: &CertificateRequest, typed_name: &str, reason: &str) -> Result<Change, RuleError> {
    confirm_cancel(before, typed_name)?;
    let mut after = before.clone();
    after.status = CertStatus::Cancelled;
    after.set_status_reason(reason.trim().into());
    Ok(Change::update(
        ChangeKind::CertCancel,
        Record::Certificate(before.clone()),
        Record::Certificate(after),
    ))
}

/// Rejected by the office, with the reason given.
pub fn reject(before: &CertificateRequest, reason: &str) -> Result<Change, RuleError> {
    ensure_open(before)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RuleError::Empty(Field::StatusReason));
    }
    let mut after = before.clone();
    after.status = CertStatus::Rejected;
    after.set_status_reason(reason.into());
    Ok(Change::update(
        ChangeKind::CertReject,
        Record::Certificate(before.clone()),
        Record::Certificate(after),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::HolderRole;
    use crate::domain::municipality::IneCode;
    use crate::store::NEW_ID;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn request(now: DateTime<Utc>) -> CertificateRequest {
        let ine = IneCode::parse("252228").unwrap();
        CertificateRequest::received(NEW_ID, ine, "Maria Puig", HolderRole::Other, "tcat", now)
    }

    #[test]
    fn each_rule_is_named() {
        let now = at("2026-12-04T10:00:00+01:00");
        let ok = request(now);
        assert_eq!(validate(&ok, now), Ok(()));
        let broken = |change: &dyn Fn(&mut CertificateRequest)| {
            let mut c = ok.clone();
            change(&mut c);
            validate(&c, now)
        };
        assert_eq!(
            broken(&|c| c.holder = "  ".into()),
            Err(RuleError::Empty(Field::Holder))
        );
        assert_eq!(
            broken(&|c| c.set_notes("n".repeat(2001).into())),
            Err(RuleError::TooLong {
                field: Field::Notes,
                max: 2000
            })
        );
        assert_eq!(
            broken(&|c| c.set_status_reason("r".repeat(2001).into())),
            Err(RuleError::TooLong {
                field: Field::StatusReason,
                max: 2000
            })
        );
        assert_eq!(broken(&|c| c.urgent = true), Err(RuleError::UrgentWithoutReason));
        assert_eq!(
            broken(&|c| {
                c.urgent = true;
                c.set_reason("caduca demà".into());
            }),
            Ok(())
        );
        // Five minutes of slack for a fast clock; a minute more is the future.
        assert_eq!(broken(&|c| c.received_at = now + Duration::minutes(5)), Ok(()));
        assert_eq!(
            broken(&|c| c.received_at = now + Duration::minutes(6)),
            Err(RuleError::InFuture(Field::ReceivedAt))
        );
        assert_eq!(
            broken(&|c| {
                c.status = CertStatus::Issued;
                c.issued_at = Some(at("9999-01-01T00:00:00Z"));
            }),
            Err(RuleError::InFuture(Field::IssuedAt))
        );
        assert_eq!(
            broken(&|c| c.delivered_at = Some(at("2099-01-01T00:00:00Z"))),
            Err(RuleError::InFuture(Field::DeliveredAt))
        );
        assert_eq!(
            broken(&|c| c.issued_at = Some(now - Duration::days(1))),
            Err(RuleError::IssuedBeforeReceived)
        );
    }

    #[test]
    fn an_appointment_check_is_dropped_when_its_holder_role_or_council_changes() {
        let now = at("2026-12-04T10:00:00+01:00");
        let mut before = request(now);
        before.id = 7;
        before.role = HolderRole::Secretary;
        before.set_appointment_check(Some(Box::new(crate::domain::revocation::AppointmentCheck {
            at: now,
            user: "marta".into(),
            found: true,
        })));
        let edited = |f: &dyn Fn(&mut CertificateRequest)| {
            let mut after = before.clone();
            f(&mut after);
            match edit_request(&before, after, now).unwrap().unwrap().edits[0]
                .after
                .clone()
            {
                Some(Record::Certificate(c)) => c,
                other => panic!("{other:?}"),
            }
        };
        // Its notes: the check stays.
        assert!(
            edited(&|c| c.set_notes("revisat".into()))
                .appointment_check()
                .is_some()
        );
        for change in [
            &(|c: &mut CertificateRequest| c.holder = "Pere Vidal".into())
                as &dyn Fn(&mut CertificateRequest),
            &|c| c.role = HolderRole::Treasurer,
            &|c| c.ine = IneCode(250024),
        ] {
            assert_eq!(edited(change).appointment_check(), None);
        }
    }

    #[test]
    fn filing_and_editing_go_through_the_rules() {
        let now = at("2026-12-04T10:00:00+01:00");
        let change = file_request(request(now), now).unwrap();
        assert_eq!(change.kind, ChangeKind::CertNew);
        assert_eq!(change.edits[0].before, None);
        let mut empty = request(now);
        empty.holder.clear();
        assert_eq!(file_request(empty, now), Err(RuleError::Empty(Field::Holder)));

        let mut before = request(now);
        before.id = 7;
        assert_eq!(edit_request(&before, before.clone(), now), Ok(None));
        let mut after = before.clone();
        after.set_notes("revisat".into());
        let change = edit_request(&before, after.clone(), now).unwrap().unwrap();
        assert_eq!(change.kind, ChangeKind::CertEdit);
        assert_eq!(change.edits[0].after, Some(Record::Certificate(after.clone())));
        after.received_at = now + Duration::hours(1);
        assert_eq!(
            edit_request(&before, after, now),
            Err(RuleError::InFuture(Field::ReceivedAt))
        );
    }

    #[test]
    fn advancing_needs_the_appointment_and_a_next_step() {
        let now = at("2026-12-04T10:00:00+01:00");
        let mut c = request(now);
        c.role = HolderRole::Secretary;
        assert_eq!(advance(&c, now, now), Err(RuleError::AppointmentMissing));
        c.appointment_attached = true;
        let (change, next) = advance(&c, now, now).unwrap();
        assert_eq!(next, CertStatus::Filed);
        assert_eq!(change.kind, ChangeKind::CertStatus);
        c.status = CertStatus::Cancelled;
        assert_eq!(advance(&c, now, now), Err(RuleError::NoNextStep));
    }

    #[test]
    fn issue_and_delivery_take_a_date_never_in_the_future_nor_before_the_step_before() {
        let received = at("2026-12-01T10:00:00+01:00");
        let now = at("2026-12-04T10:00:00+01:00");
        let mut c = request(received);
        c.id = 7;
        c.status = CertStatus::Filed;
        c.filed_at = Some(at("2026-12-02T09:00:00+01:00"));
        // Issued yesterday: the date typed is the one kept, and expiry counts from it.
        let yesterday = at("2026-12-03T12:00:00+01:00");
        let (change, next) = advance(&c, yesterday, now).unwrap();
        assert_eq!(next, CertStatus::Issued);
        let Some(Record::Certificate(issued)) = &change.edits[0].after else {
            panic!("{change:?}");
        };
        assert_eq!(issued.issued_at, Some(yesterday));
        assert_eq!(issued.expires_at(), Some(at("2030-12-03T12:00:00+01:00")));
        assert_eq!(
            advance(&c, now + Duration::hours(1), now),
            Err(RuleError::InFuture(Field::IssuedAt))
        );
        assert_eq!(
            advance(&c, at("2026-12-02T08:00:00+01:00"), now),
            Err(RuleError::BeforePreviousStep(Field::IssuedAt)),
            "before it was filed"
        );
        assert_eq!(
            advance(issued, at("2026-12-03T11:00:00+01:00"), now),
            Err(RuleError::BeforePreviousStep(Field::DeliveredAt))
        );
        assert!(advance(issued, now, now).is_ok());
        // Typed to the minute: the minute of the step before is not before it.
        let mut filed = c.clone();
        filed.filed_at = Some(at("2026-12-04T09:59:31+01:00"));
        assert!(advance(&filed, at("2026-12-04T09:59:00+01:00"), now).is_ok());
        assert_eq!(
            advance(&filed, at("2026-12-04T09:58:59+01:00"), now),
            Err(RuleError::BeforePreviousStep(Field::IssuedAt))
        );
    }

    #[test]
    fn an_edit_keeps_the_steps_in_order() {
        let received = at("2026-12-01T10:00:00+01:00");
        let now = at("2026-12-04T10:00:00+01:00");
        let mut before = request(received);
        before.id = 7;
        before.status = CertStatus::Delivered;
        before.issued_at = Some(at("2026-12-02T10:00:00+01:00"));
        before.delivered_at = Some(at("2026-12-03T10:00:00+01:00"));
        let mut after = before.clone();
        after.delivered_at = Some(at("2026-12-01T12:00:00+01:00"));
        assert_eq!(
            edit_request(&before, after.clone(), now),
            Err(RuleError::BeforePreviousStep(Field::DeliveredAt))
        );
        after.delivered_at = Some(at("2026-12-02T12:00:00+01:00"));
        assert!(edit_request(&before, after.clone(), now).unwrap().is_some());
        after.issued_at = Some(at("2026-11-30T10:00:00+01:00"));
        assert_eq!(
            edit_request(&before, after, now),
            Err(RuleError::IssuedBeforeReceived)
        );
    }

    #[test]
    fn cancelling_takes_the_holders_name_and_rejecting_a_reason() {
        let now = at("2026-12-04T10:00:00+01:00");
        let c = request(now);
        assert_eq!(cancel(&c, "Joan", ""), Err(RuleError::NotTheHolder));
        let change = cancel(&c, "  maria PUIG ", "").unwrap();
        assert_eq!(change.kind, ChangeKind::CertCancel);
        assert!(matches!(
            &change.edits[0].after,
            Some(Record::Certificate(after)) if after.status == CertStatus::Cancelled
        ));
        // With a reason, kept as the rejection's is.
        let change = cancel(&c, "Maria Puig", " Ja en té un ").unwrap();
        assert!(matches!(
            &change.edits[0].after,
            Some(Record::Certificate(after)) if after.status_reason() == "Ja en té un"
        ));
        assert_eq!(reject(&c, "  "), Err(RuleError::Empty(Field::StatusReason)));
        let change = reject(&c, " Falta el DNI ").unwrap();
        assert!(matches!(
            &change.edits[0].after,
            Some(Record::Certificate(after))
                if after.status == CertStatus::Rejected && after.status_reason() == "Falta el DNI"
        ));
        let mut issued = c.clone();
        issued.status = CertStatus::Issued;
        assert_eq!(cancel(&issued, "Maria Puig", ""), Err(RuleError::NotOpen));
        assert_eq!(reject(&issued, "x"), Err(RuleError::NotOpen));
    }
}
