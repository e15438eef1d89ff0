//! One activity in full, with the history entries that touched it.

mod view;

use crate::app::Ctx;
use crate::app::action::Context;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::scroll::Scroll;
use crate::domain::activity::ActivityStatus;
use crate::i18n::Msg;
use crate::store::{HistoryHead, Record, RecordId};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug)]
pub struct ActivityDetail {
    pub id: u64,
    pub history: Vec<HistoryLine>,
    pub scroll: Scroll,
}

/// One change to an activity: when, who, what, and the status it moved between.
#[derive(Debug)]
pub struct HistoryLine {
    pub head: HistoryHead,
    pub status: Option<(ActivityStatus, ActivityStatus)>,
}

impl ActivityDetail {
    /// Activity `id` with its history, read from the store.
    pub fn open(ctx: &Ctx, id: u64) -> crate::store::Result<ActivityDetail> {
        let mut history = Vec::new();
        for entry in ctx.store.history(&RecordId::Activity(id))? {
            // An import's entry holds every activity it added: its head says enough.
            let status = match entry.edit.as_ref().map(|e| (&e.before, &e.after)) {
                Some((Some(Record::Activity(before)), Some(Record::Activity(after)))) => {
                    (before.status != after.status).then_some((before.status, after.status))
                }
                _ => None,
            };
            history.push(HistoryLine {
                head: entry.head,
                status,
            });
        }
        Ok(ActivityDetail {
            id,
            history,
            scroll: Scroll::default(),
        })
    }
}

impl Popup for ActivityDetail {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
            return PopupOutcome::Close;
        }
        if let Some(action) = ctx.keymap.lookup(&[Context::Table], &key) {
            self.scroll.apply(action);
        }
        PopupOutcome::Keep
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }

    fn hints(&self) -> Hints {
        Hints::Fixed(Msg::hints_scroll)
    }
}
