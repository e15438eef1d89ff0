//! The binary facing hostile data, a damaged store and its own panics.

mod common;

use common::pty::{binary, spawn};
use std::path::Path;
use std::process::Command;

fn cli(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .args(args)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap()
}

#[test]
fn names_with_escape_sequences_never_reach_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    assert!(cli(home.path(), &["init"]).status.success());
    let nasty = [
        "Joan\u{1b}]0;pwned\u{7} Solé",
        "Anna\u{1b}[2J\u{1b}[31mVidal",
        "Pere\u{9b}31m Roca",
        "Marta\u{202e}atraM\u{2066}x\u{2069}",
        "Zero\u{200b}Width\u{feff}",
    ];
    let mut csv = String::from("ine_code,role,name,phone,email\n");
    for (i, name) in nasty.iter().enumerate() {
        csv.push_str(&format!("252228,other,\"{name}\",97{i},\n"));
    }
    let file = home.path().join("nasty.csv");
    std::fs::write(&file, csv).unwrap();
    let out = cli(home.path(), &["import", "contacts", file.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("s'han tret caràcters de control") && stderr.contains("5 cel·les"),
        "{stderr}"
    );

    let mut s = spawn(home.path(), &[], &[], 100, 30);
    s.wait_for("Àger");
    s.send("gtiurana\r");
    let screen = s.wait_for("252228");
    assert!(
        screen.contains("Joan]0;pwned Solé") || screen.contains("Joan Solé"),
        "{screen}"
    );
    s.send("q");
    s.wait_exit();
    let raw = s.output();
    let text = String::from_utf8_lossy(&raw);
    for bad in [
        "\u{1b}]0;pwned",
        "\u{1b}[2J\u{1b}[31mVidal",
        "\u{9b}",
        "\u{202e}",
        "\u{2066}",
        "\u{200b}",
        "\u{feff}",
    ] {
        assert!(!text.contains(bad), "{bad:?} reached the terminal");
    }
    assert!(!raw.contains(&0x07), "a BEL reached the terminal");
}

#[test]
fn a_damaged_store_is_refused_never_rewritten() {
    for damage in ["truncate", "overwrite"] {
        let home = tempfile::tempdir().unwrap();
        assert!(cli(home.path(), &["init"]).status.success());
        let db = home.path().join("data/ocsae/sled/db");
        let mut bytes = std::fs::read(&db).unwrap();
        match damage {
            "truncate" => bytes.truncate(bytes.len() / 3),
            _ => bytes[200..700].fill(0xAB),
        }
        std::fs::write(&db, &bytes).unwrap();
        let before = std::fs::read(&db).unwrap();
        for args in [&["export", "municipalities"][..], &[][..]] {
            let out = cli(home.path(), args);
            assert_eq!(out.status.code(), Some(1), "{damage} {args:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("està malmès") && stderr.contains("restore --force"),
                "{damage}: {stderr}"
            );
            assert!(
                stderr.contains(&home.path().join("data/ocsae").display().to_string()),
                "{stderr}"
            );
            assert!(
                !stderr.contains("panicked") && !stderr.contains("backtrace"),
                "{stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert_eq!(
                std::fs::read(&db).unwrap(),
                before,
                "{damage}: the store was rewritten"
            );
        }
    }
}

#[test]
fn damage_only_the_checksum_finds_is_refused_after_the_first_frame_with_the_terminal_restored() {
    let home = tempfile::tempdir().unwrap();
    assert!(cli(home.path(), &["init"]).status.success());
    // Bytes changed in the middle, the size and time kept (as a tool may keep
    // them): the first frame is drawn before the checksum, which then finds it.
    let db = home.path().join("data/ocsae/sled/db");
    let mtime = std::fs::metadata(&db).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 64].iter_mut().for_each(|b| *b ^= 0x5A);
    std::fs::write(&db, &bytes).unwrap();
    let file = std::fs::File::options().write(true).open(&db).unwrap();
    file.set_modified(mtime).unwrap();
    drop(file);
    let before = std::fs::read(&db).unwrap();
    let seal = std::fs::read(home.path().join("data/ocsae/seal")).unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    // A key pressed at once writes (Space cycles a rollout cell): it waits for the
    // check, and is refused with the store.
    s.send("2 ");
    assert_eq!(s.wait_exit(), 1);
    let raw = String::from_utf8_lossy(&s.output()).into_owned();
    let frame = raw.find("\x1b[?1049h").expect("no screen was drawn");
    let left = raw.rfind("\x1b[?1049l").expect("the screen was never left");
    assert!(raw[frame..left].contains("Municipis"), "no first frame: {raw:?}");
    let said = &raw[left..];
    assert!(
        said.contains("està malmès") && said.contains("restore --force"),
        "{said:?}"
    );
    assert!(s.with_screen(|sc| !sc.alternate_screen()));
    assert!(s.is_cooked(), "the terminal was left raw");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the store was rewritten");
    assert_eq!(std::fs::read(home.path().join("data/ocsae/seal")).unwrap(), seal);
}

#[test]
fn a_damaged_store_suggests_a_restore_that_works_and_the_damaged_database_is_kept() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("d10");
    let run = |args: &[&str]| common::cli::ocsae_at(&db, args, "2026-11-30T10:00:00+01:00");
    assert!(run(&["init"]).status.success());
    let add = [
        "cert",
        "add",
        "--municipality",
        "252228",
        "--holder",
        "Maria Puig",
    ];
    assert!(
        run(&[&add[..], &["--role", "mayor", "--type", "classe-1"]].concat())
            .status
            .success()
    );
    let backup = home.path().join("bk.json");
    assert!(run(&["backup", backup.to_str().unwrap()]).status.success());
    // Damaged after a crash (no seal): sled itself finds it unreadable.
    std::fs::remove_file(db.join("seal")).unwrap();
    let mut bytes = std::fs::read(db.join("sled/db")).unwrap();
    bytes[200..700].fill(0xAB);
    std::fs::write(db.join("sled/db"), &bytes).unwrap();
    let out = run(&["export", "certificates"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(stderr.contains("is damaged (unreadable data"), "{stderr}");
    for debug in ["Some(", "None", "backtrace", "Inline"] {
        assert!(!stderr.contains(debug), "sled's debug text: {stderr}");
    }
    // The command it gives, as a person would copy it.
    let suggested = stderr.split('"').nth(1).expect("a command in quotes").to_string();
    let db_text = db.display().to_string();
    assert_eq!(
        suggested,
        format!("ocsae --db {db_text} restore --force FILE"),
        "{stderr}"
    );
    let restore = |file: &Path| {
        Command::new(binary())
            .args(["--db", &db_text, "--lang", "en", "restore", "--force"])
            .arg(file)
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("OCSAE_NOW", "2026-11-30T10:00:00+01:00")
            .output()
            .unwrap()
    };
    // A backup refused once the database is aside: the damaged one goes back.
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
    json["certificates"][0]["ine"] = 999999.into();
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&json).unwrap()).unwrap();
    let out = restore(&bad);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read(db.join("sled/db")).unwrap(),
        bytes,
        "the damaged database is back"
    );
    assert!(!std::fs::read_dir(&db).unwrap().any(|e| {
        let name = e.unwrap().file_name();
        name.to_string_lossy().starts_with("sled.damaged-")
    }));
    let out = restore(&backup);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("The damaged database was kept aside in"),
        "{stdout}"
    );
    // Nothing deleted: the damaged database is there as it was, inside the store.
    let aside: Vec<_> = std::fs::read_dir(&db)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("sled.damaged-")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(stdout.contains(&aside[0].display().to_string()), "{stdout}");
    assert_eq!(std::fs::read(aside[0].join("sled/db")).unwrap(), bytes);
    let out = run(&["export", "certificates", "--format", "csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Maria Puig"));
}

#[test]
fn a_panic_restores_the_terminal_logs_the_report_and_keeps_saved_data() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[("OCSAE_TEST_PANIC", "1")], 80, 24);
    s.wait_for("Àger");
    s.send("2 ");
    s.wait_for("passa a «en curs»");
    s.send("\x1b[24~"); // F12
    let code = s.wait_exit();
    assert_ne!(code, 0);
    assert!(
        s.with_screen(|sc| !sc.alternate_screen()),
        "still on the alternate screen"
    );
    assert!(s.is_cooked(), "the terminal was left raw");
    assert!(
        s.contents().contains("OCSAE_TEST_PANIC: F12 pressed"),
        "{}",
        s.contents()
    );
    let log = std::fs::read_to_string(home.path().join("state/ocsae/ocsae.log")).unwrap();
    assert!(
        log.contains("PANIC") && log.contains("OCSAE_TEST_PANIC: F12 pressed"),
        "{log}"
    );
    assert!(
        log.contains("ocsae starts") && log.contains("action=rollout.status"),
        "{log}"
    );

    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.send("2");
    let screen = s.wait_for("TRA VOB");
    assert!(
        screen
            .lines()
            .find(|l| l.starts_with("Àger"))
            .unwrap()
            .contains('◐'),
        "{screen}"
    );
    assert!(
        !screen.contains("ocsae starts"),
        "the log never prints into the dashboard"
    );
    s.send("q");
    s.wait_exit();
}

#[test]
fn read_only_refuses_changing_commands_and_opens_the_dashboard_to_look() {
    let home = tempfile::tempdir().unwrap();
    let out = cli(home.path(), &["--read-only"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "nothing to look at: no store is created"
    );
    assert!(!home.path().join("data/ocsae").exists());
    assert!(cli(home.path(), &["init"]).status.success());
    let out = cli(home.path(), &["--read-only", "init"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "two arguments that do not go together"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--read-only"));
    let mut s = spawn(home.path(), &["--read-only"], &[], 80, 24);
    s.wait_for("[NOMÉS LECTURA]");
    s.send("e");
    s.wait_for("Mode de només lectura");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
