//! Finding a council by whoever is calling: `g`, `/` on Municipis and the
//! request form's council picker, through `App`.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::municipality::{Contact, ContactRole};
use ocsae::domain::search::MatchRank;
use ocsae::popups::jump::Jump;
use ocsae::popups::request_form::RequestForm;
use ocsae::tabs::MunicipalitiesTab;

/// Gives council `name` these contacts, through the rules and the store.
fn give_contacts(f: &mut Fixture, name: &str, contacts: &[(ContactRole, &str, &str, &str)]) {
    let i = f
        .app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == name)
        .unwrap();
    let before = f.app.data.municipalities[i].clone();
    let mut after = before.clone();
    after.contacts = contacts
        .iter()
        .map(|(role, name, phone, email)| Contact {
            role: *role,
            name: (*name).into(),
            phone: (*phone).into(),
            email: (*email).into(),
        })
        .collect();
    let change = ocsae::ops::councils::edit_contacts(&before, after)
        .unwrap()
        .unwrap();
    assert!(f.app.commit(change).is_some());
}

/// The Noguera with a secretary at Tiurana and a mayor at Àger.
fn with_contacts() -> Fixture {
    let mut f = fixture();
    give_contacts(
        &mut f,
        "Tiurana",
        &[(
            ContactRole::Secretary,
            "Marta Vila",
            "973 45 00 02",
            "secretaria@tiurana.cat",
        )],
    );
    give_contacts(
        &mut f,
        "Àger",
        &[(ContactRole::Mayor, "Joan Roca", "+34 973 45 51 00", "")],
    );
    f
}

/// The names the open jump lists, best first.
fn jump_names(f: &Fixture) -> Vec<String> {
    let jump = f.app.popup_as::<Jump>().expect("the jump is open");
    jump.matches
        .iter()
        .map(|m| f.app.data.council_name(m.ine))
        .collect()
}

fn jump_for(f: &mut Fixture, query: &str) -> Vec<String> {
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, query);
    let names = jump_names(f);
    press(&mut f.app, KeyCode::Esc);
    names
}

#[test]
fn g_finds_a_council_by_the_digits_of_a_phone_and_says_whose_it_is() {
    let mut f = with_contacts();
    for query in ["973 45 00 02", "+34973450002", "973450002", "450002"] {
        assert_eq!(
            jump_for(&mut f, query).first().map(String::as_str),
            Some("Tiurana"),
            "{query}"
        );
    }
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "450002");
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Tiurana") && s.contains("Marta Vila · secretari/ària · 973 450 002"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.showing::<MunicipalitiesTab>());
    let tab = f.app.tab::<MunicipalitiesTab>();
    let i = tab.selected_index(&f.app).unwrap();
    assert_eq!(f.app.data.municipalities[i].name, "Tiurana");
    // A number stored with its country code is found without it.
    assert_eq!(jump_for(&mut f, "973 455 100"), ["Àger"]);
}

#[test]
fn g_forgives_a_typo_in_a_council_name() {
    let mut f = fixture();
    assert_eq!(
        jump_for(&mut f, "tiurna").first().map(String::as_str),
        Some("Tiurana")
    );
    assert_eq!(
        jump_for(&mut f, "vilanoba de meia").first().map(String::as_str),
        Some("Vilanova de Meià")
    );
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurna");
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("≈ Tiurana"), "a near miss is marked as one:\n{s}");
}

#[test]
fn g_finds_a_contact_by_name_an_address_and_a_council_by_its_code() {
    let mut f = with_contacts();
    assert_eq!(jump_for(&mut f, "marta vila"), ["Tiurana"]);
    assert_eq!(jump_for(&mut f, "vila marta"), ["Tiurana"], "words in any order");
    assert_eq!(jump_for(&mut f, "secretaria@tiurana.cat"), ["Tiurana"]);
    assert_eq!(jump_for(&mut f, "252228"), ["Tiurana"]);
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "252228");
    assert!(screen(&f.app, 80, 24).contains("codi INE 252228"));
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "joan");
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Joan Roca · alcalde/essa · 973 455 100"), "{s}");
}

#[test]
fn the_best_match_comes_first_in_the_jump() {
    let f = fixture_with("all", ocsae::i18n::Lang::Ca, Default::default());
    let ranked = |q: &str| -> Vec<(String, MatchRank)> {
        ocsae::popups::jump::best_matches(&f.app.data, q)
            .into_iter()
            .map(|h| (f.app.data.municipalities[h.council].name.clone(), h.rank))
            .collect()
    };
    for q in ["olot", "vic", "bala", "sant pere", "mont"] {
        let ranks: Vec<MatchRank> = ranked(q).into_iter().map(|(_, r)| r).collect();
        assert!(
            ranks.is_sorted(),
            "{q}: exact, prefix, word start, substring, typo: {ranks:?}"
        );
    }
    let olot = ranked("olot");
    assert_eq!(olot[0], ("Olot".to_string(), MatchRank::Exact));
    assert_eq!(
        olot[1],
        ("Olost".to_string(), MatchRank::Typo),
        "a letter away, after"
    );
    let bala = ranked("bala");
    assert_eq!(bala[0], ("Balaguer".to_string(), MatchRank::Prefix));
    assert_eq!(bala[1], ("Alòs de Balaguer".to_string(), MatchRank::WordStart));
    assert!(bala.contains(&("Badalona".to_string(), MatchRank::Typo)));
}

#[test]
fn the_municipis_filter_finds_a_contact_and_the_row_says_who() {
    let mut f = with_contacts();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "marta");
    let listed: Vec<&str> = f
        .app
        .councils
        .rows
        .iter()
        .map(|&i| f.app.data.municipalities[i].name.as_str())
        .collect();
    assert_eq!(listed, ["Tiurana"]);
    // At 80 columns the activity marker leaves the name's cell room for the why's start.
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("○ Tiurana · Vila "), "{s}");
    assert!(screen(&f.app, 120, 24).contains("Tiurana · Marta Vila · secretari/ària"));
    press(&mut f.app, KeyCode::Esc);
    // A typo is listed only when nothing matches better.
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "tiurna");
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("≈ Tiurana") && s.contains("1 municipi "), "{s}");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "bala");
    assert_eq!(
        f.app.councils.rows.len(),
        3,
        "the three Balaguers, no near misses"
    );
}

#[test]
fn the_request_forms_council_picker_finds_a_council_by_phone() {
    let mut f = with_contacts();
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "450002");
    let form = f.app.popup_as::<RequestForm>().expect("the form is open");
    assert_eq!(
        form.council().map(|ine| f.app.data.council_name(ine)).as_deref(),
        Some("Tiurana")
    );
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Marta Vila · secretari/ària"), "{s}");
}

#[test]
fn the_activity_forms_council_picker_finds_a_council_by_phone_and_contact() {
    let mut f = with_contacts();
    for query in ["450002", "marta vila", "tiurna"] {
        press(&mut f.app, KeyCode::Char('4'));
        press(&mut f.app, KeyCode::Char('n'));
        type_text(&mut f.app, query);
        let form = f
            .app
            .popup_as::<ocsae::popups::activity_form::ActivityForm>()
            .expect("the form is open");
        assert_eq!(
            form.council().map(|ine| f.app.data.council_name(ine)).as_deref(),
            Some("Tiurana"),
            "{query}"
        );
        press(&mut f.app, KeyCode::Esc);
        // A form with typing asks before it goes.
        if f.app.popup.is_some() {
            press(&mut f.app, KeyCode::Char('s'));
        }
        assert!(f.app.popup.is_none(), "{query}: the form closed");
    }
}
