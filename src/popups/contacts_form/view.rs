//! The contacts and notes form.

use super::{ContactsForm, Field};
use crate::app::Ctx;
use crate::app::table::Cursor;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::role_msg;
use crate::widgets::ellipsize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

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
    let [header, rows_area, notes_label, notes, message, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let w = inner.width;
    let role_w = 24.min(w / 3);
    let phone_w = 14;
    let rest = w.saturating_sub(role_w + phone_w + 3);
    let [role_c, name_c, phone_c, email_c] = [
        Constraint::Length(role_w),
        Constraint::Length(rest / 2),
        Constraint::Length(phone_w),
        Constraint::Min(4),
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
        let role_text = format!("‹{}›", t.t(role_msg(row.role)));
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

    let (text, style) = if form.confirm_discard {
        (t.t(Msg::form_confirm_discard).to_string(), theme.warn)
    } else if let Some(e) = &form.error {
        (
            t.f(
                Msg::form_error_row,
                &[("row", &(e.row + 1)), ("problem", &t.t(e.msg))],
            ),
            theme.error,
        )
    } else {
        (String::new(), Style::new())
    };
    frame.render_widget(Line::styled(text, style), message);
    frame.render_widget(Line::styled(t.t(Msg::form_help).to_string(), theme.dim), help);
}
