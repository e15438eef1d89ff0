//! A selection over a list of rows, with scrolling that moves only when the
//! selection leaves the window, so a cursor move redraws few cells.

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

    /// For text that scrolls rather than selects: `selected` is the first line shown.
    pub fn scroll_window(&self, height: usize, len: usize) -> Range<usize> {
        self.page.set(height.max(1));
        let top = self.selected.min(len.saturating_sub(height));
        top..(top + height).min(len)
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
            offset = selected;
        } else if selected >= offset + height {
            offset = selected + 1 - height;
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
        for _ in 0..5 {
            c.apply(Action::Down, 20);
        }
        assert_eq!(c.selected, 6);
        assert_eq!(c.window(5, 20), 2..7);
        c.apply(Action::Last, 20);
        assert_eq!(c.window(5, 20), 15..20);
        c.apply(Action::PageUp, 20);
        assert_eq!(c.selected, 15);
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
