//! The Municipis tab, the quick jump and the contacts form, through `App`.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::municipality::ContactRole;
use ocsae::popups::contacts_form::ContactsForm;
use ocsae::tabs::MunicipalitiesTab;

fn listed(f: &Fixture) -> Vec<String> {
    f.app
        .councils
        .rows
        .iter()
        .map(|&i| f.app.data.municipalities[i].name.clone())
        .collect()
}

fn selected_name(f: &Fixture) -> String {
    let i = f.app.tab::<MunicipalitiesTab>().selected_index(&f.app).unwrap();
    f.app.data.municipalities[i].name.clone()
}

#[test]
fn the_filter_folds_accents_case_and_punctuation() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "meia");
    assert_eq!(listed(&f), ["Vilanova de Meià"]);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Vilanova de Meià") && s.contains("/meia"), "{s}");
    assert!(s.contains("1 municipi "), "{s}");
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(listed(&f).len(), 29, "Esc clears the filter");

    for (query, expected) in [("ALOS", "Alòs de Balaguer"), ("l aguda", "Vilanova de l'Aguda")] {
        press(&mut f.app, KeyCode::Char('/'));
        type_text(&mut f.app, query);
        assert_eq!(listed(&f), [expected], "{query}");
        press(&mut f.app, KeyCode::Esc);
    }
}

#[test]
fn enter_keeps_the_filter_and_esc_then_clears_it() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "bala");
    press(&mut f.app, KeyCode::Enter);
    assert!(!f.app.councils.filtering);
    assert_eq!(
        listed(&f),
        ["Alòs de Balaguer", "Os de Balaguer", "Vallfogona de Balaguer"]
    );
    press(&mut f.app, KeyCode::Char('j'));
    assert_eq!(selected_name(&f), "Os de Balaguer", "keys drive the list again");
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(listed(&f).len(), 29);
    assert_eq!(selected_name(&f), "Os de Balaguer", "the selection survives");
}

#[test]
fn a_shows_every_council_and_the_header_says_so() {
    let mut f = fixture();
    assert!(!listed(&f).contains(&"Balaguer".to_string()));
    press(&mut f.app, KeyCode::Char('a'));
    assert!(listed(&f).contains(&"Balaguer".to_string()));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Tots els municipis · 30 municipis"), "{s}");
    press(&mut f.app, KeyCode::Char('a'));
    assert!(screen(&f.app, 80, 24).contains("Municipis de menys de 5.000 habitants · 29"));
}

#[test]
fn s_cycles_the_sort_column_and_capital_s_reverses() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('s'));
    assert_eq!(listed(&f)[0], "Tiurana", "smallest population first");
    assert!(screen(&f.app, 80, 24).contains("Habitants ▲"));
    press(&mut f.app, KeyCode::Char('S'));
    assert_eq!(listed(&f)[0], "Artesa de Segre", "largest under 5,000 first");
    assert!(screen(&f.app, 80, 24).contains("Habitants ▼"));
    for _ in 0..5 {
        press(&mut f.app, KeyCode::Char('s'));
    }
    assert_eq!(listed(&f)[0], "Àger", "back to names");
}

#[test]
fn the_quick_jump_ranks_prefix_then_word_start_then_substring() {
    let f = fixture_with("all", ocsae::i18n::Lang::Ca, Default::default());
    let names = |q: &str| -> Vec<String> {
        ocsae::popups::jump::best_matches(&f.app.data, q)
            .into_iter()
            .map(|hit| f.app.data.municipalities[hit.council].name.clone())
            .collect()
    };
    let bala = names("bala");
    assert_eq!(bala[0], "Balaguer", "{bala:?}");
    let first_word_start = bala.iter().position(|n| n == "Alòs de Balaguer").unwrap();
    assert!(first_word_start > 0);
    let tiu = names("tiur");
    assert_eq!(tiu[0], "Tiurana");
    // Then the names a letter away (Siurana, Tírvia…), after every real match.
    let ranks: Vec<_> = ocsae::popups::jump::best_matches(&f.app.data, "tiur")
        .into_iter()
        .map(|hit| hit.rank)
        .collect();
    assert!(
        ranks[1..]
            .iter()
            .all(|r| *r == ocsae::domain::search::MatchRank::Typo),
        "{ranks:?}"
    );
    assert!(tiu.contains(&"Siurana".to_string()), "{tiu:?}");
    assert_eq!(f.app.data.municipalities.len(), 947);
}

#[test]
fn g_then_a_name_then_enter_shows_the_council() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Salta a un municipi") && s.contains("Tiurana"), "{s}");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.showing::<MunicipalitiesTab>());
    assert!(f.app.tab::<MunicipalitiesTab>().detail);
    assert_eq!(selected_name(&f), "Tiurana");
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("INE 252228 · 69 habitants (padró 2025) · Noguera"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn jumping_to_a_hidden_council_widens_the_view() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "meia");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "balaguer");
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(selected_name(&f), "Balaguer");
    assert!(f.app.councils.show_all);
    assert!(f.app.councils.filter.is_empty());
}

#[test]
fn esc_closes_the_jump_prompt() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiu");
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());
    assert!(!f.app.quit);
    assert!(!f.app.tab::<MunicipalitiesTab>().detail);
}

#[test]
fn the_detail_sits_beside_the_table_from_120_columns() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Enter);
    let wide = screen(&f.app, 120, 30);
    assert!(wide.contains("Albesa") && wide.contains("INE 250024"), "{wide}");
    insta::assert_snapshot!(wide);
    let narrow = screen(&f.app, 80, 24);
    assert!(
        narrow.contains("INE 250024") && !narrow.contains("Albesa "),
        "{narrow}"
    );
}

#[test]
fn editing_contacts_saves_through_the_history_and_undo_survives_a_restart() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    assert!(f.app.popup_as::<ContactsForm>().is_some());
    // Focus starts on the name of the blank row; the role cycles with Space.
    type_text(&mut f.app, "Joan Solé");
    press(&mut f.app, KeyCode::BackTab);
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "973 45 00 00");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "alcaldia@tiurana.cat");
    let form = screen(&f.app, 80, 24);
    assert!(
        form.contains("‹Alcalde/essa›") && form.contains("Joan Solé"),
        "{form}"
    );
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Alcalde/essa: Joan Solé · 973 45 00 00 · alcaldia@tiurana.cat"),
        "{s}"
    );
    assert!(s.contains("Desat."));

    let mut f = f.restart();
    let tiurana = f
        .app
        .data
        .municipalities
        .iter()
        .find(|m| m.name == "Tiurana")
        .unwrap();
    assert_eq!(tiurana.contacts[0].role, ContactRole::Mayor);
    press(&mut f.app, KeyCode::Char('u'));
    assert!(screen(&f.app, 80, 24).contains("Desfet: Tiurana, contactes i notes."));
    let tiurana = f
        .app
        .data
        .municipalities
        .iter()
        .find(|m| m.name == "Tiurana")
        .unwrap();
    assert!(tiurana.contacts.is_empty());
    ctrl(&mut f.app, 'r');
    let tiurana = f
        .app
        .data
        .municipalities
        .iter()
        .find(|m| m.name == "Tiurana")
        .unwrap();
    assert_eq!(tiurana.contacts.len(), 1);
}

#[test]
fn esc_in_a_changed_form_asks_before_discarding() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Anna");
    press(&mut f.app, KeyCode::Esc);
    assert!(screen(&f.app, 80, 24).contains("Descartar-los? (s/n)"));
    press(&mut f.app, KeyCode::Char('n'));
    assert!(
        f.app.popup_as::<ContactsForm>().is_some(),
        "n goes back to the form"
    );
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('s'));
    assert!(f.app.popup.is_none());
    assert!(
        f.app.data.municipalities.iter().all(|m| m.contacts.is_empty()),
        "nothing saved"
    );
}

#[test]
fn a_bad_email_names_the_row_and_keeps_the_form() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Anna");
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "anna-at-ajuntament");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup_as::<ContactsForm>().is_some());
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Fila 1: el correu no sembla una adreça vàlida."),
        "{s}"
    );
}

#[test]
fn a_phone_that_is_not_a_number_names_the_row_and_the_field_and_keeps_the_form() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Anna");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "truqueu al matí");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup_as::<ContactsForm>().is_some());
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Fila 1: el telèfon només pot tenir xifres, espais, un + al davant i"),
        "{s}"
    );
    assert!(f.app.data.municipalities.iter().all(|m| m.contacts.is_empty()));
    // A number with its extension is taken.
    for _ in 0.."truqueu al matí".chars().count() {
        press(&mut f.app, KeyCode::Backspace);
    }
    type_text(&mut f.app, "+34 973 00 00 00 ext. 12");
    press(&mut f.app, KeyCode::Enter);
    assert!(
        f.app.popup_as::<ContactsForm>().is_none(),
        "{}",
        screen(&f.app, 80, 24)
    );
}

#[test]
fn f_records_the_fitxa_with_its_renewal_and_warnings() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Enter); // Àger
    press(&mut f.app, KeyCode::Char('f'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Data d'enviament de la fitxa (buit: avui): 26/11/2026"),
        "{s}"
    );
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "31/02/2025");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("Data no vàlida «31/02/2025»"));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2025-01-20");
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("enviada el 20/01/2025 · renovar abans del 20/01/2027 · caduca en 55 d"),
        "{s}"
    );
    assert!(s.contains("La fitxa necessita 2 responsables del servei; n'hi ha 0."));
    press(&mut f.app, KeyCode::Esc);
    let list = screen(&f.app, 80, 24);
    assert!(
        list.lines()
            .any(|l| unmarked(l).starts_with("Àger") && l.ends_with("caduca en 55 d")),
        "{list}"
    );
    // Valid for longer: the detail still counts the days.
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('f'));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-03-01");
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("renovar abans del 01/03/2028 · vigent (461 d)"), "{s}");
}

#[test]
fn a_huge_paste_into_the_filter_is_cut_with_a_message() {
    let mut f = fixture();
    f.app
        .handle_event(ocsae::event::Event::Paste("x".repeat(200_000)));
    assert_eq!(f.app.councils.filter.len(), 100);
    assert!(screen(&f.app, 80, 24).contains("El filtre admet fins a 100 caràcters."));
}

/// Council `name` goes, as another writer's change arriving while the
/// dashboard is open: mirrored in memory, shifting every council after it.
fn removed_elsewhere(f: &mut Fixture, name: &str) {
    use ocsae::store::{Edit, Record};
    let m = f
        .app
        .data
        .municipalities
        .iter()
        .find(|m| m.name == name)
        .unwrap()
        .clone();
    f.app.changed_elsewhere(&[Edit {
        before: Some(Record::Municipality(m)),
        after: None,
    }]);
}

fn form_sent_on(f: &Fixture, name: &str) -> Option<chrono::NaiveDate> {
    let m = f.app.data.municipalities.iter().find(|m| m.name == name);
    m.unwrap().subscriber_form_sent_on
}

fn jump_to(f: &mut Fixture, name: &str) {
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, name);
    press(&mut f.app, KeyCode::Enter);
}

#[test]
fn a_prompt_saves_to_its_council_after_another_council_goes() {
    let mut f = fixture();
    jump_to(&mut f, "tiurana");
    press(&mut f.app, KeyCode::Char('f'));
    assert!(f.app.popup_as::<ocsae::popups::prompt::Prompt>().is_some());
    // Àger sits before Tiurana: a position would now point at Torrelameu.
    removed_elsewhere(&mut f, "Àger");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    let today = f.app.today();
    assert_eq!(form_sent_on(&f, "Tiurana"), Some(today));
    assert_eq!(form_sent_on(&f, "Torrelameu"), None);
    let stored = f.app.store.municipalities().unwrap();
    let tiurana = stored.iter().find(|m| m.name == "Tiurana").unwrap();
    assert_eq!(tiurana.subscriber_form_sent_on, Some(today), "on disk too");
}

#[test]
fn the_selection_stays_on_its_council_when_another_council_goes() {
    let mut f = fixture();
    jump_to(&mut f, "tiurana");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Char('1'));
    assert_eq!(selected_name(&f), "Tiurana");
    removed_elsewhere(&mut f, "Àger");
    assert_eq!(selected_name(&f), "Tiurana", "Municipis");
    press(&mut f.app, KeyCode::Char('2'));
    let rollout = f.app.tab::<ocsae::tabs::RolloutTab>();
    let m = rollout.selected_index().unwrap();
    assert_eq!(f.app.data.municipalities[m].name, "Tiurana", "Implantació");
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("Àger"), "{s}");
}

#[test]
fn a_form_about_a_council_that_went_saves_nothing_and_says_so() {
    let mut f = fixture();
    jump_to(&mut f, "tiurana");
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Joan Solé");
    removed_elsewhere(&mut f, "Tiurana");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    assert!(
        f.app.data.municipalities.iter().all(|m| m.name != "Tiurana"),
        "not brought back"
    );
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Aquest registre ja no és al magatzem"), "{s}");
}
