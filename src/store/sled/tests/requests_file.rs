//! The requests kept beside the store at a clean close (see `requests_file`):
//! read by the next dashboard before sled is opened, and never when stale or
//! damaged.

use super::*;
use crate::store::NEW_ID;

fn add_requests(store: &dyn Store, holders: &[&str]) {
    let edits = holders
        .iter()
        .map(|h| {
            Edit::create(Record::Certificate(CertificateRequest {
                id: NEW_ID,
                holder: (*h).into(),
                ..certificate()
            }))
        })
        .collect();
    store
        .apply(
            Change::new(ChangeKind::CertNew, edits),
            at("2026-12-04T09:00:00Z"),
        )
        .unwrap();
}

fn holders(list: &[CertificateRequest]) -> Vec<String> {
    list.iter().map(|c| c.holder.to_string()).collect()
}

/// A store of three requests, closed as the dashboard closes: the file is kept.
fn kept(dir: &Path) {
    let store = noguera(dir);
    store.keep_requests();
    add_requests(&store, &["Anna Serra", "Pau Vidal", "Laia Font"]);
    drop(store);
    assert!(dir.join("requests").is_file(), "a clean close keeps them");
}

/// Reads the requests as the dashboard does; true if sled was opened for them.
fn read_to_show(dir: &Path) -> (Vec<String>, bool) {
    let store = SledStore::open_to_show(dir).unwrap();
    let list = holders(&store.certificates().unwrap());
    (list, !dir.join("seal").exists())
}

#[test]
fn the_next_dashboard_reads_the_kept_requests_before_sled_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    kept(dir.path());
    let store = SledStore::open_to_show(dir.path()).unwrap();
    let from_file = store.certificates().unwrap();
    assert!(
        dir.path().join("seal").exists(),
        "sled was opened to read the requests"
    );
    store.opened().unwrap();
    let from_sled = store.certificates().unwrap();
    assert!(!dir.path().join("seal").exists());
    assert_eq!(from_file, from_sled, "not as stored");
    assert_eq!(holders(&from_file), ["Anna Serra", "Pau Vidal", "Laia Font"]);
}

#[test]
fn kept_requests_of_another_seal_or_not_whole_are_not_used() {
    let dir = tempfile::tempdir().unwrap();
    kept(dir.path());
    let file = dir.path().join("requests");
    let older = fs::read(&file).unwrap();
    // A request added: the file kept before it is of the older seal.
    let store = SledStore::open(dir.path()).unwrap();
    store.keep_requests();
    add_requests(&store, &["Jordi Roca"]);
    drop(store);
    assert_ne!(fs::read(&file).unwrap(), older, "kept again at the close");
    fs::write(&file, &older).unwrap();
    let all: Vec<String> = ["Anna Serra", "Pau Vidal", "Laia Font", "Jordi Roca"]
        .map(String::from)
        .into();
    assert_eq!(read_to_show(dir.path()), (all.clone(), true), "of the older seal");
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 6] = [
        ("a byte changed", |b| {
            let middle = b.len() / 2;
            b[middle] ^= 1
        }),
        ("its count changed", |b| {
            let at = b.len() - 20;
            b[at] ^= 1
        }),
        ("the values' checksum changed", |b| {
            let at = b.len() - 12;
            b[at] ^= 1
        }),
        ("naming another seal", |b| {
            let at = b.len() - 8;
            b[at] ^= 1
        }),
        ("cut short", |b| {
            b.pop();
        }),
        ("a byte more", |b| b.insert(b.len() - 20, 0)),
    ];
    for (what, damage) in damages {
        // Kept by the last close, for the seal the store has now.
        let mut bytes = fs::read(&file).unwrap_or_else(|e| panic!("{what}: {e}"));
        damage(&mut bytes);
        fs::write(&file, &bytes).unwrap();
        assert_eq!(read_to_show(dir.path()), (all.clone(), true), "{what}");
    }
    assert_eq!(read_to_show(dir.path()), (all, false), "not kept again");
}

#[test]
fn a_close_that_wrote_nothing_keeps_the_file_for_its_new_seal_without_reading_sled() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    kept(dir.path());
    let file = dir.path().join("requests");
    let (inode, seal) = (
        fs::metadata(&file).unwrap().ino(),
        fs::read(dir.path().join("seal")).unwrap(),
    );
    // A command that only reads: a new seal, the same file bound to it.
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.certificates().unwrap().len(), 3);
    drop(store);
    assert_ne!(fs::read(dir.path().join("seal")).unwrap(), seal);
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode, "written anew");
    let (list, sled_opened) = read_to_show(dir.path());
    assert_eq!(list, ["Anna Serra", "Pau Vidal", "Laia Font"]);
    assert!(!sled_opened, "not bound to the new seal");
    // A command that writes: its close does not read every request again; the
    // file goes, and the next dashboard reads sled, then keeps it anew.
    let store = SledStore::open(dir.path()).unwrap();
    add_requests(&store, &["Jordi Roca"]);
    drop(store);
    assert!(!file.exists(), "a command's close kept the requests");
    let (list, sled_opened) = read_to_show(dir.path());
    assert_eq!(list.len(), 4);
    assert!(sled_opened);
    assert!(file.is_file(), "the dashboard's close keeps them");
    let (list, sled_opened) = read_to_show(dir.path());
    assert_eq!(list.len(), 4);
    assert!(!sled_opened);
}
