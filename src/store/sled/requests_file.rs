//! The certificate requests as stored, kept beside the store at a clean close
//! and bound to the seal written with it, as `first-screen` is: the next
//! dashboard reads them from one file, on two threads, instead of walking sled's
//! tree (at a million requests, about 0.5 s against 2 s). Never written
//! through, never trusted unless its own checksum is whole and it names the seal
//! the store opened with; anything else and the requests are read from sled.
//!
//! Layout: a magic line, then each stored value as its length (u32) and its
//! bytes, in key order, in chunks of `CHUNK` values; then where each chunk starts
//! (u64 each), the count (u64), the seal's checksum (u32), and the checksum of
//! everything before it (u32). The chunks let two threads decode them. The values
//! are written while sled is open, the seal's checksum once the seal is written
//! (`Pending`).

use super::keys;
use crate::domain::certificate::CertificateRequest;
use crate::store::{Kind, Record};
use std::fs;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub(super) const FILE: &str = "requests";
pub(super) const TMP: &str = "requests.tmp";
const MAGIC: &[u8] = b"ocsae requests 2\n";
/// The count, the seal's checksum and the file's own.
const TRAILER: u64 = 8 + 4 + 4;
/// Values a chunk holds (about 3 MB of requests in memory): the unit of work of
/// the two threads that read them. A few in the unit tests, so that both work.
#[cfg(not(test))]
const CHUNK: u64 = 16_384;
#[cfg(test)]
const CHUNK: u64 = 2;
/// A stored request is a few hundred bytes; a larger length is not ours.
const MAX_VALUE: usize = 1 << 20;

/// The values written, waiting for the seal's checksum.
pub(super) struct Pending {
    path: PathBuf,
    out: Option<BufWriter<fs::File>>,
    crc: crc32fast::Hasher,
    count: u64,
    written: u64,
    chunks: Vec<u64>,
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
        written: 0,
        chunks: Vec::new(),
    };
    pending.put(MAGIC)?;
    for value in values {
        let value = value.map_err(std::io::Error::other)?;
        if pending.count.is_multiple_of(CHUNK) {
            pending.chunks.push(pending.written);
        }
        pending.put(&(value.len() as u32).to_le_bytes())?;
        pending.put(&value)?;
        pending.count += 1;
    }
    Ok(pending)
}

impl Pending {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.written += bytes.len() as u64;
        self.out.as_mut().expect("open until finished").write_all(bytes)
    }

    /// Binds the file to the seal whose checksum is `seal_crc`, makes it durable
    /// and puts it in place. On failure no temporary file is left.
    pub(super) fn finish(mut self, store_dir: &Path, seal_crc: u32) -> std::io::Result<()> {
        for start in std::mem::take(&mut self.chunks) {
            self.put(&start.to_le_bytes())?;
        }
        let count = self.count;
        self.put(&count.to_le_bytes())?;
        self.put(&seal_crc.to_le_bytes())?;
        let crc = self.crc.clone().finalize();
        let mut out = self.out.take().expect("open until finished");
        let file = out
            .write_all(&crc.to_le_bytes())
            .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.sync_all());
        // The temporary file is removed on drop if it is still there.
        file.and_then(|()| fs::rename(&self.path, store_dir.join(FILE)))?;
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

/// Removes the file: a close that cannot keep it leaves none to go stale.
pub(super) fn remove(store_dir: &Path) {
    let _ = fs::remove_file(store_dir.join(FILE));
}

/// One chunk read and decoded, with the checksum of its bytes.
type Chunk = Option<(Vec<CertificateRequest>, crc32fast::Hasher)>;

/// The requests in the file, in id order, if it is a regular file, whole, and
/// bound to the seal `seal_crc`; None otherwise (then sled is read). The chunks
/// are decoded on two threads; those of the other thread are appended in order,
/// so no more than a few chunks are ever held twice.
pub(super) fn read(store_dir: &Path, seal_crc: u32) -> Option<Vec<CertificateRequest>> {
    let file = super::seal::open_regular(&store_dir.join(FILE)).ok()?;
    let len = file.metadata().ok()?.len();
    let mut trailer = [0u8; TRAILER as usize];
    file.read_exact_at(&mut trailer, len.checked_sub(TRAILER)?).ok()?;
    let count = u64::from_le_bytes(trailer[..8].try_into().ok()?);
    if u32::from_le_bytes(trailer[8..12].try_into().ok()?) != seal_crc {
        return None;
    }
    // Each value takes at least its length and a byte: a larger count is not ours.
    if count > len / 5 {
        return None;
    }
    let chunks = count.div_ceil(CHUNK);
    let table_at = len.checked_sub(TRAILER + 8 * chunks)?;
    let mut table = vec![0u8; usize::try_from(8 * chunks).ok()?];
    file.read_exact_at(&mut table, table_at).ok()?;
    let mut bounds: Vec<u64> = table
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    bounds.push(table_at);
    let first = bounds.first().copied().unwrap_or(table_at);
    if first != MAGIC.len() as u64 || !bounds.is_sorted() {
        return None;
    }
    let mut magic = [0u8; MAGIC.len()];
    file.read_exact_at(&mut magic, 0).ok()?;
    if magic != MAGIC {
        return None;
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&magic);
    // The chunk `i`: its bytes read, checked for their count, and decoded.
    let chunk = |i: u64| -> Chunk {
        let (from, to) = (bounds[i as usize], bounds[i as usize + 1]);
        let mut bytes = vec![0u8; usize::try_from(to - from).ok()?];
        file.read_exact_at(&mut bytes, from).ok()?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&bytes);
        let values = CHUNK.min(count - i * CHUNK) as usize;
        let mut list = Vec::with_capacity(values);
        decode_into(&bytes, values, &mut list)?;
        Some((list, crc))
    };
    let mut list = Vec::with_capacity(usize::try_from(count).ok()?);
    let whole = std::thread::scope(|s| {
        // The odd chunks on another thread, one or two ahead at most.
        let (give, take) = std::sync::mpsc::sync_channel::<Chunk>(1);
        let other = (chunks > 1).then(|| {
            let chunk = &chunk;
            s.spawn(move || {
                for i in (1..chunks).step_by(2) {
                    let done = chunk(i);
                    let failed = done.is_none();
                    if give.send(done).is_err() || failed {
                        return;
                    }
                }
            })
        });
        let mut whole = true;
        for i in 0..chunks {
            let done = match i % 2 == 1 && other.is_some() {
                true => take.recv().ok().flatten(),
                false => chunk(i),
            };
            let Some((part, part_crc)) = done else {
                whole = false;
                break;
            };
            list.extend(part);
            crc.combine(&part_crc);
        }
        // The other thread stops at its next chunk once nobody takes them.
        drop(take);
        whole
    });
    if !whole {
        return None;
    }
    crc.update(&table);
    crc.update(&trailer[..12]);
    (crc.finalize().to_le_bytes() == trailer[12..]).then_some(list)
}

/// Decodes exactly `values` values, the whole of `bytes`, into `list`.
fn decode_into(mut bytes: &[u8], values: usize, list: &mut Vec<CertificateRequest>) -> Option<()> {
    for _ in 0..values {
        let (size, rest) = bytes.split_first_chunk::<4>()?;
        let size = u32::from_le_bytes(*size) as usize;
        if size > MAX_VALUE {
            return None;
        }
        let (value, rest) = rest.split_at_checked(size)?;
        match keys::decode_value(Kind::Certificate, value).ok()? {
            Record::Certificate(c) => list.push(c),
            _ => return None,
        }
        bytes = rest;
    }
    bytes.is_empty().then_some(())
}
