//! The Activitat tab's drawing: the log in its view, or the trainings.

use super::{ActivityTab, ActivityView};
use crate::app::Ctx;
use crate::domain::activity::{ActivityKind, ActivityStatus};
use crate::domain::catalog::services;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{activity_kind_short_msg, activity_status_short_msg};
use crate::widgets::activity::due_cell;
use crate::widgets::table::{empty_note, title_with_filter};
use crate::widgets::{column_width, ellipsize, fitting_columns, keep};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table};

fn draw_title(tab: &ActivityTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let title = match tab.view {
        ActivityView::Open => t.t(Msg::act_view_open).to_string(),
        ActivityView::FollowUps => t.f(Msg::act_view_follow_ups, &[("date", &t.date(ctx.today()))]),
        ActivityView::All => t.t(Msg::act_view_all).to_string(),
        ActivityView::Trainings => t.t(Msg::act_view_trainings).to_string(),
    };
    let count = match tab.view {
        ActivityView::Open => {
            let now = ctx.now();
            let data = &ctx.data.activities;
            let overdue = tab
                .rows
                .iter()
                .filter(|&&i| data.due(i).is_some_and(|d| d <= now))
                .count();
            t.f(
                Msg::act_count_open,
                &[("n", &tab.rows.len()), ("overdue", &overdue)],
            )
        }
        _ => t.f(Msg::act_count, &[("n", &tab.rows.len())]),
    };
    let spans = vec![
        Span::styled(format!(" {title}"), ctx.theme.title),
        Span::raw(format!(" · {count}")),
    ];
    title_with_filter(frame, area, spans, &tab.filter, tab.filtering, ctx.theme.key);
}

pub fn draw(tab: &ActivityTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    draw_title(tab, frame, ctx, title);
    match tab.view {
        ActivityView::Trainings => draw_trainings(tab, frame, ctx, table),
        _ => draw_log(tab, frame, ctx, table),
    }
    if tab.rows.is_empty() {
        let msg = match tab.view {
            ActivityView::Open => Msg::act_none_open,
            ActivityView::FollowUps => Msg::act_none_follow_ups,
            ActivityView::All => Msg::act_none,
            ActivityView::Trainings => Msg::act_none_trainings,
        };
        empty_note(frame, &ctx.t, &ctx.theme, table, msg);
    }
}

/// The councils an entry concerns, as a cell shows them.
fn councils(ctx: &Ctx, index: usize) -> String {
    let a = &ctx.data.activities.list[index];
    match (a.ine, a.councils.as_slice()) {
        (Some(ine), []) => ctx.data.council_name(ine),
        (_, list) => list
            .iter()
            .map(|c| format!("{} {}", ctx.data.council_name(c.ine), c.attendees))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Termini, Municipi, Tipus, Contacte, Servei, Resum, Estat; narrow windows give
/// up Servei, then Contacte, then Tipus.
fn draw_log(tab: &ActivityTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let kinds = ActivityKind::ALL.map(|k| t.t(activity_kind_short_msg(k)));
    let statuses = ActivityStatus::ALL.map(|s| t.t(activity_status_short_msg(s)));
    let fixed = [
        crate::tabs::certificates::countdown_width(t),
        column_width(6, kinds.into_iter().chain([t.t(Msg::col_type)])),
        11,
        column_width(3, [t.t(Msg::act_col_service)]),
        column_width(6, statuses.into_iter().chain([t.t(Msg::col_status)])),
    ];
    let shown = fitting_columns(area.width, &fixed, &[3, 2, 1], 2, 24);
    let spacing = shown.iter().filter(|s| **s).count() as u16 + 1;
    let used: u16 = keep(fixed, &shown).iter().sum::<u16>() + spacing;
    let flexible = area.width.saturating_sub(used);
    // The council gets two fifths (its header at least), up to 18; the summary the rest.
    let header_w = column_width(8, [t.t(Msg::col_municipality)]);
    let council_w = (flexible * 2 / 5)
        .max(header_w)
        .min(18)
        .min(flexible.saturating_sub(8));
    let summary_w = flexible.saturating_sub(council_w);
    let [deadline_w, kind_w, contact_w, service_w, status_w] = fixed;
    let mut header = vec![t.t(Msg::col_deadline), t.t(Msg::col_municipality)];
    header.extend(keep(
        [t.t(Msg::col_type), t.t(Msg::act_col_contact)],
        &shown[1..3],
    ));
    header.extend(keep([t.t(Msg::act_col_service)], &shown[3..4]));
    header.push(t.t(Msg::act_col_summary));
    header.extend(keep([t.t(Msg::col_status)], &shown[4..5]));
    let header = Row::new(header).style(theme.table_header);
    let data = &ctx.data.activities;
    let window = tab
        .cursor
        .window(area.height.saturating_sub(1) as usize, tab.rows.len());
    let rows = tab.rows[window.clone()].iter().enumerate().map(|(row, &i)| {
        let a = &data.list[i];
        let service = a
            .service
            .as_deref()
            .and_then(|id| services().iter().find(|s| s.id == id))
            .map_or(String::new(), |s| s.short.clone());
        let mut cells = vec![
            Cell::from(due_cell(ctx, i, usize::from(deadline_w))),
            Cell::from(ellipsize(&clean(&councils(ctx, i)), council_w as usize)),
        ];
        cells.extend(keep(
            [
                Cell::from(ellipsize(t.t(activity_kind_short_msg(a.kind)), kind_w as usize)),
                Cell::from(ellipsize(&clean(&a.contact), contact_w as usize)),
            ],
            &shown[1..3],
        ));
        cells.extend(keep([Cell::from(service)], &shown[3..4]));
        cells.push(Cell::from(ellipsize(&clean(&a.summary), summary_w as usize)));
        let status_style = match a.status {
            ActivityStatus::Waiting => theme.warn,
            ActivityStatus::Closed => theme.dim,
            ActivityStatus::Open => ratatui::style::Style::new(),
        };
        cells.extend(keep(
            [Cell::from(Span::styled(
                t.t(activity_status_short_msg(a.status)),
                status_style,
            ))],
            &shown[4..5],
        ));
        let line = Row::new(cells);
        match window.start + row == tab.cursor.selected {
            true => line.style(theme.selected),
            false => line,
        }
    });
    let mut widths = vec![Constraint::Length(deadline_w), Constraint::Length(council_w)];
    widths.extend(
        keep([kind_w, contact_w], &shown[1..3])
            .into_iter()
            .map(Constraint::Length),
    );
    widths.extend(
        keep([service_w], &shown[3..4])
            .into_iter()
            .map(Constraint::Length),
    );
    widths.push(Constraint::Min(summary_w.min(8)));
    widths.extend(keep([status_w], &shown[4..5]).into_iter().map(Constraint::Length));
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

/// Data, Municipis (with attendees), Serveis, Hores, Assist., Resum.
fn draw_trainings(tab: &ActivityTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let fixed = [
        column_width(10, [t.t(Msg::act_col_date)]),
        column_width(10, [t.t(Msg::act_col_services)]),
        column_width(5, [t.t(Msg::act_col_hours)]),
        column_width(5, [t.t(Msg::act_col_attendees)]),
    ];
    let used: u16 = fixed.iter().sum::<u16>() + 5;
    let flexible = area.width.saturating_sub(used);
    let councils_w = flexible / 2;
    let header = Row::new([
        t.t(Msg::act_col_date),
        t.t(Msg::act_col_councils),
        t.t(Msg::act_col_services),
        t.t(Msg::act_col_hours),
        t.t(Msg::act_col_attendees),
        t.t(Msg::act_col_summary),
    ])
    .style(theme.table_header);
    let data = &ctx.data.activities;
    let window = tab
        .cursor
        .window(area.height.saturating_sub(1) as usize, tab.rows.len());
    let rows = tab.rows[window.clone()].iter().enumerate().map(|(row, &i)| {
        let a = &data.list[i];
        let shorts: Vec<&str> = a
            .services
            .iter()
            .filter_map(|id| services().iter().find(|s| &s.id == id))
            .map(|s| s.short.as_str())
            .collect();
        let hours = a
            .session_minutes
            .map(|m| crate::widgets::activity::hours_text(t, m))
            .unwrap_or_default();
        let line = Row::new(vec![
            Cell::from(t.date(a.received_at.with_timezone(&ctx.tz).date_naive())),
            Cell::from(ellipsize(&clean(&councils(ctx, i)), councils_w as usize)),
            Cell::from(ellipsize(&shorts.join(", "), fixed[1] as usize)),
            Cell::from(hours),
            Cell::from(a.attendees().to_string()),
            Cell::from(clean(&a.summary).into_owned()),
        ]);
        match window.start + row == tab.cursor.selected {
            true => line.style(theme.selected),
            false => line,
        }
    });
    let widths = [
        Constraint::Length(fixed[0]),
        Constraint::Length(councils_w),
        Constraint::Length(fixed[1]),
        Constraint::Length(fixed[2]),
        Constraint::Length(fixed[3]),
        Constraint::Min(0),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}
