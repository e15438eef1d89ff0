//! The support log: every call, e-mail, visit, remote session and training, and
//! when the answer to a council is due.
//!
//! The answer is due by 24:00 of the `response_days`-th working day after the day
//! of receipt (2 by default), on the certificates' calendar. Waiting for the council
//! stops the clock, and it goes on with the working time it had left; the spans it
//! was stopped are kept in the record, so the due time is a function of the record
//! and the calendar alone.

use super::calendar::Calendar;
use super::municipality::IneCode;
use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The answer's term when the config does not say: Alt Penedès promises 2 working days.
pub const RESPONSE_DAYS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActivityKind {
    Call,
    Email,
    Visit,
    Remote,
    Training,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Visit,
        ActivityKind::Remote,
        ActivityKind::Training,
    ];

    /// The machine name, in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Visit => "visit",
            ActivityKind::Remote => "remote",
            ActivityKind::Training => "training",
        }
    }

    pub fn parse(text: &str) -> Option<ActivityKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::In, Direction::Out];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(text: &str) -> Option<Direction> {
        Self::ALL.into_iter().find(|d| d.as_str() == text.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActivityStatus {
    Open,
    /// Waiting for the council (pendent de l'ajuntament): the clock is stopped.
    Waiting,
    Closed,
}

impl ActivityStatus {
    pub const ALL: [ActivityStatus; 3] = [
        ActivityStatus::Open,
        ActivityStatus::Waiting,
        ActivityStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityStatus::Open => "open",
            ActivityStatus::Waiting => "waiting",
            ActivityStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<ActivityStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// Still to be answered: open, or waiting for the council.
    pub fn is_open(self) -> bool {
        self != ActivityStatus::Closed
    }
}

/// A council at a training, with how many of its people came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub ine: IneCode,
    pub attendees: u32,
}

/// A span the clock was stopped, waiting for the council; `to` is None while it waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub from: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub to: Option<DateTime<Utc>>,
}

/// One entry of the support log. Its fields, in this order, are the stored format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: u64,
    /// The council; None for a training of several councils.
    pub ine: Option<IneCode>,
    pub kind: ActivityKind,
    pub direction: Direction,
    /// Whom it was with: one of the council's contacts, or a name as typed.
    pub contact: String,
    /// A service of the catalogue, by id.
    pub service: Option<String>,
    /// The certificate request it is about.
    pub request_id: Option<u64>,
    /// One line, required.
    pub summary: String,
    pub notes: String,
    pub status: ActivityStatus,
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub received_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub closed_at: Option<DateTime<Utc>>,
    /// When the clock was stopped, oldest first; the last is open while waiting.
    pub pauses: Vec<Pause>,
    /// The technician's time spent.
    pub minutes: Option<u32>,
    pub follow_up_on: Option<NaiveDate>,
    /// The system user who logged it (the store's author).
    pub created_by: String,
    /// A training's councils, with their attendees.
    pub councils: Vec<Attendance>,
    /// A training's services, by catalogue id.
    pub services: Vec<String>,
    /// A training's length, in minutes (`hours` in files).
    pub session_minutes: Option<u32>,
}

/// Where the answer's clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerClock {
    /// The answer is due at this instant.
    Due(DateTime<Utc>),
    /// Waiting for the council: this much working time is left once it resumes.
    Stopped(Duration),
    /// A training: nothing to answer.
    None,
}

impl Activity {
    /// A new entry of `kind` about council `ine`, received at `received_at`: incoming,
    /// open, everything else empty. The store gives it its id.
    pub fn new(
        ine: Option<IneCode>,
        kind: ActivityKind,
        summary: impl Into<String>,
        received_at: DateTime<Utc>,
    ) -> Activity {
        Activity {
            id: 0,
            ine,
            kind,
            direction: Direction::In,
            contact: String::new(),
            service: None,
            request_id: None,
            summary: summary.into(),
            notes: String::new(),
            status: ActivityStatus::Open,
            received_at,
            closed_at: None,
            pauses: Vec::new(),
            minutes: None,
            follow_up_on: None,
            created_by: String::new(),
            councils: Vec::new(),
            services: Vec::new(),
            session_minutes: None,
        }
    }

    /// The councils it concerns: its own, or a training's.
    pub fn council_codes(&self) -> Vec<IneCode> {
        match self.ine {
            Some(ine) if self.councils.is_empty() => vec![ine],
            _ => self.councils.iter().map(|a| a.ine).collect(),
        }
    }

    pub fn concerns(&self, ine: IneCode) -> bool {
        self.ine == Some(ine) || self.councils.iter().any(|a| a.ine == ine)
    }

    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// The answer's clock: 24:00 of the `days`-th working day after receipt, moved
    /// on by each stop by the working time it had left then. A stop after the answer
    /// was already late does not excuse it.
    pub fn clock(&self, calendar: &Calendar, days: u32) -> AnswerClock {
        if self.kind == ActivityKind::Training {
            return AnswerClock::None;
        }
        let mut due = calendar.due_working_days(self.received_at, days);
        for pause in &self.pauses {
            if pause.from >= due {
                continue;
            }
            let left = calendar.working_time(pause.from.max(self.received_at), due);
            match pause.to {
                Some(to) => due = calendar.add_working_time(to.max(pause.from), left),
                None => return AnswerClock::Stopped(left),
            }
        }
        AnswerClock::Due(due)
    }

    /// The due time, while the clock runs (or ran, for a closed entry).
    pub fn due_at(&self, calendar: &Calendar, days: u32) -> Option<DateTime<Utc>> {
        match self.clock(calendar, days) {
            AnswerClock::Due(due) => Some(due),
            _ => None,
        }
    }

    /// Closed by the due time; None for an entry still open, or a training.
    pub fn answered_in_time(&self, calendar: &Calendar, days: u32) -> Option<bool> {
        let closed = self.closed_at.filter(|_| !self.is_open())?;
        match self.clock(calendar, days) {
            AnswerClock::Due(due) => Some(closed <= due),
            AnswerClock::Stopped(left) => Some(left > Duration::zero()),
            AnswerClock::None => None,
        }
    }

    /// Stops the clock: waiting for the council from `at` (to the minute).
    pub fn wait(&mut self, at: DateTime<Utc>) {
        let at = to_minute(at).max(self.received_at);
        if self.status == ActivityStatus::Open {
            self.pauses.push(Pause { from: at, to: None });
            self.status = ActivityStatus::Waiting;
        }
    }

    /// The council answered: the clock goes on from `at` (to the minute) with the
    /// time it had left.
    pub fn resume(&mut self, at: DateTime<Utc>) {
        self.end_pause(to_minute(at).max(self.received_at));
        if self.status == ActivityStatus::Waiting {
            self.status = ActivityStatus::Open;
        }
    }

    /// Answered at `at` (to the minute); a stop still open ends there.
    pub fn close(&mut self, at: DateTime<Utc>) {
        let at = to_minute(at).max(self.received_at);
        self.end_pause(at);
        self.status = ActivityStatus::Closed;
        self.closed_at = Some(at);
    }

    /// Moves to `status` at `at`, keeping the stops and the closing time in step.
    pub fn set_status(&mut self, status: ActivityStatus, at: DateTime<Utc>) {
        if status == self.status {
            return;
        }
        match status {
            ActivityStatus::Closed => self.close(at),
            ActivityStatus::Open => {
                self.resume(at);
                self.status = ActivityStatus::Open;
                self.closed_at = None;
            }
            ActivityStatus::Waiting => {
                self.status = ActivityStatus::Open;
                self.closed_at = None;
                self.wait(at);
            }
        }
    }

    fn end_pause(&mut self, at: DateTime<Utc>) {
        if let Some(last) = self.pauses.last_mut()
            && last.to.is_none()
        {
            last.to = Some(at.max(last.from));
        }
    }

    /// Everyone who came to a training.
    pub fn attendees(&self) -> u32 {
        self.councils.iter().map(|a| a.attendees).sum()
    }
}

/// Times the clock stops and goes on are kept to the minute (never before receipt):
/// waiting for a few seconds moves no due time by a fraction of one.
fn to_minute(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::minutes(1)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDateTime, TimeZone};
    use chrono_tz::Europe::Madrid;

    fn at(local: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        Madrid
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn rfc(t: DateTime<Utc>) -> String {
        t.with_timezone(&Madrid).to_rfc3339()
    }

    fn call(received: &str) -> Activity {
        Activity::new(
            Some(IneCode(252228)),
            ActivityKind::Call,
            "No pot signar a EACAT",
            at(received),
        )
    }

    fn due(a: &Activity) -> String {
        rfc(a.due_at(&Calendar::catalan(&[], Madrid), RESPONSE_DAYS).unwrap())
    }

    #[test]
    fn the_answer_is_due_at_the_end_of_the_second_working_day() {
        // Monday 10:00: Tuesday and Wednesday, due at 24:00 on Wednesday.
        assert_eq!(due(&call("2026-11-23 10:00")), "2026-11-26T00:00:00+01:00");
        // Friday 4 December: Monday 7, then Tuesday 8 is a holiday, so Wednesday 9.
        assert_eq!(due(&call("2026-12-04 10:00")), "2026-12-10T00:00:00+01:00");
        // Thursday 3 December: Friday 4, then the weekend, Monday 7.
        assert_eq!(due(&call("2026-12-03 17:00")), "2026-12-08T00:00:00+01:00");
        // Saturday: the clock starts on Monday 7, Tuesday 8 is a holiday: Wednesday, Thursday.
        assert_eq!(due(&call("2026-12-05 11:00")), "2026-12-11T00:00:00+01:00");
        // The config's `response_days` changes the term.
        let cal = Calendar::catalan(&[], Madrid);
        let one = call("2026-11-23 10:00").due_at(&cal, 1).unwrap();
        assert_eq!(rfc(one), "2026-11-25T00:00:00+01:00");
    }

    #[test]
    fn waiting_stops_the_clock_and_it_resumes_with_the_time_it_had_left() {
        let cal = Calendar::catalan(&[], Madrid);
        // Monday 23 November 10:00: due Thursday 26 at 00:00.
        let mut a = call("2026-11-23 10:00");
        // Waiting from Tuesday 12:00: 36 working hours were left.
        a.wait(at("2026-11-24 12:00"));
        assert_eq!(a.status, ActivityStatus::Waiting);
        assert_eq!(
            a.clock(&cal, RESPONSE_DAYS),
            AnswerClock::Stopped(Duration::hours(36))
        );
        assert_eq!(a.due_at(&cal, RESPONSE_DAYS), None);
        // The council answers on Friday 27 at 09:00: 36 working hours from then, over
        // the weekend, end on Monday 30 at 21:00.
        a.resume(at("2026-11-27 09:00"));
        assert_eq!(a.status, ActivityStatus::Open);
        assert_eq!(due(&a), "2026-11-30T21:00:00+01:00");
        // Unlike a certificate's documents, receipt is not restarted.
        assert_eq!(a.received_at, at("2026-11-23 10:00"));
        // A second stop, across the Immaculada (Tuesday 8 December): from Monday 30 at
        // 20:00 (1 hour left) to Monday 7 December 23:30 leaves 30 minutes of Monday,
        // then Tuesday is not a working day: due Wednesday 9 at 00:30.
        a.wait(at("2026-11-30 20:00"));
        a.resume(at("2026-12-07 23:30"));
        assert_eq!(due(&a), "2026-12-09T00:30:00+01:00");
        // Closing ends a stop that is still open.
        a.wait(at("2026-12-08 10:00"));
        a.close(at("2026-12-08 11:00"));
        assert_eq!(a.pauses.last().unwrap().to, Some(at("2026-12-08 11:00")));
        assert_eq!(a.answered_in_time(&cal, RESPONSE_DAYS), Some(true));
    }

    #[test]
    fn a_stop_after_the_deadline_does_not_excuse_it() {
        let cal = Calendar::catalan(&[], Madrid);
        let mut a = call("2026-11-23 10:00");
        a.wait(at("2026-11-27 10:00"));
        a.resume(at("2026-11-30 10:00"));
        assert_eq!(due(&a), "2026-11-26T00:00:00+01:00");
        a.close(at("2026-11-30 11:00"));
        assert_eq!(a.answered_in_time(&cal, RESPONSE_DAYS), Some(false));
    }

    #[test]
    fn a_stop_of_a_few_seconds_moves_nothing() {
        let mut a = call("2026-11-23 10:00");
        a.wait(at("2026-11-24 12:00") + Duration::milliseconds(200));
        a.resume(at("2026-11-24 12:00") + Duration::milliseconds(900));
        assert_eq!(due(&a), "2026-11-26T00:00:00+01:00");
        a.close(at("2026-11-24 12:01") + Duration::seconds(30));
        assert_eq!(a.closed_at, Some(at("2026-11-24 12:01")));
        // Answered within the minute it came in: closed when received, not before.
        let received = at("2026-11-24 12:00") + Duration::seconds(45);
        let mut quick = Activity::new(None, ActivityKind::Call, "x", received);
        quick.close(received + Duration::seconds(5));
        assert_eq!(quick.closed_at, Some(received));
    }

    #[test]
    fn a_stop_on_a_weekend_loses_no_working_time() {
        // Friday 27 November 10:00: due Wednesday 2 December at 00:00 (Monday, Tuesday).
        let mut a = call("2026-11-27 10:00");
        assert_eq!(due(&a), "2026-12-02T00:00:00+01:00");
        a.wait(at("2026-11-28 09:00"));
        a.resume(at("2026-11-29 18:00"));
        assert_eq!(due(&a), "2026-12-02T00:00:00+01:00");
    }

    #[test]
    fn statuses_move_with_their_stops_and_closing_time() {
        let mut a = call("2026-11-23 10:00");
        a.set_status(ActivityStatus::Waiting, at("2026-11-23 11:00"));
        assert_eq!(a.pauses.len(), 1);
        a.set_status(ActivityStatus::Closed, at("2026-11-23 12:00"));
        assert_eq!(a.closed_at, Some(at("2026-11-23 12:00")));
        assert_eq!(a.pauses[0].to, Some(at("2026-11-23 12:00")));
        a.set_status(ActivityStatus::Open, at("2026-11-23 13:00"));
        assert_eq!((a.status, a.closed_at), (ActivityStatus::Open, None));
        a.set_status(ActivityStatus::Waiting, at("2026-11-23 14:00"));
        a.set_status(ActivityStatus::Open, at("2026-11-23 15:00"));
        assert_eq!(a.pauses.len(), 2);
        assert!(a.pauses.iter().all(|p| p.to.is_some()));
    }

    #[test]
    fn a_training_has_no_answer_to_give() {
        let mut t = Activity::new(None, ActivityKind::Training, "e-NOTUM", at("2026-11-23 10:00"));
        t.councils = vec![
            Attendance {
                ine: IneCode(252228),
                attendees: 3,
            },
            Attendance {
                ine: IneCode(250024),
                attendees: 2,
            },
        ];
        let cal = Calendar::catalan(&[], Madrid);
        assert_eq!(t.clock(&cal, RESPONSE_DAYS), AnswerClock::None);
        assert_eq!(t.attendees(), 5);
        assert!(t.concerns(IneCode(250024)));
        assert_eq!(t.council_codes(), [IneCode(252228), IneCode(250024)]);
    }

    #[test]
    fn machine_names_round_trip() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
        for d in Direction::ALL {
            assert_eq!(Direction::parse(d.as_str()), Some(d));
        }
        for s in ActivityStatus::ALL {
            assert_eq!(ActivityStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ActivityKind::parse("visita"), None);
    }
}
