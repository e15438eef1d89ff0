//! A one-line text field: its editing state, and how it is drawn.

use crate::domain::text::{clean, clean_after};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;

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
    /// Cursor position in characters, always between two graphemes: the cursor steps
    /// over an emoji family or a letter with its accent as one.
    cursor: usize,
    /// The most characters the field holds.
    limit: usize,
}

/// The longest run of whole graphemes of `text` with at most `max` characters.
fn take_graphemes(text: &str, max: usize) -> &str {
    let mut chars = 0;
    let mut end = 0;
    for grapheme in text.graphemes(true) {
        chars += grapheme.chars().count();
        if chars > max {
            break;
        }
        end += grapheme.len();
    }
    &text[..end]
}

impl TextInput {
    pub fn new(value: &str, limit: usize) -> TextInput {
        let value = take_graphemes(&clean(value), limit).to_string();
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

    /// Puts the cursor after the text, where Backspace mends it.
    pub fn to_end(&mut self) {
        self.cursor = self.len();
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// The grapheme boundaries (in characters) nearest the cursor: the last before
    /// it and the first after it.
    fn neighbours(&self) -> (usize, usize) {
        let mut before = 0;
        let mut at = 0;
        for grapheme in self.value.graphemes(true) {
            if at < self.cursor {
                before = at;
            }
            at += grapheme.chars().count();
            if at > self.cursor {
                break;
            }
        }
        (before, at)
    }

    /// Inserts text at the cursor, dropping what `clean` drops and anything past the limit.
    pub fn insert(&mut self, text: &str) -> Edited {
        let at = self.byte_at(self.cursor);
        let clean = clean_after(self.value[..at].chars().next_back(), text);
        if clean.is_empty() {
            return Edited::Ignored;
        }
        let room = self.limit.saturating_sub(self.len());
        let accepted = take_graphemes(&clean, room);
        let truncated = accepted.len() < clean.len();
        if accepted.is_empty() {
            return Edited::Full;
        }
        self.value.insert_str(at, accepted);
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
                let (before, _) = self.neighbours();
                let range = self.byte_at(before)..self.byte_at(self.cursor);
                self.value.replace_range(range, "");
                self.cursor = before;
                Edited::Changed
            }
            KeyCode::Delete if self.cursor < self.len() => {
                let (_, after) = self.neighbours();
                let range = self.byte_at(self.cursor)..self.byte_at(after);
                self.value.replace_range(range, "");
                Edited::Changed
            }
            KeyCode::Left => self.move_to(self.neighbours().0),
            KeyCode::Right => self.move_to(self.neighbours().1),
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
    /// terminal cursor there when `focused`. Widths are those ratatui draws with.
    pub fn draw(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let width = area.width as usize;
        // Unfocused fields show their start; focused ones scroll to the cursor.
        let cursor = if focused { self.byte_at(self.cursor) } else { 0 };
        let before_width = super::width(&self.value[..cursor]);
        // Scroll by whole graphemes until the cursor fits.
        let mut skip = 0;
        let mut skipped_width = 0;
        for grapheme in self.value.graphemes(true) {
            if before_width - skipped_width < width {
                break;
            }
            skipped_width += super::width(grapheme);
            skip += grapheme.len();
        }
        // The whole field takes the style, so an empty focused field shows where it is
        // even where the terminal's cursor does not (a screen reader's, a hidden one).
        let screen = frame.area();
        frame.buffer_mut().set_style(area.intersection(screen), style);
        frame.render_widget(Span::styled(&self.value[skip..], style), area);
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
    fn the_cursor_steps_over_a_letter_with_its_accent_or_an_emoji_family_as_one() {
        let family = "👨\u{200D}👩\u{200D}👧";
        let mut f = TextInput::new(&format!("e\u{301}{family}x"), 50);
        f.handle_key(&key(KeyCode::Left));
        f.handle_key(&key(KeyCode::Left));
        f.handle_key(&key(KeyCode::Backspace));
        assert_eq!(f.value(), format!("{family}x"));
        f.handle_key(&key(KeyCode::Delete));
        assert_eq!(f.value(), "x");
        f.handle_key(&key(KeyCode::End));
        assert_eq!(
            f.insert(&format!("Maria {family}\u{FE0E}\u{3164}")),
            Edited::Changed
        );
        // The filler after the family separates as a space would.
        assert_eq!(f.value(), format!("xMaria {family} "));
        // A VS16 typed after an emoji joins it; the limit never cuts a family in two.
        let mut g = TextInput::new("❤", 5);
        g.handle_key(&key(KeyCode::Char('\u{FE0F}')));
        assert_eq!(g.value(), "❤\u{FE0F}");
        assert_eq!(g.insert(family), Edited::Full);
        assert_eq!(g.value(), "❤\u{FE0F}");
    }

    #[test]
    fn a_scrolled_field_shows_its_end_beside_the_cursor() {
        let family = "👨\u{200D}👩\u{200D}👧";
        let text: String = (0..10).map(|i| format!("{i}{family}")).collect();
        let f = TextInput::new(&text, 100);
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(9, 1)).unwrap();
        terminal
            .draw(|frame| f.draw(frame, frame.area(), Style::default(), true))
            .unwrap();
        let cursor = terminal.get_cursor_position().unwrap();
        let buffer = terminal.backend().buffer();
        assert!(cursor.x >= 3, "{cursor:?}");
        assert_eq!(buffer[(cursor.x - 2, 0)].symbol(), family, "{buffer:?}");
        assert_eq!(buffer[(cursor.x - 3, 0)].symbol(), "9", "{buffer:?}");
    }

    #[test]
    fn control_characters_never_enter_a_field() {
        let mut f = TextInput::new("a\u{1b}[2J", 50);
        assert_eq!(f.value(), "a[2J");
        f.insert("\u{202E}b\nc\u{9b}");
        assert_eq!(f.value(), "a[2Jb c");
    }
}
