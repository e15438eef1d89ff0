//! Imports: all or nothing. Every row is checked before anything is written,
//! and the whole file is one change in the store's history.

use super::csv_input::{self, CsvTable};
use super::{IoError, Problem};
use crate::domain::municipality::{Contact, ContactRole, IneCode, Municipality};
use crate::domain::text::clean;
use crate::store::{Change, Edit, Record, Store};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub rows: usize,
    pub records: usize,
    /// The file was read as Windows-1252.
    pub was_latin: bool,
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
    for row in &table.rows {
        let ine = row.required(ine_c, "ine_code")?;
        let Some(original) = council(&originals, ine) else {
            return Err(row.error(Problem::UnknownCouncil(ine.to_string())));
        };
        let role_text = row.required(role_c, "role")?;
        let role =
            ContactRole::parse(role_text).ok_or_else(|| row.error(Problem::UnknownRole(role_text.into())))?;
        let name = clean(row.required(name_c, "name")?).trim().to_string();
        if name.is_empty() {
            return Err(row.error(Problem::EmptyField("name")));
        }
        let optional = |c: Option<usize>, field| -> Result<String, IoError> {
            match c {
                Some(c) => Ok(clean(row.get(c, field)?).into_owned()),
                None => Ok(String::new()),
            }
        };
        let contact = Contact {
            role,
            name,
            phone: optional(phone_c, "phone")?,
            email: optional(email_c, "email")?,
        };
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
    let records = edits.len();
    if records > 0 {
        store
            .apply(Change::new("import.contacts", edits), at)
            .map_err(IoError::Store)?;
    }
    Ok(Imported {
        rows: table.rows.len(),
        records,
        was_latin: table.was_latin,
    })
}
