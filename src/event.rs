//! One input thread and one signal thread feed a single channel; the main loop
//! blocks on it, waking only for input, a signal, or a tick it asked for.

use crossterm::event::{self as ct, KeyEvent};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

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
    /// SIGTERM or SIGHUP: leave cleanly with this signal number.
    Signal(i32),
    /// The terminal's input ended or failed.
    Closed(String),
    /// The certificate requests, read in the background.
    Loaded(Box<crate::store::Result<crate::app::cert_data::CertData>>),
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
    loop {
        let input = match ct::read() {
            Ok(ct::Event::Key(key)) => Input::Event(Event::Key(key)),
            Ok(ct::Event::Paste(text)) => Input::Event(Event::Paste(text)),
            Ok(ct::Event::Resize(..)) => Input::Event(Event::Resize),
            // Only with `mouse = true`: the wheel moves the selection like the arrows.
            Ok(ct::Event::Mouse(m)) => match m.kind {
                ct::MouseEventKind::ScrollUp => Input::Event(Event::Key(KeyEvent::from(ct::KeyCode::Up))),
                ct::MouseEventKind::ScrollDown => Input::Event(Event::Key(KeyEvent::from(ct::KeyCode::Down))),
                _ => continue,
            },
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

fn spawn_signals(tx: Sender<Input>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])?;
    thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = tx.send(Input::Signal(signal));
        }
    })?;
    Ok(())
}
