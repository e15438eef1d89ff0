//! The quick jump: a few letters of a council's name (a typo forgiven), its
//! code, a contact's name, a phone number's digits or an e-mail address, best
//! match first, each row saying why; Enter shows the council's whole picture.

mod view;

pub use view::found_line;

use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::data::Data;
use crate::app::effect::Target;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::table::Cursor;
use crate::domain::council_search::{Hit, Why};
use crate::domain::municipality::IneCode;
use crate::domain::search::MatchRank;
use crate::i18n::Msg;
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The most matches listed; the best ones come first anyway.
const MAX_MATCHES: usize = 200;

/// A council found, by identity, with what matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub ine: IneCode,
    pub why: Why,
    /// Found with a letter or two wrong in its name.
    pub typo: bool,
}

impl Found {
    pub fn of(data: &Data, hit: &Hit) -> Found {
        Found {
            ine: data.municipalities[hit.council].ine,
            why: hit.why,
            typo: hit.rank == MatchRank::Typo,
        }
    }
}

#[derive(Debug)]
pub struct Jump {
    pub input: TextInput,
    /// The matching councils, best first.
    pub matches: Vec<Found>,
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

    /// Ranks every council against the typed text, best first.
    pub fn refresh(&mut self, data: &Data) {
        self.matches = best_matches(data, self.input.value())
            .iter()
            .map(|hit| Found::of(data, hit))
            .collect();
        self.cursor.select(0);
    }

    pub fn selected(&self) -> Option<IneCode> {
        self.matches.get(self.cursor.selected).map(|f| f.ine)
    }
}

impl Popup for Jump {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        match key.code {
            KeyCode::Esc => return PopupOutcome::Close,
            KeyCode::Enter => {
                if let Some(found) = self.matches.get(self.cursor.selected) {
                    let ine = found.ine;
                    ctx.found_contact = match found.why {
                        Why::Contact { contact, .. } => Some((ine, contact)),
                        _ => None,
                    };
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

/// Councils matching `query`, best first (see `CouncilIndex::search`), at most
/// as many as a list can usefully show.
pub fn best_matches(data: &Data, query: &str) -> Vec<Hit> {
    let mut hits = data.find(query);
    hits.truncate(MAX_MATCHES);
    hits
}
