//! What Avui lists: one line per thing to do today, in sections most urgent
//! first. Computed from the records in memory at one instant; no drawing here.

use crate::app::data::{Data, RolloutCell};
use crate::app::effect::Target;
use crate::domain::activity::ActivityKind;
use crate::domain::catalog::services;
use crate::domain::certificate::CertStatus;
use crate::domain::municipality::{FormStatus, IneCode};
use crate::domain::rollout::RolloutStatus;
use crate::domain::search::CollationKey;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Requests due within this many working days are listed with the overdue ones.
pub const DUE_SOON_WORKING_DAYS: u32 = 2;
/// Requests waiting for documents longer than this many working days are listed.
pub const AWAITING_WORKING_DAYS: u32 = 10;
/// Certificates expiring within this many days with no renewal filed are listed.
pub const EXPIRY_DAYS: i64 = crate::domain::certificate::RENEWAL_WINDOW_DAYS;

/// The sections, in the order they are shown: the most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    RequestsDue,
    AwaitingDocuments,
    NotDelivered,
    Expiring,
    /// The office's ER operators' cards near expiry.
    OperatorCards,
    Support,
    Forms,
    Blocked,
    NotVisited,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::RequestsDue,
        Section::AwaitingDocuments,
        Section::NotDelivered,
        Section::Expiring,
        Section::OperatorCards,
        Section::Support,
        Section::Forms,
        Section::Blocked,
        Section::NotVisited,
    ];

    /// Whether it is shown today: the councils not visited only from the configured month on.
    pub fn shown(self, today: NaiveDate, settings: Settings) -> bool {
        self != Section::NotVisited || today.month() >= settings.unvisited_from_month
    }

    /// Whether it reads the certificate requests, which come after the first frame.
    pub fn needs_certificates(self) -> bool {
        matches!(
            self,
            Section::RequestsDue | Section::AwaitingDocuments | Section::NotDelivered | Section::Expiring
        )
    }
}

/// One thing to do, with what its line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// An open request and its deadline (past or within two working days).
    Request { id: u64, due: DateTime<Utc> },
    /// Waiting for documents since `since`, for `days` working days.
    Awaiting {
        id: u64,
        since: DateTime<Utc>,
        days: u32,
    },
    /// Issued on `issued`, not delivered yet.
    Undelivered { id: u64, issued: DateTime<Utc> },
    /// Expires in `days` days; no renewal filed.
    Expiring { id: u64, days: i64 },
    /// A support entry: its answer due (if its clock runs) and whether today is its follow-up.
    Support {
        id: u64,
        due: Option<DateTime<Utc>>,
        follow_up: bool,
    },
    /// A council's fitxa: never sent (`None`) or due on that day (expired if past).
    Form { ine: IneCode, due: Option<NaiveDate> },
    /// A council's service blocked, and why.
    Blocked { cell: RolloutCell, reason: String },
    /// A council not visited this year; its last visit.
    NotVisited { ine: IneCode, last: Option<NaiveDate> },
    /// An ER operator's card within 60 days of expiry (negative: expired).
    OperatorCard { name: String, days: i64 },
}

impl Item {
    /// The record Enter shows, on its own tab.
    pub fn target(&self) -> Target {
        match self {
            Item::Request { id, .. } | Item::Awaiting { id, .. } | Item::Undelivered { id, .. } => {
                Target::Request(*id)
            }
            Item::Expiring { id, .. } => Target::Expiry(*id),
            Item::Support { id, .. } => Target::Activity(*id),
            Item::Form { ine, .. } | Item::NotVisited { ine, .. } => Target::Council(*ine),
            Item::Blocked { cell, .. } => Target::Cell(cell.clone()),
            // Shown above the expiry view, where `o` opens the operators.
            Item::OperatorCard { .. } => Target::OperatorCards,
        }
    }
}

/// The settings the list depends on besides the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Councils at or above this population are not the office's.
    pub threshold: u32,
    /// From this month on, the councils not visited this year are listed.
    pub unvisited_from_month: u32,
}

/// The items of one section at `now`, most urgent first.
pub fn section(data: &Data, section: Section, now: DateTime<Utc>, settings: Settings) -> Vec<Item> {
    let calendar = &data.calendar;
    let tz = calendar.tz();
    let today = now.with_timezone(&tz).date_naive();
    let certs = &data.certs;
    match section {
        Section::RequestsDue => {
            // 24:00 of the second working day after today.
            let limit = calendar.due_working_days(now, DUE_SOON_WORKING_DAYS);
            let end = certs.open_by_due.partition_point(|&i| certs.due[i] <= limit);
            certs.open_by_due[..end]
                .iter()
                .filter_map(|&i| {
                    let due = certs.deadline(i)?;
                    Some(Item::Request {
                        id: certs.list[i].id,
                        due,
                    })
                })
                .collect()
        }
        Section::AwaitingDocuments => {
            // They have no deadline: the tail of the open requests' order, not all 100,000.
            let first = certs
                .open_by_due
                .partition_point(|&i| certs.due[i] != crate::app::cert_data::NO_DEADLINE);
            let mut waiting: Vec<(DateTime<Utc>, u64)> = certs.open_by_due[first..]
                .iter()
                .map(|&i| &certs.list[i])
                .filter(|c| c.status == CertStatus::AwaitingDocuments)
                .map(|c| (c.received_at, c.id))
                .collect();
            waiting.sort_unstable();
            awaiting(data, &waiting, now)
        }
        Section::NotDelivered => {
            // The issued ones are already kept apart, in nearly this order.
            let mut items: Vec<(DateTime<Utc>, u64)> = certs
                .to_deliver
                .iter()
                .map(|&i| &certs.list[i])
                .map(|c| (c.issued_at.unwrap_or(c.received_at), c.id))
                .collect();
            items.sort_unstable();
            items
                .into_iter()
                .map(|(issued, id)| Item::Undelivered { id, issued })
                .collect()
        }
        Section::Expiring => {
            // Only the certificates around the window, found by their order of expiry.
            let by_expiry = &certs.issued_by_expiry;
            let expiry = |i: usize| certs.list[i].expires_at();
            let from = now - chrono::Duration::days(2);
            let to = now + chrono::Duration::days(EXPIRY_DAYS + 2);
            let lo = by_expiry.partition_point(|&i| expiry(i).is_some_and(|e| e < from));
            let hi = by_expiry.partition_point(|&i| expiry(i).is_some_and(|e| e <= to));
            by_expiry[lo..hi.max(lo)]
                .iter()
                .map(|&i| &certs.list[i])
                // One with a renewal or a revocation filed is taken care of.
                .filter(|c| c.status.is_issued() && certs.nothing_filed(c.id))
                .filter_map(|c| Some((c.id, c.days_to_expiry(now, tz)?)))
                .filter(|(_, days)| (0..=EXPIRY_DAYS).contains(days))
                .map(|(id, days)| Item::Expiring { id, days })
                .collect()
        }
        Section::OperatorCards => crate::ops::operators::cards_to_renew(&data.operators, today)
            .into_iter()
            .map(|(o, days)| Item::OperatorCard {
                name: o.name.clone(),
                days,
            })
            .collect(),
        Section::Support => {
            let acts = &data.activities;
            let tomorrow = today.succ_opt().map_or(now, |d| calendar.local_midnight(d));
            let mut items: Vec<(u8, DateTime<Utc>, u64, Item)> = acts
                .list
                .iter()
                .enumerate()
                .filter(|(_, a)| a.kind != ActivityKind::Training)
                .filter_map(|(i, a)| {
                    let due = acts.due(i).filter(|d| a.is_open() && *d <= tomorrow);
                    let follow_up = a
                        .follow_up_on
                        .is_some_and(|d| d == today || (d < today && a.is_open()));
                    if due.is_none() && !follow_up {
                        return None;
                    }
                    // Overdue answers, then those due today, then the follow-ups.
                    let rank = match due {
                        Some(d) if d <= now => 0,
                        Some(_) => 1,
                        None => 2,
                    };
                    let item = Item::Support {
                        id: a.id,
                        due,
                        follow_up,
                    };
                    Some((rank, due.unwrap_or(now), a.id, item))
                })
                .collect();
            items.sort_by_key(|(rank, due, id, _)| (*rank, *due, *id));
            items.into_iter().map(|(.., item)| item).collect()
        }
        Section::Forms => {
            // Names in order by the keys kept with the councils, not made again per comparison.
            let mut items: Vec<(Option<NaiveDate>, &CollationKey, Item)> = served(data, settings)
                .filter_map(|i| {
                    let m = &data.municipalities[i];
                    let due = match m.form_status(today) {
                        FormStatus::Valid => return None,
                        FormStatus::NotSent => None,
                        FormStatus::Expiring(_) | FormStatus::Expired => m.form_due_on(),
                    };
                    Some((due, &data.collation[i], Item::Form { ine: m.ine, due }))
                })
                .collect();
            // What can be acted on first: the expired, then the soonest due; the never sent after.
            items.sort_by(|a, b| (a.0.is_none(), a.0, a.1).cmp(&(b.0.is_none(), b.0, b.1)));
            items.into_iter().map(|(.., item)| item).collect()
        }
        Section::Blocked => {
            let mut items: Vec<(&CollationKey, usize, Item)> = Vec::new();
            for i in served(data, settings) {
                for (s, service) in services().iter().enumerate() {
                    if data.status(i, s) != RolloutStatus::Blocked {
                        continue;
                    }
                    let reason = data.rollout[i][s]
                        .as_ref()
                        .map(|r| r.blocked_reason.clone())
                        .unwrap_or_default();
                    let cell = RolloutCell {
                        council: data.municipalities[i].ine,
                        service: service.id.clone(),
                    };
                    items.push((&data.collation[i], s, Item::Blocked { cell, reason }));
                }
            }
            items.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
            items.into_iter().map(|(.., item)| item).collect()
        }
        Section::NotVisited => {
            if today.month() < settings.unvisited_from_month {
                return Vec::new();
            }
            let acts = &data.activities;
            let mut items: Vec<(Option<NaiveDate>, &CollationKey, Item)> = served(data, settings)
                .filter(|&i| !acts.visited_in(data.municipalities[i].ine, today.year()))
                .map(|i| {
                    let ine = data.municipalities[i].ine;
                    let last = acts.last_visit(ine);
                    (last, &data.collation[i], Item::NotVisited { ine, last })
                })
                .collect();
            // Never visited first, then the longest ago.
            items.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
            items.into_iter().map(|(.., item)| item).collect()
        }
    }
}

/// The councils the office serves (under the population threshold), by index.
fn served(data: &Data, settings: Settings) -> impl Iterator<Item = usize> + '_ {
    (0..data.municipalities.len()).filter(move |&i| data.municipalities[i].is_served(settings.threshold))
}

/// The requests waiting for documents (by receipt, oldest first) past their ten
/// working days, with the working days each has waited. Both depend only on the
/// day of receipt, so each day is reckoned once: the worklist follows every change.
fn awaiting(data: &Data, waiting: &[(DateTime<Utc>, u64)], now: DateTime<Utc>) -> Vec<Item> {
    let calendar = &data.calendar;
    let tz = calendar.tz();
    let day_of = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    // Working days in (day, today], counted walking back from today, newest receipt first.
    let (mut day, mut count) = (day_of(now), 0u32);
    let mut days = vec![0; waiting.len()];
    for (k, &(since, _)) in waiting.iter().enumerate().rev() {
        let from = day_of(since);
        while day > from {
            count += u32::from(calendar.is_working_day(day));
            day = match day.pred_opt() {
                Some(d) => d,
                None => break,
            };
        }
        days[k] = count;
    }
    // Past 24:00 of the tenth working day after receipt: more than ten.
    let mut overdue: Option<(NaiveDate, bool)> = None;
    let mut items = Vec::new();
    for (&(since, id), days) in waiting.iter().zip(days) {
        let from = day_of(since);
        let late = match overdue {
            Some((d, late)) if d == from => late,
            _ => calendar.due_working_days(since, AWAITING_WORKING_DAYS) <= now,
        };
        overdue = Some((from, late));
        if late {
            items.push(Item::Awaiting { id, since, days });
        }
    }
    items
}
