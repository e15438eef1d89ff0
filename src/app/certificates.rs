//! The Certificats tab: the queue of open requests by deadline, and the expiry view.

use super::data::Data;
use super::table::Cursor;
use crate::domain::municipality::IneCode;
use crate::domain::search::fold;
use crate::widgets::input::TextInput;

pub const FILTER_LIMIT: usize = crate::domain::limits::FILTER;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertView {
    /// Requests waiting to be issued, earliest deadline first.
    #[default]
    Queue,
    /// Issued certificates, earliest expiry first.
    Expiry,
}

/// What the rows were last computed from: typing more letters only narrows them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Basis {
    generation: u64,
    view: CertView,
    query: String,
}

#[derive(Debug)]
pub struct CertificatesState {
    pub view: CertView,
    /// Indexes into `CertData::list`, in display order.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    pub filter: TextInput,
    pub filtering: bool,
    basis: Option<Basis>,
}

impl Default for CertificatesState {
    fn default() -> Self {
        CertificatesState {
            view: CertView::Queue,
            rows: Vec::new(),
            cursor: Cursor::default(),
            filter: TextInput::new("", FILTER_LIMIT),
            filtering: false,
            basis: None,
        }
    }
}

impl CertificatesState {
    /// Recomputes the rows if the data, the view or the filter changed. A filter
    /// that extends the previous one only scans the rows it already kept.
    pub fn refresh(&mut self, data: &Data) {
        let certs = &data.certs;
        let basis = Basis {
            generation: certs.generation,
            view: self.view,
            query: fold(self.filter.value()),
        };
        if self.basis.as_ref() == Some(&basis) {
            return;
        }
        let selected = self.selected_id(data);
        let narrowing = self.basis.as_ref().is_some_and(|old| {
            old.generation == basis.generation
                && old.view == basis.view
                && basis.query.starts_with(&old.query)
        });
        // A request matches by its holder, or by its council's name.
        let mut councils: Vec<IneCode> = data
            .municipalities
            .iter()
            .zip(&data.folded)
            .filter(|(_, name)| name.contains(&basis.query))
            .map(|(m, _)| m.ine)
            .collect();
        councils.sort_unstable();
        let matches = |i: usize| {
            certs.folded[i].contains(&basis.query) || councils.binary_search(&certs.ine[i]).is_ok()
        };
        let base = match self.view {
            CertView::Queue => &certs.open_by_due,
            CertView::Expiry => &certs.issued_by_expiry,
        };
        self.rows = if basis.query.is_empty() {
            base.clone()
        } else if narrowing {
            self.rows.iter().copied().filter(|&i| matches(i)).collect()
        } else {
            // Scanned in id order, which is the order they sit in memory; then kept in the view's order.
            let hit: Vec<bool> = (0..certs.list.len()).map(matches).collect();
            base.iter().copied().filter(|&i| hit[i]).collect()
        };
        self.basis = Some(basis);
        let index = selected.and_then(|id| certs.index_of(id));
        match index.and_then(|index| self.rows.iter().position(|&r| r == index)) {
            Some(pos) => self.cursor.select(pos),
            None => self.cursor.clamp(self.rows.len()),
        }
    }

    /// The selected request's index into `CertData::list`.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).copied()
    }

    pub fn selected_id(&self, data: &Data) -> Option<u64> {
        self.selected().and_then(|i| data.certs.list.get(i)).map(|c| c.id)
    }
}
