//! The activity form and the Activitat tab as a new user meets them: what a short
//! window hides is said, a field at fault takes the cursor at its end, and the
//! everything view dates what is closed.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::popups::activity_form::{AField, ActivityForm};

#[test]
fn at_60x16_the_form_says_how_many_fields_are_below_and_above() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('L'));
    let s = screen(&f.app, 60, 16);
    assert!(s.contains("↓ 3 camps més"), "Minuts, Seguiment, Notes: {s}");
    assert_eq!(s.matches("camps més").count(), 1, "nothing above: {s}");
    while f.app.popup_as::<ActivityForm>().unwrap().focus != AField::Notes {
        press(&mut f.app, KeyCode::Tab);
    }
    let s = screen(&f.app, 60, 16);
    assert!(s.contains("↑ 3 camps més"), "Tipus, Municipi, Resum: {s}");
    assert_eq!(s.matches("camps més").count(), 1, "nothing below: {s}");
    // Tall enough, no marker.
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("camps més"), "{s}");
}

#[test]
fn the_everything_view_dates_what_is_closed() {
    use ocsae::domain::activity::{Activity, ActivityKind, ActivityStatus};
    use ocsae::store::{Change, ChangeKind, Edit, Record};
    let mut f = fixture();
    let mut call = Activity::new(
        Some(ocsae::domain::municipality::IneCode(252228)),
        ActivityKind::Call,
        "Trucada de març",
        at("2026-03-10T09:00:00Z"),
    );
    call.id = ocsae::store::NEW_ID;
    call.status = ActivityStatus::Closed;
    call.closed_at = Some(at("2026-03-11T09:00:00Z"));
    let applied = f
        .app
        .store
        .apply(
            Change::new(
                ChangeKind::ImportActivities,
                vec![Edit::create(Record::Activity(call))],
            ),
            at(NOW),
        )
        .unwrap();
    f.app.changed_elsewhere(&applied.edits);
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    let row = s.lines().find(|l| l.contains("Tiurana")).unwrap_or_default();
    assert!(row.starts_with("11/03/2026"), "closed on the 11th: {s}");
    assert!(!row.contains('—'), "{s}");
}

#[test]
fn a_field_at_fault_takes_the_cursor_at_its_end_and_a_stale_notice_goes_with_the_next_key() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('L'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Consulta");
    while f.app.popup_as::<ActivityForm>().unwrap().focus != AField::Minutes {
        press(&mut f.app, KeyCode::Tab);
    }
    // Minutes typed with a slip, the cursor left at the field's start.
    type_text(&mut f.app, "12a");
    press(&mut f.app, KeyCode::Home);
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Enter);
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.focus, AField::Minutes, "the error takes the focus there");
    press(&mut f.app, KeyCode::Backspace);
    assert_eq!(f.app.popup_as::<ActivityForm>().unwrap().minutes.value(), "12");
    // A paste too long for the notes: said, then gone with the next key.
    while f.app.popup_as::<ActivityForm>().unwrap().focus != AField::Notes {
        press(&mut f.app, KeyCode::Tab);
    }
    f.app.handle_event(ocsae::event::Event::Paste("x".repeat(3000)));
    let full = "El camp és ple";
    assert!(screen(&f.app, 80, 24).contains(full));
    press(&mut f.app, KeyCode::Backspace);
    assert!(
        !screen(&f.app, 80, 24).contains(full),
        "{}",
        screen(&f.app, 80, 24)
    );
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
}

#[test]
fn help_on_activitat_lists_the_keys_as_they_work_there() {
    let mut f = fixture();
    let saving = |s: &str| -> String {
        s.lines()
            .find(|l| l.contains("Torna a provar de desar"))
            .unwrap_or_default()
            .to_string()
    };
    press(&mut f.app, KeyCode::Char('?'));
    let s = screen(&f.app, 80, 80);
    assert!(saving(&s).contains("w Ctrl-S"), "elsewhere w saves: {s}");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('?'));
    let s = screen(&f.app, 80, 80);
    let line = saving(&s);
    assert!(line.contains("Ctrl-S") && !line.contains(" w "), "{s}");
    assert!(
        s.lines()
            .any(|l| l.trim_start_matches(['│', ' ']).starts_with("w ")),
        "w is listed where it marks waiting: {s}"
    );
}
