//! Undo and redo, and the words for each kind of change in the history.

use super::ctx::{Ctx, StatusKind};
use crate::i18n::Msg;
use crate::store::Applied;

/// The words for a change in the history, for "Desfet: …".
pub fn change_label(action: &str) -> Msg {
    match action {
        "contacts.edit" => Msg::change_contacts,
        "form.sent" => Msg::change_form_sent,
        "import.contacts" => Msg::change_import_contacts,
        "rollout.status" => Msg::change_rollout_status,
        "rollout.step" => Msg::change_rollout_step,
        "rollout.notes" => Msg::change_rollout_notes,
        "cert.new" => Msg::change_cert_new,
        "cert.edit" => Msg::change_cert_edit,
        "cert.status" => Msg::change_cert_status,
        "cert.cancel" => Msg::change_cert_cancel,
        "cert.reject" => Msg::change_cert_reject,
        "import.certificates" => Msg::change_import_certificates,
        _ => Msg::change_other,
    }
}

impl Ctx {
    pub fn undo_redo(&mut self, undo: bool) {
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
            Err(e) => {
                // Applied but not on disk is still applied: the screen shows it, marked.
                let _ = self.applied(Err(e));
            }
        }
    }

    fn mirror(&mut self, applied: Applied, undo: bool) {
        let Some(applied) = self.applied(Ok(applied)) else {
            return;
        };
        let what = self.t.t(change_label(&applied.action)).to_string();
        let msg = if undo { Msg::undone } else { Msg::redone };
        self.set_status(StatusKind::Saved, self.t.f(msg, &[("what", &what)]));
    }
}
