//! A shared store's backup written a page at a time in one snapshot, and its
//! restore written in batches inside one transaction: the same bytes as the
//! store's whole dump, the sharing carried, the history and the stacks kept, and
//! nothing kept when the restore stops midway.

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use common::*;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, SharedSettings, Store};
use std::path::Path;
use std::process::{Command, Output};

fn ocsae(home: &Path, store: &str, args: &[&str]) -> Output {
    Command::new(binary())
        .args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("none.toml"))
        .env("OCSAE_NOW", "2026-11-26T10:30:00+01:00")
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn request(ine: u32, holder: &str) -> CertificateRequest {
    CertificateRequest::received(
        NEW_ID,
        IneCode(ine),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    )
}

/// The Noguera and the Priorat shared by two offices, with an import of 12,000
/// requests (more than two pages of records and of edits), a few changes, an
/// undo, and the store's backup bytes.
fn shared_store(db: &pg::Db) -> (Box<dyn Store>, Vec<u8>) {
    let admin = ocsae::store::open(&db.location(ADMIN)).unwrap();
    seed(admin.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
    admin
        .share_settings(&SharedSettings {
            local_holidays: Vec::new(),
            multi_office: true,
        })
        .unwrap();
    db.sql(ADMIN)
        .batch_execute("INSERT INTO ocsae.office (comarca, role) VALUES ('Noguera', 'ocsae_noguera')")
        .unwrap();
    let mut import = admin.begin_import(ChangeKind::ImportCertificates).unwrap();
    for batch in 0..12 {
        let edits = (0..1_000)
            .map(|i| {
                let ine = [252228, 250024, 250404][i % 3];
                Edit::create(Record::Certificate(request(ine, &format!("Titular {batch} {i}"))))
            })
            .collect();
        import.append(edits).unwrap();
    }
    import.commit(at(NOW)).unwrap();
    for holders in [["Maria Puig", "Joan Solé"], ["Pere Vidal", "Anna Roca"]] {
        let edits = holders
            .iter()
            .map(|h| Edit::create(Record::Certificate(request(252228, h))))
            .collect();
        admin
            .apply(Change::new(ChangeKind::CertNew, edits), at(NOW))
            .unwrap();
    }
    admin.undo(at(NOW)).unwrap().unwrap();
    let mut bytes = Vec::new();
    admin.write_backup(at(NOW), &mut bytes).unwrap();
    (admin, bytes)
}

#[test]
fn a_shared_stores_backup_is_its_whole_dump_byte_for_byte_sharing_included() {
    let Some(cluster) = pg::cluster() else {
        return;
    };
    let db = cluster.database();
    let (admin, streamed) = shared_store(&db);
    let whole = serde_json::to_vec(&admin.dump(at(NOW)).unwrap()).unwrap();
    assert_eq!(text(&streamed), text(&whole));
    let json: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
    assert_eq!(json["certificates"].as_array().unwrap().len(), 12_002);
    let longest = json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["entry"]["edits"].as_array().unwrap().len());
    assert_eq!(longest.max(), Some(12_000), "the import's entry, its edits paged");
    assert_eq!(json["sharing"]["multi_office"], true);
    assert_eq!(json["sharing"]["offices"][0]["role"], "ocsae_noguera");
}

#[test]
fn a_backup_restored_into_a_shared_store_in_batches_gives_back_the_same_backup() {
    let Some(cluster) = pg::cluster() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let (admin, original) = shared_store(&cluster.database());
    drop(admin);
    let file = home.path().join("shared.json");
    std::fs::write(&file, &original).unwrap();

    let copy = cluster.database();
    ok(ocsae(
        home.path(),
        &copy.url(ADMIN),
        &["restore", file.to_str().unwrap()],
    ));
    let restored = ocsae::store::open(&copy.location(ADMIN)).unwrap();
    let mut again = Vec::new();
    restored.write_backup(at(NOW), &mut again).unwrap();
    assert_eq!(text(&again), text(&original));
    // The sharing is back: a technician of no office listed reads no council,
    // the Noguera's office all of its own.
    let seen = |role: &str| -> i64 {
        copy.sql(role)
            .query_one("SELECT count(*) FROM ocsae.municipality", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!((seen("pep"), seen("anna")), (0, 30));
    // New numbers go on after the backup's, and the undone change can be redone.
    let applied = restored.redo(at(NOW)).unwrap().expect("the backup's redo");
    assert_eq!(applied.change, ChangeKind::CertNew);
}

#[test]
fn a_restore_into_a_shared_store_that_fails_midway_keeps_nothing() {
    let Some(cluster) = pg::cluster() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let (admin, original) = shared_store(&cluster.database());
    drop(admin);
    // A backup whose last entry repeats the number of the first: read through and
    // checked, then refused by the server once every record is written.
    let mut json: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let history = json["history"].as_array_mut().unwrap();
    let mut repeated = history[3].clone();
    repeated["seq"] = history[0]["seq"].clone();
    history.push(repeated);
    let file = home.path().join("repeated.json");
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();

    let copy = cluster.database();
    let out = ocsae(
        home.path(),
        &copy.url(ADMIN),
        &["restore", file.to_str().unwrap()],
    );
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let mut sql = copy.sql(ADMIN);
    for table in ["municipality", "certificate", "history", "history_edit", "stacks"] {
        let rows: i64 = sql
            .query_one(&format!("SELECT count(*) FROM ocsae.{table}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(rows, 0, "{table}");
    }
    // The store is as empty as before: a good backup restores into it.
    std::fs::write(&file, &original).unwrap();
    ok(ocsae(
        home.path(),
        &copy.url(ADMIN),
        &["restore", file.to_str().unwrap()],
    ));
}
