//! The checklist of one council and one service: its steps and notes.

use super::table::Cursor;
use crate::widgets::input::TextInput;

pub const NOTES_LIMIT: usize = crate::domain::limits::NOTES;

#[derive(Debug)]
pub struct Checklist {
    pub council: usize,
    pub service: usize,
    /// Over the steps.
    pub cursor: Cursor,
    /// The notes being typed, while `e` is in effect.
    pub notes: Option<TextInput>,
    /// Esc on changed notes asks first.
    pub confirm_discard: bool,
}

impl Checklist {
    pub fn new(council: usize, service: usize) -> Checklist {
        Checklist {
            council,
            service,
            cursor: Cursor::default(),
            notes: None,
            confirm_discard: false,
        }
    }
}
