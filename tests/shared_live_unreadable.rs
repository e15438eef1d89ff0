//! An entry of the shared history this client cannot read (a record written by
//! hand before the server checked values): the dashboard's live feed skips it,
//! mirrors the rest, goes on past it, and says once which entry it was, for the
//! administrator; full reads and backups still refuse the damaged history.

mod common;

use common::offices::noguera;

use common::pg::{self, ADMIN};
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::Lang;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Signal, Store, StoreError};
use std::sync::Arc;

fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
}

fn request(id: u64, holder: &str) -> CertificateRequest {
    CertificateRequest::received(
        id,
        IneCode(252228),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    )
}

fn file(store: &dyn Store, holder: &str) -> u64 {
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request(NEW_ID, holder)))],
    );
    store.apply(change, at(NOW)).unwrap().ids[0]
}

/// As the cluster's superuser, the server's checks out of the way: an entry by
/// `author` whose one edit is a request of status "bogus", which ocsae's types
/// cannot read. Its number.
fn plant_unreadable(db: &pg::Db, author: &str) -> u64 {
    let mut record = serde_json::to_value(request(900_001, "Mà Escrita")).unwrap();
    record["status"] = "bogus".into();
    let mut sql = db.sql("postgres");
    let mut tx = sql.transaction().unwrap();
    tx.batch_execute(
        "SET LOCAL session_replication_role = replica; \
         ALTER TABLE ocsae.history_edit DROP CONSTRAINT IF EXISTS history_edit_is_readable",
    )
    .unwrap();
    let seq: i64 = tx
        .query_one(
            "INSERT INTO ocsae.history (seq, at, author, kind, change, edits, comarques) \
             VALUES (nextval('ocsae.history_seq'), now(), $1, 'do', 'cert.new', 1, '{Noguera}') \
             RETURNING seq",
            &[&author],
        )
        .unwrap()
        .get(0);
    tx.execute(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         VALUES ($1, 0, 'certificate', '900001', 'Noguera', NULL, $2)",
        &[&seq, &record],
    )
    .unwrap();
    tx.commit().unwrap();
    seq as u64
}

fn holders(app: &App) -> Vec<String> {
    let mut out: Vec<String> = app.data.certs.list.iter().map(|c| c.holder.to_string()).collect();
    out.sort();
    out
}

fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

/// How many messages in the log say `text`.
fn logged(app: &App, text: &str) -> usize {
    app.messages
        .newest_first()
        .filter(|m| m.text.contains(text))
        .count()
}

#[test]
fn the_live_feed_skips_an_entry_it_cannot_read_applies_the_rest_and_says_so_once() {
    let Some(db) = noguera() else { return };
    let marta = open(&db, "marta");
    file(marta.as_ref(), "Jordi Solé");
    let clock = FixedClock::new(at(NOW));
    let store: Arc<dyn Store> = Arc::from(open(&db, "anna"));
    let mut anna = open_app(store, Lang::Ca, Config::default(), &clock);
    press(&mut anna, KeyCode::Char('3'));
    assert_eq!(holders(&anna), ["Jordi Solé"]);

    // Joan's hand-written entry, then Marta's ordinary one after it.
    let bad = plant_unreadable(&db, "joan");
    file(marta.as_ref(), "Maria Puig");
    assert!(anna.store_signal(Signal::Changed(vec![])));
    assert_eq!(
        holders(&anna),
        ["Jordi Solé", "Maria Puig"],
        "the entry after the unreadable one is mirrored"
    );
    assert!(anna.live.seen > bad, "the feed goes on past it");
    let warning = format!("joan: l'entrada {bad} de l'historial no es pot llegir");
    assert!(status(&anna).contains(&warning), "{}", status(&anna));
    assert!(status(&anna).contains("l'administrador"), "{}", status(&anna));
    let shown = screen(&anna, 120, 24);
    assert!(shown.contains(&warning), "{shown}");
    assert!(shown.contains("Maria Puig"), "{shown}");
    // Both are kept in the message log: the news, and the warning once.
    assert_eq!(logged(&anna, &warning), 1);
    assert_eq!(logged(&anna, "marta: nova sol·licitud"), 1);
    press(&mut anna, KeyCode::Char('m'));
    let log = screen(&anna, 120, 24);
    assert!(log.contains(&warning), "{log}");
    assert!(log.contains("marta: nova sol·licitud"), "{log}");
    press(&mut anna, KeyCode::Esc);

    // Later news comes in as before; the skipped entry is not said again.
    file(marta.as_ref(), "Pere Vidal");
    assert!(anna.store_signal(Signal::Changed(vec![])));
    assert!(holders(&anna).contains(&"Pere Vidal".to_string()));
    assert!(
        status(&anna).contains("marta: nova sol·licitud"),
        "{}",
        status(&anna)
    );
    press(&mut anna, KeyCode::Char('m'));
    assert_eq!(logged(&anna, &warning), 1, "said once");
    assert!(!anna.store_signal(Signal::Changed(vec![])), "nothing new");
    assert_eq!(logged(&anna, &warning), 1, "said once");

    // Two at once: the first named, the other counted, in one message.
    let first = plant_unreadable(&db, "pep");
    plant_unreadable(&db, "joan");
    assert!(anna.store_signal(Signal::Changed(vec![])));
    let both = format!("pep: l'entrada {first} de l'historial i una altra no es poden llegir");
    assert!(status(&anna).contains(&both), "{}", status(&anna));

    // A full read and a backup still refuse the damaged history.
    let whole = anna.store.changes_since(0);
    assert!(matches!(whole, Err(StoreError::Damaged { .. })), "{whole:?}");
    let backup = open(&db, ADMIN).write_backup(at(NOW), &mut Vec::new());
    assert!(
        matches!(backup, Err(StoreError::Damaged { .. })),
        "{:?}",
        backup.map(|_| ())
    );
}

#[test]
fn the_live_path_lists_what_it_skipped_and_reads_the_rest() {
    let Some(db) = noguera() else { return };
    let anna = open(&db, "anna");
    let seen = anna.last_seq().unwrap();
    let first = plant_unreadable(&db, "joan");
    let marta = open(&db, "marta");
    file(marta.as_ref(), "Maria Puig");
    let second = plant_unreadable(&db, "pep");
    let changes = anna.changes_since_skipping(seen).unwrap();
    let skipped: Vec<(u64, &str)> = changes
        .unreadable
        .iter()
        .map(|u| (u.seq, u.user.as_str()))
        .collect();
    assert_eq!(skipped, [(first, "joan"), (second, "pep")]);
    assert!(
        changes.unreadable[0].detail.contains("bogus"),
        "{:?}",
        changes.unreadable
    );
    assert_eq!(changes.applied.len(), 1);
    assert_eq!(changes.applied[0].user, "marta");
    assert!(changes.applied[0].seq > first && changes.applied[0].seq < second);
    // The strict read refuses them.
    assert!(matches!(
        anna.changes_since(seen),
        Err(StoreError::Damaged { .. })
    ));
}
