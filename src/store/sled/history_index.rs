//! Which history entries touched which record, so a record's history is found
//! without reading the whole history.
//!
//! An index key is a prefix followed by the entry's sequence number:
//! - one record: its kind, its key's length, its key;
//! - a run of consecutive numeric keys (the requests an import adds, or its undo):
//!   its kind, [`RANGE`], the first key and the last key. One key instead of
//!   100,000 halves the time of a large import.

use super::keys::kind_byte;
use crate::store::Kind;

/// Marks a range key; no record key is 255 bytes long.
const RANGE: u8 = 0xFF;
/// Runs at least this long get a range key.
const RANGE_MIN: usize = 64;

/// The index prefix of one record: its kind, its key's length, its key.
pub(crate) fn record_prefix(kind: Kind, key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len() + 2);
    out.push(kind_byte(kind));
    out.push(key.len() as u8);
    out.extend_from_slice(key);
    out
}

/// The index prefix of a run of records, `first` to `last`.
pub(crate) fn range_prefix(kind: Kind, first: u64, last: u64) -> Vec<u8> {
    let mut out = vec![kind_byte(kind), RANGE];
    out.extend_from_slice(&first.to_be_bytes());
    out.extend_from_slice(&last.to_be_bytes());
    out
}

/// A run of consecutive numeric keys of one kind, rising or (in an undo) falling.
#[derive(Clone, Copy)]
struct Run {
    kind: Kind,
    first: u64,
    last: u64,
}

impl Run {
    fn len(&self) -> u64 {
        self.first.abs_diff(self.last) + 1
    }

    /// Whether `number` goes on this run: the next key in its direction.
    fn continues(&self, kind: Kind, number: u64) -> bool {
        if kind != self.kind {
            return false;
        }
        let rising = self.last.checked_add(1) == Some(number);
        let falling = self.last.checked_sub(1) == Some(number);
        match self.first.cmp(&self.last) {
            std::cmp::Ordering::Less => rising,
            std::cmp::Ordering::Greater => falling,
            std::cmp::Ordering::Equal => rising || falling,
        }
    }

    fn write(self, out: &mut Vec<Vec<u8>>) {
        let (low, high) = (self.first.min(self.last), self.first.max(self.last));
        // sled sorts the index: the order keys are written in does not matter.
        if self.len() >= RANGE_MIN as u64 {
            out.push(range_prefix(self.kind, low, high));
        } else {
            out.extend((low..=high).map(|n| record_prefix(self.kind, &n.to_be_bytes())));
        }
    }
}

/// The index prefixes for the records one entry touched; the caller appends the
/// entry's sequence number to each.
pub(crate) fn prefixes<'a>(touched: impl IntoIterator<Item = (Kind, &'a [u8])>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut run: Option<Run> = None;
    for (kind, key) in touched {
        let Ok(number) = <[u8; 8]>::try_from(key).map(u64::from_be_bytes) else {
            if let Some(r) = run.take() {
                r.write(&mut out);
            }
            out.push(record_prefix(kind, key));
            continue;
        };
        match &mut run {
            Some(r) if r.continues(kind, number) => r.last = number,
            _ => {
                if let Some(r) = run.take() {
                    r.write(&mut out);
                }
                run = Some(Run {
                    kind,
                    first: number,
                    last: number,
                });
            }
        }
    }
    if let Some(r) = run {
        r.write(&mut out);
    }
    out
}

/// Whether an index key stands for a run of records.
pub(crate) fn is_range(index_key: &[u8]) -> bool {
    index_key.get(1) == Some(&RANGE)
}

/// The prefix to scan for the range keys of one kind.
pub(crate) fn ranges_of(kind: Kind) -> [u8; 2] {
    [kind_byte(kind), RANGE]
}

/// The sequence number in an index key, and whether it concerns `key` (always, for
/// a record key found by its prefix; for a range key, if `key` falls within it).
pub(crate) fn seq_if_covers(index_key: &[u8], key: &[u8]) -> Option<u64> {
    let seq = u64::from_be_bytes(
        index_key
            .get(index_key.len().checked_sub(8)?..)?
            .try_into()
            .ok()?,
    );
    if index_key.get(1) != Some(&RANGE) {
        return Some(seq);
    }
    let number = u64::from_be_bytes(key.try_into().ok()?);
    let first = u64::from_be_bytes(index_key.get(2..10)?.try_into().ok()?);
    let last = u64::from_be_bytes(index_key.get(10..18)?.try_into().ok()?);
    (first..=last).contains(&number).then_some(seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_seq(mut prefix: Vec<u8>, seq: u64) -> Vec<u8> {
        prefix.extend_from_slice(&seq.to_be_bytes());
        prefix
    }

    #[test]
    fn a_long_run_is_one_range_and_short_runs_stay_one_key_each() {
        let keys: Vec<[u8; 8]> = (10..110u64).map(u64::to_be_bytes).collect();
        let touched = keys.iter().map(|k| (Kind::Certificate, &k[..]));
        let out = prefixes(touched);
        assert_eq!(out, [range_prefix(Kind::Certificate, 10, 109)]);
        // An undo walks the same keys backwards.
        let out = prefixes(keys.iter().rev().map(|k| (Kind::Certificate, &k[..])));
        assert_eq!(out, [range_prefix(Kind::Certificate, 10, 109)]);

        let few: Vec<[u8; 8]> = [1u64, 2, 3, 7].map(u64::to_be_bytes).to_vec();
        let out = prefixes(few.iter().map(|k| (Kind::Certificate, &k[..])));
        assert_eq!(out.len(), 4);
        assert_eq!(out[3], record_prefix(Kind::Certificate, &7u64.to_be_bytes()));
    }

    #[test]
    fn a_gap_a_kind_change_or_a_short_key_breaks_the_run() {
        let mut touched: Vec<(Kind, Vec<u8>)> = (0..100u64)
            .map(|n| (Kind::Certificate, n.to_be_bytes().to_vec()))
            .collect();
        touched[50].1 = 1000u64.to_be_bytes().to_vec();
        touched.push((Kind::Municipality, vec![0, 1, 2, 3]));
        let out = prefixes(touched.iter().map(|(k, v)| (*k, v.as_slice())));
        // 0..=49 is short of 64: fifty keys; then 1000; then 51..=99 (49 keys); then the council.
        assert_eq!(out.len(), 50 + 1 + 49 + 1);
        assert!(out.iter().all(|p| p[1] != RANGE));
    }

    #[test]
    fn a_range_covers_only_its_keys() {
        let index = with_seq(range_prefix(Kind::Certificate, 10, 109), 7);
        assert_eq!(seq_if_covers(&index, &10u64.to_be_bytes()), Some(7));
        assert_eq!(seq_if_covers(&index, &109u64.to_be_bytes()), Some(7));
        assert_eq!(seq_if_covers(&index, &110u64.to_be_bytes()), None);
        assert_eq!(seq_if_covers(&index, &9u64.to_be_bytes()), None);
        let single = with_seq(record_prefix(Kind::Certificate, &3u64.to_be_bytes()), 4);
        assert_eq!(seq_if_covers(&single, &3u64.to_be_bytes()), Some(4));
        assert_eq!(seq_if_covers(&[1, 2], &3u64.to_be_bytes()), None);
    }
}
