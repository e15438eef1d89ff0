//! `ocsae restore FILE`, and loading a dump into either kind of store (`migrate`
//! uses it too). A directory is looked at and locked before anything is read or
//! created, and what a failed restore created there goes; a database is changed
//! in one transaction or not at all.

use super::restore_dir::{Refused, RestoreDir};
use super::{Opened, Outcome, say_warnings};
use crate::UserError;
use crate::app::summary_cache;
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::text::clean;
use crate::i18n::{I18n, Msg};
use crate::io;
use crate::store::sled::{SetAside, SledStore};
use crate::store::{Location, RestoreError, StoreError};
use std::path::Path;

/// What the person running a restore (or `migrate`) has agreed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Consent {
    /// What a store that holds data holds is replaced (`--force`).
    pub force: bool,
    /// A backup's office list may give roles comarques they do not read now
    /// (`--accept-offices`).
    pub accept_offices: bool,
}

pub fn restore(
    db: &Location,
    file: &Path,
    consent: Consent,
    config: &Config,
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    let source = file.display().to_string();
    // Read through and checked in full (the format, what ocsae never writes, the
    // forms' rules) before the directory, or anything in it, is made; read again
    // as it is written, never held whole.
    let read = || {
        let bad =
            |detail: String| UserError(t.f(Msg::err_restore_bad, &[("path", &source), ("detail", &detail)]));
        use crate::store::sled::schema;
        // For either kind of store (a shared one reads sled's records): a newer
        // backup is refused before a database's schema is made for it.
        let schemas = Some((schema::BACKUP, schema::OLDEST_BACKUP));
        let mut rules = super::restore_check::FormRules { now: clock.now(), t };
        match io::backup::BackupFile::check(file, schemas, Some(&mut rules)) {
            Ok(file) => Ok(with_config_sharing(Source::File(file), db, config)),
            Err(io::backup::Unreadable::File(e)) => Err(UserError(match &e {
                io::IoError::NotAFile { path } => {
                    t.f(Msg::err_restore_not_a_file, &[("path", &path.display())])
                }
                _ => e.localize(t),
            })),
            Err(io::backup::Unreadable::Refused(e)) => Err(bad(e.localize(t, db))),
        }
    };
    let store = restore_into(db, read, &source, consent, t)?;
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    // A shared store's holidays are now the backup's.
    let holidays = match store.shared_settings() {
        Ok(Some(shared)) if !shared.local_holidays.is_empty() => shared.local_holidays,
        _ => config.local_holidays.clone(),
    };
    summary_cache::refresh(store.as_ref(), tz, &holidays);
    Ok(())
}

/// What a restore loads: a backup file checked through, read again as it is
/// written (`migrate`'s too, through a temporary file).
pub(crate) enum Source {
    File(io::backup::BackupFile),
}

impl Source {
    /// How many councils, requests and activities it holds.
    fn counts(&self) -> (usize, usize, usize) {
        match self {
            Source::File(f) => (
                f.checked.municipalities,
                f.checked.certificates,
                f.checked.activities,
            ),
        }
    }

    fn load(&mut self, store: &dyn crate::store::Store, force: bool) -> Result<(), RestoreError> {
        match self {
            Source::File(file) => store.restore_from(file, force),
        }
    }

    /// How it is shared (a shared store's backup), to be put back with it.
    fn sharing(&self) -> Option<&crate::store::Sharing> {
        match self {
            Source::File(f) => f.checked.frame.sharing.as_ref(),
        }
    }

    fn sharing_mut(&mut self) -> &mut Option<crate::store::Sharing> {
        match self {
            Source::File(f) => &mut f.checked.frame.sharing,
        }
    }

    /// The lines saying what it brings in, per comarca and per author.
    fn summary(&self, t: &I18n) -> Vec<String> {
        match self {
            Source::File(f) => super::restore_summary::lines(&f.checked.tally, &f.checked.frame, t),
        }
    }
}

/// `multi_office = true` in the configuration holds for a shared store restored
/// from any backup, as it does for `init`: row-level security is turned on with
/// the records, in the restore's transaction (the office list stays the backup's,
/// or the store's).
fn with_config_sharing(mut source: Source, db: &Location, config: &Config) -> Source {
    if config.multi_office && db.as_dir().is_none() {
        source
            .sharing_mut()
            .get_or_insert_with(Default::default)
            .multi_office = true;
    }
    source
}

/// What a sled store cannot keep of a shared store's backup, said on stderr.
fn say_sharing_dropped(source: &Source, db: &Location, t: &I18n) {
    let Some(sharing) = source.sharing() else {
        return;
    };
    let offices = sharing.offices.as_deref().unwrap_or_default();
    if !sharing.multi_office && offices.is_empty() {
        return;
    }
    crate::output::err(format_args!(
        "ocsae: {}",
        t.f(
            Msg::restore_sharing_dropped,
            &[("path", db), ("offices", &office_list(offices, t))]
        )
    ));
}

/// The backup's local holidays, which a sled store does not keep (its
/// configuration's count), said on stderr with the line that keeps them.
fn say_holidays_dropped(source: &Source, db: &Location, t: &I18n) {
    let Source::File(f) = source;
    let Some(days) = f
        .checked
        .frame
        .local_holidays
        .as_deref()
        .filter(|d| !d.is_empty())
    else {
        return;
    };
    let days: std::collections::BTreeSet<String> = days.iter().map(|d| format!("\"{}\"", d.day)).collect();
    let list = days.into_iter().collect::<Vec<_>>().join(", ");
    crate::output::err(format_args!(
        "ocsae: {}",
        t.f(Msg::restore_holidays_dropped, &[("path", db), ("days", &list)])
    ));
}

/// `Noguera: ocsae_noguera, Priorat: ocsae_priorat`, or a word for none.
pub(crate) fn office_list(offices: &[crate::store::Office], t: &I18n) -> String {
    match offices.is_empty() {
        true => t.t(Msg::restore_no_offices).to_string(),
        false => offices
            .iter()
            .map(|o| format!("{}: {}", clean(&o.comarca), clean(&o.role)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Loads the dump `read` gives into the store at `db` (`source` names where it
/// came from, for messages), says how many records it loaded, and hands the
/// store back open.
pub(crate) fn restore_into(
    db: &Location,
    read: impl FnOnce() -> Outcome<Source>,
    source: &str,
    consent: Consent,
    t: &I18n,
) -> Outcome<Opened> {
    let force = consent.force;
    let mut granted = Vec::new();
    let (store, dump, aside) = match db.as_dir() {
        Some(dir) => {
            let (store, dump, aside) = into_dir(dir, db, read, source, force, t)?;
            say_sharing_dropped(&dump, db, t);
            say_holidays_dropped(&dump, db, t);
            (store, dump, aside)
        }
        None => {
            let mut dump = read()?;
            let store = crate::store::open(db).map_err(|e| match e {
                // `init` would not help: the restore is then refused, the store
                // holding data. Its owner makes the store in the same command.
                StoreError::NoSchema(_) => UserError(t.f(Msg::err_restore_no_schema, &[("path", db)])),
                e => UserError(e.localize(t)),
            })?;
            say_warnings(t);
            // Said, and refused unless agreed to, before anything is written.
            granted = widened(store.as_ref(), dump.sharing()).map_err(|e| UserError(e.localize(t)))?;
            if !granted.is_empty() && !consent.accept_offices {
                return Err(UserError(t.f(
                    Msg::err_restore_widens,
                    &[("path", &source), ("offices", &office_list(&granted, t))],
                )));
            }
            dump.load(store.as_ref(), force)
                .map_err(|e| refused(e, db, source, t, store.administrator()))?;
            (store, dump, None)
        }
    };
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::restore_done,
            &[
                ("path", db),
                ("councils", &t.n(Msg::count_councils, dump.counts().0)),
                ("certificates", &t.n(Msg::count_requests, dump.counts().1)),
                ("activities", &t.n(Msg::count_activities, dump.counts().2))
            ]
        )
    ));
    for line in dump.summary(t) {
        crate::output::out(format_args!("{line}"));
    }
    if let Some(sharing) = dump.sharing().filter(|s| s.multi_office && db.as_dir().is_none()) {
        let offices = sharing.offices.as_deref().unwrap_or_default();
        crate::output::out(format_args!(
            "{}",
            t.f(
                Msg::restore_multi_office,
                &[("path", db), ("offices", &office_list(offices, t))]
            )
        ));
    }
    if !granted.is_empty() {
        crate::output::out(format_args!(
            "{}",
            t.f(
                Msg::restore_offices_granted,
                &[("offices", &office_list(&granted, t))]
            )
        ));
    }
    if let Some(set) = aside {
        crate::output::out(format_args!(
            "{}",
            t.f(Msg::restore_damaged_kept, &[("path", &set.path().display())])
        ));
    }
    Ok(store)
}

/// The offices a backup's list adds to a store whose row-level security is on
/// now: each gives its role the rows of a comarca it may not read yet. None
/// where nothing is hidden now (one office, or a new store: a list then only
/// narrows what each reads), or where the backup keeps the store's list.
fn widened(
    store: &dyn crate::store::Store,
    sharing: Option<&crate::store::Sharing>,
) -> crate::store::Result<Vec<crate::store::Office>> {
    let Some(theirs) = sharing.and_then(|s| s.offices.as_ref()) else {
        return Ok(Vec::new());
    };
    let hidden = store.shared_settings()?.is_some_and(|s| s.multi_office);
    if !hidden {
        return Ok(Vec::new());
    }
    let ours = store.offices()?.unwrap_or_default();
    Ok(theirs.iter().filter(|o| !ours.contains(o)).cloned().collect())
}

/// Why a restore was refused, in words: nothing was written.
/// `owner`: the shared store's administrator, named as the one who may restore.
fn refused(e: RestoreError, db: &Location, source: &str, t: &I18n, owner: Option<&str>) -> UserError {
    UserError(match e {
        RestoreError::NotEmpty => t.f(Msg::err_restore_not_empty, &[("path", db)]),
        // A technician may write records but not empty the store: only the
        // schema's owner restores, and the same command run by them does it.
        RestoreError::Store(StoreError::Denied { .. }) if db.as_dir().is_none() => t.f(
            Msg::err_restore_owner_only,
            &[("path", db), ("owner", &owner.unwrap_or("postgres"))],
        ),
        RestoreError::Store(e) => e.localize(t),
        other => t.f(
            Msg::err_restore_bad,
            &[("path", &source), ("detail", &other.localize(t, db))],
        ),
    })
}

/// A sled store in `dir`: locked from the first look to the last removal; a
/// damaged database is moved aside with `--force`, never deleted.
fn into_dir(
    dir: &Path,
    db: &Location,
    read: impl FnOnce() -> Outcome<Source>,
    source: &str,
    force: bool,
    t: &I18n,
) -> Outcome<(Opened, Source, Option<SetAside>)> {
    let io_error = |e: std::io::Error| UserError(crate::i18n::system::io_error(t, db, &e));
    let refused_dir = |e: Refused| match e {
        Refused::NotAStore => UserError(t.f(Msg::err_restore_not_store, &[("path", db)])),
        Refused::NotOurs { owner } => {
            UserError(t.f(Msg::err_restore_not_ours, &[("path", db), ("owner", &owner)]))
        }
        Refused::InUse(e) => UserError(e.localize(t)),
        Refused::Io(e) => io_error(e),
    };
    // Look at the target (and lock it, if it is there: nobody makes a store in it
    // meanwhile), then read and check the whole file, before touching anything.
    let mut target = RestoreDir::check(dir).map_err(refused_dir)?;
    let mut dump = match read() {
        Ok(dump) => dump,
        Err(e) => {
            target.undo();
            return Err(e);
        }
    };
    if let Err(e) = target.create() {
        target.undo();
        return Err(refused_dir(e));
    }
    let Some(held) = target.lock() else {
        return Err(UserError(StoreError::InUse(db.to_string()).localize(t)));
    };
    let mut aside = None;
    let opened = match SledStore::open_locked(dir, held) {
        // A damaged database is what --force is for: it is moved aside, not deleted.
        Err(StoreError::Damaged { .. }) if force => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S").to_string();
            let set = SledStore::set_aside(dir, held, &stamp).map_err(|e| UserError(e.localize(t)))?;
            let opened = SledStore::open_locked(dir, held);
            match opened {
                Ok(_) => aside = Some(set),
                Err(_) => {
                    if let Err(e) = set.put_back() {
                        tracing::error!("could not put the damaged database back: {e}");
                    }
                }
            }
            opened
        }
        other => other,
    };
    let store: Opened = match opened {
        Ok(store) => Box::new(store),
        Err(e) => {
            // In use (by a program that does not take the directory's lock): what
            // is there belongs to it.
            if !matches!(e, StoreError::InUse(_)) {
                target.undo();
            }
            return Err(UserError(e.localize(t)));
        }
    };
    say_warnings(t);
    if let Err(e) = dump.load(store.as_ref(), force) {
        drop(store);
        if let Some(set) = aside
            && let Err(e) = set.put_back()
        {
            tracing::error!("could not put the damaged database back: {e}");
        }
        target.undo();
        return Err(refused(e, db, source, t, None));
    }
    Ok((store, dump, aside))
}
