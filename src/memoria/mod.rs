//! `ocsae memoria`: the year's report for the Consell d'Alcaldes. The figures
//! are computed here from the records and the history (`history.rs`); `doc.rs`
//! puts them in words and tables, and one module per format writes them.
//!
//! A past period is reported as it was: event dates (`received_at`, `filed_at`,
//! `issued_at`, `delivered_at`, `closed_at`, a fitxa's day) decide the period of
//! an event, and the history gives a status at a time.

pub mod csv;
pub mod doc;
pub mod history;
pub mod html;
mod svg;
pub mod text;

use crate::domain::activity::{Activity, ActivityKind};
use crate::domain::calendar::Calendar;
use crate::domain::catalog::services;
use crate::domain::certificate::{CertStatus, CertificateRequest, Operation};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::{RolloutStatus, Tally};
use crate::store::Applied;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use std::collections::{BTreeMap, HashSet};

/// The days reported, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    /// The first day of each month the period touches.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut m = self.from.with_day(1).unwrap_or(self.from);
        while m <= self.to {
            out.push(m);
            match m.checked_add_months(Months::new(1)) {
                Some(next) => m = next,
                None => break,
            }
        }
        out
    }
}

/// What the memòria reads.
pub struct Input<'a> {
    pub councils: &'a [Municipality],
    pub certificates: &'a [CertificateRequest],
    pub activities: &'a [Activity],
    /// Every history entry, oldest first.
    pub history: &'a [Applied],
    pub calendar: &'a Calendar,
    pub response_days: u32,
    /// Councils under this population are the office's.
    pub threshold: u32,
}

/// Issued within the deadline, of one kind of request (ordinary or urgent).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Deadline {
    pub issued: u64,
    pub on_time: u64,
    /// The median working time from receipt to issue, in working days.
    pub median_days: Option<f64>,
}

/// A service's adoption at the period's start and end: done out of applicable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub short: String,
    pub name: String,
    pub start: (u64, u64),
    pub end: (u64, u64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Memoria {
    pub comarca: String,
    pub period: Period,
    pub months: Vec<NaiveDate>,
    pub councils: u64,
    pub under_threshold: u64,
    pub threshold: u32,
    /// T-CAT requests received, by type and operation.
    pub by_type: BTreeMap<(String, &'static str), u64>,
    pub received: u64,
    pub received_per_month: Vec<u64>,
    pub filed: u64,
    pub issued: u64,
    pub delivered: u64,
    pub rejected: u64,
    pub cancelled: u64,
    /// Ordinary, then urgent.
    pub deadline: [Deadline; 2],
    /// Per month, of the requests issued in it: (by their deadline, issued).
    pub on_time_per_month: Vec<(u64, u64)>,
    /// Support entries received per kind (trainings aside) and month.
    pub activity: Vec<(ActivityKind, Vec<u64>)>,
    pub activity_per_month: Vec<u64>,
    /// Closed in the period: (within the due time, closed).
    pub answered: (u64, u64),
    pub minutes: u64,
    pub trainings: u64,
    pub training_minutes: u64,
    pub attendees: u64,
    pub visits: u64,
    /// The office's councils with no visit in the period, by name.
    pub not_visited: Vec<String>,
    pub adoption: Vec<Adoption>,
    /// Per council (name): each service's status at the start and at the end.
    pub council_services: Vec<(String, Vec<(RolloutStatus, RolloutStatus)>)>,
    pub forms_sent: u64,
    pub forms_renewed: u64,
}

pub fn compute(input: &Input, period: Period) -> Memoria {
    let cal = input.calendar;
    let tz = cal.tz();
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
    let within = |at: DateTime<Utc>| (period.from..=period.to).contains(&day(at));
    let months = period.months();
    let month = |at: DateTime<Utc>| {
        let d = day(at);
        months
            .iter()
            .position(|m| m.year() == d.year() && m.month() == d.month())
    };
    let start = cal.local_midnight(period.from);
    let end = period.to.succ_opt().map_or(start, |d| cal.local_midnight(d));
    let past = history::replay(input.history, start, end);
    let mut m = Memoria {
        comarca: comarca(input.councils),
        period,
        months: months.clone(),
        councils: input.councils.len() as u64,
        under_threshold: input
            .councils
            .iter()
            .filter(|c| c.is_served(input.threshold))
            .count() as u64,
        threshold: input.threshold,
        by_type: BTreeMap::new(),
        received: 0,
        received_per_month: vec![0; months.len()],
        filed: 0,
        issued: 0,
        delivered: 0,
        rejected: 0,
        cancelled: 0,
        deadline: [Deadline::default(); 2],
        on_time_per_month: vec![(0, 0); months.len()],
        activity: Vec::new(),
        activity_per_month: vec![0; months.len()],
        answered: (0, 0),
        minutes: 0,
        trainings: 0,
        training_minutes: 0,
        attendees: 0,
        visits: 0,
        not_visited: Vec::new(),
        adoption: Vec::new(),
        council_services: Vec::new(),
        forms_sent: 0,
        forms_renewed: 0,
    };
    let mut times: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    for c in input.certificates {
        if within(c.received_at) {
            m.received += 1;
            *m.by_type
                .entry((c.cert_type.to_string(), op_name(c.operation)))
                .or_default() += 1;
            if let Some(i) = month(c.received_at) {
                m.received_per_month[i] += 1;
            }
        }
        m.filed += u64::from(c.filed_at.is_some_and(within));
        m.delivered += u64::from(c.delivered_at.is_some_and(within));
        if let Some(issued) = c.issued_at.filter(|&t| within(t)) {
            m.issued += 1;
            let kind = usize::from(c.urgent);
            let on_time = issued <= cal.due(c.received_at, c.urgent);
            m.deadline[kind].issued += 1;
            m.deadline[kind].on_time += u64::from(on_time);
            times[kind].push(cal.working_time(c.received_at, issued).num_minutes());
            if let Some(i) = month(issued) {
                m.on_time_per_month[i].1 += 1;
                m.on_time_per_month[i].0 += u64::from(on_time);
            }
        }
        // Closed without a certificate: the history says when; a request that
        // came in already so (an import) counts at its receipt.
        if matches!(c.status, CertStatus::Rejected | CertStatus::Cancelled) {
            let at = past.closed.get(&c.id).map_or(c.received_at, |(_, at)| *at);
            if within(at) {
                match c.status {
                    CertStatus::Rejected => m.rejected += 1,
                    _ => m.cancelled += 1,
                }
            }
        }
    }
    for (kind, list) in times.iter_mut().enumerate() {
        m.deadline[kind].median_days = median(list).map(|minutes| minutes / (24.0 * 60.0));
    }
    support(input, &mut m, &within, &month);
    adoption(input, &past, &mut m);
    for (ine, day, renewed) in &past.forms {
        if (period.from..=period.to).contains(day) && input.councils.iter().any(|c| c.ine == *ine) {
            m.forms_sent += 1;
            m.forms_renewed += u64::from(*renewed);
        }
    }
    m
}

fn op_name(op: Operation) -> &'static str {
    op.as_str()
}

/// The comarca the councils belong to, or "Catalunya" for several.
fn comarca(councils: &[Municipality]) -> String {
    match councils.first() {
        Some(first) if councils.iter().all(|c| c.comarca == first.comarca) => first.comarca.clone(),
        Some(_) => "Catalunya".into(),
        None => "—".into(),
    }
}

/// The median of a list of minutes (sorted here).
fn median(list: &mut [i64]) -> Option<f64> {
    if list.is_empty() {
        return None;
    }
    list.sort_unstable();
    let mid = list.len() / 2;
    Some(match list.len() % 2 {
        1 => list[mid] as f64,
        _ => (list[mid - 1] + list[mid]) as f64 / 2.0,
    })
}

fn support(
    input: &Input,
    m: &mut Memoria,
    within: &dyn Fn(DateTime<Utc>) -> bool,
    month: &dyn Fn(DateTime<Utc>) -> Option<usize>,
) {
    let kinds: Vec<ActivityKind> = ActivityKind::ALL
        .into_iter()
        .filter(|k| *k != ActivityKind::Training)
        .collect();
    m.activity = kinds.iter().map(|&k| (k, vec![0; m.months.len()])).collect();
    let mut visited: HashSet<IneCode> = HashSet::new();
    for a in input.activities {
        if a.closed_at.is_some_and(within)
            && !a.is_open()
            && let Some(in_time) = a.answered_in_time(input.calendar, input.response_days)
        {
            m.answered.1 += 1;
            m.answered.0 += u64::from(in_time);
        }
        if !within(a.received_at) {
            continue;
        }
        m.minutes += u64::from(a.minutes.unwrap_or(0));
        if a.kind == ActivityKind::Training {
            m.trainings += 1;
            m.training_minutes += u64::from(a.session_minutes.unwrap_or(0));
            m.attendees += u64::from(a.attendees());
            continue;
        }
        if let Some(i) = month(a.received_at) {
            m.activity_per_month[i] += 1;
            if let Some(row) = m.activity.iter_mut().find(|(k, _)| *k == a.kind) {
                row.1[i] += 1;
            }
        }
        if a.kind == ActivityKind::Visit {
            m.visits += 1;
            visited.extend(a.council_codes());
        }
    }
    let mut names: Vec<&Municipality> = input
        .councils
        .iter()
        .filter(|c| c.is_served(input.threshold) && !visited.contains(&c.ine))
        .collect();
    names.sort_by(|a, b| crate::domain::search::collate(&a.name, &b.name));
    m.not_visited = names.into_iter().map(|c| c.name.clone()).collect();
}

fn adoption(input: &Input, past: &history::Past, m: &mut Memoria) {
    let status =
        |map: &std::collections::HashMap<history::CellKey, RolloutStatus>, ine: IneCode, id: &str| {
            map.get(&(ine, id.to_string()))
                .copied()
                .unwrap_or(RolloutStatus::Pending)
        };
    // The office's councils, as Implantació counts them (`Tally::adoption`).
    let mut councils: Vec<&Municipality> = input
        .councils
        .iter()
        .filter(|c| c.is_served(input.threshold))
        .collect();
    councils.sort_by(|a, b| crate::domain::search::collate(&a.name, &b.name));
    let tally = |map, id: &str| {
        let t = Tally::adoption(
            input.councils.iter().map(|c| (c, status(map, c.ine, id))),
            input.threshold,
        );
        (t.done as u64, t.applicable as u64)
    };
    m.adoption = services()
        .iter()
        .map(|s| Adoption {
            short: s.short.clone(),
            name: s.name.clone(),
            start: tally(&past.at_start, &s.id),
            end: tally(&past.at_end, &s.id),
        })
        .collect();
    m.council_services = councils
        .iter()
        .map(|c| {
            let cells = services()
                .iter()
                .map(|s| {
                    (
                        status(&past.at_start, c.ine, &s.id),
                        status(&past.at_end, c.ine, &s.id),
                    )
                })
                .collect();
            (c.name.clone(), cells)
        })
        .collect();
}
