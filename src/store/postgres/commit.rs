//! Every change in one transaction with its history entry: writers take one
//! advisory lock before they number anything and hold it to the commit, so the
//! history's numbers follow the commits' order and `changes_since` never misses
//! a change that committed late. Request ids come from a sequence. Each record's
//! `before` is compared with the row as it is, locked: a record someone else
//! changed is a conflict naming them, and nothing is written.

use super::{PgStore, damaged, pg_error, tables};
use crate::domain::municipality::IneCode;
use crate::store::{
    Applied, ChangeKind, Edit, EntryKind, Kind, NEW_ID, Record, RecordId, Result, StoreError,
};
use chrono::{DateTime, SubsecRound, Utc};
use postgres::Transaction;
use std::collections::{BTreeSet, HashMap};

/// The lock every writer holds from numbering its change to committing it.
pub(super) const WRITE_LOCK: i64 = 0x6f63_7361_6502;
/// The channel a commit notifies, with its sequence number.
pub(super) const CHANNEL: &str = "ocsae_changes";
/// How many changes `u` can walk back (as in sled).
const UNDO_DEPTH: usize = 1000;

/// How a commit moves its user's undo and redo stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StackMove {
    Do,
    Keep,
    Undo,
    Redo,
}

/// One user's stacks, oldest first.
#[derive(Debug, Clone, Default)]
pub(super) struct Stacks {
    pub undo: Vec<i64>,
    pub redo: Vec<i64>,
}

impl Stacks {
    fn moved(mut self, how: StackMove, seq: i64) -> Stacks {
        match how {
            StackMove::Do => {
                self.undo.push(seq);
                self.redo.clear();
            }
            StackMove::Keep => {}
            StackMove::Undo => {
                if let Some(s) = self.undo.pop() {
                    self.redo.push(s);
                }
            }
            StackMove::Redo => {
                if let Some(s) = self.redo.pop() {
                    self.undo.push(s);
                }
            }
        }
        if self.undo.len() > UNDO_DEPTH {
            self.undo.drain(..self.undo.len() - UNDO_DEPTH);
        }
        self
    }
}

/// The names of `EntryKind` in `history.kind`, with the entry it undid or redid.
pub(super) fn entry_kind_columns(kind: EntryKind) -> (&'static str, Option<i64>) {
    match kind {
        EntryKind::Do => ("do", None),
        EntryKind::Undo(seq) => ("undo", Some(seq as i64)),
        EntryKind::Redo(seq) => ("redo", Some(seq as i64)),
    }
}

pub(super) fn entry_kind(name: &str, target: Option<i64>) -> EntryKind {
    match (name, target) {
        ("undo", Some(seq)) => EntryKind::Undo(seq as u64),
        ("redo", Some(seq)) => EntryKind::Redo(seq as u64),
        _ => EntryKind::Do,
    }
}

impl PgStore {
    /// Applies a change with its history entry, in one transaction.
    pub(super) fn commit(
        &self,
        kind: EntryKind,
        change: ChangeKind,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
    ) -> Result<Applied> {
        let name = self.name();
        let user = self.user.clone();
        self.write(|client| {
            let mut tx = client.transaction().map_err(pg_error)?;
            lock(&mut tx)?;
            let applied = transact(&mut tx, &name, &user, kind, change, edits, at, stacks)?;
            tx.commit().map_err(pg_error)?;
            Ok(applied)
        })
    }

    /// Reverts (or re-applies) this user's most recent change: the top of the undo
    /// (or redo) stack, read and applied in one transaction.
    pub(super) fn step(&self, undo: bool, at: DateTime<Utc>) -> Result<Option<Applied>> {
        let name = self.name();
        let user = self.user.clone();
        self.write(|client| {
            let mut tx = client.transaction().map_err(pg_error)?;
            lock(&mut tx)?;
            let mine = stacks_of(&mut tx)?;
            let top = match undo {
                true => mine.undo.last(),
                false => mine.redo.last(),
            };
            let Some(&seq) = top else {
                return Ok(None);
            };
            let (change, edits) = entry(&mut tx, &name, seq)?;
            let (kind, edits, how) = match undo {
                true => (
                    EntryKind::Undo(seq as u64),
                    edits.iter().rev().map(Edit::inverse).collect(),
                    StackMove::Undo,
                ),
                false => (EntryKind::Redo(seq as u64), edits, StackMove::Redo),
            };
            let applied = transact(&mut tx, &name, &user, kind, change, edits, at, how)?;
            tx.commit().map_err(pg_error)?;
            Ok(Some(applied))
        })
    }
}

fn lock(tx: &mut Transaction) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .map_err(pg_error)
        .map(|_| ())
}

/// This user's stacks, locked.
pub(super) fn stacks_of(tx: &mut Transaction) -> Result<Stacks> {
    let row = tx
        .query_opt(
            "SELECT undo, redo FROM ocsae.stacks WHERE author = session_user FOR UPDATE",
            &[],
        )
        .map_err(pg_error)?;
    Ok(row.map_or_else(Stacks::default, |row| Stacks {
        undo: row.get(0),
        redo: row.get(1),
    }))
}

/// One entry's change and edits, in order.
pub(super) fn entry(
    tx: &mut impl postgres::GenericClient,
    location: &str,
    seq: i64,
) -> Result<(ChangeKind, Vec<Edit>)> {
    let head = tx
        .query_opt("SELECT change FROM ocsae.history WHERE seq = $1", &[&seq])
        .map_err(pg_error)?
        .ok_or_else(|| damaged(location, format!("history entry {seq} is missing")))?;
    let change = ChangeKind::parse(head.get(0));
    let rows = tx
        .query(
            "SELECT kind, before, after FROM ocsae.history_edit WHERE seq = $1 ORDER BY pos",
            &[&seq],
        )
        .map_err(pg_error)?;
    let edits = rows
        .iter()
        .map(|row| edit_of(row, 0, location))
        .collect::<Result<_>>()?;
    Ok((change, edits))
}

/// An edit from a row's kind, before and after columns (at `first`, +1, +2).
pub(super) fn edit_of(row: &postgres::Row, first: usize, location: &str) -> Result<Edit> {
    let name: &str = row.get(first);
    let kind = tables::kind_named(name).ok_or_else(|| {
        damaged(
            location,
            format!("a history entry names an unknown kind {name:?}"),
        )
    })?;
    let read = |column| tables::from_row(kind, row, column).map_err(|e| damaged(location, e));
    Ok(Edit {
        before: read(first + 1)?,
        after: read(first + 2)?,
    })
}

/// The change, its history entry and its user's stacks, inside the transaction
/// (which holds the write lock).
#[allow(clippy::too_many_arguments)]
fn transact(
    tx: &mut Transaction,
    location: &str,
    user: &str,
    kind: EntryKind,
    change: ChangeKind,
    mut edits: Vec<Edit>,
    at: DateTime<Utc>,
    stacks: StackMove,
) -> Result<Applied> {
    let ids = assign_ids(tx, &mut edits)?;
    // Every record as it is now, locked, then each edit's `before` checked against
    // it in order (an edit may follow another of the same record).
    let mut current = current_records(tx, location, &edits)?;
    for edit in &edits {
        let Some(id) = edit.id() else {
            continue;
        };
        // As stored: times to the millisecond, as the JSON keeps them.
        let stored = current.get(&id).and_then(|r| r.as_ref()).map(tables::to_json);
        if stored != edit.before.as_ref().map(tables::to_json) {
            return Err(conflict(tx, &id)?);
        }
        current.insert(id, edit.after.clone());
    }
    let comarques = comarques(tx, &edits)?;
    let comarca_of = |record: &Record| {
        comarques
            .get(&tables::ine_of(record))
            .map_or("", String::as_str)
            .to_string()
    };
    // The records as they end up, by kind: written, or removed.
    for k in Kind::ALL {
        let touched: Vec<(&RecordId, &Option<Record>)> =
            current.iter().filter(|(id, _)| id.kind() == k).collect();
        let gone: Vec<RecordId> = touched
            .iter()
            .filter(|(_, r)| r.is_none())
            .map(|(id, _)| (*id).clone())
            .collect();
        if !gone.is_empty() {
            tables::delete(tx, k, &gone).map_err(pg_error)?;
        }
        let kept: Vec<(&Record, String)> = touched
            .iter()
            .filter_map(|(_, r)| r.as_ref())
            .map(|r| (r, comarca_of(r)))
            .collect();
        if !kept.is_empty() {
            let rows: Vec<(&Record, &str)> = kept.iter().map(|(r, c)| (*r, c.as_str())).collect();
            tables::upsert(tx, k, &rows).map_err(pg_error)?;
        }
    }
    let at = at.trunc_subsecs(3);
    let seq: i64 = tx
        .query_one("SELECT nextval('ocsae.history_seq')", &[])
        .map_err(pg_error)?
        .get(0);
    let edit_comarques: Vec<String> = edits
        .iter()
        .map(|e| e.record().map(comarca_of).unwrap_or_default())
        .collect();
    let touched: BTreeSet<&String> = edit_comarques.iter().collect();
    let touched: Vec<&String> = touched.into_iter().collect();
    let (kind_name, target) = entry_kind_columns(kind);
    tx.execute(
        "INSERT INTO ocsae.history (seq, at, kind, target, change, edits, comarques) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &seq,
            &at,
            &kind_name,
            &target,
            &change.as_str(),
            &(edits.len() as i32),
            &touched,
        ],
    )
    .map_err(pg_error)?;
    insert_edits(tx, seq, &edits, &edit_comarques)?;
    if stacks != StackMove::Keep {
        let moved = stacks_of(tx)?.moved(stacks, seq);
        tx.execute(
            "INSERT INTO ocsae.stacks (undo, redo) VALUES ($1, $2) \
             ON CONFLICT (author) DO UPDATE SET undo = EXCLUDED.undo, redo = EXCLUDED.redo",
            &[&moved.undo, &moved.redo],
        )
        .map_err(pg_error)?;
    }
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &seq.to_string()])
        .map_err(pg_error)?;
    Ok(Applied {
        seq: seq as u64,
        at,
        user: user.to_string(),
        kind,
        change,
        ids,
        edits,
        durable: true,
    })
}

/// Gives new requests (`NEW_ID`) the sequence's next ids, in the order of the edits.
fn assign_ids(tx: &mut Transaction, edits: &mut [Edit]) -> Result<Vec<u64>> {
    let fresh: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.before.is_none() && matches!(&e.after, Some(Record::Certificate(c)) if c.id == NEW_ID)
        })
        .map(|(i, _)| i)
        .collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let rows = tx
        .query(
            "SELECT nextval('ocsae.certificate_id') FROM generate_series(1, $1::int)",
            &[&(fresh.len() as i32)],
        )
        .map_err(pg_error)?;
    let mut numbers: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    numbers.sort_unstable();
    let mut ids = Vec::with_capacity(fresh.len());
    for (i, n) in fresh.into_iter().zip(numbers) {
        if let Some(Record::Certificate(c)) = &mut edits[i].after {
            c.id = n as u64;
            ids.push(c.id);
        }
    }
    Ok(ids)
}

/// The stored records the edits touch (None: absent), locked for the transaction.
fn current_records(
    tx: &mut Transaction,
    location: &str,
    edits: &[Edit],
) -> Result<HashMap<RecordId, Option<Record>>> {
    let mut out: HashMap<RecordId, Option<Record>> = HashMap::new();
    let mut wanted: HashMap<Kind, Vec<RecordId>> = HashMap::new();
    for edit in edits {
        let Some(id) = edit.id() else {
            continue;
        };
        if out.insert(id.clone(), None).is_none() {
            // A request numbered just now is nowhere yet.
            let fresh = edit.before.is_none() && matches!(&edit.after, Some(r) if r.is_new());
            if !fresh {
                wanted.entry(id.kind()).or_default().push(id);
            }
        }
    }
    for (kind, ids) in wanted {
        for row in tables::lock_current(tx, kind, &ids).map_err(pg_error)? {
            if let Some(record) = tables::from_row(kind, &row, 0).map_err(|e| damaged(location, e))? {
                out.insert(record.id(), Some(record));
            }
        }
    }
    Ok(out)
}

/// The comarca of every council the edits touch: from the councils the change
/// writes, else from the stored ones.
fn comarques(tx: &mut Transaction, edits: &[Edit]) -> Result<HashMap<IneCode, String>> {
    let mut out = HashMap::new();
    let mut ask = BTreeSet::new();
    for record in edits.iter().filter_map(Edit::record) {
        match record {
            Record::Municipality(m) => {
                out.insert(m.ine, m.comarca.clone());
            }
            other => {
                ask.insert(tables::ine_of(other).0 as i32);
            }
        }
    }
    ask.retain(|ine| !out.contains_key(&IneCode(*ine as u32)));
    if !ask.is_empty() {
        let ask: Vec<i32> = ask.into_iter().collect();
        let rows = tx
            .query(
                "SELECT ine, comarca FROM ocsae.municipality WHERE ine = ANY($1)",
                &[&ask],
            )
            .map_err(pg_error)?;
        for row in rows {
            let ine: i32 = row.get(0);
            out.insert(IneCode(ine as u32), row.get(1));
        }
    }
    Ok(out)
}

/// The entry's edits, one row each, in order.
pub(super) fn insert_edits(
    tx: &mut Transaction,
    seq: i64,
    edits: &[Edit],
    comarques: &[String],
) -> Result<()> {
    let mut pos = Vec::with_capacity(edits.len());
    let mut kinds = Vec::with_capacity(edits.len());
    let mut keys = Vec::with_capacity(edits.len());
    let mut before = Vec::with_capacity(edits.len());
    let mut after = Vec::with_capacity(edits.len());
    for (i, edit) in edits.iter().enumerate() {
        let Some(id) = edit.id() else {
            continue;
        };
        pos.push(i as i32);
        kinds.push(tables::kind_name(id.kind()));
        keys.push(tables::key_text(&id));
        before.push(edit.before.as_ref().map(tables::to_json));
        after.push(edit.after.as_ref().map(tables::to_json));
    }
    let comarques: Vec<&str> = pos.iter().map(|&i| comarques[i as usize].as_str()).collect();
    tx.execute(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT $1, p, k, y, c, b::jsonb, a::jsonb \
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(p, k, y, c, b, a)",
        &[&seq, &pos, &kinds, &keys, &comarques, &before, &after],
    )
    .map_err(pg_error)?;
    Ok(())
}

/// Who last changed a record, when, and how: the conflict to report.
fn conflict(tx: &mut Transaction, id: &RecordId) -> Result<StoreError> {
    let row = tx
        .query_opt(
            "SELECT h.author, h.at, h.change FROM ocsae.history_edit e JOIN ocsae.history h ON h.seq = e.seq \
             WHERE e.kind = $1 AND e.key = $2 ORDER BY e.seq DESC LIMIT 1",
            &[&tables::kind_name(id.kind()), &tables::key_text(id)],
        )
        .map_err(pg_error)?;
    Ok(StoreError::Conflict {
        by: row.as_ref().map(|r| r.get(0)),
        at: row.as_ref().map(|r| r.get(1)),
        change: row.as_ref().map(|r| ChangeKind::parse(r.get(2))),
        kind: Some(id.kind()),
    })
}
