//! The bottom line: a prompt, the last message, or key hints built from the keymap.

use crate::app::{App, Hints, StatusKind};
use crate::i18n::Msg;
use crate::widgets::spans_width;
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

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let right = Line::from(right_side(app));
    let right_width = spans_width(&right.spans) as u16;
    let asking = app.popup.as_ref().is_some_and(|p| p.on_status_line());
    let busy = asking || app.status.is_some();
    if busy {
        // A question or a message takes the line; the warnings only use what is left.
        let used = draw_left(frame, app, area);
        if right_width > 0 && used + right_width < area.width {
            let r = Rect {
                x: area.right() - right_width,
                width: right_width,
                ..area
            };
            frame.render_widget(right, r);
        }
        return;
    }
    // With only hints to show, the warnings win and the hints give way.
    let right_width = right_width.min(area.width.saturating_sub(10));
    let left = Rect {
        width: area.width - right_width,
        ..area
    };
    draw_left(frame, app, left);
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

/// Draws the prompt, the message or the hints; returns the columns used.
fn draw_left(frame: &mut Frame, app: &App, area: Rect) -> u16 {
    let theme = &app.theme;
    if let Some(popup) = app.popup.as_deref().filter(|p| p.on_status_line()) {
        popup.draw(frame, area, app);
        return area.width;
    }
    let line = match &app.status {
        Some(status) => {
            let style = match status.kind {
                StatusKind::Info => theme.status,
                StatusKind::Saved => theme.ok,
                StatusKind::Error => theme.error,
            };
            // Messages quote names and pasted text.
            let text = crate::domain::text::clean(&status.text);
            Line::from(Span::styled(format!(" {text}"), style))
        }
        None => match hints(app) {
            Hints::Fixed(msg) => Line::from(Span::styled(format!(" {}", app.t.t(msg)), theme.status)),
            Hints::None => Line::from(Span::raw(" ")),
            Hints::Keys(keys) => key_hints(app, keys, area),
        },
    };
    let used = (spans_width(&line.spans) as u16).min(area.width);
    frame.render_widget(line, area);
    used
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
        // Only the first key of each action, to keep the line short.
        let Some(key) = app.keymap.first_key(*action) else {
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
