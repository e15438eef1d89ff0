//! Pieces every table screen draws: its title line with the filter, the empty note.

use crate::i18n::{I18n, Msg};
use crate::theme::Theme;
use crate::widgets::input::TextInput;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// A tab's title line, followed by its filter ("/meia") when one is typed or set.
pub fn title_with_filter(
    frame: &mut Frame,
    area: Rect,
    mut spans: Vec<Span<'_>>,
    filter: &TextInput,
    typing: bool,
    style: Style,
) {
    let shown = typing || !filter.is_empty();
    if shown {
        spans.push(Span::raw("  /"));
    }
    let used = super::spans_width(&spans) as u16;
    frame.render_widget(Line::from(spans), area);
    if shown {
        let input = Rect {
            x: area.x + used,
            width: area.width.saturating_sub(used),
            ..area
        };
        filter.draw(frame, input, style, typing);
    }
}

/// The line under a table's header that says it has no rows.
pub fn empty_note(frame: &mut Frame, t: &I18n, theme: &Theme, table: Rect, msg: Msg) {
    let line = Rect {
        y: table.y + 1,
        height: 1.min(table.height.saturating_sub(1)),
        ..table
    };
    frame.render_widget(Line::from(format!(" {}", t.t(msg))).style(theme.dim), line);
}
