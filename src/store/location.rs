//! Where a store is: `sled:DIR` (or a plain directory) today; a `postgresql://`
//! address is recognised so that it can be refused clearly until it is built.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A directory holding a sled database.
    Sled(PathBuf),
    /// A PostgreSQL connection string (not supported yet).
    Postgres(String),
}

impl Location {
    /// `sled:DIR`, `postgresql://…` (or `postgres://…`), or a directory.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgresql://") || text.starts_with("postgres://") {
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
            Location::Sled(dir) => write!(f, "{}", dir.display()),
            Location::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

/// `postgresql://user:secret@host/db` as `postgresql://user@host/db`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    let user = credentials.split(':').next().unwrap_or_default();
    format!("{scheme}://{user}@{host}")
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
}
