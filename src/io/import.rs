//! Imports: all or nothing, in two passes. The first checks the whole file without the
//! store (encoding, header, every field, every time, the limits), so a file that cannot
//! be imported never locks it; the second, under the store's lock, finds the councils
//! and writes the whole file as one change in the store's history.

use super::csv_input::CsvTable;
use super::{IoError, Problem};
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::{Contact, ContactRole, IneCode, Municipality};
use crate::domain::text::clean;
use crate::ops::import::{RowError, certificate_edit, contact_edits, validate_contact, validate_request};
use crate::ops::{Field, RuleError};
use crate::store::{ChangeKind, Edit, ImportBatch, Record, Store};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The roles each import accepts, as its message lists them.
const CONTACT_ROLES: &[&str] = &[
    "mayor",
    "secretary",
    "intervenor",
    "treasurer",
    "service_manager",
    "data_certifier",
    "other",
];
const HOLDER_ROLES: &[&str] = &["mayor", "secretary", "intervenor", "treasurer", "other"];

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub rows: usize,
    pub records: usize,
    /// The file was read as Windows-1252.
    pub was_latin: bool,
    /// Cells from which control, bidi or invisible characters were removed.
    pub cleaned: usize,
    /// The certificate requests the import created.
    pub created: Vec<CertificateRequest>,
}

/// Untrusted text without the characters that could drive a terminal, counting the cells cleaned.
pub(crate) fn scrub(text: &str, cleaned: &std::cell::Cell<usize>) -> String {
    let out = clean(text);
    if matches!(out, std::borrow::Cow::Owned(_)) {
        cleaned.set(cleaned.get() + 1);
    }
    out.trim().to_string()
}

/// Rows that passed every check that needs no store, ready for `apply`.
#[derive(Debug)]
pub enum Checked {
    Contacts(Vec<(u64, IneCode, Contact)>, Tally),
    Certificates(Vec<(u64, CertificateRequest)>, Tally),
}

/// What the file held, for the command's message.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    rows: usize,
    was_latin: bool,
    cleaned: usize,
}

impl Tally {
    pub(crate) fn of(table: &CsvTable, cleaned: usize) -> Tally {
        Tally {
            rows: table.rows.len(),
            was_latin: table.was_latin,
            cleaned,
        }
    }
}

/// `ine_code,role,name,phone,email`: adds or replaces the contact with that role and name.
pub fn contacts_from(store: &dyn Store, table: &CsvTable, at: DateTime<Utc>) -> Result<Imported, IoError> {
    apply(store, check_contacts(table)?, at)
}

/// The first pass over a contacts file: everything but whether the councils exist.
pub fn check_contacts(table: &CsvTable) -> Result<Checked, IoError> {
    let [ine_c, role_c, name_c] = table.columns(["ine_code", "role", "name"])?;
    let (phone_c, email_c) = (table.column("phone"), table.column("email"));
    let cleaned = std::cell::Cell::new(0);
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let ine_text = row.required(ine_c, "ine_code")?;
        let ine = IneCode::parse(ine_text)
            .ok_or_else(|| row.error(Problem::UnknownCouncil(ine_text.to_string())))?;
        let role_text = row.required(role_c, "role")?;
        let role = ContactRole::parse(role_text)
            .ok_or_else(|| row.error(Problem::UnknownRole(role_text.into(), CONTACT_ROLES)))?;
        let name = scrub(row.required(name_c, "name")?, &cleaned);
        if name.is_empty() {
            return Err(row.error(Problem::EmptyField("name")));
        }
        let optional = |c: Option<usize>, field| -> Result<String, IoError> {
            match c {
                Some(c) => Ok(scrub(row.get(c, field)?, &cleaned)),
                None => Ok(String::new()),
            }
        };
        let contact = Contact {
            role,
            name,
            phone: optional(phone_c, "phone")?,
            email: optional(email_c, "email")?,
        };
        // The form's rules: it would refuse it later, and the council could not be saved.
        validate_contact(&contact).map_err(|rule| {
            row.error(match rule {
                RuleError::TooLong { field, max } => Problem::TooLong {
                    field: field.name(),
                    max,
                },
                RuleError::BadEmail(email) => Problem::BadEmail(email),
                other => Problem::EmptyField(other.field().unwrap_or(Field::ContactName).name()),
            })
        })?;
        rows.push((row.line, ine, contact));
    }
    Ok(Checked::Contacts(rows, Tally::of(table, cleaned.get())))
}

/// The second pass, under the store's lock: the councils must exist; then one
/// change, given to the store in batches.
pub fn apply(store: &dyn Store, checked: Checked, at: DateTime<Utc>) -> Result<Imported, IoError> {
    let councils: BTreeMap<IneCode, Municipality> = store
        .municipalities()
        .map_err(IoError::Store)?
        .into_iter()
        .map(|m| (m.ine, m))
        .collect();
    let unknown = |e: RowError| IoError::Line {
        line: e.line,
        problem: match e.error {
            RuleError::UnknownCouncil(ine) => Problem::UnknownCouncil(ine.to_string()),
            other => Problem::Unreadable(format!("{other:?}")),
        },
    };
    match checked {
        Checked::Contacts(rows, tally) => {
            let edits = contact_edits(&councils, rows).map_err(unknown)?;
            let (records, _) = commit(store, ChangeKind::ImportContacts, edits.into_iter().map(Ok), at)?;
            Ok(Imported::new(tally, records, Vec::new()))
        }
        Checked::Certificates(rows, tally) => {
            let edits = rows
                .into_iter()
                .map(|(line, request)| certificate_edit(&councils, line, request).map_err(unknown));
            let (records, applied) = commit(store, ChangeKind::ImportCertificates, edits, at)?;
            let created = applied
                .into_iter()
                .filter_map(|e| match e.after {
                    Some(Record::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            Ok(Imported::new(tally, records, created))
        }
    }
}

/// Reads a yes/no cell as spreadsheets write it.
fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "sí" | "si" | "s" | "x" | "urgent" | "urgente" => Some(true),
        "0" | "false" | "no" | "n" | "" | "ordinary" | "ordinari" | "ordinaria" | "ordinària" => Some(false),
        _ => None,
    }
}

/// `ine_code,holder,role,type,operation,urgent,status,received_at,issued_at` (plus optional
/// `reason`, `notes`, `filed_at`, `delivered_at`): every row becomes a new request.
pub fn certificates_from(
    store: &dyn Store,
    table: &CsvTable,
    tz: chrono_tz::Tz,
    at: DateTime<Utc>,
) -> Result<Imported, IoError> {
    apply(store, check_certificates(table, tz, at)?, at)
}

/// The first pass over a certificates file: every rule a request obeys (the same as the
/// form's and `cert add`'s, no time after `now`), but whether the councils exist.
pub fn check_certificates(
    table: &CsvTable,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Checked, IoError> {
    use crate::domain::catalog::cert_type;
    use crate::domain::certificate::{CertStatus, HolderRole, Operation};
    use crate::domain::localtime::{TimeError, parse_time};
    let [
        ine_c,
        holder_c,
        role_c,
        type_c,
        op_c,
        urgent_c,
        status_c,
        received_c,
        issued_c,
    ] = table.columns([
        "ine_code",
        "holder",
        "role",
        "type",
        "operation",
        "urgent",
        "status",
        "received_at",
        "issued_at",
    ])?;
    let [reason_c, notes_c, filed_c, delivered_c, status_reason_c] =
        ["reason", "notes", "filed_at", "delivered_at", "status_reason"].map(|c| table.column(c));
    let mut rows = Vec::with_capacity(table.rows.len());
    let cleaned = std::cell::Cell::new(0);
    for row in &table.rows {
        let ine_text = row.required(ine_c, "ine_code")?;
        let ine =
            IneCode::parse(ine_text).ok_or_else(|| row.error(Problem::UnknownCouncil(ine_text.into())))?;
        let holder = scrub(row.required(holder_c, "holder")?, &cleaned);
        let role_text = row.required(role_c, "role")?;
        let role = HolderRole::parse(role_text)
            .ok_or_else(|| row.error(Problem::UnknownRole(role_text.into(), HOLDER_ROLES)))?;
        let type_text = row.required(type_c, "type")?;
        let ty = cert_type(type_text).ok_or_else(|| row.error(Problem::UnknownType(type_text.into())))?;
        let op_text = row.get(op_c, "operation")?;
        let operation = if op_text.is_empty() {
            Operation::New
        } else {
            Operation::parse(op_text).ok_or_else(|| {
                row.error(Problem::UnknownValue {
                    field: "operation",
                    value: op_text.into(),
                })
            })?
        };
        let urgent_text = row.get(urgent_c, "urgent")?;
        let urgent = parse_bool(urgent_text).ok_or_else(|| {
            row.error(Problem::UnknownValue {
                field: "urgent",
                value: urgent_text.into(),
            })
        })?;
        let status_text = row.required(status_c, "status")?;
        let status = CertStatus::parse(status_text).ok_or_else(|| {
            row.error(Problem::UnknownValue {
                field: "status",
                value: status_text.into(),
            })
        })?;
        let time = |index: Option<usize>, field: &'static str| -> Result<Option<DateTime<Utc>>, IoError> {
            let Some(index) = index else {
                return Ok(None);
            };
            let text = row.get(index, field)?;
            if text.is_empty() {
                return Ok(None);
            }
            let value = text.into();
            parse_time(text, tz).map(Some).map_err(|e| {
                row.error(match e {
                    TimeError::Unreadable => Problem::BadDate { field, value },
                    TimeError::Skipped => Problem::NoSuchHour {
                        field,
                        value,
                        tz: tz.name().to_string(),
                    },
                })
            })
        };
        let received_at = time(Some(received_c), "received_at")?
            .ok_or_else(|| row.error(Problem::EmptyField("received_at")))?;
        let issued_at = time(Some(issued_c), "issued_at")?;
        if status.is_issued() && issued_at.is_none() {
            return Err(row.error(Problem::EmptyField("issued_at")));
        }
        let text_of = |c: Option<usize>, field| -> Result<String, IoError> {
            Ok(c.map(|c| row.get(c, field))
                .transpose()?
                .map(|t| scrub(t, &cleaned))
                .unwrap_or_default())
        };
        let request = CertificateRequest {
            id: 0,
            ine,
            holder,
            role,
            cert_type: ty.code.clone(),
            operation,
            urgent,
            reason: text_of(reason_c, "reason")?,
            status,
            received_at,
            filed_at: time(filed_c, "filed_at")?,
            issued_at,
            delivered_at: time(delivered_c, "delivered_at")?,
            notes: text_of(notes_c, "notes")?,
            appointment_attached: false,
            delivery_sheet_signed: status == CertStatus::Delivered,
            status_reason: text_of(status_reason_c, "status_reason")?,
            renews: None,
        };
        validate_request(&request, now).map_err(|rule| {
            row.error(match rule {
                RuleError::TooLong { field, max } => Problem::TooLong {
                    field: field.name(),
                    max,
                },
                RuleError::UrgentWithoutReason => Problem::UrgentWithoutReason(role_text.into()),
                RuleError::InFuture(field) => {
                    let column = match field {
                        Field::FiledAt => filed_c,
                        Field::IssuedAt => Some(issued_c),
                        Field::DeliveredAt => delivered_c,
                        _ => Some(received_c),
                    };
                    Problem::InFuture {
                        field: field.name(),
                        value: column
                            .and_then(|c| row.get(c, "").ok())
                            .unwrap_or_default()
                            .to_string(),
                    }
                }
                RuleError::IssuedBeforeReceived => Problem::IssuedBeforeReceived,
                other => Problem::EmptyField(other.field().unwrap_or(Field::Holder).name()),
            })
        })?;
        rows.push((row.line, request));
    }
    Ok(Checked::Certificates(rows, Tally::of(table, cleaned.get())))
}

impl Imported {
    pub(crate) fn new(tally: Tally, records: usize, created: Vec<CertificateRequest>) -> Imported {
        Imported {
            rows: tally.rows,
            records,
            was_latin: tally.was_latin,
            cleaned: tally.cleaned,
            created,
        }
    }
}

/// How many edits go to the store at a time.
const BATCH: usize = 10_000;

/// The whole file as one change in the history, given to the store in batches:
/// all of it or nothing (a row that fails drops the import unsaved). Returns how
/// many records it changed, and the edits as the store applied them (new requests
/// with their ids); no change at all leaves no history entry.
pub(crate) fn commit(
    store: &dyn Store,
    kind: ChangeKind,
    edits: impl IntoIterator<Item = Result<Edit, IoError>>,
    at: DateTime<Utc>,
) -> Result<(usize, Vec<Edit>), IoError> {
    let mut import: Option<Box<dyn ImportBatch + '_>> = None;
    let mut batch = Vec::new();
    let mut count = 0;
    for edit in edits {
        batch.push(edit?);
        count += 1;
        if batch.len() == BATCH {
            let open = match import.take() {
                Some(open) => open,
                None => store.begin_import(kind.clone()).map_err(IoError::Store)?,
            };
            let open = import.insert(open);
            open.append(std::mem::take(&mut batch)).map_err(IoError::Store)?;
        }
    }
    if count == 0 {
        return Ok((0, Vec::new()));
    }
    let mut import = match import {
        Some(import) => import,
        None => store.begin_import(kind).map_err(IoError::Store)?,
    };
    if !batch.is_empty() {
        import.append(batch).map_err(IoError::Store)?;
    }
    let applied = import.commit(at).map_err(IoError::Store)?;
    Ok((count, applied.edits))
}
