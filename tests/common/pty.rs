//! The ocsae binary in a real pseudo-terminal, read through a vt100 parser.
//!
//! By default this drives the binary cargo built for the tests; set
//! `OCSAE_BIN` to drive another build (CI points it at the release binary).

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn binary() -> String {
    std::env::var("OCSAE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ocsae").to_string())
}

pub struct Session {
    pub master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

/// Starts ocsae with `args` in a `cols`x`rows` terminal, its files under `home`.
pub fn spawn(home: &Path, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Session {
    spawn_program(&binary(), home, args, env, cols, rows)
}

/// As `spawn`, running `program` (a shell that starts ocsae, say).
pub fn spawn_program(
    program: &str,
    home: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    cols: u16,
    rows: u16,
) -> Session {
    // The terminal tests were written for Municipis as the first screen, as it was
    // before Avui: without a config of their own, they start there. (A test of
    // Avui writes its own config, even an empty one.)
    let config = home.join("config").join("ocsae").join("config.toml");
    if !config.exists() {
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(&config, "start_tab = \"municipalities\"\n").unwrap();
    }
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    cmd.env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", home);
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("LANG", "C.UTF-8");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.cwd(home);
    let child = pair.slave.spawn_command(cmd).expect("start ocsae");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let writer = pair.master.take_writer().expect("pty writer");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        rows.try_into().unwrap(),
        cols.try_into().unwrap(),
        0,
    )));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let (p, r) = (parser.clone(), raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
            r.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    Session {
        master: pair.master,
        writer,
        child,
        parser,
        raw,
    }
}

impl Session {
    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Writes `bytes` in `chunk`-sized writes, as a terminal passes on a paste
    /// without bracketed paste (tmux `paste-buffer`). Panics if the program stops
    /// reading: false if the terminal could not pass it all on within 20 s.
    pub fn send_in_chunks(&mut self, bytes: Vec<u8>, chunk: usize) -> bool {
        let mut writer = std::mem::replace(&mut self.writer, Box::new(std::io::sink()));
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for part in bytes.chunks(chunk) {
                writer.write_all(part).unwrap();
                writer.flush().unwrap();
            }
            let _ = done.send(writer);
        });
        match finished.recv_timeout(Duration::from_secs(20)) {
            Ok(writer) => {
                self.writer = writer;
                true
            }
            Err(_) => false,
        }
    }

    /// Resizes the terminal, as a window drag does: the program gets SIGWINCH.
    pub fn resize(&self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pseudo-terminal");
    }

    /// Bytes written to the terminal that the program has not read yet.
    pub fn unread_input(&self) -> usize {
        let slave = self.master.tty_name().expect("the terminal's name");
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOCTTY)
            .open(slave)
            .expect("open the terminal's slave side");
        let mut queued: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int for a valid descriptor.
        let rc = unsafe { libc::ioctl(tty.as_raw_fd(), libc::FIONREAD, &mut queued) };
        assert_eq!(rc, 0, "FIONREAD");
        queued as usize
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Everything the program wrote so far.
    pub fn output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Waits until the screen shows `text`; panics with the screen if it never does.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_any(&[text]).1
    }

    /// Waits until the screen shows one of `texts`: the index of the first shown
    /// (in the order given), and the screen. Panics with the screen if none shows.
    pub fn wait_for_any(&self, texts: &[&str]) -> (usize, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let contents = self.contents();
            if let Some(i) = texts.iter().position(|t| contents.contains(t)) {
                return (i, contents);
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for any of {texts:?}; the screen shows:\n{contents}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the screen no longer shows `text`. Tests wait after Esc so
    /// the next key is not read as Alt+key, as a person's pause would ensure.
    pub fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.contents().contains(text) {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {text:?} to go; the screen shows:\n{}",
                    self.contents()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the program to end and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain what was written last.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!("ocsae did not exit; the screen shows:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// True if the terminal is back in cooked mode: canonical input and echo.
    pub fn is_cooked(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("pty fd");
        // SAFETY: tcgetattr only fills the struct for a valid descriptor.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(fd, &mut t), 0);
            t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
