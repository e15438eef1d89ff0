//! The memòria as one CSV file for machines: each indicator a table after a
//! `section,<name>` row, with its header. Field names are English and the same in
//! every interface language; numbers are plain (a decimal point, no separators);
//! a ratio is three numeric columns (numerator, denominator, percent), empty
//! percent when there is nothing to share. Written from the figures, not from
//! the words of the other formats.

use super::doc::percent;
use super::{Memoria, Period};
use crate::domain::catalog::{cert_type_name, services};

type Writer = csv::Writer<Vec<u8>>;

fn section(w: &mut Writer, name: &str, header: &[&str]) -> csv::Result<()> {
    w.write_record(["section", name])?;
    w.write_record(header)
}

/// A table of single figures: `field,value`.
fn facts(w: &mut Writer, name: &str, rows: &[(&str, String)]) -> csv::Result<()> {
    section(w, name, &["field", "value"])?;
    for (field, value) in rows {
        w.write_record([*field, value.as_str()])?;
    }
    Ok(())
}

fn share(n: u64, of: u64) -> [String; 3] {
    [
        n.to_string(),
        of.to_string(),
        percent(n, of).map_or_else(String::new, |p| p.to_string()),
    ]
}

fn decimal(x: f64) -> String {
    format!("{x:.1}")
}

/// A cell from people or the catalogue: a spreadsheet must not read it as a formula.
fn guard(cell: &str) -> String {
    crate::io::formula::neutralise(cell).into_owned()
}

pub fn write(m: &Memoria) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let Period { from, to } = m.period;
    let months: Vec<String> = m.months.iter().map(|d| d.format("%Y-%m").to_string()).collect();
    facts(
        &mut w,
        "period",
        &[
            ("comarca", guard(&m.comarca)),
            ("from", from.to_string()),
            ("to", to.to_string()),
        ],
    )?;
    facts(
        &mut w,
        "councils",
        &[
            ("councils", m.councils.to_string()),
            ("under_threshold", m.under_threshold.to_string()),
            ("threshold", m.threshold.to_string()),
        ],
    )?;
    facts(
        &mut w,
        "requests",
        &[
            ("received", m.received.to_string()),
            ("filed", m.filed.to_string()),
            ("issued", m.issued.to_string()),
            ("delivered", m.delivered.to_string()),
            ("rejected", m.rejected.to_string()),
            ("cancelled", m.cancelled.to_string()),
        ],
    )?;
    section(
        &mut w,
        "requests_by_type",
        &["type", "type_name", "operation", "requests"],
    )?;
    for ((ty, op), n) in &m.by_type {
        w.write_record([
            guard(ty),
            guard(cert_type_name(ty)),
            op.to_string(),
            n.to_string(),
        ])?;
    }
    section(&mut w, "requests_per_month", &["month", "requests"])?;
    for (month, n) in months.iter().zip(&m.received_per_month) {
        w.write_record([month.clone(), n.to_string()])?;
    }
    section(
        &mut w,
        "within_deadline",
        &["kind", "on_time", "issued", "percent", "median_working_days"],
    )?;
    for (kind, d) in ["ordinary", "urgent"].iter().zip(&m.deadline) {
        let mut row = vec![kind.to_string()];
        row.extend(share(d.on_time, d.issued));
        row.push(d.median_days.map_or_else(String::new, decimal));
        w.write_record(row)?;
    }
    section(
        &mut w,
        "within_deadline_per_month",
        &["month", "on_time", "issued", "percent"],
    )?;
    for (month, &(kept, issued)) in months.iter().zip(&m.on_time_per_month) {
        let mut row = vec![month.clone()];
        row.extend(share(kept, issued));
        w.write_record(row)?;
    }
    facts(
        &mut w,
        "support",
        &[
            ("entries", m.activity_per_month.iter().sum::<u64>().to_string()),
            ("minutes", m.minutes.to_string()),
        ],
    )?;
    section(&mut w, "support_answered", &["in_time", "closed", "percent"])?;
    w.write_record(share(m.answered.0, m.answered.1))?;
    let mut header = vec!["month"];
    header.extend(m.activity.iter().map(|(k, _)| k.as_str()));
    header.push("total");
    section(&mut w, "support_per_month", &header)?;
    for (i, month) in months.iter().enumerate() {
        let mut row = vec![month.clone()];
        row.extend(m.activity.iter().map(|(_, v)| v[i].to_string()));
        row.push(m.activity_per_month[i].to_string());
        w.write_record(row)?;
    }
    facts(
        &mut w,
        "trainings",
        &[
            ("sessions", m.trainings.to_string()),
            ("hours", decimal(m.training_minutes as f64 / 60.0)),
            ("attendees", m.attendees.to_string()),
        ],
    )?;
    facts(
        &mut w,
        "visits",
        &[
            ("visits", m.visits.to_string()),
            ("councils_not_visited", m.not_visited.len().to_string()),
        ],
    )?;
    section(&mut w, "councils_not_visited", &["council"])?;
    for name in &m.not_visited {
        w.write_record([guard(name)])?;
    }
    section(
        &mut w,
        "adoption",
        &[
            "service",
            "service_name",
            "start_done",
            "start_applicable",
            "end_done",
            "end_applicable",
        ],
    )?;
    for (a, s) in m.adoption.iter().zip(services()) {
        w.write_record([
            guard(&s.id),
            guard(&a.name),
            a.start.0.to_string(),
            a.start.1.to_string(),
            a.end.0.to_string(),
            a.end.1.to_string(),
        ])?;
    }
    section(
        &mut w,
        "adoption_by_council",
        &["council", "service", "start", "end"],
    )?;
    for (name, cells) in &m.council_services {
        for ((start, end), s) in cells.iter().zip(services()) {
            w.write_record([
                guard(name),
                guard(&s.id),
                start.as_str().into(),
                end.as_str().into(),
            ])?;
        }
    }
    facts(
        &mut w,
        "forms",
        &[
            ("sent", m.forms_sent.to_string()),
            ("renewed", m.forms_renewed.to_string()),
        ],
    )?;
    w.into_inner().map_err(|e| e.into_error().into())
}
