//! A one-line question at the bottom of the screen: a date, a reason.

use crate::widgets::input::TextInput;
use chrono::NaiveDate;

/// What the answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The date a council's fitxa de subscriptor was sent.
    FormSent {
        council: usize,
    },
    /// Why a council's service is blocked.
    BlockReason {
        council: usize,
        service: usize,
    },
    /// Confirm issuing or delivering a request (s/n).
    ConfirmAdvance {
        id: u64,
    },
    /// Cancelling asks for the holder's name.
    CancelRequest {
        id: u64,
    },
    RejectRequest {
        id: u64,
    },
    /// Quit although changes are not on disk (s/n).
    ConfirmQuit,
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
