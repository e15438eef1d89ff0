//! Avui's second view: four bar charts that read at 80x24 and without colour
//! (every bar carries its number, every chart its title and its axis in words).

use super::TodayTab;
use super::series::Series;
use crate::app::Ctx;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup};

/// The left column holds twelve bars three wide with a gap: 47 columns.
const LEFT: u16 = 47;

pub fn draw(tab: &TodayTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let Some(series) = &tab.series else {
        return;
    };
    // A column between them, so no bar touches the other column's labels.
    let [left, _, right] = Layout::horizontal([
        Constraint::Length(LEFT.min(area.width)),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [requests, on_time] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(left);
    let rows = u16::try_from(series.adoption.len()).unwrap_or(u16::MAX) + 1;
    let [adoption, support] = Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(right);
    draw_requests(series, frame, ctx, requests);
    draw_on_time(series, frame, ctx, on_time);
    draw_adoption(series, frame, ctx, adoption);
    draw_support(series, frame, ctx, support);
}

/// A chart's title line, and the area under it.
fn titled(frame: &mut Frame, ctx: &Ctx, area: Rect, title: String) -> Rect {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Line::from(Span::styled(format!(" {title}"), ctx.theme.title)),
        head,
    );
    body
}

fn month_label(m: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}", m.month())
}

fn vertical<'a>(bars: Vec<Bar<'a>>, width: u16) -> BarChart<'a> {
    BarChart::default()
        .direction(Direction::Vertical)
        .bar_width(width)
        .bar_gap(1)
        .data(BarGroup::default().bars(&bars))
}

fn loading(frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let text = format!(" {}", ctx.t.t(Msg::today_loading));
    frame.render_widget(Line::from(Span::styled(text, ctx.theme.dim)), area);
}

fn draw_requests(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let total: u64 = series.requests.iter().flatten().sum();
    let title = ctx.t.f(Msg::today_chart_requests, &[("n", &total)]);
    let body = titled(frame, ctx, area, title);
    let Some(requests) = &series.requests else {
        return loading(frame, ctx, body);
    };
    let bars = series
        .months
        .iter()
        .zip(requests)
        .map(|(m, &n)| Bar::default().value(n).label(Line::from(month_label(m))))
        .collect();
    frame.render_widget(vertical(bars, 3), body);
}

fn draw_on_time(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let Some(on_time) = &series.on_time else {
        let body = titled(
            frame,
            ctx,
            area,
            ctx.t.f(Msg::today_chart_on_time, &[("share", &"—")]),
        );
        return loading(frame, ctx, body);
    };
    let (kept, issued) = on_time.iter().fold((0, 0), |(k, i), &(a, b)| (k + a, i + b));
    let share = (kept * 100)
        .checked_div(issued)
        .map_or("—".to_string(), |p| format!("{p}%"));
    let body = titled(
        frame,
        ctx,
        area,
        ctx.t.f(Msg::today_chart_on_time, &[("share", &share)]),
    );
    let bars = series
        .months
        .iter()
        .zip(on_time)
        .map(|(m, &(kept, issued))| {
            let bar = Bar::default().label(Line::from(month_label(m)));
            match (kept * 100).checked_div(issued) {
                Some(p) => bar.value(p.max(1)).text_value(p.to_string()),
                // No certificate issued that month: no bar, and a dash says so.
                None => bar.value(0).text_value("—"),
            }
        })
        .collect();
    frame.render_widget(vertical(bars, 3).max(100), body);
}

fn draw_adoption(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let body = titled(frame, ctx, area, ctx.t.t(Msg::today_chart_adoption).to_string());
    let bars: Vec<Bar> = series
        .adoption
        .iter()
        .map(|(short, done, applicable)| {
            let percent = (done * 100).checked_div(*applicable).unwrap_or(0);
            Bar::default()
                .label(Line::from(short.clone()))
                .value(percent as u64)
                .text_value(format!("{done}/{applicable}"))
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .max(100)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, body);
}

fn draw_support(series: &Series, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let now = series.open_support.last().copied().unwrap_or(0);
    let body = titled(
        frame,
        ctx,
        area,
        ctx.t.f(Msg::today_chart_support, &[("n", &now)]),
    );
    let bars = series
        .weeks
        .iter()
        .zip(&series.open_support)
        .map(|(w, &n)| {
            use chrono::Datelike;
            Bar::default()
                .value(n)
                .label(Line::from(format!("{:02}", w.iso_week().week())))
        })
        .collect();
    frame.render_widget(vertical(bars, 2), body);
}
