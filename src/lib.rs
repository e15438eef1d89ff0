//! ocsae: a terminal dashboard for an Oficina Comarcal de Suport a l'Administració Electrònica.

pub mod app;
pub mod assets;
pub mod cli;
pub mod config;
pub mod domain;
pub mod event;
pub mod i18n;
pub mod keymap;
pub mod store;
pub mod theme;
pub mod tui;
pub mod views;

use clap::Parser;
use cli::{Cli, Command};
use config::{Config, Paths};
use domain::clock::{Clock, SystemClock};
use i18n::{I18n, Lang, Msg};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use store::Store;
use store::seed::{Scope, resolve_scope, seed};

/// An error to show the user: one clear sentence, no backtrace.
#[derive(Debug)]
pub struct UserError(pub String);

type Outcome<T = ()> = Result<T, UserError>;

/// Runs the program; `main` only calls this.
pub fn run() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    let paths = Paths::discover();
    let config_path = cli
        .config
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.config_file.clone()));
    let env_lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| Lang::from_locale(&v));
    let config = match config_path.as_deref().map(Config::load).transpose() {
        Ok(config) => config.unwrap_or_default(),
        Err(e) => {
            let t = I18n::new(cli.lang.or(env_lang).unwrap_or_default());
            eprintln!("ocsae: {}", t.f(Msg::err_config, &[("detail", &e)]));
            return ExitCode::from(1);
        }
    };
    let lang = cli.lang.or(config.language).or(env_lang).unwrap_or_default();
    let t = I18n::new(lang);
    let Some(db) = cli
        .db
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.data_dir.clone()))
    else {
        eprintln!("ocsae: {}", t.t(Msg::err_no_home));
        return ExitCode::from(1);
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let result = match cli.command {
        None => dashboard(&db, config, lang, &t, clock),
        Some(Command::Init { comarca }) => init(
            &db,
            comarca.as_deref().unwrap_or(&config.comarca),
            &t,
            clock.as_ref(),
        )
        .map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(UserError(message)) => {
            eprintln!("ocsae: {message}");
            ExitCode::from(1)
        }
    }
}

fn scope_or_error(name: &str, t: &I18n) -> Outcome<Scope> {
    resolve_scope(name).map_err(|e| {
        UserError(t.f(
            Msg::err_unknown_comarca,
            &[("name", &e.given), ("closest", &e.closest.join(", "))],
        ))
    })
}

fn open_store(db: &Path, t: &I18n) -> Outcome<Store> {
    Store::open(db).map_err(|e| UserError(e.localize(t)))
}

fn init(db: &Path, comarca: &str, t: &I18n, clock: &dyn Clock) -> Outcome {
    let scope = scope_or_error(comarca, t)?;
    let store = open_store(db, t)?;
    let count = seed(&store, &scope, clock.now()).map_err(|e| UserError(e.localize(t)))?;
    println!(
        "{}",
        t.f(Msg::init_done, &[("n", &count), ("path", &db.display())])
    );
    Ok(())
}

fn dashboard(db: &Path, config: Config, lang: Lang, t: &I18n, clock: Arc<dyn Clock>) -> Outcome<u8> {
    // Check the comarca before creating anything, so a typo leaves no empty store behind.
    let first_run = !Store::exists(db);
    let scope = if first_run {
        Some(scope_or_error(&config.comarca, t)?)
    } else {
        None
    };
    let store = open_store(db, t)?;
    if let Some(scope) = scope.filter(|_| store.is_empty()) {
        seed(&store, &scope, clock.now()).map_err(|e| UserError(e.localize(t)))?;
    }
    let keymap =
        keymap::Keymap::new(&config.keys).map_err(|e| UserError(t.f(Msg::err_config, &[("detail", &e)])))?;
    let no_color = std::env::var_os("NO_COLOR").is_some();
    let theme = theme::Theme::pick(config.theme, no_color);
    let app =
        app::App::new(store, config, lang, keymap, theme, clock).map_err(|e| UserError(e.localize(t)))?;
    let code = tui::run(app).map_err(|e| UserError(t.f(Msg::err_terminal, &[("detail", &e)])))?;
    Ok(code.clamp(0, 255) as u8)
}

/// Panics restore the terminal first, then print color-eyre's report.
fn install_panic_hook() {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    let _ = eyre_hook.install();
    std::panic::set_hook(Box::new(move |info| {
        tui::restore();
        eprintln!("{}", panic_hook.panic_report(info));
    }));
}
