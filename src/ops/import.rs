//! Imports: each row obeys the rules of the record it makes (`validate_contact`,
//! `requests::validate`), then the rows become the edits of one change.

use super::RuleError;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::{Contact, IneCode, Municipality};
use crate::store::{Edit, Record};
use std::collections::BTreeMap;

pub use super::councils::validate_contact;
pub use super::requests::validate as validate_request;

/// A row that cannot go in: its line in the file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub error: RuleError,
}

/// The contacts of a file, by line, merged into the councils they name (a contact
/// with the same role and name is replaced): one edit per council that changes.
pub fn contact_edits(
    councils: &BTreeMap<IneCode, Municipality>,
    rows: impl IntoIterator<Item = (u64, IneCode, Contact)>,
) -> Result<Vec<Edit>, RowError> {
    let mut changed: BTreeMap<IneCode, Municipality> = BTreeMap::new();
    for (line, ine, contact) in rows {
        let original = councils.get(&ine).ok_or(RowError {
            line,
            error: RuleError::UnknownCouncil(ine),
        })?;
        changed
            .entry(ine)
            .or_insert_with(|| original.clone())
            .upsert_contact(contact);
    }
    Ok(changed
        .into_values()
        .filter(|after| councils.get(&after.ine) != Some(after))
        .map(|after| {
            Edit::update(
                Record::Municipality(councils[&after.ine].clone()),
                Record::Municipality(after),
            )
        })
        .collect())
}

/// A new request from a row, for a council the store holds; the store gives its id.
pub fn certificate_edit(
    councils: &BTreeMap<IneCode, Municipality>,
    line: u64,
    mut request: CertificateRequest,
) -> Result<Edit, RowError> {
    if !councils.contains_key(&request.ine) {
        return Err(RowError {
            line,
            error: RuleError::UnknownCouncil(request.ine),
        });
    }
    request.id = crate::store::NEW_ID;
    Ok(Edit::create(Record::Certificate(request)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::HolderRole;
    use crate::domain::municipality::ContactRole;

    fn councils() -> BTreeMap<IneCode, Municipality> {
        let m = Municipality {
            ine: IneCode(252228),
            name: "Tiurana".into(),
            comarca: "Noguera".into(),
            population: 69,
            population_year: 2025,
            contacts: Vec::new(),
            notes: String::new(),
            subscriber_form_sent_on: None,
        };
        BTreeMap::from([(m.ine, m)])
    }

    fn contact(name: &str) -> Contact {
        Contact {
            role: ContactRole::Mayor,
            name: name.into(),
            phone: String::new(),
            email: String::new(),
        }
    }

    #[test]
    fn contacts_merge_per_council_and_an_unknown_council_names_its_line() {
        let councils = councils();
        let edits = contact_edits(
            &councils,
            [
                (2, IneCode(252228), contact("Anna")),
                (3, IneCode(252228), contact("Anna")),
                (4, IneCode(252228), contact("Pere")),
            ],
        )
        .unwrap();
        assert_eq!(edits.len(), 1, "one edit for the council");
        assert!(matches!(
            &edits[0].after,
            Some(Record::Municipality(m)) if m.contacts.len() == 2
        ));
        let unknown = contact_edits(&councils, [(7, IneCode(250001), contact("Anna"))]);
        assert_eq!(
            unknown,
            Err(RowError {
                line: 7,
                error: RuleError::UnknownCouncil(IneCode(250001))
            })
        );
        // Nothing new: no edit at all.
        let mut known = councils.clone();
        known
            .get_mut(&IneCode(252228))
            .unwrap()
            .contacts
            .push(contact("Anna"));
        assert!(
            contact_edits(&known, [(2, IneCode(252228), contact("Anna"))])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_request_row_becomes_a_creation_with_its_id_left_to_the_store() {
        let at = "2026-11-20T09:00:00Z".parse().unwrap();
        let request =
            CertificateRequest::received(99, IneCode(252228), "Anna", HolderRole::Mayor, "tcat", at);
        let edit = certificate_edit(&councils(), 2, request.clone()).unwrap();
        assert!(matches!(&edit.after, Some(Record::Certificate(c)) if c.id == crate::store::NEW_ID));
        let elsewhere = CertificateRequest {
            ine: IneCode(250001),
            ..request
        };
        assert_eq!(certificate_edit(&councils(), 5, elsewhere).unwrap_err().line, 5);
    }
}
