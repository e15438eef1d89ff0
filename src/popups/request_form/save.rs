//! Saving the request form: a new request or an edit, one change, then the
//! queue with it selected and its deadline said.

use super::{RequestForm, form_error};
use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::app::effect::Target;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::FormStatus;
use crate::i18n::Msg;
use crate::ops;
use crate::store::{Edit, Record};

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
        Some(before) => ops::requests::edit_request(before, after, now),
        None => ops::requests::file_request(after, now).map(Some),
    };
    match change {
        Err(rule) => form.error = Some(form_error(form, &rule)),
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

/// Someone else changed the request while it was being edited (the save was
/// refused, saying who): the form now edits their version, with what was typed
/// over it, so that saving again keeps both and overwrites nothing unseen.
fn rebase(form: &mut RequestForm, ctx: &Ctx, mine: &CertificateRequest) {
    let Some(base) = form.editing.clone() else {
        return;
    };
    let Some(theirs) = ctx.data.certs.get(base.id).cloned() else {
        return;
    };
    if theirs == base {
        return;
    }
    let merged = ops::merge::three_way(&base, mine, &theirs).unwrap_or_else(|| mine.clone());
    let mut rebased = RequestForm::edit(&ctx.data, &merged, ctx.tz);
    rebased.editing = Some(theirs.clone());
    rebased.focus = form.focus;
    // Still what was typed, not what is stored: Esc asks before dropping it.
    rebased.initial = RequestForm::edit(&ctx.data, &theirs, ctx.tz).initial;
    *form = rebased;
}

/// After filing or editing: the queue with the request selected (its id is the
/// one the store gave it), and what was saved.
fn show_saved(ctx: &mut Ctx, edits: &[Edit]) {
    let saved = edits.iter().find_map(|e| match &e.after {
        Some(Record::Certificate(c)) => Some(c.clone()),
        _ => None,
    });
    let Some(saved) = saved else {
        return;
    };
    ctx.show(Target::Request(saved.id));
    announce_filed(ctx, &saved);
}

/// "Desat: sol·licitud #12, termini …", with a warning when the fitxa is not valid.
fn announce_filed(ctx: &mut Ctx, c: &CertificateRequest) {
    let mut text = match c.due_at(&ctx.data.calendar) {
        Some(due) => ctx.t.f(
            Msg::req_saved,
            &[("id", &c.id), ("due", &ctx.t.deadline(due, ctx.tz))],
        ),
        None => ctx.t.f(Msg::req_saved_awaiting, &[("id", &c.id)]),
    };
    let mut kind = StatusKind::Saved;
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
