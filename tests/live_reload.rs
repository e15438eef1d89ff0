//! Others' changes that cannot be read in time (the server answers, but the
//! entries since are too large: a huge import, or one written by hand to be
//! one) are not asked for again and again: the dashboard reads every record
//! instead, says so, and follows the feed from there.

mod common;

use common::*;
use ocsae::domain::municipality::IneCode;
use ocsae::store::{Change, ChangeKind, Record, Signal, Store};

#[test]
fn changes_too_large_to_read_in_time_are_read_as_the_records_instead() {
    let mut f = fixture();
    // A colleague's note on Tiurana's e-NOTUM, written behind the dashboard's back.
    let before = f
        .disk
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == IneCode(252228) && r.service == "e-notum")
        .unwrap();
    let mut after = before.clone();
    after.notes = "Trucar dilluns".into();
    f.disk
        .apply(
            Change::update(
                ChangeKind::RolloutNotes,
                Record::Rollout(before),
                Record::Rollout(after),
            ),
            at(NOW),
        )
        .unwrap();
    let last = f.disk.last_seq().unwrap();
    f.disk.simulate_slow_changes(true);
    assert!(f.app.store_signal(Signal::Changed(vec![last])));
    if let Some(load) = f.app.certificate_loader() {
        f.app.certificates_loaded(load());
    }
    let notes = |f: &Fixture| {
        f.app
            .data
            .rollout_of(IneCode(252228), "e-notum")
            .map(|r| r.notes.clone())
    };
    assert_eq!(notes(&f).as_deref(), Some("Trucar dilluns"));
    let s = screen(&f.app, 120, 24);
    assert!(
        s.contains("Els canvis dels altres eren massa grans per llegir-los: s'ha tornat a llegir tot."),
        "{s}"
    );
    assert!(!s.contains("SENSE CONNEXIÓ"), "the server answers: {s}");
    // From there the feed goes on: the entry read past is not asked for again.
    f.disk.simulate_slow_changes(false);
    assert!(!f.app.store_signal(Signal::Changed(vec![last])));
}
