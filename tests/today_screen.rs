//! Avui on screen: the first frame before the requests are read, `start_tab`,
//! the charts, and the worklist at 80x24 in every language, with and without
//! colour, its five tabs in the header.

mod common;

use common::avui::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::config::{Config, StartTab};
use ocsae::i18n::Lang;
use ocsae::tabs::{CertificatesTab, TodayTab};
use ocsae::theme::{Theme, ThemeName};

#[test]
fn the_first_frame_marks_the_sections_that_wait_for_the_requests() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ocsae::domain::clock::FixedClock::new(at(NOW));
    let store = open_store(dir.path());
    ocsae::store::seed::seed(
        store.as_ref(),
        &ocsae::store::seed::resolve_scope("Noguera").unwrap(),
        at(NOW),
    )
    .unwrap();
    let config = Config::default();
    let keymap = ocsae::keymap::Keymap::new(&config.keys).unwrap();
    let theme = Theme::pick(ThemeName::Dark, false);
    let store: std::sync::Arc<dyn ocsae::store::Store> = store.into();
    let mut app =
        ocsae::app::App::new_lazy(store, config, Lang::Ca, keymap, theme, std::sync::Arc::new(clock))
            .unwrap();
    assert!(app.showing::<TodayTab>(), "Avui is the first screen");
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("… Certificats vençuts o a 2 dies feiners (carregant)"),
        "{s}"
    );
    assert!(s.contains("▾ Fitxes de subscriptor per enviar (29)"), "{s}");
    let load = app.certificate_loader().unwrap();
    app.certificates_loaded(load());
    let s = screen(&app, 80, 24);
    assert!(s.contains("▾ Certificats vençuts o a 2 dies feiners (0)"), "{s}");
    assert!(!s.contains("carregant"), "{s}");
}

#[test]
fn start_tab_chooses_the_first_screen() {
    let f = avui(Lang::Ca);
    assert!(f.app.showing::<TodayTab>());
    let config = Config {
        start_tab: StartTab::Certificates,
        ..Config::default()
    };
    let f = avui_with(Lang::Ca, config);
    assert!(f.app.showing::<CertificatesTab>());
}

#[test]
fn v_shows_the_charts_with_their_numbers() {
    let mut f = avui(Lang::Ca);
    busy_day(&mut f);
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    // Three requests received in the last twelve months (the fourth in 2022).
    assert!(s.contains("Sol·licituds T-CAT per mes (3)"), "{s}");
    assert!(s.contains("Adopció: fets / aplicables"), "{s}");
    assert!(s.contains("0/30"), "nothing done of 30 councils: {s}");
    assert!(s.contains("Suport obert/setmana (ara 1)"), "{s}");
    insta::assert_snapshot!("charts_ca", s);
    press(&mut f.app, KeyCode::Char('v'));
    assert!(screen(&f.app, 80, 24).contains("Avui, 26/11/2026"));
}

#[test]
fn avui_at_80x24_in_every_language_with_and_without_colour() {
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = avui(lang);
        busy_day(&mut f);
        let s = screen(&f.app, 80, 24);
        let header = s.lines().next().unwrap();
        for key in ["0", "1", "2", "3", "4"] {
            assert!(header.contains(&format!(" {key} ")), "{header}");
        }
        insta::assert_snapshot!(format!("avui_{}", lang.code()), s);

        f.app.theme = Theme::pick(ThemeName::Dark, true);
        let terminal = render(&f.app, 80, 24);
        let buffer = terminal.backend().buffer();
        for cell in buffer.content() {
            assert_eq!(cell.fg, ratatui::style::Color::Reset);
            assert_eq!(cell.bg, ratatui::style::Color::Reset);
        }
        // The selection reads without colour: reversed, with its marker.
        assert!(
            buffer[(0, 2)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
        assert_eq!(buffer[(0, 2)].symbol(), "›");
        let plain = screen(&f.app, 80, 24);
        insta::assert_snapshot!(format!("avui_{}_no_colour", lang.code()), plain);
    }
}

#[test]
fn five_tabs_fit_80_columns_in_every_language_for_the_longest_comarca() {
    let longest = ocsae::store::seed::comarques()
        .into_iter()
        .max_by_key(|c| c.chars().count())
        .unwrap();
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = fixture_with(longest, lang, Config::default());
        f.app = open_app_as_configured(f.disk.clone(), lang, Config::default(), &f.clock);
        let s = screen(&f.app, 80, 24);
        // The screen's lines are trimmed: the last label's padding with them.
        let header = format!("{} ", s.lines().next().unwrap());
        let t = &f.app.t;
        for (key, title) in [
            ("0", ocsae::i18n::Msg::tab_today),
            ("1", ocsae::i18n::Msg::tab_municipalities_short),
            ("2", ocsae::i18n::Msg::tab_rollout_short),
            ("3", ocsae::i18n::Msg::tab_certificates_short),
            ("4", ocsae::i18n::Msg::tab_activity_short),
        ] {
            let label = format!(" {key} {} ", t.t(title));
            assert!(header.contains(&label), "{}: {label} in {header}", lang.code());
        }
    }
}
