//! Town councils, their contacts and their fitxa de subscriptor.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The six-digit INE code (five digits plus check digit), kept as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IneCode(pub u32);

impl IneCode {
    /// Parses exactly six ASCII digits.
    pub fn parse(text: &str) -> Option<IneCode> {
        let text = text.trim();
        if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse().ok().map(IneCode)
        } else {
            None
        }
    }
}

impl fmt::Display for IneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// The role a contact has for the office (DOMAIN.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ContactRole {
    Mayor,
    Secretary,
    Intervenor,
    Treasurer,
    ServiceManager,
    DataCertifier,
    Other,
}

impl ContactRole {
    pub const ALL: [ContactRole; 7] = [
        ContactRole::Mayor,
        ContactRole::Secretary,
        ContactRole::Intervenor,
        ContactRole::Treasurer,
        ContactRole::ServiceManager,
        ContactRole::DataCertifier,
        ContactRole::Other,
    ];

    /// The machine name used in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Mayor => "mayor",
            ContactRole::Secretary => "secretary",
            ContactRole::Intervenor => "intervenor",
            ContactRole::Treasurer => "treasurer",
            ContactRole::ServiceManager => "service_manager",
            ContactRole::DataCertifier => "data_certifier",
            ContactRole::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ContactRole> {
        let text = text.trim();
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub role: ContactRole,
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    pub ine: IneCode,
    pub name: String,
    pub comarca: String,
    pub population: u32,
    pub population_year: u16,
    pub contacts: Vec<Contact>,
    pub notes: String,
    pub subscriber_form_sent_on: Option<NaiveDate>,
}

/// Where a council stands with its fitxa de subscriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FormStatus {
    Valid,
    /// Renewal falls due within the warning window; days left.
    Expiring(i64),
    Expired,
    NotSent,
}

/// The fitxa must be sent again every 24 months.
pub const FORM_VALIDITY_MONTHS: u32 = 24;
/// How early the dashboard starts warning about a fitxa to renew.
pub const FORM_WARNING_DAYS: i64 = 60;
/// A fitxa needs at least two service managers and two data certifiers.
pub const FORM_MIN_PER_ROLE: usize = 2;

impl Municipality {
    /// Whether the office serves it: under the population threshold. The one rule for
    /// which councils are listed, counted in adoption and expected to be visited.
    pub fn is_served(&self, threshold: u32) -> bool {
        self.population < threshold
    }

    /// The date the fitxa must be renewed by, if it was ever sent.
    pub fn form_due_on(&self) -> Option<NaiveDate> {
        self.subscriber_form_sent_on
            .and_then(|d| d.checked_add_months(Months::new(FORM_VALIDITY_MONTHS)))
    }

    pub fn form_status(&self, today: NaiveDate) -> FormStatus {
        match self.form_due_on() {
            None => FormStatus::NotSent,
            Some(due) => {
                let days = (due - today).num_days();
                if days <= 0 {
                    FormStatus::Expired
                } else if days <= FORM_WARNING_DAYS {
                    FormStatus::Expiring(days)
                } else {
                    FormStatus::Valid
                }
            }
        }
    }

    pub fn count_role(&self, role: ContactRole) -> usize {
        self.contacts.iter().filter(|c| c.role == role).count()
    }

    /// The roles the fitxa lacks to reach its minimum of two people each.
    pub fn form_missing_roles(&self) -> Vec<ContactRole> {
        [ContactRole::ServiceManager, ContactRole::DataCertifier]
            .into_iter()
            .filter(|&r| self.count_role(r) < FORM_MIN_PER_ROLE)
            .collect()
    }

    /// Adds a contact, or replaces the one with the same role and name.
    pub fn upsert_contact(&mut self, contact: Contact) {
        let same = |c: &Contact| {
            c.role == contact.role
                && crate::domain::search::fold(&c.name) == crate::domain::search::fold(&contact.name)
        };
        match self.contacts.iter_mut().find(|c| same(c)) {
            Some(existing) => *existing = contact,
            None => self.contacts.push(contact),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn council() -> Municipality {
        Municipality {
            ine: IneCode(252228),
            name: "Tiurana".into(),
            comarca: "Noguera".into(),
            population: 69,
            population_year: 2025,
            contacts: vec![],
            notes: String::new(),
            subscriber_form_sent_on: None,
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn ine_codes_are_six_digits() {
        assert_eq!(IneCode::parse("080018"), Some(IneCode(80018)));
        assert_eq!(IneCode(80018).to_string(), "080018");
        assert_eq!(IneCode::parse("80018"), None);
        assert_eq!(IneCode::parse("08001x"), None);
    }

    #[test]
    fn the_fitxa_lasts_24_months_and_warns_60_days_before() {
        let mut m = council();
        assert_eq!(m.form_status(date("2026-11-26")), FormStatus::NotSent);
        m.subscriber_form_sent_on = Some(date("2025-01-10"));
        assert_eq!(m.form_due_on(), Some(date("2027-01-10")));
        assert_eq!(m.form_status(date("2026-11-26")), FormStatus::Expiring(45));
        assert_eq!(m.form_status(date("2026-11-11")), FormStatus::Expiring(60));
        assert_eq!(m.form_status(date("2026-11-10")), FormStatus::Valid);
        assert_eq!(m.form_status(date("2027-01-10")), FormStatus::Expired);
    }

    #[test]
    fn the_fitxa_needs_two_managers_and_two_certifiers() {
        let mut m = council();
        let person = |role, name: &str| Contact {
            role,
            name: name.into(),
            phone: String::new(),
            email: String::new(),
        };
        m.upsert_contact(person(ContactRole::ServiceManager, "Anna"));
        m.upsert_contact(person(ContactRole::DataCertifier, "Pere"));
        m.upsert_contact(person(ContactRole::DataCertifier, "Marta"));
        assert_eq!(m.form_missing_roles(), vec![ContactRole::ServiceManager]);
        m.upsert_contact(person(ContactRole::ServiceManager, "Jordi"));
        assert!(m.form_missing_roles().is_empty());
    }

    #[test]
    fn upsert_replaces_same_role_and_name() {
        let mut m = council();
        let mut c = Contact {
            role: ContactRole::Mayor,
            name: "Joan Puig".into(),
            phone: "1".into(),
            email: String::new(),
        };
        m.upsert_contact(c.clone());
        c.phone = "2".into();
        c.name = "JOAN PUIG".into();
        m.upsert_contact(c);
        assert_eq!(m.contacts.len(), 1);
        assert_eq!(m.contacts[0].phone, "2");
    }

    #[test]
    fn roles_round_trip_their_machine_names() {
        for r in ContactRole::ALL {
            assert_eq!(ContactRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(ContactRole::parse("alcalde"), None);
    }
}
