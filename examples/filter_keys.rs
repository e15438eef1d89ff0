//! Times a filter typed on the certificate queue, key by key, on a real store:
//! each key handled and the screen drawn (80x24, in memory), as the dashboard
//! does between a key and its frame, without a terminal's noise.
//!
//!     cargo run --release --example filter_keys -- LOCATION [TEXT] [PASSES]
//!
//! Prints one JSON line: each key's milliseconds, their 95th percentile, and a
//! cursor move's; wall time, and the processor time of this thread (the other
//! programs of a shared machine leave it alone; the filter's helper threads
//! are not in it).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ocsae::app::App;
use ocsae::store::Location;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Instant;

/// One of a key's two times, (wall, processor).
type Part = fn(&(f64, f64)) -> f64;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(location) = args.next() else {
        eprintln!("usage: filter_keys LOCATION [TEXT] [PASSES]");
        std::process::exit(2);
    };
    let text = args.next().unwrap_or_else(|| "maria puig".to_string());
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(3);
    let store = ocsae::store::open(&Location::parse(&location)).expect("the store opens");
    let config = ocsae::config::Config::default();
    let keymap = ocsae::keymap::Keymap::new(&config.keys).expect("the default keys");
    let now = "2026-11-26T09:00:00Z".parse().expect("a time");
    let clock = Arc::new(ocsae::domain::clock::FixedClock::new(now));
    let theme = ocsae::theme::Theme::pick(ocsae::theme::ThemeName::Dark, false);
    let mut app = App::new(store, config, ocsae::i18n::Lang::Ca, keymap, theme, clock).expect("app");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let mut step = |app: &mut App, code: KeyCode| {
        let cpu = thread_cpu();
        let start = Instant::now();
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        terminal
            .draw(|frame| ocsae::views::draw(frame, app))
            .expect("draw");
        let wall = start.elapsed().as_secs_f64() * 1000.0;
        (wall, (thread_cpu() - cpu) * 1000.0)
    };
    step(&mut app, KeyCode::Char('3'));
    let moves: Vec<(f64, f64)> = (0..30).map(|_| step(&mut app, KeyCode::Down)).collect();
    let mut keys = Vec::new();
    for _ in 0..passes {
        step(&mut app, KeyCode::Char('/'));
        for c in text.chars() {
            keys.push(step(&mut app, KeyCode::Char(c)));
        }
        step(&mut app, KeyCode::Esc);
    }
    let p95 = |v: &[(f64, f64)], part: Part| {
        let mut v: Vec<f64> = v.iter().map(part).collect();
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * 0.95).round() as usize]
    };
    let round = |part: Part| {
        keys.iter()
            .map(|k| format!("{:.1}", part(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (wall, cpu): (Part, Part) = (|k| k.0, |k| k.1);
    println!(
        "{{\"keys_ms\": [{}], \"keys_cpu_ms\": [{}], \"keys_p95_ms\": {:.1}, \"keys_cpu_p95_ms\": {:.1}, \"move_p95_ms\": {:.2}}}",
        round(wall),
        round(cpu),
        p95(&keys, wall),
        p95(&keys, cpu),
        p95(&moves, wall)
    );
}

/// This thread's processor time in seconds: what a key costs without the waits
/// of a machine shared with other work.
fn thread_cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}
