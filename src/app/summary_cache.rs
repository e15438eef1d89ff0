//! The Municipis columns that come from certificate requests (open count, next
//! deadline), remembered between sessions, so that the first screen is complete
//! before 100,000 requests have been read. A cache only: it is used when the
//! store's history and the calendar settings are those it was written for.

use super::cert_data::NO_DEADLINE;
use super::data::Data;
use crate::domain::municipality::IneCode;
use crate::store::{Kind, Record, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fmt::Write;

const NAME: &str = "council-certificates";

/// What the deadlines depend on besides the requests: the zone and local holidays.
pub fn fingerprint(tz: chrono_tz::Tz, local_holidays: &[chrono::NaiveDate]) -> String {
    let mut days: Vec<String> = local_holidays.iter().map(|d| d.to_string()).collect();
    days.sort();
    format!("{tz}|{}", days.join(","))
}

pub fn save(store: &dyn Store, data: &Data, fingerprint: &str) {
    let figures: Figures = data
        .municipalities
        .iter()
        .enumerate()
        .map(|(i, m)| (m.ine, data.open_certificates(i), data.next_due(i)))
        .collect();
    write(store, &figures, fingerprint);
}

/// Recomputes the cache after a command changed the store, so the next
/// dashboard opens with a complete first screen. The requests are read one at a
/// time, never held: a million of them take no more memory than ten.
pub fn refresh(store: &dyn Store, tz: chrono_tz::Tz, local_holidays: &[chrono::NaiveDate]) {
    let calendar = crate::domain::calendar::Calendar::catalan(local_holidays, tz);
    match streamed(store, calendar) {
        Ok(figures) => write(store, &figures, &fingerprint(tz, local_holidays)),
        Err(e) => tracing::warn!("summary cache not refreshed: {e}"),
    }
}

/// Each council's open requests and earliest deadline, as `Data` counts them,
/// in its order of councils, from the store's requests as they are read.
fn streamed(store: &dyn Store, calendar: crate::domain::calendar::Calendar) -> crate::store::Result<Figures> {
    let data = Data::load_councils(store, calendar)?;
    let mut figures: Figures = data.municipalities.iter().map(|m| (m.ine, 0, None)).collect();
    let index: HashMap<IneCode, usize> = figures
        .iter()
        .enumerate()
        .map(|(i, (ine, _, _))| (*ine, i))
        .collect();
    for record in store.records(Kind::Certificate)? {
        let Record::Certificate(c) = record? else {
            continue;
        };
        let Some(entry) = index.get(&c.ine).map(|&i| &mut figures[i]) else {
            continue;
        };
        if !c.status.is_open() {
            continue;
        }
        entry.1 += 1;
        // A request without a deadline has none to show (`CertData::deadline`).
        if let Some(due) = c.due_at(&data.calendar).filter(|d| *d != NO_DEADLINE)
            && entry.2.is_none_or(|d| due < d)
        {
            entry.2 = Some(due);
        }
    }
    Ok(figures)
}

impl NewRequest {
    pub fn of(
        c: &crate::domain::certificate::CertificateRequest,
        calendar: &crate::domain::calendar::Calendar,
    ) -> Self {
        NewRequest {
            ine: c.ine,
            open: usize::from(c.status.is_open()),
            due: c.due_at(calendar),
        }
    }

    /// What an import added to one council.
    pub fn imported(
        ine: IneCode,
        created: &crate::io::import::Created,
        calendar: &crate::domain::calendar::Calendar,
    ) -> Self {
        let [normal, urgent] = created.earliest;
        let due = [
            normal.map(|t| calendar.due(t, false)),
            urgent.map(|t| calendar.due(t, true)),
        ]
        .into_iter()
        .flatten()
        .min();
        NewRequest {
            ine,
            open: created.open,
            due,
        }
    }
}

/// New requests of one council, as the summary needs them.
#[derive(Debug, Clone, Copy)]
pub struct NewRequest {
    pub ine: IneCode,
    /// How many of them are open.
    pub open: usize,
    pub due: Option<DateTime<Utc>>,
}

/// Brings the cache up to date after a command added `added` requests: from the
/// figures it held before (`before_seq`) if it was current then, else from scratch.
pub fn after_change(
    store: &dyn Store,
    before_seq: u64,
    added: &[NewRequest],
    tz: chrono_tz::Tz,
    local_holidays: &[chrono::NaiveDate],
) {
    let fp = fingerprint(tz, local_holidays);
    let Some(mut figures) = read(store, before_seq, &fp) else {
        refresh(store, tz, local_holidays);
        return;
    };
    for r in added.iter().filter(|r| r.open > 0) {
        if let Some(entry) = figures.iter_mut().find(|(ine, _, _)| *ine == r.ine) {
            entry.1 += r.open;
            if let Some(due) = r.due
                && entry.2.is_none_or(|d| due < d)
            {
                entry.2 = Some(due);
            }
        }
    }
    write(store, &figures, &fp);
}

type Figures = Vec<(IneCode, usize, Option<DateTime<Utc>>)>;

fn write(store: &dyn Store, figures: &Figures, fingerprint: &str) {
    let mut text = format!("v1 {} {fingerprint}\n", store.last_seq().unwrap_or(0));
    for (ine, open, due) in figures {
        let due = due.map_or("-".to_string(), |d| d.timestamp_millis().to_string());
        let _ = writeln!(text, "{} {open} {due}", ine.0);
    }
    store.write_cache(NAME, &text);
}

/// The cached figures, if they were written at history `seq` with these settings.
fn read(store: &dyn Store, seq: u64, fingerprint: &str) -> Option<Figures> {
    let text = store.read_cache(NAME)?;
    let mut lines = text.lines();
    if lines.next()? != format!("v1 {seq} {fingerprint}") {
        return None;
    }
    let mut figures = Vec::new();
    for line in lines {
        let mut parts = line.split(' ');
        let ine = IneCode(parts.next()?.parse().ok()?);
        let open = parts.next()?.parse().ok()?;
        let due = match parts.next()? {
            "-" => None,
            ms => Some(DateTime::from_timestamp_millis(ms.parse().ok()?)?),
        };
        figures.push((ine, open, due));
    }
    Some(figures)
}

/// Fills the per-council figures from the cache if it is current; true if it was.
pub fn load(store: &dyn Store, data: &mut Data, fingerprint: &str) -> bool {
    let Some(figures) = read(store, store.last_seq().unwrap_or(0), fingerprint) else {
        return false;
    };
    if figures.len() != data.municipalities.len() {
        return false;
    }
    let figures: HashMap<IneCode, (usize, Option<DateTime<Utc>>)> = figures
        .into_iter()
        .map(|(ine, open, due)| (ine, (open, due)))
        .collect();
    data.set_summary(|ine| figures.get(&ine).copied().unwrap_or((0, None)));
    true
}
