//! What every tab and popup may touch: the store, the records in memory, the
//! settings, the status line, and the council list the first two tabs share.
//! Tabs and popups get it by `&mut`; the app holds it beside them.

use super::councils::CouncilList;
use super::data::Data;
use super::effect::{Effect, Target};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::{I18n, Msg};
use crate::keymap::Keymap;
use crate::store::Store;
use crate::theme::Theme;
use chrono::{DateTime, NaiveDate, Utc};
use std::cell::Cell;
use std::sync::Arc;

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
    /// About a field of the open popup: it goes when the popup closes.
    pub of_popup: bool,
}

pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub tz: chrono_tz::Tz,
    pub t: I18n,
    pub keymap: Keymap,
    pub theme: Theme,
    pub data: Data,
    /// Which councils Municipis and Implantació list, in which order.
    pub councils: CouncilList,
    pub status: Option<Status>,
    /// The last messages said on the status line, for `m`.
    pub messages: super::messages::MessageLog,
    /// The status is in `messages` already.
    status_logged: bool,
    pub quit: bool,
    /// Where `E` writes its CSV files: the directory ocsae was started in.
    pub export_dir: std::path::PathBuf,
    /// The store's directory as given (`--db`), where `E` never writes; the store
    /// itself may be a copy of it, read on a full disk.
    pub store_dir: Option<std::path::PathBuf>,
    /// Text for the terminal's clipboard, sent by the draw loop (OSC 52).
    pub clipboard: Option<String>,
    /// `--read-only`: look, never change.
    pub read_only: bool,
    /// Why the last write to disk failed, in the user's language, while changes wait.
    pub(super) write_error: Option<String>,
    /// The terminal height at the last draw: too small a window takes no keys but quit.
    pub last_height: Cell<u16>,
    /// The terminal width at the last draw: narrow screens show the detail alone.
    pub last_width: Cell<u16>,
    /// Other writers' changes, and whether the store can be reached.
    pub live: super::live::Live,
    /// The keymap context of the screen on show, for naming keys that work there.
    pub screen: super::action::Context,
    /// The rows are to be recomputed before the next draw.
    pub(super) stale: bool,
    pub(super) effects: Vec<Effect>,
    /// The council and contact (its position) the last quick jump found the
    /// council by, so that `L` on its page names whoever is calling.
    pub found_contact: Option<(crate::domain::municipality::IneCode, usize)>,
    /// The conflict that refused the last change, if one did: the form it came
    /// from names the fields the other user changed.
    pub conflict: Option<crate::store::StoreError>,
}

impl Ctx {
    pub(super) fn new(
        store: Arc<dyn Store>,
        config: Config,
        t: I18n,
        keymap: Keymap,
        theme: Theme,
        clock: Arc<dyn Clock>,
        data: Data,
    ) -> Ctx {
        let store_dir = store.location().as_dir().map(std::path::Path::to_path_buf);
        Ctx {
            store,
            clock,
            tz: config.time_zone().unwrap_or(chrono_tz::Europe::Madrid),
            t,
            keymap,
            theme,
            config,
            data,
            councils: CouncilList::default(),
            status: None,
            messages: super::messages::MessageLog::default(),
            status_logged: true,
            quit: false,
            export_dir: std::path::PathBuf::from("."),
            store_dir,
            clipboard: None,
            read_only: false,
            write_error: None,
            last_width: Cell::new(80),
            last_height: Cell::new(24),
            live: super::live::Live::default(),
            screen: super::action::Context::Municipalities,
            stale: true,
            effects: Vec::new(),
            found_contact: None,
            conflict: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        // While changes are not on disk, nothing says "Desat".
        let (kind, text) = match kind {
            StatusKind::Saved if self.store.unsaved().count() > 0 => {
                (StatusKind::Error, self.unsaved_warning())
            }
            _ => (kind, text.into()),
        };
        self.status_logged = false;
        self.status = Some(Status {
            kind,
            text,
            of_popup: false,
        });
    }

    /// A message too long for the status line: `short` there, `full` in the
    /// message log (at once), the one the log keeps.
    pub fn set_status_short(&mut self, kind: StatusKind, short: String, full: &str) {
        self.log_status();
        self.messages.push(self.clock.now(), kind, full);
        self.set_status(kind, short);
        self.status_logged = true;
    }

    /// Keeps the message on the status line in the log: once a key has been handled,
    /// so that a message another replaced before it was seen is not kept.
    pub fn log_status(&mut self) {
        if !self.status_logged
            && let Some(status) = &self.status
        {
            self.messages.push(self.clock.now(), status.kind, &status.text);
        }
        self.status_logged = true;
    }

    /// A popup has closed: what was said about its fields goes with it.
    pub fn popup_closed(&mut self) {
        self.forget_field_status();
    }

    /// The open popup takes another key: what was said about its fields (a
    /// field full) is old news.
    pub fn forget_field_status(&mut self) {
        if self.status.as_ref().is_some_and(|s| s.of_popup) {
            self.status = None;
        }
    }

    pub fn refuse_read_only(&mut self) {
        self.set_status(StatusKind::Error, self.t.t(Msg::read_only_refused).to_string());
    }

    /// While the requests load, what needs them says so instead of acting on half the data.
    pub fn refuse_while_loading(&mut self) {
        self.set_status(StatusKind::Info, self.t.t(Msg::certs_loading).to_string());
    }

    /// A field of a popup refused text: said until the popup takes another key.
    pub fn field_full_status(&mut self) {
        self.set_status(StatusKind::Info, self.t.t(Msg::field_full_short).to_string());
        if let Some(status) = self.status.as_mut() {
            status.of_popup = true;
        }
    }

    /// The records or the council list changed: every tab recomputes its rows
    /// before anything is drawn.
    pub fn refresh_rows(&mut self) {
        self.stale = true;
    }

    /// Switch to the tab that shows `target`, and show it there.
    pub fn show(&mut self, target: Target) {
        self.effects.push(Effect::Show(target));
    }

    /// An app-wide action, run once the popup asking has closed.
    pub fn run(&mut self, action: super::action::Action) {
        self.effects.push(Effect::Run(action));
    }

    /// Remembers the per-council figures for the next start's first screen.
    pub fn save_summary(&self) {
        if self.data.certs_loaded && !self.read_only {
            let fingerprint = super::summary_cache::fingerprint(self.tz, &self.config.local_holidays);
            super::summary_cache::save(self.store.as_ref(), &self.data, &fingerprint);
        }
    }
}
