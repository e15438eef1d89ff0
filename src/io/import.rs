//! Imports: all or nothing, in two passes. The first checks the whole file without the
//! store (encoding, header, every field, every time, the limits), so a file that cannot
//! be imported never locks it; the second, under the store's lock, finds the councils
//! and writes the whole file as one change in the store's history.

use super::csv_input::CsvTable;
use super::{IoError, Problem};
use crate::domain::certificate::CertificateRequest;
use crate::domain::limits;
use crate::domain::municipality::{Contact, ContactRole, IneCode, Municipality};
use crate::domain::text::clean;
use crate::store::{Change, Edit, Record, Store};
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
fn scrub(text: &str, cleaned: &std::cell::Cell<usize>) -> String {
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
    fn of(table: &CsvTable, cleaned: usize) -> Tally {
        Tally {
            rows: table.rows.len(),
            was_latin: table.was_latin,
            cleaned,
        }
    }
}

/// `ine_code,role,name,phone,email`: adds or replaces the contact with that role and name.
pub fn contacts_from(store: &Store, table: &CsvTable, at: DateTime<Utc>) -> Result<Imported, IoError> {
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
        for (field, text, max) in [
            ("name", &contact.name, limits::NAME),
            ("phone", &contact.phone, limits::PHONE),
            ("email", &contact.email, limits::EMAIL),
        ] {
            if !limits::fits(text, max) {
                return Err(row.error(Problem::TooLong { field, max }));
            }
        }
        // The form would refuse it later, and the council could not be saved.
        if !contact.email.is_empty() && !limits::is_plausible_email(&contact.email) {
            return Err(row.error(Problem::BadEmail(contact.email)));
        }
        rows.push((row.line, ine, contact));
    }
    Ok(Checked::Contacts(rows, Tally::of(table, cleaned.get())))
}

/// The second pass, under the store's lock: the councils must exist; then one change.
pub fn apply(store: &Store, checked: Checked, at: DateTime<Utc>) -> Result<Imported, IoError> {
    let councils: BTreeMap<IneCode, Municipality> = store
        .municipalities()
        .map_err(IoError::Store)?
        .into_iter()
        .map(|m| (m.ine, m))
        .collect();
    let unknown = |line, ine: IneCode| IoError::Line {
        line,
        problem: Problem::UnknownCouncil(ine.to_string()),
    };
    match checked {
        Checked::Contacts(rows, tally) => {
            let mut changed: BTreeMap<IneCode, Municipality> = BTreeMap::new();
            for (line, ine, contact) in rows {
                let original = councils.get(&ine).ok_or_else(|| unknown(line, ine))?;
                changed
                    .entry(ine)
                    .or_insert_with(|| original.clone())
                    .upsert_contact(contact);
            }
            let edits: Vec<Edit> = changed
                .into_values()
                .filter(|after| councils.get(&after.ine) != Some(after))
                .map(|after| {
                    Edit::update(
                        Record::Municipality(councils[&after.ine].clone()),
                        Record::Municipality(after),
                    )
                })
                .collect();
            let imported = Imported::new(tally, edits.len(), Vec::new());
            commit(store, "import.contacts", edits, at)?;
            Ok(imported)
        }
        Checked::Certificates(rows, tally) => {
            let first_id = store.next_certificate_id().map_err(IoError::Store)?;
            let mut edits = Vec::with_capacity(rows.len());
            let mut created = Vec::with_capacity(rows.len());
            for (n, (line, mut request)) in rows.into_iter().enumerate() {
                if !councils.contains_key(&request.ine) {
                    return Err(unknown(line, request.ine));
                }
                request.id = first_id + n as u64;
                created.push(request.clone());
                edits.push(Edit::create(Record::Certificate(request)));
            }
            let imported = Imported::new(tally, edits.len(), created);
            commit(store, "import.certificates", edits, at)?;
            Ok(imported)
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
    store: &Store,
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
    use crate::domain::request_rules::{self, Broken, Field};
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
        request_rules::check(&request, now).map_err(|broken| {
            row.error(match broken {
                Broken::Empty(field) => Problem::EmptyField(field.name()),
                Broken::TooLong { field, max } => Problem::TooLong {
                    field: field.name(),
                    max,
                },
                Broken::UrgentWithoutReason => Problem::UrgentWithoutReason(role_text.into()),
                Broken::InFuture(field) => {
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
                Broken::IssuedBeforeReceived => Problem::IssuedBeforeReceived,
            })
        })?;
        rows.push((row.line, request));
    }
    Ok(Checked::Certificates(rows, Tally::of(table, cleaned.get())))
}

impl Imported {
    fn new(tally: Tally, records: usize, created: Vec<CertificateRequest>) -> Imported {
        Imported {
            rows: tally.rows,
            records,
            was_latin: tally.was_latin,
            cleaned: tally.cleaned,
            created,
        }
    }
}

/// The whole file as one change in the history: all of it or nothing.
fn commit(store: &Store, action: &str, edits: Vec<Edit>, at: DateTime<Utc>) -> Result<(), IoError> {
    if !edits.is_empty() {
        store
            .apply(Change::new(action, edits), at)
            .map_err(IoError::Store)?;
    }
    Ok(())
}
