//! The help popup's drawing.

use super::Help;
use crate::app::Ctx;
use crate::app::action::Context;
use crate::i18n::Msg;
use crate::keymap::key_name;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn context_title(context: Context) -> Msg {
    match context {
        Context::Global => Msg::help_global,
        Context::Table => Msg::help_table,
        Context::Municipalities => Msg::tab_municipalities,
        Context::Rollout => Msg::help_rollout,
        Context::Checklist => Msg::help_checklist,
        Context::Certificates => Msg::tab_certificates,
        Context::Activity => Msg::tab_activity,
        Context::Today => Msg::tab_today,
    }
}

/// The help text: a heading per context, then "keys  description" lines,
/// descriptions wrapped under themselves to fit `width`.
fn lines(help: &Help, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
    let theme = &ctx.theme;
    let mut out = Vec::new();
    let room = (width as usize).saturating_sub(KEYS_WIDTH + 1).max(10);
    // Keys are looked up in the tab's own context first: a key it takes (`w` on
    // Activitat) is not listed under the shared contexts, where it no longer works.
    let lookup: Vec<Context> = help.contexts[2..]
        .iter()
        .take(1)
        .chain([&Context::Table, &Context::Global])
        .copied()
        .collect();
    for &context in &help.contexts {
        let mut bindings: Vec<crate::keymap::Binding> =
            ctx.keymap.bindings(&[context]).into_iter().cloned().collect();
        for b in bindings
            .iter_mut()
            .filter(|b| matches!(b.context, Context::Global | Context::Table))
        {
            b.keys.retain(|k| ctx.keymap.means(k, &lookup) == Some(b.action));
        }
        bindings.retain(|b| !b.keys.is_empty());
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(
            ctx.t.t(context_title(context)).to_string(),
            theme.title,
        ));
        for b in bindings {
            let keys: Vec<String> = b.keys.iter().map(|k| key_name(&ctx.t, &k.to_string())).collect();
            let description = ctx.t.t(b.action.describe_in(b.context));
            for (i, part) in wrap(description, room).into_iter().enumerate() {
                let keys = if i == 0 { keys.join(" ") } else { String::new() };
                out.push(Line::from(vec![
                    Span::styled(format!("  {:<w$}", keys, w = KEYS_WIDTH - 2), theme.key),
                    Span::raw(part),
                ]));
            }
        }
    }
    out
}

const KEYS_WIDTH: usize = 16;

/// Words into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && crate::widgets::width(last) + 1 + crate::widgets::width(word) > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// The popup's width in an area of `width` columns.
fn popup_width(width: u16) -> u16 {
    width.min(78)
}

pub fn draw(help: &Help, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let width = popup_width(area.width);
    let all = lines(help, ctx, width.saturating_sub(2));
    let height = area.height.min(all.len() as u16 + 2);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    let title = format!(" {} · {} ", ctx.t.t(Msg::help_title), ctx.t.t(help.screen));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.popup_border)
        .title(Line::styled(title, ctx.theme.title))
        .title_bottom(Line::styled(format!(" {} ", ctx.t.t(Msg::help_close)), ctx.theme.dim).right_aligned());
    let inner_height = height.saturating_sub(2) as usize;
    let window = help.scroll.window(inner_height, all.len());
    let visible: Vec<Line> = all[window].to_vec();
    crate::widgets::clear(frame, popup);
    frame.render_widget(Paragraph::new(visible).block(block), popup);
}
