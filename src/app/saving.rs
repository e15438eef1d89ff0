//! Saving changes, and what the dashboard does while the disk does not take them:
//! each change stays on screen, marked; a retry (the `save` key, every few seconds,
//! and before the next change) writes them all once there is room; quitting asks first.

use super::ctx::{Ctx, StatusKind};
use crate::domain::catalog::services;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::store::{Applied, Change, Record};
use std::time::Duration;

/// How often the loop tries again to write changes that are not on disk.
pub const RETRY_EVERY: Duration = Duration::from_secs(5);

impl Ctx {
    /// Saves a change (with its history entry, flushed) and mirrors it in memory;
    /// what the store applied, or None if nothing was (the status bar says why).
    pub fn commit(&mut self, change: Change) -> Option<Applied> {
        self.conflict = None;
        if self.read_only {
            self.refuse_read_only();
            return None;
        }
        if self.refuse_offline() {
            return None;
        }
        tracing::info!(action = %change.kind, records = change.edits.len(), "change");
        // Earlier changes that did not reach the disk go first, in order.
        self.recover_store();
        let result = self.store.apply(change, self.now());
        let applied = self.applied(result)?;
        self.set_status(StatusKind::Saved, self.t.t(Msg::saved).to_string());
        Some(applied)
    }

    /// Mirrors what the store applied, whether or not it reached the disk; None if
    /// nothing was applied (the status bar then says why).
    pub fn applied(&mut self, result: crate::store::Result<Applied>) -> Option<Applied> {
        match result {
            Ok(applied) => {
                self.live.made(applied.seq);
                self.data.apply(&applied.edits);
                if let Some(run) = applied.bulk {
                    self.mirror_run(run);
                }
                self.refresh_rows();
                if applied.durable {
                    self.write_error = None;
                } else {
                    // In the store's memory, not on disk: shown as it is, marked, and
                    // kept to be written again.
                    self.write_error = self.store.unsaved().cause.map(|e| e.localize(&self.t));
                    let text = self.unsaved_warning();
                    self.set_status(StatusKind::Error, text);
                }
                Some(applied)
            }
            // The server did not answer: the change may still be saved; said so.
            Err(e) if self.unanswered(&e) => None,
            Err(e) => {
                tracing::error!("not saved: {e}");
                let text = self
                    .t
                    .f(Msg::not_saved, &[("detail", &e.localize_at(&self.t, self.now()))]);
                // Someone changed the record meanwhile: their change comes in now,
                // so that trying again starts from it.
                if let Some(short) = e.short_words(&self.t) {
                    let short = self.t.f(Msg::not_saved, &[("detail", &short)]);
                    self.set_status_short(StatusKind::Error, short, &text);
                    return None;
                }
                if matches!(e, crate::store::StoreError::Conflict { .. }) {
                    self.catch_up();
                    self.conflict = Some(e);
                }
                self.set_status(StatusKind::Error, text);
                None
            }
        }
    }

    /// Mirrors a run of records the store wrote (read back from it) or took away.
    fn mirror_run(&mut self, run: crate::store::BulkRange) {
        let mut written = Vec::new();
        if !run.removed {
            let records = self.store.records(run.kind).map(|records| {
                records
                    .filter_map(Result::ok)
                    .filter(|r| run.covers(&r.id()))
                    .collect::<Vec<_>>()
            });
            match records {
                Ok(records) => written = records,
                Err(e) => tracing::error!("could not read back the records a change wrote: {e}"),
            }
        }
        self.data.apply_run(run, written);
    }

    /// What the status bar says while changes are not on disk.
    pub fn unsaved_warning(&self) -> String {
        let detail = self
            .write_error
            .clone()
            .unwrap_or_else(|| self.t.t(Msg::err_disk_full).to_string());
        // A key that saves on this screen (`w` marks waiting on Activitat).
        use super::action::Context;
        let key = self
            .keymap
            .first_key_in(
                super::action::Action::Save,
                &[self.screen, Context::Table, Context::Global],
            )
            .map(|k| crate::keymap::key_name(&self.t, &k))
            .unwrap_or_default();
        // The key first, so that it shows on a narrow screen; the header counts the changes.
        self.t.f(Msg::not_flushed, &[("detail", &detail), ("key", &key)])
    }

    /// Tries to write what is not on disk, quietly; true if nothing is left.
    pub fn recover_store(&mut self) -> bool {
        if !self.store.needs_retry() {
            return true;
        }
        let before = self.store.unsaved().count();
        match self.store.retry() {
            Ok(()) => {
                tracing::info!(changes = before, "unsaved changes written");
                self.write_error = None;
                true
            }
            Err(e) => {
                tracing::warn!("still not written: {e}");
                self.write_error = Some(e.localize(&self.t));
                false
            }
        }
    }

    /// A retry: by the `save` key (`asked`), or by the loop's timer. The status bar
    /// says when it worked; when it did not, only if asked.
    pub fn retry_save(&mut self, asked: bool) -> bool {
        let before = self.store.unsaved().count();
        if before == 0 {
            // Nothing waits; a store that refuses writes is reopened if it can be,
            // and the next change says if it still cannot be saved.
            self.recover_store();
            // A shared store queues nothing, but while its server is away nothing
            // is saved either: never "everything is saved" then.
            if asked && self.live.offline {
                self.set_status(StatusKind::Error, self.t.t(Msg::offline_refused).to_string());
            } else if asked {
                self.set_status(StatusKind::Info, self.t.t(Msg::nothing_unsaved).to_string());
            }
            return asked;
        }
        if self.recover_store() {
            let text = self.t.n(Msg::unsaved_written, before);
            self.set_status(StatusKind::Saved, text);
            return true;
        }
        if asked {
            let text = self.unsaved_warning();
            self.set_status(StatusKind::Error, text);
        }
        asked
    }

    /// How long the loop may wait before the next retry; None if nothing waits.
    pub(super) fn retry_wait(&self) -> Option<Duration> {
        self.store.needs_retry().then_some(RETRY_EVERY)
    }

    /// `q` or Ctrl-C: quits, unless changes not on disk would be lost; then it
    /// tries once more to write them. True if the user must be asked.
    pub(super) fn request_quit(&mut self) -> bool {
        if self.store.unsaved().count() > 0 {
            self.recover_store();
        }
        if self.store.unsaved().count() == 0 {
            self.quit = true;
            return false;
        }
        true
    }

    /// The question before quitting, its keys first, naming what would be lost.
    pub fn quit_question(&self) -> String {
        self.t
            .f(Msg::prompt_quit_unsaved, &[("what", &self.unsaved_summary())])
    }

    /// What the changes not on disk are about: each kind of change with the records
    /// it touched (`estat d'implantació: Àger · TRA`), a few names each.
    pub fn unsaved_summary(&self) -> String {
        const NAMES: usize = 3;
        let mut parts: Vec<String> = Vec::new();
        for (action, edits) in self.store.unsaved().changes {
            let mut names: Vec<String> = Vec::new();
            for record in edits
                .iter()
                .filter_map(|e| e.after.as_ref().or(e.before.as_ref()))
            {
                let name = self.record_name(record);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let more = names.len().saturating_sub(NAMES);
            names.truncate(NAMES);
            if more > 0 {
                names.push(self.t.f(Msg::and_more, &[("n", &more)]));
            }
            let label = self.t.t(action.label());
            parts.push(format!("{label}: {}", names.join(", ")));
        }
        parts.join("; ")
    }

    /// A record as a person knows it: a council's name, a council and a service,
    /// a request's number and holder.
    pub(super) fn record_name(&self, record: &Record) -> String {
        let council = |ine| {
            self.data.by_ine.get(&ine).map_or_else(
                || ine.to_string(),
                |&i| clean(&self.data.municipalities[i].name).into_owned(),
            )
        };
        match record {
            Record::Municipality(m) => clean(&m.name).into_owned(),
            Record::Rollout(r) => {
                let service = services().iter().find(|s| s.id == r.service);
                format!(
                    "{} · {}",
                    council(r.ine),
                    service.map_or(r.service.as_str(), |s| &s.short)
                )
            }
            Record::Certificate(c) => format!("#{} {}", c.id, clean(&c.holder)),
            Record::Operator(o) => clean(&o.name).into_owned(),
            Record::Service(s) => format!("{} {}", s.short, clean(&s.name)),
            Record::Activity(a) => {
                let summary = crate::widgets::ellipsize(&clean(&a.summary), 30);
                match a.ine {
                    Some(ine) => format!("#{} {} · {summary}", a.id, council(ine)),
                    None => format!("#{} {summary}", a.id),
                }
            }
        }
    }
}
