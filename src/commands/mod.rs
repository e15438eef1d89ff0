//! What each subcommand does, once the command line is read.

pub mod activity;
pub mod cert;
pub mod memoria;
pub mod migrate;
mod migrate_check;
pub mod operator;
mod restore;
mod restore_check;
mod restore_dir;
mod restore_summary;
pub mod revocation;
mod rollout_import;
pub mod services;

pub use restore::Consent;
pub use restore::restore;
pub(crate) use restore::restore_into;

use crate::UserError;
use crate::app::summary_cache;
use crate::cli::{ExportWhat, ImportWhat};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::{I18n, Lang, Msg};
use crate::io::{self, Format};
use crate::store::seed::{Scope, resolve_scope, seed};
use crate::store::{Kind, Location, Store, StoreError};
use crate::{app, keymap, theme, tui};
use std::path::Path;
use std::sync::Arc;

pub type Outcome<T = ()> = Result<T, UserError>;

/// The comarca named, loosely; one that names none, or several, is a usage error.
fn scope_or_error(name: &str, t: &I18n) -> Outcome<Scope> {
    resolve_scope(name).map_err(|e| {
        let msg = match e.ambiguous {
            true => Msg::err_ambiguous_comarca,
            false => Msg::err_unknown_comarca,
        };
        UserError::usage(t.f(msg, &[("name", &e.given), ("closest", &e.closest.join(", "))]))
    })
}

type Opened = Box<dyn Store>;

fn open_store(db: &Location, t: &I18n) -> Outcome<Opened> {
    let store = crate::store::open(db).map_err(|e| UserError(e.localize(t)))?;
    use_catalogue(store.as_ref(), t)?;
    say_warnings(t);
    Ok(store)
}

/// The store's service catalogue becomes the one every command reads.
fn use_catalogue(store: &dyn crate::store::Store, t: &I18n) -> Outcome {
    let list = crate::app::data::stored_catalogue(store).map_err(|e| UserError(e.localize(t)))?;
    crate::domain::catalog::use_catalogue(list);
    Ok(())
}

/// What opening a store found worth saying, on stderr (before any screen).
fn say_warnings(t: &I18n) {
    for warning in crate::store::take_warnings() {
        crate::output::err(format_args!("ocsae: {}", warning.localize(t)));
    }
}

fn no_store(db: &Location, t: &I18n) -> UserError {
    match db {
        // A database is set up by its administrator, not by the first user.
        Location::Postgres(_) => UserError(StoreError::NoSchema(db.to_string()).localize(t)),
        // There, but not this user's to look into: "no store" would mislead.
        Location::Sled(dir) => match std::fs::read_dir(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                UserError(crate::i18n::system::io_error(t, &dir.display(), &e))
            }
            _ => UserError(t.f(Msg::err_no_store, &[("path", db)])),
        },
    }
}

/// An output file is checked before the store is opened: a refused one (inside
/// the store, not a regular file) leaves the store untouched, not even opened.
pub(crate) fn check_output(output: Option<&Path>, db: &Location, t: &I18n) -> Outcome {
    match output {
        Some(path) => io::output::check_target(path, db.as_dir()).map_err(|e| UserError(e.localize(t))),
        None => Ok(()),
    }
}

/// Opens an existing store to read it only: on a full disk, a copy may be read.
pub(crate) fn open_to_read(db: &Location, t: &I18n) -> Outcome<Opened> {
    open_existing_with(db, t, crate::store::open_to_read)
}

/// As `open_to_read`, for the `--read-only` dashboard (see `store::open_to_look`).
fn open_to_look(db: &Location, t: &I18n) -> Outcome<Opened> {
    open_existing_with(db, t, crate::store::open_to_look)
}

fn open_existing_with(
    db: &Location,
    t: &I18n,
    open: fn(&Location) -> crate::store::Result<Opened>,
) -> Outcome<Opened> {
    if !crate::store::exists(db) {
        return Err(no_store(db, t));
    }
    let store = open(db).map_err(|e| UserError(e.localize(t)))?;
    use_catalogue(store.as_ref(), t)?;
    say_warnings(t);
    Ok(store)
}

/// Opens an existing store; a missing one is an error rather than an empty new one.
pub(crate) fn open_existing(db: &Location, t: &I18n) -> Outcome<Opened> {
    if !crate::store::exists(db) {
        return Err(no_store(db, t));
    }
    open_store(db, t)
}

/// A store is made only in a new or empty directory, never among someone's files
/// (`--db .` in a working directory): the check `restore` makes.
fn refuse_foreign_dir(db: &Location, t: &I18n) -> Outcome {
    let Some(dir) = db.as_dir() else {
        return Ok(());
    };
    match restore_dir::RestoreDir::check(dir) {
        Err(restore_dir::Refused::NotAStore) => Err(UserError(t.f(Msg::err_not_store_dir, &[("path", db)]))),
        // Anything else is for opening the store to say.
        _ => Ok(()),
    }
}

pub fn init(db: &Location, comarca: &str, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let scope = scope_or_error(comarca, t)?;
    refuse_foreign_dir(db, t)?;
    let store = match crate::store::open(db) {
        // This user could not create it: say why, not only who must.
        Err(StoreError::NoSchema(_)) => {
            return Err(UserError(t.f(Msg::err_init_not_allowed, &[("path", db)])));
        }
        Err(e) => return Err(UserError(e.localize(t))),
        Ok(store) => store,
    };
    use_catalogue(store.as_ref(), t)?;
    say_warnings(t);
    let count = seed(store.as_ref(), &scope, clock.now()).map_err(|e| UserError(e.localize(t)))?;
    share_settings(store.as_ref(), config, t)?;
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    summary_cache::refresh(store.as_ref(), tz, &config.local_holidays);
    // The comarca by its name: what a loosely typed one was taken for.
    let comarca = match &scope {
        Scope::Comarca(name) => name.clone(),
        Scope::All => t.t(Msg::scope_all).to_string(),
    };
    crate::output::out(format_args!(
        "{}",
        t.nf(Msg::init_done, count, &[("path", db), ("comarca", &comarca)])
    ));
    Ok(())
}

/// A shared store keeps what its technicians must agree on: the local holidays
/// of the administrator's config, and whether several offices share it.
pub(crate) fn share_settings(store: &dyn Store, config: &Config, t: &I18n) -> Outcome {
    let settings = crate::store::SharedSettings {
        local_holidays: config.local_holidays.clone(),
        multi_office: config.multi_office,
    };
    store
        .share_settings(&settings)
        .map_err(|e| UserError(e.localize(t)))
}

pub fn export(
    db: &Location,
    what: ExportWhat,
    format: Format,
    output: Option<&Path>,
    config: &Config,
    t: &I18n,
) -> Outcome {
    check_output(output, db, t)?;
    let store = open_to_read(db, t)?;
    let fail = |e: io::IoError| UserError(e.localize(t));
    let stored = |e: StoreError| UserError(e.localize(t));
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    let councils = store.municipalities().map_err(stored)?;
    let authors = |kind| store.authors(kind).map_err(stored);
    let bytes = match what {
        ExportWhat::Municipalities => {
            let authors = authors(Kind::Municipality)?;
            io::export::municipalities(&councils, &authors, format).map_err(fail)?
        }
        ExportWhat::Rollout => {
            let rollouts = store.rollouts().map_err(stored)?;
            let authors = authors(Kind::Rollout)?;
            io::export::rollout(&councils, &rollouts, &authors, tz, format).map_err(fail)?
        }
        ExportWhat::Certificates => {
            let list = store.certificates().map_err(stored)?;
            let authors = authors(Kind::Certificate)?;
            let calendar = crate::domain::calendar::Calendar::catalan(&config.local_holidays, tz);
            io::export::certificates(&councils, &list, &authors, &calendar, format).map_err(fail)?
        }
        ExportWhat::Activity => {
            let list = activity_records(store.as_ref()).map_err(stored)?;
            let authors = authors(Kind::Activity)?;
            let calendar = crate::domain::calendar::Calendar::catalan(&config.local_holidays, tz);
            io::activity_export::activities(
                &councils,
                &list,
                &authors,
                &calendar,
                config.response_days,
                format,
            )
            .map_err(fail)?
        }
    };
    io::output::write_output(output, &bytes, db.as_dir()).map_err(fail)
}

/// Every activity, by id.
pub(crate) fn activity_records(
    store: &dyn Store,
) -> crate::store::Result<Vec<crate::domain::activity::Activity>> {
    use crate::store::Record;
    let mut list = Vec::new();
    for record in store.records(Kind::Activity)? {
        if let Record::Activity(a) = record? {
            list.push(a);
        }
    }
    Ok(list)
}

pub fn import(
    db: &Location,
    what: ImportWhat,
    file: &Path,
    config: &Config,
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    if !crate::store::exists(db) {
        return Err(no_store(db, t));
    }
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    let fail = |e: io::IoError| UserError(e.localize(t));
    // The first pass needs no store: a file that cannot be imported (a FIFO, a huge
    // file, a bad row) never holds the store's lock. Each pass reads the file a row
    // at a time; the second checks every row again and that the file is the same.
    let what = match what {
        ImportWhat::Contacts => io::import::What::Contacts,
        ImportWhat::Certificates => io::import::What::Certificates,
        ImportWhat::Activity => io::import::What::Activity,
        // A small file of statuses, read whole: its own two passes.
        ImportWhat::Rollout => return rollout_import::run(db, file, config, t, clock),
    };
    let mut source = io::csv_input::CsvFile::open(file, config.import_max_mb).map_err(fail)?;
    let checked = io::import::check(what, &mut source, tz, clock.now());
    // Memory is the cost of a large import: each pass keeps a row at a time.
    let peak_kb = crate::logging::peak_rss_kb();
    tracing::info!(peak_kb, passed = checked.is_ok(), "import checked");
    checked.map_err(fail)?;
    let store = open_existing(db, t)?;
    let before = store.last_seq().unwrap_or(0);
    let done = io::import::apply(store.as_ref(), what, &mut source, tz, clock.now(), clock.now());
    let peak_kb = crate::logging::peak_rss_kb();
    tracing::info!(peak_kb, saved = done.is_ok(), "import applied");
    let done = done.map_err(fail)?;
    if done.cleaned > 0 {
        crate::output::err(format_args!("ocsae: {}", t.n(Msg::import_cleaned, done.cleaned)));
    }
    if done.was_latin {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::read_as_latin, &[("path", &file.display())])
        ));
    }
    // Closing and opening again lets sled settle the large write now, rather
    // than on the dashboard's next start. The import is saved whatever this says:
    // a store that will not open now (a disk that filled since) only keeps its
    // summary for later.
    drop(store);
    match open_existing(db, t) {
        Ok(store) => {
            tracing::debug!("reopened");
            let calendar = crate::domain::calendar::Calendar::catalan(&config.local_holidays, tz);
            let added: Vec<_> = done
                .created
                .iter()
                .map(|(&ine, c)| summary_cache::NewRequest::imported(ine, c, &calendar))
                .collect();
            summary_cache::after_change(store.as_ref(), before, &added, tz, &config.local_holidays);
            tracing::debug!("summary brought up to date");
        }
        Err(e) => {
            tracing::warn!("imported, but the store did not open again: {}", e.message);
            crate::output::err(format_args!("ocsae: {}", e.message));
        }
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

pub fn report(
    db: &Location,
    format: crate::cli::ReportFormat,
    output: Option<&Path>,
    config: &Config,
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    check_output(output, db, t)?;
    let store = open_to_read(db, t)?;
    let stored = |e: StoreError| UserError(e.localize(t));
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    let calendar = crate::domain::calendar::Calendar::catalan(&config.local_holidays, tz);
    let (councils, rollouts, certificates) = (
        store.municipalities().map_err(stored)?,
        store.rollouts().map_err(stored)?,
        store.certificates().map_err(stored)?,
    );
    let activities = activity_records(store.as_ref()).map_err(stored)?;
    let input = io::report::ReportInput {
        councils: &councils,
        rollouts: &rollouts,
        certificates: &certificates,
        activities: &activities,
        response_days: config.response_days,
        calendar: &calendar,
        now: clock.now(),
    };
    let format = match format {
        crate::cli::ReportFormat::Text => io::report::ReportFormat::Text,
        crate::cli::ReportFormat::Md => io::report::ReportFormat::Markdown,
    };
    // Names and notes come from people: nothing in them may drive a terminal.
    let text = io::report::render(&input, t, format);
    let text = crate::domain::text::clean_multiline(&text);
    io::output::write_output(output, text.as_bytes(), db.as_dir()).map_err(|e| UserError(e.localize(t)))
}

/// `holidays`: the configuration's, which a sled store's backup carries.
pub fn backup(
    db: &Location,
    file: &Path,
    holidays: &[chrono::NaiveDate],
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    check_output(Some(file), db, t)?;
    let store = open_to_read(db, t)?;
    // Read back as a restore reads it before it replaces the one there: a record
    // written by hand in a shared store (a receipt in 2099, a request without a
    // holder) is said now, not on the day the copy is needed.
    let mut unrestorable = None;
    let verify = |written: &Path| {
        let mut rules = restore_check::FormRules { now: clock.now(), t };
        match io::backup::BackupFile::check(written, None, Some(&mut rules)) {
            Err(io::backup::Unreadable::Refused(e)) => {
                unrestorable = Some(e.localize(t, db));
                Err(io::IoError::Changed { path: file.into() })
            }
            _ => Ok(()),
        }
    };
    let counts = io::backup::backup(store.as_ref(), db.as_dir(), file, clock.now(), holidays, verify)
        .map_err(|e| match unrestorable.take() {
            Some(detail) => UserError(t.f(Msg::backup_not_restorable, &[("detail", &detail)])),
            None => UserError(e.localize(t)),
        })?;
    // Written to standard output, the backup is alone there.
    let done = match file == Path::new(io::output::STDOUT) {
        true => crate::output::err,
        false => crate::output::out,
    };
    done(format_args!(
        "{}",
        t.f(
            Msg::backup_done,
            &[
                ("path", &file.display()),
                ("councils", &t.n(Msg::count_councils, counts.municipalities)),
                ("certificates", &t.n(Msg::count_requests, counts.certificates)),
                ("activities", &t.n(Msg::count_activities, counts.activities)),
                ("history", &t.n(Msg::count_history, counts.history)),
            ]
        )
    ));
    Ok(())
}

/// Opens the store for the dashboard, which may change it. A refusal is logged;
/// one for want of room says how to look at the store all the same.
fn open_to_work(db: &Location, t: &I18n) -> Outcome<Opened> {
    match crate::store::open_to_show(db) {
        Ok(store) => {
            say_warnings(t);
            Ok(store)
        }
        Err(e) => Err(refused(db, e, t)),
    }
}

/// What the dashboard says of a store it cannot open.
fn refused(db: &Location, e: StoreError, t: &I18n) -> UserError {
    tracing::error!("the dashboard cannot open {db}: {e}");
    match e.disk_full() {
        true => UserError(t.f(Msg::err_dashboard_disk_full, &[("path", db)])),
        false => UserError(e.localize(t)),
    }
}

pub fn dashboard(
    db: &Location,
    mut config: Config,
    lang: Lang,
    t: &I18n,
    clock: Arc<dyn Clock>,
    read_only: bool,
) -> Outcome<u8> {
    // Asked once: for a shared store, it is a connection.
    let present = crate::store::exists(db);
    // Looking only: there must be something to look at; nothing is created.
    if read_only && !present {
        return Err(no_store(db, t));
    }
    // Check the comarca before creating anything, so a typo leaves no empty store behind.
    let first_run = !present;
    let scope = if first_run {
        let scope = scope_or_error(&config.comarca, t)?;
        refuse_foreign_dir(db, t)?;
        Some(scope)
    } else {
        None
    };
    let store: Arc<dyn Store> = match read_only {
        true => open_to_look(db, t)?,
        false => open_to_work(db, t)?,
    }
    .into();
    tracing::debug!("store open");
    let empty = store.is_empty().map_err(|e| UserError(e.localize(t)))?;
    if let Some(scope) = scope.filter(|_| empty) {
        seed(store.as_ref(), &scope, clock.now()).map_err(|e| UserError(e.localize(t)))?;
    }
    // A shared store keeps the settings its technicians share (local holidays).
    if let Ok(Some(shared)) = store.shared_settings()
        && !shared.local_holidays.is_empty()
    {
        config.local_holidays = shared.local_holidays;
    }
    let keymap = keymap::Keymap::new(&config.keys)
        .map_err(|e| UserError(t.f(Msg::err_config, &[("detail", &e.localize(t))])))?;
    let no_color = std::env::var_os("NO_COLOR").is_some();
    let theme = theme::Theme::pick(config.theme, no_color);
    let mut app = app::App::new_lazy(store.clone(), config, lang, keymap, theme, clock)
        .map_err(|e| UserError(e.localize(t)))?;
    app.read_only = read_only;
    app.store_dir = db.as_dir().map(Path::to_path_buf);
    let code = tui::run(app);
    // A store refused after its first screen says so, whatever the screen did.
    store.opened().map_err(|e| refused(db, e, t))?;
    let code = code.map_err(|e| UserError(t.f(Msg::err_terminal, &[("detail", &e)])))?;
    Ok(code.clamp(0, 255) as u8)
}
