//! The application state. Keys become actions here; `update` is the one place
//! where actions become changes to the store.

pub mod action;
pub mod cert_data;
pub mod cert_update;
pub mod certificates;
pub mod checklist;
pub mod contacts_form;
pub mod data;
pub mod jump;
pub mod municipalities;
mod popups;
pub mod prompt;
pub mod request_form;
pub mod rollout;
mod rollout_update;
mod saving;
mod share;
pub mod summary_cache;
pub mod table;
mod update;

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::event::Event;
use crate::i18n::{I18n, Lang, Msg};
use crate::keymap::Keymap;
use crate::store::Store;
use crate::theme::Theme;
use action::Context;
use chrono::{DateTime, NaiveDate, Utc};
use contacts_form::ContactsForm;
use crossterm::event::{KeyEvent, KeyEventKind};
use data::Data;
use jump::Jump;
use municipalities::MunicipalitiesState;
use prompt::Prompt;
use std::cell::Cell;
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
            Tab::Rollout => Some(Context::Rollout),
            Tab::Certificates => Some(Context::Certificates),
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

/// A window drawn over the tab; it takes the keys while open.
#[derive(Debug)]
pub enum Popup {
    /// The key bindings of the screen underneath, scrolled by the cursor.
    Help(Cursor),
    Jump(Jump),
    Contacts(ContactsForm),
    Prompt(Prompt),
    Checklist(checklist::Checklist),
    Request(Box<request_form::RequestForm>),
    CertDetail(cert_update::CertDetail),
}

/// The width from which the detail pane sits beside the table.
pub const WIDE: u16 = 120;

pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub tz: chrono_tz::Tz,
    pub t: I18n,
    pub keymap: Keymap,
    pub theme: Theme,
    pub data: Data,
    pub tab: Tab,
    pub municipalities: MunicipalitiesState,
    pub rollout: rollout::RolloutState,
    pub certificates: certificates::CertificatesState,
    pub popup: Option<Popup>,
    pub status: Option<Status>,
    pub quit: bool,
    /// Where `E` writes its CSV files: the directory ocsae was started in.
    pub export_dir: std::path::PathBuf,
    /// Text for the terminal's clipboard, sent by the draw loop (OSC 52).
    pub clipboard: Option<String>,
    /// `--read-only`: look, never change.
    pub read_only: bool,
    /// Why the last write to disk failed, in the user's language, while changes wait.
    write_error: Option<String>,
    /// The terminal height at the last draw: too small a window takes no keys but quit.
    pub last_height: Cell<u16>,
    /// The terminal width at the last draw: narrow screens show the detail alone.
    pub last_width: Cell<u16>,
}

impl App {
    /// An app with every record loaded.
    pub fn new(
        store: impl Into<Arc<dyn Store>>,
        config: Config,
        lang: Lang,
        keymap: Keymap,
        theme: Theme,
        clock: Arc<dyn Clock>,
    ) -> crate::store::Result<App> {
        App::open(store.into(), config, lang, keymap, theme, clock, false)
    }

    /// An app whose certificate requests are still to be loaded, with
    /// `certificate_loader` on another thread, then `certificates_loaded`.
    pub fn new_lazy(
        store: impl Into<Arc<dyn Store>>,
        config: Config,
        lang: Lang,
        keymap: Keymap,
        theme: Theme,
        clock: Arc<dyn Clock>,
    ) -> crate::store::Result<App> {
        App::open(store.into(), config, lang, keymap, theme, clock, true)
    }

    fn open(
        store: Arc<dyn Store>,
        config: Config,
        lang: Lang,
        keymap: Keymap,
        theme: Theme,
        clock: Arc<dyn Clock>,
        lazy: bool,
    ) -> crate::store::Result<App> {
        let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
        let calendar = crate::domain::calendar::Calendar::catalan(&config.local_holidays, tz);
        let mut data = if lazy {
            Data::load_councils(store.as_ref(), calendar)?
        } else {
            Data::load(store.as_ref(), calendar)?
        };
        if lazy {
            summary_cache::load(
                store.as_ref(),
                &mut data,
                &summary_cache::fingerprint(tz, &config.local_holidays),
            );
        }
        let mut app = App {
            store,
            clock,
            tz,
            t: I18n::new(lang),
            keymap,
            theme,
            config,
            data,
            tab: Tab::Municipalities,
            municipalities: MunicipalitiesState::default(),
            rollout: rollout::RolloutState::default(),
            certificates: certificates::CertificatesState::default(),
            popup: None,
            status: None,
            quit: false,
            last_width: Cell::new(80),
            last_height: Cell::new(24),
            export_dir: std::path::PathBuf::from("."),
            clipboard: None,
            read_only: false,
            write_error: None,
        };
        app.refresh_rows();
        Ok(app)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    /// The background work that reads the certificate requests, if they are not loaded.
    pub fn certificate_loader(
        &self,
    ) -> Option<impl FnOnce() -> crate::store::Result<cert_data::CertData> + Send + 'static> {
        (!self.data.certs_loaded).then(|| self.data.certificate_loader(self.store.clone()))
    }

    /// The requests read by the loader: the screens that need them fill in.
    pub fn certificates_loaded(&mut self, result: crate::store::Result<cert_data::CertData>) {
        match result {
            Ok(certs) => {
                tracing::info!(
                    requests = certs.list.len(),
                    peak_kb = crate::logging::peak_rss_kb(),
                    "certificate requests loaded"
                );
                self.data.set_certificates(certs);
                self.refresh_rows();
                self.save_summary();
            }
            Err(e) => {
                tracing::error!("could not load the requests: {e}");
                self.set_status(StatusKind::Error, e.localize(&self.t));
            }
        }
    }

    /// Remembers the per-council figures for the next start's first screen.
    pub fn save_summary(&self) {
        if self.data.certs_loaded && !self.read_only {
            let fingerprint = summary_cache::fingerprint(self.tz, &self.config.local_holidays);
            summary_cache::save(self.store.as_ref(), &self.data, &fingerprint);
        }
    }

    /// While the requests load, what needs them says so instead of acting on half the data.
    pub(crate) fn refuse_while_loading(&mut self) {
        self.set_status(StatusKind::Info, self.t.t(Msg::certs_loading).to_string());
    }

    /// Recomputes the listed rows of both tabs after data or view settings changed.
    fn refresh_rows(&mut self) {
        self.municipalities.refresh(&self.data, self.config.threshold);
        self.rollout.refresh(&self.data, &self.municipalities.rows);
        self.certificates.refresh(&self.data);
    }

    /// The keymap contexts of the current screen, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        let mut out: Vec<Context> = self.tab.context().into_iter().collect();
        out.extend([Context::Table, Context::Global]);
        out
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        // While changes are not on disk, nothing says "Desat".
        let (kind, text) = match kind {
            StatusKind::Saved if self.store.unsaved().count() > 0 => {
                (StatusKind::Error, self.unsaved_warning())
            }
            _ => (kind, text.into()),
        };
        self.status = Some(Status { kind, text });
    }

    pub(crate) fn refuse_read_only(&mut self) {
        self.set_status(StatusKind::Error, self.t.t(Msg::read_only_refused).to_string());
    }

    /// How long the loop may sleep before a countdown on screen moves, or changes not
    /// on disk are tried again; None: until input. Countdowns change each minute, or
    /// each second in their last hour; the overdue count changes when the next deadline passes.
    pub fn next_tick(&self) -> Option<std::time::Duration> {
        let now = self.now();
        let visible: Vec<chrono::DateTime<Utc>> = match self.tab {
            Tab::Certificates if self.certificates.view == certificates::CertView::Queue => {
                let range = self
                    .certificates
                    .cursor
                    .visible_range(self.certificates.rows.len());
                self.certificates.rows[range]
                    .iter()
                    .filter_map(|&i| self.data.certs.deadline(i))
                    .collect()
            }
            Tab::Municipalities => {
                let range = self
                    .municipalities
                    .cursor
                    .visible_range(self.municipalities.rows.len());
                self.municipalities.rows[range]
                    .iter()
                    .filter_map(|&m| self.data.next_due(m))
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut wait = visible
            .iter()
            .map(|&due| crate::domain::countdown::next_change(due, now))
            .min();
        let next_overdue = self.data.certs.next_due_after(now).map(|due| due - now);
        wait = match (wait, next_overdue) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let wait = wait
            .and_then(|w| w.to_std().ok())
            .map(|w| w.max(std::time::Duration::from_millis(50)));
        match (wait, self.retry_wait()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the open popup holds text typed and not saved.
    fn popup_has_typing(&self) -> bool {
        match &self.popup {
            Some(Popup::Contacts(form)) => form.is_dirty(),
            Some(Popup::Request(form)) => form.is_dirty(),
            Some(Popup::Prompt(prompt)) => !prompt.input.value().is_empty(),
            Some(Popup::Checklist(list)) => list.notes.is_some(),
            _ => false,
        }
    }

    /// Handles one event; true if the screen may have changed.
    pub fn handle_event(&mut self, event: Event) -> bool {
        match event {
            Event::Key(key) => self.handle_key(key),
            Event::Paste(text) => self.paste(&text),
            Event::Resize => true,
            Event::Tick => {
                self.retry_save(false);
                true
            }
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        let too_small = self.last_width.get() < crate::views::MIN_WIDTH
            || self.last_height.get() < crate::views::MIN_HEIGHT;
        if too_small {
            // Keys typed blind would land in fields nobody can see; only quitting works.
            let action = self.keymap.lookup(&[Context::Global], &key);
            return action == Some(action::Action::Quit) && self.update(action::Action::Quit);
        }
        // A Ctrl chord bound to quit (Ctrl-C) quits from anywhere, unless typed text
        // would be lost: then it says how to keep or drop it first.
        let chord = key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL);
        if chord && self.keymap.lookup(&[Context::Global], &key) == Some(action::Action::Quit) {
            if self.popup_has_typing() {
                self.set_status(StatusKind::Info, self.t.t(Msg::quit_unsaved).to_string());
                return true;
            }
            self.popup = None;
            return self.update(action::Action::Quit);
        }
        if self.popup.is_some() {
            return self.popup_key(key);
        }
        if self.filter_state().1 {
            return self.filter_key(key);
        }
        match self.keymap.lookup(&self.contexts(), &key) {
            Some(action) => self.update(action),
            None => false,
        }
    }
}
