//! An entry of the shared history too large to follow (edits of 64 MB and more
//! as stored, written by hand to stall everyone's dashboard): the live feed
//! does not read it, says the records are to be read instead, and the dashboard
//! reads them and goes on past it.

mod common;

use common::offices::{noguera, open};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::config::Config;
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::Lang;
use ocsae::store::{Change, ChangeKind, Record, Signal, Store};
use std::sync::Arc;

/// Marta, by hand: one entry of `edits` edits of Tiurana's e-NOTUM cell, each
/// between the cell and a copy of about 480 KB of random text, that ends where
/// it started but with `notes`.
fn bloat(db: &pg::Db, edits: i32, notes: &str) {
    let sql = format!(
        "BEGIN;
         INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques)
             VALUES (nextval('ocsae.history_seq'), now(), 'do', 'rollout.notes', {edits}, '{{Noguera}}');
         CREATE TEMP TABLE big AS SELECT comarca, record AS r,
             record || (SELECT jsonb_object_agg('pad' || g,
                 (SELECT string_agg(md5(random()::text || g || h), '') FROM generate_series(1, 150) h))
                 FROM generate_series(1, 100) g) AS p,
             jsonb_set(record, '{{notes}}', to_jsonb('{notes}'::text)) AS last
             FROM ocsae.rollout WHERE ine = 252228 AND service = 'e-notum';
         INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after)
             SELECT currval('ocsae.history_seq'), g, 'rollout', '252228/e-notum', comarca,
                 CASE WHEN g % 2 = 0 THEN r ELSE p END,
                 CASE WHEN g = {edits} - 1 THEN last WHEN g % 2 = 0 THEN p ELSE r END
             FROM big, generate_series(0, {edits} - 1) g;
         UPDATE ocsae.rollout SET record = (SELECT last FROM big) WHERE ine = 252228 AND service = 'e-notum';
         COMMIT;"
    );
    db.sql("marta").batch_execute(&sql).unwrap();
}

fn notes(store: &dyn Store) -> String {
    store
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == IneCode(252228) && r.service == "e-notum")
        .unwrap()
        .notes
}

#[test]
fn an_entry_too_large_to_follow_is_read_as_the_records_and_the_feed_goes_on() {
    let Some(db) = noguera() else { return };
    let anna = open(&db, "anna");
    let seen = anna.last_seq().unwrap();
    // 160 edits of about 480 KB each: over 64 MB as stored.
    bloat(&db, 160, "Trucar dilluns");
    let stored: i64 = db
        .sql(ADMIN)
        .query_one(
            "SELECT sum(pg_column_size(before) + pg_column_size(after))::bigint FROM ocsae.history_edit",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(stored > 64 << 20, "{stored}");
    let last = anna.last_seq().unwrap();
    let changes = anna.changes_since_skipping(seen).unwrap();
    assert_eq!(changes.too_large, Some(last));
    assert!(changes.applied.is_empty());

    // Anna's dashboard, open before it: it reads the records, and says so.
    let clock = FixedClock::new(at(NOW));
    let store: Arc<dyn Store> = Arc::from(open(&db, "anna"));
    let mut app = open_app(store, Lang::Ca, Config::default(), &clock);
    // (The dashboard opened after the entry: rewind it to before.)
    app.live.seen = seen;
    assert!(app.store_signal(Signal::Changed(vec![last])));
    // The requests are read again off the keys' path, as at start.
    if let Some(load) = app.certificate_loader() {
        app.certificates_loaded(load());
    }
    assert_eq!(
        app.data
            .rollout_of(IneCode(252228), "e-notum")
            .map(|r| r.notes.clone())
            .as_deref(),
        Some("Trucar dilluns")
    );
    let s = screen(&app, 120, 24);
    assert!(
        s.contains("Els canvis dels altres eren massa grans per llegir-los: s'ha tornat a llegir tot."),
        "{s}"
    );
    // And goes on past it: Marta's next change comes in as any other.
    let marta = open(&db, "marta");
    let before = marta
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == IneCode(252228) && r.service == "e-notum")
        .unwrap();
    let mut after = before.clone();
    after.notes = "Trucar dimarts".into();
    marta
        .apply(
            Change::update(
                ChangeKind::RolloutNotes,
                Record::Rollout(before),
                Record::Rollout(after),
            ),
            at(NOW),
        )
        .unwrap();
    assert!(app.store_signal(Signal::Changed(vec![marta.last_seq().unwrap()])));
    assert_eq!(notes(anna.as_ref()), "Trucar dimarts");
    assert_eq!(
        app.data
            .rollout_of(IneCode(252228), "e-notum")
            .map(|r| r.notes.clone())
            .as_deref(),
        Some("Trucar dimarts")
    );
    assert!(
        screen(&app, 120, 24).contains("marta:"),
        "{}",
        screen(&app, 120, 24)
    );
}
