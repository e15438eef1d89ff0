//! A backup's lists of an office's settings (`operator_offices`,
//! `local_holidays`) checked before a restore writes anything: an ER operator's
//! office listed twice, or a comarca of none of the backup's councils, is refused
//! naming the field, and a database that was empty stays so; the summary says
//! what the lists bring.
mod common;

use common::offices::{open, operator, two_offices};
use common::pg::{self, ADMIN};
use common::pty::binary;
use common::*;
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

/// A backup of two offices' store: an ER operator of the Noguera's, and local
/// holidays of both offices.
fn backup() -> Option<serde_json::Value> {
    let db = two_offices()?;
    open(&db, "anna").apply(operator("Jordi Vall"), at(NOW)).unwrap();
    let mut file = Vec::new();
    open(&db, ADMIN).write_backup(at(NOW), &mut file).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&file).unwrap();
    json["local_holidays"] = serde_json::json!([
        {"comarca": "Noguera", "day": "2026-05-11"},
        {"comarca": "Noguera", "day": "2026-09-08"},
        {"comarca": "Priorat", "day": "2026-08-16"},
    ]);
    assert_eq!(
        json["operator_offices"],
        serde_json::json!([{"name": "Jordi Vall", "comarca": "Noguera"}])
    );
    Some(json)
}

#[test]
fn a_backup_listing_an_office_twice_or_a_comarca_of_no_council_is_refused_before_any_write() {
    let Some(good) = backup() else { return };
    let home = tempfile::tempdir().unwrap();
    let cluster = pg::cluster().unwrap();
    let mut twice = good.clone();
    twice["operator_offices"] = serde_json::json!([
        {"name": "Jordi Vall", "comarca": "Noguera"},
        {"name": "Jordi Vall", "comarca": "Noguera"},
    ]);
    let mut office_nowhere = good.clone();
    office_nowhere["operator_offices"][0]["comarca"] = "Atlàntida".into();
    let mut holiday_nowhere = good.clone();
    holiday_nowhere["local_holidays"][1]["comarca"] = "Atlàntida".into();
    for (case, json, says) in [
        (
            "an office listed twice",
            twice,
            "operator_offices: operator Jordi Vall appears twice under Noguera",
        ),
        (
            "an office of a comarca of no council",
            office_nowhere,
            "operator_offices: the comarca Atlàntida is none of the backup's councils'",
        ),
        (
            "a holiday of a comarca of no council",
            holiday_nowhere,
            "local_holidays: the comarca Atlàntida is none of the backup's councils'",
        ),
    ] {
        let file = home.path().join("crafted.json");
        std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
        let empty = cluster.database();
        let out = ocsae(
            home.path(),
            &empty.url(ADMIN),
            &["restore", file.to_str().unwrap()],
        );
        let stderr = cli::text(&out.stderr);
        assert!(!out.status.success(), "{case}: {stderr}");
        assert!(stderr.contains(says), "{case}: {stderr}");
        let schemas: i64 = empty
            .sql(ADMIN)
            .query_one("SELECT count(*) FROM pg_namespace WHERE nspname = 'ocsae'", &[])
            .unwrap()
            .get(0);
        assert_eq!(schemas, 0, "{case}: the empty database is left empty");
    }
    // The honest backup restores, and its summary says what the lists bring.
    let file = home.path().join("good.json");
    std::fs::write(&file, serde_json::to_vec(&good).unwrap()).unwrap();
    let out = ocsae(
        home.path(),
        &cluster.database().url(ADMIN),
        &["restore", file.to_str().unwrap()],
    );
    let stdout = cli::text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", cli::text(&out.stderr));
    assert!(
        stdout.contains("Local holidays: Noguera (2), Priorat (1)"),
        "{stdout}"
    );
    assert!(stdout.contains("ER operators' offices: Noguera (1)"), "{stdout}");
}
