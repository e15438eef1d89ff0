//! Changes to certificate requests: filing, editing, advancing, cancelling, rejecting.

use super::certificates::CertView;
use super::contacts_form::FormOutcome;
use super::prompt::{Prompt, PromptKind};
use super::request_form::RequestForm;
use super::request_form::form_error;
use super::table::Cursor;
use super::{App, Popup, StatusKind};
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::domain::municipality::FormStatus;
use crate::i18n::Msg;
use crate::ops::{self, RuleError};
use crate::store::{HistoryHead, Record, RecordId};
use crossterm::event::{KeyCode, KeyEvent};

/// The detail of one request, with the history entries that touched it.
#[derive(Debug)]
pub struct CertDetail {
    pub id: u64,
    pub history: Vec<HistoryLine>,
    pub scroll: Cursor,
}

/// One change to a request: when, who, what, and the status it moved between.
#[derive(Debug)]
pub struct HistoryLine {
    pub head: HistoryHead,
    pub status: Option<(CertStatus, CertStatus)>,
    /// The reason given with a rejection or cancellation.
    pub reason: Option<String>,
}

impl App {
    fn selected_cert(&self) -> Option<CertificateRequest> {
        self.certificates
            .selected()
            .map(|i| self.data.certs.list[i].clone())
    }

    /// `n`: a new request, or in the expiry view a renewal of the selected certificate.
    pub(super) fn new_request(&mut self) -> bool {
        let form = match (self.certificates.view, self.selected_cert()) {
            (CertView::Expiry, Some(c)) if self.data.certs.renewed_by.contains_key(&c.id) => {
                let by = self.data.certs.renewed_by[&c.id];
                self.set_status(StatusKind::Info, self.t.f(Msg::renewal_exists, &[("id", &by)]));
                return true;
            }
            (CertView::Expiry, Some(c)) => RequestForm::renewal(&self.data, &c, self.now(), self.tz),
            _ => RequestForm::new(&self.data, None, self.now(), self.tz),
        };
        self.popup = Some(Popup::Request(Box::new(form)));
        true
    }

    pub(super) fn edit_request(&mut self) -> bool {
        let Some(c) = self.selected_cert() else {
            return false;
        };
        self.popup = Some(Popup::Request(Box::new(RequestForm::edit(
            &self.data, &c, self.tz,
        ))));
        true
    }

    pub(super) fn request_key(&mut self, key: KeyEvent, mut form: Box<RequestForm>) -> bool {
        match form.handle_key(&key, &self.data) {
            FormOutcome::Close => return true,
            FormOutcome::Full => {
                self.set_status(StatusKind::Info, self.t.t(Msg::field_full_short).to_string())
            }
            FormOutcome::Stay => {}
            FormOutcome::Save => match form.build(&self.data, self.tz) {
                Err(e) => form.error = Some(e),
                Ok(after) => {
                    let now = self.now();
                    let change = match &form.editing {
                        Some(before) => ops::requests::edit_request(before, after, now),
                        None => ops::requests::file_request(after, now).map(Some),
                    };
                    match change {
                        Err(rule) => form.error = Some(form_error(&rule)),
                        // Nothing changed: the form closes, as saved.
                        Ok(None) => return true,
                        Ok(Some(change)) => {
                            if let Some(applied) = self.commit(change) {
                                self.show_saved_request(&applied.edits);
                                return true;
                            }
                        }
                    }
                }
            },
        }
        self.popup = Some(Popup::Request(form));
        true
    }

    /// After filing or editing: the queue, the request selected, and what was saved.
    fn show_saved_request(&mut self, edits: &[crate::store::Edit]) {
        let saved = edits.iter().find_map(|e| match &e.after {
            Some(Record::Certificate(c)) => Some(c.clone()),
            _ => None,
        });
        let Some(saved) = saved else {
            return;
        };
        self.certificates.view = CertView::Queue;
        self.refresh_certificates();
        self.select_cert(saved.id);
        self.announce_filed(&saved);
    }

    fn select_cert(&mut self, id: u64) {
        let index = self.data.certs.index_of(id);
        if let Some(pos) = index.and_then(|index| self.certificates.rows.iter().position(|&i| i == index)) {
            self.certificates.cursor.select(pos);
        }
    }

    /// "Desat: sol·licitud #12, termini …", with a warning when the fitxa is not valid.
    fn announce_filed(&mut self, c: &CertificateRequest) {
        let mut text = match c.due_at(&self.data.calendar) {
            Some(due) => self.t.f(
                Msg::req_saved,
                &[("id", &c.id), ("due", &self.t.deadline(due, self.tz))],
            ),
            None => self.t.f(Msg::req_saved_awaiting, &[("id", &c.id)]),
        };
        let mut kind = StatusKind::Saved;
        if let Some(&m) = self.data.by_ine.get(&c.ine) {
            let council = &self.data.municipalities[m];
            if matches!(
                council.form_status(self.today()),
                FormStatus::NotSent | FormStatus::Expired
            ) {
                // The id and deadline first: they are what a cut line must keep.
                let warning = self.t.f(Msg::warn_form_invalid, &[("council", &council.name)]);
                text = format!("{text} {warning}");
                kind = StatusKind::Error;
            }
        }
        self.set_status(kind, text);
    }

    /// `a`: one step forward; issue and delivery ask first.
    pub(super) fn advance_request(&mut self) -> bool {
        let Some(c) = self.selected_cert() else {
            return false;
        };
        match c.status.next() {
            Some(CertStatus::Issued | CertStatus::Delivered) => {
                let kind = PromptKind::ConfirmAdvance { id: c.id };
                self.popup = Some(Popup::Prompt(Prompt::new(kind, "", 1)));
                true
            }
            Some(_) => self.apply_advance(c.id),
            None => {
                self.set_status(StatusKind::Info, self.t.t(Msg::req_no_next).to_string());
                true
            }
        }
    }

    pub(super) fn apply_advance(&mut self, id: u64) -> bool {
        let Some(before) = self.data.certs.get(id).cloned() else {
            return false;
        };
        match ops::requests::advance(&before, self.now()) {
            Ok((change, next)) => {
                if self.commit(change).is_some()
                    && next == CertStatus::Issued
                    && self.certificates.view == CertView::Queue
                {
                    self.set_status(StatusKind::Saved, self.t.t(Msg::issued_moved).to_string());
                }
            }
            Err(rule @ RuleError::AppointmentMissing) => {
                self.set_status(StatusKind::Error, self.t.t(rule.msg()).to_string());
            }
            Err(_) => self.set_status(StatusKind::Info, self.t.t(Msg::req_no_next).to_string()),
        }
        true
    }

    /// `c` and `r`: ask for the holder's name, or for a reason.
    pub(super) fn ask_close_request(&mut self, cancel: bool) -> bool {
        let Some(c) = self.selected_cert() else {
            return false;
        };
        if let Err(rule) = ops::requests::ensure_open(&c) {
            self.set_status(StatusKind::Info, self.t.t(rule.msg()).to_string());
            return true;
        }
        let kind = if cancel {
            PromptKind::CancelRequest { id: c.id }
        } else {
            PromptKind::RejectRequest { id: c.id }
        };
        self.popup = Some(Popup::Prompt(Prompt::new(kind, "", 300)));
        true
    }

    /// Closes a request as cancelled or rejected; the words of the rule if the
    /// answer is not accepted.
    pub(super) fn close_request(&mut self, id: u64, cancel: bool, answer: &str) -> Result<(), Msg> {
        let Some(before) = self.data.certs.get(id).cloned() else {
            return Ok(());
        };
        let change = match cancel {
            true => ops::requests::cancel(&before, answer),
            false => ops::requests::reject(&before, answer),
        };
        self.commit(change.map_err(|rule| rule.msg())?);
        Ok(())
    }

    /// Enter: the request with its history.
    pub(super) fn open_request(&mut self) -> bool {
        let Some(c) = self.selected_cert() else {
            return false;
        };
        match self.history_lines(c.id) {
            Ok(history) => {
                self.popup = Some(Popup::CertDetail(CertDetail {
                    id: c.id,
                    history,
                    scroll: Cursor::default(),
                }));
            }
            Err(e) => self.set_status(StatusKind::Error, e.localize(&self.t)),
        }
        true
    }

    fn history_lines(&self, id: u64) -> crate::store::Result<Vec<HistoryLine>> {
        let mut lines = Vec::new();
        for entry in self.store.history(&RecordId::Certificate(id))? {
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
                line.reason = (after.status_reason != before.status_reason
                    && !after.status_reason.is_empty())
                .then(|| after.status_reason.clone());
            }
            lines.push(line);
        }
        Ok(lines)
    }

    pub(super) fn cert_detail_key(&mut self, key: KeyEvent, mut detail: CertDetail) -> bool {
        if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
            return true;
        }
        if let Some(action) = self.keymap.lookup(&[super::action::Context::Table], &key) {
            let lines = crate::views::cert_detail::line_count(self, &detail);
            detail
                .scroll
                .apply(action, lines.saturating_sub(detail.scroll.page()) + 1);
        }
        self.popup = Some(Popup::CertDetail(detail));
        true
    }

    pub(super) fn refresh_certificates(&mut self) {
        self.certificates.refresh(&self.data);
    }
}
