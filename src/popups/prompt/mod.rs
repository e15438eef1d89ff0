//! A one-line question on the status line: a date, a reason, a name, yes or no.

mod view;

use crate::app::Ctx;
use crate::app::changes::{advance_request, block_with_reason, record_gone};
use crate::app::data::RolloutCell;
use crate::app::popup::{Popup, PopupOutcome};
use crate::domain::localtime::{TimeError, parse_local};
use crate::domain::municipality::IneCode;
use crate::i18n::Msg;
use crate::ops;
use crate::widgets::input::{Edited, TextInput};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

/// What the answer is for; each names its record by identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// The date a council's fitxa de subscriptor was sent.
    FormSent {
        council: IneCode,
    },
    /// Why a council's service is blocked.
    BlockReason {
        cell: RolloutCell,
    },
    /// The date a request was issued or delivered (now unless typed otherwise).
    AdvanceOn {
        id: u64,
    },
    /// Cancelling asks for the holder's name.
    CancelRequest {
        id: u64,
    },
    RejectRequest {
        id: u64,
    },
    /// Then, the holder's name given, why (optional).
    CancelReason {
        id: u64,
    },
    /// Quit although changes are not on disk (s/n).
    ConfirmQuit,
    /// Close an activity, with an optional note.
    CloseActivity {
        id: u64,
    },
    /// Tick the "formació" steps of the councils at training `id` (s/n).
    TickTraining {
        id: u64,
    },
    /// Has the holder downloaded the T-CAT P?
    ConfirmDownloaded {
        id: u64,
    },
    /// A post changed hands: a request for the new holder (`n`), revocations of
    /// the outgoing holder's certificates (`r`), both (`b`), or nothing (Esc).
    /// The first is asked; the posts after it are asked in turn.
    Handover(Vec<crate::ops::office_holder::Handover>),
    /// Is the appointment in EACAT's register? Yes, no, or Esc.
    AppointmentCheck {
        id: u64,
    },
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextInput,
    /// Why the last answer was refused, already in the user's language.
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, initial: &str, limit: usize) -> Prompt {
        Prompt {
            kind,
            input: TextInput::new(initial, limit),
            error: None,
        }
    }

    pub fn confirm_quit() -> Prompt {
        Prompt::new(PromptKind::ConfirmQuit, "", 0)
    }

    /// Enter: acts on the answer; true closes the prompt.
    fn answer(&mut self, ctx: &mut Ctx) -> bool {
        match self.kind.clone() {
            PromptKind::FormSent { council } => {
                let typed = self.input.value().trim();
                let date = if typed.is_empty() {
                    Some(ctx.today())
                } else {
                    parse_date(typed)
                };
                match date.map(|d| record_form_sent(ctx, council, d)) {
                    Some(Ok(close)) => return close,
                    Some(Err(msg)) => self.error = Some(ctx.t.t(msg).to_string()),
                    None => {
                        self.error = Some(ctx.t.f(Msg::date_invalid, &[("text", &typed)]));
                    }
                }
            }
            PromptKind::CancelRequest { id } => {
                let Some(before) = ctx.data.certs.get(id) else {
                    record_gone(ctx);
                    return true;
                };
                match ops::requests::confirm_cancel(before, self.input.value()) {
                    // The name was the holder's: now the reason, as a rejection asks it.
                    Ok(()) => *self = Prompt::new(PromptKind::CancelReason { id }, "", 300),
                    Err(rule) => self.error = Some(ctx.t.t(rule.msg()).to_string()),
                }
            }
            PromptKind::CancelReason { id } | PromptKind::RejectRequest { id } => {
                let cancel = matches!(self.kind, PromptKind::CancelReason { .. });
                let answer = self.input.value().to_string();
                match close_request(ctx, id, cancel, &answer) {
                    Ok(()) => return true,
                    Err(msg) => self.error = Some(ctx.t.t(msg).to_string()),
                }
            }
            PromptKind::AdvanceOn { id } => {
                let typed = self.input.value().trim().to_string();
                // The time offered, left as it was: now, to the second.
                let now = ctx.now();
                let parsed = match typed == ctx.t.datetime(now, ctx.tz) {
                    true => Ok(now),
                    false => parse_local(&typed, ctx.tz),
                };
                let result = match parsed {
                    Ok(at) => advance_request(ctx, id, at),
                    Err(TimeError::Skipped) => Err(Msg::req_err_no_such_hour),
                    Err(TimeError::Unreadable) => {
                        self.error = Some(ctx.t.f(Msg::date_invalid, &[("text", &typed)]));
                        return false;
                    }
                };
                match result {
                    Ok(()) => return true,
                    Err(msg) => self.error = Some(ctx.t.t(msg).to_string()),
                }
            }
            PromptKind::CloseActivity { id } => {
                let note = self.input.value().to_string();
                match crate::app::changes::close_activity(ctx, id, &note) {
                    Ok(()) => return true,
                    Err(text) => self.error = Some(text),
                }
            }
            PromptKind::ConfirmQuit
            | PromptKind::TickTraining { .. }
            | PromptKind::AppointmentCheck { .. }
            | PromptKind::ConfirmDownloaded { .. }
            | PromptKind::Handover(_) => {}
            PromptKind::BlockReason { cell } => {
                let reason = self.input.value().to_string();
                match block_with_reason(ctx, &cell, &reason) {
                    Some(msg) => self.error = Some(ctx.t.t(msg).to_string()),
                    None => return true,
                }
            }
        }
        false
    }
}

/// One key answers a yes-or-no question: s (or y) is yes.
fn yes(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char('s' | 'S' | 'y' | 'Y'))
}

impl Popup for Prompt {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        match self.kind {
            // Only yes quits; anything else stays, with the changes still marked.
            PromptKind::ConfirmQuit => {
                ctx.quit = yes(&key);
                return PopupOutcome::Close;
            }
            PromptKind::TickTraining { id } => {
                if yes(&key) {
                    crate::app::changes::tick_training(ctx, id);
                }
                return PopupOutcome::Close;
            }
            PromptKind::ConfirmDownloaded { id } => {
                if yes(&key) {
                    crate::app::appointment::mark_downloaded(ctx, id);
                }
                return PopupOutcome::Close;
            }
            PromptKind::Handover(ref handovers) => {
                let handovers = handovers.clone();
                return crate::popups::handover::answer(ctx, &handovers, &key);
            }
            PromptKind::AppointmentCheck { id } => {
                match key.code {
                    _ if yes(&key) => {
                        crate::app::appointment::record(ctx, id, true);
                    }
                    // Rejected: its detail, where `y` copies the message for the council.
                    KeyCode::Char('n' | 'N') if crate::app::appointment::record(ctx, id, false) => {
                        if let Ok(detail) = crate::popups::request_detail::RequestDetail::open(ctx, id) {
                            return PopupOutcome::Replace(Box::new(detail));
                        }
                    }
                    KeyCode::Char('n' | 'N') | KeyCode::Esc => {}
                    _ => return PopupOutcome::Keep,
                }
                return PopupOutcome::Close;
            }
            _ => {}
        }
        match key.code {
            KeyCode::Esc => return PopupOutcome::Close,
            KeyCode::Enter => {
                if self.answer(ctx) {
                    return PopupOutcome::Close;
                }
            }
            _ => {
                // The prompt has the status line: a full field is said there.
                self.error = (self.input.handle_key(&key) == Edited::Full)
                    .then(|| ctx.t.t(Msg::field_full_short).to_string());
            }
        }
        PopupOutcome::Keep
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> PopupOutcome {
        self.error =
            (self.input.insert(text) == Edited::Full).then(|| ctx.t.t(Msg::field_full_short).to_string());
        PopupOutcome::Keep
    }

    /// Draws on the status line.
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }

    fn has_typing(&self) -> bool {
        !self.input.value().is_empty()
    }

    fn on_status_line(&self) -> bool {
        true
    }

    fn status_height(&self, ctx: &Ctx, width: u16) -> u16 {
        view::rows(self, ctx, width)
    }
}

/// Records the date a council's fitxa was sent: true closes the prompt, false
/// keeps it (the status line says why); the words of the rule it breaks.
fn record_form_sent(ctx: &mut Ctx, council: IneCode, date: NaiveDate) -> Result<bool, Msg> {
    let Some(&index) = ctx.data.by_ine.get(&council) else {
        record_gone(ctx);
        return Ok(true);
    };
    let change = ops::councils::record_fitxa(&ctx.data.municipalities[index], date, ctx.today())
        .map_err(|rule| rule.msg())?;
    Ok(ctx.commit(change).is_some())
}

/// Closes a request as cancelled or rejected; the words of the rule if the
/// answer is not accepted.
fn close_request(ctx: &mut Ctx, id: u64, cancel: bool, answer: &str) -> Result<(), Msg> {
    let Some(before) = ctx.data.certs.get(id).cloned() else {
        record_gone(ctx);
        return Ok(());
    };
    let change = match cancel {
        true => ops::requests::cancel(&before, &before.holder, answer),
        false => ops::requests::reject(&before, answer),
    };
    // The selection follows the request to where it now is: the closed ones.
    if ctx.commit(change.map_err(|rule| rule.msg())?).is_some() {
        ctx.show(crate::app::effect::Target::Request(id));
    }
    Ok(())
}

/// Reads a date typed as 2026-11-26, 26/11/2026 or 26-11-2026.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_iso_and_catalan_order() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26);
        assert_eq!(parse_date("2026-11-26"), d);
        assert_eq!(parse_date(" 26/11/2026 "), d);
        assert_eq!(parse_date("26-11-2026"), d);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("demà"), None);
    }
}
