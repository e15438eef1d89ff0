//! A change of office-holder: a council's mayor, secretary or intervenor
//! contact replaced by a new name. The dashboard then offers a request for the
//! new holder and the revocation (`relationship_ended`) of the outgoing
//! holder's valid certificates.

use super::RuleError;
use crate::domain::certificate::{CertificateRequest, HolderRole, Operation};
use crate::domain::municipality::{ContactRole, IneCode, Municipality};
use crate::domain::revocation::RevocationReason;
use crate::domain::search::fold;
use crate::store::{Change, ChangeKind, Edit, NEW_ID, Record};
use chrono::{DateTime, Utc};

/// One post that changed hands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub ine: IneCode,
    pub role: HolderRole,
    pub outgoing: String,
    pub incoming: String,
}

/// The posts whose certificates follow the holder.
const POSTS: [(ContactRole, HolderRole); 3] = [
    (ContactRole::Mayor, HolderRole::Mayor),
    (ContactRole::Secretary, HolderRole::Secretary),
    (ContactRole::Intervenor, HolderRole::Intervenor),
];

/// The posts where a name left and another came, between two versions of a council.
pub fn handovers(before: &Municipality, after: &Municipality) -> Vec<Handover> {
    let names = |m: &Municipality, role: ContactRole| -> Vec<String> {
        m.contacts
            .iter()
            .filter(|c| c.role == role && !c.name.trim().is_empty())
            .map(|c| c.name.trim().to_string())
            .collect()
    };
    let mut out = Vec::new();
    for (contact_role, role) in POSTS {
        let (old, new) = (names(before, contact_role), names(after, contact_role));
        let missing_from = |list: &[String], name: &String| !list.iter().any(|n| fold(n) == fold(name));
        let gone = old.iter().find(|n| missing_from(&new, n));
        let came = new.iter().find(|n| missing_from(&old, n));
        if let (Some(outgoing), Some(incoming)) = (gone, came) {
            out.push(Handover {
                ine: after.ine,
                role,
                outgoing: outgoing.clone(),
                incoming: incoming.clone(),
            });
        }
    }
    out
}

/// The outgoing holder's certificates that can still be revoked: issued, of this
/// council, not expired at `now`, and not revoked or being revoked.
pub fn valid_certificates<'a>(
    certs: impl IntoIterator<Item = &'a CertificateRequest>,
    handover: &Handover,
    being_revoked: impl Fn(u64) -> bool,
    now: DateTime<Utc>,
) -> Vec<&'a CertificateRequest> {
    let name = fold(&handover.outgoing);
    certs
        .into_iter()
        .filter(|c| {
            c.ine == handover.ine
                && c.operation != Operation::Revocation
                && c.status.is_issued()
                && fold(&c.holder) == name
                && super::revocation::expired_at(c, now).is_none()
                && !being_revoked(c.id)
        })
        .collect()
}

/// One change revoking each certificate, `relationship_ended`, received `now`.
pub fn revoke_all(certs: &[&CertificateRequest], now: DateTime<Utc>) -> Result<Option<Change>, RuleError> {
    let mut edits = Vec::new();
    for c in certs {
        let mut r =
            CertificateRequest::received(NEW_ID, c.ine, c.holder.clone(), c.role, c.cert_type.clone(), now);
        r.operation = Operation::Revocation;
        r.set_revokes(Some(c.id));
        r.set_revocation_reason(Some(RevocationReason::RelationshipEnded));
        super::requests::validate(&r, now)?;
        super::revocation::check(&r, Some(c), None)?;
        let original = Record::Certificate((*c).clone());
        edits.push(Edit::create(Record::Certificate(r)));
        edits.push(Edit::update(original.clone(), original));
    }
    Ok((!edits.is_empty()).then(|| Change::new(ChangeKind::CertRevocation, edits)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::CertStatus;
    use crate::domain::municipality::Contact;

    fn council(mayor: &str) -> Municipality {
        Municipality {
            ine: IneCode(252228),
            name: "Tiurana".into(),
            comarca: "Noguera".into(),
            population: 69,
            population_year: 2025,
            contacts: vec![
                Contact {
                    role: ContactRole::Mayor,
                    name: mayor.into(),
                    phone: String::new(),
                    email: String::new(),
                },
                Contact {
                    role: ContactRole::Treasurer,
                    name: "Pere".into(),
                    phone: String::new(),
                    email: String::new(),
                },
            ],
            notes: String::new(),
            subscriber_form_sent_on: None,
        }
    }

    #[test]
    fn a_new_name_in_a_post_is_a_handover_and_a_spelling_fix_is_not() {
        let found = handovers(&council("Maria Puig"), &council("Joan Soler"));
        assert_eq!(
            found,
            [Handover {
                ine: IneCode(252228),
                role: HolderRole::Mayor,
                outgoing: "Maria Puig".into(),
                incoming: "Joan Soler".into()
            }]
        );
        assert!(handovers(&council("Maria Puig"), &council("maria puig")).is_empty());
        let mut treasurer = council("Maria Puig");
        treasurer.contacts[1].name = "Rosa".into();
        assert!(
            handovers(&council("Maria Puig"), &treasurer).is_empty(),
            "not a post that follows"
        );
    }

    #[test]
    fn the_outgoing_holders_valid_certificates_are_revoked_in_one_change() {
        let now: DateTime<Utc> = "2027-06-20T10:00:00Z".parse().unwrap();
        let issued = |id: u64, holder: &str, at: &str| {
            let mut c = CertificateRequest::received(
                id,
                IneCode(252228),
                holder,
                HolderRole::Mayor,
                "tcat",
                at.parse().unwrap(),
            );
            c.status = CertStatus::Delivered;
            c.issued_at = Some(at.parse().unwrap());
            c
        };
        let certs = [
            issued(1, "Maria Puig", "2024-01-10T10:00:00Z"),
            issued(2, "maria PUIG", "2026-03-01T10:00:00Z"),
            issued(3, "Maria Puig", "2022-01-10T10:00:00Z"),
            issued(4, "Joan Soler", "2026-03-01T10:00:00Z"),
        ];
        let handover = &handovers(&council("Maria Puig"), &council("Joan Soler"))[0];
        let valid = valid_certificates(&certs, handover, |id| id == 2, now);
        assert_eq!(
            valid.iter().map(|c| c.id).collect::<Vec<_>>(),
            [1],
            "#2 being revoked, #3 expired"
        );
        let change = revoke_all(&valid, now).unwrap().unwrap();
        assert_eq!(change.kind, ChangeKind::CertRevocation);
        assert!(matches!(
            &change.edits[0].after,
            Some(Record::Certificate(r)) if r.revokes() == Some(1)
                && r.revocation_reason() == Some(RevocationReason::RelationshipEnded)
        ));
        assert_eq!(revoke_all(&[], now), Ok(None));
    }
}
