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

    /// Whether the location holds a password (which `redact` hides).
    pub fn has_password(&self) -> bool {
        match self {
            Location::Sled(_) => false,
            Location::Postgres(url) => redact(url) != *url,
        }
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
    "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "service",
];

/// A key/value string starts with one of libpq's keywords, then `=` (spaces
/// around it allowed, as libpq and the driver allow them).
fn is_key_value(text: &str) -> bool {
    let text = text.trim_start();
    let key_end = text
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(text.len());
    KEYWORDS.contains(&&text[..key_end]) && text[key_end..].trim_start().starts_with('=')
}

/// What shows of a store's location, or of any text that may hold one (a
/// driver's message): `postgresql://user:secret@host/db` as
/// `postgresql://user@host/db`, and the value of every password key as `***`:
/// in an address's query (`?password=…` up to the next `&`, its key
/// percent-decoded as the driver decodes it) and in a key/value string, as the
/// driver reads it (spaces around `=`, a quoted value with `\'` and `\\`, a
/// backslash escaping a space in a plain one).
pub fn redact(text: &str) -> String {
    let text = without_user_password(text);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let before = text[..at].chars().next_back();
        let value = match before {
            Some('?' | '&') => query_password(&text[at..]),
            None => key_value_password(&text[at..]),
            Some(c) if c.is_whitespace() => key_value_password(&text[at..]),
            Some(_) => None,
        };
        match value {
            Some((start, end)) => {
                out.push_str(&text[copied..at + start]);
                out.push_str("***");
                copied = at + end;
                at = copied;
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the value of a query's `password=` starts and ends in `text` (which
/// starts with the key): up to the next `&`, as the driver splits a query.
fn query_password(text: &str) -> Option<(usize, usize)> {
    let pair_end = text.find('&').unwrap_or(text.len());
    let eq = text[..pair_end].find('=')?;
    let key = percent_decode(&text[..eq]);
    if !key.trim().eq_ignore_ascii_case("password") {
        return None;
    }
    Some((eq + 1, pair_end))
}

/// Where the value of a key/value `password = …` starts and ends in `text`
/// (which starts with the key), by libpq's grammar.
fn key_value_password(text: &str) -> Option<(usize, usize)> {
    let key_end = text
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(text.len());
    if !text[..key_end].eq_ignore_ascii_case("password") {
        return None;
    }
    let after_key = &text[key_end..];
    let eq = key_end + (after_key.len() - after_key.trim_start().len());
    if !text[eq..].starts_with('=') {
        return None;
    }
    let after_eq = &text[eq + 1..];
    let start = eq + 1 + (after_eq.len() - after_eq.trim_start().len());
    let mut chars = text[start..].char_indices();
    let quoted = text[start..].starts_with('\'');
    if quoted {
        chars.next();
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' if quoted => return Some((start, start + i + 1)),
            c if c.is_whitespace() && !quoted => return Some((start, start + i)),
            _ => {}
        }
    }
    Some((start, text.len()))
}

/// `%2F` and the like, as the driver decodes a query's keys and values.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn a_password_is_hidden_as_the_driver_reads_it_whatever_the_spaces_and_quotes() {
        for (given, shown) in [
            (
                "host=db password = S3cret dbname=x",
                "host=db password = *** dbname=x",
            ),
            (
                "host=db password= S3cret dbname=x",
                "host=db password= *** dbname=x",
            ),
            (
                "host=db password =S3cret dbname=x",
                "host=db password =*** dbname=x",
            ),
            ("host=db password\t=\n S3cret", "host=db password\t=\n ***"),
            (
                "password = 'S3 c\\'r\\\\et' user=anna",
                "password = *** user=anna",
            ),
            ("password='S3cret\\\\' user=anna", "password=*** user=anna"),
            ("password=S3\\ cret user=anna", "password=*** user=anna"),
            ("password=S3&cret user=anna", "password=*** user=anna"),
            // The driver takes what follows `=` and spaces as the value, even this.
            ("password= user=S3cret host=db", "password= *** host=db"),
            ("password='S3 cret", "password=***"),
            (
                "postgresql:///x?pass%77ord=S3cret&host=/run",
                "postgresql:///x?pass%77ord=***&host=/run",
            ),
            (
                "postgresql:///x?password=S3 cret#x&host=/run",
                "postgresql:///x?password=***&host=/run",
            ),
            (
                "password authentication failed for user anna",
                "password authentication failed for user anna",
            ),
        ] {
            assert_eq!(redact(given), shown, "{given}");
        }
        for given in [
            "password = S3cret dbname=x",
            "host = db password =S3cret",
            "  dbname= x password=S3cret",
        ] {
            let location = Location::parse(given);
            assert!(matches!(location, Location::Postgres(_)), "{given}");
            assert!(!location.to_string().contains("S3cret"), "{given}");
        }
    }

    /// What the driver parses as the password is exactly what is hidden.
    #[test]
    fn what_is_hidden_is_what_the_driver_takes_for_the_password() {
        for given in [
            "host=db password = S3cret dbname=x",
            "host=db password= 'S3 c\\'ret' dbname=x",
            "password=S3\\ cret user=anna",
            "user=anna password =S3cr&t",
        ] {
            let config: postgres::Config = given.parse().unwrap();
            let password = String::from_utf8(config.get_password().unwrap().to_vec()).unwrap();
            let shown = redact(given);
            assert!(!shown.contains("S3"), "{given} shown as {shown}");
            // Put back in place of ***, the value is what the driver read.
            let value_start = shown.find("***").unwrap();
            let original_value = &given[value_start..given.len() - (shown.len() - value_start - 3)];
            let reparsed: postgres::Config = format!("password={original_value}").parse().unwrap();
            assert_eq!(reparsed.get_password(), Some(password.as_bytes()), "{given}");
        }
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
        assert!(Location::parse("host=db password = x").has_password());
        assert!(Location::parse("postgresql://anna:x@db/ocsae").has_password());
        assert!(!Location::parse("postgresql://anna@db/ocsae?host=/run/pg").has_password());
        assert!(!Location::parse("/srv/password=x").has_password());
    }
}
