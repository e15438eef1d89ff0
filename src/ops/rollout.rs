//! A council's rollout of one service: its status, its checklist, its notes.
//! A cell not stored yet is a pending rollout; a change to it creates it.

use super::{Field, RuleError};
use crate::domain::catalog::Service;
use crate::domain::municipality::IneCode;
use crate::domain::rollout::{Rollout, RolloutStatus};
use crate::store::{Change, ChangeKind, Edit, Record};
use chrono::{DateTime, Utc};

/// One cell of the matrix, as stored (None: never changed, so pending).
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub stored: Option<&'a Rollout>,
    pub ine: IneCode,
    pub service: &'a Service,
}

impl Cell<'_> {
    pub fn current(&self) -> Rollout {
        self.stored
            .cloned()
            .unwrap_or_else(|| Rollout::pending(self.ine, self.service))
    }
}

/// The cell after `edit`, stamped `now`; None if nothing changed. Only a blocked
/// rollout keeps a reason for being blocked.
fn change(
    cell: Cell,
    kind: ChangeKind,
    now: DateTime<Utc>,
    edit: impl FnOnce(&mut Rollout),
) -> Option<Change> {
    let mut after = cell.current();
    edit(&mut after);
    if after.status != RolloutStatus::Blocked {
        after.blocked_reason.clear();
    }
    if Some(&after) == cell.stored {
        return None;
    }
    after.updated_at = Some(now);
    Some(Change::new(
        kind,
        vec![Edit {
            before: cell.stored.cloned().map(Record::Rollout),
            after: Some(Record::Rollout(after)),
        }],
    ))
}

/// Space: pending → in progress → done → pending.
pub fn cycle_status(cell: Cell, now: DateTime<Utc>) -> Option<Change> {
    change(cell, ChangeKind::RolloutStatus, now, |r| {
        r.status = r.status.cycled()
    })
}

pub fn set_status(cell: Cell, status: RolloutStatus, now: DateTime<Utc>) -> Option<Change> {
    change(cell, ChangeKind::RolloutStatus, now, |r| r.status = status)
}

/// Blocked, with the reason (required).
pub fn block(cell: Cell, reason: &str, now: DateTime<Utc>) -> Result<Option<Change>, RuleError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RuleError::Empty(Field::StatusReason));
    }
    Ok(change(cell, ChangeKind::RolloutStatus, now, |r| {
        r.status = RolloutStatus::Blocked;
        r.blocked_reason = reason.to_string();
    }))
}

/// Ticks a checklist step as done `at` (now, or the day it was done), signed by
/// `user`, or unticks it; a tick may not be dated in the future.
pub fn tick_step(
    cell: Cell,
    step: usize,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    user: &str,
) -> Result<Option<Change>, RuleError> {
    let ticking = cell.current().steps.get(step).is_some_and(Option::is_none);
    if ticking && super::requests::is_future(at, now) {
        return Err(RuleError::InFuture(Field::DoneAt));
    }
    Ok(change(cell, ChangeKind::RolloutStep, now, |r| {
        r.toggle_step(step, at, user)
    }))
}

pub fn set_notes(cell: Cell, notes: &str, now: DateTime<Utc>) -> Option<Change> {
    let notes = notes.trim().to_string();
    change(cell, ChangeKind::RolloutNotes, now, |r| r.notes = notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::services;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    fn after(change: &Change) -> &Rollout {
        match &change.edits[0].after {
            Some(Record::Rollout(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cell_never_stored_is_created_and_a_stored_one_left_as_it_is_is_no_change() {
        let cell = Cell {
            stored: None,
            ine: IneCode(252228),
            service: &services()[0],
        };
        let change = cycle_status(cell, now()).unwrap();
        assert_eq!(change.kind, ChangeKind::RolloutStatus);
        assert_eq!(change.edits[0].before, None);
        assert_eq!(after(&change).status, RolloutStatus::InProgress);
        assert_eq!(after(&change).updated_at, Some(now()));
        let stored = after(&change).clone();
        let cell = Cell {
            stored: Some(&stored),
            ..cell
        };
        assert!(set_status(cell, RolloutStatus::InProgress, now()).is_none());
        assert!(set_status(cell, RolloutStatus::Done, now()).is_some());
    }

    #[test]
    fn blocking_needs_a_reason_and_unblocking_drops_it() {
        let cell = Cell {
            stored: None,
            ine: IneCode(252228),
            service: &services()[1],
        };
        assert_eq!(
            block(cell, "  ", now()),
            Err(RuleError::Empty(Field::StatusReason))
        );
        let blocked = block(cell, " Falta el conveni ", now()).unwrap().unwrap();
        let stored = after(&blocked).clone();
        assert_eq!(stored.blocked_reason, "Falta el conveni");
        let cell = Cell {
            stored: Some(&stored),
            ..cell
        };
        let moved = cycle_status(cell, now()).unwrap();
        assert_eq!(after(&moved).status, stored.status.cycled());
        assert_eq!(after(&moved).blocked_reason, "");
    }

    #[test]
    fn steps_are_signed_and_notes_trimmed() {
        let cell = Cell {
            stored: None,
            ine: IneCode(252228),
            service: &services()[2],
        };
        let ticked = tick_step(cell, 0, now(), now(), "anna").unwrap().unwrap();
        assert_eq!(ticked.kind, ChangeKind::RolloutStep);
        assert_eq!(after(&ticked).steps[0].as_ref().unwrap().done_by, "anna");
        // Done last week: the date typed is kept; tomorrow is refused.
        let last_week: DateTime<Utc> = "2026-11-19T09:00:00Z".parse().unwrap();
        let ticked = tick_step(cell, 1, last_week, now(), "anna").unwrap().unwrap();
        assert_eq!(after(&ticked).steps[1].as_ref().unwrap().done_at, last_week);
        assert_eq!(after(&ticked).updated_at, Some(now()), "the change itself is now");
        let tomorrow = now() + chrono::Duration::days(1);
        assert_eq!(
            tick_step(cell, 1, tomorrow, now(), "anna"),
            Err(RuleError::InFuture(Field::DoneAt))
        );
        // Unticking takes no date.
        let stored = after(&ticked).clone();
        let ticked_cell = Cell {
            stored: Some(&stored),
            ..cell
        };
        let unticked = tick_step(ticked_cell, 1, tomorrow, now(), "anna")
            .unwrap()
            .unwrap();
        assert!(after(&unticked).steps[1].is_none());
        let noted = set_notes(cell, "  Formació  ", now()).unwrap();
        assert_eq!(noted.kind, ChangeKind::RolloutNotes);
        assert_eq!(after(&noted).notes, "Formació");
        let stored = after(&noted).clone();
        let cell = Cell {
            stored: Some(&stored),
            ..cell
        };
        assert!(set_notes(cell, " Formació ", now()).is_none());
    }
}
