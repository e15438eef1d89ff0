//! An entry's edits as rows of `history_edit`, sent as arrays in one statement.

use super::{pg_error, tables};
use crate::store::{Edit, RecordId, Result};
use postgres::{GenericClient, Transaction};
use std::collections::{HashMap, HashSet};

/// An entry's edits as the columns of `history_edit` (arrays for `unnest`).
pub(super) struct EditRows {
    /// How many edits the entry has (some may write no row).
    pub(super) count: i32,
    pub(super) pos: Vec<i32>,
    pub(super) kinds: Vec<&'static str>,
    pub(super) keys: Vec<String>,
    pub(super) comarques: Vec<String>,
    pub(super) before: Vec<Option<String>>,
    pub(super) after: Vec<Option<String>>,
}

impl EditRows {
    /// A change's edits; the first edit of a record in `stored` says its
    /// `before` as the row holds it (the server checks it against the row).
    pub(super) fn of(edits: &[Edit], comarques: &[String], stored: &HashMap<RecordId, String>) -> EditRows {
        let mut rows = Self::from(0, edits, comarques);
        let mut seen = HashSet::new();
        for (i, id) in edits.iter().filter_map(Edit::id).enumerate() {
            if seen.insert(id.clone())
                && let Some(json) = stored.get(&id)
            {
                rows.before[i] = Some(json.clone());
            }
        }
        rows
    }

    /// As `of`, the first edit at place `first` of its entry.
    fn from(first: i32, edits: &[Edit], comarques: &[String]) -> EditRows {
        let n = edits.len();
        let mut rows = EditRows {
            count: n as i32,
            pos: Vec::with_capacity(n),
            kinds: Vec::with_capacity(n),
            keys: Vec::with_capacity(n),
            comarques: Vec::with_capacity(n),
            before: Vec::with_capacity(n),
            after: Vec::with_capacity(n),
        };
        for (i, edit) in edits.iter().enumerate() {
            let Some(id) = edit.id() else {
                continue;
            };
            rows.pos.push(first + i as i32);
            rows.kinds.push(tables::kind_name(id.kind()));
            rows.keys.push(tables::key_text(&id));
            rows.comarques.push(comarques[i].clone());
            rows.before.push(edit.before.as_ref().map(tables::to_json));
            rows.after.push(edit.after.as_ref().map(tables::to_json));
        }
        rows
    }
}

/// The entry's edits, one row each, in order (a restore, whose entries keep their numbers).
pub(super) fn insert_edits(
    tx: &mut Transaction,
    seq: i64,
    edits: &[Edit],
    comarques: &[String],
) -> Result<()> {
    insert_edits_from(tx, seq, 0, edits, comarques)
}

/// As `insert_edits`, for part of an entry whose first edit is at place `first`.
pub(super) fn insert_edits_from(
    tx: &mut impl GenericClient,
    seq: i64,
    first: i32,
    edits: &[Edit],
    comarques: &[String],
) -> Result<()> {
    let rows = EditRows::from(first, edits, comarques);
    tx.execute(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT $1, p, k, y, c, b::jsonb, a::jsonb \
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(p, k, y, c, b, a)",
        &[&seq, &rows.pos, &rows.kinds, &rows.keys, &rows.comarques, &rows.before, &rows.after],
    )
    .map_err(pg_error)?;
    Ok(())
}
