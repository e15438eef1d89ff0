//! The status bar never hides what matters: long messages take a second row or
//! end with the key that shows them whole, `m` lists the last messages, and a
//! user's keymap that already had a newer default key is kept with a warning.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::app::StatusKind;
use ocsae::config::Config;
use ocsae::i18n::Lang;
use ocsae::popups::contacts_form::ContactsForm;
use ocsae::popups::messages::Messages;

/// The last `n` rows of the screen, each trimmed, joined by a space: what the status bar says.
fn bottom(screen: &str, n: usize) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - n..]
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Files an urgent request for a secretary of Tiurana through the form.
fn urgent_secretary(lang: Lang) -> Fixture {
    let mut f = fixture_with("Noguera", lang, Config::default());
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Maria Puig");
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Right);
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Tab);
    }
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
    f
}

#[test]
fn the_saved_request_keeps_its_warning_whole_at_80_columns() {
    let cases = [
        (
            Lang::Ca,
            "Desat #1: termini 30/11/2026 10:30. Avís: Tiurana no té fitxa de subscriptor vigent.",
        ),
        (
            Lang::Es,
            "Guardado #1: plazo 30/11/2026 10:30. Aviso: Tiurana no tiene ficha de suscriptor vigente.",
        ),
        (
            Lang::En,
            "Saved #1: due 2026-11-30 10:30. Warning: Tiurana has no valid subscriber form.",
        ),
    ];
    for (lang, expected) in cases {
        let f = urgent_secretary(lang);
        let s = screen(&f.app, 80, 24);
        let rows = if expected.chars().count() + 1 > 80 { 2 } else { 1 };
        assert_eq!(bottom(&s, rows), expected, "{s}");
    }
}

#[test]
fn the_appointment_refusal_keeps_its_key_at_80_columns() {
    let cases = [
        (Lang::Ca, "marqueu-lo amb e, o comproveu-lo a EACAT amb p."),
        (Lang::Es, "márquelo con e, o compruébelo en EACAT con p."),
        (Lang::En, "tick it with e, or check it in EACAT with p."),
    ];
    for (lang, key) in cases {
        let mut f = urgent_secretary(lang);
        press(&mut f.app, KeyCode::Char('a'));
        let s = screen(&f.app, 80, 24);
        assert!(bottom(&s, 2).ends_with(key), "{s}");
        // Still whole at the smallest width.
        let narrow = screen(&f.app, 60, 16);
        assert!(bottom(&narrow, 2).ends_with(key), "{narrow}");
    }
}

#[test]
fn the_table_gives_up_one_row_while_a_long_message_shows() {
    let mut f = urgent_secretary(Lang::Ca);
    press(&mut f.app, KeyCode::Char('1'));
    let before = screen(&f.app, 80, 24);
    assert!(before.contains("Penelles"), "{before}");
    f.app.set_status(StatusKind::Info, "x ".repeat(50));
    let during = screen(&f.app, 80, 24);
    assert!(!during.contains("Penelles"), "the last row gave way:\n{during}");
    assert!(during.contains("Os de Balaguer"), "{during}");
    press(&mut f.app, KeyCode::Down);
    let after = screen(&f.app, 80, 24);
    assert!(
        after.contains("Penelles"),
        "the row is back with the message gone:\n{after}"
    );
}

#[test]
fn a_message_longer_than_two_rows_ends_with_the_key_that_shows_it_whole() {
    let mut f = fixture();
    let long = (1..=40)
        .map(|i| format!("paraula{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    f.app.set_status(StatusKind::Error, long.clone());
    f.app.log_status();
    let s = screen(&f.app, 80, 24);
    let status = bottom(&s, 2);
    assert!(status.ends_with("… m tot el text"), "{s}");
    assert!(status.starts_with("paraula1 paraula2"), "{s}");
    press(&mut f.app, KeyCode::Char('m'));
    assert!(f.app.popup_as::<Messages>().is_some());
    let log = screen(&f.app, 80, 24);
    let words: String = log
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("paraula39 paraula40"),
        "the whole text is there:\n{log}"
    );
}

#[test]
fn m_lists_the_last_messages_newest_first_with_their_times() {
    let mut f = fixture();
    let out = tempfile::tempdir().unwrap();
    f.app.export_dir = out.path().to_path_buf();
    press(&mut f.app, KeyCode::Char('u'));
    f.clock.set(at("2026-11-26T09:31:05Z"));
    press(&mut f.app, KeyCode::Char('E'));
    press(&mut f.app, KeyCode::Char('m'));
    let s = screen(&f.app, 80, 24);
    let export = s.find("10:31:05 Exportat a ocsae-municipis-").expect(&s);
    let undo = s.find("10:30:00 No hi ha res a desfer.").expect(&s);
    assert!(export < undo, "newest first:\n{s}");
    assert!(s.contains("(29 files)"), "{s}");
    // Esc closes it, and the screen underneath is as it was.
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());
}

#[test]
fn the_message_log_scrolls_and_keeps_fifty() {
    let mut f = fixture();
    for i in 0..60 {
        f.app.set_status(StatusKind::Info, format!("missatge {i:02}"));
        f.app.log_status();
    }
    // The same message again in a row is counted, not repeated.
    f.app.set_status(StatusKind::Info, "missatge 59");
    f.app.log_status();
    press(&mut f.app, KeyCode::Char('m'));
    let first = screen(&f.app, 80, 24);
    assert!(first.contains("10:30:00 ×2 missatge 59"), "{first}");
    assert!(!first.contains("missatge 10"), "{first}");
    press(&mut f.app, KeyCode::End);
    let last = screen(&f.app, 80, 24);
    assert!(last.contains("missatge 10"), "the oldest kept:\n{last}");
    assert!(!last.contains("missatge 09"), "only fifty:\n{last}");
}

#[test]
fn a_question_too_long_for_one_row_takes_two_and_keeps_its_keys() {
    let mut f = urgent_secretary(Lang::Ca);
    press(&mut f.app, KeyCode::Char('c'));
    let s = screen(&f.app, 60, 16);
    assert_eq!(
        bottom(&s, 2),
        "Per cancel·lar la #1, escriviu el nom del titular (Maria Puig):",
        "{s}"
    );
}

#[test]
fn a_keymap_that_already_had_m_is_kept_with_a_warning() {
    let mut config = Config::default();
    config
        .keys
        .entry("municipalities".into())
        .or_default()
        .insert("edit".into(), vec!["m".into()]);
    let mut f = fixture_with("Noguera", Lang::Ca, config);
    let s = screen(&f.app, 80, 24);
    assert!(
        bottom(&s, 2)
            .contains("keys.municipalities.edit fa servir m, que ara també és la tecla de global.messages"),
        "{s}"
    );
    // On Municipis, m is still the user's.
    press(&mut f.app, KeyCode::Char('m'));
    assert!(f.app.popup_as::<ContactsForm>().is_some());
    press(&mut f.app, KeyCode::Esc);
    // Elsewhere it opens the messages, where the warning is kept.
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('m'));
    assert!(f.app.popup_as::<Messages>().is_some());
    assert!(screen(&f.app, 80, 24).contains("Avís de configuració"));
}

#[test]
fn losing_the_store_and_getting_it_back_are_both_in_the_message_log_with_their_times() {
    let mut f = fixture();
    f.clock.set(at("2026-11-26T09:40:00Z"));
    f.app
        .store_signal(ocsae::store::Signal::Lost("connection refused".into()));
    // Back before any key: the loss is not lost with the status line it had.
    f.clock.set(at("2026-11-26T09:42:30Z"));
    f.app.store_signal(ocsae::store::Signal::Back);
    press(&mut f.app, KeyCode::Char('m'));
    let s = screen(&f.app, 80, 24);
    let words: String = s
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    let back = words
        .find("10:42:30 Connexió recuperada")
        .unwrap_or_else(|| panic!("{s}"));
    let lost = words
        .find("10:40:00 SENSE CONNEXIÓ amb el magatzem (connection refused)")
        .unwrap_or_else(|| panic!("{s}"));
    assert!(back < lost, "newest first:\n{s}");
}

#[test]
fn the_save_key_never_says_everything_is_saved_while_the_store_is_unreachable() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('w'));
    assert!(status_text(&f.app, &screen(&f.app, 80, 24), 80).contains("Tot és desat"));
    f.app
        .store_signal(ocsae::store::Signal::Lost("connection refused".into()));
    press(&mut f.app, KeyCode::Char('w'));
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("Tot és desat"), "{s}");
    assert!(s.contains("no es desa res fins que torni la connexió"), "{s}");
    f.app.store_signal(ocsae::store::Signal::Back);
    press(&mut f.app, KeyCode::Char('w'));
    assert!(screen(&f.app, 80, 24).contains("Tot és desat"));
}
