//! After a council's mayor, secretary or intervenor is replaced: the question
//! on the status line, and what each answer does. `n` a request for the new
//! holder, `r` the revocations of the outgoing holder's valid certificates,
//! `b` both, Esc nothing.

use super::prompt::{Prompt, PromptKind};
use super::request_form::RequestForm;
use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::app::popup::{Popup, PopupOutcome};
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::Municipality;
use crate::i18n::Msg;
use crate::i18n::words::post_msg;
use crate::ops::office_holder::{self, Handover};
use crossterm::event::{KeyCode, KeyEvent};

/// The question for the first post that changed hands, if one did; the others
/// are asked in turn after it.
pub fn offer(ctx: &mut Ctx, before: &Municipality, after: &Municipality) -> Option<Box<dyn Popup>> {
    ask(ctx, office_holder::handovers(before, after))
}

/// The question for the first of `handovers`, the rest to follow; None when none is left.
/// The question is kept in the message log (`m`), to read again whole.
pub fn ask(ctx: &mut Ctx, handovers: Vec<Handover>) -> Option<Box<dyn Popup>> {
    if handovers.is_empty() {
        return None;
    }
    let text = question(ctx, &handovers);
    ctx.messages.push(ctx.clock.now(), StatusKind::Info, &text);
    Some(Box::new(Prompt::new(PromptKind::Handover(handovers), "", 1)))
}

/// Closes, or asks about the next post that changed hands.
fn next(ctx: &mut Ctx, rest: &[Handover]) -> PopupOutcome {
    match ask(ctx, rest.to_vec()) {
        Some(prompt) => PopupOutcome::Replace(prompt),
        None => PopupOutcome::Close,
    }
}

/// The outgoing holder's certificates that a revocation would take.
fn outgoing<'a>(ctx: &'a Ctx, handover: &Handover) -> Vec<&'a CertificateRequest> {
    let certs = &ctx.data.certs;
    office_holder::valid_certificates(
        &certs.list,
        handover,
        |id| certs.revoked_by.contains_key(&id),
        ctx.now(),
    )
}

pub fn question(ctx: &Ctx, handovers: &[Handover]) -> String {
    let Some(handover) = handovers.first() else {
        return String::new();
    };
    let n = outgoing(ctx, handover).len();
    // Nothing to revoke: `r` and `b` are not offered.
    let msg = match n {
        0 => Msg::handover_question_no_revocation,
        _ => Msg::handover_question,
    };
    let text = ctx.t.nf(
        msg,
        n,
        &[
            ("council", &ctx.data.council_name(handover.ine)),
            ("post", &ctx.t.t(post_msg(handover.role))),
            ("outgoing", &handover.outgoing),
            ("de_outgoing", &ctx.t.de(&handover.outgoing)),
            ("incoming", &handover.incoming),
        ],
    );
    // More than one post changed hands: which of them this is.
    match handovers.len() - 1 {
        0 => text,
        more => format!("{text} ({})", ctx.t.n(Msg::handover_more, more)),
    }
}

pub fn answer(ctx: &mut Ctx, handovers: &[Handover], key: &KeyEvent) -> PopupOutcome {
    let Some((handover, rest)) = handovers.split_first() else {
        return PopupOutcome::Close;
    };
    let (request, revoke) = match key.code {
        KeyCode::Char('n' | 'N') => (true, false),
        KeyCode::Char('r' | 'R') => (false, true),
        KeyCode::Char('b' | 'B') => (true, true),
        KeyCode::Esc => return next(ctx, rest),
        _ => return PopupOutcome::Keep,
    };
    // `r` and `b` are offered only when there is something to revoke.
    if revoke && outgoing(ctx, handover).is_empty() {
        return PopupOutcome::Keep;
    }
    if revoke && !file_revocations(ctx, handover) {
        return PopupOutcome::Close;
    }
    if !request {
        return next(ctx, rest);
    }
    let mut form = RequestForm::for_holder(
        &ctx.data,
        handover.ine,
        &handover.incoming,
        handover.role,
        ctx.now(),
        ctx.tz,
    );
    // The posts still to ask about follow the form, saved or not.
    form.then = rest.to_vec();
    PopupOutcome::Replace(Box::new(form.in_language(&ctx.t, ctx.tz)))
}

/// The revocations, in one change; false if it could not be saved.
fn file_revocations(ctx: &mut Ctx, handover: &Handover) -> bool {
    let certs: Vec<CertificateRequest> = outgoing(ctx, handover).into_iter().cloned().collect();
    let refs: Vec<&CertificateRequest> = certs.iter().collect();
    let change = match office_holder::revoke_all(&refs, ctx.now()) {
        Ok(Some(change)) => change,
        Ok(None) => {
            let text = ctx.t.f(Msg::handover_none, &[("holder", &handover.outgoing)]);
            ctx.set_status(StatusKind::Info, text);
            return true;
        }
        Err(rule) => {
            ctx.set_status(StatusKind::Error, rule.localize(&ctx.t));
            return false;
        }
    };
    let Some(applied) = ctx.commit(change) else {
        return false;
    };
    let ids: Vec<String> = applied.ids.iter().map(|id| format!("#{id}")).collect();
    let text = ctx.t.nf(
        Msg::handover_revoked,
        ids.len(),
        &[
            ("ids", &ids.join(", ")),
            ("holder", &handover.outgoing),
            ("de_holder", &ctx.t.de(&handover.outgoing)),
        ],
    );
    ctx.set_status(StatusKind::Saved, text);
    true
}
