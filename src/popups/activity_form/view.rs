//! The activity form. On a short window the fields scroll to keep the focus in view.

use super::build::{typed_councils, typed_services};
use super::{AField, ActivityForm, PICKS};
use crate::app::Ctx;
use crate::domain::catalog::services;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{activity_kind_msg, activity_status_msg, direction_msg};
use crate::widgets::{column_width, ellipsize};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn label(field: AField) -> Msg {
    match field {
        AField::Kind => Msg::act_label_kind,
        AField::Council => Msg::col_municipality,
        AField::Councils => Msg::act_label_attendees,
        AField::Summary => Msg::act_label_summary,
        AField::Direction => Msg::act_label_direction,
        AField::Status => Msg::col_status,
        AField::Contact => Msg::act_label_contact,
        AField::Service => Msg::act_label_service,
        AField::Services => Msg::act_label_services,
        AField::Request => Msg::act_label_request,
        AField::Hours => Msg::act_label_hours,
        AField::Received => Msg::act_label_received,
        AField::Minutes => Msg::act_label_minutes,
        AField::FollowUp => Msg::act_label_follow_up,
        AField::Notes => Msg::detail_notes,
    }
}

/// A line of the form: a field, or one of the council picker's matches.
#[derive(Clone, Copy)]
enum Row {
    Field(AField),
    Pick(usize),
}

fn rows(form: &ActivityForm) -> Vec<Row> {
    let mut out = Vec::new();
    for &field in form.fields() {
        out.push(Row::Field(field));
        if field == AField::Council && form.focus == AField::Council {
            out.extend((0..form.council_matches.len().min(PICKS)).map(Row::Pick));
        }
    }
    out
}

pub fn draw(form: &ActivityForm, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let title = match &form.editing {
        Some(a) => t.f(Msg::act_title_edit, &[("id", &a.id)]),
        None => t.t(Msg::act_title_new).to_string(),
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Line::styled(format!(" {title} "), theme.title));
    let inner = block.inner(area);
    crate::widgets::clear(frame, area);
    if inner.height < 6 || inner.width < 40 {
        frame.render_widget(block, area);
        frame.render_widget(
            Line::styled(t.t(Msg::req_too_small).to_string(), theme.warn),
            inner,
        );
        return;
    }
    let all: Vec<AField> = AField::of(crate::domain::activity::ActivityKind::Call)
        .iter()
        .chain(AField::of(crate::domain::activity::ActivityKind::Training))
        .copied()
        .collect();
    let label_w = column_width(12, all.iter().map(|&f| t.t(label(f)))).min(18) + 1;
    let lines = rows(form);
    // The fields that fit, the focus among them.
    let room = (inner.height - 3) as usize;
    let focus_at = lines
        .iter()
        .position(|r| matches!(r, Row::Field(f) if *f == form.focus))
        .unwrap_or(0);
    let last_pick = focus_at + form.council_matches.len().min(PICKS);
    let start = match lines.len() <= room {
        true => 0,
        false => last_pick
            .min(lines.len() - 1)
            .saturating_sub(room - 1)
            .min(focus_at),
    };
    // What the window hides, said on its border as the request form does.
    let fields_in = |rows: &[Row]| rows.iter().filter(|r| matches!(r, Row::Field(_))).count();
    let above = fields_in(&lines[..start]);
    let below = fields_in(&lines[(start + room).min(lines.len())..]);
    if above > 0 {
        block = block.title(
            Line::styled(format!(" {} ", t.n(Msg::form_more_above, above)), theme.key).right_aligned(),
        );
    }
    if below > 0 {
        block = block.title_bottom(
            Line::styled(format!(" {} ", t.n(Msg::form_more_below, below)), theme.key).right_aligned(),
        );
    }
    frame.render_widget(block, area);
    for (y, row) in lines.iter().skip(start).take(room).enumerate() {
        let area = Rect {
            y: inner.y + y as u16,
            height: 1,
            ..inner
        };
        let value = Rect {
            x: area.x + label_w,
            width: area.width - label_w,
            ..area
        };
        match *row {
            Row::Pick(i) => {
                let Some(&m) = ctx.data.by_ine.get(&form.council_matches[i]) else {
                    continue;
                };
                let council = &ctx.data.municipalities[m];
                let text = format!("  {} · {}", clean(&council.name), clean(&council.comarca));
                let style = if i == form.pick { theme.selected } else { theme.dim };
                frame.render_widget(Span::styled(ellipsize(&text, value.width as usize), style), value);
            }
            Row::Field(field) => draw_field(form, frame, ctx, field, area, value, label_w),
        }
    }
    // Two lines, so a long rule or warning wraps instead of being cut.
    let message = Rect {
        y: inner.bottom() - 3,
        height: 2,
        ..inner
    };
    let (text, style) = if form.confirm_discard {
        (t.t(Msg::form_confirm_discard).to_string(), theme.warn)
    } else if let Some((_, error)) = &form.error {
        (error.clone(), theme.error)
    } else {
        (String::new(), Style::new())
    };
    frame.render_widget(
        Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: true }),
        message,
    );
    let help = Rect {
        y: inner.bottom() - 1,
        height: 1,
        ..inner
    };
    frame.render_widget(Line::styled(t.t(Msg::act_form_help).to_string(), theme.dim), help);
}

fn draw_field(
    form: &ActivityForm,
    frame: &mut Frame,
    ctx: &Ctx,
    field: AField,
    area: Rect,
    value: Rect,
    label_w: u16,
) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let focused = form.focus == field;
    let style = if focused { theme.selected } else { Style::new() };
    let label_style = match &form.error {
        Some((f, _)) if *f == field => theme.error,
        _ => theme.dim,
    };
    // A training is held on a day: its time is a date, not a receipt.
    let msg = match (field, form.kind) {
        (AField::Received, crate::domain::activity::ActivityKind::Training) => Msg::act_col_date,
        _ => label(field),
    };
    let name = ellipsize(t.t(msg), label_w as usize - 1);
    frame.render_widget(
        Span::styled(format!("{name:<w$}", w = label_w as usize), label_style),
        area,
    );
    let choice = |text: &str| Span::styled(format!("‹{text}›"), style);
    // A text field with what it resolves to beside it.
    let mut with_note = |input: &crate::widgets::input::TextInput, note: Span| {
        let [input_area, note_area] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Min(0)]).areas(value);
        input.draw(frame, input_area, style, focused);
        frame.render_widget(note, note_area);
    };
    match field {
        AField::Kind => frame.render_widget(choice(t.t(activity_kind_msg(form.kind))), value),
        AField::Direction => frame.render_widget(choice(t.t(direction_msg(form.direction))), value),
        AField::Status => frame.render_widget(choice(t.t(activity_status_msg(form.status))), value),
        AField::Service => {
            let name = form.service.map_or("—", |s| services()[s].name.as_str());
            frame.render_widget(choice(name), value);
        }
        AField::Council => {
            let note = match form.council().and_then(|ine| ctx.data.by_ine.get(&ine)) {
                Some(&m) => format!(" → {}", clean(&ctx.data.municipalities[m].name)),
                None => format!(" {}", t.t(Msg::req_no_council)),
            };
            with_note(&form.council_input, Span::styled(note, theme.key));
        }
        AField::Councils => {
            let note = match typed_councils(ctx, form.councils.value()) {
                Ok(list) if list.is_empty() => {
                    Span::styled(format!(" {}", t.t(Msg::act_form_councils_hint)), theme.dim)
                }
                Ok(list) => {
                    let names: Vec<String> = list
                        .iter()
                        .map(|a| format!("{} {}", clean(&ctx.data.council_name(a.ine)), a.attendees))
                        .collect();
                    Span::styled(format!(" → {}", names.join(" · ")), theme.key)
                }
                Err(why) => Span::styled(format!(" {why}"), theme.warn),
            };
            with_note(&form.councils, note);
        }
        AField::Services => {
            let note = match typed_services(form.services.value()) {
                Ok(list) if list.is_empty() => {
                    Span::styled(format!(" {}", t.t(Msg::act_form_services_hint)), theme.dim)
                }
                Ok(list) => {
                    let names: Vec<&str> = list
                        .iter()
                        .filter_map(|id| services().iter().find(|s| &s.id == id))
                        .map(|s| s.name.as_str())
                        .collect();
                    Span::styled(format!(" → {}", names.join(", ")), theme.key)
                }
                Err(value) => Span::styled(
                    format!(" {}", t.f(Msg::act_err_service, &[("value", &value)])),
                    theme.warn,
                ),
            };
            with_note(&form.services, note);
        }
        AField::Contact => {
            let contacts = form
                .council()
                .and_then(|ine| ctx.data.by_ine.get(&ine))
                .map_or(0, |&m| ctx.data.municipalities[m].contacts.len());
            let note = match contacts {
                0 => Span::raw(""),
                n => Span::styled(format!(" {}", t.n(Msg::act_form_contacts, n)), theme.dim),
            };
            with_note(&form.contact, note);
        }
        AField::Summary => form.summary.draw(frame, value, style, focused),
        AField::Request => form.request.draw(frame, value, style, focused),
        AField::Hours => form.hours.draw(frame, value, style, focused),
        AField::Received => form.received.draw(frame, value, style, focused),
        AField::Minutes => form.minutes.draw(frame, value, style, focused),
        AField::FollowUp => form.follow_up.draw(frame, value, style, focused),
        AField::Notes => form.notes.draw(frame, value, style, focused),
    }
}
