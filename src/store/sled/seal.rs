//! The seal: what sled's files looked like when the store was last closed cleanly.
//!
//! sled "recovers" a truncated or overwritten file by dropping what it cannot read
//! and rewriting the file, which would lose data silently. So a clean close records
//! each file's size, modification time and checksum, and opening compares them
//! before sled is touched: a damaged store is refused, never rewritten. After a
//! crash there is no seal (nor with a seal that cannot be read), and the store
//! opens the way `recovery` describes, which checks everything.

use crate::store::damage::{Fault, FileDamage, Node};
use crate::store::{Result, StoreError};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

const SEAL_FILE: &str = "seal";
/// The seal while the store is open: never trusted, kept for its space.
const OPEN_FILE: &str = "seal.open";

#[derive(Debug, Clone, PartialEq, Eq)]
struct FileMark {
    name: String,
    size: u64,
    mtime_ns: u128,
    crc: u32,
}

/// The largest seal read: one line per file of the database, far below this.
const MAX_SEAL_BYTES: u64 = 16 * 1024 * 1024;

/// Opens a regular file to read, never following a link at its name and never
/// waiting (a FIFO, a device); an `InvalidData` error for anything else.
pub(super) fn open_regular(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is not a regular file", path.display()),
        ));
    }
    Ok(file)
}

/// The files under `dir`, links and other special files left out: sled makes none.
fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let (path, kind) = (entry.path(), entry.file_type()?);
        if kind.is_dir() {
            out.extend(files(&path)?);
        } else if kind.is_file() && !path.to_string_lossy().ends_with(".generating") {
            // sled's unfinished snapshots are removed before it opens.
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn checksum(path: &Path) -> std::io::Result<u32> {
    use std::io::Read;
    let mut hasher = crc32fast::Hasher::new();
    let mut file = open_regular(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finalize());
        }
        hasher.update(&buf[..n]);
    }
}

fn stat(path: &Path) -> std::io::Result<(u64, u128)> {
    let meta = open_regular(path)?.metadata()?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok((meta.len(), mtime))
}

fn render(sled_dir: &Path, leave_out: &[PathBuf]) -> std::io::Result<String> {
    let mut text = String::new();
    for path in files(sled_dir)?.into_iter().filter(|p| !leave_out.contains(p)) {
        let (size, mtime_ns) = stat(&path)?;
        let name = path.strip_prefix(sled_dir).unwrap_or(&path).display().to_string();
        text.push_str(&format!("{size} {mtime_ns} {:08x} {name}\n", checksum(&path)?));
    }
    Ok(text)
}

/// Makes a rename or a removal in `dir` durable.
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Records the sled files as they are now, but those in `leave_out` (blobs of
/// changes that never reached the disk: sled keeps or drops them as it opens). Called
/// once sled has closed.
///
/// The text goes into `seal.open`, the seal taken off at open, overwritten in place:
/// its blocks are already the store's, so a store closed on a full disk is still
/// sealed. Without it, into a new `seal.tmp`, removed if it cannot be written.
/// Returns the seal's own checksum, which `first_screen` names.
pub fn write(store_dir: &Path, sled_dir: &Path, leave_out: &[PathBuf]) -> std::io::Result<u32> {
    use std::io::Write;
    let text = render(sled_dir, leave_out)?;
    let open = store_dir.join(OPEN_FILE);
    let source = match open_to_overwrite(&open) {
        Ok(mut file) => {
            // Never trusted under this name: a write cut short here is harmless.
            file.write_all(text.as_bytes())?;
            file.set_len(text.len() as u64)?;
            file.sync_all()?;
            open
        }
        Err(_) => {
            let tmp = store_dir.join(format!("{SEAL_FILE}.tmp"));
            // Made new: whatever stood under this name (a link, a FIFO) goes first.
            let _ = fs::remove_file(&tmp);
            let written = fs::File::create_new(&tmp).and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                file.sync_all()
            });
            if let Err(e) = written {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
            tmp
        }
    };
    fs::rename(source, store_dir.join(SEAL_FILE))?;
    sync_dir(store_dir);
    Ok(crc32fast::hash(text.as_bytes()))
}

/// `seal.open` to write over, if it is a regular file: what was taken off at open
/// may be anything that stood at `seal` (a FIFO would block, a link lead elsewhere).
fn open_to_overwrite(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::File::options()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    match file.metadata()?.is_file() {
        true => Ok(file),
        false => Err(std::io::Error::from(std::io::ErrorKind::InvalidData)),
    }
}

/// Reads the seal, if there is one that can be read, and checks the sled files
/// against it. A seal that is empty, has a line that does not parse, names a file
/// outside the database's directory, or has no line for the database, is no seal;
/// so is one that is not a regular file (a link, a FIFO): the store then opens the
/// way it does after a crash, which checks everything. Files that differ from a
/// readable seal: damaged.
pub fn check(store_dir: &Path, sled_dir: &Path) -> Result<bool> {
    let seal_path = store_dir.join(SEAL_FILE);
    let no_seal = || {
        tracing::warn!(
            "{} cannot be read: checking the store as after a crash",
            seal_path.display()
        );
        Ok(false)
    };
    let text = match read_seal(&seal_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        // A link (O_NOFOLLOW says ELOOP), a FIFO, a device, a huge file.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData || e.raw_os_error() == Some(libc::ELOOP) => {
            return no_seal();
        }
        Err(e) => return Err(StoreError::io(seal_path, e)),
    };
    let Some(expected) = parse(&text) else {
        return no_seal();
    };
    for mark in &expected {
        let path = sled_dir.join(&mark.name);
        // Named as inside the store, `sled/db`.
        let damaged = |fault| {
            let file = format!("{}/{}", super::SLED_DIR, mark.name);
            super::damaged(store_dir, FileDamage { file, fault })
        };
        if let Some((part, node)) = irregular_on_the_way(sled_dir, &mark.name) {
            let file = format!("{}/{part}", super::SLED_DIR);
            return Err(super::regular::irregular(store_dir, file, node));
        }
        let (size, _) = match stat(&path) {
            Ok(found) => found,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(damaged(Fault::Missing)),
            Err(_) => {
                return Err(damaged(match super::regular::not_regular(&path) {
                    Some(node) => Fault::NotRegular(node),
                    None => Fault::Missing,
                }));
            }
        };
        if size != mark.size {
            return Err(damaged(Fault::Size {
                found: size,
                sealed: mark.size,
            }));
        }
        // The content decides, whatever the file's time says (a tool can keep it):
        // 47 MB for 100,000 requests checks in about 15 ms.
        if checksum(&path).map_err(|e| StoreError::io(&path, e))? != mark.crc {
            return Err(damaged(Fault::Changed));
        }
    }
    Ok(true)
}

/// What can be checked without reading the files through: a readable seal whose
/// every file is there, a regular file, of its sealed size and time. Returns the
/// seal's checksum; None if anything differs (the whole check then says what).
pub fn quick_check(store_dir: &Path, sled_dir: &Path) -> Option<u32> {
    let text = read_seal(&store_dir.join(SEAL_FILE)).ok()?;
    for mark in parse(&text)? {
        if irregular_on_the_way(sled_dir, &mark.name).is_some() {
            return None;
        }
        let (size, mtime_ns) = stat(&sled_dir.join(&mark.name)).ok()?;
        if size != mark.size || mtime_ns != mark.mtime_ns {
            return None;
        }
    }
    Some(crc32fast::hash(text.as_bytes()))
}

/// The seal's text: a regular file only, read without waiting, of a sane size.
fn read_seal(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_SEAL_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SEAL_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "seal too large",
        ));
    }
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// The first directory on the way to `name` inside `sled_dir` that is not one (a
/// link, a FIFO), with what it is.
fn irregular_on_the_way(sled_dir: &Path, name: &str) -> Option<(String, Node)> {
    let mut path = sled_dir.to_path_buf();
    let parts: Vec<&str> = name.split('/').collect();
    parts[..parts.len() - 1].iter().enumerate().find_map(|(i, part)| {
        path.push(part);
        // A regular file there leaves the file missing, which is said below.
        let node = Node::of(path.symlink_metadata().ok()?.file_type()).filter(|n| *n != Node::Directory)?;
        Some((parts[..=i].join("/"), node))
    })
}

/// A name a seal may hold: a path inside the database's directory, made of plain
/// parts (no root, no `.` or `..`, no empty part), as `files` writes them.
fn is_inside(name: &str) -> bool {
    !name.is_empty()
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\0'))
}

/// The marks of a seal; None if it is not a whole seal.
fn parse(text: &str) -> Option<Vec<FileMark>> {
    let mut expected = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(4, ' ');
        let (Some(size), Some(mtime), Some(crc), Some(name)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if !is_inside(name) {
            return None;
        }
        expected.push(FileMark {
            name: name.to_string(),
            size: size.parse().ok()?,
            mtime_ns: mtime.parse().ok()?,
            crc: u32::from_str_radix(crc, 16).ok()?,
        });
    }
    expected.iter().any(|m| m.name == "db").then_some(expected)
}

/// Takes the seal off (the store is about to change, or sled to repair it), keeping
/// its file as `seal.open` for `write`.
pub fn take_off(store_dir: &Path) -> Result<()> {
    let seal_path = store_dir.join(SEAL_FILE);
    match fs::rename(&seal_path, store_dir.join(OPEN_FILE)) {
        Ok(()) => {
            sync_dir(store_dir);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(seal_path, e)),
    }
}
