//! The Avui tab: the first screen of the day. One worklist in sections, most
//! urgent first (`worklist.rs`), each line reaching its record on its own tab;
//! `v` for the charts (`charts.rs`, their figures in `series.rs`).

mod charts;
pub mod series;
mod update;
mod view;
pub mod worklist;

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::effect::Target;
use crate::app::tab::{Outcome, Tab};
use crate::app::table::Cursor;
use crate::i18n::Msg;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::HashSet;
use worklist::{Item, Section, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TodayView {
    /// The worklist.
    #[default]
    List,
    /// The charts.
    Charts,
}

/// One line of the list: a section's heading, or one of its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Heading(Section),
    Item(Section, usize),
}

/// A section's items, or None while the records it reads are being loaded.
pub type Sections = Vec<(Section, Option<Vec<Item>>)>;

/// What the list was last computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basis {
    generations: (u64, u64, u64),
    certs_loaded: bool,
    today: NaiveDate,
    settings: Settings,
}

#[derive(Debug, Default)]
pub struct TodayTab {
    pub view: TodayView,
    pub sections: Sections,
    /// The sections folded to their heading.
    pub folded: HashSet<Section>,
    /// The lines on screen, in order.
    pub rows: Vec<Row>,
    pub cursor: Cursor,
    /// The line the cursor is on, by what it shows: items come and go.
    selected: Option<Selected>,
    basis: Option<Basis>,
    /// The charts' figures, recomputed with the list.
    pub series: Option<series::Series>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Selected {
    Heading(Section),
    Item(Section, Target),
}

impl TodayTab {
    pub fn settings(ctx: &Ctx) -> Settings {
        Settings {
            threshold: ctx.config.threshold,
            unvisited_from_month: ctx.config.unvisited_from_month,
        }
    }

    /// Recomputes the sections if the records, the day or the settings changed.
    pub fn refresh_rows(&mut self, ctx: &Ctx) {
        let data = &ctx.data;
        let basis = Basis {
            generations: (data.generation, data.certs.generation, data.activities.generation),
            certs_loaded: data.certs_loaded,
            today: ctx.today(),
            settings: Self::settings(ctx),
        };
        if self.basis.as_ref() != Some(&basis) {
            let now = ctx.now();
            // A section that does not apply yet is not shown: "(0)" would read as all done.
            self.sections = Section::ALL
                .iter()
                .filter(|s| s.shown(basis.today, basis.settings))
                .map(|&s| {
                    let items = (data.certs_loaded || !s.needs_certificates())
                        .then(|| worklist::section(data, s, now, basis.settings));
                    (s, items)
                })
                .collect();
            // The charts read every request: only once they are loaded, and when shown.
            self.series = None;
            self.basis = Some(basis);
        }
        if self.view == TodayView::Charts && self.series.is_none() {
            self.series = Some(series::Series::new(data, ctx.now(), ctx.config.threshold));
        }
        self.relayout();
    }

    /// The lines from the sections and the folds, the cursor kept on its line.
    fn relayout(&mut self) {
        self.rows.clear();
        for (section, items) in &self.sections {
            // An empty section is left out: a list of "(0)" headings hides what
            // is due. One still loading is shown, marked so.
            if items.as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            self.rows.push(Row::Heading(*section));
            if let Some(items) = items
                && !self.folded.contains(section)
            {
                self.rows.extend((0..items.len()).map(|i| Row::Item(*section, i)));
            }
        }
        let at = self.selected.clone().and_then(|s| self.position(&s));
        match at {
            Some(pos) => self.cursor.select(pos),
            None => {
                self.cursor.clamp(self.rows.len());
                self.remember();
            }
        }
    }

    fn position(&self, selected: &Selected) -> Option<usize> {
        self.rows.iter().position(|row| match (row, selected) {
            (Row::Heading(a), Selected::Heading(b)) => a == b,
            (Row::Item(s, i), Selected::Item(b, target)) => {
                s == b && self.item(*s, *i).is_some_and(|item| item.target() == *target)
            }
            _ => false,
        })
    }

    fn remember(&mut self) {
        self.selected = match self.rows.get(self.cursor.selected) {
            Some(Row::Heading(s)) => Some(Selected::Heading(*s)),
            Some(Row::Item(s, i)) => self.item(*s, *i).map(|item| Selected::Item(*s, item.target())),
            None => None,
        };
    }

    /// The items of a section, None while it loads.
    pub fn items(&self, section: Section) -> Option<&[Item]> {
        self.sections
            .iter()
            .find(|(s, _)| *s == section)
            .and_then(|(_, items)| items.as_deref())
    }

    pub fn item(&self, section: Section, index: usize) -> Option<&Item> {
        self.items(section)?.get(index)
    }

    /// The item the cursor is on.
    pub fn selected_item(&self) -> Option<&Item> {
        match self.rows.get(self.cursor.selected)? {
            Row::Item(s, i) => self.item(*s, *i),
            Row::Heading(_) => None,
        }
    }

    /// The section of the line the cursor is on.
    pub fn selected_section(&self) -> Option<Section> {
        match self.rows.get(self.cursor.selected)? {
            Row::Item(s, _) | Row::Heading(s) => Some(*s),
        }
    }
}

impl Tab for TodayTab {
    fn id(&self) -> &'static str {
        "today"
    }

    fn title(&self) -> Msg {
        Msg::tab_today
    }

    fn action(&self) -> Action {
        Action::TabToday
    }

    fn context(&self) -> Context {
        Context::Today
    }

    fn hints(&self, _ctx: &Ctx) -> &'static [(Action, Msg)] {
        match self.view {
            TodayView::List => &[
                (Action::Open, Msg::hint_today_open),
                (Action::ToggleSection, Msg::hint_today_fold),
                (Action::ToggleView, Msg::hint_today_charts),
                (Action::Help, Msg::hint_help),
            ],
            TodayView::Charts => &[
                (Action::ToggleView, Msg::hint_today_list),
                (Action::Help, Msg::hint_help),
            ],
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        update::update(self, action, ctx)
    }

    fn move_cursor(&mut self, action: Action, _ctx: &Ctx) -> bool {
        if self.view == TodayView::Charts {
            return false;
        }
        let moved = self.cursor.apply(action, self.rows.len());
        self.remember();
        moved
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.refresh_rows(ctx);
    }

    /// The worklist reads every request: it waits until Avui is shown, so that a
    /// change made on another tab does not pay for it.
    fn refresh_hidden(&mut self, _ctx: &Ctx) {}

    /// The countdowns on screen.
    fn deadlines(&self, _ctx: &Ctx) -> Vec<chrono::DateTime<chrono::Utc>> {
        if self.view != TodayView::List {
            return Vec::new();
        }
        self.rows[self.cursor.visible_range(self.rows.len())]
            .iter()
            .filter_map(|row| match row {
                Row::Item(s, i) => match self.item(*s, *i)? {
                    Item::Request { due, .. } | Item::Support { due: Some(due), .. } => Some(*due),
                    _ => None,
                },
                Row::Heading(_) => None,
            })
            .collect()
    }

    /// The selected item's council, carried to the other tabs.
    fn selection(&self, ctx: &Ctx) -> Option<Target> {
        match self.selected_item()?.target() {
            Target::Request(id) | Target::Expiry(id) => {
                ctx.data.certs.get(id).map(|c| Target::Council(c.ine))
            }
            Target::Activity(id) => {
                let a = ctx.data.activities.get(id)?;
                a.council_codes().first().map(|&ine| Target::Council(ine))
            }
            Target::Cell(cell) => Some(Target::Council(cell.council)),
            target => Some(target),
        }
    }

    /// `L` about the selected item's record.
    fn log_about(&self, ctx: &Ctx) -> crate::app::effect::LogAbout {
        crate::app::effect::LogAbout::of(self.selected_item().map(Item::target), &ctx.data)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        match self.view {
            TodayView::List => view::draw(self, frame, area, ctx),
            TodayView::Charts => charts::draw(self, frame, area, ctx),
        }
    }
}
