//! A selection over a list of rows. The window moves only when the selection
//! leaves it, and then by nearly a page, so most cursor moves redraw two rows
//! (few bytes over SSH) instead of shifting every line by one.

use super::action::Action;
use std::cell::Cell;
use std::ops::Range;

#[derive(Debug, Default)]
pub struct Cursor {
    pub selected: usize,
    // Written while drawing (views read state only, these are layout echoes).
    offset: Cell<usize>,
    page: Cell<usize>,
}

impl Cursor {
    /// Handles a movement action; true if it was one.
    pub fn apply(&mut self, action: Action, len: usize) -> bool {
        let page = self.page.get().max(1);
        let last = len.saturating_sub(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            Action::First => 0,
            Action::Last => last,
            _ => return false,
        };
        true
    }

    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    pub fn select(&mut self, index: usize) {
        self.selected = index;
    }

    /// Lines per page, as last drawn.
    pub fn page(&self) -> usize {
        self.page.get().max(1)
    }

    /// The rows the last draw showed, clamped to `len`.
    pub fn visible_range(&self, len: usize) -> Range<usize> {
        let start = self.offset.get().min(len);
        start..(start + self.page.get() + 1).min(len)
    }

    /// The rows to show in `height` lines, keeping the selection visible.
    pub fn window(&self, height: usize, len: usize) -> Range<usize> {
        self.page.set(height.saturating_sub(1).max(1));
        if height == 0 || len == 0 {
            return 0..0;
        }
        let selected = self.selected.min(len - 1);
        let mut offset = self.offset.get().min(len.saturating_sub(height));
        if selected < offset {
            // Up past the top: the selection lands near the bottom, one line of context below.
            offset = (selected + 2).saturating_sub(height).min(selected);
        } else if selected >= offset + height {
            // Down past the bottom: the selection lands near the top, one line of context above.
            offset = selected.saturating_sub(1).min(len.saturating_sub(height));
        }
        self.offset.set(offset);
        offset..(offset + height).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_selection_lazily() {
        let mut c = Cursor::default();
        assert_eq!(c.window(5, 20), 0..5);
        c.apply(Action::Down, 20);
        assert_eq!(c.window(5, 20), 0..5, "moving inside the window keeps it");
        for _ in 0..4 {
            c.apply(Action::Down, 20);
        }
        assert_eq!(c.selected, 5);
        assert_eq!(
            c.window(5, 20),
            4..9,
            "past the bottom, it jumps: one line of context above"
        );
        c.apply(Action::Down, 20);
        assert_eq!(c.window(5, 20), 4..9, "then moves stay inside the window");
        c.apply(Action::Last, 20);
        assert_eq!(c.window(5, 20), 15..20);
        c.apply(Action::PageUp, 20);
        assert_eq!(c.selected, 15);
        assert_eq!(c.window(5, 20), 15..20);
        c.apply(Action::Up, 20);
        assert_eq!(c.window(5, 20), 11..16, "past the top, one line of context below");
        c.apply(Action::First, 20);
        assert_eq!(c.window(5, 20), 0..5);
        assert_eq!(c.window(0, 20), 0..0);
    }

    #[test]
    fn movement_stays_in_bounds() {
        let mut c = Cursor::default();
        c.apply(Action::Up, 3);
        assert_eq!(c.selected, 0);
        c.window(5, 3);
        c.apply(Action::PageDown, 3);
        assert_eq!(c.selected, 2);
        c.window(5, 20);
        c.apply(Action::PageDown, 20);
        assert_eq!(c.selected, 6, "a page is the window less one line of context");
        c.apply(Action::Down, 0);
        assert_eq!(c.selected, 0);
        c.selected = 10;
        c.clamp(4);
        assert_eq!(c.selected, 3);
    }
}
