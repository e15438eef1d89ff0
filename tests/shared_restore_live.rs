//! `restore --force` on a shared store while dashboards are open: their history
//! numbers no longer mean the same entries, so each one notices the restore (the
//! feed announces it, the store's history identity changed), reads everything
//! again and says so, rather than go on showing the store as it was.

mod common;

use common::pg::{self, ADMIN};
use common::pty::{binary, spawn};
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::Lang;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Signal, Store};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
}

fn file(store: &dyn Store, holder: &str) -> u64 {
    let request = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request))],
    );
    store.apply(change, at(NOW)).unwrap().ids[0]
}

fn holders(app: &App) -> Vec<String> {
    let mut out: Vec<String> = app.data.certs.list.iter().map(|c| c.holder.to_string()).collect();
    out.sort();
    out
}

/// The Noguera with two requests, backed up; then three more filed after the
/// backup, so that the history runs past the backup's.
fn store_and_backup(db: &pg::Db) -> Vec<u8> {
    let admin = open(db, ADMIN);
    seed(admin.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
    let marta = open(db, "marta");
    file(marta.as_ref(), "Jordi Solé");
    file(marta.as_ref(), "Maria Puig");
    let mut backup = Vec::new();
    admin.write_backup(at(NOW), &mut backup).unwrap();
    for holder in ["Pere Vidal", "Laia Serra", "Joan Roca"] {
        file(marta.as_ref(), holder);
    }
    backup
}

fn restore(db: &pg::Db, backup: &[u8]) {
    let dump: ocsae::store::Dump = serde_json::from_slice(backup).unwrap();
    open(db, ADMIN).restore(&dump, true).unwrap();
}

#[test]
fn a_dashboard_reads_everything_again_after_a_restore_and_says_so() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    let backup = store_and_backup(&db);
    let clock = FixedClock::new(at(NOW));
    let store: Arc<dyn Store> = Arc::from(open(&db, "anna"));
    let mut anna = open_app(store, Lang::Ca, Config::default(), &clock);
    press(&mut anna, KeyCode::Char('3'));
    assert_eq!(holders(&anna).len(), 5);

    // The backup goes back in; a colleague files one: the history's numbers are
    // now below what Anna saw, and mean other entries.
    restore(&db, &backup);
    file(open(&db, "marta").as_ref(), "Nova Titular");
    anna.store_signal(Signal::Changed(vec![]));
    // The requests are read again off the keys' path, as at start.
    if let Some(load) = anna.certificate_loader() {
        anna.certificates_loaded(load());
    }
    assert_eq!(
        holders(&anna),
        ["Jordi Solé", "Maria Puig", "Nova Titular"],
        "the restored store, and what came after it"
    );
    let screen = screen(&anna, 100, 24);
    assert!(screen.contains("Nova Titular"), "{screen}");
    assert!(!screen.contains("Pere Vidal"), "{screen}");
    assert!(screen.contains("El magatzem s'ha restaurat"), "{screen}");

    // From then on, news are read as before.
    anna.status = None;
    file(open(&db, "marta").as_ref(), "Anna Bosch");
    assert!(anna.store_signal(Signal::Changed(vec![])));
    assert!(holders(&anna).contains(&"Anna Bosch".to_string()));
    let status = anna.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(status.contains("marta: nova sol·licitud"), "{status}");
}

#[test]
fn a_restore_is_announced_on_the_change_feed() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    let backup = store_and_backup(&db);
    let anna = open(&db, "anna");
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(anna.watch(Box::new(move |signal| tx.send(signal).is_ok())));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Signal::Changed(vec![])
    );
    restore(&db, &backup);
    // No entry is named: everything is to be read.
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Signal::Changed(vec![])
    );
}

fn cli(home: &Path, store: &str, args: &[&str]) -> Output {
    Command::new(binary())
        .args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("none.toml"))
        .env("OCSAE_NOW", "2026-11-26T10:00:00+01:00")
        .output()
        .unwrap()
}

fn ok(out: Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn add(home: &Path, store: &str, holder: &str) {
    ok(cli(
        home,
        store,
        &[
            "cert",
            "add",
            "--municipality",
            "Tiurana",
            "--holder",
            holder,
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    ));
}

#[test]
fn an_open_dashboard_shows_the_restored_store() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    let admin = db.url(ADMIN);
    ok(cli(h, &admin, &["init"]));
    add(h, &db.url("marta"), "Maria Puig");
    let file = h.join("backup.json");
    ok(cli(h, &admin, &["backup", file.to_str().unwrap()]));
    add(h, &db.url("marta"), "Pere Vidal");
    let mut anna = spawn(
        h,
        &["--store", &db.url("anna")],
        &[("OCSAE_NOW", "2026-11-26T10:00:00+01:00")],
        110,
        30,
    );
    anna.wait_for("Àger");
    anna.send("3");
    anna.wait_for("Pere Vidal");
    ok(cli(h, &admin, &["restore", "--force", file.to_str().unwrap()]));
    anna.wait_for("El magatzem s'ha restaurat");
    anna.wait_gone("Pere Vidal");
    let screen = anna.wait_for("Maria Puig");
    assert!(screen.contains("Tiurana"), "{screen}");
    anna.send("q");
    assert_eq!(anna.wait_exit(), 0);
}
