//! The seal: what sled's files looked like when the store was last closed cleanly.
//!
//! sled "recovers" a truncated or overwritten file by dropping what it cannot read
//! and rewriting the file, which would lose data silently. So a clean close records
//! each file's size, modification time and checksum, and opening compares them
//! before sled is touched: a damaged store is refused, never rewritten. After a
//! crash there is no seal (nor with a seal that cannot be read), and the store
//! opens the way `recovery` describes, which checks everything.

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

fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(files(&path)?);
        } else if !path.to_string_lossy().ends_with(".generating") {
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
    let mut file = fs::File::open(path)?;
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
    let meta = fs::metadata(path)?;
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
pub fn write(store_dir: &Path, sled_dir: &Path, leave_out: &[PathBuf]) -> std::io::Result<()> {
    use std::io::Write;
    let text = render(sled_dir, leave_out)?;
    let open = store_dir.join(OPEN_FILE);
    let source = match fs::OpenOptions::new().write(true).open(&open) {
        Ok(mut file) => {
            // Never trusted under this name: a write cut short here is harmless.
            file.write_all(text.as_bytes())?;
            file.set_len(text.len() as u64)?;
            file.sync_all()?;
            open
        }
        Err(_) => {
            let tmp = store_dir.join(format!("{SEAL_FILE}.tmp"));
            let written = fs::write(&tmp, &text).and_then(|()| fs::File::open(&tmp)?.sync_all());
            if let Err(e) = written {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
            tmp
        }
    };
    fs::rename(source, store_dir.join(SEAL_FILE))?;
    sync_dir(store_dir);
    Ok(())
}

/// Reads the seal, if there is one that can be read, and checks the sled files
/// against it. A seal that is empty, has a line that does not parse, or has no line
/// for the database, is no seal: the store then opens the way it does after a crash,
/// which checks everything. Files that differ from a readable seal: damaged.
pub fn check(store_dir: &Path, sled_dir: &Path) -> Result<bool> {
    let seal_path = store_dir.join(SEAL_FILE);
    let text = match fs::read(&seal_path) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StoreError::io(seal_path, e)),
    };
    let Some(expected) = parse(&text) else {
        tracing::warn!(
            "{} cannot be read: checking the store as after a crash",
            seal_path.display()
        );
        return Ok(false);
    };
    let damaged = |detail: String| super::damaged(store_dir, detail);
    for mark in &expected {
        let path = sled_dir.join(&mark.name);
        let (size, _) = stat(&path).map_err(|_| damaged(format!("{} is missing", mark.name)))?;
        if size != mark.size {
            return Err(damaged(format!(
                "{} has {size} bytes, {} when closed",
                mark.name, mark.size
            )));
        }
        // The content decides, whatever the file's time says (a tool can keep it):
        // 47 MB for 100,000 requests checks in about 15 ms.
        if checksum(&path).map_err(|e| StoreError::io(&path, e))? != mark.crc {
            return Err(damaged(format!("{} changed since it was closed", mark.name)));
        }
    }
    Ok(true)
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
