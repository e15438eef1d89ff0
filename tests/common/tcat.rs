//! T-CAT tests share these: certificates stored as another writer would, and
//! a council whose mayor changes hands.

use super::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Store};

/// A certificate issued (and delivered) at `issued`, for `ine`.
pub fn issued(ine: u32, holder: &str, role: HolderRole, issued: &str) -> CertificateRequest {
    let at_issue = at(issued);
    let mut c = CertificateRequest::received(NEW_ID, IneCode(ine), holder, role, "tcat", at_issue);
    c.status = CertStatus::Delivered;
    c.appointment_attached = true;
    c.filed_at = Some(at_issue);
    c.issued_at = Some(at_issue);
    c.delivered_at = Some(at_issue);
    c
}

/// The fixture with `certs` stored, opened again, on Certificats at `now`.
pub fn with_certs(certs: Vec<CertificateRequest>, now: &str) -> Fixture {
    let f = fixture();
    for c in certs {
        let change = Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(c))]);
        f.disk.apply(change, at("2026-11-01T09:00:00Z")).unwrap();
    }
    let mut f = f.restart();
    f.clock.set(at(now));
    press(&mut f.app, KeyCode::Char('3'));
    f
}

pub fn cert(f: &Fixture, id: u64) -> CertificateRequest {
    f.app.data.certs.get(id).unwrap().clone()
}

/// Tiurana's mayor (expires 10/01/2027) and Àger's secretary (expires 20/12/2026).
pub fn two_certificates() -> Fixture {
    with_certs(
        vec![
            issued(252228, "Maria Puig", HolderRole::Mayor, "2023-01-10T10:00:00Z"),
            issued(
                250024,
                "Jordi Solé",
                HolderRole::Secretary,
                "2022-12-20T10:00:00Z",
            ),
        ],
        "2026-12-04T09:00:00Z",
    )
}

/// Tiurana with Maria Puig as its mayor, and her card issued in 2025.
pub fn tiurana_with_its_mayor(now: &str) -> Fixture {
    tiurana_with_mayor_named(now, "Maria Puig")
}

/// Tiurana with its mayor `name`, whose card was issued on 10/03/2025.
pub fn tiurana_with_mayor_named(now: &str, name: &str) -> Fixture {
    let f = fixture();
    let before = f
        .disk
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Tiurana")
        .unwrap();
    let mut after = before.clone();
    after.contacts.push(ocsae::domain::municipality::Contact {
        role: ocsae::domain::municipality::ContactRole::Mayor,
        name: name.into(),
        phone: String::new(),
        email: String::new(),
    });
    f.disk
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(before),
                Record::Municipality(after),
            ),
            at("2026-11-01T09:00:00Z"),
        )
        .unwrap();
    let card = issued(252228, name, HolderRole::Mayor, "2025-03-10T10:00:00Z");
    f.disk
        .apply(
            Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(card))]),
            at("2026-11-01T09:00:00Z"),
        )
        .unwrap();
    let f = f.restart();
    f.clock.set(at(now));
    f
}

/// On Municipis, Tiurana's mayor renamed in the contacts form and saved.
pub fn replace_the_mayor(f: &mut Fixture, name: &str) {
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    // The focus starts on the first row's name: the mayor's.
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, name);
    press(&mut f.app, KeyCode::Enter);
}
