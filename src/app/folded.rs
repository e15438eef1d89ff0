//! The folded holders of every request in one text, in the requests' order, so
//! that a filter's first keystroke is one substring search over contiguous
//! memory rather than a visit to a million small strings.

use crate::domain::search::fold_into;
use std::ops::Range;

/// Between two holders: `fold` never yields it, so no folded query spans two.
const SEPARATOR: u8 = b'\n';

#[derive(Debug)]
pub struct FoldedText {
    /// Each holder folded, followed by the separator.
    text: String,
    /// Where each holder starts in `text`; one more at the end.
    starts: Vec<usize>,
}

impl Default for FoldedText {
    fn default() -> FoldedText {
        FoldedText::with_capacity(0)
    }
}

impl FoldedText {
    pub fn with_capacity(rows: usize) -> FoldedText {
        let mut starts = Vec::with_capacity(rows + 1);
        starts.push(0);
        FoldedText {
            text: String::with_capacity(rows * 24),
            starts,
        }
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The folded holder of row `i`.
    pub fn get(&self, i: usize) -> &str {
        &self.text[self.starts[i]..self.starts[i + 1] - 1]
    }

    /// Folds `holder` as the last row.
    pub fn push(&mut self, holder: &str) {
        fold_into(holder, &mut self.text);
        self.text.push(SEPARATOR as char);
        self.starts.push(self.text.len());
    }

    /// Row `i` becomes `holder` folded; the rows after it move only if its length changed.
    pub fn replace(&mut self, i: usize, holder: &str) {
        let mut folded = String::with_capacity(holder.len() + 1);
        fold_into(holder, &mut folded);
        if folded == self.get(i) {
            return;
        }
        folded.push(SEPARATOR as char);
        self.splice(i, i + 1, &folded, 1);
    }

    /// Puts `holder` folded as row `i`, moving the rows from `i` on.
    pub fn insert(&mut self, i: usize, holder: &str) {
        let mut folded = String::with_capacity(holder.len() + 1);
        fold_into(holder, &mut folded);
        folded.push(SEPARATOR as char);
        self.splice(i, i, &folded, 1);
    }

    /// Takes rows `from..to` out.
    pub fn remove_rows(&mut self, from: usize, to: usize) {
        self.splice(from, to, "", 0);
    }

    /// Rows `from..to` become `with`, which holds `rows` rows (0 or 1).
    fn splice(&mut self, from: usize, to: usize, with: &str, rows: usize) {
        let (start, end) = (self.starts[from], self.starts[to]);
        self.text.replace_range(start..end, with);
        let delta = with.len() as isize - (end - start) as isize;
        let tail: Vec<usize> = self.starts[to + 1..]
            .iter()
            .map(|&s| s.wrapping_add_signed(delta))
            .collect();
        self.starts.truncate(from + 1);
        if rows == 1 {
            self.starts.push(start + with.len());
        }
        self.starts.extend(tail);
    }

    /// The rows again, in the order `order` gives (each old row once).
    pub fn permute(&mut self, order: &[usize]) {
        let mut next = FoldedText::with_capacity(order.len());
        next.text
            .reserve(self.text.len().saturating_sub(next.text.capacity()));
        for &i in order {
            next.text.push_str(&self.text[self.starts[i]..self.starts[i + 1]]);
            next.starts.push(next.text.len());
        }
        *self = next;
    }

    /// Whether row `i`'s folded holder contains what `finder` looks for.
    pub fn row_contains(&self, i: usize, finder: &memchr::memmem::Finder) -> bool {
        let row = &self.text.as_bytes()[self.starts[i]..self.starts[i + 1] - 1];
        finder.find(row).is_some()
    }

    /// Marks in `hit` (a bit per row, from the first of `rows`) the rows of
    /// `rows` whose folded holder contains what `finder` looks for (a folded
    /// query, not empty): one pass over their text.
    pub fn mark_matches(&self, finder: &memchr::memmem::Finder, rows: Range<usize>, hit: &mut [u32]) {
        let needle = finder.needle();
        if needle.is_empty() || needle.contains(&SEPARATOR) || rows.is_empty() {
            return;
        }
        let text = &self.text.as_bytes()[..self.starts[rows.end]];
        let (first, mut at, mut row) = (rows.start, self.starts[rows.start], rows.start);
        while let Some(found) = finder.find(&text[at..]) {
            let pos = at + found;
            // Rows are in text order: the match's row is at or after the last one's.
            while self.starts[row + 1] <= pos {
                row += 1;
            }
            let bit = row - first;
            hit[bit / 32] |= 1 << (bit % 32);
            // On from the next row: a second match in this one says nothing more.
            at = self.starts[row + 1];
            if at >= text.len() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(f: &FoldedText) -> Vec<&str> {
        (0..f.len()).map(|i| f.get(i)).collect()
    }

    fn matches(f: &FoldedText, query: &str) -> Vec<usize> {
        let finder = memchr::memmem::Finder::new(query.as_bytes());
        let mut hit = vec![0u32; f.len().div_ceil(32)];
        f.mark_matches(&finder, 0..f.len(), &mut hit);
        let found: Vec<usize> = (0..f.len())
            .filter(|&i| hit[i / 32] & (1 << (i % 32)) != 0)
            .collect();
        // From a row on, the same rows.
        if f.len() > 1 {
            let mut tail = vec![0u32; f.len().div_ceil(32)];
            f.mark_matches(&finder, 1..f.len(), &mut tail);
            let from_one: Vec<usize> = (0..f.len() - 1)
                .filter(|&i| tail[i / 32] & (1 << (i % 32)) != 0)
                .map(|i| i + 1)
                .collect();
            assert_eq!(
                from_one,
                found.iter().copied().filter(|&i| i > 0).collect::<Vec<_>>()
            );
        }
        // Row by row, the same rows.
        let each: Vec<usize> = (0..f.len()).filter(|&i| f.row_contains(i, &finder)).collect();
        if !query.is_empty() {
            assert_eq!(found, each, "{query:?}");
        }
        found
    }

    #[test]
    fn rows_follow_their_changes_and_matches_never_span_two() {
        let mut f = FoldedText::with_capacity(3);
        for holder in ["Maria Puig", "Núria Solé", "Pau Mas"] {
            f.push(holder);
        }
        assert_eq!(rows(&f), ["maria puig", "nuria sole", "pau mas"]);
        assert_eq!(matches(&f, "ria"), [0, 1]);
        // "puig" then "nuria": never one match across the separator.
        assert_eq!(matches(&f, "puignuria"), Vec::<usize>::new());
        assert_eq!(matches(&f, "puig nuria"), Vec::<usize>::new());
        f.replace(1, "Àngels Roca i Vidal");
        f.insert(0, "Joan");
        assert_eq!(rows(&f), ["joan", "maria puig", "angels roca i vidal", "pau mas"]);
        assert_eq!(matches(&f, "a"), [0, 1, 2, 3]);
        assert_eq!(matches(&f, "mas"), [3]);
        f.remove_rows(1, 3);
        assert_eq!(rows(&f), ["joan", "pau mas"]);
        f.permute(&[1, 0]);
        assert_eq!(rows(&f), ["pau mas", "joan"]);
        assert_eq!(matches(&f, "joan"), [1]);
        f.replace(0, "Pau  MAS");
        assert_eq!(rows(&f), ["pau mas", "joan"]);
    }

    #[test]
    fn an_empty_holder_is_a_row_that_matches_nothing() {
        let mut f = FoldedText::default();
        f.push("");
        f.push("Anna");
        assert_eq!(rows(&f), ["", "anna"]);
        assert_eq!(matches(&f, "n"), [1]);
        assert_eq!(matches(&f, ""), Vec::<usize>::new());
    }
}
