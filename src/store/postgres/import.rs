//! A large import written as it comes, inside its one transaction: the caller
//! goes through the edits once to plan them (how many, and the comarques they
//! touch: the history entry's columns, which a technician can only insert, so
//! they must be right before the first edit), then gives them again in
//! batches. The entry goes first, with the plan; each batch's edits go to
//! `history_edit` as they come, on a connection held to the commit; the new
//! records are then written from those edits by the server in one statement,
//! so the client never holds the file and the per-statement guard reads the
//! entry's edits once. Edits that differ from the plan (a file changed between
//! the passes) roll it all back. Nothing is seen by anyone before the commit,
//! and a client killed midway leaves nothing: the server rolls back.

use super::commit::{LOCK_WRITERS, UNDO_DEPTH, assign_ids, conflict, entry_kind_columns};
use super::edit_rows::insert_edits_from;
use super::link::{Conn, Link};
use super::{PgStore, damaged, pg_error, tables};
use crate::domain::municipality::IneCode;
use crate::store::{
    Applied, ChangeKind, Edit, EntryKind, ImportBatch, Kind, Record, RecordId, Result, StoreError,
};
use chrono::{DateTime, SubsecRound, Utc};
use postgres::{Client, GenericClient};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// An import planned, then written batch by batch.
pub(super) struct Streamed<'a> {
    store: &'a PgStore,
    change: ChangeKind,
    at: DateTime<Utc>,
    /// The plan: how many edits, and the comarques of their records.
    planned: usize,
    comarques: BTreeSet<String>,
    open: Option<Open>,
}

/// The transaction under way, from the first batch to the commit.
struct Open {
    link: Arc<Link>,
    /// None once committed or given back.
    conn: Option<Conn>,
    seq: i64,
    at: DateTime<Utc>,
    /// How many edits are written, and the comarques they were written under.
    written: usize,
    touched: BTreeSet<String>,
    /// The ids given to new records, in edit order.
    ids: Vec<u64>,
    /// The places of the new records' edits, by kind, as runs (first, last).
    fresh: HashMap<Kind, Vec<(i32, i32)>>,
    /// The other records the import touches (few: a council's contacts, a
    /// rollout's cells), as they end up; None: absent or removed.
    current: HashMap<RecordId, Option<Record>>,
}

impl Drop for Open {
    /// Not committed: rolled back, and the connection kept if it still works.
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && conn.client.batch_execute("ROLLBACK").is_ok()
        {
            self.link.release(conn);
        }
    }
}

impl PgStore {
    pub(super) fn begin_streamed(&self, change: ChangeKind, at: DateTime<Utc>) -> Streamed<'_> {
        Streamed {
            store: self,
            change,
            at: at.trunc_subsecs(3),
            planned: 0,
            comarques: BTreeSet::new(),
            open: None,
        }
    }

    /// The comarca each edit's record is kept under (as `Writing::comarques_of`
    /// and `Role::comarca_of` give it), asking the server for councils not read yet.
    fn edit_comarques(&self, client: &mut impl GenericClient, edits: &[Edit]) -> Result<Vec<String>> {
        let mut known = self
            .comarques
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut own = HashMap::new();
        let mut ask = BTreeSet::new();
        for record in edits.iter().filter_map(Edit::record) {
            match record {
                Record::Municipality(m) => {
                    own.insert(m.ine, m.comarca.clone());
                }
                other => {
                    let ine = tables::ine_of(other);
                    if !known.contains_key(&ine) {
                        ask.insert(ine.0 as i32);
                    }
                }
            }
        }
        ask.retain(|ine| !own.contains_key(&IneCode(*ine as u32)));
        if !ask.is_empty() {
            let ask: Vec<i32> = ask.into_iter().collect();
            let rows = client
                .query(
                    "SELECT ine, comarca FROM ocsae.municipality WHERE ine = ANY($1)",
                    &[&ask],
                )
                .map_err(pg_error)?;
            for row in rows {
                let ine: i32 = row.get(0);
                known.insert(IneCode(ine as u32), row.get(1));
            }
        }
        Ok(edits
            .iter()
            .map(|e| {
                e.record()
                    .map(|r| {
                        let ine = tables::ine_of(r);
                        let council = own.get(&ine).or_else(|| known.get(&ine)).map(String::as_str);
                        self.role.comarca_of(r, council)
                    })
                    .unwrap_or_default()
            })
            .collect())
    }
}

/// The import's edits are not those it was planned with: nothing is kept.
fn differs(store: &PgStore, detail: String) -> StoreError {
    tracing::warn!("an import differs from its plan: {detail}");
    StoreError::ImportChanged(store.name())
}

impl Streamed<'_> {
    /// The transaction, the writers' lock and the history entry, as planned.
    fn begin(&self) -> Result<Open> {
        let link = self.store.link.clone();
        let conn = link.hold()?;
        let mut open = Open {
            link,
            conn: Some(conn),
            seq: 0,
            at: self.at,
            written: 0,
            touched: BTreeSet::new(),
            ids: Vec::new(),
            fresh: HashMap::new(),
            current: HashMap::new(),
        };
        let client = open.client();
        client.batch_execute("BEGIN").map_err(pg_error)?;
        client.execute(LOCK_WRITERS, &[]).map_err(pg_error)?;
        let (kind, target) = entry_kind_columns(EntryKind::Do);
        let comarques: Vec<&str> = self.comarques.iter().map(String::as_str).collect();
        // Its number and time are the server's (see `Writing::append`); the
        // server's trigger announces it to its offices at commit.
        let row = client
            .query_one(
                "INSERT INTO ocsae.history (at, kind, target, change, edits, comarques) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 RETURNING seq, at",
                &[
                    &self.at,
                    &kind,
                    &target,
                    &self.change.as_str(),
                    &(self.planned as i32),
                    &comarques,
                ],
            )
            .map_err(pg_error)?;
        open.seq = row.get(0);
        open.at = row.get(1);
        Ok(open)
    }
}

impl Open {
    fn client(&mut self) -> &mut Client {
        &mut self.conn.as_mut().expect("a connection until the end").client
    }

    /// Each edit of a record that is not new checked against the record as it
    /// is (locked) or as an earlier edit of the import left it.
    fn check_befores(&mut self, edits: &[Edit], fresh: &[bool], location: &str, office: &str) -> Result<()> {
        let mut wanted: HashMap<Kind, Vec<RecordId>> = HashMap::new();
        for (edit, _) in edits.iter().zip(fresh).filter(|(_, fresh)| !**fresh) {
            if let Some(id) = edit.id()
                && !self.current.contains_key(&id)
            {
                self.current.insert(id.clone(), None);
                wanted.entry(id.kind()).or_default().push(id);
            }
        }
        let conn = self.conn.as_mut().expect("a connection until the end");
        for (kind, ids) in wanted {
            let rows = tables::lock_current(&mut conn.client, &mut conn.statements, kind, &ids, office)
                .map_err(pg_error)?;
            for row in rows {
                if let Some(record) = tables::from_row(kind, &row, 0).map_err(|e| damaged(location, e))? {
                    self.current.insert(record.id(), Some(record));
                }
            }
        }
        for (edit, _) in edits.iter().zip(fresh).filter(|(_, fresh)| !**fresh) {
            let Some(id) = edit.id() else {
                continue;
            };
            let stored = self
                .current
                .get(&id)
                .and_then(|r| r.as_ref())
                .map(tables::to_json);
            if stored != edit.before.as_ref().map(tables::to_json) {
                let gone = stored.is_none() && edit.before.is_some();
                return Err(conflict(self.client(), &id, gone)?);
            }
            self.current.insert(id, edit.after.clone());
        }
        Ok(())
    }

    /// The new records, written from their edits by the server: one statement a kind.
    fn write_fresh(&mut self) -> Result<()> {
        let seq = self.seq;
        let fresh = std::mem::take(&mut self.fresh);
        for (kind, runs) in fresh {
            let sql = match kind {
                Kind::Certificate => {
                    "INSERT INTO ocsae.certificate (id, ine, comarca, record) \
                     SELECT e.key::bigint, (e.after ->> 'ine')::int, e.comarca, e.after \
                     FROM unnest($2::int[], $3::int[]) AS r(lo, hi) \
                     JOIN ocsae.history_edit e ON e.seq = $1 AND e.pos BETWEEN r.lo AND r.hi"
                }
                Kind::Activity => {
                    "INSERT INTO ocsae.activity (id, ine, comarca, record) \
                     SELECT e.key::bigint, (e.after ->> 'ine')::int, e.comarca, e.after \
                     FROM unnest($2::int[], $3::int[]) AS r(lo, hi) \
                     JOIN ocsae.history_edit e ON e.seq = $1 AND e.pos BETWEEN r.lo AND r.hi"
                }
                // Only numbered kinds are new in this sense (see `append`).
                _ => continue,
            };
            let (lo, hi): (Vec<i32>, Vec<i32>) = runs.into_iter().unzip();
            self.client().execute(sql, &[&seq, &lo, &hi]).map_err(pg_error)?;
        }
        Ok(())
    }

    /// The other records as they end up, by kind: written, or removed.
    fn write_current(&mut self, store: &PgStore) -> Result<()> {
        let current = std::mem::take(&mut self.current);
        let conn = self.conn.as_mut().expect("a connection until the end");
        let mut ask = Vec::new();
        for record in current.values().flatten() {
            ask.push(Edit::create(record.clone()));
        }
        let comarques = store.edit_comarques(&mut conn.client, &ask)?;
        for k in Kind::ALL {
            let gone: Vec<RecordId> = current
                .iter()
                .filter(|(id, r)| id.kind() == k && r.is_none())
                .map(|(id, _)| id.clone())
                .collect();
            if !gone.is_empty() {
                tables::delete(&mut conn.client, k, &gone, &store.role.office).map_err(pg_error)?;
            }
            let kept: Vec<(&Record, &str)> = ask
                .iter()
                .zip(&comarques)
                .filter_map(|(e, c)| e.after.as_ref().map(|r| (r, c.as_str())))
                .filter(|(r, _)| r.kind() == k)
                .collect();
            if !kept.is_empty() {
                tables::upsert(&mut conn.client, &mut conn.statements, k, &kept).map_err(pg_error)?;
            }
        }
        Ok(())
    }
}

impl ImportBatch for Streamed<'_> {
    fn plan(&mut self, edits: &[Edit]) -> Result<()> {
        self.plan_batch(edits)
            .map_err(|e| super::locate(e, &self.store.name()))
    }

    fn append(&mut self, edits: Vec<Edit>) -> Result<()> {
        self.write_batch(edits)
            .map_err(|e| super::locate(e, &self.store.name()))
    }

    fn commit(self: Box<Self>, at: DateTime<Utc>) -> Result<Applied> {
        let name = self.store.name();
        self.finish(at).map_err(|e| super::locate(e, &name))
    }
}

impl Streamed<'_> {
    fn plan_batch(&mut self, edits: &[Edit]) -> Result<()> {
        let comarques = self
            .store
            .read_here(|client| self.store.edit_comarques(client, edits))?;
        self.planned += edits.len();
        self.comarques.extend(comarques);
        Ok(())
    }

    fn write_batch(&mut self, mut edits: Vec<Edit>) -> Result<()> {
        if self.open.is_none() {
            self.open = Some(self.begin()?);
        }
        let Some(open) = self.open.as_ref() else {
            return Ok(());
        };
        if open.written + edits.len() > self.planned {
            return Err(differs(
                self.store,
                format!("more than the {} planned", self.planned),
            ));
        }
        // New records of a numbered kind: their ids are the sequence's, and they
        // are written from their edits at the end.
        let fresh: Vec<bool> = edits
            .iter()
            .map(|e| {
                e.before.is_none()
                    && e.after
                        .as_ref()
                        .is_some_and(|r| r.is_new() && tables::sequence(r.kind()).is_some())
            })
            .collect();
        let (location, office) = (self.store.name(), self.store.role.office.clone());
        let open = self.open.as_mut().expect("opened above");
        let ids = assign_ids(open.client(), &mut edits, &self.store.user)?;
        open.ids.extend(ids);
        open.check_befores(&edits, &fresh, &location, &office)?;
        let comarques = self.store.edit_comarques(open.client(), &edits)?;
        if let Some(other) = comarques.iter().find(|c| !self.comarques.contains(*c)) {
            let detail = format!("comarca {other:?} was not planned");
            return Err(differs(self.store, detail));
        }
        let first = open.written as i32;
        let seq = open.seq;
        insert_edits_from(open.client(), seq, first, &edits, &comarques)?;
        open.touched.extend(comarques);
        for (i, (edit, _)) in edits.iter().zip(&fresh).enumerate().filter(|(_, (_, f))| **f) {
            let Some(kind) = edit.kind() else {
                continue;
            };
            let pos = first + i as i32;
            let runs = open.fresh.entry(kind).or_default();
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == pos => *last = pos,
                _ => runs.push((pos, pos)),
            }
        }
        open.written += edits.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>, at: DateTime<Utc>) -> Result<Applied> {
        let Some(mut open) = self.open.take() else {
            // Nothing given: as any change of no edits.
            return self.store.commit(
                EntryKind::Do,
                self.change.clone(),
                Vec::new(),
                at,
                super::commit::StackMove::Do,
            );
        };
        if open.written != self.planned {
            let detail = format!("{} planned, {} given", self.planned, open.written);
            return Err(differs(self.store, detail));
        }
        if open.touched != self.comarques {
            return Err(differs(self.store, "other comarques than planned".into()));
        }
        open.write_fresh()?;
        open.write_current(self.store)?;
        let sql = "INSERT INTO ocsae.stacks (undo, redo) VALUES (ARRAY[$1::bigint], '{}') \
                   ON CONFLICT (author) DO UPDATE SET \
                   undo = (ocsae.stacks.undo || $1::bigint)[greatest(1, cardinality(ocsae.stacks.undo) + 2 - $2::int):], \
                   redo = '{}'";
        let seq = open.seq;
        open.client()
            .execute(sql, &[&seq, &(UNDO_DEPTH as i32)])
            .map_err(pg_error)?;
        // The server checks the entry against what the transaction leaves here.
        open.client().batch_execute("COMMIT").map_err(pg_error)?;
        if let Some(conn) = open.conn.take() {
            open.link.release(conn);
        }
        Ok(Applied {
            seq: seq as u64,
            at: open.at,
            user: self.store.user.clone(),
            kind: EntryKind::Do,
            change: self.change.clone(),
            ids: std::mem::take(&mut open.ids),
            // Never held: the records are the server's (see `ids`).
            edits: Vec::new(),
            bulk: None,
            durable: true,
        })
    }
}
