//! The binary in a pseudo-terminal: it starts, shows the tabs and councils,
//! refuses a second copy, and leaves the terminal as it found it.

mod common;

use common::pty::{binary, spawn};

#[test]
fn starts_shows_the_tabs_and_quits_with_the_terminal_restored() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    let screen = s.wait_for("Penelles");
    assert!(!s.is_cooked(), "the dashboard runs in raw mode");
    for text in [
        "Noguera",
        "0 Avui",
        "1 Munic.",
        "2 Implant.",
        "3 Certif.",
        "Àger",
        "637",
    ] {
        assert!(screen.contains(text), "{text} missing from:\n{screen}");
    }
    assert!(
        !screen
            .lines()
            .any(|l| common::unmarked(l).starts_with("Balaguer ")),
        "Balaguer is over 5,000"
    );
    assert!(s.with_screen(|sc| sc.alternate_screen()));
    s.send("?");
    s.wait_for("Ajuda · Municipis");
    s.send("\x1b");
    s.wait_gone("Ajuda · Municipis");
    s.send("2");
    s.wait_for("TRA VOB EAC");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(
        s.with_screen(|sc| !sc.alternate_screen()),
        "still on the alternate screen"
    );
    assert!(
        s.with_screen(|sc| !sc.hide_cursor()),
        "the cursor is still hidden"
    );
    assert!(s.is_cooked(), "the terminal was left in raw mode");
}

#[test]
fn a_second_copy_is_refused_with_one_clear_sentence() {
    let home = tempfile::tempdir().unwrap();
    let mut first = spawn(home.path(), &[], &[], 80, 24);
    first.wait_for("Àger");
    let out = std::process::Command::new(binary())
        .env_clear()
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let store = home.path().join("data").join("ocsae");
    assert_eq!(
        stderr,
        format!(
            "ocsae: el magatzem {} està en ús per un altre procés d'ocsae\n",
            store.display()
        )
    );
    first.send("q");
    assert_eq!(first.wait_exit(), 0);
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let home = tempfile::tempdir().unwrap();
        let mut s = spawn(home.path(), &[], &[], 80, 24);
        s.wait_for("Àger");
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(s.pid().unwrap() as i32, signal);
        }
        assert_eq!(s.wait_exit(), 128 + signal as u32);
        assert!(s.with_screen(|sc| !sc.alternate_screen()));
        assert!(s.is_cooked(), "signal {signal} left the terminal raw");
    }
}

#[test]
fn no_color_sends_no_colour_codes() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[("NO_COLOR", "1")], 80, 24);
    s.wait_for("Àger");
    s.send("j");
    s.send("2");
    s.wait_for("TRA VOB");
    s.send("q");
    s.wait_exit();
    let out = String::from_utf8_lossy(&s.output()).into_owned();
    // Any SGR that sets a colour: 30–37, 38;…, 40–47, 48;…, 90–97, 100–107.
    for seq in out.split("\x1b[").skip(1) {
        let Some(end) = seq.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        if &seq[end..=end] != "m" {
            continue;
        }
        for param in seq[..end].split(';') {
            let n: u32 = param.parse().unwrap_or(0);
            assert!(
                !matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107),
                "colour code ESC[{}m sent under NO_COLOR",
                &seq[..end]
            );
        }
    }
}

#[test]
fn an_unknown_comarca_lists_the_closest() {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(binary())
        .args([
            "--db",
            home.path().join("s").to_str().unwrap(),
            "init",
            "--comarca",
            "Nugerola",
        ])
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("«Nugerola»; les més properes: Noguera"),
        "{stderr}"
    );
    assert!(!home.path().join("s").exists(), "nothing created");
    let out = std::process::Command::new(binary())
        .args([
            "--db",
            home.path().join("p").to_str().unwrap(),
            "init",
            "--comarca",
            "priorat",
        ])
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("23 municipis"));
}

#[test]
fn filter_and_quick_jump_in_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.send("/meia");
    let screen = s.wait_for("Vilanova de Meià");
    assert!(!screen.contains("Àger"), "{screen}");
    s.send("\x1b");
    // The filter is gone; the council found stays selected.
    s.wait_for("29 municipis");
    s.send("gtiurana");
    s.wait_for("› tiurana");
    s.send("\r");
    let screen = s.wait_for("252228");
    assert!(screen.contains("Tiurana"), "{screen}");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_tick_survives_kill_9_and_undo_works_the_next_morning() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.send("2");
    s.wait_for("TRA VOB");
    s.send("lllll\r");
    s.wait_for("e-NOTUM · Àger");
    // Space asks the day the step was done, now by default: Enter takes it.
    s.send(" ");
    s.wait_for("Enter marca el pas");
    s.send("\r");
    s.wait_for("passa a «en curs»");
    // SAFETY: killing our own child process.
    unsafe {
        libc::kill(s.pid().unwrap() as i32, libc::SIGKILL);
    }
    s.wait_exit();

    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.send("2");
    let screen = s.wait_for("TRA VOB");
    let ager = screen.lines().find(|l| l.starts_with("Àger")).unwrap();
    assert!(ager.contains('◐'), "the tick was lost: {ager}");
    s.send("u");
    s.wait_for("Desfet: Àger · NOT, en curs → pendent.");
    let screen = s.contents();
    let ager = screen.lines().find(|l| l.starts_with("Àger")).unwrap();
    assert!(!ager.contains('◐'), "{ager}");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn requests_filed_in_the_terminal_count_down_and_turn_overdue() {
    let home = tempfile::tempdir().unwrap();
    // Wednesday 9 December 2026, ten seconds before midnight.
    let mut s = spawn(
        home.path(),
        &[],
        &[("OCSAE_NOW", "2026-12-09T23:59:50+01:00")],
        80,
        24,
    );
    s.wait_for("Àger");
    s.send("3");
    s.wait_for("Cua T-CAT");
    // Urgent, received Monday 00:00: Monday and Wednesday count, Tuesday 8 is a holiday.
    s.send("n");
    s.wait_for("Nova sol·licitud T-CAT");
    s.send("tiurana\tMaria Puig\t\t\t\t ");
    s.send("\t\t\x15");
    s.send("2026-12-07 00:00\r");
    s.wait_for("Desat #1: termini 09/12/2026 24:00. Avís: Tiurana no té fitxa");
    let screen = s.wait_for("⚠ 0m");
    assert!(
        screen.contains("Tiurana") && screen.contains("Maria Puig"),
        "{screen}"
    );
    let first = screen
        .lines()
        .find(|l| l.contains("Maria Puig"))
        .unwrap()
        .to_string();
    // It ticks each second in its last hour, then turns overdue, without a key.
    let later = s.wait_for("VENÇUT ara");
    assert_ne!(first, later.lines().find(|l| l.contains("Maria Puig")).unwrap());
    assert!(later.contains("vençudes: 1"), "{later}");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn y_sends_the_row_to_the_clipboard_with_osc_52() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.send("y");
    s.wait_for("Copiat al porta-retalls: Àger (INE 250024)");
    s.send("q");
    s.wait_exit();
    let out = String::from_utf8_lossy(&s.output()).into_owned();
    let start = out.find("\x1b]52;c;").expect("no OSC 52 sequence was sent");
    // Ended by BEL or by ST (ESC \).
    let end = out[start + 7..].find(['\x07', '\x1b']).unwrap() + start + 7;
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD
        .decode(&out[start + 7..end])
        .unwrap();
    assert!(
        String::from_utf8(text)
            .unwrap()
            .starts_with("Àger (INE 250024) · 637 hab.")
    );
}
