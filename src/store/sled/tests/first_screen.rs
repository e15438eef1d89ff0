//! The first screen drawn before the store is checked through (see `deferred`):
//! what waits for the check, and a store the check refuses.

use super::*;
use crate::store::Signal;

fn note(store: &dyn Store, text: &str) -> Result<Applied> {
    note_on(store, tiurana(store), text)
}

fn note_on(store: &dyn Store, before: Municipality, text: &str) -> Result<Applied> {
    let mut after = before.clone();
    after.notes = text.to_string();
    store.apply(
        Change::update(
            ChangeKind::ContactsEdit,
            Record::Municipality(before),
            Record::Municipality(after),
        ),
        at("2026-11-27T09:00:00Z"),
    )
}

/// Overwrites bytes in the middle of the database, keeping its size and time, as
/// a tool that keeps them would: only its checksum tells.
fn damage_keeping_size_and_time(dir: &Path) {
    let db = dir.join("sled/db");
    let mtime = fs::metadata(&db).unwrap().modified().unwrap();
    let mut bytes = fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 64].iter_mut().for_each(|b| *b ^= 0x5A);
    fs::write(&db, &bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(&db)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

#[test]
fn the_first_screen_is_read_before_the_check_and_a_write_meanwhile_waits_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    assert!(dir.path().join("first-screen").is_file());
    let store = SledStore::open_to_show(dir.path()).unwrap();
    assert_eq!(store.municipalities().unwrap().len(), 30);
    // Read from the file: sled was not opened, so the seal is still on.
    assert!(
        dir.path().join("seal").exists(),
        "the store was opened before the first screen"
    );
    note(store.as_ref(), "after the first screen").unwrap();
    assert!(!dir.path().join("seal").exists(), "written before the check");
    assert_eq!(tiurana(store.as_ref()).notes, "after the first screen");
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(tiurana(&store).notes, "after the first screen");
}

#[test]
fn damage_found_after_the_first_screen_is_refused_says_so_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    damage_keeping_size_and_time(dir.path());
    let before = snapshot(dir.path());
    let store = SledStore::open_to_show(dir.path()).expect("the first screen is read");
    assert_eq!(store.municipalities().unwrap().len(), 30);
    let shown = tiurana(store.as_ref());
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(store.watch(Box::new(move |signal| tx.send(signal).is_ok())));
    assert_eq!(
        rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap(),
        Signal::Refused
    );
    // A key that writes meanwhile gets the refusal; nothing is lost without a word.
    match note_on(store.as_ref(), shown, "never written") {
        Err(StoreError::Damaged { detail, .. }) => assert!(detail.contains("sled/db"), "{detail}"),
        other => panic!("{other:?}"),
    }
    match store.opened() {
        Err(StoreError::Damaged { location, .. }) => {
            assert_eq!(location, dir.path().display().to_string())
        }
        other => panic!("{other:?}"),
    }
    drop(store);
    assert_eq!(snapshot(dir.path()), before, "the damaged store was written");
}

#[test]
fn a_write_asked_before_the_check_waits_for_it_and_gets_its_refusal() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    damage_keeping_size_and_time(dir.path());
    let before = snapshot(dir.path());
    let store = SledStore::open_to_show(dir.path()).unwrap();
    // Nothing started the check: the write starts it and waits for it.
    assert!(matches!(
        note(store.as_ref(), "x"),
        Err(StoreError::Damaged { .. })
    ));
    assert!(matches!(store.opened(), Err(StoreError::Damaged { .. })));
    drop(store);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_first_screen_file_not_of_the_seal_or_not_whole_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let file = dir.path().join("first-screen");
    let whole = fs::read(&file).unwrap();
    let mut changed = whole.clone();
    changed[whole.len() / 2] ^= 1;
    // The same files in another order: a whole seal, but not the one the file names.
    let seal = fs::read_to_string(dir.path().join("seal")).unwrap();
    let other_seal: String = seal.lines().rev().map(|l| format!("{l}\n")).collect();
    assert_ne!(other_seal, seal);
    for (bytes, seal) in [
        (&changed, None),
        (&whole[..whole.len() - 1].to_vec(), None),
        (&whole, Some(&other_seal)),
    ] {
        fs::write(&file, bytes).unwrap();
        if let Some(seal) = seal {
            fs::write(dir.path().join("seal"), seal).unwrap();
        }
        let store = SledStore::open_to_show(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        // Opened as before: checked through and sled open, the seal taken off.
        assert!(!dir.path().join("seal").exists());
        assert_eq!(store.municipalities().unwrap().len(), 30);
        drop(store);
    }
}
