//! Shared helpers: an App on a temporary store at a fixed time, and rendering.
#![allow(dead_code)]

pub mod cli;
pub mod pty;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::clock::FixedClock;
use ocsae::i18n::Lang;
use ocsae::keymap::Keymap;
use ocsae::store::Store;
use ocsae::store::seed::{resolve_scope, seed};
use ocsae::theme::{Theme, ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tempfile::TempDir;

pub const NOW: &str = "2026-11-26T09:30:00Z";

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Fields drop in order: the app (and its store) before the directory.
pub struct Fixture {
    pub app: App,
    pub clock: FixedClock,
    pub dir: TempDir,
}

/// A seeded store for `comarca`, opened in an App speaking `lang`.
pub fn fixture_with(comarca: &str, lang: Lang, config: Config) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(at(NOW));
    let store = Store::open(dir.path()).unwrap();
    seed(&store, &resolve_scope(comarca).unwrap(), at(NOW)).unwrap();
    let app = open_app(store, lang, config, &clock);
    Fixture { dir, clock, app }
}

pub fn fixture() -> Fixture {
    fixture_with("Noguera", Lang::Ca, Config::default())
}

pub fn open_app(store: Store, lang: Lang, config: Config, clock: &FixedClock) -> App {
    let keymap = Keymap::new(&config.keys).unwrap();
    let theme = Theme::pick(ThemeName::Dark, false);
    App::new(store, config, lang, keymap, theme, Arc::new(clock.clone())).unwrap()
}

impl Fixture {
    /// Closes the store and opens it again, as a restart does.
    pub fn restart(self) -> Fixture {
        let Fixture { dir, clock, app } = self;
        let lang = app.t.lang();
        let config = app.config.clone();
        drop(app);
        let store = Store::open(dir.path()).unwrap();
        let app = open_app(store, lang, config, &clock);
        Fixture { dir, clock, app }
    }
}

pub fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ocsae::views::draw(f, app)).unwrap();
    terminal
}

/// The screen as plain lines, trailing spaces trimmed.
pub fn screen(app: &App, width: u16, height: u16) -> String {
    let terminal = render(app, width, height);
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            let line: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
