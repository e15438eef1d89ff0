//! Every file of a store is a regular file. A FIFO (or a device, or a link to
//! one) where a file of the store should be would make whoever opens it wait for
//! ever, with the store's lock held: sled opens its files plainly, as did the
//! small notes beside it. So before anything is read, the store's files are
//! looked at without opening them (`lstat`), and ours are opened without
//! following links and without waiting (`O_NOFOLLOW|O_NONBLOCK`), then checked.

use crate::store::damage::{Fault, FileDamage, Node};
use crate::store::{Result, StoreError};
use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The files beside the database that ocsae reads or writes in place (the seal's
/// files are opened the same careful way, and one that is not a file is no seal).
pub(super) const NOTES: [&str; 6] = [
    "ocsae.lock",
    "schema-version",
    "acknowledged",
    "council-certificates.cache",
    "first-screen",
    "requests",
];

/// What stands at a name of the store instead of a regular file; None if it is
/// one (or is not there).
pub(super) fn not_regular(path: &Path) -> Option<Node> {
    Node::of(path.symlink_metadata().ok()?.file_type())
}

/// The store's damage: `file` (a path inside the store) is `node`.
pub(super) fn irregular(store_dir: &Path, file: String, node: Node) -> StoreError {
    let fault = Fault::NotRegular(node);
    super::damaged(store_dir, FileDamage { file, fault })
}

/// The first file of the store that is not a regular file, with what it is:
/// the notes beside the database, and everything under `sled/` (where only
/// directories and regular files belong). Nothing is opened.
pub(super) fn first_irregular(store_dir: &Path) -> Option<(String, Node)> {
    for name in NOTES {
        if let Some(what) = not_regular(&store_dir.join(name)) {
            return Some((name.to_string(), what));
        }
    }
    let sled_dir = store_dir.join(super::SLED_DIR);
    irregular_under(&sled_dir, &sled_dir)
}

fn irregular_under(root: &Path, dir: &Path) -> Option<(String, Node)> {
    let entries = fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if let Some(found) = irregular_under(root, &path) {
                return Some(found);
            }
            continue;
        }
        if let Some(what) = not_regular(&path) {
            let name = path.strip_prefix(root).unwrap_or(&path).display();
            return Some((format!("sled/{name}"), what));
        }
    }
    None
}

/// Refuses a store one of whose files is not a regular file, as damaged: it is
/// never opened, so nothing waits on it.
pub(super) fn check(store_dir: &Path) -> Result<()> {
    match first_irregular(store_dir) {
        Some((name, node)) => Err(irregular(store_dir, name, node)),
        None => Ok(()),
    }
}

/// The lock file, created if absent, opened to write without following a link
/// and without waiting; an error naming it if it is not a regular file.
pub(super) fn open_lock_file(store_dir: &Path, path: &Path) -> Result<fs::File> {
    let file = fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path);
    let irregular = || {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        // Opened (a FIFO with a reader) or refused (a link, a FIFO without one).
        irregular(store_dir, name, not_regular(path).unwrap_or(Node::Fifo))
    };
    match file {
        Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => Ok(file),
        Ok(_) => Err(irregular()),
        // A link (ELOOP), or a FIFO nobody reads (ENXIO).
        Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::ENXIO)) => Err(irregular()),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

/// A small note of the store read whole, if it is a regular file; NotFound if
/// absent, InvalidData if it is anything else.
pub(super) fn read_note(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    super::seal::open_regular(path)?
        .take(1 << 20)
        .read_to_string(&mut text)?;
    Ok(text)
}
