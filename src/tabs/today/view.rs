//! The Avui list: a heading per section with its count (or "loading"), and a
//! line per item: when (a countdown, days, a date) and what (council, who, why).

use super::worklist::{Item, Section};
use super::{Row, TodayTab};
use crate::app::Ctx;
use crate::domain::catalog::services;
use crate::domain::countdown::Countdown;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::widgets::{ellipsize_words, width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The "when" column: countdowns, days and dates of every language fit.
const WHEN: usize = 16;

pub fn section_title(section: Section) -> Msg {
    match section {
        Section::RequestsDue => Msg::today_sec_due,
        Section::AwaitingDocuments => Msg::today_sec_awaiting,
        Section::NotDelivered => Msg::today_sec_undelivered,
        Section::Expiring => Msg::today_sec_expiring,
        Section::OperatorCards => Msg::today_sec_operator_cards,
        Section::Support => Msg::today_sec_support,
        Section::Forms => Msg::today_sec_forms,
        Section::Blocked => Msg::today_sec_blocked,
        Section::NotVisited => Msg::today_sec_not_visited,
    }
}

pub fn draw(tab: &TodayTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let [title, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    draw_title(tab, frame, ctx, title);
    if tab.rows.is_empty() {
        // Every section empty: one line says so, rather than a blank screen.
        let text = format!("  {}", ctx.t.t(Msg::today_nothing_due));
        frame.render_widget(Line::styled(text, ctx.theme.dim), Rect { height: 1, ..list });
        return;
    }
    let range = tab.cursor.window(usize::from(list.height), tab.rows.len());
    let room = usize::from(list.width);
    for (line, index) in range.enumerate() {
        let selected = index == tab.cursor.selected;
        let mut spans = match &tab.rows[index] {
            Row::Heading(section) => heading(tab, *section, ctx),
            Row::Item(section, i) => match tab.item(*section, *i) {
                Some(item) => item_line(item, ctx, room),
                None => Vec::new(),
            },
        };
        // The selection reads without colour: a marker, and reverse video.
        let marker = if selected { "›" } else { " " };
        spans.insert(0, Span::raw(marker));
        let mut line_widget = Line::from(spans);
        if selected {
            line_widget = line_widget.style(ctx.theme.selected);
        }
        let y = list.y + u16::try_from(line).unwrap_or(u16::MAX);
        frame.render_widget(line_widget, Rect { y, height: 1, ..list });
    }
}

fn draw_title(tab: &TodayTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let total: usize = tab
        .sections
        .iter()
        .filter_map(|(_, i)| i.as_ref())
        .map(Vec::len)
        .sum();
    let loading = tab.sections.iter().any(|(_, i)| i.is_none());
    let mut spans = vec![
        Span::styled(
            format!(" {}", t.f(Msg::today_title, &[("date", &t.date(ctx.today()))])),
            ctx.theme.title,
        ),
        Span::raw(format!(" · {}", t.n(Msg::today_count, total))),
    ];
    if loading {
        spans.push(Span::styled(
            format!(" · {}", t.t(Msg::today_loading)),
            ctx.theme.dim,
        ));
    }
    frame.render_widget(Line::from(spans), area);
}

/// `▾ Title (3)`, `▸ Title (3)` folded, `… Title (carregant)`.
fn heading(tab: &TodayTab, section: Section, ctx: &Ctx) -> Vec<Span<'static>> {
    let t = &ctx.t;
    let title = t.t(section_title(section));
    match tab.items(section) {
        None => vec![Span::styled(
            format!("… {title} ({})", t.t(Msg::today_loading)),
            ctx.theme.dim,
        )],
        Some(items) => {
            let mark = if tab.folded.contains(&section) {
                "▸"
            } else {
                "▾"
            };
            let style = if items.is_empty() {
                ctx.theme.dim
            } else {
                ctx.theme.title
            };
            vec![Span::styled(format!("{mark} {title} ({})", items.len()), style)]
        }
    }
}

/// Two columns: when, then what, cut at a whole word to the room there is.
fn item_line(item: &Item, ctx: &Ctx, room: usize) -> Vec<Span<'static>> {
    let (when, style) = when(item, ctx);
    let what = ellipsize_words(&what(item, ctx), room.saturating_sub(WHEN + 4));
    let pad = WHEN.saturating_sub(width(&when));
    vec![
        Span::raw("  "),
        Span::styled(format!("{}{when}", " ".repeat(pad)), style),
        Span::raw(format!(" {what}")),
    ]
}

fn countdown(due: chrono::DateTime<chrono::Utc>, ctx: &Ctx) -> (String, Style) {
    let c = Countdown::until(due, ctx.now());
    (
        crate::widgets::countdown::fit(&ctx.t, c, WHEN),
        crate::widgets::countdown::style(&ctx.theme, c.band()),
    )
}

fn when(item: &Item, ctx: &Ctx) -> (String, Style) {
    let t = &ctx.t;
    let tz = ctx.data.calendar.tz();
    let plain = Style::new();
    match item {
        Item::Request { due, .. } => countdown(*due, ctx),
        Item::Awaiting { days, .. } => (t.n(Msg::today_working_days, *days as usize), ctx.theme.warn),
        // A T-CAT P's 30 days to deliver (or lost), as the queue shows them.
        Item::Undelivered { id, .. }
            if let Some(cell) = ctx
                .data
                .certs
                .get(*id)
                .and_then(|c| crate::tabs::certificates::delivery::cell(ctx, c)) =>
        {
            cell
        }
        Item::Undelivered { issued, .. } => (
            t.f(
                Msg::today_issued_on,
                &[("date", &t.date(issued.with_timezone(&tz).date_naive()))],
            ),
            plain,
        ),
        Item::Expiring { days, .. } => (t.f(Msg::today_in_days, &[("n", days)]), ctx.theme.soon),
        Item::Support { due: Some(due), .. } => countdown(*due, ctx),
        Item::Support { due: None, .. } => (t.t(Msg::today_follow_up).to_string(), plain),
        Item::Form { due: None, .. } => (t.t(Msg::today_never_sent).to_string(), ctx.theme.warn),
        Item::Form { due: Some(day), .. } if *day < ctx.today() => {
            (t.t(Msg::today_form_expired).to_string(), ctx.theme.warn)
        }
        Item::Form { due: Some(day), .. } => {
            (t.f(Msg::today_due_on, &[("date", &t.date(*day))]), ctx.theme.soon)
        }
        Item::Blocked { cell, .. } => (
            crate::domain::catalog::service_index(&cell.service)
                .map_or_else(|| cell.service.clone(), |s| services()[s].short.clone()),
            ctx.theme.warn,
        ),
        Item::NotVisited { last: None, .. } => (t.t(Msg::today_never_visited).to_string(), plain),
        Item::NotVisited { last: Some(day), .. } => (t.date(*day), plain),
        Item::OperatorCard { days, .. } => (crate::i18n::words::card_days(t, *days), ctx.theme.warn),
    }
}

/// The record in words: the council first, then who or what.
fn what(item: &Item, ctx: &Ctx) -> String {
    let data = &ctx.data;
    let request = |id: u64| match data.certs.get(id) {
        Some(c) => format!(
            "{} · {} · {}",
            data.council_name(c.ine),
            clean(&c.holder),
            crate::domain::catalog::cert_type_name(&c.cert_type)
        ),
        None => format!("#{id}"),
    };
    let text = match item {
        Item::Request { id, .. }
        | Item::Awaiting { id, .. }
        | Item::Undelivered { id, .. }
        | Item::Expiring { id, .. } => request(*id),
        Item::Support { id, follow_up, due } => match data.activities.get(*id) {
            Some(a) => {
                let who = a.council_codes().first().map_or_else(
                    || ctx.t.t(Msg::today_no_council).to_string(),
                    |&i| data.council_name(i),
                );
                // Due and to follow up today: both said.
                let mark = if *follow_up && due.is_some() {
                    format!(" ({})", ctx.t.t(Msg::today_follow_up))
                } else {
                    String::new()
                };
                format!("{who} · {}{mark}", a.summary)
            }
            None => format!("#{id}"),
        },
        Item::Form { ine, .. } | Item::NotVisited { ine, .. } => data.council_name(*ine),
        Item::Blocked { cell, reason } => match reason.trim() {
            "" => data.council_name(cell.council),
            reason => format!("{} · {reason}", data.council_name(cell.council)),
        },
        Item::OperatorCard { name, .. } => ctx.t.f(Msg::today_operator_card, &[("name", name)]),
    };
    // Names, summaries and reasons come from people.
    clean(&text).into_owned()
}
