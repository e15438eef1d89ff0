//! Opening a store that was not closed cleanly (no seal): sled repairs its files
//! as it opens them, and on a damaged file that repair zeroes or drops data. So the
//! files are copied first, every record is read back once sled is open, and if
//! anything fails the copy goes back: a damaged store is refused as it was found.

use crate::store::{Result, StoreError};
use std::fs;
use std::path::{Path, PathBuf};

const COPY_DIR: &str = "sled.before-recovery";

/// Copies the database's directory. Only `db` is ever changed in place by sled:
/// its other files (blobs, snapshots, `conf`) are only created and removed, so
/// they are linked rather than copied where the system allows, which spares the
/// room a full copy would take on a nearly full disk. Anything but directories
/// and regular files (sled makes none) is refused, never opened.
pub(super) fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if !kind.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a regular file", entry.path().display()),
            ));
        } else if entry.file_name() == "db" || fs::hard_link(entry.path(), &target).is_err() {
            let mut source = super::seal::open_regular(&entry.path())?;
            let mut copy = fs::File::create_new(&target)?;
            std::io::copy(&mut source, &mut copy)?;
            copy.set_permissions(source.metadata()?.permissions())?;
        }
    }
    Ok(())
}

/// The files as they were before sled touched them, while a recovery is checked.
pub(super) struct Untouched {
    copy: PathBuf,
    sled_dir: PathBuf,
}

impl Untouched {
    /// Copies `sled_dir` aside; None if there is nothing to protect (a new store).
    pub(super) fn take(store_dir: &Path, sled_dir: &Path) -> Result<Option<Untouched>> {
        if !sled_dir.exists() {
            return Ok(None);
        }
        let copy = store_dir.join(COPY_DIR);
        // A copy left by an earlier attempt that was itself interrupted is the one
        // to trust: it predates that attempt's repair.
        if !copy.exists() {
            let partial = store_dir.join(format!("{COPY_DIR}.tmp"));
            let _ = fs::remove_dir_all(&partial);
            // A copy cut short (a full disk) is no use, and takes the space the next try needs.
            let copied = copy_tree(sled_dir, &partial).and_then(|()| fs::rename(&partial, &copy));
            if let Err(e) = copied {
                let _ = fs::remove_dir_all(&partial);
                return Err(match e.kind() {
                    std::io::ErrorKind::InvalidData => super::damaged(store_dir, e),
                    _ => StoreError::io(&partial, e),
                });
            }
        }
        Ok(Some(Untouched {
            copy,
            sled_dir: sled_dir.to_path_buf(),
        }))
    }

    /// Sled opened and every record read: the copy is no longer needed.
    pub(super) fn discard(self) {
        let _ = fs::remove_dir_all(&self.copy);
    }

    /// Something failed: the files go back to what they were (sled must be closed).
    pub(super) fn put_back(self) -> std::io::Result<()> {
        fs::remove_dir_all(&self.sled_dir)?;
        fs::rename(&self.copy, &self.sled_dir)
    }
}

/// Reads every value of every tree, which is where sled finds damage it let pass at open.
pub(super) fn read_everything(db: &sled::Db) -> std::result::Result<(), String> {
    for name in db.tree_names() {
        let tree = db.open_tree(&name).map_err(|e| super::plain(&e))?;
        for item in tree.iter() {
            item.map_err(|e| super::plain(&e))?;
        }
    }
    Ok(())
}

const ACKNOWLEDGED_FILE: &str = "acknowledged";

/// Notes, beside the database, the last change flushed and so acknowledged. sled's
/// repair after a crash can drop a damaged log's tail, flushed changes with it, and
/// leave a store that reads fine; this note is how that loss is noticed. A plain
/// write: a killed process loses nothing of it, and a stale note only checks less.
pub(super) fn note_acknowledged(store_dir: &Path, seq: u64) {
    let _ = fs::write(store_dir.join(ACKNOWLEDGED_FILE), format!("{seq}\n"));
}

/// An error if the store holds fewer changes than were acknowledged.
pub(super) fn check_acknowledged(store_dir: &Path, last_seq: u64) -> std::result::Result<(), String> {
    let noted = super::regular::read_note(&store_dir.join(ACKNOWLEDGED_FILE))
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());
    match noted {
        Some(noted) if noted > last_seq => Err(format!(
            "changes up to #{noted} were saved, but the files hold only up to #{last_seq}"
        )),
        _ => Ok(()),
    }
}
