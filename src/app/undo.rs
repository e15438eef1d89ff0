//! Undo and redo of this user's own changes, said in the words of the change's kind.

use super::ctx::{Ctx, StatusKind};
use crate::i18n::Msg;
use crate::store::{Applied, StoreError};

impl Ctx {
    pub fn undo_redo(&mut self, undo: bool) {
        if self.refuse_offline() {
            return;
        }
        // Changes not on disk go first: the undo stack is the store's.
        self.recover_store();
        let now = self.now();
        let result = if undo {
            self.store.undo(now)
        } else {
            self.store.redo(now)
        };
        match result {
            Ok(Some(applied)) => self.mirror(applied, undo),
            Ok(None) => {
                let msg = if undo {
                    Msg::nothing_to_undo
                } else {
                    Msg::nothing_to_redo
                };
                self.set_status(StatusKind::Info, self.t.t(msg).to_string());
            }
            // Someone changed a record the change touched since: said with who.
            Err(e @ StoreError::Conflict { .. }) => {
                tracing::info!("undo or redo refused: {e}");
                self.catch_up();
                let detail = e.conflict_words(&self.t, self.now());
                let msg = if undo {
                    Msg::undo_refused
                } else {
                    Msg::redo_refused
                };
                self.set_status(StatusKind::Error, self.t.f(msg, &[("detail", &detail)]));
            }
            Err(e) => {
                let _ = self.applied(Err(e));
            }
        }
    }

    fn mirror(&mut self, applied: Applied, undo: bool) {
        let Some(applied) = self.applied(Ok(applied)) else {
            return;
        };
        let what = self.t.t(applied.change.label()).to_string();
        let msg = if undo { Msg::undone } else { Msg::redone };
        self.set_status(StatusKind::Saved, self.t.f(msg, &[("what", &what)]));
    }
}
