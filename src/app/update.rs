//! Actions from the keymap, applied to the state.

use super::action::Action;
use super::contacts_form::ContactsForm;
use super::jump::Jump;
use super::prompt::{Prompt, PromptKind};
use super::table::Cursor;
use super::{App, Popup, StatusKind, Tab, WIDE};
use crate::i18n::Msg;
use crate::store::Applied;
use crate::widgets::input::Edited;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// Applies one action to the state; true if the screen may have changed.
    pub fn update(&mut self, action: Action) -> bool {
        self.status = None;
        if self.read_only && action.is_edit() {
            self.refuse_read_only();
            return true;
        }
        let needs_certificates = matches!(
            action,
            Action::Undo
                | Action::Redo
                | Action::NewRequest
                | Action::Advance
                | Action::CancelRequest
                | Action::RejectRequest
                | Action::ToggleView
        ) || (self.tab == Tab::Certificates
            && matches!(
                action,
                Action::Edit | Action::Open | Action::ExportView | Action::CopyRow | Action::Filter
            ));
        if needs_certificates && !self.data.certs_loaded {
            self.refuse_while_loading();
            return true;
        }
        match action {
            Action::Quit => self.request_quit(),
            Action::Save => return self.retry_save(true),
            Action::Help => self.popup = Some(Popup::Help(Cursor::default())),
            Action::NextTab => self.switch_tab(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Action::PrevTab => {
                self.switch_tab(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Action::TabMunicipalities => self.switch_tab(Tab::Municipalities),
            Action::TabRollout => self.switch_tab(Tab::Rollout),
            Action::TabCertificates => self.switch_tab(Tab::Certificates),
            Action::Jump => self.popup = Some(Popup::Jump(Jump::new(&self.data))),
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::First | Action::Last => {
                return self.move_cursor(action);
            }
            Action::Filter => match self.tab {
                Tab::Municipalities | Tab::Rollout => self.municipalities.filtering = true,
                Tab::Certificates => self.certificates.filtering = true,
            },
            Action::Back => return self.back(),
            Action::Open => match self.tab {
                Tab::Municipalities if self.municipalities.selected_index().is_some() => {
                    self.municipalities.detail = true;
                    self.municipalities.detail_scroll = Cursor::default();
                }
                Tab::Rollout => return self.open_checklist(),
                Tab::Certificates => return self.open_request(),
                _ => return false,
            },
            Action::NewRequest => return self.new_request(),
            Action::ExportView => return self.export_view(),
            Action::CopyRow => return self.copy_row(),
            Action::Advance => return self.advance_request(),
            Action::CancelRequest => return self.ask_close_request(true),
            Action::RejectRequest => return self.ask_close_request(false),
            Action::ToggleView => {
                use super::certificates::CertView;
                self.certificates.view = match self.certificates.view {
                    CertView::Queue => CertView::Expiry,
                    CertView::Expiry => CertView::Queue,
                };
                self.certificates.cursor = Cursor::default();
                self.refresh_certificates();
            }
            Action::Left => self.rollout.move_column(-1),
            Action::Right => self.rollout.move_column(1),
            Action::CycleStatus => return self.cycle_status(),
            Action::NotApplicable => return self.set_not_applicable(),
            Action::Block => return self.ask_block_reason(),
            Action::FilterStatus => {
                let column = self.rollout.column;
                let current = self.rollout.filter.filter(|(s, _)| *s == column).map(|(_, f)| f);
                self.rollout.filter = super::rollout::StatusFilter::next(current).map(|f| (column, f));
                self.refresh_rows();
            }
            Action::ToggleStep | Action::EditNotes => return false,
            Action::ToggleAll => {
                self.municipalities.show_all = !self.municipalities.show_all;
                self.refresh_rows();
            }
            Action::SortNext => {
                self.municipalities.sort = self.municipalities.sort.next();
                self.municipalities.reverse = false;
                self.refresh_rows();
            }
            Action::SortReverse => {
                self.municipalities.reverse = !self.municipalities.reverse;
                self.refresh_rows();
            }
            Action::Edit if self.tab == Tab::Certificates => return self.edit_request(),
            Action::Edit => {
                let Some(i) = self.municipalities.selected_index() else {
                    return false;
                };
                self.popup = Some(Popup::Contacts(ContactsForm::new(
                    i,
                    &self.data.municipalities[i],
                )));
            }
            Action::FormSent => {
                let Some(council) = self.municipalities.selected_index() else {
                    return false;
                };
                let today = self.today().format("%Y-%m-%d").to_string();
                self.popup = Some(Popup::Prompt(Prompt::new(
                    PromptKind::FormSent { council },
                    &today,
                    20,
                )));
            }
        }
        true
    }

    /// Changes tab, carrying the selected council between Municipis and Implantació.
    pub fn switch_tab(&mut self, to: Tab) {
        let council = match self.tab {
            Tab::Municipalities => self.municipalities.selected_index(),
            Tab::Rollout => self.rollout.selected_index(),
            Tab::Certificates => None,
        };
        if let Some(council) = council {
            match to {
                Tab::Municipalities => {
                    if let Some(pos) = self.municipalities.rows.iter().position(|&r| r == council) {
                        self.municipalities.cursor.select(pos);
                    }
                }
                Tab::Rollout => {
                    if let Some(pos) = self.rollout.rows.iter().position(|&r| r == council) {
                        self.rollout.cursor.select(pos);
                    }
                }
                Tab::Certificates => {}
            }
        }
        self.tab = to;
    }

    /// True when the detail pane takes the whole body (narrow terminals).
    pub fn detail_alone(&self) -> bool {
        self.tab == Tab::Municipalities && self.municipalities.detail && self.last_width.get() < WIDE
    }

    fn move_cursor(&mut self, action: Action) -> bool {
        let len = self.municipalities.rows.len();
        match self.tab {
            Tab::Municipalities if self.detail_alone() => {
                let lines = crate::views::council_detail::line_count(self);
                let scrollable = lines.saturating_sub(self.municipalities.detail_scroll.page()) + 1;
                self.municipalities.detail_scroll.apply(action, scrollable)
            }
            Tab::Municipalities => {
                let moved = self.municipalities.cursor.apply(action, len);
                self.municipalities.detail_scroll = Cursor::default();
                moved
            }
            Tab::Rollout => self.rollout.cursor.apply(action, self.rollout.rows.len()),
            Tab::Certificates => self
                .certificates
                .cursor
                .apply(action, self.certificates.rows.len()),
        }
    }

    /// Esc: close the detail, else the status filter, else clear the name filter. Never quits.
    fn back(&mut self) -> bool {
        if self.tab == Tab::Rollout && self.rollout.filter.is_some() {
            self.rollout.filter = None;
            self.refresh_rows();
            return true;
        }
        if self.tab == Tab::Certificates {
            if self.certificates.filter.is_empty() {
                return false;
            }
            self.certificates.filter.set("");
            self.refresh_certificates();
            return true;
        }
        let state = &mut self.municipalities;
        if state.detail && self.tab == Tab::Municipalities {
            state.detail = false;
        } else if !state.filter.is_empty() {
            state.filter.set("");
            self.refresh_rows();
        } else {
            return false;
        }
        true
    }

    /// The filter of the current tab, and whether keys go to it.
    pub(super) fn filter_state(&self) -> (&crate::widgets::input::TextInput, bool) {
        match self.tab {
            Tab::Municipalities | Tab::Rollout => {
                (&self.municipalities.filter, self.municipalities.filtering)
            }
            Tab::Certificates => (&self.certificates.filter, self.certificates.filtering),
        }
    }

    pub(super) fn filter_mut(&mut self) -> (&mut crate::widgets::input::TextInput, &mut bool) {
        match self.tab {
            Tab::Municipalities | Tab::Rollout => (
                &mut self.municipalities.filter,
                &mut self.municipalities.filtering,
            ),
            Tab::Certificates => (&mut self.certificates.filter, &mut self.certificates.filtering),
        }
    }

    /// Keys while typing into the current tab's filter.
    pub(super) fn filter_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Esc => {
                let (filter, filtering) = self.filter_mut();
                *filtering = false;
                filter.set("");
                self.refresh_rows();
            }
            KeyCode::Enter => *self.filter_mut().1 = false,
            KeyCode::Up => return self.move_cursor(Action::Up),
            KeyCode::Down => return self.move_cursor(Action::Down),
            KeyCode::PageUp => return self.move_cursor(Action::PageUp),
            KeyCode::PageDown => return self.move_cursor(Action::PageDown),
            _ => {
                let filter = self.filter_mut().0;
                let before = filter.len();
                let edited = filter.handle_key(&key);
                return self.after_filter_edit(edited, before);
            }
        }
        true
    }

    /// `before`: the filter's length before the edit. A key refused by a full filter
    /// filters nothing anew: the rows stay, so a long paste stays fast.
    pub(super) fn after_filter_edit(&mut self, edited: Edited, before: usize) -> bool {
        match edited {
            Edited::Changed => self.refresh_rows(),
            Edited::Full => {
                if self.filter_mut().0.len() != before {
                    self.refresh_rows();
                }
                let text = self
                    .t
                    .f(Msg::field_full, &[("n", &super::municipalities::FILTER_LIMIT)]);
                self.set_status(StatusKind::Info, text);
            }
            Edited::Moved => {}
            Edited::Ignored => return false,
        }
        true
    }

    pub(super) fn undo_redo(&mut self, undo: bool) {
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
