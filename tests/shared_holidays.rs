//! The office's local holidays go with its store through `backup`, `restore` and
//! `migrate`: a shared store's are its table's, a sled store's its
//! configuration's. Deadlines, and so every export, stay the same on the copy.

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use std::path::Path;
use std::process::{Command, Output};

/// The office's holiday: the day after the request, so it moves its deadline.
const HOLIDAY: &str = "2026-11-27";

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

fn with_holiday() -> String {
    format!("local_holidays = [\"{HOLIDAY}\"]\n")
}

/// A sled store of the Noguera with one request, its holiday in the configuration.
fn sled_store(home: &Path) -> String {
    let store = format!("sled:{}", home.join("sled").display());
    let config = with_holiday();
    ok(ocsae(home, &store, &config, &["init", "--comarca", "Noguera"]));
    ok(ocsae(
        home,
        &store,
        &config,
        &[
            "cert",
            "add",
            "--municipality",
            "Tiurana",
            "--holder",
            "Maria Puig",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    ));
    store
}

/// Every export, in both formats.
fn exports(home: &Path, store: &str, system: &str) -> Vec<String> {
    let mut out = Vec::new();
    for what in ["municipalities", "certificates"] {
        for format in ["json", "csv"] {
            out.push(ok(ocsae(home, store, system, &["export", what, "--format", format])).0);
        }
    }
    out
}

/// The backup's local holidays, as written.
fn holidays_of(file: &Path) -> serde_json::Value {
    let dump: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    dump["local_holidays"].clone()
}

fn table(db: &pg::Db) -> Vec<(String, String)> {
    db.sql(ADMIN)
        .query(
            "SELECT comarca, day::text FROM ocsae.local_holiday ORDER BY comarca, day",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn a_sled_stores_holidays_go_through_a_backup_into_postgresql_and_out_again() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sled = sled_store(h);
    let before = exports(h, &sled, &with_holiday());
    assert!(before[3].contains("2026-12-05T00:00:00+01:00"), "{}", before[3]);
    let first = h.join("sled.json");
    ok(ocsae(
        h,
        &sled,
        &with_holiday(),
        &["backup", first.to_str().unwrap()],
    ));
    assert_eq!(
        holidays_of(&first),
        serde_json::json!([{"comarca": "Noguera", "day": HOLIDAY}])
    );

    // Restored by an administrator whose configuration lists no holiday.
    let db = cluster.database();
    let pg = db.url(ADMIN);
    ok(ocsae(h, &pg, "", &["restore", first.to_str().unwrap()]));
    assert_eq!(table(&db), [("Noguera".to_string(), HOLIDAY.to_string())]);
    assert_eq!(exports(h, &pg, ""), before, "the deadlines are the same");
    let second = h.join("pg.json");
    ok(ocsae(h, &pg, "", &["backup", second.to_str().unwrap()]));
    assert_eq!(holidays_of(&second), holidays_of(&first));

    // Back into sled: kept by the configuration alone, which the restore says.
    let other = format!("sled:{}", h.join("other").display());
    let (_, err) = ok(ocsae(h, &other, "", &["restore", second.to_str().unwrap()]));
    assert!(
        err.contains(&format!("put local_holidays = [\"{HOLIDAY}\"] in it")),
        "{err}"
    );
}

#[test]
fn a_restore_replaces_the_stores_holidays_and_an_older_backup_leaves_them() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sled = sled_store(h);
    let file = h.join("sled.json");
    ok(ocsae(
        h,
        &sled,
        &with_holiday(),
        &["backup", file.to_str().unwrap()],
    ));

    // A store made with another holiday: the backup's replaces it.
    let db = cluster.database();
    let pg = db.url(ADMIN);
    ok(ocsae(
        h,
        &pg,
        "local_holidays = [\"2026-09-08\"]\n",
        &["init", "--comarca", "Noguera"],
    ));
    assert_eq!(table(&db), [("Noguera".to_string(), "2026-09-08".to_string())]);
    ok(ocsae(h, &pg, "", &["restore", "--force", file.to_str().unwrap()]));
    assert_eq!(table(&db), [("Noguera".to_string(), HOLIDAY.to_string())]);

    // A backup written before it carried them leaves the store's as they are.
    let mut dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    dump.as_object_mut().unwrap().remove("local_holidays");
    let old = h.join("old.json");
    std::fs::write(&old, serde_json::to_vec(&dump).unwrap()).unwrap();
    ok(ocsae(h, &pg, "", &["restore", "--force", old.to_str().unwrap()]));
    assert_eq!(table(&db), [("Noguera".to_string(), HOLIDAY.to_string())]);

    // One of a newer format is still refused, holidays or not.
    dump["format_version"] = serde_json::json!(2);
    std::fs::write(&old, serde_json::to_vec(&dump).unwrap()).unwrap();
    let out = ocsae(h, &pg, "", &["restore", "--force", old.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("format 2"), "{}", text(&out.stderr));
}

#[test]
fn migrate_between_shared_stores_keeps_the_holidays_and_the_exports() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sled = sled_store(h);
    let before = exports(h, &sled, &with_holiday());
    let from = cluster.database();
    let from_url = from.url(ADMIN);
    ok(ocsae(
        h,
        &from_url,
        &with_holiday(),
        &["migrate", "--from", &sled, "--to", &from_url],
    ));
    assert_eq!(table(&from), [("Noguera".to_string(), HOLIDAY.to_string())]);
    // From one server to another, by an administrator whose configuration lists none.
    let to = cluster.database();
    let to_url = to.url(ADMIN);
    ok(ocsae(
        h,
        &from_url,
        "",
        &["migrate", "--from", &from_url, "--to", &to_url],
    ));
    assert_eq!(table(&to), table(&from));
    assert_eq!(exports(h, &to_url, ""), before);
}

#[test]
fn a_holiday_whose_comarca_could_drive_a_terminal_is_refused_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sled = sled_store(h);
    let file = h.join("sled.json");
    ok(ocsae(
        h,
        &sled,
        &with_holiday(),
        &["backup", file.to_str().unwrap()],
    ));
    let mut dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    dump["local_holidays"][0]["comarca"] = serde_json::json!("Nog\u{1b}[2Jera");
    std::fs::write(&file, serde_json::to_vec(&dump).unwrap()).unwrap();
    let other = format!("sled:{}", h.join("other").display());
    let out = ocsae(h, &other, "", &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(".local_holidays[0].comarca"),
        "{}",
        text(&out.stderr)
    );
    assert!(!h.join("other").exists(), "nothing made");
}
