//! The form that edits a council's contacts and notes.

mod view;

use crate::app::Ctx;
use crate::app::changes::record_gone;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::domain::municipality::{Contact, ContactRole, Municipality};
use crate::i18n::Msg;
use crate::ops;
use crate::store::Change;
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub const NAME_LIMIT: usize = crate::domain::limits::NAME;
pub const PHONE_LIMIT: usize = crate::domain::limits::PHONE;
pub const EMAIL_LIMIT: usize = crate::domain::limits::EMAIL;
pub const NOTES_LIMIT: usize = crate::domain::limits::NOTES;

/// The four fields of one contact.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub role: ContactRole,
    pub name: TextInput,
    pub phone: TextInput,
    pub email: TextInput,
}

impl ContactRow {
    fn new(c: Option<&Contact>) -> ContactRow {
        ContactRow {
            role: c.map_or(ContactRole::ServiceManager, |c| c.role),
            name: TextInput::new(c.map_or("", |c| &c.name), NAME_LIMIT),
            phone: TextInput::new(c.map_or("", |c| &c.phone), PHONE_LIMIT),
            email: TextInput::new(c.map_or("", |c| &c.email), EMAIL_LIMIT),
        }
    }
}

/// Which field has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Role(usize),
    Name(usize),
    Phone(usize),
    Email(usize),
    Notes,
}

/// What the form asks of the app after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    Stay,
    Save,
    Close,
    /// A field refused more text.
    Full,
}

/// A problem that stops saving, naming the row and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub msg: Msg,
    pub row: usize,
}

impl FormError {
    /// A rule the whole council breaks, shown on the first row.
    pub fn of(rule: &ops::RuleError) -> FormError {
        FormError {
            msg: rule.msg(),
            row: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ContactsForm {
    /// The council as it was when the form opened; its INE code says which.
    pub original: Municipality,
    pub rows: Vec<ContactRow>,
    pub notes: TextInput,
    pub focus: usize,
    /// Esc on a changed form asks first.
    pub confirm_discard: bool,
    pub error: Option<FormError>,
}

impl ContactsForm {
    pub fn new(m: &Municipality) -> ContactsForm {
        let mut rows: Vec<ContactRow> = m.contacts.iter().map(|c| ContactRow::new(Some(c))).collect();
        rows.push(ContactRow::new(None));
        ContactsForm {
            original: m.clone(),
            rows,
            notes: TextInput::new(&m.notes, NOTES_LIMIT),
            focus: 1,
            confirm_discard: false,
            error: None,
        }
    }

    pub fn field_count(&self) -> usize {
        self.rows.len() * 4 + 1
    }

    pub fn field(&self, index: usize) -> Field {
        let row = index / 4;
        if row >= self.rows.len() {
            return Field::Notes;
        }
        match index % 4 {
            0 => Field::Role(row),
            1 => Field::Name(row),
            2 => Field::Phone(row),
            _ => Field::Email(row),
        }
    }

    pub fn focused(&self) -> Field {
        self.field(self.focus)
    }

    fn input_mut(&mut self, field: Field) -> Option<&mut TextInput> {
        match field {
            Field::Role(_) => None,
            Field::Name(r) => Some(&mut self.rows[r].name),
            Field::Phone(r) => Some(&mut self.rows[r].phone),
            Field::Email(r) => Some(&mut self.rows[r].email),
            Field::Notes => Some(&mut self.notes),
        }
    }

    /// The council as the form would save it: contacts without a name are dropped.
    pub fn result(&self) -> Result<Municipality, FormError> {
        let mut m = self.original.clone();
        m.contacts.clear();
        for (row, r) in self.rows.iter().enumerate() {
            let name = r.name.value().trim();
            let (phone, email) = (r.phone.value().trim(), r.email.value().trim());
            if name.is_empty() {
                if !phone.is_empty() || !email.is_empty() {
                    return Err(FormError {
                        msg: Msg::form_err_name_missing,
                        row,
                    });
                }
                continue;
            }
            let contact = Contact {
                role: r.role,
                name: name.into(),
                phone: phone.into(),
                email: email.into(),
            };
            ops::councils::validate_contact(&contact).map_err(|rule| FormError { msg: rule.msg(), row })?;
            m.contacts.push(contact);
        }
        m.notes = self.notes.value().trim().to_string();
        Ok(m)
    }

    pub fn is_dirty(&self) -> bool {
        self.result().map_or(true, |m| m != self.original)
    }

    fn cycle_role(&mut self, row: usize, forward: bool) {
        let all = ContactRole::ALL;
        let i = all.iter().position(|&r| r == self.rows[row].role).unwrap_or(0);
        let next = if forward {
            (i + 1) % all.len()
        } else {
            (i + all.len() - 1) % all.len()
        };
        self.rows[row].role = all[next];
    }

    pub fn handle_key(&mut self, key: &KeyEvent) -> FormOutcome {
        if self.confirm_discard {
            return match key.code {
                KeyCode::Char('s' | 'S' | 'y' | 'Y') => FormOutcome::Close,
                _ => {
                    self.confirm_discard = false;
                    FormOutcome::Stay
                }
            };
        }
        let count = self.field_count();
        match key.code {
            KeyCode::Esc => {
                if self.is_dirty() {
                    self.confirm_discard = true;
                    return FormOutcome::Stay;
                }
                return FormOutcome::Close;
            }
            KeyCode::Enter => return FormOutcome::Save,
            KeyCode::Tab => self.focus = (self.focus + 1) % count,
            KeyCode::BackTab => self.focus = (self.focus + count - 1) % count,
            KeyCode::Down => self.focus = (self.focus + 4).min(count - 1),
            KeyCode::Up => self.focus = self.focus.saturating_sub(4),
            _ => match self.focused() {
                Field::Role(row) => match key.code {
                    KeyCode::Char(' ') | KeyCode::Right => self.cycle_role(row, true),
                    KeyCode::Left => self.cycle_role(row, false),
                    // Letters typed on a role are a name being typed: they go there.
                    KeyCode::Char(_)
                        if !key.modifiers.intersects(
                            crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
                        ) =>
                    {
                        self.focus += 1;
                        return self.handle_key(key);
                    }
                    _ => {}
                },
                field => {
                    let edited = match self.input_mut(field) {
                        Some(input) => input.handle_key(key),
                        None => Edited::Ignored,
                    };
                    self.after_edit(field);
                    if edited == Edited::Full {
                        return FormOutcome::Full;
                    }
                }
            },
        }
        FormOutcome::Stay
    }

    /// Pasted text goes into the focused field.
    pub fn paste_text(&mut self, text: &str) -> FormOutcome {
        let field = self.focused();
        let edited = self.input_mut(field).map(|i| i.insert(text));
        self.after_edit(field);
        if edited == Some(Edited::Full) {
            FormOutcome::Full
        } else {
            FormOutcome::Stay
        }
    }

    /// Typing into the blank last row opens another blank row below it.
    fn after_edit(&mut self, field: Field) {
        self.error = None;
        let last = self.rows.len() - 1;
        if matches!(field, Field::Name(r) | Field::Phone(r) | Field::Email(r) if r == last)
            && !self.rows[last].name.value().trim().is_empty()
        {
            self.rows.push(ContactRow::new(None));
        }
    }
}

impl Popup for ContactsForm {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        match self.handle_key(&key) {
            FormOutcome::Close => return PopupOutcome::Close,
            FormOutcome::Save => match self.result() {
                Ok(after) => match ops::councils::edit_contacts(&self.original, after.clone()) {
                    // Nothing changed: the form closes, as saved.
                    Ok(None) => return PopupOutcome::Close,
                    Ok(Some(change)) => {
                        if save_contacts(ctx, &self.original, change) {
                            // A mayor, secretary or intervenor replaced: what follows, offered.
                            return match crate::popups::handover::offer(ctx, &self.original, &after) {
                                Some(prompt) => PopupOutcome::Replace(prompt),
                                None => PopupOutcome::Close,
                            };
                        }
                        self.rebase(ctx, &after);
                    }
                    Err(rule) => self.error = Some(FormError::of(&rule)),
                },
                Err(e) => self.error = Some(e),
            },
            FormOutcome::Full => ctx.field_full_status(),
            FormOutcome::Stay => {}
        }
        PopupOutcome::Keep
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> PopupOutcome {
        if self.paste_text(text) == FormOutcome::Full {
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

impl ContactsForm {
    /// Someone else changed the council while the form was open (the save was
    /// refused, saying who): the form now edits their version with what was
    /// typed over it, so saving again keeps both.
    fn rebase(&mut self, ctx: &Ctx, mine: &Municipality) {
        let Some(&i) = ctx.data.by_ine.get(&self.original.ine) else {
            return;
        };
        let theirs = &ctx.data.municipalities[i];
        if *theirs == self.original {
            return;
        }
        let merged = ops::merge::three_way(&self.original, mine, theirs).unwrap_or_else(|| mine.clone());
        let focus = self.focus;
        *self = ContactsForm::new(&merged);
        self.original = theirs.clone();
        self.focus = focus.min(self.field_count() - 1);
    }
}

/// Saves the change to the council's contacts and notes; false keeps the form
/// open (the status line says why).
fn save_contacts(ctx: &mut Ctx, before: &Municipality, change: Change) -> bool {
    if !ctx.data.by_ine.contains_key(&before.ine) {
        // Saving would bring back a council another change removed.
        record_gone(ctx);
        return true;
    }
    ctx.commit(change).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::municipality::IneCode;
    use crossterm::event::KeyModifiers;

    fn council() -> Municipality {
        Municipality {
            ine: IneCode(252228),
            name: "Tiurana".into(),
            comarca: "Noguera".into(),
            population: 69,
            population_year: 2025,
            contacts: vec![Contact {
                role: ContactRole::Mayor,
                name: "Joan".into(),
                phone: String::new(),
                email: String::new(),
            }],
            notes: String::new(),
            subscriber_form_sent_on: None,
        }
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_in(form: &mut ContactsForm, text: &str) {
        for c in text.chars() {
            form.handle_key(&key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn a_new_contact_goes_into_the_blank_row() {
        let mut f = ContactsForm::new(&council());
        assert_eq!(f.rows.len(), 2);
        f.focus = 4; // role of the blank row
        f.handle_key(&key(KeyCode::Char(' ')));
        assert_eq!(f.rows[1].role, ContactRole::DataCertifier);
        f.handle_key(&key(KeyCode::Tab));
        type_in(&mut f, "Anna");
        assert_eq!(f.rows.len(), 3, "a fresh blank row follows");
        f.handle_key(&key(KeyCode::Tab));
        f.handle_key(&key(KeyCode::Tab));
        type_in(&mut f, "anna@tiurana.cat");
        let m = f.result().unwrap();
        assert_eq!(m.contacts.len(), 2);
        assert_eq!(m.contacts[1].email, "anna@tiurana.cat");
        assert!(f.is_dirty());
    }

    #[test]
    fn letters_typed_on_a_role_go_to_the_name_beside_it() {
        let mut f = ContactsForm::new(&council());
        f.focus = 4; // role of the blank row, as Tab from the row above leaves it
        type_in(&mut f, "Joan Roca");
        assert_eq!(f.rows[1].name.value(), "Joan Roca");
        assert_eq!(
            f.rows[1].role,
            ContactRole::ServiceManager,
            "the role is untouched"
        );
        assert_eq!(f.focused(), Field::Name(1));
    }

    #[test]
    fn clearing_a_name_removes_the_contact_and_bad_fields_are_named() {
        let mut f = ContactsForm::new(&council());
        f.focus = 1;
        f.handle_key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert!(f.result().unwrap().contacts.is_empty());
        type_in(&mut f, "Joan");
        f.focus = 3;
        type_in(&mut f, "joan-at-tiurana");
        assert_eq!(
            f.result().unwrap_err(),
            FormError {
                msg: Msg::form_err_email,
                row: 0
            }
        );
    }

    #[test]
    fn esc_asks_before_discarding_typed_text() {
        let mut f = ContactsForm::new(&council());
        assert_eq!(
            f.handle_key(&key(KeyCode::Esc)),
            FormOutcome::Close,
            "nothing typed: closes"
        );
        type_in(&mut f, "x");
        assert_eq!(f.handle_key(&key(KeyCode::Esc)), FormOutcome::Stay);
        assert!(f.confirm_discard);
        assert_eq!(f.handle_key(&key(KeyCode::Char('n'))), FormOutcome::Stay);
        assert!(!f.confirm_discard);
        f.handle_key(&key(KeyCode::Esc));
        assert_eq!(f.handle_key(&key(KeyCode::Char('s'))), FormOutcome::Close);
    }
}
