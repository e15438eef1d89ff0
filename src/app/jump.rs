//! The quick jump: a few letters of a council's name, best match first.

use super::data::Data;
use super::table::Cursor;
use crate::domain::search::{MatchRank, fold, rank};
use crate::widgets::input::TextInput;

/// The most matches listed; the best ones come first anyway.
const MAX_MATCHES: usize = 200;

#[derive(Debug)]
pub struct Jump {
    pub input: TextInput,
    /// Indexes into `Data::municipalities`, best match first.
    pub matches: Vec<usize>,
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
        self.matches = best_matches(data, self.input.value());
        self.cursor.select(0);
    }

    pub fn selected(&self) -> Option<usize> {
        self.matches.get(self.cursor.selected).copied()
    }
}

/// Councils matching `query`, best first; ties in Catalan order.
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
