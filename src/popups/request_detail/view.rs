//! One certificate request in full, with its history.

use super::RequestDetail;
use crate::app::Ctx;
use crate::domain::catalog::cert_type;
use crate::domain::countdown::Countdown;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{cert_status_msg, operation_msg, post_msg};
use crate::widgets::countdown;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The status, and what is left to do with an issued request: `emesa · per lliurar`.
fn status_words(ctx: &Ctx, c: &crate::domain::certificate::CertificateRequest) -> String {
    let t = &ctx.t;
    let status = t.t(cert_status_msg(c.status));
    match ctx.data.certs.awaits_delivery(c) {
        true => format!("{status} · {}", t.t(Msg::to_deliver)),
        false => status.to_string(),
    }
}

fn lines(ctx: &Ctx, detail: &RequestDetail) -> Vec<Line<'static>> {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let Some(c) = ctx.data.certs.get(detail.id) else {
        return Vec::new();
    };
    // Every time as the language writes dates, as the deadline is.
    let local = |at: chrono::DateTime<chrono::Utc>| t.datetime(at, ctx.tz);
    let field = |msg: Msg, value: String| {
        Line::from(vec![
            // A label as long as the column still leaves a space before its value.
            Span::styled(format!("{:<15} ", t.t(msg)), theme.dim),
            Span::raw(value),
        ])
    };
    let type_name = cert_type(&c.cert_type).map_or(c.cert_type.to_string(), |ty| ty.name.clone());
    let mut out = vec![
        field(
            Msg::col_municipality,
            clean(&ctx.data.council_name(c.ine)).into_owned(),
        ),
        field(Msg::col_holder, clean(&c.holder).into_owned()),
        field(Msg::col_post, t.t(post_msg(c.role)).to_string()),
        field(Msg::col_type, format!("{type_name} ({})", c.cert_type)),
        field(Msg::col_operation, t.t(operation_msg(c.operation)).to_string()),
        field(Msg::col_status, status_words(ctx, c)),
    ];
    out.extend(
        super::links::lines(ctx, c)
            .into_iter()
            .map(|(msg, value)| field(msg, value)),
    );
    if c.urgent {
        let reason = if c.reason().is_empty() {
            String::new()
        } else {
            format!(" · {}", clean(c.reason()))
        };
        out.push(field(Msg::req_urgent, format!("{}{reason}", t.t(Msg::yes))));
    }
    out.push(field(Msg::req_received, local(c.received_at)));
    let deadline = ctx
        .data
        .certs
        .index_of(c.id)
        .and_then(|i| ctx.data.certs.deadline(i));
    match deadline {
        Some(due) if c.status.is_open() => {
            let cd = Countdown::until(due, ctx.now());
            out.push(Line::from(vec![
                Span::styled(format!("{:<16}", t.t(Msg::col_deadline)), theme.dim),
                Span::raw(format!("{} · ", t.deadline(due, ctx.tz))),
                Span::styled(countdown::text(t, cd), countdown::style(theme, cd.band())),
            ]));
        }
        None if c.status.is_open() => out.push(field(Msg::col_deadline, t.t(Msg::no_deadline).to_string())),
        _ => {}
    }
    for (msg, at) in [
        (Msg::req_filed, c.filed_at),
        (Msg::col_issued, c.issued_at),
        (Msg::req_delivered, c.delivered_at),
    ] {
        if let Some(at) = at {
            out.push(field(msg, local(at)));
        }
    }
    if let Some(expires) = c.expires_at() {
        out.push(field(Msg::col_expires, local(expires)));
    }
    if !c.status_reason().is_empty() {
        out.push(field(Msg::req_reason, clean(c.status_reason()).into_owned()));
    }
    let mark = |on: bool| if on { "[x]" } else { "[ ]" };
    if c.role.needs_appointment() {
        out.push(field(Msg::req_appointment, mark(c.appointment_attached).into()));
    }
    // A revocation delivers nothing: no full de lliurament.
    if c.operation != crate::domain::certificate::Operation::Revocation {
        out.push(field(
            Msg::req_delivery_sheet,
            mark(c.delivery_sheet_signed).into(),
        ));
    }
    if !c.notes().is_empty() {
        out.push(field(Msg::detail_notes, clean(c.notes()).into_owned()));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        t.t(Msg::req_history).to_string(),
        theme.table_header,
    ));
    for line in &detail.history {
        let entry = &line.head;
        // A status change says which ("rebuda → sol·licitada a EACAT"), undone or not.
        let what = match line.status {
            Some((from, to)) => format!(
                "{} → {}",
                t.t(crate::i18n::words::cert_status_msg(from)),
                t.t(crate::i18n::words::cert_status_msg(to))
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
        if let Some(reason) = &line.reason {
            out.push(Line::raw(format!("      «{}»", clean(reason))));
        }
    }
    out
}

pub fn draw(detail: &RequestDetail, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let title = ctx.t.f(Msg::req_title_detail, &[("id", &detail.id)]);
    crate::popups::detail_frame::draw(frame, area, ctx, title, &lines(ctx, detail), &detail.scroll);
}
