//! The history: who and what, undo and redo per user, ids given by the store,
//! one record's entries, the changes since a point, and imports.

use super::*;

#[test]
fn every_change_leaves_a_history_entry_with_who_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let before = tiurana(&store);
    let mut after = before.clone();
    after.notes = "nota".into();
    let applied = store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(before.clone()),
                Record::Municipality(after.clone()),
            ),
            at("2026-11-26T11:00:00Z"),
        )
        .unwrap();
    let entry = store.changes_since(0).unwrap().pop().unwrap();
    assert_eq!(entry, applied, "the history holds the change as it was applied");
    assert_eq!(entry.change, ChangeKind::ContactsEdit);
    assert_eq!(entry.at, at("2026-11-26T11:00:00Z"));
    assert_eq!(entry.user, system_user());
    assert_eq!(entry.kind, EntryKind::Do);
    assert_eq!(
        entry.edits,
        vec![Edit::update(
            Record::Municipality(before),
            Record::Municipality(after)
        )]
    );
}

#[test]
fn undo_and_redo_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let before = tiurana(&store);
    let mut after = before.clone();
    after.notes = "primera".into();
    store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(before.clone()),
                Record::Municipality(after.clone()),
            ),
            Utc::now(),
        )
        .unwrap();
    drop(store);

    let store = SledStore::open(dir.path()).unwrap();
    let undone = store.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(
        undone.edits,
        vec![Edit::update(
            Record::Municipality(after.clone()),
            Record::Municipality(before.clone())
        )]
    );
    assert_eq!(tiurana(&store), before);
    drop(store);

    let store = SledStore::open(dir.path()).unwrap();
    store.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(tiurana(&store), after);
    assert!(store.redo(Utc::now()).unwrap().is_none(), "nothing left to redo");
    // Undo walks back the note, but never the seeding.
    store.undo(Utc::now()).unwrap().unwrap();
    assert!(store.undo(Utc::now()).unwrap().is_none());
    assert_eq!(store.municipalities().unwrap().len(), 30);
    let kinds: Vec<EntryKind> = store
        .changes_since(0)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.len(), 5);
    assert!(matches!(kinds[2], EntryKind::Undo(_)));
    assert!(matches!(kinds[3], EntryKind::Redo(_)));
}

#[test]
fn a_new_change_clears_the_redo_stack() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let m0 = tiurana(&store);
    let mut m1 = m0.clone();
    m1.notes = "u".into();
    store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(m0.clone()),
                Record::Municipality(m1),
            ),
            Utc::now(),
        )
        .unwrap();
    store.undo(Utc::now()).unwrap();
    let mut m2 = m0.clone();
    m2.notes = "dos".into();
    store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(m0),
                Record::Municipality(m2),
            ),
            Utc::now(),
        )
        .unwrap();
    assert!(store.redo(Utc::now()).unwrap().is_none());
}

fn file_new(store: &dyn Store, holder: &str) -> Applied {
    let c = CertificateRequest {
        id: crate::store::NEW_ID,
        holder: holder.into(),
        ..certificate()
    };
    store
        .apply(
            Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(c))]),
            Utc::now(),
        )
        .unwrap()
}

#[test]
fn certificate_ids_are_never_reused_even_after_an_undo() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    assert_eq!(store.next_id(Kind::Certificate).unwrap(), 1);
    assert_eq!(file_new(&store, "Maria Puig").ids, [1]);
    assert_eq!(store.next_id(Kind::Certificate).unwrap(), 2);
    store.undo(Utc::now()).unwrap().unwrap();
    assert!(store.certificates().unwrap().is_empty());
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.next_id(Kind::Certificate).unwrap(), 2);
    assert_eq!(
        file_new(&store, "Joan Solé").ids,
        [2],
        "1 went with the undo, and stays gone"
    );
}

#[test]
fn new_records_get_consecutive_ids_in_the_transaction_and_the_history_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let first = file_new(&store, "Maria Puig");
    let second = file_new(&store, "Joan Solé");
    assert_eq!((first.ids.clone(), second.ids.clone()), (vec![1], vec![2]));
    // The edits come back with their ids, as the store and the history hold them.
    let ids_in = |applied: &Applied| -> Vec<u64> {
        applied
            .edits
            .iter()
            .filter_map(|e| match &e.after {
                Some(Record::Certificate(c)) => Some(c.id),
                _ => None,
            })
            .collect()
    };
    assert_eq!(ids_in(&first), [1]);
    assert_eq!(ids_in(&second), [2]);
    let stored: Vec<(u64, String)> = store
        .certificates()
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.holder.to_string()))
        .collect();
    assert_eq!(stored, [(1, "Maria Puig".into()), (2, "Joan Solé".into())]);
    let history = store.changes_since(first.seq - 1).unwrap();
    assert_eq!(history.iter().map(ids_in).collect::<Vec<_>>(), [vec![1], vec![2]]);
    assert_eq!(history[1].ids, [2]);
    // Several in one change: in edit order.
    let many: Vec<Edit> = ["A", "B", "C"]
        .iter()
        .map(|h| {
            Edit::create(Record::Certificate(CertificateRequest {
                id: crate::store::NEW_ID,
                holder: (*h).into(),
                ..certificate()
            }))
        })
        .collect();
    let applied = store
        .apply(Change::new(ChangeKind::CertNew, many), Utc::now())
        .unwrap();
    assert_eq!(applied.ids, [3, 4, 5]);
    assert!(applied.durable);
    // Undone and redone, they keep them.
    let undone = store.undo(Utc::now()).unwrap().unwrap();
    assert!(undone.ids.is_empty(), "an undo gives no new id");
    let redone = store.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(ids_in(&redone), [3, 4, 5]);
}

#[test]
fn a_records_history_is_found_by_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let c = certificate();
    store
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![Edit::create(Record::Certificate(c.clone()))],
            ),
            at("2026-12-04T09:00:00Z"),
        )
        .unwrap();
    let mut filed = c.clone();
    filed.set_notes("revisat".into());
    store
        .apply(
            Change::update(
                ChangeKind::CertEdit,
                Record::Certificate(c.clone()),
                Record::Certificate(filed),
            ),
            at("2026-12-04T10:00:00Z"),
        )
        .unwrap();
    let other = tiurana(&store);
    let mut other_after = other.clone();
    other_after.notes = "x".into();
    store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(other),
                Record::Municipality(other_after),
            ),
            Utc::now(),
        )
        .unwrap();
    let found = store.history(&RecordId::Certificate(7)).unwrap();
    let actions: Vec<&str> = found.iter().map(|h| h.head.change.as_str()).collect();
    assert_eq!(actions, ["cert.new", "cert.edit"]);
    // Each entry with what it did to the request.
    assert_eq!(found[0].edit, Some(Edit::create(Record::Certificate(c.clone()))));
    assert!(matches!(
        &found[1].edit,
        Some(Edit { after: Some(Record::Certificate(after)), .. }) if after.notes() == "revisat"
    ));
    assert!(found.iter().all(|h| !h.bulk));
    let council = store.history(&RecordId::Municipality(IneCode(252228))).unwrap();
    let actions: Vec<&str> = council.iter().map(|h| h.head.change.as_str()).collect();
    assert_eq!(actions, ["store.init", "contacts.edit"]);
    assert!(council[0].bulk || council[0].edit.is_some());
    assert!(store.history(&RecordId::Certificate(8)).unwrap().is_empty());
}

#[test]
fn a_bulk_change_and_its_undo_are_found_in_each_records_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let created: Vec<Edit> = (1..=200u64)
        .map(|id| Edit::create(Record::Certificate(CertificateRequest { id, ..certificate() })))
        .collect();
    store
        .apply(
            Change::new(ChangeKind::ImportCertificates, created),
            at("2026-12-04T09:00:00Z"),
        )
        .unwrap();
    let before = CertificateRequest {
        id: 150,
        ..certificate()
    };
    let mut after = before.clone();
    after.set_notes("revisat".into());
    store
        .apply(
            Change::update(
                ChangeKind::CertEdit,
                Record::Certificate(before),
                Record::Certificate(after),
            ),
            at("2026-12-04T10:00:00Z"),
        )
        .unwrap();
    let actions = |id: u64| -> Vec<String> {
        store
            .history(&RecordId::Certificate(id))
            .unwrap()
            .into_iter()
            .map(|h| h.head.change.to_string())
            .collect()
    };
    assert_eq!(actions(1), ["import.certificates"]);
    let found = store.history(&RecordId::Certificate(150)).unwrap();
    let bulk: Vec<bool> = found.iter().map(|h| h.bulk).collect();
    assert_eq!(bulk, [true, false], "the import is a run, the edit one record");
    assert_eq!(
        found[0].edit, None,
        "an import's entry is not read for one record"
    );
    assert!(found[1].edit.is_some());
    assert_eq!(actions(150), ["import.certificates", "cert.edit"]);
    assert!(actions(201).is_empty());
    store.undo(Utc::now()).unwrap().unwrap();
    store.undo(Utc::now()).unwrap().unwrap();
    assert!(store.certificates().unwrap().is_empty());
    assert_eq!(actions(200), ["import.certificates", "import.certificates"]);
    // A backup restored elsewhere finds the same histories.
    let dump = store.dump(Utc::now()).unwrap();
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    restored.restore(&dump, false).unwrap();
    let restored_actions: Vec<String> = restored
        .history(&RecordId::Certificate(150))
        .unwrap()
        .into_iter()
        .map(|h| h.head.change.to_string())
        .collect();
    assert_eq!(restored_actions, actions(150));
    // A store written before the index kept heads reads them from the entries.
    let engine = store.engine().unwrap();
    let index = &engine.trees[T_HISTORY_INDEX];
    for key in index.iter().keys() {
        index.insert(key.unwrap(), Vec::<u8>::new()).unwrap();
    }
    assert_eq!(actions(200), ["import.certificates", "import.certificates"]);
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

fn council(store: &dyn Store, name: &str) -> Municipality {
    store
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == name)
        .unwrap()
}

fn note(store: &dyn Store, name: &str, text: &str) -> Applied {
    let before = council(store, name);
    let mut after = before.clone();
    after.notes = text.into();
    store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(before),
                Record::Municipality(after),
            ),
            Utc::now(),
        )
        .unwrap()
}

#[test]
fn each_user_undoes_and_redoes_their_own_changes() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let anna = open_as(dir.path(), "anna");
    assert_eq!(anna.user(), "anna");
    let by_anna = note(&anna, "Tiurana", "de l'Anna");
    assert_eq!(by_anna.user, "anna");
    drop(anna);
    let pere = open_as(dir.path(), "pere");
    let by_pere = note(&pere, "Àger", "d'en Pere");
    assert_eq!(by_pere.user, "pere");
    // Pere's u takes back his note, not Anna's, the most recent one; then nothing.
    let undone = pere.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(by_pere.seq));
    assert_eq!(council(&pere, "Àger").notes, "");
    assert_eq!(council(&pere, "Tiurana").notes, "de l'Anna");
    assert!(pere.undo(Utc::now()).unwrap().is_none(), "Anna's change is hers");
    drop(pere);

    // Anna's change meanwhile leaves Pere's redo be.
    let anna = open_as(dir.path(), "anna");
    note(&anna, "Tiurana", "segona");
    let undone = anna.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(council(&anna, "Tiurana").notes, "de l'Anna");
    assert_eq!(undone.user, "anna");
    let undone = anna.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(by_anna.seq));
    assert_eq!(council(&anna, "Tiurana").notes, "");
    drop(anna);
    let pere = open_as(dir.path(), "pere");
    let redone = pere.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(redone.kind, EntryKind::Redo(by_pere.seq));
    assert_eq!(council(&pere, "Àger").notes, "d'en Pere");
    // And a backup keeps each one's stacks.
    let dump = pere.dump(Utc::now()).unwrap();
    assert_eq!(
        dump.stacks.len(),
        2 + usize::from(dump.stacks.contains_key(&system_user()))
    );
    drop(pere);
    let other = tempfile::tempdir().unwrap();
    open_as(other.path(), "anna").restore(&dump, false).unwrap();
    let anna = open_as(other.path(), "anna");
    let redone = anna.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(redone.kind, EntryKind::Redo(by_anna.seq), "her redo came along");
}

#[test]
fn stacks_shared_by_an_older_store_are_split_by_who_made_each_change() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let anna = open_as(dir.path(), "anna");
    let by_anna = note(&anna, "Tiurana", "de l'Anna");
    drop(anna);
    let pere = open_as(dir.path(), "pere");
    let by_pere = note(&pere, "Àger", "d'en Pere");
    // What a store written before per-user stacks holds: one pair for everyone.
    let meta = pere.meta().unwrap();
    for user in ["anna", "pere"] {
        meta.remove(stacks::undo_key(user)).unwrap();
        meta.remove(stacks::redo_key(user)).unwrap();
    }
    let shared = codec::encode(&vec![by_anna.seq, by_pere.seq]).unwrap();
    meta.insert(stacks::UNDO_KEY, shared).unwrap();
    drop(meta);
    let undone = pere.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(by_pere.seq));
    assert!(pere.undo(Utc::now()).unwrap().is_none());
    drop(pere);
    let anna = open_as(dir.path(), "anna");
    let undone = anna.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(by_anna.seq));
    // Someone who made none of them has nothing to undo.
    drop(anna);
    assert!(open_as(dir.path(), "marta").undo(Utc::now()).unwrap().is_none());
}

#[test]
fn changes_since_a_point_are_every_later_entry_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let last = store.last_seq().unwrap();
    assert_eq!(last, 1, "the seeding");
    let first = note(&store, "Tiurana", "u");
    let second = note(&store, "Àger", "dos");
    let since = store.changes_since(last).unwrap();
    assert_eq!(since, [first.clone(), second.clone()]);
    assert_eq!(
        store.changes_since(first.seq).unwrap(),
        std::slice::from_ref(&second)
    );
    assert!(store.changes_since(second.seq).unwrap().is_empty());
    assert_eq!(store.last_seq().unwrap(), second.seq);
    let undone = store.undo(Utc::now()).unwrap().unwrap();
    let after_undo = store.changes_since(second.seq).unwrap();
    assert_eq!(after_undo, [undone]);
    assert_eq!(after_undo[0].change, ChangeKind::ContactsEdit);
    assert_eq!(store.changes_since(0).unwrap()[0].change, ChangeKind::StoreInit);
}

#[test]
fn an_import_goes_in_by_batches_and_is_kept_only_when_committed() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let batch = |from: usize| -> Vec<Edit> {
        (from..from + 100)
            .map(|i| {
                Edit::create(Record::Certificate(CertificateRequest {
                    id: crate::store::NEW_ID,
                    holder: format!("Titular {i}").into(),
                    ..certificate()
                }))
            })
            .collect()
    };
    let last = store.last_seq().unwrap();
    let mut dropped = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    dropped.append(batch(0)).unwrap();
    drop(dropped);
    assert!(
        store.certificates().unwrap().is_empty(),
        "nothing without a commit"
    );
    assert_eq!(store.last_seq().unwrap(), last);

    let mut import = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    import.append(batch(0)).unwrap();
    import.append(batch(100)).unwrap();
    let applied = import.commit(at("2026-12-04T09:00:00Z")).unwrap();
    assert_eq!(applied.ids, (1..=200).collect::<Vec<u64>>());
    assert_eq!(applied.seq, last + 1, "one entry for the whole file");
    let stored = store.certificates().unwrap();
    assert_eq!(stored.len(), 200);
    assert_eq!((stored[0].id, stored[0].holder.as_str()), (1, "Titular 0"));
    assert_eq!(
        (stored[199].id, stored[199].holder.as_str()),
        (200, "Titular 199")
    );
    // Indexed as one run: every request finds it, marked bulk.
    let found = store.history(&RecordId::Certificate(150)).unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].bulk);
    assert_eq!(found[0].head.change, ChangeKind::ImportCertificates);
    let engine = store.engine().unwrap();
    let index_keys = engine.trees[T_HISTORY_INDEX]
        .iter()
        .keys()
        .filter(|k| {
            k.as_ref()
                .is_ok_and(|k| k[0] == keys::kind_byte(Kind::Certificate))
        })
        .count();
    assert_eq!(index_keys, 1, "one index key for the run of 200 ids");
    drop(engine);
    // Undone at once.
    let undone = store.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.change, ChangeKind::ImportCertificates);
    assert!(store.certificates().unwrap().is_empty());
}
