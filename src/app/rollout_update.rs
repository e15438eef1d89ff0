//! Changes to the rollout matrix and its checklists.

use super::action::{Action, Context};
use super::checklist::{Checklist, NOTES_LIMIT};
use super::prompt::{Prompt, PromptKind};
use super::{App, Popup, StatusKind};
use crate::domain::catalog::services;
use crate::domain::rollout::RolloutStatus;
use crate::i18n::Msg;
use crate::i18n::words::status_msg;
use crate::ops::{self, rollout::Cell};
use crate::store::{Change, Record};
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};

pub const REASON_LIMIT: usize = crate::domain::limits::REASON;

impl App {
    /// The selected cell: (council, service).
    fn selected_cell(&self) -> Option<(usize, usize)> {
        self.rollout.selected_index().map(|m| (m, self.rollout.column))
    }

    /// One cell of the matrix, as `ops::rollout` takes it.
    fn cell(&self, council: usize, service: usize) -> Cell<'_> {
        Cell {
            stored: self.data.rollout[council][service].as_ref(),
            ine: self.data.municipalities[council].ine,
            service: &services()[service],
        }
    }

    /// Saves one cell's change, if there is one; says so, and names a status move.
    pub(super) fn commit_rollout(&mut self, council: usize, service: usize, change: Option<Change>) -> bool {
        let Some(change) = change else {
            return false;
        };
        let old_status = self.data.status(council, service);
        let new_status = match change.edits.first().and_then(|e| e.after.as_ref()) {
            Some(Record::Rollout(r)) => r.status,
            _ => old_status,
        };
        if self.commit(change).is_none() {
            return true;
        }
        if new_status != old_status {
            let text = self.t.f(
                Msg::status_moved,
                &[
                    ("service", &services()[service].name),
                    ("status", &self.t.t(status_msg(new_status))),
                ],
            );
            self.set_status(StatusKind::Saved, text);
        }
        true
    }

    pub(super) fn cycle_status(&mut self) -> bool {
        let Some((m, s)) = self.selected_cell() else {
            return false;
        };
        let change = ops::rollout::cycle_status(self.cell(m, s), self.now());
        self.commit_rollout(m, s, change)
    }

    pub(super) fn set_not_applicable(&mut self) -> bool {
        let Some((m, s)) = self.selected_cell() else {
            return false;
        };
        let change = ops::rollout::set_status(self.cell(m, s), RolloutStatus::NotApplicable, self.now());
        self.commit_rollout(m, s, change)
    }

    pub(super) fn ask_block_reason(&mut self) -> bool {
        let Some((council, service)) = self.selected_cell() else {
            return false;
        };
        let current = self.data.rollout_or_pending(council, service).blocked_reason;
        let kind = PromptKind::BlockReason { council, service };
        self.popup = Some(Popup::Prompt(Prompt::new(kind, &current, REASON_LIMIT)));
        true
    }

    /// The answer to the block-reason prompt: the words of the rule it breaks, or
    /// None once it is saved (or refused by the store, which says so).
    pub(super) fn block_with_reason(&mut self, council: usize, service: usize, reason: &str) -> Option<Msg> {
        match ops::rollout::block(self.cell(council, service), reason, self.now()) {
            Ok(change) => {
                self.commit_rollout(council, service, change);
                None
            }
            Err(rule) => Some(rule.msg()),
        }
    }

    pub(super) fn open_checklist(&mut self) -> bool {
        let Some((council, service)) = self.selected_cell() else {
            return false;
        };
        self.popup = Some(Popup::Checklist(Checklist::new(council, service)));
        true
    }

    pub(super) fn checklist_key(&mut self, key: KeyEvent, mut list: Checklist) -> bool {
        let (council, service) = (list.council, list.service);
        if list.confirm_discard {
            if matches!(key.code, KeyCode::Char('s' | 'S' | 'y' | 'Y')) {
                list.notes = None;
            }
            list.confirm_discard = false;
            self.popup = Some(Popup::Checklist(list));
            return true;
        }
        if let Some(notes) = &mut list.notes {
            match key.code {
                KeyCode::Esc => {
                    let stored = self.data.rollout_or_pending(council, service).notes;
                    if notes.value() == stored {
                        list.notes = None;
                    } else {
                        list.confirm_discard = true;
                    }
                }
                KeyCode::Enter => {
                    let change =
                        ops::rollout::set_notes(self.cell(council, service), notes.value(), self.now());
                    list.notes = None;
                    self.commit_rollout(council, service, change);
                }
                _ => {
                    if notes.handle_key(&key) == Edited::Full {
                        self.set_status(StatusKind::Info, self.t.t(Msg::field_full_short).to_string());
                    }
                }
            }
            self.popup = Some(Popup::Checklist(list));
            return true;
        }
        let steps = services()[service].steps.len();
        let action = self
            .keymap
            .lookup(&[Context::Checklist, Context::Table, Context::Global], &key);
        if self.read_only && action.is_some_and(|a| a.is_edit()) {
            self.refuse_read_only();
            self.popup = Some(Popup::Checklist(list));
            return true;
        }
        match action {
            Some(Action::Back) | Some(Action::Quit) if key.code == KeyCode::Esc => return true,
            Some(Action::ToggleStep) => {
                let step = list.cursor.selected;
                let change =
                    ops::rollout::tick_step(self.cell(council, service), step, self.now(), self.store.user());
                self.commit_rollout(council, service, change);
            }
            Some(Action::EditNotes) => {
                let current = self.data.rollout_or_pending(council, service).notes;
                list.notes = Some(TextInput::new(&current, NOTES_LIMIT));
            }
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::First
                | Action::Last),
            ) => {
                list.cursor.apply(action, steps);
            }
            Some(Action::Back) => return true,
            // The global keys still work with the checklist open.
            Some(Action::Undo) => self.undo_redo(true),
            Some(Action::Redo) => self.undo_redo(false),
            Some(action @ (Action::Help | Action::Quit)) => return self.update(action),
            _ => {}
        }
        self.popup = Some(Popup::Checklist(list));
        true
    }
}
