//! A private copy of a store someone else may own (`migrate --from sled:DIR`,
//! run by an administrator on a technician's directory): its owner could plant
//! a link there to make the copy read a file the administrator may read and
//! they may not (another store, a password file). So nothing is reached through
//! a link: the directory itself, `sled/` and every entry under it are opened
//! relative to their parent's descriptor with `O_NOFOLLOW`, so a link swapped in
//! after a look is refused too; anything but directories and regular files is
//! refused, never opened for long (`O_NONBLOCK`).

use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, openat, statat};
use std::fs;
use std::io::{Error, ErrorKind, Result};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);
const FILE_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::NONBLOCK)
    .union(OFlags::NOCTTY)
    .union(OFlags::CLOEXEC);

/// Copies `dir`'s `tree` (a directory) and the `notes` beside it that exist into
/// `to`, every file 0600. An error of kind `InvalidData` names what is not a
/// directory or a regular file (a link, a FIFO) in `dir`.
pub(super) fn copy_store(dir: &Path, tree: &str, notes: &[&str], to: &Path) -> Result<()> {
    let root = open_dir(CWD, dir, dir)?;
    let shown = dir.join(tree);
    copy_dir(open_dir(&root, tree, &shown)?, &shown, &to.join(tree))?;
    for name in notes {
        match open_file(&root, *name, &dir.join(name)) {
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
            Ok(file) => copy_file(file, &to.join(name))?,
        }
    }
    Ok(())
}

fn refused(shown: &Path, what: &str) -> Error {
    Error::new(ErrorKind::InvalidData, format!("{} is {what}", shown.display()))
}

/// A link (ELOOP under O_NOFOLLOW; ENOTDIR with O_DIRECTORY too) or another
/// node said as such.
fn opened(e: rustix::io::Errno, shown: &Path) -> Error {
    let link = || shown.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
    match e {
        rustix::io::Errno::LOOP => refused(shown, "a link, which is not followed"),
        rustix::io::Errno::NOTDIR if link() => refused(shown, "a link, which is not followed"),
        rustix::io::Errno::NOTDIR => refused(shown, "not a directory"),
        rustix::io::Errno::NXIO => refused(shown, "not a regular file"),
        e => Error::from(e),
    }
}

fn open_dir(at: impl AsFd, name: impl rustix::path::Arg, shown: &Path) -> Result<OwnedFd> {
    openat(at, name, DIR_FLAGS, Mode::empty()).map_err(|e| opened(e, shown))
}

fn open_file(at: impl AsFd, name: impl rustix::path::Arg, shown: &Path) -> Result<fs::File> {
    let file = fs::File::from(openat(at, name, FILE_FLAGS, Mode::empty()).map_err(|e| opened(e, shown))?);
    match file.metadata()?.is_file() {
        true => Ok(file),
        false => Err(refused(shown, "not a regular file")),
    }
}

fn copy_file(mut from: fs::File, to: &Path) -> Result<()> {
    let mut copy = fs::File::create_new(to)?;
    std::io::copy(&mut from, &mut copy)?;
    copy.set_permissions(fs::Permissions::from_mode(0o600))
}

fn copy_dir(fd: OwnedFd, shown: &Path, to: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    fs::create_dir_all(to)?;
    let mut names = Vec::new();
    for entry in Dir::read_from(&fd)? {
        let name = entry?.file_name().to_owned();
        if !matches!(name.to_bytes(), b"." | b"..") {
            names.push(name);
        }
    }
    for name in names {
        let plain = std::ffi::OsStr::from_bytes(name.to_bytes());
        let path = shown.join(plain);
        // Looked at without following, then opened without following: a link
        // put there in between is refused by the open.
        let kind = FileType::from_raw_mode(statat(&fd, name.as_c_str(), AtFlags::SYMLINK_NOFOLLOW)?.st_mode);
        match kind {
            FileType::Directory => copy_dir(open_dir(&fd, name.as_c_str(), &path)?, &path, &to.join(plain))?,
            FileType::RegularFile => copy_file(open_file(&fd, name.as_c_str(), &path)?, &to.join(plain))?,
            FileType::Symlink => return Err(refused(&path, "a link, which is not followed")),
            _ => return Err(refused(&path, "not a regular file")),
        }
    }
    Ok(())
}
