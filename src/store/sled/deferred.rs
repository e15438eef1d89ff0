//! A store whose first screen is drawn before its files are checked through.
//!
//! Checking the seal reads every file of the database (300 MB at a million
//! requests), and sled may not be opened before it passes (see `seal`). When the
//! store was closed cleanly, what can be checked without reading the files (each
//! file there, a regular file, of its sealed size and time) is checked first, and
//! the first screen is read from `first-screen`, kept at that close and bound to
//! that seal. The whole open (the seal's checksum, then sled) runs on a thread of
//! its own once the first frame is up (`watch`), or as soon as anything else is
//! asked. Until it ends, every write, and every read the file does not hold,
//! waits for it; if it finds damage, nothing was written, every call gets the
//! refusal, and the dashboard is told (`Signal::Refused`) and exits with it.

use super::first_screen::{self, FirstScreen};
use super::{OpenOptions, SledStore, damaged, engine, lock, private, regular, schema, seal};
use crate::domain::certificate::CertificateRequest;
use crate::store::{
    Applied, ChangeKind, Dump, ImportBatch, Kind, Location, Notify, Record, RecordHistory, RecordId,
    RestoreError, Result, Signal, Store, Unsaved,
};
use crate::store::{Authors, Change};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

type Open = Box<dyn FnOnce() -> Result<SledStore> + Send>;

/// What the opening thread and the store share.
#[derive(Default)]
struct Shared {
    opened: OnceLock<Result<SledStore>>,
    told: Mutex<Told>,
}

/// Who hears how the open ended, and what it said before anyone listened.
#[derive(Default)]
struct Told {
    notify: Option<Notify>,
    news: Option<Signal>,
}

pub struct Deferred {
    dir: PathBuf,
    location: Location,
    user: String,
    screen: FirstScreen,
    /// The checksum of the seal the first screen is bound to: the requests file's too.
    seal_crc: u32,
    shared: Arc<Shared>,
    open: Mutex<Option<Open>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl SledStore {
    /// Opens the store in `dir` for the dashboard: at once from its first-screen
    /// file when it was closed cleanly and looks whole (see `Deferred`), else as
    /// `open` does. Anything `open` refuses before reading the files is refused here.
    pub fn open_to_show(dir: &Path) -> Result<Box<dyn Store>> {
        if !SledStore::exists(dir) {
            return Ok(Box::new(SledStore::open(dir)?));
        }
        crate::store::private_umask();
        private::secure(dir)?;
        let lock = lock::StoreLock::take(dir)?;
        let sled_dir = dir.join(engine::SLED_DIR);
        let screen = match regular::check(dir) {
            Ok(()) if engine::sled_busy(&sled_dir) => {
                return Err(crate::store::StoreError::InUse(super::location(dir)));
            }
            Ok(()) => quick_screen(dir, &sled_dir),
            Err(e) => return Err(e),
        };
        let Some((screen, seal_crc)) = screen else {
            return Ok(Box::new(SledStore::open_held(
                dir,
                lock,
                OpenOptions {
                    keeps_requests: true,
                    ..OpenOptions::default()
                },
            )?));
        };
        tracing::debug!("first screen read; the store is checked after it");
        let owned = dir.to_path_buf();
        Ok(Box::new(Deferred {
            dir: dir.to_path_buf(),
            location: Location::dir(dir),
            user: super::system_user(),
            screen,
            seal_crc,
            shared: Arc::default(),
            open: Mutex::new(Some(Box::new(move || {
                SledStore::open_held(
                    &owned,
                    lock,
                    OpenOptions {
                        keeps_requests: true,
                        ..OpenOptions::default()
                    },
                )
            }))),
            thread: Mutex::new(None),
        }))
    }
}

/// The first screen, if the store is of this schema, sealed, its files as sealed
/// by size and time, and its first-screen file whole and of that seal; with the
/// seal's checksum.
fn quick_screen(dir: &Path, sled_dir: &Path) -> Option<(FirstScreen, u32)> {
    if schema::read_version_file(dir).ok()?? != schema::CURRENT {
        return None;
    }
    let seal_crc = seal::quick_check(dir, sled_dir)?;
    Some((first_screen::read(dir, seal_crc)?, seal_crc))
}

impl Deferred {
    /// Starts the whole open on its own thread, once.
    fn start(&self) {
        let Some(open) = self.open.lock().ok().and_then(|mut o| o.take()) else {
            return;
        };
        let (shared, seen) = (self.shared.clone(), self.screen.last_seq);
        // Handed over once the thread runs: if it cannot start, the open runs here.
        let (give, take) = std::sync::mpsc::channel::<Open>();
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new().name("open".into()).spawn(move || {
                if let Ok(open) = take.recv() {
                    shared.finish(open(), seen);
                }
            })
        };
        match thread {
            Ok(handle) => {
                if let Err(unsent) = give.send(open) {
                    shared.finish((unsent.0)(), seen);
                }
                if let Ok(mut thread) = self.thread.lock() {
                    *thread = Some(handle);
                }
            }
            Err(_) => shared.finish(open(), seen),
        }
    }

    /// The store once opened, waiting for it; its refusal if it was refused.
    fn store(&self) -> Result<&SledStore> {
        self.start();
        match self.shared.opened.wait() {
            Ok(store) => Ok(store),
            Err(e) => Err(e.clone()),
        }
    }

    /// The store if it is open already and was not refused.
    fn open_now(&self) -> Option<&SledStore> {
        self.shared.opened.get().and_then(|o| o.as_ref().ok())
    }

    /// The first-screen file answers while the store is not open yet.
    fn screen_answers(&self) -> bool {
        self.shared.opened.get().is_none()
    }
}

impl Shared {
    /// Keeps how the open ended, and tells it: refused, or changed since the file.
    fn finish(&self, opened: Result<SledStore>, seen: u64) {
        let news = match &opened {
            Err(e) => {
                tracing::error!("the store was refused after the first screen: {e}");
                Some(Signal::Refused)
            }
            Ok(store) if store.last_seq().is_ok_and(|seq| seq != seen) => Some(Signal::Changed(Vec::new())),
            Ok(_) => None,
        };
        let _ = self.opened.set(opened);
        if let (Some(news), Ok(mut told)) = (news, self.told.lock()) {
            match told.notify.as_mut() {
                Some(notify) => {
                    notify(news);
                }
                None => told.news = Some(news),
            }
        }
    }
}

impl Drop for Deferred {
    /// The store closes (and seals itself) here, not on a thread the exit cuts short.
    fn drop(&mut self) {
        if let Some(handle) = self.thread.get_mut().ok().and_then(Option::take) {
            let _ = handle.join();
        }
    }
}

impl Store for Deferred {
    fn location(&self) -> &Location {
        &self.location
    }

    fn user(&self) -> &str {
        &self.user
    }

    fn is_empty(&self) -> Result<bool> {
        match self.screen_answers() && self.screen.holds_records() {
            true => Ok(false),
            false => self.store()?.is_empty(),
        }
    }

    fn records(&self, kind: Kind) -> Result<Box<dyn Iterator<Item = Result<Record>> + '_>> {
        if self.screen_answers()
            && let Some(records) = self.screen.records(kind)
        {
            let dir = self.dir.clone();
            return Ok(Box::new(
                records.into_iter().map(move |r| r.map_err(|e| damaged(&dir, e))),
            ));
        }
        self.store()?.records(kind)
    }

    /// From the requests file kept with the first screen, while the store is not
    /// open yet (nothing written since the seal), if it is whole and of that seal;
    /// else from sled.
    fn certificates(&self) -> Result<Vec<CertificateRequest>> {
        if self.screen_answers()
            && let Some(list) = super::requests_file::read(&self.dir, self.seal_crc)
        {
            tracing::debug!(requests = list.len(), "requests read from their file");
            return Ok(list);
        }
        self.store()?.certificates()
    }

    fn apply(&self, change: Change, at: DateTime<Utc>) -> Result<Applied> {
        self.store()?.apply(change, at)
    }

    fn undo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.store()?.undo(at)
    }

    fn redo(&self, at: DateTime<Utc>) -> Result<Option<Applied>> {
        self.store()?.redo(at)
    }

    fn history(&self, id: &RecordId) -> Result<Vec<RecordHistory>> {
        self.store()?.history(id)
    }

    fn last_seq(&self) -> Result<u64> {
        match self.screen_answers() {
            true => Ok(self.screen.last_seq),
            false => self.store()?.last_seq(),
        }
    }

    fn changes_since(&self, seq: u64) -> Result<Vec<Applied>> {
        self.store()?.changes_since(seq)
    }

    fn changes_since_skipping(&self, seq: u64) -> Result<crate::store::Changes> {
        self.store()?.changes_since_skipping(seq)
    }

    fn authors(&self, kind: Kind) -> Result<HashMap<RecordId, Authors>> {
        self.store()?.authors(kind)
    }

    /// Tells `notify` how the open ended, if it has news, and starts it: called
    /// once the first frame is up.
    fn watch(&self, mut notify: Notify) -> bool {
        if let Ok(mut told) = self.shared.told.lock() {
            // What the open said before anyone listened is said now, once.
            if let Some(news) = told.news.take() {
                notify(news);
            }
            told.notify = Some(notify);
        }
        self.start();
        true
    }

    fn begin_import(&self, kind: ChangeKind) -> Result<Box<dyn ImportBatch + '_>> {
        self.store()?.begin_import(kind)
    }

    fn dump(&self, now: DateTime<Utc>) -> Result<Dump> {
        self.store()?.dump(now)
    }

    fn write_backup(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
    ) -> Result<crate::store::dump_writer::BackupCounts> {
        self.store()?.write_backup(now, out)
    }

    fn write_backup_with(
        &self,
        now: DateTime<Utc>,
        out: &mut dyn std::io::Write,
        configured: &[chrono::NaiveDate],
    ) -> Result<crate::store::dump_writer::BackupCounts> {
        self.store()?.write_backup_with(now, out, configured)
    }

    fn restore_from(
        &self,
        source: &mut dyn crate::store::dump_reader::DumpSource,
        force: bool,
    ) -> Result<(), RestoreError> {
        self.store()
            .map_err(RestoreError::from)?
            .restore_from(source, force)
    }

    fn restore(&self, dump: &Dump, force: bool) -> Result<(), RestoreError> {
        self.store().map_err(RestoreError::from)?.restore(dump, force)
    }

    fn read_cache(&self, name: &str) -> Option<String> {
        regular::read_note(&self.dir.join(format!("{name}.cache"))).ok()
    }

    /// Nothing is written before the store is open, nor to one refused.
    fn write_cache(&self, name: &str, text: &str) {
        if let Some(store) = self.open_now() {
            store.write_cache(name, text);
        }
    }

    fn unsaved(&self) -> Unsaved {
        self.open_now().map(Store::unsaved).unwrap_or_default()
    }

    fn needs_retry(&self) -> bool {
        self.open_now().is_some_and(Store::needs_retry)
    }

    fn retry(&self) -> Result<()> {
        self.open_now().map_or(Ok(()), Store::retry)
    }

    fn opened(&self) -> Result<()> {
        self.store().map(|_| ())
    }
}
