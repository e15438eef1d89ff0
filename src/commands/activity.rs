//! `ocsae activity add|close` and `ocsae training add`: the support log from the
//! command line, through the same rules as the form and the import.

use super::cert::find_council;
use super::{Outcome, open_existing};
use crate::UserError;
use crate::app::summary_cache;
use crate::config::Config;
use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, AnswerClock, Attendance, Direction};
use crate::domain::calendar::Calendar;
use crate::domain::catalog::services;
use crate::domain::clock::Clock;
use crate::domain::localtime::{TimeError, parse_day, parse_time};
use crate::i18n::{I18n, Msg};
use crate::io::activity_import::parse_hours;
use crate::ops::activity::{Records, Unchecked, find_service};
use crate::ops::{self, Field, RuleError};
use crate::store::{Kind, Location, Record, Store, StoreError};
use chrono::{DateTime, SubsecRound, Utc};

/// What `activity add` was given.
pub struct NewActivity<'a> {
    pub municipality: &'a str,
    pub kind: &'a str,
    pub summary: &'a str,
    pub direction: &'a str,
    pub contact: Option<&'a str>,
    pub service: Option<&'a str>,
    pub request: Option<&'a str>,
    pub status: &'a str,
    pub received: Option<&'a str>,
    /// When it was closed; only with a status of closed (default: its receipt).
    pub closed_at: Option<&'a str>,
    pub minutes: Option<&'a str>,
    pub follow_up: Option<&'a str>,
    pub notes: Option<&'a str>,
}

/// What `training add` was given.
pub struct NewTraining<'a> {
    pub date: &'a str,
    pub service: &'a str,
    pub councils: &'a str,
    pub hours: &'a str,
    pub summary: Option<&'a str>,
}

fn bad_value(t: &I18n, field: &str, value: &str, allowed: &[&str]) -> UserError {
    UserError::usage(t.f(
        Msg::err_bad_value,
        &[
            ("field", &field),
            ("value", &value),
            ("allowed", &allowed.join(", ")),
        ],
    ))
}

fn bad_number(t: &I18n, field: &str, value: &str) -> UserError {
    UserError::usage(t.f(Msg::err_bad_number, &[("field", &field), ("value", &value)]))
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&x| name(x)).collect()
}

/// A time as `--received` and `--date` take it.
fn time(t: &I18n, flag: &str, text: &str, tz: chrono_tz::Tz) -> Outcome<DateTime<Utc>> {
    parse_time(text, tz).map_err(|e| {
        UserError::usage(match e {
            TimeError::Unreadable => t.f(Msg::err_bad_time, &[("field", &flag), ("value", &text)]),
            TimeError::Skipped => t.f(
                Msg::problem_no_such_hour,
                &[("field", &flag), ("value", &text), ("tz", &tz.name())],
            ),
        })
    })
}

/// A broken rule as the command line says it, the flag at fault first: a request
/// that is not there is a usage error (status 2), as an unknown council is; the
/// rest, refusals (status 1).
fn refusal(rule: &RuleError, t: &I18n, training: bool) -> UserError {
    let text = cli_message(rule, t, training);
    match rule {
        RuleError::UnknownRequest(_) => UserError::usage(text),
        _ => UserError(text),
    }
}

/// A broken rule as the command line says it: the flag at fault first.
fn cli_message(rule: &RuleError, t: &I18n, training: bool) -> String {
    let flag = match rule.field() {
        Some(Field::Summary) => "--summary",
        Some(Field::Contact) => "--contact",
        Some(Field::Notes) => "--notes",
        Some(Field::ReceivedAt | Field::ClosedAt) if training => "--date",
        Some(Field::ReceivedAt | Field::ClosedAt) => "--received",
        Some(Field::Minutes) => "--minutes",
        Some(Field::Service | Field::Services) => "--service",
        Some(Field::Request) => "--request",
        Some(Field::Councils | Field::Attendees) => "--councils",
        Some(Field::Hours) => "--hours",
        _ if training => "--councils",
        _ => "--municipality",
    };
    let text = match rule {
        RuleError::InFuture(_) => t.f(Msg::err_future_time, &[]),
        other => other.localize(t),
    };
    format!("{flag}: {text}")
}

fn stored(t: &I18n) -> impl Fn(StoreError) -> UserError + '_ {
    |e| UserError(e.localize(t))
}

/// Text from the command line without what could drive a terminal.
fn clean(text: &str) -> String {
    crate::domain::text::clean(text).trim().to_string()
}

/// The councils and, if asked about, the requests, as the rules need them.
fn records(store: &dyn Store, with_requests: bool, t: &I18n) -> Outcome<Records> {
    let mut known = Records {
        councils: store
            .municipalities()
            .map_err(stored(t))?
            .iter()
            .map(|m| m.ine)
            .collect(),
        ..Records::default()
    };
    if with_requests {
        known.requests = store
            .certificates()
            .map_err(stored(t))?
            .into_iter()
            .map(|c| (c.id, c.ine))
            .collect();
    }
    Ok(known)
}

/// Keeps the first screen's cache current after a change that added no request.
fn after_change(store: &dyn Store, before: u64, config: &Config, tz: chrono_tz::Tz) {
    summary_cache::after_change(store, before, &[], tz, &config.local_holidays);
}

pub fn add(db: &Location, args: NewActivity, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    let now = clock.now().trunc_subsecs(0);
    let kinds: Vec<&str> = names(&ActivityKind::ALL[..4], ActivityKind::as_str);
    let kind = ActivityKind::parse(args.kind).ok_or_else(|| bad_value(t, "--kind", args.kind, &kinds))?;
    if kind == ActivityKind::Training {
        return Err(UserError::usage(t.t(Msg::err_training_here).to_string()));
    }
    let direction = Direction::parse(args.direction).ok_or_else(|| {
        bad_value(
            t,
            "--direction",
            args.direction,
            &names(&Direction::ALL, Direction::as_str),
        )
    })?;
    let status = ActivityStatus::parse(args.status).ok_or_else(|| {
        bad_value(
            t,
            "--status",
            args.status,
            &names(&ActivityStatus::ALL, ActivityStatus::as_str),
        )
    })?;
    let received = match args.received {
        Some(text) => time(t, "--received", text, tz)?,
        None => now,
    };
    let mut a = Activity::new(None, kind, clean(args.summary), received);
    a.direction = direction;
    a.status = status;
    if let Some(text) = args.closed_at {
        if status != ActivityStatus::Closed {
            return Err(UserError::usage(t.t(Msg::err_closed_at_needs_closed).to_string()));
        }
        a.closed_at = Some(time(t, "--closed-at", text, tz)?);
    }
    a.contact = clean(args.contact.unwrap_or(""));
    a.notes = crate::domain::text::clean_multiline(args.notes.unwrap_or(""))
        .trim()
        .to_string();
    if let Some(text) = args.service {
        let ids: Vec<&str> = services().iter().map(|s| s.id.as_str()).collect();
        let found = find_service(text).ok_or_else(|| bad_value(t, "--service", text, &ids))?;
        a.service = Some(found.id.clone());
    }
    if let Some(text) = args.request {
        let id = text.trim().trim_start_matches('#').parse();
        a.request_id = Some(id.map_err(|_| bad_number(t, "--request", text))?);
    }
    if let Some(text) = args.minutes {
        a.minutes = Some(
            text.trim()
                .parse()
                .map_err(|_| bad_number(t, "--minutes", text))?,
        );
    }
    if let Some(text) = args.follow_up {
        let day = parse_day(text).ok_or_else(|| {
            UserError::usage(t.f(
                Msg::problem_bad_date,
                &[("field", &"--follow-up"), ("value", &text)],
            ))
        })?;
        a.follow_up_on = Some(day);
    }
    // Every rule that needs no store, before the store is opened.
    let mut draft = a.clone();
    draft.ine = Some(crate::domain::municipality::IneCode(0));
    draft.request_id = None;
    ops::activity::log(draft, now, "", &Unchecked).map_err(|r| refusal(&r, t, false))?;

    let store = open_existing(db, t)?;
    let councils = store.municipalities().map_err(stored(t))?;
    let council = find_council(&councils, args.municipality, t)?;
    a.ine = Some(council.ine);
    let known = records(store.as_ref(), a.request_id.is_some(), t)?;
    let change = ops::activity::log(a, now, store.user(), &known).map_err(|r| refusal(&r, t, false))?;
    let before = store.last_seq().unwrap_or(0);
    let applied = store.apply(change, now).map_err(stored(t))?;
    after_change(store.as_ref(), before, config, tz);
    let id = applied.ids.first().copied().unwrap_or_default();
    let saved = applied.edits.iter().find_map(|e| match &e.after {
        Some(Record::Activity(a)) => Some(a.clone()),
        _ => None,
    });
    let calendar = Calendar::catalan(&config.local_holidays, tz);
    let closed = saved.as_ref().and_then(|a| a.closed_at);
    let text = match saved.map(|a| a.clock(&calendar, config.response_days)) {
        _ if closed.is_some() => t.f(
            Msg::activity_added_closed,
            &[
                ("id", &id),
                ("closed", &closed.unwrap_or(now).with_timezone(&tz).to_rfc3339()),
            ],
        ),
        Some(AnswerClock::Due(due)) => t.f(
            Msg::activity_added,
            &[("id", &id), ("due", &due.with_timezone(&tz).to_rfc3339())],
        ),
        _ => t.f(Msg::activity_added_waiting, &[("id", &id)]),
    };
    crate::output::out(format_args!("{text}"));
    Ok(())
}

/// An id as typed: `12` or `#12`.
fn parse_id(text: &str, t: &I18n) -> Outcome<u64> {
    text.trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| bad_number(t, "ID", text))
}

pub fn close(db: &Location, id: &str, notes: Option<&str>, t: &I18n, clock: &dyn Clock) -> Outcome {
    let id = parse_id(id, t)?;
    let now = clock.now().trunc_subsecs(0);
    let note = crate::domain::text::clean_multiline(notes.unwrap_or(""));
    let store = open_existing(db, t)?;
    let mut found = None;
    for record in store.records(Kind::Activity).map_err(stored(t))? {
        if let Record::Activity(a) = record.map_err(stored(t))?
            && a.id == id
        {
            found = Some(a);
            break;
        }
    }
    let before = found.ok_or_else(|| UserError::usage(t.f(Msg::err_no_activity, &[("id", &id)])))?;
    let change = ops::activity::close(&before, &note, now).map_err(|r| match r {
        RuleError::ActivityClosed => UserError(t.f(Msg::err_activity_closed, &[("id", &id)])),
        other => refusal(&other, t, false),
    })?;
    store.apply(change, now).map_err(stored(t))?;
    crate::output::out(format_args!("{}", t.f(Msg::activity_closed_done, &[("id", &id)])));
    Ok(())
}

pub fn training(db: &Location, args: NewTraining, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    let now = clock.now().trunc_subsecs(0);
    let held = time(t, "--date", args.date, tz)?;
    let ids: Vec<&str> = services().iter().map(|s| s.id.as_str()).collect();
    let mut chosen = Vec::new();
    for text in args.service.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let found = find_service(text).ok_or_else(|| bad_value(t, "--service", text, &ids))?;
        if !chosen
            .iter()
            .any(|s: &&crate::domain::catalog::Service| s.id == found.id)
        {
            chosen.push(found);
        }
    }
    let minutes = parse_hours(args.hours).ok_or_else(|| bad_number(t, "--hours", args.hours))?;
    // Each council as given, then its attendees: `252228:3` or `Tiurana:3`.
    let mut given = Vec::new();
    for part in args.councils.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (council, count) = part
            .rsplit_once(':')
            .ok_or_else(|| UserError::usage(t.f(Msg::err_attendees_missing, &[("value", &part)])))?;
        let attendees: u32 = count
            .trim()
            .parse()
            .map_err(|_| bad_number(t, "--councils", part))?;
        given.push((council.trim().to_string(), attendees));
    }
    let summary = match args.summary.map(clean) {
        Some(text) => text,
        None => {
            let list: Vec<&str> = chosen.iter().map(|s| s.name.as_str()).collect();
            t.f(Msg::training_default_summary, &[("services", &list.join(", "))])
        }
    };
    let mut a = Activity::new(None, ActivityKind::Training, summary, held);
    a.services = chosen.iter().map(|s| s.id.clone()).collect();
    a.session_minutes = Some(minutes);
    a.councils = given
        .iter()
        .enumerate()
        .map(|(i, (_, attendees))| Attendance {
            // Stand-ins until the store says which councils they are.
            ine: crate::domain::municipality::IneCode(i as u32),
            attendees: *attendees,
        })
        .collect();
    ops::activity::log(a.clone(), now, "", &Unchecked).map_err(|r| refusal(&r, t, true))?;

    let store = open_existing(db, t)?;
    let councils = store.municipalities().map_err(stored(t))?;
    for (attended, (text, _)) in a.councils.iter_mut().zip(&given) {
        attended.ine = find_council(&councils, text, t)?.ine;
    }
    let known = records(store.as_ref(), false, t)?;
    let change =
        ops::activity::log(a.clone(), now, store.user(), &known).map_err(|r| refusal(&r, t, true))?;
    let before = store.last_seq().unwrap_or(0);
    let applied = store.apply(change, now).map_err(stored(t))?;
    after_change(store.as_ref(), before, config, tz);
    let id = applied.ids.first().copied().unwrap_or_default();
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::training_added,
            &[
                ("id", &id),
                ("councils", &t.n(Msg::count_councils, a.councils.len())),
                ("attendees", &t.n(Msg::count_attendees, a.attendees() as usize))
            ]
        )
    ));
    Ok(())
}
