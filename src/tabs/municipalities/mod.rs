//! The Municipis tab: the councils of the shared list, one selected, and its
//! detail beside the table or alone on narrow screens.

mod share;
mod update;
mod view;

pub use view::{count_label, sort_label};

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::effect::Target;
use crate::app::scroll::Scroll;
use crate::app::tab::{Export, Outcome, Tab};
use crate::app::table::Cursor;
use crate::domain::municipality::IneCode;
use crate::i18n::Msg;
use crate::layout::WIDE;
use crate::widgets::input::TextInput;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug, Default)]
pub struct MunicipalitiesTab {
    /// Over `Ctx::councils.rows`.
    pub cursor: Cursor,
    /// The council the cursor is on, by code: indexes shift when councils come and go.
    selected: Option<IneCode>,
    /// The detail pane of the selected council is open.
    pub detail: bool,
    /// Beside the table (wide screens), the detail has the keys: ↑↓ scroll it.
    /// Enter gives it them, Esc gives them back to the table.
    pub page_focus: bool,
    /// The detail pane's scroll position.
    pub detail_scroll: Scroll,
}

impl MunicipalitiesTab {
    /// The selected council, as an index into `Data::municipalities`.
    pub fn selected_index(&self, ctx: &Ctx) -> Option<usize> {
        ctx.councils.rows.get(self.cursor.selected).copied()
    }

    /// Notes which council the cursor is on, after it moved.
    fn remember(&mut self, ctx: &Ctx) {
        self.selected = self.selected_index(ctx).map(|i| ctx.data.municipalities[i].ine);
    }

    /// Puts the cursor on council `ine` if it is listed; true if it is.
    fn select_council(&mut self, ine: IneCode, ctx: &Ctx) -> bool {
        let index = ctx.data.by_ine.get(&ine);
        match index.and_then(|&i| ctx.councils.rows.iter().position(|&r| r == i)) {
            Some(pos) => {
                self.cursor.select(pos);
                self.selected = Some(ine);
                true
            }
            None => false,
        }
    }

    /// True when the detail pane takes the whole body (narrow terminals).
    pub fn detail_alone(&self, ctx: &Ctx) -> bool {
        self.detail && ctx.last_width.get() < WIDE
    }

    /// The movement keys scroll the council's page: it is alone on screen, or
    /// beside the table with the focus.
    pub fn page_has_keys(&self, ctx: &Ctx) -> bool {
        self.detail_alone(ctx) || (self.detail && self.page_focus)
    }

    /// Opens the council's page with the keys, at its top.
    fn open_page(&mut self) {
        self.detail = true;
        self.page_focus = true;
        self.detail_scroll = Scroll::default();
    }
}

impl Tab for MunicipalitiesTab {
    fn id(&self) -> &'static str {
        "municipalities"
    }

    fn title(&self) -> Msg {
        Msg::tab_municipalities
    }

    fn short_title(&self) -> Msg {
        Msg::tab_municipalities_short
    }

    fn action(&self) -> Action {
        Action::TabMunicipalities
    }

    fn context(&self) -> Context {
        Context::Municipalities
    }

    fn hints(&self, ctx: &Ctx) -> &'static [(Action, Msg)] {
        if self.page_has_keys(ctx) {
            &[
                (Action::Back, Msg::hint_back),
                (Action::Down, Msg::hint_scroll),
                (Action::Edit, Msg::hint_edit),
                (Action::FormSent, Msg::hint_form_sent),
                (Action::Jump, Msg::hint_jump),
                (Action::Help, Msg::hint_help),
                (Action::Quit, Msg::hint_quit),
            ]
        } else {
            &[
                (Action::Filter, Msg::hint_filter),
                (Action::Jump, Msg::hint_jump),
                (Action::Open, Msg::hint_open),
                (Action::Edit, Msg::hint_edit),
                (Action::ToggleAll, Msg::hint_toggle_all),
                (Action::Help, Msg::hint_help),
                (Action::Quit, Msg::hint_quit),
            ]
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        update::update(self, action, ctx)
    }

    fn move_cursor(&mut self, action: Action, ctx: &Ctx) -> bool {
        if self.page_has_keys(ctx) {
            return self.detail_scroll.apply(action);
        }
        let moved = self.cursor.apply(action, ctx.councils.rows.len());
        self.detail_scroll = Scroll::default();
        self.remember(ctx);
        moved
    }

    fn refresh(&mut self, ctx: &Ctx) {
        let kept = self.selected.is_some_and(|ine| self.select_council(ine, ctx));
        if !kept {
            self.cursor.clamp(ctx.councils.rows.len());
            self.remember(ctx);
        }
    }

    fn filter<'a>(&'a self, ctx: &'a Ctx) -> Option<(&'a TextInput, bool)> {
        Some((&ctx.councils.filter, ctx.councils.filtering))
    }

    fn filter_mut<'a>(&'a mut self, ctx: &'a mut Ctx) -> Option<(&'a mut TextInput, &'a mut bool)> {
        Some((&mut ctx.councils.filter, &mut ctx.councils.filtering))
    }

    fn deadlines(&self, ctx: &Ctx) -> Vec<DateTime<Utc>> {
        let rows = &ctx.councils.rows;
        rows[self.cursor.visible_range(rows.len())]
            .iter()
            .filter_map(|&m| ctx.data.next_due(m))
            .collect()
    }

    fn selection(&self, ctx: &Ctx) -> Option<Target> {
        self.selected_index(ctx)
            .map(|i| Target::Council(ctx.data.municipalities[i].ine))
    }

    /// The council, and the contact the filter or the quick jump found it by.
    fn log_about(&self, ctx: &Ctx) -> crate::app::effect::LogAbout {
        let mut about = crate::app::effect::LogAbout::of(self.selection(ctx), &ctx.data);
        let Some(index) = self.selected_index(ctx) else {
            return about;
        };
        let council = &ctx.data.municipalities[index];
        let filtered = match ctx.councils.found.get(self.cursor.selected) {
            Some((crate::domain::council_search::Why::Contact { contact, .. }, _)) => Some(*contact),
            _ => None,
        };
        let jumped = ctx
            .found_contact
            .filter(|(ine, _)| self.detail && *ine == council.ine)
            .map(|(_, contact)| contact);
        about.contact = filtered
            .or(jumped)
            .and_then(|i| council.contacts.get(i))
            .map(|c| c.name.clone());
        about
    }

    fn select(&mut self, target: &Target, ctx: &Ctx) {
        if let Target::Council(ine) = target {
            self.select_council(*ine, ctx);
        }
    }

    fn shows(&self, target: &Target) -> bool {
        matches!(target, Target::Council(_))
    }

    /// A council's whole picture: listed (the view widens if needed), selected, detail open.
    fn reveal(&mut self, target: &Target, ctx: &mut Ctx) {
        let Target::Council(ine) = target else {
            return;
        };
        ctx.councils.filtering = false;
        if let Some(&index) = ctx.data.by_ine.get(ine) {
            ctx.councils.reveal(&ctx.data, ctx.config.threshold, index);
            self.select_council(*ine, ctx);
            // The other tabs follow the widened list.
            ctx.refresh_rows();
        }
        self.open_page();
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        Some(Export {
            name: "municipis",
            rows: ctx.councils.rows.len(),
            csv: share::csv(ctx),
        })
    }

    fn row_summary(&self, ctx: &Ctx) -> Option<String> {
        share::summary(ctx, self.selected_index(ctx)?)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }
}
