//! A tab: one screen of the dashboard, with its own state, keys and drawing.
//! The app holds them in one list (`crate::tabs::all`); nothing outside the
//! list names a tab, so a new one is a module and a line there.

use super::action::{Action, Context};
use super::ctx::Ctx;
use super::effect::Target;
use super::popup::Popup;
use crate::i18n::Msg;
use crate::widgets::input::TextInput;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use std::any::Any;

/// What an action did to a tab.
pub enum Outcome {
    /// Nothing changed: no redraw.
    Ignored,
    Changed,
    /// Open this popup over the screen.
    Open(Box<dyn Popup>),
}

impl From<bool> for Outcome {
    fn from(changed: bool) -> Outcome {
        if changed {
            Outcome::Changed
        } else {
            Outcome::Ignored
        }
    }
}

/// The rows of a table, for `E`.
pub struct Export {
    /// The file name's middle part: `ocsae-{name}-{time}.csv`.
    pub name: &'static str,
    pub rows: usize,
    pub csv: Result<Vec<u8>, crate::io::IoError>,
}

pub trait Tab: Any {
    /// A stable name, for configuration and logs.
    fn id(&self) -> &'static str;
    fn title(&self) -> Msg;
    /// The title where the header is short of room: five tabs in 80 columns.
    fn short_title(&self) -> Msg {
        self.title()
    }
    /// The action that switches to this tab; the header shows its key.
    fn action(&self) -> Action;
    /// The keymap context of this screen, looked up before the table's and the global one.
    fn context(&self) -> Context;
    /// The contexts the help lists for this screen, after the global and table ones.
    fn help_contexts(&self) -> Vec<Context> {
        vec![self.context()]
    }
    /// The actions worth a hint on the status line, most useful first.
    fn hints(&self, ctx: &Ctx) -> &'static [(Action, Msg)];
    /// What goes on the status line before the hints.
    fn hint_prefix(&self, _ctx: &Ctx) -> Vec<Span<'static>> {
        Vec::new()
    }

    /// Applies an action of this screen.
    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome;
    /// Up, down, page, first, last; true if it was a movement.
    fn move_cursor(&mut self, action: Action, ctx: &Ctx) -> bool;
    /// Actions that need the certificate requests read first, on this tab.
    fn needs_certificates(&self, _action: Action) -> bool {
        false
    }
    /// Recomputes the rows after the records or the shared council list changed,
    /// keeping the selection on the same record.
    fn refresh(&mut self, ctx: &Ctx);
    /// The same, while another tab is on screen. A tab whose rows cost much to
    /// compute may leave them until it is shown: the app refreshes a tab as it
    /// switches to it.
    fn refresh_hidden(&mut self, ctx: &Ctx) {
        self.refresh(ctx);
    }

    /// The name filter and whether keys go to it.
    fn filter<'a>(&'a self, _ctx: &'a Ctx) -> Option<(&'a TextInput, bool)> {
        None
    }
    fn filter_mut<'a>(&'a mut self, _ctx: &'a mut Ctx) -> Option<(&'a mut TextInput, &'a mut bool)> {
        None
    }

    /// The deadlines on screen, for the loop's next wake-up.
    fn deadlines(&self, _ctx: &Ctx) -> Vec<DateTime<Utc>> {
        Vec::new()
    }

    /// The selected record, carried to the next tab on a switch.
    fn selection(&self, _ctx: &Ctx) -> Option<Target> {
        None
    }
    /// What `L` pre-fills the activity form with: by default, the council of the
    /// selected record.
    fn log_about(&self, ctx: &Ctx) -> super::effect::LogAbout {
        super::effect::LogAbout::of(self.selection(ctx), &ctx.data)
    }
    /// Selects the record if this tab lists it (a tab switch).
    fn select(&mut self, _target: &Target, _ctx: &Ctx) {}
    /// Whether this tab is the page for such a record.
    fn shows(&self, _target: &Target) -> bool {
        false
    }
    /// Shows the record: listed, selected, opened.
    fn reveal(&mut self, _target: &Target, _ctx: &mut Ctx) {}

    /// The rows on screen as CSV.
    fn export(&self, _ctx: &Ctx) -> Option<Export> {
        None
    }
    /// The selected row in words, for the clipboard.
    fn row_summary(&self, _ctx: &Ctx) -> Option<String> {
        None
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx);
}
