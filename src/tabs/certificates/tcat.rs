//! The Certificats tab's T-CAT work beyond the main path: revoking a
//! certificate, marking several to renew at once, and the appointment check.

use super::{CertView, CertificatesTab};
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::ctx::StatusKind;
use crate::app::tab::Outcome;
use crate::i18n::Msg;
use crate::ops;
use crate::popups::prompt::{Prompt, PromptKind};
use crate::popups::request_form::RequestForm;

/// `x`: the revocation form for the selected certificate, unless it expired
/// (said, and refused) or is being revoked already.
pub fn revoke(tab: &CertificatesTab, ctx: &mut Ctx) -> Outcome {
    if tab.view != CertView::Expiry {
        ctx.set_status(StatusKind::Info, ctx.t.t(Msg::rev_only_expiry).to_string());
        return Outcome::Changed;
    }
    let Some(c) = tab.selected().map(|i| ctx.data.certs.list[i].clone()) else {
        return Outcome::Ignored;
    };
    if let Some(&by) = ctx.data.certs.revoked_by.get(&c.id) {
        let rule = ops::RuleError::RevokedAlready { id: c.id, by };
        ctx.set_status(StatusKind::Info, rule.localize(&ctx.t));
        return Outcome::Changed;
    }
    if let Some(expired) = ops::revocation::expired_at(&c, ctx.now()) {
        let rule = ops::RuleError::RevokesExpired { id: c.id, expired };
        ctx.set_status(StatusKind::Error, rule.localize(&ctx.t));
        return Outcome::Changed;
    }
    let form = RequestForm::revocation(&ctx.data, &c, ctx.now(), ctx.tz);
    Outcome::Open(Box::new(form.in_language(&ctx.t, ctx.tz)))
}

/// `n` on a revoked certificate: no renewal, a new request.
pub fn refuse_renewal_if_revoked(ctx: &mut Ctx, id: u64) -> Option<Outcome> {
    let by = ctx.data.certs.revoked(id)?;
    ctx.set_status(
        StatusKind::Info,
        ctx.t.f(Msg::rev_no_renewal, &[("id", &id), ("by", &by)]),
    );
    Some(Outcome::Changed)
}

/// Space: marks or unmarks the selected certificate, and moves down.
pub fn toggle_mark(tab: &mut CertificatesTab, ctx: &mut Ctx) -> Outcome {
    if tab.view != CertView::Expiry {
        ctx.set_status(StatusKind::Info, ctx.t.t(Msg::bulk_only_expiry).to_string());
        return Outcome::Changed;
    }
    let Some(id) = tab.selected_id(&ctx.data) else {
        return Outcome::Ignored;
    };
    if !tab.marked.remove(&id) {
        tab.marked.insert(id);
    }
    tab.cursor.apply(Action::Down, tab.rows.len());
    tab.remember(&ctx.data);
    Outcome::Changed
}

/// `n` with certificates marked: their renewals, in one change. Those already
/// renewed, revoked or expired are left out, and said, each with why.
pub fn renew_marked(tab: &mut CertificatesTab, ctx: &mut Ctx) -> Outcome {
    let certs = &ctx.data.certs;
    let (now, tz) = (ctx.now(), ctx.tz);
    let mut marked: Vec<u64> = tab.marked.iter().copied().collect();
    marked.sort_unstable();
    // Why a marked one is not filed: 0 renewed, 1 revoked, 2 expired or gone,
    // 3 not yet in its renewal window (with the days it has left).
    let mut skipped: [Vec<u64>; 4] = Default::default();
    let mut days_left = Vec::new();
    let mut list = Vec::new();
    for id in marked {
        match certs.get(id) {
            Some(_) if certs.renewed_by.contains_key(&id) => skipped[0].push(id),
            Some(_) if certs.revoked_by.contains_key(&id) => skipped[1].push(id),
            Some(c) if crate::app::cert_data::renewable(c, now, tz) => list.push(c),
            Some(c) if let Some(days) = not_yet_due(c, now, tz) => {
                skipped[3].push(id);
                days_left.push(days);
            }
            _ => skipped[2].push(id),
        }
    }
    let not_filed = not_filed_text(ctx, &skipped, &days_left);
    let change = match ops::renewals::file_all(&list, now) {
        Ok(change) => change,
        Err(rule) => {
            ctx.set_status(StatusKind::Error, rule.localize(&ctx.t));
            return Outcome::Changed;
        }
    };
    let Some(change) = change else {
        tab.marked.clear();
        ctx.set_status(StatusKind::Info, not_filed);
        return Outcome::Changed;
    };
    if let Some(applied) = ctx.commit(change) {
        tab.marked.clear();
        let text = ctx.t.nf(
            Msg::bulk_filed,
            applied.ids.len(),
            &[("ids", &id_range(&applied.ids))],
        );
        let text = match not_filed.is_empty() {
            true => text,
            false => format!("{text} {not_filed}"),
        };
        ctx.set_status(StatusKind::Saved, text);
    }
    Outcome::Changed
}

/// `#4`, or `#4–#6` for a run of ids.
pub fn id_range(ids: &[u64]) -> String {
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) if first != last => format!("#{first}–#{last}"),
        (Some(first), _) => format!("#{first}"),
        _ => String::new(),
    }
}

/// The days left of an issued certificate not yet in its renewal window.
pub fn not_yet_due(
    c: &crate::domain::certificate::CertificateRequest,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
) -> Option<i64> {
    let days = c.days_to_expiry(now, tz)?;
    (c.status.is_issued() && !c.in_renewal_window(now, tz)).then_some(days)
}

/// The marked ones not filed, by why: `No registrats: #2 ja té renovació; #5 ha caducat: …`.
fn not_filed_text(ctx: &Ctx, skipped: &[Vec<u64>; 4], days_left: &[i64]) -> String {
    let reasons = [
        Msg::bulk_skip_renewed,
        Msg::bulk_skip_revoked,
        Msg::bulk_skip_expired,
        Msg::bulk_skip_not_due,
    ];
    let days: Vec<String> = days_left.iter().map(|d| ctx.t.int(*d as u64)).collect();
    let days = days.join(", ");
    let parts: Vec<String> = skipped
        .iter()
        .zip(reasons)
        .filter(|(ids, _)| !ids.is_empty())
        .map(|(ids, msg)| {
            let list: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
            ctx.t
                .nf(msg, ids.len(), &[("ids", &list.join(", ")), ("days", &days)])
        })
        .collect();
    match parts.is_empty() {
        true => String::new(),
        false => ctx.t.f(Msg::bulk_not_filed, &[("list", &parts.join("; "))]),
    }
}

/// `p`: asks whether the appointment is in EACAT's register.
pub fn ask_appointment(tab: &CertificatesTab, ctx: &mut Ctx) -> Outcome {
    let Some(c) = tab.selected().map(|i| &ctx.data.certs.list[i]) else {
        return Outcome::Ignored;
    };
    if !ops::appointment::applies(c) {
        ctx.set_status(StatusKind::Info, ctx.t.t(Msg::appt_not_needed).to_string());
        return Outcome::Changed;
    }
    let kind = PromptKind::AppointmentCheck { id: c.id };
    Outcome::Open(Box::new(Prompt::new(kind, "", 1)))
}

/// Whether the selected row is a delivered T-CAT P to mark downloaded.
pub fn awaits_download(tab: &CertificatesTab, ctx: &Ctx) -> bool {
    tab.selected()
        .is_some_and(|i| ops::delivery::awaits_download(&ctx.data.certs.list[i]))
}

/// `a` on it: asks whether the holder downloaded it.
pub fn ask_downloaded(tab: &CertificatesTab, ctx: &Ctx) -> Outcome {
    match tab.selected_id(&ctx.data) {
        Some(id) => Outcome::Open(Box::new(Prompt::new(PromptKind::ConfirmDownloaded { id }, "", 1))),
        None => Outcome::Ignored,
    }
}
