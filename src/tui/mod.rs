//! The terminal: raw mode and the alternate screen on the way in, everything
//! restored on the way out (quit, panic, SIGTERM, SIGHUP, SIGINT, SIGQUIT), and the draw loop.

use crate::app::App;
use crate::event::{Input, spawn_sources};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use lean::Lean;
use ratatui::Terminal;
use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static MOUSE: AtomicBool = AtomicBool::new(false);

mod lean;

type Term = Terminal<Lean<BufWriter<Stdout>>>;

/// The terminal, never dropped: ratatui's drop prints to stderr when it cannot show
/// the cursor, which panics once the terminal has gone (a closed SSH session).
/// `restore` shows the cursor instead, ignoring errors; each frame is flushed already.
type Held = std::mem::ManuallyDrop<Term>;

/// Puts the terminal back as it was, once; safe to call from a panic hook.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    // The style the last frame left (see `lean`) goes before the screen does.
    let _ = execute!(
        out,
        crossterm::style::SetAttribute(crossterm::style::Attribute::Reset),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

/// Restores the terminal when dropped, whatever way the loop ends.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Wraps the panic hook, as `ratatui::init` does: the terminal is restored before
/// the report is written, so that it can be read. A panic the store expects and
/// handles leaves the screen alone.
fn restore_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !crate::store::in_quiet_section() {
            restore();
        }
        report(info);
    }));
}

fn enter(mouse: bool) -> io::Result<Held> {
    restore_on_panic();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    // Cleared once, at the start: whatever a killed program left there goes. (Not
    // ratatui's clear, which asks the terminal where its cursor is.)
    execute!(
        out,
        EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        EnableBracketedPaste,
        cursor::Hide
    )?;
    if mouse {
        MOUSE.store(true, Ordering::SeqCst);
        execute!(out, EnableMouseCapture)?;
    }
    // One write per frame: ratatui flushes after each draw.
    let writer = BufWriter::with_capacity(64 * 1024, io::stdout());
    Terminal::new(Lean::new(writer)).map(std::mem::ManuallyDrop::new)
}

/// Runs the dashboard until the user quits or a signal arrives; returns the exit status.
pub fn run(mut app: App) -> io::Result<i32> {
    let _guard = Guard;
    let mut terminal = enter(app.config.mouse)?;
    let (sender, inputs) = spawn_sources()?;
    let mut loader = None;
    let result = event_loop(&mut app, &mut terminal, sender, inputs, &mut loader);
    // The loader shares the store: once it lets go, the store closes (and seals
    // itself) when the app goes, here, rather than on a thread the exit cuts short.
    // A shared store has nothing to seal, and its loader may be waiting on a server
    // that does not answer: it is not waited for.
    let shared = matches!(app.store.location(), crate::store::Location::Postgres(_));
    if let Some(loader) = loader
        && (!shared || loader.is_finished())
    {
        let _ = loader.join();
    }
    // A signal does not wait for an answer: one last try for changes not on disk.
    if app.store.needs_retry()
        && let Err(e) = app.store.retry()
    {
        tracing::error!(
            changes = app.store.unsaved().count(),
            "quitting with changes not on disk: {e}"
        );
    }
    // What could not be written goes with the program: said once the terminal is back.
    let lost = (app.store.unsaved().count() > 0).then(|| app.unsaved_summary());
    // The figures for the next start's first screen, as they stand at the end;
    // not for a store that does not answer (quitting would wait for it).
    if !app.live.offline {
        app.save_summary();
    }
    restore();
    if let Some(what) = lost {
        crate::output::err(format_args!(
            "ocsae: {}",
            app.t.f(crate::i18n::Msg::lost_on_quit, &[("what", &what)])
        ));
    }
    result
}

fn event_loop(
    app: &mut App,
    terminal: &mut Term,
    sender: std::sync::mpsc::Sender<Input>,
    inputs: std::sync::mpsc::Receiver<Input>,
    loader: &mut Option<std::thread::JoinHandle<()>>,
) -> io::Result<i32> {
    // Tests of the panic path set this; F12 then panics on purpose.
    let test_panic = std::env::var_os("OCSAE_TEST_PANIC").is_some();
    terminal.draw(|frame| crate::views::draw(frame, app))?;
    tracing::debug!("first frame drawn");
    // Other technicians' changes, on a shared store: never on the keys' path.
    if crate::event::watch_store(app.store.as_ref(), sender.clone()) {
        tracing::debug!("watching the store for other writers' changes");
    }
    // The first frame is up; now read the certificate requests without blocking the keys.
    if let Some(load) = app.certificate_loader() {
        let sender = sender.clone();
        let spawned = std::thread::Builder::new().name("load".into()).spawn(move || {
            let _ = sender.send(Input::Loaded(Box::new(load())));
        })?;
        *loader = Some(spawned);
    }
    loop {
        let tick = app.next_tick();
        tracing::trace!(?tick, "waiting");
        let input = match tick {
            Some(wait) => match inputs.recv_timeout(wait) {
                Ok(input) => input,
                Err(RecvTimeoutError::Timeout) => Input::Event(crate::event::Event::Tick),
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            },
            None => match inputs.recv() {
                Ok(input) => input,
                Err(_) => return Ok(0),
            },
        };
        // Everything already queued is handled before one frame is drawn: a paste
        // that arrives as 200,000 key presses (no bracketed paste) draws once per
        // batch, not once per character.
        let mut changed = false;
        let mut next = Some(input);
        while let Some(input) = next.take() {
            match input {
                Input::Event(event) => {
                    if test_panic
                        && matches!(&event, crate::event::Event::Key(k) if k.code == crossterm::event::KeyCode::F(12))
                    {
                        panic!("OCSAE_TEST_PANIC: F12 pressed");
                    }
                    changed |= app.handle_event(event);
                    if let Some(text) = app.clipboard.take() {
                        execute!(
                            terminal.backend_mut(),
                            crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
                        )?;
                    }
                }
                Input::Loaded(result) => {
                    app.certificates_loaded(*result);
                    changed = true;
                }
                Input::Store(signal) => {
                    changed |= app.store_signal(signal);
                    // A restore's reload reads the requests again, off the keys' path.
                    if let Some(load) = app.reload_loader() {
                        if let Some(done) = loader.take() {
                            let _ = done.join();
                        }
                        let sender = sender.clone();
                        let spawned = std::thread::Builder::new().name("load".into()).spawn(move || {
                            let _ = sender.send(Input::Loaded(Box::new(load())));
                        })?;
                        *loader = Some(spawned);
                    }
                }
                Input::Signal(signal) => return Ok(128 + signal),
                Input::Closed(reason) => {
                    tracing::info!(%reason, "the terminal's input ended");
                    return Ok(0);
                }
            }
            if app.quit {
                return Ok(0);
            }
            next = inputs.try_recv().ok();
        }
        if changed {
            terminal.draw(|frame| crate::views::draw(frame, app))?;
        }
    }
}
