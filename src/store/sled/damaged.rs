//! Setting a damaged database aside, so that `restore --force` can replace it
//! without deleting anything: its files are moved (renamed, so no room is needed)
//! into `sled.damaged-<stamp>/` inside the store directory, with what vouched for
//! them, and put back if the restore fails.

use super::{DirLock, SledStore, seal};
use crate::store::{Result, StoreError};
use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// The database and what describes it: a new one gets its own.
const MOVED: [&str; 8] = [
    "sled",
    "seal",
    "seal.open",
    "seal.tmp",
    "acknowledged",
    "schema-version",
    "sled.before-recovery",
    "sled.before-recovery.tmp",
];

/// A damaged database moved aside.
#[derive(Debug)]
pub struct SetAside {
    dir: PathBuf,
    aside: PathBuf,
    moved: Vec<&'static str>,
}

impl SledStore {
    /// Moves the database of the store in `dir` (locked by this process: `held`)
    /// into `sled.damaged-<stamp>/`; the directory then takes a new store.
    pub fn set_aside(dir: &Path, _held: &DirLock, stamp: &str) -> Result<SetAside> {
        let mut aside = dir.join(format!("sled.damaged-{stamp}"));
        let mut n = 1;
        while aside.symlink_metadata().is_ok() {
            n += 1;
            aside = dir.join(format!("sled.damaged-{stamp}-{n}"));
        }
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&aside)
            .map_err(|e| StoreError::io(&aside, e))?;
        let mut set = SetAside {
            dir: dir.to_path_buf(),
            aside,
            moved: Vec::new(),
        };
        // A note that is not a file (a FIFO at `ocsae.lock`) goes too: the new
        // store could not open past it.
        let irregular = super::regular::NOTES
            .into_iter()
            .filter(|name| super::regular::not_regular(&dir.join(name)).is_some());
        for name in MOVED.into_iter().chain(irregular) {
            if set.moved.contains(&name) {
                continue;
            }
            match fs::rename(dir.join(name), set.aside.join(name)) {
                Ok(()) => set.moved.push(name),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    let error = StoreError::io(dir.join(name), e);
                    let _ = set.put_back();
                    return Err(error);
                }
            }
        }
        seal::sync_dir(dir);
        tracing::warn!("damaged database moved to {}", set.aside.display());
        Ok(set)
    }
}

impl SetAside {
    /// Where the damaged database is now.
    pub fn path(&self) -> &Path {
        &self.aside
    }

    /// Puts the damaged database back, in place of what was made there since (the
    /// store must be closed).
    pub fn put_back(self) -> std::io::Result<()> {
        for name in &self.moved {
            let place = self.dir.join(name);
            match place.symlink_metadata() {
                Ok(meta) if meta.is_dir() => fs::remove_dir_all(&place)?,
                Ok(_) => fs::remove_file(&place)?,
                Err(_) => {}
            }
            fs::rename(self.aside.join(name), &place)?;
        }
        fs::remove_dir(&self.aside)?;
        seal::sync_dir(&self.dir);
        Ok(())
    }
}
