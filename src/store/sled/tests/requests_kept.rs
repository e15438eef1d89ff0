//! Which closes keep the requests file (see `requests_file`): a large import's
//! writes it anew, a change that wrote no request binds it to the new seal, and
//! any other write leaves none that could be used.

use super::*;
use crate::domain::activity::{Activity, ActivityKind};
use crate::store::NEW_ID;
use std::os::unix::fs::MetadataExt;

fn request(holder: &str) -> Edit {
    Edit::create(Record::Certificate(CertificateRequest {
        id: NEW_ID,
        holder: holder.into(),
        ..certificate()
    }))
}

/// Imports `n` new requests, in batches of 1,000 as the command appends them.
fn import_requests(store: &SledStore, n: usize) {
    let mut import = store.begin_import(ChangeKind::ImportCertificates).unwrap();
    for from in (0..n).step_by(1000) {
        let batch = (from..n.min(from + 1000)).map(|i| request(&format!("Titular {i}")));
        import.append(batch.collect()).unwrap();
    }
    import.commit(at("2026-12-04T09:00:00Z")).unwrap();
}

/// The holders the dashboard reads, and whether sled was opened for them.
fn read_to_show(dir: &Path) -> (Vec<String>, bool) {
    let store = SledStore::open_to_show(dir).unwrap();
    let list = store.certificates().unwrap();
    let holders = list.iter().map(|c| c.holder.to_string()).collect();
    (holders, !dir.join("seal").exists())
}

/// A store of three requests whose dashboard closed: the file is kept.
fn three_kept(dir: &Path) -> Vec<String> {
    let store = noguera(dir);
    store.keep_requests();
    let edits = ["Anna Serra", "Pau Vidal", "Laia Font"].map(request).into();
    store
        .apply(
            Change::new(ChangeKind::CertNew, edits),
            at("2026-12-04T09:00:00Z"),
        )
        .unwrap();
    drop(store);
    let (list, sled_opened) = read_to_show(dir);
    assert!(!sled_opened, "not kept by the dashboard's close");
    list
}

fn rollout_toggled(store: &dyn Store) -> Edit {
    let before = store.rollouts().unwrap().into_iter().next().unwrap();
    let mut after = before.clone();
    after.toggle_step(0, at("2026-12-04T10:00:00Z"), "anna");
    Edit::update(Record::Rollout(before), Record::Rollout(after))
}

fn contact_added(store: &dyn Store) -> Edit {
    let before = tiurana(store);
    let mut after = before.clone();
    after.contacts.push(Contact {
        role: ContactRole::Secretary,
        name: "Jordi Solé".into(),
        phone: "973 000 000".into(),
        email: "secretaria@tiurana.cat".into(),
    });
    Edit::update(Record::Municipality(before), Record::Municipality(after))
}

fn activity(summary: &str) -> Edit {
    let call = Activity::new(
        Some(IneCode(252228)),
        ActivityKind::Call,
        summary,
        at("2026-12-04T09:00:00Z"),
    );
    Edit::create(Record::Activity(call))
}

#[test]
fn an_import_of_ten_thousand_requests_or_more_keeps_the_file_and_a_smaller_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    let file = dir.path().join("requests");
    let store = SledStore::open(dir.path()).unwrap();
    import_requests(&store, 9_999);
    drop(store);
    assert!(
        !file.exists(),
        "9,999 requests imported: the close reads them all again"
    );
    let store = SledStore::open(dir.path()).unwrap();
    import_requests(&store, 10_000);
    drop(store);
    let (list, sled_opened) = read_to_show(dir.path());
    assert!(
        !sled_opened,
        "10,000 requests imported: the close did not keep them"
    );
    assert_eq!(list.len(), 19_999);
    assert_eq!(list[0], "Titular 0");
    assert_eq!(list[9_999], "Titular 0", "the second import's first");
    assert_eq!(list[19_998], "Titular 9999");
}

#[test]
fn a_change_that_writes_no_request_binds_the_file_to_the_new_seal() {
    let dir = tempfile::tempdir().unwrap();
    let three = three_kept(dir.path());
    let file = dir.path().join("requests");
    let inode = fs::metadata(&file).unwrap().ino();
    type Write = fn(&SledStore);
    let writes: [(&str, Write); 5] = [
        ("a rollout step", |s| {
            let edits = vec![rollout_toggled(s)];
            s.apply(
                Change::new(ChangeKind::RolloutStep, edits),
                at("2026-12-04T10:00:00Z"),
            )
            .unwrap();
        }),
        ("its undo", |s| {
            s.undo(at("2026-12-04T10:01:00Z")).unwrap().unwrap();
        }),
        ("contacts imported", |s| {
            let mut import = s.begin_import(ChangeKind::ImportContacts).unwrap();
            import.append(vec![contact_added(s)]).unwrap();
            import.commit(at("2026-12-04T10:02:00Z")).unwrap();
        }),
        ("activities imported, a run of their own", |s| {
            let mut import = s.begin_import(ChangeKind::ImportActivities).unwrap();
            import
                .append(vec![activity("Trucada"), activity("Correu")])
                .unwrap();
            import.commit(at("2026-12-04T10:03:00Z")).unwrap();
        }),
        ("the run taken back by its undo", |s| {
            s.undo(at("2026-12-04T10:04:00Z")).unwrap().unwrap();
        }),
    ];
    for (what, write) in writes {
        let seal = fs::read(dir.path().join("seal")).unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        write(&store);
        drop(store);
        assert_ne!(
            fs::read(dir.path().join("seal")).unwrap(),
            seal,
            "{what}: not written"
        );
        let kept = fs::metadata(&file).map(|m| m.ino());
        assert_eq!(
            kept.ok(),
            Some(inode),
            "{what}: the file was dropped or written anew"
        );
        assert_eq!(read_to_show(dir.path()), (three.clone(), false), "{what}");
    }
}

#[test]
fn a_change_that_writes_requests_leaves_no_file_to_be_used() {
    let dir = tempfile::tempdir().unwrap();
    three_kept(dir.path());
    let file = dir.path().join("requests");
    type Write = fn(&SledStore);
    let writes: [(&str, Write); 6] = [
        ("a request added", |s| {
            let edits = vec![request("Jordi Roca")];
            s.apply(
                Change::new(ChangeKind::CertNew, edits),
                at("2026-12-04T10:00:00Z"),
            )
            .unwrap();
        }),
        ("its undo", |s| {
            s.undo(at("2026-12-04T10:01:00Z")).unwrap().unwrap();
        }),
        ("a request with a rollout step", |s| {
            let edits = vec![rollout_toggled(s), request("Marta Mas")];
            s.apply(
                Change::new(ChangeKind::CertNew, edits),
                at("2026-12-04T10:02:00Z"),
            )
            .unwrap();
        }),
        ("a small import", |s| import_requests(s, 5)),
        ("its undo, a run taken back", |s| {
            s.undo(at("2026-12-04T10:04:00Z")).unwrap().unwrap();
        }),
        ("an import dropped before its commit", |s| {
            let mut import = s.begin_import(ChangeKind::ImportCertificates).unwrap();
            import.append(vec![request("Pere Puig")]).unwrap();
        }),
    ];
    for (what, write) in writes {
        // The file of the last close, bound to the seal the store opens with.
        let store = SledStore::open(dir.path()).unwrap();
        store.keep_requests();
        drop(store);
        let older = fs::read(&file).unwrap_or_else(|e| panic!("{what}: {e}"));
        let store = SledStore::open(dir.path()).unwrap();
        write(&store);
        let now: Vec<String> = store
            .certificates()
            .unwrap()
            .iter()
            .map(|c| c.holder.to_string())
            .collect();
        drop(store);
        assert!(!file.exists(), "{what}: the file was kept");
        // What a crash before the file went would leave: refused.
        fs::write(&file, &older).unwrap();
        assert_eq!(
            read_to_show(dir.path()),
            (now, true),
            "{what}: a stale file was used"
        );
    }
}

#[test]
fn after_a_crash_the_file_of_the_last_clean_close_is_never_bound_again() {
    let dir = tempfile::tempdir().unwrap();
    three_kept(dir.path());
    let file = dir.path().join("requests");
    let older = fs::read(&file).unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let edits = vec![request("Jordi Roca")];
    store
        .apply(
            Change::new(ChangeKind::CertNew, edits),
            at("2026-12-04T10:00:00Z"),
        )
        .unwrap();
    drop(store);
    // A crash after that request was committed leaves no seal, and the file
    // bound to the seal before it.
    fs::remove_file(dir.path().join("seal")).unwrap();
    fs::write(&file, &older).unwrap();
    // A command that writes no request, on the store as the crash left it.
    let store = SledStore::open(dir.path()).unwrap();
    let edits = vec![rollout_toggled(&store)];
    store
        .apply(
            Change::new(ChangeKind::RolloutStep, edits),
            at("2026-12-04T10:01:00Z"),
        )
        .unwrap();
    drop(store);
    let four: Vec<String> = ["Anna Serra", "Pau Vidal", "Laia Font", "Jordi Roca"]
        .map(String::from)
        .into();
    assert!(!file.exists(), "a file of before the crash was kept");
    assert_eq!(read_to_show(dir.path()), (four, true));
}
