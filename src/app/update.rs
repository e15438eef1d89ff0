//! Actions from the keymap: the app-wide ones here, the rest to the current tab.

use super::action::Action;
use super::ctx::StatusKind;
use super::tab::Outcome;
use super::{App, Popup};
use crate::i18n::Msg;
use crate::popups::activity_form::ActivityForm;
use crate::popups::{help::Help, jump::Jump, prompt::Prompt};
use crate::widgets::input::Edited;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// Applies one action to the state; true if the screen may have changed.
    pub fn update(&mut self, action: Action) -> bool {
        let changed = self.apply(action);
        self.settle();
        changed
    }

    pub(super) fn apply(&mut self, action: Action) -> bool {
        self.ctx.status = None;
        if self.ctx.read_only && action.is_edit() {
            self.ctx.refuse_read_only();
            return true;
        }
        if action.is_edit() && self.ctx.refuse_offline() {
            return true;
        }
        let needs_certificates =
            matches!(action, Action::Undo | Action::Redo) || self.current_tab().needs_certificates(action);
        if needs_certificates && !self.ctx.data.certs_loaded {
            self.ctx.refuse_while_loading();
            return true;
        }
        let count = self.tabs.len();
        match action {
            Action::Quit => self.request_quit(),
            Action::Save => return self.ctx.retry_save(true),
            Action::Help => {
                let tab = self.current_tab();
                self.open_popup(Help::new(tab.help_contexts(), tab.title()));
            }
            Action::NextTab => self.switch_to((self.active + 1) % count),
            Action::PrevTab => self.switch_to((self.active + count - 1) % count),
            Action::Jump => self.open_popup(Jump::new(&self.ctx.data)),
            Action::Messages => self.open_popup(crate::popups::messages::Messages::default()),
            Action::Undo => self.ctx.undo_redo(true, true),
            Action::Redo => self.ctx.undo_redo(false, true),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::First | Action::Last => {
                return self.tabs[self.active].move_cursor(action, &self.ctx);
            }
            Action::Filter => match self.tabs[self.active].filter_mut(&mut self.ctx) {
                Some((_, typing)) => *typing = true,
                None => return false,
            },
            Action::LogCall => {
                let about = self.current_tab().log_about(&self.ctx);
                let form = ActivityForm::log(&self.ctx, &about);
                self.open_popup(form);
            }
            Action::ExportView => return self.export_view(),
            Action::CopyRow => return self.copy_row(),
            // Keys of the checklist, with no meaning on a tab.
            Action::ToggleStep | Action::EditNotes => return false,
            action => {
                if let Some(to) = self.tabs.iter().position(|t| t.action() == action) {
                    self.switch_to(to);
                    return true;
                }
                return match self.tabs[self.active].update(action, &mut self.ctx) {
                    Outcome::Ignored => false,
                    Outcome::Changed => true,
                    Outcome::Open(popup) => {
                        self.popup = Some(popup);
                        true
                    }
                };
            }
        }
        true
    }

    fn open_popup(&mut self, popup: impl Popup) {
        self.popup = Some(Box::new(popup));
    }

    /// `q` or Ctrl-C: quits, or asks first when changes are not on disk.
    fn request_quit(&mut self) {
        if self.ctx.request_quit() {
            self.open_popup(Prompt::confirm_quit());
        }
    }

    /// Changes tab, carrying the selected record to the new one if it lists it.
    pub fn switch_to(&mut self, to: usize) {
        // A hidden tab may have left its rows until it is shown.
        if to != self.active {
            self.tabs[to].refresh(&self.ctx);
        }
        if let Some(target) = self.tabs[self.active].selection(&self.ctx) {
            self.tabs[to].select(&target, &self.ctx);
        }
        self.active = to;
    }

    /// Keys while typing into the current tab's filter.
    pub(super) fn filter_key(&mut self, key: KeyEvent) -> bool {
        let move_action = match key.code {
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown => Some(Action::PageDown),
            _ => None,
        };
        if let Some(action) = move_action {
            return self.tabs[self.active].move_cursor(action, &self.ctx);
        }
        let Some((filter, typing)) = self.tabs[self.active].filter_mut(&mut self.ctx) else {
            return false;
        };
        match key.code {
            KeyCode::Esc => {
                *typing = false;
                filter.set("");
                self.ctx.refresh_rows();
            }
            KeyCode::Enter => *typing = false,
            _ => {
                let before = filter.len();
                let edited = filter.handle_key(&key);
                return self.after_filter_edit(edited, before);
            }
        }
        true
    }

    /// Pasted text with no popup open goes to the tab's filter, which opens.
    pub(super) fn paste_filter(&mut self, text: &str) -> bool {
        let Some((filter, typing)) = self.tabs[self.active].filter_mut(&mut self.ctx) else {
            return false;
        };
        *typing = true;
        let before = filter.len();
        let edited = filter.insert(text);
        self.after_filter_edit(edited, before)
    }

    /// `before`: the filter's length before the edit. A key refused by a full filter
    /// filters nothing anew: the rows stay, so a long paste stays fast.
    fn after_filter_edit(&mut self, edited: Edited, before: usize) -> bool {
        match edited {
            Edited::Changed => self.ctx.refresh_rows(),
            Edited::Full => {
                let len = self
                    .current_tab()
                    .filter(&self.ctx)
                    .map_or(before, |(f, _)| f.len());
                if len != before {
                    self.ctx.refresh_rows();
                }
                let text = self.ctx.t.n(Msg::field_full, super::councils::FILTER_LIMIT);
                self.ctx.set_status(StatusKind::Info, text);
            }
            Edited::Moved => {}
            Edited::Ignored => return false,
        }
        true
    }
}
