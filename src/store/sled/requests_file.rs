//! The certificate requests as stored, kept beside the store at the dashboard's
//! clean close and bound to the seal written with it, as `first-screen` is: the
//! next dashboard reads them in one sequential pass of one file instead of
//! walking sled's tree (at a million requests, 0.5 s against 2 s). Never written
//! through, never trusted unless its own checksum is whole and it names the seal
//! the store opened with; anything else and the requests are read from sled.
//!
//! Layout: a magic line, then each stored value as its length (u32) and its
//! bytes, in key order; then the count (u64), the seal's checksum (u32), and
//! the checksum of everything before it (u32). The values are written while sled
//! is open, the seal's checksum once the seal is written (`Pending`).

use super::keys;
use crate::domain::certificate::CertificateRequest;
use crate::store::{Kind, Record};
use std::fs;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub(super) const FILE: &str = "requests";
pub(super) const TMP: &str = "requests.tmp";
const MAGIC: &[u8] = b"ocsae requests 1\n";
/// The count, the seal's checksum and the file's own.
const TRAILER: u64 = 8 + 4 + 4;
/// A stored request is a few hundred bytes; a larger length is not ours.
const MAX_VALUE: usize = 1 << 20;

/// The values written, waiting for the seal's checksum.
pub(super) struct Pending {
    path: PathBuf,
    out: Option<BufWriter<fs::File>>,
    crc: crc32fast::Hasher,
    count: u64,
}

/// Writes `values` (the requests' tree, in key order) into a new temporary file
/// in `store_dir`. Whatever stood at its name goes first; it is created anew,
/// private, never through a link.
pub(super) fn start(
    store_dir: &Path,
    values: impl Iterator<Item = sled::Result<sled::IVec>>,
) -> std::io::Result<Pending> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = store_dir.join(TMP);
    let _ = fs::remove_file(&path);
    let file = fs::File::options()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)?;
    let mut pending = Pending {
        path,
        out: Some(BufWriter::with_capacity(1 << 20, file)),
        crc: crc32fast::Hasher::new(),
        count: 0,
    };
    pending.put(MAGIC)?;
    for value in values {
        let value = value.map_err(std::io::Error::other)?;
        pending.put(&(value.len() as u32).to_le_bytes())?;
        pending.put(&value)?;
        pending.count += 1;
    }
    Ok(pending)
}

impl Pending {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.out.as_mut().expect("open until finished").write_all(bytes)
    }

    /// Binds the file to the seal whose checksum is `seal_crc`, makes it durable
    /// and puts it in place. On failure no file is left at either name.
    pub(super) fn finish(mut self, store_dir: &Path, seal_crc: u32) -> std::io::Result<()> {
        let count = self.count;
        self.put(&count.to_le_bytes())?;
        self.put(&seal_crc.to_le_bytes())?;
        let crc = self.crc.clone().finalize();
        let mut out = self.out.take().expect("open until finished");
        let file = out
            .write_all(&crc.to_le_bytes())
            .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.sync_all());
        let moved = file.and_then(|()| fs::rename(&self.path, store_dir.join(FILE)));
        // The temporary file is removed on drop if it is still there.
        moved?;
        super::seal::sync_dir(store_dir);
        Ok(())
    }
}

impl Drop for Pending {
    /// Never finished (sled or the seal failed): nothing is left behind.
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Removes the file: a close that does not keep it leaves none to go stale.
pub(super) fn remove(store_dir: &Path) {
    let _ = fs::remove_file(store_dir.join(FILE));
}

/// The requests in the file, in id order, if it is a regular file, whole, and
/// bound to the seal `seal_crc`; None otherwise (then sled is read).
pub(super) fn read(store_dir: &Path, seal_crc: u32) -> Option<Vec<CertificateRequest>> {
    let mut file = super::seal::open_regular(&store_dir.join(FILE)).ok()?;
    let len = file.metadata().ok()?.len();
    let body = len.checked_sub(TRAILER)?;
    file.seek(SeekFrom::Start(body)).ok()?;
    let mut trailer = [0u8; TRAILER as usize];
    file.read_exact(&mut trailer).ok()?;
    let count = u64::from_le_bytes(trailer[..8].try_into().ok()?);
    if u32::from_le_bytes(trailer[8..12].try_into().ok()?) != seal_crc {
        return None;
    }
    // Each value takes at least its length and a byte: a larger count is not ours.
    if count > body / 5 {
        return None;
    }
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut input = BufReader::with_capacity(1 << 20, file).take(body);
    let mut crc = crc32fast::Hasher::new();
    let mut magic = [0u8; MAGIC.len()];
    input.read_exact(&mut magic).ok()?;
    if magic != MAGIC {
        return None;
    }
    crc.update(&magic);
    let mut list = Vec::with_capacity(usize::try_from(count).ok()?);
    let mut value = Vec::new();
    for _ in 0..count {
        let mut size = [0u8; 4];
        input.read_exact(&mut size).ok()?;
        crc.update(&size);
        let size = u32::from_le_bytes(size) as usize;
        if size > MAX_VALUE {
            return None;
        }
        value.resize(size, 0);
        input.read_exact(&mut value).ok()?;
        crc.update(&value);
        match keys::decode_value(Kind::Certificate, &value).ok()? {
            Record::Certificate(c) => list.push(c),
            _ => return None,
        }
    }
    // Nothing between the last value and the trailer.
    if input.read(&mut [0u8; 1]).ok()? != 0 {
        return None;
    }
    crc.update(&trailer[..12]);
    (crc.finalize().to_le_bytes() == trailer[12..]).then_some(list)
}
