//! Untrusted text in the real terminal: invisible and width-changing characters
//! never reach it, and emoji families arrive whole.

mod common;

use common::pty::{binary, spawn};
use std::process::Command;

const FAMILY: &str = "👨\u{200D}👩\u{200D}👧";

#[test]
fn invisible_characters_never_reach_the_terminal_and_families_stay_whole() {
    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        Command::new(binary())
            .args(args)
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap()
    };
    assert!(cli(&["init"]).status.success());
    let names = [
        ("Joan\u{3164}Solé", "Joan Solé"),
        ("Anna \u{0600}1 Vidal", "Anna 1 Vidal"),
        ("Pere\u{17B4}\u{17B5} Roca", "Pere Roca"),
        ("Marta\u{FE0E}\u{E0100}\u{180B} Puig", "Marta Puig"),
        ("Laia\u{206A}\u{115F}\u{1160} Font", "Laia Font"),
        ("Lluís\u{200D} Bo", "Lluís Bo"),
    ];
    let mut csv = String::from("ine_code,role,name,phone,email\n");
    for (name, _) in names {
        csv.push_str(&format!("252228,other,{name},,\n"));
    }
    csv.push_str(&format!("252228,other,Família {FAMILY} Mas,,\n"));
    let file = home.path().join("contacts.csv");
    std::fs::write(&file, csv).unwrap();
    let out = cli(&["import", "contacts", file.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invisibles del text de 6 cel·les"), "{stderr}");

    let mut s = spawn(home.path(), &[], &[], 100, 40);
    s.wait_for("Àger");
    s.send("gtiurana\r");
    s.wait_for("252228");
    s.send("\r");
    let screen = s.wait_for("Família");
    for (_, shown) in names {
        assert!(screen.contains(shown), "{shown} missing from:\n{screen}");
    }
    s.send("q");
    s.wait_exit();
    let raw = String::from_utf8_lossy(&s.output()).into_owned();
    assert!(raw.contains(FAMILY), "the family was split");
    for bad in [
        '\u{3164}',
        '\u{0600}',
        '\u{17B4}',
        '\u{17B5}',
        '\u{FE0E}',
        '\u{E0100}',
        '\u{180B}',
        '\u{206A}',
        '\u{115F}',
        '\u{1160}',
    ] {
        assert!(!raw.contains(bad), "U+{:04X} reached the terminal", bad as u32);
    }
    for (at, _) in raw.match_indices('\u{200D}') {
        let before = raw[..at].chars().next_back();
        let after = raw[at + '\u{200D}'.len_utf8()..].chars().next();
        assert!(
            matches!(before, Some('👨' | '👩')) && matches!(after, Some('👩' | '👧')),
            "a joiner outside the family reached the terminal: {before:?} ZWJ {after:?}"
        );
    }
}
