//! The help popup: every binding of the screen underneath, from the live keymap.

mod view;

use crate::app::Ctx;
use crate::app::action::Context;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::scroll::Scroll;
use crate::i18n::Msg;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct Help {
    /// The contexts listed, in order: global, table, then the screen's own.
    pub contexts: Vec<Context>,
    /// The screen's name, for the title.
    pub screen: Msg,
    pub scroll: Scroll,
}

impl Help {
    pub fn new(screen_contexts: Vec<Context>, screen: Msg) -> Help {
        let mut contexts = vec![Context::Global, Context::Table];
        contexts.extend(screen_contexts);
        Help {
            contexts,
            screen,
            scroll: Scroll::default(),
        }
    }
}

impl Popup for Help {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        let closes = matches!(
            key.code,
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::F(1)
        );
        if closes {
            return PopupOutcome::Close;
        }
        let moved = ctx
            .keymap
            .lookup(&[Context::Table], &key)
            .is_some_and(|action| self.scroll.apply(action));
        if moved {
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
