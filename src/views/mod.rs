//! Drawing: the views read the state and never change it.

pub mod cert_detail;
pub mod certificates;
mod checklist;
mod contacts_form;
pub mod council_detail;
pub mod help;
mod jump;
pub mod municipalities;
mod request_form;
pub mod rollout;
mod status_bar;

use crate::app::{App, Popup, Tab};
use crate::domain::text::clean;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The smallest terminal the dashboard draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    app.last_width.set(area.width);
    app.last_height.set(area.height);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, app, area);
        return;
    }
    let [header, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    draw_header(frame, app, header);
    match app.tab {
        Tab::Municipalities => municipalities::draw(frame, app, body),
        Tab::Rollout => rollout::draw(frame, app, body),
        Tab::Certificates => certificates::draw(frame, app, body),
    }
    status_bar::draw(frame, app, status);
    match &app.popup {
        Some(Popup::Help(cursor)) => help::draw(frame, app, cursor, body),
        Some(Popup::Jump(jump)) => jump::draw(frame, app, jump, body),
        Some(Popup::Contacts(form)) => contacts_form::draw(frame, app, form, body),
        Some(Popup::Checklist(list)) => checklist::draw(frame, app, list, body),
        Some(Popup::Request(form)) => request_form::draw(frame, app, form, body),
        Some(Popup::CertDetail(detail)) => cert_detail::draw(frame, app, detail, body),
        Some(Popup::Prompt(_)) | None => {}
    }
}

/// A tab's title line, followed by its filter ("/meia") when one is typed or set.
fn title_with_filter(
    frame: &mut Frame,
    area: Rect,
    mut spans: Vec<Span<'_>>,
    filter: &crate::widgets::input::TextInput,
    typing: bool,
    style: ratatui::style::Style,
) {
    let shown = typing || !filter.is_empty();
    if shown {
        spans.push(Span::raw("  /"));
    }
    let used = crate::widgets::spans_width(&spans) as u16;
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

fn too_small(frame: &mut Frame, app: &App, area: Rect) {
    let text = app.t.f(
        Msg::too_small,
        &[
            ("min_w", &MIN_WIDTH),
            ("min_h", &MIN_HEIGHT),
            ("w", &area.width),
            ("h", &area.height),
        ],
    );
    let lines = text.lines().count().max(1) as u16;
    let top = area.height.saturating_sub(lines) / 2;
    let inner = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .style(app.theme.warn),
        inner,
    );
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let mut spans = vec![
        Span::styled(" OCSAE ", theme.title),
        Span::styled(clean(app.data.comarca_label()).into_owned(), theme.title),
        Span::raw("  "),
    ];
    if app.read_only {
        spans.push(Span::styled(
            format!("[{}] ", app.t.t(Msg::read_only_badge)),
            theme.warn,
        ));
    }
    let unsaved = app.store.unsaved().count();
    if unsaved > 0 {
        spans.push(Span::styled(
            format!("[{}] ", app.t.f(Msg::unsaved_badge, &[("n", &unsaved)])),
            theme.error,
        ));
    }
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, app.t.t(tab.title()));
        let style = if *tab == app.tab {
            theme.tab_active
        } else {
            theme.tab
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The line under a table's header that says it has no rows.
fn empty_note(frame: &mut Frame, app: &App, table: Rect, msg: Msg) {
    let line = Rect {
        y: table.y + 1,
        height: 1.min(table.height.saturating_sub(1)),
        ..table
    };
    frame.render_widget(
        Line::from(format!(" {}", app.t.t(msg))).style(app.theme.dim),
        line,
    );
}
