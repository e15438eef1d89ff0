//! The Implantació tab: councils down, the AOC services across.

use crate::app::App;
use crate::domain::catalog::services;
use crate::domain::rollout::RolloutStatus;
use crate::domain::text::clean;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table};

/// The glyph that marks a status, so the matrix reads without colour.
pub fn glyph(status: RolloutStatus) -> &'static str {
    match status {
        RolloutStatus::Pending => "·",
        RolloutStatus::InProgress => "◐",
        RolloutStatus::Done => "●",
        RolloutStatus::NotApplicable => "–",
        RolloutStatus::Blocked => "✖",
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Line::from(format!(" {}", app.t.t(Msg::rollout_title))).style(app.theme.title),
        title,
    );
    let rows_idx = &app.municipalities.rows;
    let mut header = vec![Cell::from(app.t.t(Msg::col_municipality))];
    header.extend(services().iter().map(|s| Cell::from(s.short.as_str())));
    let body_height = table.height.saturating_sub(1) as usize;
    let window = app.rollout_cursor.window(body_height, rows_idx.len());
    let rows = rows_idx[window.clone()].iter().enumerate().map(|(i, &m)| {
        let mut cells = vec![Cell::from(clean(&app.data.municipalities[m].name).into_owned())];
        cells.extend((0..services().len()).map(|s| Cell::from(format!(" {}", glyph(app.data.status(m, s))))));
        let row = Row::new(cells);
        if window.start + i == app.rollout_cursor.selected {
            row.style(app.theme.selected)
        } else {
            row
        }
    });
    let mut widths = vec![Constraint::Min(18)];
    widths.extend(std::iter::repeat_n(Constraint::Length(3), services().len()));
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(app.theme.table_header))
            .column_spacing(1),
        table,
    );
}
