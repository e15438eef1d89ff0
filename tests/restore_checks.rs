//! A restore, and the store's files, as an attacker tries them: a backup checked
//! in full before anything is made, the forms' rules on its records, and FIFOs
//! among the store's files that must never make ocsae wait.

mod common;

use common::cli::{command_at, ocsae_at, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant, SystemTime};

const NOW: &str = "2026-12-05T12:00:00+01:00";

fn ocsae(db: &Path, args: &[&str]) -> Output {
    ocsae_at(db, args, NOW)
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// A Noguera store with one request, and its backup as JSON at `dir/bk.json`.
fn store_and_backup() -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base");
    ok(ocsae(&db, &["init"]));
    ok(ocsae(
        &db,
        &[
            "cert",
            "add",
            "--municipality",
            "252228",
            "--holder",
            "Maria Puig",
            "--role",
            "mayor",
            "--type",
            "classe-1",
        ],
    ));
    let backup = dir.path().join("bk.json");
    ok(ocsae(&db, &["backup", backup.to_str().unwrap()]));
    let json = serde_json::from_slice(&fs::read(&backup).unwrap()).unwrap();
    (dir, db, json)
}

fn write_json(path: &Path, json: &serde_json::Value) -> String {
    fs::write(path, serde_json::to_vec(json).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

/// Runs the command; None if it had not ended within eight seconds (it is killed).
fn within_8s(db: &Path, args: &[&str]) -> Option<Output> {
    let mut child = command_at(db, args, NOW)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(8) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(child.wait_with_output().unwrap())
}

fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo only creates a node at a path we own.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_backup_that_is_refused_leaves_an_empty_directory_untouched_not_even_briefly_written() {
    let (dir, _, mut json) = store_and_backup();
    let first = json["certificates"][0].clone();
    json["certificates"].as_array_mut().unwrap().push(first);
    let bad = write_json(&dir.path().join("bad_dup.json"), &json);
    let empty = dir.path().join("E");
    fs::create_dir(&empty).unwrap();
    // Its time in the past: anything made in it and removed again moves it.
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    fs::File::open(&empty).unwrap().set_modified(past).unwrap();
    let out = ocsae(&empty, &["restore", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("request 1 appears twice"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read_dir(&empty).unwrap().count(), 0);
    assert_eq!(
        fs::metadata(&empty).unwrap().modified().unwrap(),
        past,
        "something was made in the directory before the backup was refused"
    );
}

#[test]
fn a_restore_applies_the_forms_rules_and_names_the_record_and_field() {
    let (dir, _, json) = store_and_backup();
    let cases: [(&str, &str, serde_json::Value, &str); 4] = [
        (
            "certificates",
            "holder",
            "h".repeat(300).into(),
            "request 1, field holder",
        ),
        // 2099-12-01, in the milliseconds a backup keeps times in.
        (
            "certificates",
            "received_at",
            4_099_766_400_000u64.into(),
            "request 1, field received_at",
        ),
        ("municipalities", "name", "x".repeat(5_000).into(), "field name"),
        ("municipalities", "notes", "n".repeat(2_001).into(), "field notes"),
    ];
    for (list, field, value, said) in cases {
        let mut bad = json.clone();
        bad[list][0][field] = value;
        let file = write_json(&dir.path().join("bad.json"), &bad);
        let db = dir.path().join(format!("new-{list}-{field}"));
        let out = ocsae(&db, &["restore", &file]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{field}: {}", text(&out.stdout));
        assert!(
            err.contains(said) && err.contains("nothing was written"),
            "{field}: {err}"
        );
        assert!(!db.exists(), "{field}: the store was made");
    }
    // The backup as written restores.
    let file = write_json(&dir.path().join("good.json"), &json);
    ok(ocsae(&dir.path().join("good"), &["restore", &file]));
}

#[test]
fn a_fifo_among_the_stores_files_never_makes_a_command_wait_and_restore_force_sets_it_aside() {
    let (dir, base, _) = store_and_backup();
    let backup = dir.path().join("bk.json");
    for name in ["sled/db", "schema-version", "ocsae.lock"] {
        for sealed in [true, false] {
            let db = dir.path().join("S");
            let _ = fs::remove_dir_all(&db);
            fs::create_dir(&db).unwrap();
            for entry in fs::read_dir(&base).unwrap().flatten() {
                let status = std::process::Command::new("cp")
                    .arg("-a")
                    .arg(entry.path())
                    .arg(&db)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            if !sealed {
                fs::remove_file(db.join("seal")).unwrap();
            }
            fs::remove_file(db.join(name)).unwrap();
            mkfifo(&db.join(name));
            for args in [&["export", "certificates"][..], &["report"]] {
                let out = within_8s(&db, args)
                    .unwrap_or_else(|| panic!("{name} (sealed: {sealed}): {args:?} waited on a FIFO"));
                assert_eq!(out.status.code(), Some(1), "{name}: {args:?}");
                let err = text(&out.stderr);
                assert!(err.contains("damaged") && err.contains(name), "{name}: {err}");
            }
            let out = within_8s(&db, &["restore", "--force", backup.to_str().unwrap()])
                .unwrap_or_else(|| panic!("{name} (sealed: {sealed}): restore --force waited on a FIFO"));
            assert!(out.status.success(), "{name}: {}", text(&out.stderr));
            let json = ok(within_8s(&db, &["export", "certificates"]).expect("waited"));
            assert!(json.contains("Maria Puig"), "{name}: {json}");
            let aside = fs::read_dir(&db)
                .unwrap()
                .flatten()
                .find(|e| e.file_name().to_string_lossy().starts_with("sled.damaged-"))
                .expect("the damaged database set aside");
            use std::os::unix::fs::FileTypeExt;
            let moved = fs::symlink_metadata(aside.path().join(name)).unwrap();
            assert!(
                moved.file_type().is_fifo(),
                "{name}: the FIFO is kept aside, not removed"
            );
        }
    }
}

#[test]
fn restore_and_import_speak_of_what_they_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let out = ocsae(&db, &["restore", "/dev/zero"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("/dev/zero") && err.contains("restored"), "{err}");
    assert!(!err.contains("import"), "a restore speaks of importing: {err}");
    let help = ok(ocsae(&db, &["import", "--help"]));
    assert!(
        help.contains("<contacts|certificates|activity|rollout>"),
        "{help}"
    );
}

#[test]
fn a_damaged_stores_detail_is_in_the_users_language() {
    let (dir, base, _) = store_and_backup();
    // A byte of the database overwritten since it was sealed.
    let db = base.join("sled/db");
    let mut bytes = fs::read(&db).unwrap();
    bytes[100] ^= 0xff;
    fs::write(&db, bytes).unwrap();
    let out = std::process::Command::new(common::pty::binary())
        .args(["--lang", "ca", "--db"])
        .arg(&base)
        .args(["export", "certificates"])
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .env("OCSAE_NOW", NOW)
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(
        err.contains("està malmès (sled/db ha canviat des que es va tancar)"),
        "{err}"
    );
    assert!(!err.contains("changed since"), "{err}");
}

#[test]
fn a_sled_restore_says_what_it_brings_per_comarca_and_per_author_read_as_it_streams() {
    let (dir, _, json) = store_and_backup();
    // Written again with its keys in alphabetical order: the councils come after
    // the requests that name them, and are counted once all are read.
    let backup = write_json(&dir.path().join("moved.json"), &json);
    let user = json["history"][0]["entry"]["user"].as_str().unwrap().to_string();
    let out = ok(ocsae(&dir.path().join("copy"), &["restore", &backup]));
    assert!(out.contains("By comarca:\n"), "{out}");
    assert!(
        out.contains("  Noguera: 30 councils, 1 request, 0 activities\n"),
        "{out}"
    );
    assert!(out.contains("By author"), "{out}");
    assert!(out.contains(&format!("  {user}: ")), "{out}");
}

#[test]
fn a_backup_whose_counters_or_numbers_are_past_any_office_is_refused_naming_them() {
    let (dir, _, json) = store_and_backup();
    for (field, path) in [
        ("next_history_seq", vec!["next_history_seq"]),
        ("next_certificate_id", vec!["next_certificate_id"]),
        ("certificates[].id", vec!["certificates", "0", "id"]),
    ] {
        let mut bad = json.clone();
        let mut at = &mut bad;
        for key in &path {
            at = match key.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*key],
            };
        }
        *at = serde_json::json!(9_223_372_036_854_775_807u64);
        let file = write_json(&dir.path().join("huge.json"), &bad);
        let target = dir.path().join(format!("copy-{}", path.join("-")));
        let out = ocsae(&target, &["restore", &file]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{field}: {err}");
        assert!(
            err.contains(&format!("{field} is 9223372036854775807, too large")),
            "{field}: {err}"
        );
        assert!(!target.exists(), "{field}: a directory was made");
    }
}
