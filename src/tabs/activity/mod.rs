//! The Activitat tab: the support log. Open entries by due time first, with the
//! same countdowns as Certificats; `v` for today's follow-ups, everything newest
//! first, and the trainings.

mod update;
mod view;

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::effect::{LogAbout, Target};
use crate::app::tab::{Export, Outcome, Tab};
use crate::app::table::Cursor;
use crate::domain::activity::{ActivityKind, AnswerClock};
use crate::domain::search::fold;
use crate::i18n::Msg;
use crate::widgets::input::TextInput;
use chrono::{DateTime, NaiveDate, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

pub use crate::widgets::activity::stopped_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActivityView {
    /// Open and waiting entries, the earliest due first.
    #[default]
    Open,
    /// Follow-ups for today, and those past still open.
    FollowUps,
    /// Everything, newest first.
    All,
    Trainings,
}

impl ActivityView {
    /// `v`'s cycle.
    pub fn next(self) -> ActivityView {
        match self {
            ActivityView::Open => ActivityView::FollowUps,
            ActivityView::FollowUps => ActivityView::All,
            ActivityView::All => ActivityView::Trainings,
            ActivityView::Trainings => ActivityView::Open,
        }
    }
}

/// What the rows were last computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basis {
    generation: u64,
    view: ActivityView,
    query: String,
    today: NaiveDate,
    /// The council names the filter reads, which another change may rename.
    councils: usize,
}

#[derive(Debug)]
pub struct ActivityTab {
    pub view: ActivityView,
    /// Indexes into `ActivityData::list`, in display order.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    /// The entry the cursor is on, by id: indexes shift when entries come and go.
    selected: Option<u64>,
    pub filter: TextInput,
    pub filtering: bool,
    basis: Option<Basis>,
    /// What `/` matches of each entry, folded, parallel to `ActivityData::list`, and
    /// the log's generation they were made for: a keystroke only searches them.
    haystacks: (u64, Vec<String>),
}

impl Default for ActivityTab {
    fn default() -> Self {
        ActivityTab {
            view: ActivityView::default(),
            rows: Vec::new(),
            cursor: Cursor::default(),
            selected: None,
            filter: TextInput::new("", crate::domain::limits::FILTER),
            filtering: false,
            basis: None,
            haystacks: (u64::MAX, Vec::new()),
        }
    }
}

impl ActivityTab {
    /// What `/` matches: the councils' names, the contact, the summary, the services.
    fn haystack(ctx: &Ctx, index: usize) -> String {
        let a = &ctx.data.activities.list[index];
        let mut text = String::new();
        for ine in a.council_codes() {
            text.push_str(&ctx.data.council_name(ine));
            text.push(' ');
        }
        text.push_str(&a.contact);
        text.push(' ');
        text.push_str(&a.summary);
        for id in a.service.iter().chain(&a.services) {
            text.push(' ');
            text.push_str(id);
            if let Some(s) = crate::ops::activity::service(id) {
                text.push(' ');
                text.push_str(&s.name);
            }
        }
        fold(&text)
    }

    /// Recomputes the rows if the log, the view, the day or the filter changed.
    pub fn refresh_rows(&mut self, ctx: &Ctx) {
        let data = &ctx.data.activities;
        let today = ctx.today();
        let basis = Basis {
            generation: data.generation,
            view: self.view,
            query: fold(self.filter.value()),
            today,
            councils: ctx.data.municipalities.len(),
        };
        if self.basis.as_ref() == Some(&basis) {
            return;
        }
        let list = &data.list;
        let training = |i: usize| list[i].kind == ActivityKind::Training;
        let mut rows: Vec<usize> = (0..list.len())
            .filter(|&i| match self.view {
                ActivityView::Open => list[i].is_open() && !training(i),
                ActivityView::FollowUps => list[i]
                    .follow_up_on
                    .is_some_and(|d| d == today || (d < today && list[i].is_open())),
                ActivityView::All => true,
                ActivityView::Trainings => training(i),
            })
            .collect();
        let newest_first = |i: &usize| std::cmp::Reverse((list[*i].received_at, list[*i].id));
        match self.view {
            // Running clocks by due time, then the stopped ones by the time they have left.
            ActivityView::Open => rows.sort_by_key(|&i| match data.clock[i] {
                AnswerClock::Due(due) => (0, due.timestamp_millis(), list[i].id),
                AnswerClock::Stopped(left) => (1, left.num_milliseconds(), list[i].id),
                AnswerClock::None => (2, 0, list[i].id),
            }),
            ActivityView::FollowUps => rows.sort_by_key(|&i| (list[i].follow_up_on, data.due(i), list[i].id)),
            ActivityView::All | ActivityView::Trainings => rows.sort_by_key(newest_first),
        }
        if !basis.query.is_empty() {
            if self.haystacks.0 != data.generation || self.haystacks.1.len() != list.len() {
                let folded = (0..list.len()).map(|i| Self::haystack(ctx, i)).collect();
                self.haystacks = (data.generation, folded);
            }
            let haystacks = &self.haystacks.1;
            rows.retain(|&i| haystacks[i].contains(&basis.query));
        }
        self.rows = rows;
        self.basis = Some(basis);
        let kept = self.selected.is_some_and(|id| self.select_id(id, ctx));
        if !kept {
            self.cursor.clamp(self.rows.len());
            self.remember(ctx);
        }
    }

    /// Puts the cursor on entry `id` if it is listed; true if it is.
    fn select_id(&mut self, id: u64, ctx: &Ctx) -> bool {
        let index = ctx.data.activities.index_of(id);
        match index.and_then(|index| self.rows.iter().position(|&r| r == index)) {
            Some(pos) => {
                self.cursor.select(pos);
                self.selected = Some(id);
                true
            }
            None => false,
        }
    }

    fn remember(&mut self, ctx: &Ctx) {
        self.selected = self.selected_id(ctx);
    }

    /// The selected entry's index into `ActivityData::list`.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).copied()
    }

    pub fn selected_id(&self, ctx: &Ctx) -> Option<u64> {
        self.selected()
            .and_then(|i| ctx.data.activities.list.get(i))
            .map(|a| a.id)
    }

    /// The view that lists an entry: open ones in the queue, trainings apart, the rest in all.
    fn view_of(ctx: &Ctx, id: u64) -> ActivityView {
        match ctx.data.activities.get(id) {
            Some(a) if a.kind == ActivityKind::Training => ActivityView::Trainings,
            Some(a) if a.is_open() => ActivityView::Open,
            _ => ActivityView::All,
        }
    }
}

impl Tab for ActivityTab {
    fn id(&self) -> &'static str {
        "activity"
    }

    fn title(&self) -> Msg {
        Msg::tab_activity
    }

    fn short_title(&self) -> Msg {
        Msg::tab_activity_short
    }

    fn action(&self) -> Action {
        Action::TabActivity
    }

    fn context(&self) -> Context {
        Context::Activity
    }

    fn hints(&self, _ctx: &Ctx) -> &'static [(Action, Msg)] {
        &[
            (Action::NewActivity, Msg::hint_new_request),
            (Action::CloseActivity, Msg::hint_close_activity),
            (Action::MarkWaiting, Msg::hint_mark_waiting),
            (Action::Open, Msg::hint_open),
            (Action::ToggleView, Msg::hint_activity_view),
            (Action::Filter, Msg::hint_filter),
            (Action::Help, Msg::hint_help),
        ]
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        update::update(self, action, ctx)
    }

    fn move_cursor(&mut self, action: Action, ctx: &Ctx) -> bool {
        let moved = self.cursor.apply(action, self.rows.len());
        self.remember(ctx);
        moved
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.refresh_rows(ctx);
    }

    fn filter<'a>(&'a self, _ctx: &'a Ctx) -> Option<(&'a TextInput, bool)> {
        Some((&self.filter, self.filtering))
    }

    fn filter_mut<'a>(&'a mut self, _ctx: &'a mut Ctx) -> Option<(&'a mut TextInput, &'a mut bool)> {
        Some((&mut self.filter, &mut self.filtering))
    }

    /// The countdowns on screen.
    fn deadlines(&self, ctx: &Ctx) -> Vec<DateTime<Utc>> {
        let data = &ctx.data.activities;
        self.rows[self.cursor.visible_range(self.rows.len())]
            .iter()
            .filter(|&&i| data.list[i].is_open())
            .filter_map(|&i| data.due(i))
            .collect()
    }

    /// The selected entry's council, carried to the other tabs.
    fn selection(&self, ctx: &Ctx) -> Option<Target> {
        let a = ctx.data.activities.list.get(self.selected()?)?;
        a.council_codes().first().map(|&ine| Target::Council(ine))
    }

    fn log_about(&self, ctx: &Ctx) -> LogAbout {
        LogAbout::of(self.selected_id(ctx).map(Target::Activity), &ctx.data)
    }

    /// Coming from a council: its first entry here, if it has one.
    fn select(&mut self, target: &Target, ctx: &Ctx) {
        if let Target::Council(ine) = target {
            let list = &ctx.data.activities.list;
            if let Some(pos) = self.rows.iter().position(|&i| list[i].concerns(*ine)) {
                self.cursor.select(pos);
                self.remember(ctx);
            }
        }
    }

    fn shows(&self, target: &Target) -> bool {
        matches!(target, Target::Activity(_))
    }

    /// An entry just logged: in the view that lists it, selected.
    fn reveal(&mut self, target: &Target, ctx: &mut Ctx) {
        let Target::Activity(id) = target else {
            return;
        };
        self.view = ActivityTab::view_of(ctx, *id);
        self.filter.set("");
        self.filtering = false;
        self.refresh_rows(ctx);
        self.select_id(*id, ctx);
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        Some(Export {
            name: "activitat",
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
