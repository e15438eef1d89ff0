//! A store written by ocsae 0.1 before the store went behind a trait
//! (tests/fixtures/store-0.1, made by that binary: `init --comarca "Alta Ribagorça"`,
//! two `cert add`, an import of contacts and one of 70 requests, then on the
//! dashboard one change of every kind, a rejection undone, redone and undone again).
//! It opens, and reads as it did: the same records, the same history under the
//! same names, and its author's undo going on from where it was.

mod common;

use chrono::Utc;
use common::*;
use crossterm::event::KeyCode;
use ocsae::store::sled::{OpenOptions, SledStore};
use ocsae::store::{ChangeKind, EntryKind, RecordId, Store};
use std::path::Path;

/// The user who wrote the fixture.
const AUTHOR: &str = "root";

/// A copy of the fixture: opening a store writes to it.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-0.1"),
        dir.path(),
    );
    dir
}

fn open_as(dir: &Path, user: &str) -> SledStore {
    SledStore::open_with(
        dir,
        OpenOptions {
            user: Some(user.into()),
            ..OpenOptions::default()
        },
    )
    .unwrap()
}

fn names(store: &dyn Store, id: RecordId) -> Vec<String> {
    store
        .history(&id)
        .unwrap()
        .iter()
        .map(|h| h.head.change.to_string())
        .collect()
}

#[test]
fn a_store_written_before_opens_with_its_records_and_history_as_they_were() {
    let dir = fixture_copy();
    let store = open_as(dir.path(), AUTHOR);
    assert_eq!(store.municipalities().unwrap().len(), 3);
    assert_eq!(store.rollouts().unwrap().len(), 3 * 12);
    assert_eq!(store.certificates().unwrap().len(), 73);

    let history = store.changes_since(0).unwrap();
    let seen: Vec<(u64, EntryKind, &str)> = history
        .iter()
        .map(|a| (a.seq, a.kind, a.change.as_str()))
        .collect();
    use EntryKind::{Do, Redo, Undo};
    assert_eq!(
        seen,
        [
            (1, Do, "store.init"),
            (2, Do, "cert.new"),
            (3, Do, "cert.new"),
            (4, Do, "import.contacts"),
            (5, Do, "import.certificates"),
            (6, Do, "contacts.edit"),
            (7, Do, "form.sent"),
            (8, Do, "rollout.status"),
            (9, Do, "rollout.status"),
            (10, Do, "rollout.step"),
            (11, Do, "rollout.notes"),
            (12, Do, "rollout.status"),
            (13, Do, "cert.new"),
            (14, Do, "cert.edit"),
            (15, Do, "cert.status"),
            (16, Do, "cert.cancel"),
            (17, Do, "cert.reject"),
            (18, Undo(17), "cert.reject"),
            (19, Redo(17), "cert.reject"),
            (20, Undo(17), "cert.reject"),
        ]
    );
    // Every name is one this build knows, none kept as an unknown.
    assert!(history.iter().all(|a| ChangeKind::ALL.contains(&a.change)));
    assert!(history.iter().all(|a| a.user == AUTHOR));
    assert_eq!(history[4].edits.len(), 70);

    // One record's history, through the index the old binary wrote.
    assert_eq!(
        names(&store, RecordId::Certificate(73)),
        ["cert.new", "cert.edit", "cert.status", "cert.cancel"]
    );
    assert_eq!(
        names(&store, RecordId::Certificate(2)),
        [
            "cert.new",
            "cert.reject",
            "cert.reject",
            "cert.reject",
            "cert.reject"
        ]
    );
    let imported = store.history(&RecordId::Certificate(40)).unwrap();
    assert_eq!(imported.len(), 1);
    assert!(imported[0].bulk, "the import's run of ids");
    assert_eq!(imported[0].head.change, ChangeKind::ImportCertificates);
    let council = ocsae::domain::municipality::IneCode(251734);
    assert_eq!(
        names(&store, RecordId::Municipality(council)),
        ["store.init", "contacts.edit", "form.sent"]
    );
    assert_eq!(
        names(&store, RecordId::Rollout(council, "eacat".into())),
        ["store.init", "rollout.step", "rollout.notes", "rollout.status"]
    );

    // The ids go on after the last one given.
    let request = ocsae::domain::certificate::CertificateRequest::received(
        ocsae::store::NEW_ID,
        council,
        "Pau Mas",
        ocsae::domain::certificate::HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    let change = ocsae::ops::requests::file_request(request, at("2026-11-26T10:30:00Z")).unwrap();
    let applied = store.apply(change, at("2026-11-26T10:30:00Z")).unwrap();
    assert_eq!(applied.ids, [74]);
}

#[test]
fn its_author_undoes_where_the_old_stack_left_off_and_others_find_nothing_of_theirs() {
    let dir = fixture_copy();
    let someone = open_as(dir.path(), "anna");
    assert!(someone.undo(Utc::now()).unwrap().is_none());
    drop(someone);
    let author = open_as(dir.path(), AUTHOR);
    // The rejection (17) was undone last: it is the one to redo.
    let redone = author.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(redone.kind, EntryKind::Redo(17));
    let undone = author.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(17));
    let undone = author.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(
        (undone.kind, undone.change),
        (EntryKind::Undo(16), ChangeKind::CertCancel)
    );
}

#[test]
fn the_dashboard_shows_its_history_with_the_words_it_had() {
    let dir = fixture_copy();
    let store = open_as(dir.path(), AUTHOR);
    let clock = ocsae::domain::clock::FixedClock::new(at("2026-11-26T10:30:00Z"));
    let config = ocsae::config::Config::default();
    let mut app = open_app(std::sync::Arc::new(store), ocsae::i18n::Lang::En, config, &clock);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "Joan Solé");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("#2"), "{s}");
    assert!(s.contains("new request"), "{s}");
    assert!(s.contains("received → rejected"), "{s}");
    assert!(s.contains("Falta el DNI"), "{s}");
    assert!(s.contains("(undone)"), "{s}");
    assert!(s.contains("(redone)"), "{s}");
}

/// The schema the 0.1 binary that wrote the fixture has, and refuses anything above.
const SCHEMA_OF_0_1: u32 = 1;

#[test]
fn it_is_migrated_to_the_schema_with_activities_after_a_raw_backup() {
    use ocsae::domain::activity::{Activity, ActivityKind};
    use ocsae::store::sled::schema;
    use ocsae::store::{Change, Edit, Kind, Record};
    let dir = fixture_copy();
    assert_eq!(
        schema::read_version_file(dir.path()).unwrap(),
        Some(SCHEMA_OF_0_1)
    );
    let store = open_as(dir.path(), AUTHOR);
    // Through schema 2 (activities), 3 (the requests' links) and 4 (imports kept
    // beside their entries), in one open.
    assert_eq!(schema::version(&store).unwrap(), Some(schema::CURRENT));
    assert_eq!(schema::CURRENT, 4);
    // Schema 3 rewrote every request and history entry: each reads, with no links yet.
    let certs = store.certificates().unwrap();
    assert!(!certs.is_empty());
    assert!(
        certs
            .iter()
            .all(|c| c.revokes().is_none() && c.appointment_check().is_none())
    );
    assert_eq!(store.changes_since(0).unwrap().len(), 20);
    // What the old binary reads first, before sled, to refuse a newer store untouched:
    // above its own schema, so it says "newer", not "damaged".
    let stamped = schema::read_version_file(dir.path()).unwrap().unwrap();
    assert_eq!(stamped, schema::CURRENT);
    assert!(stamped > SCHEMA_OF_0_1);
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        backups.len() == 1 && backups[0].starts_with("before-schema-2-"),
        "{backups:?}"
    );
    assert_eq!(store.records(Kind::Activity).unwrap().count(), 0);
    let call = Activity::new(
        Some(ocsae::domain::municipality::IneCode(251734)),
        ActivityKind::Call,
        "No troba la T-CAT",
        at("2026-11-26T10:00:00Z"),
    );
    let applied = store
        .apply(
            Change::new(
                ocsae::store::ChangeKind::ActivityNew,
                vec![Edit::create(Record::Activity(call))],
            ),
            at("2026-11-26T10:30:00Z"),
        )
        .unwrap();
    assert_eq!((applied.seq, applied.ids.as_slice()), (21, &[1][..]));
    drop(store);
    // Opened again: no second migration, the history as it was plus the call.
    let store = open_as(dir.path(), AUTHOR);
    assert_eq!(store.changes_since(0).unwrap().len(), 21);
    assert_eq!(std::fs::read_dir(dir.path().join("backups")).unwrap().count(), 1);
}
