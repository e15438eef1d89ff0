//! Input in a real pseudo-terminal: a big paste without bracketed paste is read
//! to its last byte, with no key needed to push the rest through.

mod common;

use common::pty::spawn;
use std::time::{Duration, Instant};

/// 200 KB, as tmux `paste-buffer` sends it: plain key bytes, no paste brackets,
/// no line breaks (Enter would leave the filter). Ctrl-U then clears the filter
/// and `meia` is typed, so the screen shows whether the very last bytes were read.
fn big_paste() -> Vec<u8> {
    let tail = "\u{15}meia";
    let mut text = String::new();
    while text.len() < 200 * 1024 - tail.len() - "Meià ".len() {
        text.push_str("Meià ");
    }
    while text.len() < 200 * 1024 - tail.len() {
        text.push('x');
    }
    text.push_str(tail);
    assert_eq!(text.len(), 200 * 1024);
    text.into_bytes()
}

#[test]
fn a_200_kb_paste_is_read_to_the_end_without_another_key() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.send("/");
    s.wait_for("  /");
    let written = s.send_in_chunks(big_paste(), 4096);
    assert!(
        written,
        "the program stopped reading ({} bytes unread); the screen shows:\n{}",
        s.unread_input(),
        s.contents()
    );
    // Two seconds after the terminal has passed on the last chunk, all of it
    // has been read: the filter shows what the paste ended with.
    let deadline = Instant::now() + Duration::from_secs(2);
    let done = |screen: &str| screen.contains("/meia") && screen.contains("Vilanova de Meià");
    while !done(&s.contents()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let screen = s.contents();
    let unread = s.unread_input();
    assert!(
        done(&screen) && !screen.contains("Àger"),
        "the end of the paste was not read ({unread} bytes unread); the screen shows:\n{screen}"
    );
    assert_eq!(unread, 0, "bytes left unread");
    s.send("\x1b");
    s.wait_gone("/meia");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn resizes_redraw_and_keys_typed_right_after_a_resize_are_kept() {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[], 80, 24);
    s.wait_for("Àger");
    s.resize(50, 12);
    s.wait_for("massa petita (50x12)");
    s.resize(90, 26);
    s.wait_for("Àger");
    // Keys sent the moment the window changes size, with no pause for the redraw.
    s.resize(100, 30);
    s.send("/me");
    s.resize(96, 28);
    s.send("ia");
    let screen = s.wait_for("/meia");
    s.wait_for("Vilanova de Meià");
    assert!(!s.contents().contains("Àger"), "{screen}");
    // The frame fills the new size: the status bar's hint sits on the 28th row.
    let on_last_row = |s: &common::pty::Session| {
        s.contents()
            .lines()
            .nth(27)
            .is_some_and(|l| l.contains("Manté el filtre"))
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !on_last_row(&s) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(on_last_row(&s), "{}", s.contents());
    s.send("\x1b");
    s.wait_gone("/meia");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
