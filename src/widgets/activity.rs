//! Pieces of the support log that more than one screen draws: an entry's due
//! cell, the council page's section, and the Municipis marker.

use crate::app::Ctx;
use crate::domain::activity::{Activity, AnswerClock};
use crate::domain::countdown::Countdown;
use crate::domain::municipality::IneCode;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{activity_kind_msg, activity_status_msg};
use chrono::{Datelike, Duration};
use ratatui::text::{Line, Span};

/// A training's length in hours, with the language's decimal mark (`1,5` in
/// Catalan and Spanish, `1.5` in English).
pub fn hours_text(t: &crate::i18n::I18n, minutes: u32) -> String {
    let hours = crate::io::activity_export::hours(minutes).to_string();
    match t.lang() {
        crate::i18n::Lang::En => hours,
        _ => hours.replace('.', ","),
    }
}

/// Working time left on a stopped clock, as the countdowns write it: `1d 03h`, `5h 12m`.
pub fn stopped_text(left: Duration) -> String {
    let minutes = left.num_minutes().max(0);
    match (minutes / 1440, minutes % 1440 / 60, minutes % 60) {
        (0, h, m) => format!("{h}h {m:02}m"),
        (d, h, _) => format!("{d}d {h:02}h"),
    }
}

/// The due cell of entry `index` in `width` columns: a countdown while it runs
/// (as on Certificats), `⏸ 1d 03h` while waiting, the day it was closed once closed.
pub fn due_cell(ctx: &Ctx, index: usize, width: usize) -> Span<'static> {
    let data = &ctx.data.activities;
    let a = &data.list[index];
    // What is closed has no deadline left: the day it was closed says when it happened.
    if !a.is_open() {
        let day = a
            .closed_at
            .unwrap_or(a.received_at)
            .with_timezone(&ctx.tz)
            .date_naive();
        return Span::styled(crate::widgets::ellipsize(&ctx.t.date(day), width), ctx.theme.dim);
    }
    match data.clock[index] {
        AnswerClock::Due(due) => {
            let c = Countdown::until(due, ctx.now());
            Span::styled(
                crate::widgets::countdown::fit(&ctx.t, c, width),
                crate::widgets::countdown::style(&ctx.theme, c.band()),
            )
        }
        AnswerClock::Stopped(left) => Span::styled(format!("⏸ {}", stopped_text(left)), ctx.theme.dim),
        AnswerClock::None => Span::styled("—", ctx.theme.dim),
    }
}

/// What the Municipis marker says of a council: an entry still open, no visit this year.
pub fn marker(ctx: &Ctx, ine: IneCode) -> Span<'static> {
    let open = ctx.data.activities.open_of(ine) > 0;
    let visited = ctx.data.activities.visited_in(ine, ctx.today().year());
    match (open, visited) {
        (true, true) => Span::styled("●", ctx.theme.warn),
        (true, false) => Span::styled("◉", ctx.theme.warn),
        (false, false) => Span::styled("○", ctx.theme.dim),
        (false, true) => Span::raw(" "),
    }
}

/// The marker's legend, for where it fits whole.
pub fn legend(ctx: &Ctx) -> String {
    ctx.t.f(Msg::act_legend, &[("year", &ctx.today().year())])
}

/// One entry in a line: its due cell or date, kind, summary, status.
fn entry_line(ctx: &Ctx, index: usize, with_due: bool) -> Line<'static> {
    let t = &ctx.t;
    let a: &Activity = &ctx.data.activities.list[index];
    let when = t.datetime(a.received_at, ctx.tz);
    let mut spans = vec![Span::raw(format!("  #{} ", a.id))];
    if with_due {
        spans.push(due_cell(ctx, index, usize::MAX));
        spans.push(Span::raw(" · "));
    } else {
        spans.push(Span::styled(format!("{when} · "), ctx.theme.dim));
    }
    let contact = match a.contact.is_empty() {
        true => String::new(),
        false => format!(" · {}", clean(&a.contact)),
    };
    spans.push(Span::raw(format!(
        "{} · {}{contact}",
        t.t(activity_kind_msg(a.kind)),
        clean(&a.summary),
    )));
    if !with_due {
        spans.push(Span::styled(
            format!(" · {}", t.t(activity_status_msg(a.status))),
            ctx.theme.dim,
        ));
    }
    Line::from(spans)
}

/// The council page's section: its open entries by due time, then the rest of
/// its last five, and when it was last visited.
pub fn council_lines(ctx: &Ctx, ine: IneCode) -> Vec<Line<'static>> {
    /// How many of the latest entries the page lists.
    const LATEST: usize = 5;
    let t = &ctx.t;
    let theme = &ctx.theme;
    let data = &ctx.data.activities;
    let all = data.of_council(ine);
    let mut open: Vec<usize> = all.iter().copied().filter(|&i| data.list[i].is_open()).collect();
    open.sort_by_key(|&i| (data.due(i).is_none(), data.due(i), data.list[i].id));
    let heading = match all.is_empty() {
        true => t.t(Msg::act_page_none).to_string(),
        false => t.f(Msg::act_page_heading, &[("open", &open.len()), ("n", &all.len())]),
    };
    let mut out = vec![Line::raw(""), Line::styled(heading, theme.table_header)];
    for &i in &open {
        out.push(entry_line(ctx, i, true));
    }
    for &i in all.iter().take(LATEST).filter(|i| !open.contains(i)) {
        out.push(entry_line(ctx, i, false));
    }
    let visit = match data.last_visit(ine) {
        Some(day) if day.year() >= ctx.today().year() => Line::raw(format!(
            "  {}",
            t.f(Msg::act_page_visited, &[("date", &t.date(day))])
        )),
        Some(day) => Line::styled(
            format!(
                "  ○ {}",
                t.f(
                    Msg::act_page_not_visited_since,
                    &[("year", &ctx.today().year()), ("date", &t.date(day))]
                )
            ),
            theme.warn,
        ),
        None => Line::styled(
            format!(
                "  ○ {}",
                t.f(Msg::act_page_never_visited, &[("year", &ctx.today().year())])
            ),
            theme.warn,
        ),
    };
    out.push(visit);
    out
}
