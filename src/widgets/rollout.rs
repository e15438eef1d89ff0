//! How a rollout status looks: a glyph, so the matrix reads without colour, and a style.

use crate::domain::rollout::RolloutStatus;
use crate::theme::Theme;
use ratatui::style::Style;

/// The glyph that marks a status.
pub fn glyph(status: RolloutStatus) -> &'static str {
    match status {
        RolloutStatus::Pending => "·",
        RolloutStatus::InProgress => "◐",
        RolloutStatus::Done => "●",
        RolloutStatus::NotApplicable => "–",
        RolloutStatus::Blocked => "✖",
    }
}

pub fn status_style(theme: &Theme, status: RolloutStatus) -> Style {
    match status {
        RolloutStatus::Pending | RolloutStatus::NotApplicable => theme.dim,
        RolloutStatus::InProgress => theme.warn,
        RolloutStatus::Done => theme.ok,
        RolloutStatus::Blocked => theme.error,
    }
}
