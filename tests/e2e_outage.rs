//! The shared store's server stopped and started under an open dashboard. Its
//! own test binary, so that stopping the cluster disturbs no other test.

mod common;

use common::pg::{self, ADMIN};
use common::pty::{binary, spawn};
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-26T10:00:00+01:00";

fn cli(home: &Path, store: &str, args: &[&str]) -> Output {
    Command::new(binary())
        .args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_NOW", NOW)
        .output()
        .unwrap()
}

#[test]
fn the_server_stopped_mid_session_shows_offline_then_comes_back_with_nothing_lost() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let db = cluster.database();
    assert!(cli(home.path(), &db.url(ADMIN), &["init"]).status.success());
    let mut anna = spawn(
        home.path(),
        &["--store", &db.url("anna")],
        &[("OCSAE_NOW", NOW)],
        110,
        30,
    );
    anna.wait_for("Àger");
    anna.send("2 ");
    anna.wait_for("Desat");

    cluster.stop();
    let screen = anna.wait_for("SENSE CONNEXIÓ");
    assert!(screen.contains("Àger"), "the last state stays: {screen}");
    // An edit is refused, said, and not kept to be sent later.
    anna.send("j ");
    anna.wait_for("no es desa res");

    cluster.start_again();
    anna.wait_gone("SENSE CONNEXIÓ");
    // What others change now reaches the dashboard again.
    let added = cli(
        home.path(),
        &db.url("marta"),
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
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    anna.wait_for("marta: nova sol·licitud");
    // And edits are saved again.
    anna.send("k ");
    anna.wait_for("Desat");
    anna.send("q");
    assert_eq!(anna.wait_exit(), 0);

    let out = cli(
        home.path(),
        &db.url("joan"),
        &["export", "rollout", "--format", "csv"],
    );
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows: Vec<&str> = csv.lines().skip(1).take(13).collect();
    assert!(
        rows[0].contains(",e-tram,done,"),
        "two steps on the first cell: {}",
        rows[0]
    );
    assert!(
        rows[12].contains(",e-tram,pending,"),
        "the refused edit was never sent: {}",
        rows[12]
    );
    let requests = cli(
        home.path(),
        &db.url("joan"),
        &["export", "certificates", "--format", "csv"],
    );
    assert!(String::from_utf8_lossy(&requests.stdout).contains("Maria Puig"));
}
