//! What a restore brings in, said after it: each comarca's councils, requests
//! and support log, each comarca's local holidays and ER operators' offices,
//! and each author's history and undo. A backup is a file
//! anyone could have edited; the administrator who restores it sees whose
//! offices and whose names it holds.

use crate::domain::text::clean;
use crate::i18n::{I18n, Msg};
use crate::store::dump_reader::DumpFrame;
use crate::store::dump_tally::Tally;
use std::collections::BTreeMap;

/// The lines of the summary, in the user's language.
pub(super) fn lines(tally: &Tally, frame: &DumpFrame, t: &I18n) -> Vec<String> {
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
    let holidays = frame.local_holidays.iter().flatten().map(|d| d.comarca.as_str());
    let offices = frame
        .operator_offices
        .iter()
        .flatten()
        .map(|o| o.comarca.as_str());
    for (key, comarques) in [
        (Msg::restore_summary_holidays, per_comarca(holidays)),
        (Msg::restore_summary_operator_offices, per_comarca(offices)),
    ] {
        if !comarques.is_empty() {
            out.push(t.f(key, &[("list", &comarques)]));
        }
    }
    let authors = tally.per_author(&frame.stacks);
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

/// How many of a list each comarca has: "Noguera (2), Priorat (3)".
fn per_comarca<'a>(comarques: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    comarques.for_each(|c| *counts.entry(c).or_default() += 1);
    counts
        .iter()
        .map(|(comarca, n)| format!("{} ({n})", clean(comarca)))
        .collect::<Vec<_>>()
        .join(", ")
}
