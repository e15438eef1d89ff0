//! Reading the history: one record's entries, every entry after a point, and who
//! created and last changed each record.

use super::commit::{edit_of, entry_kind};
use super::{PgStore, pg_error, tables};
use crate::store::{
    Applied, Authors, ChangeKind, Changes, EntryKind, HistoryHead, Kind, RecordHistory, RecordId, Result,
    StoreError, Unreadable,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// An entry that changed at least this many records is shown whole, not per record
/// (an import), as sled does for its runs of ids.
const BULK: i32 = 64;

pub(super) fn head_of(row: &postgres::Row, first: usize) -> HistoryHead {
    let at: DateTime<Utc> = row.get(first);
    let author: String = row.get(first + 1);
    let kind: String = row.get(first + 2);
    let target: Option<i64> = row.get(first + 3);
    let change: String = row.get(first + 4);
    HistoryHead {
        at,
        user: author,
        kind: entry_kind(&kind, target),
        change: ChangeKind::parse(&change),
    }
}

impl PgStore {
    pub(super) fn record_history(&self, id: &RecordId) -> Result<Vec<RecordHistory>> {
        let location = self.name();
        let (kind, key) = (tables::kind_name(id.kind()), tables::key_text(id));
        let rows = self.read(move |c| {
            c.query(
                "SELECT h.seq, h.at, h.author, h.kind, h.target, h.change, h.edits, e.kind, e.before, e.after \
                 FROM ocsae.history_edit e JOIN ocsae.history h ON h.seq = e.seq \
                 WHERE e.kind = $1 AND e.key = $2 ORDER BY e.seq, e.pos",
                &[&kind, &key],
            )
            .map_err(pg_error)
        })?;
        let mut out: Vec<RecordHistory> = Vec::with_capacity(rows.len());
        for row in &rows {
            let seq: i64 = row.get(0);
            if out.last().is_some_and(|h| h.seq == seq as u64) {
                continue;
            }
            let bulk = row.get::<_, i32>(6) >= BULK;
            out.push(RecordHistory {
                seq: seq as u64,
                head: head_of(row, 1),
                bulk,
                edit: match bulk {
                    true => None,
                    false => Some(edit_of(row, 7, &location)?),
                },
            });
        }
        Ok(out)
    }

    /// The newest entry this user may see, 0 for none.
    pub(super) fn newest(&self) -> Result<u64> {
        self.read(|c| {
            let seq: i64 = c
                .query_one("SELECT coalesce(max(seq), 0) FROM ocsae.history", &[])
                .map_err(pg_error)?
                .get(0);
            Ok(seq as u64)
        })
    }

    /// Every entry after `seq`, oldest first, as the store applied it.
    pub(super) fn applied_after(&self, seq: u64) -> Result<Vec<Applied>> {
        let location = self.name();
        self.read(move |c| entries_after(c, &location, seq))
    }

    /// As `applied_after`, an entry that does not read left out and listed.
    pub(super) fn readable_after(&self, seq: u64) -> Result<Changes> {
        let location = self.name();
        self.read(move |c| read_after(c, &location, seq, true))
    }

    /// Who created and who last changed each record of `kind`: the first and last
    /// entry of each record's edits, found in the edits' index, a page of records
    /// per call, so that no call nears the dashboard's bounds however many
    /// records there are (100,000 requests changed four times each: 1.3 s in one
    /// query before, with every edit's author sorted).
    pub(super) fn record_authors(&self, kind: Kind) -> Result<HashMap<RecordId, Authors>> {
        let name = tables::kind_name(kind);
        let mut out = HashMap::new();
        let mut after = String::new();
        loop {
            let from = after.clone();
            let rows = self.read(move |c| {
                c.query(
                    "SELECT e.key, f.author, l.author FROM ( \
                         SELECT key, min(seq) AS first, max(seq) AS last FROM ocsae.history_edit \
                         WHERE kind = $1 AND key > $2 GROUP BY key ORDER BY key LIMIT $3 \
                     ) e JOIN ocsae.history f ON f.seq = e.first JOIN ocsae.history l ON l.seq = e.last \
                     ORDER BY e.key",
                    &[&name, &from, &AUTHORS_PAGE],
                )
                .map_err(pg_error)
            })?;
            for row in &rows {
                let key: String = row.get(0);
                if let Some(id) = tables::id_of(kind, &key) {
                    let authors = Authors {
                        created_by: row.get(1),
                        updated_by: row.get(2),
                    };
                    out.insert(id, authors);
                }
            }
            match rows.last() {
                Some(row) if rows.len() as i64 == AUTHORS_PAGE => after = row.get(0),
                _ => return Ok(out),
            }
        }
    }
}

/// The most the live feed reads of the edits since its last entry, as stored
/// (compressed): beyond, a dashboard reads the records instead, which cost what
/// they hold, not what an entry bloated by hand wrote (a gigabyte). An import of
/// 100,000 requests is about 47 MB (472 bytes an edit), and is read as before.
const FEED_BYTES: i64 = 64 << 20;

/// Records whose authors are read per call.
const AUTHORS_PAGE: i64 = 20_000;

/// The numbered records (requests, activities) an entry created, as sled reports them.
fn created_ids(edits: &[crate::store::Edit], _kind: EntryKind) -> Vec<u64> {
    edits
        .iter()
        .filter_map(|e| match (&e.before, &e.after) {
            (None, Some(record)) => record.number(),
            _ => None,
        })
        .collect()
}

/// Every entry after `seq`, oldest first, as the store applied it, read on `c`
/// (a dump reads it inside its snapshot). An entry that does not read fails it all.
pub(super) fn entries_after(
    c: &mut impl postgres::GenericClient,
    location: &str,
    seq: u64,
) -> Result<Vec<Applied>> {
    read_after(c, location, seq, false).map(|changes| changes.applied)
}

/// The entries after `seq`; with `skip`, one whose edits do not read (a record
/// ocsae's types cannot take) is listed as unreadable and the rest read on,
/// else it fails them all.
fn read_after(c: &mut impl postgres::GenericClient, location: &str, seq: u64, skip: bool) -> Result<Changes> {
    let from = seq as i64;
    // The heads first: their edits are all there when read next, since an entry
    // commits whole; edits of later entries are left for next time.
    let heads = c
        .query(
            "SELECT seq, at, author, kind, target, change FROM ocsae.history WHERE seq > $1 ORDER BY seq",
            &[&from],
        )
        .map_err(pg_error)?;
    let Some(last) = heads.last().map(|r| r.get::<_, i64>(0)) else {
        return Ok(Changes::default());
    };
    // The feed's: their size as stored first, read without reading them.
    if skip {
        let stored: i64 = c
            .query_one(
                "SELECT coalesce(sum(coalesce(pg_column_size(before), 0) + coalesce(pg_column_size(after), 0)), 0)::bigint \
                 FROM ocsae.history_edit WHERE seq > $1 AND seq <= $2",
                &[&from, &last],
            )
            .map_err(pg_error)?
            .get(0);
        if stored > FEED_BYTES {
            tracing::warn!(
                bytes = stored,
                "the changes since {seq} are too large to read at once"
            );
            return Ok(Changes {
                too_large: Some(last as u64),
                ..Changes::default()
            });
        }
    }
    let edits = c
        .query(
            "SELECT seq, kind, before, after FROM ocsae.history_edit \
             WHERE seq > $1 AND seq <= $2 ORDER BY seq, pos",
            &[&from, &last],
        )
        .map_err(pg_error)?;
    let mut by_seq: HashMap<i64, Vec<crate::store::Edit>> = HashMap::new();
    // The entries skipped, and why.
    let mut bad: HashMap<i64, String> = HashMap::new();
    for row in &edits {
        let seq: i64 = row.get(0);
        if bad.contains_key(&seq) {
            continue;
        }
        match edit_of(row, 1, location) {
            Ok(edit) => by_seq.entry(seq).or_default().push(edit),
            Err(StoreError::Damaged { detail, .. }) if skip => {
                by_seq.remove(&seq);
                bad.insert(seq, detail);
            }
            Err(e) => return Err(e),
        }
    }
    let mut out = Changes {
        applied: Vec::with_capacity(heads.len()),
        ..Changes::default()
    };
    for row in &heads {
        let seq: i64 = row.get(0);
        let head = head_of(row, 1);
        if let Some(detail) = bad.remove(&seq) {
            out.unreadable.push(Unreadable {
                seq: seq as u64,
                user: head.user,
                detail,
            });
            continue;
        }
        let edits = by_seq.remove(&seq).unwrap_or_default();
        out.applied.push(Applied {
            seq: seq as u64,
            ids: created_ids(&edits, head.kind),
            at: head.at,
            user: head.user,
            kind: head.kind,
            change: head.change,
            edits,
            bulk: None,
            durable: true,
        });
    }
    Ok(out)
}
