//! sled's own writes failing for real, as on a full disk: a child process runs
//! under a file-size limit (RLIMIT_FSIZE; a test cannot mount a small filesystem),
//! so sled's write fails with EFBIG, records the error, and refuses every later
//! write until it is reopened, as it does with ENOSPC. The child then lifts the
//! limit itself, as freeing space would.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::event::Event;
use ocsae::popups::prompt::Prompt;
use std::path::Path;
use std::process::Command;

/// Caps the size any file of this process may grow to (None: no cap).
fn limit_file_size(bytes: Option<u64>) {
    let limit = libc::rlimit {
        rlim_cur: bytes.unwrap_or(libc::RLIM_INFINITY),
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: plain system calls on this process's own limits and signal mask.
    unsafe {
        // Without this, growing a file past the limit kills the process.
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
}

fn db_size(store_dir: &Path) -> u64 {
    std::fs::metadata(store_dir.join("sled/db")).unwrap().len()
}

fn blobs(store_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store_dir.join("sled/blobs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `name` (an ignored test of this file) in a process of its own.
fn run_child(name: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", name, "--nocapture", "--test-threads", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_dashboard_writes_what_waits_once_the_disk_takes_it_again() {
    run_child("dashboard_child");
}

#[test]
fn a_failed_import_leaves_no_orphan_blob_and_no_temporary_seal() {
    run_child("import_child");
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn dashboard_child() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('2'));
    // One change first, as a session would have: sled's first write after the
    // seeding does more than append, and the limit is meant for the next.
    press(&mut f.app, KeyCode::Char('l'));
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char('h'));
    limit_file_size(Some(db_size(f.dir.path())));

    // The first change reaches sled's memory, not the disk: shown, and marked.
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(f.app.data.status(0, 0), RolloutStatus::InProgress);
    let s = screen(&f.app, 100, 30);
    assert!(s.contains("NO DESAT AL DISC"), "{s}");
    assert!(s.lines().next().unwrap().contains("[NO DESAT: 1]"), "{s}");
    // sled refuses everything after that: the next change is not applied.
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(f.app.data.status(1, 0), RolloutStatus::Pending);
    assert!(screen(&f.app, 100, 30).contains("NO DESAT"));
    // While something waits, the loop wakes up to try again.
    let tick = f.app.next_tick().expect("a retry is scheduled");
    assert!(tick <= std::time::Duration::from_secs(5), "{tick:?}");
    // Quitting now would lose it: the dashboard asks, and stays.
    press(&mut f.app, KeyCode::Char('q'));
    assert!(!f.app.quit);
    assert!(f.app.popup_as::<Prompt>().is_some());
    let s = screen(&f.app, 100, 30);
    assert!(
        s.contains("Sortir sense desar? (s/n) Es perdria: estat d'implantació: Àger · TRA"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('n'));
    assert!(!f.app.quit);

    // Room again: the timer's retry writes what waited, with no key pressed.
    limit_file_size(None);
    f.app.handle_event(Event::Tick);
    let s = screen(&f.app, 100, 30);
    assert!(s.contains("Desat: el canvi pendent ja és al disc."), "{s}");
    assert!(!s.lines().next().unwrap().contains("NO DESAT"), "{s}");
    // And the change that was refused goes through now.
    press(&mut f.app, KeyCode::Char(' '));
    assert!(screen(&f.app, 100, 30).contains("Desat ·"), "no warning left");
    assert_eq!(f.app.data.status(1, 0), RolloutStatus::InProgress);
    press(&mut f.app, KeyCode::Char('q'));
    assert!(f.app.quit, "nothing waits: no question");

    let f = f.restart();
    assert_eq!(f.app.data.status(0, 0), RolloutStatus::InProgress);
    assert_eq!(f.app.data.status(1, 0), RolloutStatus::InProgress);
    let history = f.app.store.changes_since(0).unwrap();
    let seqs: Vec<u64> = history.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4], "one entry each, in order");
    let rollout_of = |seq: usize| match &history[seq].edits[0].after {
        Some(ocsae::store::Record::Rollout(r)) => (r.ine, r.service.clone()),
        other => panic!("{other:?}"),
    };
    let councils = &f.app.data.municipalities;
    assert_eq!(rollout_of(2), (councils[0].ine, "e-tram".to_string()));
    assert_eq!(rollout_of(3), (councils[1].ine, "e-tram".to_string()));
    assert_eq!(history[2].at, at(NOW), "the change kept its time");
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn import_child() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at(NOW)).unwrap();
    drop(store);
    let mut csv = String::from("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "252228,Titular {i} amb un nom llarg,mayor,tcat,new,no,received,2026-11-20 10:00,\n"
        ));
    }
    let file = dir.path().join("import.csv");
    std::fs::write(&file, csv).unwrap();

    let store = open_store(dir.path());
    let before = blobs(dir.path());
    limit_file_size(Some(db_size(dir.path())));
    let table = ocsae::io::csv_input::read(&file, 1024).unwrap();
    let result =
        ocsae::io::import::certificates_from(store.as_ref(), &table, chrono_tz::Europe::Madrid, at(NOW));
    assert!(result.is_err(), "the import went through");
    drop(store);
    limit_file_size(None);
    assert_eq!(blobs(dir.path()), before, "a blob of the failed import was left");
    assert!(!dir.path().join("seal.tmp").exists());
    let store = open_store(dir.path());
    assert!(store.certificates().unwrap().is_empty());
    assert_eq!(store.changes_since(0).unwrap().len(), 1);
}

/// The binary in a terminal, its files capped once a first change is on disk, as a
/// disk that fills up while the dashboard is open.
#[test]
fn quitting_on_a_full_disk_asks_naming_the_change_and_says_on_stderr_what_was_lost() {
    use common::pty::{binary, spawn_program};
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("db");
    let init = Command::new(binary())
        .args(["--db", db.to_str().unwrap(), "init"])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap();
    assert!(init.status.success());
    // A file past the cap fails with EFBIG; the signal that would kill is ignored,
    // as a full disk kills nothing.
    let mut s = spawn_program(
        "/bin/sh",
        home.path(),
        &[
            "-c",
            "trap '' XFSZ; exec \"$0\" --db \"$1\"",
            &binary(),
            db.to_str().unwrap(),
        ],
        &[],
        80,
        24,
    );
    s.wait_for("Àger");
    s.send("2");
    s.wait_for("TRA");
    s.send(" ");
    s.wait_for("Desat");
    // Nothing may grow past its first byte: sled's next write past it fails.
    let cap = 1;
    let pid = s.pid().unwrap().to_string();
    let capped = Command::new("prlimit")
        .args(["--pid", &pid, &format!("--fsize={cap}")])
        .status()
        .unwrap();
    assert!(capped.success());
    s.send("j ");
    s.wait_for("NO DESAT AL DISC (w reintenta): el disc és ple.");
    s.send("q");
    let screen = s.wait_for("Sortir sense desar? (s/n) Es perdria: estat d'implantació: ");
    // The question, and the answer's row under it when it does not fit beside.
    let question = screen
        .lines()
        .rev()
        .find(|l| l.contains("Sortir"))
        .unwrap()
        .to_string();
    assert!(question.contains("Albesa · TRA"), "{question}");
    // The log the disk refuses says nothing on the screen.
    assert!(
        !screen.contains("tracing") && !screen.contains("File too large"),
        "{screen}"
    );
    s.send("s");
    assert_eq!(s.wait_exit(), 0);
    let after = s.contents();
    assert!(
        after
            .contains("ocsae: no s'ha pogut desar al disc, i s'ha perdut: estat d'implantació: Albesa · TRA"),
        "{after}"
    );
}
