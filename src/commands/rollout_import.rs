//! `ocsae import rollout FILE.csv`: the statuses a file gives, checked whole
//! before the store is opened to write, then one change.

use super::{Outcome, open_existing, open_to_read};
use crate::UserError;
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::{I18n, Msg};
use crate::io;
use crate::store::Location;
use std::path::Path;

pub fn run(db: &Location, file: &Path, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let fail = |e: io::IoError| UserError(e.localize(t));
    let table = io::csv_input::read(file, config.import_max_mb).map_err(fail)?;
    // The store's catalogue names the services the file may name.
    drop(open_to_read(db, t)?);
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let checked = io::rollout_import::check(&table, &source).map_err(fail)?;
    let was_latin = table.was_latin;
    drop(table);
    let store = open_existing(db, t)?;
    let done = io::rollout_import::apply(store.as_ref(), checked, clock.now()).map_err(fail)?;
    if done.cleaned > 0 {
        crate::output::err(format_args!("ocsae: {}", t.n(Msg::import_cleaned, done.cleaned)));
    }
    if was_latin {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::read_as_latin, &[("path", &file.display())])
        ));
    }
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::import_done,
            &[("rows", &done.rows), ("records", &done.records)]
        )
    ));
    Ok(())
}
