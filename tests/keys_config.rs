//! A user's keymap: the status bar names the keys as they work on the screen,
//! and a binding at fault is refused naming its line.

mod common;

use common::cli::text;
use common::pty::binary;
use common::*;
use ocsae::app::StatusKind;
use ocsae::config::Config;
use ocsae::i18n::Lang;
use std::process::Command;

#[test]
fn the_hints_name_the_key_that_works_on_the_screen() {
    let mut config = Config::default();
    config
        .keys
        .entry("municipalities".into())
        .or_default()
        .insert("edit".into(), vec!["m".into()]);
    let mut f = fixture_with("Noguera", Lang::Ca, config);
    let long = (1..=40)
        .map(|i| format!("paraula{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    f.app.set_status(StatusKind::Error, long);
    f.app.log_status();
    // On Municipis `m` edits: it is not the key that shows the whole text there.
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("m tot el text"), "{s}");
    // On Implantació it is.
    f.app
        .handle_key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(
            '2',
        )));
    let long = (1..=40)
        .map(|i| format!("paraula{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    f.app.set_status(StatusKind::Error, long);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("m tot el text"), "{s}");
}

#[test]
fn a_binding_at_fault_is_refused_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let run = |body: &str| {
        std::fs::write(&config, body).unwrap();
        let out = Command::new(binary())
            .args(["--config", config.to_str().unwrap(), "--lang", "en"])
            .args(["--db", dir.path().join("db").to_str().unwrap()])
            .args(["export", "municipalities"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        text(&out.stderr)
    };
    let err = run("language = \"en\"\n\n[keys.certificates]\nnew = [\"n\"]\n");
    assert!(
        err.contains("config.toml, line 4: keys.certificates.new: unknown action"),
        "{err}"
    );
    let err = run("[keys]\nmunicipalities.edit = [\"e\"]\nrollout.fly = [\"x\"]\n");
    assert!(err.contains("line 3: keys.rollout.fly"), "{err}");
    let err = run("[keys.activitat]\nnew = [\"n\"]\n");
    assert!(err.contains("line 1: keys.activitat: unknown context"), "{err}");
    assert!(err.contains("certificates, activity, today)"), "{err}");
}

#[test]
fn a_clash_names_the_line_of_the_binding_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "language = \"en\"\n[keys.global]\nquit = [\"x\"]\n").unwrap();
    let out = Command::new(binary())
        .args(["--config", config.to_str().unwrap(), "--lang", "en"])
        .args(["--db", dir.path().join("db").to_str().unwrap()])
        .args(["export", "municipalities"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("config.toml, line 3: "), "{err}");
}
