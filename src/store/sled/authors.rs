//! Who created and who last changed each record, from the history index: its
//! keys name the records and the entries, and each holds its entry's head.

use super::keys::kind_byte;
use super::{SledStore, T_HISTORY_INDEX, codec, history_index};
use crate::domain::municipality::IneCode;
use crate::store::{Authors, HistoryHead, Kind, RecordId, Result};
use std::collections::HashMap;

/// A record's first and last entries: their numbers and authors.
struct Span {
    first: (u64, String),
    last: (u64, String),
}

impl SledStore {
    pub(super) fn record_authors(&self, kind: Kind) -> Result<HashMap<RecordId, Authors>> {
        let engine = self.engine()?;
        let mut spans: HashMap<RecordId, Span> = HashMap::new();
        let mut note = |id: RecordId, seq: u64, user: &str| {
            let span = spans.entry(id).or_insert_with(|| Span {
                first: (seq, user.to_string()),
                last: (seq, user.to_string()),
            });
            if seq < span.first.0 {
                span.first = (seq, user.to_string());
            }
            if seq >= span.last.0 {
                span.last = (seq, user.to_string());
            }
        };
        for item in engine.trees[T_HISTORY_INDEX].scan_prefix([kind_byte(kind)]) {
            let (key, head) = item?;
            let Some(seq) = key.len().checked_sub(8).and_then(|at| key[at..].try_into().ok()) else {
                continue;
            };
            let seq = u64::from_be_bytes(seq);
            // The index holds a copy of the head; stores written before it did hold none.
            let head: HistoryHead = match head.is_empty() {
                true => self.head(seq)?,
                false => codec::decode(&head)?,
            };
            if history_index::is_range(&key) {
                let number = |at: usize| {
                    key.get(at..at + 8)
                        .and_then(|b| b.try_into().ok())
                        .map(u64::from_be_bytes)
                };
                if let (Some(first), Some(last)) = (number(2), number(10)) {
                    for id in (first..=last).filter_map(|n| numbered(kind, n)) {
                        note(id, seq, &head.user);
                    }
                }
                continue;
            }
            let record_key = &key[2..key.len() - 8];
            if let Some(id) = id_of(kind, record_key) {
                note(id, seq, &head.user);
            }
        }
        Ok(spans
            .into_iter()
            .map(|(id, span)| {
                (
                    id,
                    Authors {
                        created_by: span.first.1,
                        updated_by: span.last.1,
                    },
                )
            })
            .collect())
    }
}

/// The record a key names (the reverse of `keys::key`).
fn id_of(kind: Kind, key: &[u8]) -> Option<RecordId> {
    let ine = |bytes: &[u8]| {
        bytes
            .get(..4)?
            .try_into()
            .ok()
            .map(u32::from_be_bytes)
            .map(IneCode)
    };
    match kind {
        Kind::Municipality => ine(key).map(RecordId::Municipality),
        Kind::Rollout => {
            let service = std::str::from_utf8(key.get(4..)?).ok()?;
            Some(RecordId::Rollout(ine(key)?, service.to_string()))
        }
        Kind::Certificate | Kind::Activity => numbered(kind, key.try_into().ok().map(u64::from_be_bytes)?),
        Kind::Operator => std::str::from_utf8(key)
            .ok()
            .map(|k| RecordId::Operator(k.to_string())),
        Kind::Service => std::str::from_utf8(key)
            .ok()
            .map(|k| RecordId::Service(k.to_string())),
    }
}

/// The record of a numbered kind with this number.
fn numbered(kind: Kind, n: u64) -> Option<RecordId> {
    match kind {
        Kind::Certificate => Some(RecordId::Certificate(n)),
        Kind::Activity => Some(RecordId::Activity(n)),
        Kind::Municipality | Kind::Rollout | Kind::Operator | Kind::Service => None,
    }
}
