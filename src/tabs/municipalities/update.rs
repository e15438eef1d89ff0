//! The Municipis tab's actions.

use super::MunicipalitiesTab;
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::tab::Outcome;
use crate::popups::contacts_form::ContactsForm;
use crate::popups::prompt::{Prompt, PromptKind};

pub fn update(tab: &mut MunicipalitiesTab, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        // Enter opens the page, or gives it the keys when it is already beside the table.
        Action::Open if tab.selected_index(ctx).is_some() => {
            if tab.detail {
                tab.page_focus = true;
            } else {
                tab.open_page();
            }
        }
        Action::Back => return back(tab, ctx).into(),
        Action::ToggleAll | Action::SortNext | Action::SortReverse => {
            ctx.councils.apply(action);
            ctx.refresh_rows();
        }
        Action::Edit => {
            let Some(i) = tab.selected_index(ctx) else {
                return Outcome::Ignored;
            };
            return Outcome::Open(Box::new(ContactsForm::new(&ctx.data.municipalities[i])));
        }
        Action::FormSent => {
            let Some(i) = tab.selected_index(ctx) else {
                return Outcome::Ignored;
            };
            let council = ctx.data.municipalities[i].ine;
            let today = ctx.t.date(ctx.today());
            return Outcome::Open(Box::new(Prompt::new(
                PromptKind::FormSent { council },
                &today,
                20,
            )));
        }
        _ => return Outcome::Ignored,
    }
    Outcome::Changed
}

/// Esc: give the keys back to the table (wide screens), else close the detail,
/// else clear the name filter. Never quits.
fn back(tab: &mut MunicipalitiesTab, ctx: &mut Ctx) -> bool {
    if tab.detail && tab.page_focus && !tab.detail_alone(ctx) {
        tab.page_focus = false;
    } else if tab.detail {
        tab.detail = false;
        tab.page_focus = false;
    } else if !ctx.councils.filter.is_empty() {
        ctx.councils.filter.set("");
        ctx.refresh_rows();
    } else {
        return false;
    }
    true
}
