//! The checklist popup: one council's steps for one service.

use super::Checklist;
use crate::app::Ctx;
use crate::domain::catalog::services;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::widgets::rollout::{glyph, status_style};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(list: &Checklist, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    // A council another writer removed meanwhile: nothing left to show.
    let Some((m, s)) = list.cell.locate(&ctx.data) else {
        return;
    };
    let service = &services()[s];
    let rollout = ctx.data.rollout_or_pending(m, s);
    let council = clean(&ctx.data.municipalities[m].name).into_owned();
    let steps = service.steps.len() as u16;
    let height = (steps + 9).min(area.height);
    let width = area.width.min(76);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    let title = t.f(
        Msg::checklist_title,
        &[("service", &service.name), ("council", &council)],
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Line::styled(format!(" {title} "), theme.title));
    let inner = block.inner(popup);
    crate::widgets::clear(frame, popup);
    frame.render_widget(block, popup);
    if inner.height < 4 {
        return;
    }
    let [head, body, notes_area, help] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(steps),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let status = format!("{} {}", glyph(rollout.status), t.t(status_msg(rollout.status)));
    let mut head_lines = vec![Line::from(vec![
        Span::raw(t.f(Msg::checklist_status, &[("status", &"")])),
        Span::styled(status, status_style(theme, rollout.status)),
    ])];
    if !rollout.blocked_reason.is_empty() {
        head_lines.push(Line::styled(
            t.f(
                Msg::checklist_blocked,
                &[("reason", &clean(&rollout.blocked_reason))],
            ),
            theme.error,
        ));
    } else if !rollout.source.is_empty() {
        // Set by a file: which, and its line.
        head_lines.push(Line::styled(
            t.f(
                Msg::checklist_source,
                &[
                    ("source", &clean(&rollout.source)),
                    ("de_source", &t.de(&clean(&rollout.source))),
                ],
            ),
            theme.dim,
        ));
    } else {
        head_lines.push(Line::styled(service.description.clone(), theme.dim));
    }
    frame.render_widget(Paragraph::new(head_lines), head);

    for (i, name) in service.steps.iter().enumerate() {
        let mark = rollout.steps.get(i).cloned().flatten();
        let (tick, who) = match &mark {
            Some(m) => (
                "[x]",
                format!(
                    "{} {}",
                    t.date(m.done_at.with_timezone(&ctx.tz).date_naive()),
                    clean(&m.done_by)
                ),
            ),
            None => ("[ ]", String::new()),
        };
        let selected = i == list.cursor.selected && list.notes.is_none();
        let style = if selected { theme.selected } else { Style::new() };
        let label = format!("{tick} {name}  ");
        let row = Rect {
            y: body.y + i as u16,
            height: 1,
            ..body
        };
        match &list.date {
            // The step being ticked: its date, typed beside it.
            Some(input) if selected => {
                let used = (crate::widgets::width(&label) as u16).min(row.width.saturating_sub(17));
                frame.render_widget(Span::styled(label, style), row);
                let field = Rect {
                    x: row.x + used,
                    width: row.width - used,
                    ..row
                };
                input.draw(frame, field, theme.selected, true);
            }
            _ => frame.render_widget(
                Line::from(vec![Span::styled(label, style), Span::styled(who, theme.dim)]),
                row,
            ),
        }
    }

    let notes_label = Line::styled(t.t(Msg::detail_notes).to_string(), theme.table_header);
    frame.render_widget(
        notes_label,
        Rect {
            height: 1,
            ..notes_area
        },
    );
    let notes_body = Rect {
        y: notes_area.y + 1,
        height: notes_area.height.saturating_sub(1),
        ..notes_area
    };
    match &list.notes {
        Some(input) => input.draw(
            frame,
            Rect {
                height: 1,
                ..notes_body
            },
            theme.selected,
            true,
        ),
        None => frame.render_widget(
            Paragraph::new(clean(&rollout.notes).into_owned()).wrap(Wrap { trim: true }),
            notes_body,
        ),
    }
    let (text, style) = if list.confirm_discard {
        (t.t(Msg::checklist_confirm_discard), theme.warn)
    } else if let Some(error) = &list.date_error {
        (error.as_str(), theme.error)
    } else if list.date.is_some() {
        (t.t(Msg::checklist_date_help), theme.key)
    } else if list.notes.is_some() {
        (t.t(Msg::checklist_notes_help), theme.dim)
    } else {
        (t.t(Msg::checklist_help), theme.dim)
    };
    frame.render_widget(Line::styled(text.to_string(), style), help);
}
