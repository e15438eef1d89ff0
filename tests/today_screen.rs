//! Avui on screen: the first frame before the requests are read, `start_tab`,
//! the charts, and the worklist at 80x24 in every language, with and without
//! colour, its five tabs in the header.

mod common;

use common::avui::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::config::{Config, StartTab};
use ocsae::domain::certificate::CertStatus;
use ocsae::domain::rollout::RolloutStatus;
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
    assert!(
        !s.contains("Certificats vençuts"),
        "loaded and empty, it is left out: {s}"
    );
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
    assert!(s.contains("0/29"), "nothing done of the 29 served councils: {s}");
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
        // The cursor stayed on the line it was on (the fitxes, first on a fresh
        // store, before the day's work came in): to the top.
        press(&mut f.app, KeyCode::Home);
        let s = screen(&f.app, 80, 24);
        let header = s.lines().next().unwrap();
        for key in ["0", "1", "2", "3", "4"] {
            assert!(header.contains(&format!(" {key} ")), "{header}");
        }
        // A request's type by the name the other tabs show.
        assert!(s.contains("Maria Puig · T-CAT") && !s.contains("tcat"), "{s}");
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

/// The lines of the charts at 80x24, with the colour theme or without colour.
fn charts(f: &mut Fixture, colour: bool) -> String {
    f.app.theme = Theme::pick(ThemeName::Dark, !colour);
    screen(&f.app, 80, 24)
}

#[test]
fn each_chart_reads_alone_at_80x24_with_and_without_colour() {
    let mut f = avui(Lang::Ca);
    busy_day(&mut f);
    let (ager, albesa) = (ine(&f, "Àger"), ine(&f, "Albesa"));
    // Six issued in the last twelve months (with busy_day's), four on time: 67%, not 66%.
    let mut list = Vec::new();
    for day in ["2026-09-01", "2026-09-02", "2026-09-03"] {
        list.push(issued(
            ager,
            "A tempo",
            &format!("{day}T09:00:00Z"),
            CertStatus::Delivered,
        ));
    }
    for holder in ["Tard U", "Tard Dos"] {
        let mut late = issued(albesa, holder, "2026-05-04T09:00:00Z", CertStatus::Delivered);
        late.issued_at = Some(at("2026-08-03T09:00:00Z"));
        late.delivered_at = late.issued_at;
        list.push(late);
    }
    add_requests(&mut f, list);
    // Two of the served councils have e-TRAM: a small count still draws a bar.
    set_rollout(&mut f, ager, "e-tram", RolloutStatus::Done);
    set_rollout(&mut f, albesa, "e-tram", RolloutStatus::Done);
    press(&mut f.app, KeyCode::Char('v'));
    for colour in [true, false] {
        let s = charts(&mut f, colour);
        let lines: Vec<&str> = s.lines().collect();
        // Each chart has its title in its own block's top border.
        for title in [
            "Sol·licituds T-CAT per mes (8)",
            "% emeses dins de termini (67%)",
            "Adopció: fets / aplicables",
            "Suport obert/setmana (ara 1)",
        ] {
            let line = lines
                .iter()
                .find(|l| l.contains(title))
                .unwrap_or_else(|| panic!("{title}: {s}"));
            assert!(
                line.contains('┌') && line.contains('─'),
                "{title} in a border: {line}"
            );
        }
        // Adoption: a line per service, the label apart from its bar, the bar on a
        // scale of the applicable councils, its number after it.
        let service_lines: Vec<&str> = lines
            .iter()
            .filter(|l| ["TRA ", "VOB ", "TAU "].iter().any(|k| l.contains(*k)))
            .copied()
            .collect();
        assert_eq!(service_lines.len(), 3, "{s}");
        for line in &service_lines {
            let at = line.find(|c: char| c.is_ascii_uppercase()).unwrap();
            // Two borders before the label: the left chart's, then the adoption's own.
            assert!(line[..at].ends_with("││"), "{line}");
        }
        let tra = service_lines.iter().find(|l| l.contains("TRA ")).unwrap();
        let after = &tra[tra.find("TRA ").unwrap() + 4..];
        assert!(
            after.starts_with('█'),
            "2 done shows a bar, apart from the label: {tra}"
        );
        assert!(after.contains('░'), "the rest of the scale shows: {tra}");
        assert!(
            after
                .trim_end()
                .trim_end_matches('│')
                .trim_end()
                .ends_with(" 2/29"),
            "{tra}"
        );
        let vob = service_lines.iter().find(|l| l.contains("VOB ")).unwrap();
        let vob = &vob[vob.find("VOB ").unwrap()..];
        assert!(
            !vob.contains('█') && vob.contains(" 0/29"),
            "none done, no bar: {vob}"
        );
    }
    insta::assert_snapshot!("charts_ca_no_colour", charts(&mut f, false));
    // On the smallest screen, the latest months are kept: November, not the oldest.
    let small = screen(&f.app, 60, 16);
    assert!(small.lines().any(|l| l.contains("10  11 ")), "{small}");
}

#[test]
fn a_fresh_store_shows_only_what_is_due_and_says_when_nothing_is() {
    // A fresh store: only the fitxes never sent are due, and they come first.
    let f = avui(Lang::Ca);
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("(0)"), "{s}");
    insta::assert_snapshot!("avui_fresh_ca", s);
    // No council under the threshold: nothing at all is due, said in one line.
    let f = avui_with(
        Lang::Ca,
        Config {
            threshold: 1,
            ..Config::default()
        },
    );
    let s = screen(&f.app, 80, 24);
    insta::assert_snapshot!("avui_nothing_due_ca", s);
    assert!(s.contains("Res per fer avui"), "{s}");
}
