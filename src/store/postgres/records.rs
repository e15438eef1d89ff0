//! Reading a kind's records: page by page in key order, so that 100,000 requests
//! are never held twice, and the connection is free between pages.

use super::{PgStore, damaged, pg_error, tables};
use crate::store::{Kind, Record, RecordId, Result};
use std::collections::VecDeque;

/// Records per round trip.
pub(super) const PAGE: i64 = 5000;

pub(super) struct Pages<'a> {
    store: &'a PgStore,
    kind: Kind,
    /// The last record read, where the next page starts.
    after: Option<RecordId>,
    ready: VecDeque<Record>,
    done: bool,
    left: usize,
}

impl<'a> Pages<'a> {
    pub(super) fn new(store: &'a PgStore, kind: Kind) -> Result<Pages<'a>> {
        let sql = format!("SELECT count(*) FROM {}", tables::table(kind));
        let count: i64 = store.read(move |c| Ok(c.query_one(sql.as_str(), &[]).map_err(pg_error)?.get(0)))?;
        Ok(Pages {
            store,
            kind,
            after: None,
            ready: VecDeque::new(),
            done: false,
            left: count.max(0) as usize,
        })
    }

    fn fill(&mut self) -> Result<()> {
        let (kind, after) = (self.kind, self.after.clone());
        let location = self.store.name();
        let rows = self
            .store
            .read(move |c| tables::page(c, kind, after.as_ref(), PAGE).map_err(pg_error))?;
        self.done = (rows.len() as i64) < PAGE;
        for row in &rows {
            match tables::from_row(kind, row, 0).map_err(|e| damaged(&location, e))? {
                Some(record) => self.ready.push_back(record),
                None => return Err(damaged(&location, "a record is null")),
            }
        }
        self.after = self.ready.back().map(Record::id);
        Ok(())
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.ready.is_empty()
            && !self.done
            && let Err(e) = self.fill()
        {
            self.done = true;
            return Some(Err(e));
        }
        let record = self.ready.pop_front()?;
        self.left = self.left.saturating_sub(1);
        Some(Ok(record))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, None)
    }
}
