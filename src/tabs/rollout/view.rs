//! The Implantació tab's drawing: councils down, the AOC services across, with totals.

use super::{RolloutTab, StatusFilter};
use crate::app::Ctx;
use crate::app::councils::SortColumn;
use crate::domain::catalog::services;
use crate::domain::rollout::Tally;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::tabs::municipalities::{count_label, sort_label};
use crate::widgets::ellipsize;
use crate::widgets::rollout::{glyph, status_style};
use crate::widgets::table::{empty_note, title_with_filter};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

pub fn filter_label(t: &crate::i18n::I18n, service: usize, filter: StatusFilter) -> String {
    let status = match filter {
        StatusFilter::NotDone => t.t(Msg::status_not_done),
        StatusFilter::Is(s) => t.t(status_msg(s)),
    };
    t.f(
        Msg::rollout_filter,
        &[("service", &services()[service].name), ("status", &status)],
    )
}

fn draw_title(tab: &RolloutTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let count = count_label(&ctx.t, tab.rows.len());
    // The tab's name is in the header already; the line is for the count and the legend.
    let councils = &ctx.councils;
    let view = if councils.show_all {
        ctx.t.t(Msg::view_all_short).to_string()
    } else {
        ctx.t.f(
            Msg::view_under_short,
            &[("n", &ctx.t.int(ctx.config.threshold.into()))],
        )
    };
    let mut spans = vec![Span::styled(format!(" {view} · {count}"), ctx.theme.title)];
    if councils.sort != SortColumn::default() || councils.reverse {
        let arrow = if councils.reverse { "▼" } else { "▲" };
        // The done count is this tab's name for the rollout column.
        let label = match councils.sort {
            SortColumn::Rollout => ctx.t.t(Msg::col_done),
            other => sort_label(&ctx.t, other),
        };
        spans.push(Span::styled(format!(" · {label} {arrow}"), ctx.theme.dim));
    }
    spans.push(Span::raw("  "));
    if let Some((service, filter)) = tab.filter {
        spans.push(Span::styled(
            filter_label(&ctx.t, service, filter),
            ctx.theme.warn,
        ));
    }
    title_with_filter(
        frame,
        area,
        spans,
        &councils.filter,
        councils.filtering,
        ctx.theme.key,
    );
}

/// What each glyph means, in the words the filter and the checklist use: two
/// spaces between items where they fit, one where not; None if even that is too wide.
fn legend(ctx: &Ctx, width: u16) -> Option<Line<'static>> {
    use crate::domain::rollout::RolloutStatus::*;
    let items = [Pending, InProgress, Done, NotApplicable, Blocked];
    let words: Vec<String> = items
        .iter()
        .map(|&s| ctx.t.t(status_msg(s)).to_string())
        .collect();
    let needed = |gap: usize| {
        1 + words.iter().map(|w| crate::widgets::width(w) + 2).sum::<usize>() + gap * (items.len() - 1)
    };
    let gap = [2, 1]
        .into_iter()
        .find(|&gap| needed(gap) <= usize::from(width))?;
    let mut spans = vec![Span::raw(" ")];
    for (i, (&status, word)) in items.iter().zip(words).enumerate() {
        if i > 0 {
            spans.push(Span::raw(" ".repeat(gap)));
        }
        spans.push(Span::styled(glyph(status), status_style(&ctx.theme, status)));
        spans.push(Span::styled(format!(" {word}"), ctx.theme.dim));
    }
    Some(Line::from(spans))
}

pub fn draw(tab: &RolloutTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    // The legend takes the last row while the table keeps a few of its own.
    let legend = legend(ctx, area.width).filter(|_| area.height >= 8);
    let legend_rows = u16::from(legend.is_some());
    let [title, table, footer, legend_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(legend_rows),
    ])
    .areas(area);
    if let Some(legend) = legend {
        frame.render_widget(legend, legend_area);
    }
    draw_title(tab, frame, ctx, title);
    let state = tab;
    let theme = &ctx.theme;
    // The columns shown: the services not retired, from the first that keeps the
    // selected one in view (the council's name keeps its room; headers stay).
    let active = crate::domain::catalog::active_columns();
    let (shown, hidden_left, hidden_right) = visible_columns(&active, tab.column, table.width);
    let scrolled = hidden_left + hidden_right > 0;
    let n = shown.len();
    let column_style = |s: usize| {
        if s == state.column {
            theme.selected
        } else {
            Style::new()
        }
    };

    // Narrow and not scrolled, the done column gives way to the council's name;
    // while the services scroll it stays, at any width.
    let show_done = table.width >= (n as u16) * 4 + 6 + 12 || scrolled;
    let fixed = (n as u16) * 4 + if show_done { 6 } else { 0 };
    let name_width = table.width.saturating_sub(fixed) as usize;
    // The markers of hidden columns keep their place; the word gives way.
    let council_header = match (hidden_left, hidden_right) {
        (0, 0) => ctx.t.t(Msg::col_municipality).to_string(),
        (left, right) => format!(
            "{} {}{}",
            ellipsize(ctx.t.t(Msg::col_municipality), name_width.saturating_sub(3)),
            if left > 0 { "‹" } else { "" },
            if right > 0 { "›" } else { "" }
        ),
    };
    let mut header = vec![Cell::from(council_header)];
    header.extend(
        shown
            .iter()
            .map(|&s| Cell::from(services()[s].short.as_str()).style(column_style(s))),
    );
    if show_done {
        header.push(Cell::from(Line::from(ctx.t.t(Msg::col_done)).right_aligned()));
    }

    let mut widths = vec![Constraint::Min(10)];
    widths.extend(std::iter::repeat_n(Constraint::Length(3), n));
    if show_done {
        widths.push(Constraint::Length(5));
    }

    let body_height = table.height.saturating_sub(1) as usize;
    let window = state.cursor.window(body_height, state.rows.len());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &m)| {
        let selected_row = window.start + i == state.cursor.selected;
        let name = ellipsize(&clean(&ctx.data.municipalities[m].name), name_width);
        let mut cells = vec![Cell::from(name).style(if selected_row {
            theme.selected
        } else {
            Style::new()
        })];
        for &s in &shown {
            let status = ctx.data.status(m, s);
            let style = if selected_row && s == state.column {
                theme.selected
            } else {
                status_style(theme, status)
            };
            cells.push(Cell::from(format!(" {} ", glyph(status))).style(style));
        }
        if show_done {
            let tally = ctx.data.tally(m);
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
        empty_note(frame, &ctx.t, theme, table, Msg::empty_list);
    }

    // Per service: % of the listed councils done, leaving out those where it does not apply.
    // Over the councils the view lists before the status filter: with "not done" shown,
    // the totals still say how far the service is.
    let listed = &ctx.councils.rows;
    let mut totals = vec![Cell::from(ctx.t.t(Msg::rollout_percent))];
    for &s in &shown {
        let tally = Tally::of(
            listed
                .iter()
                .map(|&m| ctx.data.status(m, s))
                .collect::<Vec<_>>()
                .iter(),
        );
        let text = tally.percent().map_or("—".to_string(), |p| p.to_string());
        totals.push(Cell::from(Line::from(text).right_aligned()).style(column_style(s)));
    }
    let all = Tally::of(
        listed
            .iter()
            .flat_map(|&m| active.iter().map(move |&s| ctx.data.status(m, s)))
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

/// The selected column's full name, and why its cell is blocked if it is: before the hints.
pub fn selected_service(tab: &RolloutTab, ctx: &Ctx) -> Vec<Span<'static>> {
    let column = tab.column;
    let service = &services()[column];
    let mut spans = vec![Span::styled(
        format!("{} {}", service.short, service.name),
        ctx.theme.title,
    )];
    if let Some(m) = tab.selected_index() {
        let reason = ctx.data.rollout[m][column]
            .as_ref()
            .map(|r| r.blocked_reason.as_str())
            .unwrap_or("");
        if !reason.is_empty() {
            let reason = ellipsize(&clean(reason), 30);
            spans.push(Span::styled(format!(" ✖ {reason}"), ctx.theme.error));
        }
    }
    spans.push(Span::raw(" │ "));
    spans
}

/// The narrowest the council's name gets before columns give way to it.
const NAME_MIN: u16 = 10;

/// From this width on, the council's name keeps `NAME_KEEP` and the done column
/// stays: services scroll rather than squeeze them.
const WIDE: u16 = 80;
const NAME_KEEP: u16 = 20;
/// The done column ("Impl.", 5) and its spacing.
const DONE_W: u16 = 6;

/// Which of the `active` columns fit in `width`, keeping `selected` in view, and
/// how many are hidden on each side.
pub fn visible_columns(active: &[usize], selected: usize, width: u16) -> (Vec<usize>, usize, usize) {
    // Each column is 3 wide plus its spacing; the name keeps its room.
    // Narrower, the names give way first: all the services, without the done
    // column, when they fit so; scrolling, the done column keeps its room.
    let fit_in = |reserved: u16| usize::from(width.saturating_sub(reserved) / 4).max(1);
    let fit = match width >= WIDE {
        true => fit_in(NAME_KEEP + 1 + DONE_W),
        false if active.len() <= fit_in(NAME_MIN + 1) => active.len(),
        false => fit_in(NAME_MIN + 1 + DONE_W),
    };
    if active.len() <= fit {
        return (active.to_vec(), 0, 0);
    }
    let at = active.iter().position(|&c| c >= selected).unwrap_or(0);
    let start = (at + 1).saturating_sub(fit);
    let end = start + fit;
    (active[start..end].to_vec(), start, active.len() - end)
}
