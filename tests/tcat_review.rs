//! Issue 18's new-user review: two posts changed at once, revocations that
//! follow their certificate, expired operator cards, renewals, cuts at 80.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::HolderRole;
use ocsae::domain::municipality::{Contact, ContactRole};
use ocsae::i18n::Lang;
use ocsae::store::{Change, ChangeKind, Edit, Record, Store};

/// Tiurana with a mayor and an intervenor, each with a card issued in 2025.
fn tiurana_mayor_and_intervenor(now: &str) -> Fixture {
    tiurana_mayor_and_intervenor_in(Lang::Ca, now)
}

fn tiurana_mayor_and_intervenor_in(lang: Lang, now: &str) -> Fixture {
    let f = fixture_with("Noguera", lang, ocsae::config::Config::default());
    let before = f
        .disk
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Tiurana")
        .unwrap();
    let mut after = before.clone();
    for (role, name) in [(ContactRole::Mayor, "Maria Puig"), (ContactRole::Intervenor, "Rosa Vila")] {
        after.contacts.push(Contact {
            role,
            name: name.into(),
            phone: String::new(),
            email: String::new(),
        });
    }
    f.disk
        .apply(
            Change::update(ChangeKind::ContactsEdit, Record::Municipality(before), Record::Municipality(after)),
            at("2026-11-01T09:00:00Z"),
        )
        .unwrap();
    for (name, role) in [("Maria Puig", HolderRole::Mayor), ("Rosa Vila", HolderRole::Intervenor)] {
        let card = issued(252228, name, role, "2025-03-10T10:00:00Z");
        f.disk
            .apply(
                Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(card))]),
                at("2026-11-01T09:00:00Z"),
            )
            .unwrap();
    }
    let f = f.restart();
    f.clock.set(at(now));
    f
}

/// Both names replaced in one save of the contacts form.
fn replace_both(f: &mut Fixture) {
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "Joan Soler");
    // Down: the next row's name, the intervenor's.
    press(&mut f.app, KeyCode::Down);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "Pere Mas");
    press(&mut f.app, KeyCode::Enter);
}

#[test]
fn two_posts_replaced_in_one_save_are_each_asked_about() {
    let mut f = tiurana_mayor_and_intervenor("2026-11-30T09:00:00Z");
    replace_both(&mut f);
    let s = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(
        s.contains("Maria Puig → Joan Soler") && s.contains("(després, 1 més)"),
        "{s}"
    );
    // r: the mayor's card revoked; then the intervenor is asked about.
    press(&mut f.app, KeyCode::Char('r'));
    assert_eq!(cert(&f, 3).revokes, Some(1));
    let s = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(s.contains("Interventor/a Rosa Vila → Pere Mas"), "{s}");
    assert!(!s.contains("després, 1 més"), "the last one: {s}");
    // b: her card revoked too, and the form for Pere Mas opens.
    press(&mut f.app, KeyCode::Char('b'));
    assert_eq!(cert(&f, 4).revokes, Some(2));
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .expect("the new holder's form");
    assert_eq!(form.holder.value(), "Pere Mas");

    // n on the first: after its form closes (Esc), the second is asked.
    let mut f = tiurana_mayor_and_intervenor("2026-11-30T09:00:00Z");
    replace_both(&mut f);
    press(&mut f.app, KeyCode::Char('n'));
    press(&mut f.app, KeyCode::Esc);
    let s = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(s.contains("Rosa Vila → Pere Mas"), "{s}");
    // Esc on the last: nothing more.
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.data.certs.list.len(), 2, "nothing revoked");
}

#[test]
fn the_handover_question_reads_whole_at_80_columns_and_stays_in_the_log() {
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = tiurana_mayor_and_intervenor_in(lang, "2026-11-30T09:00:00Z");
        replace_both(&mut f);
        let s = screen(&f.app, 80, 24);
        let status = status_text(&f.app, &s, 80);
        assert_eq!(ocsae::views::status_rows(&f.app, 80), 2, "{s}");
        assert!(!status.contains('…'), "{lang:?} cut: {status}");
        assert!(status.contains("Esc:"), "{lang:?}: {status}");
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Char('m'));
        let s = screen(&f.app, 200, 40);
        assert!(s.contains("Rosa Vila → Pere Mas"), "{lang:?} the log keeps it: {s}");
    }
}
