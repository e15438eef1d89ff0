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
    /// An entry of the support log, selected on Activitat.
    Activity(u64),
    /// An issued certificate, selected in the expiry view (to renew, from Avui).
    Expiry(u64),
    /// The ER operators' cards: the expiry view, where they are shown.
    OperatorCards,
}

/// What `L` fills the activity form with: the council selected or open on the
/// screen, and the service or request it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogAbout {
    pub council: Option<IneCode>,
    pub service: Option<String>,
    pub request: Option<u64>,
    /// The contact the search found the council by: whoever is calling.
    pub contact: Option<String>,
}

impl LogAbout {
    /// From what a tab has selected.
    pub fn of(target: Option<Target>, data: &super::data::Data) -> LogAbout {
        match target {
            Some(Target::Council(ine)) => LogAbout {
                council: Some(ine),
                ..LogAbout::default()
            },
            Some(Target::Request(id) | Target::Expiry(id)) => LogAbout {
                council: data.certs.get(id).map(|c| c.ine),
                request: data.certs.get(id).map(|c| c.id),
                ..LogAbout::default()
            },
            Some(Target::Activity(id)) => LogAbout {
                council: data.activities.get(id).and_then(|a| a.ine),
                service: data.activities.get(id).and_then(|a| a.service.clone()),
                ..LogAbout::default()
            },
            Some(Target::Cell(cell)) => LogAbout {
                council: Some(cell.council),
                service: Some(cell.service),
                ..LogAbout::default()
            },
            Some(Target::OperatorCards) | None => LogAbout::default(),
        }
    }
}

#[derive(Debug)]
pub enum Effect {
    /// Switch to the tab that shows the record, and show it there.
    Show(Target),
    /// An action for the whole app (help, quit), run once the popup that asked has closed.
    Run(Action),
}
