//! Wrapping styled lines to a width before they are drawn, so that a page can
//! count (and scroll) the rows it really takes, and a wrapped line keeps its
//! indent instead of starting at the margin. A line takes at most `MAX_ROWS`
//! rows and a page `MAX_PAGE_ROWS`, the last kept ending with an ellipsis: a
//! long note costs a frame no more than that, however narrow the screen.

use super::{MAX_ROWS, width};
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

/// `line` cut into rows of at most `max` columns. A span that fits in a row is
/// kept whole (a phone number is not cut between its groups), moved to the next
/// row if need be; a longer one is cut between words, a word longer than a row
/// where the row ends. Rows after the first start at the line's own indent plus
/// two columns, so a contact or a request that wraps stays under its heading.
pub fn wrap_line(line: Line<'static>, max: usize) -> Vec<Line<'static>> {
    let indent = line
        .spans
        .first()
        .map_or(0, |s| s.content.len() - s.content.trim_start_matches(' ').len());
    wrap_with(line, max, indent, indent + 2)
}

/// `line` cut into rows as `wrap_line` does, the rows after the first starting
/// under its second span: a detail's value under its value, not under its label.
pub fn wrap_hanging(line: Line<'static>, max: usize) -> Vec<Line<'static>> {
    match line.spans.first() {
        Some(label) if line.spans.len() > 1 => {
            let hang = width(&label.content);
            wrap_with(line, max, 0, hang)
        }
        _ => wrap_line(line, max),
    }
}

/// The most rows a page of lines (a record's detail) is wrapped into: room for
/// a note cut at `MAX_ROWS` and what follows it.
pub const MAX_PAGE_ROWS: usize = 2 * MAX_ROWS;

fn wrap_with(line: Line<'static>, max: usize, indent: usize, hang: usize) -> Vec<Line<'static>> {
    let total: usize = line.spans.iter().map(|s| width(&s.content)).sum();
    if total <= max || max == 0 {
        return vec![line];
    }
    // Half the width at most, so that a deep indent still leaves room for words.
    let hang = hang.min(max / 2);
    let mut out = Rows {
        rows: Vec::new(),
        row: Vec::new(),
        used: 0,
        hang,
        style: line.style,
    };
    'spans: for span in line.spans {
        // Spaces that end a span may hang past the row's end: a break drops them.
        let w = width(span.content.trim_end_matches(' '));
        if w <= max - hang {
            if out.used + w > max {
                out.next_row();
                if out.full() {
                    break;
                }
            }
            let text = if out.used == hang && !out.rows.is_empty() {
                span.content.trim_start_matches(' ')
            } else {
                &span.content
            };
            out.push(text, span.style, width(text));
            continue;
        }
        for piece in pieces(&span.content) {
            let w = width(piece);
            if piece.starts_with(' ') {
                // Spaces never start a continued row; a row that is full breaks here.
                if out.used == hang && !out.rows.is_empty() {
                    continue;
                }
                if out.used + w > max {
                    out.next_row();
                    if out.full() {
                        break 'spans;
                    }
                    continue;
                }
                out.push(piece, span.style, w);
                continue;
            }
            if out.used + w > max && out.used > hang.min(indent) {
                out.next_row();
                if out.full() {
                    break 'spans;
                }
            }
            if out.used + w <= max {
                out.push(piece, span.style, w);
                continue;
            }
            // A word longer than a row: cut it where the row ends.
            for grapheme in piece.graphemes(true) {
                let g = width(grapheme);
                if out.used + g > max && out.used > hang {
                    out.next_row();
                    if out.full() {
                        break 'spans;
                    }
                }
                out.push(grapheme, span.style, g);
            }
        }
    }
    if out.full() {
        // The line goes on past its last row: said there.
        if let Some(last) = out.rows.last_mut() {
            end_with_ellipsis(last, max);
        }
        return out.rows;
    }
    if out.used > hang || out.rows.is_empty() {
        let row = Line::from(out.row).style(out.style);
        out.rows.push(row);
    }
    out.rows
}

/// `row` cut to end with an ellipsis within `max` columns.
fn end_with_ellipsis(row: &mut Line<'static>, max: usize) {
    let room = max.saturating_sub(1);
    let mut used = 0;
    let mut kept: Vec<Span<'static>> = Vec::new();
    let mut style = ratatui::style::Style::default();
    for span in row.spans.drain(..) {
        style = span.style;
        let w = width(&span.content);
        if used + w <= room {
            used += w;
            kept.push(span);
            continue;
        }
        let mut cut = String::new();
        for grapheme in span.content.graphemes(true) {
            let g = width(grapheme);
            if used + g > room {
                break;
            }
            cut.push_str(grapheme);
            used += g;
        }
        kept.push(Span::styled(cut, style));
        break;
    }
    if let Some(last) = kept.last_mut() {
        let trimmed = last.content.trim_end().to_string();
        last.content = trimmed.into();
    }
    kept.push(Span::styled("…", style));
    row.spans = kept;
}

/// The rows made so far and the one being filled.
struct Rows {
    rows: Vec<Line<'static>>,
    row: Vec<Span<'static>>,
    used: usize,
    hang: usize,
    style: ratatui::style::Style,
}

impl Rows {
    fn push(&mut self, text: &str, style: ratatui::style::Style, w: usize) {
        self.row.push(Span::styled(text.to_string(), style));
        self.used += w;
    }

    /// As many rows as a line may take are made: the rest is left out.
    fn full(&self) -> bool {
        self.rows.len() >= MAX_ROWS
    }

    fn next_row(&mut self) {
        // Spaces at the end of a row are dropped.
        if let Some(last) = self.row.last_mut() {
            let trimmed = last.content.trim_end_matches(' ').to_string();
            last.content = trimmed.into();
        }
        let row = Line::from(std::mem::take(&mut self.row)).style(self.style);
        self.rows.push(row);
        self.row.push(Span::raw(" ".repeat(self.hang)));
        self.used = self.hang;
    }
}

/// Words and runs of spaces, in order.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c == ' ';
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Every line wrapped to `max` columns, as `wrap_line` does: a page, at most
/// `MAX_PAGE_ROWS` rows.
pub fn wrap_lines(lines: Vec<Line<'static>>, max: usize) -> Vec<Line<'static>> {
    bounded(lines.into_iter().flat_map(|l| wrap_line(l, max)))
}

/// Every line wrapped to `max` columns, as `wrap_hanging` does: a page, at most
/// `MAX_PAGE_ROWS` rows.
pub fn wrap_lines_hanging(lines: &[Line<'static>], max: usize) -> Vec<Line<'static>> {
    bounded(lines.iter().flat_map(|l| wrap_hanging(l.clone(), max)))
}

/// The first `MAX_PAGE_ROWS` rows, the last an ellipsis if more follow; the
/// rows past them are never made.
pub fn bounded(rows: impl Iterator<Item = Line<'static>>) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = rows.take(MAX_PAGE_ROWS + 1).collect();
    if out.len() > MAX_PAGE_ROWS {
        out.truncate(MAX_PAGE_ROWS - 1);
        out.push(Line::raw("  …"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn a_detail_value_wraps_under_itself_not_under_its_label() {
        let line = Line::from(vec![
            Span::raw("T-CAT P         "),
            Span::raw("lost: not delivered within 30 natural days; it must be requested again"),
        ]);
        let rows = wrap_hanging(line, 50);
        assert_eq!(
            text(&rows),
            [
                "T-CAT P         lost: not delivered within 30",
                "                natural days; it must be requested",
                "                again",
            ]
        );
    }

    #[test]
    fn a_wrapped_line_keeps_its_indent() {
        let line = Line::from(vec![
            Span::raw("  Secretaria: "),
            Span::raw("Marta Vila · "),
            Span::raw("973 450 002 · "),
            Span::raw("secretaria@tiurana.cat"),
        ]);
        let rows = wrap_line(line, 40);
        assert_eq!(
            text(&rows),
            [
                "  Secretaria: Marta Vila · 973 450 002 ·",
                "    secretaria@tiurana.cat",
            ]
        );
        assert!(
            rows.iter()
                .all(|r| width(&text(std::slice::from_ref(r))[0]) <= 40)
        );
    }

    #[test]
    fn short_lines_stay_and_long_words_are_cut() {
        let short = Line::raw("  #1 Maria Puig");
        assert_eq!(wrap_line(short.clone(), 40), vec![short]);
        let rows = wrap_line(Line::raw("  ".to_string() + &"x".repeat(25)), 10);
        assert_eq!(
            text(&rows),
            ["  xxxxxxxx", "    xxxxxx", "    xxxxxx", "    xxxxx"]
        );
        let rows = wrap_line(Line::raw("un dos tres quatre"), 9);
        assert_eq!(text(&rows), ["un dos", "  tres", "  quatre"]);
        // A span that fits in a row moves whole to the next.
        let rows = wrap_line(
            Line::from(vec![Span::raw("  Anna Roca · "), Span::raw("973 45 00 03")]),
            20,
        );
        assert_eq!(text(&rows), ["  Anna Roca ·", "    973 45 00 03"]);
    }

    #[test]
    fn a_long_line_takes_at_most_max_rows_and_a_page_at_most_max_page_rows() {
        let note = "paraula ".repeat(1250);
        let word = "x".repeat(10_000);
        for long in [&note, &word] {
            let line = Line::from(vec![Span::raw("Notes  "), Span::raw(long.clone())]);
            // Wide enough for all of it: every row, none cut.
            let rows = wrap_hanging(line.clone(), 78);
            assert!(rows.len() < MAX_ROWS / 2, "{}", rows.len());
            assert!(!text(&rows).concat().contains('…'));
            // Too narrow: cut at MAX_ROWS, the last row saying so.
            let rows = wrap_hanging(line, 12);
            assert_eq!(rows.len(), MAX_ROWS);
            let last = &text(&rows)[MAX_ROWS - 1];
            assert!(last.ends_with('…'), "{last:?}");
            assert!(text(&rows).iter().all(|r| width(r) <= 12));
        }
        // A page of many lines is cut as a whole.
        let page: Vec<Line<'static>> = (0..5_000).map(|i| Line::raw(format!("  línia {i}"))).collect();
        let rows = wrap_lines_hanging(&page, 40);
        assert_eq!(rows.len(), MAX_PAGE_ROWS);
        assert_eq!(text(&rows)[MAX_PAGE_ROWS - 1], "  …");
        assert_eq!(wrap_lines(page[..10].to_vec(), 40).len(), 10);
    }

    #[test]
    fn styles_stay_with_their_words() {
        let warn = ratatui::style::Style::new().fg(ratatui::style::Color::Yellow);
        let line = Line::from(vec![
            Span::raw("  #2 Anna · "),
            Span::styled("VENÇUT fa 2h", warn),
        ]);
        let rows = wrap_line(line, 16);
        let styled: Vec<&str> = rows
            .iter()
            .flat_map(|r| r.spans.iter())
            .filter(|s| s.style == warn)
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(styled.concat().replace(' ', ""), "VENÇUTfa2h");
    }
}
