//! Keys and pastes while a popup is open.

use super::action::Context;
use super::contacts_form::FormOutcome;
use super::prompt::{PromptKind, parse_date};
use super::{App, Popup, StatusKind, Tab};
use crate::i18n::Msg;
use crate::ops;
use crate::widgets::input::Edited;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn popup_key(&mut self, key: KeyEvent) -> bool {
        match self.popup.take() {
            Some(Popup::Help(cursor)) => self.help_key(key, cursor),
            Some(Popup::Jump(jump)) => self.jump_key(key, jump),
            Some(Popup::Contacts(form)) => self.contacts_key(key, form),
            Some(Popup::Prompt(prompt)) => self.prompt_key(key, prompt),
            Some(Popup::Checklist(list)) => self.checklist_key(key, list),
            Some(Popup::Request(form)) => self.request_key(key, form),
            Some(Popup::CertDetail(detail)) => self.cert_detail_key(key, detail),
            None => false,
        }
    }

    fn help_key(&mut self, key: KeyEvent, mut cursor: super::table::Cursor) -> bool {
        let closes = matches!(
            key.code,
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::F(1)
        );
        if closes {
            return true;
        }
        let len = crate::views::help::line_count(self);
        let moved = match self.keymap.lookup(&[Context::Table], &key) {
            Some(action) => cursor.apply(action, len.saturating_sub(cursor.page()) + 1),
            None => false,
        };
        self.popup = Some(Popup::Help(cursor));
        moved
    }

    fn jump_key(&mut self, key: KeyEvent, mut jump: super::jump::Jump) -> bool {
        match key.code {
            KeyCode::Esc => return true,
            KeyCode::Enter => {
                if let Some(index) = jump.selected() {
                    self.show_council(index);
                    return true;
                }
            }
            KeyCode::Up => {
                jump.cursor.apply(super::action::Action::Up, jump.matches.len());
            }
            KeyCode::Down => {
                jump.cursor.apply(super::action::Action::Down, jump.matches.len());
            }
            _ => {
                if jump.input.handle_key(&key) == Edited::Changed {
                    jump.refresh(&self.data);
                }
            }
        }
        self.popup = Some(Popup::Jump(jump));
        true
    }

    /// Shows a council's whole picture: Municipis tab, selected, detail open.
    pub fn show_council(&mut self, index: usize) {
        self.tab = Tab::Municipalities;
        self.municipalities.filtering = false;
        self.municipalities
            .reveal(&self.data, self.config.threshold, index);
        self.municipalities.detail = true;
        self.municipalities.detail_scroll = super::table::Cursor::default();
    }

    fn contacts_key(&mut self, key: KeyEvent, mut form: super::contacts_form::ContactsForm) -> bool {
        match form.handle_key(&key) {
            FormOutcome::Close => return true,
            FormOutcome::Save => match form.result() {
                Ok(after) => match ops::councils::edit_contacts(&form.original, after) {
                    Ok(None) => return true,
                    Ok(Some(change)) => {
                        if self.commit(change).is_some() {
                            return true;
                        }
                    }
                    Err(rule) => form.error = Some(super::contacts_form::FormError::of(&rule)),
                },
                Err(e) => form.error = Some(e),
            },
            FormOutcome::Full => self.field_full_status(),
            FormOutcome::Stay => {}
        }
        self.popup = Some(Popup::Contacts(form));
        true
    }

    fn prompt_key(&mut self, key: KeyEvent, mut prompt: super::prompt::Prompt) -> bool {
        if prompt.kind == PromptKind::ConfirmQuit {
            // Only s (or y) quits; anything else stays, with the changes still marked.
            self.quit = matches!(key.code, KeyCode::Char('s' | 'S' | 'y' | 'Y'));
            return true;
        }
        if let PromptKind::ConfirmAdvance { id } = prompt.kind {
            // One key answers: s (or y) confirms, anything else declines.
            if matches!(key.code, KeyCode::Char('s' | 'S' | 'y' | 'Y')) {
                self.apply_advance(id);
            }
            return true;
        }
        match key.code {
            KeyCode::Esc => return true,
            KeyCode::Enter => match prompt.kind {
                PromptKind::FormSent { council } => {
                    let typed = prompt.input.value().trim();
                    let date = if typed.is_empty() {
                        Some(self.today())
                    } else {
                        parse_date(typed)
                    };
                    let council = &self.data.municipalities[council];
                    match date.map(|d| ops::councils::record_fitxa(council, d, self.today())) {
                        Some(Err(rule)) => prompt.error = Some(self.t.t(rule.msg()).to_string()),
                        Some(Ok(change)) => {
                            if self.commit(change).is_some() {
                                return true;
                            }
                        }
                        None => {
                            prompt.error = Some(self.t.f(Msg::date_invalid, &[("text", &typed)]));
                        }
                    }
                }
                PromptKind::CancelRequest { id } | PromptKind::RejectRequest { id } => {
                    let cancel = matches!(prompt.kind, PromptKind::CancelRequest { .. });
                    let answer = prompt.input.value().to_string();
                    match self.close_request(id, cancel, &answer) {
                        Ok(()) => return true,
                        Err(msg) => prompt.error = Some(self.t.t(msg).to_string()),
                    }
                }
                PromptKind::ConfirmAdvance { .. } | PromptKind::ConfirmQuit => {}
                PromptKind::BlockReason { council, service } => {
                    let reason = prompt.input.value().to_string();
                    match self.block_with_reason(council, service, &reason) {
                        Some(msg) => prompt.error = Some(self.t.t(msg).to_string()),
                        None => return true,
                    }
                }
            },
            _ => {
                // The prompt has the status line: a full field is said there.
                prompt.error = (prompt.input.handle_key(&key) == Edited::Full)
                    .then(|| self.t.t(Msg::field_full_short).to_string());
            }
        }
        self.popup = Some(Popup::Prompt(prompt));
        true
    }

    fn field_full_status(&mut self) {
        self.set_status(StatusKind::Info, self.t.t(Msg::field_full_short).to_string());
    }

    /// Pasted text goes to whatever field has the focus.
    pub(super) fn paste(&mut self, text: &str) -> bool {
        let full = match &mut self.popup {
            Some(Popup::Jump(jump)) => {
                let edited = jump.input.insert(text);
                jump.refresh(&self.data);
                edited == Edited::Full
            }
            Some(Popup::Contacts(form)) => form.paste(text) == FormOutcome::Full,
            Some(Popup::Prompt(prompt)) => {
                prompt.error = (prompt.input.insert(text) == Edited::Full)
                    .then(|| self.t.t(Msg::field_full_short).to_string());
                false
            }
            Some(Popup::Checklist(list)) => list
                .notes
                .as_mut()
                .is_some_and(|n| n.insert(text) == Edited::Full),
            Some(Popup::Request(form)) => form.paste(text, &self.data) == FormOutcome::Full,
            Some(Popup::Help(_)) | Some(Popup::CertDetail(_)) => return false,
            None => {
                let (filter, filtering) = self.filter_mut();
                *filtering = true;
                let before = filter.len();
                let edited = filter.insert(text);
                return self.after_filter_edit(edited, before);
            }
        };
        if full {
            self.field_full_status();
        }
        true
    }
}
