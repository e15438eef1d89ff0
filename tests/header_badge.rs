//! At 80 columns the header keeps the five tabs' names beside a badge
//! ([NO DESAT: n], [NOMÉS LECTURA]) in every language, with the longest comarca.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::config::Config;
use ocsae::i18n::{I18n, Lang, Msg};

fn header(f: &Fixture) -> String {
    screen(&f.app, 80, 24).lines().next().unwrap().to_string()
}

fn short_titles(lang: Lang) -> Vec<String> {
    let t = I18n::new(lang);
    [
        Msg::tab_today,
        Msg::tab_municipalities_short,
        Msg::tab_rollout_short,
        Msg::tab_certificates_short,
        Msg::tab_activity_short,
    ]
    .into_iter()
    .map(|m| t.t(m).to_string())
    .collect()
}

#[test]
fn the_tabs_names_fit_beside_a_badge_at_80_columns_in_every_language() {
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let t = I18n::new(lang);
        for comarca in ["Noguera", "Vallès Occidental"] {
            let mut f = fixture_with(comarca, lang, Config::default());
            f.disk.simulate_full_disk_at_flush(true);
            press(&mut f.app, KeyCode::Char('2'));
            press(&mut f.app, KeyCode::Char(' '));
            let line = header(&f);
            let badge = t.f(Msg::unsaved_badge, &[("n", &1)]);
            assert!(line.contains(&format!("[{badge}]")), "{line}");
            for title in short_titles(lang) {
                assert!(
                    line.contains(&title),
                    "{lang:?} {comarca}: {title} missing from {line:?}"
                );
            }
            let mut f = fixture_with(comarca, lang, Config::default());
            f.app.read_only = true;
            let line = header(&f);
            assert!(
                line.contains(&format!("[{}]", t.t(Msg::read_only_badge))),
                "{line}"
            );
            for title in short_titles(lang) {
                assert!(
                    line.contains(&title),
                    "{lang:?} {comarca}: {title} missing from {line:?}"
                );
            }
        }
    }
}
