//! The binary's store against a deleted lock file and a seal that cannot be read.

mod common;

use common::pty::{binary, spawn};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn command(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("LANG", "C.UTF-8");
    cmd
}

fn cli(home: &Path, args: &[&str]) -> Output {
    command(home, args).output().unwrap()
}

/// Runs a command, killing it if it has not finished within `limit`.
fn cli_within(home: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = command(home, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "ocsae {args:?} still ran after {limit:?}; it wrote:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn deleting_the_lock_file_under_an_open_dashboard_loses_nothing() {
    let home = tempfile::tempdir().unwrap();
    assert!(cli(home.path(), &["init"]).status.success());
    let store = home.path().join("data/ocsae");
    let mut s = spawn(home.path(), &[], &[], 100, 30);
    s.wait_for("Àger");
    std::fs::remove_file(store.join("ocsae.lock")).unwrap();

    // A second process finds the store in use, never damaged, and leaves it be.
    let out = cli(home.path(), &["export", "rollout", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("està en ús"), "{stderr}");
    assert!(!stderr.contains("malmès"), "{stderr}");

    // The dashboard's next change is saved where the store is.
    s.send("2 ");
    s.wait_for("Desat");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let out = cli(home.path(), &["export", "rollout", "--format", "csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8_lossy(&out.stdout);
    let first = csv.lines().nth(1).unwrap();
    assert!(first.contains(",e-tram,in_progress,"), "{first}");
}

#[test]
fn a_seal_that_cannot_be_read_over_a_damaged_store_is_refused_at_once() {
    let home = tempfile::tempdir().unwrap();
    assert!(cli(home.path(), &["init"]).status.success());
    let store = home.path().join("data/ocsae");
    let db = store.join("sled/db");
    let len = std::fs::metadata(&db).unwrap().len() as usize;
    std::fs::write(&db, vec![0u8; len]).unwrap();
    std::fs::write(store.join("seal"), "").unwrap();
    for args in [&["export", "municipalities"][..], &["report"][..]] {
        let out = cli_within(home.path(), args, Duration::from_secs(20));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("està malmès"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            vec![0u8; len],
            "the store was rewritten"
        );
    }
}
