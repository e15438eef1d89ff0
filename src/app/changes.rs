//! Changes that more than one screen makes: a key on a tab, or the answer to
//! its popup. Each asks `ops` for the change, commits it and says what happened;
//! the changes only one popup makes live in that popup.

use super::ctx::{Ctx, StatusKind};
use super::data::RolloutCell;
use crate::domain::activity::ActivityStatus;
use crate::domain::catalog::services;
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::ops::{self, RuleError};
use crate::store::{Change, Record};
use chrono::{DateTime, Utc};

/// Says that the record a popup was about has gone (another change removed it).
pub fn record_gone(ctx: &mut Ctx) {
    ctx.set_status(StatusKind::Error, ctx.t.t(Msg::record_gone).to_string());
}

/// Saves the change `op` makes to one rollout cell, given the cell as stored and
/// the time; says so, and names a status move. False if nothing changed.
pub fn change_rollout(
    ctx: &mut Ctx,
    cell: &RolloutCell,
    op: impl FnOnce(ops::rollout::Cell, DateTime<Utc>) -> Option<Change>,
) -> bool {
    let Some((council, service)) = cell.locate(&ctx.data) else {
        record_gone(ctx);
        return true;
    };
    let stored = ops::rollout::Cell {
        stored: ctx.data.rollout[council][service].as_ref(),
        ine: cell.council,
        service: &services()[service],
    };
    let Some(change) = op(stored, ctx.now()) else {
        return false;
    };
    let old_status = ctx.data.status(council, service);
    let new_status = match change.edits.first().and_then(|e| e.after.as_ref()) {
        Some(Record::Rollout(r)) => r.status,
        _ => old_status,
    };
    if ctx.commit(change).is_none() {
        return true;
    }
    if new_status != old_status {
        let text = ctx.t.f(
            Msg::status_moved,
            &[
                ("service", &services()[service].name),
                ("status", &ctx.t.t(status_msg(new_status))),
            ],
        );
        ctx.set_status(StatusKind::Saved, text);
    }
    true
}

/// Blocks a cell with the reason given: the words of the rule it breaks, or None
/// once it is saved (or refused by the store, which says so).
pub fn block_with_reason(ctx: &mut Ctx, cell: &RolloutCell, reason: &str) -> Option<Msg> {
    let mut broken = None;
    change_rollout(ctx, cell, |stored, now| {
        ops::rollout::block(stored, reason, now).unwrap_or_else(|rule| {
            broken = Some(rule.msg());
            None
        })
    });
    broken
}

/// One step forward for request `id`, dated `at` (now, or the date typed for an
/// issue or a delivery); the queue then shows the request where it now is,
/// selected. The words of the rule the date breaks, for the prompt to show.
pub fn advance_request(ctx: &mut Ctx, id: u64, at: DateTime<Utc>) -> Result<(), Msg> {
    let Some(before) = ctx.data.certs.get(id).cloned() else {
        record_gone(ctx);
        return Ok(());
    };
    match ops::requests::advance(&before, at, ctx.now()) {
        Ok((change, _)) => {
            if ctx.commit(change).is_some() {
                ctx.show(crate::app::effect::Target::Request(id));
            }
            Ok(())
        }
        Err(RuleError::NoNextStep) => {
            ctx.set_status(StatusKind::Info, ctx.t.t(Msg::req_no_next).to_string());
            Ok(())
        }
        Err(RuleError::InFuture(_)) => Err(Msg::date_in_future),
        Err(rule) => Err(rule.msg()),
    }
}

/// Closes activity `id` with the note given; the words of the rule if refused.
pub fn close_activity(ctx: &mut Ctx, id: u64, note: &str) -> Result<(), String> {
    let Some(before) = ctx.data.activities.get(id).cloned() else {
        record_gone(ctx);
        return Ok(());
    };
    let change = match ops::activity::close(&before, note, ctx.now()) {
        Err(RuleError::ActivityClosed) => return Err(closed_by(ctx, id)),
        other => other.map_err(|rule| rule.localize(&ctx.t))?,
    };
    if ctx.commit(change).is_some() {
        ctx.set_status(StatusKind::Saved, ctx.t.f(Msg::act_closed, &[("id", &id)]));
    }
    Ok(())
}

/// Why activity `id` cannot be closed: closed already, by a colleague named
/// with when (their change came in while the prompt was open), or by this user.
fn closed_by(ctx: &Ctx, id: u64) -> String {
    let last = ctx
        .store
        .history(&crate::store::RecordId::Activity(id))
        .ok()
        .and_then(|entries| entries.into_iter().max_by_key(|e| e.seq));
    match last {
        Some(entry) if entry.head.user != ctx.store.user() => ctx.t.f(
            Msg::act_err_closed_by,
            &[
                ("user", &entry.head.user),
                ("ago", &crate::store::ago(&ctx.t, ctx.now() - entry.head.at)),
            ],
        ),
        _ => ctx.t.t(Msg::act_err_closed).to_string(),
    }
}

/// `w`: activity `id` waits for the council, or is back from waiting.
pub fn toggle_wait(ctx: &mut Ctx, id: u64) -> bool {
    let Some(before) = ctx.data.activities.get(id).cloned() else {
        record_gone(ctx);
        return true;
    };
    match ops::activity::toggle_wait(&before, ctx.now()) {
        Ok((change, status)) => {
            if ctx.commit(change).is_some() {
                let msg = match status {
                    ActivityStatus::Waiting => Msg::act_now_waiting,
                    _ => Msg::act_resumed,
                };
                ctx.set_status(StatusKind::Saved, ctx.t.f(msg, &[("id", &id)]));
            }
        }
        Err(rule) => ctx.set_status(StatusKind::Info, rule.localize(&ctx.t)),
    }
    true
}

/// The question after a training is saved: which step, for how many councils.
pub fn tick_question(ctx: &Ctx, id: u64) -> String {
    let Some(a) = ctx.data.activities.get(id) else {
        return String::new();
    };
    let pending = ops::training::untrained(a, |ine, s| ctx.data.rollout_of(ine, s));
    let mut names: Vec<&str> = Vec::new();
    for (_, service, _) in &pending {
        if !names.contains(&service.name.as_str()) {
            names.push(&service.name);
        }
    }
    let step = pending
        .first()
        .map_or("", |(_, service, step)| service.steps[*step].as_str());
    let councils: std::collections::BTreeSet<_> = pending.iter().map(|(ine, _, _)| *ine).collect();
    ctx.t.nf(
        Msg::prompt_tick_training,
        councils.len(),
        &[("id", &id), ("step", &step), ("services", &names.join(", "))],
    )
}

/// Ticks the "formació" steps of the councils at training `id`, dated the day of
/// the training, as one change that `u` takes back.
pub fn tick_training(ctx: &mut Ctx, id: u64) {
    let Some(a) = ctx.data.activities.get(id).cloned() else {
        record_gone(ctx);
        return;
    };
    let user = ctx.store.user().to_string();
    let now = ctx.now();
    let change = ops::training::tick_training(&a, |ine, s| ctx.data.rollout_of(ine, s), now, &user);
    let Some(change) = change else {
        return;
    };
    let cells = change.edits.len();
    if ctx.commit(change).is_some() {
        ctx.set_status(StatusKind::Saved, ctx.t.n(Msg::act_ticked, cells));
    }
}
