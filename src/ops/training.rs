//! The checklist steps a training completes: "Formació feta" of each of its
//! services that has such a step, for each council that came.

use crate::domain::activity::{Activity, ActivityKind};
use crate::domain::catalog::Service;
use crate::domain::municipality::IneCode;
use crate::domain::rollout::Rollout;
use crate::store::{Change, ChangeKind, Edit, Record};
use chrono::{DateTime, Utc};

/// The "formació" steps a training leaves to tick: each of its services with such
/// a step, for each council that came, where it is not ticked yet. `stored` gives
/// a council's rollout of a service, if stored.
pub fn untrained<'a>(
    a: &Activity,
    stored: impl Fn(IneCode, &str) -> Option<&'a Rollout>,
) -> Vec<(IneCode, &'static Service, usize)> {
    let mut out = Vec::new();
    if a.kind != ActivityKind::Training {
        return out;
    }
    for service in a.services.iter().filter_map(|id| super::activity::service(id)) {
        let Some(step) = service.training_step() else {
            continue;
        };
        for attended in &a.councils {
            let done = stored(attended.ine, &service.id)
                .and_then(|r| r.steps.get(step))
                .is_some_and(Option::is_some);
            if !done {
                out.push((attended.ine, service, step));
            }
        }
    }
    out
}

/// Ticks those steps as one change, dated the day of the training and signed by
/// `user`; None if there is nothing to tick.
pub fn tick_training<'a>(
    a: &Activity,
    stored: impl Fn(IneCode, &str) -> Option<&'a Rollout>,
    now: DateTime<Utc>,
    user: &str,
) -> Option<Change> {
    let edits: Vec<Edit> = untrained(a, &stored)
        .into_iter()
        .map(|(ine, service, step)| {
            let before = stored(ine, &service.id).cloned();
            let mut after = before.clone().unwrap_or_else(|| Rollout::pending(ine, service));
            after.toggle_step(step, a.received_at, user);
            after.updated_at = Some(now);
            Edit {
                before: before.map(Record::Rollout),
                after: Some(Record::Rollout(after)),
            }
        })
        .collect();
    (!edits.is_empty()).then(|| Change::new(ChangeKind::RolloutTraining, edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::activity::Attendance;
    use crate::domain::rollout::RolloutStatus;
    use crate::ops::activity::service;

    const TIURANA: IneCode = IneCode(252228);
    const AGER: IneCode = IneCode(250024);

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
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

    fn call(now: DateTime<Utc>) -> Activity {
        Activity::new(Some(TIURANA), ActivityKind::Call, "No pot signar", now)
    }

    #[test]
    fn a_training_ticks_the_formacio_step_of_each_council_that_came() {
        let held = at("2026-11-24T10:00:00+01:00");
        let now = at("2026-11-26T10:00:00+01:00");
        let t = training(held);
        let notum = service("e-notum").unwrap();
        let step = notum.training_step().unwrap();
        // Àger has it ticked already; eacat has no training step.
        let mut ager = Rollout::pending(AGER, notum);
        ager.toggle_step(step, held, "pere");
        let stored = |ine: IneCode, id: &str| (ine == AGER && id == "e-notum").then_some(&ager);
        let pending = untrained(&t, stored);
        assert_eq!(pending.len(), 1);
        assert_eq!((pending[0].0, pending[0].1.id.as_str()), (TIURANA, "e-notum"));
        let change = tick_training(&t, stored, now, "anna").unwrap();
        assert_eq!(change.kind, ChangeKind::RolloutTraining);
        assert_eq!(change.edits.len(), 1);
        let Some(Record::Rollout(r)) = &change.edits[0].after else {
            panic!()
        };
        assert_eq!(change.edits[0].before, None, "a cell never stored is created");
        let mark = r.steps[step].as_ref().unwrap();
        assert_eq!((mark.done_at, mark.done_by.as_str()), (held, "anna"));
        assert_eq!(r.status, RolloutStatus::InProgress);
        assert_eq!(r.updated_at, Some(now));
        // Nothing left: no change.
        let both = |_: IneCode, id: &str| (id == "e-notum").then_some(&ager);
        assert!(tick_training(&t, both, now, "anna").is_none());
        assert!(tick_training(&call(now), stored, now, "anna").is_none());
    }
}
