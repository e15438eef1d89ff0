//! The Certificats tab: the queue of T-CAT requests.

use crate::app::App;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Line::from(format!(" {}", app.t.t(Msg::certificates_title))).style(app.theme.title),
        title,
    );
    let header = Row::new([
        app.t.t(Msg::col_deadline),
        app.t.t(Msg::col_municipality),
        app.t.t(Msg::col_holder),
        app.t.t(Msg::col_post),
        app.t.t(Msg::col_type),
        app.t.t(Msg::col_operation),
        app.t.t(Msg::col_urgent),
        app.t.t(Msg::col_status),
    ])
    .style(app.theme.table_header);
    let widths = [
        Constraint::Length(12),
        Constraint::Min(12),
        Constraint::Min(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(1),
        Constraint::Length(10),
    ];
    frame.render_widget(
        Table::new(Vec::<Row>::new(), widths)
            .header(header)
            .column_spacing(1),
        table,
    );
    let empty = Rect {
        y: table.y + 1,
        height: 1,
        ..table
    };
    frame.render_widget(
        Line::from(format!(" {}", app.t.t(Msg::no_requests))).style(app.theme.dim),
        empty,
    );
}
