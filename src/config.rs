//! The settings: the system's `/etc/ocsae/config.toml` (the office's, set by its
//! administrator), then the user's `$XDG_CONFIG_HOME/ocsae/config.toml` over it,
//! every field optional.

use crate::i18n::Lang;
use crate::theme::ThemeName;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Key overrides: context → action → keys, e.g. `[keys.global] quit = ["q"]`.
pub type KeyOverrides = BTreeMap<String, BTreeMap<String, Vec<String>>>;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The comarca a new store is seeded with; "all" for all of Catalonia.
    pub comarca: String,
    /// Councils under this population are shown by default.
    pub threshold: u32,
    pub language: Option<Lang>,
    pub theme: ThemeName,
    pub mouse: bool,
    pub keys: KeyOverrides,
    /// The office's local holidays, which are not working days.
    pub local_holidays: Vec<NaiveDate>,
    /// Deadlines are computed in this IANA time zone.
    pub time_zone: String,
    /// The largest file an import reads, in MiB.
    pub import_max_mb: u64,
    /// Working days to answer a council: 24:00 of the Nth working day after receipt.
    pub response_days: u32,
    /// The tab the dashboard opens on.
    pub start_tab: StartTab,
    /// From this month of the year on (1-12), Avui lists the councils not visited yet.
    pub unvisited_from_month: u32,
    /// Where the store is: a directory, `sled:DIR` or a `postgresql://` address.
    pub store: Option<String>,
    /// A shared database holds several offices: `init` makes each see only its
    /// comarca's records (row-level security).
    pub multi_office: bool,
    /// Municipal election days: a mayor's card asked for soon after one is warned.
    pub elections: Vec<NaiveDate>,
    /// Days after an election during which that warning holds (the new councils
    /// are constituted on the 20th day).
    pub elections_window_days: u32,
}

/// The tab the dashboard opens on (`start_tab`), by the tab's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartTab {
    #[default]
    Today,
    Municipalities,
    Rollout,
    Certificates,
    Activity,
}

impl StartTab {
    /// The id of the tab (`Tab::id`).
    pub fn id(self) -> &'static str {
        match self {
            StartTab::Today => "today",
            StartTab::Municipalities => "municipalities",
            StartTab::Rollout => "rollout",
            StartTab::Certificates => "certificates",
            StartTab::Activity => "activity",
        }
    }
}

/// Alt Penedès visits each council once a year: from October, Avui says who is left.
pub const UNVISITED_FROM_MONTH: u32 = 10;

impl Default for Config {
    fn default() -> Self {
        Config {
            comarca: "Noguera".into(),
            threshold: 5000,
            language: None,
            theme: ThemeName::Dark,
            mouse: false,
            keys: KeyOverrides::new(),
            local_holidays: Vec::new(),
            time_zone: "Europe/Madrid".into(),
            import_max_mb: 1024,
            response_days: crate::domain::activity::RESPONSE_DAYS,
            start_tab: StartTab::Today,
            unvisited_from_month: UNVISITED_FROM_MONTH,
            store: None,
            multi_office: false,
            elections: crate::domain::elections::default_dates(),
            elections_window_days: crate::domain::elections::WINDOW_DAYS,
        }
    }
}

/// The longest answer term the config takes, in working days (a quarter).
pub const MAX_RESPONSE_DAYS: u32 = 60;

/// The system's configuration file, read before the user's: `/etc/ocsae/config.toml`,
/// or the file `OCSAE_SYSTEM_CONFIG` names.
pub fn system_config_file() -> PathBuf {
    std::env::var_os("OCSAE_SYSTEM_CONFIG")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/etc/ocsae/config.toml"), PathBuf::from)
}

/// A configuration file that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct ConfigError {
    pub path: PathBuf,
    pub problem: ConfigProblem,
}

/// What is wrong with a configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigProblem {
    #[error("{0}")]
    Io(std::io::Error),
    /// Not TOML, or not our fields; `text` is the file, to say the line.
    #[error("{error}")]
    Toml {
        text: String,
        error: Box<toml::de::Error>,
    },
    #[error("time_zone: unknown time zone {0:?}")]
    TimeZone(String),
    #[error("import_max_mb: at least 1 (MiB)")]
    ImportMax,
    #[error("response_days: from 1 to {MAX_RESPONSE_DAYS} working days")]
    ResponseDays,
    /// A key binding at fault, with the line that sets it when it can be found.
    #[error("{error}")]
    Keys {
        error: Box<crate::keymap::KeymapError>,
        line: Option<usize>,
    },
    #[error("unvisited_from_month: a month, from 1 to 12")]
    UnvisitedMonth,
}

impl ConfigError {
    /// The mistake in the user's language, naming the file (and the line).
    pub fn localize(&self, t: &crate::i18n::I18n) -> String {
        use crate::i18n::{Msg, system};
        let path = self.path.display();
        match &self.problem {
            ConfigProblem::Io(e) => system::io_error(t, &path, e),
            ConfigProblem::Toml { text, error } => system::toml_error(t, &path, text, error),
            ConfigProblem::TimeZone(zone) => t.f(Msg::cfg_time_zone, &[("path", &path), ("zone", zone)]),
            ConfigProblem::ImportMax => t.f(Msg::cfg_import_max, &[("path", &path)]),
            ConfigProblem::ResponseDays => t.f(
                Msg::cfg_response_days,
                &[("path", &path), ("max", &MAX_RESPONSE_DAYS)],
            ),
            ConfigProblem::Keys { error, line } => {
                let what = error.localize(t);
                match line {
                    Some(line) => t.f(Msg::toml_at, &[("path", &path), ("what", &what), ("line", line)]),
                    None => format!("{path}: {what}"),
                }
            }
            ConfigProblem::UnvisitedMonth => t.f(Msg::cfg_unvisited_month, &[("path", &path)]),
        }
    }
}

/// The line (from 1) of `text` that sets the dotted key `path`
/// (`keys.certificates.new`), written under a table header or dotted; for a
/// table written inline, the line that opens it.
fn line_of(text: &str, path: &str) -> Option<usize> {
    let unquote = |key: &str| -> String {
        key.split('.')
            .map(|part| part.trim().trim_matches(['"', '\'']))
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut table = String::new();
    let mut opening = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = unquote(header);
            if table == path {
                return Some(i + 1);
            }
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = unquote(key);
        let full = match table.is_empty() {
            true => key,
            false => format!("{table}.{key}"),
        };
        if full == path {
            return Some(i + 1);
        }
        if opening.is_none() && path.starts_with(&format!("{full}.")) {
            opening = Some(i + 1);
        }
    }
    opening
}

impl Config {
    /// Reads the file if it exists; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::load_layers(&[path])
    }

    /// Reads each file that exists, each later one's settings over the earlier
    /// ones' (key bindings action by action). A mistake names its file and line.
    pub fn load_layers(paths: &[&Path]) -> Result<Config, ConfigError> {
        let mut merged = toml::Table::new();
        let mut texts: Vec<(&Path, String)> = Vec::new();
        for path in paths {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(ConfigError {
                        path: path.into(),
                        problem: ConfigProblem::Io(e),
                    });
                }
            };
            let fail = |problem| ConfigError {
                path: path.into(),
                problem,
            };
            // Each file is read alone first, so that its mistakes name its lines.
            let toml_problem = |text: &str, error| ConfigProblem::Toml {
                text: text.to_string(),
                error: Box::new(error),
            };
            let alone: Config = toml::from_str(&text).map_err(|e| fail(toml_problem(&text, e)))?;
            alone.check().map_err(fail)?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| fail(toml_problem(&text, e)))?;
            overlay(&mut merged, table);
            texts.push((path, text));
        }
        let last = paths.last().copied().unwrap_or(Path::new(""));
        let fail = |problem| ConfigError {
            path: last.into(),
            problem,
        };
        let config: Config = merged.try_into().map_err(|error| {
            fail(ConfigProblem::Toml {
                text: String::new(),
                error: Box::new(error),
            })
        })?;
        config.check().map_err(fail)?;
        // The bindings are checked merged; a mistake names the last file, and the
        // line, that set the binding at fault.
        if let Err(error) = crate::keymap::Keymap::new(&config.keys) {
            let bindings = error.bindings();
            let (path, line) = texts
                .iter()
                .rev()
                .find_map(|(path, text)| {
                    let line = bindings.iter().find_map(|b| line_of(text, b))?;
                    Some((*path, Some(line)))
                })
                .unwrap_or((last, None));
            return Err(ConfigError {
                path: path.into(),
                problem: ConfigProblem::Keys {
                    error: Box::new(error),
                    line,
                },
            });
        }
        Ok(config)
    }

    /// What serde cannot check: the time zone, the import limit, the answer term.
    fn check(&self) -> Result<(), ConfigProblem> {
        if self.time_zone().is_err() {
            return Err(ConfigProblem::TimeZone(self.time_zone.clone()));
        }
        if self.import_max_mb == 0 {
            return Err(ConfigProblem::ImportMax);
        }
        if !(1..=MAX_RESPONSE_DAYS).contains(&self.response_days) {
            return Err(ConfigProblem::ResponseDays);
        }
        if !(1..=12).contains(&self.unvisited_from_month) {
            return Err(ConfigProblem::UnvisitedMonth);
        }
        Ok(())
    }

    pub fn time_zone(&self) -> Result<chrono_tz::Tz, String> {
        self.time_zone
            .parse()
            .map_err(|_| format!("time_zone: unknown time zone {:?}", self.time_zone))
    }
}

/// Puts `over`'s settings on `base`; tables (`[keys.*]`) are merged key by key.
fn overlay(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over)) => overlay(inner, over),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Where ocsae keeps its files, following the XDG base directories.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    pub fn discover() -> Option<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "ocsae")?;
        Some(Paths {
            data_dir: dirs.data_dir().to_path_buf(),
            config_file: dirs.config_dir().join("config.toml"),
            state_dir: dirs
                .state_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dirs.data_local_dir().join("state")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config::load(&dir.path().join("none.toml")).unwrap();
        assert_eq!(c.threshold, 5000);
        assert_eq!(c.comarca, "Noguera");
        assert_eq!(c.import_max_mb, 1024, "a 1,000,000-row file (about 85 MB) passes");
    }

    #[test]
    fn settings_are_read_and_mistakes_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "comarca = \"Priorat\"\nthreshold = 1000\nlanguage = \"es\"\ntheme = \"light\"\nlocal_holidays = [\"2026-09-08\"]\n[keys.global]\nquit = [\"ctrl-q\"]\n",
        )
        .unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.comarca, "Priorat");
        assert_eq!(c.threshold, 1000);
        assert_eq!(c.language, Some(Lang::Es));
        assert_eq!(c.theme, ThemeName::Light);
        assert_eq!(
            c.local_holidays,
            vec![NaiveDate::from_ymd_opt(2026, 9, 8).unwrap()]
        );
        assert_eq!(c.keys["global"]["quit"], vec!["ctrl-q".to_string()]);

        std::fs::write(&path, "threshhold = 3\n").unwrap();
        let err = Config::load(&path).unwrap_err();
        assert!(err.to_string().contains("threshhold"), "{err}");
        let ca = crate::i18n::I18n::new(Lang::Ca);
        assert_eq!(
            err.localize(&ca),
            format!(
                "{}, línia 1: camp desconegut «threshhold»: voleu dir «threshold»?",
                path.display()
            )
        );
        std::fs::write(&path, "comarca = \"Priorat\"\nthreshold = \"molts\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().localize(&ca);
        assert_eq!(
            err,
            format!(
                "{}, línia 2: un valor d'un altre tipus que l'esperat",
                path.display()
            )
        );

        std::fs::write(&path, "time_zone = \"Mars/Olympus\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("Mars/Olympus"), "{err}");

        std::fs::write(&path, "import_max_mb = 0\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("import_max_mb"), "{err}");
        std::fs::write(&path, "import_max_mb = 2\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().import_max_mb, 2);

        assert_eq!(Config::default().response_days, 2);
        std::fs::write(&path, "response_days = 0\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("response_days"), "{err}");
        std::fs::write(&path, "response_days = 3\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().response_days, 3);

        assert_eq!(Config::default().start_tab, StartTab::Today);
        std::fs::write(&path, "start_tab = \"certificates\"\nunvisited_from_month = 1\n").unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!((c.start_tab, c.unvisited_from_month), (StartTab::Certificates, 1));
        std::fs::write(&path, "start_tab = \"avui\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("avui"), "{err}");
        std::fs::write(&path, "unvisited_from_month = 13\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("unvisited_from_month"), "{err}");
    }

    #[test]
    fn the_users_settings_go_over_the_systems_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let system = dir.path().join("system.toml");
        let user = dir.path().join("user.toml");
        std::fs::write(
            &system,
            "store = \"postgresql:///ocsae\"\ncomarca = \"Priorat\"\nlocal_holidays = [\"2026-09-08\"]\n[keys.global]\nquit = [\"ctrl-q\"]\nhelp = [\"f1\"]\n",
        )
        .unwrap();
        std::fs::write(&user, "comarca = \"Noguera\"\n[keys.global]\nquit = [\"q\"]\n").unwrap();
        let c = Config::load_layers(&[&system, &user]).unwrap();
        assert_eq!(c.store.as_deref(), Some("postgresql:///ocsae"), "from the system");
        assert_eq!(c.comarca, "Noguera", "the user's wins");
        assert_eq!(c.local_holidays.len(), 1);
        assert_eq!(c.keys["global"]["quit"], vec!["q".to_string()]);
        assert_eq!(
            c.keys["global"]["help"],
            vec!["f1".to_string()],
            "kept from the system"
        );
        // Without a user file, the system's alone; without either, the defaults.
        let c = Config::load_layers(&[&system, &dir.path().join("none.toml")]).unwrap();
        assert_eq!(c.comarca, "Priorat");
        assert!(!c.multi_office);
        // A mistake in either names its file.
        std::fs::write(&system, "multi_office = \"yes\"\n").unwrap();
        let err = Config::load_layers(&[&system, &user]).unwrap_err();
        assert_eq!(err.path, system);
    }
}
