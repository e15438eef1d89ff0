//! What a tab or a popup asks of the rest of the screen. Handlers see only the
//! shared context, never another tab: anything that crosses tabs is one of these.

use super::action::Action;
use super::data::RolloutCell;
use crate::domain::municipality::IneCode;

/// A record some tab can show, by identity: positions shift when records come and go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A council: its whole picture on the tab that lists councils.
    Council(IneCode),
    /// A certificate request, selected in the queue.
    Request(u64),
    /// A council's rollout of one service, selected in the matrix.
    Cell(RolloutCell),
}

#[derive(Debug)]
pub enum Effect {
    /// Switch to the tab that shows the record, and show it there.
    Show(Target),
    /// An action for the whole app (help, quit), run once the popup that asked has closed.
    Run(Action),
}
