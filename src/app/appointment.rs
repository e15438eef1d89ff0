//! Answers on Certificats' prompts: the appointment check (`p`), recorded with
//! its date and user, not found rejecting the request; a T-CAT P downloaded.

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::ctx::StatusKind;
use crate::i18n::Msg;
use crate::ops;

/// The answer to `p`: the check recorded, and not found rejects the request.
/// True when the request was rejected (and saved).
pub fn record(ctx: &mut Ctx, id: u64, found: bool) -> bool {
    let Some(before) = ctx.data.certs.get(id).cloned() else {
        crate::app::changes::record_gone(ctx);
        return false;
    };
    let reason = ctx.t.t(Msg::appt_not_found_reason).to_string();
    let user = ctx.store.user().to_string();
    let change = match ops::appointment::record(&before, found, &user, &reason, ctx.now()) {
        Ok(change) => change,
        Err(rule) => {
            ctx.set_status(StatusKind::Info, rule.localize(&ctx.t));
            return false;
        }
    };
    if ctx.commit(change).is_none() {
        return false;
    }
    let text = match found {
        true => ctx.t.f(Msg::appt_found, &[("id", &id)]),
        false => {
            let key = ctx
                .keymap
                .first_key_in(
                    Action::CopyRow,
                    &[Context::Certificates, Context::Table, Context::Global],
                )
                .map(|k| crate::keymap::key_name(&ctx.t, &k))
                .unwrap_or_default();
            ctx.t.f(
                Msg::appt_rejected,
                &[("id", &id), ("reason", &reason), ("key", &key)],
            )
        }
    };
    ctx.set_status(StatusKind::Saved, text);
    !found
}

/// What `y` copies on a request rejected because its appointment was missing:
/// the message for the council.
pub fn council_message(ctx: &Ctx, c: &crate::domain::certificate::CertificateRequest) -> Option<String> {
    if !ops::appointment::rejected_for_it(c) {
        return None;
    }
    Some(ctx.t.f(
        Msg::appt_council_message,
        &[
            ("council", &ctx.data.council_name(c.ine)),
            ("id", &c.id),
            ("holder", &c.holder),
            ("de_holder", &ctx.t.de(&c.holder)),
            ("post", &ctx.t.t(crate::i18n::words::post_msg(c.role))),
        ],
    ))
}

/// Puts the council's message on the terminal's clipboard, and says so.
pub fn copy_council_message(ctx: &mut Ctx, id: u64) -> bool {
    let Some(text) = ctx.data.certs.get(id).and_then(|c| council_message(ctx, c)) else {
        return false;
    };
    let shown = crate::widgets::ellipsize(&text, 50);
    ctx.clipboard = Some(text);
    let said = ctx.t.f(Msg::copied, &[("text", &shown)]);
    ctx.set_status(StatusKind::Info, said);
    true
}

/// `a` on a delivered T-CAT P, answered yes: its holder downloaded it.
pub fn mark_downloaded(ctx: &mut Ctx, id: u64) {
    let Some(before) = ctx.data.certs.get(id).cloned() else {
        crate::app::changes::record_gone(ctx);
        return;
    };
    match ops::delivery::mark_downloaded(&before, ctx.now()) {
        Ok(change) => {
            ctx.commit(change);
        }
        Err(rule) => ctx.set_status(StatusKind::Info, rule.localize(&ctx.t)),
    }
}
