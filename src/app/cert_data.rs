//! Certificate requests in memory, with their deadlines, search keys and the
//! orders the screens use, kept ready so that no key press sorts 100,000 rows.

use crate::domain::calendar::Calendar;
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::domain::search::fold;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The deadline of a request that has none yet (awaiting documents): it sorts
/// last and is never overdue.
pub const NO_DEADLINE: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;

#[derive(Debug, Default)]
pub struct CertData {
    pub list: Vec<CertificateRequest>,
    /// The promised issue time of each request, parallel to `list`.
    pub due: Vec<DateTime<Utc>>,
    /// Folded "holder council" of each request, for the filter.
    pub folded: Vec<String>,
    pub by_id: HashMap<u64, usize>,
    /// Open requests (indexes into `list`), earliest deadline first.
    pub open_by_due: Vec<usize>,
    /// Issued certificates (indexes into `list`), earliest expiry first.
    pub issued_by_expiry: Vec<usize>,
    /// Which request renews each certificate (cancelled and rejected ones aside).
    pub renewed_by: HashMap<u64, u64>,
    /// Bumped on every change, so views know when to recompute.
    pub generation: u64,
}

impl CertData {
    pub fn new(
        list: Vec<CertificateRequest>,
        calendar: &Calendar,
        council_name: impl Fn(&CertificateRequest) -> String,
    ) -> CertData {
        // The list is kept as it came, so 100,000 requests are never held twice.
        let due = list
            .iter()
            .map(|c| c.due_at(calendar).unwrap_or(NO_DEADLINE))
            .collect();
        let folded = list
            .iter()
            .map(|c| fold(&format!("{} {}", c.holder, council_name(c))))
            .collect();
        let by_id = list.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut data = CertData {
            list,
            due,
            folded,
            by_id,
            ..CertData::default()
        };
        data.reorder();
        data
    }

    pub fn get(&self, id: u64) -> Option<&CertificateRequest> {
        self.by_id.get(&id).map(|&i| &self.list[i])
    }

    pub fn index_of(&self, id: u64) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    fn insert(
        &mut self,
        c: CertificateRequest,
        calendar: &Calendar,
        council_name: impl Fn(&CertificateRequest) -> String,
    ) {
        let due = c.due_at(calendar).unwrap_or(NO_DEADLINE);
        let folded = fold(&format!("{} {}", c.holder, council_name(&c)));
        match self.by_id.get(&c.id) {
            Some(&i) => {
                self.list[i] = c;
                self.due[i] = due;
                self.folded[i] = folded;
            }
            None => {
                self.by_id.insert(c.id, self.list.len());
                self.list.push(c);
                self.due.push(due);
                self.folded.push(folded);
            }
        }
    }

    /// Adds or replaces a request, recomputing what derives from it.
    pub fn put(
        &mut self,
        c: CertificateRequest,
        calendar: &Calendar,
        council_name: impl Fn(&CertificateRequest) -> String,
    ) {
        self.insert(c, calendar, council_name);
        self.reorder();
    }

    pub fn remove(&mut self, id: u64) {
        let Some(i) = self.by_id.remove(&id) else { return };
        self.list.swap_remove(i);
        self.due.swap_remove(i);
        self.folded.swap_remove(i);
        if let Some(moved) = self.list.get(i) {
            self.by_id.insert(moved.id, i);
        }
        self.reorder();
    }

    /// Recomputes the orders after a change.
    fn reorder(&mut self) {
        let (list, due) = (&self.list, &self.due);
        self.open_by_due = (0..list.len()).filter(|&i| list[i].status.is_open()).collect();
        self.open_by_due.sort_unstable_by_key(|&i| (due[i], list[i].id));
        let mut issued: Vec<(DateTime<Utc>, u64, usize)> = (0..list.len())
            .filter_map(|i| list[i].expires_at().map(|e| (e, list[i].id, i)))
            .collect();
        issued.sort_unstable();
        self.issued_by_expiry = issued.into_iter().map(|(_, _, i)| i).collect();
        self.renewed_by = list
            .iter()
            .filter(|c| !matches!(c.status, CertStatus::Cancelled | CertStatus::Rejected))
            .filter_map(|c| c.renews.map(|old| (old, c.id)))
            .collect();
        self.generation += 1;
    }

    /// The deadline of the request at `index`, if it has one.
    pub fn deadline(&self, index: usize) -> Option<DateTime<Utc>> {
        Some(self.due[index]).filter(|d| *d != NO_DEADLINE)
    }

    /// How many open requests are due at or before `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> usize {
        self.open_by_due.partition_point(|&i| self.due[i] <= now)
    }

    /// The earliest deadline still ahead of `now`.
    pub fn next_due_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.open_by_due
            .get(self.overdue(now))
            .and_then(|&i| self.deadline(i))
    }

    /// The latest deadline of any open request.
    pub fn last_due(&self) -> Option<DateTime<Utc>> {
        self.open_by_due.iter().rev().find_map(|&i| self.deadline(i))
    }
}
