//! `export activity`: every field of the support log under the names the import
//! reads back, plus `updated_by` (from the history) and the computed `due_at`.

use super::export::{Authorship, timestamp, to_csv, to_json};
use super::{Format, IoError};
use crate::domain::activity::Activity;
use crate::domain::calendar::Calendar;
use crate::domain::municipality::{IneCode, Municipality};
use crate::store::{Authors, RecordId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A council at a training, in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceOut {
    pub ine_code: String,
    pub attendees: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityOut {
    pub id: u64,
    /// Empty for a training of several councils.
    pub ine_code: String,
    pub municipality: String,
    pub kind: String,
    pub direction: String,
    pub contact: String,
    pub service: Option<String>,
    pub request_id: Option<u64>,
    pub summary: String,
    pub notes: String,
    pub status: String,
    pub received_at: String,
    pub closed_at: Option<String>,
    /// None while waiting for the council, and for a training.
    pub due_at: Option<String>,
    pub minutes: Option<u32>,
    pub follow_up_on: Option<chrono::NaiveDate>,
    pub created_by: String,
    pub councils: Vec<AttendanceOut>,
    pub services: Vec<String>,
    pub hours: Option<f64>,
    pub updated_by: String,
}

/// The CSV form: a training's councils as `252228:3;250024:2`, its services as `e-notum;eacat`.
#[derive(Serialize)]
struct ActivityCsv<'a> {
    id: u64,
    ine_code: &'a str,
    municipality: &'a str,
    kind: &'a str,
    direction: &'a str,
    contact: &'a str,
    service: Option<&'a str>,
    request_id: Option<u64>,
    summary: &'a str,
    notes: &'a str,
    status: &'a str,
    received_at: &'a str,
    closed_at: Option<&'a str>,
    due_at: Option<&'a str>,
    minutes: Option<u32>,
    follow_up_on: Option<chrono::NaiveDate>,
    created_by: &'a str,
    councils: String,
    services: String,
    hours: Option<String>,
    updated_by: &'a str,
}

/// A training's length in hours, to the hundredth.
pub fn hours(minutes: u32) -> f64 {
    (f64::from(minutes) / 60.0 * 100.0).round() / 100.0
}

/// `252228:3;250024:2`, as a CSV cell holds a training's councils.
pub fn councils_cell(a: &Activity) -> String {
    a.councils
        .iter()
        .map(|c| format!("{}:{}", c.ine, c.attendees))
        .collect::<Vec<_>>()
        .join(";")
}

impl ActivityOut {
    /// `authors`: who logged it and who made the last change to it, as the history
    /// says; without one, the entry's own `created_by` for both.
    pub fn of(
        a: &Activity,
        names: &HashMap<IneCode, &str>,
        calendar: &Calendar,
        response_days: u32,
        authors: Option<&Authors>,
    ) -> ActivityOut {
        let tz = calendar.tz();
        let name = |ine: IneCode| names.get(&ine).map_or_else(|| ine.to_string(), |n| n.to_string());
        ActivityOut {
            id: a.id,
            ine_code: a.ine.map(|i| i.to_string()).unwrap_or_default(),
            municipality: match a.ine {
                Some(ine) => name(ine),
                None => a
                    .councils
                    .iter()
                    .map(|c| name(c.ine))
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            kind: a.kind.as_str().into(),
            direction: a.direction.as_str().into(),
            contact: a.contact.clone(),
            service: a.service.clone(),
            request_id: a.request_id,
            summary: a.summary.clone(),
            notes: a.notes.clone(),
            status: a.status.as_str().into(),
            received_at: timestamp(a.received_at, tz),
            closed_at: a.closed_at.map(|t| timestamp(t, tz)),
            due_at: a.due_at(calendar, response_days).map(|t| timestamp(t, tz)),
            minutes: a.minutes,
            follow_up_on: a.follow_up_on,
            created_by: authors.map_or(&a.created_by, |w| &w.created_by).clone(),
            councils: a
                .councils
                .iter()
                .map(|c| AttendanceOut {
                    ine_code: c.ine.to_string(),
                    attendees: c.attendees,
                })
                .collect(),
            services: a.services.clone(),
            hours: a.session_minutes.map(hours),
            updated_by: authors.map_or(&a.created_by, |w| &w.updated_by).clone(),
        }
    }

    fn csv(&self) -> ActivityCsv<'_> {
        ActivityCsv {
            id: self.id,
            ine_code: &self.ine_code,
            municipality: &self.municipality,
            kind: &self.kind,
            direction: &self.direction,
            contact: &self.contact,
            service: self.service.as_deref(),
            request_id: self.request_id,
            summary: &self.summary,
            notes: &self.notes,
            status: &self.status,
            received_at: &self.received_at,
            closed_at: self.closed_at.as_deref(),
            due_at: self.due_at.as_deref(),
            minutes: self.minutes,
            follow_up_on: self.follow_up_on,
            created_by: &self.created_by,
            councils: self
                .councils
                .iter()
                .map(|c| format!("{}:{}", c.ine_code, c.attendees))
                .collect::<Vec<_>>()
                .join(";"),
            services: self.services.join(";"),
            hours: self.hours.map(|h| h.to_string()),
            updated_by: &self.updated_by,
        }
    }
}

/// The fields, in the order files hold them: what a CSV of no entries still says.
pub const FIELDS: [&str; 21] = [
    "id",
    "ine_code",
    "municipality",
    "kind",
    "direction",
    "contact",
    "service",
    "request_id",
    "summary",
    "notes",
    "status",
    "received_at",
    "closed_at",
    "due_at",
    "minutes",
    "follow_up_on",
    "created_by",
    "councils",
    "services",
    "hours",
    "updated_by",
];

/// The records as JSON or CSV, in the order given.
pub fn write(records: &[ActivityOut], format: Format) -> Result<Vec<u8>, IoError> {
    match format {
        Format::Json => to_json(&records),
        // A CSV is read by its header: an empty one still has it.
        Format::Csv if records.is_empty() => to_csv([FIELDS]),
        Format::Csv => to_csv(records.iter().map(ActivityOut::csv)),
    }
}

/// Every activity, by id; `created_by` and `updated_by` from the history.
pub fn activities(
    councils: &[Municipality],
    list: &[Activity],
    authors: &Authorship,
    calendar: &Calendar,
    response_days: u32,
    format: Format,
) -> Result<Vec<u8>, IoError> {
    let names: HashMap<IneCode, &str> = councils.iter().map(|m| (m.ine, m.name.as_str())).collect();
    let records: Vec<ActivityOut> = list
        .iter()
        .map(|a| {
            let by = authors.get(&RecordId::Activity(a.id));
            ActivityOut::of(a, &names, calendar, response_days, by)
        })
        .collect();
    write(&records, format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::activity::{ActivityKind, Attendance};

    #[test]
    fn a_training_writes_its_councils_and_services_in_one_cell_each() {
        let at = "2026-11-24T09:00:00Z".parse().unwrap();
        let mut t = Activity::new(None, ActivityKind::Training, "=e-NOTUM", at);
        t.id = 3;
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
        t.services = vec!["e-notum".into(), "eacat".into()];
        t.session_minutes = Some(90);
        t.created_by = "anna".into();
        let cal = Calendar::catalan(&[], chrono_tz::Europe::Madrid);
        let csv = activities(&[], &[t.clone()], &Authorship::new(), &cal, 2, Format::Csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,ine_code,municipality,kind,direction,contact,service,request_id,summary,notes,status,\
             received_at,closed_at,due_at,minutes,follow_up_on,created_by,councils,services,hours,updated_by"
        );
        assert_eq!(
            text.trim_start_matches('\u{feff}').lines().next().unwrap(),
            FIELDS.join(",")
        );
        let row = lines.next().unwrap();
        assert!(row.contains(",252228:3;250024:2,e-notum;eacat,1.5,anna"), "{row}");
        let empty = activities(&[], &[], &Authorship::new(), &cal, 2, Format::Csv).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            format!("\u{feff}{}\n", FIELDS.join(",")),
            "no entries: the header alone"
        );
        assert!(row.contains(",'=e-NOTUM,"), "the summary is guarded: {row}");
        let json = activities(&[], &[t], &Authorship::new(), &cal, 2, Format::Json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value[0]["councils"][1]["attendees"], 2);
        assert_eq!(value[0]["hours"], 1.5);
        assert_eq!(value[0]["due_at"], serde_json::Value::Null);
        assert_eq!(value[0]["updated_by"], "anna");
    }
}
