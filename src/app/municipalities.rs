//! The Municipis tab: which councils are listed, in which order, which is selected.

use super::data::Data;
use super::table::Cursor;

#[derive(Debug, Default)]
pub struct MunicipalitiesState {
    /// Indexes into `Data::municipalities`, in display order.
    pub rows: Vec<usize>,
    pub cursor: Cursor,
    /// Show every council of the store, not only those under the threshold.
    pub show_all: bool,
}

impl MunicipalitiesState {
    /// Recomputes the rows after the data or the view settings changed,
    /// keeping the same council selected when it is still listed.
    pub fn refresh(&mut self, data: &Data, threshold: u32) {
        let selected = self.selected_index();
        let mut rows: Vec<usize> = (0..data.municipalities.len())
            .filter(|&i| self.show_all || data.municipalities[i].population < threshold)
            .collect();
        rows.sort_by(|&a, &b| data.collation[a].cmp(&data.collation[b]));
        self.rows = rows;
        match selected.and_then(|s| self.rows.iter().position(|&r| r == s)) {
            Some(pos) => self.cursor.select(pos),
            None => self.cursor.clamp(self.rows.len()),
        }
    }

    /// The selected council, as an index into `Data::municipalities`.
    pub fn selected_index(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).copied()
    }
}
