//! Dates: one format per language everywhere on screen, and exported times to the second.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::config::Config;
use ocsae::i18n::Lang;

/// Files a request for Tiurana, files it at EACAT and opens its detail.
fn detail(lang: Lang) -> String {
    let mut f = fixture_with("Noguera", lang, Config::default());
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Maria Puig");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    screen(&f.app, 80, 24)
}

#[test]
fn the_request_detail_writes_every_time_as_its_deadline() {
    for (lang, received, due) in [
        (Lang::Ca, "26/11/2026 10:30", "03/12/2026 24:00"),
        (Lang::Es, "26/11/2026 10:30", "03/12/2026 24:00"),
        (Lang::En, "2026-11-26 10:30", "2026-12-03 24:00"),
    ] {
        let s = detail(lang);
        assert!(s.contains(due), "{s}");
        // Received, filed, and both history lines.
        assert_eq!(s.matches(received).count(), 4, "{s}");
        let other = if lang == Lang::En {
            "26/11/2026"
        } else {
            "2026-11-26"
        };
        assert!(!s.contains(other), "no other format:\n{s}");
    }
}

#[test]
fn the_request_form_offers_now_as_the_language_writes_it_and_reads_it_back() {
    for (lang, now) in [(Lang::Ca, "26/11/2026 10:30"), (Lang::En, "2026-11-26 10:30")] {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('3'));
        press(&mut f.app, KeyCode::Char('n'));
        assert!(screen(&f.app, 80, 24).contains(now));
        type_text(&mut f.app, "tiurana");
        press(&mut f.app, KeyCode::Tab);
        type_text(&mut f.app, "Maria Puig");
        press(&mut f.app, KeyCode::Enter);
        assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
        assert_eq!(f.app.data.certs.list[0].received_at, at(NOW));
        // Opened to edit and closed untouched, it asks nothing.
        press(&mut f.app, KeyCode::Char('e'));
        assert!(screen(&f.app, 80, 24).contains(now));
        press(&mut f.app, KeyCode::Esc);
        assert!(f.app.popup.is_none());
    }
}

#[test]
fn exported_times_have_no_fractions_of_a_second() {
    let mut f = fixture();
    f.clock.set(at("2026-11-26T09:30:00.123456789Z"));
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Char(' '));
    let store = f.disk.clone();
    let rollouts = ocsae::store::Store::rollouts(store.as_ref()).unwrap();
    let csv = ocsae::io::export::rollout(
        &f.app.data.municipalities,
        &rollouts,
        &Default::default(),
        chrono_tz::Europe::Madrid,
        ocsae::io::Format::Csv,
    )
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains(",2026-11-26T10:30:00+01:00"), "{text}");
    assert!(!text.contains(".123"), "{text}");
}

/// Logs a call for Tiurana on Activitat, closes it and reads it back everywhere.
#[test]
fn activity_dates_are_written_and_read_as_the_language_writes_them() {
    for (lang, received, follow, other) in [
        (Lang::Ca, "26/11/2026 10:30", "30/11/2026", "2026-11-26"),
        (Lang::Es, "26/11/2026 10:30", "30/11/2026", "2026-11-26"),
        (Lang::En, "2026-11-26 10:30", "2026-11-30", "26/11/2026"),
    ] {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('4'));
        press(&mut f.app, KeyCode::Char('n'));
        let s = screen(&f.app, 80, 24);
        assert!(s.contains(received) && !s.contains(other), "the form: {s}");
        type_text(&mut f.app, "tiurana");
        press(&mut f.app, KeyCode::Tab);
        type_text(&mut f.app, "Consulta");
        // Down to the follow-up, typed as the language writes a date.
        let form = || ocsae::popups::activity_form::AField::FollowUp;
        while f
            .app
            .popup_as::<ocsae::popups::activity_form::ActivityForm>()
            .unwrap()
            .focus
            != form()
        {
            press(&mut f.app, KeyCode::Tab);
        }
        type_text(&mut f.app, follow);
        press(&mut f.app, KeyCode::Enter);
        assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
        let a = &f.app.data.activities.list[0];
        assert_eq!(a.received_at, at(NOW));
        assert_eq!(a.follow_up_on, chrono::NaiveDate::from_ymd_opt(2026, 11, 30));
        // Edited: the received time and the follow-up as they were typed.
        press(&mut f.app, KeyCode::Char('e'));
        let s = screen(&f.app, 80, 24);
        assert!(s.contains(received) && s.contains(follow), "the edit form: {s}");
        assert!(!s.contains(other), "the edit form: {s}");
        press(&mut f.app, KeyCode::Esc);
        // Closed, then its detail and history.
        press(&mut f.app, KeyCode::Char('x'));
        press(&mut f.app, KeyCode::Enter);
        press(&mut f.app, KeyCode::Char('v'));
        press(&mut f.app, KeyCode::Char('v'));
        press(&mut f.app, KeyCode::Enter);
        let s = screen(&f.app, 80, 30);
        assert!(s.matches(received).count() >= 3, "received, closed, history: {s}");
        assert!(!s.contains(other), "the detail: {s}");
        press(&mut f.app, KeyCode::Esc);
        // The council page.
        type_text(&mut f.app, "gtiurana");
        press(&mut f.app, KeyCode::Enter);
        let s = screen(&f.app, 80, 40);
        assert!(s.contains(&format!("#1 {received}")), "the page: {s}");
        assert!(!s.contains(other), "the page: {s}");
    }
}
