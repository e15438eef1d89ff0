//! What the history says about a past time: each rollout's status at an instant,
//! when a request was rejected or cancelled, when each fitxa was sent. The
//! records hold only their present; a memòria of a past period reads this.

use crate::domain::certificate::CertStatus;
use crate::domain::municipality::IneCode;
use crate::domain::rollout::RolloutStatus;
use crate::store::{Applied, EntryKind, Record};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// A rollout by council and service id.
pub type CellKey = (IneCode, String);

#[derive(Debug, Default)]
pub struct Past {
    /// Each rollout's status at the period's start and end (absent: not stored then, pending).
    pub at_start: HashMap<CellKey, RolloutStatus>,
    pub at_end: HashMap<CellKey, RolloutStatus>,
    /// When each request last became rejected or cancelled.
    pub closed: HashMap<u64, (CertStatus, DateTime<Utc>)>,
    /// Each fitxa sent: council, the day it says, and whether one had been sent before.
    pub forms: Vec<(IneCode, NaiveDate, bool)>,
}

/// Replays `history` (oldest first). `start` and `end` are instants: what was
/// applied before `start` is the start's state, before `end` the end's. Events
/// (a fitxa's day) are read to the end: a day recorded later still falls in its period.
pub fn replay(history: &[Applied], start: DateTime<Utc>, end: DateTime<Utc>) -> Past {
    let mut past = Past::default();
    let mut now: HashMap<CellKey, RolloutStatus> = HashMap::new();
    let (mut taken_start, mut taken_end) = (false, false);
    for entry in history {
        if !taken_start && entry.at >= start {
            past.at_start = now.clone();
            taken_start = true;
        }
        if !taken_end && entry.at >= end {
            past.at_end = now.clone();
            taken_end = true;
        }
        let undo = matches!(entry.kind, EntryKind::Undo(_));
        for edit in &entry.edits {
            match (&edit.before, &edit.after) {
                // Past the end, statuses no longer matter.
                (_, Some(Record::Rollout(r))) if !taken_end => {
                    now.insert((r.ine, r.service.clone()), r.status);
                }
                (Some(Record::Rollout(r)), None) if !taken_end => {
                    now.remove(&(r.ine, r.service.clone()));
                }
                (before, Some(Record::Certificate(c))) => {
                    let was = match before {
                        Some(Record::Certificate(b)) => Some(b.status),
                        _ => None,
                    };
                    if matches!(c.status, CertStatus::Rejected | CertStatus::Cancelled)
                        && was != Some(c.status)
                    {
                        past.closed.insert(c.id, (c.status, entry.at));
                    }
                }
                (before, Some(Record::Municipality(m))) => {
                    let was = match before {
                        Some(Record::Municipality(b)) => b.subscriber_form_sent_on,
                        _ => None,
                    };
                    if was == m.subscriber_form_sent_on {
                        continue;
                    }
                    match (undo, was, m.subscriber_form_sent_on) {
                        // Undoing a sending takes it back.
                        (true, Some(day), _) => {
                            if let Some(i) = past.forms.iter().rposition(|f| f.0 == m.ine && f.1 == day) {
                                past.forms.remove(i);
                            }
                        }
                        (_, _, Some(day)) => {
                            let renewed =
                                was.is_some() || past.forms.iter().any(|f| f.0 == m.ine && f.1 < day);
                            past.forms.push((m.ine, day, renewed));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    if !taken_start {
        past.at_start = now.clone();
    }
    if !taken_end {
        past.at_end = now;
    }
    past
}
