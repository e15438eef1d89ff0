//! Every change in one transaction with its history entry: writers take one
//! row lock before they number anything and hold it to the commit, so the
//! history's numbers follow the commits' order and `changes_since` never misses
//! a change that committed late. Request and activity ids come from a sequence each. Each record's
//! `before` is compared with the row as it is, locked: a record someone else
//! changed is a conflict naming them, and nothing is written.

use super::edit_rows::EditRows;
use super::{PgStore, Statements, damaged, pg_error, tables};
use crate::domain::municipality::IneCode;
use crate::store::{Applied, ChangeKind, Edit, EntryKind, Kind, Record, RecordId, Result, StoreError};
use chrono::{DateTime, SubsecRound, Utc};
use postgres::{GenericClient, Transaction};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The lock every writer holds from numbering its change to committing it: the
/// row of `ocsae.writers`, which no session keeps beyond its transaction (an
/// advisory lock, as before schema 11, any role could keep for ever).
pub(super) const LOCK_WRITERS: &str = "SELECT ocsae.lock_writers()";
/// The channel a commit notifies, with its sequence number.
pub(super) const CHANNEL: &str = "ocsae_changes";
/// How many changes `u` can walk back (as in sled).
pub(super) const UNDO_DEPTH: usize = 1000;

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

/// Each record a change touches as stored (None: absent).
type Current = HashMap<RecordId, Option<Record>>;

/// What a change's transaction takes from its store, owned: it may run on a
/// thread of its own (see `deadline`).
type Writer = (
    String,
    String,
    std::sync::Arc<Mutex<HashMap<IneCode, String>>>,
    super::Role,
);

impl PgStore {
    fn writer(&self) -> Writer {
        (
            self.name(),
            self.user.clone(),
            self.comarques.clone(),
            self.role.clone(),
        )
    }

    /// Applies a change with its history entry, in one transaction.
    pub(super) fn commit(
        &self,
        kind: EntryKind,
        change: ChangeKind,
        edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
    ) -> Result<Applied> {
        let (name, user, comarques, role) = self.writer();
        self.write(move |client, st| {
            let mut tx = client.transaction().map_err(pg_error)?;
            if let Err(e) = lock(&mut tx, st) {
                drop(tx);
                return Err(super::holder::refused(client, e, &name));
            }
            let mut w = Writing {
                st,
                location: &name,
                user: &user,
                comarques: &comarques,
                role: &role,
            };
            let applied = w.transact(&mut tx, kind, change, edits, at, stacks)?;
            tx.commit().map_err(pg_error)?;
            Ok(applied)
        })
    }

    /// Reverts (or re-applies) this user's most recent change: the top of the undo
    /// (or redo) stack, read and applied in one transaction.
    pub(super) fn step(&self, undo: bool, at: DateTime<Utc>) -> Result<Option<Applied>> {
        let (name, user, comarques, role) = self.writer();
        self.write(move |client, st| {
            let mut tx = client.transaction().map_err(pg_error)?;
            if let Err(e) = lock(&mut tx, st) {
                drop(tx);
                return Err(super::holder::refused(client, e, &name));
            }
            let mut w = Writing {
                st,
                location: &name,
                user: &user,
                comarques: &comarques,
                role: &role,
            };
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
            let applied = w.transact(&mut tx, kind, change, edits, at, how)?;
            tx.commit().map_err(pg_error)?;
            Ok(Some(applied))
        })
    }
}

/// The writers' lock, waited for as long as the connection's `lock_timeout`.
fn lock(tx: &mut Transaction, st: &mut Statements) -> std::result::Result<(), postgres::Error> {
    let sql = st.get(tx, LOCK_WRITERS)?;
    tx.execute(&sql, &[]).map(|_| ())
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

/// What a change's transaction needs besides the transaction itself.
struct Writing<'a> {
    st: &'a mut Statements,
    location: &'a str,
    user: &'a str,
    comarques: &'a Mutex<HashMap<IneCode, String>>,
    role: &'a super::Role,
}

impl Writing<'_> {
    /// The change, its history entry and its user's stacks, inside the transaction
    /// (which holds the write lock).
    fn transact(
        &mut self,
        tx: &mut Transaction,
        kind: EntryKind,
        change: ChangeKind,
        mut edits: Vec<Edit>,
        at: DateTime<Utc>,
        stacks: StackMove,
    ) -> Result<Applied> {
        // The catalogue is every office's: with several, only the administrator
        // changes it (the server refuses the others too; this says it clearly).
        if self.role.multi_office
            && !self.role.admin
            && edits
                .iter()
                .any(|e| e.id().is_some_and(|id| id.kind() == Kind::Service))
        {
            return Err(StoreError::SharedCatalogue(self.location.to_string()));
        }
        let ids = assign_ids(tx, &mut edits, self.user)?;
        // Every record as it is now, locked, then each edit's `before` checked against
        // it in order (an edit may follow another of the same record).
        let (mut current, as_stored) = self.current_records(tx, &edits)?;
        for edit in &edits {
            let Some(id) = edit.id() else {
                continue;
            };
            // As stored: times to the millisecond, as the JSON keeps them.
            let stored = current.get(&id).and_then(|r| r.as_ref()).map(tables::to_json);
            if stored != edit.before.as_ref().map(tables::to_json) {
                let gone = stored.is_none() && edit.before.is_some();
                return Err(conflict(tx, &id, gone)?);
            }
            current.insert(id, edit.after.clone());
        }
        let comarques = self.comarques_of(tx, &edits)?;
        let at = at.trunc_subsecs(3);
        let role = self.role;
        let comarca_of = |record: &Record| {
            let council = comarques.get(&tables::ine_of(record)).map(String::as_str);
            role.comarca_of(record, council)
        };
        let edit_comarques: Vec<String> = edits
            .iter()
            .map(|e| e.record().map(comarca_of).unwrap_or_default())
            .collect();
        // The history entry first: the server refuses a write to a record table
        // that no entry of its transaction precedes.
        // Its number is the server's, and so is its time if the client's was
        // before the last entry's or ahead of the server's clock.
        let rows = EditRows::of(&edits, &edit_comarques, &as_stored);
        let (seq, at) = self.append(tx, kind, &change, &rows, &edit_comarques, at)?;
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
                tables::delete(tx, k, &gone, &role.office).map_err(pg_error)?;
            }
            let kept: Vec<(&Record, String)> = touched
                .iter()
                .filter_map(|(_, r)| r.as_ref())
                .map(|r| (r, comarca_of(r)))
                .collect();
            if !kept.is_empty() {
                let rows: Vec<(&Record, &str)> = kept.iter().map(|(r, c)| (*r, c.as_str())).collect();
                tables::upsert(tx, self.st, k, &rows).map_err(pg_error)?;
            }
        }
        match stacks {
            StackMove::Keep => {}
            // A change of one's own: on the undo stack, the redo stack emptied; in
            // one statement, since it need not be read first.
            StackMove::Do => {
                let sql = self
                    .st
                    .get(
                        tx,
                        "INSERT INTO ocsae.stacks (undo, redo) VALUES (ARRAY[$1::bigint], '{}') \
                         ON CONFLICT (author) DO UPDATE SET \
                         undo = (ocsae.stacks.undo || $1::bigint)[greatest(1, cardinality(ocsae.stacks.undo) + 2 - $2::int):], \
                         redo = '{}'",
                    )
                    .map_err(pg_error)?;
                tx.execute(&sql, &[&seq, &(UNDO_DEPTH as i32)])
                    .map_err(pg_error)?;
            }
            StackMove::Undo | StackMove::Redo => {
                let moved = stacks_of(tx)?.moved(stacks, seq);
                tx.execute(
                    "UPDATE ocsae.stacks SET undo = $1, redo = $2 WHERE author = session_user",
                    &[&moved.undo, &moved.redo],
                )
                .map_err(pg_error)?;
            }
        }
        Ok(Applied {
            seq: seq as u64,
            at,
            user: self.user.to_string(),
            kind,
            change,
            ids,
            edits,
            bulk: None,
            durable: true,
        })
    }

    /// The history entry with its edits (as `rows`), numbered next: one
    /// statement (the server notifies the dashboards of it at commit).
    fn append(
        &mut self,
        tx: &mut Transaction,
        kind: EntryKind,
        change: &ChangeKind,
        rows: &EditRows,
        comarques: &[String],
        at: DateTime<Utc>,
    ) -> Result<(i64, DateTime<Utc>)> {
        let touched: Vec<&str> = comarques
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (kind_name, target) = entry_kind_columns(kind);
        let sql = self
            .st
            .get(
                tx,
                "WITH h AS ( \
                   INSERT INTO ocsae.history (at, kind, target, change, edits, comarques) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq, at \
                 ), e AS ( \
                   INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                   SELECT h.seq, p, k, y, c, b::jsonb, a::jsonb FROM h, \
                   unnest($7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]) AS u(p, k, y, c, b, a) \
                 ) \
                 SELECT seq, at FROM h",
            )
            .map_err(pg_error)?;
        let row = tx
            .query_one(
                &sql,
                &[
                    &at,
                    &kind_name,
                    &target,
                    &change.as_str(),
                    &rows.count,
                    &touched,
                    &rows.pos,
                    &rows.kinds,
                    &rows.keys,
                    &rows.comarques,
                    &rows.before,
                    &rows.after,
                ],
            )
            .map_err(pg_error)?;
        Ok((row.get(0), row.get(1)))
    }

    /// The stored records the edits touch (None: absent), locked for the
    /// transaction, and the JSON of those there as stored.
    fn current_records(
        &mut self,
        tx: &mut Transaction,
        edits: &[Edit],
    ) -> Result<(Current, HashMap<RecordId, String>)> {
        let mut out = Current::new();
        let mut stored = HashMap::new();
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
            for row in tables::lock_current(tx, self.st, kind, &ids, &self.role.office).map_err(pg_error)? {
                if let Some(record) =
                    tables::from_row(kind, &row, 0).map_err(|e| damaged(self.location, e))?
                {
                    stored.insert(record.id(), row.get(1));
                    out.insert(record.id(), Some(record));
                }
            }
        }
        Ok((out, stored))
    }

    /// The comarca of every council the edits touch: from the councils the change
    /// writes, else as read before, else from the stored ones.
    fn comarques_of(&mut self, tx: &mut Transaction, edits: &[Edit]) -> Result<HashMap<IneCode, String>> {
        let mut known = self
            .comarques
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = HashMap::new();
        let mut ask = BTreeSet::new();
        for record in edits.iter().filter_map(Edit::record) {
            match record {
                Record::Municipality(m) => {
                    out.insert(m.ine, m.comarca.clone());
                }
                other => {
                    let ine = tables::ine_of(other);
                    match known.get(&ine) {
                        Some(c) => {
                            out.insert(ine, c.clone());
                        }
                        None => {
                            ask.insert(ine.0 as i32);
                        }
                    }
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
        known.extend(out.iter().map(|(k, v)| (*k, v.clone())));
        Ok(out)
    }
}

/// Gives new records of a numbered kind (`NEW_ID`) their sequence's next ids, in
/// the order of the edits; a new activity is signed by the connection's role.
pub(super) fn assign_ids(tx: &mut impl GenericClient, edits: &mut [Edit], user: &str) -> Result<Vec<u64>> {
    let fresh: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| e.before.is_none() && e.after.as_ref().is_some_and(Record::is_new))
        .map(|(i, _)| i)
        .collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let mut numbers: HashMap<Kind, std::vec::IntoIter<i64>> = HashMap::new();
    for kind in Kind::ALL {
        let Some(sequence) = tables::sequence(kind) else {
            continue;
        };
        let wanted = fresh
            .iter()
            .filter(|&&i| edits[i].after.as_ref().is_some_and(|r| r.kind() == kind))
            .count();
        if wanted == 0 {
            continue;
        }
        let rows = tx
            .query(
                "SELECT nextval($1::text::regclass) FROM generate_series(1, $2::int)",
                &[&sequence, &(wanted as i32)],
            )
            .map_err(pg_error)?;
        let mut given: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        given.sort_unstable();
        numbers.insert(kind, given.into_iter());
    }
    let mut ids = Vec::with_capacity(fresh.len());
    for i in fresh {
        let Some(record) = edits[i].after.as_mut() else {
            continue;
        };
        let Some(n) = numbers.get_mut(&record.kind()).and_then(Iterator::next) else {
            continue;
        };
        record.set_number(n as u64);
        if let Record::Activity(a) = record {
            a.created_by = user.to_string();
        }
        ids.push(n as u64);
    }
    Ok(ids)
}

/// Who last changed a record, when, and how (an undo or redo said as such): the
/// conflict to report; `gone` if the record is no longer there.
pub(super) fn conflict(tx: &mut impl GenericClient, id: &RecordId, gone: bool) -> Result<StoreError> {
    let row = tx
        .query_opt(
            "SELECT h.author, h.at, h.change, h.kind, h.target FROM ocsae.history_edit e JOIN ocsae.history h ON h.seq = e.seq \
             WHERE e.kind = $1 AND e.key = $2 ORDER BY e.seq DESC LIMIT 1",
            &[&tables::kind_name(id.kind()), &tables::key_text(id)],
        )
        .map_err(pg_error)?;
    Ok(StoreError::Conflict {
        by: row.as_ref().map(|r| r.get(0)),
        at: row.as_ref().map(|r| r.get(1)),
        change: row.as_ref().map(|r| ChangeKind::parse(r.get(2))),
        kind: Some(id.kind()),
        entry: row.as_ref().map(|r| entry_kind(r.get(3), r.get(4))),
        gone,
    })
}
