//! A popup: a window over the tab that takes the keys while open. Its handlers
//! get the context by `&mut` and say what becomes of the popup, so no path
//! closes it by forgetting to put it back.

use super::action::Action;
use super::ctx::Ctx;
use crate::i18n::Msg;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;

pub enum PopupOutcome {
    /// Stays open; the screen may have changed.
    Keep,
    /// Stays open; nothing changed, no redraw.
    Ignored,
    Close,
    /// Another popup takes its place.
    Replace(Box<dyn Popup>),
}

/// What the status line says while the popup is open.
pub enum Hints {
    /// Keys from the keymap, with their words.
    Keys(&'static [(Action, Msg)]),
    /// A popup with fixed keys says them in one sentence.
    Fixed(Msg),
    None,
}

pub trait Popup: Any {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome;
    /// Pasted text, for the field with the focus.
    fn paste(&mut self, _text: &str, _ctx: &mut Ctx) -> PopupOutcome {
        PopupOutcome::Ignored
    }
    /// Draws over `area`: the body, or the status line for a popup that asks there.
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx);
    /// Whether it holds typed text that quitting would lose.
    fn has_typing(&self) -> bool {
        false
    }
    fn hints(&self) -> Hints {
        Hints::None
    }
    /// A question asked on the status line instead of over the body.
    fn on_status_line(&self) -> bool {
        false
    }
    /// The rows a question on the status line needs at `width` columns (1 or 2).
    fn status_height(&self, _ctx: &Ctx, _width: u16) -> u16 {
        1
    }
}
