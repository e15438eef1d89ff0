//! Imports: all or nothing. Every row is checked before anything is written,
//! and the whole file is one change in the store's history.

use super::csv_input::{self, CsvTable};
use super::{IoError, Problem};
use crate::domain::certificate::CertificateRequest;
use crate::domain::limits;
use crate::domain::municipality::{Contact, ContactRole, IneCode, Municipality};
use crate::domain::text::clean;
use crate::store::{Change, Edit, Record, Store};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;

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

/// Finds a council by INE code, among those in the store.
fn council<'a>(by_ine: &'a BTreeMap<IneCode, Municipality>, text: &str) -> Option<&'a Municipality> {
    IneCode::parse(text).and_then(|ine| by_ine.get(&ine))
}

/// `ine_code,role,name,phone,email`: adds or replaces the contact with that role and name.
pub fn contacts(store: &Store, path: &Path, at: DateTime<Utc>) -> Result<Imported, IoError> {
    let table = csv_input::read(path)?;
    contacts_from(store, &table, at)
}

pub fn contacts_from(store: &Store, table: &CsvTable, at: DateTime<Utc>) -> Result<Imported, IoError> {
    let [ine_c, role_c, name_c] = table.columns(["ine_code", "role", "name"])?;
    let (phone_c, email_c) = (table.column("phone"), table.column("email"));
    let originals: BTreeMap<IneCode, Municipality> = store
        .municipalities()
        .map_err(IoError::Store)?
        .into_iter()
        .map(|m| (m.ine, m))
        .collect();
    let mut changed: BTreeMap<IneCode, Municipality> = BTreeMap::new();
    let cleaned = std::cell::Cell::new(0);
    for row in &table.rows {
        let ine = row.required(ine_c, "ine_code")?;
        let Some(original) = council(&originals, ine) else {
            return Err(row.error(Problem::UnknownCouncil(ine.to_string())));
        };
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
        changed
            .entry(original.ine)
            .or_insert_with(|| original.clone())
            .upsert_contact(contact);
    }
    let edits: Vec<Edit> = changed
        .into_values()
        .filter(|after| originals.get(&after.ine) != Some(after))
        .map(|after| {
            Edit::update(
                Record::Municipality(originals[&after.ine].clone()),
                Record::Municipality(after),
            )
        })
        .collect();
    let imported = Imported::new(table, edits.len(), cleaned.get(), Vec::new());
    commit(store, "import.contacts", edits, at)?;
    Ok(imported)
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
pub fn certificates(
    store: &Store,
    path: &Path,
    calendar_tz: chrono_tz::Tz,
    at: DateTime<Utc>,
) -> Result<Imported, IoError> {
    let table = csv_input::read(path)?;
    certificates_from(store, &table, calendar_tz, at)
}

pub fn certificates_from(
    store: &Store,
    table: &CsvTable,
    tz: chrono_tz::Tz,
    at: DateTime<Utc>,
) -> Result<Imported, IoError> {
    use crate::domain::catalog::cert_type;
    use crate::domain::certificate::{CertStatus, HolderRole, Operation, check_urgency};
    use crate::domain::localtime::parse_time;
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
    let optional = ["reason", "notes", "filed_at", "delivered_at", "status_reason"].map(|c| table.column(c));
    let councils: BTreeMap<IneCode, Municipality> = store
        .municipalities()
        .map_err(IoError::Store)?
        .into_iter()
        .map(|m| (m.ine, m))
        .collect();
    let first_id = store.next_certificate_id().map_err(IoError::Store)?;
    let mut edits = Vec::with_capacity(table.rows.len());
    let mut created = Vec::with_capacity(table.rows.len());
    let cleaned = std::cell::Cell::new(0);
    for (n, row) in table.rows.iter().enumerate() {
        let ine = row.required(ine_c, "ine_code")?;
        let council =
            council(&councils, ine).ok_or_else(|| row.error(Problem::UnknownCouncil(ine.into())))?;
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
        let time = |index: usize, field: &'static str| -> Result<Option<DateTime<Utc>>, IoError> {
            let text = row.get(index, field)?;
            if text.is_empty() {
                return Ok(None);
            }
            parse_time(text, tz).map(Some).ok_or_else(|| {
                row.error(Problem::BadDate {
                    field,
                    value: text.into(),
                })
            })
        };
        let received_at =
            time(received_c, "received_at")?.ok_or_else(|| row.error(Problem::EmptyField("received_at")))?;
        let issued_at = time(issued_c, "issued_at")?;
        if status.is_issued() && issued_at.is_none() {
            return Err(row.error(Problem::EmptyField("issued_at")));
        }
        if issued_at.is_some_and(|issued| issued < received_at) {
            return Err(row.error(Problem::IssuedBeforeReceived));
        }
        let text_of = |c: Option<usize>, field| -> Result<String, IoError> {
            Ok(c.map(|c| row.get(c, field))
                .transpose()?
                .map(|t| scrub(t, &cleaned))
                .unwrap_or_default())
        };
        let reason = text_of(optional[0], "reason")?;
        if check_urgency(role, urgent, &reason).is_err() {
            return Err(row.error(Problem::UrgentWithoutReason(role_text.into())));
        }
        let filed_at = match optional[2] {
            Some(c) => time(c, "filed_at")?,
            None => None,
        };
        let delivered_at = match optional[3] {
            Some(c) => time(c, "delivered_at")?,
            None => None,
        };
        for (field, text, max) in [
            ("holder", holder.as_str(), limits::NAME),
            ("reason", reason.as_str(), limits::REASON),
        ] {
            if !limits::fits(text, max) {
                return Err(row.error(Problem::TooLong { field, max }));
            }
        }
        let notes = text_of(optional[1], "notes")?;
        if !limits::fits(&notes, limits::NOTES) {
            return Err(row.error(Problem::TooLong {
                field: "notes",
                max: limits::NOTES,
            }));
        }
        let request = CertificateRequest {
            id: first_id + n as u64,
            ine: council.ine,
            holder,
            role,
            cert_type: ty.code.clone(),
            operation,
            urgent,
            reason,
            status,
            received_at,
            filed_at,
            issued_at,
            delivered_at,
            notes,
            appointment_attached: false,
            delivery_sheet_signed: status == CertStatus::Delivered,
            status_reason: text_of(optional[4], "status_reason")?,
            renews: None,
        };
        created.push(request.clone());
        edits.push(Edit::create(Record::Certificate(request)));
    }
    let imported = Imported::new(table, edits.len(), cleaned.get(), created);
    commit(store, "import.certificates", edits, at)?;
    Ok(imported)
}

impl Imported {
    fn new(table: &CsvTable, records: usize, cleaned: usize, created: Vec<CertificateRequest>) -> Imported {
        Imported {
            rows: table.rows.len(),
            records,
            was_latin: table.was_latin,
            cleaned,
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
