//! `ocsae report`: the weekly summary, in the interface language, as text or Markdown.

use crate::domain::calendar::Calendar;
use crate::domain::catalog::services;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::{FormStatus, Municipality};
use crate::domain::rollout::{Rollout, RolloutStatus};
use crate::domain::search::collate;
use crate::i18n::{I18n, Msg};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Markdown,
}

/// The records a report reads.
pub struct ReportInput<'a> {
    pub councils: &'a [Municipality],
    pub rollouts: &'a [Rollout],
    pub certificates: &'a [CertificateRequest],
    /// The support log, and the working days to answer a council.
    pub activities: &'a [crate::domain::activity::Activity],
    pub response_days: u32,
    pub calendar: &'a Calendar,
    pub now: DateTime<Utc>,
}

pub(super) struct Out<'a> {
    pub(super) text: String,
    pub(super) format: ReportFormat,
    pub(super) t: &'a I18n,
}

impl Out<'_> {
    pub(super) fn heading(&mut self, title: &str) {
        match self.format {
            ReportFormat::Markdown => writeln!(self.text, "\n## {title}\n"),
            ReportFormat::Text => writeln!(self.text, "\n{title}\n{}", "─".repeat(title.chars().count())),
        }
        .ok();
    }

    /// One item; in text, wrapped to fit a terminal or an e-mail.
    pub(super) fn line(&mut self, text: &str) {
        if self.format == ReportFormat::Markdown {
            writeln!(self.text, "- {text}").ok();
            return;
        }
        let mut width = 2;
        self.text.push_str("  ");
        for (i, word) in text.split(' ').enumerate() {
            let w = word.chars().count();
            if i > 0 && width + 1 + w > 78 {
                self.text.push_str("\n    ");
                width = 4;
            } else if i > 0 {
                self.text.push(' ');
                width += 1;
            }
            self.text.push_str(word);
            width += w;
        }
        self.text.push('\n');
    }

    /// A table: Markdown pipes, or aligned columns in text.
    pub(super) fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        if self.format == ReportFormat::Markdown {
            writeln!(self.text, "| {} |", header.join(" | ")).ok();
            let rule: Vec<&str> = header
                .iter()
                .enumerate()
                .map(|(i, _)| if i == 0 { "---" } else { "---:" })
                .collect();
            writeln!(self.text, "| {} |", rule.join(" | ")).ok();
            for row in rows {
                writeln!(self.text, "| {} |", row.join(" | ")).ok();
            }
            return;
        }
        let widths: Vec<usize> = (0..header.len())
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = widths[c] - cell.chars().count();
                    if c == 0 {
                        format!("{cell}{}", " ".repeat(pad))
                    } else {
                        format!("{}{cell}", " ".repeat(pad))
                    }
                })
                .collect();
            writeln!(self.text, "  {}", cells.join("  ").trim_end()).ok();
        }
    }

    pub(super) fn percent(&self, n: usize, of: usize) -> String {
        (n * 100)
            .checked_div(of)
            .map_or_else(|| "—".into(), |p| format!("{n} ({p}%)"))
    }
}

pub fn render(input: &ReportInput, t: &I18n, format: ReportFormat) -> String {
    let tz = input.calendar.tz();
    let today = input.now.with_timezone(&tz).date_naive();
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let sunday = monday + Duration::days(6);
    let comarca = match input.councils.first() {
        Some(f) if input.councils.iter().all(|m| m.comarca == f.comarca) => f.comarca.clone(),
        Some(_) => "Catalunya".to_string(),
        None => "—".to_string(),
    };
    let mut out = Out {
        text: String::new(),
        format,
        t,
    };
    let title = t.f(
        Msg::report_title,
        &[
            ("comarca", &comarca),
            ("from", &t.date(monday)),
            ("to", &t.date(sunday)),
        ],
    );
    match format {
        ReportFormat::Markdown => writeln!(out.text, "# {title}"),
        ReportFormat::Text => writeln!(out.text, "{title}"),
    }
    .ok();
    let generated = input.now.with_timezone(&tz).format("%H:%M");
    writeln!(
        out.text,
        "{}",
        t.f(
            Msg::report_generated,
            &[("date", &t.date(today)), ("time", &generated)]
        )
    )
    .ok();

    rollout_section(&mut out, input);
    certificate_section(&mut out, input, today, sunday);
    form_section(&mut out, input, today);

    out.heading(t.t(Msg::report_no_contacts));
    let mut without: Vec<&str> = input
        .councils
        .iter()
        .filter(|m| m.contacts.is_empty())
        .map(|m| m.name.as_str())
        .collect();
    without.sort_by(|a, b| collate(a, b));
    if without.is_empty() {
        out.line(t.t(Msg::report_none));
    } else {
        out.line(&format!("{}: {}", without.len(), without.join(", ")));
    }
    super::report_activity::section(&mut out, input, monday);
    out.text
}

fn rollout_section(out: &mut Out, input: &ReportInput) {
    let t = out.t;
    out.heading(&t.f(
        Msg::report_rollout,
        &[("councils", &t.n(Msg::count_councils, input.councils.len()))],
    ));
    let stored: HashMap<(u32, &str), RolloutStatus> = input
        .rollouts
        .iter()
        .map(|r| ((r.ine.0, r.service.as_str()), r.status))
        .collect();
    let header = [
        Msg::report_service,
        Msg::status_done,
        Msg::status_in_progress,
        Msg::status_pending,
        Msg::status_blocked,
    ]
    .map(|m| t.t(m).to_string());
    let mut rows = Vec::new();
    for service in services().iter().filter(|s| !s.retired) {
        let mut counts = [0usize; 5];
        for m in input.councils {
            let status = stored
                .get(&(m.ine.0, service.id.as_str()))
                .copied()
                .unwrap_or(RolloutStatus::Pending);
            let i = RolloutStatus::ALL.iter().position(|&s| s == status).unwrap_or(0);
            counts[i] += 1;
        }
        let [pending, in_progress, done, _na, blocked] = counts;
        let applicable = input.councils.len() - counts[3];
        rows.push(vec![
            service.name.clone(),
            out.percent(done, applicable),
            out.percent(in_progress, applicable),
            out.percent(pending, applicable),
            out.percent(blocked, applicable),
        ]);
    }
    out.table(&header, &rows);
}

fn certificate_section(out: &mut Out, input: &ReportInput, today: NaiveDate, sunday: NaiveDate) {
    let t = out.t;
    let tz = input.calendar.tz();
    let names: HashMap<u32, &str> = input
        .councils
        .iter()
        .map(|m| (m.ine.0, m.name.as_str()))
        .collect();
    let mut overdue = Vec::new();
    let mut this_week = Vec::new();
    let mut issued = 0;
    // This week ends at 24:00 on Sunday, which is 00:00 on the next Monday.
    let week_end = input.calendar.local_midnight(sunday + Duration::days(1));
    for c in input.certificates {
        if let Some(at) = c.issued_at {
            let d = at.with_timezone(&tz).date_naive();
            issued += usize::from(d.year() == today.year() && d.month() == today.month());
        }
        if !c.status.is_open() {
            continue;
        }
        let Some(due) = c.due_at(input.calendar) else {
            continue;
        };
        if due <= input.now {
            overdue.push((due, c));
        } else if due <= week_end {
            this_week.push((due, c));
        }
    }
    out.heading(t.t(Msg::report_certificates));
    out.line(&t.f(Msg::report_overdue, &[("n", &overdue.len())]));
    out.line(&t.f(Msg::report_due_week, &[("n", &this_week.len())]));
    out.line(&t.f(Msg::report_issued_month, &[("n", &issued)]));
    for (label, mut list) in [
        (Msg::report_overdue_list, overdue),
        (Msg::report_week_list, this_week),
    ] {
        if list.is_empty() {
            continue;
        }
        list.sort_by_key(|(due, c)| (*due, c.id));
        writeln!(out.text, "\n{}", t.t(label)).ok();
        for (due, c) in list {
            let council = names.get(&c.ine.0).copied().unwrap_or("?");
            let when = t.deadline(due, tz);
            out.line(&format!(
                "#{} {} · {council} · {} · {when}",
                c.id, c.holder, c.cert_type
            ));
        }
    }
}

fn form_section(out: &mut Out, input: &ReportInput, today: NaiveDate) {
    let t = out.t;
    out.heading(t.t(Msg::report_forms));
    let mut due: Vec<(NaiveDate, &str, FormStatus)> = input
        .councils
        .iter()
        .filter_map(|m| match m.form_status(today) {
            s @ (FormStatus::Expiring(_) | FormStatus::Expired) => {
                Some((m.form_due_on()?, m.name.as_str(), s))
            }
            _ => None,
        })
        .collect();
    due.sort();
    // Those that never sent one have nothing to renew, and the most to do.
    let mut never: Vec<&str> = input
        .councils
        .iter()
        .filter(|m| m.form_status(today) == FormStatus::NotSent)
        .map(|m| m.name.as_str())
        .collect();
    never.sort_by(|a, b| collate(a, b));
    if due.is_empty() && never.is_empty() {
        out.line(t.t(Msg::report_none));
    }
    for (date, name, status) in due {
        let state = match status {
            FormStatus::Expiring(n) => t.f(Msg::form_expiring, &[("n", &n)]),
            _ => t.t(Msg::form_expired).to_string(),
        };
        out.line(&format!("{name}: {} ({state})", t.date(date)));
    }
    if !never.is_empty() {
        out.line(&t.f(
            Msg::report_forms_never_sent,
            &[
                ("councils", &t.n(Msg::count_councils, never.len())),
                ("names", &never.join(", ")),
            ],
        ));
    }
}
