//! Large imports: their records written in batches under a marker, apart from
//! their history entry; undo and redo of the run; a process killed midway.

use super::*;
use crate::store::{BulkRange, NEW_ID, RestoreError};
use std::process::{Command, Stdio};

/// Set in a child process run by `killed_child`: the store it works on.
const CHILD_DIR: &str = "OCSAE_TEST_BULK_CHILD_DIR";

fn requests(from: usize, n: usize) -> Vec<Edit> {
    (from..from + n)
        .map(|i| {
            Edit::create(Record::Certificate(CertificateRequest {
                id: NEW_ID,
                holder: format!("Titular {i}").into(),
                ..certificate()
            }))
        })
        .collect()
}

/// Imports `batches` batches of 1,000 new requests.
fn import(store: &SledStore, batches: usize) -> Applied {
    let mut import = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    for b in 0..batches {
        import.append(requests(b * 1000, 1000)).unwrap();
    }
    import.commit(at("2026-12-04T09:00:00Z")).unwrap()
}

fn no_run_left(store: &SledStore) {
    let engine = store.engine().unwrap();
    assert_eq!(
        engine.trees[T_META]
            .get(crate::store::sled::bulk::PENDING_KEY)
            .unwrap(),
        None,
        "no marker"
    );
}

#[test]
fn an_imports_entry_holds_its_range_and_digest_and_undo_and_redo_move_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let applied = import(&store, 3);
    assert_eq!(
        applied.bulk,
        Some(BulkRange {
            kind: Kind::Certificate,
            first: 1,
            last: 3000,
            removed: false
        })
    );
    assert_eq!(applied.ids, (1..=3000).collect::<Vec<u64>>());
    assert!(
        applied.edits.is_empty(),
        "the run is not handed back record by record"
    );
    let imported = store.certificates().unwrap();
    assert_eq!(imported.len(), 3000);
    assert_eq!(
        (imported[2999].id, imported[2999].holder.as_str()),
        (3000, "Titular 2999")
    );
    // The entry itself is small: the records are not in it.
    let engine = store.engine().unwrap();
    let entry = engine.trees[T_HISTORY]
        .get(applied.seq.to_be_bytes())
        .unwrap()
        .unwrap();
    assert!(entry.len() < 200, "the entry is {} bytes", entry.len());
    drop(engine);
    let header = store.bulk_header(applied.seq).unwrap().unwrap();
    assert_eq!((header.first, header.last, header.count), (1, 3000, 3000));
    no_run_left(&store);

    let undone = store.undo(Utc::now()).unwrap().unwrap();
    assert_eq!(undone.bulk.map(|b| b.removed), Some(true));
    assert!(store.certificates().unwrap().is_empty());
    let redone = store.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(redone.bulk.map(|b| b.removed), Some(false));
    assert_eq!(
        store.certificates().unwrap(),
        imported,
        "redo writes the run back as it was"
    );
    let history: Vec<EntryKind> = store
        .history(&RecordId::Certificate(1500))
        .unwrap()
        .iter()
        .map(|h| h.head.kind)
        .collect();
    assert_eq!(
        history,
        [
            EntryKind::Do,
            EntryKind::Undo(applied.seq),
            EntryKind::Redo(applied.seq)
        ]
    );
    // Ids are never given twice: the next request is past the run.
    let next = store
        .apply(Change::new(ChangeKind::CertNew, requests(0, 1)), Utc::now())
        .unwrap();
    assert_eq!(next.ids, [3001]);
    // Survives a restart, and is undone there.
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    store.undo(Utc::now()).unwrap().unwrap();
    store.undo(Utc::now()).unwrap().unwrap();
    assert!(store.certificates().unwrap().is_empty());
}

#[test]
fn an_imports_requests_keep_their_links_checks_and_downloads_through_the_run() {
    use crate::domain::revocation::{AppointmentCheck, RevocationReason};
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let checked = at("2026-12-03T10:00:00Z");
    let mut edits = requests(0, 1000);
    for (i, edit) in edits.iter_mut().enumerate() {
        if let Some(Record::Certificate(c)) = &mut edit.after {
            c.set_revokes(Some(i as u64 + 5000));
            c.set_revocation_reason(Some(RevocationReason::CardLost));
            c.set_appointment_check(Some(Box::new(AppointmentCheck {
                at: checked,
                user: "anna".into(),
                found: i % 2 == 0,
            })));
            c.set_downloaded_at(Some(checked));
        }
    }
    let mut import = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    import.append(edits).unwrap();
    let applied = import.commit(at("2026-12-04T09:00:00Z")).unwrap();
    assert_eq!(
        applied.bulk.map(|b| (b.first, b.last)),
        Some((1, 1000)),
        "not a run"
    );
    let stored = store.certificates().unwrap();
    let last = &stored[999];
    assert_eq!(
        (last.revokes(), last.revocation_reason(), last.downloaded_at()),
        (Some(5999), Some(RevocationReason::CardLost), Some(checked))
    );
    assert_eq!(last.appointment_check().map(|a| a.found), Some(false));
    store.undo(Utc::now()).unwrap().unwrap();
    store.redo(Utc::now()).unwrap().unwrap();
    assert_eq!(store.certificates().unwrap(), stored, "redo keeps the fields");
    // The backup lists them in the entry with the same fields, and restores them.
    let dump = store.dump(Utc::now()).unwrap();
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    restored.restore(&dump, false).unwrap();
    assert_eq!(restored.certificates().unwrap(), stored);
}

#[test]
fn an_import_whose_request_changed_since_is_not_undone_and_nothing_moves() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let applied = import(&store, 2);
    // Another person edits one of the requests: the import is no longer as it left them.
    drop(store);
    let other = SledStore::open_with(
        dir.path(),
        OpenOptions {
            user: Some("other".into()),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let before = other.certificates().unwrap()[1499].clone();
    let mut after = before.clone();
    after.set_notes("revisat".into());
    other
        .apply(
            Change::update(
                ChangeKind::CertEdit,
                Record::Certificate(before),
                Record::Certificate(after),
            ),
            Utc::now(),
        )
        .unwrap();
    drop(other);
    let store = SledStore::open(dir.path()).unwrap();
    let err = store.undo(Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.certificates().unwrap().len(), 2000);
    assert_eq!(store.last_seq().unwrap(), applied.seq + 1);
    no_run_left(&store);
}

#[test]
fn an_import_whose_kept_records_were_damaged_is_refused_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let applied = import(&store, 1);
    let engine = store.engine().unwrap();
    let mut key = applied.seq.to_be_bytes().to_vec();
    // The copy's first chunk, which holds request 7.
    key.extend_from_slice(&1u64.to_be_bytes());
    let stored = engine.bulk.get(&key).unwrap().unwrap();
    // Still a request, another holder's: "Titular 6" becomes "Titular X".
    let mut changed = stored.to_vec();
    let at = changed.windows(9).position(|w| w == b"Titular 6").unwrap() + 8;
    changed[at] = b'X';
    engine.bulk.insert(&key, changed).unwrap();
    // The live record too, so only the digest can tell.
    let live = &engine.trees[tree_index(Kind::Certificate)];
    let mut record = live.get(7u64.to_be_bytes()).unwrap().unwrap().to_vec();
    let at = record.windows(9).position(|w| w == b"Titular 6").unwrap() + 8;
    record[at] = b'X';
    live.insert(7u64.to_be_bytes(), record).unwrap();
    drop(engine);
    let err = store.undo(Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert_eq!(store.certificates().unwrap().len(), 1000, "nothing removed");
    no_run_left(&store);
}

#[test]
fn a_backup_lists_an_imports_records_in_its_entry_as_before_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let applied = import(&store, 2);
    let dump = store.dump(Utc::now()).unwrap();
    assert_eq!(
        dump.schema_version, 3,
        "readable by the builds before runs were kept apart"
    );
    let item = dump.history.iter().find(|h| h.seq == applied.seq).unwrap();
    assert_eq!(item.entry.edits.len(), 2000);
    assert_eq!(
        item.entry.edits[1999].after.as_ref().and_then(Record::number),
        Some(2000)
    );
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    restored.restore(&dump, false).unwrap();
    assert_eq!(restored.certificates().unwrap(), store.certificates().unwrap());
    restored.undo(Utc::now()).unwrap().unwrap();
    assert!(restored.certificates().unwrap().is_empty());
    // A backup claiming the store's own schema (4) is not one this build writes.
    let mut newer = dump.clone();
    newer.schema_version = schema::CURRENT;
    assert!(matches!(
        restored.restore(&newer, true),
        Err(RestoreError::Schema(4, 3, 1))
    ));
}

/// Runs the test `name` of this module in a child process, which ends as if
/// killed (abort: no destructor runs, nothing is sealed).
fn killed_child(name: &str, dir: &Path) {
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            &format!("store::sled::tests::bulk::{name}"),
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child was to die midway");
}

#[test]
fn child_imports_three_batches_and_dies() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let store = SledStore::open(Path::new(&dir)).unwrap();
    let mut import = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    for b in 0..3 {
        import.append(requests(b * 1000, 1000)).unwrap();
    }
    // What sled wrote reaches the disk, as its own buffers would.
    store.engine().unwrap().db.flush().unwrap();
    std::process::abort();
}

#[test]
fn an_import_killed_midway_leaves_nothing_of_it_once_the_store_opens() {
    if std::env::var_os(CHILD_DIR).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let last = store.last_seq().unwrap();
    drop(store);
    killed_child("child_imports_three_batches_and_dies", dir.path());
    // The child left its marker and 3,000 requests on disk.
    let store = SledStore::open(dir.path()).unwrap();
    assert!(store.certificates().unwrap().is_empty(), "nothing of the import");
    assert_eq!(store.last_seq().unwrap(), last);
    assert!(store.engine().unwrap().bulk.is_empty(), "nor its copy");
    no_run_left(&store);
    // The next import starts from the first id.
    assert_eq!(import(&store, 1).ids[0], 1);
}

#[test]
fn child_undoes_an_import_halfway_and_dies() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let store = SledStore::open(Path::new(&dir)).unwrap();
    let seq = store.last_seq().unwrap();
    let header = store.bulk_header(seq).unwrap().unwrap();
    // The records taken away, the entry never committed.
    store.move_bulk(seq + 1, &header, true).unwrap();
    store.engine().unwrap().db.flush().unwrap();
    std::process::abort();
}

#[test]
fn an_undo_killed_midway_is_taken_back_once_the_store_opens() {
    if std::env::var_os(CHILD_DIR).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    import(&store, 2);
    let imported = store.certificates().unwrap();
    let last = store.last_seq().unwrap();
    drop(store);
    killed_child("child_undoes_an_import_halfway_and_dies", dir.path());
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.certificates().unwrap(), imported, "every request is back");
    assert_eq!(store.last_seq().unwrap(), last);
    no_run_left(&store);
    store.undo(Utc::now()).unwrap().unwrap();
    assert!(store.certificates().unwrap().is_empty());
}

#[test]
fn an_import_dropped_before_its_commit_takes_back_what_it_wrote_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let mut dropped = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    dropped.append(requests(0, 1000)).unwrap();
    dropped.append(requests(1000, 1000)).unwrap();
    drop(dropped);
    assert!(store.certificates().unwrap().is_empty());
    assert!(store.engine().unwrap().bulk.is_empty());
    no_run_left(&store);
}

#[test]
fn an_undo_or_redo_of_an_import_whose_flush_fails_is_kept_and_written_by_a_retry() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    import(&store, 2);
    let imported = store.certificates().unwrap();
    for (undo, left) in [(true, 0), (false, imported.len())] {
        store.simulate_full_disk_at_flush(true);
        let moved = match undo {
            true => store.undo(Utc::now()),
            false => store.redo(Utc::now()),
        };
        // Applied in memory and shown, as any change the disk refused to flush.
        let moved = moved.expect("refused, not kept").unwrap();
        assert!(!moved.durable);
        assert!(store.needs_retry());
        assert_eq!(store.unsaved().count(), 1);
        assert_eq!(store.certificates().unwrap().len(), left);
        store.simulate_full_disk_at_flush(false);
        store.retry().unwrap();
        assert!(!store.needs_retry());
        assert_eq!(store.certificates().unwrap().len(), left);
        no_run_left(&store);
    }
    let last = store.last_seq().unwrap();
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.certificates().unwrap(), imported, "the redo is on disk");
    assert_eq!(store.last_seq().unwrap(), last);
    store.undo(Utc::now()).unwrap().unwrap();
    assert!(store.certificates().unwrap().is_empty());
}

/// The streamed backup, as the command writes it (without its last line break).
fn streamed(store: &SledStore, now: DateTime<Utc>) -> Vec<u8> {
    let mut out = Vec::new();
    let counts = store.write_backup(now, &mut out).unwrap();
    let dump = store.dump(now).unwrap();
    assert_eq!(
        (counts.municipalities, counts.certificates, counts.history),
        (
            dump.municipalities.len(),
            dump.certificates.len(),
            dump.history.len()
        )
    );
    out
}

#[test]
fn a_streamed_backup_is_the_dumps_json_byte_for_byte_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    import(&store, 20);
    import(&store, 2);
    // An undone import lists its records last first; a redone one in order.
    store.undo(Utc::now()).unwrap().unwrap();
    store.undo(Utc::now()).unwrap().unwrap();
    store.redo(Utc::now()).unwrap().unwrap();
    let now = at("2026-12-05T10:00:00Z");
    let bytes = streamed(&store, now);
    assert_eq!(
        String::from_utf8(bytes.clone()).unwrap(),
        serde_json::to_string(&store.dump(now).unwrap()).unwrap()
    );
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    let dump: crate::store::Dump = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(dump.certificates.len(), 20_000);
    restored.restore(&dump, false).unwrap();
    assert_eq!(streamed(&restored, now), bytes, "restored, it backs up the same");
}

/// A backup of `store` written to `path` as the command writes it.
fn backup_file(store: &SledStore, path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    store.write_backup(at("2026-12-05T10:00:00Z"), &mut file).unwrap();
}

fn checked(path: &Path) -> crate::io::backup::BackupFile {
    crate::io::backup::BackupFile::check(path, Some((schema::BACKUP, schema::OLDEST_BACKUP)), None)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn a_streamed_restore_keeps_an_import_as_a_run_and_backs_up_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let applied = import(&store, 20);
    let file = dir.path().join("backup.json");
    backup_file(&store, &file);
    let mut source = checked(&file);
    assert_eq!(source.checked.certificates, 20_000);
    assert!(source.checked.runs.contains(&applied.seq), "the import is a run");
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    restored.restore_from(&mut source, false).unwrap();
    let header = restored.bulk_header(applied.seq).unwrap();
    assert_eq!(
        header.map(|h| (h.first, h.last, h.count)),
        Some((1, 20_000, 20_000))
    );
    let again = dir.path().join("again.json");
    backup_file(&restored, &again);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&file).unwrap());
    // Kept as a run, the import is undone and redone as one.
    assert!(restored.undo(Utc::now()).unwrap().is_some());
    assert!(restored.certificates().unwrap().is_empty());
    assert!(restored.redo(Utc::now()).unwrap().is_some());
    assert_eq!(restored.certificates().unwrap(), store.certificates().unwrap());
}

#[test]
fn a_backup_changed_between_its_check_and_its_writing_leaves_the_store_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    import(&store, 2);
    let file = dir.path().join("backup.json");
    backup_file(&store, &file);
    let mut source = checked(&file);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Titular 1500", "Titular 9999")).unwrap();
    let other = tempfile::tempdir().unwrap();
    let restored = SledStore::open(other.path()).unwrap();
    assert!(matches!(
        restored.restore_from(&mut source, false),
        Err(RestoreError::Changed(_))
    ));
    assert!(restored.is_empty().unwrap(), "what was written is taken back");
    assert!(restored.engine().unwrap().bulk.is_empty());
    assert!(
        restored
            .meta()
            .unwrap()
            .get(b"restore_pending")
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_restore_that_never_ended_is_taken_back_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        let engine = store.engine().unwrap();
        engine.trees[T_META].insert(b"restore_pending", &[]).unwrap();
        engine.trees[tree_index(Kind::Certificate)]
            .insert(5u64.to_be_bytes(), b"half a restore".to_vec())
            .unwrap();
        engine.trees[T_HISTORY]
            .insert(1u64.to_be_bytes(), b"x".to_vec())
            .unwrap();
        drop(engine);
        store.flush().unwrap();
    }
    let store = SledStore::open(dir.path()).unwrap();
    assert!(store.is_empty().unwrap());
    assert!(store.engine().unwrap().trees[T_HISTORY].is_empty());
}
