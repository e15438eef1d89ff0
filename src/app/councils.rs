//! The council list Municipis and Implantació share: which councils are listed
//! (threshold or all, name filter) and in which order. Each tab keeps its own
//! cursor over it; both read this one struct.

use super::action::Action;
use super::data::Data;
use crate::domain::council_search::{Query, Why};
use crate::domain::search::MatchRank;
use crate::widgets::input::TextInput;
use chrono::NaiveDate;

/// The most characters a filter holds; longer pastes are cut with a message.
pub const FILTER_LIMIT: usize = crate::domain::limits::FILTER;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    #[default]
    Name,
    Population,
    Rollout,
    Certificates,
    Deadline,
    Form,
}

impl SortColumn {
    pub const ALL: [SortColumn; 6] = [
        SortColumn::Name,
        SortColumn::Population,
        SortColumn::Rollout,
        SortColumn::Certificates,
        SortColumn::Deadline,
        SortColumn::Form,
    ];

    pub fn next(self) -> SortColumn {
        self.next_of(&Self::ALL)
    }

    /// The next column after this one, in the order of `ALL`, among `shown`: the
    /// columns a tab shows (Implantació has only the name and the done count).
    pub fn next_of(self, shown: &[SortColumn]) -> SortColumn {
        let i = Self::ALL.iter().position(|&c| c == self).unwrap_or(0);
        (1..=Self::ALL.len())
            .map(|step| Self::ALL[(i + step) % Self::ALL.len()])
            .find(|c| shown.contains(c))
            .unwrap_or_default()
    }
}

#[derive(Debug)]
pub struct CouncilList {
    /// Indexes into `Data::municipalities`, in display order.
    pub rows: Vec<usize>,
    /// While a filter is typed: what matched in each row (parallel to `rows`),
    /// and whether it was a name with a letter or two wrong.
    pub found: Vec<(Why, bool)>,
    /// Show every council of the store, not only those under the threshold.
    pub show_all: bool,
    pub filter: TextInput,
    /// Keys go to the filter while this is set.
    pub filtering: bool,
    pub sort: SortColumn,
    pub reverse: bool,
}

impl Default for CouncilList {
    fn default() -> Self {
        CouncilList {
            rows: Vec::new(),
            found: Vec::new(),
            show_all: false,
            filter: TextInput::new("", FILTER_LIMIT),
            filtering: false,
            sort: SortColumn::Name,
            reverse: false,
        }
    }
}

/// Where a fitxa stands, as a sort key: unsent first, then by renewal date.
fn form_key(data: &Data, i: usize) -> (u8, Option<NaiveDate>) {
    match data.municipalities[i].form_due_on() {
        None => (0, None),
        Some(due) => (1, Some(due)),
    }
}

impl CouncilList {
    /// Recomputes the rows after the data or the view settings changed.
    /// The filter matches as the quick jump does (names, typos, codes, contacts,
    /// phones, addresses); a name a letter or two off is listed only when nothing
    /// matches better, so that a filter narrows rather than fills the table.
    pub fn refresh(&mut self, data: &Data, threshold: u32) {
        let query = Query::new(self.filter.value());
        let mut rows: Vec<(usize, Option<(Why, bool)>)> = (0..data.municipalities.len())
            .filter(|&i| self.show_all || data.municipalities[i].is_served(threshold))
            .filter_map(|i| match query.is_empty() {
                true => Some((i, None)),
                false => data
                    .search
                    .matches(i, &query)
                    .map(|hit| (i, Some((hit.why, hit.rank == MatchRank::Typo)))),
            })
            .collect();
        if rows.iter().any(|(_, found)| found.is_some_and(|(_, typo)| !typo)) {
            rows.retain(|(_, found)| found.is_none_or(|(_, typo)| !typo));
        }
        let by_name = |a: &usize, b: &usize| data.collation[*a].cmp(&data.collation[*b]);
        rows.sort_by(|(a, _), (b, _)| {
            let primary = match self.sort {
                SortColumn::Name => std::cmp::Ordering::Equal,
                SortColumn::Population => data.municipalities[*a]
                    .population
                    .cmp(&data.municipalities[*b].population),
                SortColumn::Rollout => data.rollout_ratio(*a).cmp(&data.rollout_ratio(*b)),
                SortColumn::Certificates => data.open_certificates(*a).cmp(&data.open_certificates(*b)),
                SortColumn::Deadline => {
                    let key = |i: usize| data.next_due(i).map_or((1, None), |d| (0, Some(d)));
                    key(*a).cmp(&key(*b))
                }
                SortColumn::Form => form_key(data, *a).cmp(&form_key(data, *b)),
            };
            let ordering = primary.then_with(|| by_name(a, b));
            if self.reverse {
                ordering.reverse()
            } else {
                ordering
            }
        });
        self.found = rows.iter().filter_map(|(_, found)| *found).collect();
        self.rows = rows.into_iter().map(|(i, _)| i).collect();
    }

    /// Makes sure council `index` is listed, widening the view if needed.
    pub fn reveal(&mut self, data: &Data, threshold: u32, index: usize) {
        if data.municipalities[index].population >= threshold {
            self.show_all = true;
        }
        self.refresh(data, threshold);
        if !self.rows.contains(&index) {
            self.filter.set("");
            self.refresh(data, threshold);
        }
    }

    /// `a`, `s`, `S`: the settings both tabs share; true if the action was one.
    pub fn apply(&mut self, action: Action) -> bool {
        self.apply_on(action, &SortColumn::ALL)
    }

    /// As `apply`, where `s` goes through the columns `shown` only.
    pub fn apply_on(&mut self, action: Action, shown: &[SortColumn]) -> bool {
        match action {
            Action::ToggleAll => self.show_all = !self.show_all,
            Action::SortNext => {
                self.sort = self.sort.next_of(shown);
                self.reverse = false;
            }
            Action::SortReverse => self.reverse = !self.reverse,
            _ => return false,
        }
        true
    }
}
