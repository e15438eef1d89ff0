//! The Activitat tab's actions: log, edit, close, wait, open; its rows as CSV
//! and its selection in words.

use super::ActivityTab;
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::changes::toggle_wait;
use crate::app::ctx::StatusKind;
use crate::app::tab::Outcome;
use crate::domain::municipality::IneCode;
use crate::i18n::Msg;
use crate::i18n::words::{activity_kind_msg, activity_status_msg};
use crate::io::Format;
use crate::io::activity_export::{ActivityOut, write};
use crate::popups::activity_detail::ActivityDetail;
use crate::popups::activity_form::ActivityForm;
use crate::popups::prompt::{Prompt, PromptKind};
use crate::store::{Kind, RecordId};
use std::collections::HashMap;

pub fn update(tab: &mut ActivityTab, action: Action, ctx: &mut Ctx) -> Outcome {
    let selected = tab.selected_id(ctx);
    match action {
        Action::NewActivity => Outcome::Open(Box::new(ActivityForm::new_entry(ctx))),
        Action::Edit => match selected.and_then(|id| ctx.data.activities.get(id)) {
            Some(a) => Outcome::Open(Box::new(ActivityForm::edit(ctx, a))),
            None => Outcome::Ignored,
        },
        Action::CloseActivity => {
            let Some(a) = selected.and_then(|id| ctx.data.activities.get(id)) else {
                return Outcome::Ignored;
            };
            if !a.is_open() {
                ctx.set_status(StatusKind::Info, ctx.t.t(Msg::act_err_closed).to_string());
                return Outcome::Changed;
            }
            let kind = PromptKind::CloseActivity { id: a.id };
            Outcome::Open(Box::new(Prompt::new(kind, "", crate::domain::limits::REASON)))
        }
        Action::MarkWaiting => match selected {
            Some(id) => toggle_wait(ctx, id).into(),
            None => Outcome::Ignored,
        },
        Action::Open => {
            let Some(id) = selected else {
                return Outcome::Ignored;
            };
            match ActivityDetail::open(ctx, id) {
                Ok(detail) => Outcome::Open(Box::new(detail)),
                Err(e) => {
                    ctx.say_store_error(&e);
                    Outcome::Changed
                }
            }
        }
        Action::ToggleView => {
            tab.view = tab.view.next();
            // The other view starts at its top.
            tab.cursor = Default::default();
            tab.selected = None;
            tab.refresh_rows(ctx);
            Outcome::Changed
        }
        Action::Back => {
            if tab.filter.is_empty() {
                return Outcome::Ignored;
            }
            tab.filter.set("");
            tab.refresh_rows(ctx);
            Outcome::Changed
        }
        _ => Outcome::Ignored,
    }
}

/// The rows on screen with every field of `export activity`, so they can be imported again.
pub fn csv(tab: &ActivityTab, ctx: &Ctx) -> Result<Vec<u8>, crate::io::IoError> {
    let names: HashMap<IneCode, &str> = ctx
        .data
        .municipalities
        .iter()
        .map(|m| (m.ine, m.name.as_str()))
        .collect();
    let data = &ctx.data.activities;
    let authors = ctx.store.authors(Kind::Activity).unwrap_or_default();
    let records: Vec<ActivityOut> = tab
        .rows
        .iter()
        .map(|&i| {
            let a = &data.list[i];
            let by = authors.get(&RecordId::Activity(a.id));
            ActivityOut::of(a, &names, &ctx.data.calendar, data.response_days, by)
        })
        .collect();
    write(&records, Format::Csv)
}

pub fn summary(tab: &ActivityTab, ctx: &Ctx) -> Option<String> {
    let t = &ctx.t;
    let i = tab.selected()?;
    let a = &ctx.data.activities.list[i];
    let councils: Vec<String> = a
        .council_codes()
        .into_iter()
        .map(|ine| ctx.data.council_name(ine))
        .collect();
    let due = match ctx.data.activities.due(i) {
        Some(due) if a.is_open() => format!(
            " · {}",
            t.f(Msg::act_summary_due, &[("due", &t.deadline(due, ctx.tz))])
        ),
        _ => String::new(),
    };
    Some(format!(
        "#{} · {} · {} · {} · {}{due}",
        a.id,
        councils.join(", "),
        t.t(activity_kind_msg(a.kind)),
        a.summary,
        t.t(activity_status_msg(a.status)),
    ))
}
