//! The support log in memory: each entry with its answer's clock, and what the
//! council screens ask of it (open entries, the last visit), kept ready per change.

use crate::domain::activity::{Activity, ActivityKind, AnswerClock, RESPONSE_DAYS};
use crate::domain::calendar::Calendar;
use crate::domain::municipality::IneCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::collections::HashMap;

#[derive(Debug)]
pub struct ActivityData {
    /// Every entry, in id order.
    pub list: Vec<Activity>,
    /// The answer's clock of each entry still open, parallel to `list` (`None` for
    /// a closed one: the screens show no countdown for it, and those that need its
    /// due time, the export, the report and the detail, compute it). Years of calls
    /// are mostly closed: the first screen does not wait for their clocks.
    pub clock: Vec<AnswerClock>,
    /// Working days to answer a council (`response_days`).
    pub response_days: u32,
    /// Per council: its entries still open or waiting.
    open: HashMap<IneCode, usize>,
    /// Per council: the day of its latest visit.
    last_visit: HashMap<IneCode, NaiveDate>,
    /// Bumped on every change, so views know when to recompute.
    pub generation: u64,
}

impl Default for ActivityData {
    fn default() -> Self {
        ActivityData {
            list: Vec::new(),
            clock: Vec::new(),
            response_days: RESPONSE_DAYS,
            open: HashMap::new(),
            last_visit: HashMap::new(),
            generation: 0,
        }
    }
}

impl ActivityData {
    pub fn new(mut list: Vec<Activity>, calendar: &Calendar, response_days: u32) -> ActivityData {
        list.sort_by_key(|a| a.id);
        let mut data = ActivityData {
            list,
            response_days,
            ..ActivityData::default()
        };
        data.recompute(calendar);
        data
    }

    /// The term changed (the config): every clock again.
    pub fn set_response_days(&mut self, days: u32, calendar: &Calendar) {
        if days != self.response_days {
            self.response_days = days;
            self.recompute(calendar);
        }
    }

    pub fn index_of(&self, id: u64) -> Option<usize> {
        self.list.binary_search_by_key(&id, |a| a.id).ok()
    }

    pub fn get(&self, id: u64) -> Option<&Activity> {
        self.index_of(id).map(|i| &self.list[i])
    }

    /// Adds or replaces an entry.
    pub fn put(&mut self, a: Activity, calendar: &Calendar) {
        match self.list.binary_search_by_key(&a.id, |x| x.id) {
            Ok(i) => self.list[i] = a,
            Err(i) => self.list.insert(i, a),
        }
        self.recompute(calendar);
    }

    /// Adds, replaces (`Some`) or removes (`None`) many entries with one recompute:
    /// a colleague's import of thousands reaches the dashboard at once.
    pub fn put_all(&mut self, changes: Vec<(u64, Option<Activity>)>, calendar: &Calendar) {
        for (id, change) in changes {
            match (self.list.binary_search_by_key(&id, |x| x.id), change) {
                (Ok(i), Some(a)) => self.list[i] = a,
                (Err(i), Some(a)) => self.list.insert(i, a),
                (Ok(i), None) => {
                    self.list.remove(i);
                }
                (Err(_), None) => {}
            }
        }
        self.recompute(calendar);
    }

    pub fn remove(&mut self, id: u64, calendar: &Calendar) {
        if let Some(i) = self.index_of(id) {
            self.list.remove(i);
            self.recompute(calendar);
        }
    }

    /// The answer is due at this instant, while its clock runs.
    pub fn due(&self, index: usize) -> Option<DateTime<Utc>> {
        match self.clock.get(index) {
            Some(AnswerClock::Due(due)) => Some(*due),
            _ => None,
        }
    }

    /// How many of a council's entries are open or waiting.
    pub fn open_of(&self, ine: IneCode) -> usize {
        self.open.get(&ine).copied().unwrap_or(0)
    }

    /// The day of the council's latest visit, if any.
    pub fn last_visit(&self, ine: IneCode) -> Option<NaiveDate> {
        self.last_visit.get(&ine).copied()
    }

    /// Whether the council had a visit in `year`.
    pub fn visited_in(&self, ine: IneCode, year: i32) -> bool {
        self.last_visit(ine).is_some_and(|d| d.year() >= year)
    }

    /// A council's entries (indexes into `list`), newest first.
    pub fn of_council(&self, ine: IneCode) -> Vec<usize> {
        let mut out: Vec<usize> = (0..self.list.len())
            .filter(|&i| self.list[i].concerns(ine))
            .collect();
        out.sort_by_key(|&i| std::cmp::Reverse((self.list[i].received_at, self.list[i].id)));
        out
    }

    fn recompute(&mut self, calendar: &Calendar) {
        let tz = calendar.tz();
        self.clock = self
            .list
            .iter()
            .map(|a| match a.is_open() {
                true => a.clock(calendar, self.response_days),
                false => AnswerClock::None,
            })
            .collect();
        self.open.clear();
        self.last_visit.clear();
        for a in &self.list {
            if a.is_open() {
                for ine in a.council_codes() {
                    *self.open.entry(ine).or_default() += 1;
                }
            }
            if a.kind == ActivityKind::Visit
                && let Some(ine) = a.ine
            {
                let day = a.received_at.with_timezone(&tz).date_naive();
                let last = self.last_visit.entry(ine).or_insert(day);
                *last = (*last).max(day);
            }
        }
        self.generation += 1;
    }
}
