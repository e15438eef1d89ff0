//! The dump of a sled store and its restore: the dump is checked whole, then
//! written in one transaction.

use super::commit::SEQ_KEY;
use super::stacks::{REDO_KEY, UNDO_KEY, redo_key, undo_key};
use super::{
    SledStore, T_HISTORY, T_HISTORY_INDEX, T_META, codec, engine, history_index, keys, schema, tree_index,
};
use crate::store::dump::{DUMP_FORMAT, DUMP_VERSION, Dump, HistoryItem, LocalHoliday, RestoreError};
use crate::store::dump_writer::{BackupCounts, DumpTail, DumpWriter, SECTIONS};
use crate::store::{HistoryEntry, Kind, RecordId, Result, StoreError};
use chrono::{DateTime, Utc};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

impl SledStore {
    pub(super) fn dump_all(&self, now: DateTime<Utc>) -> Result<Dump> {
        let history = self
            .entries_after(0)?
            .into_iter()
            .map(|(seq, entry)| HistoryItem { seq, entry })
            .collect();
        let mut dump = Dump {
            format: DUMP_FORMAT.into(),
            format_version: DUMP_VERSION,
            schema_version: schema::BACKUP,
            created_at: now,
            municipalities: Vec::new(),
            rollout: Vec::new(),
            certificates: Vec::new(),
            activities: Vec::new(),
            operators: Vec::new(),
            services: Vec::new(),
            history,
            next_certificate_id: self.next_id(Kind::Certificate)?,
            next_activity_id: self.next_id(Kind::Activity)?,
            next_history_seq: self.next_history_seq()?,
            undo: self.shared_stack(UNDO_KEY)?,
            redo: self.shared_stack(REDO_KEY)?,
            stacks: self.all_stacks()?,
            sharing: None,
            local_holidays: None,
            operator_offices: None,
        };
        for kind in Kind::ALL {
            for record in self.scan(kind)? {
                dump.push(record?);
            }
        }
        Ok(dump)
    }

    /// Writes the backup a record and an edit at a time: the same bytes as
    /// `dump_all`'s JSON, in little memory whatever the store's size.
    pub(super) fn stream_backup(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
        configured: &[chrono::NaiveDate],
    ) -> Result<BackupCounts> {
        let holidays = self.configured_holidays(configured)?;
        let mut writer = DumpWriter::begin(out, schema::BACKUP, now)?;
        for (name, kind) in SECTIONS {
            writer.records(name, self.scan(kind)?)?;
        }
        writer.begin_history()?;
        let history = self.engine()?.trees[T_HISTORY].clone();
        for item in history.iter() {
            let (key, value) = item?;
            let seq = u64::from_be_bytes(
                key.as_ref()
                    .try_into()
                    .map_err(|_| super::damaged(&self.dir, "a history key is not 8 bytes"))?,
            );
            let entry: HistoryEntry = codec::decode(&value)?;
            match self.bulk_header(seq)? {
                Some(header) => writer.entry(seq, &entry, self.bulk_edits(&header)?)?,
                None => writer.entry(seq, &entry, std::iter::empty())?,
            }
        }
        let (undo, redo) = (self.shared_stack(UNDO_KEY)?, self.shared_stack(REDO_KEY)?);
        writer.end(&DumpTail {
            next_certificate_id: self.next_id(Kind::Certificate)?,
            next_activity_id: self.next_id(Kind::Activity)?,
            next_history_seq: self.next_history_seq()?,
            undo: &undo,
            redo: &redo,
            stacks: &self.all_stacks()?,
            sharing: None,
            local_holidays: holidays.as_deref(),
            operator_offices: None,
        })
    }

    /// The configuration's holidays, under each comarca of the store's councils
    /// (as `init` gives a shared store them); None if it lists none.
    fn configured_holidays(&self, configured: &[chrono::NaiveDate]) -> Result<Option<Vec<LocalHoliday>>> {
        if configured.is_empty() {
            return Ok(None);
        }
        let mut comarques = std::collections::BTreeSet::new();
        for record in self.scan(Kind::Municipality)? {
            if let crate::store::Record::Municipality(m) = record? {
                comarques.insert(m.comarca);
            }
        }
        let days: std::collections::BTreeSet<_> = configured.iter().copied().collect();
        Ok(Some(
            comarques
                .iter()
                .flat_map(|comarca| {
                    days.iter().map(|&day| LocalHoliday {
                        comarca: comarca.clone(),
                        day,
                    })
                })
                .collect(),
        ))
    }

    /// Replaces the store's content with the dump's, in one transaction. A store
    /// that holds records is refused unless `force`.
    pub(super) fn restore_all(&self, dump: &Dump, force: bool) -> std::result::Result<(), RestoreError> {
        dump.check(schema::BACKUP, schema::OLDEST_BACKUP)?;
        let _writing = self.write_lock();
        let engine = self.engine()?;
        let empty = self.holds_no_records()? && engine.trees[T_HISTORY].is_empty();
        if !force && !empty {
            return Err(RestoreError::NotEmpty);
        }
        // Encode everything first: the transaction closure may be retried.
        let mut writes: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        for record in dump.records() {
            writes.push((
                tree_index(record.kind()),
                keys::record_key(&record),
                keys::encode_value(&record).map_err(StoreError::from)?,
            ));
        }
        for item in &dump.history {
            writes.push((
                T_HISTORY,
                item.seq.to_be_bytes().to_vec(),
                codec::encode(&item.entry).map_err(StoreError::from)?,
            ));
            let touched: Vec<(Kind, Vec<u8>)> = item
                .entry
                .edits
                .iter()
                .filter_map(|edit| edit.id())
                .map(|id: RecordId| (id.kind(), keys::key(&id)))
                .collect();
            let prefixes = history_index::prefixes(touched.iter().map(|(k, key)| (*k, key.as_slice())));
            let head = codec::encode(&item.entry.head()).map_err(StoreError::from)?;
            for mut index in prefixes {
                index.extend_from_slice(&item.seq.to_be_bytes());
                writes.push((T_HISTORY_INDEX, index, head.clone()));
            }
        }
        let counted = [
            (Kind::Certificate, dump.next_certificate_id),
            (Kind::Activity, dump.next_activity_id),
        ];
        let mut meta: Vec<(Vec<u8>, _)> = counted
            .iter()
            .filter_map(|&(kind, next)| Some((keys::counter_key(kind)?.to_vec(), codec::encode(&next))))
            .collect();
        meta.extend([
            (SEQ_KEY.to_vec(), codec::encode(&dump.next_seq())),
            (UNDO_KEY.to_vec(), codec::encode(&dump.undo)),
            (REDO_KEY.to_vec(), codec::encode(&dump.redo)),
        ]);
        for (user, stacks) in &dump.stacks {
            meta.push((undo_key(user), codec::encode(&stacks.undo)));
            meta.push((redo_key(user), codec::encode(&stacks.redo)));
        }
        for (key, value) in meta {
            writes.push((T_META, key, value.map_err(StoreError::from)?));
        }
        // With force, what is there goes: every record, the history, its index,
        // and every user's stacks.
        let mut clears: Vec<(usize, Vec<u8>)> = Vec::new();
        // The trees, and the runs' tree last.
        let mut all = engine.trees.clone();
        all.push(engine.bulk.clone());
        let t_bulk = all.len() - 1;
        if force {
            let trees = Kind::ALL
                .iter()
                .map(|&k| tree_index(k))
                .chain([T_HISTORY, T_HISTORY_INDEX]);
            for t in trees {
                for item in engine.trees[t].iter().keys() {
                    clears.push((t, item.map_err(StoreError::from)?.to_vec()));
                }
            }
            for item in engine.bulk.iter().keys() {
                clears.push((t_bulk, item.map_err(StoreError::from)?.to_vec()));
            }
            clears.push((T_META, super::bulk::PENDING_KEY.to_vec()));
            for prefix in [&undo_key("")[..], &redo_key("")[..]] {
                for item in engine.trees[T_META].scan_prefix(prefix).keys() {
                    clears.push((T_META, item.map_err(StoreError::from)?.to_vec()));
                }
            }
        }
        self.check_writable()?;
        self.will_write(Kind::Certificate);
        let blobs_before = engine::blobs(&self.dir.join(engine::SLED_DIR));
        all[..]
            .transaction(|tx| {
                for (t, key) in &clears {
                    tx[*t].remove(key.as_slice())?;
                }
                for (t, key, value) in &writes {
                    tx[*t].insert(key.as_slice(), value.as_slice())?;
                }
                Ok::<(), ConflictableTransactionError<StoreError>>(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Abort(e) => e,
                sled::transaction::TransactionError::Storage(e) => {
                    let e = StoreError::from(e);
                    self.transaction_failed(&e, &blobs_before);
                    e
                }
            })?;
        drop(engine);
        if let Err(e) = self.flush() {
            // Refused whole: nothing of it is to be written again.
            self.abandon_blobs_since(&blobs_before);
            return Err(e.into());
        }
        // The history may now be shorter than the one noted as acknowledged.
        self.all_saved(self.last_history_seq());
        Ok(())
    }
}
