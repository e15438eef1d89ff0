//! sled panics on some kinds of damage instead of returning an error; the store
//! turns those panics into errors, and the panic hook stays quiet about them.

use std::cell::Cell;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err`; the hook consults `in_quiet_section`.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result
}

/// Whether this thread is inside `quietly`: a panic now is expected, and handled.
pub fn in_quiet_section() -> bool {
    QUIET.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_panics_become_errors() {
        assert!(quietly(|| panic!("expected")).is_err());
        assert_eq!(quietly(|| 7).ok(), Some(7));
        assert!(!in_quiet_section());
        assert_eq!(quietly(in_quiet_section).ok(), Some(true));
    }
}
