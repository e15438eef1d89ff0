//! Files in and out: CSV and JSON imports and exports.

pub mod activity_export;
pub mod activity_import;
pub mod backup;
mod contact_rows;
pub mod csv_input;
pub mod encoding;
pub mod export;
pub mod formula;
pub mod import;
mod import_commit;
pub mod input_file;
pub mod output;
pub mod report;
mod report_activity;
mod revocation_input;
pub mod rollout_import;
pub mod sniff;

use crate::i18n::{I18n, Msg};
use std::path::PathBuf;

/// Why an import or export stopped; nothing was written to the store.
#[derive(Debug)]
pub enum IoError {
    /// A file could not be read or written.
    File { path: PathBuf, detail: String },
    /// The system refused to read or write a file.
    Io { path: PathBuf, source: std::io::Error },
    /// A JSON file does not hold what it should (a backup cut short, a field missing).
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// The file is neither UTF-8, UTF-16 nor plausible Windows-1252.
    Encoding { path: PathBuf, why: encoding::NotText },
    /// A directory, a pipe, a device: only regular files are imported.
    NotAFile { path: PathBuf },
    /// An output file inside the store's directory.
    OutputInsideStore { path: PathBuf, store: PathBuf },
    /// An output that is there and is not a regular file (a device, a FIFO, a directory).
    OutputNotAFile { path: PathBuf },
    /// Larger than `import_max_mb`.
    TooBig { path: PathBuf, max_mb: u64 },
    /// The file changed between the import's check and its writing: nothing written.
    Changed { path: PathBuf },
    /// The header lacks required columns.
    MissingColumns(Vec<String>),
    /// The header names a column twice.
    DuplicateColumn(String),
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
    BadPhone(String),
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
    /// A physical line longer than `csv_input::MAX_LINE_KB`.
    LineTooLong {
        max_kb: usize,
    },
    /// A time later than now (beyond the few minutes a clock may be fast).
    InFuture {
        field: &'static str,
        value: String,
    },
    /// A local time the clocks skip when summer time starts.
    NoSuchHour {
        field: &'static str,
        value: String,
        tz: String,
    },
    /// A rule of the record it would make, in the form's words.
    Rule(crate::ops::RuleError),
    /// A council named (not coded) that the store does not hold, or holds twice.
    UnknownCouncilName(String),
    /// A council code of a length neither an INE code nor a CODI_ENS has.
    CouncilCodeLength(String),
    /// A service retired from the catalogue: no status is set on it.
    RetiredService(String),
    /// Two rows revoking one certificate: the line of the first.
    RevokedTwice {
        id: u64,
        line: u64,
    },
}

/// A cell as a message quotes it: a 60 KB cell would bury the message.
fn shown(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

impl Problem {
    pub fn localize(&self, t: &I18n) -> String {
        match self {
            Problem::MissingField(f) => t.f(Msg::problem_missing_field, &[("field", f)]),
            Problem::EmptyField(f) => t.f(Msg::problem_empty_field, &[("field", f)]),
            Problem::UnknownCouncil(v) => t.f(Msg::problem_unknown_council, &[("value", &shown(v))]),
            Problem::UnknownRole(v, roles) => t.f(
                Msg::problem_unknown_role,
                &[("value", &shown(v)), ("roles", &roles.join(", "))],
            ),
            Problem::TooLong { field, max } => t.f(Msg::problem_too_long, &[("field", field), ("max", max)]),
            Problem::BadEmail(v) => t.f(Msg::problem_bad_email, &[("value", &shown(v))]),
            Problem::BadPhone(v) => t.f(Msg::problem_bad_phone, &[("value", &shown(v))]),
            Problem::IssuedBeforeReceived => t.t(Msg::problem_issued_before_received).to_string(),
            Problem::UnknownType(v) => t.f(Msg::problem_unknown_type, &[("value", &shown(v))]),
            Problem::UnknownValue { field, value } => t.f(
                Msg::problem_unknown_value,
                &[("field", field), ("value", &shown(value))],
            ),
            Problem::BadDate { field, value } => t.f(
                Msg::problem_bad_date,
                &[("field", field), ("value", &shown(value))],
            ),
            Problem::UrgentWithoutReason(role) => t.f(Msg::problem_urgent_reason, &[("role", &shown(role))]),
            Problem::Unreadable(detail) => t.f(Msg::problem_unreadable, &[("detail", detail)]),
            Problem::LineTooLong { max_kb } => t.f(Msg::problem_line_too_long, &[("max", max_kb)]),
            Problem::RevokedTwice { id, line } => t.f(Msg::rev_err_twice, &[("id", id), ("line", line)]),
            Problem::InFuture { field, value } => t.f(
                Msg::problem_in_future,
                &[("field", field), ("value", &shown(value))],
            ),
            Problem::NoSuchHour { field, value, tz } => t.f(
                Msg::problem_no_such_hour,
                &[("field", field), ("value", &shown(value)), ("tz", tz)],
            ),
            // The form's sentence, as a clause of the line's message.
            Problem::Rule(rule) => {
                let text = rule.localize(t);
                let text = text.trim_end_matches('.');
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
            Problem::UnknownCouncilName(v) => t.f(Msg::problem_unknown_council_name, &[("value", &shown(v))]),
            Problem::CouncilCodeLength(v) => t.nf(
                Msg::problem_council_code_length,
                v.chars().count(),
                &[("value", &shown(v))],
            ),
            Problem::RetiredService(v) => t.f(Msg::problem_retired_service, &[("value", &shown(v))]),
        }
    }
}

impl IoError {
    pub fn localize(&self, t: &I18n) -> String {
        match self {
            IoError::File { path, detail } => format!("{}: {detail}", path.display()),
            IoError::Io { path, source } => crate::i18n::system::io_error(t, &path.display(), source),
            IoError::Json { path, source } => crate::i18n::system::json_error(t, &path.display(), source),
            IoError::Encoding { path, why } => match why {
                encoding::NotText::Mixed { utf8, other } => t.f(
                    Msg::err_encoding,
                    &[("path", &path.display()), ("utf8", utf8), ("line", other)],
                ),
                encoding::NotText::Utf16 => t.f(Msg::err_encoding_utf16, &[("path", &path.display())]),
                encoding::NotText::AtLine(line) => {
                    t.f(Msg::err_encoding_at, &[("path", &path.display()), ("line", line)])
                }
            },
            IoError::NotAFile { path } => t.f(Msg::err_not_a_file, &[("path", &path.display())]),
            IoError::OutputInsideStore { path, store } => t.f(
                Msg::err_output_inside_store,
                &[("path", &path.display()), ("store", &store.display())],
            ),
            IoError::OutputNotAFile { path } => t.f(Msg::err_output_not_a_file, &[("path", &path.display())]),
            IoError::TooBig { path, max_mb } => t.f(
                Msg::err_file_too_big,
                &[("path", &path.display()), ("max", max_mb)],
            ),
            IoError::Changed { path } => t.f(Msg::err_import_changed, &[("path", &path.display())]),
            IoError::MissingColumns(columns) => {
                t.f(Msg::err_missing_columns, &[("columns", &columns.join(", "))])
            }
            IoError::DuplicateColumn(column) => t.f(Msg::err_duplicate_column, &[("column", column)]),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_cell_is_quoted_short() {
        let t = I18n::new(crate::i18n::Lang::En);
        let problem = Problem::BadDate {
            field: "issued_at",
            value: "9".repeat(60_000),
        };
        let text = problem.localize(&t);
        assert_eq!(
            text,
            format!("invalid date \"{}…\" in \"issued_at\"", "9".repeat(60))
        );
        let short = Problem::BadDate {
            field: "issued_at",
            value: "dimarts".into(),
        };
        assert_eq!(short.localize(&t), "invalid date \"dimarts\" in \"issued_at\"");
    }
}
