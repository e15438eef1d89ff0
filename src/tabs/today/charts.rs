//! Avui's second view: four charts, each in its own bordered block with its
//! title, so no chart's bars touch another's labels. They read at 80x24 and
//! without colour: every non-zero bar is at least one cell high and carries its
//! number; adoption draws its scale out of the applicable total.

use super::TodayTab;
use super::series::Series;
use crate::app::Ctx;
use crate::i18n::Msg;
use crate::widgets::width;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

/// Twelve bars three wide with a gap, and the block's two borders: 49 columns.
const LEFT: u16 = 12 * 3 + 11 + 2;
/// The empty part of an adoption bar: the scale, readable without colour.
const TRACK: &str = "░";
const FULL: &str = "█";

pub fn draw(tab: &TodayTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let Some(series) = &tab.series else {
        return;
    };
    // The left column at most five eighths, so the right one keeps room on a narrow screen.
    let left = LEFT.min(area.width.saturating_mul(5) / 8);
    let [left, right] = Layout::horizontal([Constraint::Length(left), Constraint::Fill(1)]).areas(area);
    let [requests, on_time] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(left);
    // The adoption block holds a line per service and its borders.
    let rows = u16::try_from(series.adoption.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let [adoption, support] = Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(right);
    draw_requests(series, frame, ctx, requests);
    draw_on_time(series, frame, ctx, on_time);
    draw_adoption(series, frame, ctx, adoption);
    draw_support(series, frame, ctx, support);
}

/// A chart's bordered block with its title; returns the area inside.
fn block(frame: &mut Frame, ctx: &Ctx, area: Rect, title: String) -> Rect {
    let block = Block::bordered()
        .border_style(ctx.theme.border)
        .title(Span::styled(title, ctx.theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn month_label(m: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}", m.month())
}

/// Whole percent, rounded to the nearest.
pub fn rounded_percent(n: u64, of: u64) -> Option<u64> {
    (n * 200 + of).checked_div(of * 2)
}

/// Vertical bars of `values` (None: nothing to measure, no bar) under `labels`.
/// A non-zero value is drawn at least one full cell high, so it and its number show.
fn vertical(
    frame: &mut Frame,
    area: Rect,
    labels: Vec<String>,
    values: &[Option<u64>],
    max: Option<u64>,
    width: u16,
) {
    let max = max
        .unwrap_or_else(|| values.iter().flatten().copied().max().unwrap_or(0))
        .max(1);
    // The label row takes one line; the bars have the rest.
    let rows = u64::from(area.height.saturating_sub(1).max(1));
    let least = max.div_ceil(rows);
    // On a narrow screen, the latest that fit: the oldest are dropped, not the current.
    let fit = usize::from((area.width + 1) / (width + 1));
    let skip = values.len().saturating_sub(fit);
    let bars: Vec<Bar> = labels
        .into_iter()
        .zip(values)
        .skip(skip)
        .map(|(label, value)| {
            let bar = Bar::default().label(Line::from(label));
            match value {
                Some(n) if *n > 0 => bar.value((*n).max(least)).text_value(n.to_string()),
                _ => bar.value(0),
            }
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Vertical)
        .bar_width(width)
        .bar_gap(1)
        .max(max)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, area);
}

fn loading(frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let text = ctx.t.t(Msg::today_loading).to_string();
    frame.render_widget(Line::from(Span::styled(text, ctx.theme.dim)), area);
}

fn draw_requests(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let total: u64 = series.requests.iter().flatten().sum();
    let body = block(
        frame,
        ctx,
        area,
        ctx.t.f(Msg::today_chart_requests, &[("n", &total)]),
    );
    let Some(requests) = &series.requests else {
        return loading(frame, ctx, body);
    };
    let labels = series.months.iter().map(month_label).collect();
    let values: Vec<Option<u64>> = requests.iter().copied().map(Some).collect();
    vertical(frame, body, labels, &values, None, 3);
}

fn draw_on_time(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let Some(on_time) = &series.on_time else {
        let title = ctx.t.f(Msg::today_chart_on_time, &[("share", &"—")]);
        let body = block(frame, ctx, area, title);
        return loading(frame, ctx, body);
    };
    let (kept, issued) = on_time.iter().fold((0, 0), |(k, i), &(a, b)| (k + a, i + b));
    let share = rounded_percent(kept, issued).map_or("—".to_string(), |p| format!("{p}%"));
    let body = block(
        frame,
        ctx,
        area,
        ctx.t.f(Msg::today_chart_on_time, &[("share", &share)]),
    );
    let labels = series.months.iter().map(month_label).collect();
    // A month with nothing issued has no bar.
    let values: Vec<Option<u64>> = on_time.iter().map(|&(k, n)| rounded_percent(k, n)).collect();
    vertical(frame, body, labels, &values, Some(100), 3);
}

/// One line per service: `TRA ███░░░░░ 17/29`, the bar's length out of the
/// applicable councils, at least one cell when any is done, full only when all are.
pub fn adoption_line(short: &str, done: usize, applicable: usize, room: usize, number: usize) -> String {
    let figure = format!("{done}/{applicable}");
    let bar = room.saturating_sub(width(short) + 2 + number);
    let filled = match (done, applicable) {
        (_, 0) | (0, _) => 0,
        (d, a) if d >= a => bar,
        (d, a) => (d * bar / a).clamp(1, bar.saturating_sub(1)),
    };
    format!(
        "{short} {}{} {figure:>number$}",
        FULL.repeat(filled),
        TRACK.repeat(bar - filled.min(bar))
    )
}

fn draw_adoption(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let body = block(frame, ctx, area, ctx.t.t(Msg::today_chart_adoption).to_string());
    let number = series
        .adoption
        .iter()
        .map(|(_, d, a)| format!("{d}/{a}").len())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = series
        .adoption
        .iter()
        .map(|(short, done, applicable)| {
            Line::from(adoption_line(
                short,
                *done,
                *applicable,
                usize::from(body.width),
                number,
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

fn draw_support(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let now = series.open_support.last().copied().unwrap_or(0);
    let body = block(
        frame,
        ctx,
        area,
        ctx.t.f(Msg::today_chart_support, &[("n", &now)]),
    );
    let labels = series
        .weeks
        .iter()
        .map(|w| {
            use chrono::Datelike;
            format!("{:02}", w.iso_week().week())
        })
        .collect();
    let values: Vec<Option<u64>> = series.open_support.iter().copied().map(Some).collect();
    vertical(frame, body, labels, &values, None, 2);
}
