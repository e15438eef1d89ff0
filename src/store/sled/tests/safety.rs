//! The store against a deleted lock file, a seal that cannot be read, and a disk
//! that fills up.

use super::*;

fn contacts_note(store: &SledStore, note: &str, at: &str) -> Result<Applied> {
    let before = tiurana(store);
    let mut after = before.clone();
    after.notes = note.to_string();
    store.apply(
        Change::update(
            ChangeKind::ContactsEdit,
            Record::Municipality(before),
            Record::Municipality(after),
        ),
        super::at(at),
    )
}

#[test]
fn deleting_the_lock_file_never_lets_a_second_open_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    contacts_note(&store, "abans", "2026-11-26T10:00:00Z").unwrap();
    fs::remove_file(dir.path().join("ocsae.lock")).unwrap();
    // In use, not damaged; and nothing of the open store is touched.
    let second = SledStore::open(dir.path());
    assert!(matches!(second, Err(StoreError::InUse(_))), "{:?}", second.err());
    contacts_note(&store, "després", "2026-11-26T10:05:00Z").unwrap();
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(tiurana(&store).notes, "després");
    let actions: Vec<_> = store
        .changes_since(0)
        .unwrap()
        .into_iter()
        .map(|e| e.at)
        .collect();
    assert_eq!(
        actions[1..],
        [at("2026-11-26T10:00:00Z"), at("2026-11-26T10:05:00Z")]
    );
}

#[test]
fn a_store_whose_database_another_program_holds_is_in_use_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    // No seal, as after a crash: the open would otherwise copy the files aside.
    fs::remove_file(dir.path().join("seal")).unwrap();
    // An older ocsae, which takes only the lock file, with that file deleted.
    let held = sled::Config::new().path(dir.path().join("sled")).open().unwrap();
    let before = snapshot(dir.path());
    let err = SledStore::open(dir.path())
        .err()
        .expect("opened a database held elsewhere");
    assert!(matches!(err, StoreError::InUse(_)), "{err:?}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "nothing copied, put back or removed"
    );
    drop(held);
}

#[test]
fn a_seal_that_cannot_be_read_is_no_seal_and_a_damaged_store_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let seal = fs::read_to_string(dir.path().join("seal")).unwrap();
    let without_db: String = seal
        .lines()
        .filter(|l| !l.ends_with(" db"))
        .map(|l| format!("{l}\n"))
        .collect();
    let db = dir.path().join("sled/db");
    let len = fs::metadata(&db).unwrap().len() as usize;
    // sled reads a zeroed log as an empty store, and says nothing.
    fs::write(&db, vec![0u8; len]).unwrap();
    for text in ["", "\n", without_db.as_str(), "12 34\n"] {
        fs::write(dir.path().join("seal"), text).unwrap();
        let before = snapshot(dir.path());
        let err = SledStore::open(dir.path()).err().expect("a zeroed store opened");
        assert!(matches!(err, StoreError::Damaged { .. }), "{text:?}: {err:?}");
        assert_eq!(snapshot(dir.path()), before, "{text:?}: the store was rewritten");
    }
}

#[test]
fn a_seal_that_cannot_be_read_on_a_sound_store_is_replaced_at_close() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    fs::write(dir.path().join("seal"), "").unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.municipalities().unwrap().len(), 30);
    assert!(!dir.path().join("sled.before-recovery").exists());
    drop(store);
    let seal = fs::read_to_string(dir.path().join("seal")).unwrap();
    assert!(seal.lines().any(|l| l.ends_with(" db")), "{seal}");
}

#[test]
fn a_failed_flush_breaks_the_store_until_it_recovers_and_nothing_applied_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    store.simulate_full_disk_at_flush(true);
    let applied = contacts_note(&store, "u", "2026-11-26T10:00:00Z").unwrap();
    assert!(!applied.durable, "applied in memory, not on disk");
    assert_eq!(store.unsaved().count(), 1);
    assert_eq!(
        store
            .unsaved()
            .changes
            .iter()
            .map(|(kind, _)| kind.clone())
            .collect::<Vec<_>>(),
        [ChangeKind::ContactsEdit]
    );
    let cause = store.unsaved().cause.expect("why it is not on disk");
    assert!(cause.disk_full(), "{cause:?}");
    // The disk has room again, but sled stays broken until it is reopened.
    store.simulate_full_disk_at_flush(false);
    let refused = contacts_note(&store, "dos", "2026-11-26T10:01:00Z").unwrap_err();
    assert!(refused.disk_full(), "{refused:?}");
    assert_eq!(tiurana(&store).notes, "u", "the refused change was not applied");
    store.retry().unwrap();
    assert_eq!(store.unsaved().count(), 0);
    assert!(store.unsaved().cause.is_none());
    assert!(!store.needs_retry());
    contacts_note(&store, "dos", "2026-11-26T10:02:00Z").unwrap();
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(tiurana(&store).notes, "dos");
    let history: Vec<_> = store
        .changes_since(0)
        .unwrap()
        .into_iter()
        .map(|e| (e.seq, e.at))
        .collect();
    assert_eq!(
        history[1..],
        [(2, at("2026-11-26T10:00:00Z")), (3, at("2026-11-26T10:02:00Z"))]
    );
}

#[test]
fn while_the_disk_is_full_the_store_is_not_reopened_and_keeps_what_waits() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    store.simulate_full_disk_at_flush(true);
    assert!(
        !contacts_note(&store, "u", "2026-11-26T10:00:00Z")
            .unwrap()
            .durable
    );
    let err = store.retry().unwrap_err();
    assert!(err.disk_full(), "{err:?}");
    assert_eq!(store.unsaved().count(), 1);
    assert_eq!(tiurana(&store).notes, "u", "still readable, as applied");
    store.simulate_full_disk_at_flush(false);
    store.retry().unwrap();
    assert_eq!(store.unsaved().count(), 0);
}

#[test]
fn a_closed_store_is_sealed_in_the_space_its_seal_already_had() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let store = SledStore::open(dir.path()).unwrap();
    // While open, the seal is off (its file kept aside, never trusted).
    assert!(!dir.path().join("seal").exists());
    assert!(dir.path().join("seal.open").exists());
    contacts_note(&store, "u", "2026-11-26T10:00:00Z").unwrap();
    drop(store);
    assert!(dir.path().join("seal").exists());
    assert!(!dir.path().join("seal.open").exists());
    assert!(!dir.path().join("seal.tmp").exists());
}

/// Runs `open` on another thread; None if it has not returned within ten seconds.
pub(super) fn open_within(dir: &Path) -> Option<Result<SledStore>> {
    let (done, result) = std::sync::mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = done.send(SledStore::open(&dir));
    });
    result.recv_timeout(std::time::Duration::from_secs(10)).ok()
}

pub(super) fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a plain system call on a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_seal_naming_files_outside_the_database_or_not_a_file_is_no_seal_and_never_waits() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let sealed = fs::read_to_string(dir.path().join("seal")).unwrap();
    mkfifo(&dir.path().join("fifo"));
    for entry in ["/dev/zero", "../fifo", "blobs/../../fifo", "./db", ""] {
        fs::write(dir.path().join("seal"), format!("{sealed}0 0 00000000 {entry}\n")).unwrap();
        let store = open_within(dir.path())
            .unwrap_or_else(|| panic!("{entry:?}: the open did not return"))
            .unwrap_or_else(|e| panic!("{entry:?}: {e:?}"));
        assert_eq!(store.municipalities().unwrap().len(), 30, "{entry:?}");
        drop(store);
    }
    // The seal itself a FIFO, or a link to one: no seal.
    fs::remove_file(dir.path().join("seal")).unwrap();
    mkfifo(&dir.path().join("seal"));
    let store = open_within(dir.path()).expect("waited on a FIFO");
    assert_eq!(store.unwrap().municipalities().unwrap().len(), 30);
    fs::remove_file(dir.path().join("seal")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("fifo"), dir.path().join("seal")).unwrap();
    let store = open_within(dir.path()).expect("followed a link to a FIFO");
    assert_eq!(store.unwrap().municipalities().unwrap().len(), 30);
}

#[test]
fn a_fifo_in_the_database_directory_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let sled_dir = dir.path().join("sled");
    let sealed = fs::read_to_string(dir.path().join("seal")).unwrap();
    // Listed in the seal, or not: never opened, and the store is refused.
    mkfifo(&sled_dir.join("fifo"));
    for seal in [format!("{sealed}0 0 00000000 fifo\n"), String::new()] {
        fs::write(dir.path().join("seal"), &seal).unwrap();
        let err = open_within(dir.path())
            .expect("waited on a FIFO")
            .err()
            .expect("opened with a FIFO among its files");
        assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    }
    fs::remove_file(sled_dir.join("fifo")).unwrap();
    // A link where a directory of the database was: refused, never followed.
    let blobs = sled_dir.join("blobs");
    fs::remove_dir_all(&blobs).unwrap();
    std::os::unix::fs::symlink("/dev", &blobs).unwrap();
    fs::write(
        dir.path().join("seal"),
        format!("{sealed}0 0 00000000 blobs/zero\n"),
    )
    .unwrap();
    let err = open_within(dir.path())
        .expect("waited")
        .err()
        .expect("followed a link");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
}

#[test]
fn every_open_makes_our_store_directory_private_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    drop(noguera(&db));
    // Made readable by all since (a restore into a directory made with umask 022,
    // a careless chmod): anyone could then lock it and keep its owner out.
    fs::set_permissions(&db, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(db.join("ocsae.lock"), fs::Permissions::from_mode(0o644)).unwrap();
    let store = SledStore::open(&db).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o700);
    assert_eq!(mode(&db.join("ocsae.lock")), 0o600);
    drop(store);
}

#[test]
fn another_users_store_that_others_can_read_is_named_in_a_warning() {
    // SAFETY: geteuid only reads the process's user id.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: giving a directory to another user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    drop(noguera(&db));
    fs::set_permissions(&db, fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(&db, Some(65534), None).unwrap();
    let store = SledStore::open(&db).unwrap();
    drop(store);
    let warning = crate::store::StoreWarning::OpenToOthers {
        path: db.display().to_string(),
        owner: 65534,
    };
    assert!(take_warnings().contains(&warning));
    assert_eq!(
        fs::metadata(&db).unwrap().permissions().mode() & 0o777,
        0o755,
        "not ours to change"
    );
}

#[test]
fn a_read_copy_is_named_with_the_process_and_the_store_is_held_from_the_failed_open_on() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let asked = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen = asked.clone();
    read_copy::AT_FULL_DISK.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move |dir: &Path| {
            // A process starting between the open that failed and the copy.
            assert!(matches!(SledStore::open(dir), Err(StoreError::InUse(_))));
            seen.set(true);
        }))
    });
    let store = SledStore::open_to_read(dir.path());
    read_copy::AT_FULL_DISK.with(|hook| *hook.borrow_mut() = None);
    let store = store.unwrap();
    assert!(asked.get(), "the copy was not needed");
    let copy = store.dir().to_path_buf();
    let name = copy.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("ocsae-read-{}-", std::process::id())),
        "{name}"
    );
    assert!(matches!(SledStore::open(dir.path()), Err(StoreError::InUse(_))));
    assert_eq!(store.municipalities().unwrap().len(), 30);
    drop(store);
    assert!(!copy.exists());
    drop(SledStore::open(dir.path()).unwrap());
}

#[test]
fn a_retry_needs_the_room_the_waiting_changes_need_not_a_fixed_megabyte_and_says_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    store.simulate_full_disk_at_flush(true);
    assert!(
        !contacts_note(&store, "u", "2026-11-26T10:00:00Z")
            .unwrap()
            .durable
    );
    store.simulate_full_disk_at_flush(false);
    // Too little room: refused before sled is touched, naming what is needed.
    pending::FREE_SPACE.with(|f| f.set(Some(10 * 1024)));
    let err = store.retry().unwrap_err();
    let StoreError::NoRoom { needed, free, .. } = err.clone() else {
        panic!("{err:?}");
    };
    assert_eq!(free, 10 * 1024);
    assert!((64 * 1024..200 * 1024).contains(&needed), "{needed}");
    assert!(err.disk_full());
    let t = crate::i18n::I18n::new(crate::i18n::Lang::Ca);
    let said = err.localize(&t);
    assert!(
        said.contains(&format!(
            "calen {} KB lliures i n'hi ha 10",
            needed.div_ceil(1024)
        )),
        "{said}"
    );
    assert_eq!(store.unsaved().count(), 1);
    // The 2 MB disk of the issue, under 1 MB free once the store has grown: written.
    pending::FREE_SPACE.with(|f| f.set(Some(968 * 1024)));
    store.retry().unwrap();
    assert_eq!(store.unsaved().count(), 0);
    // A retry that failed for want of room with that much free asks for more next time.
    store.note_room_failure(Some(968 * 1024), &err);
    assert_eq!(store.room_needed(), (968 + 64) * 1024);
    pending::FREE_SPACE.with(|f| f.set(None));
}

#[test]
fn the_recovery_copy_links_the_files_sled_never_rewrites_and_refuses_special_ones() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("sled");
    fs::create_dir_all(from.join("blobs")).unwrap();
    fs::write(from.join("db"), b"log").unwrap();
    fs::write(from.join("conf"), b"conf").unwrap();
    fs::write(from.join("blobs/379"), vec![7u8; 64 * 1024]).unwrap();
    let to = dir.path().join("copy");
    recovery::copy_tree(&from, &to).unwrap();
    let inode = |p: &Path| fs::metadata(p).unwrap().ino();
    // A blob copied whole would need its size again on a nearly full disk.
    assert_eq!(inode(&to.join("blobs/379")), inode(&from.join("blobs/379")));
    assert_eq!(inode(&to.join("conf")), inode(&from.join("conf")));
    // sled rewrites `db` in place: only a real copy keeps it as it was.
    assert_ne!(inode(&to.join("db")), inode(&from.join("db")));
    assert_eq!(fs::read(to.join("db")).unwrap(), b"log");
    // A FIFO among the files: refused, never opened (which would wait).
    mkfifo(&from.join("blobs/fifo"));
    let again = dir.path().join("again");
    let err = recovery::copy_tree(&from, &again).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
}
