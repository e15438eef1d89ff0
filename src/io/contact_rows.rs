//! The rows of a contacts file (`ine_code,role,name,phone,email`), each checked as
//! it is read with the contact form's rules.

use super::IoError;
use super::Problem;
use super::csv_input::{CsvRow, Header};
use super::import::{Rows, scrub};
use crate::domain::municipality::{Contact, ContactRole, IneCode};
use crate::ops::import::validate_contact;
use crate::ops::{Field, RuleError};
use std::cell::Cell;

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

/// The columns of a contacts file.
struct ContactColumns {
    ine: usize,
    role: usize,
    name: usize,
    phone: Option<usize>,
    email: Option<usize>,
}

/// The rows of a contacts file, each checked as it is read: everything but whether
/// the council exists.
pub(super) fn contact_rows<'a>(
    header: &Header,
    rows: Rows<'a>,
    cleaned: &'a Cell<usize>,
) -> Result<impl Iterator<Item = Result<(u64, IneCode, Contact), IoError>> + 'a, IoError> {
    let [ine, role, name] = header.columns(["ine_code", "role", "name"])?;
    let columns = ContactColumns {
        ine,
        role,
        name,
        phone: header.column("phone"),
        email: header.column("email"),
    };
    Ok(rows.map(move |row| contact_row(&row?, &columns, cleaned)))
}

fn contact_row(
    row: &CsvRow,
    columns: &ContactColumns,
    cleaned: &Cell<usize>,
) -> Result<(u64, IneCode, Contact), IoError> {
    let ine_text = row.required(columns.ine, "ine_code")?;
    let ine =
        IneCode::parse(ine_text).ok_or_else(|| row.error(Problem::UnknownCouncil(ine_text.to_string())))?;
    let role_text = row.required(columns.role, "role")?;
    let role = ContactRole::parse(role_text)
        .ok_or_else(|| row.error(Problem::UnknownRole(role_text.into(), CONTACT_ROLES)))?;
    let name = scrub(row.required(columns.name, "name")?, cleaned);
    if name.is_empty() {
        return Err(row.error(Problem::EmptyField("name")));
    }
    let optional = |c: Option<usize>, field| -> Result<String, IoError> {
        match c {
            Some(c) => Ok(scrub(row.get(c, field)?, cleaned)),
            None => Ok(String::new()),
        }
    };
    let contact = Contact {
        role,
        name,
        phone: optional(columns.phone, "phone")?,
        email: optional(columns.email, "email")?,
    };
    // The form's rules: it would refuse it later, and the council could not be saved.
    validate_contact(&contact).map_err(|rule| {
        row.error(match rule {
            RuleError::TooLong { field, max } => Problem::TooLong {
                field: field.name(),
                max,
            },
            RuleError::BadEmail(email) => Problem::BadEmail(email),
            RuleError::BadPhone(phone) => Problem::BadPhone(phone),
            other => Problem::EmptyField(other.field().unwrap_or(Field::ContactName).name()),
        })
    })?;
    Ok((row.line, ine, contact))
}
