//! A backup of a store shared by several offices carries how it is shared (its
//! row-level security and its office list), and a restore puts them back with
//! the records: an office's technician then reads no other office's rows. An
//! older backup restores as before; `multi_office = true` in the configuration
//! holds for a restore as for `init`; a sled store says what it cannot keep.

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use common::*;
use ocsae::store::SharedSettings;
use ocsae::store::seed::{Scope, seed};
use std::path::Path;
use std::process::{Command, Output};

/// `ocsae --store LOCATION --lang en ARGS`, with `system` as the system config.
fn ocsae(home: &Path, store: &str, system: &str, args: &[&str]) -> Output {
    let config = home.join("system.toml");
    std::fs::write(&config, system).unwrap();
    Command::new(binary())
        .args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", &config)
        .env("OCSAE_NOW", "2026-11-26T10:00:00+01:00")
        .output()
        .unwrap()
}

fn ok(out: Output) -> (String, String) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    (text(&out.stdout), text(&out.stderr))
}

/// All of Catalonia, shared by the Noguera's office (Anna, Marta) and the
/// Priorat's (Pep), backed up by its administrator into `file`.
fn two_offices_backup(home: &Path, file: &Path) -> Option<()> {
    let db = pg::cluster()?.database();
    let admin = ocsae::store::open(&db.location(ADMIN)).unwrap();
    seed(admin.as_ref(), &Scope::All, at(NOW)).unwrap();
    admin
        .share_settings(&SharedSettings {
            local_holidays: Vec::new(),
            multi_office: true,
        })
        .unwrap();
    drop(admin);
    db.sql(ADMIN)
        .batch_execute(
            "INSERT INTO ocsae.office (comarca, role) VALUES ('Noguera', 'ocsae_noguera'), ('Priorat', 'ocsae_priorat')",
        )
        .unwrap();
    ok(ocsae(
        home,
        &db.url(ADMIN),
        "",
        &["backup", file.to_str().unwrap()],
    ));
    Some(())
}

fn count(db: &pg::Db, role: &str, query: &str) -> i64 {
    db.sql(role).query_one(query, &[]).unwrap().get(0)
}

/// The councils `role` reads outside its office, and inside it.
fn councils_seen(db: &pg::Db, role: &str, comarca: &str) -> (i64, i64) {
    let q = |op: &str| format!("SELECT count(*) FROM ocsae.municipality WHERE comarca {op} '{comarca}'");
    (count(db, role, &q("<>")), count(db, role, &q("=")))
}

fn secured_tables(db: &pg::Db) -> i64 {
    count(
        db,
        ADMIN,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'ocsae' AND c.relname IN ('municipality', 'certificate', 'history', 'activity') \
         AND c.relrowsecurity",
    )
}

#[test]
fn a_restored_multi_office_backup_keeps_each_office_to_its_own_rows() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("admin.json");
    if two_offices_backup(home.path(), &file).is_none() {
        return;
    }
    let dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(dump["sharing"]["multi_office"], true, "{}", dump["sharing"]);
    assert_eq!(dump["sharing"]["offices"].as_array().map(Vec::len), Some(2));
    // Edited by hand: undo for a technician who never wrote in it.
    let mut edited = dump.clone();
    edited["stacks"] = serde_json::json!({"pep": {"undo": [1], "redo": []}});
    std::fs::write(&file, serde_json::to_vec(&edited).unwrap()).unwrap();

    let db = pg::cluster().unwrap().database();
    let (out, _) = ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        "",
        &["restore", file.to_str().unwrap()],
    ));
    assert!(out.contains("row-level security is on"), "{out}");
    assert!(out.contains("Noguera: ocsae_noguera"), "{out}");
    // What it brings in, office by office and author by author.
    assert!(out.contains("By comarca:\n"), "{out}");
    // Councils alone, in every comarca: counted in one line.
    assert!(
        out.contains("By comarca:\n  with no requests or activities: 43 comarques, 947 councils\n"),
        "{out}"
    );
    assert!(
        out.contains("By author (who signs the history, and what they can undo):\n"),
        "{out}"
    );
    assert!(
        out.contains("\n  pep: 0 history entries, 1 change to undo or redo\n"),
        "{out}"
    );
    assert_eq!(secured_tables(&db), 4);
    assert_eq!(count(&db, ADMIN, "SELECT count(*) FROM ocsae.office"), 2);
    let (other, own) = councils_seen(&db, "anna", "Noguera");
    assert_eq!(other, 0, "Anna reads other offices' councils");
    assert!(own > 20, "Anna reads her own office's councils");
    let (other, own) = councils_seen(&db, "pep", "Priorat");
    assert_eq!(other, 0, "Pep reads other offices' councils");
    assert!(own > 20);
    // Nor writes them, whatever SQL she writes.
    let changed = db
        .sql("anna")
        .execute("DELETE FROM ocsae.municipality WHERE comarca = 'Priorat'", &[])
        .unwrap_or(0);
    assert_eq!(changed, 0);
    assert!(
        count(
            &db,
            ADMIN,
            "SELECT count(*) FROM ocsae.municipality WHERE comarca = 'Priorat'"
        ) > 20
    );
}

#[test]
fn an_older_backup_restores_as_before_unless_the_configuration_says_several_offices() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("admin.json");
    if two_offices_backup(home.path(), &file).is_none() {
        return;
    }
    // A backup written before it carried the sharing settings.
    let mut dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    dump.as_object_mut().unwrap().remove("sharing");
    let old = home.path().join("old.json");
    std::fs::write(&old, serde_json::to_vec(&dump).unwrap()).unwrap();

    let db = pg::cluster().unwrap().database();
    let (out, _) = ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        "",
        &["restore", old.to_str().unwrap()],
    ));
    assert!(!out.contains("row-level security"), "{out}");
    assert_eq!(secured_tables(&db), 0);
    assert_eq!(count(&db, ADMIN, "SELECT count(*) FROM ocsae.office"), 0);

    let db = pg::cluster().unwrap().database();
    let (out, _) = ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        "multi_office = true\n",
        &["restore", old.to_str().unwrap()],
    ));
    assert!(out.contains("row-level security is on"), "{out}");
    assert!(out.contains("ocsae.office is empty"), "{out}");
    assert_eq!(secured_tables(&db), 4);
    assert_eq!(councils_seen(&db, "anna", "Noguera"), (0, 0));
}

#[test]
fn a_sled_store_says_it_keeps_neither_offices_nor_row_level_security() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("admin.json");
    if two_offices_backup(home.path(), &file).is_none() {
        return;
    }
    let dir = home.path().join("sled");
    let store = format!("sled:{}", dir.display());
    let (_, err) = ok(ocsae(
        home.path(),
        &store,
        "",
        &["restore", file.to_str().unwrap()],
    ));
    assert!(
        err.contains("keeps neither the offices nor the row-level security"),
        "{err}"
    );
    assert!(err.contains("Priorat: ocsae_priorat"), "{err}");
    // What it keeps restores into PostgreSQL as any sled store's backup does.
    let again = home.path().join("again.json");
    ok(ocsae(
        home.path(),
        &store,
        "",
        &["backup", again.to_str().unwrap()],
    ));
    let dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    assert!(dump.get("sharing").is_none(), "{}", dump["sharing"]);
}
