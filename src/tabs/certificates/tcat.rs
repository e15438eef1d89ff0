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
/// renewed or revoked are left out, and said.
pub fn renew_marked(tab: &mut CertificatesTab, ctx: &mut Ctx) -> Outcome {
    let certs = &ctx.data.certs;
    let marked: Vec<u64> = tab.marked.iter().copied().collect();
    let (to_renew, skipped): (Vec<u64>, Vec<u64>) = marked.into_iter().partition(|&id| {
        certs.get(id).is_some_and(|c| c.status.is_issued())
            && !certs.renewed_by.contains_key(&id)
            && !certs.revoked_by.contains_key(&id)
    });
    let list: Vec<&crate::domain::certificate::CertificateRequest> =
        to_renew.iter().filter_map(|&id| certs.get(id)).collect();
    let change = match ops::renewals::file_all(&list, ctx.now()) {
        Ok(change) => change,
        Err(rule) => {
            ctx.set_status(StatusKind::Error, rule.localize(&ctx.t));
            return Outcome::Changed;
        }
    };
    let Some(change) = change else {
        tab.marked.clear();
        ctx.set_status(
            StatusKind::Info,
            ctx.t.f(Msg::bulk_skipped, &[("n", &skipped.len())]),
        );
        return Outcome::Changed;
    };
    if let Some(applied) = ctx.commit(change) {
        tab.marked.clear();
        let (first, last) = (applied.ids.first().copied(), applied.ids.last().copied());
        let mut text = ctx.t.f(
            Msg::bulk_filed,
            &[
                ("n", &applied.ids.len()),
                ("first", &first.unwrap_or_default()),
                ("last", &last.unwrap_or_default()),
            ],
        );
        if !skipped.is_empty() {
            text = format!("{text} {}", ctx.t.f(Msg::bulk_skipped, &[("n", &skipped.len())]));
        }
        ctx.set_status(StatusKind::Saved, text);
    }
    Outcome::Changed
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
