//! The checklist of one council and one service: its steps and notes.

mod view;

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::changes::change_rollout;
use crate::app::data::RolloutCell;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::app::table::Cursor;
use crate::domain::catalog::service_index;
use crate::domain::catalog::services;
use crate::i18n::Msg;
use crate::ops;
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub const NOTES_LIMIT: usize = crate::domain::limits::NOTES;

#[derive(Debug)]
pub struct Checklist {
    pub cell: RolloutCell,
    /// Over the steps.
    pub cursor: Cursor,
    /// The notes being typed, while `e` is in effect.
    pub notes: Option<TextInput>,
    /// The date of the step being ticked (the selected one), while Space asks it.
    pub date: Option<TextInput>,
    /// Why the date typed was refused, in the user's language.
    pub date_error: Option<String>,
    /// Esc on changed notes asks first.
    pub confirm_discard: bool,
}

impl Checklist {
    pub fn new(cell: RolloutCell) -> Checklist {
        Checklist {
            cell,
            cursor: Cursor::default(),
            notes: None,
            date: None,
            date_error: None,
            confirm_discard: false,
        }
    }

    /// The cell's notes as stored; empty if the council has gone.
    fn stored_notes(&self, ctx: &Ctx) -> String {
        self.cell
            .locate(&ctx.data)
            .map(|(m, s)| ctx.data.rollout_or_pending(m, s).notes)
            .unwrap_or_default()
    }

    /// Keys while the date of a step is being typed: Enter ticks it, Esc leaves it.
    fn date_key(&mut self, key: KeyEvent, ctx: &mut Ctx) {
        let Some(input) = &mut self.date else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.date = None;
                self.date_error = None;
            }
            KeyCode::Enter => {
                let typed = input.value().trim().to_string();
                // The time offered, left as it was: now, to the second.
                let now = ctx.now();
                let parsed = match typed == ctx.t.datetime(now, ctx.tz) {
                    true => Ok(now),
                    false => crate::domain::localtime::parse_local(&typed, ctx.tz),
                };
                let at = match parsed {
                    Ok(at) => at,
                    Err(crate::domain::localtime::TimeError::Skipped) => {
                        self.date_error = Some(ctx.t.t(Msg::req_err_no_such_hour).to_string());
                        return;
                    }
                    Err(crate::domain::localtime::TimeError::Unreadable) => {
                        self.date_error = Some(ctx.t.f(Msg::date_invalid, &[("text", &typed)]));
                        return;
                    }
                };
                let step = self.cursor.selected;
                let user = ctx.store.user().to_string();
                let mut broken = None;
                change_rollout(ctx, &self.cell, |stored, now| {
                    ops::rollout::tick_step(stored, step, at, now, &user).unwrap_or_else(|rule| {
                        broken = Some(rule.msg());
                        None
                    })
                });
                match broken {
                    Some(msg) => self.date_error = Some(ctx.t.t(msg).to_string()),
                    None => {
                        self.date = None;
                        self.date_error = None;
                    }
                }
            }
            _ => {
                self.date_error = None;
                if input.handle_key(&key) == Edited::Full {
                    ctx.field_full_status();
                }
            }
        }
    }

    /// Whether step `step` is ticked, as stored.
    fn is_ticked(&self, ctx: &Ctx, step: usize) -> bool {
        self.cell.locate(&ctx.data).is_some_and(|(m, s)| {
            ctx.data
                .rollout_or_pending(m, s)
                .steps
                .get(step)
                .is_some_and(Option::is_some)
        })
    }

    /// Keys while the notes are being typed.
    fn notes_key(&mut self, key: KeyEvent, ctx: &mut Ctx) {
        let stored = (key.code == KeyCode::Esc).then(|| self.stored_notes(ctx));
        let Some(notes) = &mut self.notes else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                if stored.is_some_and(|stored| notes.value() == stored) {
                    self.notes = None;
                } else {
                    self.confirm_discard = true;
                }
            }
            KeyCode::Enter => {
                let text = notes.value().to_string();
                self.notes = None;
                change_rollout(ctx, &self.cell, |stored, now| {
                    ops::rollout::set_notes(stored, &text, now)
                });
            }
            _ => {
                if notes.handle_key(&key) == Edited::Full {
                    ctx.field_full_status();
                }
            }
        }
    }
}

impl Popup for Checklist {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        if self.confirm_discard {
            if matches!(key.code, KeyCode::Char('s' | 'S' | 'y' | 'Y')) {
                self.notes = None;
            }
            self.confirm_discard = false;
            return PopupOutcome::Keep;
        }
        if self.notes.is_some() {
            self.notes_key(key, ctx);
            return PopupOutcome::Keep;
        }
        if self.date.is_some() {
            self.date_key(key, ctx);
            return PopupOutcome::Keep;
        }
        let steps = service_index(&self.cell.service).map_or(0, |s| services()[s].steps.len());
        let action = ctx
            .keymap
            .lookup(&[Context::Checklist, Context::Table, Context::Global], &key);
        if ctx.read_only && action.is_some_and(|a| a.is_edit()) {
            ctx.refuse_read_only();
            return PopupOutcome::Keep;
        }
        match action {
            Some(Action::Back) | Some(Action::Quit) if key.code == KeyCode::Esc => {
                return PopupOutcome::Close;
            }
            // Ticking asks the day it was done (now unless typed otherwise); unticking does not.
            Some(Action::ToggleStep) => {
                let step = self.cursor.selected;
                if step >= steps {
                    return PopupOutcome::Ignored;
                }
                if self.is_ticked(ctx, step) {
                    let user = ctx.store.user().to_string();
                    change_rollout(ctx, &self.cell, |stored, now| {
                        ops::rollout::tick_step(stored, step, now, now, &user)
                            .ok()
                            .flatten()
                    });
                } else {
                    let now = ctx.t.datetime(ctx.now(), ctx.tz);
                    self.date = Some(TextInput::new(&now, 25));
                    self.date_error = None;
                }
            }
            Some(Action::EditNotes) => {
                let current = self.stored_notes(ctx);
                self.notes = Some(TextInput::new(&current, NOTES_LIMIT));
            }
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::First
                | Action::Last),
            ) => {
                self.cursor.apply(action, steps);
            }
            Some(Action::Back) => return PopupOutcome::Close,
            // The global keys still work with the checklist open.
            Some(Action::Undo) => ctx.undo_redo(true, false),
            Some(Action::Redo) => ctx.undo_redo(false, false),
            Some(action @ (Action::Help | Action::Quit)) => {
                ctx.run(action);
                return PopupOutcome::Close;
            }
            _ => {}
        }
        PopupOutcome::Keep
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> PopupOutcome {
        let full = self
            .notes
            .as_mut()
            .or(self.date.as_mut())
            .is_some_and(|n| n.insert(text) == Edited::Full);
        if full {
            ctx.field_full_status();
        }
        PopupOutcome::Keep
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }

    fn has_typing(&self) -> bool {
        self.notes.is_some() || self.date.is_some()
    }

    fn hints(&self) -> Hints {
        Hints::Keys(&[
            (Action::ToggleStep, Msg::hint_toggle_step),
            (Action::EditNotes, Msg::hint_edit_notes),
            (Action::Undo, Msg::hint_undo),
            (Action::Back, Msg::hint_back),
        ])
    }
}
