//! Changes to certificate requests: filing, editing, advancing, cancelling, rejecting.

use super::certificates::CertView;
use super::contacts_form::FormOutcome;
use super::prompt::{Prompt, PromptKind};
use super::request_form::RequestForm;
use super::{App, Popup, StatusKind};
use crate::domain::certificate::{CertStatus, CertificateRequest, RuleError};
use crate::domain::municipality::FormStatus;
use crate::domain::search::fold;
use crate::i18n::Msg;
use crate::store::{Change, Edit, HistoryHead, Kind, Record};
use crossterm::event::{KeyCode, KeyEvent};

/// The detail of one request, with the history entries that touched it.
#[derive(Debug)]
pub struct CertDetail {
    pub id: u64,
    pub history: Vec<HistoryLine>,
    pub scroll: super::scroll::Scroll,
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
            FormOutcome::Save => {
                let id = match &form.editing {
                    Some(c) => c.id,
                    None => match self.store.next_certificate_id() {
                        Ok(id) => id,
                        Err(e) => {
                            let text = self.t.f(Msg::not_saved, &[("detail", &e.localize(&self.t))]);
                            self.set_status(StatusKind::Error, text);
                            self.popup = Some(Popup::Request(form));
                            return true;
                        }
                    },
                };
                match form.build(&self.data, id, self.now(), self.tz) {
                    Err(e) => form.error = Some(e),
                    Ok(after) => {
                        let (action, edit) = match &form.editing {
                            Some(before) if *before == after => return true,
                            Some(before) => (
                                "cert.edit",
                                Edit::update(
                                    Record::Certificate(before.clone()),
                                    Record::Certificate(after.clone()),
                                ),
                            ),
                            None => ("cert.new", Edit::create(Record::Certificate(after.clone()))),
                        };
                        if self.commit(Change::new(action, vec![edit])) {
                            self.certificates.view = CertView::Queue;
                            self.refresh_certificates();
                            self.select_cert(after.id);
                            self.announce_filed(&after);
                            return true;
                        }
                    }
                }
            }
        }
        self.popup = Some(Popup::Request(form));
        true
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
        let mut after = before.clone();
        match after.advance(self.now()) {
            Ok(next) => {
                let change = Change::update(
                    "cert.status",
                    Record::Certificate(before),
                    Record::Certificate(after),
                );
                if self.commit(change)
                    && next == CertStatus::Issued
                    && self.certificates.view == CertView::Queue
                {
                    self.set_status(StatusKind::Saved, self.t.t(Msg::issued_moved).to_string());
                }
            }
            Err(RuleError::AppointmentMissing) => {
                self.set_status(StatusKind::Error, self.t.t(Msg::req_err_appointment).to_string());
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
        if !c.status.is_open() {
            self.set_status(StatusKind::Info, self.t.t(Msg::req_not_open).to_string());
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

    /// Closes a request as cancelled or rejected; false if the answer is not accepted.
    pub(super) fn close_request(&mut self, id: u64, cancel: bool, answer: &str) -> Result<(), Msg> {
        let Some(before) = self.data.certs.get(id).cloned() else {
            return Ok(());
        };
        let answer = answer.trim();
        if cancel && fold(answer) != fold(&before.holder) {
            return Err(Msg::req_err_cancel_name);
        }
        if !cancel && answer.is_empty() {
            return Err(Msg::reason_required);
        }
        let mut after = before.clone();
        after.status = if cancel {
            CertStatus::Cancelled
        } else {
            CertStatus::Rejected
        };
        if !cancel {
            after.status_reason = answer.to_string();
        }
        let action = if cancel { "cert.cancel" } else { "cert.reject" };
        self.commit(Change::update(
            action,
            Record::Certificate(before),
            Record::Certificate(after),
        ));
        Ok(())
    }

    /// Enter: the request with its history.
    pub(super) fn open_request(&mut self) -> bool {
        let Some(c) = self.selected_cert() else {
            return false;
        };
        let key = crate::store::record::certificate_key(c.id);
        match self.history_lines(&key) {
            Ok(history) => {
                self.popup = Some(Popup::CertDetail(CertDetail {
                    id: c.id,
                    history,
                    scroll: Default::default(),
                }));
            }
            Err(e) => self.set_status(StatusKind::Error, e.localize(&self.t)),
        }
        true
    }

    fn history_lines(&self, key: &[u8]) -> crate::store::Result<Vec<HistoryLine>> {
        let mut lines = Vec::new();
        for (seq, head, bulk) in self.store.history_of(Kind::Certificate, key)? {
            let mut line = HistoryLine {
                head,
                status: None,
                reason: None,
            };
            // An import's entry holds every request it added: its head says enough.
            if !bulk
                && let Some(edit) = self.store.edit_in(seq, Kind::Certificate, key)?
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
            detail.scroll.apply(action);
        }
        self.popup = Some(Popup::CertDetail(detail));
        true
    }

    pub(super) fn refresh_certificates(&mut self) {
        self.certificates.refresh(&self.data);
    }
}
