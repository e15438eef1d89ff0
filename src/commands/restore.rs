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
use crate::store::{Dump, Location, RestoreError, StoreError};
use std::path::Path;

pub fn restore(
    db: &Location,
    file: &Path,
    force: bool,
    config: &Config,
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    let source = file.display().to_string();
    // Read and checked in full (the format, what ocsae never writes, the forms'
    // rules) before the directory, or anything in it, is made.
    let dump = || {
        let dump = io::backup::read(file).map_err(|e| {
            UserError(match &e {
                io::IoError::NotAFile { path } => {
                    t.f(Msg::err_restore_not_a_file, &[("path", &path.display())])
                }
                _ => e.localize(t),
            })
        })?;
        let bad =
            |detail: String| UserError(t.f(Msg::err_restore_bad, &[("path", &source), ("detail", &detail)]));
        if db.as_dir().is_some() {
            use crate::store::sled::schema;
            dump.check(schema::BACKUP, schema::OLDEST_BACKUP)
                .map_err(|e| bad(e.localize(t, db)))?;
        }
        super::restore_check::check(&dump, clock.now(), t).map_err(bad)?;
        Ok(with_config_sharing(dump, db, config))
    };
    let store = restore_into(db, dump, &source, force, t)?;
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    summary_cache::refresh(store.as_ref(), tz, &config.local_holidays);
    Ok(())
}

/// `multi_office = true` in the configuration holds for a shared store restored
/// from any backup, as it does for `init`: row-level security is turned on with
/// the records, in the restore's transaction (the office list stays the backup's,
/// or the store's).
fn with_config_sharing(mut dump: Dump, db: &Location, config: &Config) -> Dump {
    if config.multi_office && db.as_dir().is_none() {
        dump.sharing.get_or_insert_with(Default::default).multi_office = true;
    }
    dump
}

/// What a sled store cannot keep of a shared store's backup, said on stderr.
fn say_sharing_dropped(dump: &Dump, db: &Location, t: &I18n) {
    let Some(sharing) = &dump.sharing else {
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
    read: impl FnOnce() -> Outcome<Dump>,
    source: &str,
    force: bool,
    t: &I18n,
) -> Outcome<Opened> {
    let (store, dump, aside) = match db.as_dir() {
        Some(dir) => {
            let (store, dump, aside) = into_dir(dir, db, read, source, force, t)?;
            say_sharing_dropped(&dump, db, t);
            (store, dump, aside)
        }
        None => {
            let dump = read()?;
            let store = crate::store::open(db).map_err(|e| UserError(e.localize(t)))?;
            say_warnings(t);
            store
                .restore(&dump, force)
                .map_err(|e| refused(e, db, source, t))?;
            (store, dump, None)
        }
    };
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::restore_done,
            &[
                ("path", db),
                ("councils", &t.n(Msg::count_councils, dump.municipalities.len())),
                ("certificates", &t.n(Msg::count_requests, dump.certificates.len())),
                ("activities", &t.n(Msg::count_activities, dump.activities.len()))
            ]
        )
    ));
    for line in super::restore_summary::lines(&dump, t) {
        crate::output::out(format_args!("{line}"));
    }
    if let Some(sharing) = dump
        .sharing
        .as_ref()
        .filter(|s| s.multi_office && db.as_dir().is_none())
    {
        let offices = sharing.offices.as_deref().unwrap_or_default();
        crate::output::out(format_args!(
            "{}",
            t.f(
                Msg::restore_multi_office,
                &[("path", db), ("offices", &office_list(offices, t))]
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

/// Why a restore was refused, in words: nothing was written.
fn refused(e: RestoreError, db: &Location, source: &str, t: &I18n) -> UserError {
    UserError(match e {
        RestoreError::NotEmpty => t.f(Msg::err_restore_not_empty, &[("path", db)]),
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
    read: impl FnOnce() -> Outcome<Dump>,
    source: &str,
    force: bool,
    t: &I18n,
) -> Outcome<(Opened, Dump, Option<SetAside>)> {
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
    let dump = match read() {
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
    if let Err(e) = store.restore(&dump, force) {
        drop(store);
        if let Some(set) = aside
            && let Err(e) = set.put_back()
        {
            tracing::error!("could not put the damaged database back: {e}");
        }
        target.undo();
        return Err(refused(e, db, source, t));
    }
    Ok((store, dump, aside))
}
