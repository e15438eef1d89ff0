//! The figures of Avui's charts, from the records in memory at one instant.

use crate::app::data::Data;
use crate::domain::activity::ActivityKind;
use crate::domain::catalog::services;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

/// Months in the request charts, the current one last.
pub const MONTHS: usize = 12;
/// Weeks in the support chart, the current one last.
pub const WEEKS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The first day of each month shown, oldest first.
    pub months: Vec<NaiveDate>,
    /// T-CAT requests received per month; None while the requests load.
    pub requests: Option<Vec<u64>>,
    /// Per month, of the requests issued in it: (issued by their deadline, issued).
    pub on_time: Option<Vec<(u64, u64)>>,
    /// Per service of the catalogue: its short name, done, applicable.
    pub adoption: Vec<(String, usize, usize)>,
    /// The Monday of each week shown, oldest first.
    pub weeks: Vec<NaiveDate>,
    /// Support entries open at the end of each week (or now, for this week).
    pub open_support: Vec<u64>,
}

impl Series {
    /// `threshold`: the councils counted in adoption are those the office serves.
    pub fn new(data: &Data, now: DateTime<Utc>, threshold: u32) -> Series {
        let tz = data.calendar.tz();
        let today = now.with_timezone(&tz).date_naive();
        let this_month = today.with_day(1).unwrap_or(today);
        let months: Vec<NaiveDate> = (0..MONTHS)
            .rev()
            .filter_map(|back| this_month.checked_sub_months(Months::new(back as u32)))
            .collect();
        let month_of = |at: DateTime<Utc>| {
            let day = at.with_timezone(&tz).date_naive();
            let first = day.with_day(1)?;
            months.iter().position(|m| *m == first)
        };
        let (requests, on_time) = if data.certs_loaded {
            let mut requests = vec![0; months.len()];
            let mut on_time = vec![(0, 0); months.len()];
            for (i, c) in data.certs.list.iter().enumerate() {
                if let Some(m) = month_of(c.received_at) {
                    requests[m] += 1;
                }
                if let Some(issued) = c.issued_at
                    && let Some(m) = month_of(issued)
                {
                    on_time[m].1 += 1;
                    // The deadline it had: the one kept in memory, or its own if it has none there.
                    let due = data.certs.deadline(i).or_else(|| c.due_at(&data.calendar));
                    if due.is_some_and(|d| issued <= d) {
                        on_time[m].0 += 1;
                    }
                }
            }
            (Some(requests), Some(on_time))
        } else {
            (None, None)
        };
        let adoption = services()
            .iter()
            .enumerate()
            .map(|(s, service)| {
                let tally = crate::domain::rollout::Tally::adoption(
                    data.municipalities
                        .iter()
                        .enumerate()
                        .map(|(c, m)| (m, data.status(c, s))),
                    threshold,
                );
                (service.short.clone(), tally.done, tally.applicable)
            })
            .collect();
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let weeks: Vec<NaiveDate> = (0..WEEKS)
            .rev()
            .filter_map(|back| monday.checked_sub_days(Days::new(7 * back as u64)))
            .collect();
        let open_support = weeks
            .iter()
            .map(|w| {
                // The end of the week, or now for this one.
                let end = w
                    .checked_add_days(Days::new(7))
                    .map_or(now, |d| data.calendar.local_midnight(d))
                    .min(now);
                data.activities
                    .list
                    .iter()
                    .filter(|a| a.kind != ActivityKind::Training && a.received_at < end)
                    .filter(|a| match a.closed_at {
                        Some(closed) if !a.is_open() => closed >= end,
                        _ => true,
                    })
                    .count() as u64
            })
            .collect();
        Series {
            months,
            requests,
            on_time,
            adoption,
            weeks,
            open_support,
        }
    }
}
