//! What a restore brings in, said after it: each comarca's councils, requests
//! and support log, and each author's history and undo. A backup is a file
//! anyone could have edited; the administrator who restores it sees whose
//! offices and whose names it holds.

use crate::domain::text::clean;
use crate::i18n::{I18n, Msg};
use crate::store::dump::UserStacks;
use crate::store::dump_tally::Tally;
use std::collections::BTreeMap;

/// The lines of the summary, in the user's language.
pub(super) fn lines(tally: &Tally, stacks: &BTreeMap<String, UserStacks>, t: &I18n) -> Vec<String> {
    let mut out = Vec::new();
    let comarques = tally.per_comarca();
    if !comarques.is_empty() {
        out.push(t.t(Msg::restore_summary_comarques).to_string());
        // A backup of all Catalonia holds 43 comarques, most of them councils
        // alone: those are counted in one line, after the ones with something.
        let (listed, bare): (Vec<_>, Vec<_>) = comarques.iter().partition(|(_, [_, r, a])| r + a > 0);
        for (comarca, [councils, requests, activities]) in listed {
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
        if !bare.is_empty() {
            let councils: usize = bare.iter().map(|(_, [c, ..])| c).sum();
            out.push(t.f(
                Msg::restore_summary_bare,
                &[
                    ("comarques", &t.n(Msg::count_comarques, bare.len())),
                    ("councils", &t.n(Msg::count_councils, councils)),
                ],
            ));
        }
    }
    let authors = tally.per_author(stacks);
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
