//! An import's edits handed to the store: in batches, as one change of the
//! history, planned first for a store that asks (a shared one), and durable
//! before it counts as imported.

use super::IoError;
use crate::store::{ChangeKind, Edit, ImportBatch, Store};
use chrono::{DateTime, Utc};

/// How many edits go to the store at a time.
const BATCH: usize = 10_000;

/// Where one pass over an import's edits gives each, in order.
pub(crate) type Sink<'a> = &'a mut dyn FnMut(Edit) -> Result<(), IoError>;

/// Edits held in memory (a few per council) as one change, as `commit` writes it.
pub(crate) fn commit_edits(
    store: &dyn Store,
    kind: ChangeKind,
    edits: Vec<Edit>,
    at: DateTime<Utc>,
) -> Result<(usize, Vec<Edit>), IoError> {
    let mut pass = |sink: Sink<'_>| edits.iter().try_for_each(|edit| sink(edit.clone()));
    // In memory: the same both times.
    let unchanged = || IoError::Changed {
        path: std::path::PathBuf::new(),
    };
    commit(store, kind, &mut pass, &unchanged, at)
}

/// The whole file as one change in the history, given to the store in batches:
/// all of it or nothing (a row that fails drops the import unsaved). `pass`
/// goes through the edits from the first, giving each to its sink: once, or
/// twice for a store that plans an import before it is written (the second
/// pass must give the same edits, else `changed` is the refusal). Returns how
/// many records it changed, and the edits the store listed (a run of new records
/// it keeps apart is not listed: see `Applied::bulk`); no change at all leaves no
/// history entry.
pub(crate) fn commit(
    store: &dyn Store,
    kind: ChangeKind,
    pass: &mut dyn FnMut(Sink<'_>) -> Result<(), IoError>,
    changed: &dyn Fn() -> IoError,
    at: DateTime<Utc>,
) -> Result<(usize, Vec<Edit>), IoError> {
    if let Some(import) = store
        .begin_planned_import(kind.clone(), at)
        .map_err(IoError::Store)?
    {
        return commit_planned(store, import, pass, changed, at);
    }
    let mut import: Option<Box<dyn ImportBatch + '_>> = None;
    let mut batch = Vec::new();
    let mut count = 0;
    pass(&mut |edit| {
        batch.push(edit);
        count += 1;
        if batch.len() == BATCH {
            let open = match import.take() {
                Some(open) => open,
                None => store.begin_import(kind.clone()).map_err(IoError::Store)?,
            };
            let open = import.insert(open);
            open.append(std::mem::take(&mut batch)).map_err(IoError::Store)?;
        }
        Ok(())
    })?;
    if count == 0 {
        return Ok((0, Vec::new()));
    }
    let mut import = match import {
        Some(import) => import,
        None => store.begin_import(kind).map_err(IoError::Store)?,
    };
    if !batch.is_empty() {
        import.append(batch).map_err(IoError::Store)?;
    }
    let applied = import.commit(at).map_err(IoError::Store)?;
    durable(store, count, applied)
}

/// A planned import: every batch shown to the store, then given to it, a batch
/// at a time each pass (the store writes them as they come).
fn commit_planned(
    store: &dyn Store,
    mut import: Box<dyn ImportBatch + '_>,
    pass: &mut dyn FnMut(Sink<'_>) -> Result<(), IoError>,
    changed: &dyn Fn() -> IoError,
    at: DateTime<Utc>,
) -> Result<(usize, Vec<Edit>), IoError> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut planned = 0;
    pass(&mut |edit| {
        batch.push(edit);
        planned += 1;
        if batch.len() == BATCH {
            import.plan(&batch).map_err(IoError::Store)?;
            batch.clear();
        }
        Ok(())
    })?;
    if planned == 0 {
        return Ok((0, Vec::new()));
    }
    import.plan(&batch).map_err(IoError::Store)?;
    batch.clear();
    // The store's refusal of edits other than planned is the file's change.
    let store_error = |e| match e {
        crate::store::StoreError::ImportChanged(_) => changed(),
        other => IoError::Store(other),
    };
    let mut given = 0;
    pass(&mut |edit| {
        given += 1;
        if given > planned {
            return Err(changed());
        }
        batch.push(edit);
        if batch.len() == BATCH {
            import.append(std::mem::take(&mut batch)).map_err(store_error)?;
        }
        Ok(())
    })?;
    if given != planned {
        return Err(changed());
    }
    if !batch.is_empty() {
        import.append(batch).map_err(store_error)?;
    }
    let applied = import.commit(at).map_err(store_error)?;
    durable(store, planned, applied)
}

/// Applied but not on disk (the disk filled before the flush): not imported. The
/// store keeps it only in memory, and a command ends without it.
fn durable(
    store: &dyn Store,
    count: usize,
    applied: crate::store::Applied,
) -> Result<(usize, Vec<Edit>), IoError> {
    if !applied.durable {
        let cause = store.unsaved().cause.unwrap_or_else(|| {
            crate::store::StoreError::io(
                store.location().to_string(),
                std::io::Error::from_raw_os_error(libc::ENOSPC),
            )
        });
        return Err(IoError::Store(cause));
    }
    Ok((count, applied.edits))
}
