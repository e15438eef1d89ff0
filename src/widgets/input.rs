//! A one-line text field: its editing state, and how it is drawn.

use crate::domain::text::{clean, is_unsafe};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

/// What a key did to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// The text is at its limit; the key was refused.
    Full,
    /// Not an editing key.
    Ignored,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters.
    cursor: usize,
    /// The most characters the field holds.
    limit: usize,
}

impl TextInput {
    pub fn new(value: &str, limit: usize) -> TextInput {
        let value: String = value.chars().filter(|c| !is_unsafe(*c)).take(limit).collect();
        let cursor = value.chars().count();
        TextInput { value, cursor, limit }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn len(&self) -> usize {
        self.value.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    pub fn set(&mut self, value: &str) {
        *self = TextInput::new(value, self.limit);
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Inserts text at the cursor, dropping control characters and anything past the limit.
    pub fn insert(&mut self, text: &str) -> Edited {
        let room = self.limit.saturating_sub(self.len());
        let clean: String = text
            .chars()
            .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
            .filter(|c| !is_unsafe(*c))
            .collect();
        if clean.is_empty() {
            return Edited::Ignored;
        }
        let accepted: String = clean.chars().take(room).collect();
        let truncated = accepted.chars().count() < clean.chars().count();
        if accepted.is_empty() {
            return Edited::Full;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert_str(at, &accepted);
        self.cursor += accepted.chars().count();
        if truncated { Edited::Full } else { Edited::Changed }
    }

    /// Applies an editing key.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Edited {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.value.replace_range(..at, "");
                self.cursor = 0;
                Edited::Changed
            }
            KeyCode::Char('a') if ctrl => self.move_to(0),
            KeyCode::Char('e') if ctrl => self.move_to(self.len()),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.insert(c.encode_utf8(&mut [0; 4]))
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let end = self.byte_at(self.cursor);
                let start = self.byte_at(self.cursor - 1);
                self.value.replace_range(start..end, "");
                self.cursor -= 1;
                Edited::Changed
            }
            KeyCode::Delete if self.cursor < self.len() => {
                let start = self.byte_at(self.cursor);
                let end = self.byte_at(self.cursor + 1);
                self.value.replace_range(start..end, "");
                Edited::Changed
            }
            KeyCode::Left => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right => self.move_to((self.cursor + 1).min(self.len())),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.len()),
            KeyCode::Backspace | KeyCode::Delete => Edited::Moved,
            _ => Edited::Ignored,
        }
    }

    fn move_to(&mut self, to: usize) -> Edited {
        self.cursor = to;
        Edited::Moved
    }

    /// Draws the field in `area`, scrolled so the cursor shows, and places the
    /// terminal cursor there when `focused`.
    pub fn draw(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let width = area.width as usize;
        // Unfocused fields show their start; focused ones scroll to the cursor.
        let cursor = if focused { self.cursor } else { 0 };
        let before: String = self.value.chars().take(cursor).collect();
        let before_width = before.width();
        // Scroll by whole characters until the cursor fits.
        let mut skip = 0;
        let mut skipped_width = 0;
        let chars: Vec<char> = self.value.chars().collect();
        while before_width - skipped_width >= width && skip < chars.len() {
            skipped_width += unicode_width::UnicodeWidthChar::width(chars[skip]).unwrap_or(0);
            skip += 1;
        }
        let visible: String = chars[skip..].iter().collect();
        frame.render_widget(Span::styled(clean(&visible).into_owned(), style), area);
        if focused {
            let x = area.x + (before_width - skipped_width).min(width - 1) as u16;
            frame.set_cursor_position(Position { x, y: area.y });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_editing_in_the_middle() {
        let mut f = TextInput::new("Mei", 10);
        f.handle_key(&key(KeyCode::Char('à')));
        assert_eq!(f.value(), "Meià");
        f.handle_key(&key(KeyCode::Home));
        f.handle_key(&key(KeyCode::Delete));
        f.handle_key(&key(KeyCode::Char('m')));
        assert_eq!(f.value(), "meià");
        f.handle_key(&key(KeyCode::End));
        f.handle_key(&key(KeyCode::Backspace));
        assert_eq!(f.value(), "mei");
        f.handle_key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(f.value(), "");
    }

    #[test]
    fn the_limit_holds_and_says_so() {
        let mut f = TextInput::new("", 5);
        assert_eq!(f.insert("abc"), Edited::Changed);
        assert_eq!(f.insert("defgh"), Edited::Full);
        assert_eq!(f.value(), "abcde");
        assert_eq!(f.handle_key(&key(KeyCode::Char('x'))), Edited::Full);
        let big = "x".repeat(200_000);
        let mut g = TextInput::new("", 200);
        assert_eq!(g.insert(&big), Edited::Full);
        assert_eq!(g.len(), 200);
    }

    #[test]
    fn control_characters_never_enter_a_field() {
        let mut f = TextInput::new("a\u{1b}[2J", 50);
        assert_eq!(f.value(), "a[2J");
        f.insert("\u{202E}b\nc\u{9b}");
        assert_eq!(f.value(), "a[2Jb c");
    }
}
