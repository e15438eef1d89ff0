//! libpq's password file, which the driver does not read: `PGPASSFILE`, else
//! `~/.pgpass`; lines `host:port:database:user:password`, `*` for any value,
//! `\` escaping `:` and `\`, `#` starting a comment, the first match winning.
//! As libpq does, a file that others may read is ignored, and a Unix socket
//! matches the host `localhost`.

use postgres::config::Host;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The file libpq would read.
pub(super) fn file() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")),
    }
}

/// The password `file` gives for the address's first host and port, its
/// database and its user.
pub(super) fn password(file: &Path, config: &postgres::Config) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() {
        return None;
    }
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!(
            "{} is ignored: others may read it (chmod 0600 it)",
            file.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().unwrap_or_default();
    let database = config.get_dbname().unwrap_or(user);
    find(&text, [&host, &port, database, user])
}

/// The first line whose four fields match `wanted` (host, port, database, user).
fn find(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .find_map(|line| {
            let fields = split(line);
            let matches = fields.len() == 5
                && fields
                    .iter()
                    .zip(wanted)
                    .all(|((field, star), value)| *star || field == value);
            matches.then(|| fields[4].0.clone())
        })
}

/// The five fields of a line, unescaped, each with whether it was a bare `*`;
/// the password is the rest of the line after the fourth `:`.
fn split(line: &str) -> Vec<(String, bool)> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut raw = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                raw.push(c);
                if let Some(next) = chars.next() {
                    field.push(next);
                    raw.push(next);
                }
            }
            ':' if fields.len() < 4 => {
                fields.push((std::mem::take(&mut field), raw == "*"));
                raw.clear();
            }
            c => {
                field.push(c);
                raw.push(c);
            }
        }
    }
    fields.push((field, false));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const FILE: &str = "# the office's passwords\n\
        db.consell.cat:5432:ocsae:anna:an\\:na\\\\pw\n\
        db.consell.cat:*:*:marta:marta:pw\n\
        localhost:5433:ocsae:*:socket\n\
        *:*:*:*:any\n";

    fn config(text: &str) -> postgres::Config {
        postgres::Config::from_str(text).unwrap()
    }

    #[test]
    fn the_first_matching_line_gives_the_password_as_libpq_reads_it() {
        let found = |wanted| find(FILE, wanted);
        assert_eq!(
            found(["db.consell.cat", "5432", "ocsae", "anna"]),
            Some("an:na\\pw".into())
        );
        assert_eq!(
            found(["db.consell.cat", "6000", "other", "marta"]),
            Some("marta:pw".into())
        );
        assert_eq!(
            found(["localhost", "5433", "ocsae", "pep"]),
            Some("socket".into())
        );
        assert_eq!(found(["elsewhere", "5432", "x", "joan"]), Some("any".into()));
        assert_eq!(find("a:b:c:d\n# a:b:c:d:e\n", ["a", "b", "c", "d"]), None);
        // An escaped star is a star, not any value.
        assert_eq!(find("\\*:*:*:*:pw\n", ["h", "1", "d", "u"]), None);
    }

    #[test]
    fn the_address_picks_the_line_and_a_file_others_may_read_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, FILE).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let tcp = config("postgresql://anna@db.consell.cat/ocsae");
        assert_eq!(password(&path, &tcp), Some("an:na\\pw".into()));
        let socket = config("host=/run/postgresql port=5433 dbname=ocsae user=pep");
        assert_eq!(password(&path, &socket), Some("socket".into()));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(password(&path, &tcp), None);
        assert_eq!(password(&dir.path().join("none"), &tcp), None);
    }
}
