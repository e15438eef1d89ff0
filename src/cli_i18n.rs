//! The command line in the interface language: the language is read before
//! clap parses, `--help` is drawn with our words, and clap's usage errors are
//! said in a sentence of ours, with the usage line and the exit status 2.

use crate::cli::Cli;
use crate::i18n::{I18n, Lang, Msg};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, ValueEnum};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The value given to `--flag` (`--flag VALUE` or `--flag=VALUE`), if any.
fn flag_value(args: &[OsString], flag: &str) -> Option<OsString> {
    let prefix = format!("{flag}=");
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        }
        if text == flag {
            return iter.next().cloned();
        }
        if let Some(value) = text.strip_prefix(&prefix) {
            return Some(value.into());
        }
    }
    None
}

/// The interface language before the command line is parsed, so that its own
/// errors are in it: `--lang`, then the configuration's, then the locale's.
pub fn language(args: &[OsString], env_lang: Option<Lang>, default_config: Option<&Path>) -> Lang {
    let given =
        flag_value(args, "--lang").and_then(|v| v.to_str().and_then(|v| Lang::from_str(v, true).ok()));
    given
        .or_else(|| {
            let path = flag_value(args, "--config").map(PathBuf::from);
            let path = path.as_deref().or(default_config)?;
            // The system's file first, the user's over it, as the program reads them.
            let system = crate::config::system_config_file();
            crate::config::Config::load_layers(&[&system, path])
                .ok()?
                .language
        })
        .or(env_lang)
        .unwrap_or_default()
}

/// What each argument says in `--help`, by subcommand (its path below `ocsae`:
/// `cert add`, `activity add`) and argument id.
fn arg_help(command: &str, arg: &str) -> Option<Msg> {
    Some(match (command, arg) {
        (_, "db") => Msg::cli_db,
        (_, "store") => Msg::cli_store,
        (_, "lang") => Msg::cli_lang,
        (_, "config") => Msg::cli_config,
        (_, "read_only") => Msg::cli_read_only,
        (_, "log_level") => Msg::cli_log_level,
        (_, "help") => Msg::cli_help,
        (_, "version") => Msg::cli_version,
        ("init", "comarca") => Msg::cli_init_comarca,
        ("export", "what") => Msg::cli_export_what,
        ("export", "format") => Msg::cli_export_format,
        ("export" | "report" | "memoria", "output") => Msg::cli_output,
        ("memoria", "year") => Msg::cli_memoria_year,
        ("memoria", "from") => Msg::cli_memoria_from,
        ("memoria", "to") => Msg::cli_memoria_to,
        ("memoria", "format") => Msg::cli_memoria_format,
        ("report", "format") => Msg::cli_report_format,
        ("cert add" | "activity add", "municipality") => Msg::cli_municipality,
        ("cert add", "holder") => Msg::cli_holder,
        ("cert add", "role") => Msg::cli_role,
        ("cert add", "cert_type") => Msg::cli_type,
        ("cert add", "operation") => Msg::cli_operation,
        ("cert add", "urgent") => Msg::cli_urgent,
        ("cert add", "reason") => Msg::cli_reason,
        ("cert add" | "activity add", "received") => Msg::cli_received,
        ("cert add", "revokes") => Msg::cli_revokes,
        ("cert add", "revocation_reason") => Msg::cli_revocation_reason,
        ("activity add", "kind") => Msg::cli_act_kind,
        ("activity add", "summary") => Msg::cli_act_summary,
        ("activity add", "direction") => Msg::cli_act_direction,
        ("activity add", "contact") => Msg::cli_act_contact,
        ("activity add", "service") => Msg::cli_act_service,
        ("activity add", "request") => Msg::cli_act_request,
        ("activity add", "status") => Msg::cli_act_status,
        ("activity add", "closed_at") => Msg::cli_act_closed_at,
        ("activity add", "minutes") => Msg::cli_act_minutes,
        ("activity add", "follow_up") => Msg::cli_act_follow_up,
        ("activity add", "notes") => Msg::cli_act_notes,
        ("activity close", "id") => Msg::cli_act_id,
        ("activity close", "notes") => Msg::cli_act_close_notes,
        ("training add", "date") => Msg::cli_training_date,
        ("training add", "service") => Msg::cli_training_service,
        ("training add", "councils") => Msg::cli_training_councils,
        ("training add", "hours") => Msg::cli_training_hours,
        ("training add", "summary") => Msg::cli_training_summary,
        ("backup", "file") => Msg::cli_backup_file,
        ("restore", "file") => Msg::cli_restore_file,
        ("restore" | "migrate", "force") => Msg::cli_force,
        ("restore" | "migrate", "accept_offices") => Msg::cli_accept_offices,
        ("import", "what") => Msg::cli_import_what,
        ("import", "file") => Msg::cli_import_file,
        ("migrate", "from") => Msg::cli_migrate_from,
        ("migrate", "to") => Msg::cli_migrate_to,
        ("operator add" | "operator remove", "name") => Msg::cli_operator_name,
        ("services import", "file") => Msg::cli_services_file,
        ("services export", "output") => Msg::cli_output,
        ("operator add", "card_issued") => Msg::cli_operator_card_issued,
        _ => return None,
    })
}

/// A subcommand's path below `ocsae`: `cert add`; `ocsae` itself for the top.
fn path(parent: &str, name: &str) -> String {
    match parent {
        "" | "ocsae" => name.to_string(),
        _ => format!("{parent} {name}"),
    }
}

/// What each subcommand says in the list of commands.
fn command_about(command: &str) -> Option<Msg> {
    Some(match command {
        "ocsae" => Msg::cli_about,
        "init" => Msg::cmd_init,
        "export" => Msg::cmd_export,
        "cert" => Msg::cmd_cert,
        "cert add" => Msg::cmd_cert_add,
        "activity" => Msg::cmd_activity,
        "activity add" => Msg::cmd_activity_add,
        "activity close" => Msg::cmd_activity_close,
        "training" => Msg::cmd_training,
        "training add" => Msg::cmd_training_add,
        "report" => Msg::cmd_report,
        "memoria" => Msg::cmd_memoria,
        "backup" => Msg::cmd_backup,
        "restore" => Msg::cmd_restore,
        "import" => Msg::cmd_import,
        "migrate" => Msg::cmd_migrate,
        "operator" => Msg::cmd_operator,
        "services" => Msg::cmd_services,
        "services import" => Msg::cmd_services_import,
        "services export" => Msg::cmd_services_export,
        "operator add" => Msg::cmd_operator_add,
        "operator list" => Msg::cmd_operator_list,
        "operator remove" => Msg::cmd_operator_remove,
        _ => return None,
    })
}

/// A command and its subcommands with our words: headings, abouts, every
/// argument's help (possible values and defaults said in it, not by clap).
fn localize(mut command: Command, t: &I18n, parent: &str) -> Command {
    let name = path(parent, command.get_name());
    let template = format!(
        "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        t.t(Msg::cli_usage)
    );
    command = command
        .help_template(template)
        .subcommand_help_heading(t.t(Msg::cli_commands).to_string())
        .subcommand_value_name(t.t(Msg::cli_command_token).to_string())
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true),
        );
    if name == "ocsae" {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version),
        );
    }
    if let Some(msg) = command_about(&name) {
        command = command.about(t.t(msg).to_string());
    }
    let options = t.t(Msg::cli_options).to_string();
    let arguments = t.t(Msg::cli_arguments).to_string();
    command = command.mut_args(|arg| {
        let heading = if arg.is_positional() { &arguments } else { &options };
        let takes_values = arg.get_action().takes_values();
        let mut arg = arg.help_heading(heading.clone());
        if takes_values {
            arg = arg.hide_possible_values(true).hide_default_value(true);
        }
        match arg_help(&name, arg.get_id().as_str()) {
            Some(msg) => arg.help(t.t(msg).to_string()),
            None => arg,
        }
    });
    command.mut_subcommands(|sub| localize(sub, t, &name))
}

/// The command line, with every word in the interface language.
pub fn command(t: &I18n) -> Command {
    localize(Cli::command(), t, "")
}

/// Clap's own words, where ours go: the usage heading and placeholders.
fn our_words(text: &str, t: &I18n) -> String {
    text.replacen("Usage:", &format!("{}:", t.t(Msg::cli_usage)), 1)
        .replace("[OPTIONS]", t.t(Msg::cli_options_token))
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) => Some(list.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(list) => {
            Some(list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "))
        }
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A usage error in one sentence of ours; None for help and version, which are
/// printed as they are.
fn sentence(e: &clap::Error, t: &I18n) -> Option<String> {
    let get = |kind| context(e, kind).unwrap_or_default();
    // Clap lists the most alike last: that one is said.
    let best = |kind| match e.get(kind)? {
        ContextValue::Strings(list) => list.last().cloned(),
        _ => context(e, kind),
    };
    let suggest = |text: String, kind| match best(kind) {
        Some(s) => format!(
            "{text}; {}",
            t.f(Msg::cli_err_did_you_mean, &[("suggestion", &s)])
        ),
        None => text,
    };
    let text = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return None;
        }
        ErrorKind::UnknownArgument => suggest(
            t.f(
                Msg::cli_err_unknown_argument,
                &[("arg", &get(ContextKind::InvalidArg))],
            ),
            ContextKind::SuggestedArg,
        ),
        ErrorKind::InvalidSubcommand => suggest(
            t.f(
                Msg::cli_err_unknown_command,
                &[("command", &get(ContextKind::InvalidSubcommand))],
            ),
            ContextKind::SuggestedSubcommand,
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
            if context(e, ContextKind::InvalidValue).is_none_or(|v| v.is_empty()) =>
        {
            t.f(
                Msg::cli_err_missing_value,
                &[("arg", &get(ContextKind::InvalidArg))],
            )
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut text = t.f(
                Msg::cli_err_invalid_value,
                &[
                    ("value", &get(ContextKind::InvalidValue)),
                    ("arg", &get(ContextKind::InvalidArg)),
                ],
            );
            if let Some(values) = context(e, ContextKind::ValidValue) {
                text = format!(
                    "{text}; {}",
                    t.f(Msg::cli_err_possible_values, &[("values", &values)])
                );
            }
            text
        }
        ErrorKind::MissingRequiredArgument => {
            t.f(Msg::cli_err_missing, &[("args", &get(ContextKind::InvalidArg))])
        }
        ErrorKind::MissingSubcommand => t.f(
            Msg::cli_err_missing_command,
            &[("commands", &get(ContextKind::ValidSubcommand))],
        ),
        ErrorKind::ArgumentConflict
            if context(e, ContextKind::PriorArg) == context(e, ContextKind::InvalidArg) =>
        {
            t.f(Msg::cli_err_repeated, &[("arg", &get(ContextKind::InvalidArg))])
        }
        ErrorKind::ArgumentConflict => t.f(
            Msg::cli_err_conflict,
            &[
                ("arg", &get(ContextKind::InvalidArg)),
                ("other", &get(ContextKind::PriorArg)),
            ],
        ),
        ErrorKind::TooManyValues
        | ErrorKind::NoEquals
        | ErrorKind::WrongNumberOfValues
        | ErrorKind::TooFewValues => t.f(
            Msg::cli_err_unexpected_value,
            &[
                ("value", &get(ContextKind::InvalidValue)),
                ("arg", &get(ContextKind::InvalidArg)),
            ],
        ),
        ErrorKind::InvalidUtf8 => t.t(Msg::cli_err_not_utf8).to_string(),
        _ => {
            // Anything rarer: clap's own words, inside a sentence of ours.
            let detail = e.render().to_string();
            let first = detail.lines().next().unwrap_or("").trim_start_matches("error: ");
            t.f(Msg::cli_err_other, &[("detail", &first)])
        }
    };
    Some(text)
}

/// What to print for a clap error and where, and the exit status: help and
/// version to standard output with 0, usage errors to standard error with 2.
pub struct Printed {
    pub text: String,
    pub to_stderr: bool,
    pub code: u8,
}

pub fn render(e: &clap::Error, t: &I18n) -> Printed {
    let Some(sentence) = sentence(e, t) else {
        let stderr = e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
        return Printed {
            text: our_words(&e.render().to_string(), t),
            to_stderr: stderr,
            code: if stderr { 2 } else { 0 },
        };
    };
    let mut text = format!("ocsae: {sentence}\n");
    let mut usage = context(e, ContextKind::Usage);
    // Clap's usage for an unknown argument names the argument it suggests as if
    // it had been given (`--store <LOCATION>`, as if required): the command's own.
    if e.kind() == ErrorKind::UnknownArgument && e.get(ContextKind::SuggestedArg).is_some() {
        usage = usage.map(|u| own_usage(&u, t).unwrap_or(u));
    }
    if let Some(usage) = usage {
        text.push('\n');
        text.push_str(&our_words(&usage, t));
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&t.f(Msg::cli_more, &[("help", &"--help")]));
    text.push('\n');
    Printed {
        text,
        to_stderr: true,
        code: 2,
    }
}

/// The usage of the (sub)command a clap usage line is about, as `--help` shows it.
fn own_usage(usage: &str, t: &I18n) -> Option<String> {
    let mut command = command(t);
    command.build();
    let mut words = usage.lines().next()?.split_whitespace().skip(2);
    let mut current = &mut command;
    while let Some(word) = words.next().filter(|w| !w.starts_with(['-', '[', '<'])) {
        current = current.find_subcommand_mut(word)?;
    }
    Some(current.render_usage().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_and_argument_has_its_words() {
        fn walk(command: &Command, parent: &str, missing: &mut Vec<String>) {
            let name = path(parent, command.get_name());
            if command_about(&name).is_none() {
                missing.push(name.clone());
            }
            for arg in command.get_arguments() {
                if arg_help(&name, arg.get_id().as_str()).is_none() {
                    missing.push(format!("{name} {}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &name, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no words for {missing:?}");
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            language(&args(&["ocsae", "--lang", "es", "--bogus"]), None, None),
            Lang::Es
        );
        assert_eq!(
            language(&args(&["ocsae", "--bogus", "--lang=en"]), None, None),
            Lang::En
        );
        assert_eq!(
            language(&args(&["ocsae", "--lang", "xx"]), Some(Lang::Es), None),
            Lang::Es
        );
        assert_eq!(
            language(&args(&["ocsae", "--", "--lang", "en"]), None, None),
            Lang::Ca
        );
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("c.toml");
        std::fs::write(&config, "language = \"en\"\n").unwrap();
        let given = format!("--config={}", config.display());
        assert_eq!(
            language(&args(&["ocsae", &given]), Some(Lang::Es), None),
            Lang::En
        );
        assert_eq!(language(&args(&["ocsae"]), None, Some(&config)), Lang::En);
    }

    #[test]
    fn help_is_in_the_interface_language() {
        let t = I18n::new(Lang::Ca);
        let e = command(&t)
            .try_get_matches_from(["ocsae", "export", "--help"])
            .unwrap_err();
        let printed = render(&e, &t);
        assert_eq!(printed.code, 0);
        let text = printed.text;
        for words in [
            "Ús: ocsae export",
            "[OPCIONS]",
            "Arguments:",
            "Opcions:",
            "json (per defecte) o csv",
            "Mostra aquesta ajuda",
        ] {
            assert!(text.contains(words), "{words}: {text}");
        }
        for english in ["Usage", "Options:", "Print help", "possible values", "[default"] {
            assert!(!text.contains(english), "{english}: {text}");
        }
    }
}
