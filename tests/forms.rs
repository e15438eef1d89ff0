//! The forms at every size: down to 60x16 they scroll, every question shows,
//! the field with the focus is visible without the terminal's cursor, and the
//! contacts editor gives its columns what their contents need.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::config::Config;
use ocsae::i18n::Lang;
use ocsae::popups::contacts_form::ContactsForm;
use ocsae::popups::request_form::RequestForm;
use ratatui::style::Modifier;

const LANGS: [Lang; 3] = [Lang::Ca, Lang::Es, Lang::En];

/// The screen's rows inside a popup's frame, their borders and edges trimmed.
fn inside(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .collect()
}

/// Whether `text` is on screen, allowing it to wrap onto the next row.
fn shows(screen: &str, text: &str) -> bool {
    let joined = inside(screen).join(" ");
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    squeeze(&joined).contains(&squeeze(text))
}

#[test]
fn the_request_form_works_at_60x16_by_scrolling_in_every_language() {
    let last_field = ["Notes", "Notas", "Notes"];
    let discard = [
        "Es perdran els canvis escrits. Descartar-los? (s/n)",
        "Se perderán los cambios escritos. ¿Descartarlos? (s/n)",
        "The typed changes will be lost. Discard them? (y/n)",
    ];
    for ((lang, notes), question) in LANGS.into_iter().zip(last_field).zip(discard) {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('3'));
        press(&mut f.app, KeyCode::Char('n'));
        type_text(&mut f.app, "vila");
        let s = screen(&f.app, 60, 16);
        assert!(
            !s.contains("massa petita") && !s.contains("demasiado pequeña"),
            "{s}"
        );
        assert!(s.contains("Vilanova de Meià"), "the picker shows:\n{s}");
        assert!(!s.contains(notes), "the last fields are below:\n{s}");
        assert!(s.contains('↓'), "a mark says there is more:\n{s}");
        // Tab to the last field: the form scrolls to it.
        for _ in 0..10 {
            press(&mut f.app, KeyCode::Tab);
        }
        type_text(&mut f.app, "una nota");
        let s = screen(&f.app, 60, 16);
        let row = s.lines().find(|l| l.contains(notes)).expect(&s);
        assert!(row.contains("una nota"), "{s}");
        assert!(s.contains('↑'), "{s}");
        // The help is whole, wrapped if need be.
        let help = f.app.t.t(ocsae::i18n::Msg::req_help).to_string();
        assert!(shows(&s, &help), "{help}\n{s}");
        // Esc asks, and the question is on screen.
        press(&mut f.app, KeyCode::Esc);
        let s = screen(&f.app, 60, 16);
        assert!(shows(&s, question), "{s}");
        assert!(f.app.popup_as::<RequestForm>().is_some());
    }
}

#[test]
fn the_contacts_editor_works_at_60x16_and_asks_on_esc_in_every_language() {
    let discard = [
        "Es perdran els canvis escrits. Descartar-los? (s/n)",
        "Se perderán los cambios escritos. ¿Descartarlos? (s/n)",
        "The typed changes will be lost. Discard them? (y/n)",
    ];
    for (lang, question) in LANGS.into_iter().zip(discard) {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('e'));
        for i in 0..8 {
            type_text(&mut f.app, &format!("Persona {i}"));
            for _ in 0..4 {
                press(&mut f.app, KeyCode::Tab);
            }
        }
        let s = screen(&f.app, 60, 16);
        assert!(s.contains("Persona 7"), "the row with the focus is in view:\n{s}");
        let help = f.app.t.t(ocsae::i18n::Msg::form_help).to_string();
        assert!(shows(&s, &help), "{help}\n{s}");
        press(&mut f.app, KeyCode::Esc);
        let s = screen(&f.app, 60, 16);
        assert!(shows(&s, question), "{s}");
        assert!(f.app.popup_as::<ContactsForm>().is_some());
    }
}

#[test]
fn the_field_with_the_focus_shows_without_the_terminal_cursor() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    // The first row's name, empty, has the focus.
    let terminal = render(&f.app, 80, 24);
    let buffer = terminal.backend().buffer();
    let header_y = (0..24)
        .find(|&y| {
            (0..80)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("Nom")
        })
        .unwrap();
    let name_x = (0..80u16)
        .find(|&x| buffer[(x, header_y)].symbol() == "N" && buffer[(x + 1, header_y)].symbol() == "o")
        .unwrap();
    let marked =
        (name_x..name_x + 10).all(|x| buffer[(x, header_y + 1)].modifier.contains(Modifier::REVERSED));
    assert!(marked, "the empty name field is drawn in reverse video");
    // The role beside it is not.
    assert!(!buffer[(2, header_y + 1)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn roles_and_emails_are_whole_where_the_row_has_room_and_names_take_the_rest() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Montserrat Puig");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "973 45 00 02");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "secretaria@ager.cat");
    press(&mut f.app, KeyCode::Tab);
    // The second row: a data certifier, the longest role but one.
    press(&mut f.app, KeyCode::Right);
    let s = screen(&f.app, 80, 24);
    for whole in [
        "‹Responsable del servei›",
        "‹Certificador/a de dades›",
        "Montserrat Puig",
        "973 45 00 02",
        "secretaria@ager.cat",
    ] {
        assert!(s.contains(whole), "{whole}:\n{s}");
    }
    // Without phones and e-mails, a long name takes their room.
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Maria Montserrat Puigdomènech i Casals");
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Maria Montserrat Puigdomènech i Casals"), "{s}");
}

#[test]
fn the_checklists_question_shows_at_60x16_in_every_language() {
    let discard = [
        "Es perdran les notes escrites. Descartar-les? (s/n)",
        "Se perderán las notas escritas. ¿Descartarlas? (s/n)",
        "The typed notes will be lost. Discard them? (y/n)",
    ];
    for (lang, question) in LANGS.into_iter().zip(discard) {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('2'));
        // Via Oberta, the service with the most steps.
        press(&mut f.app, KeyCode::Char('l'));
        press(&mut f.app, KeyCode::Enter);
        press(&mut f.app, KeyCode::Char('e'));
        type_text(&mut f.app, "trucar dilluns");
        press(&mut f.app, KeyCode::Esc);
        let s = screen(&f.app, 60, 16);
        assert!(shows(&s, question), "{s}");
        assert!(s.contains("trucar dilluns"), "{s}");
    }
}

#[test]
fn f2_opens_the_message_log_over_a_form_and_closing_it_gives_the_form_back_as_it_was() {
    let mut f = fixture();
    f.app.messages.push(
        at(NOW),
        ocsae::app::StatusKind::Error,
        "NO DESAT: el magatzem compartit està ocupat",
    );
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    // An "m" typed in a field is text, not the log's key.
    type_text(&mut f.app, "Maria Puig m");
    assert_eq!(
        f.app.popup_as::<RequestForm>().unwrap().holder.value(),
        "Maria Puig m"
    );
    let form = screen(&f.app, 80, 24);
    assert!(form.contains("F2 Missatges"), "{form}");
    press(&mut f.app, KeyCode::F(2));
    assert!(f.app.popup_as::<ocsae::popups::messages::Messages>().is_some());
    let log = screen(&f.app, 80, 24);
    assert!(
        log.contains("NO DESAT: el magatzem compartit està ocupat"),
        "{log}"
    );
    // Esc closes the log, not the form: what was typed is still there.
    press(&mut f.app, KeyCode::Esc);
    let form = f.app.popup_as::<RequestForm>().expect("the form is back");
    assert_eq!(form.holder.value(), "Maria Puig m");
    // F2 again, then F2 closes the log as well.
    press(&mut f.app, KeyCode::F(2));
    press(&mut f.app, KeyCode::F(2));
    assert!(f.app.popup_as::<RequestForm>().is_some());
}
