//! Saving the request form: a new request or an edit, one change, then the
//! queue with it selected and its deadline said.

use super::RequestForm;
use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::app::effect::Target;
use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::FormStatus;
use crate::i18n::Msg;
use crate::store::{Change, Edit, Record};

/// Files or edits the request; true closes the form, false keeps it with the
/// field at fault marked or the status line saying why.
pub fn save_request(form: &mut RequestForm, ctx: &mut Ctx) -> bool {
    let id = match &form.editing {
        Some(c) => c.id,
        None => match ctx.store.next_certificate_id() {
            Ok(id) => id,
            Err(e) => {
                let text = ctx.t.f(Msg::not_saved, &[("detail", &e.localize(&ctx.t))]);
                ctx.set_status(StatusKind::Error, text);
                return false;
            }
        },
    };
    match form.build(&ctx.data, id, ctx.now(), ctx.tz) {
        Err(e) => form.error = Some(e),
        Ok(after) => {
            let (action, edit) = match &form.editing {
                Some(before) if *before == after => return true,
                Some(before) => (
                    "cert.edit",
                    Edit::update(
                        Record::Certificate(before.clone()),
                        Record::Certificate(after.clone()),
                    ),
                ),
                None => ("cert.new", Edit::create(Record::Certificate(after.clone()))),
            };
            if ctx.commit(Change::new(action, vec![edit])) {
                ctx.show(Target::Request(after.id));
                announce_filed(ctx, &after);
                return true;
            }
        }
    }
    false
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
