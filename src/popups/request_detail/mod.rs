//! One certificate request in full, with the history entries that touched it.

mod links;
mod view;

use crate::app::Ctx;
use crate::app::action::Context;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::scroll::Scroll;
use crate::domain::certificate::CertStatus;
use crate::i18n::Msg;
use crate::store::{HistoryHead, Record, RecordId};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug)]
pub struct RequestDetail {
    pub id: u64,
    pub history: Vec<HistoryLine>,
    pub scroll: Scroll,
}

/// One change to a request: when, who, what, and the status it moved between.
#[derive(Debug)]
pub struct HistoryLine {
    pub head: HistoryHead,
    pub status: Option<(CertStatus, CertStatus)>,
    /// The reason given with a rejection or cancellation.
    pub reason: Option<String>,
}

impl RequestDetail {
    /// Request `id` with its history, read from the store.
    pub fn open(ctx: &Ctx, id: u64) -> crate::store::Result<RequestDetail> {
        Ok(RequestDetail {
            id,
            history: history_lines(ctx, id)?,
            scroll: Scroll::default(),
        })
    }
}

fn history_lines(ctx: &Ctx, id: u64) -> crate::store::Result<Vec<HistoryLine>> {
    let mut lines = Vec::new();
    for entry in ctx.store.history(&RecordId::Certificate(id))? {
        let mut line = HistoryLine {
            head: entry.head,
            status: None,
            reason: None,
        };
        // An import's entry holds every request it added: its head says enough.
        if let Some(edit) = entry.edit
            && let (Some(Record::Certificate(before)), Some(Record::Certificate(after))) =
                (&edit.before, &edit.after)
        {
            line.status = (before.status != after.status).then_some((before.status, after.status));
            line.reason = (after.status_reason() != before.status_reason()
                && !after.status_reason().is_empty())
            .then(|| after.status_reason().to_string());
        }
        lines.push(line);
    }
    Ok(lines)
}

impl Popup for RequestDetail {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
            return PopupOutcome::Close;
        }
        let action = ctx.keymap.lookup(&[Context::Table], &key);
        // A request rejected for a missing appointment: the message for the council.
        if action == Some(crate::app::action::Action::CopyRow)
            && crate::app::appointment::copy_council_message(ctx, self.id)
        {
            return PopupOutcome::Keep;
        }
        if let Some(action) = action {
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
