//! Shared helpers: an App on a temporary store at a fixed time, and rendering.
#![allow(dead_code)]

pub mod avui;
pub mod cli;
pub mod faulty;
pub mod offices;
pub mod pg;
pub mod pty;
pub mod tcat;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use faulty::FaultyStore;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::clock::FixedClock;
use ocsae::i18n::Lang;
use ocsae::keymap::Keymap;
use ocsae::store::seed::{resolve_scope, seed};
use ocsae::store::{Location, Store};
use ocsae::theme::{Theme, ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tempfile::TempDir;

pub const NOW: &str = "2026-11-26T09:30:00Z";

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Fields drop in order: the app, then the last handle on its store, before the directory.
pub struct Fixture {
    pub app: App,
    pub clock: FixedClock,
    /// The app's store, whose disk a test can fill.
    pub disk: Arc<FaultyStore>,
    pub dir: TempDir,
}

/// The store in `dir`, opened (created if need be). A fixture restarted in the
/// same process may find its last app's threads (the requests' loader) still
/// closing the store: where a new process would start after the old one ended,
/// this waits for them, two seconds at most.
pub fn open_store(dir: &std::path::Path) -> Box<dyn Store> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match ocsae::store::open(&Location::dir(dir)) {
            Err(ocsae::store::StoreError::InUse(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            opened => return opened.unwrap(),
        }
    }
}

/// A seeded store for `comarca`, opened in an App speaking `lang`.
pub fn fixture_with(comarca: &str, lang: Lang, config: Config) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(at(NOW));
    let store = open_store(dir.path());
    seed(store.as_ref(), &resolve_scope(comarca).unwrap(), at(NOW)).unwrap();
    let disk = Arc::new(FaultyStore::new(store));
    let app = open_app(disk.clone(), lang, config, &clock);
    Fixture {
        app,
        clock,
        disk,
        dir,
    }
}

pub fn fixture() -> Fixture {
    fixture_with("Noguera", Lang::Ca, Config::default())
}

/// An app on `store`. The screens' tests start on Municipis, the first screen
/// before Avui; Avui's own tests open as configured (`open_app_as_configured`).
pub fn open_app(store: Arc<dyn Store>, lang: Lang, config: Config, clock: &FixedClock) -> App {
    let config = Config {
        start_tab: ocsae::config::StartTab::Municipalities,
        ..config
    };
    open_app_as_configured(store, lang, config, clock)
}

/// An app on `store` that opens on the config's `start_tab`.
pub fn open_app_as_configured(store: Arc<dyn Store>, lang: Lang, config: Config, clock: &FixedClock) -> App {
    let keymap = Keymap::new(&config.keys).unwrap();
    let theme = Theme::pick(ThemeName::Dark, false);
    App::new(store, config, lang, keymap, theme, Arc::new(clock.clone())).unwrap()
}

impl Fixture {
    /// Closes the store and opens it again, as a restart does.
    pub fn restart(self) -> Fixture {
        let Fixture {
            dir,
            clock,
            app,
            disk,
        } = self;
        let lang = app.t.lang();
        let config = app.config.clone();
        drop(app);
        drop(disk);
        let disk = Arc::new(FaultyStore::new(open_store(dir.path())));
        let app = open_app(disk.clone(), lang, config, &clock);
        Fixture {
            app,
            clock,
            disk,
            dir,
        }
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

/// What the status line says on a `width`-column screen: its one or two rows,
/// joined as drawn (each row starts with a space).
pub fn status_text(app: &App, screen: &str, width: u16) -> String {
    let rows = usize::from(ocsae::views::status_rows(app, width));
    // Split, not `lines()`: an empty last row is a row too.
    let lines: Vec<&str> = screen.split('\n').collect();
    lines[lines.len() - rows..].concat()
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

/// A Municipis row without its first column, the Activitat marker (`○ Àger` is `Àger`).
pub fn unmarked(line: &str) -> &str {
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some('○' | '●' | '◉' | ' '), Some(' ')) => chars.as_str(),
        _ => line,
    }
}
