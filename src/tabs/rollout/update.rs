//! The Implantació tab's actions, its rows as CSV and its selected cell in words.

use super::{RolloutTab, StatusFilter};
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::changes::change_rollout;
use crate::app::tab::Outcome;
use crate::domain::catalog::services;
use crate::domain::rollout::RolloutStatus;
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::io::export::to_csv;
use crate::ops;
use crate::popups::checklist::Checklist;
use crate::popups::prompt::{Prompt, PromptKind};

pub const REASON_LIMIT: usize = crate::domain::limits::REASON;

pub fn update(tab: &mut RolloutTab, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Left => tab.move_column(-1),
        Action::Right => tab.move_column(1),
        Action::CycleStatus => return cycle_status(tab, ctx).into(),
        Action::NotApplicable => return set_not_applicable(tab, ctx).into(),
        Action::Block => return ask_block_reason(tab, ctx),
        Action::FilterStatus => {
            let column = tab.column;
            let current = tab.filter.filter(|(s, _)| *s == column).map(|(_, f)| f);
            tab.filter = StatusFilter::next(current).map(|f| (column, f));
            ctx.refresh_rows();
        }
        Action::Open => {
            let Some(cell) = tab.selected_cell(ctx) else {
                return Outcome::Ignored;
            };
            return Outcome::Open(Box::new(Checklist::new(cell)));
        }
        Action::Back => return back(tab, ctx).into(),
        Action::ToggleAll | Action::SortNext | Action::SortReverse => {
            ctx.councils.apply_on(action, &super::SORTS);
            ctx.refresh_rows();
        }
        _ => return Outcome::Ignored,
    }
    Outcome::Changed
}

/// Esc: clear the status filter, else the name filter. Never quits.
fn back(tab: &mut RolloutTab, ctx: &mut Ctx) -> bool {
    if tab.filter.is_some() {
        tab.filter = None;
    } else if !ctx.councils.filter.is_empty() {
        ctx.councils.filter.set("");
    } else {
        return false;
    }
    ctx.refresh_rows();
    true
}

fn cycle_status(tab: &RolloutTab, ctx: &mut Ctx) -> bool {
    let Some(cell) = tab.selected_cell(ctx) else {
        return false;
    };
    change_rollout(ctx, &cell, ops::rollout::cycle_status)
}

fn set_not_applicable(tab: &RolloutTab, ctx: &mut Ctx) -> bool {
    let Some(cell) = tab.selected_cell(ctx) else {
        return false;
    };
    change_rollout(ctx, &cell, |stored, now| {
        ops::rollout::set_status(stored, RolloutStatus::NotApplicable, now)
    })
}

fn ask_block_reason(tab: &RolloutTab, ctx: &Ctx) -> Outcome {
    let (Some(council), Some(cell)) = (tab.selected_index(), tab.selected_cell(ctx)) else {
        return Outcome::Ignored;
    };
    let current = ctx.data.rollout_or_pending(council, tab.column).blocked_reason;
    let kind = PromptKind::BlockReason { cell };
    Outcome::Open(Box::new(Prompt::new(kind, &current, REASON_LIMIT)))
}

pub fn csv(tab: &RolloutTab, ctx: &Ctx) -> Result<Vec<u8>, crate::io::IoError> {
    let data = &ctx.data;
    let mut header = vec!["ine_code".to_string(), "municipality".to_string()];
    header.extend(services().iter().map(|s| s.id.clone()));
    header.extend(["done".to_string(), "applicable".to_string()]);
    let rows = tab.rows.iter().map(|&m| {
        let council = &data.municipalities[m];
        let mut record = vec![council.ine.to_string(), council.name.clone()];
        record.extend((0..services().len()).map(|s| data.status(m, s).as_str().to_string()));
        let tally = data.tally(m);
        record.extend([tally.done.to_string(), tally.applicable.to_string()]);
        record
    });
    to_csv(std::iter::once(header).chain(rows))
}

pub fn summary(tab: &RolloutTab, ctx: &Ctx) -> Option<String> {
    let t = &ctx.t;
    let m = tab.selected_index()?;
    let s = tab.column;
    let r = ctx.data.rollout_or_pending(m, s);
    Some(t.f(
        Msg::summary_rollout,
        &[
            ("name", &ctx.data.municipalities[m].name),
            ("service", &services()[s].name),
            ("status", &t.t(status_msg(r.status))),
            ("done", &r.steps_done()),
            ("steps", &r.steps.len()),
        ],
    ))
}
