//! What can go wrong with a store, in words a technician can act on.

use super::codec::CodecError;
use crate::i18n::{I18n, Msg};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store {0} is in use by another ocsae process")]
    InUse(PathBuf),
    #[error("the store {path} has schema version {found}; this ocsae reads up to {supported}")]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("the store {path} is damaged ({detail})")]
    Damaged { path: PathBuf, detail: String },
    #[error("the store {0} already holds data")]
    NotEmpty(PathBuf),
    #[error("the record changed since it was read; nothing was saved")]
    Conflict,
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("{0}")]
    Codec(#[from] CodecError),
    /// The transaction went through but could not be flushed to disk: the change is in
    /// the store's memory, and `Store::recover` writes it once the disk takes it.
    #[error("applied but not flushed: {source}")]
    NotFlushed {
        applied: Box<super::Applied>,
        source: Box<StoreError>,
    },
}

impl StoreError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the disk is full, whatever layer said so.
    pub(crate) fn disk_full(&self) -> bool {
        match self {
            StoreError::Io { source, .. } => super::engine::is_disk_full(source),
            StoreError::Sled(sled::Error::Io(e)) => super::engine::is_disk_full(e),
            StoreError::NotFlushed { source, .. } => source.disk_full(),
            _ => false,
        }
    }

    /// The system's error number, if the error came from the system.
    pub(crate) fn os_error(&self) -> Option<i32> {
        match self {
            StoreError::Io { source, .. } => source.raw_os_error(),
            StoreError::Sled(sled::Error::Io(e)) => e.raw_os_error(),
            StoreError::NotFlushed { source, .. } => source.os_error(),
            _ => None,
        }
    }

    /// The message in the user's language.
    pub fn localize(&self, t: &I18n) -> String {
        if self.disk_full() {
            return t.t(Msg::err_disk_full).to_string();
        }
        match self {
            StoreError::InUse(p) => t.f(Msg::err_store_in_use, &[("path", &p.display())]),
            StoreError::NewerSchema {
                path,
                found,
                supported,
            } => t.f(
                Msg::err_store_newer,
                &[
                    ("path", &path.display()),
                    ("found", found),
                    ("supported", supported),
                ],
            ),
            StoreError::Damaged { path, detail } => t.f(
                Msg::err_store_damaged,
                &[("path", &path.display()), ("detail", detail)],
            ),
            StoreError::NotEmpty(p) => t.f(Msg::err_store_not_empty, &[("path", &p.display())]),
            StoreError::Conflict => t.t(Msg::err_store_conflict).to_string(),
            StoreError::Io { path, source } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                t.f(Msg::err_store_readonly, &[("path", &path.display())])
            }
            StoreError::Io { path, source } => t.f(
                Msg::err_store_io,
                &[("path", &path.display()), ("detail", source)],
            ),
            StoreError::Sled(e) => t.f(Msg::err_store_write, &[("detail", e)]),
            StoreError::Codec(e) => t.f(Msg::err_store_write, &[("detail", e)]),
            StoreError::NotFlushed { source, .. } => source.localize(t),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
