//! The last messages of the status line, newest first, with their times (`m`).

mod view;

use crate::app::Ctx;
use crate::app::action::Context;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::scroll::Scroll;
use crate::i18n::Msg;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Default)]
pub struct Messages {
    pub scroll: Scroll,
}

impl Popup for Messages {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        let action = ctx.keymap.lookup(&[Context::Table, Context::Global], &key);
        let closes = matches!(key.code, KeyCode::Esc | KeyCode::Enter)
            || matches!(
                action,
                Some(crate::app::action::Action::Messages | crate::app::action::Action::Quit)
            );
        if closes {
            return PopupOutcome::Close;
        }
        if action.is_some_and(|a| self.scroll.apply(a)) {
            PopupOutcome::Keep
        } else {
            PopupOutcome::Ignored
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }

    fn hints(&self) -> Hints {
        Hints::Fixed(Msg::hints_scroll)
    }
}
