//! Saving the request form: a new request or an edit, one change, then the
//! queue with it selected and its deadline said.

use super::build::form_error;
use super::{RField, RequestForm, view};
use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::app::effect::Target;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::FormStatus;
use crate::i18n::Msg;
use crate::ops;
use crate::store::{Edit, Record, StoreError};

/// Files or edits the request; true closes the form, false keeps it with the
/// field at fault marked or the status line saying why.
pub fn save_request(form: &mut RequestForm, ctx: &mut Ctx) -> bool {
    let after = match form.build(&ctx.data, ctx.tz) {
        Ok(after) => after,
        Err(e) => {
            form.error = Some(e);
            return false;
        }
    };
    let now = ctx.now();
    let mine = after.clone();
    let change = match &form.editing {
        // A request filed before revocations named their certificate keeps its
        // edits: the links are checked when they change.
        Some(before)
            if (before.revokes(), before.revocation_reason())
                == (after.revokes(), after.revocation_reason()) =>
        {
            ops::requests::edit_request(before, after, now)
        }
        Some(before) => revocation_links(before.id, &after, ctx)
            .and_then(|()| ops::requests::edit_request(before, after, now)),
        None => match after.revokes().and_then(|id| ctx.data.certs.get(id)) {
            Some(revoked) if after.operation == crate::domain::certificate::Operation::Revocation => {
                revocation_links(after.id, &after, ctx)
                    .and_then(|()| ops::revocation::file(after, &revoked.clone(), now).map(Some))
            }
            _ => revocation_links(after.id, &after, ctx)
                .and_then(|()| ops::requests::file_request(after, now).map(Some)),
        },
    };
    match change {
        Err(rule) => {
            form.error = Some(form_error(form, &rule));
            // The revocation's rules name a request and a date: their words filled in.
            if matches!(
                rule.field(),
                Some(ops::Field::Revokes | ops::Field::RevocationReason)
            ) {
                form.error_text = Some(rule.localize(&ctx.t));
            }
        }
        // Nothing changed: the form closes, as saved.
        Ok(None) => return true,
        Ok(Some(change)) => {
            if let Some(applied) = ctx.commit(change) {
                show_saved(ctx, &applied.edits);
                return true;
            }
            rebase(form, ctx, &mine);
        }
    }
    false
}

/// A revocation's link and reason, against the certificates in memory.
fn revocation_links(own: u64, c: &CertificateRequest, ctx: &Ctx) -> Result<(), ops::RuleError> {
    let certs = &ctx.data.certs;
    let revoked = c.revokes().and_then(|id| certs.get(id));
    let already = c.revokes().and_then(|id| certs.revoked_by.get(&id)).copied();
    ops::revocation::check(c, revoked, already.filter(|&by| by != own))
}

/// Someone else changed the request while it was being edited (the save was
/// refused, saying who): the form now edits their version, with what was typed
/// over it, so that saving again keeps both and overwrites nothing unseen. The
/// status names the fields they changed, with their values, and the form says
/// theirs of the fields it changed too, which saving again replaces.
fn rebase(form: &mut RequestForm, ctx: &mut Ctx, mine: &CertificateRequest) {
    let conflict = ctx.conflict.take();
    let Some(base) = form.editing.clone() else {
        return;
    };
    let Some(theirs) = ctx.data.certs.get(base.id).cloned() else {
        return;
    };
    if theirs == base {
        return;
    }
    let (t, tz) = (&ctx.t, ctx.tz);
    let shown = |c: &CertificateRequest| RequestForm::edit(&ctx.data, c, tz).in_language(t, tz);
    let (was, now) = (shown(&base), shown(&theirs));
    let mut fields = Vec::new();
    let mut both = Vec::new();
    for field in RField::ALL {
        let theirs_text = now.field_text(field, ctx);
        if was.field_text(field, ctx) == theirs_text {
            continue;
        }
        let words = t.f(
            Msg::field_value,
            &[("field", &t.t(view::label(field))), ("value", &theirs_text)],
        );
        let typed = form.field_text(field, ctx);
        if typed != was.field_text(field, ctx) && typed != theirs_text {
            both.push(words.clone());
        }
        fields.push(words);
    }
    let merged = ops::merge::three_way(&base, mine, &theirs).unwrap_or_else(|| mine.clone());
    let mut rebased = shown(&merged);
    rebased.editing = Some(theirs.clone());
    rebased.focus = form.focus;
    // Still what was typed, not what is stored: Esc asks before dropping it.
    rebased.initial = now.initial.clone();
    if let Some(e @ StoreError::Conflict { by: Some(user), .. }) = &conflict {
        let detail = e.conflict_words_with(t, ctx.now(), &fields.join(", "));
        let retry = t.f(Msg::err_conflict_retry, &[("detail", &detail)]);
        let text = t.f(Msg::not_saved, &[("detail", &retry)]);
        if !both.is_empty() {
            rebased.theirs = Some(t.f(Msg::form_theirs, &[("user", user), ("fields", &both.join(", "))]));
        }
        ctx.set_status(StatusKind::Error, text);
    }
    *form = rebased;
}

/// After filing or editing: the queue with the request selected (its id is the
/// one the store gave it), and what was saved.
fn show_saved(ctx: &mut Ctx, edits: &[Edit]) {
    let saved = edits.iter().find_map(|e| match (&e.before, &e.after) {
        (before, Some(Record::Certificate(c))) => {
            let checked = matches!(before, Some(Record::Certificate(b)) if b.appointment_check().is_some());
            Some((c.clone(), checked && c.appointment_check().is_none()))
        }
        _ => None,
    });
    let Some((saved, check_dropped)) = saved else {
        return;
    };
    ctx.show(Target::Request(saved.id));
    announce_filed(ctx, &saved, check_dropped);
}

/// "Desat: sol·licitud #12, termini …", with a warning when the fitxa is not
/// valid, and when the edit dropped the appointment check (another holder, role
/// or council), that it must be made again.
fn announce_filed(ctx: &mut Ctx, c: &CertificateRequest, check_dropped: bool) {
    let mut text = match c.due_at(&ctx.data.calendar) {
        Some(due) => ctx.t.f(
            Msg::req_saved,
            &[("id", &c.id), ("due", &ctx.t.deadline(due, ctx.tz))],
        ),
        None => ctx.t.f(Msg::req_saved_awaiting, &[("id", &c.id)]),
    };
    let mut kind = StatusKind::Saved;
    if check_dropped {
        text = format!("{text} {}", ctx.t.t(Msg::req_check_dropped));
    }
    if let Some(warning) = super::view::elections_warning(ctx, c) {
        text = format!("{text} {warning}");
        kind = StatusKind::Error;
    }
    if let Some(&m) = ctx.data.by_ine.get(&c.ine) {
        let council = &ctx.data.municipalities[m];
        if matches!(
            council.form_status(ctx.today()),
            FormStatus::NotSent | FormStatus::Expired
        ) {
            // The id and deadline first: they are what a cut line must keep.
            let warning = ctx.t.f(Msg::warn_form_invalid, &[("council", &council.name)]);
            text = format!("{text} {warning}");
            kind = StatusKind::Error;
        }
    }
    ctx.set_status(kind, text);
}
