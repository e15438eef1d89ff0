//! Certificate requests in memory, with their deadlines, search keys and the
//! orders the screens use, kept ready so that no key press sorts 100,000 rows.

use crate::domain::calendar::Calendar;
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::domain::municipality::IneCode;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The deadline of a request that has none yet (awaiting documents): it sorts
/// last and is never overdue.
pub const NO_DEADLINE: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;

/// From this many requests on, the deadlines and the orders are computed on two
/// threads: the queue waits for them after a start, and two cores halve that.
const PARALLEL_MIN: usize = 50_000;

/// `a` on another thread and `b` on this one when `parallel`; both here otherwise.
fn both<A: Send, B>(parallel: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|p| std::panic::resume_unwind(p)), b)
    })
}

/// Up to this many requests changed in place are moved one by one within the
/// orders; more (a colleague's bulk edit) are ordered again at once.
const IN_PLACE_MAX: usize = 64;

/// Issued and still to hand over, with no revocation of it filed: a certificate
/// on its way out is not delivered. The one rule for the queue and its `per
/// lliurar`, Avui, the council page and the request's detail.
fn awaits(c: &CertificateRequest, revoked_by: &HashMap<u64, u64>) -> bool {
    c.awaits_delivery() && !revoked_by.contains_key(&c.id)
}

/// Listed with the closed requests: an issued revocation too, having nothing to
/// deliver, and a certificate issued and being revoked.
fn is_closed(c: &CertificateRequest, revoked_by: &HashMap<u64, u64>) -> bool {
    matches!(
        c.status,
        CertStatus::Delivered | CertStatus::Rejected | CertStatus::Cancelled
    ) || (c.status == CertStatus::Issued && !awaits(c, revoked_by))
}

/// A request that renews a certificate, unless it was cancelled or rejected.
fn renews_counts(status: CertStatus) -> bool {
    !matches!(status, CertStatus::Cancelled | CertStatus::Rejected)
}

#[derive(Debug, Default)]
pub struct CertData {
    pub list: Vec<CertificateRequest>,
    /// The promised issue time of each request, parallel to `list`.
    pub due: Vec<DateTime<Utc>>,
    /// The folded holder of each request, in one text, for the filter (councils
    /// are matched by code).
    pub folded: super::folded::FoldedText,
    /// The council of each request, packed, so the filter does not visit `list`.
    pub ine: Vec<IneCode>,
    /// Open requests (indexes into `list`), earliest deadline first.
    pub open_by_due: Vec<usize>,
    /// Issued and not yet delivered (indexes into `list`), issued longest ago
    /// first: the queue keeps them after the open ones until they are delivered.
    pub to_deliver: Vec<usize>,
    /// Issued certificates (indexes into `list`), earliest expiry first.
    pub issued_by_expiry: Vec<usize>,
    /// Delivered, rejected and cancelled requests (indexes into `list`), the
    /// most recently received first.
    pub closed: Vec<usize>,
    /// Which request renews each certificate (cancelled and rejected ones aside).
    pub renewed_by: HashMap<u64, u64>,
    /// Which revocation revokes each certificate (cancelled and rejected ones aside);
    /// `ops::revocation::is_done` says whether it took effect.
    pub revoked_by: HashMap<u64, u64>,
    /// Bumped on every change, so views know when to recompute.
    pub generation: u64,
}

impl CertData {
    pub fn new(list: Vec<CertificateRequest>, calendar: &Calendar) -> CertData {
        // The store yields requests by id; keeping that order lets a binary search
        // find one. In that order (always, from a store) the orders are computed
        // with the deadlines, on two threads for a large list: the deadlines and
        // the queue's order on one, the folded holders and the other orders on this.
        if list.is_sorted_by_key(|c| c.id) {
            let ((due, open_by_due), (folded, ine, others)) = both(
                list.len() >= PARALLEL_MIN,
                || {
                    let due = deadlines(&list, calendar);
                    let open = open_order(&list, &due);
                    (due, open)
                },
                || {
                    (
                        fold(&list),
                        list.iter().map(|c| c.ine).collect(),
                        Orders::of(&list),
                    )
                },
            );
            let mut data = CertData {
                list,
                due,
                folded,
                ine,
                open_by_due,
                ..CertData::default()
            };
            data.set_orders(others);
            return data;
        }
        // The list is kept as it came, so 100,000 requests are never held twice.
        let mut data = CertData {
            due: deadlines(&list, calendar),
            folded: fold(&list),
            ine: list.iter().map(|c| c.ine).collect(),
            list,
            ..CertData::default()
        };
        data.sort_by_id();
        data.reorder();
        data
    }

    pub fn get(&self, id: u64) -> Option<&CertificateRequest> {
        self.index_of(id).map(|i| &self.list[i])
    }

    /// Where a request is in `list`, which is kept in id order (no map needed).
    pub fn index_of(&self, id: u64) -> Option<usize> {
        self.list.binary_search_by_key(&id, |c| c.id).ok()
    }

    fn sort_by_id(&mut self) {
        if self.list.is_sorted_by_key(|c| c.id) {
            return;
        }
        let mut order: Vec<usize> = (0..self.list.len()).collect();
        order.sort_by_key(|&i| self.list[i].id);
        let mut list: Vec<Option<CertificateRequest>> =
            std::mem::take(&mut self.list).into_iter().map(Some).collect();
        self.list = order
            .iter()
            .map(|&i| list[i].take().expect("each index once"))
            .collect();
        self.due = order.iter().map(|&i| self.due[i]).collect();
        self.ine = order.iter().map(|&i| self.ine[i]).collect();
        self.folded.permute(&order);
    }

    fn insert(&mut self, c: CertificateRequest, calendar: &Calendar) {
        let due = c.due_at(calendar).unwrap_or(NO_DEADLINE);
        let ine = c.ine;
        match self.list.binary_search_by_key(&c.id, |x| x.id) {
            Ok(i) => {
                self.folded.replace(i, &c.holder);
                self.list[i] = c;
                self.due[i] = due;
                self.ine[i] = ine;
            }
            Err(i) => {
                self.folded.insert(i, &c.holder);
                self.list.insert(i, c);
                self.due.insert(i, due);
                self.ine.insert(i, ine);
            }
        }
    }

    /// Adds or replaces a request, recomputing what derives from it.
    pub fn put(&mut self, c: CertificateRequest, calendar: &Calendar) {
        self.insert(c, calendar);
        self.reorder();
    }

    pub fn remove(&mut self, id: u64) {
        self.take_out(id);
        self.reorder();
    }

    fn take_out(&mut self, id: u64) {
        let Some(i) = self.index_of(id) else { return };
        self.list.remove(i);
        self.due.remove(i);
        self.folded.remove_rows(i, i + 1);
        self.ine.remove(i);
    }

    /// Adds, replaces (Some) and removes (None, by id) many requests in order, and
    /// recomputes the orders once: a colleague's import of thousands is one sort.
    pub fn put_all(&mut self, changes: Vec<(u64, Option<CertificateRequest>)>, calendar: &Calendar) {
        // A request changed in place (the usual change: a step, an edit) moves
        // within the orders; one added or removed shifts the indexes: all again.
        let in_place = changes.len() <= IN_PLACE_MAX
            && changes
                .iter()
                .all(|(id, c)| c.is_some() && self.index_of(*id).is_some());
        if in_place {
            for (_, c) in changes.into_iter() {
                let c = c.expect("checked above");
                let i = self.index_of(c.id).expect("checked above");
                let renewed = [self.list[i].renews(), c.renews()];
                let revoked = [self.list[i].revokes(), c.revokes()];
                self.unorder(i);
                self.insert(c, calendar);
                self.order(i);
                for old in renewed.into_iter().flatten() {
                    self.renewal_of(old);
                }
                for old in revoked.into_iter().flatten() {
                    self.revocation_of(old);
                    // Being revoked or not moves it between to deliver and closed.
                    if let Some(j) = self.index_of(old) {
                        self.unorder(j);
                        self.order(j);
                    }
                }
            }
            self.generation += 1;
            return;
        }
        for (id, change) in changes {
            match change {
                Some(c) => self.insert(c, calendar),
                None => self.take_out(id),
            }
        }
        self.reorder();
    }

    /// Adds or replaces many requests (an import redone), ordering once.
    pub fn put_many(&mut self, list: impl IntoIterator<Item = CertificateRequest>, calendar: &Calendar) {
        for c in list {
            self.insert(c, calendar);
        }
        self.reorder();
    }

    /// Removes the requests from `first` to `last` (an import undone), ordering once.
    pub fn remove_run(&mut self, first: u64, last: u64) {
        let from = self.list.partition_point(|c| c.id < first);
        let to = self.list.partition_point(|c| c.id <= last);
        self.list.drain(from..to);
        self.due.drain(from..to);
        self.folded.remove_rows(from, to);
        self.ine.drain(from..to);
        self.reorder();
    }

    /// Takes the request at `index` out of the orders, found by its keys there (a
    /// search, not a scan of half a million indexes).
    fn unorder(&mut self, index: usize) {
        let (list, due) = (&self.list, &self.due);
        let c = &list[index];
        let open = self
            .open_by_due
            .partition_point(|&i| (due[i], list[i].id) < (due[index], c.id));
        let to_deliver = self
            .to_deliver
            .partition_point(|&i| (list[i].issued_at, list[i].id) < (c.issued_at, c.id));
        let closed = self
            .closed
            .partition_point(|&i| (list[i].received_at, list[i].id) > (c.received_at, c.id));
        let expires = c.expires_at();
        let issued = self
            .issued_by_expiry
            .partition_point(|&i| (list[i].expires_at(), list[i].id) < (expires, c.id));
        // In the orders `order` put it in.
        let member = [
            c.status.is_open(),
            awaits(c, &self.revoked_by),
            is_closed(c, &self.revoked_by),
            c.operation != crate::domain::certificate::Operation::Revocation && expires.is_some(),
        ];
        for ((order, at), member) in [
            (&mut self.open_by_due, open),
            (&mut self.to_deliver, to_deliver),
            (&mut self.closed, closed),
            (&mut self.issued_by_expiry, issued),
        ]
        .into_iter()
        .zip(member)
        {
            if order.get(at) == Some(&index) {
                order.remove(at);
            } else if member && let Some(at) = order.iter().position(|&i| i == index) {
                // Not where its keys say: never expected, but never left behind either.
                order.remove(at);
            }
        }
    }

    /// Puts the request at `index` into the orders it belongs to, where a full
    /// `reorder` would put it (every key ends with the unique id).
    fn order(&mut self, index: usize) {
        let (list, due) = (&self.list, &self.due);
        let c = &list[index];
        if c.status.is_open() {
            let key = |i: usize| (due[i], list[i].id);
            let at = self.open_by_due.partition_point(|&i| key(i) < key(index));
            self.open_by_due.insert(at, index);
        }
        if awaits(c, &self.revoked_by) {
            let key = |i: usize| (list[i].issued_at, list[i].id);
            let at = self.to_deliver.partition_point(|&i| key(i) < key(index));
            self.to_deliver.insert(at, index);
        }
        if is_closed(c, &self.revoked_by) {
            let key = |i: usize| (list[i].received_at, list[i].id);
            let at = self.closed.partition_point(|&i| key(i) > key(index));
            self.closed.insert(at, index);
        }
        // A revocation done has an issue time but no certificate of its own.
        if c.operation != crate::domain::certificate::Operation::Revocation
            && let Some(expires) = c.expires_at()
        {
            let key = |i: usize| (list[i].expires_at(), list[i].id);
            let at = self
                .issued_by_expiry
                .partition_point(|&i| key(i) < (Some(expires), c.id));
            self.issued_by_expiry.insert(at, index);
        }
    }

    /// Which request renews certificate `old` now: the last by id, as `reorder` finds it.
    fn renewal_of(&mut self, old: u64) {
        let by = self
            .list
            .iter()
            .rev()
            .find(|c| c.renews() == Some(old) && renews_counts(c.status))
            .map(|c| c.id);
        match by {
            Some(id) => self.renewed_by.insert(old, id),
            None => self.renewed_by.remove(&old),
        };
    }

    /// Which revocation revokes certificate `old` now: the last by id, as `reorder` finds it.
    fn revocation_of(&mut self, old: u64) {
        let by = self
            .list
            .iter()
            .rev()
            .find(|c| c.revokes() == Some(old) && crate::ops::revocation::is_live(c))
            .map(|c| c.id);
        match by {
            Some(id) => self.revoked_by.insert(old, id),
            None => self.revoked_by.remove(&old),
        };
    }

    /// Recomputes the orders after a change.
    fn reorder(&mut self) {
        let (list, due) = (&self.list, &self.due);
        let (open_by_due, others) = both(
            list.len() >= PARALLEL_MIN,
            || open_order(list, due),
            || Orders::of(list),
        );
        self.open_by_due = open_by_due;
        self.set_orders(others);
    }

    fn set_orders(&mut self, orders: Orders) {
        self.revoked_by = orders.revoked_by;
        self.to_deliver = orders.to_deliver;
        self.closed = orders.closed;
        self.issued_by_expiry = orders.issued_by_expiry;
        self.renewed_by = orders.renewed_by;
        self.generation += 1;
    }

    /// Whether `c` is issued and still to hand over: not if a revocation of it is
    /// filed. Every screen that says `per lliurar` asks here.
    pub fn awaits_delivery(&self, c: &CertificateRequest) -> bool {
        awaits(c, &self.revoked_by)
    }

    /// The revocation that took effect on certificate `id`, if one did.
    pub fn revoked(&self, id: u64) -> Option<u64> {
        let by = *self.revoked_by.get(&id)?;
        self.get(by)
            .filter(|r| crate::ops::revocation::is_done(r))
            .map(|r| r.id)
    }

    /// Whether nothing is filed for certificate `id` yet: no renewal and no
    /// revocation under way or done. The expiry count and Avui ask here.
    pub fn nothing_filed(&self, id: u64) -> bool {
        !self.renewed_by.contains_key(&id) && !self.revoked_by.contains_key(&id)
    }

    /// Whether certificate `id` is to renew: in its window and not expired (an
    /// expired one needs a new request), nothing filed for it.
    pub fn to_renew(&self, index: usize, now: DateTime<Utc>, tz: chrono_tz::Tz) -> bool {
        let c = &self.list[index];
        renewable(c, now, tz) && self.nothing_filed(c.id)
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

    /// The latest deadline of any open request: the last before those with none,
    /// which sort after them (a search, as the status bar asks on every frame).
    pub fn last_due(&self) -> Option<DateTime<Utc>> {
        let dated = self.open_by_due.partition_point(|&i| self.due[i] != NO_DEADLINE);
        dated
            .checked_sub(1)
            .and_then(|k| self.deadline(self.open_by_due[k]))
    }
}

/// The promised issue time of each request.
fn deadlines(list: &[CertificateRequest], calendar: &Calendar) -> Vec<DateTime<Utc>> {
    list.iter()
        .map(|c| c.due_at(calendar).unwrap_or(NO_DEADLINE))
        .collect()
}

fn fold(list: &[CertificateRequest]) -> super::folded::FoldedText {
    let mut folded = super::folded::FoldedText::with_capacity(list.len());
    for c in list {
        folded.push(&c.holder);
    }
    folded
}

/// The open requests, earliest deadline first. The index stands for the id in
/// each key, as `list` is in id order: the queue's order reads `due` alone, not a
/// million requests.
fn open_order(list: &[CertificateRequest], due: &[DateTime<Utc>]) -> Vec<usize> {
    let mut open: Vec<usize> = (0..list.len()).filter(|&i| list[i].status.is_open()).collect();
    open.sort_unstable_by_key(|&i| (due[i], i));
    open
}

/// The orders and links that do not depend on the deadlines.
struct Orders {
    revoked_by: HashMap<u64, u64>,
    to_deliver: Vec<usize>,
    closed: Vec<usize>,
    issued_by_expiry: Vec<usize>,
    renewed_by: HashMap<u64, u64>,
}

impl Orders {
    fn of(list: &[CertificateRequest]) -> Orders {
        // First which are being revoked: they are not to deliver.
        let revoked_by: HashMap<u64, u64> = list
            .iter()
            .filter(|c| crate::ops::revocation::is_live(c))
            .filter_map(|c| c.revokes().map(|old| (old, c.id)))
            .collect();
        let mut to_deliver: Vec<usize> = (0..list.len())
            .filter(|&i| awaits(&list[i], &revoked_by))
            .collect();
        to_deliver.sort_unstable_by_key(|&i| (list[i].issued_at, i));
        let mut closed: Vec<usize> = (0..list.len())
            .filter(|&i| is_closed(&list[i], &revoked_by))
            .collect();
        closed.sort_unstable_by_key(|&i| std::cmp::Reverse((list[i].received_at, i)));
        // A revocation done has an issue time but no certificate of its own.
        let mut issued: Vec<(DateTime<Utc>, usize)> = (0..list.len())
            .filter(|&i| list[i].operation != crate::domain::certificate::Operation::Revocation)
            .filter_map(|i| list[i].expires_at().map(|e| (e, i)))
            .collect();
        issued.sort_unstable();
        let renewed_by = list
            .iter()
            .filter(|c| renews_counts(c.status))
            .filter_map(|c| c.renews().map(|old| (old, c.id)))
            .collect();
        Orders {
            revoked_by,
            to_deliver,
            closed,
            issued_by_expiry: issued.into_iter().map(|(_, i)| i).collect(),
            renewed_by,
        }
    }
}

/// Whether a certificate can be renewed: issued, in its renewal window, and not
/// expired. Once expired it cannot: a new request is needed. The expiry view, its
/// count, bulk renewals and Avui ask here.
pub fn renewable(c: &CertificateRequest, now: DateTime<Utc>, tz: chrono_tz::Tz) -> bool {
    c.in_renewal_window(now, tz) && c.days_to_expiry(now, tz).is_some_and(|d| d >= 0)
}
