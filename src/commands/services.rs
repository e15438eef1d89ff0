//! `ocsae services import FILE.toml` and `ocsae services export`: the service
//! catalogue the store keeps, in the `[[services]]` format of both.

use super::{Outcome, open_existing, open_to_read};
use crate::UserError;
use crate::config::Config;
use crate::domain::catalog::services;
use crate::domain::clock::Clock;
use crate::i18n::{I18n, Msg};
use crate::ops::catalogue::{self, File};
use crate::store::Location;
use std::path::Path;

pub fn import(db: &Location, file: &Path, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let bytes = crate::io::input_file::read_bounded(file, config.import_max_mb)
        .map_err(|e| UserError(e.localize(t)))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| UserError(t.f(Msg::svc_not_utf8, &[("path", &file.display())])))?;
    let parsed: File = toml::from_str(&text)
        .map_err(|e| UserError(crate::i18n::system::toml_error(t, &file.display(), &text, &e)))?;
    let store = open_existing(db, t)?;
    let stored = !crate::app::data::stored_catalogue(store.as_ref())
        .map_err(|e| UserError(e.localize(t)))?
        .is_empty();
    let change = catalogue::apply_file(services(), stored, &parsed).map_err(|e| UserError(e.localize(t)))?;
    let Some(change) = change else {
        crate::output::out(format_args!("{}", t.t(Msg::svc_unchanged)));
        return Ok(());
    };
    let before: Vec<String> = services().iter().map(|s| s.id.clone()).collect();
    store
        .apply(change, clock.now())
        .map_err(|e| UserError(e.localize(t)))?;
    let list = crate::app::data::stored_catalogue(store.as_ref()).map_err(|e| UserError(e.localize(t)))?;
    crate::domain::catalog::use_catalogue(list);
    let added = services().iter().filter(|s| !before.contains(&s.id)).count();
    let retired = services().iter().filter(|s| s.retired).count();
    let shown = services().len() - retired;
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::svc_imported,
            &[
                ("added", &t.n(Msg::svc_count_added, added)),
                ("retired", &t.n(Msg::svc_count_retired, retired)),
                ("shown", &t.n(Msg::svc_count_columns, shown)),
            ]
        )
    ));
    Ok(())
}

pub fn export(db: &Location, output: Option<&Path>, t: &I18n) -> Outcome {
    let store = open_to_read(db, t)?;
    let text = toml::to_string(&catalogue::to_file(services())).map_err(|e| UserError(e.to_string()))?;
    crate::io::output::write_output(output, text.as_bytes(), db.as_dir())
        .map_err(|e| UserError(e.localize(t)))?;
    drop(store);
    Ok(())
}
