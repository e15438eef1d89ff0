//! What a restore brings in, said after it: each comarca's councils, requests
//! and support log, and each author's history and undo. A backup is a file
//! anyone could have edited; the administrator who restores it sees whose
//! offices and whose names it holds.

use crate::domain::municipality::IneCode;
use crate::domain::text::clean;
use crate::i18n::{I18n, Msg};
use crate::store::Dump;
use std::collections::{BTreeMap, HashMap};

/// Counts of one comarca: councils, requests, support log entries.
type PerComarca = BTreeMap<String, [usize; 3]>;

/// The lines of the summary, in the user's language.
pub(super) fn lines(dump: &Dump, t: &I18n) -> Vec<String> {
    let mut out = Vec::new();
    let comarques = per_comarca(dump);
    if !comarques.is_empty() {
        out.push(t.t(Msg::restore_summary_comarques).to_string());
        for (comarca, [councils, requests, activities]) in &comarques {
            out.push(t.f(
                Msg::restore_summary_comarca,
                &[
                    ("comarca", &clean(comarca)),
                    ("councils", &t.n(Msg::count_councils, *councils)),
                    ("certificates", &t.n(Msg::count_requests, *requests)),
                    ("activities", &t.n(Msg::count_activities, *activities)),
                ],
            ));
        }
    }
    let authors = per_author(dump);
    if !authors.is_empty() {
        out.push(t.t(Msg::restore_summary_authors).to_string());
        for (user, [history, undo]) in &authors {
            out.push(t.f(
                Msg::restore_summary_author,
                &[
                    ("user", &clean(user)),
                    ("history", &t.n(Msg::count_history, *history)),
                    ("undo", &t.n(Msg::count_undo, *undo)),
                ],
            ));
        }
    }
    out
}

fn per_comarca(dump: &Dump) -> PerComarca {
    let comarca: HashMap<IneCode, &str> = dump
        .municipalities
        .iter()
        .map(|m| (m.ine, m.comarca.as_str()))
        .collect();
    let mut out = PerComarca::new();
    let mut add = |ine: Option<IneCode>, column: usize| {
        let name = ine.and_then(|i| comarca.get(&i)).copied().unwrap_or_default();
        out.entry(name.to_string()).or_default()[column] += 1;
    };
    dump.municipalities.iter().for_each(|m| add(Some(m.ine), 0));
    dump.certificates.iter().for_each(|c| add(Some(c.ine), 1));
    dump.activities
        .iter()
        .for_each(|a| add(a.council_codes().first().copied(), 2));
    out
}

/// Each author's history entries and the entries in their undo and redo stacks.
fn per_author(dump: &Dump) -> BTreeMap<String, [usize; 2]> {
    let mut out: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    for item in &dump.history {
        out.entry(item.entry.user.clone()).or_default()[0] += 1;
    }
    for (user, stacks) in &dump.stacks {
        out.entry(user.clone()).or_default()[1] += stacks.undo.len() + stacks.redo.len();
    }
    out
}
