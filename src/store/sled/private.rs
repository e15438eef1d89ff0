//! A store's directory is its owner's alone. Whoever can open it can also lock it
//! (`flock` needs only read access), and so keep its owner out ("en ús"); and its
//! files name people. So at every open a directory of ours becomes 0700 and its
//! files 0600, whatever umask made them; one of another user's that others can
//! read is named in a warning, since only its owner can close it.

use super::location;
use crate::store::{Result, StoreError, StoreWarning};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Mutex;

/// What an open finds of a store directory's permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Ours, and only ours.
    Private,
    /// Ours, and others may read or enter it: made private.
    Widened,
    /// Another user's, and others than its owner may read it (and lock it).
    Exposed,
    /// Another user's, which only its owner may read.
    Theirs,
}

impl Access {
    pub(super) fn of(owner: u32, mode: u32, me: u32) -> Access {
        let others = mode & 0o077 != 0;
        match (owner == me, others) {
            (true, false) => Access::Private,
            (true, true) => Access::Widened,
            (false, _) if mode & 0o044 != 0 => Access::Exposed,
            (false, _) => Access::Theirs,
        }
    }
}

static WARNINGS: Mutex<Vec<StoreWarning>> = Mutex::new(Vec::new());

/// The warnings of the stores opened so far, each once.
pub fn take_warnings() -> Vec<StoreWarning> {
    WARNINGS
        .lock()
        .map(|mut w| std::mem::take(&mut *w))
        .unwrap_or_default()
}

/// Makes `dir` (a store directory, just created or found) private to its owner if
/// we are that owner; else notes a warning if others may read it.
pub(super) fn secure(dir: &Path) -> Result<()> {
    let meta = fs::metadata(dir).map_err(|e| StoreError::io(dir, e))?;
    // SAFETY: geteuid only reads the process's effective user id.
    let me = unsafe { libc::geteuid() };
    match Access::of(meta.uid(), meta.mode(), me) {
        Access::Private => Ok(()),
        Access::Theirs => Ok(()),
        Access::Exposed => {
            tracing::warn!(
                owner = meta.uid(),
                "{}: another user's store that others can read",
                dir.display()
            );
            if let Ok(mut warnings) = WARNINGS.lock() {
                warnings.push(StoreWarning::OpenToOthers {
                    path: location(dir),
                    owner: meta.uid(),
                });
            }
            Ok(())
        }
        Access::Widened => {
            tracing::info!("{}: made private (0700)", dir.display());
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| StoreError::io(dir, e))?;
            private_entries(dir, me);
            Ok(())
        }
    }
}

/// The files directly in a store directory, 0600 (directories 0700), if ours.
fn private_entries(dir: &Path, me: u32) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        // Links are never followed: what they point to is not the store's.
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let mode = match (meta.is_dir(), meta.is_file()) {
            (true, _) => 0o700,
            (_, true) => 0o600,
            _ => continue,
        };
        if meta.uid() == me && meta.mode() & 0o077 != 0 {
            let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_judged_by_its_owner_and_who_else_may_read_it() {
        assert_eq!(Access::of(1000, 0o40700, 1000), Access::Private);
        assert_eq!(Access::of(1000, 0o40755, 1000), Access::Widened);
        assert_eq!(Access::of(1000, 0o40710, 1000), Access::Widened);
        assert_eq!(Access::of(1000, 0o40750, 0), Access::Exposed);
        assert_eq!(Access::of(1000, 0o40704, 0), Access::Exposed);
        assert_eq!(
            Access::of(1000, 0o40711, 0),
            Access::Theirs,
            "others may enter, not open it"
        );
        assert_eq!(Access::of(1000, 0o40700, 0), Access::Theirs);
    }
}
