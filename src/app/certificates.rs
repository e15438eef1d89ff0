//! The Certificats tab: the queue of open requests by deadline, and the expiry view.

use super::data::Data;
use super::table::Cursor;
use crate::domain::search::fold;
use crate::widgets::input::TextInput;

pub const FILTER_LIMIT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertView {
    /// Requests waiting to be issued, earliest deadline first.
    #[default]
    Queue,
    /// Issued certificates, earliest expiry first.
    Expiry,
}

#[derive(Debug)]
pub struct CertificatesState {
    pub view: CertView,
    /// Indexes into `CertData::list`, in display order.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    pub filter: TextInput,
    pub filtering: bool,
}

impl Default for CertificatesState {
    fn default() -> Self {
        CertificatesState {
            view: CertView::Queue,
            rows: Vec::new(),
            cursor: Cursor::default(),
            filter: TextInput::new("", FILTER_LIMIT),
            filtering: false,
        }
    }
}

impl CertificatesState {
    pub fn refresh(&mut self, data: &Data) {
        let selected = self.selected_id(data);
        let certs = &data.certs;
        let query = fold(self.filter.value());
        let keep = |i: &usize| query.is_empty() || certs.folded[*i].contains(&query);
        self.rows = match self.view {
            CertView::Queue => {
                let mut rows: Vec<usize> = (0..certs.list.len())
                    .filter(|&i| certs.list[i].status.is_open())
                    .filter(keep)
                    .collect();
                rows.sort_unstable_by_key(|&i| (certs.due[i], certs.list[i].id));
                rows
            }
            CertView::Expiry => {
                let mut rows: Vec<(chrono::DateTime<chrono::Utc>, u64, usize)> = (0..certs.list.len())
                    .filter(keep)
                    .filter_map(|i| certs.list[i].expires_at().map(|e| (e, certs.list[i].id, i)))
                    .collect();
                rows.sort_unstable();
                rows.into_iter().map(|(_, _, i)| i).collect()
            }
        };
        match selected.and_then(|id| self.rows.iter().position(|&r| certs.list[r].id == id)) {
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
