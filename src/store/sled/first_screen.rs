//! What the first screen reads, kept beside the store at a clean close: every
//! record but the certificate requests, and the last history number, bound to the
//! seal written with it. The dashboard draws from it while the whole store is
//! checked against the seal on another thread (see `deferred`); it is never
//! written through, and never trusted unless its own checksum and the seal it
//! names are whole. Anything else (no file, another seal, a bad checksum) and the
//! store opens as before, checked before the first frame.

use super::{keys, regular};
use crate::store::{Kind, Record};
use std::fs;
use std::io::Write;
use std::path::Path;

pub(super) const FILE: &str = "first-screen";
const MAGIC: &[u8] = b"ocsae first-screen 1\n";
/// The largest file read: the councils, their rollout and the support log are a
/// few MB at most; a larger one is not ours.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The kinds the first screen reads: all but the requests, read after it.
pub(super) fn kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|&k| k != Kind::Certificate)
}

/// The records of the first screen as stored, with the history's last number.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct FirstScreen {
    pub last_seq: u64,
    /// Each kind's stored values, in key order.
    pub values: Vec<(Kind, Vec<Vec<u8>>)>,
}

/// The records the first screen reads, as stored; None if one cannot be read.
pub(super) fn of(engine: &super::engine::Engine) -> Option<FirstScreen> {
    let mut values = Vec::new();
    for kind in kinds() {
        let tree = &engine.trees[super::tree_index(kind)];
        let list: Option<Vec<Vec<u8>>> = tree.iter().values().map(|v| v.ok().map(|v| v.to_vec())).collect();
        values.push((kind, list?));
    }
    Some(FirstScreen {
        last_seq: super::last_seq_in(&engine.db),
        values,
    })
}

impl FirstScreen {
    /// The records of `kind`, if the file holds that kind; an undecodable one is an error.
    pub(super) fn records(&self, kind: Kind) -> Option<Vec<Result<Record, String>>> {
        let (_, values) = self.values.iter().find(|(k, _)| *k == kind)?;
        Some(
            values
                .iter()
                .map(|v| keys::decode_value(kind, v).map_err(|e| e.to_string()))
                .collect(),
        )
    }

    pub(super) fn holds_records(&self) -> bool {
        self.values.iter().any(|(_, v)| !v.is_empty())
    }

    fn encode(&self, seal_crc: u32) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend(seal_crc.to_le_bytes());
        out.extend(self.last_seq.to_le_bytes());
        out.extend((self.values.len() as u32).to_le_bytes());
        for (kind, values) in &self.values {
            out.push(keys::kind_byte(*kind));
            out.extend((values.len() as u32).to_le_bytes());
            for value in values {
                out.extend((value.len() as u32).to_le_bytes());
                out.extend(value);
            }
        }
        let crc = crc32fast::hash(&out);
        out.extend(crc.to_le_bytes());
        out
    }

    /// The file's content if whole and bound to the seal whose checksum is `seal_crc`.
    fn decode(bytes: &[u8], seal_crc: u32) -> Option<FirstScreen> {
        let (body, crc) = bytes.split_at_checked(bytes.len().checked_sub(4)?)?;
        if crc32fast::hash(body).to_le_bytes() != crc {
            return None;
        }
        let mut r = Reader(body.strip_prefix(MAGIC)?);
        if r.u32()? != seal_crc {
            return None;
        }
        let last_seq = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
        let mut values = Vec::new();
        for _ in 0..r.u32()? {
            let byte = r.take(1)?[0];
            let kind = Kind::ALL.into_iter().find(|&k| keys::kind_byte(k) == byte)?;
            let count = r.u32()? as usize;
            let mut list = Vec::with_capacity(count.min(1 << 16));
            for _ in 0..count {
                let len = r.u32()? as usize;
                list.push(r.take(len)?.to_vec());
            }
            values.push((kind, list));
        }
        r.0.is_empty().then_some(FirstScreen { last_seq, values })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

/// Writes the file for the seal whose checksum is `seal_crc`: a new temporary file,
/// synced, renamed over the old one. A failure leaves no file (the old one names
/// another seal, or the same store unchanged).
pub(super) fn write(store_dir: &Path, screen: &FirstScreen, seal_crc: u32) -> std::io::Result<()> {
    let tmp = store_dir.join(format!("{FILE}.tmp"));
    let _ = fs::remove_file(&tmp);
    let written = fs::File::create_new(&tmp).and_then(|mut file| {
        file.write_all(&screen.encode(seal_crc))?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, store_dir.join(FILE))) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    super::seal::sync_dir(store_dir);
    Ok(())
}

/// The file, if it is a regular one, whole, and bound to the seal `seal_crc`.
pub(super) fn read(store_dir: &Path, seal_crc: u32) -> Option<FirstScreen> {
    use std::io::Read;
    let path = store_dir.join(FILE);
    regular::not_regular(&path).is_none().then_some(())?;
    let mut bytes = Vec::new();
    super::seal::open_regular(&path)
        .ok()?
        .take(MAX_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    FirstScreen::decode(&bytes, seal_crc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen() -> FirstScreen {
        FirstScreen {
            last_seq: 42,
            values: vec![
                (Kind::Municipality, vec![vec![1, 2, 3], vec![]]),
                (Kind::Service, vec![]),
            ],
        }
    }

    #[test]
    fn the_file_reads_back_only_whole_and_for_its_own_seal() {
        let bytes = screen().encode(7);
        assert_eq!(FirstScreen::decode(&bytes, 7), Some(screen()));
        assert_eq!(FirstScreen::decode(&bytes, 8), None, "another seal's");
        for cut in [0, 1, MAGIC.len(), bytes.len() - 1] {
            assert_eq!(FirstScreen::decode(&bytes[..cut], 7), None, "cut at {cut}");
        }
        for at in [0, MAGIC.len() + 2, bytes.len() - 6] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            assert_eq!(FirstScreen::decode(&flipped, 7), None, "byte {at} changed");
        }
    }
}
