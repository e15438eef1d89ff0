//! Reusable pieces of screen.

pub mod activity;
pub mod countdown;
pub mod found;
pub mod input;
pub mod progress;
pub mod rollout;
pub mod table;
pub mod wrap;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// The columns `text` takes on screen, measured as ratatui's buffer measures what it
/// draws: grapheme by grapheme, those holding a control character taking none. Every
/// width the views compute goes through here, so layout and drawing never disagree.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// The columns a line's spans take, measured as `width` does.
pub fn spans_width<'a>(spans: impl IntoIterator<Item = &'a ratatui::text::Span<'a>>) -> usize {
    spans.into_iter().map(|span| width(&span.content)).sum()
}

fn grapheme_width(grapheme: &str) -> usize {
    if grapheme.contains(char::is_control) {
        0
    } else {
        usize::from(grapheme.cell_width())
    }
}

/// Blanks `area` before a popup is drawn over it. A wide character just left of the
/// area, whose right half lies under it, is blanked too: left in place, it would
/// cover the popup's first column, which ratatui then never sends, so the terminal
/// would go on showing that half through the popup's border.
pub fn clear(frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    let buf = frame.buffer_mut();
    let first = buf.area.x;
    for y in area.top()..area.bottom().min(buf.area.bottom()) {
        // A grapheme is at most a few columns wide; look back that far.
        for back in 1..=area.x.saturating_sub(first).min(4) {
            let cell = &mut buf[(area.x - back, y)];
            if cell.cell_width() > back {
                cell.reset();
            }
        }
    }
}

/// Marks the columns each wide character covers, so that whatever is drawn there in
/// the next frame reaches the terminal. ratatui keeps a wide character in one cell and
/// sends nothing for the columns it covers; when something narrower replaces it, it
/// sends only the first column. A terminal that drew the character as one wide glyph
/// clears both, but one that drew it in several columns (tmux, xterm: a flag is two
/// regional indicators, one per column) would go on showing the second half. A marked
/// cell differs from anything drawn later, so the next frame sends that column too;
/// while the wide character stays, ratatui skips the column as before. Called once
/// the frame is drawn.
pub fn mark_covered(buf: &mut ratatui::buffer::Buffer) {
    use ratatui::buffer::CellDiffOption;
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let wide = buf[(x, y)].cell_width().max(1);
            for covered in x + 1..x.saturating_add(wide).min(area.right()) {
                buf[(covered, y)].set_diff_option(CellDiffOption::AlwaysUpdate);
            }
            x = x.saturating_add(wide);
        }
    }
}

/// `text` cut to `width` columns, on a grapheme boundary, with an ellipsis when it was longer.
pub fn ellipsize(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme_width(grapheme);
        if used + w + 1 > width {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` cut to `width` columns at the last whole word that fits, with an
/// ellipsis; a first word longer than that is cut as `ellipsize` cuts it.
pub fn ellipsize_words(text: &str, width: usize) -> String {
    let cut = ellipsize(text, width);
    if cut == text {
        return cut;
    }
    let kept = cut.trim_end_matches('…');
    // The cut fell between words when the text goes on with a space.
    let whole = text[kept.len()..].starts_with(' ');
    match kept.rfind(' ') {
        _ if whole => format!("{}…", kept.trim_end()),
        Some(at) if !kept[..at].trim().is_empty() => format!("{}…", kept[..at].trim_end()),
        _ => cut,
    }
}

/// The most rows one text is wrapped into on screen: a note of 10,000 characters
/// stays well under it at any usable width, and no text makes a frame hold
/// thousands of rows. Past it, the last row kept ends with an ellipsis.
pub const MAX_ROWS: usize = 1000;

/// `text` in lines of at most `width` columns, broken between words; a word
/// longer than a line is cut on a grapheme boundary. At most `MAX_ROWS` lines
/// (see `wrap_at_most`): for the screen.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_at_most(text, width, MAX_ROWS)
}

/// As `wrap`, every line however many: for a document written out whole.
pub fn wrap_all(text: &str, width: usize) -> Vec<String> {
    wrap_at_most(text, width, usize::MAX)
}

/// As `wrap`, at most `rows` lines (one at least): the first lines `wrap` would
/// make, the last ending with an ellipsis when the text goes on. Linear in the
/// text: each line's width is kept as it grows, never measured again.
pub fn wrap_at_most(text: &str, width: usize, rows: usize) -> Vec<String> {
    let (width, rows) = (width.max(1), rows.max(1));
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    // Ends the line being filled; false once `rows` are made (the text goes on).
    let next = |lines: &mut Vec<String>, line: &mut String, used: &mut usize| {
        lines.push(std::mem::take(line));
        *used = 0;
        if lines.len() < rows {
            return true;
        }
        if let Some(last) = lines.last_mut() {
            *last = with_ellipsis(last, width);
        }
        false
    };
    for word in text.split(' ') {
        let w = self::width(word);
        if used == 0 && w <= width {
            line.push_str(word);
            used = w;
            continue;
        }
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 && !next(&mut lines, &mut line, &mut used) {
            return lines;
        }
        for grapheme in word.graphemes(true) {
            let g = grapheme_width(grapheme);
            if !line.is_empty() && used + g > width && !next(&mut lines, &mut line, &mut used) {
                return lines;
            }
            line.push_str(grapheme);
            used += g;
        }
    }
    lines.push(line);
    lines
}

/// `line` ending with an ellipsis, within `width` columns: a text cut there.
pub fn with_ellipsis(line: &str, width: usize) -> String {
    let room = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for grapheme in line.trim_end().graphemes(true) {
        let w = grapheme_width(grapheme);
        if used + w > room {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    out.push('…');
    out
}

/// Which fixed-width columns to show beside the flexible ones in `total` columns,
/// so that the flexible ones keep at least `flexible_min` between them. Columns
/// are given up in `drop_order` (indexes into `widths`); one column of spacing
/// separates every pair.
pub fn fitting_columns(
    total: u16,
    widths: &[u16],
    drop_order: &[usize],
    flexible: u16,
    flexible_min: u16,
) -> Vec<bool> {
    let mut shown = vec![true; widths.len()];
    let needed = |shown: &[bool]| -> u16 {
        let fixed: u16 = widths
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(w, _)| w + 1)
            .sum();
        fixed + flexible_min + flexible.saturating_sub(1)
    };
    for &i in drop_order {
        if needed(&shown) <= total {
            break;
        }
        shown[i] = false;
    }
    shown
}

/// The items whose `shown` flag is set.
pub fn keep<T>(items: impl IntoIterator<Item = T>, shown: &[bool]) -> Vec<T> {
    items
        .into_iter()
        .zip(shown)
        .filter(|(_, s)| **s)
        .map(|(item, _)| item)
        .collect()
}

/// A column as wide as `base`, or as the widest of `texts` (headers and words in
/// the interface language), so that no language's words are cut.
pub fn column_width<'a>(base: u16, texts: impl IntoIterator<Item = &'a str>) -> u16 {
    texts.into_iter().map(|t| width(t) as u16).fold(base, u16::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_give_up_columns_in_order() {
        let widths = [9, 12, 5, 14, 14];
        assert_eq!(fitting_columns(120, &widths, &[2, 3, 0], 1, 18), [true; 5]);
        assert_eq!(fitting_columns(80, &widths, &[2, 3, 0], 1, 18), [true; 5]);
        assert_eq!(
            fitting_columns(74, &widths, &[2, 3, 0], 1, 18),
            [true, true, false, true, true]
        );
        assert_eq!(
            fitting_columns(60, &widths, &[2, 3, 0], 1, 18),
            [true, true, false, false, true]
        );
        assert_eq!(keep(["a", "b", "c"], &[true, false, true]), ["a", "c"]);
    }

    #[test]
    fn widths_are_those_ratatui_draws_with() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(width(family), 2);
        // ratatui gives a halfwidth sound mark a column of its own, as terminals do.
        let mut buffer = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 9, 1));
        let (end, _) = buffer.set_stringn(0, 0, "ｶﾞ", 9, ratatui::style::Style::default());
        assert_eq!(width("ｶﾞ"), usize::from(end));
        assert_eq!(width("Meià"), 4);
        // Cut on whole graphemes: a family is kept or dropped as one.
        assert_eq!(ellipsize(&family.repeat(2), 3), format!("{family}…"));
        assert_eq!(ellipsize("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    proptest::proptest! {
        #[test]
        fn width_is_what_the_buffer_takes(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::sample::select(vec![
                'a', 'à', ' ', '中', '👨', '👩', '\u{200D}', '\u{FE0F}', '❤', '🏽', '\u{301}',
                'ｶ', 'ﾞ', '\u{1F1EA}', '\u{1F1F8}', '\u{1100}', '\u{1161}', '\u{0E33}',
            ]),
            proptest::char::any(),
        ], 0..20), cut in 0usize..12) {
            let text = crate::domain::text::clean(&chars.into_iter().collect::<String>()).into_owned();
            let mut buffer = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 200, 1));
            let (end, _) = buffer.set_stringn(0, 0, &text, usize::MAX, ratatui::style::Style::default());
            proptest::prop_assert_eq!(usize::from(end), width(&text));
            let short = ellipsize(&text, cut);
            proptest::prop_assert!(width(&short) <= cut.max(1), "{:?} in {}: {:?}", text, cut, short);
        }
    }

    #[test]
    fn a_long_text_wraps_into_a_bounded_number_of_rows_ending_with_an_ellipsis() {
        let note = "paraula ".repeat(1250);
        assert_eq!(note.len(), 10_000);
        let word = "x".repeat(10_000);
        for width in [1, 2, 3, 7, 40, 78] {
            for text in [&note, &word] {
                let rows = wrap(text, width);
                let all = wrap_all(text, width);
                assert!(rows.len() <= MAX_ROWS, "{width}: {}", rows.len());
                assert!(rows.iter().all(|r| self::width(r) <= width), "{width}");
                match all.len() > MAX_ROWS {
                    // The same first rows, the last saying the text goes on.
                    true => {
                        assert_eq!(rows.len(), MAX_ROWS);
                        assert_eq!(rows[..MAX_ROWS - 1], all[..MAX_ROWS - 1]);
                        assert!(rows[MAX_ROWS - 1].ends_with('…'), "{:?}", rows.last());
                    }
                    false => assert_eq!(rows, all),
                }
            }
        }
        // Every row `wrap_all` makes, for a document written out whole.
        assert_eq!(wrap_all(&word, 2).len(), 5_000);
        let few = wrap_at_most("un dos tres quatre cinc", 9, 2);
        assert_eq!(few, ["un dos", "tres…"]);
        assert_eq!(wrap_at_most("un dos tres", 9, 2), ["un dos", "tres"]);
        assert_eq!(wrap_at_most("abcdef", 1, 3), ["a", "b", "…"]);
    }

    #[test]
    fn wrap_breaks_between_words_and_cuts_only_what_is_longer_than_a_line() {
        assert_eq!(wrap("marqueu-lo amb e.", 12), ["marqueu-lo", "amb e."]);
        assert_eq!(wrap("abc defghijkl", 5), ["abc", "defgh", "ijkl"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("Meià és a la Noguera", 9), ["Meià és a", "la", "Noguera"]);
    }

    #[test]
    fn ellipsize_cuts_with_a_mark() {
        assert_eq!(ellipsize("les Avellanes i Santa Linya", 10), "les Avell…");
        assert_eq!(ellipsize("Àger", 10), "Àger");
        assert_eq!(ellipsize("Àger", 0), "");
    }

    #[test]
    fn ellipsize_words_cuts_at_a_whole_word() {
        let text = "Laia Font: renovar-la vol dir tornar a enviar";
        assert_eq!(ellipsize_words(text, 24), "Laia Font: renovar-la…");
        // Cut right after a word: that word is kept.
        assert_eq!(ellipsize_words(text, 22), "Laia Font: renovar-la…");
        assert_eq!(ellipsize_words(text, 99), text);
        // One word longer than the room: cut inside it, as `ellipsize` does.
        assert_eq!(ellipsize_words("Vilanova", 5), "Vila…");
    }
}
