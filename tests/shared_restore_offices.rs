//! ER operators of several offices in one shared store: a backup says which
//! office listed each (`operator_offices`), so a restore gives each back its
//! comarca, two offices' operators of one name stay two, and each office still
//! sees only its own.

mod common;

use common::offices::{open, operator, two_offices};
use common::pg::{self, ADMIN};
use common::pty::binary;
use common::*;
use ocsae::store::{Kind, Record, Store};
use std::process::Command;

fn operators(db: &pg::Db) -> Vec<(String, String)> {
    db.sql(ADMIN)
        .query(
            "SELECT comarca, key FROM ocsae.operator ORDER BY key, comarca",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn names(store: &dyn Store) -> Vec<String> {
    store
        .records(Kind::Operator)
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Operator(o) => Some(o.name),
            _ => None,
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(c, k)| (c.to_string(), k.to_string())).collect()
}

#[test]
fn each_er_operators_office_goes_through_a_backup_of_several_offices() {
    let Some(db) = two_offices() else { return };
    open(&db, "anna").apply(operator("Laia Puig"), at(NOW)).unwrap();
    let pep = open(&db, "pep");
    pep.apply(operator("Laia Puig"), at(NOW)).unwrap();
    pep.apply(operator("Pau Serra"), at(NOW)).unwrap();
    let listed = pairs(&[
        ("Noguera", "Laia Puig"),
        ("Priorat", "Laia Puig"),
        ("Priorat", "Pau Serra"),
    ]);
    assert_eq!(operators(&db), listed);
    let mut original = Vec::new();
    open(&db, ADMIN).write_backup(at(NOW), &mut original).unwrap();
    let dump: serde_json::Value = serde_json::from_slice(&original).unwrap();
    assert_eq!(dump["operators"].as_array().map(Vec::len), Some(3));

    // Restored by the command (streamed) and whole (through the store).
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("offices.json");
    std::fs::write(&file, &original).unwrap();
    let streamed = pg::cluster().unwrap().database();
    let out = Command::new(binary())
        .args(["--store", &streamed.url(ADMIN), "--lang", "en", "restore"])
        .arg(&file)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.path().join("none.toml"))
        .env("OCSAE_NOW", "2026-11-26T10:00:00+01:00")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let whole = pg::cluster().unwrap().database();
    let parsed: ocsae::store::Dump = serde_json::from_slice(&original).unwrap();
    open(&whole, ADMIN).restore(&parsed, false).unwrap();

    for copy in [&streamed, &whole] {
        assert_eq!(operators(copy), listed);
        assert_eq!(names(open(copy, "anna").as_ref()), ["Laia Puig"]);
        assert_eq!(names(open(copy, "pep").as_ref()), ["Laia Puig", "Pau Serra"]);
        // The history of an operator only one office lists is that office's.
        let kept: i64 = copy
            .sql(ADMIN)
            .query_one(
                "SELECT count(*) FROM ocsae.history_edit \
                 WHERE kind = 'operator' AND comarca = 'Priorat' AND after->>'name' = 'Pau Serra'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(kept, 1);
        let mut again = Vec::new();
        open(copy, ADMIN).write_backup(at(NOW), &mut again).unwrap();
        assert_eq!(
            String::from_utf8(again).unwrap(),
            String::from_utf8(original.clone()).unwrap()
        );
    }
}
