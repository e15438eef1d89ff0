//! The Implantació tab: the matrix, its statuses, the checklist and the filter.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::catalog::service_index;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::popups::checklist::Checklist;
use ocsae::tabs::RolloutTab;

const NOT: usize = 5;

fn status_of(f: &Fixture, council: &str, service: &str) -> RolloutStatus {
    let m = f
        .app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == council)
        .unwrap();
    f.app.data.status(m, service_index(service).unwrap())
}

/// The rollout tab with the e-NOTUM column selected.
fn on_enotum() -> Fixture {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    for _ in 0..NOT {
        press(&mut f.app, KeyCode::Char('l'));
    }
    assert_eq!(f.app.tab::<RolloutTab>().column, NOT);
    f
}

#[test]
fn space_x_and_b_set_the_cell_status() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::InProgress);
    assert!(screen(&f.app, 80, 24).contains("e-NOTUM passa a «en curs»"));
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::Done);
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::Pending);
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x'));
    assert_eq!(status_of(&f, "Albesa", "e-notum"), RolloutStatus::NotApplicable);
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('b'));
    press(&mut f.app, KeyCode::Enter);
    assert!(
        screen(&f.app, 80, 24).contains("Cal escriure un motiu."),
        "an empty reason is refused"
    );
    type_text(&mut f.app, "falta el conveni");
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(status_of(&f, "Algerri", "e-notum"), RolloutStatus::Blocked);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("e-NOTUM passa a «bloquejat»"), "{s}");
    press(&mut f.app, KeyCode::Char('k'));
    press(&mut f.app, KeyCode::Char('j'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("NOT e-NOTUM ✖ falta el conveni"),
        "{s}"
    );
}

#[test]
fn the_matrix_at_80x24_with_totals() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x'));
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char('h'));
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    f.app.status = None;
    let s = screen(&f.app, 80, 24);
    // e-NOTUM: 1 done of 28 applicable councils = 3.6 %, shown 4; Àger: 1 of 12; Albesa: 0 of 11.
    assert!(
        s.lines().any(|l| l.starts_with("Àger") && l.ends_with("1/12")),
        "{s}"
    );
    assert!(
        s.lines().any(|l| l.starts_with("Albesa") && l.ends_with("0/11")),
        "{s}"
    );
    let totals = s.lines().find(|l| l.starts_with("% implantat")).unwrap();
    assert_eq!(totals.split_whitespace().nth(7), Some("4"), "{totals}");
    assert!(
        s.contains("FAC e-FACT"),
        "the full name of the column is shown: {s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn f_answers_who_still_lacks_enotum() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' ')); // Àger done
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x')); // Albesa not applicable
    press(&mut f.app, KeyCode::Char('f'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("27 municipis  e-NOTUM: sense implantar"), "{s}");
    assert!(
        !s.lines()
            .any(|l| l.starts_with("Àger") || l.starts_with("Albesa")),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('f'));
    assert!(screen(&f.app, 80, 24).contains("e-NOTUM: pendent"));
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Char('f'));
    }
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("1 municipi  e-NOTUM: implantat"), "{s}");
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(
        f.app.tab::<RolloutTab>().rows.len(),
        29,
        "Esc clears the status filter"
    );
}

/// Ticks the selected step of the open checklist on the date it offers (now).
fn tick(f: &mut Fixture) {
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Enter);
}

#[test]
fn the_checklist_ticks_steps_and_moves_the_status_undoably() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup_as::<Checklist>().is_some());
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("e-NOTUM · Àger") && s.contains("[ ] Sol·licitud d'alta signada i enviada"),
        "{s}"
    );
    // Space asks the day it was done, now unless typed otherwise.
    tick(&mut f);
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::InProgress);
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("[x] Sol·licitud d'alta signada i enviada  26/11/2026"),
        "{s}"
    );
    assert!(s.contains("e-NOTUM passa a «en curs»"), "{s}");
    for _ in 1..4 {
        press(&mut f.app, KeyCode::Down);
        tick(&mut f);
    }
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::Done);
    assert!(screen(&f.app, 80, 24).contains("e-NOTUM passa a «implantat»"));
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Formació feta el 3/12");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("Formació feta el 3/12"));
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());

    // The next morning: the notes, then the last tick, come back off one by one.
    let mut f = f.restart();
    press(&mut f.app, KeyCode::Char('u'));
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::InProgress);
    let m = f
        .app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == "Àger")
        .unwrap();
    let r = f.app.data.rollout[m][NOT].clone().unwrap();
    assert_eq!(r.steps_done(), 3);
    assert!(r.notes.is_empty());
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Char('u'));
    }
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::Pending);
    ctrl(&mut f.app, 'r');
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::InProgress);
}

#[test]
fn typed_notes_are_not_lost_on_esc_without_asking() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "a mig escriure");
    press(&mut f.app, KeyCode::Esc);
    assert!(screen(&f.app, 80, 24).contains("Descartar-les? (s/n)"));
    press(&mut f.app, KeyCode::Char('n'));
    press(&mut f.app, KeyCode::Enter);
    let m = f
        .app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == "Àger")
        .unwrap();
    assert_eq!(
        f.app.data.rollout[m][NOT].as_ref().unwrap().notes,
        "a mig escriure"
    );
}

#[test]
fn the_name_filter_and_selection_are_shared_with_municipis() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('2'));
    let m = f.app.tab::<RolloutTab>().selected_index().unwrap();
    assert_eq!(f.app.data.municipalities[m].name, "Tiurana");
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "vilanova");
    assert_eq!(f.app.tab::<RolloutTab>().rows.len(), 2);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('1'));
    assert_eq!(f.app.councils.rows.len(), 2);
}

#[test]
fn undo_works_with_the_checklist_open() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Enter);
    tick(&mut f);
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::InProgress);
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::Pending);
    assert!(
        f.app.popup_as::<Checklist>().is_some(),
        "the checklist stays open"
    );
    ctrl(&mut f.app, 'r');
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::InProgress);
    let s = screen(&f.app, 80, 24);
    assert!(s.lines().last().unwrap().contains("Refet"), "{s}");
}

#[test]
fn the_title_shows_the_typed_filter_and_a_sort_other_than_by_name() {
    let mut f = on_enotum();
    let title = |f: &Fixture| screen(&f.app, 80, 24).lines().nth(1).unwrap().to_string();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "tiu");
    let t = title(&f);
    assert!(t.contains("2 municipis") && t.contains("/tiu"), "{t}");
    press(&mut f.app, KeyCode::Enter);
    assert!(title(&f).contains("/tiu"), "a kept filter stays in sight");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('s'));
    let t = title(&f);
    assert!(t.contains("· Impl. ▲"), "{t}");
}

#[test]
fn s_sorts_only_by_the_columns_implantacio_shows() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    let title = |f: &Fixture| screen(&f.app, 80, 24).lines().nth(1).unwrap().to_string();
    let mut labels = Vec::new();
    for _ in 0..4 {
        press(&mut f.app, KeyCode::Char('s'));
        labels.push(title(&f));
    }
    assert!(labels[0].ends_with("· Impl. ▲"), "{labels:?}");
    assert!(!labels[1].contains('▲'), "back to the name: {labels:?}");
    assert_eq!(labels[2], labels[0]);
    // By the done count: Àger, with one service done, is last, and first reversed.
    let order = |f: &Fixture| -> Vec<String> {
        let tab = f.app.tab::<ocsae::tabs::RolloutTab>();
        tab.rows
            .iter()
            .map(|&m| f.app.data.municipalities[m].name.clone())
            .collect()
    };
    press(&mut f.app, KeyCode::Char('s'));
    assert_eq!(order(&f).last().unwrap(), "Àger");
    press(&mut f.app, KeyCode::Char('S'));
    assert_eq!(order(&f)[0], "Àger");
    // A sort Municipis chose goes on from there to the next column this tab shows.
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Char('s'));
    press(&mut f.app, KeyCode::Char('2'));
    assert!(title(&f).ends_with("· Cert. ▲"), "{}", title(&f));
    press(&mut f.app, KeyCode::Char('s'));
    assert!(!title(&f).contains('▲'), "{}", title(&f));
}

#[test]
fn the_legend_names_each_status_with_the_filters_word_in_every_language() {
    use ocsae::config::Config;
    use ocsae::i18n::Lang;
    let cases = [
        (
            Lang::Ca,
            "· pendent  ◐ en curs  ● implantat  – no aplica  ✖ bloquejat",
            "e-NOTUM: implantat",
        ),
        (
            Lang::Es,
            "· pendiente  ◐ en curso  ● implantado  – no aplica  ✖ bloqueado",
            "e-NOTUM: implantado",
        ),
        (
            Lang::En,
            "· pending  ◐ in progress  ● done  – not applicable  ✖ blocked",
            "e-NOTUM: done",
        ),
    ];
    for (lang, legend, done_filter) in cases {
        let mut f = fixture_with("Noguera", lang, Config::default());
        press(&mut f.app, KeyCode::Char('2'));
        for _ in 0..5 {
            press(&mut f.app, KeyCode::Char('l'));
        }
        // With a name filter kept, and at the smallest size, the legend is there.
        press(&mut f.app, KeyCode::Char('/'));
        type_text(&mut f.app, "a");
        press(&mut f.app, KeyCode::Enter);
        for (w, h) in [(80, 24), (60, 16)] {
            let s = screen(&f.app, w, h);
            let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
            let line = s.lines().rev().nth(1).unwrap();
            assert_eq!(words(line), words(legend), "{s}");
        }
        // Not done, pending, in progress, blocked, then done: the same word.
        for _ in 0..5 {
            press(&mut f.app, KeyCode::Char('f'));
        }
        let s = screen(&f.app, 80, 24);
        assert!(s.lines().nth(1).unwrap().contains(done_filter), "{s}");
    }
}

#[test]
fn totals_count_every_listed_council_even_under_a_status_filter() {
    let mut f = on_enotum();
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(status_of(&f, "Àger", "e-notum"), RolloutStatus::Done);
    f.app.status = None;
    let total = |f: &Fixture| {
        let s = screen(&f.app, 80, 24);
        let line = s
            .lines()
            .find(|l| l.starts_with("% implantat"))
            .unwrap()
            .to_string();
        line.split_whitespace().nth(7).unwrap().to_string()
    };
    // 1 of 29: 3.4 % rounds to 3.
    assert_eq!(total(&f), "3");
    press(&mut f.app, KeyCode::Char('f')); // not done: Àger leaves the list
    assert_eq!(f.app.tab::<RolloutTab>().rows.len(), 28);
    assert_eq!(total(&f), "3", "the filter does not change how far e-NOTUM is");
}

/// Council `name` goes, as another writer's change arriving while the dashboard is open.
fn removed_elsewhere(f: &mut Fixture, name: &str) {
    use ocsae::store::{Edit, Record};
    let m = f.app.data.municipalities.iter().find(|m| m.name == name);
    let m = m.unwrap().clone();
    f.app.changed_elsewhere(&[Edit {
        before: Some(Record::Municipality(m)),
        after: None,
    }]);
}

#[test]
fn the_checklist_and_the_block_prompt_keep_their_council_when_another_goes() {
    let mut f = on_enotum();
    // Tiurana, carried over from Municipis; Torrelameu follows it in the store.
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup_as::<Checklist>().is_some());
    // A council before it goes: every position after it shifts.
    removed_elsewhere(&mut f, "Àger");
    tick(&mut f);
    assert_eq!(status_of(&f, "Tiurana", "e-notum"), RolloutStatus::InProgress);
    assert_eq!(status_of(&f, "Torrelameu", "e-notum"), RolloutStatus::Pending);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("e-NOTUM · Tiurana"), "{s}");
    press(&mut f.app, KeyCode::Esc);

    press(&mut f.app, KeyCode::Char('b'));
    removed_elsewhere(&mut f, "Albesa");
    type_text(&mut f.app, "Falta el certificat");
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(status_of(&f, "Tiurana", "e-notum"), RolloutStatus::Blocked);
    assert_eq!(status_of(&f, "Torrelameu", "e-notum"), RolloutStatus::Pending);
}
