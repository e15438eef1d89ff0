//! The form that files or edits a certificate request.

mod build;
mod save;
mod view;

use super::contacts_form::FormOutcome;
use super::jump::{Found, best_matches};
use crate::app::Ctx;
use crate::app::data::Data;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::domain::catalog::cert_types;
use crate::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use crate::domain::limits;
use crate::domain::localtime::TimeError;
use crate::domain::municipality::IneCode;
use crate::domain::revocation::RevocationReason;
use crate::i18n::Msg;
use crate::ops::{Field, RuleError};
use crate::widgets::input::{Edited, TextInput};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The form's fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RField {
    Council,
    Holder,
    Role,
    Type,
    Operation,
    /// The request whose certificate a revocation revokes.
    Revokes,
    RevocationReason,
    Urgent,
    Reason,
    Received,
    /// When it was issued: only in the edit form of an issued request.
    Issued,
    /// When it was delivered: only in the edit form of a delivered request.
    Delivered,
    Awaiting,
    Appointment,
    Notes,
}

impl RField {
    pub const ALL: [RField; 15] = [
        RField::Council,
        RField::Holder,
        RField::Role,
        RField::Type,
        RField::Operation,
        RField::Revokes,
        RField::RevocationReason,
        RField::Urgent,
        RField::Reason,
        RField::Received,
        RField::Issued,
        RField::Delivered,
        RField::Awaiting,
        RField::Appointment,
        RField::Notes,
    ];
}

/// How many council matches the picker lists.
pub const PICKS: usize = 4;

#[derive(Debug, Clone)]
pub struct RequestForm {
    /// The request being edited; None when filing a new one.
    pub editing: Option<CertificateRequest>,
    pub council_input: TextInput,
    /// The councils the typed text matches, best first (as the quick jump finds them).
    pub council_matches: Vec<Found>,
    pub pick: usize,
    pub holder: TextInput,
    pub role: HolderRole,
    pub type_index: usize,
    pub operation: Operation,
    pub urgent: bool,
    pub reason: TextInput,
    pub received: TextInput,
    pub issued: TextInput,
    pub delivered: TextInput,
    pub awaiting: bool,
    pub appointment: bool,
    pub notes: TextInput,
    pub renews: Option<u64>,
    /// A revocation's link, as typed (`12` or `#12`), and its reason.
    pub revokes: TextInput,
    pub revocation_reason: Option<RevocationReason>,
    /// The focused field, as an index into `fields()`.
    pub focus: usize,
    pub confirm_discard: bool,
    pub error: Option<(RField, Msg)>,
    /// The error's words with its values filled in, when it has some.
    pub error_text: Option<String>,
    /// Posts that changed hands still to ask about once this form closes.
    pub then: Vec<crate::ops::office_holder::Handover>,
    /// After a conflict: what the other user put in the fields this form changed
    /// too ("marta hi havia posat titular: «…»"), said until saved.
    pub theirs: Option<String>,
    initial: String,
}

pub use crate::domain::localtime::{format_local, parse_local};

impl RequestForm {
    /// A new request, received now, for the council selected elsewhere if any.
    pub fn new(data: &Data, council: Option<IneCode>, now: DateTime<Utc>, tz: Tz) -> RequestForm {
        let name = council
            .and_then(|ine| data.by_ine.get(&ine))
            .map(|&i| data.municipalities[i].name.clone())
            .unwrap_or_default();
        let mut form = RequestForm {
            editing: None,
            council_input: TextInput::new(&name, 60),
            council_matches: Vec::new(),
            pick: 0,
            holder: TextInput::new("", limits::NAME),
            role: HolderRole::Mayor,
            type_index: cert_types().iter().position(|t| t.code == "tcat").unwrap_or(0),
            operation: Operation::New,
            urgent: false,
            reason: TextInput::new("", limits::REASON),
            received: TextInput::new(&format_local(now, tz), 25),
            issued: TextInput::new("", 25),
            delivered: TextInput::new("", 25),
            awaiting: false,
            appointment: false,
            notes: TextInput::new("", limits::NOTES),
            renews: None,
            revokes: TextInput::new("", 20),
            revocation_reason: None,
            error_text: None,
            then: Vec::new(),
            theirs: None,
            focus: if council.is_some() { 1 } else { 0 },
            confirm_discard: false,
            error: None,
            initial: String::new(),
        };
        form.refresh_matches(data);
        if let Some(c) = council {
            form.pick = form.council_matches.iter().position(|m| m.ine == c).unwrap_or(0);
        }
        form.initial = form.fingerprint();
        form
    }

    /// The form filled from an existing request, to edit it.
    pub fn edit(data: &Data, c: &CertificateRequest, tz: Tz) -> RequestForm {
        let council = data.by_ine.contains_key(&c.ine).then_some(c.ine);
        let mut form = RequestForm::new(data, council, c.received_at, tz);
        form.holder.set(&c.holder);
        form.role = c.role;
        form.type_index = cert_types()
            .iter()
            .position(|t| t.code == c.cert_type)
            .unwrap_or(0);
        form.operation = c.operation;
        form.urgent = c.urgent;
        form.reason.set(c.reason());
        form.awaiting = c.status == CertStatus::AwaitingDocuments;
        form.appointment = c.appointment_attached;
        form.notes.set(c.notes());
        form.renews = c.renews();
        form.revokes
            .set(&c.revokes().map(|id| id.to_string()).unwrap_or_default());
        form.revocation_reason = c.revocation_reason();
        let local = |at: Option<DateTime<Utc>>| at.map(|at| format_local(at, tz)).unwrap_or_default();
        form.issued.set(&local(c.issued_at));
        form.delivered.set(&local(c.delivered_at));
        form.editing = Some(c.clone());
        form.focus = 1;
        form.initial = form.fingerprint();
        form
    }

    /// A renewal of an issued certificate: same council, holder, post and type.
    pub fn renewal(data: &Data, c: &CertificateRequest, now: DateTime<Utc>, tz: Tz) -> RequestForm {
        let mut form = RequestForm::edit(data, c, tz);
        form.editing = None;
        form.operation = Operation::Renewal;
        form.renews = Some(c.id);
        form.urgent = false;
        form.reason.set("");
        form.notes.set("");
        form.awaiting = false;
        form.received.set(&format_local(now, tz));
        form.initial = form.fingerprint();
        form
    }

    /// A revocation of an issued certificate: same council, holder, post and
    /// type; the reason is to choose.
    pub fn revocation(data: &Data, c: &CertificateRequest, now: DateTime<Utc>, tz: Tz) -> RequestForm {
        let mut form = RequestForm::renewal(data, c, now, tz);
        form.operation = Operation::Revocation;
        form.renews = None;
        form.revokes.set(&c.id.to_string());
        form.revocation_reason = None;
        form.focus = form
            .fields()
            .iter()
            .position(|&f| f == RField::RevocationReason)
            .unwrap_or(0);
        form.initial = form.fingerprint();
        form
    }

    /// A new request for a council's new office-holder, pre-filled.
    pub fn for_holder(
        data: &Data,
        ine: IneCode,
        holder: &str,
        role: HolderRole,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> RequestForm {
        let mut form = RequestForm::new(data, Some(ine), now, tz);
        form.holder.set(holder);
        form.role = role;
        form.initial = form.fingerprint();
        form
    }

    /// The received time as the interface writes dates (`26/11/2026 10:30`);
    /// the field reads either way.
    pub fn in_language(mut self, t: &crate::i18n::I18n, tz: Tz) -> RequestForm {
        for input in [&mut self.received, &mut self.issued, &mut self.delivered] {
            if let Ok(at) = parse_local(input.value(), tz) {
                input.set(&t.datetime(at, tz));
            }
        }
        self.initial = self.fingerprint();
        self
    }

    fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{:?}|{}|{:?}|{}|{}|{}|{}|{}|{}|{}|{}",
            self.council_input.value(),
            self.holder.value(),
            self.role,
            self.type_index,
            self.operation,
            self.urgent,
            self.reason.value(),
            self.received.value(),
            self.issued.value(),
            self.delivered.value(),
            self.awaiting,
            self.appointment,
            self.notes.value(),
        ) + &format!("|{}|{:?}", self.revokes.value(), self.revocation_reason)
    }

    /// The fields on this form, in Tab order: the issue and delivery dates only
    /// when editing a request that has reached those steps.
    pub fn fields(&self) -> Vec<RField> {
        let status = self.editing.as_ref().map(|c| c.status);
        RField::ALL
            .into_iter()
            .filter(|f| match f {
                RField::Issued => status.is_some_and(CertStatus::is_issued),
                RField::Delivered => status == Some(CertStatus::Delivered),
                // A revocation's link and reason only on a revocation.
                RField::Revokes | RField::RevocationReason => self.operation == Operation::Revocation,
                _ => true,
            })
            .collect()
    }

    pub fn is_dirty(&self) -> bool {
        self.fingerprint() != self.initial
    }

    pub fn focused(&self) -> RField {
        let fields = self.fields();
        fields[self.focus.min(fields.len() - 1)]
    }

    /// The council the form points at, if the typed text matches one.
    pub fn council(&self) -> Option<IneCode> {
        self.council_matches.get(self.pick).map(|m| m.ine)
    }

    fn refresh_matches(&mut self, data: &Data) {
        self.council_matches = if self.council_input.is_empty() {
            Vec::new()
        } else {
            best_matches(data, self.council_input.value())
                .iter()
                .map(|hit| Found::of(data, hit))
                .collect()
        };
        self.pick = 0;
    }

    fn input_mut(&mut self, field: RField) -> Option<&mut TextInput> {
        match field {
            RField::Council => Some(&mut self.council_input),
            RField::Holder => Some(&mut self.holder),
            RField::Reason => Some(&mut self.reason),
            RField::Received => Some(&mut self.received),
            RField::Issued => Some(&mut self.issued),
            RField::Delivered => Some(&mut self.delivered),
            RField::Notes => Some(&mut self.notes),
            RField::Revokes => Some(&mut self.revokes),
            _ => None,
        }
    }

    fn cycle(&mut self, field: RField, forward: bool) {
        let step = |i: usize, n: usize| if forward { (i + 1) % n } else { (i + n - 1) % n };
        match field {
            RField::Role => {
                let all = HolderRole::ALL;
                let i = all.iter().position(|&r| r == self.role).unwrap_or(0);
                self.role = all[step(i, all.len())];
            }
            RField::Type => self.type_index = step(self.type_index, cert_types().len()),
            RField::Operation => {
                let all = Operation::ALL;
                let i = all.iter().position(|&o| o == self.operation).unwrap_or(0);
                self.operation = all[step(i, all.len())];
            }
            RField::RevocationReason => {
                let all = RevocationReason::ALL;
                self.revocation_reason = Some(match self.revocation_reason {
                    None if forward => all[0],
                    None => all[all.len() - 1],
                    Some(r) => all[step(all.iter().position(|&x| x == r).unwrap_or(0), all.len())],
                });
            }
            RField::Urgent => self.urgent = !self.urgent,
            RField::Awaiting => self.awaiting = !self.awaiting,
            RField::Appointment => self.appointment = !self.appointment,
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: &KeyEvent, data: &Data) -> FormOutcome {
        if self.confirm_discard {
            self.confirm_discard = false;
            return if matches!(key.code, KeyCode::Char('s' | 'S' | 'y' | 'Y')) {
                FormOutcome::Close
            } else {
                FormOutcome::Stay
            };
        }
        let n = self.fields().len();
        let field = self.focused();
        match key.code {
            KeyCode::Esc if self.is_dirty() => self.confirm_discard = true,
            KeyCode::Esc => return FormOutcome::Close,
            KeyCode::Enter => return FormOutcome::Save,
            KeyCode::Tab => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab => self.focus = (self.focus + n - 1) % n,
            KeyCode::Up if field == RField::Council && self.pick > 0 => self.pick -= 1,
            KeyCode::Down if field == RField::Council => {
                self.pick = (self.pick + 1).min(self.council_matches.len().min(PICKS).saturating_sub(1));
            }
            KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            KeyCode::Down => self.focus = (self.focus + 1).min(n - 1),
            // A revocation's holder, post and type are its certificate's.
            _ if self.locked(field) => return FormOutcome::Stay,
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right if self.input_mut(field).is_none() => {
                self.cycle(field, key.code != KeyCode::Left);
                if field == RField::Operation {
                    self.follow_revoked(data);
                }
            }
            // The link is a request's number: digits only.
            KeyCode::Char(c) if field == RField::Revokes && !c.is_ascii_digit() => return FormOutcome::Stay,
            _ => {
                let Some(input) = self.input_mut(field) else {
                    return FormOutcome::Stay;
                };
                let edited = input.handle_key(key);
                if field == RField::Council && edited == Edited::Changed {
                    self.refresh_matches(data);
                }
                if field == RField::Revokes {
                    self.follow_revoked(data);
                }
                if edited == Edited::Full {
                    return FormOutcome::Full;
                }
            }
        }
        self.error = None;
        self.error_text = None;
        FormOutcome::Stay
    }

    /// Whether a field cannot be changed: on a revocation, the holder, post and
    /// type, which are the revoked certificate's.
    pub fn locked(&self, field: RField) -> bool {
        self.operation == Operation::Revocation
            && matches!(field, RField::Holder | RField::Role | RField::Type)
    }

    /// A revocation takes its holder, post and type from the request it names.
    fn follow_revoked(&mut self, data: &Data) {
        if self.operation != Operation::Revocation {
            return;
        }
        let Some(c) = self
            .revokes
            .value()
            .parse()
            .ok()
            .and_then(|id| data.certs.get(id))
        else {
            return;
        };
        self.holder.set(&c.holder);
        self.role = c.role;
        if let Some(i) = cert_types().iter().position(|t| t.code == c.cert_type) {
            self.type_index = i;
        }
    }

    /// Pasted text goes into the focused text field.
    pub fn paste_text(&mut self, text: &str, data: &Data) -> FormOutcome {
        let field = self.focused();
        if self.locked(field)
            || (field == RField::Revokes && !text.trim().chars().all(|c| c.is_ascii_digit()))
        {
            return FormOutcome::Stay;
        }
        let Some(input) = self.input_mut(field) else {
            return FormOutcome::Stay;
        };
        let edited = input.insert(text.trim());
        if field == RField::Council {
            self.refresh_matches(data);
        }
        if field == RField::Revokes {
            self.follow_revoked(data);
        }
        if edited == Edited::Full {
            FormOutcome::Full
        } else {
            FormOutcome::Stay
        }
    }
}

impl Popup for RequestForm {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        match self.handle_key(&key, &ctx.data) {
            FormOutcome::Close => self.closed(ctx),
            FormOutcome::Full => {
                ctx.field_full_status();
                PopupOutcome::Keep
            }
            FormOutcome::Stay => PopupOutcome::Keep,
            FormOutcome::Save => {
                if save::save_request(self, ctx) {
                    self.closed(ctx)
                } else {
                    PopupOutcome::Keep
                }
            }
        }
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> PopupOutcome {
        if self.paste_text(text, &ctx.data) == FormOutcome::Full {
            ctx.field_full_status();
        }
        PopupOutcome::Keep
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }

    fn has_typing(&self) -> bool {
        self.is_dirty()
    }

    fn hints(&self) -> Hints {
        Hints::Fixed(Msg::hints_form)
    }
}

impl RequestForm {
    /// The form is done: the next post that changed hands is asked about, if any.
    fn closed(&self, ctx: &mut Ctx) -> PopupOutcome {
        match crate::popups::handover::ask(ctx, self.then.clone()) {
            Some(prompt) => PopupOutcome::Replace(prompt),
            None => PopupOutcome::Close,
        }
    }
}

impl RequestForm {
    /// A field's value as the form shows it, for saying what another user changed.
    fn field_text(&self, field: RField, ctx: &Ctx) -> String {
        use crate::i18n::words::{operation_msg, post_msg, revocation_reason_msg};
        let t = &ctx.t;
        let mark = |on: bool| if on { "[x]" } else { "[ ]" }.to_string();
        let text = match field {
            RField::Council => match self.council().and_then(|ine| ctx.data.by_ine.get(&ine)) {
                Some(&m) => ctx.data.municipalities[m].name.to_string(),
                None => self.council_input.value().to_string(),
            },
            RField::Holder => self.holder.value().to_string(),
            RField::Role => t.t(post_msg(self.role)).to_string(),
            RField::Type => cert_types()[self.type_index].name.to_string(),
            RField::Operation => t.t(operation_msg(self.operation)).to_string(),
            RField::Revokes => self.revokes.value().to_string(),
            RField::RevocationReason => self
                .revocation_reason
                .map_or_else(String::new, |r| t.t(revocation_reason_msg(r)).to_string()),
            RField::Urgent => mark(self.urgent),
            RField::Reason => self.reason.value().to_string(),
            RField::Received => self.received.value().to_string(),
            RField::Issued => self.issued.value().to_string(),
            RField::Delivered => self.delivered.value().to_string(),
            RField::Awaiting => mark(self.awaiting),
            RField::Appointment => mark(self.appointment),
            RField::Notes => self.notes.value().to_string(),
        };
        crate::domain::text::clean(&text).into_owned()
    }
}
