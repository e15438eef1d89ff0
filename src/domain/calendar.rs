//! Working days and the office's deadlines for T-CAT requests: 5 working days (ordinary) or
//! 48 working hours (urgent). Instants come in as arguments; nothing here reads the clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::HashSet;

/// How far any search for a working day may run: ten years, far more than any real gap,
/// so a pathological holiday list cannot make us loop forever.
const MAX_SCAN_DAYS: u32 = 3660;
/// Working days in an ordinary term.
const ORDINARY_DAYS: u32 = 5;
/// Working hours in an urgent term.
const URGENT_HOURS: i64 = 48;

/// The office's working-day calendar in its own time zone.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Public and local holidays together: both are simply non-working.
    holidays: HashSet<NaiveDate>,
    tz: Tz,
    /// The first year the public-holiday data covers.
    covered_from: i32,
    covered_until: i32,
}

impl Calendar {
    /// `holidays`: public holidays; `local`: the office's local holidays (also non-working);
    /// `covered_until`: the last year the public-holiday data covers.
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        local: &[NaiveDate],
        covered_until: i32,
        tz: Tz,
    ) -> Calendar {
        let mut set: HashSet<NaiveDate> = holidays.into_iter().collect();
        set.extend(local.iter().copied());
        Calendar {
            holidays: set,
            tz,
            covered_from: i32::MIN,
            covered_until,
        }
    }

    /// The Catalan calendar from the embedded assets (covered_until = the max year in assets::holidays()).
    pub fn catalan(local: &[NaiveDate], tz: Tz) -> Calendar {
        let public = crate::assets::holidays();
        // With no data at all nothing is covered, so "covered until" is the year before any date.
        let covered_until = public.iter().map(|h| h.date.year()).max().unwrap_or(i32::MIN);
        let covered_from = public.iter().map(|h| h.date.year()).min().unwrap_or(i32::MAX);
        Calendar {
            covered_from,
            ..Calendar::new(public.iter().map(|h| h.date), local, covered_until, tz)
        }
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Not Saturday, not Sunday, not a public or local holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The last year whose public holidays are known; past it only weekends (and local holidays) count.
    pub fn covered_until(&self) -> i32 {
        self.covered_until
    }

    /// The first year whose public holidays are known; before it only weekends count.
    pub fn covered_from(&self) -> i32 {
        self.covered_from
    }

    /// True if `day`'s year is covered by the holiday data.
    pub fn covers(&self, day: NaiveDate) -> bool {
        (self.covered_from..=self.covered_until).contains(&day.year())
    }

    /// When the clock starts: `received` itself if it falls on a working day (local time),
    /// else 00:00 local of the next working day (Llei 39/2015 art. 31.2).
    pub fn effective_start(&self, received: DateTime<Utc>) -> DateTime<Utc> {
        let day = self.local_date(received);
        if self.is_working_day(day) {
            return received;
        }
        match self.next_working_day(day) {
            Some(next) => self.local_midnight(next),
            None => received,
        }
    }

    /// Ordinary: 24:00 local (i.e. 00:00 of the following day) of the 5th working day after
    /// the day of receipt.
    pub fn due_ordinary(&self, received: DateTime<Utc>) -> DateTime<Utc> {
        self.due_working_days(received, ORDINARY_DAYS)
    }

    /// 24:00 local of the `days`-th working day after the day of receipt (a receipt on a
    /// non-working day counts from the next working day): the rule of an ordinary request,
    /// and of an answer to a council (`response_days`).
    pub fn due_working_days(&self, received: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let start = self.effective_start(received);
        let mut day = self.local_date(start);
        for _ in 0..days {
            match self.next_working_day(day) {
                Some(next) => day = next,
                None => return start,
            }
        }
        day.succ_opt().map_or(start, |end| self.local_midnight(end))
    }

    /// Urgent: 48 hours counted only during working days (whole local days 00:00–24:00),
    /// from the effective start.
    pub fn due_urgent(&self, received: DateTime<Utc>) -> DateTime<Utc> {
        self.add_working_time(self.effective_start(received), Duration::hours(URGENT_HOURS))
    }

    /// The instant `amount` of working time (whole local working days, 00:00–24:00) after
    /// `from`; a clock stopped on a non-working day goes on at the next working day's 00:00.
    pub fn add_working_time(&self, from: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        let mut at = from;
        let mut day = self.local_date(at);
        let mut left = amount.max(Duration::zero());
        for _ in 0..MAX_SCAN_DAYS {
            let Some(next) = day.succ_opt() else { break };
            let day_end = self.local_midnight(next);
            if self.is_working_day(day) {
                // Real elapsed time, so a 23- or 25-hour day counts what it really lasts.
                let span = day_end - at;
                if span >= left {
                    return at.checked_add_signed(left).unwrap_or(day_end);
                }
                left -= span;
            }
            day = next;
            at = day_end;
        }
        at
    }

    /// The working time (inside working days, 00:00–24:00 local) between `from` and `to`;
    /// zero if `to` is not after `from`.
    pub fn working_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        let mut at = from;
        let mut day = self.local_date(at);
        for _ in 0..MAX_SCAN_DAYS {
            if at >= to {
                break;
            }
            let Some(next) = day.succ_opt() else { break };
            let day_end = self.local_midnight(next).min(to);
            if self.is_working_day(day) && day_end > at {
                total += day_end - at;
            }
            day = next;
            at = at.max(day_end);
        }
        total
    }

    pub fn due(&self, received: DateTime<Utc>, urgent: bool) -> DateTime<Utc> {
        if urgent {
            self.due_urgent(received)
        } else {
            self.due_ordinary(received)
        }
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        // Checked, because chrono panics on a local time past its range (at the extremes).
        let utc = at.naive_utc();
        let offset = self.tz.offset_from_utc_datetime(&utc).fix();
        utc.checked_add_offset(offset).unwrap_or(utc).date()
    }

    /// The first working day strictly after `day`, if one exists within the scan bound.
    fn next_working_day(&self, day: NaiveDate) -> Option<NaiveDate> {
        let mut d = day;
        for _ in 0..MAX_SCAN_DAYS {
            d = d.succ_opt()?;
            if self.is_working_day(d) {
                return Some(d);
            }
        }
        None
    }

    /// The instant `day` begins in the calendar's zone.
    pub fn local_midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        let naive = day.and_time(NaiveTime::MIN);
        if let Some(t) = self.tz.from_local_datetime(&naive).earliest() {
            return t.with_timezone(&Utc);
        }
        // Midnight skipped by a DST gap (never in Europe/Madrid, but e.g. Africa/Cairo): the day
        // begins at the transition, which is midnight read with the offset in force just before it.
        let before = naive.checked_sub_signed(Duration::days(1)).unwrap_or(naive);
        let offset = self.tz.offset_from_utc_datetime(&before).fix();
        offset
            .from_local_datetime(&naive)
            .single()
            .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;
    use chrono_tz::Europe::Madrid;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A local wall-clock time in `tz` as the UTC instant the rest of the app stores.
    fn at(tz: Tz, local: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        tz.from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn rfc(tz: Tz, t: DateTime<Utc>) -> String {
        t.with_timezone(&tz).to_rfc3339()
    }

    type Row = (&'static str, &'static str, bool, &'static str);

    fn check(cal: &Calendar, rows: &[Row]) {
        for &(label, received, urgent, expected) in rows {
            let due = cal.due(at(Madrid, received), urgent);
            assert_eq!(
                rfc(Madrid, due),
                expected,
                "{label}: received {received}, urgent {urgent}"
            );
        }
    }

    #[test]
    fn deadlines_follow_the_catalan_calendar() {
        #[rustfmt::skip]
        let rows: &[Row] = &[
            ("worked example, ordinary", "2026-12-04 10:00", false, "2026-12-15T00:00:00+01:00"),
            ("worked example, urgent", "2026-12-04 10:00", true, "2026-12-09T10:00:00+01:00"),
            // Thursday before Easter: Friday 3 and Monday 6 are holidays.
            ("Easter 2026, ordinary", "2026-04-02 10:00", false, "2026-04-14T00:00:00+02:00"),
            ("Easter 2026, urgent", "2026-04-02 10:00", true, "2026-04-08T10:00:00+02:00"),
            // Christmas Friday 25, Sant Esteve Saturday 26, then Cap d'Any on Friday 1.
            ("Christmas 2026, ordinary", "2026-12-24 10:00", false, "2027-01-05T00:00:00+01:00"),
            ("Christmas 2026, urgent", "2026-12-24 10:00", true, "2026-12-29T10:00:00+01:00"),
            ("New Year 2027, ordinary", "2026-12-31 15:30", false, "2027-01-12T00:00:00+01:00"),
            ("New Year 2027, urgent", "2026-12-31 15:30", true, "2027-01-05T15:30:00+01:00"),
            ("Reis 2027, ordinary", "2027-01-05 12:00", false, "2027-01-14T00:00:00+01:00"),
            ("Reis 2027, urgent", "2027-01-05 12:00", true, "2027-01-08T12:00:00+01:00"),
            ("Sant Joan 2026, ordinary", "2026-06-23 09:00", false, "2026-07-02T00:00:00+02:00"),
            ("Sant Joan 2026, urgent", "2026-06-23 09:00", true, "2026-06-26T09:00:00+02:00"),
            // Summer time starts Sunday 29 March; the ordinary term also runs into Easter.
            ("DST spring, ordinary", "2026-03-27 10:00", false, "2026-04-08T00:00:00+02:00"),
            ("DST spring, urgent", "2026-03-27 10:00", true, "2026-03-31T10:00:00+02:00"),
            // Summer time ends Sunday 25 October.
            ("DST autumn, ordinary", "2026-10-23 10:00", false, "2026-10-31T00:00:00+01:00"),
            ("DST autumn, urgent", "2026-10-23 10:00", true, "2026-10-27T10:00:00+01:00"),
            // Non-working day of receipt: the clock starts Monday 9 March at 00:00.
            ("Saturday, ordinary", "2026-03-07 11:00", false, "2026-03-17T00:00:00+01:00"),
            ("Saturday, urgent", "2026-03-07 11:00", true, "2026-03-11T00:00:00+01:00"),
            ("Sunday, ordinary", "2026-03-08 20:00", false, "2026-03-17T00:00:00+01:00"),
            ("Sunday, urgent", "2026-03-08 20:00", true, "2026-03-11T00:00:00+01:00"),
            ("Festa del Treball, ordinary", "2026-05-01 09:00", false, "2026-05-12T00:00:00+02:00"),
            ("Festa del Treball, urgent", "2026-05-01 09:00", true, "2026-05-06T00:00:00+02:00"),
            ("on Sant Joan, urgent", "2026-06-24 10:00", true, "2026-06-27T00:00:00+02:00"),
            // One minute of the day of receipt counts for urgent, none for ordinary.
            ("Monday 23:59, ordinary", "2026-03-16 23:59", false, "2026-03-24T00:00:00+01:00"),
            ("Monday 23:59, urgent", "2026-03-16 23:59", true, "2026-03-18T23:59:00+01:00"),
            ("Friday 23:59, urgent", "2026-03-20 23:59", true, "2026-03-24T23:59:00+01:00"),
            // No holiday data for 2028: Reis (Thursday 6 January) is a working day.
            ("2028, ordinary", "2028-01-05 10:00", false, "2028-01-13T00:00:00+01:00"),
            ("2028, urgent", "2028-01-05 10:00", true, "2028-01-07T10:00:00+01:00"),
        ];
        check(&Calendar::catalan(&[], Madrid), rows);
    }

    #[test]
    fn a_local_holiday_moves_the_deadline() {
        // Friday 11 September is the Diada; Tuesday 8 September a local holiday.
        #[rustfmt::skip]
        let without: &[Row] = &[
            ("no local holiday, ordinary", "2026-09-04 10:00", false, "2026-09-15T00:00:00+02:00"),
            ("no local holiday, urgent", "2026-09-04 10:00", true, "2026-09-08T10:00:00+02:00"),
        ];
        #[rustfmt::skip]
        let with: &[Row] = &[
            ("local holiday, ordinary", "2026-09-04 10:00", false, "2026-09-16T00:00:00+02:00"),
            ("local holiday, urgent", "2026-09-04 10:00", true, "2026-09-09T10:00:00+02:00"),
        ];
        check(&Calendar::catalan(&[], Madrid), without);
        let cal = Calendar::catalan(&[date("2026-09-08")], Madrid);
        assert!(!cal.is_working_day(date("2026-09-08")));
        check(&cal, with);
    }

    #[test]
    fn working_days_and_coverage() {
        let cal = Calendar::catalan(&[], Madrid);
        assert_eq!(cal.covered_until(), 2027);
        assert_eq!(cal.tz(), Madrid);
        let days = [
            ("2026-12-07", true),  // Monday
            ("2026-12-08", false), // Immaculada, Tuesday
            ("2026-12-05", false), // Saturday
            ("2026-12-06", false), // Sunday
            ("2027-12-08", false), // Immaculada, Wednesday
            ("2028-12-08", true),  // Friday past the data: only weekends count
        ];
        for (day, working) in days {
            assert_eq!(cal.is_working_day(date(day)), working, "{day}");
        }
        assert!(cal.covers(date("2025-01-01")));
        assert!(cal.covers(date("2027-12-31")));
        assert!(!cal.covers(date("2028-01-01")));
        // Before the data, nothing is known either.
        assert_eq!(cal.covered_from(), 2025);
        assert!(!cal.covers(date("2024-12-31")));
    }

    #[test]
    fn new_takes_its_holidays_and_coverage_as_given() {
        let cal = Calendar::new([date("2030-05-02")], &[date("2030-05-03")], 2030, Madrid);
        assert_eq!(cal.covered_until(), 2030);
        assert!(cal.covers(date("2030-12-31")) && !cal.covers(date("2031-01-01")));
        assert!(cal.is_working_day(date("2030-05-01")));
        assert!(!cal.is_working_day(date("2030-05-02")) && !cal.is_working_day(date("2030-05-03")));
    }

    #[test]
    fn local_time_decides_not_utc() {
        let cal = Calendar::catalan(&[], Madrid);
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // Friday 09:00 UTC is 10:00 in Madrid: the worked example, as instants.
        assert_eq!(
            cal.due(utc("2026-12-04T09:00:00Z"), true),
            utc("2026-12-09T09:00:00Z")
        );
        assert_eq!(
            cal.due(utc("2026-12-04T09:00:00Z"), false),
            utc("2026-12-14T23:00:00Z")
        );
        // Still Friday in UTC but already Saturday 00:30 in Madrid: starts Monday 00:00 local.
        let late = utc("2026-12-04T23:30:00Z");
        assert_eq!(cal.effective_start(late), utc("2026-12-06T23:00:00Z"));
        assert_eq!(rfc(Madrid, cal.due(late, true)), "2026-12-10T00:00:00+01:00");
        // A working-day receipt starts the clock at once.
        let friday = at(Madrid, "2026-12-04 10:00");
        assert_eq!(cal.effective_start(friday), friday);
    }

    #[test]
    fn urgent_counts_the_real_length_of_dst_days() {
        // Israel springs forward on Friday 27 March 2026 at 02:00: a 23-hour working day.
        let tz = chrono_tz::Asia::Jerusalem;
        let cal = Calendar::new([], &[], 2026, tz);
        let due = cal.due_urgent(at(tz, "2026-03-26 00:00"));
        // Thursday 24 h + Friday 23 h leave 1 h for Monday.
        assert_eq!(rfc(tz, due), "2026-03-30T01:00:00+03:00");
        // Cairo skips midnight on Friday 24 April 2026, which begins at 01:00. With Thursday
        // a local holiday, the clock starts then and Friday counts 23 h.
        let tz = chrono_tz::Africa::Cairo;
        let cal = Calendar::new([], &[date("2026-04-23")], 2026, tz);
        let received = at(tz, "2026-04-23 12:00");
        assert_eq!(
            rfc(tz, cal.effective_start(received)),
            "2026-04-24T01:00:00+03:00"
        );
        assert_eq!(rfc(tz, cal.due_urgent(received)), "2026-04-28T01:00:00+03:00");
    }

    #[test]
    fn extreme_inputs_never_panic_or_hang() {
        // Every day for 20 years a holiday: the scans give up instead of looping.
        let first = date("2026-01-01");
        let all: Vec<NaiveDate> = first.iter_days().take(20 * 366).collect();
        let cal = Calendar::new([], &all, 2027, Madrid);
        let t = at(Madrid, "2026-03-02 10:00");
        let _ = (cal.due(t, false), cal.due(t, true));
        let cal = Calendar::catalan(&[], Madrid);
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let _ = (cal.effective_start(t), cal.due(t, false), cal.due(t, true));
        }
    }
}
