//! The Municipis tab.

use crate::app::App;
use crate::domain::text::clean;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let state = &app.municipalities;
    let view = if state.show_all {
        app.t.t(Msg::view_all_councils).to_string()
    } else {
        app.t.f(
            Msg::view_under_threshold,
            &[("n", &app.t.int(app.config.threshold.into()))],
        )
    };
    let count = app.t.f(Msg::count_councils, &[("n", &state.rows.len())]);
    frame.render_widget(
        Line::from(vec![
            Span::styled(format!(" {view}"), app.theme.title),
            Span::raw(format!(" · {count}")),
        ]),
        title,
    );

    let header = Row::new([
        Cell::from(app.t.t(Msg::col_municipality)),
        Cell::from(Line::from(app.t.t(Msg::col_population)).right_aligned()),
    ])
    .style(app.theme.table_header);
    let body_height = table.height.saturating_sub(1) as usize;
    let window = state.cursor.window(body_height, state.rows.len());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &m)| {
        let council = &app.data.municipalities[m];
        let row = Row::new([
            Cell::from(clean(&council.name).into_owned()),
            Cell::from(Line::from(app.t.int(council.population.into())).right_aligned()),
        ]);
        if window.start + i == state.cursor.selected {
            row.style(app.theme.selected)
        } else {
            row
        }
    });
    let widths = [Constraint::Min(24), Constraint::Length(10)];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(2), table);
    if state.rows.is_empty() {
        let empty = Rect {
            y: table.y + 1,
            height: 1,
            ..table
        };
        frame.render_widget(
            Line::from(format!(" {}", app.t.t(Msg::empty_list))).style(app.theme.dim),
            empty,
        );
    }
}
