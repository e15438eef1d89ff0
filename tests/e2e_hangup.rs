//! A terminal that goes away (an SSH session dropped, a tmux session killed): the
//! dashboard ends quietly, closes its store cleanly, and never panics.

mod common;

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A new pseudo-terminal: (master, slave).
fn open_pty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two new descriptors into the integers we own.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // The child must not inherit the master, or the terminal never goes away.
    // SAFETY: setting a flag on a descriptor we own.
    unsafe { libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC) };
    // SAFETY: both descriptors are new and owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

/// Starts the dashboard on a new pseudo-terminal, waits until it is drawn and idle,
/// then closes the terminal and checks that the dashboard ends in order.
/// `controlling`: the terminal is the session's own, as under sshd, so the kernel
/// sends SIGHUP; otherwise (a job whose session leader ignores SIGHUP) nothing
/// signals it, and only the closed terminal tells.
fn goes_away(controlling: bool) {
    let home = tempfile::tempdir().unwrap();
    let (master, slave) = open_pty();
    let mut command = Command::new(common::pty::binary());
    command
        .env("TERM", "xterm-256color")
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            // Its own session; with the pty as its controlling terminal, as sshd does.
            if libc::setsid() < 0 || (controlling && libc::ioctl(0, libc::TIOCSCTTY, 0) < 0) {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("start ocsae");
    drop(command); // the parent's copies of the slave side
    let mut reader = std::fs::File::from(master);
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("OCSAE") {
        let n = reader.read(&mut buf).expect("the first frame");
        assert!(n > 0, "ocsae ended before drawing");
        seen.extend_from_slice(&buf[..n]);
    }
    // Idle: nothing drawn for half a second, so no frame is left to fail on the way.
    let mut poll = libc::pollfd {
        fd: reader.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd that we own.
    while unsafe { libc::poll(&mut poll, 1, 500) } > 0 {
        let n = reader.read(&mut buf).expect("a frame");
        assert!(n > 0, "ocsae ended before the terminal went");
    }
    // The terminal goes: reads see a hang-up, and writes fail.
    drop(reader);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("ocsae is still running");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let log = std::fs::read_to_string(home.path().join("state/ocsae/ocsae.log")).unwrap();
    assert!(!log.contains("PANIC"), "{log}");
    // 129 if SIGHUP came first, 0 if the input closing did, 1 if a frame could not be
    // written: each an orderly end, not a crash.
    assert!(matches!(status.code(), Some(0 | 1 | 129)), "{status:?}");
    // A clean close seals the store, so the next start trusts it.
    assert!(home.path().join("data/ocsae/seal").exists(), "{log}");
}

#[test]
fn a_terminal_that_goes_away_ends_the_dashboard_without_a_panic() {
    goes_away(true);
}

#[test]
fn a_terminal_that_closes_without_a_sighup_still_ends_the_dashboard() {
    goes_away(false);
}
