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

/// A child's exit status when sled refused its change outright: safe, but not
/// the path under test, so it is run again.
const INCONCLUSIVE: i32 = 75;

/// Runs `name` (an ignored test of this file) in a process of its own; again,
/// up to five times in all, while it ends inconclusive.
fn run_child(name: &str) {
    let mut out;
    let mut runs = 0;
    loop {
        runs += 1;
        out = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", name, "--nocapture", "--test-threads", "1"])
            .output()
            .unwrap();
        if out.status.code() != Some(INCONCLUSIVE) || runs == 5 {
            break;
        }
    }
    assert!(
        out.status.success(),
        "{name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `name` in a process of its own on the store directory `dir`, killing it
/// if it has not ended within `limit`: a child that hangs fails the test.
fn run_child_within(name: &str, dir: &Path, limit: std::time::Duration) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", name, "--nocapture", "--test-threads", "1"])
        .env("OCSAE_TEST_DIR", dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{name} still running after {limit:?}:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A seeded Noguera store in `OCSAE_TEST_DIR/db`, and a file of 3,000 requests
/// beside it: an import writes them in batches, but a backup lists them in one
/// entry, which a restore writes as a blob larger than 100 KB.
fn store_and_large_import() -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::path::PathBuf::from(std::env::var_os("OCSAE_TEST_DIR").unwrap());
    let db = dir.join("db");
    let store = open_store(&db);
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at(NOW)).unwrap();
    drop(store);
    let mut csv = String::from("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "252228,Titular {i} amb un nom llarg,mayor,tcat,new,no,received,2026-11-20 10:00,\n"
        ));
    }
    let file = dir.join("import.csv");
    std::fs::write(&file, csv).unwrap();
    (db, file)
}

fn import_large(store: &dyn ocsae::store::Store, file: &Path) -> Result<(), ocsae::io::IoError> {
    let table = ocsae::io::csv_input::read(file, 1024)?;
    ocsae::io::import::certificates_from(store, &table, chrono_tz::Europe::Madrid, at(NOW)).map(|_| ())
}

/// A file size limit under which the large import's blob is refused.
const BLOB_REFUSED: u64 = 160 * 1024;

/// The blobs a seal vouches for.
fn sealed_blobs(store_dir: &Path) -> Vec<String> {
    std::fs::read_to_string(store_dir.join("seal"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split(' ').nth(3))
        .filter_map(|name| name.strip_prefix("blobs/"))
        .map(str::to_string)
        .collect()
}

#[test]
fn an_import_the_disk_refuses_midway_never_hangs_and_leaves_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    run_child_within(
        "refused_import_child",
        dir.path(),
        std::time::Duration::from_secs(60),
    );
    let db = dir.path().join("db");
    let store = open_store(&db);
    assert!(store.certificates().unwrap().is_empty());
    assert_eq!(store.changes_since(0).unwrap().len(), 1, "only the seeding");
}

#[test]
fn after_a_restores_blob_the_disk_refused_a_retry_says_to_start_again_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    run_child_within(
        "stalled_retry_child",
        dir.path(),
        std::time::Duration::from_secs(60),
    );
    let store = open_store(&dir.path().join("db"));
    assert_eq!(store.changes_since(0).unwrap().len(), 1, "only the seeding");
}

#[test]
fn an_import_the_disk_took_in_memory_but_not_on_disk_is_not_imported() {
    let dir = tempfile::tempdir().unwrap();
    run_child_within(
        "unflushed_import_child",
        dir.path(),
        std::time::Duration::from_secs(60),
    );
    let db = dir.path().join("db");
    let store = open_store(&db);
    assert!(store.certificates().unwrap().is_empty());
    assert_eq!(store.changes_since(0).unwrap().len(), 1, "only the seeding");
    drop(store);
    assert!(sealed_blobs(&db).is_empty() && blobs(&db).is_empty());
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn unflushed_import_child() {
    let (db, file) = store_and_large_import();
    let store = open_store(&db);
    assert!(blobs(&db).is_empty());
    // Room for some of the batches, not for all of them and the commit's flush.
    limit_file_size(Some(640 * 1024));
    let err = import_large(store.as_ref(), &file).expect_err("said imported, and lost at exit");
    match err {
        ocsae::io::IoError::Store(e) => assert!(e.disk_full(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert!(
        blobs(&db).is_empty(),
        "an import's batches are small values: no blob"
    );
    drop(store);
    limit_file_size(None);
    assert!(ocsae::store::stalled().is_empty());
    assert!(
        blobs(&db).is_empty(),
        "closing after the failed import leaves no blob"
    );
    // Whether a log cut short refers to it is for sled to say: never vouched for.
    assert!(sealed_blobs(&db).is_empty(), "{:?}", sealed_blobs(&db));
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn refused_import_child() {
    let (db, file) = store_and_large_import();
    let store = open_store(&db);
    let before = blobs(&db);
    // Past the log's end (about 120 KB): some batches are written, then refused.
    limit_file_size(Some(BLOB_REFUSED));
    let err = import_large(store.as_ref(), &file).expect_err("the import went through");
    assert!(format!("{err:?}").contains("Backend"), "{err:?}");
    let started = std::time::Instant::now();
    drop(store);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    limit_file_size(None);
    // No blob, so sled is closed as usual: nothing stalls.
    assert!(ocsae::store::stalled().is_empty());
    assert_eq!(blobs(&db), before);
}

/// A backup of 3,000 requests, taken from another store beside `db`.
fn large_backup(db: &Path, file: &Path) -> ocsae::store::Dump {
    let store = open_store(&db.with_file_name("other"));
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at(NOW)).unwrap();
    import_large(store.as_ref(), file).unwrap();
    store.dump(at(NOW)).unwrap()
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn stalled_retry_child() {
    let (db, file) = store_and_large_import();
    let dump = large_backup(&db, &file);
    let store = open_store(&db);
    // sled writes a blob as it reserves its place in the log, and the log only
    // when its buffer is full: past the log's end, short of the blob's size, the
    // blob is refused first.
    limit_file_size(Some(BLOB_REFUSED));
    store.restore(&dump, true).expect_err("the restore went through");
    limit_file_size(None);
    // The dashboard's retry: sled cannot be closed to be reopened. Said, not waited for.
    assert!(store.needs_retry());
    let started = std::time::Instant::now();
    let err = store.retry().expect_err("reopened a sled that cannot close");
    assert!(matches!(err, ocsae::store::StoreError::Stalled(_)), "{err:?}");
    let t = ocsae::i18n::I18n::new(ocsae::i18n::Lang::Ca);
    assert!(
        err.localize(&t).contains("torneu a obrir ocsae"),
        "{}",
        err.localize(&t)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // Every later change says so at once.
    let started = std::time::Instant::now();
    assert!(matches!(store.retry(), Err(ocsae::store::StoreError::Stalled(_))));
    let councils = store.municipalities().err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{councils:?}"
    );
    drop(store);
    assert_eq!(ocsae::store::stalled(), [db.display().to_string()]);
}

#[test]
fn a_forced_restore_the_disk_refuses_never_hangs_and_the_store_keeps_what_it_had() {
    let dir = tempfile::tempdir().unwrap();
    run_child_within(
        "stalled_restore_child",
        dir.path(),
        std::time::Duration::from_secs(60),
    );
    let store = open_store(&dir.path().join("db"));
    assert!(
        store.certificates().unwrap().is_empty(),
        "the backup is not half in"
    );
    assert_eq!(store.municipalities().unwrap().len(), 30);
    assert_eq!(store.changes_since(0).unwrap().len(), 1, "only the seeding");
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn stalled_restore_child() {
    let (db, file) = store_and_large_import();
    let dump = large_backup(&db, &file);
    let store = open_store(&db);
    let before = blobs(&db);
    limit_file_size(Some(BLOB_REFUSED));
    let err = store.restore(&dump, true).expect_err("the restore went through");
    let started = std::time::Instant::now();
    drop(store);
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{err:?}");
    limit_file_size(None);
    assert_eq!(ocsae::store::stalled(), [db.display().to_string()]);
    let sealed = sealed_blobs(&db);
    assert!(sealed.iter().all(|b| before.contains(b)), "{sealed:?}");
}

#[test]
fn a_forced_restore_the_disk_took_in_memory_but_not_on_disk_leaves_no_blob() {
    let dir = tempfile::tempdir().unwrap();
    run_child_within(
        "unflushed_restore_child",
        dir.path(),
        std::time::Duration::from_secs(60),
    );
    let store = open_store(&dir.path().join("db"));
    assert!(
        store.certificates().unwrap().is_empty(),
        "the backup is not half in"
    );
    assert_eq!(store.changes_since(0).unwrap().len(), 1, "only the seeding");
}

#[test]
#[ignore = "run in a process of its own by the test above"]
fn unflushed_restore_child() {
    let (db, file) = store_and_large_import();
    let other = db.with_file_name("other");
    let dump = {
        let store = open_store(&other);
        let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
        ocsae::store::seed::seed(store.as_ref(), &scope, at(NOW)).unwrap();
        import_large(store.as_ref(), &file).unwrap();
        store.dump(at(NOW)).unwrap()
    };
    let store = open_store(&db);
    let before = blobs(&db);
    // Room for the transaction and its blob, not for the log's flush.
    limit_file_size(Some(640 * 1024));
    store.restore(&dump, true).expect_err("the restore went through");
    assert!(
        blobs(&db).len() > before.len(),
        "no blob written: the test misses its case"
    );
    drop(store);
    limit_file_size(None);
    assert!(ocsae::store::stalled().is_empty());
    assert_eq!(
        blobs(&db),
        before,
        "the failed restore's blob is left until the next open"
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
    if f.app.data.status(0, 0) == RolloutStatus::Pending {
        // sled's log writer, on a thread of its own, recorded the failure before
        // the transaction ended, which then refused it (more often under load):
        // nothing changed and the screen says so; the path under test is the other.
        let s = screen(&f.app, 100, 30);
        assert!(s.contains("NO DESAT"), "{s}");
        std::process::exit(INCONCLUSIVE);
    }
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
/// disk that fills up while the dashboard is open. sled may refuse the change
/// outright instead (see `dashboard_child`): safe, but not the path under test, so
/// the dashboard runs again, ten times at most (each run takes a fraction of a second).
#[test]
fn quitting_on_a_full_disk_asks_naming_the_change_and_says_on_stderr_what_was_lost() {
    for _ in 0..10 {
        if quit_on_a_full_disk() {
            return;
        }
    }
    panic!("sled refused the change outright ten times: the path under test never ran");
}

/// One run of the test above: false if sled refused the change outright (checked:
/// nothing changed, and nothing is said lost at the end).
fn quit_on_a_full_disk() -> bool {
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
    let (refused, screen) = s.wait_for_any(&[
        "NO DESAT AL DISC (w reintenta): el disc és ple.",
        "NO DESAT: el disc és ple.",
    ]);
    if refused == 1 {
        // Albesa's TRA stayed pending, and quitting has nothing to ask or lose.
        let albesa = screen.lines().find(|l| l.starts_with("Albesa")).unwrap();
        assert!(!albesa.contains('◐'), "{screen}");
        s.send("q");
        assert_eq!(s.wait_exit(), 0);
        assert!(!s.contents().contains("s'ha perdut"), "{}", s.contents());
        return false;
    }
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
    true
}

/// The binary, run with every file it writes capped at `bytes` (as a full disk
/// would refuse them; the signal that would kill it is ignored).
fn capped(command: &mut Command, bytes: u64) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe system calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: libc::RLIM_INFINITY,
            };
            match libc::setrlimit(libc::RLIMIT_FSIZE, &limit) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        })
    }
}

#[test]
fn the_dashboard_refused_for_want_of_room_names_the_store_suggests_read_only_and_logs_it() {
    use common::pty::binary;
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("db");
    let env = |c: &mut Command| {
        c.env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("LANG", "C.UTF-8");
    };
    let mut init = Command::new(binary());
    env(&mut init);
    assert!(
        init.args(["--db", db.to_str().unwrap(), "init"])
            .status()
            .unwrap()
            .success()
    );
    // After a crash (no seal), opening to write copies the database aside first:
    // a disk that takes no file past 64 KB refuses that.
    std::fs::remove_file(db.join("seal")).unwrap();
    let mut dashboard = Command::new(binary());
    env(&mut dashboard);
    let out = capped(dashboard.args(["--db", db.to_str().unwrap()]), 64 * 1024)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let db_text = db.display().to_string();
    assert!(
        stderr.contains(&format!(
            "el magatzem {db_text} per treballar-hi necessita espai lliure"
        )) && stderr.contains(&format!("«ocsae --db {db_text} --read-only»")),
        "{stderr}"
    );
    let log = std::fs::read_to_string(home.path().join("state/ocsae/ocsae.log")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("ERROR") && l.contains("the dashboard cannot open")),
        "{log}"
    );
}
