//! The application: keys become actions, actions change the state through the
//! current tab or popup, and the store's changes come back as records in memory.
//!
//! This file and `update.rs` are the shell: they hold the context every screen
//! shares (`Ctx`), the tabs (from the list in `crate::tabs`) and the open popup,
//! route each event to one of them, then apply what it asked for (`Effect`) and
//! recompute the rows once. The rest of `app` knows tabs and popups only by
//! their traits. See ARCHITECTURE.md for the whole flow.

pub mod action;
pub mod activity_data;
pub mod appointment;
pub mod cert_data;
pub mod changes;
pub mod councils;
pub mod ctx;
pub mod data;
pub mod effect;
pub mod folded;
pub mod live;
pub mod messages;
pub mod popup;
mod saving;
pub mod scroll;
mod share;
pub mod summary_cache;
pub mod tab;
pub mod table;
mod undo;
mod update;

pub use ctx::{Ctx, Status, StatusKind};
pub use popup::{Hints, Popup, PopupOutcome};
pub use tab::{Outcome, Tab};

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::event::Event;
use crate::i18n::{I18n, Lang};
use crate::keymap::Keymap;
use crate::store::{Edit, Store};
use crate::theme::Theme;
use action::Context;
use crossterm::event::{KeyEvent, KeyEventKind};
use data::Data;
use effect::Effect;
use std::any::Any;
use std::sync::Arc;

pub struct App {
    ctx: Ctx,
    /// Every tab, in the header's order; the config's `start_tab` is the start screen.
    tabs: Vec<Box<dyn Tab>>,
    /// The current tab, as an index into `tabs`.
    active: usize,
    /// A window over the tab that takes the keys while open.
    pub popup: Option<Box<dyn Popup>>,
    /// The popup the message log was opened over (F2 in a form): shown
    /// again, as it was left, when the log closes.
    pub under: Option<Box<dyn Popup>>,
    /// The office's day the screens were computed for: at the next, they are again.
    day: chrono::NaiveDate,
}

// The app is its shared context plus the screens: `app.data`, `app.store`,
// `app.commit(..)` read as before, and tabs reach the same things through `Ctx`.
impl std::ops::Deref for App {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.ctx
    }
}

impl std::ops::DerefMut for App {
    fn deref_mut(&mut self) -> &mut Ctx {
        &mut self.ctx
    }
}

/// The tab `start_tab` names, or the first.
fn config_start(tabs: &[Box<dyn Tab>], config: &Config) -> usize {
    let id = config.start_tab.id();
    tabs.iter().position(|t| t.id() == id).unwrap_or(0)
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
        // Read before the records: later changes are mirrored from the history,
        // those already read again, which leaves them as they are.
        let identity = store.history_identity()?;
        let seen = store.last_seq()?;
        let mut data = if lazy {
            Data::load_councils(store.as_ref(), calendar)?
        } else {
            Data::load(store.as_ref(), calendar)?
        };
        tracing::debug!("councils read");
        data.set_response_days(config.response_days);
        if lazy {
            summary_cache::load(
                store.as_ref(),
                &mut data,
                &summary_cache::fingerprint(tz, &config.local_holidays),
            );
        }
        let mut ctx = Ctx::new(store, config, I18n::new(lang), keymap, theme, clock, data);
        ctx.live = live::Live::starting_at(seen, identity);
        let tabs = crate::tabs::all();
        let start = config_start(&tabs, &ctx.config);
        let day = ctx.today();
        let mut app = App {
            ctx,
            tabs,
            active: start,
            popup: None,
            under: None,
            day,
        };
        tracing::debug!("summary read");
        app.refresh();
        app.warn_keymap();
        tracing::debug!("app ready");
        Ok(app)
    }

    /// A user's key that a newer default also uses is kept, and said at start.
    fn warn_keymap(&mut self) {
        let ctx = &mut self.ctx;
        let warnings: Vec<String> = ctx.keymap.warnings().iter().map(|w| w.localize(&ctx.t)).collect();
        if !warnings.is_empty() {
            tracing::warn!(?warnings, "keymap");
            ctx.set_status(StatusKind::Error, warnings.join(" "));
            ctx.log_status();
        }
    }

    /// The tab on screen.
    pub fn current_tab(&self) -> &dyn Tab {
        self.tabs[self.active].as_ref()
    }

    /// Every tab, in the header's order, and which is on screen.
    pub fn tabs(&self) -> (&[Box<dyn Tab>], usize) {
        (&self.tabs, self.active)
    }

    /// The tab of type `T`, for tests and tools that know which they want.
    pub fn tab<T: Tab>(&self) -> &T {
        self.tabs
            .iter()
            .find_map(|t| (t.as_ref() as &dyn Any).downcast_ref::<T>())
            .expect("every tab type is in the list")
    }

    /// Whether the tab on screen is a `T`.
    pub fn showing<T: Tab>(&self) -> bool {
        (self.current_tab() as &dyn Any).is::<T>()
    }

    /// The open popup, if it is a `T`.
    pub fn popup_as<T: Popup>(&self) -> Option<&T> {
        self.popup
            .as_deref()
            .and_then(|p| (p as &dyn Any).downcast_ref::<T>())
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
                self.ctx.data.set_certificates(certs);
                self.read_pending_news();
                self.refresh();
                self.ctx.save_summary();
            }
            Err(e) => {
                tracing::error!("could not load the requests: {e}");
                let text = e.localize(&self.ctx.t);
                self.ctx.set_status(StatusKind::Error, text);
                self.ctx.log_status();
            }
        }
    }

    /// Changes another writer made to the store, mirrored here: selections stay
    /// on their records and open popups on theirs, as they hold identities.
    pub fn changed_elsewhere(&mut self, edits: &[Edit]) {
        self.ctx.data.apply(edits);
        self.refresh();
    }

    /// Recomputes every tab's rows after the records or the shared list changed.
    fn refresh(&mut self) {
        let ctx = &mut self.ctx;
        ctx.stale = false;
        ctx.councils.refresh(&ctx.data, ctx.config.threshold);
        for (i, tab) in self.tabs.iter_mut().enumerate() {
            match i == self.active {
                true => tab.refresh(&self.ctx),
                false => tab.refresh_hidden(&self.ctx),
            }
        }
    }

    /// After a handler: rows recomputed once, then what it asked of other tabs.
    fn settle(&mut self) {
        loop {
            self.ctx.screen = self.current_tab().context();
            if self.ctx.stale {
                self.refresh();
            }
            let effects = std::mem::take(&mut self.ctx.effects);
            if effects.is_empty() {
                self.ctx.log_status();
                return;
            }
            for effect in effects {
                match effect {
                    Effect::Show(target) => {
                        if let Some(i) = self.tabs.iter().position(|t| t.shows(&target)) {
                            if i != self.active {
                                self.tabs[i].refresh(&self.ctx);
                            }
                            self.active = i;
                            self.tabs[i].reveal(&target, &mut self.ctx);
                        }
                    }
                    Effect::Run(action) => {
                        self.apply(action);
                    }
                }
            }
        }
    }

    /// The keymap contexts of the current screen, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        vec![self.current_tab().context(), Context::Table, Context::Global]
    }

    /// How long the loop may sleep before a countdown on screen moves, changes not
    /// on disk are tried again, or the day changes (Avui's list, today's follow-ups).
    /// Countdowns change each minute, or each second in their last hour; the
    /// overdue count changes when the next deadline passes.
    pub fn next_tick(&self) -> Option<std::time::Duration> {
        let now = self.now();
        let midnight = self
            .today()
            .succ_opt()
            .map(|d| self.data.calendar.local_midnight(d) - now);
        let visible = self.current_tab().deadlines(&self.ctx);
        let mut wait = visible
            .iter()
            .map(|&due| crate::domain::countdown::next_change(due, now))
            .min();
        let next_overdue = self.data.certs.next_due_after(now).map(|due| due - now);
        for next in [next_overdue, midnight] {
            wait = match (wait, next) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let wait = wait
            .and_then(|w| w.to_std().ok())
            .map(|w| w.max(std::time::Duration::from_millis(50)));
        match (wait, self.retry_wait()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Past midnight, every screen is computed again for the new day (the loop
    /// wakes for it, `next_tick`); true if it was.
    fn new_day(&mut self) -> bool {
        let today = self.today();
        if today == self.day {
            return false;
        }
        self.day = today;
        self.ctx.stale = true;
        self.settle();
        true
    }

    /// Handles one event; true if the screen may have changed.
    pub fn handle_event(&mut self, event: Event) -> bool {
        // Whatever woke the loop first after midnight: the day is checked before it.
        let new_day = self.new_day();
        new_day
            | match event {
                Event::Key(key) => self.handle_key(key),
                Event::Paste(text) => {
                    let changed = self.paste(&text);
                    self.settle();
                    changed
                }
                Event::Resize => true,
                Event::Tick => {
                    self.ctx.retry_save(false);
                    self.ctx.log_status();
                    true
                }
            }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let changed = self.key(key);
        self.settle();
        changed
    }

    fn key(&mut self, key: KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        let too_small = self.last_width.get() < crate::layout::MIN_WIDTH
            || self.last_height.get() < crate::layout::MIN_HEIGHT;
        if too_small {
            // Keys typed blind would land in fields nobody can see; only quitting works.
            let action = self.keymap.lookup(&[Context::Global], &key);
            return action == Some(action::Action::Quit) && self.apply(action::Action::Quit);
        }
        // A Ctrl chord bound to quit (Ctrl-C) quits from anywhere, unless typed text
        // would be lost: then it says how to keep or drop it first.
        let chord = key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL);
        if chord && self.keymap.lookup(&[Context::Global], &key) == Some(action::Action::Quit) {
            let typing = [&self.popup, &self.under]
                .into_iter()
                .any(|p| p.as_ref().is_some_and(|p| p.has_typing()));
            if typing {
                let text = self.t.t(crate::i18n::Msg::quit_unsaved).to_string();
                self.ctx.set_status(StatusKind::Info, text);
                return true;
            }
            (self.popup, self.under) = (None, None);
            return self.apply(action::Action::Quit);
        }
        if self.messages_over_popup(&key) {
            self.under = self.popup.take();
            self.popup = Some(Box::new(crate::popups::messages::Messages::default()));
            return true;
        }
        if let Some(popup) = self.popup.as_mut() {
            // A field refused text: said until the next key (which may say it again).
            self.ctx.forget_field_status();
            let outcome = popup.key(key, &mut self.ctx);
            return self.after_popup(outcome);
        }
        if self
            .current_tab()
            .filter(&self.ctx)
            .is_some_and(|(_, typing)| typing)
        {
            return self.filter_key(key);
        }
        match self.keymap.lookup(&self.contexts(), &key) {
            Some(action) => self.apply(action),
            None => false,
        }
    }

    /// Whether `key` opens the message log over the open popup: the log's key
    /// when it is one no field types (F2, a chord), over any other popup.
    fn messages_over_popup(&self, key: &KeyEvent) -> bool {
        use crossterm::event::{KeyCode, KeyModifiers};
        let typed = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        !typed
            && self.under.is_none()
            && self.popup.is_some()
            && self.popup_as::<crate::popups::messages::Messages>().is_none()
            && self.keymap.lookup(&[Context::Global], key) == Some(action::Action::Messages)
    }

    /// What becomes of the popup after it handled a key or a paste.
    fn after_popup(&mut self, outcome: PopupOutcome) -> bool {
        match outcome {
            PopupOutcome::Keep => true,
            PopupOutcome::Ignored => false,
            PopupOutcome::Close => {
                // The message log opened over a form gives it back.
                self.popup = self.under.take();
                self.ctx.popup_closed();
                true
            }
            PopupOutcome::Replace(next) => {
                self.popup = Some(next);
                self.ctx.popup_closed();
                true
            }
        }
    }

    /// Pasted text goes to whatever field has the focus.
    fn paste(&mut self, text: &str) -> bool {
        if let Some(popup) = self.popup.as_mut() {
            self.ctx.forget_field_status();
            let outcome = popup.paste(text, &mut self.ctx);
            return self.after_popup(outcome);
        }
        self.paste_filter(text)
    }
}
