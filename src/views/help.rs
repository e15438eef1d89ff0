//! The help popup: every binding of the current screen, from the live keymap.

use crate::app::App;
use crate::app::action::Context;
use crate::app::table::Cursor;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn context_title(context: Context) -> Msg {
    match context {
        Context::Global => Msg::help_global,
        Context::Table => Msg::help_table,
        Context::Municipalities => Msg::tab_municipalities,
        Context::Rollout => Msg::help_rollout,
        Context::Checklist => Msg::help_checklist,
        Context::Certificates => Msg::tab_certificates,
    }
}

/// The help text: a heading per context, then "keys  description" lines.
fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut out = Vec::new();
    let mut contexts = app.contexts();
    contexts.reverse();
    if app.tab == crate::app::Tab::Rollout {
        contexts.push(Context::Checklist);
    }
    for context in contexts {
        let bindings = app.keymap.bindings(&[context]);
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(
            app.t.t(context_title(context)).to_string(),
            theme.title,
        ));
        for b in bindings {
            let keys: Vec<String> = b.keys.iter().map(ToString::to_string).collect();
            out.push(Line::from(vec![
                Span::styled(format!("  {:<14}", keys.join(" ")), theme.key),
                Span::raw(app.t.t(b.action.describe()).to_string()),
            ]));
        }
    }
    out
}

pub fn line_count(app: &App) -> usize {
    lines(app).len()
}

pub fn draw(frame: &mut Frame, app: &App, cursor: &Cursor, area: Rect) {
    let all = lines(app);
    let width = area.width.min(64);
    let height = area.height.min(all.len() as u16 + 2);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    let title = format!(" {} · {} ", app.t.t(Msg::help_title), app.t.t(app.tab.title()));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.popup_border)
        .title(Line::styled(title, app.theme.title))
        .title_bottom(Line::styled(format!(" {} ", app.t.t(Msg::help_close)), app.theme.dim).right_aligned());
    let inner_height = height.saturating_sub(2) as usize;
    let window = cursor.scroll_window(inner_height, all.len());
    let visible: Vec<Line> = all[window].to_vec();
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(visible).block(block), popup);
}
