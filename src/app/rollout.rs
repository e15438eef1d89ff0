//! The Implantació tab: a cursor over the council × service matrix, and the
//! status filter that answers "who still lacks e-NOTUM?".

use super::data::Data;
use super::table::Cursor;
use crate::domain::catalog::services;
use crate::domain::rollout::RolloutStatus;

/// Which cells of a column the status filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Pending, in progress or blocked: everything not done nor set aside.
    NotDone,
    Is(RolloutStatus),
}

impl StatusFilter {
    /// The `f` key's cycle: not done first (the usual question), then each status, then off.
    pub fn next(current: Option<StatusFilter>) -> Option<StatusFilter> {
        use RolloutStatus::*;
        match current {
            None => Some(StatusFilter::NotDone),
            Some(StatusFilter::NotDone) => Some(StatusFilter::Is(Pending)),
            Some(StatusFilter::Is(Pending)) => Some(StatusFilter::Is(InProgress)),
            Some(StatusFilter::Is(InProgress)) => Some(StatusFilter::Is(Blocked)),
            Some(StatusFilter::Is(Blocked)) => Some(StatusFilter::Is(Done)),
            Some(StatusFilter::Is(Done)) => Some(StatusFilter::Is(NotApplicable)),
            Some(StatusFilter::Is(NotApplicable)) => None,
        }
    }

    pub fn keeps(self, status: RolloutStatus) -> bool {
        match self {
            StatusFilter::NotDone => {
                matches!(
                    status,
                    RolloutStatus::Pending | RolloutStatus::InProgress | RolloutStatus::Blocked
                )
            }
            StatusFilter::Is(s) => s == status,
        }
    }
}

#[derive(Debug, Default)]
pub struct RolloutState {
    /// Indexes into `Data::municipalities`: the Municipis rows, less those the status filter drops.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    /// The selected service, as a catalogue index.
    pub column: usize,
    /// A status filter on one service column.
    pub filter: Option<(usize, StatusFilter)>,
}

impl RolloutState {
    /// Recomputes the rows from the Municipis rows, keeping the selected council if it stays.
    pub fn refresh(&mut self, data: &Data, base_rows: &[usize]) {
        let selected = self.selected_index();
        self.rows = match self.filter {
            Some((service, filter)) => base_rows
                .iter()
                .copied()
                .filter(|&m| filter.keeps(data.status(m, service)))
                .collect(),
            None => base_rows.to_vec(),
        };
        match selected.and_then(|s| self.rows.iter().position(|&r| r == s)) {
            Some(pos) => self.cursor.select(pos),
            None => self.cursor.clamp(self.rows.len()),
        }
    }

    pub fn selected_index(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).copied()
    }

    pub fn move_column(&mut self, delta: isize) {
        let last = services().len() as isize - 1;
        self.column = (self.column as isize + delta).clamp(0, last) as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RolloutStatus::*;

    #[test]
    fn f_cycles_through_not_done_each_status_and_off() {
        let mut f = None;
        let mut seen = Vec::new();
        loop {
            f = StatusFilter::next(f);
            match f {
                Some(x) => seen.push(x),
                None => break,
            }
        }
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[0], StatusFilter::NotDone);
    }

    #[test]
    fn not_done_keeps_pending_in_progress_and_blocked() {
        let f = StatusFilter::NotDone;
        assert!(f.keeps(Pending) && f.keeps(InProgress) && f.keeps(Blocked));
        assert!(!f.keeps(Done) && !f.keeps(NotApplicable));
        assert!(StatusFilter::Is(Done).keeps(Done));
    }
}
