//! Undo and redo of this user's own changes, said with the record they touched
//! (`Desfet: #12 Maria Puig, emesa → a EACAT`), which is then selected, on the
//! tab that shows it.

use super::ctx::{Ctx, StatusKind};
use super::data::RolloutCell;
use super::effect::Target;
use crate::i18n::Msg;
use crate::i18n::words::{cert_status_short_msg, status_msg};
use crate::store::{Applied, Edit, Record, StoreError};

impl Ctx {
    /// `follow`: select the record, switching tab if needed (not from a popup,
    /// which stays over its own tab).
    pub fn undo_redo(&mut self, undo: bool, follow: bool) {
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
            Ok(Some(applied)) => self.mirror(applied, undo, follow),
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

    fn mirror(&mut self, applied: Applied, undo: bool, follow: bool) {
        let Some(applied) = self.applied(Ok(applied)) else {
            return;
        };
        // A count label (`renovacions`) names one change of one edit in the singular.
        let label = self.t.n(applied.change.label(), applied.edits.len());
        let what = match applied.edits.as_slice() {
            [edit] => self.edit_words(edit, &label).unwrap_or(label),
            // Several: the requests made or taken back, by number and holder.
            edits => {
                let named: Vec<String> = edits
                    .iter()
                    .filter(|e| e.before.is_none() != e.after.is_none())
                    .filter_map(|e| match e.after.as_ref().or(e.before.as_ref()) {
                        Some(Record::Certificate(c)) => {
                            Some(format!("#{} {}", c.id, crate::domain::text::clean(&c.holder)))
                        }
                        _ => None,
                    })
                    .collect();
                match named.len() {
                    0 => label,
                    1..=5 => format!("{label} ({})", named.join(", ")),
                    n => format!("{label} ({}, … +{})", named[..5].join(", "), n - 5),
                }
            }
        };
        let msg = if undo { Msg::undone } else { Msg::redone };
        self.set_status(StatusKind::Saved, self.t.f(msg, &[("what", &what)]));
        // A record still there after the change is shown; one that went is not.
        if let [
            Edit {
                after: Some(record), ..
            },
        ] = applied.edits.as_slice()
            && follow
        {
            let target = match record {
                Record::Certificate(c) => Target::Request(c.id),
                Record::Municipality(m) => Target::Council(m.ine),
                Record::Rollout(r) => Target::Cell(RolloutCell {
                    council: r.ine,
                    service: r.service.clone(),
                }),
                Record::Activity(a) => Target::Activity(a.id),
                // Neither has a screen of its own to show it on.
                Record::Operator(_) | Record::Service(_) => return,
            };
            self.show(target);
        }
    }

    /// One edit in words: the record, and the status it moved between, or else
    /// `label`, what kind of change it was (`Àger · TRA, pendent → en curs`).
    fn edit_words(&self, edit: &Edit, label: &str) -> Option<String> {
        let record = edit.after.as_ref().or(edit.before.as_ref())?;
        let name = self.record_name(record);
        let moved = match (&edit.before, &edit.after) {
            (Some(Record::Certificate(a)), Some(Record::Certificate(b))) if a.status != b.status => Some((
                self.t.t(cert_status_short_msg(a.status)),
                self.t.t(cert_status_short_msg(b.status)),
            )),
            (Some(Record::Rollout(a)), Some(Record::Rollout(b))) if a.status != b.status => {
                Some((self.t.t(status_msg(a.status)), self.t.t(status_msg(b.status))))
            }
            (Some(Record::Activity(a)), Some(Record::Activity(b))) if a.status != b.status => Some((
                self.t.t(crate::i18n::words::activity_status_msg(a.status)),
                self.t.t(crate::i18n::words::activity_status_msg(b.status)),
            )),
            _ => None,
        };
        let detail = match moved {
            Some((from, to)) => format!("{from} → {to}"),
            None => label.to_string(),
        };
        Some(format!("{name}, {detail}"))
    }
}
