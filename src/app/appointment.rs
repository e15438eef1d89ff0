//! The answer to the appointment check (`p` on Certificats): the check
//! recorded with its date and user; not found rejects the request.

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::ctx::StatusKind;
use crate::i18n::Msg;
use crate::ops;

/// The answer to `p`: the check recorded, and not found rejects the request.
pub fn record(ctx: &mut Ctx, id: u64, found: bool) {
    let Some(before) = ctx.data.certs.get(id).cloned() else {
        crate::app::changes::record_gone(ctx);
        return;
    };
    let reason = ctx.t.t(Msg::appt_not_found_reason).to_string();
    let user = ctx.store.user().to_string();
    let change = match ops::appointment::record(&before, found, &user, &reason, ctx.now()) {
        Ok(change) => change,
        Err(rule) => {
            ctx.set_status(StatusKind::Info, rule.localize(&ctx.t));
            return;
        }
    };
    if ctx.commit(change).is_some() {
        let text = match found {
            true => ctx.t.f(Msg::appt_found, &[("id", &id)]),
            false => {
                let key = ctx
                    .keymap
                    .first_key_in(Action::CopyRow, &[Context::Certificates, Context::Table, Context::Global])
                    .map(|k| crate::keymap::key_name(&ctx.t, &k))
                    .unwrap_or_default();
                ctx.t.f(
                    Msg::appt_rejected,
                    &[("id", &id), ("reason", &reason), ("key", &key)],
                )
            }
        };
        ctx.set_status(StatusKind::Saved, text);
    }
}
