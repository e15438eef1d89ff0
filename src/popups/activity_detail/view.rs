//! One activity in full, with its history.

use super::ActivityDetail;
use crate::app::Ctx;
use crate::domain::activity::AnswerClock;
use crate::domain::countdown::Countdown;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{activity_kind_msg, activity_status_msg, direction_msg};
use crate::widgets::countdown;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

fn lines(ctx: &Ctx, detail: &ActivityDetail) -> Vec<Line<'static>> {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let Some(a) = ctx.data.activities.get(detail.id) else {
        return vec![Line::styled(t.t(Msg::record_gone).to_string(), theme.warn)];
    };
    let local = |at: chrono::DateTime<chrono::Utc>| t.datetime(at, ctx.tz);
    let field = |msg: Msg, value: String| {
        Line::from(vec![
            Span::styled(format!("{:<17}", t.t(msg)), theme.dim),
            Span::raw(value),
        ])
    };
    let mut out = vec![
        Line::styled(clean(&a.summary).into_owned(), theme.title),
        field(Msg::act_label_kind, t.t(activity_kind_msg(a.kind)).to_string()),
    ];
    match a.ine {
        Some(ine) if a.councils.is_empty() => {
            out.push(field(
                Msg::col_municipality,
                clean(&ctx.data.council_name(ine)).into_owned(),
            ));
        }
        _ => {
            let councils: Vec<String> = a
                .councils
                .iter()
                .map(|c| format!("{} {}", clean(&ctx.data.council_name(c.ine)), c.attendees))
                .collect();
            out.push(field(Msg::act_label_attendees, councils.join(" · ")));
        }
    }
    out.push(field(
        Msg::act_label_direction,
        t.t(direction_msg(a.direction)).to_string(),
    ));
    out.push(field(
        Msg::col_status,
        t.t(activity_status_msg(a.status)).to_string(),
    ));
    if !a.contact.is_empty() {
        out.push(field(Msg::act_label_contact, clean(&a.contact).into_owned()));
    }
    let service_name =
        |id: &str| crate::ops::activity::service(id).map_or(id.to_string(), |s| s.name.clone());
    if let Some(id) = &a.service {
        out.push(field(Msg::act_label_service, service_name(id)));
    }
    if !a.services.is_empty() {
        let names: Vec<String> = a.services.iter().map(|id| service_name(id)).collect();
        out.push(field(Msg::act_label_services, names.join(", ")));
    }
    if let Some(minutes) = a.session_minutes {
        out.push(field(
            Msg::act_label_hours,
            crate::widgets::activity::hours_text(t, minutes),
        ));
    }
    if let Some(id) = a.request_id {
        out.push(field(Msg::act_label_request, format!("#{id}")));
    }
    out.push(field(Msg::act_label_received, local(a.received_at)));
    match a.clock(&ctx.data.calendar, ctx.data.activities.response_days) {
        AnswerClock::Due(due) if a.is_open() => {
            let cd = Countdown::until(due, ctx.now());
            out.push(Line::from(vec![
                Span::styled(format!("{:<17}", t.t(Msg::col_deadline)), theme.dim),
                Span::raw(format!("{} · ", t.deadline(due, ctx.tz))),
                Span::styled(countdown::text(t, cd), countdown::style(theme, cd.band())),
            ]));
        }
        AnswerClock::Due(due) => out.push(field(Msg::col_deadline, t.deadline(due, ctx.tz))),
        AnswerClock::Stopped(left) => out.push(field(
            Msg::col_deadline,
            t.f(
                Msg::act_clock_stopped,
                &[("left", &crate::tabs::activity::stopped_text(left))],
            ),
        )),
        AnswerClock::None => {}
    }
    if let Some(closed) = a.closed_at.filter(|_| !a.is_open()) {
        out.push(field(Msg::act_closed_at, local(closed)));
    }
    if let Some(minutes) = a.minutes {
        out.push(field(Msg::act_label_minutes, minutes.to_string()));
    }
    if let Some(day) = a.follow_up_on {
        out.push(field(Msg::act_label_follow_up, t.date(day)));
    }
    out.push(field(Msg::act_created_by, clean(&a.created_by).into_owned()));
    if !a.notes.is_empty() {
        out.push(Line::styled(t.t(Msg::detail_notes).to_string(), theme.dim));
        // As many lines as a text may wrap into at most; past them, a mark.
        for (i, line) in a.notes.lines().enumerate() {
            if i == crate::widgets::MAX_ROWS {
                out.push(Line::raw("  …"));
                break;
            }
            out.push(Line::raw(format!("  {}", clean(line))));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        t.t(Msg::req_history).to_string(),
        theme.table_header,
    ));
    for line in &detail.history {
        let entry = &line.head;
        let what = match line.status {
            Some((from, to)) => format!(
                "{} → {}",
                t.t(activity_status_msg(from)),
                t.t(activity_status_msg(to))
            ),
            None => t.t(entry.change.label()).to_string(),
        };
        let kind = match entry.kind {
            crate::store::EntryKind::Do => String::new(),
            crate::store::EntryKind::Undo(_) => format!(" ({})", t.t(Msg::history_undo)),
            crate::store::EntryKind::Redo(_) => format!(" ({})", t.t(Msg::history_redo)),
        };
        out.push(Line::raw(format!(
            "  {} · {} · {what}{kind}",
            local(entry.at),
            clean(&entry.user)
        )));
    }
    out
}

pub fn draw(detail: &ActivityDetail, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let title = ctx.t.f(Msg::act_title_detail, &[("id", &detail.id)]);
    crate::popups::detail_frame::draw(frame, area, ctx, title, &lines(ctx, detail), &detail.scroll);
}
