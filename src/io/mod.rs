//! Files in and out: CSV and JSON imports and exports.

pub mod backup;
pub mod csv_input;
pub mod export;
pub mod formula;
pub mod import;
pub mod report;

use crate::i18n::{I18n, Msg};
use std::path::PathBuf;

/// Why an import or export stopped; nothing was written to the store.
#[derive(Debug)]
pub enum IoError {
    /// A file could not be read or written.
    File { path: PathBuf, detail: String },
    /// The file is neither UTF-8 nor Windows-1252.
    Encoding { path: PathBuf },
    /// The header lacks required columns.
    MissingColumns(Vec<String>),
    /// A row is wrong; `line` counts from 1 with the header as line 1.
    Line { line: u64, problem: Problem },
    /// The store refused the change.
    Store(crate::store::StoreError),
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    MissingField(&'static str),
    EmptyField(&'static str),
    UnknownCouncil(String),
    UnknownRole(String, &'static [&'static str]),
    TooLong {
        field: &'static str,
        max: usize,
    },
    BadEmail(String),
    IssuedBeforeReceived,
    UnknownType(String),
    UnknownValue {
        field: &'static str,
        value: String,
    },
    BadDate {
        field: &'static str,
        value: String,
    },
    /// Urgent for a post without the right to it, and no `reason`.
    UrgentWithoutReason(String),
    Unreadable(String),
}

impl Problem {
    pub fn localize(&self, t: &I18n) -> String {
        match self {
            Problem::MissingField(f) => t.f(Msg::problem_missing_field, &[("field", f)]),
            Problem::EmptyField(f) => t.f(Msg::problem_empty_field, &[("field", f)]),
            Problem::UnknownCouncil(v) => t.f(Msg::problem_unknown_council, &[("value", v)]),
            Problem::UnknownRole(v, roles) => t.f(
                Msg::problem_unknown_role,
                &[("value", v), ("roles", &roles.join(", "))],
            ),
            Problem::TooLong { field, max } => t.f(Msg::problem_too_long, &[("field", field), ("max", max)]),
            Problem::BadEmail(v) => t.f(Msg::problem_bad_email, &[("value", v)]),
            Problem::IssuedBeforeReceived => t.t(Msg::problem_issued_before_received).to_string(),
            Problem::UnknownType(v) => t.f(Msg::problem_unknown_type, &[("value", v)]),
            Problem::UnknownValue { field, value } => {
                t.f(Msg::problem_unknown_value, &[("field", field), ("value", value)])
            }
            Problem::BadDate { field, value } => {
                t.f(Msg::problem_bad_date, &[("field", field), ("value", value)])
            }
            Problem::UrgentWithoutReason(role) => t.f(Msg::problem_urgent_reason, &[("role", role)]),
            Problem::Unreadable(detail) => t.f(Msg::problem_unreadable, &[("detail", detail)]),
        }
    }
}

impl IoError {
    pub fn localize(&self, t: &I18n) -> String {
        match self {
            IoError::File { path, detail } => format!("{}: {detail}", path.display()),
            IoError::Encoding { path } => t.f(Msg::err_encoding, &[("path", &path.display())]),
            IoError::MissingColumns(columns) => {
                t.f(Msg::err_missing_columns, &[("columns", &columns.join(", "))])
            }
            IoError::Line { line, problem } => t.f(
                Msg::err_line,
                &[("line", line), ("problem", &problem.localize(t))],
            ),
            IoError::Store(e) => e.localize(t),
        }
    }
}

/// Machine formats for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Json,
    Csv,
}
