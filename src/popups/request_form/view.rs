//! The certificate request form.

use super::{PICKS, RField, RequestForm};
use crate::app::Ctx;
use crate::domain::catalog::cert_types;
use crate::domain::municipality::FormStatus;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{operation_msg, post_msg, revocation_reason_msg};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

pub(super) fn label(field: RField) -> Msg {
    match field {
        RField::Council => Msg::col_municipality,
        RField::Holder => Msg::col_holder,
        RField::Role => Msg::col_post,
        RField::Type => Msg::col_type,
        RField::Operation => Msg::col_operation,
        RField::Revokes => Msg::rev_revokes,
        RField::RevocationReason => Msg::rev_reason,
        RField::Urgent => Msg::req_urgent,
        RField::Reason => Msg::req_reason_urgent,
        RField::Received => Msg::req_received,
        RField::Issued => Msg::col_issued,
        RField::Delivered => Msg::req_delivered,
        RField::Awaiting => Msg::req_awaiting,
        RField::Appointment => Msg::req_appointment,
        RField::Notes => Msg::detail_notes,
    }
}

/// "→ termini 15/12/2026 24:00" for the received time and urgency on the form,
/// "→ esperant doc." while documents are missing, nothing while the time is unreadable.
fn live_deadline(form: &RequestForm, ctx: &Ctx) -> String {
    let t = &ctx.t;
    if form.awaiting {
        return format!(" → {}", t.t(Msg::no_deadline));
    }
    match super::parse_local(form.received.value(), ctx.tz) {
        Ok(received) => {
            let due = ctx.data.calendar.due(received, form.urgent);
            format!(
                " → {}",
                t.f(Msg::req_deadline_live, &[("due", &t.deadline(due, ctx.tz))])
            )
        }
        Err(_) => String::new(),
    }
}

pub fn draw(form: &RequestForm, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let revokes = form.revokes.value().trim().trim_start_matches('#').to_string();
    let title = match (&form.editing, form.renews) {
        (None, _)
            if form.operation == crate::domain::certificate::Operation::Revocation && !revokes.is_empty() =>
        {
            t.f(Msg::rev_title, &[("id", &revokes)])
        }
        (Some(c), _) => t.f(Msg::req_title_edit, &[("id", &c.id)]),
        (None, Some(id)) => t.f(Msg::req_title_renewal, &[("id", &id)]),
        (None, None) => t.t(Msg::req_title_new).to_string(),
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Line::styled(format!(" {title} "), theme.title));
    let inner = block.inner(area);
    crate::widgets::clear(frame, area);
    // The message (two rows) and the help (wrapped whole) keep the last rows; the
    // fields scroll above them.
    let help_lines = crate::widgets::wrap(t.t(Msg::req_help), usize::from(inner.width));
    // Two lines at least, more when the message needs them (the elections
    // warning at 80 columns), so it is read whole.
    let (text, style) = message(form, ctx);
    let message_h = (crate::widgets::wrap(&text, usize::from(inner.width)).len() as u16).clamp(2, 4);
    let bottom = message_h + help_lines.len() as u16;
    let room = inner.height.saturating_sub(bottom);
    if room < 2 || inner.width < 40 {
        frame.render_widget(block, area);
        frame.render_widget(
            Line::styled(t.t(Msg::req_too_small).to_string(), theme.warn),
            inner,
        );
        return;
    }
    let picks = if form.focused() == RField::Council {
        form.council_matches.len().min(PICKS).min(usize::from(room) - 1)
    } else {
        0
    };
    let (top, total) = scroll(form, picks, room);
    let hidden_below = total.saturating_sub(top + room);
    if top > 0 {
        block = block.title(
            Line::styled(
                format!(" {} ", t.n(Msg::form_more_above, usize::from(top))),
                theme.key,
            )
            .right_aligned(),
        );
    }
    if hidden_below > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(" {} ", t.n(Msg::form_more_below, usize::from(hidden_below))),
                theme.key,
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, area);
    let label_w = 16u16;
    // `y` counts the form's rows from its first; only those in the window are drawn.
    let mut y = 0u16;
    let visible = |y: u16| y >= top && y < top + room;
    let row = |y: u16| Rect {
        x: inner.x + label_w,
        y: inner.y + y - top,
        width: inner.width - label_w,
        height: 1,
    };
    for field in form.fields() {
        if !visible(y) {
            y += 1 + if field == RField::Council { picks as u16 } else { 0 };
            continue;
        }
        let focused = form.focused() == field;
        let style = if focused { theme.selected } else { Style::new() };
        let label_style = if form.error.is_some_and(|(f, _)| f == field) {
            theme.error
        } else {
            theme.dim
        };
        frame.render_widget(
            Span::styled(
                format!("{:<w$}", t.t(label(field)), w = label_w as usize),
                label_style,
            ),
            Rect {
                x: inner.x,
                y: inner.y + y - top,
                width: label_w,
                height: 1,
            },
        );
        let value = |text: String| Span::styled(text, style);
        let check = |on: bool| value(if on { "[x]".to_string() } else { "[ ]".to_string() });
        match field {
            RField::Council => {
                let [input, chosen] =
                    Layout::horizontal([Constraint::Percentage(40), Constraint::Min(0)]).areas(row(y));
                form.council_input.draw(frame, input, style, focused);
                let text = match form.council().and_then(|ine| ctx.data.by_ine.get(&ine)) {
                    Some(&m) => format!(" → {}", clean(&ctx.data.municipalities[m].name)),
                    None => format!(" {}", t.t(Msg::req_no_council)),
                };
                frame.render_widget(Span::styled(text, theme.key), chosen);
                for (i, found) in form.council_matches.iter().take(picks).enumerate() {
                    y += 1;
                    let Some(&m) = ctx.data.by_ine.get(&found.ine).filter(|_| visible(y)) else {
                        continue;
                    };
                    let council = &ctx.data.municipalities[m];
                    let area = row(y);
                    let line = crate::popups::jump::found_line(ctx, council, found, area.width as usize - 2);
                    let line = if i == form.pick {
                        line.style(theme.selected)
                    } else {
                        line
                    };
                    let area = Rect {
                        x: area.x + 2,
                        width: area.width - 2,
                        ..area
                    };
                    frame.render_widget(line, area);
                }
            }
            // A revocation's: the certificate's, shown without the arrows that change them.
            RField::Holder if form.locked(field) => {
                frame.render_widget(value(clean(form.holder.value()).into_owned()), row(y))
            }
            RField::Role if form.locked(field) => {
                frame.render_widget(value(t.t(post_msg(form.role)).to_string()), row(y))
            }
            RField::Type if form.locked(field) => {
                let ty = &cert_types()[form.type_index];
                frame.render_widget(value(format!("{} {}", ty.name, ty.code)), row(y));
            }
            RField::Holder => form.holder.draw(frame, row(y), style, focused),
            RField::Role => frame.render_widget(value(format!("‹{}›", t.t(post_msg(form.role)))), row(y)),
            RField::Type => {
                let ty = &cert_types()[form.type_index];
                frame.render_widget(value(format!("‹{}› {}", ty.name, ty.code)), row(y));
            }
            RField::Operation => {
                frame.render_widget(value(format!("‹{}›", t.t(operation_msg(form.operation)))), row(y));
            }
            RField::Revokes => form.revokes.draw(frame, row(y), style, focused),
            RField::RevocationReason => {
                let text = match form.revocation_reason {
                    Some(r) => format!("‹{}›", t.t(revocation_reason_msg(r))),
                    None => "‹—›".to_string(),
                };
                frame.render_widget(value(text), row(y));
            }
            RField::Urgent => frame.render_widget(check(form.urgent), row(y)),
            RField::Reason => form.reason.draw(frame, row(y), style, focused),
            RField::Received => {
                // The deadline the request will get, computed as it is typed.
                let [input, due] =
                    Layout::horizontal([Constraint::Length(18), Constraint::Min(0)]).areas(row(y));
                form.received.draw(frame, input, style, focused);
                frame.render_widget(Span::styled(live_deadline(form, ctx), theme.key), due);
            }
            RField::Issued => form.issued.draw(frame, row(y), style, focused),
            RField::Delivered => form.delivered.draw(frame, row(y), style, focused),
            RField::Awaiting => frame.render_widget(check(form.awaiting), row(y)),
            RField::Appointment => frame.render_widget(check(form.appointment), row(y)),
            RField::Notes => form.notes.draw(frame, row(y), style, focused),
        }
        y += 1;
    }
    // Two lines, so a long rule or warning wraps instead of being cut.
    let message = Rect {
        x: inner.x,
        y: inner.bottom() - bottom,
        width: inner.width,
        height: message_h,
    };
    frame.render_widget(
        ratatui::widgets::Paragraph::new(Line::styled(text, style))
            .wrap(ratatui::widgets::Wrap { trim: true }),
        message,
    );
    for (i, line) in help_lines.into_iter().enumerate() {
        let help = Rect {
            y: message.bottom() + i as u16,
            height: 1,
            ..message
        };
        frame.render_widget(Line::styled(line, theme.dim), help);
    }
}

/// The first row shown and the form's rows: the focused field (with the council
/// picker's matches under it) always in the window of `room` rows.
fn scroll(form: &RequestForm, picks: usize, room: u16) -> (u16, u16) {
    let fields = form.fields();
    let total = (fields.len() + picks) as u16;
    // Picks show only under a focused council, which is the first field.
    let start = fields.iter().position(|&f| f == form.focused()).unwrap_or(0) as u16;
    let end = start + 1 + picks as u16;
    let top = end.saturating_sub(room).min(start);
    (top, total)
}

/// What the form's message rows say: a confirmation, an error, or a warning.
fn message(form: &RequestForm, ctx: &Ctx) -> (String, Style) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    if form.confirm_discard {
        (t.t(Msg::form_confirm_discard).to_string(), theme.warn)
    } else if let Some(text) = &form.error_text {
        (text.clone(), theme.error)
    } else if let Some((_, msg)) = form.error {
        (t.t(msg).to_string(), theme.error)
    } else if let Some(text) = &form.theirs {
        // After a conflict: the colleague's values this form's would replace.
        (text.clone(), theme.warn)
    } else if let Some(warning) = form
        .build(&ctx.data, ctx.tz)
        .ok()
        .and_then(|c| elections_warning(ctx, &c))
    {
        (warning, theme.warn)
    } else if let Some(&m) = form.council().and_then(|ine| ctx.data.by_ine.get(&ine))
        && matches!(
            ctx.data.municipalities[m].form_status(ctx.today()),
            FormStatus::NotSent | FormStatus::Expired
        )
    {
        (
            t.f(
                Msg::warn_form_invalid,
                &[("council", &clean(&ctx.data.municipalities[m].name))],
            ),
            theme.warn,
        )
    } else {
        (String::new(), Style::new())
    }
}

/// The warning for a mayor's card asked for between an election and the new council.
pub fn elections_warning(ctx: &Ctx, c: &crate::domain::certificate::CertificateRequest) -> Option<String> {
    let day = c.received_at.with_timezone(&ctx.tz).date_naive();
    let config = &ctx.config;
    crate::domain::elections::warning_for(c, day, &config.elections, config.elections_window_days).map(|e| {
        ctx.t.f(
            Msg::warn_elections,
            &[("date", &ctx.t.date(e)), ("days", &config.elections_window_days)],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Lang};

    #[test]
    fn no_two_fields_share_a_label_and_each_fits_its_column() {
        for lang in [Lang::Ca, Lang::Es, Lang::En] {
            let t = I18n::new(lang);
            let labels: Vec<&str> = RField::ALL.iter().map(|&f| t.t(label(f))).collect();
            let unique: std::collections::BTreeSet<&str> = labels.iter().copied().collect();
            assert_eq!(unique.len(), labels.len(), "{labels:?}");
            // One column of 16, with a space before the field.
            assert!(labels.iter().all(|l| crate::widgets::width(l) < 16), "{labels:?}");
        }
    }
}
