//! The support log: the one validator every activity goes through, wherever it
//! is written (the form, `activity add`, `training add`, the import), and the
//! changes to one: log, edit, close, wait, and the checklist steps a training ticks.

use super::{Field, RuleError};
use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, Direction};
use crate::domain::catalog::{Service, services};
use crate::domain::limits;
use crate::domain::municipality::IneCode;
use crate::store::{Change, ChangeKind, Edit, NEW_ID, Record};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

pub use super::requests::is_future;

/// What the rules must know of other records: which councils and requests exist.
pub trait Known {
    fn has_council(&self, ine: IneCode) -> bool;
    /// The council of request `id`, if it is stored.
    fn request_council(&self, id: u64) -> Option<IneCode>;
}

/// The councils and requests as read from a store, for the command line and imports.
#[derive(Debug, Default)]
pub struct Records {
    pub councils: HashSet<IneCode>,
    pub requests: HashMap<u64, IneCode>,
}

impl Known for Records {
    fn has_council(&self, ine: IneCode) -> bool {
        self.councils.contains(&ine)
    }

    fn request_council(&self, id: u64) -> Option<IneCode> {
        self.requests.get(&id).copied()
    }
}

/// Every council and no request: the rules that need no store, checked before it is opened.
pub struct Unchecked;

impl Known for Unchecked {
    fn has_council(&self, _: IneCode) -> bool {
        true
    }

    fn request_council(&self, _: u64) -> Option<IneCode> {
        None
    }
}

/// A catalogue service by its id.
pub fn service(id: &str) -> Option<&'static Service> {
    services().iter().find(|s| s.id == id)
}

/// A service as people name it: its id (`e-notum`), its column header (`NOT`) or
/// its name (`e-NOTUM`), in any case.
pub fn find_service(text: &str) -> Option<&'static Service> {
    let text = text.trim();
    let folded = crate::domain::search::fold(text);
    services().iter().find(|s| {
        s.id == text || s.short.eq_ignore_ascii_case(text) || crate::domain::search::fold(&s.name) == folded
    })
}

/// The first rule an activity about to be stored at `now` breaks.
pub fn validate(a: &Activity, now: DateTime<Utc>, known: &dyn Known) -> Result<(), RuleError> {
    if a.summary.trim().is_empty() {
        return Err(RuleError::Empty(Field::Summary));
    }
    if a.summary.contains(['\n', '\r']) {
        return Err(RuleError::NotOneLine(Field::Summary));
    }
    for (field, text, max) in [
        (Field::Summary, &a.summary, limits::SUMMARY),
        (Field::Contact, &a.contact, limits::NAME),
        (Field::Notes, &a.notes, limits::NOTES),
    ] {
        if !limits::fits(text, max) {
            return Err(RuleError::TooLong { field, max });
        }
    }
    match a.kind {
        ActivityKind::Training => validate_training(a, known)?,
        _ => validate_single(a, known)?,
    }
    if a.minutes.is_some_and(|m| m > limits::MINUTES) {
        return Err(RuleError::OutOfRange {
            field: Field::Minutes,
            max: limits::MINUTES,
        });
    }
    if is_future(a.received_at, now) {
        return Err(RuleError::InFuture(Field::ReceivedAt));
    }
    if let Some(closed) = a.closed_at {
        if is_future(closed, now) {
            return Err(RuleError::InFuture(Field::ClosedAt));
        }
        if closed < a.received_at {
            return Err(RuleError::ClosedBeforeReceived);
        }
    }
    Ok(())
}

/// One council, perhaps a service and a request; none of a training's fields.
fn validate_single(a: &Activity, known: &dyn Known) -> Result<(), RuleError> {
    let ine = a.ine.ok_or(RuleError::Empty(Field::Council))?;
    if !known.has_council(ine) {
        return Err(RuleError::UnknownCouncil(ine));
    }
    for (field, given) in [
        (Field::Councils, !a.councils.is_empty()),
        (Field::Services, !a.services.is_empty()),
        (Field::Hours, a.session_minutes.is_some()),
    ] {
        if given {
            return Err(RuleError::OnlyForTraining(field));
        }
    }
    if let Some(id) = &a.service
        && service(id).is_none()
    {
        return Err(RuleError::UnknownService(id.clone()));
    }
    if let Some(id) = a.request_id {
        match known.request_council(id) {
            None => return Err(RuleError::UnknownRequest(id)),
            Some(council) if council != ine => return Err(RuleError::RequestOfAnotherCouncil(id)),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Councils with their attendees, known services, a length if given.
fn validate_training(a: &Activity, known: &dyn Known) -> Result<(), RuleError> {
    if a.councils.is_empty() {
        return Err(RuleError::Empty(Field::Councils));
    }
    let mut seen = HashSet::new();
    for attended in &a.councils {
        if !known.has_council(attended.ine) {
            return Err(RuleError::UnknownCouncil(attended.ine));
        }
        if !seen.insert(attended.ine) {
            return Err(RuleError::DuplicateCouncil(attended.ine));
        }
        if !(1..=limits::ATTENDEES).contains(&attended.attendees) {
            return Err(RuleError::OutOfRange {
                field: Field::Attendees,
                max: limits::ATTENDEES,
            });
        }
    }
    if let Some(unknown) = a.services.iter().find(|id| service(id).is_none()) {
        return Err(RuleError::UnknownService(unknown.clone()));
    }
    if a.session_minutes
        .is_some_and(|m| !(1..=limits::SESSION_MINUTES).contains(&m))
    {
        return Err(RuleError::OutOfRange {
            field: Field::Hours,
            max: limits::SESSION_MINUTES / 60,
        });
    }
    if a.service.is_some() || a.request_id.is_some() {
        return Err(RuleError::OnlyForTraining(Field::Services));
    }
    Ok(())
}

/// What a training is, whatever was given: the session happened (closed when it
/// was held), given by the office; its council field names the one council, if one.
fn shape_training(a: &mut Activity) {
    a.direction = Direction::Out;
    a.status = ActivityStatus::Closed;
    a.closed_at = Some(a.received_at);
    a.pauses.clear();
    a.ine = match a.councils.as_slice() {
        [only] => Some(only.ine),
        _ => None,
    };
}

/// A new entry, logged by `user` at `now` (the store gives its id). Whoever
/// creates it (the form, `activity add`, an import), a status of closed or
/// waiting dates from its receipt: closed then unless a closing time is given,
/// its clock stopped from then.
pub fn log(mut a: Activity, now: DateTime<Utc>, user: &str, known: &dyn Known) -> Result<Change, RuleError> {
    a.id = NEW_ID;
    a.created_by = user.to_string();
    shape_new(&mut a);
    validate(&a, now, known)?;
    let kind = match a.kind {
        ActivityKind::Training => ChangeKind::TrainingNew,
        _ => ChangeKind::ActivityNew,
    };
    Ok(Change::new(kind, vec![Edit::create(Record::Activity(a))]))
}

/// A new entry as it is stored: a training's shape, or the status as given
/// reached at its receipt (a closing time given is kept, for `validate` to check).
pub fn shape_new(a: &mut Activity) {
    if a.kind == ActivityKind::Training {
        shape_training(a);
        return;
    }
    let wanted = a.status;
    let at = a.received_at;
    a.status = ActivityStatus::Open;
    a.pauses.clear();
    let closed_at = a.closed_at.take();
    a.set_status(wanted, at);
    if wanted == ActivityStatus::Closed {
        a.closed_at = Some(closed_at.unwrap_or(at));
    }
}

/// An entry as edited; None if nothing changed. The status chosen takes effect
/// now: its stops and closing time are the store's, not the form's.
pub fn edit(
    before: &Activity,
    mut after: Activity,
    now: DateTime<Utc>,
    known: &dyn Known,
) -> Result<Option<Change>, RuleError> {
    after.id = before.id;
    after.created_by = before.created_by.clone();
    let wanted = after.status;
    after.status = before.status;
    after.pauses = before.pauses.clone();
    after.closed_at = before.closed_at;
    if after.kind == ActivityKind::Training {
        shape_training(&mut after);
    } else {
        if before.kind == ActivityKind::Training {
            // No longer a training: open from now, as a new entry would be.
            after.status = ActivityStatus::Open;
            after.closed_at = None;
        }
        after.set_status(wanted, now.max(after.received_at));
    }
    validate(&after, now, known)?;
    if *before == after {
        return Ok(None);
    }
    Ok(Some(Change::update(
        ChangeKind::ActivityEdit,
        Record::Activity(before.clone()),
        Record::Activity(after),
    )))
}

/// Answered: closed at `now`, with the note added to the notes.
pub fn close(before: &Activity, note: &str, now: DateTime<Utc>) -> Result<Change, RuleError> {
    if !before.is_open() {
        return Err(RuleError::ActivityClosed);
    }
    let mut after = before.clone();
    after.close(now.max(before.received_at));
    let note = note.trim();
    if !note.is_empty() {
        after.notes = match after.notes.is_empty() {
            true => note.to_string(),
            false => format!("{}\n{note}", after.notes),
        };
    }
    if !limits::fits(&after.notes, limits::NOTES) {
        return Err(RuleError::TooLong {
            field: Field::Notes,
            max: limits::NOTES,
        });
    }
    Ok(Change::update(
        ChangeKind::ActivityClose,
        Record::Activity(before.clone()),
        Record::Activity(after),
    ))
}

/// `w`: waiting for the council from `now`, or back from waiting; with the status reached.
pub fn toggle_wait(before: &Activity, now: DateTime<Utc>) -> Result<(Change, ActivityStatus), RuleError> {
    let mut after = before.clone();
    let at = now.max(before.received_at);
    match before.status {
        ActivityStatus::Closed => return Err(RuleError::ActivityClosed),
        ActivityStatus::Open => after.wait(at),
        ActivityStatus::Waiting => after.resume(at),
    }
    let status = after.status;
    let change = Change::update(
        ChangeKind::ActivityWait,
        Record::Activity(before.clone()),
        Record::Activity(after),
    );
    Ok((change, status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::activity::Attendance;
    use chrono::Duration;

    const TIURANA: IneCode = IneCode(252228);
    const AGER: IneCode = IneCode(250024);

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn known() -> Records {
        Records {
            councils: HashSet::from([TIURANA, AGER]),
            requests: HashMap::from([(7, TIURANA)]),
        }
    }

    fn call(now: DateTime<Utc>) -> Activity {
        Activity::new(Some(TIURANA), ActivityKind::Call, "No pot signar", now)
    }

    fn training(now: DateTime<Utc>) -> Activity {
        let mut t = Activity::new(None, ActivityKind::Training, "e-NOTUM", now);
        t.councils = vec![
            Attendance {
                ine: TIURANA,
                attendees: 3,
            },
            Attendance {
                ine: AGER,
                attendees: 2,
            },
        ];
        t.services = vec!["e-notum".into(), "eacat".into()];
        t
    }

    fn after(change: &Change) -> Activity {
        match &change.edits[0].after {
            Some(Record::Activity(a)) => a.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_rule_is_named() {
        let now = at("2026-11-26T10:00:00+01:00");
        let ok = call(now);
        assert_eq!(validate(&ok, now, &known()), Ok(()));
        let broken = |change: &dyn Fn(&mut Activity)| {
            let mut a = ok.clone();
            change(&mut a);
            validate(&a, now, &known())
        };
        assert_eq!(
            broken(&|a| a.summary = " ".into()),
            Err(RuleError::Empty(Field::Summary))
        );
        assert_eq!(
            broken(&|a| a.summary = "una\ndues".into()),
            Err(RuleError::NotOneLine(Field::Summary))
        );
        assert_eq!(
            broken(&|a| a.summary = "s".repeat(201)),
            Err(RuleError::TooLong {
                field: Field::Summary,
                max: 200
            })
        );
        assert_eq!(broken(&|a| a.ine = None), Err(RuleError::Empty(Field::Council)));
        assert_eq!(
            broken(&|a| a.ine = Some(IneCode(250001))),
            Err(RuleError::UnknownCouncil(IneCode(250001)))
        );
        assert_eq!(
            broken(&|a| a.service = Some("fax".into())),
            Err(RuleError::UnknownService("fax".into()))
        );
        assert_eq!(broken(&|a| a.service = Some("e-notum".into())), Ok(()));
        assert_eq!(broken(&|a| a.request_id = Some(7)), Ok(()));
        assert_eq!(
            broken(&|a| a.request_id = Some(8)),
            Err(RuleError::UnknownRequest(8))
        );
        assert_eq!(
            broken(&|a| {
                a.ine = Some(AGER);
                a.request_id = Some(7);
            }),
            Err(RuleError::RequestOfAnotherCouncil(7))
        );
        assert_eq!(
            broken(&|a| a.minutes = Some(10_000)),
            Err(RuleError::OutOfRange {
                field: Field::Minutes,
                max: 9_999
            })
        );
        assert_eq!(
            broken(&|a| a.received_at = now + Duration::minutes(6)),
            Err(RuleError::InFuture(Field::ReceivedAt))
        );
        assert_eq!(
            broken(&|a| a.closed_at = Some(now - Duration::hours(1))),
            Err(RuleError::ClosedBeforeReceived)
        );
        assert_eq!(
            broken(&|a| a.session_minutes = Some(60)),
            Err(RuleError::OnlyForTraining(Field::Hours))
        );
    }

    #[test]
    fn a_training_needs_known_councils_each_once_with_attendees() {
        let now = at("2026-11-26T10:00:00+01:00");
        let ok = training(now);
        assert_eq!(validate(&ok, now, &known()), Ok(()));
        let broken = |change: &dyn Fn(&mut Activity)| {
            let mut a = ok.clone();
            change(&mut a);
            validate(&a, now, &known())
        };
        assert_eq!(
            broken(&|a| a.councils.clear()),
            Err(RuleError::Empty(Field::Councils))
        );
        assert_eq!(
            broken(&|a| a.councils[1].ine = TIURANA),
            Err(RuleError::DuplicateCouncil(TIURANA))
        );
        assert_eq!(
            broken(&|a| a.councils[0].attendees = 0),
            Err(RuleError::OutOfRange {
                field: Field::Attendees,
                max: 999
            })
        );
        assert_eq!(
            broken(&|a| a.services.push("telefax".into())),
            Err(RuleError::UnknownService("telefax".into()))
        );
        assert_eq!(
            broken(&|a| a.session_minutes = Some(100 * 60)),
            Err(RuleError::OutOfRange {
                field: Field::Hours,
                max: 99
            })
        );
    }

    #[test]
    fn logging_signs_and_shapes_the_entry() {
        let now = at("2026-11-26T10:00:00+01:00");
        let change = log(call(now), now, "anna", &known()).unwrap();
        assert_eq!(change.kind, ChangeKind::ActivityNew);
        let a = after(&change);
        assert_eq!((a.id, a.created_by.as_str()), (NEW_ID, "anna"));
        assert_eq!(a.status, ActivityStatus::Open);
        // A call answered on the spot: closed in the same change.
        let mut answered = call(now);
        answered.status = ActivityStatus::Closed;
        let a = after(&log(answered, now, "anna", &known()).unwrap());
        assert_eq!(a.closed_at, Some(now));
        // Waiting from the start: the clock is stopped from its receipt.
        let received = now - Duration::hours(2);
        let mut waiting = call(received);
        waiting.status = ActivityStatus::Waiting;
        let a = after(&log(waiting, now, "anna", &known()).unwrap());
        assert_eq!(a.pauses.len(), 1);
        assert_eq!(a.pauses[0].from, received);
        // A training: closed when held, by the office, its one council named.
        let mut one = training(now);
        one.councils.truncate(1);
        let change = log(one, now, "anna", &known()).unwrap();
        assert_eq!(change.kind, ChangeKind::TrainingNew);
        let t = after(&change);
        assert_eq!(
            (t.status, t.closed_at, t.direction, t.ine),
            (ActivityStatus::Closed, Some(now), Direction::Out, Some(TIURANA))
        );
        let mut empty = call(now);
        empty.summary.clear();
        assert_eq!(
            log(empty, now, "anna", &known()),
            Err(RuleError::Empty(Field::Summary))
        );
    }

    #[test]
    fn editing_keeps_the_author_and_moves_the_status_now() {
        let received = at("2026-11-26T10:00:00+01:00");
        let now = at("2026-11-26T12:00:00+01:00");
        let mut before = after(&log(call(received), received, "anna", &known()).unwrap());
        before.id = 4;
        assert_eq!(edit(&before, before.clone(), now, &known()), Ok(None));
        let mut wanted = before.clone();
        wanted.status = ActivityStatus::Waiting;
        wanted.created_by = "someone else".into();
        let change = edit(&before, wanted, now, &known()).unwrap().unwrap();
        let a = after(&change);
        assert_eq!(change.kind, ChangeKind::ActivityEdit);
        assert_eq!((a.id, a.created_by.as_str()), (4, "anna"));
        assert_eq!(a.pauses[0].from, now);
    }

    #[test]
    fn closing_and_waiting_need_an_open_entry() {
        let now = at("2026-11-26T10:00:00+01:00");
        let open = call(now);
        let (change, status) = toggle_wait(&open, now).unwrap();
        assert_eq!(
            (change.kind.clone(), status),
            (ChangeKind::ActivityWait, ActivityStatus::Waiting)
        );
        let waiting = after(&change);
        let later = now + Duration::hours(1);
        let (change, status) = toggle_wait(&waiting, later).unwrap();
        assert_eq!(status, ActivityStatus::Open);
        assert_eq!(after(&change).pauses[0].to, Some(later));
        let closed = after(&close(&waiting, " Resolt per telèfon ", later).unwrap());
        assert_eq!(closed.status, ActivityStatus::Closed);
        assert_eq!(closed.notes, "Resolt per telèfon");
        assert_eq!(closed.pauses[0].to, Some(later));
        assert_eq!(close(&closed, "", later), Err(RuleError::ActivityClosed));
        assert_eq!(
            toggle_wait(&closed, later).unwrap_err(),
            RuleError::ActivityClosed
        );
    }

    #[test]
    fn services_are_found_by_id_header_or_name() {
        for text in ["e-notum", "NOT", "not", "e-NOTUM", " E-Notum "] {
            assert_eq!(
                find_service(text).map(|s| s.id.as_str()),
                Some("e-notum"),
                "{text}"
            );
        }
        assert!(find_service("telefax").is_none());
    }
}
