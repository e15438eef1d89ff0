//! `import activity FILE.csv`: the office's old call sheet, with the columns
//! `export activity` writes. All or nothing, in the two passes of every import:
//! the first checks each row against the form's rules without the store; the
//! second, with it, finds the councils and requests and writes one change.

use super::csv_input::{CsvRow, CsvTable};
use super::import::{Imported, Tally, commit, scrub};
use super::{IoError, Problem};
use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, Attendance, Direction};
use crate::domain::localtime::{TimeError, parse_day, parse_time};
use crate::domain::municipality::IneCode;
use crate::domain::search::fold;
use crate::ops::activity::{Records, Unchecked, find_service, log, shape_new, validate};
use crate::ops::{Field, RuleError};
use crate::store::{ChangeKind, Store};
use chrono::{DateTime, Utc};
use std::cell::Cell;
use std::collections::HashMap;

/// How a row names its council: by code, by name (an old sheet), or a training's list.
#[derive(Debug)]
enum CouncilRef {
    Code(IneCode),
    Name(String),
    Training,
}

#[derive(Debug)]
struct Row {
    line: u64,
    council: CouncilRef,
    activity: Activity,
}

/// Rows that passed every check that needs no store, ready for `apply`.
#[derive(Debug)]
pub struct Checked {
    rows: Vec<Row>,
    tally: Tally,
}

/// Where a status of closed or waiting takes effect when a row does not say: its
/// receipt (an old sheet's calls were answered; when, it does not tell).
fn effective(a: &Activity) -> DateTime<Utc> {
    a.received_at
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

/// The first pass over an activity file: every rule but whether the councils and
/// requests exist, as of `now`.
pub fn check(table: &CsvTable, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Result<Checked, IoError> {
    let [kind_c, summary_c, received_c] = table.columns(["kind", "summary", "received_at"])?;
    let [ine_c, name_c, councils_c] = ["ine_code", "municipality", "councils"].map(|c| table.column(c));
    if ine_c.is_none() && name_c.is_none() && councils_c.is_none() {
        return Err(IoError::MissingColumns(vec!["ine_code".into()]));
    }
    let [
        direction_c,
        contact_c,
        service_c,
        request_c,
        notes_c,
        status_c,
        closed_c,
    ] = [
        "direction",
        "contact",
        "service",
        "request_id",
        "notes",
        "status",
        "closed_at",
    ]
    .map(|c| table.column(c));
    let [minutes_c, follow_c, services_c, hours_c] =
        ["minutes", "follow_up_on", "services", "hours"].map(|c| table.column(c));
    let column = |field: Field| match field {
        Field::ReceivedAt => Some(received_c),
        Field::ClosedAt => closed_c,
        _ => None,
    };
    let cleaned = Cell::new(0);
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
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
        let kind_text = row.required(kind_c, "kind")?;
        let kind = ActivityKind::parse(kind_text).ok_or_else(|| value("kind", kind_text))?;
        let received_at = time(Some(received_c), "received_at")?
            .ok_or_else(|| row.error(Problem::EmptyField("received_at")))?;
        let summary = scrub(cell(Some(summary_c), "summary")?, &cleaned);
        let mut a = Activity::new(None, kind, summary, received_at);
        let ine_text = cell(ine_c, "ine_code")?;
        let name_text = cell(name_c, "municipality")?;
        let council = if kind == ActivityKind::Training {
            a.councils = attendance(cell(councils_c, "councils")?).map_err(|p| row.error(p))?;
            CouncilRef::Training
        } else if !ine_text.is_empty() {
            let ine = IneCode::parse(ine_text)
                .ok_or_else(|| row.error(Problem::UnknownCouncil(ine_text.into())))?;
            CouncilRef::Code(ine)
        } else if !name_text.is_empty() {
            CouncilRef::Name(scrub(name_text, &cleaned))
        } else {
            return Err(row.error(Problem::EmptyField("ine_code")));
        };
        if kind != ActivityKind::Training && !cell(councils_c, "councils")?.is_empty() {
            return Err(row.error(Problem::Rule(RuleError::OnlyForTraining(Field::Councils))));
        }
        let direction = cell(direction_c, "direction")?;
        if !direction.is_empty() {
            a.direction = Direction::parse(direction).ok_or_else(|| value("direction", direction))?;
        }
        a.contact = scrub(cell(contact_c, "contact")?, &cleaned);
        let service = cell(service_c, "service")?;
        if !service.is_empty() {
            let found = find_service(service)
                .ok_or_else(|| row.error(Problem::Rule(RuleError::UnknownService(service.into()))))?;
            a.service = Some(found.id.clone());
        }
        let request = cell(request_c, "request_id")?;
        if !request.is_empty() {
            let id = request
                .trim_start_matches('#')
                .parse()
                .map_err(|_| value("request_id", request))?;
            a.request_id = Some(id);
        }
        a.notes = crate::domain::text::clean_multiline(cell(notes_c, "notes")?)
            .trim()
            .to_string();
        let status = cell(status_c, "status")?;
        a.status = match status {
            "" => ActivityStatus::Closed,
            s => ActivityStatus::parse(s).ok_or_else(|| value("status", s))?,
        };
        a.closed_at = time(closed_c, "closed_at")?;
        let minutes = cell(minutes_c, "minutes")?;
        if !minutes.is_empty() {
            a.minutes = Some(minutes.parse().map_err(|_| value("minutes", minutes))?);
        }
        let follow = cell(follow_c, "follow_up_on")?;
        if !follow.is_empty() {
            a.follow_up_on = Some(parse_day(follow).ok_or_else(|| {
                row.error(Problem::BadDate {
                    field: "follow_up_on",
                    value: follow.into(),
                })
            })?);
        }
        for id in cell(services_c, "services")?
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let found = find_service(id)
                .ok_or_else(|| row.error(Problem::Rule(RuleError::UnknownService(id.into()))))?;
            a.services.push(found.id.clone());
        }
        let hours = cell(hours_c, "hours")?;
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
        let at = effective(&draft);
        shape_new(&mut draft, at);
        validate(&draft, now, &Unchecked).map_err(|rule| row.error(problem(rule, row, column)))?;
        rows.push(Row {
            line: row.line,
            council,
            activity: a,
        });
    }
    Ok(Checked {
        rows,
        tally: Tally::of(table, cleaned.get()),
    })
}

/// The second pass, under the store's lock: the councils (by code or by name) and
/// the requests must exist; then every row is a new activity, in one change.
pub fn apply(store: &dyn Store, checked: Checked, now: DateTime<Utc>) -> Result<Imported, IoError> {
    let councils = store.municipalities().map_err(IoError::Store)?;
    let mut by_name: HashMap<String, Vec<IneCode>> = HashMap::new();
    for m in &councils {
        by_name.entry(fold(&m.name)).or_default().push(m.ine);
    }
    let mut known = Records {
        councils: councils.iter().map(|m| m.ine).collect(),
        requests: HashMap::new(),
    };
    // The requests only when a row names one: there can be 100,000 of them.
    if checked.rows.iter().any(|r| r.activity.request_id.is_some()) {
        known.requests = store
            .certificates()
            .map_err(IoError::Store)?
            .into_iter()
            .map(|c| (c.id, c.ine))
            .collect();
    }
    let user = store.user().to_string();
    let Checked { rows, tally } = checked;
    let edits = rows.into_iter().map(
        |Row {
             line,
             council,
             mut activity,
         }| {
            let error = |problem| IoError::Line { line, problem };
            activity.ine = match council {
                CouncilRef::Code(ine) => Some(ine),
                CouncilRef::Name(name) => match by_name.get(&fold(&name)).map(Vec::as_slice) {
                    Some([ine]) => Some(*ine),
                    _ => return Err(error(Problem::UnknownCouncilName(name))),
                },
                CouncilRef::Training => None,
            };
            let at = effective(&activity);
            let change = log(activity, now, at, &user, &known).map_err(|rule| {
                error(match rule {
                    RuleError::UnknownCouncil(ine) => Problem::UnknownCouncil(ine.to_string()),
                    other => Problem::Rule(other),
                })
            })?;
            Ok(change.edits.into_iter().next().expect("log makes one edit"))
        },
    );
    let (records, _) = commit(store, ChangeKind::ImportActivities, edits, now)?;
    Ok(Imported::new(tally, records, Vec::new()))
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
