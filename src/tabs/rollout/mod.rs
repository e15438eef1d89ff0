//! The Implantació tab: a cursor over the council × service matrix, and the
//! status filter that answers "who still lacks e-NOTUM?".

mod update;
mod view;

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::data::RolloutCell;
use crate::app::effect::Target;
use crate::app::tab::{Export, Outcome, Tab};
use crate::app::table::Cursor;
use crate::domain::catalog::services;
use crate::domain::municipality::IneCode;
use crate::domain::rollout::RolloutStatus;
use crate::i18n::Msg;
use crate::widgets::input::TextInput;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

/// The columns `s` sorts by here: those the tab shows (the name, the done count).
pub const SORTS: [crate::app::councils::SortColumn; 2] = [
    crate::app::councils::SortColumn::Name,
    crate::app::councils::SortColumn::Rollout,
];

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
pub struct RolloutTab {
    /// Indexes into `Data::municipalities`: the shared council list, less those the status filter drops.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    /// The council the cursor is on, by code: indexes shift when councils come and go.
    selected: Option<IneCode>,
    /// The selected service, as a catalogue column.
    pub column: usize,
    /// A status filter on one service column.
    pub filter: Option<(usize, StatusFilter)>,
}

impl RolloutTab {
    pub fn selected_index(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).copied()
    }

    /// The selected cell, by identity.
    pub fn selected_cell(&self, ctx: &Ctx) -> Option<RolloutCell> {
        let m = self.selected_index()?;
        Some(RolloutCell::at(&ctx.data, m, self.column))
    }

    /// Moves along the columns shown (a retired service's is not).
    pub fn move_column(&mut self, delta: isize) {
        let columns = crate::domain::catalog::active_columns();
        let Some(last) = columns.len().checked_sub(1) else {
            return;
        };
        let at = columns.iter().position(|&c| c >= self.column).unwrap_or(last);
        let to = (at as isize + delta).clamp(0, last as isize) as usize;
        self.column = columns[to];
    }

    fn remember(&mut self, ctx: &Ctx) {
        self.selected = self.selected_index().map(|i| ctx.data.municipalities[i].ine);
    }

    fn select_council(&mut self, ine: IneCode, ctx: &Ctx) -> bool {
        let index = ctx.data.by_ine.get(&ine);
        match index.and_then(|&i| self.rows.iter().position(|&r| r == i)) {
            Some(pos) => {
                self.cursor.select(pos);
                self.selected = Some(ine);
                true
            }
            None => false,
        }
    }
}

impl Tab for RolloutTab {
    fn id(&self) -> &'static str {
        "rollout"
    }

    fn title(&self) -> Msg {
        Msg::tab_rollout
    }

    fn short_title(&self) -> Msg {
        Msg::tab_rollout_short
    }

    fn action(&self) -> Action {
        Action::TabRollout
    }

    fn context(&self) -> Context {
        Context::Rollout
    }

    /// The checklist opens from here: its keys are listed with the tab's.
    fn help_contexts(&self) -> Vec<Context> {
        vec![Context::Rollout, Context::Checklist]
    }

    fn hints(&self, _ctx: &Ctx) -> &'static [(Action, Msg)] {
        &[
            (Action::CycleStatus, Msg::hint_cycle_status),
            (Action::Open, Msg::hint_checklist),
            (Action::FilterStatus, Msg::hint_filter_status),
            (Action::Jump, Msg::hint_jump),
            (Action::Help, Msg::hint_help),
        ]
    }

    fn hint_prefix(&self, ctx: &Ctx) -> Vec<Span<'static>> {
        view::selected_service(self, ctx)
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        update::update(self, action, ctx)
    }

    fn move_cursor(&mut self, action: Action, ctx: &Ctx) -> bool {
        let moved = self.cursor.apply(action, self.rows.len());
        self.remember(ctx);
        moved
    }

    /// The rows are the shared council list's, less those the status filter drops.
    fn refresh(&mut self, ctx: &Ctx) {
        // The catalogue may have changed under the tab (an import elsewhere, or
        // its undo): the selection and the filter keep to columns still shown.
        let columns = crate::domain::catalog::active_columns();
        if !columns.contains(&self.column) {
            self.move_column(0);
        }
        if self.filter.is_some_and(|(s, _)| !columns.contains(&s)) {
            self.filter = None;
        }
        let base = &ctx.councils.rows;
        self.rows = match self.filter {
            Some((service, filter)) => base
                .iter()
                .copied()
                .filter(|&m| filter.keeps(ctx.data.status(m, service)))
                .collect(),
            None => base.to_vec(),
        };
        let kept = self.selected.is_some_and(|ine| self.select_council(ine, ctx));
        if !kept {
            self.cursor.clamp(self.rows.len());
            self.remember(ctx);
        }
    }

    fn filter<'a>(&'a self, ctx: &'a Ctx) -> Option<(&'a TextInput, bool)> {
        Some((&ctx.councils.filter, ctx.councils.filtering))
    }

    fn filter_mut<'a>(&'a mut self, ctx: &'a mut Ctx) -> Option<(&'a mut TextInput, &'a mut bool)> {
        Some((&mut ctx.councils.filter, &mut ctx.councils.filtering))
    }

    fn selection(&self, ctx: &Ctx) -> Option<Target> {
        self.selected_index()
            .map(|i| Target::Council(ctx.data.municipalities[i].ine))
    }

    fn select(&mut self, target: &Target, ctx: &Ctx) {
        match target {
            Target::Council(ine) => {
                self.select_council(*ine, ctx);
            }
            Target::Cell(cell) => {
                self.select_council(cell.council, ctx);
            }
            Target::Request(_) | Target::Expiry(_) | Target::Activity(_) | Target::OperatorCards => {}
        }
    }

    fn shows(&self, target: &Target) -> bool {
        matches!(target, Target::Cell(_))
    }

    /// A cell just changed (an undo, say): its council listed and selected, its
    /// service's column current; a filter that would hide it is dropped.
    fn reveal(&mut self, target: &Target, ctx: &mut Ctx) {
        let Target::Cell(cell) = target else {
            return;
        };
        let Some((council, service)) = cell.locate(&ctx.data) else {
            return;
        };
        ctx.councils.filtering = false;
        ctx.councils.reveal(&ctx.data, ctx.config.threshold, council);
        if self
            .filter
            .is_some_and(|(column, f)| !f.keeps(ctx.data.status(council, column)))
        {
            self.filter = None;
        }
        self.column = service;
        self.refresh(ctx);
        self.select_council(cell.council, ctx);
        // The other tabs follow the list, if it widened.
        ctx.refresh_rows();
    }

    /// `L` here: about the selected council and the service of the selected column.
    fn log_about(&self, ctx: &Ctx) -> crate::app::effect::LogAbout {
        crate::app::effect::LogAbout {
            service: Some(services()[self.column].id.clone()),
            ..crate::app::effect::LogAbout::of(self.selection(ctx), &ctx.data)
        }
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        Some(Export {
            name: "implantacio",
            rows: self.rows.len(),
            csv: update::csv(self, ctx),
        })
    }

    fn row_summary(&self, ctx: &Ctx) -> Option<String> {
        update::summary(self, ctx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
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
