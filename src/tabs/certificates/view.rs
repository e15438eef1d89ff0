//! The Certificats tab's drawing: the queue by deadline, the expiry view and
//! the closed requests.

use super::{CertView, CertificatesTab};
use crate::app::Ctx;
use crate::domain::certificate::{CertStatus, Operation};
use crate::domain::countdown::Countdown;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{cert_status_short_msg, operation_short_msg, post_short_msg};
use crate::widgets::table::{empty_note, title_with_filter};
use crate::widgets::{column_width, countdown, ellipsize, fitting_columns, keep};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use crate::domain::catalog::cert_type_name as type_name;

fn draw_title(state: &CertificatesTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let now = ctx.now();
    if !ctx.data.certs_loaded {
        let line = Span::styled(format!(" {}", t.t(Msg::certs_loading_body)), ctx.theme.dim);
        frame.render_widget(Line::from(line), area);
        return;
    }
    let (title, count) = match state.view {
        CertView::Queue => {
            // The open requests in deadline order (the overdue ones first), then those to deliver.
            let certs = &ctx.data.certs;
            let open = state.rows.partition_point(|&i| certs.list[i].status.is_open());
            let overdue = state.rows[..open].partition_point(|&i| certs.due[i] <= now);
            let mut count = t.f(Msg::cert_queue_count, &[("n", &open), ("overdue", &overdue)]);
            if open < state.rows.len() {
                let to_deliver = t.f(Msg::cert_queue_to_deliver, &[("n", &(state.rows.len() - open))]);
                count = format!("{count} · {to_deliver}");
            }
            (t.t(Msg::cert_queue_title).to_string(), count)
        }
        CertView::Closed => {
            let mut counts = [0usize; 5];
            for &i in &state.rows {
                let c = &ctx.data.certs.list[i];
                match c.status {
                    CertStatus::Delivered => counts[0] += 1,
                    // An issued revocation is done: nothing to hand over.
                    CertStatus::Issued if c.revokes().is_some() => counts[3] += 1,
                    // A certificate whose revocation is on its way.
                    CertStatus::Issued => counts[4] += 1,
                    CertStatus::Rejected => counts[1] += 1,
                    _ => counts[2] += 1,
                }
            }
            let mut count = t.f(
                Msg::cert_closed_count,
                &[
                    ("delivered", &counts[0]),
                    ("rejected", &counts[1]),
                    ("cancelled", &counts[2]),
                ],
            );
            for (n, msg) in [
                (counts[3], Msg::cert_closed_revoked),
                (counts[4], Msg::cert_closed_revoking),
            ] {
                if n > 0 {
                    count = format!("{count} · {}", t.f(msg, &[("n", &n)]));
                }
            }
            (t.t(Msg::cert_closed_title).to_string(), count)
        }
        CertView::Expiry => {
            // By expiry: those in the renewal window come first.
            let window = state
                .rows
                .partition_point(|&i| ctx.data.certs.list[i].in_renewal_window(now, ctx.tz));
            // One with a renewal or a revocation filed is taken care of: it leaves the count.
            let renew = state.rows[..window]
                .iter()
                .filter(|&&i| ctx.data.certs.to_renew(i, now, ctx.tz))
                .count();
            let mut count = t.f(
                Msg::cert_expiry_count,
                &[("n", &state.rows.len()), ("renew", &renew)],
            );
            if !state.marked.is_empty() {
                count = format!("{count} · {}", t.n(Msg::bulk_marked, state.marked.len()));
            }
            (t.t(Msg::cert_expiry_title).to_string(), count)
        }
    };
    // Narrower than the title and its counts: the short title, then the counts
    // end in an ellipsis.
    let width = usize::from(area.width);
    let title = match state.view {
        CertView::Closed if crate::widgets::width(&title) + crate::widgets::width(&count) + 4 > width => {
            t.t(Msg::cert_closed_title_short).to_string()
        }
        _ => title,
    };
    let room = width.saturating_sub(crate::widgets::width(&title) + 4);
    let spans = vec![
        Span::styled(format!(" {title}"), ctx.theme.title),
        Span::raw(format!(" · {}", ellipsize(&count, room))),
    ];
    let typing = state.filtering;
    title_with_filter(frame, area, spans, &state.filter, typing, ctx.theme.key);
}

pub fn draw(state: &CertificatesTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    draw_title(state, frame, ctx, title);
    // The ER operators' cards near expiry or expired: each on its rows, above
    // the certificates, which keep at least half the room.
    let table = match state.view {
        CertView::Expiry => {
            let lines = operator_cards(ctx, table.width);
            let rows = (lines.len() as u16).min(table.height / 2);
            let [note, table] = Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(table);
            frame.render_widget(ratatui::widgets::Paragraph::new(lines), note);
            table
        }
        _ => table,
    };
    match state.view {
        CertView::Queue => draw_queue(state, frame, ctx, table),
        CertView::Expiry => draw_expiry(state, frame, ctx, table),
        CertView::Closed => draw_closed(state, frame, ctx, table),
    }
    if state.rows.is_empty() {
        let msg = match (ctx.data.certs_loaded, state.view) {
            (false, _) => Msg::certs_loading_body,
            (true, CertView::Queue) => Msg::no_requests,
            (true, CertView::Expiry) => Msg::no_issued,
            (true, CertView::Closed) => Msg::no_closed,
        };
        empty_note(frame, &ctx.t, &ctx.theme, table, msg);
    }
}

fn draw_queue(state: &CertificatesTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    // Fixed columns beside the two names; narrow windows give up Oper., Càrrec, then Tipus.
    let statuses = CertStatus::ALL.map(|s| t.t(cert_status_short_msg(s)));
    let fixed = [
        countdown_width(t),
        column_width(9, [t.t(Msg::col_post)]),
        9,
        column_width(6, Operation::ALL.map(|o| t.t(operation_short_msg(o)))),
        1,
        column_width(9, statuses.into_iter().chain([t.t(Msg::col_status)])),
    ];
    let shown = fitting_columns(area.width, &fixed, &[3, 1, 2], 2, 22);
    let spacing = shown.iter().filter(|s| **s).count() as u16 + 1;
    let used: u16 = keep(fixed, &shown).iter().sum::<u16>() + spacing;
    let names = area.width.saturating_sub(used) / 2;
    let rest = &shown[1..];
    let header_cells = [t.t(Msg::col_municipality), t.t(Msg::col_holder)];
    let mut header = vec![t.t(Msg::col_deadline)];
    header.extend(header_cells);
    header.extend(keep(
        [
            t.t(Msg::col_post),
            t.t(Msg::col_type),
            t.t(Msg::col_operation_short),
            t.t(Msg::col_urgent),
            t.t(Msg::col_status),
        ],
        rest,
    ));
    let header = Row::new(header).style(theme.table_header);
    let now = ctx.now();
    let window = state
        .cursor
        .window(area.height.saturating_sub(1) as usize, state.rows.len());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &c)| {
        let req = &ctx.data.certs.list[c];
        let selected = window.start + i == state.cursor.selected;
        let mut deadline = match ctx.data.certs.deadline(c) {
            // A revocation filed for an issued one: it is not to deliver, it is on its way out.
            _ if req.status == CertStatus::Issued
                && let Some(by) = ctx.data.certs.revoked_by.get(&req.id) =>
            {
                Span::styled(format!("✕ #{by}"), theme.warn)
            }
            // A T-CAT P to deliver: its 30 natural days, counting down.
            _ if let Some((text, style)) = super::delivery::cell(ctx, req) => {
                Span::styled(ellipsize(&text, usize::from(fixed[0])), style)
            }
            // Issued, the clock stopped: what is left is to deliver it.
            _ if ctx.data.certs.awaits_delivery(req) => Span::styled(t.t(Msg::to_deliver), theme.warn),
            Some(due) => {
                let countdown = Countdown::until(due, now);
                Span::styled(
                    countdown::fit(t, countdown, usize::from(fixed[0])),
                    countdown::style(theme, countdown.band()),
                )
            }
            None => Span::styled(t.t(Msg::no_deadline), theme.dim),
        };
        // The selected row in the highlight alone, one run of one style: a move
        // rewrites two rows, and each change of style is bytes sent. What the
        // colour says, the text says too (VENÇUT, a lliurar).
        if selected {
            deadline.style = Style::new();
        }
        let mut cells = vec![
            Cell::from(deadline),
            Cell::from(ellipsize(&clean(&ctx.data.council_name(req.ine)), names as usize)),
            Cell::from(ellipsize(&clean(&req.holder), names as usize)),
        ];
        cells.extend(keep(
            [
                Cell::from(ellipsize(t.t(post_short_msg(req.role)), 9)),
                Cell::from(ellipsize(type_name(&req.cert_type), 9)),
                Cell::from(t.t(operation_short_msg(req.operation))),
                Cell::from(if req.urgent { "U" } else { "" }),
                Cell::from(t.t(cert_status_short_msg(req.status))),
            ],
            rest,
        ));
        let row = Row::new(cells);
        if selected { row.style(theme.selected) } else { row }
    });
    let mut widths = vec![
        Constraint::Length(fixed[0]),
        Constraint::Length(names),
        Constraint::Min(names),
    ];
    widths.extend(
        keep(fixed[1..].iter().copied(), rest)
            .into_iter()
            .map(Constraint::Length),
    );
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

fn draw_expiry(state: &CertificatesTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let header = Row::new([
        t.t(Msg::col_expires),
        t.t(Msg::col_municipality),
        t.t(Msg::col_holder),
        t.t(Msg::col_type),
        t.t(Msg::col_status),
        t.t(Msg::col_issued),
        t.t(Msg::col_renewal),
    ])
    .style(theme.table_header);
    let statuses = CertStatus::ALL.map(|s| t.t(cert_status_short_msg(s)));
    // Long expired ones in the short form, so that no language squeezes the names.
    let expired = t.f(Msg::expired_short, &[("n", &99999)]);
    let fixed = [
        column_width(
            14,
            [expired.as_str(), t.t(Msg::col_expires)]
                .into_iter()
                .chain(super::delivery::widths(t).iter().map(String::as_str)),
        ),
        9,
        column_width(
            9,
            statuses
                .into_iter()
                .chain([t.t(Msg::col_status), t.t(Msg::rev_status_revoked)]),
        ),
        10,
        column_width(7, [t.t(Msg::renewal_open), t.t(Msg::col_renewal)]),
    ];
    let names = area.width.saturating_sub(fixed.iter().sum::<u16>() + 6) / 2;
    let now = ctx.now();
    let window = state
        .cursor
        .window(area.height.saturating_sub(1) as usize, state.rows.len());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &c)| {
        let req = &ctx.data.certs.list[c];
        let expires = req.expires_at().unwrap_or(now);
        let days = req.days_to_expiry(now, ctx.tz).unwrap_or(0);
        let revoked = ctx.data.certs.revoked(req.id);
        let (left, style) = if revoked.is_some() {
            (t.f(Msg::expires_in, &[("n", &days)]), theme.dim)
        } else if let Some(clock) = super::delivery::cell(ctx, req) {
            // A T-CAT P between issue and download: its clock matters more than expiry.
            clock
        } else if expires <= now {
            let n = (now - expires).num_days();
            let full = t.f(Msg::expired_ago, &[("n", &n)]);
            let text = match crate::widgets::width(&full) <= usize::from(fixed[0]) {
                true => full,
                false => t.f(Msg::expired_short, &[("n", &n)]),
            };
            (text, theme.error)
        } else if req.in_renewal_window(now, ctx.tz) {
            (t.f(Msg::expires_in, &[("n", &days)]), theme.warn)
        } else {
            (t.f(Msg::expires_in, &[("n", &days)]), Style::new())
        };
        // A renewal on its way, or the window open: the two things to act on.
        let revoking = ctx
            .data
            .certs
            .revoked_by
            .get(&req.id)
            .filter(|_| revoked.is_none());
        let renew = match ctx.data.certs.renewed_by.get(&req.id) {
            _ if revoked.is_some() => Span::raw(""),
            // A revocation on its way: no renewal to offer.
            _ if revoking.is_some() => Span::styled(
                format!("✕ #{}", revoking.copied().unwrap_or_default()),
                theme.warn,
            ),
            Some(by) => Span::styled(format!("⟳ #{by}"), theme.ok),
            None if crate::app::cert_data::renewable(req, now, ctx.tz) => {
                Span::styled(t.t(Msg::renewal_open), theme.warn)
            }
            None => Span::raw(""),
        };
        let issued = req
            .issued_at
            .map(|d| t.date(d.with_timezone(&ctx.tz).date_naive()))
            .unwrap_or_default();
        // Issued but not yet delivered: the full de lliurament is still to be signed.
        let status_style = if ctx.data.certs.awaits_delivery(req) {
            theme.warn
        } else {
            Style::new()
        };
        let status = match revoked {
            Some(_) => Span::styled(t.t(Msg::rev_status_revoked), theme.dim),
            None => Span::styled(t.t(cert_status_short_msg(req.status)), status_style),
        };
        let row = Row::new(vec![
            Cell::from(Span::styled(left, style)),
            Cell::from(ellipsize(&clean(&ctx.data.council_name(req.ine)), names as usize)),
            // Marked to renew: a sign, not a colour alone.
            Cell::from(match state.marked.contains(&req.id) {
                true => Span::styled(
                    ellipsize(&format!("✓ {}", clean(&req.holder)), names as usize),
                    theme.key,
                ),
                false => Span::raw(ellipsize(&clean(&req.holder), names as usize)),
            }),
            Cell::from(ellipsize(type_name(&req.cert_type), 9)),
            Cell::from(status),
            Cell::from(issued),
            Cell::from(renew),
        ]);
        if window.start + i == state.cursor.selected {
            row.style(theme.selected)
        } else {
            row
        }
    });
    let widths = [
        Constraint::Length(fixed[0]),
        Constraint::Length(names),
        Constraint::Min(names),
        Constraint::Length(fixed[1]),
        Constraint::Length(fixed[2]),
        Constraint::Length(fixed[3]),
        Constraint::Length(fixed[4]),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

/// The deadline column: wide enough for the longest countdown in this language,
/// and for the mark of an issued request still to deliver.
pub fn countdown_width(t: &crate::i18n::I18n) -> u16 {
    let to_deliver = crate::widgets::width(t.t(Msg::to_deliver)) as u16;
    // A T-CAT P's clocks, whole: the unit is never cut.
    let clocks = super::delivery::widths(t)
        .iter()
        .map(|w| crate::widgets::width(w) as u16)
        .max()
        .unwrap_or(0);
    countdown::column_width(t, t.t(Msg::col_deadline))
        .max(to_deliver)
        .max(clocks)
}

/// Delivered, rejected and cancelled requests, newest first: when received,
/// who, the type, how it ended, and why (the reason given) or when it was delivered.
fn draw_closed(state: &CertificatesTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let t = &ctx.t;
    let theme = &ctx.theme;
    let statuses = [CertStatus::Delivered, CertStatus::Rejected, CertStatus::Cancelled];
    let status_width = column_width(
        9,
        statuses
            .map(|s| t.t(cert_status_short_msg(s)))
            .into_iter()
            .chain([t.t(Msg::col_status)]),
    );
    let received_width = column_width(10, [t.t(Msg::col_received)]);
    let fixed = received_width + 9 + status_width;
    // Five gaps; the reason takes what the two names leave, at least 16 columns.
    let names = area.width.saturating_sub(fixed + 5 + 16) / 2;
    let detail_width = area.width.saturating_sub(fixed + 5 + 2 * names).max(1);
    let header = Row::new([
        t.t(Msg::col_received),
        t.t(Msg::col_municipality),
        t.t(Msg::col_holder),
        t.t(Msg::col_type),
        t.t(Msg::col_status),
        t.t(Msg::col_closed_detail),
    ])
    .style(theme.table_header);
    let window = state
        .cursor
        .window(area.height.saturating_sub(1) as usize, state.rows.len());
    let day = |at: chrono::DateTime<chrono::Utc>| t.date(at.with_timezone(&ctx.tz).date_naive());
    let rows = state.rows[window.clone()].iter().enumerate().map(|(i, &c)| {
        let req = &ctx.data.certs.list[c];
        let detail = match (req.status, req.delivered_at) {
            (CertStatus::Delivered, Some(at)) => day(at),
            // An issued revocation: done, and said so (the type column is the card's).
            // A certificate issued and being revoked: the revocation that closes it.
            (CertStatus::Issued, _) if let Some(by) = ctx.data.certs.revoked_by.get(&req.id) => {
                format!("✕ #{by}")
            }
            (CertStatus::Issued, _) => t.t(crate::i18n::words::operation_msg(req.operation)).to_string(),
            _ => clean(req.status_reason().trim()).into_owned(),
        };
        // A long reason ends in an ellipsis, as the names do.
        let detail = ellipsize(&detail, usize::from(detail_width));
        let row = Row::new(vec![
            Cell::from(day(req.received_at)),
            Cell::from(ellipsize(&clean(&ctx.data.council_name(req.ine)), names as usize)),
            Cell::from(ellipsize(&clean(&req.holder), names as usize)),
            Cell::from(ellipsize(type_name(&req.cert_type), 9)),
            Cell::from(t.t(cert_status_short_msg(req.status))),
            Cell::from(detail),
        ]);
        if window.start + i == state.cursor.selected {
            row.style(theme.selected)
        } else {
            row
        }
    });
    let widths = [
        Constraint::Length(received_width),
        Constraint::Length(names),
        Constraint::Length(names),
        Constraint::Length(9),
        Constraint::Length(status_width),
        Constraint::Min(16),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

/// The ER operators' cards within 60 days of expiry or expired, soonest first:
/// each its own line, wrapped at whole words to `width`.
fn operator_cards(ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
    let due = crate::ops::operators::cards_to_renew(&ctx.data.operators, ctx.today());
    let mut lines = Vec::new();
    for (o, days) in due {
        let name = clean(&o.name);
        let text = ctx.t.f(
            Msg::operator_card_due,
            &[
                ("name", &name),
                ("de_name", &ctx.t.de(&name)),
                ("when", &crate::i18n::words::card_days(&ctx.t, days)),
            ],
        );
        let wrapped = crate::widgets::wrap(&text, usize::from(width.saturating_sub(4)));
        for (i, part) in wrapped.into_iter().enumerate() {
            let mark = if i == 0 { " ⚠ " } else { "   " };
            lines.push(Line::styled(format!("{mark}{part}"), ctx.theme.warn));
        }
    }
    lines
}
