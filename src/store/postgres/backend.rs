//! The `Store` trait over PostgreSQL.

use super::commit::StackMove;
use super::records::Pages;
use super::{PgStore, damaged, pg_error, tables, watch};
use crate::domain::certificate::CertificateRequest;
use crate::store::{
    Applied, Authors, Change, ChangeKind, Dump, Edit, EntryKind, ImportBatch, Kind, Location, Notify, Record,
    RecordHistory, RecordId, RestoreError, Result, SharedSettings, Store,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

impl Store for PgStore {
    fn location(&self) -> &Location {
        &self.location
    }

    fn user(&self) -> &str {
        &self.user
    }

    fn is_empty(&self) -> Result<bool> {
        self.read(|c| {
            let holds: bool = c
                .query_one(
                    "SELECT EXISTS (SELECT FROM ocsae.municipality) OR EXISTS (SELECT FROM ocsae.rollout) \
                     OR EXISTS (SELECT FROM ocsae.certificate) OR EXISTS (SELECT FROM ocsae.activity)",
                    &[],
                )
                .map_err(pg_error)?
                .get(0);
            Ok(!holds)
        })
    }

    fn records(&self, kind: Kind) -> Result<Box<dyn Iterator<Item = Result<Record>> + '_>> {
        Ok(Box::new(Pages::new(self, kind)?))
    }

    fn certificate(&self, id: u64) -> Result<Option<CertificateRequest>> {
        let row = self.read(move |c| {
            c.query_opt(
                "SELECT record FROM ocsae.certificate WHERE id = $1",
                &[&(id as i64)],
            )
            .map_err(pg_error)
        })?;
        match row.map(|row| tables::from_row(Kind::Certificate, &row, 0)) {
            Some(Ok(Some(Record::Certificate(c)))) => Ok(Some(c)),
            Some(Err(detail)) => Err(damaged(&self.name(), detail)),
            _ => Ok(None),
        }
    }

    fn apply(&self, change: Change, at: DateTime<Utc>) -> Result<Applied> {
        let stacks = match change.undoable {
            true => StackMove::Do,
            false => StackMove::Keep,
        };
        self.commit(EntryKind::Do, change.kind, change.edits, at, stacks)
    }

    fn undo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.step(true, at)
    }

    fn redo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.step(false, at)
    }

    fn history(&self, id: &RecordId) -> Result<Vec<RecordHistory>> {
        self.record_history(id)
    }

    fn last_seq(&self) -> Result<u64> {
        self.newest()
    }

    fn history_identity(&self) -> Result<String> {
        self.read(|c| {
            Ok(
                c.query_opt("SELECT value FROM ocsae.meta WHERE key = 'restored'", &[])
                    .map_err(pg_error)?
                    .map(|r| r.get(0))
                    .unwrap_or_default(),
            )
        })
    }

    fn changes_since(&self, seq: u64) -> Result<Vec<Applied>> {
        self.applied_after(seq)
    }

    fn changes_since_skipping(&self, seq: u64) -> Result<crate::store::Changes> {
        self.readable_after(seq)
    }

    fn authors(&self, kind: Kind) -> Result<HashMap<RecordId, Authors>> {
        self.record_authors(kind)
    }

    fn begin_import(&self, kind: ChangeKind) -> Result<Box<dyn ImportBatch + '_>> {
        Ok(Box::new(PgImport {
            store: self,
            kind,
            edits: Vec::new(),
        }))
    }

    /// Written as it comes, inside one transaction: see `import`.
    fn begin_planned_import(
        &self,
        kind: ChangeKind,
        at: DateTime<Utc>,
    ) -> Result<Option<Box<dyn ImportBatch + '_>>> {
        Ok(Some(Box::new(self.begin_streamed(kind, at))))
    }

    fn dump(&self, now: DateTime<Utc>) -> Result<Dump> {
        self.dump_all(now)
    }

    /// A page at a time in one snapshot, never held whole.
    fn write_backup(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
    ) -> Result<crate::store::dump_writer::BackupCounts> {
        self.stream_backup(now, out)
    }

    fn restore(&self, dump: &Dump, force: bool) -> Result<(), RestoreError> {
        self.restore_all(dump, force)
    }

    /// In batches inside one transaction: the server holds what is written.
    fn restore_from(
        &self,
        source: &mut dyn crate::store::dump_reader::DumpSource,
        force: bool,
    ) -> Result<(), RestoreError> {
        self.restore_streamed(source, force)
    }

    /// Each user's own, in the database: a dashboard on any machine finds it.
    fn read_cache(&self, name: &str) -> Option<String> {
        let name = name.to_string();
        self.read(move |c| {
            c.query_opt(
                "SELECT body FROM ocsae.cache WHERE author = session_user AND name = $1",
                &[&name],
            )
            .map_err(pg_error)
        })
        .ok()
        .flatten()
        .map(|row| row.get(0))
    }

    fn write_cache(&self, name: &str, text: &str) {
        let (key, text) = (name.to_string(), text.to_string());
        let written = self.write(move |c, _| {
            c.execute(
                "INSERT INTO ocsae.cache (name, body) VALUES ($1, $2) \
                 ON CONFLICT (author, name) DO UPDATE SET body = EXCLUDED.body",
                &[&key, &text],
            )
            .map_err(pg_error)
        });
        if let Err(e) = written {
            tracing::warn!("could not keep the {name} cache: {e}");
        }
    }

    fn watch(&self, notify: Notify) -> bool {
        // A call the dashboard gave up on says on the same way when it is back.
        let notify = match &self.bound {
            Some(bound) => bound.share(notify),
            None => notify,
        };
        watch::spawn(self.link.target.clone(), notify)
    }

    fn administrator(&self) -> Option<&str> {
        Some(&self.role.owner)
    }

    fn offices(&self) -> Result<Option<Vec<crate::store::Office>>> {
        self.read(|c| {
            let mut tx = c.transaction().map_err(pg_error)?;
            let sharing = super::backup::read_sharing(&mut tx)?;
            Ok(sharing.offices)
        })
    }

    fn shared_settings(&self) -> Result<Option<SharedSettings>> {
        self.read(|c| {
            let days: Vec<NaiveDate> = c
                .query("SELECT DISTINCT day FROM ocsae.local_holiday ORDER BY day", &[])
                .map_err(pg_error)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let multi: Option<String> = c
                .query_opt("SELECT value FROM ocsae.meta WHERE key = 'multi_office'", &[])
                .map_err(pg_error)?
                .map(|r| r.get(0));
            Ok(Some(SharedSettings {
                local_holidays: days,
                multi_office: multi.as_deref() == Some("true"),
            }))
        })
    }

    /// The holidays go to each comarca the store holds; several offices turn on
    /// the row-level security that keeps each to its own comarca (never off).
    fn share_settings(&self, settings: &SharedSettings) -> Result<()> {
        let settings = settings.clone();
        self.write(move |c, _| {
            let mut tx = c.transaction().map_err(pg_error)?;
            tx.execute(
                "INSERT INTO ocsae.local_holiday (comarca, day) \
                 SELECT m.comarca, d FROM (SELECT DISTINCT comarca FROM ocsae.municipality) m, unnest($1::date[]) AS d \
                 ON CONFLICT DO NOTHING",
                &[&settings.local_holidays],
            )
            .map_err(pg_error)?;
            match settings.multi_office {
                true => enable_multi_office(&mut tx)?,
                // Recorded for a new store; one shared by several offices stays so.
                false => {
                    tx.execute(
                        "INSERT INTO ocsae.meta (key, value) VALUES ('multi_office', 'false') ON CONFLICT DO NOTHING",
                        &[],
                    )
                    .map_err(pg_error)?;
                }
            }
            tx.commit().map_err(pg_error)
        })
    }
}

/// An import not planned: the batches are kept and written as one change at
/// `commit` (a planned one is written as it comes: see `import`).
struct PgImport<'a> {
    store: &'a PgStore,
    kind: ChangeKind,
    edits: Vec<Edit>,
}

impl ImportBatch for PgImport<'_> {
    fn append(&mut self, edits: Vec<Edit>) -> Result<()> {
        self.edits.extend(edits);
        Ok(())
    }

    fn commit(self: Box<Self>, at: DateTime<Utc>) -> Result<Applied> {
        self.store
            .commit(EntryKind::Do, self.kind, self.edits, at, StackMove::Do)
    }
}

/// The tables whose rows belong to an office's comarca.
const OFFICE_TABLES: [&str; 9] = [
    "municipality",
    "rollout",
    "certificate",
    "activity",
    "history",
    "history_edit",
    "local_holiday",
    "operator",
    "catalogue",
];

/// Several offices share the store from now on: row-level security keeps each
/// to its comarques, whatever SQL its technicians write.
pub(super) fn enable_multi_office(tx: &mut postgres::Transaction) -> Result<()> {
    // The checks of the rows written so far (a restore's), now: PostgreSQL alters
    // no table with checks still waiting for the commit.
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")
        .map_err(pg_error)?;
    tx.execute(
        "INSERT INTO ocsae.meta (key, value) VALUES ('multi_office', 'true') \
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[],
    )
    .map_err(pg_error)?;
    for table in OFFICE_TABLES {
        tx.batch_execute(&format!("ALTER TABLE ocsae.{table} ENABLE ROW LEVEL SECURITY"))
            .map_err(pg_error)?;
    }
    Ok(())
}
