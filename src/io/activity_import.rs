//! `import activity FILE.csv`: the office's old call sheet, with the columns
//! `export activity` writes. All or nothing, in the two streamed passes of every
//! import (see `import`): the first checks each row against the form's rules
//! without the store; the second, with it, checks each row again, finds the
//! councils and requests and gives the store the edits in batches, as one change.

use super::csv_input::{CsvRow, Header};
use super::import::{Rows, Sink, scrub};
use super::{IoError, Problem};
use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, Attendance, Direction};
use crate::domain::localtime::{TimeError, parse_day, parse_time};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::search::fold;
use crate::ops::activity::{Records, Unchecked, find_service, log, shape_new, validate};
use crate::ops::{Field, RuleError};
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

/// How a row names its council: by code, by name (an old sheet), or a training's list.
#[derive(Debug)]
enum CouncilRef {
    Code(IneCode),
    Name(String),
    Training,
}

/// A row that passed every check that needs no store.
#[derive(Debug)]
pub(crate) struct Row {
    line: u64,
    council: CouncilRef,
    activity: Activity,
}

/// A broken rule as an import says it, quoting the cell where it has one.
fn problem(rule: RuleError, row: &CsvRow, column: impl Fn(Field) -> Option<usize>) -> Problem {
    match rule {
        RuleError::TooLong { field, max } => Problem::TooLong {
            field: field.name(),
            max,
        },
        RuleError::Empty(field) => Problem::EmptyField(field.name()),
        RuleError::InFuture(field) => Problem::InFuture {
            field: field.name(),
            value: column(field)
                .and_then(|c| row.get(c, "").ok())
                .unwrap_or_default()
                .to_string(),
        },
        RuleError::UnknownCouncil(ine) => Problem::UnknownCouncil(ine.to_string()),
        other => Problem::Rule(other),
    }
}

/// `252228:3;250024:2` (or with commas): each council's code and attendees.
fn attendance(text: &str) -> Result<Vec<Attendance>, Problem> {
    let mut out = Vec::new();
    for part in text.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || Problem::UnknownValue {
            field: "councils",
            value: part.to_string(),
        };
        let (code, count) = part.rsplit_once(':').ok_or_else(bad)?;
        let ine = IneCode::parse(code).ok_or_else(|| Problem::UnknownCouncil(code.trim().to_string()))?;
        let attendees = count.trim().parse().map_err(|_| bad())?;
        out.push(Attendance { ine, attendees });
    }
    Ok(out)
}

/// Hours as `1.5` or `1,5`, to the minute.
pub fn parse_hours(text: &str) -> Option<u32> {
    let hours: f64 = text.trim().replace(',', ".").parse().ok()?;
    (0.0..1e6).contains(&hours).then(|| (hours * 60.0).round() as u32)
}

/// The columns of an activity file.
#[derive(Clone, Copy)]
struct Columns {
    kind: usize,
    summary: usize,
    received: usize,
    ine: Option<usize>,
    name: Option<usize>,
    councils: Option<usize>,
    direction: Option<usize>,
    contact: Option<usize>,
    service: Option<usize>,
    request: Option<usize>,
    notes: Option<usize>,
    status: Option<usize>,
    closed: Option<usize>,
    minutes: Option<usize>,
    follow: Option<usize>,
    services: Option<usize>,
    hours: Option<usize>,
}

/// The rows of an activity file, each checked as it is read against every rule
/// but whether the councils and requests exist, as of `now`.
pub(crate) fn rows<'a>(
    header: &Header,
    rows: Rows<'a>,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    cleaned: &'a Cell<usize>,
) -> Result<impl Iterator<Item = Result<Row, IoError>> + 'a, IoError> {
    let [kind, summary, received] = header.columns(["kind", "summary", "received_at"])?;
    let [ine, name, councils] = ["ine_code", "municipality", "councils"].map(|c| header.column(c));
    if ine.is_none() && name.is_none() && councils.is_none() {
        return Err(IoError::MissingColumns(vec!["ine_code".into()]));
    }
    let [direction, contact, service, request, notes, status, closed] = [
        "direction",
        "contact",
        "service",
        "request_id",
        "notes",
        "status",
        "closed_at",
    ]
    .map(|c| header.column(c));
    let [minutes, follow, services, hours] =
        ["minutes", "follow_up_on", "services", "hours"].map(|c| header.column(c));
    let columns = Columns {
        kind,
        summary,
        received,
        ine,
        name,
        councils,
        direction,
        contact,
        service,
        request,
        notes,
        status,
        closed,
        minutes,
        follow,
        services,
        hours,
    };
    Ok(rows.map(move |row| activity_row(&row?, columns, tz, now, cleaned)))
}

fn activity_row(
    row: &CsvRow,
    columns: Columns,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    cleaned: &Cell<usize>,
) -> Result<Row, IoError> {
    let column = |field: Field| match field {
        Field::ReceivedAt => Some(columns.received),
        Field::ClosedAt => columns.closed,
        _ => None,
    };
    let cell = |c: Option<usize>, field: &'static str| -> Result<&str, IoError> {
        match c {
            Some(c) => Ok(row.get(c, field).unwrap_or("")),
            None => Ok(""),
        }
    };
    let value = |field: &'static str, text: &str| {
        row.error(Problem::UnknownValue {
            field,
            value: text.to_string(),
        })
    };
    let time = |c: Option<usize>, field: &'static str| -> Result<Option<DateTime<Utc>>, IoError> {
        let text = cell(c, field)?;
        if text.is_empty() {
            return Ok(None);
        }
        parse_time(text, tz).map(Some).map_err(|e| {
            row.error(match e {
                TimeError::Unreadable => Problem::BadDate {
                    field,
                    value: text.into(),
                },
                TimeError::Skipped => Problem::NoSuchHour {
                    field,
                    value: text.into(),
                    tz: tz.name().to_string(),
                },
            })
        })
    };
    let kind_text = row.required(columns.kind, "kind")?;
    let kind = ActivityKind::parse(kind_text).ok_or_else(|| value("kind", kind_text))?;
    let received_at = time(Some(columns.received), "received_at")?
        .ok_or_else(|| row.error(Problem::EmptyField("received_at")))?;
    let summary = scrub(cell(Some(columns.summary), "summary")?, cleaned);
    let mut a = Activity::new(None, kind, summary, received_at);
    let ine_text = cell(columns.ine, "ine_code")?;
    let name_text = cell(columns.name, "municipality")?;
    let council = if kind == ActivityKind::Training {
        a.councils = attendance(cell(columns.councils, "councils")?).map_err(|p| row.error(p))?;
        CouncilRef::Training
    } else if !ine_text.is_empty() {
        let ine =
            IneCode::parse(ine_text).ok_or_else(|| row.error(Problem::UnknownCouncil(ine_text.into())))?;
        CouncilRef::Code(ine)
    } else if !name_text.is_empty() {
        CouncilRef::Name(scrub(name_text, cleaned))
    } else {
        return Err(row.error(Problem::EmptyField("ine_code")));
    };
    if kind != ActivityKind::Training && !cell(columns.councils, "councils")?.is_empty() {
        return Err(row.error(Problem::Rule(RuleError::OnlyForTraining(Field::Councils))));
    }
    let direction = cell(columns.direction, "direction")?;
    if !direction.is_empty() {
        a.direction = Direction::parse(direction).ok_or_else(|| value("direction", direction))?;
    }
    a.contact = scrub(cell(columns.contact, "contact")?, cleaned);
    let service = cell(columns.service, "service")?;
    if !service.is_empty() {
        let found = find_service(service)
            .ok_or_else(|| row.error(Problem::Rule(RuleError::UnknownService(service.into()))))?;
        a.service = Some(found.id.clone());
    }
    let request = cell(columns.request, "request_id")?;
    if !request.is_empty() {
        let id = request
            .trim_start_matches('#')
            .parse()
            .map_err(|_| value("request_id", request))?;
        a.request_id = Some(id);
    }
    a.notes = crate::domain::text::clean_multiline(cell(columns.notes, "notes")?)
        .trim()
        .to_string();
    let status = cell(columns.status, "status")?;
    a.status = match status {
        "" => ActivityStatus::Closed,
        s => ActivityStatus::parse(s).ok_or_else(|| value("status", s))?,
    };
    a.closed_at = time(columns.closed, "closed_at")?;
    let minutes = cell(columns.minutes, "minutes")?;
    if !minutes.is_empty() {
        a.minutes = Some(minutes.parse().map_err(|_| value("minutes", minutes))?);
    }
    let follow = cell(columns.follow, "follow_up_on")?;
    if !follow.is_empty() {
        a.follow_up_on = Some(parse_day(follow).ok_or_else(|| {
            row.error(Problem::BadDate {
                field: "follow_up_on",
                value: follow.into(),
            })
        })?);
    }
    for id in cell(columns.services, "services")?
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let found =
            find_service(id).ok_or_else(|| row.error(Problem::Rule(RuleError::UnknownService(id.into()))))?;
        a.services.push(found.id.clone());
    }
    let hours = cell(columns.hours, "hours")?;
    if !hours.is_empty() {
        a.session_minutes = Some(parse_hours(hours).ok_or_else(|| value("hours", hours))?);
    }
    // The form's rules, all but the other records': a stand-in council for one
    // named, no request.
    let mut draft = a.clone();
    if matches!(council, CouncilRef::Name(_)) {
        draft.ine = Some(IneCode(0));
    } else if let CouncilRef::Code(ine) = council {
        draft.ine = Some(ine);
    }
    draft.request_id = None;
    shape_new(&mut draft);
    validate(&draft, now, &Unchecked).map_err(|rule| row.error(problem(rule, row, column)))?;
    Ok(Row {
        line: row.line,
        council,
        activity: a,
    })
}

/// The second pass, under the store's lock, given the checked rows as they are
/// read again: the councils (by code or by name) and the requests must exist;
/// then every row is a new activity, given to `sink` (one pass of `import::commit`).
pub(crate) fn edits(
    store: &dyn Store,
    councils: &BTreeMap<IneCode, Municipality>,
    rows: impl Iterator<Item = Result<Row, IoError>>,
    now: DateTime<Utc>,
    sink: Sink<'_>,
) -> Result<(), IoError> {
    let mut by_name: HashMap<String, Vec<IneCode>> = HashMap::new();
    for m in councils.values() {
        by_name.entry(fold(&m.name)).or_default().push(m.ine);
    }
    let mut known = Records {
        councils: councils.keys().copied().collect(),
        requests: HashMap::new(),
    };
    // The requests only once a row names one: there can be 100,000 of them.
    let mut requests_read = false;
    let user = store.user().to_string();
    for row in rows {
        let Row {
            line,
            council,
            mut activity,
        } = row?;
        let error = |problem| IoError::Line { line, problem };
        activity.ine = match council {
            CouncilRef::Code(ine) => Some(ine),
            CouncilRef::Name(name) => match by_name.get(&fold(&name)).map(Vec::as_slice) {
                Some([ine]) => Some(*ine),
                _ => return Err(error(Problem::UnknownCouncilName(name))),
            },
            CouncilRef::Training => None,
        };
        if activity.request_id.is_some() && !requests_read {
            known.requests = store
                .certificates()
                .map_err(IoError::Store)?
                .into_iter()
                .map(|c| (c.id, c.ine))
                .collect();
            requests_read = true;
        }
        let change = log(activity, now, &user, &known).map_err(|rule| {
            error(match rule {
                RuleError::UnknownCouncil(ine) => Problem::UnknownCouncil(ine.to_string()),
                other => Problem::Rule(other),
            })
        })?;
        sink(change.edits.into_iter().next().expect("log makes one edit"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn councils_and_hours_are_read_as_spreadsheets_write_them() {
        let list = attendance("252228:3; 250024:2,").unwrap();
        assert_eq!(
            list,
            [
                Attendance {
                    ine: IneCode(252228),
                    attendees: 3
                },
                Attendance {
                    ine: IneCode(250024),
                    attendees: 2
                }
            ]
        );
        assert_eq!(
            attendance("252228"),
            Err(Problem::UnknownValue {
                field: "councils",
                value: "252228".into()
            })
        );
        assert_eq!(
            attendance("Tiurana:3"),
            Err(Problem::UnknownCouncil("Tiurana".into()))
        );
        assert_eq!(parse_hours("1,5"), Some(90));
        assert_eq!(parse_hours("2"), Some(120));
        assert_eq!(parse_hours("0.33"), Some(20));
        assert_eq!(parse_hours("dues"), None);
        assert_eq!(parse_hours("-1"), None);
    }
}
