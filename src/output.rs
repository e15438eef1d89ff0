//! Lines for stdout and stderr that never panic: `println!` panics when the other end
//! has gone (`ocsae export | head -1`, a closed SSH session), and a message is not
//! worth a crash.

use std::io::Write;

/// A line on stdout, or nothing if it cannot be written.
pub fn out(args: std::fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
}

/// A line on stderr, or nothing if it cannot be written. Messages quote what was
/// typed or imported, so control characters are removed: they never reach the terminal.
pub fn err(args: std::fmt::Arguments) {
    let text = args.to_string();
    let text = crate::domain::text::clean_multiline(&text);
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.write_all(b"\n"));
}
