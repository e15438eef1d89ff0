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
                stderr.contains("està malmès") && stderr.contains("ocsae restore"),
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
