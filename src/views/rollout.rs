//! The Implantació tab: councils down, the AOC services across, with totals.

use crate::app::App;
use crate::app::municipalities::SortColumn;
use crate::app::rollout::StatusFilter;
use crate::domain::catalog::services;
use crate::domain::rollout::{RolloutStatus, Tally};
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::theme::Theme;
use crate::widgets::ellipsize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
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

pub fn status_style(theme: &Theme, status: RolloutStatus) -> Style {
    match status {
        RolloutStatus::Pending | RolloutStatus::NotApplicable => theme.dim,
        RolloutStatus::InProgress => theme.warn,
        RolloutStatus::Done => theme.ok,
        RolloutStatus::Blocked => theme.error,
    }
}

pub fn filter_label(app: &App, service: usize, filter: StatusFilter) -> String {
    let status = match filter {
        StatusFilter::NotDone => app.t.t(Msg::status_not_done),
        StatusFilter::Is(s) => app.t.t(status_msg(s)),
    };
    app.t.f(
        Msg::rollout_filter,
        &[("service", &services()[service].name), ("status", &status)],
    )
}

fn draw_title(frame: &mut Frame, app: &App, area: Rect) {
    let state = &app.rollout;
    let count = crate::views::municipalities::count_label(&app.t, state.rows.len());
    // The tab's name is in the header already; the line is for the count and the legend.
    let view = if app.municipalities.show_all {
        app.t.t(Msg::view_all_short).to_string()
    } else {
        app.t.f(
            Msg::view_under_short,
            &[("n", &app.t.int(app.config.threshold.into()))],
        )
    };
    let mut spans = vec![Span::styled(format!(" {view} · {count}"), app.theme.title)];
    let sorting = &app.municipalities;
    if sorting.sort != SortColumn::default() || sorting.reverse {
        let arrow = if sorting.reverse { "▼" } else { "▲" };
        let label = crate::views::municipalities::sort_label(app, sorting.sort);
        spans.push(Span::styled(format!(" · {label} {arrow}"), app.theme.dim));
    }
    spans.push(Span::raw("  "));
    let text_filter = app.municipalities.filtering || !app.municipalities.filter.is_empty();
    match state.filter {
        Some((service, filter)) => {
            spans.push(Span::styled(filter_label(app, service, filter), app.theme.warn))
        }
        // The legend only where it fits whole, and not over a filter being typed.
        None if !text_filter => {
            let legend = app.t.t(Msg::rollout_legend);
            let used = crate::widgets::spans_width(&spans);
            if used + crate::widgets::width(legend) <= usize::from(area.width) {
                spans.push(Span::styled(legend.to_string(), app.theme.dim));
            }
        }
        None => {}
    }
    let filter = &app.municipalities.filter;
    let typing = app.municipalities.filtering;
    super::title_with_filter(frame, area, spans, filter, typing, app.theme.key);
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [title, table, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    draw_title(frame, app, title);
    let state = &app.rollout;
    let theme = &app.theme;
    let n = services().len();
    let column_style = |s: usize| {
        if s == state.column {
            theme.selected
        } else {
            Style::new()
        }
    };

    let mut header = vec![Cell::from(app.t.t(Msg::col_municipality))];
    header.extend(
        services()
            .iter()
            .enumerate()
            .map(|(s, svc)| Cell::from(svc.short.as_str()).style(column_style(s))),
    );
    // Below about 70 columns the "Fet" column gives way to the council's name.
    let show_done = table.width >= (n as u16) * 4 + 6 + 12;
    if show_done {
        header.push(Cell::from(Line::from(app.t.t(Msg::col_done)).right_aligned()));
    }

    let mut widths = vec![Constraint::Min(10)];
    widths.extend(std::iter::repeat_n(Constraint::Length(3), n));
    if show_done {
        widths.push(Constraint::Length(5));
    }
    let fixed = (n as u16) * 4 + if show_done { 6 } else { 0 };
    let name_width = table.width.saturating_sub(fixed) as usize;

    let body_height = table.height.saturating_sub(1) as usize;
    let window = state.cursor.window(body_height, state.rows.len());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &m)| {
        let selected_row = window.start + i == state.cursor.selected;
        let name = ellipsize(&clean(&app.data.municipalities[m].name), name_width);
        let mut cells = vec![Cell::from(name).style(if selected_row {
            theme.selected
        } else {
            Style::new()
        })];
        for s in 0..n {
            let status = app.data.status(m, s);
            let style = if selected_row && s == state.column {
                theme.selected
            } else {
                status_style(theme, status)
            };
            cells.push(Cell::from(format!(" {} ", glyph(status))).style(style));
        }
        if show_done {
            let tally = app.data.tally(m);
            cells.push(Cell::from(
                Line::from(format!("{}/{}", tally.done, tally.applicable)).right_aligned(),
            ));
        }
        Row::new(cells)
    });
    frame.render_widget(
        Table::new(rows, widths.clone())
            .header(Row::new(header).style(theme.table_header))
            .column_spacing(1),
        table,
    );
    if state.rows.is_empty() {
        super::empty_note(frame, app, table, Msg::empty_list);
    }

    // Per service: % of the listed councils done, leaving out those where it does not apply.
    // Over the councils the view lists before the status filter: with "not done" shown,
    // the totals still say how far the service is.
    let listed = &app.municipalities.rows;
    let mut totals = vec![Cell::from(app.t.t(Msg::rollout_percent))];
    for s in 0..n {
        let tally = Tally::of(
            listed
                .iter()
                .map(|&m| app.data.status(m, s))
                .collect::<Vec<_>>()
                .iter(),
        );
        let text = tally.percent().map_or("—".to_string(), |p| p.to_string());
        totals.push(Cell::from(Line::from(text).right_aligned()).style(column_style(s)));
    }
    let all = Tally::of(
        listed
            .iter()
            .flat_map(|&m| (0..n).map(move |s| app.data.status(m, s)))
            .collect::<Vec<_>>()
            .iter(),
    );
    if show_done {
        totals.push(Cell::from(
            Line::from(all.percent().map_or("—".into(), |p| format!("{p}%"))).right_aligned(),
        ));
    }
    frame.render_widget(
        Table::new([Row::new(totals).style(theme.table_header)], widths).column_spacing(1),
        footer,
    );
}
