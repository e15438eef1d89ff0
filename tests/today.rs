//! Avui: the worklist's sections at a fixed clock, folding, Enter to the record,
//! the charts, and the screen at 80x24 in every language.

mod common;

use common::*;
use ocsae::config::Config;
use ocsae::i18n::Lang;

fn avui(lang: Lang) -> Fixture {
    let mut f = fixture_with("Noguera", lang, Config::default());
    let app = open_app_as_configured(f.disk.clone(), lang, Config::default(), &f.clock);
    f.app = app;
    f
}

#[test]
fn scratch() {
    let f = avui(Lang::Ca);
    println!("{}", screen(&f.app, 80, 24));
}
