//! The Avui tab's actions: Enter goes to the record, Space folds a section,
//! `v` switches between the list and the charts.

use super::{Row, TodayTab, TodayView};
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::tab::Outcome;

pub fn update(tab: &mut TodayTab, action: Action, ctx: &mut Ctx) -> Outcome {
    match (action, tab.view) {
        (Action::Open, TodayView::List) => match tab.rows.get(tab.cursor.selected) {
            Some(Row::Item(..)) => match tab.selected_item() {
                Some(item) => {
                    ctx.show(item.target());
                    Outcome::Changed
                }
                None => Outcome::Ignored,
            },
            // Enter on a heading folds it too.
            Some(Row::Heading(_)) => fold(tab, ctx),
            None => Outcome::Ignored,
        },
        (Action::ToggleSection, TodayView::List) => fold(tab, ctx),
        (Action::ToggleView, _) | (Action::Back, TodayView::Charts) => {
            tab.view = match tab.view {
                TodayView::List => TodayView::Charts,
                TodayView::Charts => TodayView::List,
            };
            tab.refresh_rows(ctx);
            Outcome::Changed
        }
        _ => Outcome::Ignored,
    }
}

/// Folds or unfolds the section of the line the cursor is on; the cursor goes to its heading.
fn fold(tab: &mut TodayTab, ctx: &Ctx) -> Outcome {
    let Some(section) = tab.selected_section() else {
        return Outcome::Ignored;
    };
    if !tab.folded.remove(&section) {
        tab.folded.insert(section);
    }
    tab.selected = Some(super::Selected::Heading(section));
    tab.refresh_rows(ctx);
    Outcome::Changed
}
