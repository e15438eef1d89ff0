//! The Municipis tab: the table, and the detail beside it or alone.

use super::council_detail;
use crate::app::municipalities::SortColumn;
use crate::app::{App, WIDE};
use crate::domain::municipality::FormStatus;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::form_status_msg;
use crate::widgets::{column_width, ellipsize, fitting_columns, keep, progress};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

/// Habitants, Implantació, Cert., Termini, Fitxa: at least these, wider where a
/// language's header or words need it.
fn widths(app: &App) -> [u16; 5] {
    let t = &app.t;
    let expiring = t.f(Msg::form_expiring, &[("n", &60)]);
    let forms = [
        t.t(Msg::form_valid),
        t.t(Msg::form_expired),
        t.t(Msg::form_not_sent),
        expiring.as_str(),
        t.t(Msg::col_form),
    ];
    [
        column_width(9, [t.t(Msg::col_population)]),
        column_width(12, [t.t(Msg::col_rollout)]),
        column_width(5, [t.t(Msg::col_certs_open)]),
        crate::views::certificates::countdown_width(t),
        column_width(10, forms),
    ]
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let state = &app.municipalities;
    if state.detail && state.selected_index().is_some() {
        if area.width >= WIDE {
            // The table keeps the room it has at 80 columns; the detail takes the rest, up to 64.
            let detail_width = area.width.saturating_sub(80).min(64);
            let [table, detail] =
                Layout::horizontal([Constraint::Min(80), Constraint::Length(detail_width)]).areas(area);
            draw_list(frame, app, table);
            council_detail::draw(frame, app, detail, true);
        } else {
            council_detail::draw(frame, app, area, false);
        }
        return;
    }
    draw_list(frame, app, area);
}

pub fn sort_label(app: &App, column: SortColumn) -> &str {
    app.t.t(match column {
        SortColumn::Name => Msg::col_municipality,
        SortColumn::Population => Msg::col_population,
        SortColumn::Rollout => Msg::col_rollout,
        SortColumn::Certificates => Msg::col_certs_open,
        SortColumn::Deadline => Msg::col_next_deadline,
        SortColumn::Form => Msg::col_form,
    })
}

fn draw_title(frame: &mut Frame, app: &App, area: Rect) {
    let state = &app.municipalities;
    let t = &app.t;
    let view = if state.show_all {
        t.t(Msg::view_all_councils).to_string()
    } else {
        t.f(
            Msg::view_under_threshold,
            &[("n", &t.int(app.config.threshold.into()))],
        )
    };
    let arrow = if state.reverse { "▼" } else { "▲" };
    let spans = vec![
        Span::styled(format!(" {view}"), app.theme.title),
        Span::raw(format!(" · {} · ", count_label(t, state.rows.len()))),
        Span::styled(format!("{} {arrow}", sort_label(app, state.sort)), app.theme.dim),
    ];
    super::title_with_filter(frame, area, spans, &state.filter, state.filtering, app.theme.key);
}

pub fn count_label(t: &crate::i18n::I18n, n: usize) -> String {
    if n == 1 {
        t.t(Msg::count_council_one).to_string()
    } else {
        t.f(Msg::count_councils, &[("n", &n)])
    }
}

fn form_cell(app: &App, status: FormStatus) -> (String, Style) {
    let (msg, days) = form_status_msg(status);
    let text = match days {
        Some(n) => app.t.f(msg, &[("n", &n)]),
        None => app.t.t(msg).to_string(),
    };
    let style = match status {
        FormStatus::Valid => app.theme.ok,
        FormStatus::Expiring(_) => app.theme.warn,
        FormStatus::Expired => app.theme.error,
        FormStatus::NotSent => app.theme.dim,
    };
    (text, style)
}

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    draw_title(frame, app, title);
    let state = &app.municipalities;
    let t = &app.t;
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    // Narrow windows give up Cert., then Termini, then Habitants.
    let widths_wanted = widths(app);
    let shown = fitting_columns(table.width, &widths_wanted, &[2, 3, 0], 1, 18);
    let mut header = vec![Cell::from(t.t(Msg::col_municipality))];
    header.extend(keep(
        [
            right(t.t(Msg::col_population).to_string()),
            Cell::from(t.t(Msg::col_rollout)),
            right(t.t(Msg::col_certs_open).to_string()),
            Cell::from(t.t(Msg::col_next_deadline)),
            Cell::from(t.t(Msg::col_form)),
        ],
        &shown,
    ));
    let header = Row::new(header).style(app.theme.table_header);
    let fixed: u16 = keep(widths_wanted, &shown).iter().map(|w| w + 1).sum();
    let name_width = table.width.saturating_sub(fixed).max(8) as usize;
    let today = app.today();
    let body_height = table.height.saturating_sub(1) as usize;
    let window = state.cursor.window(body_height, state.rows.len());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &m)| {
        let council = &app.data.municipalities[m];
        let tally = app.data.tally(m);
        let open = app.data.open_certificates(m);
        let (form, form_style) = form_cell(app, council.form_status(today));
        let mut cells = vec![Cell::from(ellipsize(&clean(&council.name), name_width))];
        cells.extend(keep(
            [
                right(t.int(council.population.into())),
                Cell::from(format!(
                    "{} {}/{}",
                    progress::bar(tally.done, tally.applicable, 6),
                    tally.done,
                    tally.applicable
                )),
                right(match open {
                    _ if !app.data.summary_known => "…".into(),
                    0 => "—".into(),
                    n => n.to_string(),
                }),
                next_deadline_cell(app, m),
                Cell::from(Span::styled(form, form_style)),
            ],
            &shown,
        ));
        let row = Row::new(cells);
        if window.start + i == state.cursor.selected {
            row.style(app.theme.selected)
        } else {
            row
        }
    });
    let mut widths = vec![Constraint::Min(8)];
    widths.extend(keep(widths_wanted, &shown).into_iter().map(Constraint::Length));
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), table);
    if state.rows.is_empty() {
        super::empty_note(frame, app, table, Msg::empty_list);
    }
}

/// The earliest deadline of a council's open requests, as a countdown.
fn next_deadline_cell(app: &App, council: usize) -> Cell<'static> {
    if !app.data.summary_known {
        return Cell::from("…");
    }
    match app.data.next_due(council) {
        Some(due) => {
            let c = crate::domain::countdown::Countdown::until(due, app.now());
            let style = crate::widgets::countdown::style(&app.theme, c.band());
            Cell::from(Span::styled(crate::widgets::countdown::text(&app.t, c), style))
        }
        None => Cell::from("—"),
    }
}
