//! The directory a restore writes into, and what of it the restore made, so that
//! a failed restore removes exactly that: never a directory, a file or a link
//! that was there before (`--db .` must not cost the working directory), nor one
//! another program put there meanwhile (only a store's own names go). A
//! directory another user could swap files in is refused.
//!
//! The directory is locked from the restore's first look at it (a missing one,
//! as soon as it is made) to its last removal: a process that would make a store
//! there meanwhile says "en ús" instead, and no store another process made is
//! ever taken for what this restore created.

use crate::store::StoreError;
use crate::store::sled::{DirLock, SledStore};
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
    /// Held from the first look (or the making) to the end; released last.
    lock: Option<DirLock>,
}

/// Why a restore will not use a directory; nothing was created.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Something other than a store or an empty directory is there.
    NotAStore,
    /// The directory is another user's (`owner`), or lies in a directory of
    /// another user's that others may write to: either could swap its files.
    NotOurs {
        owner: u32,
    },
    /// Another process has the directory locked.
    InUse(StoreError),
    Io(io::Error),
}

fn lock(dir: &Path) -> Result<DirLock, Refused> {
    SledStore::lock_dir(dir).map_err(|e| match e {
        StoreError::InUse(_) => Refused::InUse(e),
        StoreError::Io { source, .. } => Refused::Io(io::Error::new(source.kind(), source.to_string())),
        other => Refused::Io(io::Error::other(other.to_string())),
    })
}

fn is_empty(dir: &Path) -> Result<bool, Refused> {
    Ok(fs::read_dir(dir).map_err(Refused::Io)?.next().is_none())
}

impl RestoreDir {
    /// Looks at `dir`, and locks it if it is there, without changing anything (a
    /// link to a directory counts as that directory). Refuses anything that is
    /// neither a store nor empty.
    pub(crate) fn check(dir: &Path) -> Result<RestoreDir, Refused> {
        owned(dir)?;
        let (found, lock) = match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() && SledStore::exists(dir) => (Found::Store, Some(lock(dir)?)),
            Ok(meta) if meta.is_dir() => {
                if !is_empty(dir)? {
                    return Err(Refused::NotAStore);
                }
                let held = lock(dir)?;
                // Looked at again under the lock: a store made meanwhile is not ours.
                match (SledStore::exists(dir), is_empty(dir)?) {
                    (true, _) => (Found::Store, Some(held)),
                    (false, true) => (Found::Empty, Some(held)),
                    (false, false) => return Err(Refused::NotAStore),
                }
            }
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
                (Found::Missing { dirs, made: 0 }, None)
            }
            Err(e) => return Err(Refused::Io(e)),
        };
        Ok(RestoreDir {
            dir: dir.to_path_buf(),
            found,
            lock,
        })
    }

    /// Creates the missing directories one by one (private, like a store), counting
    /// each, so that `undo` removes those and no others, and locks the last.
    pub(crate) fn create(&mut self) -> Result<(), Refused> {
        if let Found::Missing { dirs, made } = &mut self.found {
            for dir in dirs.iter() {
                // Not recursive: a directory someone else made meanwhile is an
                // error here rather than one of ours.
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(dir)
                    .map_err(Refused::Io)?;
                *made += 1;
            }
            let held = lock(&self.dir)?;
            // Made a moment ago: anything in it already is another process's.
            if !is_empty(&self.dir)? {
                return Err(Refused::InUse(StoreError::InUse(self.dir.display().to_string())));
            }
            self.lock = Some(held);
        }
        Ok(())
    }

    /// The lock on the directory, once it is there; a store opened with it shares it.
    pub(crate) fn lock(&self) -> Option<&DirLock> {
        self.lock.as_ref()
    }

    /// Removes what the restore made, then lets the directory go. Call it once the
    /// store is closed; a directory it could not lock is left as it is.
    pub(crate) fn undo(self) {
        if self.lock.is_none() {
            if let Found::Missing { dirs, made } = &self.found {
                // Made but not locked (another process took it first): it and
                // so its parents stay. Parents made before a failure go if empty.
                let ours = match *made == dirs.len() {
                    true => 0,
                    false => *made,
                };
                for dir in dirs[..ours].iter().rev() {
                    let _ = fs::remove_dir(dir);
                }
            }
            return;
        }
        match &self.found {
            Found::Store => {}
            Found::Empty => remove_store_entries(&self.dir),
            Found::Missing { dirs, made } => {
                let made = &dirs[..*made];
                // The innermost loses the store's entries; it and its parents
                // go only if nothing else was put in them meanwhile.
                if let Some(inner) = made.last() {
                    remove_store_entries(inner);
                }
                for dir in made.iter().rev() {
                    let _ = fs::remove_dir(dir);
                }
            }
        }
        drop(self.lock);
    }
}

/// What a store (and its opening) may create in its directory: all a failed
/// restore removes, by name, from a directory that was empty. Anything else put
/// there meanwhile (by another program) stays.
const STORE_ENTRIES: [&str; 19] = [
    "ocsae.lock",
    "seal",
    "seal.open",
    "seal.tmp",
    "acknowledged",
    "schema-version",
    "schema-version.tmp",
    "sled",
    "sled.before-recovery",
    "sled.before-recovery.tmp",
    "council-certificates.cache",
    "council-certificates.cache.tmp",
    "first-screen",
    "first-screen.tmp",
    "requests",
    "requests.tmp",
    "backups",
    // sled's own, should it ever be pointed at the directory itself.
    "conf",
    "db",
];

/// Removes the entries of a store from `dir`, links as links (never what they
/// point to); nothing else.
fn remove_store_entries(dir: &Path) {
    for name in STORE_ENTRIES {
        let path = dir.join(name);
        let _ = match path.symlink_metadata() {
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(&path),
            Ok(_) => fs::remove_file(&path),
            Err(_) => Ok(()),
        };
    }
}

/// The effective user.
fn me() -> u32 {
    // SAFETY: geteuid only reads the process's effective user id.
    unsafe { libc::geteuid() }
}

/// Refuses `dir` if it is there and not ours, or if the directory that holds it
/// (or would: its first ancestor that is there) is another user's and others
/// may write to it without the sticky bit: they could rename the store away and
/// put their own files in its place.
fn owned(dir: &Path) -> Result<(), Refused> {
    owned_by(dir, me())
}

fn owned_by(dir: &Path, me: u32) -> Result<(), Refused> {
    use std::os::unix::fs::MetadataExt;
    if let Ok(meta) = fs::metadata(dir)
        && meta.uid() != me
    {
        return Err(Refused::NotOurs { owner: meta.uid() });
    }
    let parent = dir
        .ancestors()
        .skip(1)
        .map(|a| match a.as_os_str().is_empty() {
            true => Path::new("."),
            false => a,
        })
        .find_map(|a| fs::metadata(a).ok());
    if let Some(meta) = parent {
        let open_to_others = meta.mode() & 0o022 != 0 && meta.mode() & 0o1000 == 0;
        if meta.uid() != me && open_to_others {
            return Err(Refused::NotOurs { owner: meta.uid() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What another process would do meanwhile: open (and so create) a store there.
    fn other_process_opens(dir: &Path) -> crate::store::Result<SledStore> {
        SledStore::open(dir)
    }

    #[test]
    fn while_a_restore_holds_an_empty_directory_no_store_is_made_there_and_undo_wipes_none() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("E");
        fs::create_dir(&dir).unwrap();
        let target = RestoreDir::check(&dir).unwrap();
        // A dashboard started on the same --db while the restore reads its file.
        let other = other_process_opens(&dir);
        let made = other.is_ok();
        drop(other);
        target.undo();
        assert!(!made, "another store was made in the directory the restore holds");
        assert!(dir.is_dir());
        // Let go: the directory takes a store again.
        drop(other_process_opens(&dir).unwrap());
        assert!(SledStore::exists(&dir));
    }

    #[test]
    fn a_directory_the_restore_made_is_held_from_the_moment_it_is_made() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("new/a");
        let mut target = RestoreDir::check(&db).unwrap();
        target.create().unwrap();
        assert!(matches!(other_process_opens(&db), Err(StoreError::InUse(_))));
        target.undo();
        assert!(!tmp.path().join("new").exists());
    }

    #[test]
    fn a_store_the_restore_looks_at_is_held_too() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("db");
        drop(other_process_opens(&db).unwrap());
        let target = RestoreDir::check(&db).unwrap();
        assert!(matches!(other_process_opens(&db), Err(StoreError::InUse(_))));
        drop(target);
        drop(other_process_opens(&db).unwrap());
    }

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
    fn undo_removes_the_store_it_made_and_not_a_file_another_program_put_there_meanwhile() {
        let tmp = tempfile::tempdir().unwrap();
        for db in [tmp.path().join("E"), tmp.path().join("new/a")] {
            if db.ends_with("E") {
                fs::create_dir(&db).unwrap();
            }
            let mut target = RestoreDir::check(&db).unwrap();
            target.create().unwrap();
            drop(SledStore::open_locked(&db, target.lock().unwrap()).unwrap());
            fs::write(db.join("thesis.txt"), "precious").unwrap();
            target.undo();
            assert_eq!(fs::read_to_string(db.join("thesis.txt")).unwrap(), "precious");
            let left: Vec<_> = fs::read_dir(&db)
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            assert_eq!(
                left,
                ["thesis.txt"],
                "{db:?}: the store's own files go, nothing else"
            );
        }
    }

    #[test]
    fn a_directory_of_another_user_or_inside_one_others_may_write_to_is_refused() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("victimstore");
        fs::create_dir(&dir).unwrap();
        let owner = fs::metadata(&dir).unwrap().uid();
        let someone_else = owner.wrapping_add(4242);
        // Theirs, however empty and open it is.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(owned_by(&dir, someone_else), Err(Refused::NotOurs { owner: o }) if o == owner));
        assert!(owned_by(&dir, owner).is_ok());
        // Ours to make, in their directory that anyone may write to: they could swap it.
        let shared = tmp.path().join("sh");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            owned_by(&shared.join("new/db"), someone_else),
            Err(Refused::NotOurs { .. })
        ));
        // With the sticky bit (as /tmp), nobody but its owner renames what is in it.
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(owned_by(&shared.join("new/db"), someone_else).is_ok());
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
