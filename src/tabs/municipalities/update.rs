//! The Municipis tab's actions.

use super::MunicipalitiesTab;
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::scroll::Scroll;
use crate::app::tab::Outcome;
use crate::popups::contacts_form::ContactsForm;
use crate::popups::prompt::{Prompt, PromptKind};

pub fn update(tab: &mut MunicipalitiesTab, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Open if tab.selected_index(ctx).is_some() => {
            tab.detail = true;
            tab.detail_scroll = Scroll::default();
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

/// Esc: close the detail, else clear the name filter. Never quits.
fn back(tab: &mut MunicipalitiesTab, ctx: &mut Ctx) -> bool {
    if tab.detail {
        tab.detail = false;
    } else if !ctx.councils.filter.is_empty() {
        ctx.councils.filter.set("");
        ctx.refresh_rows();
    } else {
        return false;
    }
    true
}
