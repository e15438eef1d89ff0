//! The quick-jump popup: type a few letters, Enter opens the council.

use super::{Found, Jump};
use crate::app::Ctx;
use crate::domain::municipality::Municipality;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::widgets::ellipsize;
use crate::widgets::found::why_within;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

pub fn draw(jump: &Jump, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let width = area.width.min(60);
    let height = area.height.min(14);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Start)
        .areas(popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.popup_border)
        .title(Line::styled(
            format!(" {} ", ctx.t.t(Msg::jump_title)),
            ctx.theme.title,
        ));
    let inner = block.inner(popup);
    crate::widgets::clear(frame, popup);
    frame.render_widget(block, popup);
    if inner.height < 2 {
        return;
    }
    let prompt = Rect { height: 1, ..inner };
    frame.render_widget(Span::styled("› ", ctx.theme.key), prompt);
    let input = Rect {
        x: prompt.x + 2,
        width: prompt.width.saturating_sub(2),
        ..prompt
    };
    jump.input.draw(frame, input, ctx.theme.status, true);

    let list = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    if jump.matches.is_empty() {
        frame.render_widget(
            Line::styled(ctx.t.t(Msg::jump_none).to_string(), ctx.theme.dim),
            list,
        );
        return;
    }
    let window = jump.cursor.window(list.height as usize, jump.matches.len());
    for (row, i) in window.clone().enumerate() {
        let found = jump.matches[i];
        // A council another writer removed meanwhile leaves its line empty.
        let Some(&index) = ctx.data.by_ine.get(&found.ine) else {
            continue;
        };
        let m = &ctx.data.municipalities[index];
        let line = found_line(ctx, m, &found, list.width as usize);
        let mut line = line;
        if i == jump.cursor.selected {
            line = line.style(ctx.theme.selected);
        }
        let y = list.y + row as u16;
        frame.render_widget(line, Rect { y, height: 1, ..list });
    }
}

/// One council found, in `width` columns: its name, and beside it why it was
/// found (a contact, a code), or else its comarca and population. The reason
/// keeps its room; the name gives way first, down to a few letters.
pub fn found_line(ctx: &Ctx, m: &Municipality, found: &Found, width: usize) -> Line<'static> {
    let mark = if found.typo { "≈ " } else { "" };
    let name_text = format!("{mark}{}", clean(&m.name));
    let name_min = crate::widgets::width(&name_text).min(12);
    let extra_width = width.saturating_sub(name_min + 1);
    // Shortened to fit (the role first goes), so the number or address stays whole.
    let why = why_within(&ctx.t, m, found.why, extra_width.saturating_sub(1));
    let extra = match &why {
        Some(why) => format!(" {why}"),
        None => format!(" {} · {}", clean(&m.comarca), ctx.t.int(m.population.into())),
    };
    let extra = ellipsize(&extra, extra_width);
    let name_width = width.saturating_sub(crate::widgets::width(&extra) + 1);
    let name = format!("{:<name_width$}", ellipsize(&name_text, name_width));
    let style = if why.is_some() {
        ctx.theme.key
    } else {
        ctx.theme.dim
    };
    Line::from(vec![Span::raw(name), Span::styled(extra, style)])
}
