//! A scroll position over text taller than its window (help, details). The view
//! echoes the window's height and the text's length each time it draws, as
//! `Cursor` does with its page, so the keys stop at the end without the state
//! ever building the text to measure it.

use super::action::Action;
use std::cell::Cell;
use std::ops::Range;

#[derive(Debug, Default)]
pub struct Scroll {
    /// The first line shown.
    top: Cell<usize>,
    // Layout echoes, written while drawing.
    page: Cell<usize>,
    len: Cell<Option<usize>>,
}

impl Scroll {
    /// The first line shown.
    pub fn top(&self) -> usize {
        self.top.get()
    }

    /// Lines per page, as last drawn.
    pub fn page(&self) -> usize {
        self.page.get().max(1)
    }

    /// Handles a movement action; true if it was one. Before the first draw the
    /// end is unknown: the draw then brings the top back within the text.
    pub fn apply(&mut self, action: Action) -> bool {
        let page = self.page();
        let last = self.len.get().map_or(usize::MAX, |len| len.saturating_sub(page));
        let top = self.top.get();
        let top = match action {
            Action::Up => top.saturating_sub(1),
            Action::Down => top.saturating_add(1).min(last),
            Action::PageUp => top.saturating_sub(page),
            Action::PageDown => top.saturating_add(page).min(last),
            Action::First => 0,
            Action::Last => last,
            _ => return false,
        };
        self.top.set(top);
        true
    }

    /// The lines to show in `height` rows out of `len`; remembers both.
    pub fn window(&self, height: usize, len: usize) -> Range<usize> {
        self.page.set(height.max(1));
        self.len.set(Some(len));
        let top = self.top.get().min(len.saturating_sub(height));
        self.top.set(top);
        top..(top + height).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stops_at_the_last_page_as_drawn() {
        let mut s = Scroll::default();
        assert_eq!(s.window(5, 12), 0..5);
        s.apply(Action::PageDown);
        assert_eq!(s.top(), 5);
        s.apply(Action::PageDown);
        assert_eq!(s.top(), 7, "the last page ends on the last line");
        s.apply(Action::Down);
        assert_eq!(s.top(), 7);
        assert_eq!(s.window(5, 12), 7..12);
        s.apply(Action::First);
        assert_eq!(s.top(), 0);
        assert!(!s.apply(Action::Open));
    }

    #[test]
    fn before_any_draw_the_draw_brings_the_top_back() {
        let mut s = Scroll::default();
        for _ in 0..30 {
            s.apply(Action::Down);
        }
        assert_eq!(s.window(5, 12), 7..12);
        s.apply(Action::Up);
        assert_eq!(s.top(), 6, "one key up from the end moves at once");
    }
}
