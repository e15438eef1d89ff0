//! The certificate requests as stored, kept beside the store at a clean close
//! and bound to the seal written with it, as `first-screen` is: the next
//! dashboard reads them from one file, on two threads, instead of walking sled's
//! tree (at a million requests, about 0.5 s against 2 s). Never written
//! through, never trusted unless its own checksum is whole and it names the seal
//! the store opened with; anything else and the requests are read from sled.
//!
//! Layout: a magic line, then each stored value as its length (u32) and its
//! bytes, in key order, in chunks of `CHUNK` values; then where each chunk starts
//! (u64 each); then the trailer: the count (u64), the checksum of everything
//! before it (u32), the seal's checksum (u32), and the trailer's own checksum
//! (u32). The chunks let two threads decode them. The values are written while
//! sled is open, the seal's checksum once the seal is written (`Pending`). A close
//! that wrote nothing binds the file it opened with to its new seal (`rebind`)
//! rather than reading a million requests again.

use super::keys;
use crate::domain::certificate::CertificateRequest;
use crate::store::{Kind, Record};
use std::fs;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub(super) const FILE: &str = "requests";
pub(super) const TMP: &str = "requests.tmp";
const MAGIC: &[u8] = b"ocsae requests 3\n";
/// The count, the checksum of the values, the seal's checksum and the trailer's own.
const TRAILER: u64 = 8 + 4 + 4 + 4;
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
        let body_crc = self.crc.clone().finalize();
        let trailer = trailer(self.count, body_crc, seal_crc);
        let mut out = self.out.take().expect("open until finished");
        let file = out
            .write_all(&trailer)
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

/// The trailer of `count` values whose bytes have the checksum `body_crc`, bound
/// to the seal `seal_crc`.
fn trailer(count: u64, body_crc: u32, seal_crc: u32) -> [u8; TRAILER as usize] {
    let mut out = [0u8; TRAILER as usize];
    out[..8].copy_from_slice(&count.to_le_bytes());
    out[8..12].copy_from_slice(&body_crc.to_le_bytes());
    out[12..16].copy_from_slice(&seal_crc.to_le_bytes());
    let own = crc32fast::hash(&out[..16]);
    out[16..].copy_from_slice(&own.to_le_bytes());
    out
}

/// The count, the values' checksum and the seal's checksum of a whole trailer.
fn parse_trailer(bytes: &[u8; TRAILER as usize]) -> Option<(u64, u32, u32)> {
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (crc32fast::hash(&bytes[..16]) == word(16)).then(|| {
        (
            u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")),
            word(8),
            word(12),
        )
    })
}

/// Removes the file: a close that cannot keep it leaves none to go stale.
pub(super) fn remove(store_dir: &Path) {
    let _ = fs::remove_file(store_dir.join(FILE));
}

/// The checksum of the seal the file is bound to, if it is whole: its bytes are
/// read through (no request decoded), far cheaper than reading sled's tree.
pub(super) fn bound_to(store_dir: &Path) -> Option<u32> {
    use std::io::Read;
    let file = super::seal::open_regular(&store_dir.join(FILE)).ok()?;
    let body = file.metadata().ok()?.len().checked_sub(TRAILER)?;
    let mut bytes = [0u8; TRAILER as usize];
    file.read_exact_at(&mut bytes, body).ok()?;
    let (_, body_crc, seal) = parse_trailer(&bytes)?;
    let mut crc = crc32fast::Hasher::new();
    let mut input = (&file).take(body);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match input.read(&mut buffer).ok()? {
            0 => break,
            n => crc.update(&buffer[..n]),
        }
    }
    (crc.finalize() == body_crc).then_some(seal)
}

/// Binds the file bound to the seal `from` to the seal `to`, changing only its
/// trailer: for a close that wrote nothing, so the requests are as they were.
/// Anything else (no file, another seal's, a failed write) and there is none.
pub(super) fn rebind(store_dir: &Path, from: u32, to: u32) {
    use std::os::unix::fs::OpenOptionsExt;
    let path = store_dir.join(FILE);
    let rebound = (|| -> Option<()> {
        let file = fs::File::options()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(&path)
            .ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        let at = meta.len().checked_sub(TRAILER)?;
        let mut bytes = [0u8; TRAILER as usize];
        file.read_exact_at(&mut bytes, at).ok()?;
        let (count, body_crc, seal_crc) = parse_trailer(&bytes)?;
        if seal_crc != from {
            return None;
        }
        // A write cut short leaves a trailer whose own checksum fails: not used.
        file.write_all_at(&trailer(count, body_crc, to), at).ok()?;
        file.sync_all().ok()
    })();
    if rebound.is_none() {
        remove(store_dir);
    }
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
    let (count, body_crc, bound_to) = parse_trailer(&trailer)?;
    if bound_to != seal_crc {
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
    (crc.finalize() == body_crc).then_some(list)
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
