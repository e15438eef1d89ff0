//! Untrusted input and failures: random keys and sizes, random CSV, huge pastes,
//! a full disk, read-only mode. Nothing panics and nothing is half-written.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ocsae::config::Config;
use ocsae::event::Event;
use ocsae::i18n::Lang;
use ocsae::popups::contacts_form::ContactsForm;
use ocsae::popups::jump::Jump;
use ocsae::tabs::CertificatesTab;
use ocsae::tabs::RolloutTab;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

/// A key from the dashboard's vocabulary, with odd ones mixed in.
fn key_strategy() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        4 => prop::sample::select(vec![
            'q', 'g', '/', 'a', 's', 'S', 'e', 'f', 'n', 'c', 'r', 'v', 'x', 'b', 'u', 'y', 'E', 'h', 'j', 'k', 'l',
            '1', '2', '3', ' ', '?', 't', 'i', 'à', '\u{1b}', '\u{9b}', '\u{202e}',
        ])
        .prop_map(KeyCode::Char),
        3 => prop::sample::select(vec![
            KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Backspace, KeyCode::Delete,
            KeyCode::Up, KeyCode::Down, KeyCode::Left, KeyCode::Right, KeyCode::PageUp, KeyCode::PageDown,
            KeyCode::Home, KeyCode::End, KeyCode::F(1), KeyCode::F(5),
        ]),
    ];
    let modifiers = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
    ]);
    (code, modifiers).prop_map(|(c, m)| KeyEvent::new(c, m))
}

#[derive(Debug, Clone)]
enum Step {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick,
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        20 => key_strategy().prop_map(Step::Key),
        1 => ".{0,300}".prop_map(Step::Paste),
        2 => (1u16..140, 1u16..50).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => Just(Step::Tick),
    ]
}

#[test]
fn thousands_of_random_keys_and_resizes_never_panic() {
    let mut runner = TestRunner::new(RunnerConfig {
        cases: 24,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let steps = prop::collection::vec(step_strategy(), 150..300);
    runner
        .run(&steps, |steps| {
            let mut f = fixture();
            let out = tempfile::tempdir().unwrap();
            f.app.export_dir = out.path().to_path_buf();
            let (mut w, mut h) = (80u16, 24u16);
            for step in steps {
                match step {
                    Step::Key(k) => {
                        f.app.handle_event(Event::Key(k));
                    }
                    Step::Paste(text) => {
                        f.app.handle_event(Event::Paste(text));
                    }
                    Step::Resize(nw, nh) => (w, h) = (nw, nh),
                    Step::Tick => {
                        f.clock.advance(chrono::Duration::hours(7));
                        f.app.handle_event(Event::Tick);
                    }
                }
                // A quit is a normal end of the session; start another on the same store.
                if f.app.quit {
                    f = f.restart();
                    f.app.export_dir = out.path().to_path_buf();
                }
                render(&f.app, w, h);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn random_csv_never_panics_and_a_refused_file_changes_nothing() {
    let f = fixture();
    let store = f.app.store.as_ref();
    let tz = chrono_tz::Europe::Madrid;
    let header = prop::sample::select(vec![
        "ine_code,role,name,phone,email\n",
        "ine_code;holder;role;type;operation;urgent;status;received_at;issued_at\n",
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,reason,notes\n",
        "",
    ]);
    let cell = prop_oneof![
        prop::sample::select(vec![
            "252228",
            "250024",
            "999999",
            "mayor",
            "secretary",
            "other",
            "tcat",
            "segell",
            "new",
            "renewal",
            "yes",
            "no",
            "received",
            "issued",
            // Before NOW: a later time is refused, as the form refuses it.
            "2026-11-04 10:00",
            "2026-11-04T10:00:00+01:00",
            "2099-01-01 10:00",
            "2026-03-29 02:30",
            "31/02/2026",
            "",
        ])
        .prop_map(String::from),
        "[^\n]{0,12}",
    ];
    let row = prop::collection::vec(cell, 0..12)
        .prop_map(|cells| cells.join(if cells.len() % 2 == 0 { "," } else { ";" }));
    let file =
        (header, prop::collection::vec(row, 0..8)).prop_map(|(h, rows)| format!("{h}{}", rows.join("\n")));
    let mut runner = TestRunner::new(RunnerConfig {
        cases: 300,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    runner
        .run(&(file, any::<bool>()), |(text, contacts)| {
            let before = (
                store.municipalities().unwrap(),
                store.certificates().unwrap().len(),
            );
            let table = ocsae::io::csv_input::parse(&text);
            let result = table.map(|t| {
                if contacts {
                    ocsae::io::import::contacts_from(store, &t, at(NOW))
                } else {
                    ocsae::io::import::certificates_from(store, &t, tz, at(NOW))
                }
            });
            if !matches!(result, Ok(Ok(_))) {
                let after = (
                    store.municipalities().unwrap(),
                    store.certificates().unwrap().len(),
                );
                prop_assert_eq!(before, after, "a refused import changed the store");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn random_bytes_are_decoded_or_refused() {
    let mut runner = TestRunner::new(RunnerConfig {
        cases: 500,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..400), |bytes| {
            if let Some((text, _)) = ocsae::io::csv_input::decode(&bytes) {
                let _ = ocsae::io::csv_input::parse(&text);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_huge_paste_into_any_field_is_cut_with_a_message() {
    let big = "Vilanova ".repeat(200_000 / 9);
    let check = |f: &mut Fixture, what: &str| {
        f.app.handle_event(Event::Paste(big.clone()));
        let s = screen(&f.app, 80, 24);
        assert!(
            s.contains("El camp és ple") || s.contains("admet fins a"),
            "{what}: {s}"
        );
    };
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('g'));
    f.app.handle_event(Event::Paste(big.clone()));
    let Some(jump) = f.app.popup_as::<Jump>() else {
        panic!()
    };
    assert_eq!(jump.input.len(), 60, "the jump prompt holds 60 characters");

    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    check(&mut f, "contacts form");
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('f'));
    check(&mut f, "fitxa prompt");
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    check(&mut f, "checklist notes");
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    check(&mut f, "request form");
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('3'));
    f.app.handle_event(Event::Paste(big.clone()));
    assert_eq!(f.app.tab::<CertificatesTab>().filter.len(), 100);
}

#[test]
fn the_full_field_message_goes_with_the_popup_it_was_about() {
    let big = "Vilanova ".repeat(200_000 / 9);
    for (what, open) in [
        ("contacts form", &[KeyCode::Char('e')][..]),
        (
            "checklist notes",
            &[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('e')],
        ),
        ("request form", &[KeyCode::Char('3'), KeyCode::Char('n')]),
        ("quick jump", &[KeyCode::Char('g')]),
    ] {
        let mut f = fixture();
        for &key in open {
            press(&mut f.app, key);
        }
        f.app.handle_event(Event::Paste(big.clone()));
        assert!(screen(&f.app, 80, 24).contains("El camp és ple"), "{what}");
        // Discarded: Esc, and yes when the form asks before throwing text away.
        for _ in 0..3 {
            if f.app.popup.is_none() {
                break;
            }
            let key = if screen(&f.app, 80, 24).contains("(s/n)") {
                's'
            } else {
                '\u{1b}'
            };
            match key {
                's' => press(&mut f.app, KeyCode::Char('s')),
                _ => press(&mut f.app, KeyCode::Esc),
            }
        }
        assert!(f.app.popup.is_none(), "{what}: still open");
        let s = screen(&f.app, 80, 24);
        assert!(
            !s.contains("El camp és ple"),
            "{what}: the message outlived its form:\n{s}"
        );
    }
}

#[test]
fn a_full_disk_keeps_the_change_on_screen_and_marks_it_not_saved() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Anna Puig");
    f.disk.simulate_full_disk(true);
    press(&mut f.app, KeyCode::Enter);
    assert!(
        f.app.popup_as::<ContactsForm>().is_some(),
        "the form stays open with what was typed"
    );
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Anna Puig"), "{s}");
    assert!(status_text(&f.app, &s, 80).contains("NO DESAT"), "{s}");
    assert!(f.app.data.municipalities.iter().all(|m| m.contacts.is_empty()));
    // Space comes back: the same Enter saves it.
    f.disk.simulate_full_disk(false);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    assert!(screen(&f.app, 80, 24).contains("Desat."));

    press(&mut f.app, KeyCode::Char('2'));
    f.disk.simulate_full_disk(true);
    press(&mut f.app, KeyCode::Char(' '));
    assert!(screen(&f.app, 80, 24).contains("NO DESAT"));
    assert_eq!(
        f.app
            .data
            .status(f.app.tab::<RolloutTab>().selected_index().unwrap(), 0),
        ocsae::domain::rollout::RolloutStatus::Pending
    );
}

#[test]
fn a_change_that_cannot_reach_the_disk_is_kept_and_written_by_the_next() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    let council = f.app.tab::<RolloutTab>().selected_index().unwrap();
    f.disk.simulate_full_disk_at_flush(true);
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 80, 24);
    assert!(
        status_text(&f.app, &s, 80).contains("NO DESAT AL DISC (w reintenta): el disc és ple."),
        "in the language of the screen, not sled's: {s}"
    );
    use ocsae::domain::rollout::RolloutStatus;
    assert_eq!(f.app.data.status(council, 0), RolloutStatus::InProgress);
    // Space comes back: the next change goes through, with no conflict, and both are on disk.
    f.disk.simulate_full_disk_at_flush(false);
    press(&mut f.app, KeyCode::Char(' '));
    assert!(screen(&f.app, 80, 24).contains("Desat"), "no conflict");
    assert_eq!(f.app.data.status(council, 0), RolloutStatus::Done);
    let ine = f.app.data.municipalities[council].ine;
    let stored = f.app.store.rollouts().unwrap();
    let cell = stored
        .iter()
        .find(|r| r.ine == ine && r.service == "e-tram")
        .unwrap();
    assert_eq!(cell.status, RolloutStatus::Done);
}

#[test]
fn changes_waiting_for_the_disk_are_written_by_a_retry_and_quitting_asks_first() {
    use ocsae::domain::rollout::RolloutStatus;
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    f.disk.simulate_full_disk_at_flush(true);
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 80, 24);
    assert!(s.lines().next().unwrap().contains("[NO DESAT: 1]"), "{s}");
    // Like sled, the store takes nothing more until it is reopened, even with room.
    f.disk.simulate_full_disk_at_flush(false);
    f.disk.simulate_full_disk(true);
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(f.app.data.status(1, 0), RolloutStatus::Pending);
    assert!(screen(&f.app, 80, 24).contains("NO DESAT: el disc és ple."));
    // Moving on clears the message, not the mark.
    press(&mut f.app, KeyCode::Char('k'));
    let s = screen(&f.app, 80, 24);
    assert!(s.lines().next().unwrap().contains("[NO DESAT: 1]"), "{s}");
    // A retry by key while the disk is still full says the change still waits.
    press(&mut f.app, KeyCode::Char('w'));
    let s = screen(&f.app, 200, 24);
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("NO DESAT AL DISC (w reintenta): el disc és ple. Es desarà sol quan hi hagi espai."),
        "{s}"
    );
    let tick = f.app.next_tick().expect("the loop wakes up to retry");
    assert!(tick <= std::time::Duration::from_secs(5), "{tick:?}");

    // Quitting asks, naming what would be lost; anything but s stays.
    for quit in [
        KeyEvent::from(KeyCode::Char('q')),
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    ] {
        f.app.handle_key(quit);
        assert!(!f.app.quit);
        let s = screen(&f.app, 120, 24);
        assert!(
            s.lines()
                .last()
                .unwrap()
                .contains("Sortir sense desar? (s/n) Es perdria: estat d'implantació: Àger · TRA"),
            "{s}"
        );
        press(&mut f.app, KeyCode::Char('n'));
        assert!(!f.app.quit);
        assert!(f.app.popup.is_none());
    }

    // Room again: Ctrl-S writes what waited.
    f.disk.simulate_full_disk(false);
    ctrl(&mut f.app, 's');
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Desat: el canvi pendent ja és al disc."), "{s}");
    assert!(!s.lines().next().unwrap().contains("NO DESAT"), "{s}");
    // Nothing left to retry: only the next midnight (10:30 in the office) wakes the loop.
    assert_eq!(
        f.app.next_tick(),
        Some(std::time::Duration::from_secs(13 * 3600 + 30 * 60)),
        "nothing left to retry"
    );
    press(&mut f.app, KeyCode::Char('w'));
    assert!(screen(&f.app, 80, 24).contains("Tot és desat al disc."));
    press(&mut f.app, KeyCode::Char('q'));
    assert!(f.app.quit, "nothing to lose: no question");
    let f = f.restart();
    assert_eq!(f.app.data.status(0, 0), RolloutStatus::InProgress);
}

#[test]
fn the_disk_warning_and_the_quit_question_keep_their_keys_at_80_columns_in_every_language() {
    for (lang, retry, question) in [
        (
            Lang::Ca,
            "NO DESAT AL DISC (w reintenta): el disc és ple.",
            "Sortir sense desar? (s/n) Es perdria: estat d'implantació: Àger · TRA",
        ),
        (
            Lang::Es,
            "NO GUARDADO EN DISCO (w reintenta): el disco está lleno.",
            "¿Salir sin guardar? (s/n) Se perdería: estado de implantación: Àger · TRA",
        ),
        (
            Lang::En,
            "NOT SAVED TO DISK (w retries): the disk is full.",
            "Quit without saving? (y/n) Would be lost: rollout status: Àger · TRA",
        ),
    ] {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('2'));
        f.disk.simulate_full_disk_at_flush(true);
        press(&mut f.app, KeyCode::Char(' '));
        let s = screen(&f.app, 80, 24);
        // The key in the first row of the status line, whatever follows on the second.
        assert!(
            status_text(&f.app, &s, 80).starts_with(&format!(" {retry}")),
            "{lang:?}:\n{s}"
        );
        press(&mut f.app, KeyCode::Char('w'));
        let s = screen(&f.app, 80, 24);
        // The key in the first row of the status line, whatever follows on the second.
        assert!(
            status_text(&f.app, &s, 80).starts_with(&format!(" {retry}")),
            "{lang:?}:\n{s}"
        );
        press(&mut f.app, KeyCode::Char('q'));
        let s = screen(&f.app, 80, 24);
        assert!(
            status_text(&f.app, &s, 80).starts_with(&format!(" {question}")),
            "{lang:?}:\n{s}"
        );
        press(&mut f.app, KeyCode::Char('n'));
        assert!(!f.app.quit);
    }
}

#[test]
fn quitting_with_changes_not_on_disk_goes_once_confirmed() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    f.disk.simulate_full_disk_at_flush(true);
    press(&mut f.app, KeyCode::Char(' '));
    ctrl(&mut f.app, 'c');
    assert!(!f.app.quit);
    press(&mut f.app, KeyCode::Char('s'));
    assert!(f.app.quit);
}

#[test]
fn read_only_mode_says_so_on_every_edit_key() {
    let mut f = fixture();
    f.app.read_only = true;
    let s = screen(&f.app, 80, 24);
    assert!(s.lines().next().unwrap().contains("[NOMÉS LECTURA]"), "{s}");
    for (tab, keys) in [('1', "ef"), ('2', " xb"), ('3', "n")] {
        press(&mut f.app, KeyCode::Char(tab));
        for k in keys.chars() {
            press(&mut f.app, KeyCode::Char(k));
            assert!(f.app.popup.is_none(), "{k} opened something");
            let s = screen(&f.app, 80, 24);
            assert!(s.contains("Mode de només lectura"), "{k}: {s}");
        }
    }
    press(&mut f.app, KeyCode::Char('u'));
    assert!(screen(&f.app, 80, 24).contains("Mode de només lectura"));
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char(' '));
    assert!(
        screen(&f.app, 80, 24).contains("Mode de només lectura"),
        "checklist ticks too"
    );
    assert_eq!(f.app.store.changes_since(0).unwrap().len(), 1, "only the seeding");
    // Looking still works.
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("INE 252228"));
}
