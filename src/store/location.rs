//! Where a store is: `sled:DIR` (or a plain directory), or a PostgreSQL address
//! (`postgresql://…`, or libpq's key/value string `host=… dbname=…`). Wherever a
//! location is shown (messages, the status bar, the log) it goes through
//! `redact`, which hides any password in it.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A directory holding a sled database.
    Sled(PathBuf),
    /// A PostgreSQL connection string, as given (with any password: never print it).
    Postgres(String),
}

impl Location {
    /// `sled:DIR`, `postgresql://…` (or `postgres://…`), a libpq key/value
    /// string (it starts with one of libpq's keywords and `=`), or a directory.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgresql://") || text.starts_with("postgres://") || is_key_value(text) {
            return Location::Postgres(text.to_string());
        }
        match text.strip_prefix("sled:") {
            Some(dir) => Location::Sled(PathBuf::from(dir)),
            None => Location::Sled(PathBuf::from(text)),
        }
    }

    /// A store in a directory.
    pub fn dir(path: impl Into<PathBuf>) -> Location {
        Location::Sled(path.into())
    }

    /// The directory of a store kept in one.
    pub fn as_dir(&self) -> Option<&Path> {
        match self {
            Location::Sled(dir) => Some(dir),
            Location::Postgres(_) => None,
        }
    }
}

/// As messages name it: a directory as it was given, an address without its password.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sled(dir) => f.write_str(&redact(&dir.display().to_string())),
            Location::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// libpq's keywords a key/value connection string is recognised by.
const KEYWORDS: [&str; 8] = [
    "host=",
    "hostaddr=",
    "port=",
    "dbname=",
    "user=",
    "password=",
    "sslmode=",
    "service=",
];

fn is_key_value(text: &str) -> bool {
    KEYWORDS.iter().any(|k| text.trim_start().starts_with(k))
}

/// What shows of a store's location, or of any text that may hold one (a
/// driver's message): `postgresql://user:secret@host/db` as
/// `postgresql://user@host/db`, and the value of every `password=` (in an
/// address's query or a key/value string, quoted or not) as `***`.
pub fn redact(text: &str) -> String {
    let text = without_user_password(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = find_password_key(rest) {
        let value_start = at + "password=".len();
        out.push_str(&rest[..value_start]);
        out.push_str("***");
        let value = &rest[value_start..];
        let end = match value.strip_prefix('\'') {
            // libpq's quoted value: up to the closing quote not escaped by a backslash.
            Some(quoted) => {
                let mut escaped = false;
                let close = quoted.char_indices().find(|&(_, c)| {
                    let close = c == '\'' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                });
                close.map_or(value.len(), |(i, _)| i + 2)
            }
            None => value.find(['&', ' ', '\t', '\n', '#']).unwrap_or(value.len()),
        };
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next `password=` key starts: at the start, or after `?`, `&` or a space.
fn find_password_key(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("password=") {
        let at = from + i;
        let before = lower[..at].chars().next_back();
        if matches!(before, None | Some('?' | '&' | ' ' | '\t' | '\n')) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `scheme://user:secret@host…` as `scheme://user@host…` (the user part ends at
/// the last `@` before the path or the query).
fn without_user_password(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_string();
    };
    let authority_end = text[start..].find(['/', '?']).map_or(text.len(), |i| start + i);
    let authority = &text[start..authority_end];
    let Some(at) = authority.rfind('@') else {
        return text.to_string();
    };
    let credentials = &authority[..at];
    let Some(colon) = credentials.find(':') else {
        return text.to_string();
    };
    format!(
        "{}{}{}",
        &text[..start + colon],
        &authority[at..],
        &text[authority_end..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_print_as_given() {
        assert_eq!(Location::parse("/srv/ocsae"), Location::dir("/srv/ocsae"));
        assert_eq!(Location::parse("sled:dades"), Location::dir("dades"));
        assert_eq!(Location::parse("dades").to_string(), "dades");
        let pg = Location::parse("postgresql://anna:secret@db.local/ocsae");
        assert!(matches!(pg, Location::Postgres(_)));
        assert_eq!(pg.to_string(), "postgresql://anna@db.local/ocsae");
        assert_eq!(pg.as_dir(), None);
    }

    #[test]
    fn a_password_never_shows_in_any_form_of_address() {
        for (given, shown) in [
            (
                "postgresql://anna:s3cret@db.local:5433/ocsae?sslmode=require",
                "postgresql://anna@db.local:5433/ocsae?sslmode=require",
            ),
            ("postgres://anna:p@ss@db/ocsae", "postgres://anna@db/ocsae"),
            (
                "postgresql://anna@db.local/ocsae?password=s3cret&sslmode=require",
                "postgresql://anna@db.local/ocsae?password=***&sslmode=require",
            ),
            (
                "postgresql:///ocsae?host=/run/pg&PASSWORD=s3cret",
                "postgresql:///ocsae?host=/run/pg&PASSWORD=***",
            ),
            (
                "host=db.local dbname=ocsae user=anna password=s3cret sslmode=require",
                "host=db.local dbname=ocsae user=anna password=*** sslmode=require",
            ),
            (
                "host=db.local password='s3 c\\'ret' dbname=ocsae",
                "host=db.local password=*** dbname=ocsae",
            ),
            ("dbname=ocsae password=s3cret", "dbname=ocsae password=***"),
            (
                "postgresql:///ocsae?host=/run/pg",
                "postgresql:///ocsae?host=/run/pg",
            ),
            ("/srv/old_password=x", "/srv/old_password=x"),
        ] {
            assert_eq!(redact(given), shown, "{given}");
            assert!(!Location::parse(given).to_string().contains("s3"), "{given}");
        }
        assert!(matches!(
            Location::parse("host=/run/pg dbname=ocsae password=x"),
            Location::Postgres(_)
        ));
        assert!(matches!(Location::parse("dades"), Location::Sled(_)));
    }
}
