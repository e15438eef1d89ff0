//! The form that logs or edits an activity: a call, an e-mail, a visit, a remote
//! session, or a training of several councils. `L` opens it from any screen with
//! the council there filled in and the focus on the summary.

mod build;
mod save;
mod view;

use super::contacts_form::FormOutcome;
use crate::app::Ctx;
use crate::app::data::Data;
use crate::app::effect::LogAbout;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, Direction};
use crate::domain::catalog::services;
use crate::domain::limits;
use crate::domain::municipality::IneCode;
use crate::i18n::Msg;
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The form's fields; which are shown depends on the kind (`AField::of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AField {
    Kind,
    Council,
    /// A training's councils with attendees, typed: `tiu 3, ager 2`.
    Councils,
    Summary,
    Direction,
    Status,
    Contact,
    Service,
    /// A training's services, typed: `NOT, EACAT`.
    Services,
    Request,
    Hours,
    Received,
    Minutes,
    FollowUp,
    Notes,
}

impl AField {
    /// The fields of an activity of `kind`, in Tab order.
    pub fn of(kind: ActivityKind) -> &'static [AField] {
        use AField::*;
        match kind {
            ActivityKind::Training => &[Kind, Councils, Summary, Services, Hours, Received, Minutes, Notes],
            _ => &[
                Kind, Council, Summary, Direction, Status, Contact, Service, Request, Received, Minutes,
                FollowUp, Notes,
            ],
        }
    }
}

/// How many council matches the picker lists.
pub const PICKS: usize = 4;

/// The councils the quick-jump matcher finds for `query`, best first. Every search
/// for a council in this form goes through here, so the matcher's improvements
/// (contact names, phone digits) come with it.
pub fn council_matches(data: &Data, query: &str) -> Vec<IneCode> {
    super::jump::best_matches(data, query)
        .into_iter()
        .map(|hit| data.municipalities[hit.council].ine)
        .collect()
}

#[derive(Debug, Clone)]
pub struct ActivityForm {
    /// The entry being edited; None when logging a new one.
    pub editing: Option<Activity>,
    pub kind: ActivityKind,
    pub council_input: TextInput,
    pub council_matches: Vec<IneCode>,
    pub pick: usize,
    pub councils: TextInput,
    pub summary: TextInput,
    pub direction: Direction,
    pub status: ActivityStatus,
    pub contact: TextInput,
    /// A service of the catalogue, by index; None for none.
    pub service: Option<usize>,
    pub services: TextInput,
    pub request: TextInput,
    pub hours: TextInput,
    pub received: TextInput,
    pub minutes: TextInput,
    pub follow_up: TextInput,
    pub notes: TextInput,
    pub focus: AField,
    pub confirm_discard: bool,
    /// The field at fault and why, in the user's words.
    pub error: Option<(AField, String)>,
    /// Opened with `n` on Activitat: the new entry is selected there once saved.
    pub reveal: bool,
    initial: String,
}

impl ActivityForm {
    fn blank(ctx: &Ctx) -> ActivityForm {
        ActivityForm {
            editing: None,
            kind: ActivityKind::Call,
            council_input: TextInput::new("", 60),
            council_matches: Vec::new(),
            pick: 0,
            councils: TextInput::new("", 300),
            summary: TextInput::new("", limits::SUMMARY),
            direction: Direction::In,
            status: ActivityStatus::Open,
            contact: TextInput::new("", limits::NAME),
            service: None,
            services: TextInput::new("", 200),
            request: TextInput::new("", 12),
            hours: TextInput::new("", 6),
            received: TextInput::new(&ctx.t.datetime(ctx.now(), ctx.tz), 25),
            minutes: TextInput::new("", 5),
            follow_up: TextInput::new("", 12),
            notes: TextInput::new("", limits::NOTES),
            focus: AField::Council,
            confirm_discard: false,
            error: None,
            reveal: false,
            initial: String::new(),
        }
    }

    /// A call received now about what the screen had selected (`L`): with a
    /// council, the focus is on the summary, so one line and Enter log it.
    pub fn log(ctx: &Ctx, about: &LogAbout) -> ActivityForm {
        let mut form = ActivityForm::blank(ctx);
        let council = about
            .council
            .and_then(|ine| ctx.data.by_ine.get(&ine).map(|&i| (ine, i)));
        if let Some((ine, index)) = council {
            form.council_input.set(&ctx.data.municipalities[index].name);
            form.refresh_matches(&ctx.data);
            form.pick = form.council_matches.iter().position(|&m| m == ine).unwrap_or(0);
            form.focus = AField::Summary;
        }
        form.service = about
            .service
            .as_deref()
            .and_then(crate::domain::catalog::service_index);
        if let Some(id) = about.request {
            form.request.set(&id.to_string());
        }
        if let Some(name) = &about.contact {
            form.contact.set(name);
        }
        form.initial = form.fingerprint();
        form
    }

    /// `n` on Activitat: a new entry, the council to be picked.
    pub fn new_entry(ctx: &Ctx) -> ActivityForm {
        let mut form = ActivityForm::log(ctx, &LogAbout::default());
        form.reveal = true;
        form
    }

    /// The form filled from a stored entry, to edit it.
    pub fn edit(ctx: &Ctx, a: &Activity) -> ActivityForm {
        let about = LogAbout {
            council: a.ine,
            ..LogAbout::default()
        };
        let mut form = ActivityForm::log(ctx, &about);
        form.kind = a.kind;
        form.summary.set(&a.summary);
        form.direction = a.direction;
        form.status = a.status;
        form.contact.set(&a.contact);
        form.service = a
            .service
            .as_deref()
            .and_then(crate::domain::catalog::service_index);
        form.request
            .set(&a.request_id.map(|id| id.to_string()).unwrap_or_default());
        form.received.set(&ctx.t.datetime(a.received_at, ctx.tz));
        form.minutes
            .set(&a.minutes.map(|m| m.to_string()).unwrap_or_default());
        form.follow_up
            .set(&a.follow_up_on.map(|d| ctx.t.date(d)).unwrap_or_default());
        form.notes.set(&a.notes);
        let names: Vec<String> = a
            .councils
            .iter()
            .map(|c| format!("{} {}", ctx.data.council_name(c.ine), c.attendees))
            .collect();
        form.councils.set(&names.join(", "));
        let shorts: Vec<&str> = a
            .services
            .iter()
            .filter_map(|id| services().iter().find(|s| &s.id == id))
            .map(|s| s.short.as_str())
            .collect();
        form.services.set(&shorts.join(", "));
        form.hours.set(
            &a.session_minutes
                .map(|m| crate::io::activity_export::hours(m).to_string())
                .unwrap_or_default(),
        );
        form.focus = AField::Summary;
        form.editing = Some(a.clone());
        form.initial = form.fingerprint();
        form
    }

    fn fingerprint(&self) -> String {
        let texts = [
            &self.council_input,
            &self.councils,
            &self.summary,
            &self.contact,
            &self.services,
            &self.request,
            &self.hours,
            &self.received,
            &self.minutes,
            &self.follow_up,
            &self.notes,
        ]
        .map(|i| i.value().to_string());
        format!(
            "{:?}|{:?}|{:?}|{:?}|{}",
            self.kind,
            self.direction,
            self.status,
            self.service,
            texts.join("|")
        )
    }

    pub fn is_dirty(&self) -> bool {
        self.fingerprint() != self.initial
    }

    pub fn fields(&self) -> &'static [AField] {
        AField::of(self.kind)
    }

    /// The council the form points at, if the typed text matches one.
    pub fn council(&self) -> Option<IneCode> {
        self.council_matches.get(self.pick).copied()
    }

    fn refresh_matches(&mut self, data: &Data) {
        self.council_matches = match self.council_input.is_empty() {
            true => Vec::new(),
            false => council_matches(data, self.council_input.value()),
        };
        self.pick = 0;
    }

    fn input_mut(&mut self, field: AField) -> Option<&mut TextInput> {
        match field {
            AField::Council => Some(&mut self.council_input),
            AField::Councils => Some(&mut self.councils),
            AField::Summary => Some(&mut self.summary),
            AField::Contact => Some(&mut self.contact),
            AField::Services => Some(&mut self.services),
            AField::Request => Some(&mut self.request),
            AField::Hours => Some(&mut self.hours),
            AField::Received => Some(&mut self.received),
            AField::Minutes => Some(&mut self.minutes),
            AField::FollowUp => Some(&mut self.follow_up),
            AField::Notes => Some(&mut self.notes),
            AField::Kind | AField::Direction | AField::Status | AField::Service => None,
        }
    }

    fn cycle(&mut self, field: AField, forward: bool) {
        fn step<T: Copy + PartialEq>(all: &[T], now: T, forward: bool) -> T {
            let i = all.iter().position(|&x| x == now).unwrap_or(0);
            let n = all.len();
            all[if forward { (i + 1) % n } else { (i + n - 1) % n }]
        }
        match field {
            AField::Kind => {
                let kind = step(&ActivityKind::ALL, self.kind, forward);
                self.set_kind(kind);
            }
            AField::Direction => self.direction = step(&Direction::ALL, self.direction, forward),
            AField::Status => self.status = step(&ActivityStatus::ALL, self.status, forward),
            AField::Service => {
                let all: Vec<Option<usize>> = std::iter::once(None)
                    .chain((0..services().len()).map(Some))
                    .collect();
                self.service = step(&all, self.service, forward);
            }
            _ => {}
        }
    }

    /// A training has councils and services where a call has one of each: what was
    /// typed for the one goes to the other.
    fn set_kind(&mut self, kind: ActivityKind) {
        let training = ActivityKind::Training;
        if kind == training && self.kind != training {
            if self.councils.is_empty()
                && let Some(ine) = self.council()
            {
                self.councils.set(&format!("{ine} 1"));
            }
            if self.services.is_empty()
                && let Some(s) = self.service
            {
                self.services.set(&services()[s].short);
            }
        }
        self.kind = kind;
    }

    /// The field at fault takes the focus, its cursor at the end of its text.
    fn show_fault(&mut self, fault: (AField, String)) {
        self.focus = fault.0;
        if let Some(input) = self.input_mut(fault.0) {
            input.to_end();
        }
        self.error = Some(fault);
    }

    /// Moves the focus by `delta` fields, in the Tab order of the kind.
    fn move_focus(&mut self, delta: isize, wrap: bool) {
        let fields = self.fields();
        let n = fields.len() as isize;
        let at = fields.iter().position(|&f| f == self.focus).unwrap_or(0) as isize;
        let to = match wrap {
            true => (at + delta).rem_euclid(n),
            false => (at + delta).clamp(0, n - 1),
        };
        self.focus = fields[to as usize];
    }

    /// Up and Down in the contact field: the council's contacts, one after another.
    fn next_contact(&mut self, data: &Data, forward: bool) {
        let Some(&index) = self.council().and_then(|ine| data.by_ine.get(&ine)) else {
            return;
        };
        let names: Vec<&str> = data.municipalities[index]
            .contacts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        if names.is_empty() {
            return;
        }
        let n = names.len();
        let next = match names.iter().position(|&c| c == self.contact.value().trim()) {
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
            None if forward => 0,
            None => n - 1,
        };
        self.contact.set(names[next]);
    }

    pub fn handle_key(&mut self, key: &KeyEvent, data: &Data) -> FormOutcome {
        if self.confirm_discard {
            self.confirm_discard = false;
            return match key.code {
                KeyCode::Char('s' | 'S' | 'y' | 'Y') => FormOutcome::Close,
                _ => FormOutcome::Stay,
            };
        }
        if !self.fields().contains(&self.focus) {
            self.focus = self.fields()[0];
        }
        let field = self.focus;
        match key.code {
            KeyCode::Esc if self.is_dirty() => self.confirm_discard = true,
            KeyCode::Esc => return FormOutcome::Close,
            KeyCode::Enter => return FormOutcome::Save,
            KeyCode::Tab => self.move_focus(1, true),
            KeyCode::BackTab => self.move_focus(-1, true),
            KeyCode::Up if field == AField::Council && self.pick > 0 => self.pick -= 1,
            KeyCode::Down if field == AField::Council => {
                self.pick = (self.pick + 1).min(self.council_matches.len().min(PICKS).saturating_sub(1));
            }
            KeyCode::Up | KeyCode::Down if field == AField::Contact => {
                self.next_contact(data, key.code == KeyCode::Down);
            }
            KeyCode::Up => self.move_focus(-1, false),
            KeyCode::Down => self.move_focus(1, false),
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right if self.input_mut(field).is_none() => {
                self.cycle(field, key.code != KeyCode::Left);
            }
            _ => {
                let Some(input) = self.input_mut(field) else {
                    return FormOutcome::Stay;
                };
                let edited = input.handle_key(key);
                if field == AField::Council && edited == Edited::Changed {
                    self.refresh_matches(data);
                }
                if edited == Edited::Full {
                    return FormOutcome::Full;
                }
            }
        }
        self.error = None;
        FormOutcome::Stay
    }

    /// Pasted text goes into the focused text field.
    pub fn paste_text(&mut self, text: &str, data: &Data) -> FormOutcome {
        let field = self.focus;
        let Some(input) = self.input_mut(field) else {
            return FormOutcome::Stay;
        };
        let edited = input.insert(text);
        if field == AField::Council {
            self.refresh_matches(data);
        }
        match edited {
            Edited::Full => FormOutcome::Full,
            _ => FormOutcome::Stay,
        }
    }
}

impl Popup for ActivityForm {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        match self.handle_key(&key, &ctx.data) {
            FormOutcome::Close => PopupOutcome::Close,
            FormOutcome::Full => {
                ctx.field_full_status();
                PopupOutcome::Keep
            }
            FormOutcome::Stay => PopupOutcome::Keep,
            FormOutcome::Save => save::save(self, ctx),
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
