//! The council page: every line of it reachable at 80x24, scrolling with a
//! marker, wrapped lines keeping their indent, the wide layout's focus, and
//! every request of the council, closed ones with their reason.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::{Contact, ContactRole};
use ocsae::i18n::Lang;
use ocsae::store::NEW_ID;
use ocsae::tabs::{CertificatesTab, MunicipalitiesTab};

/// Tiurana with four contacts (the secretary's line too long for 80 columns)
/// and three requests: one open, one rejected for a missing DNI, one cancelled.
pub fn busy_tiurana() -> Fixture {
    busy_tiurana_in(Lang::Ca)
}

/// `busy_tiurana`, the interface in `lang`.
pub fn busy_tiurana_in(lang: Lang) -> Fixture {
    let mut f = fixture_with("Noguera", lang, Default::default());
    let i = f
        .app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == "Tiurana")
        .unwrap();
    let before = f.app.data.municipalities[i].clone();
    let mut after = before.clone();
    let contact = |role, name: &str, phone: &str, email: &str| Contact {
        role,
        name: name.into(),
        phone: phone.into(),
        email: email.into(),
    };
    after.contacts = vec![
        contact(ContactRole::Mayor, "Josep Farré", "973 45 00 01", ""),
        contact(
            ContactRole::Secretary,
            "Marta Vila i Casanovas",
            "973 45 00 02",
            "secretaria.intervencio@tiurana.cat",
        ),
        contact(ContactRole::ServiceManager, "Anna Roca", "973 45 00 03", ""),
        contact(ContactRole::DataCertifier, "Pere Solé", "", "pere@tiurana.cat"),
    ];
    let change = ocsae::ops::councils::edit_contacts(&before, after)
        .unwrap()
        .unwrap();
    f.app.commit(change).unwrap();
    let now = at(NOW);
    for holder in ["Josep Farré", "Maria Puig", "Jordi Serra"] {
        let request =
            CertificateRequest::received(NEW_ID, before.ine, holder, HolderRole::Other, "tcat", now);
        let change = ocsae::ops::requests::file_request(request, now).unwrap();
        f.app.commit(change).unwrap();
    }
    let reject = ocsae::ops::requests::reject(f.app.data.certs.get(2).unwrap(), "falta DNI").unwrap();
    f.app.commit(reject).unwrap();
    let cancel = ocsae::ops::requests::cancel(f.app.data.certs.get(3).unwrap(), "Jordi Serra", "").unwrap();
    f.app.commit(cancel).unwrap();
    f.app.status = None;
    f
}

fn open_tiurana(f: &mut Fixture) {
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
}

#[test]
fn at_80x24_the_page_scrolls_to_its_last_request_and_says_what_is_below() {
    let mut f = busy_tiurana();
    open_tiurana(&mut f);
    let s = screen(&f.app, 80, 24);
    let marker = s.lines().nth(22).unwrap_or_default().to_string();
    assert!(
        marker.trim_start().starts_with("↓ ") && marker.ends_with(" més"),
        "{s}"
    );
    assert!(
        !s.contains("#3 Jordi Serra"),
        "the last request starts below:\n{s}"
    );
    // A wrapped contact keeps its indent: its second row starts under the first's text.
    let lines: Vec<&str> = s.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("Marta Vila i Casanovas"))
        .unwrap();
    assert!(
        lines[at + 1].starts_with("    ") && !lines[at + 1].trim().is_empty(),
        "{s}"
    );
    let mut steps = 0;
    while screen(&f.app, 80, 24).contains(" més") {
        press(&mut f.app, KeyCode::Down);
        steps += 1;
        assert!(steps < 40, "the marker never went");
    }
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("#3 Jordi Serra · T-CAT · cancel·lada"), "{s}");
    assert!(s.contains("#2 Maria Puig · T-CAT · rebutjada: falta DNI"), "{s}");
    // PgUp goes back up; PgDn and End reach the end again.
    press(&mut f.app, KeyCode::PageUp);
    press(&mut f.app, KeyCode::PageUp);
    assert!(screen(&f.app, 80, 24).contains("Tiurana"));
    press(&mut f.app, KeyCode::End);
    assert!(screen(&f.app, 80, 24).contains("#3 Jordi Serra"));
}

#[test]
fn in_the_wide_layout_enter_gives_the_page_the_keys_and_esc_takes_them_back() {
    let mut f = busy_tiurana();
    let (w, h) = (130, 24);
    render(&f.app, w, h);
    open_tiurana(&mut f);
    let selected = |f: &Fixture| f.app.tab::<MunicipalitiesTab>().cursor.selected;
    let row = selected(&f);
    // The jump opened the page with the keys: ↓ scrolls it, the table stays.
    assert!(f.app.tab::<MunicipalitiesTab>().page_focus);
    let s = screen(&f.app, w, h);
    assert!(s.contains(" més") && !s.contains("#3 Jordi Serra"), "{s}");
    for _ in 0..30 {
        press(&mut f.app, KeyCode::Down);
    }
    assert_eq!(selected(&f), row, "the table did not move");
    let s = screen(&f.app, w, h);
    assert!(s.contains("#3 Jordi Serra") && !s.contains(" més"), "{s}");
    // Esc gives the keys back to the table; the page stays beside it.
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.tab::<MunicipalitiesTab>().detail);
    press(&mut f.app, KeyCode::Down);
    assert_eq!(selected(&f), row + 1, "the table moves again");
    // Enter gives the keys to the page again; Tab is still the next tab.
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.tab::<MunicipalitiesTab>().page_focus);
    press(&mut f.app, KeyCode::Down);
    assert_eq!(selected(&f), row + 1);
    press(&mut f.app, KeyCode::Tab);
    assert!(!f.app.showing::<MunicipalitiesTab>());
    press(&mut f.app, KeyCode::BackTab);
    // Esc twice: the table gets the keys, then the page closes.
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);
    assert!(!f.app.tab::<MunicipalitiesTab>().detail);
}

#[test]
fn the_page_lists_every_request_of_the_council_with_its_reason() {
    let mut f = busy_tiurana();
    open_tiurana(&mut f);
    press(&mut f.app, KeyCode::End);
    let s = screen(&f.app, 80, 24);
    for line in [
        "#1 Josep Farré · T-CAT · rebuda",
        "#2 Maria Puig · T-CAT · rebutjada: falta DNI",
        "#3 Jordi Serra · T-CAT · cancel·lada",
    ] {
        assert!(s.contains(line), "{line} missing:\n{s}");
    }
    // The queue lists only the open one.
    press(&mut f.app, KeyCode::Char('3'));
    assert_eq!(f.app.tab::<CertificatesTab>().rows.len(), 1);
}

#[test]
fn in_every_language_at_80x24_a_caller_finds_the_council_and_reads_its_page_to_the_end() {
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = busy_tiurana_in(lang);
        // A typo, a contact's name, the last digits of a phone: each finds Tiurana first.
        for query in ["tiurna", "marta vila", "450002"] {
            press(&mut f.app, KeyCode::Char('g'));
            type_text(&mut f.app, query);
            let s = screen(&f.app, 80, 24);
            let first = f.app.popup_as::<ocsae::popups::jump::Jump>().unwrap().matches[0].ine;
            assert_eq!(
                f.app.data.council_name(first),
                "Tiurana",
                "{lang:?} {query}:\n{s}"
            );
            if query != "tiurna" {
                assert!(
                    s.contains("Marta Vila i Casanovas · "),
                    "{lang:?} {query}: why\n{s}"
                );
            }
            press(&mut f.app, KeyCode::Esc);
        }
        press(&mut f.app, KeyCode::Char('g'));
        type_text(&mut f.app, "450002");
        press(&mut f.app, KeyCode::Enter);
        assert!(screen(&f.app, 80, 24).contains("INE 252228"), "{lang:?}");
        // Every line is reachable: ↓ until the marker goes, the last request in sight.
        let mut steps = 0;
        // The marker: `↓ N més` (more, más) on a line of its own.
        let marked = |s: &str| {
            s.lines().any(|l| {
                l.trim_start()
                    .strip_prefix("↓ ")
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            })
        };
        while marked(&screen(&f.app, 80, 24)) {
            press(&mut f.app, KeyCode::Down);
            steps += 1;
            assert!(steps < 40, "{lang:?}: the marker never went");
        }
        assert!(steps > 0, "{lang:?}: the page fitted; nothing was tested");
        let s = screen(&f.app, 80, 24);
        let lines: Vec<&str> = s.lines().collect();
        let last = lines[..lines.len() - 1]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap();
        assert!(
            last.contains("#3 Jordi Serra · T-CAT · "),
            "{lang:?}: the page ends on the last request:\n{s}"
        );
        assert!(
            s.lines()
                .any(|l| l.contains("#2 Maria Puig · T-CAT · ") && l.ends_with(": falta DNI")),
            "{lang:?}: the rejection with its reason:\n{s}"
        );
    }
}

#[test]
fn l_after_finding_the_council_by_a_contact_names_that_contact() {
    use ocsae::popups::activity_form::ActivityForm;
    let tiurana = ocsae::domain::municipality::IneCode(252228);
    let mut f = busy_tiurana();
    // The phone's last digits: the secretary's number.
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "450002");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('L'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.council(), Some(tiurana));
    assert_eq!(form.contact.value(), "Marta Vila i Casanovas");
    press(&mut f.app, KeyCode::Esc);
    // Found by its name: nobody in particular.
    open_tiurana(&mut f);
    press(&mut f.app, KeyCode::Char('L'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.council(), Some(tiurana));
    assert_eq!(form.contact.value(), "");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);
    // Filtered on Municipis by a contact's name: the row's contact.
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "anna roca");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('L'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.council(), Some(tiurana), "{}", screen(&f.app, 80, 24));
    assert_eq!(form.contact.value(), "Anna Roca");
}

#[test]
fn the_contact_editor_shows_a_role_whole_or_by_its_short_name_never_cut() {
    use ocsae::popups::contacts_form::{ContactsForm, Field};
    let mut f = busy_tiurana();
    open_tiurana(&mut f);
    press(&mut f.app, KeyCode::Char('e'));
    let s = screen(&f.app, 120, 30);
    assert!(
        s.contains("‹Secretari/ària-interventor/a›"),
        "room for it whole: {s}"
    );
    // A long address leaves the row short of room: the role gives way to its short name.
    while f.app.popup_as::<ContactsForm>().unwrap().focused() != Field::Email(1) {
        press(&mut f.app, KeyCode::Tab);
    }
    press(&mut f.app, KeyCode::End);
    type_text(&mut f.app, ".ajuntament-de-tiurana-noguera");
    let s = screen(&f.app, 120, 30);
    assert!(s.contains("‹secretari/ària›"), "{s}");
    assert!(!s.contains("interventor/…"), "{s}");
    assert!(
        s.contains("@tiurana.cat.ajuntament-de-tiurana-noguera"),
        "the address whole: {s}"
    );
}

#[test]
fn at_60_columns_the_services_take_one_column_each_whole() {
    let mut f = busy_tiurana();
    open_tiurana(&mut f);
    let s = screen(&f.app, 60, 80);
    let line = s
        .lines()
        .find(|l| l.contains("Entitat de Registre"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(line.contains("Entitat de Registre idCAT 0/"), "{s}");
    let services = s
        .lines()
        .skip_while(|l| !l.contains("Serveis"))
        .take_while(|l| !l.trim().is_empty());
    assert!(services.into_iter().all(|l| !l.contains('…')), "{s}");
    // Wide enough, two columns.
    let s = screen(&f.app, 100, 80);
    assert!(
        s.lines()
            .any(|l| l.matches("/").count() >= 2 && l.contains("idCAT")),
        "{s}"
    );
}
