//! Other technicians' changes to a shared store, shown as they happen: the
//! store's feed says something changed, `changes_since_skipping` brings the
//! entries (one this client cannot read is named, not let stop the rest), the
//! records in memory follow (selections stay on their records, as they hold
//! identities), and the status bar says who changed what. While the server
//! cannot be reached, the last state stays on screen, marked, and edits are
//! refused; once it is back, what changed meanwhile is read.

use super::App;
use super::ctx::{Ctx, StatusKind};
use crate::i18n::Msg;
use crate::store::{Applied, Signal, StoreError};
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct Live {
    /// The newest history entry the records in memory include.
    pub seen: u64,
    /// Entries this dashboard made (mirrored when made): the feed brings them again.
    own: BTreeSet<u64>,
    /// The store's server cannot be reached.
    pub offline: bool,
    /// News came while the requests were still loading: read once they are.
    pending: bool,
    /// The store's history identity when `seen` was read (see `Store::history_identity`).
    pub identity: String,
    /// Everything was read again after a restore: the requests are to be loaded.
    pub reload: bool,
}

impl Live {
    pub fn starting_at(seen: u64, identity: String) -> Live {
        Live {
            seen,
            identity,
            ..Live::default()
        }
    }

    /// A change this dashboard applied.
    pub fn made(&mut self, seq: u64) {
        self.own.insert(seq);
    }

    /// Whether announced entries are all this dashboard's own, already mirrored:
    /// nothing to read (the entries of others are announced too, in order).
    fn all_mine(&self, seqs: &[u64]) -> bool {
        !seqs.is_empty() && seqs.iter().all(|s| self.own.contains(s))
    }
}

impl Ctx {
    /// Reads the entries after the last one seen and mirrors the other writers'
    /// ones; says in the status bar who changed what. True if anything changed.
    pub fn catch_up(&mut self) -> bool {
        if !self.data.certs_loaded {
            // The requests being read would be replaced by the loader's list.
            self.live.pending = true;
            return false;
        }
        // A restore replaced the history: the numbers seen mean other entries.
        let identity = match self.store.history_identity() {
            Ok(identity) if identity != self.live.identity => {
                return self.reload_all(identity, Msg::live_restored);
            }
            Ok(identity) => identity,
            Err(e) => {
                tracing::warn!("could not read the store's history identity: {e}");
                self.unanswered(&e);
                return false;
            }
        };
        // Read the history only past the newest entry: on sled, a range read can
        // bring a large entry (an import's) into memory for nothing.
        match self.store.last_seq() {
            Ok(last) if last <= self.live.seen => return false,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!("could not read the newest change: {e}");
                self.unanswered(&e);
                return false;
            }
        }
        // An entry this client cannot read is skipped, not let stop the feed:
        // the rest still comes in, and the administrator is told which one.
        let changes = match self.store.changes_since_skipping(self.live.seen) {
            Ok(changes) => changes,
            // The server answered just now: what came is too large to read in
            // time (a huge import, or an entry written by hand to be one; the
            // server cancels the statement, "busy"), and would be asked for again
            // and again. The records are read instead.
            Err(e) if e.is_unanswered() || matches!(e, StoreError::Busy { .. }) => {
                tracing::warn!(
                    "the changes since {} could not be read in time: {e}",
                    self.live.seen
                );
                return self.reload_all(identity, Msg::live_too_large);
            }
            Err(e) => {
                tracing::warn!("could not read the changes since {}: {e}", self.live.seen);
                self.unanswered(&e);
                return false;
            }
        };
        if changes.too_large.is_some() {
            return self.reload_all(identity, Msg::live_too_large);
        }
        for entry in &changes.unreadable {
            tracing::warn!(seq = entry.seq, user = %entry.user, "a history entry could not be read, skipped: {}", entry.detail);
            self.live.seen = self.live.seen.max(entry.seq);
        }
        let mut theirs: Vec<Applied> = Vec::new();
        for applied in changes.applied {
            self.live.seen = self.live.seen.max(applied.seq);
            if self.live.own.remove(&applied.seq) {
                continue;
            }
            self.data.apply(&applied.edits);
            theirs.push(applied);
        }
        self.live.own.retain(|&seq| seq > self.live.seen);
        let changed = match theirs.last() {
            Some(last) => {
                tracing::info!(changes = theirs.len(), "changes made elsewhere");
                self.refresh_rows();
                let text = self.news(last, theirs.len() - 1);
                self.set_status(StatusKind::Info, text);
                true
            }
            None => false,
        };
        if let Some(first) = changes.unreadable.first() {
            // Said once, as the entry is not read again: the news (if any) to
            // the message log, the warning on the status line, then logged too.
            self.log_status();
            let text = self.unreadable_words(first, changes.unreadable.len() - 1);
            self.set_status(StatusKind::Error, text);
            self.log_status();
            return true;
        }
        changed
    }

    /// "pep: l'entrada 41 de l'historial no es pot llegir; …" (and how many more).
    fn unreadable_words(&self, first: &crate::store::Unreadable, more: usize) -> String {
        let args: [(&str, &dyn std::fmt::Display); 2] = [("user", &first.user), ("seq", &first.seq)];
        match more {
            0 => self.t.f(Msg::live_unreadable, &args),
            _ => self.t.nf(Msg::live_unreadable_more, more, &args),
        }
    }

    /// Everything is read again (the councils now, the requests by the loader,
    /// as at start), with the holidays the store keeps, for a history that
    /// cannot be followed entry by entry: restored from a backup, or too large
    /// to read. The status bar says why (`said`).
    fn reload_all(&mut self, identity: String, said: Msg) -> bool {
        tracing::info!("reading everything again");
        if let Ok(Some(shared)) = self.store.shared_settings()
            && !shared.local_holidays.is_empty()
        {
            self.config.local_holidays = shared.local_holidays;
        }
        let calendar = crate::domain::calendar::Calendar::catalan(&self.config.local_holidays, self.tz);
        let read = self.store.last_seq().and_then(|seen| {
            super::data::Data::load_councils(self.store.as_ref(), calendar).map(|data| (seen, data))
        });
        let (seen, mut data) = match read {
            Ok(read) => read,
            Err(e) => {
                tracing::warn!("could not read the restored store: {e}");
                self.say_store_error(&e);
                return true;
            }
        };
        data.set_response_days(self.config.response_days);
        // Views compare generations: the new data must not look like the old.
        data.generation += self.data.generation + 1;
        data.certs.generation += self.data.certs.generation + 1;
        data.activities.generation += self.data.activities.generation + 1;
        self.data = data;
        self.live = Live {
            offline: self.live.offline,
            reload: true,
            ..Live::starting_at(seen, identity)
        };
        self.refresh_rows();
        self.set_status(StatusKind::Info, self.t.t(said).to_string());
        true
    }

    /// "marta: nova sol·licitud · #12 Maria Puig (i 2 canvis més)"; an undo or
    /// redo said as such ("marta: ha desfet nova sol·licitud · #12 …").
    fn news(&self, last: &Applied, more: usize) -> String {
        let what = crate::store::entry_words(&self.t, last.kind, &last.change);
        let record = last
            .edits
            .iter()
            .find_map(|e| e.after.as_ref().or(e.before.as_ref()))
            .map(|r| self.record_name(r))
            .unwrap_or_default();
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("user", &last.user), ("what", &what), ("record", &record)];
        match more {
            0 => self.t.f(Msg::live_changed, &args),
            _ => self.t.nf(Msg::live_changed_more, more, &args),
        }
    }

    /// The store's server did not answer in time (see `StoreError::Unanswered`):
    /// the store is shown as unreachable, and edits refused, until it says it is
    /// back. Said on the status line; true if `e` was that.
    pub fn unanswered(&mut self, e: &StoreError) -> bool {
        let StoreError::Unanswered { change, .. } = e else {
            return false;
        };
        tracing::warn!("the store did not answer: {e}");
        self.live.offline = true;
        let detail = e.localize(&self.t);
        // A change's own words say it may have been saved; a read's, that the store is unreachable.
        let text = match change {
            true => detail,
            false => self.t.f(Msg::offline_status, &[("detail", &detail)]),
        };
        self.set_status(StatusKind::Error, text);
        true
    }

    /// What a read of the store on a key's behalf could not do, on the status line.
    pub fn say_store_error(&mut self, e: &StoreError) {
        if !self.unanswered(e) {
            self.set_status(StatusKind::Error, e.localize(&self.t));
        }
    }

    /// Edits are refused while the store cannot be reached: true if so (and said).
    pub fn refuse_offline(&mut self) -> bool {
        if self.live.offline {
            self.set_status(StatusKind::Error, self.t.t(Msg::offline_refused).to_string());
        }
        self.live.offline
    }
}

impl App {
    /// What the store's feed says: news to read, the server gone, or back.
    pub fn store_signal(&mut self, signal: Signal) -> bool {
        match signal {
            Signal::Changed(seqs) if self.ctx.live.all_mine(&seqs) => false,
            Signal::Changed(_) => {
                let changed = self.ctx.catch_up();
                self.settle();
                changed
            }
            // Both events go to the message log (`m`) when they happen, not at
            // the next key: the one may replace the other before any key comes.
            Signal::Lost(detail) => {
                tracing::warn!("the store cannot be reached: {detail}");
                self.ctx.live.offline = true;
                self.ctx.log_status();
                let detail = crate::store::offline_words(&self.ctx.t, &detail);
                let text = self.ctx.t.f(Msg::offline_status, &[("detail", &detail)]);
                self.ctx.set_status(StatusKind::Error, text);
                self.ctx.log_status();
                true
            }
            // The dashboard ends; `Store::opened` says why, once the terminal is back.
            Signal::Refused => {
                self.quit = true;
                false
            }
            Signal::Back => {
                tracing::info!("the store can be reached again");
                self.ctx.live.offline = false;
                self.ctx.log_status();
                let text = self.ctx.t.t(Msg::online_again).to_string();
                self.ctx.set_status(StatusKind::Info, text);
                self.ctx.log_status();
                // What changed meanwhile, if anything, replaces it on the status line.
                if self.ctx.catch_up() {
                    self.ctx.log_status();
                }
                self.settle();
                true
            }
        }
    }

    /// The reading of the requests a restore's reload needs, once: the screen's
    /// loop runs it on another thread, as at start, then `certificates_loaded`.
    pub fn reload_loader(
        &mut self,
    ) -> Option<impl FnOnce() -> crate::store::Result<super::cert_data::CertData> + Send + 'static> {
        match std::mem::take(&mut self.ctx.live.reload) {
            true => self.certificate_loader(),
            false => None,
        }
    }

    /// After the requests were loaded: the news that came meanwhile, and any
    /// change made before the feed started.
    pub(super) fn read_pending_news(&mut self) {
        self.ctx.live.pending = false;
        self.ctx.catch_up();
    }
}
