//! The message log's drawing: each message under its time, wrapped whole.

use super::Messages;
use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::widgets::wrap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// When a message was said: its time today, its date and time before.
fn stamp(ctx: &Ctx, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&ctx.tz);
    let time = local.format("%H:%M:%S").to_string();
    if local.date_naive() == ctx.today() {
        time
    } else {
        format!("{} {time}", ctx.t.date(local.date_naive()))
    }
}

fn lines(ctx: &Ctx, width: usize) -> Vec<Line<'static>> {
    let theme = &ctx.theme;
    if ctx.messages.is_empty() {
        return vec![Line::styled(ctx.t.t(Msg::messages_empty).to_string(), theme.dim)];
    }
    let mut out = Vec::new();
    for message in ctx.messages.newest_first() {
        // The page is cut there anyway (see `draw`): older messages are not wrapped.
        if out.len() > crate::widgets::wrap::MAX_PAGE_ROWS {
            break;
        }
        let style = match message.kind {
            StatusKind::Info => theme.status,
            StatusKind::Saved => theme.ok,
            StatusKind::Error => theme.error,
        };
        let mut head = stamp(ctx, message.at);
        if message.times > 1 {
            head.push_str(&format!(" ×{}", message.times));
        }
        head.push(' ');
        // The text beside its time, wrapped under itself.
        let indent = crate::widgets::width(&head);
        // Messages quote names and pasted text.
        let text = clean(&message.text);
        for (i, part) in wrap(&text, width.saturating_sub(indent)).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(head.clone(), theme.dim)
            } else {
                Span::raw(" ".repeat(indent))
            };
            out.push(Line::from(vec![lead, Span::styled(part, style)]));
        }
    }
    out
}

pub fn draw(messages: &Messages, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.popup_border)
        .title(Line::styled(
            format!(" {} ", ctx.t.t(Msg::messages_title)),
            ctx.theme.title,
        ))
        .title_bottom(Line::styled(format!(" {} ", ctx.t.t(Msg::help_close)), ctx.theme.dim).right_aligned());
    let inner = block.inner(area);
    let all = crate::widgets::wrap::bounded(lines(ctx, inner.width as usize).into_iter());
    let window = messages.scroll.window(inner.height as usize, all.len());
    crate::widgets::clear(frame, area);
    frame.render_widget(Paragraph::new(all[window].to_vec()).block(block), area);
}
