//! The weekly report's section on the support log: what came in this week, by
//! kind and by council, how much was answered in time and how fast, the minutes
//! spent, the trainings given, and the councils not visited this year.

use super::report::{Out, ReportInput};
use crate::domain::activity::{Activity, ActivityKind};
use crate::domain::search::collate;
use crate::i18n::Msg;
use crate::i18n::words::activity_kind_msg;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::HashMap;

/// A span as the countdowns write it: `2d 03h`, `5h 20m`, `12m`.
fn span(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins}m"),
        (0, _) => format!("{hours}h {mins:02}m"),
        _ => format!("{days}d {hours:02}h"),
    }
}

/// The middle value; the mean of the two middle ones for an even count.
fn median(mut spans: Vec<Duration>) -> Option<Duration> {
    spans.sort();
    let n = spans.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(spans[n / 2]),
        _ => Some((spans[n / 2 - 1] + spans[n / 2]) / 2),
    }
}

pub(super) fn section(out: &mut Out, input: &ReportInput, monday: NaiveDate) {
    let t = out.t;
    let calendar = input.calendar;
    let tz = calendar.tz();
    let days = input.response_days;
    let from = calendar.local_midnight(monday);
    let to = calendar.local_midnight(monday + Duration::days(7));
    let in_week = |at: DateTime<Utc>| from <= at && at < to;
    let names: HashMap<u32, &str> = input
        .councils
        .iter()
        .map(|m| (m.ine.0, m.name.as_str()))
        .collect();
    let name = |ine: crate::domain::municipality::IneCode| names.get(&ine.0).copied().unwrap_or("?");

    out.heading(t.t(Msg::report_activity));
    let logged: Vec<&Activity> = input
        .activities
        .iter()
        .filter(|a| in_week(a.received_at))
        .collect();
    let minutes: u32 = logged.iter().filter_map(|a| a.minutes).sum();
    out.line(&t.f(
        Msg::report_act_logged,
        &[("n", &logged.len()), ("minutes", &minutes)],
    ));
    let open: Vec<&Activity> = input.activities.iter().filter(|a| a.is_open()).collect();
    let overdue = open
        .iter()
        .filter(|a| a.due_at(calendar, days).is_some_and(|d| d <= input.now))
        .count();
    out.line(&t.f(Msg::report_act_open, &[("n", &open.len()), ("overdue", &overdue)]));
    // Answered this week: closed in it, a clock to answer against.
    let closed: Vec<(&Activity, bool)> = input
        .activities
        .iter()
        .filter(|a| a.closed_at.is_some_and(in_week))
        .filter_map(|a| Some((a, a.answered_in_time(calendar, days)?)))
        .collect();
    let in_time = closed.iter().filter(|(_, ok)| *ok).count();
    out.line(&t.f(
        Msg::report_act_in_time,
        &[
            ("n", &closed.len()),
            ("days", &days),
            ("share", &out.percent(in_time, closed.len())),
        ],
    ));
    let taken = closed
        .iter()
        .filter_map(|(a, _)| Some(a.closed_at? - a.received_at))
        .collect();
    if let Some(middle) = median(taken) {
        out.line(&t.f(Msg::report_act_median, &[("time", &span(middle))]));
    }

    if !logged.is_empty() {
        out.text.push('\n');
        let header = [
            Msg::report_act_kind,
            Msg::report_act_count,
            Msg::report_act_minutes,
        ]
        .map(|m| t.t(m).to_string());
        let rows: Vec<Vec<String>> = ActivityKind::ALL
            .iter()
            .map(|&kind| {
                let of: Vec<&&Activity> = logged.iter().filter(|a| a.kind == kind).collect();
                let minutes: u32 = of.iter().filter_map(|a| a.minutes).sum();
                vec![
                    t.t(activity_kind_msg(kind)).to_string(),
                    of.len().to_string(),
                    minutes.to_string(),
                ]
            })
            .collect();
        out.table(&header, &rows);
        out.text.push('\n');
        let mut per_council: HashMap<&str, usize> = HashMap::new();
        for a in &logged {
            for ine in a.council_codes() {
                *per_council.entry(name(ine)).or_default() += 1;
            }
        }
        let mut rows: Vec<(&str, usize)> = per_council.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| collate(a.0, b.0)));
        let header = [Msg::col_municipality, Msg::report_act_count].map(|m| t.t(m).to_string());
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|(council, n)| vec![council.to_string(), n.to_string()])
            .collect();
        out.table(&header, &rows);
    }

    let trainings: Vec<&&Activity> = logged
        .iter()
        .filter(|a| a.kind == ActivityKind::Training)
        .collect();
    if !trainings.is_empty() {
        use std::fmt::Write;
        writeln!(out.text, "\n{}", t.t(Msg::report_act_trainings)).ok();
        for a in trainings {
            let services: Vec<&str> = a
                .services
                .iter()
                .map(|id| crate::ops::activity::service(id).map_or(id.as_str(), |s| s.name.as_str()))
                .collect();
            let councils: Vec<String> = a
                .councils
                .iter()
                .map(|c| format!("{} {}", name(c.ine), c.attendees))
                .collect();
            let hours = a.session_minutes.map_or_else(
                || "—".to_string(),
                |m| {
                    // The decimal comma of Catalan and Spanish.
                    let h = super::activity_export::hours(m).to_string();
                    match t.lang() {
                        crate::i18n::Lang::En => h,
                        _ => h.replace('.', ","),
                    }
                },
            );
            out.line(&t.f(
                Msg::report_act_training,
                &[
                    ("date", &t.date(a.received_at.with_timezone(&tz).date_naive())),
                    ("services", &services.join(", ")),
                    ("hours", &hours),
                    ("councils", &councils.join(", ")),
                    ("attendees", &t.n(Msg::count_attendees, a.attendees() as usize)),
                ],
            ));
        }
    }

    let year = input.now.with_timezone(&tz).year();
    let mut last_visit: HashMap<u32, i32> = HashMap::new();
    for a in input.activities.iter().filter(|a| a.kind == ActivityKind::Visit) {
        if let Some(ine) = a.ine {
            let visited = a.received_at.with_timezone(&tz).year();
            let entry = last_visit.entry(ine.0).or_insert(visited);
            *entry = (*entry).max(visited);
        }
    }
    let mut not_visited: Vec<&str> = input
        .councils
        .iter()
        .filter(|m| last_visit.get(&m.ine.0).is_none_or(|&y| y < year))
        .map(|m| m.name.as_str())
        .collect();
    not_visited.sort_by(|a, b| collate(a, b));
    out.heading(&t.f(Msg::report_act_not_visited, &[("year", &year)]));
    if not_visited.is_empty() {
        out.line(t.t(Msg::report_none));
    } else {
        out.line(&format!("{}: {}", not_visited.len(), not_visited.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_medians() {
        assert_eq!(span(Duration::minutes(12)), "12m");
        assert_eq!(span(Duration::minutes(320)), "5h 20m");
        assert_eq!(span(Duration::minutes(2 * 1440 + 180)), "2d 03h");
        let m = Duration::minutes;
        assert_eq!(median(vec![m(30), m(10), m(20)]), Some(m(20)));
        assert_eq!(median(vec![m(10), m(40)]), Some(m(25)));
        assert_eq!(median(vec![]), None);
    }
}
