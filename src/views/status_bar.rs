//! The bottom line: a prompt, the last message, or key hints built from the keymap.

use crate::app::{App, Hints, StatusKind};
use crate::i18n::Msg;
use crate::widgets::{ellipsize, spans_width, width as width_of, wrap_at_most};
use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The hints: the popup's, or the tab's (the filter line's while typing into it).
fn hints(app: &App) -> Hints {
    if let Some(popup) = &app.popup {
        return popup.hints();
    }
    let tab = app.current_tab();
    if tab.filter(app).is_some_and(|(_, typing)| typing) {
        return Hints::Fixed(Msg::hints_filter);
    }
    Hints::Keys(tab.hints(app))
}

/// On the right: the overdue count, and a warning once deadlines run past the holiday calendar.
fn right_side(app: &App) -> Vec<Span<'static>> {
    let now = app.now();
    let certs = &app.data.certs;
    let overdue = certs.overdue(now);
    let covered = app.data.calendar.covered_until();
    let beyond = app.today().year() > covered
        || certs
            .last_due()
            .is_some_and(|d| d.with_timezone(&app.tz).date_naive().year() > covered);
    let mut spans = Vec::new();
    if beyond {
        spans.push(Span::styled(
            app.t.f(Msg::calendar_ends, &[("year", &covered)]),
            app.theme.warn,
        ));
        spans.push(Span::raw(" "));
    }
    if overdue > 0 {
        spans.push(Span::styled(
            app.t.f(Msg::overdue_count, &[("n", &overdue)]),
            app.theme.error,
        ));
        spans.push(Span::raw(" "));
    }
    spans
}

/// A message as the status line lays it out: one row, or two when it does not
/// fit (the body gives up a row meanwhile); longer still, the second row ends
/// with a mark saying which key shows the whole text.
struct MessageRows {
    lines: Vec<String>,
    /// The text goes on beyond the second row.
    cut: bool,
    /// The row the warnings on the right go on, if any fits.
    right_row: Option<usize>,
}

impl MessageRows {
    fn of(text: &str, width: usize, right: usize, mark: usize) -> MessageRows {
        // Each row starts with a space.
        let room = width.saturating_sub(1);
        // Two rows are shown: four say as much as the whole text would of how
        // the second is cut, and a long text is not wrapped through each frame.
        let mut lines = wrap_at_most(text, room, 4);
        let fits_beside = |line: &str| right == 0 || 1 + width_of(line) + 1 + right <= width;
        match lines.len() {
            1 if fits_beside(&lines[0]) => MessageRows {
                right_row: (right > 0).then_some(0),
                lines,
                cut: false,
            },
            // The warnings matter too: they take the second row.
            1 => MessageRows {
                lines,
                cut: false,
                right_row: Some(1),
            },
            2 => MessageRows {
                right_row: (right > 0 && fits_beside(&lines[1])).then_some(1),
                lines,
                cut: false,
            },
            _ => {
                let rest = lines[1..].join(" ");
                let second = ellipsize(&rest, room.saturating_sub(mark));
                lines.truncate(1);
                lines.push(second);
                MessageRows {
                    lines,
                    cut: true,
                    right_row: None,
                }
            }
        }
    }

    fn rows(&self) -> u16 {
        match self.right_row {
            Some(row) => (row + 1).max(self.lines.len()) as u16,
            None => self.lines.len() as u16,
        }
    }
}

/// The mark at the end of a cut message: the key that shows it all.
fn more_mark(app: &App) -> Vec<Span<'static>> {
    let action = crate::app::action::Action::Messages;
    let Some(key) = app.keymap.first_key_in(action, &app.contexts()) else {
        return Vec::new();
    };
    vec![
        Span::raw(" "),
        Span::styled(crate::keymap::key_name(&app.t, &key), app.theme.key),
        Span::raw(format!(" {}", app.t.t(Msg::messages_more))),
    ]
}

fn message_rows(app: &App, text: &str, width: u16) -> MessageRows {
    let right = spans_width(&right_side(app));
    let mark = spans_width(&more_mark(app));
    MessageRows::of(text, usize::from(width), right, mark)
}

/// The rows the status line needs at `width` columns: 1, or 2 for a message or
/// a question that would not fit.
pub fn height(app: &App, width: u16) -> u16 {
    if let Some(popup) = app.popup.as_deref().filter(|p| p.on_status_line()) {
        return popup.status_height(app, width).clamp(1, 2);
    }
    match &app.status {
        Some(status) => message_rows(app, &crate::domain::text::clean(&status.text), width)
            .rows()
            .clamp(1, 2),
        None => 1,
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let right = Line::from(right_side(app));
    let right_width = spans_width(&right.spans) as u16;
    if let Some(popup) = app.popup.as_deref().filter(|p| p.on_status_line()) {
        popup.draw(frame, area, app);
        return;
    }
    if let Some(status) = &app.status {
        draw_message(frame, app, status, right, area);
        return;
    }
    // With only hints to show, the warnings win and the hints give way.
    let right_width = right_width.min(area.width.saturating_sub(10));
    let left = Rect {
        width: area.width - right_width,
        ..area
    };
    draw_hints(frame, app, left);
    if right_width > 0 {
        frame.render_widget(
            right.right_aligned(),
            Rect {
                x: left.right(),
                width: right_width,
                ..area
            },
        );
    }
}

/// A message, on as many rows as `area` has, with the warnings where they fit.
fn draw_message(frame: &mut Frame, app: &App, status: &crate::app::Status, right: Line<'static>, area: Rect) {
    let style = match status.kind {
        StatusKind::Info => app.theme.status,
        StatusKind::Saved => app.theme.ok,
        StatusKind::Error => app.theme.error,
    };
    // Messages quote names and pasted text.
    let text = crate::domain::text::clean(&status.text);
    let layout = message_rows(app, &text, area.width);
    let row = |i: usize| Rect {
        y: area.y + i as u16,
        height: 1,
        ..area
    };
    let rows = usize::from(area.height);
    for (i, line) in layout.lines.iter().enumerate().take(rows) {
        let mut spans = vec![Span::styled(format!(" {line}"), style)];
        if layout.cut && i + 1 == layout.lines.len() {
            spans.extend(more_mark(app));
        }
        frame.render_widget(Line::from(spans), row(i));
    }
    if let Some(r) = layout.right_row.filter(|&r| r < rows) {
        frame.render_widget(right.right_aligned(), row(r));
    }
}

/// Draws the key hints of the screen.
fn draw_hints(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let line = match hints(app) {
        Hints::Fixed(msg) => Line::from(Span::styled(format!(" {}", app.t.t(msg)), theme.status)),
        Hints::None => Line::from(Span::raw(" ")),
        Hints::Keys(keys) => key_hints(app, keys, area),
    };
    frame.render_widget(line, area);
}

/// The keys of the hinted actions, as many whole ones as fit.
fn key_hints(app: &App, keys: &[(crate::app::action::Action, Msg)], area: Rect) -> Line<'static> {
    let theme = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    if app.popup.is_none() {
        spans.extend(app.current_tab().hint_prefix(app));
    }
    let mut used = spans_width(&spans);
    for (action, msg) in keys {
        // Only the first key of each action, to keep the line short: one that
        // means it on this screen (a user's keymap may have given it away here).
        let Some(key) = app.keymap.first_key_in(*action, &app.contexts()) else {
            continue;
        };
        let key = Span::styled(crate::keymap::key_name(&app.t, &key), theme.key);
        let words = Span::raw(format!(" {}  ", app.t.t(*msg)));
        // Whole hints only: a cut one reads as a different word.
        used += spans_width([&key, &words]);
        if used > usize::from(area.width) {
            break;
        }
        spans.extend([key, words]);
    }
    Line::from(spans)
}
