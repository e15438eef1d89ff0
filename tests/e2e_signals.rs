//! SIGINT and SIGQUIT sent to the dashboard (`kill -INT`) end it as SIGTERM does:
//! the terminal restored and the store sealed.

mod common;

use common::pty::spawn;

#[test]
fn sigint_and_sigquit_restore_the_terminal_and_seal_the_store() {
    for signal in [libc::SIGINT, libc::SIGQUIT] {
        let home = tempfile::tempdir().unwrap();
        let mut s = spawn(home.path(), &[], &[], 80, 24);
        s.wait_for("Àger");
        let store = home.path().join("data").join("ocsae");
        assert!(
            store.join("seal.open").exists() || !store.join("seal").exists(),
            "open: not sealed"
        );
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(s.pid().unwrap() as i32, signal);
        }
        assert_eq!(s.wait_exit(), 128 + signal as u32);
        assert!(
            s.with_screen(|sc| !sc.alternate_screen()),
            "signal {signal}: alternate screen"
        );
        assert!(
            s.with_screen(|sc| !sc.hide_cursor()),
            "signal {signal}: cursor hidden"
        );
        assert!(s.is_cooked(), "signal {signal} left the terminal raw");
        assert!(
            store.join("seal").exists(),
            "signal {signal}: the store was not sealed"
        );
        assert!(
            !store.join("seal.open").exists(),
            "signal {signal}: seal.open left"
        );
    }
}
