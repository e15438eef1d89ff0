//! `ocsae migrate --from LOCATION --to LOCATION`: a whole store, with its history
//! and each user's undo, copied into a new one through the backup format, then
//! read back and compared, so that every export of the copy is the original's.

use super::{Outcome, open_to_read, restore_into, share_settings};
use crate::UserError;
use crate::app::summary_cache;
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::{I18n, Msg};
use crate::store::{Dump, Location};

/// `force`: as `restore --force`, what the new store holds is replaced.
pub fn run(
    from: &Location,
    to: &Location,
    force: bool,
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
    let dump = source.dump(clock.now()).map_err(|e| UserError(e.localize(t)))?;
    drop(source);
    let from_name = from.to_string();
    let expected = dump.clone();
    let store = restore_into(
        to,
        || Ok(super::restore::Source::Dump(dump)),
        &from_name,
        force,
        t,
    )?;
    share_settings(store.as_ref(), config, t)?;
    let copied = store.dump(clock.now()).map_err(|e| UserError(e.localize(t)))?;
    if let Some(detail) = difference(&expected, &copied) {
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
                ("councils", &t.n(Msg::count_councils, copied.municipalities.len())),
                (
                    "certificates",
                    &t.n(Msg::count_requests, copied.certificates.len())
                ),
                ("activities", &t.n(Msg::count_activities, copied.activities.len())),
                ("history", &t.n(Msg::count_history, copied.history.len())),
            ]
        )
    ));
    Ok(())
}

/// What part of the copy differs from the original, if any. The stacks of a store
/// written before undo was per user are each user's in the copy: compared by
/// what `u` does, not by how they are kept.
fn difference(original: &Dump, copy: &Dump) -> Option<String> {
    let checks = [
        ("municipalities", original.municipalities == copy.municipalities),
        ("rollout", original.rollout == copy.rollout),
        ("certificates", original.certificates == copy.certificates),
        ("activities", original.activities == copy.activities),
        ("history", original.history == copy.history),
        (
            "next_certificate_id",
            original.next_certificate_id == copy.next_certificate_id,
        ),
        (
            "next_activity_id",
            original.next_activity_id == copy.next_activity_id,
        ),
        ("next_history_seq", original.next_seq() == copy.next_seq()),
        (
            "stacks",
            !original.undo.is_empty() || !original.redo.is_empty() || original.stacks == copy.stacks,
        ),
    ];
    checks
        .into_iter()
        .find(|(_, same)| !same)
        .map(|(what, _)| what.to_string())
}
