//! The contacts and notes form.

use super::{ContactsForm, Field};
use crate::app::Ctx;
use crate::app::table::Cursor;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{role_msg, role_short_msg};
use crate::widgets::{ellipsize, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(form: &ContactsForm, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let name = clean(&form.original.name).into_owned();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Line::styled(
            format!(" {} · {name} ", t.t(Msg::form_title)),
            theme.title,
        ));
    let inner = block.inner(area);
    crate::widgets::clear(frame, area);
    frame.render_widget(block, area);
    if inner.height < 6 || inner.width < 30 {
        return;
    }
    // The question or the error, and the help, wrap rather than lose their keys.
    let (text, style) = message(form, ctx);
    let message_lines = wrap(&text, usize::from(inner.width));
    let help_lines = wrap(t.t(Msg::form_help), usize::from(inner.width));
    let [header, rows_area, notes_label, notes, message, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(message_lines.len() as u16),
        Constraint::Length(help_lines.len() as u16),
    ])
    .areas(inner);
    let [role_w, name_w, phone_w, email_w] = widths(form, ctx, inner.width);
    let [role_c, name_c, phone_c, email_c] = [
        Constraint::Length(role_w),
        Constraint::Length(name_w),
        Constraint::Length(phone_w),
        Constraint::Length(email_w),
    ];
    let columns = |area: Rect| -> [Rect; 4] {
        Layout::horizontal([role_c, name_c, phone_c, email_c])
            .spacing(1)
            .areas(area)
    };
    let labels = [Msg::form_role, Msg::form_name, Msg::form_phone, Msg::form_email];
    for (cell, msg) in columns(header).into_iter().zip(labels) {
        frame.render_widget(Span::styled(t.t(msg).to_string(), theme.table_header), cell);
    }

    // Keep the focused row in view when there are many contacts.
    let focus_row = match form.focused() {
        Field::Notes => form.rows.len() - 1,
        Field::Role(r) | Field::Name(r) | Field::Phone(r) | Field::Email(r) => r,
    };
    let mut cursor = Cursor::default();
    cursor.select(focus_row);
    let window = cursor.window(rows_area.height as usize, form.rows.len());
    let field_style = |focused: bool| if focused { theme.selected } else { Style::new() };
    for (line, r) in window.enumerate() {
        let row = &form.rows[r];
        let area = Rect {
            y: rows_area.y + line as u16,
            height: 1,
            ..rows_area
        };
        let [role, name, phone, email] = columns(area);
        let focused = form.focused();
        // A column too narrow for the role's whole name shows its short one.
        let mut role_text = format!("‹{}›", t.t(role_msg(row.role)));
        if crate::widgets::width(&role_text) > role.width as usize {
            role_text = format!("‹{}›", t.t(role_short_msg(row.role)));
        }
        frame.render_widget(
            Span::styled(
                ellipsize(&role_text, role.width as usize),
                field_style(focused == Field::Role(r)),
            ),
            role,
        );
        row.name.draw(
            frame,
            name,
            field_style(focused == Field::Name(r)),
            focused == Field::Name(r),
        );
        row.phone.draw(
            frame,
            phone,
            field_style(focused == Field::Phone(r)),
            focused == Field::Phone(r),
        );
        row.email.draw(
            frame,
            email,
            field_style(focused == Field::Email(r)),
            focused == Field::Email(r),
        );
    }
    frame.render_widget(
        Span::styled(t.t(Msg::detail_notes).to_string(), theme.table_header),
        notes_label,
    );
    let notes_focused = form.focused() == Field::Notes;
    form.notes
        .draw(frame, notes, field_style(notes_focused), notes_focused);

    frame.render_widget(
        Paragraph::new(message_lines.into_iter().map(Line::from).collect::<Vec<_>>()).style(style),
        message,
    );
    frame.render_widget(
        Paragraph::new(help_lines.into_iter().map(Line::from).collect::<Vec<_>>()).style(theme.dim),
        help,
    );
}

/// The question on Esc, or what stops saving.
fn message(form: &ContactsForm, ctx: &Ctx) -> (String, Style) {
    let t = &ctx.t;
    if form.confirm_discard {
        (t.t(Msg::form_confirm_discard).to_string(), ctx.theme.warn)
    } else if let Some(e) = &form.error {
        (
            t.f(
                Msg::form_error_row,
                &[("row", &(e.row + 1)), ("problem", &t.t(e.msg))],
            ),
            ctx.theme.error,
        )
    } else {
        (String::new(), Style::new())
    }
}

/// The columns of role, name, phone and e-mail in `width`: each as wide as its
/// header and longest value where the row has room, the names taking what is
/// left; where it has not, the role gives way first, then the e-mail, then the name.
fn widths(form: &ContactsForm, ctx: &Ctx, width: u16) -> [u16; 4] {
    let t = &ctx.t;
    let w = |text: &str| crate::widgets::width(text) as u16;
    // Its header and its longest value, with a column for the cursor after it.
    let need = |header: Msg, values: &mut dyn Iterator<Item = u16>, least: u16| {
        values.map(|v| v + 1).fold(w(t.t(header)), u16::max).max(least)
    };
    let rows = &form.rows;
    let mut widths = [
        need(
            Msg::form_role,
            &mut rows.iter().map(|r| w(t.t(role_msg(r.role))) + 1),
            0,
        ),
        need(Msg::form_name, &mut rows.iter().map(|r| w(r.name.value())), 12),
        need(Msg::form_phone, &mut rows.iter().map(|r| w(r.phone.value())), 10),
        need(Msg::form_email, &mut rows.iter().map(|r| w(r.email.value())), 10),
    ];
    let room = width.saturating_sub(3);
    let total: u16 = widths.iter().sum();
    if total <= room {
        widths[1] += room - total;
        return widths;
    }
    let mut over = total - room;
    // The role gives way down to its short names (`‹secretari/ària›`), which it shows then.
    let short = rows
        .iter()
        .map(|r| w(t.t(role_short_msg(r.role))) + 2)
        .max()
        .unwrap_or(0);
    // (column, the least it goes down to), in the order they give way; the role
    // down to its short name first, then as far as it went before the name gives.
    for (i, floor) in [
        (0, short.max(14)),
        (3, 18),
        (0, 14),
        (1, 14),
        (2, 10),
        (3, 8),
        (0, 8),
        (1, 8),
    ] {
        let cut = widths[i].saturating_sub(floor).min(over);
        widths[i] -= cut;
        over -= cut;
    }
    if over > 0 {
        // Too narrow for even that: shares, the name keeping the most.
        let (role, phone, email) = (room / 4, room / 5, room / 4);
        return [role, room - role - phone - email, phone, email];
    }
    widths
}
