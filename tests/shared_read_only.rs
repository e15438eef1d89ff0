//! The `--read-only` dashboard on a shared store is bounded in time as the
//! dashboard is: a read the server never answers (its processes stopped with
//! SIGSTOP, as a server or a network that stops answering) is given up after
//! 3 s, the store is shown SENSE CONNEXIÓ, and `q` quits. Its own test binary,
//! so that no other test shares the stopped server processes.

mod common;

use common::pg::{self, ADMIN};
use common::pty::{binary, spawn};
use std::process::Command;
use std::time::{Duration, Instant};

/// The store's bound (3 s), and some slack for a busy test machine.
const BOUND: Duration = Duration::from_millis(4500);

/// The server processes serving `user` (read as the cluster's superuser).
fn backends(db: &pg::Db, user: &str) -> Vec<i32> {
    db.sql("postgres")
        .query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = $1",
            &[&user],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn signal(pids: &[i32], signal: i32) {
    for &pid in pids {
        // SAFETY: kill only sends a signal to the process named.
        unsafe { libc::kill(pid, signal) };
    }
}

/// Stopped until dropped, or after `at_most` whatever happens.
struct Stopped(Vec<i32>);

impl Stopped {
    fn stop(pids: Vec<i32>, at_most: Duration) -> Stopped {
        signal(&pids, libc::SIGSTOP);
        let later = pids.clone();
        std::thread::spawn(move || {
            std::thread::sleep(at_most);
            signal(&later, libc::SIGCONT);
        });
        Stopped(pids)
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        signal(&self.0, libc::SIGCONT);
    }
}

#[test]
fn the_read_only_dashboard_gives_up_on_a_server_that_does_not_answer() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    let cli = |store: &str, args: &[&str]| {
        let out = Command::new(binary())
            .args(["--store", store, "--lang", "en"])
            .args(args)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_STATE_HOME", h.join("state"))
            .env("OCSAE_SYSTEM_CONFIG", h.join("none.toml"))
            .env("OCSAE_NOW", "2026-11-26T10:00:00+01:00")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    cli(&db.url(ADMIN), &["init"]);
    cli(
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
    let mut anna = spawn(
        h,
        &["--store", &db.url("anna"), "--read-only"],
        &[("OCSAE_NOW", "2026-11-26T10:00:00+01:00")],
        110,
        30,
    );
    anna.wait_for("Àger");
    anna.send("3");
    anna.wait_for("Maria Puig");
    // Every connection of Anna's dashboard stops answering; Enter reads the
    // request's history from the server.
    let stopped = Stopped::stop(backends(&db, "anna"), Duration::from_secs(40));
    let pressed = Instant::now();
    anna.send("\r");
    anna.wait_for("[SENSE CONNEXIÓ]");
    anna.send("q");
    assert_eq!(anna.wait_exit(), 0);
    let took = pressed.elapsed();
    assert!(took < BOUND + Duration::from_secs(1), "{took:?}");
    assert!(anna.is_cooked(), "the terminal is given back");
    drop(stopped);
}
