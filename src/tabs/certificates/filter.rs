//! Which requests the Certificats filter matches: a bit per request, in the
//! order they sit in memory, found by one pass over the folded holders (councils
//! by code), and narrowed as more is typed by looking only at those found before.

use crate::app::cert_data::CertData;
use crate::domain::municipality::IneCode;
use fixedbitset::FixedBitSet;
use memchr::memmem::Finder;
use std::ops::Range;

/// A longer filter tests the requests found before one by one while they are
/// fewer than one in this many; more, and one pass over the whole text is
/// quicker (those found before are scattered over it: each is a wait for memory).
const SPARSE: usize = 64;

/// Requests in a bit block of `FixedBitSet`.
const BLOCK: usize = u32::BITS as usize;

/// From this many requests on, a search is shared between the processors
/// (about 2 MB of text: starting a thread costs far less than its part).
const PARALLEL_MIN: usize = 100_000;

/// Marks in `blocks` (a bit per request from the first of `rows`) the requests
/// of `rows` that match, by holder or by council.
fn mark(
    certs: &CertData,
    finder: &Finder,
    councils: &CouncilSet,
    rows: std::ops::Range<usize>,
    blocks: &mut [u32],
) {
    certs.folded.mark_matches(finder, rows.clone(), blocks);
    if !councils.is_empty() {
        // A block of bits at a time, rather than a bit written per request.
        for (block, ines) in blocks.iter_mut().zip(certs.ine[rows].chunks(BLOCK)) {
            for (k, &ine) in ines.iter().enumerate() {
                *block |= u32::from(councils.contains(ine)) << k;
            }
        }
    }
}

/// Councils by INE code, one bit each, for a test per request without a search.
pub struct CouncilSet(FixedBitSet);

impl CouncilSet {
    pub fn new(councils: impl IntoIterator<Item = IneCode>) -> CouncilSet {
        let codes: Vec<usize> = councils.into_iter().map(|c| c.0 as usize).collect();
        let top = codes.iter().max().map_or(0, |&c| c + 1);
        let mut bits = FixedBitSet::with_capacity(top);
        bits.extend(codes);
        CouncilSet(bits)
    }

    fn is_empty(&self) -> bool {
        self.0.is_clear()
    }

    fn contains(&self, ine: IneCode) -> bool {
        self.0.contains(ine.0 as usize)
    }
}

/// The requests a filter matches, a bit per request of `CertData::list`.
#[derive(Debug, Clone)]
pub struct Matches {
    bits: FixedBitSet,
    count: usize,
}

impl Matches {
    /// The requests whose folded holder contains `query` (folded, not empty) or
    /// whose council is one of `councils`. A million requests are a pass over
    /// about 20 MB: each processor takes a part of it.
    pub fn find(certs: &CertData, query: &str, councils: &CouncilSet) -> Matches {
        // Asked once: the answer reads the process's limits from files.
        static PROCESSORS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let processors =
            *PROCESSORS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)));
        let threads = match certs.list.len() >= PARALLEL_MIN {
            true => processors,
            false => 1,
        };
        Matches::find_in_parts(certs, query, councils, threads)
    }

    fn find_in_parts(certs: &CertData, query: &str, councils: &CouncilSet, threads: usize) -> Matches {
        let len = certs.list.len();
        let mut bits = FixedBitSet::with_capacity(len);
        let finder = Finder::new(query.as_bytes());
        // Each part a whole number of blocks, so that each has its own.
        let part = len.div_ceil(threads).next_multiple_of(BLOCK).max(BLOCK);
        let run = |rows: Range<usize>| {
            let mut blocks = vec![0u32; rows.len().div_ceil(BLOCK)];
            mark(certs, &finder, councils, rows, &mut blocks);
            blocks
        };
        let parts: Vec<Range<usize>> = (0..len)
            .step_by(part)
            .map(|start| start..(start + part).min(len))
            .collect();
        std::thread::scope(|scope| {
            // The first part on this thread, the others beside it (or here too
            // if no thread can be started).
            let others: Vec<_> = parts[1.min(parts.len())..]
                .iter()
                .map(|rows| {
                    let job = {
                        let (run, rows) = (&run, rows.clone());
                        move || run(rows)
                    };
                    std::thread::Builder::new()
                        .spawn_scoped(scope, job)
                        .map_err(|_| rows.clone())
                })
                .collect();
            let found = parts
                .first()
                .cloned()
                .map(run)
                .into_iter()
                .chain(others.into_iter().map(|other| {
                    match other {
                        Ok(thread) => thread
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                        Err(rows) => run(rows),
                    }
                }));
            for (rows, blocks) in parts.iter().zip(found) {
                let at = rows.start / BLOCK;
                bits.as_mut_slice()[at..at + blocks.len()].copy_from_slice(&blocks);
            }
        });
        let count = bits.count_ones(..);
        Matches { bits, count }
    }

    /// Those of these requests, found for a shorter query that `query` extends,
    /// that match `query`: a request that matches it matched the shorter one.
    pub fn narrow(&self, certs: &CertData, query: &str, councils: &CouncilSet) -> Matches {
        if self.count.saturating_mul(SPARSE) >= certs.list.len() {
            return Matches::find(certs, query, councils);
        }
        let finder = Finder::new(query.as_bytes());
        let mut bits = FixedBitSet::with_capacity(certs.list.len());
        // In memory order: each request's holder after the last one's.
        bits.extend(
            self.bits
                .ones()
                .filter(|&i| certs.folded.row_contains(i, &finder) || councils.contains(certs.ine[i])),
        );
        let count = bits.count_ones(..);
        Matches { bits, count }
    }

    /// Whether the request at `index` in `CertData::list` matches.
    pub fn contains(&self, index: usize) -> bool {
        self.bits.contains(index)
    }

    /// How many requests match, in every view.
    pub fn count(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Calendar;
    use crate::domain::certificate::{CertificateRequest, HolderRole};
    use crate::domain::search::fold;

    fn certs(holders: &[(&str, &str)]) -> CertData {
        let received = "2026-11-02T09:00:00Z".parse().unwrap();
        let list = holders
            .iter()
            .enumerate()
            .map(|(i, (ine, holder))| {
                let ine = IneCode::parse(ine).unwrap();
                CertificateRequest::received(
                    i as u64 + 1,
                    ine,
                    holder.to_string(),
                    HolderRole::Mayor,
                    "tcat",
                    received,
                )
            })
            .collect();
        CertData::new(list, &Calendar::catalan(&[], chrono_tz::Europe::Madrid))
    }

    fn ids(m: &Matches) -> Vec<usize> {
        m.bits.ones().collect()
    }

    /// Typed letter by letter, each narrowed from the last: the same requests as
    /// each query looked for afresh, and as each request tested alone.
    #[test]
    fn narrowing_finds_what_a_fresh_search_finds() {
        // Many requests, so that narrowing goes one by one once the matches are few.
        let names = ["Maria Puig", "Marta Solé", "Núria Mas", "Pau Vidal", "Anna Roca"];
        let councils = ["250019", "080018", "170010"];
        let holders: Vec<(String, String)> = (0..401)
            .map(|i| (councils[i % 3].to_string(), format!("{} {i}", names[i * 7 % 5])))
            .collect();
        let pairs: Vec<(&str, &str)> = holders.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let certs = certs(&pairs);
        // The second council "matches" every query: its requests are always in.
        let council = CouncilSet::new([IneCode::parse("080018").unwrap()]);
        let none = CouncilSet::new([]);
        // The last letters of the first two narrow a handful one by one.
        for text in ["maria puig 100", "nuria mas 316", "zz", "a"] {
            for set in [&council, &none] {
                let mut last: Option<Matches> = None;
                for end in 1..=text.len() {
                    let query = fold(&text[..end]);
                    let fresh = Matches::find(&certs, &query, set);
                    // Shared between threads, in parts that do not end on a block.
                    let parts = Matches::find_in_parts(&certs, &query, set, 3);
                    assert_eq!(ids(&parts), ids(&fresh), "{query:?}");
                    let narrowed = match &last {
                        Some(m) => m.narrow(&certs, &query, set),
                        None => fresh.clone(),
                    };
                    let each: Vec<usize> = (0..certs.list.len())
                        .filter(|&i| {
                            fold(&certs.list[i].holder).contains(&query) || set.contains(certs.ine[i])
                        })
                        .collect();
                    assert_eq!(ids(&fresh), each, "{query:?}");
                    assert_eq!(ids(&narrowed), each, "{query:?}");
                    assert_eq!(narrowed.count(), each.len());
                    last = Some(narrowed);
                }
            }
        }
    }
}
