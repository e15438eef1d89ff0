//! The support log in sled: its own numbering, its history, backups of schemas before it.

use super::*;
use crate::domain::activity::{Activity, ActivityKind};
use crate::store::{Dump, NEW_ID, RestoreError};

fn activity(summary: &str) -> Activity {
    Activity::new(
        Some(IneCode(252228)),
        ActivityKind::Call,
        summary,
        at("2026-11-26T09:00:00Z"),
    )
}

fn log(store: &dyn Store, summaries: &[&str]) -> Applied {
    let edits = summaries
        .iter()
        .map(|s| Edit::create(Record::Activity(activity(s))))
        .collect();
    store
        .apply(Change::new(ChangeKind::ActivityNew, edits), Utc::now())
        .unwrap()
}

fn activities(store: &dyn Store) -> Vec<Activity> {
    store
        .records(Kind::Activity)
        .unwrap()
        .map(|r| match r.unwrap() {
            Record::Activity(a) => a,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn activities_are_numbered_apart_from_requests_and_never_reuse_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    assert_eq!(log(&store, &["Trucada"]).ids, [1]);
    let request = CertificateRequest {
        id: NEW_ID,
        ..certificate()
    };
    let mixed = store
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![
                    Edit::create(Record::Certificate(request)),
                    Edit::create(Record::Activity(activity("Correu"))),
                ],
            ),
            Utc::now(),
        )
        .unwrap();
    assert_eq!(mixed.ids, [1, 2], "request 1, activity 2: one counter each");
    assert_eq!(log(&store, &["a", "b"]).ids, [3, 4]);
    store.undo(Utc::now()).unwrap().unwrap();
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(
        store.next_id(Kind::Activity).unwrap(),
        5,
        "3 and 4 went with the undo"
    );
    assert_eq!(store.next_id(Kind::Certificate).unwrap(), 2);
    let ids: Vec<u64> = activities(&store).iter().map(|a| a.id).collect();
    assert_eq!(ids, [1, 2]);
    let history = store.history(&RecordId::Activity(2)).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].head.change, ChangeKind::CertNew);
    let changes = store.changes_since(0).unwrap();
    let [.., made, undone] = changes.as_slice() else {
        panic!("{changes:?}")
    };
    assert_eq!(made.ids, [3, 4], "the history says which numbers a change gave");
    assert!(undone.ids.is_empty(), "its undo gives none");
}

#[test]
fn a_backup_keeps_the_activities_and_their_counter() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    log(&store, &["Trucada", "Correu"]);
    log(&store, &["Visita"]);
    store.undo(Utc::now()).unwrap().unwrap();
    let dump = store.dump(Utc::now()).unwrap();
    assert_eq!(dump.schema_version, schema::BACKUP);
    assert_eq!(dump.activities.len(), 2);
    assert_eq!(dump.next_activity_id, 4);
    let json = serde_json::to_string(&dump).unwrap();
    let read: Dump = serde_json::from_str(&json).unwrap();
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    restored.restore(&read, false).unwrap();
    assert_eq!(activities(&restored), activities(&store));
    assert_eq!(log(&restored, &["Després"]).ids, [4]);
}

#[test]
fn a_backup_of_schema_1_is_restored_and_a_newer_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let dump = store.dump(Utc::now()).unwrap();
    // As ocsae wrote it before the support log: schema 1, no activities, no counter.
    let mut json = serde_json::to_value(&dump).unwrap();
    let fields = json.as_object_mut().unwrap();
    fields.remove("activities");
    fields.remove("next_activity_id");
    fields.insert("schema_version".into(), 1.into());
    let old: Dump = serde_json::from_value(json.clone()).unwrap();
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    restored.restore(&old, false).unwrap();
    assert_eq!(restored.municipalities().unwrap().len(), 30);
    assert_eq!(log(&restored, &["Primera"]).ids, [1]);

    json.as_object_mut()
        .unwrap()
        .insert("schema_version".into(), 4.into());
    let newer: Dump = serde_json::from_value(json).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let target = SledStore::open(empty.path()).unwrap();
    assert!(matches!(
        target.restore(&newer, false),
        Err(RestoreError::Schema(4, 3, 1))
    ));
}
