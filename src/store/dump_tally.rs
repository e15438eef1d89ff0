//! What a backup holds, counted as it is read: each comarca's councils, requests
//! and support log, and each author's history. For the summary a restore says.

use super::Record;
use super::dump::{Dump, UserStacks};
use crate::domain::municipality::IneCode;
use std::collections::{BTreeMap, HashMap};

/// Counts of one comarca: councils, requests, support log entries.
pub type PerComarca = BTreeMap<String, [usize; 3]>;

#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Each council's comarca, as the backup says (councils may come after the
    /// records that name them, so counts are kept per council until the end).
    comarca: HashMap<IneCode, String>,
    per_council: HashMap<Option<IneCode>, [usize; 3]>,
    per_user: BTreeMap<String, usize>,
}

impl Tally {
    /// Counts a dump held whole.
    pub fn of_dump(dump: &Dump) -> Tally {
        let mut tally = Tally::default();
        for m in &dump.municipalities {
            tally.council(m.ine, &m.comarca);
        }
        dump.certificates.iter().for_each(|c| tally.add(Some(c.ine), 1));
        for a in &dump.activities {
            tally.add(a.council_codes().first().copied(), 2);
        }
        dump.history.iter().for_each(|item| tally.entry(&item.entry.user));
        tally
    }

    pub fn record(&mut self, record: &Record) {
        match record {
            Record::Municipality(m) => self.council(m.ine, &m.comarca),
            Record::Certificate(c) => self.add(Some(c.ine), 1),
            Record::Activity(a) => self.add(a.council_codes().first().copied(), 2),
            _ => {}
        }
    }

    fn council(&mut self, ine: IneCode, comarca: &str) {
        self.comarca.insert(ine, comarca.to_string());
        self.add(Some(ine), 0);
    }

    /// Each council's comarca, as the backup says.
    pub fn comarques(&self) -> &HashMap<IneCode, String> {
        &self.comarca
    }

    /// A history entry by `user`.
    pub fn entry(&mut self, user: &str) {
        match self.per_user.get_mut(user) {
            Some(count) => *count += 1,
            None => {
                self.per_user.insert(user.to_string(), 1);
            }
        }
    }

    fn add(&mut self, ine: Option<IneCode>, column: usize) {
        self.per_council.entry(ine).or_default()[column] += 1;
    }

    /// Councils, requests and support log per comarca (a council the backup does
    /// not hold counts under an empty name).
    pub fn per_comarca(&self) -> PerComarca {
        let mut out = PerComarca::new();
        for (ine, counts) in &self.per_council {
            let name = ine.and_then(|i| self.comarca.get(&i)).map_or("", String::as_str);
            let row = out.entry(name.to_string()).or_default();
            (0..3).for_each(|i| row[i] += counts[i]);
        }
        out
    }

    /// Each author's history entries and the entries in their undo and redo stacks.
    pub fn per_author(&self, stacks: &BTreeMap<String, UserStacks>) -> BTreeMap<String, [usize; 2]> {
        let mut out: BTreeMap<String, [usize; 2]> =
            self.per_user.iter().map(|(u, n)| (u.clone(), [*n, 0])).collect();
        for (user, stacks) in stacks {
            out.entry(user.clone()).or_default()[1] += stacks.undo.len() + stacks.redo.len();
        }
        out
    }
}
