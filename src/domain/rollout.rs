//! Where each council stands with each AOC service.

use super::catalog::Service;
use super::municipality::IneCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RolloutStatus {
    Pending,
    InProgress,
    Done,
    NotApplicable,
    Blocked,
}

impl RolloutStatus {
    pub const ALL: [RolloutStatus; 5] = [
        RolloutStatus::Pending,
        RolloutStatus::InProgress,
        RolloutStatus::Done,
        RolloutStatus::NotApplicable,
        RolloutStatus::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RolloutStatus::Pending => "pending",
            RolloutStatus::InProgress => "in_progress",
            RolloutStatus::Done => "done",
            RolloutStatus::NotApplicable => "not_applicable",
            RolloutStatus::Blocked => "blocked",
        }
    }

    pub fn parse(text: &str) -> Option<RolloutStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// The Space key's cycle: pending → in progress → done → pending.
    /// A cell set aside (not applicable, blocked) comes back as pending.
    pub fn cycled(self) -> RolloutStatus {
        match self {
            RolloutStatus::Pending => RolloutStatus::InProgress,
            RolloutStatus::InProgress => RolloutStatus::Done,
            _ => RolloutStatus::Pending,
        }
    }
}

/// Who ticked a checklist step, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepMark {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub done_at: DateTime<Utc>,
    pub done_by: String,
}

/// One council × one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollout {
    pub ine: IneCode,
    pub service: String,
    pub status: RolloutStatus,
    /// One slot per catalogue step, in catalogue order.
    pub steps: Vec<Option<StepMark>>,
    pub notes: String,
    pub blocked_reason: String,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Where its status came from when a file set it (`ocsae import rollout`).
    #[serde(default)]
    pub source: String,
}

impl Rollout {
    pub fn pending(ine: IneCode, service: &Service) -> Rollout {
        Rollout {
            ine,
            service: service.id.clone(),
            status: RolloutStatus::Pending,
            steps: vec![None; service.steps.len()],
            notes: String::new(),
            blocked_reason: String::new(),
            updated_at: None,
            source: String::new(),
        }
    }

    pub fn steps_done(&self) -> usize {
        self.steps.iter().filter(|s| s.is_some()).count()
    }

    /// Ticks or unticks a step. Ticking the first step of a pending service
    /// starts it; ticking every step finishes it.
    pub fn toggle_step(&mut self, index: usize, at: DateTime<Utc>, by: &str) {
        let Some(slot) = self.steps.get_mut(index) else {
            return;
        };
        *slot = match slot {
            Some(_) => None,
            None => Some(StepMark {
                done_at: at,
                done_by: by.to_string(),
            }),
        };
        let done = self.steps_done();
        if done == self.steps.len() && !self.steps.is_empty() {
            self.status = RolloutStatus::Done;
        } else if done > 0 && self.status == RolloutStatus::Pending {
            self.status = RolloutStatus::InProgress;
        } else if self.status == RolloutStatus::Done {
            // Unticking a step of a finished service reopens it.
            self.status = RolloutStatus::InProgress;
        }
        self.updated_at = Some(at);
    }
}

/// Done out of applicable, for a row or a column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub done: usize,
    pub applicable: usize,
}

impl Tally {
    pub fn add(&mut self, status: RolloutStatus) {
        if status != RolloutStatus::NotApplicable {
            self.applicable += 1;
            if status == RolloutStatus::Done {
                self.done += 1;
            }
        }
    }

    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a RolloutStatus>) -> Tally {
        let mut t = Tally::default();
        for s in statuses {
            t.add(*s);
        }
        t
    }

    /// A service's adoption: its statuses in the councils the office serves
    /// (`Municipality::is_served`), as Implantació counts them. Avui's chart and
    /// the memòria count through this.
    pub fn adoption<'a>(
        councils: impl IntoIterator<Item = (&'a super::municipality::Municipality, RolloutStatus)>,
        threshold: u32,
    ) -> Tally {
        let mut t = Tally::default();
        for (_, status) in councils.into_iter().filter(|(m, _)| m.is_served(threshold)) {
            t.add(status);
        }
        t
    }

    /// Whole percent done, rounded, but 0 only when none is done and 100 only when
    /// all are; None when nothing applies.
    pub fn percent(self) -> Option<u32> {
        (self.applicable > 0).then(|| {
            let rounded = (self.done * 200 + self.applicable) / (self.applicable * 2);
            let floor = usize::from(self.done > 0);
            let ceiling = if self.done < self.applicable { 99 } else { 100 };
            rounded.clamp(floor, ceiling) as u32
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::services;
    use RolloutStatus::*;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn space_cycles_pending_in_progress_done() {
        assert_eq!(Pending.cycled(), InProgress);
        assert_eq!(InProgress.cycled(), Done);
        assert_eq!(Done.cycled(), Pending);
        assert_eq!(Blocked.cycled(), Pending);
        assert_eq!(NotApplicable.cycled(), Pending);
    }

    #[test]
    fn ticking_steps_moves_the_status() {
        let service = &services()[5];
        let mut r = Rollout::pending(IneCode(252228), service);
        r.toggle_step(0, now(), "anna");
        assert_eq!(r.status, InProgress);
        assert_eq!(r.steps[0].as_ref().unwrap().done_by, "anna");
        for i in 1..r.steps.len() {
            r.toggle_step(i, now(), "anna");
        }
        assert_eq!(r.status, Done);
        r.toggle_step(1, now(), "anna");
        assert_eq!(r.status, InProgress);
        assert_eq!(r.steps_done(), r.steps.len() - 1);
        r.toggle_step(99, now(), "anna");
        assert_eq!(r.steps_done(), r.steps.len() - 1);
    }

    #[test]
    fn totals_leave_out_not_applicable() {
        let t = Tally::of(&[Done, Done, NotApplicable, Pending, Blocked]);
        assert_eq!(
            t,
            Tally {
                done: 2,
                applicable: 4
            }
        );
        assert_eq!(t.percent(), Some(50));
        assert_eq!(Tally::of(&[NotApplicable]).percent(), None);
        let tally = |done, applicable| Tally { done, applicable };
        assert_eq!(tally(2, 29).percent(), Some(7), "6.9% rounds to 7");
        assert_eq!(tally(1, 116).percent(), Some(1), "0.86% is not 0");
        assert_eq!(tally(199, 200).percent(), Some(99), "99.5% is not all");
        assert_eq!(tally(0, 3).percent(), Some(0));
        assert_eq!(tally(3, 3).percent(), Some(100));
    }

    #[test]
    fn statuses_round_trip_their_machine_names() {
        for s in RolloutStatus::ALL {
            assert_eq!(RolloutStatus::parse(s.as_str()), Some(s));
        }
    }
}
