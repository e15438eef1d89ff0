//! The detail's T-CAT lines: the revocation's link both ways, with its reason,
//! and the appointment check.

use crate::app::Ctx;
use crate::domain::certificate::CertificateRequest;
use crate::domain::tcat_p::{self, Clock};
use crate::i18n::Msg;
use crate::i18n::words::revocation_reason_msg;

/// Label and value of each line this request has.
pub fn lines(ctx: &Ctx, c: &CertificateRequest) -> Vec<(Msg, String)> {
    let t = &ctx.t;
    let mut out = Vec::new();
    if let Some(id) = c.revokes() {
        out.push((Msg::rev_revokes, format!("#{id}")));
    }
    if let Some(reason) = c.revocation_reason() {
        out.push((Msg::rev_reason, t.t(revocation_reason_msg(reason)).to_string()));
    }
    if let Some(&by) = ctx.data.certs.revoked_by.get(&c.id) {
        let done = ctx.data.certs.revoked(c.id).is_some();
        let state = match done {
            true => t.t(Msg::rev_status_revoked).to_string(),
            false => ctx
                .data
                .certs
                .get(by)
                .map(|r| t.t(crate::i18n::words::cert_status_msg(r.status)).to_string())
                .unwrap_or_default(),
        };
        out.push((Msg::rev_revoked_by, format!("#{by} · {state}")));
    }
    if let Some(line) = delivery(ctx, c) {
        out.push((Msg::tcatp_label, line));
    }
    if let Some(downloaded) = c.downloaded_at() {
        out.push((Msg::tcatp_downloaded, t.datetime(downloaded, ctx.tz)));
    }
    if let Some(check) = c.appointment_check() {
        let date = t.datetime(check.at, ctx.tz);
        let user = crate::domain::text::clean(&check.user).into_owned();
        let msg = match check.found {
            true => Msg::appt_check_found,
            false => Msg::appt_check_missing,
        };
        out.push((Msg::appt_checked, t.f(msg, &[("date", &date), ("user", &user)])));
    }
    out
}

/// The detail's line: what is awaited, by when, or that it is lost.
fn delivery(ctx: &Ctx, c: &CertificateRequest) -> Option<String> {
    let now = ctx.now();
    let t = &ctx.t;
    let date = |due: chrono::DateTime<chrono::Utc>| {
        // The last whole day: the deadline is the midnight that ends it.
        let last = (due - chrono::Duration::seconds(1))
            .with_timezone(&ctx.tz)
            .date_naive();
        t.date(last)
    };
    // A revocation filed for it: the clock is no longer the point.
    if ctx.data.certs.revoked_by.contains_key(&c.id) {
        return None;
    }
    Some(match tcat_p::clock(c, now, ctx.tz)? {
        Clock::ToDeliver { due } => t.f(
            Msg::tcatp_deliver_detail,
            &[("date", &date(due)), ("n", &tcat_p::days_left(due, now, ctx.tz))],
        ),
        Clock::ToDownload { due } => t.f(
            Msg::tcatp_download_detail,
            &[("date", &date(due)), ("n", &tcat_p::days_left(due, now, ctx.tz))],
        ),
        Clock::LostUndelivered { .. } => t.t(Msg::tcatp_lost_undelivered).to_string(),
        Clock::LostNotDownloaded { .. } => t.t(Msg::tcatp_lost_not_downloaded).to_string(),
    })
}
