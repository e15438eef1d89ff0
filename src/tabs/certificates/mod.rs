//! The Certificats tab: the queue of requests by deadline (issued ones stay in
//! it until delivered), the expiry view, and the closed requests with their reasons.

pub mod delivery;
mod filter;
mod tcat;
mod update;
mod view;

pub use view::countdown_width;

use crate::app::Ctx;
use crate::app::action::{Action, Context};
use crate::app::data::Data;
use crate::app::effect::Target;
use crate::app::tab::{Export, Outcome, Tab};
use crate::app::table::Cursor;
use crate::domain::certificate::{CertStatus, CertificateRequest, Operation};
use crate::domain::search::fold;
use crate::i18n::Msg;
use crate::widgets::input::TextInput;
use chrono::{DateTime, Utc};
use filter::Matches;
use ratatui::Frame;
use ratatui::layout::Rect;

pub const FILTER_LIMIT: usize = crate::domain::limits::FILTER;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertView {
    /// Requests waiting to be issued, earliest deadline first.
    #[default]
    Queue,
    /// Issued certificates, earliest expiry first.
    Expiry,
    /// Delivered, rejected and cancelled requests, newest first, with why.
    Closed,
}

impl CertView {
    /// The `v` key's cycle.
    pub fn next(self) -> CertView {
        match self {
            CertView::Queue => CertView::Expiry,
            CertView::Expiry => CertView::Closed,
            CertView::Closed => CertView::Queue,
        }
    }

    /// Whether this view lists the request `c`.
    pub fn lists(self, c: &CertificateRequest, certs: &crate::app::cert_data::CertData) -> bool {
        let status = c.status;
        let awaits = certs.awaits_delivery(c);
        match self {
            CertView::Queue => status.is_open() || awaits,
            CertView::Expiry => status.is_issued() && c.operation != Operation::Revocation,
            // An issued revocation is done: it has nothing to hand over.
            CertView::Closed => {
                matches!(
                    status,
                    CertStatus::Delivered | CertStatus::Rejected | CertStatus::Cancelled
                ) || (status == CertStatus::Issued && !awaits)
            }
        }
    }
}

/// What the rows were last computed from: typing more letters only narrows them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Basis {
    generation: u64,
    view: CertView,
    query: String,
}

#[derive(Debug)]
pub struct CertificatesTab {
    pub view: CertView,
    /// Indexes into `CertData::list`, in display order.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    /// The request the cursor is on, by id: indexes shift when requests come and go.
    selected: Option<u64>,
    pub filter: TextInput,
    pub filtering: bool,
    basis: Option<Basis>,
    /// Which requests the filter matches, while it is not empty.
    matches: Option<Matches>,
    /// Certificates marked in the expiry view, by id, to renew at once.
    pub marked: std::collections::BTreeSet<u64>,
}

impl Default for CertificatesTab {
    fn default() -> Self {
        CertificatesTab {
            view: CertView::Queue,
            rows: Vec::new(),
            cursor: Cursor::default(),
            selected: None,
            filter: TextInput::new("", FILTER_LIMIT),
            filtering: false,
            basis: None,
            matches: None,
            marked: Default::default(),
        }
    }
}

impl CertificatesTab {
    /// Recomputes the rows if the data, the view or the filter changed. A filter
    /// that extends the previous one only scans the rows it already kept.
    pub fn refresh_rows(&mut self, data: &Data) {
        let certs = &data.certs;
        let basis = Basis {
            generation: certs.generation,
            view: self.view,
            query: fold(self.filter.value()),
        };
        if self.basis.as_ref() == Some(&basis) {
            return;
        }
        let narrowing = self.basis.as_ref().is_some_and(|old| {
            old.generation == basis.generation
                && old.view == basis.view
                && basis.query.starts_with(&old.query)
        });
        // The queue: the open requests by deadline, then those issued and still to deliver.
        let parts: [&[usize]; 2] = match self.view {
            CertView::Queue => [&certs.open_by_due, &certs.to_deliver],
            CertView::Expiry => [&certs.issued_by_expiry, &[]],
            CertView::Closed => [&certs.closed, &[]],
        };
        let base = parts.into_iter().flatten().copied();
        let matches = (!basis.query.is_empty()).then(|| {
            // A request matches by its holder, or by its council's name.
            let councils = filter::CouncilSet::new(
                data.municipalities
                    .iter()
                    .zip(&data.folded)
                    .filter(|(_, name)| name.contains(&basis.query))
                    .map(|(m, _)| m.ine),
            );
            match (&self.matches, narrowing) {
                (Some(old), true) => old.narrow(certs, &basis.query, &councils),
                _ => Matches::find(certs, &basis.query, &councils),
            }
        });
        self.rows = match &matches {
            None => base.collect(),
            // The rows kept, still in the view's order: no sort, no visit to the others.
            Some(m) if narrowing => {
                let mut rows = std::mem::take(&mut self.rows);
                rows.retain(|&i| m.contains(i));
                rows
            }
            Some(m) => {
                let mut rows = Vec::with_capacity(m.count().min(parts.iter().map(|p| p.len()).sum()));
                rows.extend(base.filter(|&i| m.contains(i)));
                rows
            }
        };
        self.matches = matches;
        self.basis = Some(basis);
        let kept = self.selected.is_some_and(|id| self.select_id(id, data));
        if !kept {
            self.cursor.clamp(self.rows.len());
            self.remember(data);
        }
    }

    /// Puts the cursor on request `id` if it is listed; true if it is.
    fn select_id(&mut self, id: u64, data: &Data) -> bool {
        // One the filter leaves out is not looked for among the rows.
        let index = data
            .certs
            .index_of(id)
            .filter(|&i| self.matches.as_ref().is_none_or(|m| m.contains(i)));
        match index.and_then(|index| self.rows.iter().position(|&r| r == index)) {
            Some(pos) => {
                self.cursor.select(pos);
                self.selected = Some(id);
                true
            }
            None => false,
        }
    }

    /// Notes which request the cursor is on, after it moved.
    fn remember(&mut self, data: &Data) {
        self.selected = self.selected_id(data);
    }

    /// The selected request's index into `CertData::list`.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).copied()
    }

    pub fn selected_id(&self, data: &Data) -> Option<u64> {
        self.selected().and_then(|i| data.certs.list.get(i)).map(|c| c.id)
    }
}

impl Tab for CertificatesTab {
    fn id(&self) -> &'static str {
        "certificates"
    }

    fn title(&self) -> Msg {
        Msg::tab_certificates
    }

    fn short_title(&self) -> Msg {
        Msg::tab_certificates_short
    }

    fn action(&self) -> Action {
        Action::TabCertificates
    }

    fn context(&self) -> Context {
        Context::Certificates
    }

    /// `v` is named by the view it leads to.
    fn hints(&self, _ctx: &Ctx) -> &'static [(Action, Msg)] {
        match self.view {
            CertView::Queue => &[
                (Action::NewRequest, Msg::hint_new_request),
                (Action::Advance, Msg::hint_advance),
                (Action::Open, Msg::hint_open),
                (Action::ToggleView, Msg::hint_toggle_view),
                (Action::Filter, Msg::hint_filter),
                (Action::Help, Msg::hint_help),
            ],
            CertView::Expiry => &[
                (Action::NewRequest, Msg::hint_new_request),
                (Action::Advance, Msg::hint_advance),
                (Action::Open, Msg::hint_open),
                (Action::ToggleView, Msg::hint_view_closed),
                (Action::Filter, Msg::hint_filter),
                (Action::Help, Msg::hint_help),
            ],
            CertView::Closed => &[
                (Action::Open, Msg::hint_open),
                (Action::ToggleView, Msg::hint_view_queue),
                (Action::Filter, Msg::hint_filter),
                (Action::Help, Msg::hint_help),
            ],
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        update::update(self, action, ctx)
    }

    fn move_cursor(&mut self, action: Action, ctx: &Ctx) -> bool {
        let moved = self.cursor.apply(action, self.rows.len());
        self.remember(&ctx.data);
        moved
    }

    /// Everything on this tab reads the requests.
    fn needs_certificates(&self, action: Action) -> bool {
        matches!(
            action,
            Action::NewRequest
                | Action::Advance
                | Action::CancelRequest
                | Action::RejectRequest
                | Action::ToggleView
                | Action::Edit
                | Action::Open
                | Action::ExportView
                | Action::CopyRow
                | Action::Filter
                | Action::Revoke
                | Action::MarkRow
                | Action::CheckAppointment
                | Action::Operators
        )
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.refresh_rows(&ctx.data);
    }

    fn filter<'a>(&'a self, _ctx: &'a Ctx) -> Option<(&'a TextInput, bool)> {
        Some((&self.filter, self.filtering))
    }

    fn filter_mut<'a>(&'a mut self, _ctx: &'a mut Ctx) -> Option<(&'a mut TextInput, &'a mut bool)> {
        Some((&mut self.filter, &mut self.filtering))
    }

    /// Only the queue shows countdowns, on its open requests.
    fn deadlines(&self, ctx: &Ctx) -> Vec<DateTime<Utc>> {
        if self.view != CertView::Queue {
            return Vec::new();
        }
        self.rows[self.cursor.visible_range(self.rows.len())]
            .iter()
            .filter(|&&i| ctx.data.certs.list[i].status.is_open())
            .filter_map(|&i| ctx.data.certs.deadline(i))
            .collect()
    }

    fn shows(&self, target: &Target) -> bool {
        matches!(
            target,
            Target::Request(_) | Target::Expiry(_) | Target::OperatorCards
        )
    }

    /// `L` here: a call about the selected request, and its council.
    fn log_about(&self, ctx: &Ctx) -> crate::app::effect::LogAbout {
        let id = self.selected_id(&ctx.data);
        crate::app::effect::LogAbout::of(id.map(Target::Request), &ctx.data)
    }

    /// A request just filed or changed: selected in the view on screen if it lists
    /// it, else in the queue (open or to deliver) or among the closed ones. A
    /// certificate to renew (from Avui): in the expiry view.
    fn reveal(&mut self, target: &Target, ctx: &mut Ctx) {
        let id = match target {
            Target::Request(id) => id,
            Target::Expiry(id) => {
                self.view = CertView::Expiry;
                id
            }
            Target::OperatorCards => {
                self.view = CertView::Expiry;
                self.refresh_rows(&ctx.data);
                return;
            }
            _ => return,
        };
        let Some(req) = ctx.data.certs.get(*id) else {
            return;
        };
        if !self.view.lists(req, &ctx.data.certs) {
            self.view = if CertView::Queue.lists(req, &ctx.data.certs) {
                CertView::Queue
            } else {
                CertView::Closed
            };
            if self.view == CertView::Closed {
                // Said after what the change said ("Desat."), not instead of it.
                let moved = ctx.t.t(Msg::closed_moved).to_string();
                let (kind, text) = match ctx.status.take() {
                    Some(s) => (s.kind, format!("{} {moved}", s.text)),
                    None => (crate::app::StatusKind::Info, moved),
                };
                ctx.set_status(kind, text);
            }
        }
        self.refresh_rows(&ctx.data);
        if !self.select_id(*id, &ctx.data) && !self.filter.is_empty() {
            // The filter hides it: the record wins.
            self.filter.set("");
            self.refresh_rows(&ctx.data);
            self.select_id(*id, &ctx.data);
        }
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let name = match self.view {
            CertView::Queue => "certificats",
            CertView::Expiry => "caducitats",
            CertView::Closed => "tancades",
        };
        Some(Export {
            name,
            rows: self.rows.len(),
            csv: update::csv(self, ctx),
        })
    }

    fn row_summary(&self, ctx: &Ctx) -> Option<String> {
        // A request rejected for a missing appointment: the message for the council.
        if let Some(message) = self
            .selected()
            .and_then(|i| crate::app::appointment::council_message(ctx, &ctx.data.certs.list[i]))
        {
            return Some(message);
        }
        update::summary(self, ctx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        view::draw(self, frame, area, ctx);
    }
}
