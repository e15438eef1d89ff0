//! The command line on a shared store: `init`, `migrate` from and to sled with
//! identical exports, `backup`/`restore` with the same file on both backends, and
//! a client killed in the middle of an import (all or nothing).

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-26T10:00:00+01:00";

/// `ocsae --store LOCATION --lang en ARGS`, with no configuration, at `NOW`.
fn command(home: &Path, store: &str, args: &[&str]) -> Command {
    let mut c = Command::new(binary());
    c.args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("no-system.toml"))
        .env("OCSAE_NOW", NOW);
    c
}

fn ocsae(home: &Path, store: &str, args: &[&str]) -> Output {
    command(home, store, args).output().unwrap()
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

/// Every export, in both formats.
fn exports(home: &Path, store: &str) -> Vec<String> {
    let mut out = Vec::new();
    for what in ["municipalities", "rollout", "certificates", "activity"] {
        for format in ["json", "csv"] {
            out.push(ok(ocsae(home, store, &["export", what, "--format", format])));
        }
    }
    out
}

/// A backup without the moment it was taken.
fn backup_body(home: &Path, store: &str, file: &Path) -> serde_json::Value {
    ok(ocsae(home, store, &["backup", file.to_str().unwrap()]));
    let mut dump: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    dump.as_object_mut().unwrap().remove("created_at");
    dump
}

#[test]
fn migrate_copies_a_sled_store_into_postgresql_and_back_with_identical_exports() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sled_a = format!("sled:{}", h.join("a").display());
    ok(ocsae(h, &sled_a, &["init"]));
    ok(ocsae(
        h,
        &sled_a,
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
    ok(ocsae(
        h,
        &sled_a,
        &[
            "cert",
            "add",
            "--municipality",
            "Àger",
            "--holder",
            "Jordi Solé",
            "--role",
            "secretary",
            "--type",
            "tcat",
            "--urgent",
        ],
    ));
    let contacts = h.join("contacts.csv");
    std::fs::write(
        &contacts,
        "ine_code,role,name,phone\n252228,mayor,Anna Vidal,973000000\n",
    )
    .unwrap();
    ok(ocsae(
        h,
        &sled_a,
        &["import", "contacts", contacts.to_str().unwrap()],
    ));
    ok(ocsae(
        h,
        &sled_a,
        &[
            "activity",
            "add",
            "--municipality",
            "Tiurana",
            "--kind",
            "call",
            "--summary",
            "No rep l'avís de l'e-NOTUM",
        ],
    ));
    ok(ocsae(
        h,
        &sled_a,
        &[
            "training",
            "add",
            "--date",
            "2025-11-24",
            "--service",
            "e-notum",
            "--councils",
            "252228:3,250024:2",
            "--hours",
            "1.5",
        ],
    ));
    let before = exports(h, &sled_a);
    assert!(before[5].contains("Maria Puig"));
    assert!(before[7].contains("No rep l'avís de l'e-NOTUM"), "{}", before[7]);
    assert!(before[7].contains("252228:3;250024:2"), "{}", before[7]);

    let db = cluster.database();
    let pg = db.url(ADMIN);
    let said = ok(ocsae(h, &pg, &["migrate", "--from", &sled_a, "--to", &pg]));
    assert!(
        said.contains("30 councils, 2 requests, 2 activities and 6 history entries"),
        "{said}"
    );
    assert_eq!(exports(h, &pg), before, "PostgreSQL exports as sled did");
    // The technicians read the same, signed by whoever made each change.
    let as_anna = db.url("anna");
    assert_eq!(exports(h, &as_anna), before);
    // A second copy into a store that holds data is refused, and changes nothing.
    let refused = ocsae(h, &pg, &["migrate", "--from", &sled_a, "--to", &pg]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("already holds data"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(exports(h, &pg), before);

    let sled_b = format!("sled:{}", h.join("b").display());
    ok(ocsae(h, &sled_b, &["migrate", "--from", &pg, "--to", &sled_b]));
    assert_eq!(exports(h, &sled_b), before, "and back to sled");

    // One backup format: the same document from either backend, and each restores the other's.
    let from_sled = backup_body(h, &sled_a, &h.join("sled.json"));
    let mut from_pg = backup_body(h, &pg, &h.join("pg.json"));
    // A shared store's also says how it is shared (here, by no several offices).
    let sharing = from_pg.as_object_mut().unwrap().remove("sharing");
    assert_eq!(
        sharing,
        Some(serde_json::json!({"multi_office": false, "offices": []}))
    );
    // Its holidays and each ER operator's office too (none here, as the sled
    // store's configuration lists no holiday).
    for field in ["local_holidays", "operator_offices"] {
        assert_eq!(
            from_pg.as_object_mut().unwrap().remove(field),
            Some(serde_json::json!([]))
        );
    }
    assert_eq!(from_sled, from_pg);
    let restored = cluster.database();
    ok(ocsae(
        h,
        &restored.url(ADMIN),
        &["restore", h.join("sled.json").to_str().unwrap()],
    ));
    assert_eq!(exports(h, &restored.url(ADMIN)), before);
    let sled_c = format!("sled:{}", h.join("c").display());
    ok(ocsae(
        h,
        &sled_c,
        &["restore", h.join("pg.json").to_str().unwrap()],
    ));
    assert_eq!(exports(h, &sled_c), before);
}

#[test]
fn init_creates_the_schema_once_and_a_technician_cannot_set_it_up() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    // Before init, a technician is told the administrator must set it up.
    let out = ocsae(h, &db.url("anna"), &["export", "municipalities"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("holds no ocsae store") && said.contains("ocsae init --store"),
        "{said}"
    );
    // Their own `init` says why it cannot: the database is not theirs to create in.
    let out = ocsae(h, &db.url("anna"), &["init"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("this user cannot create ocsae's store")
            && said.contains("CREATE privilege")
            && said.contains("nothing was written"),
        "{said}"
    );
    let said = ok(ocsae(h, &db.url(ADMIN), &["init", "--comarca", "Priorat"]));
    assert!(said.contains("23 councils"), "{said}");
    let again = ocsae(h, &db.url(ADMIN), &["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already holds data"),
        "{}",
        text(&again.stderr)
    );
    let csv = ok(ocsae(
        h,
        &db.url("anna"),
        &["export", "municipalities", "--format", "csv"],
    ));
    assert_eq!(csv.lines().count(), 24);
    assert!(
        csv.lines().nth(1).unwrap().ends_with(",ocsae_admin,ocsae_admin"),
        "{csv}"
    );
    // A newer schema is refused, and left as it was.
    db.sql(ADMIN)
        .batch_execute("UPDATE ocsae.meta SET value = '99' WHERE key = 'schema_version'")
        .unwrap();
    let out = ocsae(h, &db.url("anna"), &["export", "municipalities"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("schema version 99"),
        "{}",
        text(&out.stderr)
    );
    let version: String = db
        .sql(ADMIN)
        .query_one("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, "99");
}

#[test]
fn a_client_killed_in_the_middle_of_an_import_leaves_all_or_nothing() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    ok(ocsae(h, &db.url(ADMIN), &["init"]));
    const ROWS: usize = 30_000;
    let file = h.join("requests.csv");
    let mut csv = String::from("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "252228,Titular {i},mayor,tcat,new,no,received,2026-11-20 10:00,\n"
        ));
    }
    std::fs::write(&file, csv).unwrap();
    let mut watch = db.sql("postgres");
    let in_transaction = |watch: &mut postgres::Client| -> bool {
        let n: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND usename = 'anna' AND xact_start IS NOT NULL AND query ILIKE '%ocsae.%'",
                &[],
            )
            .unwrap()
            .get(0);
        n > 0
    };
    let mut child = command(
        h,
        &db.url("anna"),
        &["import", "certificates", file.to_str().unwrap()],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !in_transaction(&mut watch) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was caught"
        );
        assert!(
            Instant::now() < deadline,
            "the import never started its transaction"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill sends a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    // The server lets go of the dead client's session.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let n: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'anna'",
                &[],
            )
            .unwrap()
            .get(0);
        if n == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the dead client's session stayed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let stored = |db: &pg::Db| -> (i64, i64) {
        let mut sql = db.sql(ADMIN);
        let requests: i64 = sql
            .query_one("SELECT count(*) FROM ocsae.certificate", &[])
            .unwrap()
            .get(0);
        let entries: i64 = sql
            .query_one(
                "SELECT count(*) FROM ocsae.history WHERE change = 'import.certificates'",
                &[],
            )
            .unwrap()
            .get(0);
        (requests, entries)
    };
    let (requests, entries) = stored(&db);
    assert!(
        (requests, entries) == (0, 0) || (requests, entries) == (ROWS as i64, 1),
        "half an import: {requests} requests, {entries} entries"
    );
    // The store works on: the same file goes in whole.
    ok(ocsae(
        h,
        &db.url("marta"),
        &["import", "certificates", file.to_str().unwrap()],
    ));
    let (after, entries_after) = stored(&db);
    assert_eq!(after, requests + ROWS as i64);
    assert_eq!(entries_after, entries + 1);
}

#[test]
fn the_local_holidays_are_the_stores_for_every_technician() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    // The administrator's configuration names Monday 7 December as the office's holiday.
    let admin_config = h.join("admin.toml");
    std::fs::write(&admin_config, "local_holidays = [\"2026-12-07\"]\n").unwrap();
    let init = command(h, &db.url(ADMIN), &["init"])
        .env("OCSAE_SYSTEM_CONFIG", &admin_config)
        .output()
        .unwrap();
    ok(init);
    // Anna's own configuration has none: the store's count all the same.
    let out = ok(ocsae(
        h,
        &db.url("anna"),
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
            "--received",
            "2026-11-20T10:00",
        ],
    ));
    // Friday 20 November + 5 working days, Monday 23 … Friday 27: no holiday in
    // between, so the same as anywhere; then one whose days cross the 7th.
    assert!(out.contains("due 2026-11-28T00:00:00+01:00"), "{out}");
    let mut later = Command::new(binary());
    later
        .args([
            "--store",
            &db.url("anna"),
            "--lang",
            "en",
            "cert",
            "add",
            "--municipality",
            "Tiurana",
        ])
        .args([
            "--holder",
            "Jordi Solé",
            "--role",
            "mayor",
            "--type",
            "tcat",
            "--received",
            "2026-12-04T10:00",
        ])
        .env("XDG_CONFIG_HOME", h.join("config"))
        .env("OCSAE_SYSTEM_CONFIG", h.join("none.toml"))
        .env("OCSAE_NOW", "2026-12-04T12:00:00+01:00");
    let out = ok(later.output().unwrap());
    // Without the 7th it would be due 2026-12-15T00:00 (the 8th is a Catalan holiday).
    assert!(out.contains("due 2026-12-16T00:00:00+01:00"), "{out}");
}
