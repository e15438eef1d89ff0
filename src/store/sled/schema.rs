//! The schema version and the migrations that bring an older store up to date.

use super::{SledStore, codec, damaged, location};
use crate::store::{Result, StoreError};
use std::fs;
use std::io::Write;
use std::path::Path;

/// The schema this build writes. 2 added the support log (`activities`): a store of
/// schema 1 reads as one of schema 2 without activities, but its history may hold
/// them, which an older build could not read, so it must refuse the store as newer.
/// 3 gave each request a revocation's link and reason, the appointment check and
/// the T-CAT P's download, each rollout cell its `source`, and added the office's ER operators (`operators`) and
/// the service catalogue (`services`; empty, the assets' catalogue is used).
/// 4 keeps a large import's records apart from its history entry (see `bulk`),
/// which an older build would undo as if it had changed nothing.
pub const CURRENT: u32 = 4;

/// The schema of the records and history a backup holds: a backup writes an
/// import's records out among its entry's edits, as schema 3 kept them.
pub const BACKUP: u32 = 3;

/// The oldest schema whose backups this build restores: each schema since only
/// added kinds of record, which a backup without them simply lacks.
pub const OLDEST_BACKUP: u32 = 1;

const VERSION_FILE: &str = "schema-version";
pub(super) const VERSION_KEY: &[u8] = b"schema_version";
const BACKUP_DIR: &str = "backups";

/// One step from schema `from` to `from + 1`.
pub struct Migration {
    pub from: u32,
    pub apply: fn(&SledStore) -> Result<()>,
}

/// The migrations of this build, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 1,
        apply: add_activities,
    },
    Migration {
        from: 2,
        apply: super::legacy::add_request_links,
    },
    Migration {
        from: 3,
        apply: keep_runs_apart,
    },
];

/// 3 to 4: nothing to rewrite; imports already stored keep their records in
/// their entries, which still read and undo as before.
fn keep_runs_apart(_store: &SledStore) -> Result<()> {
    Ok(())
}

/// 1 to 2: nothing to rewrite. The `activities` tree is made when sled opens; the
/// step is there to stamp the new version, so an older build refuses the store.
fn add_activities(_store: &SledStore) -> Result<()> {
    Ok(())
}

/// The version recorded beside sled, readable without opening it.
pub fn read_version_file(dir: &Path) -> Result<Option<u32>> {
    let path = dir.join(VERSION_FILE);
    match super::regular::read_note(&path) {
        Ok(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| damaged(dir, format!("{VERSION_FILE} does not hold a number"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData || e.raw_os_error() == Some(libc::ELOOP) => {
            let node = super::regular::not_regular(&path).unwrap_or(crate::store::damage::Node::Fifo);
            Err(super::regular::irregular(dir, VERSION_FILE.to_string(), node))
        }
        Err(e) => Err(StoreError::io(path, e)),
    }
}

fn write_version_file(dir: &Path, version: u32) -> Result<()> {
    let path = dir.join(VERSION_FILE);
    let tmp = dir.join(format!("{VERSION_FILE}.tmp"));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        writeln!(f, "{version}")?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    };
    write().map_err(|e| StoreError::io(path.clone(), e))
}

/// The version recorded in the meta tree.
pub fn version(store: &SledStore) -> Result<Option<u32>> {
    match store.meta()?.get(VERSION_KEY)? {
        Some(bytes) => Ok(Some(codec::decode(&bytes)?)),
        None => Ok(None),
    }
}

/// Records `version` in the meta tree and beside sled.
pub fn set_version(store: &SledStore, version: u32) -> Result<()> {
    store.meta()?.insert(VERSION_KEY, codec::encode(&version)?)?;
    store.flush()?;
    write_version_file(store.dir(), version)
}

/// Stamps a new store, refuses a newer one, and migrates an older one.
pub fn check_and_migrate(store: &SledStore, migrations: &[Migration]) -> Result<()> {
    let found = match version(store)? {
        Some(v) => v,
        None if store.holds_no_records()? => return set_version(store, CURRENT),
        None => {
            return Err(damaged(store.dir(), "records without a schema version"));
        }
    };
    if found > CURRENT {
        return Err(StoreError::NewerSchema {
            location: location(store.dir()),
            found,
            supported: CURRENT,
        });
    }
    if found < CURRENT {
        migrate(store, found, CURRENT, migrations)?;
    } else if read_version_file(store.dir())? != Some(found) {
        write_version_file(store.dir(), found)?;
    }
    Ok(())
}

/// Backs the store up, then runs each migration from `from` up to `to` in order.
pub fn migrate(store: &SledStore, from: u32, to: u32, migrations: &[Migration]) -> Result<()> {
    backup_raw(store, from)?;
    let mut version = from;
    while version < to {
        let step = migrations
            .iter()
            .find(|m| m.from == version)
            .ok_or_else(|| damaged(store.dir(), format!("no migration from schema {version}")))?;
        (step.apply)(store)?;
        version += 1;
        set_version(store, version)?;
    }
    Ok(())
}

/// Tree names with their raw key/value pairs.
pub type RawDump = Vec<(Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>)>;

/// A raw copy of every tree (names, keys, values), whatever their schema: a
/// `RawDump`, written a pair at a time rather than gathered first.
fn backup_raw(store: &SledStore, version: u32) -> Result<std::path::PathBuf> {
    let dir = store.dir().join(BACKUP_DIR);
    fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let path = dir.join(format!("before-schema-{}-{stamp}.dump", version + 1));
    let engine = store.engine()?;
    let db = &engine.db;
    let failed = |e: std::io::Error| StoreError::io(&path, e);
    let mut out = std::io::BufWriter::new(fs::File::create(&path).map_err(failed)?);
    out.write_all(&[codec::FORMAT_VERSION]).map_err(failed)?;
    let names = db.tree_names();
    codec::encode_part(&(names.len() as u64), &mut out)?;
    for name in names {
        let tree = db.open_tree(&name)?;
        codec::encode_part(&name.to_vec(), &mut out)?;
        codec::encode_part(&(tree.len() as u64), &mut out)?;
        for item in tree.iter() {
            let (k, v) = item?;
            codec::encode_part(&(k.as_ref(), v.as_ref()), &mut out)?;
        }
    }
    out.into_inner()
        .map_err(|e| failed(e.into_error()))?
        .sync_all()
        .map_err(failed)?;
    Ok(path)
}

/// Sets the recorded version without migrating, to build old or future stores in tests.
#[doc(hidden)]
pub fn force_version(store: &SledStore, version: u32) -> Result<()> {
    set_version(store, version)
}
