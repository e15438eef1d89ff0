//! The directory a restore writes into, and what of it the restore made, so that
//! a failed restore removes exactly that: never a directory, a file or a link
//! that was there before (`--db .` must not cost the working directory).

use crate::store::Location;
use std::fs;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// What a restore found at `--db`.
#[derive(Debug)]
enum Found {
    /// A store: a failed restore writes nothing to it, and nothing of it goes.
    Store,
    /// A directory that was there, empty: whatever is in it afterwards is the restore's.
    Empty,
    /// Nothing: the directories to create, outermost first (`new`, `new/a`, `new/a/b`),
    /// and how many of them were created.
    Missing { dirs: Vec<PathBuf>, made: usize },
}

#[derive(Debug)]
pub(crate) struct RestoreDir {
    dir: PathBuf,
    found: Found,
}

/// Why a restore will not use a directory; nothing was created.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Something other than a store or an empty directory is there.
    NotAStore,
    Io(io::Error),
}

impl RestoreDir {
    /// Looks at `dir` without changing anything (a link to a directory counts as
    /// that directory). Refuses anything that is neither a store nor empty.
    pub(crate) fn check(dir: &Path) -> Result<RestoreDir, Refused> {
        let found = match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() && crate::store::exists(&Location::dir(dir)) => Found::Store,
            Ok(meta) if meta.is_dir() => match fs::read_dir(dir).map_err(Refused::Io)?.next() {
                None => Found::Empty,
                Some(_) => return Err(Refused::NotAStore),
            },
            Ok(_) => return Err(Refused::NotAStore),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Up to the first ancestor that is there; a dangling link at `dir`
                // is there, so it is never created over, nor removed.
                let mut dirs: Vec<PathBuf> = dir
                    .ancestors()
                    .take_while(|a| !a.as_os_str().is_empty() && a.symlink_metadata().is_err())
                    .map(Path::to_path_buf)
                    .collect();
                dirs.reverse();
                Found::Missing { dirs, made: 0 }
            }
            Err(e) => return Err(Refused::Io(e)),
        };
        Ok(RestoreDir {
            dir: dir.to_path_buf(),
            found,
        })
    }

    /// Creates the missing directories one by one (private, like a store), counting
    /// each, so that `undo` removes those and no others.
    pub(crate) fn create(&mut self) -> io::Result<()> {
        if let Found::Missing { dirs, made } = &mut self.found {
            for dir in dirs.iter() {
                // Not recursive: a directory someone else made meanwhile is an
                // error here rather than one of ours.
                fs::DirBuilder::new().mode(0o700).create(dir)?;
                *made += 1;
            }
        }
        Ok(())
    }

    /// Removes what the restore made. Call it once the store is closed.
    pub(crate) fn undo(self) {
        match self.found {
            Found::Store => {}
            Found::Empty => remove_contents(&self.dir),
            Found::Missing { dirs, made } => {
                let made = &dirs[..made];
                // The innermost holds only what this restore wrote; its parents
                // go only if nothing else was put in them meanwhile.
                if let Some(inner) = made.last() {
                    remove_contents(inner);
                }
                for dir in made.iter().rev() {
                    let _ = fs::remove_dir(dir);
                }
            }
        }
    }
}

/// Removes every entry of `dir`, links as links (never what they point to).
fn remove_contents(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let _ = match entry.file_type() {
            Ok(kind) if kind.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_with_other_files_is_refused_and_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("thesis");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("thesis.txt"), "x").unwrap();
        assert!(matches!(RestoreDir::check(&dir), Err(Refused::NotAStore)));
        let file = tmp.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(matches!(RestoreDir::check(&file), Err(Refused::NotAStore)));
        assert!(dir.join("thesis.txt").exists() && dir.join("sub").is_dir());
    }

    #[test]
    fn undo_removes_the_directories_it_made_and_no_parent_that_was_there() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("new/a/b");
        let mut target = RestoreDir::check(&db).unwrap();
        target.create().unwrap();
        fs::write(db.join("ocsae.lock"), "").unwrap();
        fs::create_dir(db.join("sled")).unwrap();
        assert!(db.is_dir());
        target.undo();
        assert!(!tmp.path().join("new").exists(), "no new/a left behind");
        assert!(tmp.path().is_dir());
    }

    #[test]
    fn undo_in_an_empty_directory_or_a_link_to_one_keeps_them() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let target = RestoreDir::check(&link).unwrap();
        fs::write(real.join("ocsae.lock"), "").unwrap();
        fs::create_dir_all(real.join("sled/blobs")).unwrap();
        target.undo();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert!(real.is_dir());
        assert_eq!(fs::read_dir(&real).unwrap().count(), 0);
    }
}
