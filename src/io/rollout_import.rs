//! `ocsae import rollout FILE.csv`: statuses the office already has, per council
//! and service. Columns `ine_code,service,status[,notes]`; `ine_code` may be the
//! AOC's 10-digit CODI_ENS (its first 6 digits are the INE code), left-padded
//! with zeros when a spreadsheet dropped them. All of it or nothing; each cell
//! it changes keeps where it came from (`source`: the file and line).

use super::csv_input::{CsvRow, CsvTable};
use super::import::{Imported, Tally, commit_edits, scrub};
use super::{IoError, Problem};
use crate::domain::catalog::services;
use crate::domain::limits;
use crate::domain::municipality::IneCode;
use crate::domain::rollout::{Rollout, RolloutStatus};
use crate::store::{ChangeKind, Edit, Kind, Record, Store};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One row, read: the council, the service (catalogue index), the status and notes.
pub struct Row {
    line: u64,
    ine: IneCode,
    service: usize,
    status: RolloutStatus,
    notes: Option<String>,
}

pub struct Checked {
    rows: Vec<Row>,
    tally: Tally,
    source: String,
}

/// An INE code (6 digits, or 5 when a spreadsheet dropped the leading zero), or
/// a CODI_ENS (10 digits, or 9: its first 6 are the INE code). Catalan province
/// codes (08, 17, 25, 43) have at most one leading zero to lose, so any other
/// length is a wrong code, said as such rather than as an unknown council.
pub fn council_code(text: &str) -> Result<IneCode, Problem> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::UnknownCouncil(text.into()));
    }
    let code = match text.len() {
        5..=6 => IneCode::parse(&format!("{text:0>6}")),
        9..=10 => IneCode::parse(&format!("{text:0>10}")[..6]),
        _ => None,
    };
    code.ok_or_else(|| Problem::CouncilCodeLength(text.into()))
}

/// A service by its id or its column header, any case.
fn service_of(text: &str) -> Option<usize> {
    let text = text.trim().to_lowercase();
    services()
        .iter()
        .position(|s| s.id == text || s.short.to_lowercase() == text)
}

fn read_row(
    row: &CsvRow,
    columns: [usize; 3],
    notes_c: Option<usize>,
    cleaned: &std::cell::Cell<usize>,
) -> Result<Row, IoError> {
    let [ine_c, service_c, status_c] = columns;
    let ine_text = row.required(ine_c, "ine_code")?;
    let ine = council_code(ine_text).map_err(|problem| row.error(problem))?;
    let service_text = row.required(service_c, "service")?;
    let service = service_of(service_text).ok_or_else(|| {
        row.error(Problem::UnknownValue {
            field: "service",
            value: service_text.into(),
        })
    })?;
    if services()[service].retired {
        // Its records are kept, but it is no longer offered: a status set now
        // would be hidden from the matrix, so the whole file is refused.
        return Err(row.error(Problem::RetiredService(services()[service].id.clone())));
    }
    let status_text = row.required(status_c, "status")?;
    let status = RolloutStatus::parse(status_text).ok_or_else(|| {
        row.error(Problem::UnknownValue {
            field: "status",
            value: status_text.into(),
        })
    })?;
    let notes = match notes_c {
        Some(c) => Some(scrub(row.get(c, "notes")?, cleaned)).filter(|n| !n.trim().is_empty()),
        None => None,
    };
    if status == RolloutStatus::Blocked && notes.is_none() {
        // A blocked cell says why, as the matrix asks.
        return Err(row.error(Problem::EmptyField("notes")));
    }
    // A blocked cell's notes are its reason, as long as the prompt takes.
    let max = match status {
        RolloutStatus::Blocked => limits::REASON,
        _ => limits::NOTES,
    };
    if notes.as_ref().is_some_and(|n| !limits::fits(n, max)) {
        return Err(row.error(Problem::TooLong { field: "notes", max }));
    }
    Ok(Row {
        line: row.line,
        ine,
        service,
        status,
        notes,
    })
}

/// The first pass: every row readable, no cell twice. `source` names the file.
pub fn check(table: &CsvTable, source: &str) -> Result<Checked, IoError> {
    let columns = table.columns(["ine_code", "service", "status"])?;
    let notes_c = table.column("notes");
    let cleaned = std::cell::Cell::new(0);
    let mut seen = HashMap::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let read = read_row(row, columns, notes_c, &cleaned)?;
        if let Some(first) = seen.insert((read.ine, read.service), row.line) {
            return Err(row.error(Problem::UnknownValue {
                field: "ine_code,service",
                value: format!("{} {} (line {first})", read.ine, services()[read.service].id),
            }));
        }
        rows.push(read);
    }
    Ok(Checked {
        rows,
        tally: Tally {
            rows: table.rows.len(),
            was_latin: table.was_latin,
            cleaned: cleaned.get(),
        },
        source: source.to_string(),
    })
}

/// The second pass, on the store: the councils must be there; the cells that
/// change, as one change.
pub fn apply(store: &dyn Store, checked: Checked, at: DateTime<Utc>) -> Result<Imported, IoError> {
    let councils: HashSet<IneCode> = store
        .municipalities()
        .map_err(IoError::Store)?
        .into_iter()
        .map(|m| m.ine)
        .collect();
    let mut current: HashMap<(IneCode, String), Rollout> = HashMap::new();
    for record in store.records(Kind::Rollout).map_err(IoError::Store)? {
        if let Record::Rollout(r) = record.map_err(IoError::Store)? {
            current.insert((r.ine, r.service.clone()), r);
        }
    }
    let mut edits = Vec::new();
    for row in &checked.rows {
        if !councils.contains(&row.ine) {
            return Err(IoError::Line {
                line: row.line,
                problem: Problem::UnknownCouncil(row.ine.to_string()),
            });
        }
        let service = &services()[row.service];
        let before = current.get(&(row.ine, service.id.clone())).cloned();
        let mut after = before
            .clone()
            .unwrap_or_else(|| Rollout::pending(row.ine, service));
        after.status = row.status;
        if row.status == RolloutStatus::Blocked {
            after.blocked_reason = row.notes.clone().unwrap_or_default();
        } else if let Some(notes) = &row.notes {
            after.notes = notes.clone();
        }
        let unchanged = before.as_ref().is_some_and(|b| {
            b.status == after.status && b.notes == after.notes && b.blocked_reason == after.blocked_reason
        }) || (before.is_none() && after == Rollout::pending(row.ine, service));
        if unchanged {
            continue;
        }
        after.source = format!("{}:{}", checked.source, row.line);
        after.updated_at = Some(at);
        edits.push(match before {
            Some(b) => Edit::update(Record::Rollout(b), Record::Rollout(after)),
            None => Edit::create(Record::Rollout(after)),
        });
    }
    let (records, _) = commit_edits(store, ChangeKind::ImportRollout, edits, at)?;
    Ok(Imported::new(checked.tally, records, BTreeMap::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ine_code_or_a_codi_ens_padded_as_a_spreadsheet_dropped_it() {
        assert_eq!(council_code("252228"), Ok(IneCode(252228)));
        // Barcelona's 080193, its leading zero lost.
        assert_eq!(council_code("80193"), Ok(IneCode(80193)));
        // CODI_ENS: 10 digits, the first 6 the INE code; 9 when the zero went.
        assert_eq!(council_code("2522280001"), Ok(IneCode(252228)));
        assert_eq!(council_code("801930001"), Ok(IneCode(80193)));
        assert_eq!(
            council_code("25222A"),
            Err(Problem::UnknownCouncil("25222A".into()))
        );
    }

    #[test]
    fn a_code_of_a_length_neither_ine_nor_codi_ens_is_said_so() {
        for wrong in ["1234", "2522280", "25222800", "12345678901"] {
            assert_eq!(
                council_code(wrong),
                Err(Problem::CouncilCodeLength(wrong.into())),
                "{wrong}"
            );
        }
    }

    #[test]
    fn notes_longer_than_the_store_takes_are_refused_naming_the_line() {
        let file = |status: &str, n: usize| {
            let notes = "n".repeat(n);
            super::super::csv_input::parse(&format!(
                "ine_code,service,status,notes\n252228,e-notum,{status},{notes}\n"
            ))
            .unwrap()
        };
        assert!(check(&file("in_progress", limits::NOTES), "f.csv").is_ok());
        assert!(check(&file("blocked", limits::REASON), "f.csv").is_ok());
        for (status, n, max) in [
            ("in_progress", limits::NOTES + 1, limits::NOTES),
            ("blocked", limits::REASON + 1, limits::REASON),
        ] {
            match check(&file(status, n), "f.csv") {
                Err(IoError::Line { line, problem }) => {
                    assert_eq!((line, problem), (2, Problem::TooLong { field: "notes", max }))
                }
                other => panic!("{status}: {:?}", other.map(|_| ())),
            }
        }
    }
}
