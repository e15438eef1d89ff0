//! The dashboard shell through `App::handle_key` and rendered buffers.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::config::Config;
use ocsae::i18n::Lang;
use ocsae::tabs::CertificatesTab;
use ocsae::tabs::MunicipalitiesTab;
use ocsae::tabs::RolloutTab;
use ocsae::theme::{Theme, ThemeName};

#[test]
fn municipis_at_80x24() {
    let f = fixture();
    insta::assert_snapshot!(screen(&f.app, 80, 24));
}

#[test]
fn implantacio_at_80x24() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    assert!(f.app.showing::<RolloutTab>());
    insta::assert_snapshot!(screen(&f.app, 80, 24));
}

#[test]
fn certificats_at_80x24() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('3'));
    assert!(f.app.showing::<CertificatesTab>());
    insta::assert_snapshot!(screen(&f.app, 80, 24));
}

#[test]
fn help_popup_at_80x24() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('?'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("q Ctrl-C"), "{s}");
    assert!(s.contains("Sortir"));
    insta::assert_snapshot!(s);
}

#[test]
fn too_small_shows_a_message_and_growing_back_redraws() {
    let f = fixture();
    let small = screen(&f.app, 59, 16);
    assert!(small.contains("massa petita (59x16)"), "{small}");
    assert!(small.contains("60x16"));
    insta::assert_snapshot!(small);
    let tiny = screen(&f.app, 1, 1);
    assert_eq!(tiny.chars().count(), 1);
    let back = screen(&f.app, 80, 24);
    assert!(back.contains("Àger"), "{back}");
}

#[test]
fn tab_and_shift_tab_cycle_the_tabs() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Tab);
    assert!(f.app.showing::<RolloutTab>());
    press(&mut f.app, KeyCode::Tab);
    assert!(f.app.showing::<CertificatesTab>());
    press(&mut f.app, KeyCode::Tab);
    assert!(f.app.showing::<ocsae::tabs::ActivityTab>());
    // Avui is the first tab: after the last, before Municipis.
    press(&mut f.app, KeyCode::Tab);
    assert!(f.app.showing::<ocsae::tabs::TodayTab>());
    press(&mut f.app, KeyCode::Tab);
    assert!(f.app.showing::<MunicipalitiesTab>());
    press(&mut f.app, KeyCode::BackTab);
    assert!(f.app.showing::<ocsae::tabs::TodayTab>());
    press(&mut f.app, KeyCode::BackTab);
    assert!(f.app.showing::<ocsae::tabs::ActivityTab>());
    press(&mut f.app, KeyCode::BackTab);
    assert!(f.app.showing::<CertificatesTab>());
    press(&mut f.app, KeyCode::Char('1'));
    assert!(f.app.showing::<MunicipalitiesTab>());
}

#[test]
fn esc_closes_popups_and_never_quits_while_q_quits() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::F(1));
    assert!(f.app.popup.is_some());
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());
    press(&mut f.app, KeyCode::Esc);
    assert!(!f.app.quit);
    press(&mut f.app, KeyCode::Char('q'));
    assert!(f.app.quit);
    let mut f = fixture();
    ctrl(&mut f.app, 'c');
    assert!(f.app.quit);
}

#[test]
fn the_list_is_the_councils_under_5000_in_catalan_order() {
    let f = fixture();
    let names: Vec<&str> = f
        .app
        .councils
        .rows
        .iter()
        .map(|&i| f.app.data.municipalities[i].name.as_str())
        .collect();
    assert_eq!(names.len(), 29);
    assert!(!names.contains(&"Balaguer"));
    assert_eq!(names[0], "Àger");
    assert_eq!(names[1], "Albesa");
    assert_eq!(names.last(), Some(&"Vilanova de Meià"));
}

#[test]
fn the_status_bar_hints_come_from_the_keymap() {
    let mut config = Config::default();
    config
        .keys
        .entry("global".into())
        .or_default()
        .insert("quit".into(), vec!["Q".into()]);
    let f = fixture_with("Noguera", Lang::Ca, config);
    let s = screen(&f.app, 80, 24);
    let status = s.lines().last().unwrap();
    assert!(status.contains("Q Sortir"), "{status}");
}

#[test]
fn every_language_draws_its_own_words() {
    for (lang, tab, view, header) in [
        // Five tabs in 80 columns: the header gives their short titles.
        (
            Lang::Ca,
            " 1 Munic. ",
            "Municipis de menys de 5.000 habitants",
            " Habitants ",
        ),
        (
            Lang::Es,
            " 1 Munic. ",
            "Municipios de menos de 5.000 habitantes",
            " Habitantes ",
        ),
        (
            Lang::En,
            " 1 Councils ",
            "Councils under 5,000 inhabitants",
            " Population ",
        ),
    ] {
        let f = fixture_with("Noguera", lang, Config::default());
        let s = screen(&f.app, 80, 24);
        assert!(s.contains(tab) && s.contains(view), "{s}");
        // Each language's column headers whole, at 80 columns.
        assert!(s.lines().nth(2).unwrap().contains(header), "{s}");
    }
}

#[test]
fn no_colour_draws_no_colour_and_keeps_the_selection_visible() {
    let mut f = fixture();
    f.app.theme = Theme::pick(ThemeName::Dark, true);
    let terminal = render(&f.app, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    // The first council row (under the title and the header) is reversed.
    let selected = &buffer[(0, 3)];
    assert!(selected.modifier.contains(ratatui::style::Modifier::REVERSED));
}

#[test]
fn moving_the_selection_scrolls_the_list() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::End);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Vilanova de Meià"), "{s}");
    assert!(!s.contains("Àger"));
    press(&mut f.app, KeyCode::Home);
    assert!(screen(&f.app, 80, 24).contains("Àger"));
}

#[test]
fn at_the_smallest_size_tables_give_up_columns_rather_than_cut_them() {
    let mut f = fixture();
    let s = screen(&f.app, 60, 16);
    assert!(
        s.contains("  Municipi             Habitants Implantació  Fitxa"),
        "{s}"
    );
    // Four tabs do not fit beside the comarca: the others by their key alone.
    assert!(
        s.lines().next().unwrap().ends_with(" 1 Municipis   2   3   4"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('2'));
    let s = screen(&f.app, 60, 16);
    assert!(
        s.contains("TRA VOB EAC PSC FAC NOT ERE CER IDE RID SEG TAU") && !s.contains("Impl."),
        "{s}"
    );
    assert!(!s.contains("/12"), "no half-drawn totals: {s}");
    press(&mut f.app, KeyCode::Char('3'));
    let s = screen(&f.app, 60, 16);
    assert!(
        s.contains("Termini") && s.contains("Municipi") && !s.contains("Oper."),
        "{s}"
    );
}

#[test]
fn ctrl_c_quits_from_popups_and_filters_but_not_over_typed_text() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('?'));
    ctrl(&mut f.app, 'c');
    assert!(f.app.quit, "from the help popup");

    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "tiu");
    let s = screen(&f.app, 80, 24);
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("Enter Manté el filtre  Esc L'esborra"),
        "{s}"
    );
    ctrl(&mut f.app, 'c');
    assert!(f.app.quit, "from the filter");

    let mut f = fixture();
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Joan Roca");
    ctrl(&mut f.app, 'c');
    assert!(!f.app.quit, "typed text is not dropped by Ctrl-C");
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Hi ha text sense desar"), "{s}");
    assert!(s.contains("Joan Roca"), "the form is still there: {s}");
}
