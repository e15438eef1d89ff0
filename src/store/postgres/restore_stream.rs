//! A backup restored into a shared store as it is read the second time: the
//! records and the history's edits go to the server 1,000 at a time, inside the
//! restore's one transaction, so the server holds what is written and the client
//! never holds the backup. All or nothing as before: the transaction commits
//! once the file is read through, with the counters, the stacks and the sharing.

use super::backup::{
    OperatorOffices, apply_holidays, apply_sharing, backup_stacks, oldest_backup, records_version,
};
use super::commit::entry_kind_columns;
use super::edit_rows::insert_edits_from;
use super::{PgStore, Statements, pg_error, tables};
use crate::domain::municipality::IneCode;
use crate::store::dump_check::check_schema;
use crate::store::dump_reader::{DumpSink, DumpSource};
use crate::store::{Edit, HistoryHead, Kind, Record, RestoreError, Result, StoreError};
use postgres::Transaction;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Rows sent to the server at a time.
const BATCH: usize = 1_000;

/// Where each record is kept: its council's comarca, an ER operator's office
/// as the backup lists it, or the office's.
struct Comarques<'a> {
    of_council: &'a HashMap<IneCode, String>,
    role: super::Role,
    operators: OperatorOffices,
}

impl Comarques<'_> {
    fn of(&self, record: &Record) -> String {
        if let Some(comarca) = self.operators.of_edit(record) {
            return comarca;
        }
        let council = self.of_council.get(&tables::ine_of(record)).map(String::as_str);
        self.role.comarca_of(record, council)
    }
}

/// The entry being read: written ahead of its edits once they fill a batch.
struct Entry {
    seq: i64,
    head: HistoryHead,
    edits: Vec<Edit>,
    /// How many of its edits are already written, and their comarques.
    written: i32,
    touched: BTreeSet<String>,
    head_written: bool,
}

struct Loader<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    st: &'t mut Statements,
    comarques: Comarques<'t>,
    records: Vec<Record>,
    /// The operators' offices, taken in the order their records come.
    listing: OperatorOffices,
    entry: Option<Entry>,
    /// The authors of the entries in the backup's shared stacks (older backups).
    wanted: HashSet<u64>,
    author: HashMap<u64, String>,
    max_seq: Option<u64>,
}

impl Loader<'_, '_> {
    /// Writes the records waiting, a kind at a time (a batch may hold two).
    fn flush_records(&mut self) -> Result<()> {
        let records = std::mem::take(&mut self.records);
        for kind in Kind::ALL {
            let rows: Vec<(&Record, String)> = records
                .iter()
                .filter(|r| r.kind() == kind)
                .map(|r| {
                    let comarca = self.listing.of_record(r);
                    (r, comarca.unwrap_or_else(|| self.comarques.of(r)))
                })
                .collect();
            let rows: Vec<(&Record, &str)> = rows.iter().map(|(r, c)| (*r, c.as_str())).collect();
            if !rows.is_empty() {
                tables::upsert(self.tx, self.st, kind, &rows).map_err(pg_error)?;
            }
        }
        Ok(())
    }

    fn write_head(tx: &mut Transaction, entry: &Entry, edits: i32) -> Result<()> {
        let (kind, target) = entry_kind_columns(entry.head.kind);
        let touched: Vec<&String> = entry.touched.iter().collect();
        tx.execute(
            "INSERT INTO ocsae.history (seq, at, author, kind, target, change, edits, comarques) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &entry.seq,
                &entry.head.at,
                &entry.head.user,
                &kind,
                &target,
                &entry.head.change.as_str(),
                &edits,
                &touched,
            ],
        )
        .map_err(pg_error)?;
        Ok(())
    }

    /// Writes the entry's edits waiting (its head first, if not yet written).
    fn flush_edits(&mut self, last: bool) -> Result<()> {
        let Some(entry) = self.entry.as_mut() else {
            return Ok(());
        };
        let comarques: Vec<String> = entry
            .edits
            .iter()
            .map(|e| e.record().map(|r| self.comarques.of(r)).unwrap_or_default())
            .collect();
        entry.touched.extend(comarques.iter().cloned());
        if !entry.head_written {
            // An entry read whole has its count and comarques now; a longer one
            // (an import) gets them when it ends.
            let count = match last {
                true => entry.written + entry.edits.len() as i32,
                false => 0,
            };
            Self::write_head(self.tx, entry, count)?;
            entry.head_written = true;
        }
        insert_edits_from(self.tx, entry.seq, entry.written, &entry.edits, &comarques)?;
        entry.written += entry.edits.len() as i32;
        entry.edits.clear();
        Ok(())
    }
}

impl DumpSink for Loader<'_, '_> {
    fn record(&mut self, _: usize, record: Record) -> Result<()> {
        self.records.push(record);
        if self.records.len() >= BATCH {
            self.flush_records()?;
        }
        Ok(())
    }

    fn entry_start(&mut self, seq: u64, head: HistoryHead) -> Result<()> {
        self.flush_records()?;
        self.max_seq = self.max_seq.max(Some(seq));
        if self.wanted.contains(&seq) {
            self.author.insert(seq, head.user.clone());
        }
        self.entry = Some(Entry {
            seq: seq as i64,
            head,
            edits: Vec::new(),
            written: 0,
            touched: BTreeSet::new(),
            head_written: false,
        });
        Ok(())
    }

    fn edit(&mut self, edit: Edit) -> Result<()> {
        let Some(entry) = self.entry.as_mut() else {
            return Ok(());
        };
        entry.edits.push(edit);
        if entry.edits.len() >= BATCH {
            self.flush_edits(false)?;
        }
        Ok(())
    }

    fn entry_end(&mut self) -> Result<()> {
        let long = self.entry.as_ref().is_some_and(|e| e.head_written);
        self.flush_edits(true)?;
        if let Some(entry) = self.entry.take()
            && long
        {
            let touched: Vec<&String> = entry.touched.iter().collect();
            self.tx
                .execute(
                    "UPDATE ocsae.history SET edits = $2, comarques = $3 WHERE seq = $1",
                    &[&entry.seq, &entry.written, &touched],
                )
                .map_err(pg_error)?;
        }
        Ok(())
    }
}

impl PgStore {
    /// Replaces the store's content with the backup's, read again as it is
    /// written, in one transaction. A store that holds records or history is
    /// refused unless `force`.
    pub(super) fn restore_streamed(
        &self,
        source: &mut dyn DumpSource,
        force: bool,
    ) -> std::result::Result<(), RestoreError> {
        let frame = source.checked().frame.clone();
        check_schema(&frame, records_version(), oldest_backup())?;
        let of_council = source.checked().tally.comarques().clone();
        // A backup of one comarca's councils is that office's: so are its ER operators.
        let distinct: BTreeSet<&str> = of_council.values().map(String::as_str).collect();
        let role = super::Role {
            office: match distinct.len() {
                1 => distinct.first().map(|c| c.to_string()).unwrap_or_default(),
                _ => String::new(),
            },
            ..super::Role::default()
        };
        let mut failed = None;
        let written = self.write_here(|client, st| {
            let mut tx = client.transaction().map_err(pg_error)?;
            super::backup::emptied(&mut tx, force)?;
            let mut loader = Loader {
                tx: &mut tx,
                st,
                comarques: Comarques {
                    of_council: &of_council,
                    role,
                    operators: OperatorOffices::new(frame.operator_offices.as_deref()),
                },
                records: Vec::new(),
                listing: OperatorOffices::new(frame.operator_offices.as_deref()),
                entry: None,
                wanted: frame.undo.iter().chain(&frame.redo).copied().collect(),
                author: HashMap::new(),
                max_seq: None,
            };
            if let Err(e) = source
                .load(&mut loader)
                .and_then(|()| Ok(loader.flush_records()?))
            {
                // Nothing is kept: the transaction is dropped, not committed.
                failed = Some(e);
                return Err(StoreError::Codec("restore stopped".into()));
            }
            let (author, max_seq) = (std::mem::take(&mut loader.author), loader.max_seq);
            let stacks = backup_stacks(&frame.stacks, &frame.undo, &frame.redo, &author);
            for (user, s) in &stacks {
                tx.execute(
                    "INSERT INTO ocsae.stacks (author, undo, redo) VALUES ($1, $2, $3)",
                    &[user, &s.undo, &s.redo],
                )
                .map_err(pg_error)?;
            }
            // The sequences go on from where the backup's counters were.
            let set = "SELECT setval($1::text::regclass, greatest($2::bigint - 1, 1), $2::bigint > 1)";
            for (kind, next) in [
                (Kind::Certificate, frame.next_certificate_id),
                (Kind::Activity, frame.next_activity_id),
            ] {
                let sequence = tables::sequence(kind).unwrap_or_default();
                tx.execute(set, &[&sequence, &(next as i64)]).map_err(pg_error)?;
            }
            let next_seq = frame.next_history_seq.max(max_seq.map_or(1, |s| s + 1));
            tx.execute(set, &[&"ocsae.history_seq", &(next_seq as i64)])
                .map_err(pg_error)?;
            // With the records they guard: never a moment without them.
            if let Some(sharing) = &frame.sharing {
                apply_sharing(&mut tx, sharing)?;
            }
            if let Some(days) = &frame.local_holidays {
                apply_holidays(&mut tx, days)?;
            }
            tx.commit().map_err(pg_error)
        });
        match (written, failed) {
            (_, Some(e)) => Err(e),
            (Ok(()), None) => Ok(()),
            (Err(StoreError::NotEmpty(_)), None) => Err(RestoreError::NotEmpty),
            (Err(e), None) => Err(RestoreError::Store(e)),
        }
    }
}
