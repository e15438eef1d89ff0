//! The quick jump: a few letters of a council's name, best match first; Enter
//! shows the council's whole picture.

mod view;

use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::data::Data;
use crate::app::effect::Target;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::table::Cursor;
use crate::domain::municipality::IneCode;
use crate::domain::search::{MatchRank, fold, rank};
use crate::i18n::Msg;
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The most matches listed; the best ones come first anyway.
const MAX_MATCHES: usize = 200;

#[derive(Debug)]
pub struct Jump {
    pub input: TextInput,
    /// The matching councils, best first.
    pub matches: Vec<IneCode>,
    pub cursor: Cursor,
}

impl Jump {
    pub fn new(data: &Data) -> Jump {
        let mut jump = Jump {
            input: TextInput::new("", 60),
            matches: Vec::new(),
            cursor: Cursor::default(),
        };
        jump.refresh(data);
        jump
    }

    /// Ranks every council against the typed text: prefix, then word start, then substring.
    pub fn refresh(&mut self, data: &Data) {
        self.matches = best_matches(data, self.input.value())
            .into_iter()
            .map(|i| data.municipalities[i].ine)
            .collect();
        self.cursor.select(0);
    }

    pub fn selected(&self) -> Option<IneCode> {
        self.matches.get(self.cursor.selected).copied()
    }
}

impl Popup for Jump {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        match key.code {
            KeyCode::Esc => return PopupOutcome::Close,
            KeyCode::Enter => {
                if let Some(ine) = self.selected() {
                    ctx.show(Target::Council(ine));
                    return PopupOutcome::Close;
                }
            }
            KeyCode::Up => {
                self.cursor.apply(Action::Up, self.matches.len());
            }
            KeyCode::Down => {
                self.cursor.apply(Action::Down, self.matches.len());
            }
            _ => {
                if self.input.handle_key(&key) == Edited::Changed {
                    self.refresh(&ctx.data);
                }
            }
        }
        PopupOutcome::Keep
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> PopupOutcome {
        let edited = self.input.insert(text);
        self.refresh(&ctx.data);
        if edited == Edited::Full {
            ctx.field_full_status();
        }
        PopupOutcome::Keep
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }

    fn hints(&self) -> Hints {
        Hints::Fixed(Msg::hints_jump)
    }
}

/// Councils matching `query` (indexes into `Data::municipalities`), best first;
/// ties in Catalan order.
pub fn best_matches(data: &Data, query: &str) -> Vec<usize> {
    let query = fold(query);
    let mut ranked: Vec<(MatchRank, usize)> = data
        .folded
        .iter()
        .enumerate()
        .filter_map(|(i, name)| rank(name, &query).map(|r| (r, i)))
        .collect();
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| data.collation[a.1].cmp(&data.collation[b.1]))
    });
    ranked.truncate(MAX_MATCHES);
    ranked.into_iter().map(|(_, i)| i).collect()
}
