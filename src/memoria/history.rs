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

/// A rollout's changes: when, the entry's position, the status (None: removed).
type Changes = Vec<(DateTime<Utc>, usize, Option<RolloutStatus>)>;

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

/// Reads `history` (in the order it was written). `start` and `end` are
/// instants: a rollout's status at each is the one set by the change with the
/// latest time before it (ties: the later entry), whatever the entries' order, so
/// a clock set back or a restore from a machine with a wrong clock does not
/// reorder the past. Events (a fitxa's day) are read to the end: a day recorded
/// later still falls in its period.
pub fn replay(history: &[Applied], start: DateTime<Utc>, end: DateTime<Utc>) -> Past {
    let mut past = Past::default();
    let mut cells: HashMap<CellKey, Changes> = HashMap::new();
    for (seq, entry) in history.iter().enumerate() {
        let undo = matches!(entry.kind, EntryKind::Undo(_));
        for edit in &entry.edits {
            match (&edit.before, &edit.after) {
                (_, Some(Record::Rollout(r))) => {
                    let key = (r.ine, r.service.clone());
                    cells
                        .entry(key)
                        .or_default()
                        .push((entry.at, seq, Some(r.status)));
                }
                (Some(Record::Rollout(r)), None) => {
                    let key = (r.ine, r.service.clone());
                    cells.entry(key).or_default().push((entry.at, seq, None));
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
    past.at_start = status_at(&cells, start);
    past.at_end = status_at(&cells, end);
    past
}

/// Each rollout's status just before `t`: its change latest in time before it.
fn status_at(cells: &HashMap<CellKey, Changes>, t: DateTime<Utc>) -> HashMap<CellKey, RolloutStatus> {
    cells
        .iter()
        .filter_map(|(key, changes)| {
            let last = changes
                .iter()
                .filter(|(at, ..)| *at < t)
                .max_by_key(|(at, seq, _)| (*at, *seq))?;
            last.2.map(|status| (key.clone(), status))
        })
        .collect()
}
