//! When several offices share the store, each office's news goes on a channel of
//! its own (schema 12): another office's technician neither hears when it changes
//! something nor can name the channel to listen on it.

mod common;

use common::offices::{open, operator, two_offices};
use common::pg::ADMIN;
use common::{NOW, at};
use ocsae::store::Signal;
use postgres::fallible_iterator::FallibleIterator;
use std::collections::BTreeSet;
use std::time::Duration;

fn channels(sql: &mut postgres::Client) -> BTreeSet<String> {
    sql.query("SELECT ocsae.my_channels()", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// Every notification `sql` gets within `wait`.
fn heard(sql: &mut postgres::Client, wait: Duration) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut notifications = sql.notifications();
    let mut iter = notifications.timeout_iter(wait);
    while let Ok(Some(n)) = iter.next() {
        out.push((n.channel().to_string(), n.payload().to_string()));
    }
    out
}

#[test]
fn another_offices_changes_are_not_heard_on_any_channel_a_technician_can_name() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    let mut pep = db.sql("pep");
    let anna_channels = channels(&mut anna);
    let pep_channels = channels(&mut pep);
    assert_eq!(anna_channels.len(), 2, "{anna_channels:?}");
    assert!(anna_channels.contains("ocsae_changes"));
    let shared: Vec<_> = anna_channels.intersection(&pep_channels).collect();
    assert_eq!(shared, ["ocsae_changes"]);
    // Anna listens on the store's channel and her office's, as her dashboard does.
    for channel in &anna_channels {
        anna.batch_execute(&format!("LISTEN \"{channel}\"")).unwrap();
    }
    let pep_store = open(&db, "pep");
    pep_store.apply(operator("Pep Prioratí"), at(NOW)).unwrap();
    assert_eq!(heard(&mut anna, Duration::from_millis(800)), vec![]);
    // A colleague's change is heard on their office's channel, with its number.
    let marta = open(&db, "marta");
    let seq = marta
        .apply(operator("Marta Noguerenca"), at(NOW))
        .unwrap()
        .seq
        .to_string();
    let news = heard(&mut anna, Duration::from_secs(2));
    assert_eq!(news.len(), 1, "{news:?}");
    assert_ne!(news[0].0, "ocsae_changes");
    assert!(anna_channels.contains(&news[0].0));
    assert_eq!(news[0].1, seq);
}

#[test]
fn a_technician_cannot_compute_another_offices_channel() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    for sql in [
        "SELECT ocsae.office_channel('Priorat')",
        "SELECT secret FROM ocsae.channel_secret",
    ] {
        let e = anna.query(sql, &[]).unwrap_err();
        assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}: {e}"
        );
    }
    // The administrator's dashboard hears every office.
    let all = channels(&mut db.sql(ADMIN));
    let mut pep = db.sql("pep");
    assert!(channels(&mut anna).is_subset(&all));
    assert!(channels(&mut pep).is_subset(&all));
}

#[test]
fn a_dashboards_feed_hears_its_office_and_not_the_others() {
    let Some(db) = two_offices() else { return };
    let anna = open(&db, "anna");
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(anna.watch(Box::new(move |signal| tx.send(signal).is_ok())));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Signal::Changed(vec![])
    );
    open(&db, "pep").apply(operator("Pep Prioratí"), at(NOW)).unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(800)).is_err());
    let marta = open(&db, "marta");
    let seq = marta.apply(operator("Marta Noguerenca"), at(NOW)).unwrap().seq;
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(2)).unwrap(),
        Signal::Changed(vec![seq])
    );
}
