//! One input thread and one signal thread (SIGTERM, SIGHUP, SIGINT, SIGQUIT, and SIGWINCH for
//! resizes) feed a single channel, and so does a shared store's feed of other
//! writers' changes; the main loop blocks on it, waking only for input, a
//! signal, news from the store, or a tick it asked for.

use crossterm::event::{self as ct, KeyEvent};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Resize,
    /// Time passed: countdowns may have moved.
    Tick,
}

/// What the main loop receives.
#[derive(Debug)]
pub enum Input {
    Event(Event),
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT: leave cleanly with this signal number.
    Signal(i32),
    /// The terminal's input ended or failed.
    Closed(String),
    /// The certificate requests, read in the background.
    Loaded(Box<crate::store::Result<crate::app::cert_data::CertData>>),
    /// News from a shared store: other writers' changes, the server lost or back.
    Store(crate::store::Signal),
}

/// Starts the input and signal threads; the sender is for other background work.
pub fn spawn_sources() -> std::io::Result<(Sender<Input>, Receiver<Input>)> {
    let (tx, rx) = mpsc::channel();
    spawn_signals(tx.clone())?;
    let input = tx.clone();
    thread::Builder::new()
        .name("input".into())
        .spawn(move || read_input(input))?;
    Ok((tx, rx))
}

fn read_input(tx: Sender<Input>) {
    // SAFETY: isatty only inspects the descriptor.
    let tty = (unsafe { libc::isatty(libc::STDIN_FILENO) } == 1).then_some(libc::STDIN_FILENO);
    loop {
        let event = match tty {
            Some(fd) => next_event(fd),
            None => ct::read(),
        };
        let input = match event {
            Ok(ct::Event::Key(key)) => Input::Event(Event::Key(key)),
            Ok(ct::Event::Paste(text)) => Input::Event(Event::Paste(text)),
            // Only with `mouse = true`: the wheel moves the selection like the arrows.
            Ok(ct::Event::Mouse(m)) => match m.kind {
                ct::MouseEventKind::ScrollUp => Input::Event(Event::Key(KeyEvent::from(ct::KeyCode::Up))),
                ct::MouseEventKind::ScrollDown => Input::Event(Event::Key(KeyEvent::from(ct::KeyCode::Down))),
                _ => continue,
            },
            // Resizes come from the signal thread, which sees them while this one waits.
            Ok(_) => continue,
            Err(e) => {
                let _ = tx.send(Input::Closed(e.to_string()));
                return;
            }
        };
        if tx.send(input).is_err() {
            return;
        }
    }
}

/// The next event from the terminal on `fd`. crossterm (with `use-dev-tty`: poll(2),
/// level-triggered, so a paste is read to its last byte) reads and parses; when it has
/// nothing, this thread waits on the terminal itself, where one that went away shows
/// as a hang-up: crossterm's own wait would spin on it forever (crossterm#793).
fn next_event(fd: libc::c_int) -> std::io::Result<ct::Event> {
    loop {
        // Not a zero timeout: with one, crossterm returns none of the events it holds.
        if ct::poll(Duration::from_millis(1))? {
            return ct::read();
        }
        wait_readable(fd)?;
    }
}

/// Blocks until `fd` has input; an error once the terminal has hung up.
fn wait_readable(fd: libc::c_int) -> std::io::Result<()> {
    let mut poll = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one pollfd that we own, for the call's duration.
        if unsafe { libc::poll(&mut poll, 1, -1) } < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if poll.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the terminal hung up",
            ));
        }
        return Ok(());
    }
}

/// Has the store send its news (a shared store's other writers, its server lost
/// and back) to the loop, from its own thread; false if it has none to send.
pub fn watch_store(store: &dyn crate::store::Store, tx: Sender<Input>) -> bool {
    store.watch(Box::new(move |signal| tx.send(Input::Store(signal)).is_ok()))
}

fn spawn_signals(tx: Sender<Input>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGWINCH])?;
    thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            let input = match signal {
                SIGWINCH => Input::Event(Event::Resize),
                signal => Input::Signal(signal),
            };
            if tx.send(input).is_err() {
                return;
            }
        }
    })?;
    Ok(())
}
