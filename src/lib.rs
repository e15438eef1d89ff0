//! ocsae: a terminal dashboard for an Oficina Comarcal de Suport a l'Administració Electrònica.

pub mod app;
pub mod assets;
pub mod cli;
pub mod cli_i18n;
mod commands;
pub mod config;
pub mod domain;
pub mod event;
pub mod i18n;
pub mod io;
pub mod keymap;
pub mod layout;
pub mod logging;
pub mod memoria;
pub mod memory;
pub mod ops;
pub mod output;
pub mod panics;
pub mod popups;
pub mod store;
pub mod tabs;
pub mod theme;
pub mod tui;
pub mod views;
pub mod widgets;

use cli::{Cli, Command};
use config::{Config, Paths};
use domain::clock::{Clock, SystemClock};
use i18n::{I18n, Lang, Msg};
use std::process::ExitCode;
use std::sync::Arc;

/// An error to show the user: one clear sentence, no backtrace. `usage`: the
/// command line asked for something that is not there (exit status 2), rather
/// than the program refusing what was asked (1).
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub usage: bool,
}

/// A refusal (exit status 1): `UserError(text)`.
#[allow(non_snake_case)]
pub fn UserError(message: String) -> UserError {
    UserError {
        message,
        usage: false,
    }
}

impl UserError {
    /// The command line names something that is not there (exit status 2).
    pub fn usage(message: String) -> UserError {
        UserError { message, usage: true }
    }

    pub fn exit_code(&self) -> u8 {
        if self.usage { 2 } else { 1 }
    }
}

/// Reads the command line in the interface language; an error or `--help`
/// is printed here, with the status to exit with.
fn parse_command_line(paths: Option<&Paths>, env_lang: Option<Lang>) -> Result<Cli, u8> {
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli_i18n::language(&args, env_lang, paths.map(|p| p.config_file.as_path()));
    let t = I18n::new(lang);
    let parsed = cli_i18n::command(&t)
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    parsed.map_err(|e| {
        let printed = cli_i18n::render(&e, &t);
        match printed.to_stderr {
            true => crate::output::err(format_args!("{}", printed.text.trim_end())),
            false => crate::output::out(format_args!("{}", printed.text.trim_end())),
        }
        printed.code
    })
}

/// Runs the program; `main` only calls this.
pub fn run() -> ExitCode {
    memory::tune_allocator();
    panics::install_hook();
    let paths = Paths::discover();
    let env_lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| Lang::from_locale(&v));
    let cli = match parse_command_line(paths.as_ref(), env_lang) {
        Ok(cli) => cli,
        Err(code) => return ExitCode::from(code),
    };
    if let Some(state) = paths.as_ref().map(|p| p.state_dir.clone()) {
        // The log is private like the store: it names councils and people.
        store::private_umask();
        if let Some(file) = logging::init(&state, &cli.log_level) {
            panics::set_log_file(file);
        }
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "ocsae starts");
    let user_config = cli
        .config
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.config_file.clone()));
    // A file named with --config must be there; the default ones are optional.
    // The system's file (the office's settings) is read first, the user's over it.
    let system_config = config::system_config_file();
    let loaded = match (&cli.config, user_config.as_deref()) {
        (Some(path), _) if !path.exists() => Err(config::ConfigError {
            path: path.clone(),
            problem: config::ConfigProblem::Io(std::io::ErrorKind::NotFound.into()),
        }),
        (_, Some(user)) => Config::load_layers(&[&system_config, user]),
        (_, None) => Config::load_layers(&[&system_config]),
    };
    let mut config = match loaded {
        Ok(config) => config,
        Err(e) => {
            let t = I18n::new(cli.lang.or(env_lang).unwrap_or_default());
            let detail = e.localize(&t);
            crate::output::err(format_args!(
                "ocsae: {}",
                t.f(Msg::err_config, &[("detail", &detail)])
            ));
            return ExitCode::from(1);
        }
    };
    let lang = cli.lang.or(config.language).or(env_lang).unwrap_or_default();
    let t = I18n::new(lang);
    // A bad key binding is a configuration mistake for every command, not only the dashboard.
    if let Err(e) = keymap::Keymap::new(&config.keys) {
        let detail = e.localize(&t);
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::err_config, &[("detail", &detail)])
        ));
        return ExitCode::from(1);
    }
    let Some(db) = store_location(&cli, &config, paths.as_ref()) else {
        crate::output::err(format_args!("ocsae: {}", t.t(Msg::err_no_home)));
        return ExitCode::from(1);
    };
    // A password on the command line shows in `ps` to every user of the machine,
    // whatever this process does with it afterwards: said once, before anything.
    let migrate = match &cli.command {
        Some(Command::Migrate { from, to, .. }) => vec![from.as_str(), to.as_str()],
        _ => Vec::new(),
    };
    let given = [cli.store.as_deref(), cli.db.as_deref().and_then(|d| d.to_str())];
    if given
        .into_iter()
        .flatten()
        .chain(migrate)
        .any(|text| store::Location::parse(text).has_password())
    {
        crate::output::err(format_args!("ocsae: {}", t.t(Msg::warn_password_in_argv)));
    }
    // A shared store keeps the settings its technicians share (local holidays);
    // the dashboard reads them from the store it opens.
    if !matches!(
        cli.command,
        None | Some(Command::Init { .. } | Command::Migrate { .. })
    ) && let Ok(Some(shared)) = store::shared_settings(&db)
        && !shared.local_holidays.is_empty()
    {
        config.local_holidays = shared.local_holidays;
    }
    let clock: Arc<dyn Clock> = match std::env::var("OCSAE_NOW").ok().filter(|v| !v.is_empty()) {
        Some(text) => match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(at) => Arc::new(domain::clock::ShiftedClock::starting_at(
                at.with_timezone(&chrono::Utc),
            )),
            Err(_) => {
                crate::output::err(format_args!(
                    "ocsae: {}",
                    t.f(Msg::err_bad_time, &[("field", &"OCSAE_NOW"), ("value", &text)])
                ));
                return ExitCode::from(1);
            }
        },
        None => Arc::new(SystemClock),
    };
    // A lock wait the shared store cannot use is said before anything is opened.
    if db.as_dir().is_none()
        && let Err(value) = store::postgres::lock_wait_setting()
    {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::err_lock_wait, &[("value", &value)])
        ));
        return ExitCode::from(1);
    }
    let changes_store = matches!(
        cli.command,
        Some(
            Command::Init { .. }
                | Command::Import { .. }
                | Command::Restore { .. }
                | Command::Cert { .. }
                | Command::Migrate { .. }
                | Command::Activity { .. }
                | Command::Training { .. }
                | Command::Operator {
                    command: cli::OperatorCommand::Add { .. } | cli::OperatorCommand::Remove { .. }
                }
                | Command::Services {
                    command: cli::ServicesCommand::Import { .. }
                }
        )
    );
    if cli.read_only && changes_store {
        // Two arguments that do not go together: a usage error.
        crate::output::err(format_args!("ocsae: {}", t.t(Msg::err_read_only_command)));
        return ExitCode::from(2);
    }
    let result = match cli.command {
        None => commands::dashboard(&db, config, lang, &t, clock, cli.read_only),
        Some(Command::Init { comarca }) => commands::init(
            &db,
            comarca.as_deref().unwrap_or(&config.comarca),
            &config,
            &t,
            clock.as_ref(),
        )
        .map(|()| 0),
        Some(Command::Export { what, format, output }) => {
            commands::export(&db, what, format, output.as_deref(), &config, &t).map(|()| 0)
        }
        Some(Command::Cert {
            command:
                cli::CertCommand::Add {
                    municipality,
                    holder,
                    role,
                    cert_type,
                    operation,
                    urgent,
                    reason,
                    received,
                    revokes,
                    revocation_reason,
                },
        }) => {
            let args = commands::cert::NewCert {
                revokes: revokes.as_deref(),
                revocation_reason: revocation_reason.as_deref(),
                municipality: &municipality,
                holder: &holder,
                role: &role,
                cert_type: &cert_type,
                operation: &operation,
                urgent,
                reason: reason.as_deref(),
                received: received.as_deref(),
            };
            commands::cert::add(&db, args, &config, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Activity {
            command:
                cli::ActivityCommand::Add {
                    municipality,
                    kind,
                    summary,
                    direction,
                    contact,
                    service,
                    request,
                    status,
                    received,
                    closed_at,
                    minutes,
                    follow_up,
                    notes,
                },
        }) => {
            let args = commands::activity::NewActivity {
                municipality: &municipality,
                kind: &kind,
                summary: &summary,
                direction: &direction,
                contact: contact.as_deref(),
                service: service.as_deref(),
                request: request.as_deref(),
                status: &status,
                received: received.as_deref(),
                closed_at: closed_at.as_deref(),
                minutes: minutes.as_deref(),
                follow_up: follow_up.as_deref(),
                notes: notes.as_deref(),
            };
            commands::activity::add(&db, args, &config, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Activity {
            command: cli::ActivityCommand::Close { id, notes },
        }) => commands::activity::close(&db, &id, notes.as_deref(), &t, clock.as_ref()).map(|()| 0),
        Some(Command::Services { command }) => match command {
            cli::ServicesCommand::Import { file } => {
                commands::services::import(&db, &file, &config, &t, clock.as_ref())
            }
            cli::ServicesCommand::Export { output } => commands::services::export(&db, output.as_deref(), &t),
        }
        .map(|()| 0),
        Some(Command::Operator { command }) => match command {
            cli::OperatorCommand::Add { name, card_issued } => {
                commands::operator::add(&db, &name, &card_issued, &config, &t, clock.as_ref())
            }
            cli::OperatorCommand::List => commands::operator::list(&db, &config, &t, clock.as_ref()),
            cli::OperatorCommand::Remove { name } => {
                commands::operator::remove(&db, &name, &t, clock.as_ref())
            }
        }
        .map(|()| 0),
        Some(Command::Training {
            command:
                cli::TrainingCommand::Add {
                    date,
                    service,
                    councils,
                    hours,
                    summary,
                },
        }) => {
            let args = commands::activity::NewTraining {
                date: &date,
                service: &service,
                councils: &councils,
                hours: &hours,
                summary: summary.as_deref(),
            };
            commands::activity::training(&db, args, &config, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Report { format, output }) => {
            commands::report(&db, format, output.as_deref(), &config, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Memoria {
            year,
            from,
            to,
            format,
            output,
        }) => {
            let period = commands::memoria::Given {
                year,
                from: from.as_deref(),
                to: to.as_deref(),
            };
            commands::memoria::run(&db, period, format, output.as_deref(), &config, &t).map(|()| 0)
        }
        Some(Command::Backup { file }) => {
            commands::backup(&db, &file, &config.local_holidays, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Restore {
            file,
            force,
            accept_offices,
        }) => {
            let consent = commands::Consent {
                force,
                accept_offices,
            };
            commands::restore(&db, &file, consent, &config, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Import { what, file }) => {
            commands::import(&db, what, &file, &config, &t, clock.as_ref()).map(|()| 0)
        }
        Some(Command::Migrate {
            from,
            to,
            force,
            accept_offices,
        }) => commands::migrate::run(
            &store::Location::parse(&from),
            &store::Location::parse(&to),
            commands::Consent {
                force,
                accept_offices,
            },
            &config,
            &t,
            clock.as_ref(),
        )
        .map(|()| 0),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            crate::output::err(format_args!("ocsae: {}", e.message));
            e.exit_code()
        }
    };
    // A store whose database could not be closed: whatever the command said, the
    // person must know, and this process ends now (it holds the database's files).
    let stalled = store::stalled();
    for place in &stalled {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::err_store_stalled_exit, &[("path", place)])
        ));
    }
    match stalled.is_empty() {
        true => ExitCode::from(code),
        false => ExitCode::from(1),
    }
}

/// Where the store is: `--store`, then `--db DIR`, then `OCSAE_STORE`, then the
/// config's `store`, then the user's data directory. None without a home.
fn store_location(cli: &Cli, config: &Config, paths: Option<&Paths>) -> Option<store::Location> {
    if let Some(text) = &cli.store {
        return Some(store::Location::parse(text));
    }
    if let Some(db) = &cli.db {
        return Some(match db.to_str() {
            Some(text) => store::Location::parse(text),
            None => store::Location::dir(db),
        });
    }
    let from_env = std::env::var("OCSAE_STORE").ok().filter(|v| !v.is_empty());
    if let Some(text) = from_env.or_else(|| config.store.clone()) {
        return Some(store::Location::parse(&text));
    }
    paths.map(|p| store::Location::dir(&p.data_dir))
}
