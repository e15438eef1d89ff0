//! What happens when something panics: the report goes to stderr and to the log
//! file (the terminal, while the dashboard holds it, wraps this hook to restore
//! itself first). Panics that the store expects from a damaged file (and turns
//! into an error) stay quiet.

use std::path::PathBuf;
use std::sync::OnceLock;

static LOG_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Where panic reports are appended, besides stderr.
pub fn set_log_file(path: PathBuf) {
    let _ = LOG_FILE.set(path);
}

pub fn install_hook() {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    let _ = eyre_hook.install();
    std::panic::set_hook(Box::new(move |info| {
        if crate::store::in_quiet_section() {
            return;
        }
        let report = panic_hook.panic_report(info).to_string();
        tracing::error!(target: "ocsae::panic", "{info}");
        if let Some(path) = LOG_FILE.get() {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                let plain = strip_ansi(&report);
                let _ = writeln!(f, "{} PANIC\n{plain}", chrono::Utc::now().to_rfc3339());
            }
        }
        crate::output::err(format_args!("{report}"));
    }));
}

/// The report without colour codes, for the log file.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_copy_has_no_colour_codes() {
        assert_eq!(strip_ansi("\u{1b}[31mred\u{1b}[0m"), "red");
    }
}
