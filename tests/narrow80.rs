//! Texts that were cut at 80x24: each reads whole now.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::NEW_ID;

/// The screen's text with the frame's borders and padding dropped, as one line
/// of words, so a sentence wrapped over rows reads as one.
fn words(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' ' || c == '║'))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_elections_warning_in_the_request_form_reads_whole_at_80x24() {
    let mut f = tiurana_with_its_mayor("2027-06-01T08:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    press(&mut f.app, KeyCode::Char('n'));
    let s = screen(&f.app, 80, 24);
    let t = ocsae::i18n::I18n::new(ocsae::i18n::Lang::Ca);
    let expected = t.f(
        ocsae::i18n::Msg::warn_elections,
        &[("date", &"23/05/2027"), ("days", &20u32)],
    );
    assert!(words(&s).contains(&expected), "{expected}\n{s}");
}

#[test]
fn the_appointment_check_in_the_detail_reads_whole_at_80x24() {
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
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 24);
    let user = f
        .app
        .data
        .certs
        .get(1)
        .unwrap()
        .appointment_check()
        .unwrap()
        .user
        .clone();
    let line = s
        .lines()
        .find(|l| l.contains("EACAT "))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(
        line.contains(&format!("Registre EACAT  04/12/2026 10:00 · {user} · hi consta")),
        "{s}"
    );
}

#[test]
fn an_er_operators_renewal_note_reads_whole_at_80x24() {
    let mut f = fixture();
    f.clock.set(at("2026-12-30T11:00:00Z"));
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('o'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "Laia Font");
    press(&mut f.app, KeyCode::Tab);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2023-02-28");
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("28/02/2027"), "{s}");
    assert!(
        words(&s).contains("⚠ per renovar: cal tornar a enviar la Fitxa d'ER"),
        "{s}"
    );
}
