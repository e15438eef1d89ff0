//! A council's own record: its contacts and notes, and its subscriber form (fitxa).

use super::{Field, RuleError};
use crate::domain::limits;
use crate::domain::municipality::{Contact, Municipality};
use crate::store::{Change, ChangeKind, Record};
use chrono::NaiveDate;

/// A contact as it may be entered: as it may be stored, and a phone that looks
/// like a number (or none).
pub fn validate_contact(contact: &Contact) -> Result<(), RuleError> {
    validate_stored_contact(contact)?;
    if !contact.phone.trim().is_empty() && !limits::is_plausible_phone(&contact.phone) {
        return Err(RuleError::BadPhone(contact.phone.clone()));
    }
    Ok(())
}

/// A contact as it may be stored: a name, each field within its limit, and an
/// email that looks like an address (or none). A backup is checked against
/// this: phones were free text before their rule, and a restore keeps them.
pub fn validate_stored_contact(contact: &Contact) -> Result<(), RuleError> {
    if contact.name.trim().is_empty() {
        return Err(RuleError::Empty(Field::ContactName));
    }
    for (field, text, max) in [
        (Field::ContactName, &contact.name, limits::NAME),
        (Field::Phone, &contact.phone, limits::PHONE),
        (Field::Email, &contact.email, limits::EMAIL),
    ] {
        if !limits::fits(text, max) {
            return Err(RuleError::TooLong { field, max });
        }
    }
    if !contact.email.is_empty() && !limits::is_plausible_email(&contact.email) {
        return Err(RuleError::BadEmail(contact.email.clone()));
    }
    Ok(())
}

/// The council with its contacts and notes as edited; None if nothing changed.
pub fn edit_contacts(before: &Municipality, after: Municipality) -> Result<Option<Change>, RuleError> {
    for contact in &after.contacts {
        validate_contact(contact)?;
    }
    if !limits::fits(&after.notes, limits::NOTES) {
        return Err(RuleError::TooLong {
            field: Field::Notes,
            max: limits::NOTES,
        });
    }
    if *before == after {
        return Ok(None);
    }
    Ok(Some(Change::update(
        ChangeKind::ContactsEdit,
        Record::Municipality(before.clone()),
        Record::Municipality(after),
    )))
}

/// The subscriber form sent on `date`, which cannot be after `today`.
pub fn record_fitxa(before: &Municipality, date: NaiveDate, today: NaiveDate) -> Result<Change, RuleError> {
    if date > today {
        return Err(RuleError::InFuture(Field::FormSentOn));
    }
    let mut after = before.clone();
    after.subscriber_form_sent_on = Some(date);
    Ok(Change::update(
        ChangeKind::FormSent,
        Record::Municipality(before.clone()),
        Record::Municipality(after),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::municipality::{ContactRole, IneCode};

    fn council() -> Municipality {
        Municipality {
            ine: IneCode(252228),
            name: "Tiurana".into(),
            comarca: "Noguera".into(),
            population: 69,
            population_year: 2025,
            contacts: Vec::new(),
            notes: String::new(),
            subscriber_form_sent_on: None,
        }
    }

    fn contact(name: &str, email: &str) -> Contact {
        Contact {
            role: ContactRole::Secretary,
            name: name.into(),
            phone: "973 000 000".into(),
            email: email.into(),
        }
    }

    #[test]
    fn a_contact_needs_a_name_fields_within_limits_and_a_plausible_email() {
        assert_eq!(validate_contact(&contact("Jordi Solé", "")), Ok(()));
        assert_eq!(
            validate_contact(&contact(" ", "")),
            Err(RuleError::Empty(Field::ContactName))
        );
        assert_eq!(
            validate_contact(&contact(&"n".repeat(121), "")),
            Err(RuleError::TooLong {
                field: Field::ContactName,
                max: 120
            })
        );
        let mut long_phone = contact("Jordi", "");
        long_phone.phone = "9".repeat(41);
        assert_eq!(
            validate_contact(&long_phone),
            Err(RuleError::TooLong {
                field: Field::Phone,
                max: 40
            })
        );
        assert_eq!(
            validate_contact(&contact("Jordi", "no-address")),
            Err(RuleError::BadEmail("no-address".into()))
        );
    }

    #[test]
    fn editing_contacts_is_one_change_or_none() {
        let before = council();
        assert_eq!(edit_contacts(&before, before.clone()), Ok(None));
        let mut after = before.clone();
        after
            .contacts
            .push(contact("Jordi Solé", "secretaria@tiurana.cat"));
        let change = edit_contacts(&before, after.clone()).unwrap().unwrap();
        assert_eq!(change.kind, ChangeKind::ContactsEdit);
        assert_eq!(change.edits[0].after, Some(Record::Municipality(after.clone())));
        after.contacts.push(contact("Anna", "anna at tiurana"));
        assert!(matches!(
            edit_contacts(&before, after),
            Err(RuleError::BadEmail(_))
        ));
        let mut noted = before.clone();
        noted.notes = "n".repeat(2001);
        assert_eq!(
            edit_contacts(&before, noted),
            Err(RuleError::TooLong {
                field: Field::Notes,
                max: 2000
            })
        );
    }

    #[test]
    fn a_fitxa_cannot_be_sent_tomorrow() {
        let today: NaiveDate = "2026-11-26".parse().unwrap();
        let before = council();
        let change = record_fitxa(&before, today, today).unwrap();
        assert_eq!(change.kind, ChangeKind::FormSent);
        assert!(matches!(
            &change.edits[0].after,
            Some(Record::Municipality(m)) if m.subscriber_form_sent_on == Some(today)
        ));
        assert_eq!(
            record_fitxa(&before, today.succ_opt().unwrap(), today),
            Err(RuleError::InFuture(Field::FormSentOn))
        );
    }
}
