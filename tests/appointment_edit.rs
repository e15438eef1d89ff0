//! An appointment check is of its holder, role and council: an edit of any of
//! them drops it, and the status line says it must be made again; `u` brings
//! back the request and its check as they were. An edit of anything else keeps it.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::popups::request_form::{RField, RequestForm};
use ocsae::store::NEW_ID;

/// Àger's secretary's request, checked in EACAT's register (found).
fn checked() -> Fixture {
    let secretary = CertificateRequest::received(
        NEW_ID,
        IneCode(250024),
        "Jordi Solé",
        HolderRole::Secretary,
        "tcat",
        at("2026-12-03T09:00:00Z"),
    );
    let mut f = with_certs(vec![secretary], "2026-12-04T09:00:00Z");
    press(&mut f.app, KeyCode::Char('p'));
    press(&mut f.app, KeyCode::Char('s'));
    assert!(cert(&f, 1).appointment_check().is_some_and(|c| c.found));
    f
}

#[test]
fn editing_a_checked_requests_holder_drops_the_check_and_says_to_make_it_again() {
    let mut f = checked();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, " i Roca");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 100, 24));
    let edited = cert(&f, 1);
    assert_eq!(edited.holder.to_string(), "Jordi Solé i Roca");
    assert_eq!(edited.appointment_check(), None);
    let s = screen(&f.app, 160, 24);
    assert!(
        s.contains("Cal tornar a comprovar el nomenament: ha canviat el titular, el càrrec o el municipi."),
        "{s}"
    );
    // The edit is one change: undone, the holder and the check are back.
    press(&mut f.app, KeyCode::Char('u'));
    let back = cert(&f, 1);
    assert_eq!(back.holder.to_string(), "Jordi Solé");
    assert!(back.appointment_check().is_some_and(|c| c.found));
}

#[test]
fn editing_a_checked_requests_notes_keeps_the_check_and_says_nothing_of_it() {
    let mut f = checked();
    press(&mut f.app, KeyCode::Char('e'));
    while f.app.popup_as::<RequestForm>().unwrap().focused() != RField::Notes {
        press(&mut f.app, KeyCode::Tab);
    }
    type_text(&mut f.app, "Trucar dilluns");
    press(&mut f.app, KeyCode::Enter);
    let edited = cert(&f, 1);
    assert_eq!(edited.notes(), "Trucar dilluns", "{}", screen(&f.app, 100, 24));
    assert!(edited.appointment_check().is_some());
    assert!(!screen(&f.app, 160, 24).contains("Cal tornar a comprovar"));
}
