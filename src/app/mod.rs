//! The application state and the one place where actions become changes.

pub mod action;
pub mod data;
pub mod municipalities;
pub mod table;

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::event::Event;
use crate::i18n::{I18n, Lang, Msg};
use crate::keymap::Keymap;
use crate::store::Store;
use crate::theme::Theme;
use action::{Action, Context};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use data::Data;
use municipalities::MunicipalitiesState;
use std::sync::Arc;
use table::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Municipalities,
    Rollout,
    Certificates,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Municipalities, Tab::Rollout, Tab::Certificates];

    pub fn title(self) -> Msg {
        match self {
            Tab::Municipalities => Msg::tab_municipalities,
            Tab::Rollout => Msg::tab_rollout,
            Tab::Certificates => Msg::tab_certificates,
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }

    fn context(self) -> Option<Context> {
        match self {
            Tab::Municipalities => Some(Context::Municipalities),
            Tab::Rollout | Tab::Certificates => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Saved,
    Error,
}

/// A message for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// A window drawn over the tab.
#[derive(Debug)]
pub enum Popup {
    /// The key bindings of the screen underneath, scrolled by the cursor.
    Help(Cursor),
}

pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub t: I18n,
    pub keymap: Keymap,
    pub theme: Theme,
    pub data: Data,
    pub tab: Tab,
    pub municipalities: MunicipalitiesState,
    pub rollout_cursor: Cursor,
    pub popup: Option<Popup>,
    pub status: Option<Status>,
    pub quit: bool,
}

impl App {
    pub fn new(
        store: Store,
        config: Config,
        lang: Lang,
        keymap: Keymap,
        theme: Theme,
        clock: Arc<dyn Clock>,
    ) -> crate::store::Result<App> {
        let data = Data::load(&store)?;
        let mut app = App {
            store,
            clock,
            t: I18n::new(lang),
            keymap,
            theme,
            config,
            data,
            tab: Tab::Municipalities,
            municipalities: MunicipalitiesState::default(),
            rollout_cursor: Cursor::default(),
            popup: None,
            status: None,
            quit: false,
        };
        app.refresh_rows();
        Ok(app)
    }

    fn refresh_rows(&mut self) {
        self.municipalities.refresh(&self.data, self.config.threshold);
    }

    /// The keymap contexts of the current screen, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        let mut out: Vec<Context> = self.tab.context().into_iter().collect();
        out.extend([Context::Table, Context::Global]);
        out
    }

    /// How long the loop may sleep before a countdown on screen moves; None: until input.
    pub fn next_tick(&self) -> Option<std::time::Duration> {
        None
    }

    /// Handles one event; true if the screen may have changed.
    pub fn handle_event(&mut self, event: Event) -> bool {
        match event {
            Event::Key(key) => self.handle_key(key),
            Event::Paste(_) => false,
            Event::Resize => true,
            Event::Tick => true,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        if self.popup.is_some() {
            return self.popup_key(key);
        }
        match self.keymap.lookup(&self.contexts(), &key) {
            Some(action) => self.update(action),
            None => false,
        }
    }

    fn popup_key(&mut self, key: KeyEvent) -> bool {
        let closes = matches!(
            key.code,
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::F(1)
        );
        if closes {
            self.popup = None;
            return true;
        }
        let len = crate::views::help::line_count(self);
        let action = self.keymap.lookup(&[Context::Table], &key);
        match (&mut self.popup, action) {
            (Some(Popup::Help(cursor)), Some(action)) => {
                let scrollable = len.saturating_sub(cursor.page()) + 1;
                cursor.apply(action, scrollable)
            }
            _ => false,
        }
    }

    /// Applies one action to the state.
    pub fn update(&mut self, action: Action) -> bool {
        self.status = None;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.popup = Some(Popup::Help(Cursor::default())),
            Action::NextTab => self.tab = Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()],
            Action::PrevTab => self.tab = Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()],
            Action::TabMunicipalities => self.tab = Tab::Municipalities,
            Action::TabRollout => self.tab = Tab::Rollout,
            Action::TabCertificates => self.tab = Tab::Certificates,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::First | Action::Last => {
                let len = self.municipalities.rows.len();
                let cursor = match self.tab {
                    Tab::Municipalities => &mut self.municipalities.cursor,
                    Tab::Rollout => &mut self.rollout_cursor,
                    Tab::Certificates => return false,
                };
                return cursor.apply(action, len);
            }
        }
        true
    }
}
