//! Long text on screen: a record's note of 10,000 characters (the shared
//! server's limit for a text field) and long messages are drawn within the
//! screen and within bounds: a note is shown whole where it fits in the rows a
//! text may take, the rows past them are never made (the last kept ends with an
//! ellipsis), and no size of screen makes a frame panic.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::app::{App, StatusKind};
use ocsae::domain::activity::{Activity, ActivityKind};
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record};
use std::time::{Duration, Instant};

/// A note of exactly 10,000 characters, words of several lengths, ending "FI.".
fn note() -> String {
    let words = "Trucar a la secretària abans de dimarts; pendent del DNI. ";
    let mut out: String = words.chars().cycle().take(9_996).collect();
    out.push_str(" FI.");
    out
}

/// A request of Tiurana by Maria Puig, its note `note`; the app opened again on it.
fn with_request_note(note: &str) -> Fixture {
    let f = fixture();
    let mut request = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        "Maria Puig",
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    request.set_notes(note.into());
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request))],
    );
    f.app.store.apply(change, at(NOW)).unwrap();
    f.restart()
}

fn draw(app: &App, width: u16, height: u16) -> (String, Duration) {
    let started = Instant::now();
    let shown = screen(app, width, height);
    (shown, started.elapsed())
}

/// Every row of `shown` within `width` columns.
fn within(shown: &str, width: usize) -> bool {
    shown.lines().all(|l| ocsae::widgets::width(l) <= width)
}

#[test]
fn a_requests_note_of_10000_characters_is_shown_whole_at_80x24_and_at_the_smallest_screen() {
    let note = note();
    assert_eq!(note.chars().count(), 10_000);
    let mut f = with_request_note(&note);
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Enter);
    let (shown, took) = draw(&f.app, 80, 24);
    assert!(shown.contains("Maria Puig"), "{shown}");
    assert!(shown.contains("Trucar a la secretària"), "{shown}");
    assert!(within(&shown, 80), "{shown}");
    eprintln!("request detail, 10,000-character note, 80x24: {took:?}");
    // Its last page: the whole note was wrapped (it ends "FI."), then the history.
    press(&mut f.app, KeyCode::End);
    let (end, _) = draw(&f.app, 80, 24);
    assert!(end.contains(" FI."), "{end}");
    assert!(end.contains("Historial"), "{end}");
    assert!(!end.contains('…'), "nothing cut at 80 columns: {end}");
    // At the smallest screen the dashboard draws on, still all of it.
    let (_, took) = draw(&f.app, 60, 16);
    press(&mut f.app, KeyCode::End);
    let (small, _) = draw(&f.app, 60, 16);
    assert!(within(&small, 60), "{small}");
    assert!(small.contains(" FI."), "{small}");
    assert!(!small.contains('…'), "{small}");
    eprintln!("request detail, 10,000-character note, 60x16: {took:?}");
    // Narrower or lower, the screen says so; nothing panics.
    for width in 1..=20 {
        for height in [1, 3, 24] {
            let _ = draw(&f.app, width, height);
        }
    }
}

#[test]
fn an_activitys_note_of_10000_lines_is_cut_and_the_detail_stays_bounded() {
    let f = fixture();
    let mut activity = Activity::new(Some(IneCode(252228)), ActivityKind::Call, "Trucada", at(NOW));
    activity.notes = "línia\n".repeat(10_000);
    let change = Change::new(
        ChangeKind::ActivityNew,
        vec![Edit::create(Record::Activity(activity))],
    );
    f.app.store.apply(change, at(NOW)).unwrap();
    let mut f = f.restart();
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Enter);
    let (shown, took) = draw(&f.app, 80, 24);
    assert!(shown.contains("línia"), "{shown}");
    eprintln!("activity detail, 10,000-line note, 80x24: {took:?}");
    // At the end of the page: the ellipsis where the note was cut.
    press(&mut f.app, KeyCode::End);
    let (end, _) = draw(&f.app, 80, 24);
    assert!(end.contains('…'), "{end}");
    assert!(within(&end, 80), "{end}");
}

#[test]
fn a_councils_note_of_10000_characters_is_drawn_beside_its_table() {
    let f = fixture();
    let council = f
        .app
        .store
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.ine == IneCode(252228))
        .unwrap();
    let mut noted = council.clone();
    noted.notes = note();
    let change = Change::update(
        ChangeKind::ContactsEdit,
        Record::Municipality(council),
        Record::Municipality(noted),
    );
    f.app.store.apply(change, at(NOW)).unwrap();
    let mut f = f.restart();
    type_text(&mut f.app, "gtiurana");
    press(&mut f.app, KeyCode::Enter);
    let (shown, took) = draw(&f.app, 80, 24);
    assert!(within(&shown, 80), "{shown}");
    eprintln!("council page, 10,000-character note, 80x24: {took:?}");
    for width in [1, 2, 5, 12, 40, 200] {
        let (shown, _) = draw(&f.app, width, 24);
        assert!(within(&shown, usize::from(width)), "{shown}");
    }
}

#[test]
fn the_message_log_and_the_status_bar_keep_long_messages_bounded() {
    let mut f = fixture();
    let long = note();
    for i in 0..60 {
        f.app
            .messages
            .push(at(NOW), StatusKind::Info, &format!("{i}: {long}"));
    }
    f.app.set_status(StatusKind::Error, long.clone());
    let (shown, took) = draw(&f.app, 80, 24);
    assert!(within(&shown, 80), "{shown}");
    eprintln!("status bar, 10,000-character message, 80x24: {took:?}");
    // The status line takes two rows at most, the second cut with its mark.
    let status: Vec<&str> = shown.lines().rev().take(3).collect();
    assert!(status[0].contains('…'), "{shown}");
    assert!(!status[2].contains("Trucar a la"), "{shown}");
    press(&mut f.app, KeyCode::Char('m'));
    let (log, took) = draw(&f.app, 80, 24);
    assert!(log.contains("59: Trucar a la secretària"), "{log}");
    eprintln!("message log, 50 messages of 10,000 characters, 80x24: {took:?}");
    // Fifty messages of ~135 rows each: the log is cut, and says so at its end.
    press(&mut f.app, KeyCode::End);
    let (end, _) = draw(&f.app, 80, 24);
    assert!(end.contains('…'), "{end}");
    assert!(!end.contains("10: Trucar"), "the oldest are past the cut: {end}");
    for width in 1..=12 {
        let _ = draw(&f.app, width, 6);
    }
}
