//! The store's behaviour, one suite run against both backends: the embedded sled
//! store and the shared PostgreSQL one (a throwaway cluster; see common/pg.rs).
//! Each test is written once, for any backend, and instantiated for each below.
//! sled takes one process at a time, so users take turns; PostgreSQL users are
//! roles, and the administrator's role seeds the store.

mod common;

use chrono::{DateTime, Utc};
use common::pg::{self, ADMIN};
use ocsae::domain::activity::{Activity, ActivityKind, ActivityStatus, Attendance};
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole};
use ocsae::domain::municipality::{IneCode, Municipality};
use ocsae::domain::rollout::RolloutStatus;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::sled::{OpenOptions, SledStore};
use ocsae::store::{
    Change, ChangeKind, Edit, EntryKind, Kind, NEW_ID, Record, RecordId, RestoreError, Store, StoreError,
};
use tempfile::TempDir;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const NOW: &str = "2026-11-26T09:30:00Z";

/// A new, empty store of one backend, and how to open it as a given user.
enum Harness {
    Sled(TempDir),
    Postgres(pg::Db),
}

impl Harness {
    fn sled() -> Harness {
        Harness::Sled(tempfile::tempdir().unwrap())
    }

    fn postgres() -> Option<Harness> {
        pg::cluster().map(|c| Harness::Postgres(c.database()))
    }

    fn shared(&self) -> bool {
        matches!(self, Harness::Postgres(_))
    }

    /// The store, opened as `user`: the name its changes are signed with.
    fn open_as(&self, user: &str) -> Box<dyn Store> {
        self.try_open_as(user).unwrap()
    }

    fn try_open_as(&self, user: &str) -> ocsae::store::Result<Box<dyn Store>> {
        match self {
            Harness::Sled(dir) => Ok(Box::new(SledStore::open_with(
                dir.path(),
                OpenOptions {
                    user: Some(user.into()),
                    ..OpenOptions::default()
                },
            )?)),
            Harness::Postgres(db) => ocsae::store::open(&db.location(user)),
        }
    }

    /// The Noguera, seeded by the administrator; the store closed again.
    fn seeded(self) -> Harness {
        let store = self.open_as(ADMIN);
        seed(store.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
        drop(store);
        self
    }

    /// Records a schema version past this build's, as a newer ocsae would.
    fn make_newer(&self) {
        match self {
            Harness::Sled(dir) => {
                let store = SledStore::open(dir.path()).unwrap();
                ocsae::store::sled::schema::force_version(&store, ocsae::store::sled::schema::CURRENT + 1)
                    .unwrap();
            }
            Harness::Postgres(db) => {
                let newer = (ocsae::store::postgres::CURRENT + 1).to_string();
                db.sql(ADMIN)
                    .execute(
                        "UPDATE ocsae.meta SET value = $1 WHERE key = 'schema_version'",
                        &[&newer],
                    )
                    .unwrap();
            }
        }
    }
}

/// Each test, once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sled {
            $(#[test] fn $name() { super::$name(super::Harness::sled()) })*
        }
        mod postgres {
            $(#[test] fn $name() { if let Some(h) = super::Harness::postgres() { super::$name(h) } })*
        }
    };
}

on_both_backends!(
    seeding_stores_the_comarca_and_a_second_seed_is_refused,
    each_record_kind_round_trips_through_a_reopened_store,
    the_records_of_a_kind_come_in_key_order_with_their_count,
    a_stale_before_is_a_conflict_and_writes_nothing,
    new_requests_get_consecutive_ids_never_reused_after_an_undo,
    every_change_is_signed_and_found_in_each_records_history,
    each_user_undoes_and_redoes_their_own_changes,
    an_undo_is_refused_when_someone_changed_the_record_since,
    changes_since_a_point_are_every_later_entry_in_order,
    an_import_goes_in_by_batches_and_is_kept_only_when_committed,
    a_dump_restores_into_an_empty_store_identically,
    authors_are_who_created_and_who_last_changed_each_record,
    a_store_of_a_newer_schema_is_refused,
    a_change_built_on_what_the_last_one_returned_is_no_conflict,
    activities_are_numbered_apart_from_requests_signed_and_undone,
    a_training_of_several_councils_round_trips_and_restores_with_its_counter,
    a_colleagues_change_to_an_activity_refuses_a_stale_save_and_the_undo,
    an_import_of_activities_is_one_entry_with_each_entrys_authors,
);

fn council(store: &dyn Store, name: &str) -> Municipality {
    store
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == name)
        .unwrap()
}

fn note_change(store: &dyn Store, name: &str, text: &str) -> Change {
    let before = council(store, name);
    let mut after = before.clone();
    after.notes = text.into();
    Change::update(
        ChangeKind::ContactsEdit,
        Record::Municipality(before),
        Record::Municipality(after),
    )
}

fn note(store: &dyn Store, name: &str, text: &str) -> ocsae::store::Applied {
    store.apply(note_change(store, name, text), at(NOW)).unwrap()
}

fn request(holder: &str) -> CertificateRequest {
    CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    )
}

fn file(store: &dyn Store, holders: &[&str]) -> ocsae::store::Applied {
    let edits = holders
        .iter()
        .map(|h| Edit::create(Record::Certificate(request(h))))
        .collect();
    store
        .apply(Change::new(ChangeKind::CertNew, edits), at(NOW))
        .unwrap()
}

fn seeding_stores_the_comarca_and_a_second_seed_is_refused(h: Harness) {
    let h = h.seeded();
    let store = h.open_as(ADMIN);
    assert_eq!(store.municipalities().unwrap().len(), 30);
    let rollouts = store.rollouts().unwrap();
    assert_eq!(rollouts.len(), 30 * 12);
    assert!(rollouts.iter().all(|r| r.status == RolloutStatus::Pending));
    assert!(matches!(
        seed(store.as_ref(), &Scope::All, at(NOW)),
        Err(StoreError::NotEmpty(_))
    ));
    assert_eq!(store.municipalities().unwrap().len(), 30, "nothing added");
}

fn each_record_kind_round_trips_through_a_reopened_store(h: Harness) {
    let h = h.seeded();
    let store = h.open_as("anna");
    let change = note_change(store.as_ref(), "Tiurana", "Truca els dimarts");
    let m = match &change.edits[0].after {
        Some(Record::Municipality(m)) => m.clone(),
        _ => unreachable!(),
    };
    let r_before = store
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == m.ine && r.service == "e-notum")
        .unwrap();
    let mut r = r_before.clone();
    r.toggle_step(0, at(NOW), "anna");
    r.notes = "Falta formació".into();
    let mut edits = change.edits;
    edits.push(Edit::update(
        Record::Rollout(r_before),
        Record::Rollout(r.clone()),
    ));
    edits.push(Edit::create(Record::Certificate(request("Maria Puig"))));
    let applied = store
        .apply(Change::new(ChangeKind::CertNew, edits), at(NOW))
        .unwrap();
    assert_eq!(applied.ids.len(), 1);
    drop(store);

    let store = h.open_as("marta");
    assert_eq!(council(store.as_ref(), "Tiurana"), m);
    assert!(store.rollouts().unwrap().contains(&r));
    let stored = store.certificates().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, applied.ids[0]);
    assert_eq!(stored[0].holder, "Maria Puig");
    assert!(!store.is_empty().unwrap());
}

fn the_records_of_a_kind_come_in_key_order_with_their_count(h: Harness) {
    let h = h.seeded();
    let store = h.open_as("anna");
    file(store.as_ref(), &["A", "B", "C"]);
    let records = store.records(Kind::Certificate).unwrap();
    // What a reader reserves (the bound, or else the count) holds them all at once.
    let (low, high) = records.size_hint();
    assert!(
        low <= 3 && high.unwrap_or(low) >= 3,
        "{low} {high:?}: a bound, to reserve once"
    );
    let ids: Vec<u64> = records
        .map(|r| match r.unwrap() {
            Record::Certificate(c) => c.id,
            other => panic!("another kind: {other:?}"),
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let councils: Vec<u32> = store.municipalities().unwrap().iter().map(|m| m.ine.0).collect();
    assert!(councils.windows(2).all(|w| w[0] < w[1]), "by INE code");
    let rollout: Vec<(u32, String)> = store
        .rollouts()
        .unwrap()
        .into_iter()
        .map(|r| (r.ine.0, r.service))
        .collect();
    assert!(
        rollout.windows(2).all(|w| w[0] < w[1]),
        "by council, then service id"
    );
}

fn a_stale_before_is_a_conflict_and_writes_nothing(h: Harness) {
    let h = h.seeded();
    // Anna reads Tiurana; Marta changes it first.
    let anna = h.open_as("anna");
    let stale = note_change(anna.as_ref(), "Tiurana", "de l'Anna");
    if !h.shared() {
        drop(anna);
    }
    let marta = h.open_as("marta");
    note(marta.as_ref(), "Tiurana", "de la Marta");
    let last = marta.last_seq().unwrap();
    drop(marta);
    let anna = h.open_as("anna");
    let refused = anna.apply(stale, at(NOW)).unwrap_err();
    let StoreError::Conflict { by, change, kind, .. } = &refused else {
        panic!("not a conflict: {refused:?}");
    };
    if h.shared() {
        assert_eq!(by.as_deref(), Some("marta"), "who changed it");
        assert_eq!(change, &Some(ChangeKind::ContactsEdit), "what they did");
        assert_eq!(kind, &Some(Kind::Municipality));
    }
    assert_eq!(council(anna.as_ref(), "Tiurana").notes, "de la Marta");
    assert_eq!(anna.last_seq().unwrap(), last, "no history entry");
}

fn new_requests_get_consecutive_ids_never_reused_after_an_undo(h: Harness) {
    let h = h.seeded();
    let store = h.open_as("anna");
    let first = file(store.as_ref(), &["A", "B", "C"]);
    assert_eq!(first.ids.len(), 3);
    assert!(first.ids.windows(2).all(|w| w[1] == w[0] + 1), "{:?}", first.ids);
    let created: Vec<u64> = first
        .edits
        .iter()
        .filter_map(|e| match &e.after {
            Some(Record::Certificate(c)) => Some(c.id),
            _ => None,
        })
        .collect();
    assert_eq!(created, first.ids, "the edits carry their ids");
    store.undo(at(NOW)).unwrap().unwrap();
    assert!(store.certificates().unwrap().is_empty());
    let second = file(store.as_ref(), &["D"]);
    assert!(
        second.ids[0] > first.ids[2],
        "{:?} after {:?}",
        second.ids,
        first.ids
    );
}

fn every_change_is_signed_and_found_in_each_records_history(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let by_anna = note(anna.as_ref(), "Tiurana", "u");
    assert_eq!(by_anna.user, "anna");
    drop(anna);
    let marta = h.open_as("marta");
    assert_eq!(marta.user(), "marta");
    let by_marta = note(marta.as_ref(), "Tiurana", "dos");
    let tiurana = RecordId::Municipality(IneCode(252228));
    let history = marta.history(&tiurana).unwrap();
    let seen: Vec<(u64, &str, &ChangeKind)> = history
        .iter()
        .map(|h| (h.seq, h.head.user.as_str(), &h.head.change))
        .collect();
    assert_eq!(seen.len(), 3, "the seeding, Anna's and Marta's: {seen:?}");
    assert_eq!(seen[0].2, &ChangeKind::StoreInit);
    assert_eq!(seen[1], (by_anna.seq, "anna", &ChangeKind::ContactsEdit));
    assert_eq!(seen[2], (by_marta.seq, "marta", &ChangeKind::ContactsEdit));
    let edit = history[2].edit.as_ref().unwrap();
    assert!(matches!(&edit.after, Some(Record::Municipality(m)) if m.notes == "dos"));
    assert!(matches!(&edit.before, Some(Record::Municipality(m)) if m.notes == "u"));
    assert_eq!(history[2].head.at, at(NOW));
}

fn each_user_undoes_and_redoes_their_own_changes(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let by_anna = note(anna.as_ref(), "Tiurana", "de l'Anna");
    drop(anna);
    let marta = h.open_as("marta");
    let by_marta = note(marta.as_ref(), "Àger", "de la Marta");
    let undone = marta.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(by_marta.seq));
    assert_eq!(undone.user, "marta");
    assert_eq!(council(marta.as_ref(), "Àger").notes, "");
    assert_eq!(council(marta.as_ref(), "Tiurana").notes, "de l'Anna");
    assert!(marta.undo(at(NOW)).unwrap().is_none(), "Anna's change is hers");
    drop(marta);
    let anna = h.open_as("anna");
    let undone = anna.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(by_anna.seq));
    assert_eq!(council(anna.as_ref(), "Tiurana").notes, "");
    let redone = anna.redo(at(NOW)).unwrap().unwrap();
    assert_eq!(redone.kind, EntryKind::Redo(by_anna.seq));
    assert_eq!(council(anna.as_ref(), "Tiurana").notes, "de l'Anna");
    drop(anna);
    let marta = h.open_as("marta");
    let redone = marta.redo(at(NOW)).unwrap().unwrap();
    assert_eq!(
        redone.kind,
        EntryKind::Redo(by_marta.seq),
        "her redo waited for her"
    );
}

fn an_undo_is_refused_when_someone_changed_the_record_since(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let filed = file(anna.as_ref(), &["Maria Puig"]);
    drop(anna);
    let marta = h.open_as("marta");
    let before = marta.certificates().unwrap().remove(0);
    let mut after = before.clone();
    after.status = CertStatus::Filed;
    after.filed_at = Some(at(NOW));
    marta
        .apply(
            Change::update(
                ChangeKind::CertStatus,
                Record::Certificate(before),
                Record::Certificate(after.clone()),
            ),
            at(NOW),
        )
        .unwrap();
    drop(marta);
    let anna = h.open_as("anna");
    let last = anna.last_seq().unwrap();
    let refused = anna.undo(at(NOW)).unwrap_err();
    let StoreError::Conflict { by, kind, .. } = &refused else {
        panic!("not a conflict: {refused:?}");
    };
    if h.shared() {
        assert_eq!(by.as_deref(), Some("marta"));
        assert_eq!(kind, &Some(Kind::Certificate));
    }
    assert_eq!(anna.certificates().unwrap(), vec![after], "Marta's change stands");
    assert_eq!(anna.last_seq().unwrap(), last);
    assert_eq!(filed.ids.len(), 1);
}

fn changes_since_a_point_are_every_later_entry_in_order(h: Harness) {
    let h = h.seeded();
    let store = h.open_as("anna");
    let last = store.last_seq().unwrap();
    let first = note(store.as_ref(), "Tiurana", "u");
    let second = file(store.as_ref(), &["Maria Puig"]);
    let since = store.changes_since(last).unwrap();
    assert_eq!(since, [first.clone(), second.clone()]);
    assert_eq!(since[1].ids, second.ids);
    assert_eq!(
        store.changes_since(first.seq).unwrap(),
        std::slice::from_ref(&second)
    );
    assert!(store.changes_since(second.seq).unwrap().is_empty());
    assert_eq!(store.last_seq().unwrap(), second.seq);
    let undone = store.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(store.changes_since(second.seq).unwrap(), [undone]);
    assert_eq!(store.changes_since(0).unwrap()[0].change, ChangeKind::StoreInit);
}

fn an_import_goes_in_by_batches_and_is_kept_only_when_committed(h: Harness) {
    let h = h.seeded();
    let store = h.open_as("anna");
    let batch = |from: usize| -> Vec<Edit> {
        (from..from + 100)
            .map(|i| Edit::create(Record::Certificate(request(&format!("Titular {i}")))))
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
    let applied = import.commit(at(NOW)).unwrap();
    assert_eq!(applied.ids.len(), 200);
    assert_eq!(applied.seq, last + 1, "one entry for the whole file");
    let stored = store.certificates().unwrap();
    assert_eq!(stored.len(), 200);
    assert_eq!(stored[0].holder, "Titular 0");
    assert_eq!(stored[199].holder, "Titular 199");
    let found = store.history(&RecordId::Certificate(applied.ids[150])).unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].bulk, "shown as the import, not as one record's edit");
    assert_eq!(found[0].head.change, ChangeKind::ImportCertificates);
    let undone = store.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(undone.change, ChangeKind::ImportCertificates);
    assert!(store.certificates().unwrap().is_empty());
}

fn a_dump_restores_into_an_empty_store_identically(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    note(anna.as_ref(), "Tiurana", "de l'Anna");
    file(anna.as_ref(), &["Maria Puig", "Joan Solé"]);
    anna.undo(at(NOW)).unwrap().unwrap();
    file(anna.as_ref(), &["Pere Vidal"]);
    let dump = anna.dump(at(NOW)).unwrap();
    drop(anna);
    assert_eq!(dump.certificates.len(), 1);
    assert!(dump.stacks.contains_key("anna"));

    let other = match h {
        Harness::Sled(_) => Harness::sled(),
        Harness::Postgres(_) => Harness::postgres().unwrap(),
    };
    let target = other.open_as(ADMIN);
    target.restore(&dump, false).unwrap();
    let mut back = target.dump(at(NOW)).unwrap();
    back.created_at = dump.created_at;
    assert_eq!(back, dump, "the same records, history, counters and stacks");
    // A store that holds data is refused unless forced.
    assert!(matches!(
        target.restore(&dump, false),
        Err(RestoreError::NotEmpty)
    ));
    target.restore(&dump, true).unwrap();
    drop(target);
    // The restored store goes on where the original was: Anna's redo, the next id.
    let anna = other.open_as("anna");
    let next = file(anna.as_ref(), &["Laia Serra"]);
    assert_eq!(next.ids[0], dump.next_certificate_id);
    assert_eq!(next.seq, dump.next_seq());
}

fn authors_are_who_created_and_who_last_changed_each_record(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    note(anna.as_ref(), "Tiurana", "u");
    let filed = file(anna.as_ref(), &["Maria Puig"]);
    drop(anna);
    let marta = h.open_as("marta");
    note(marta.as_ref(), "Tiurana", "dos");
    let councils = marta.authors(Kind::Municipality).unwrap();
    let tiurana = &councils[&RecordId::Municipality(IneCode(252228))];
    assert_eq!(
        (tiurana.created_by.as_str(), tiurana.updated_by.as_str()),
        (ADMIN, "marta")
    );
    let ager = &councils[&RecordId::Municipality(IneCode(250024))];
    assert_eq!(
        (ager.created_by.as_str(), ager.updated_by.as_str()),
        (ADMIN, ADMIN)
    );
    let requests = marta.authors(Kind::Certificate).unwrap();
    let request = &requests[&RecordId::Certificate(filed.ids[0])];
    assert_eq!(
        (request.created_by.as_str(), request.updated_by.as_str()),
        ("anna", "anna")
    );
    let rollout = marta.authors(Kind::Rollout).unwrap();
    assert_eq!(rollout.len(), 360, "every seeded entry");
}

fn a_store_of_a_newer_schema_is_refused(h: Harness) {
    let h = h.seeded();
    h.make_newer();
    for _ in 0..2 {
        match h.try_open_as("anna") {
            Err(StoreError::NewerSchema { found, .. }) => assert!(found > 1),
            Err(other) => panic!("another error: {other:?}"),
            Ok(_) => panic!("a newer store was opened"),
        }
    }
}

fn a_change_built_on_what_the_last_one_returned_is_no_conflict(h: Harness) {
    let h = h.seeded();
    let store = h.open_as("anna");
    let pending = store
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == IneCode(252228) && r.service == "e-tram")
        .unwrap();
    // A clock with nanoseconds, as the system's is: stores keep milliseconds.
    let at = at("2026-11-26T09:30:00.123456789Z");
    let mut started = pending.clone();
    started.status = RolloutStatus::InProgress;
    started.updated_at = Some(at);
    let applied = store
        .apply(
            Change::update(
                ChangeKind::RolloutStatus,
                Record::Rollout(pending),
                Record::Rollout(started),
            ),
            at,
        )
        .unwrap();
    // The dashboard mirrors what the store returned and builds the next change on it.
    let Some(Record::Rollout(before)) = applied.edits[0].after.clone() else {
        panic!("a rollout edit");
    };
    let mut done = before.clone();
    done.status = RolloutStatus::Done;
    store
        .apply(
            Change::update(
                ChangeKind::RolloutStatus,
                Record::Rollout(before),
                Record::Rollout(done),
            ),
            at,
        )
        .expect("the same record, to the millisecond");
}

/// A call from Tiurana, as the form logs it: signed by `user`.
fn call(summary: &str, user: &str) -> Activity {
    let mut a = Activity::new(
        Some(IneCode(252228)),
        ActivityKind::Call,
        summary,
        at("2026-11-26T09:00:00Z"),
    );
    a.created_by = user.into();
    a
}

fn log(store: &dyn Store, entries: Vec<Activity>) -> ocsae::store::Applied {
    let edits = entries
        .into_iter()
        .map(|a| Edit::create(Record::Activity(a)))
        .collect();
    store
        .apply(Change::new(ChangeKind::ActivityNew, edits), at(NOW))
        .unwrap()
}

fn activities(store: &dyn Store) -> Vec<Activity> {
    store
        .records(Kind::Activity)
        .unwrap()
        .map(|r| match r.unwrap() {
            Record::Activity(a) => a,
            other => panic!("another kind: {other:?}"),
        })
        .collect()
}

fn activities_are_numbered_apart_from_requests_signed_and_undone(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let requests = file(anna.as_ref(), &["Maria Puig", "Joan Solé"]);
    let logged = log(
        anna.as_ref(),
        vec![
            call("No rep l'avís de l'e-NOTUM", "anna"),
            call("Clau T-CAT", "anna"),
        ],
    );
    assert_eq!(requests.ids, [1, 2]);
    assert_eq!(logged.ids, [1, 2], "activities count on their own");
    let stored = activities(anna.as_ref());
    assert_eq!(
        stored
            .iter()
            .map(|a| (a.id, a.summary.as_str(), a.created_by.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "No rep l'avís de l'e-NOTUM", "anna"),
            (2, "Clau T-CAT", "anna")
        ]
    );
    let since = anna.changes_since(requests.seq).unwrap();
    assert_eq!(since, std::slice::from_ref(&logged));
    assert_eq!(since[0].ids, [1, 2], "the feed names the new entries");
    let history = anna.history(&RecordId::Activity(2)).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].head.user.as_str(), &history[0].head.change),
        ("anna", &ChangeKind::ActivityNew)
    );
    // Undone: gone, and its ids are never given again.
    let undone = anna.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(undone.kind, EntryKind::Undo(logged.seq));
    assert!(activities(anna.as_ref()).is_empty());
    assert_eq!(anna.certificates().unwrap().len(), 2, "the requests stay");
    drop(anna);
    let marta = h.open_as("marta");
    let next = log(marta.as_ref(), vec![call("Truca l'alcalde", "marta")]);
    assert_eq!(next.ids, [3]);
    assert!(marta.undo(at(NOW)).unwrap().is_some(), "her own");
    assert!(marta.undo(at(NOW)).unwrap().is_none(), "Anna's are hers");
}

fn a_training_of_several_councils_round_trips_and_restores_with_its_counter(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let mut training = Activity::new(
        None,
        ActivityKind::Training,
        "Formació: e-NOTUM",
        at("2026-11-24T09:00:00Z"),
    );
    training.councils = vec![
        Attendance {
            ine: IneCode(252228),
            attendees: 3,
        },
        Attendance {
            ine: IneCode(250024),
            attendees: 2,
        },
    ];
    training.services = vec!["e-notum".into()];
    training.session_minutes = Some(90);
    training.status = ActivityStatus::Closed;
    training.closed_at = Some(at("2026-11-24T10:30:00Z"));
    training.created_by = "anna".into();
    let logged = log(anna.as_ref(), vec![training.clone(), call("Clau T-CAT", "anna")]);
    training.id = logged.ids[0];
    drop(anna);
    let marta = h.open_as("marta");
    let stored = activities(marta.as_ref());
    assert_eq!(stored[0], training, "every field, councils and services too");
    assert!(!marta.is_empty().unwrap());
    let dump = marta.dump(at(NOW)).unwrap();
    drop(marta);
    assert_eq!(dump.activities.len(), 2);
    assert_eq!(dump.next_activity_id, logged.ids[1] + 1);

    let other = match h {
        Harness::Sled(_) => Harness::sled(),
        Harness::Postgres(_) => Harness::postgres().unwrap(),
    };
    let target = other.open_as(ADMIN);
    target.restore(&dump, false).unwrap();
    let mut back = target.dump(at(NOW)).unwrap();
    back.created_at = dump.created_at;
    assert_eq!(back, dump, "the log, its history and its counter");
    drop(target);
    let anna = other.open_as("anna");
    let next = log(anna.as_ref(), vec![call("Torna a trucar", "anna")]);
    assert_eq!(next.ids, [dump.next_activity_id], "numbering goes on");
    assert_eq!(
        anna.history(&RecordId::Activity(training.id)).unwrap()[0]
            .head
            .user,
        "anna",
        "the history restored with its authors"
    );
}

fn a_colleagues_change_to_an_activity_refuses_a_stale_save_and_the_undo(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let logged = log(anna.as_ref(), vec![call("No rep l'avís", "anna")]);
    let opened = activities(anna.as_ref()).remove(0);
    if !h.shared() {
        drop(anna);
    }
    // Marta closes the call Anna logged, while Anna still edits her version.
    let marta = h.open_as("marta");
    let mut closed = opened.clone();
    closed.set_status(ActivityStatus::Closed, at(NOW));
    closed.closed_at = Some(at(NOW));
    marta
        .apply(
            Change::update(
                ChangeKind::ActivityClose,
                Record::Activity(opened.clone()),
                Record::Activity(closed.clone()),
            ),
            at(NOW),
        )
        .unwrap();
    let last = marta.last_seq().unwrap();
    drop(marta);
    let anna = h.open_as("anna");
    let mut edited = opened.clone();
    edited.notes = "Reinstal·lar el certificat".into();
    let refused = anna
        .apply(
            Change::update(
                ChangeKind::ActivityEdit,
                Record::Activity(opened),
                Record::Activity(edited),
            ),
            at(NOW),
        )
        .unwrap_err();
    let StoreError::Conflict { by, change, kind, .. } = &refused else {
        panic!("not a conflict: {refused:?}");
    };
    if h.shared() {
        assert_eq!(by.as_deref(), Some("marta"), "who changed it");
        assert_eq!(change, &Some(ChangeKind::ActivityClose), "what she did");
        assert_eq!(kind, &Some(Kind::Activity));
    }
    let refused = anna.undo(at(NOW)).unwrap_err();
    assert!(matches!(refused, StoreError::Conflict { .. }), "{refused:?}");
    assert_eq!(activities(anna.as_ref()), vec![closed], "Marta's close stands");
    assert_eq!(anna.last_seq().unwrap(), last, "nothing written");
    assert_eq!(logged.ids.len(), 1);
}

fn an_import_of_activities_is_one_entry_with_each_entrys_authors(h: Harness) {
    let h = h.seeded();
    let anna = h.open_as("anna");
    let last = anna.last_seq().unwrap();
    let mut import = anna.begin_import(ChangeKind::ImportActivities).unwrap();
    let batch: Vec<Edit> = (0..100)
        .map(|i| Edit::create(Record::Activity(call(&format!("Trucada {i}"), "anna"))))
        .collect();
    import.append(batch).unwrap();
    let applied = import.commit(at(NOW)).unwrap();
    assert_eq!(applied.seq, last + 1, "one entry for the whole file");
    assert_eq!(applied.ids.len(), 100);
    drop(anna);
    let marta = h.open_as("marta");
    let first = activities(marta.as_ref()).remove(0);
    let mut edited = first.clone();
    edited.notes = "Revisat".into();
    marta
        .apply(
            Change::update(
                ChangeKind::ActivityEdit,
                Record::Activity(first.clone()),
                Record::Activity(edited),
            ),
            at(NOW),
        )
        .unwrap();
    let authors = marta.authors(Kind::Activity).unwrap();
    assert_eq!(authors.len(), 100, "each imported entry, from the import's entry");
    let edited = &authors[&RecordId::Activity(first.id)];
    assert_eq!(
        (edited.created_by.as_str(), edited.updated_by.as_str()),
        ("anna", "marta")
    );
    let other = &authors[&RecordId::Activity(applied.ids[99])];
    assert_eq!(
        (other.created_by.as_str(), other.updated_by.as_str()),
        ("anna", "anna")
    );
    let found = marta.history(&RecordId::Activity(applied.ids[50])).unwrap();
    assert!(found[0].bulk, "shown as the import");
    assert_eq!(found[0].head.change, ChangeKind::ImportActivities);
}
