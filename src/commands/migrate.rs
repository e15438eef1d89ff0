//! `ocsae migrate --from LOCATION --to LOCATION`: a whole store, with its history
//! and each user's undo, copied into a new one through the backup format, then
//! read back and compared, so that every export of the copy is the original's.
//! Neither store is held: the backup streams through a private temporary file.

use super::migrate_check;
use super::{Outcome, open_to_read, restore_into, share_settings};
use crate::UserError;
use crate::app::summary_cache;
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::{I18n, Msg};
use crate::io;
use crate::store::Location;
use std::io::Write;

/// `consent`: as `restore`'s, what the new store holds is replaced (`--force`),
/// an office list that widens what a role reads is taken (`--accept-offices`).
pub fn run(
    from: &Location,
    to: &Location,
    consent: super::Consent,
    config: &Config,
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    let source = match from {
        // Read from a private copy: the source directory is never written, so
        // read access to it is enough.
        Location::Sled(dir) if crate::store::exists(from) => {
            let store = crate::store::sled::SledStore::open_copy_to_read(dir)
                .map_err(|e| UserError(e.localize(t)))?;
            super::use_catalogue(&store, t)?;
            Box::new(store) as Box<dyn crate::store::Store>
        }
        _ => open_to_read(from, t)?,
    };
    // Through the backup format, never held: the source's backup goes to a
    // private temporary file, which a restore then reads twice, as any backup.
    let now = clock.now();
    let store_error = |e: crate::store::StoreError| UserError(e.localize(t));
    let temp_error = |e: std::io::Error| UserError(crate::i18n::system::io_error(t, &"migrate", &e));
    let mut temp = tempfile::Builder::new()
        .prefix("ocsae-migrate-")
        .tempfile()
        .map_err(temp_error)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, temp.as_file_mut());
        // A sled store's holidays are its configuration's: they go with it.
        source
            .write_backup_with(now, &mut out, &config.local_holidays)
            .map_err(store_error)?;
        out.flush().map_err(temp_error)?;
    }
    drop(source);
    let from_name = from.to_string();
    let expected = migrate_check::of_backup(temp.reopen().map_err(temp_error)?).map_err(store_error)?;
    let read = || {
        use crate::store::sled::schema;
        let schemas = Some((schema::BACKUP, schema::OLDEST_BACKUP));
        match io::backup::BackupFile::check(temp.path(), schemas, None) {
            Ok(file) => Ok(super::restore::Source::File(file)),
            Err(io::backup::Unreadable::File(e)) => Err(UserError(e.localize(t))),
            Err(io::backup::Unreadable::Refused(e)) => Err(UserError(t.f(
                Msg::err_restore_bad,
                &[("path", &from_name), ("detail", &e.localize(t, to))],
            ))),
        }
    };
    let store = restore_into(to, read, &from_name, consent, t)?;
    share_settings(store.as_ref(), config, t)?;
    let copied = migrate_check::of_store(store.as_ref(), now).map_err(store_error)?;
    if let Some(detail) = expected.difference(&copied) {
        return Err(UserError(t.f(
            Msg::migrate_differs,
            &[("from", from), ("to", to), ("detail", &detail)],
        )));
    }
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    summary_cache::refresh(store.as_ref(), tz, &config.local_holidays);
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::migrate_done,
            &[
                ("from", from),
                ("to", to),
                (
                    "councils",
                    &t.n(Msg::count_councils, copied.count("municipalities"))
                ),
                (
                    "certificates",
                    &t.n(Msg::count_requests, copied.count("certificates"))
                ),
                (
                    "activities",
                    &t.n(Msg::count_activities, copied.count("activities"))
                ),
                ("history", &t.n(Msg::count_history, copied.count("history"))),
            ]
        )
    ));
    Ok(())
}
