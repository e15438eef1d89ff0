//! Changes that more than one screen makes: a key on a tab, or the answer to
//! its popup. Each builds one change, commits it and says what happened; the
//! changes only one popup makes live in that popup.

use super::ctx::{Ctx, StatusKind};
use super::data::RolloutCell;
use crate::domain::catalog::services;
use crate::domain::certificate::{CertStatus, RuleError};
use crate::domain::rollout::{Rollout, RolloutStatus};
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::store::{Change, Edit, Record};

/// Says that the record a popup was about has gone (another change removed it).
pub fn record_gone(ctx: &mut Ctx) {
    ctx.set_status(StatusKind::Error, ctx.t.t(Msg::record_gone).to_string());
}

/// Saves one rollout cell after `edit` changes it; says so, and names a status move.
/// False if nothing changed.
pub fn change_rollout(
    ctx: &mut Ctx,
    cell: &RolloutCell,
    action: &str,
    edit: impl FnOnce(&mut Rollout),
) -> bool {
    let Some((council, service)) = cell.locate(&ctx.data) else {
        record_gone(ctx);
        return true;
    };
    let before = ctx.data.rollout[council][service].clone();
    let old_status = ctx.data.status(council, service);
    let mut after = ctx.data.rollout_or_pending(council, service);
    edit(&mut after);
    if after.status != RolloutStatus::Blocked {
        after.blocked_reason.clear();
    }
    if Some(&after) == before.as_ref() {
        return false;
    }
    after.updated_at = Some(ctx.now());
    let new_status = after.status;
    let change = Change::new(
        action,
        vec![Edit {
            before: before.map(Record::Rollout),
            after: Some(Record::Rollout(after)),
        }],
    );
    if !ctx.commit(change) {
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

/// Blocks a cell with the reason given.
pub fn block_with_reason(ctx: &mut Ctx, cell: &RolloutCell, reason: &str) -> bool {
    let reason = reason.trim().to_string();
    change_rollout(ctx, cell, "rollout.status", move |r| {
        r.status = RolloutStatus::Blocked;
        r.blocked_reason = reason;
    });
    true
}

/// One step forward for request `id`; `in_queue`: the queue is on screen, which
/// an issued request leaves.
pub fn advance_request(ctx: &mut Ctx, id: u64, in_queue: bool) -> bool {
    let Some(before) = ctx.data.certs.get(id).cloned() else {
        record_gone(ctx);
        return true;
    };
    let mut after = before.clone();
    match after.advance(ctx.now()) {
        Ok(next) => {
            let change = Change::update(
                "cert.status",
                Record::Certificate(before),
                Record::Certificate(after),
            );
            if ctx.commit(change) && next == CertStatus::Issued && in_queue {
                ctx.set_status(StatusKind::Saved, ctx.t.t(Msg::issued_moved).to_string());
            }
        }
        Err(RuleError::AppointmentMissing) => {
            ctx.set_status(StatusKind::Error, ctx.t.t(Msg::req_err_appointment).to_string());
        }
        Err(_) => ctx.set_status(StatusKind::Info, ctx.t.t(Msg::req_no_next).to_string()),
    }
    true
}
