//! Saving the activity form: one change, what was saved said on the status line,
//! and for a training, the offer to tick the "formació" steps of those who came.

use super::{AField, ActivityForm};
use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::app::effect::Target;
use crate::app::popup::PopupOutcome;
use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, AnswerClock};
use crate::i18n::Msg;
use crate::ops::{self, Field, RuleError};
use crate::popups::prompt::{Prompt, PromptKind};
use crate::store::Record;

/// Where the form shows a broken rule.
fn field_of(rule: &RuleError, kind: ActivityKind) -> AField {
    let training = kind == ActivityKind::Training;
    match rule.field() {
        Some(Field::Summary) => AField::Summary,
        Some(Field::Contact) => AField::Contact,
        Some(Field::Notes) => AField::Notes,
        Some(Field::Minutes) => AField::Minutes,
        Some(Field::Hours) => AField::Hours,
        Some(Field::Request) => AField::Request,
        Some(Field::Service | Field::Services) if training => AField::Services,
        Some(Field::Service) => AField::Service,
        Some(Field::Councils | Field::Attendees) => AField::Councils,
        Some(Field::ReceivedAt | Field::ClosedAt) => AField::Received,
        _ if training => AField::Councils,
        _ => AField::Council,
    }
}

/// Logs or edits the activity: the form closes once it is saved, or stays with
/// the field at fault marked (or the status line saying why the store refused).
pub fn save(form: &mut ActivityForm, ctx: &mut Ctx) -> PopupOutcome {
    let after = match form.build(ctx) {
        Ok(after) => after,
        Err(fault) => {
            form.show_fault(fault);
            return PopupOutcome::Keep;
        }
    };
    let now = ctx.now();
    let user = ctx.store.user().to_string();
    let kind = after.kind;
    let mine = after.clone();
    let change = match &form.editing {
        Some(before) => ops::activity::edit(before, after, now, &ctx.data),
        None => ops::activity::log(after, now, &user, &ctx.data).map(Some),
    };
    let change = match change {
        Err(rule) => {
            let field = field_of(&rule, kind);
            form.show_fault((field, rule.localize(&ctx.t)));
            return PopupOutcome::Keep;
        }
        // Nothing changed: the form closes, as saved.
        Ok(None) => return PopupOutcome::Close,
        Ok(Some(change)) => change,
    };
    let Some(applied) = ctx.commit(change) else {
        rebase(form, ctx, &mine);
        return PopupOutcome::Keep;
    };
    let Some(saved) = applied.edits.iter().find_map(|e| match &e.after {
        Some(Record::Activity(a)) => Some(a.clone()),
        _ => None,
    }) else {
        return PopupOutcome::Close;
    };
    announce(ctx, &saved);
    if form.reveal {
        ctx.show(Target::Activity(saved.id));
    }
    // A training for services with a "formació" step: offer to tick it for each
    // council that came, as a change of its own.
    let stored = |ine, service: &str| ctx.data.rollout_of(ine, service);
    if !ops::training::untrained(&saved, stored).is_empty() {
        let prompt = Prompt::new(PromptKind::TickTraining { id: saved.id }, "", 0);
        return PopupOutcome::Replace(Box::new(prompt));
    }
    PopupOutcome::Close
}

/// Someone else changed the entry while it was being edited (the save was refused,
/// saying who): the form now edits their version with what was typed over it, so
/// that saving again keeps both and overwrites nothing unseen.
fn rebase(form: &mut ActivityForm, ctx: &Ctx, mine: &Activity) {
    let Some(base) = form.editing.clone() else {
        return;
    };
    let Some(theirs) = ctx.data.activities.get(base.id).cloned() else {
        return;
    };
    if theirs == base {
        return;
    }
    // What the form made of the entry as opened: a field is "typed" only if it
    // differs from that (the form keeps times to the minute, say).
    let opened = ActivityForm::edit(ctx, &base).build(ctx).unwrap_or(base);
    let merged = ops::merge::three_way(&opened, mine, &theirs).unwrap_or_else(|| mine.clone());
    let mut rebased = ActivityForm::edit(ctx, &merged);
    rebased.editing = Some(theirs.clone());
    rebased.focus = form.focus;
    rebased.reveal = form.reveal;
    // Still what was typed, not what is stored: Esc asks before dropping it.
    rebased.initial = ActivityForm::edit(ctx, &theirs).initial;
    *form = rebased;
}

/// "Desat #12: termini 01/12/2026 24:00." and its like.
fn announce(ctx: &mut Ctx, a: &Activity) {
    let t = &ctx.t;
    let text = match (
        a.kind,
        a.status,
        a.clock(&ctx.data.calendar, ctx.data.activities.response_days),
    ) {
        (ActivityKind::Training, ..) => t.f(
            Msg::act_saved_training,
            &[
                ("id", &a.id),
                ("councils", &t.n(Msg::count_councils, a.councils.len())),
                ("attendees", &t.n(Msg::count_attendees, a.attendees() as usize)),
            ],
        ),
        (_, ActivityStatus::Closed, _) => t.f(Msg::act_saved_closed, &[("id", &a.id)]),
        (_, _, AnswerClock::Due(due)) => t.f(
            Msg::act_saved,
            &[("id", &a.id), ("due", &t.deadline(due, ctx.tz))],
        ),
        _ => t.f(Msg::act_saved_waiting, &[("id", &a.id)]),
    };
    ctx.set_status(StatusKind::Saved, text);
}
