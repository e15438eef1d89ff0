mod activities;
mod bulk;
mod first_screen;
mod history;
mod requests_file;
mod requests_kept;
mod safety;
mod store_files;

use super::*;
use crate::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use crate::domain::municipality::Municipality;
use crate::domain::municipality::{Contact, ContactRole, IneCode};
use crate::domain::rollout::RolloutStatus;
use crate::store::{Applied, Change, ChangeKind, Edit, EntryKind, Record, RecordId, Store, seed};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn noguera(dir: &Path) -> SledStore {
    let store = SledStore::open(dir).unwrap();
    seed::seed(
        &store,
        &seed::Scope::Comarca("Noguera".into()),
        at("2026-11-26T09:00:00Z"),
    )
    .unwrap();
    store
}

fn tiurana(store: &dyn Store) -> Municipality {
    store
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Tiurana")
        .unwrap()
}

fn certificate() -> CertificateRequest {
    CertificateRequest {
        id: 7,
        ine: IneCode(252228),
        holder: "Maria Puig".into(),
        role: HolderRole::Mayor,
        cert_type: "tcat".into(),
        operation: Operation::New,
        urgent: true,
        extra: crate::domain::certificate::Extra {
            notes: "DNI a revisar".into(),
            ..Default::default()
        }
        .into(),
        status: CertStatus::Filed,
        received_at: at("2026-12-04T09:00:00Z"),
        filed_at: Some(at("2026-12-04T10:30:00Z")),
        issued_at: None,
        delivered_at: None,
        appointment_attached: false,
        delivery_sheet_signed: false,
    }
}

/// Every file under `dir` with its bytes, to prove nothing was written.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(snapshot(&path));
        } else {
            out.insert(path.clone(), fs::read(&path).unwrap());
        }
    }
    out
}

#[test]
fn seeding_stores_the_comarca_and_every_pending_rollout() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    assert_eq!(store.municipalities().unwrap().len(), 30);
    let rollouts = store.rollouts().unwrap();
    assert_eq!(rollouts.len(), 30 * 12);
    assert!(rollouts.iter().all(|r| r.status == RolloutStatus::Pending));
    assert!(matches!(
        seed::seed(&store, &seed::Scope::All, Utc::now()),
        Err(StoreError::NotEmpty(_))
    ));
}

#[test]
fn each_record_kind_round_trips_through_a_reopened_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let mut m = tiurana(&store);
    let before = m.clone();
    m.contacts.push(Contact {
        role: ContactRole::Secretary,
        name: "Jordi Solé".into(),
        phone: "973 000 000".into(),
        email: "secretaria@tiurana.cat".into(),
    });
    m.notes = "Truca els dimarts".into();
    m.subscriber_form_sent_on = Some("2025-03-01".parse().unwrap());
    let mut r = store
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == m.ine && r.service == "e-notum")
        .unwrap();
    let r_before = r.clone();
    r.toggle_step(0, at("2026-11-26T10:00:00Z"), "anna");
    r.notes = "Falta formació".into();
    let c = certificate();
    store
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![
                    Edit::update(Record::Municipality(before), Record::Municipality(m.clone())),
                    Edit::update(Record::Rollout(r_before), Record::Rollout(r.clone())),
                    Edit::create(Record::Certificate(c.clone())),
                ],
            ),
            at("2026-11-26T10:00:00Z"),
        )
        .unwrap();
    drop(store);

    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(tiurana(&store), m);
    assert!(store.rollouts().unwrap().contains(&r));
    assert_eq!(store.certificates().unwrap(), vec![c]);
}

#[test]
fn the_records_of_a_kind_come_through_one_method_in_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let mut second = certificate();
    second.id = 3;
    store
        .apply(
            Change::new(
                ChangeKind::ImportCertificates,
                vec![
                    Edit::create(Record::Certificate(certificate())),
                    Edit::create(Record::Certificate(second.clone())),
                ],
            ),
            at("2026-11-26T10:00:00Z"),
        )
        .unwrap();
    // A bound on the count comes first, so that a reader reserves once.
    let (low, high) = store.records(Kind::Certificate).unwrap().size_hint();
    assert!(low <= 2 && high.is_some_and(|h| h >= 2), "{low} {high:?}");
    assert_eq!(
        store.records(Kind::Municipality).unwrap().size_hint(),
        (30, Some(30))
    );
    let of = |kind| -> Vec<Record> { store.records(kind).unwrap().map(Result::unwrap).collect() };
    for kind in Kind::ALL {
        assert!(of(kind).iter().all(|r| r.kind() == kind), "{kind:?}");
    }
    let ines: Vec<IneCode> = store.municipalities().unwrap().iter().map(|m| m.ine).collect();
    assert_eq!(ines.len(), 30);
    assert!(ines.is_sorted(), "councils by INE code, as keyed");
    assert_eq!(of(Kind::Rollout).len(), store.rollouts().unwrap().len());
    assert_eq!(
        of(Kind::Certificate),
        [Record::Certificate(second), Record::Certificate(certificate())],
        "requests by id"
    );
}

#[test]
fn a_stale_before_is_a_conflict_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    let current = tiurana(&store);
    let mut stale = current.clone();
    stale.notes = "not what is stored".into();
    let mut after = current.clone();
    after.notes = "new".into();
    let history_len = store.changes_since(0).unwrap().len();
    let err = store
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(stale),
                Record::Municipality(after),
            ),
            Utc::now(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    assert_eq!(tiurana(&store), current);
    assert_eq!(store.changes_since(0).unwrap().len(), history_len);
}

#[test]
fn a_store_of_a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    schema::force_version(&store, schema::CURRENT + 1).unwrap();
    drop(store);
    let before = snapshot(dir.path());
    let err = match SledStore::open(dir.path()) {
        Err(e) => e,
        Ok(_) => panic!("a newer store was opened"),
    };
    assert!(matches!(err, StoreError::NewerSchema { found, .. } if found == schema::CURRENT + 1));
    let message = err.localize(&crate::i18n::I18n::new(crate::i18n::Lang::En));
    assert!(message.contains(&dir.path().display().to_string()), "{message}");
    assert!(message.contains("nothing was written"), "{message}");
    assert_eq!(snapshot(dir.path()), before, "the refused store changed");
}

#[test]
fn a_new_store_is_private_to_its_user() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("store");
    let store = noguera(&dir);
    store.flush().unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let files = snapshot(&dir);
    assert!(files.len() >= 3, "{files:?}");
    for path in files.keys() {
        assert_eq!(mode(path), 0o600, "{}", path.display());
    }
    // A directory made beforehand, readable by all, becomes private when seeded.
    let made = parent.path().join("made");
    fs::create_dir(&made).unwrap();
    fs::set_permissions(&made, fs::Permissions::from_mode(0o755)).unwrap();
    drop(noguera(&made));
    assert_eq!(mode(&made), 0o700);
}

#[test]
fn a_second_open_is_refused_with_the_store_named() {
    let dir = tempfile::tempdir().unwrap();
    let _first = noguera(dir.path());
    let err = match SledStore::open(dir.path()) {
        Err(e) => e,
        Ok(_) => panic!("opened twice"),
    };
    assert!(matches!(err, StoreError::InUse(_)));
    let message = err.localize(&crate::i18n::I18n::new(crate::i18n::Lang::Ca));
    assert_eq!(
        message,
        format!(
            "el magatzem {} està en ús per un altre procés d'ocsae",
            dir.path().display()
        )
    );
    assert!(!message.contains('\n'));
}

fn add_migration_note(store: &SledStore) -> Result<()> {
    for m in store.municipalities()? {
        let mut after = m.clone();
        after.notes = "migrated".into();
        store
            .tree(Kind::Municipality)?
            .insert(keys::key(&RecordId::Municipality(m.ine)), codec::encode(&after)?)?;
    }
    Ok(())
}

#[test]
fn migrations_run_in_order_after_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    schema::force_version(&store, 0).unwrap();
    drop(store);

    // A step of our own from 0, then one step per schema of this build. The store
    // holds this build's shapes already, which its rewriting steps (2 to 3) would
    // misread: they stand in as steps that change nothing. The real steps run on
    // the 0.1 store in tests/old_store.rs.
    fn unchanged(_: &SledStore) -> Result<()> {
        Ok(())
    }
    let mut migrations = vec![schema::Migration {
        from: 0,
        apply: add_migration_note,
    }];
    migrations.extend(schema::MIGRATIONS.iter().map(|m| schema::Migration {
        from: m.from,
        apply: unchanged,
    }));
    let store = SledStore::open_with(
        dir.path(),
        OpenOptions {
            user: None,
            migrations: &migrations,
            keeps_requests: false,
        },
    )
    .unwrap();
    assert_eq!(schema::version(&store).unwrap(), Some(schema::CURRENT));
    assert_eq!(
        schema::read_version_file(dir.path()).unwrap(),
        Some(schema::CURRENT)
    );
    assert!(
        store
            .municipalities()
            .unwrap()
            .iter()
            .all(|m| m.notes == "migrated")
    );
    let backups: Vec<_> = fs::read_dir(dir.path().join("backups")).unwrap().collect();
    assert_eq!(backups.len(), 1);
    let dump = fs::read(backups[0].as_ref().unwrap().path()).unwrap();
    let trees: schema::RawDump = codec::decode(&dump).unwrap();
    let municipalities = trees.iter().find(|(name, _)| name == b"municipalities").unwrap();
    assert_eq!(
        municipalities.1.len(),
        30,
        "the backup holds the records as they were"
    );
    let old: Municipality = codec::decode(&municipalities.1[0].1).unwrap();
    assert_eq!(old.notes, "", "the backup was taken before the migration");
}

#[test]
fn a_missing_migration_is_an_error_not_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let store = noguera(dir.path());
    schema::force_version(&store, 0).unwrap();
    drop(store);
    assert!(matches!(
        SledStore::open(dir.path()),
        Err(StoreError::Damaged { .. })
    ));
}

#[test]
fn a_clean_close_seals_the_files_and_damage_is_refused_before_sled_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    assert!(dir.path().join("seal").exists());
    // A copy with new modification times but the same bytes opens fine.
    let copy = tempfile::tempdir().unwrap();
    for (path, bytes) in snapshot(dir.path()) {
        let target = copy.path().join(path.strip_prefix(dir.path()).unwrap());
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
    drop(SledStore::open(copy.path()).unwrap());

    let db = dir.path().join("sled/db");
    let mut bytes = fs::read(&db).unwrap();
    let last = bytes.len() - 1;
    bytes[last / 2] ^= 0xFF;
    fs::write(&db, &bytes).unwrap();
    let err = SledStore::open(dir.path()).err().expect("a damaged store opened");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert_eq!(
        fs::read(&db).unwrap(),
        bytes,
        "the damaged file was left as it was"
    );
}

#[test]
fn after_a_crash_there_is_no_seal_and_the_store_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    fs::remove_file(dir.path().join("seal")).unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.municipalities().unwrap().len(), 30);
}

#[test]
fn after_a_crash_a_damaged_store_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    drop(noguera(dir.path()));
    // No seal: what a crash leaves.
    fs::remove_file(dir.path().join("seal")).unwrap();
    let db = dir.path().join("sled/db");
    let mut bytes = fs::read(&db).unwrap();
    for b in &mut bytes[2000..2200] {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    fs::write(&db, &bytes).unwrap();
    let before = snapshot(&dir.path().join("sled"));
    // sled alone would open this, having dropped every change after the damage.
    let err = SledStore::open(dir.path())
        .err()
        .expect("a damaged store is refused");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert_eq!(
        snapshot(&dir.path().join("sled")),
        before,
        "sled's repair was undone"
    );
    assert!(!dir.path().join("sled.before-recovery").exists());

    // An undamaged store after a crash opens, and the copy is gone.
    let fine = tempfile::tempdir().unwrap();
    drop(noguera(fine.path()));
    fs::remove_file(fine.path().join("seal")).unwrap();
    let store = SledStore::open(fine.path()).unwrap();
    assert_eq!(store.municipalities().unwrap().len(), 30);
    assert!(!fine.path().join("sled.before-recovery").exists());
}

/// A copy of the store ocsae 0.1 wrote (schema 1, requests and history of schema 2's shape).
fn old_store_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            match entry.file_type().unwrap().is_dir() {
                true => copy(&entry.path(), &to.join(entry.file_name())),
                false => drop(std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap()),
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-0.1"),
        dir.path(),
    );
    dir
}

#[test]
fn a_rewrite_to_schema_3_stopped_midway_goes_on_at_the_next_open() {
    let whole = old_store_copy();
    let expected = SledStore::open(whole.path()).unwrap();
    let stopped = old_store_copy();
    // Three batches of 16 (the history's 20 entries, then 16 requests), then stopped.
    legacy::BATCHES_LEFT.with(|b| b.set(Some(3)));
    let refused = SledStore::open(stopped.path());
    legacy::BATCHES_LEFT.with(|b| b.set(None));
    assert!(refused.is_err());
    let store = SledStore::open(stopped.path()).unwrap();
    assert_eq!(schema::version(&store).unwrap(), Some(schema::CURRENT));
    assert!(store.meta().unwrap().get(b"links_progress").unwrap().is_none());
    assert_eq!(store.certificates().unwrap(), expected.certificates().unwrap());
    assert!(
        store.certificates().unwrap().len() > 32,
        "the requests took more than two batches"
    );
    assert_eq!(store.rollouts().unwrap(), expected.rollouts().unwrap());
    let entries = |s: &SledStore| {
        s.changes_since(0)
            .unwrap()
            .into_iter()
            .map(|a| (a.seq, a.edits))
            .collect::<Vec<_>>()
    };
    assert_eq!(entries(&store), entries(&expected));
}
