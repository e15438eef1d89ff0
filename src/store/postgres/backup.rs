//! The dump of a shared store and its restore, in the backup format sled uses:
//! the file is checked whole, then written in one transaction. The authors in
//! the history are the dump's, which only the schema's owner may write.

use super::commit::{LOCK_WRITERS, Stacks, entry_kind_columns};
use super::edit_rows::insert_edits;
use super::history::entries_after;
use super::{PgStore, damaged, pg_error, records::PAGE, tables};
use crate::domain::municipality::IneCode;
use crate::store::dump::{
    DUMP_FORMAT, DUMP_VERSION, Dump, HistoryItem, LocalHoliday, Office, OperatorOffice, RestoreError,
    Sharing, UserStacks,
};
use crate::store::{HistoryEntry, Kind, Record, RecordId, Result, StoreError};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The records' version a dump carries: the layout of sled's backups, whose
/// records they are (sled's own schema may be newer: 4 only changed how it keeps
/// an import inside).
pub(super) fn records_version() -> u32 {
    crate::store::sled::schema::BACKUP
}

/// The oldest records' version whose backups restore here (later ones only added kinds).
pub(super) fn oldest_backup() -> u32 {
    crate::store::sled::schema::OLDEST_BACKUP
}

impl PgStore {
    /// Everything, read in one snapshot: records, history, counters and stacks as
    /// they were at one moment, whatever other technicians commit meanwhile.
    pub(super) fn dump_all(&self, now: DateTime<Utc>) -> Result<Dump> {
        let location = self.name();
        self.read_here(|c| {
            let mut tx = c
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg_error)?;
            let history = entries_after(&mut tx, &location, 0)?
                .into_iter()
                .map(|a| HistoryItem {
                    seq: a.seq,
                    entry: HistoryEntry {
                        at: a.at,
                        user: a.user,
                        kind: a.kind,
                        change: a.change,
                        edits: a.edits,
                    },
                })
                .collect();
            let (next_certificate_id, next_activity_id, next_history_seq) = next_ids(&mut tx)?;
            let stacks = read_stacks(&mut tx)?;
            let sharing = read_sharing(&mut tx)?;
            let holidays = read_holidays(&mut tx)?;
            let mut dump = Dump {
                format: DUMP_FORMAT.into(),
                format_version: DUMP_VERSION,
                schema_version: records_version(),
                created_at: now,
                municipalities: Vec::new(),
                rollout: Vec::new(),
                certificates: Vec::new(),
                activities: Vec::new(),
                operators: Vec::new(),
                services: Vec::new(),
                history,
                next_certificate_id,
                next_activity_id,
                next_history_seq,
                undo: Vec::new(),
                redo: Vec::new(),
                stacks,
                sharing: Some(sharing),
                local_holidays: Some(holidays),
                operator_offices: None,
            };
            for kind in Kind::ALL {
                if kind == Kind::Operator {
                    let (records, offices) = read_operators(&mut tx, &location)?;
                    records.into_iter().for_each(|r| dump.push(r));
                    dump.operator_offices = Some(offices);
                    continue;
                }
                // Page by page in key order, as `records` reads them.
                let mut after: Option<RecordId> = None;
                loop {
                    let rows = tables::page(&mut tx, kind, after.as_ref(), PAGE).map_err(pg_error)?;
                    for row in &rows {
                        match tables::from_row(kind, row, 0).map_err(|e| damaged(&location, e))? {
                            Some(record) => {
                                after = Some(record.id());
                                dump.push(record);
                            }
                            None => return Err(damaged(&location, "a record is null")),
                        }
                    }
                    if (rows.len() as i64) < PAGE {
                        break;
                    }
                }
            }
            tx.commit().map_err(pg_error)?;
            Ok(dump)
        })
    }

    /// Replaces the store's content with the dump's, in one transaction. A store
    /// that holds records or history is refused unless `force`.
    pub(super) fn restore_all(&self, dump: &Dump, force: bool) -> std::result::Result<(), RestoreError> {
        dump.check(records_version(), oldest_backup())?;
        let comarques: HashMap<IneCode, &str> = dump
            .municipalities
            .iter()
            .map(|m| (m.ine, m.comarca.as_str()))
            .collect();
        // A dump of one comarca's councils is that office's: so are its ER operators.
        let distinct: BTreeSet<&str> = comarques.values().copied().collect();
        let role = super::Role {
            office: match distinct.len() {
                1 => distinct.first().map(|c| c.to_string()).unwrap_or_default(),
                _ => String::new(),
            },
            ..super::Role::default()
        };
        let operators = OperatorOffices::new(dump.operator_offices.as_deref());
        let mut listing = OperatorOffices::new(dump.operator_offices.as_deref());
        let comarca_of = |record: &Record| match operators.of_edit(record) {
            Some(comarca) => comarca,
            None => role.comarca_of(record, comarques.get(&tables::ine_of(record)).copied()),
        };
        let stacks = stacks_to_restore(dump);
        self.write_here(|client, st| {
            let mut tx = client.transaction().map_err(pg_error)?;
            super::backup::emptied(&mut tx, force)?;
            let records: Vec<Record> = dump.records().collect();
            for kind in Kind::ALL {
                let rows: Vec<(&Record, String)> = records
                    .iter()
                    .filter(|r| r.kind() == kind)
                    .map(|r| (r, listing.of_record(r).unwrap_or_else(|| comarca_of(r))))
                    .collect();
                let rows: Vec<(&Record, &str)> = rows.iter().map(|(r, c)| (*r, c.as_str())).collect();
                if !rows.is_empty() {
                    tables::upsert(&mut tx, st, kind, &rows).map_err(pg_error)?;
                }
            }
            for item in &dump.history {
                let entry = &item.entry;
                let edit_comarques: Vec<String> = entry
                    .edits
                    .iter()
                    .map(|e| e.record().map(comarca_of).unwrap_or_default())
                    .collect();
                let touched: Vec<&String> = edit_comarques
                    .iter()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let (kind, target) = entry_kind_columns(entry.kind);
                tx.execute(
                    "INSERT INTO ocsae.history (seq, at, author, kind, target, change, edits, comarques) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &(item.seq as i64),
                        &entry.at,
                        &entry.user,
                        &kind,
                        &target,
                        &entry.change.as_str(),
                        &(entry.edits.len() as i32),
                        &touched,
                    ],
                )
                .map_err(pg_error)?;
                insert_edits(&mut tx, item.seq as i64, &entry.edits, &edit_comarques)?;
            }
            for (user, s) in &stacks {
                tx.execute(
                    "INSERT INTO ocsae.stacks (author, undo, redo) VALUES ($1, $2, $3)",
                    &[user, &s.undo, &s.redo],
                )
                .map_err(pg_error)?;
            }
            // The sequences go on from where the dump's counters were.
            let set = "SELECT setval($1::text::regclass, greatest($2::bigint - 1, 1), $2::bigint > 1)";
            for (kind, next) in [
                (Kind::Certificate, dump.next_certificate_id),
                (Kind::Activity, dump.next_activity_id),
            ] {
                let sequence = tables::sequence(kind).unwrap_or_default();
                tx.execute(set, &[&sequence, &(next as i64)]).map_err(pg_error)?;
            }
            tx.execute(set, &[&"ocsae.history_seq", &(dump.next_seq() as i64)])
                .map_err(pg_error)?;
            // With the records they guard: never a moment without them.
            if let Some(sharing) = &dump.sharing {
                apply_sharing(&mut tx, sharing)?;
            }
            if let Some(days) = &dump.local_holidays {
                apply_holidays(&mut tx, days)?;
            }
            tx.commit().map_err(pg_error)
        })
        .map_err(|e| match e {
            StoreError::NotEmpty(_) => RestoreError::NotEmpty,
            other => RestoreError::Store(other),
        })
    }
}

/// The next request's and activity's ids, and the next history number, as
/// a backup's counters say them: past the sequences (`ocsae.counters()`, which
/// tells a technician of a store several offices share nothing) and past every
/// record and entry read (as sled counts).
pub(super) fn next_ids(tx: &mut postgres::Transaction) -> Result<(u64, u64, u64)> {
    let row = tx
        .query_one(
            "SELECT greatest(c.certificate_id, (SELECT coalesce(max(id), 0) + 1 FROM ocsae.certificate)), \
                    greatest(c.activity_id, (SELECT coalesce(max(id), 0) + 1 FROM ocsae.activity)), \
                    greatest(c.history_seq, (SELECT coalesce(max(seq), 0) + 1 FROM ocsae.history)) \
             FROM ocsae.counters() c",
            &[],
        )
        .map_err(pg_error)?;
    let next = |i| row.get::<_, i64>(i) as u64;
    Ok((next(0), next(1), next(2)))
}

/// Each user's undo and redo stacks.
pub(super) fn read_stacks(tx: &mut postgres::Transaction) -> Result<BTreeMap<String, UserStacks>> {
    let mut stacks = BTreeMap::new();
    for row in tx
        .query("SELECT author, undo, redo FROM ocsae.stacks ORDER BY author", &[])
        .map_err(pg_error)?
    {
        let undo: Vec<i64> = row.get(1);
        let redo: Vec<i64> = row.get(2);
        stacks.insert(
            row.get::<_, String>(0),
            UserStacks {
                undo: undo.into_iter().map(|s| s as u64).collect(),
                redo: redo.into_iter().map(|s| s as u64).collect(),
            },
        );
    }
    Ok(stacks)
}

/// Whether several offices share the store, and its office list.
pub(super) fn read_sharing(tx: &mut postgres::Transaction) -> Result<Sharing> {
    let multi_office: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT FROM ocsae.meta WHERE key = 'multi_office' AND value = 'true')",
            &[],
        )
        .map_err(pg_error)?
        .get(0);
    let offices = tx
        .query(
            "SELECT comarca, role::text FROM ocsae.office ORDER BY comarca, role",
            &[],
        )
        .map_err(pg_error)?
        .iter()
        .map(|row| Office {
            comarca: row.get(0),
            role: row.get(1),
        })
        .collect();
    Ok(Sharing {
        multi_office,
        offices: Some(offices),
    })
}

/// The ER operators, with the office of each, in name order (several offices
/// may list one name): a handful, read at once.
pub(super) fn read_operators(
    tx: &mut postgres::Transaction,
    location: &str,
) -> Result<(Vec<Record>, Vec<OperatorOffice>)> {
    let rows = tx
        .query(
            "SELECT comarca, record FROM ocsae.operator ORDER BY key, comarca",
            &[],
        )
        .map_err(pg_error)?;
    let mut records = Vec::with_capacity(rows.len());
    let mut offices = Vec::with_capacity(rows.len());
    for row in &rows {
        let record = tables::from_row(Kind::Operator, row, 1)
            .map_err(|e| damaged(location, e))?
            .ok_or_else(|| damaged(location, "a record is null"))?;
        if let Record::Operator(o) = &record {
            offices.push(OperatorOffice {
                name: o.name.clone(),
                comarca: row.get(0),
            });
        }
        records.push(record);
    }
    Ok((records, offices))
}

/// Where a restore keeps each ER operator: the office its backup lists for it
/// (the records of a name listed by several offices taken in order), else the
/// rule of a backup without them (`Role::comarca_of`).
pub(super) struct OperatorOffices {
    of: HashMap<String, Vec<String>>,
    taken: HashMap<String, usize>,
}

impl OperatorOffices {
    pub(super) fn new(listed: Option<&[OperatorOffice]>) -> Self {
        let mut of: HashMap<String, Vec<String>> = HashMap::new();
        for o in listed.unwrap_or_default() {
            of.entry(o.name.clone()).or_default().push(o.comarca.clone());
        }
        OperatorOffices {
            of,
            taken: HashMap::new(),
        }
    }

    /// An operator's record, in the backup's order.
    pub(super) fn of_record(&mut self, record: &Record) -> Option<String> {
        let Record::Operator(o) = record else {
            return None;
        };
        let listed = self.of.get(&o.name)?;
        let taken = self.taken.entry(o.name.clone()).or_default();
        let comarca = listed.get(*taken).or(listed.last()).cloned();
        *taken += 1;
        comarca
    }

    /// An operator in a history entry's edit: its office, if one office lists that name.
    pub(super) fn of_edit(&self, record: &Record) -> Option<String> {
        let Record::Operator(o) = record else {
            return None;
        };
        match self.of.get(&o.name)?.as_slice() {
            [first, rest @ ..] if rest.iter().all(|c| c == first) => Some(first.clone()),
            _ => None,
        }
    }
}

/// The office's local holidays, under their comarques.
pub(super) fn read_holidays(tx: &mut postgres::Transaction) -> Result<Vec<LocalHoliday>> {
    Ok(tx
        .query(
            "SELECT comarca, day FROM ocsae.local_holiday ORDER BY comarca, day",
            &[],
        )
        .map_err(pg_error)?
        .iter()
        .map(|row| LocalHoliday {
            comarca: row.get(0),
            day: row.get(1),
        })
        .collect())
}

/// A backup's local holidays replace the store's.
pub(super) fn apply_holidays(tx: &mut postgres::Transaction, days: &[LocalHoliday]) -> Result<()> {
    let comarques: Vec<&str> = days.iter().map(|d| d.comarca.as_str()).collect();
    let dates: Vec<chrono::NaiveDate> = days.iter().map(|d| d.day).collect();
    tx.execute("DELETE FROM ocsae.local_holiday", &[])
        .map_err(pg_error)?;
    tx.execute(
        "INSERT INTO ocsae.local_holiday (comarca, day) \
         SELECT * FROM unnest($1::text[], $2::date[]) ON CONFLICT DO NOTHING",
        &[&comarques, &dates],
    )
    .map_err(pg_error)?;
    Ok(())
}

/// A backup's office list replaces the store's; its row-level security is turned
/// on, never off (a store shared by several offices stays so).
pub(super) fn apply_sharing(tx: &mut postgres::Transaction, sharing: &Sharing) -> Result<()> {
    if let Some(offices) = &sharing.offices {
        tx.execute("DELETE FROM ocsae.office", &[]).map_err(pg_error)?;
        for office in offices {
            tx.execute(
                "INSERT INTO ocsae.office (comarca, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&office.comarca, &office.role],
            )
            .map_err(pg_error)?;
        }
    }
    if sharing.multi_office {
        super::backend::enable_multi_office(tx)?;
    }
    Ok(())
}

/// Each user's stacks. The shared stacks of a store written before undo was per
/// user become each user's own: their entries in them, as sled reads them.
fn stacks_to_restore(dump: &Dump) -> BTreeMap<String, Stacks> {
    let author: HashMap<u64, String> = dump
        .history
        .iter()
        .map(|h| (h.seq, h.entry.user.clone()))
        .collect();
    backup_stacks(&dump.stacks, &dump.undo, &dump.redo, &author)
}

/// As `stacks_to_restore`, from a backup's stacks and the authors of the
/// entries in its shared ones (`author`).
pub(super) fn backup_stacks(
    stacks: &BTreeMap<String, UserStacks>,
    undo: &[u64],
    redo: &[u64],
    author: &HashMap<u64, String>,
) -> BTreeMap<String, Stacks> {
    let to_i64 = |v: &[u64]| v.iter().map(|&s| s as i64).collect::<Vec<_>>();
    let mut out: BTreeMap<String, Stacks> = stacks
        .iter()
        .map(|(user, s)| {
            (
                user.clone(),
                Stacks {
                    undo: to_i64(&s.undo),
                    redo: to_i64(&s.redo),
                },
            )
        })
        .collect();
    if undo.is_empty() && redo.is_empty() {
        return out;
    }
    let users: BTreeSet<&str> = author.values().map(String::as_str).collect();
    for user in users {
        if out.contains_key(user) {
            continue;
        }
        let theirs = |stack: &[u64]| -> Vec<i64> {
            stack
                .iter()
                .filter(|s| author.get(s).map(String::as_str) == Some(user))
                .map(|&s| s as i64)
                .collect()
        };
        let stacks = Stacks {
            undo: theirs(undo),
            redo: theirs(redo),
        };
        if !stacks.undo.is_empty() || !stacks.redo.is_empty() {
            out.insert(user.to_string(), stacks);
        }
    }
    out
}

/// A restore's start, in its transaction: the writers' lock taken, a store that
/// holds records or history refused unless `force`, then everything emptied.
pub(super) fn emptied(tx: &mut postgres::Transaction, force: bool) -> Result<()> {
    // In a savepoint: if the wait runs out, the transaction can still say who holds it.
    let mut waiting = tx.savepoint("writers_lock").map_err(pg_error)?;
    match waiting.execute(LOCK_WRITERS, &[]) {
        Ok(_) => waiting.commit().map_err(pg_error)?,
        Err(e) => {
            drop(waiting);
            return Err(match e.code() {
                Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => match super::holder::holder(tx) {
                    Ok(Some(holder)) => StoreError::Held {
                        location: String::new(),
                        holder,
                    },
                    _ => pg_error(e),
                },
                _ => pg_error(e),
            });
        }
    }
    let holds: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT FROM ocsae.municipality) OR EXISTS (SELECT FROM ocsae.rollout) \
             OR EXISTS (SELECT FROM ocsae.certificate) OR EXISTS (SELECT FROM ocsae.activity) \
             OR EXISTS (SELECT FROM ocsae.history)",
            &[],
        )
        .map_err(pg_error)?
        .get(0);
    if holds && !force {
        return Err(StoreError::NotEmpty(String::new()));
    }
    // A new history from here: open dashboards see the mark change (their
    // history numbers no longer mean the same entries) and read everything again.
    tx.execute(
        "INSERT INTO ocsae.meta (key, value) \
         VALUES ('restored', txid_current()::text || '-' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text) \
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[],
    )
    .map_err(pg_error)?;
    tx.execute("SELECT pg_notify($1, 'restored')", &[&super::commit::CHANNEL])
        .map_err(pg_error)?;
    tx.batch_execute(
        "TRUNCATE ocsae.history_edit, ocsae.history, ocsae.activity, ocsae.certificate, \
         ocsae.rollout, ocsae.municipality, ocsae.stacks, ocsae.cache",
    )
    .map_err(pg_error)
}
