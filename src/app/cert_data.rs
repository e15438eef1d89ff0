//! Certificate requests in memory, with their deadlines and search keys.

use crate::domain::calendar::Calendar;
use crate::domain::certificate::CertificateRequest;
use crate::domain::search::fold;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct CertData {
    pub list: Vec<CertificateRequest>,
    /// The promised issue time of each request, parallel to `list`.
    pub due: Vec<DateTime<Utc>>,
    /// Folded "holder council" of each request, for the filter.
    pub folded: Vec<String>,
    pub by_id: HashMap<u64, usize>,
}

impl CertData {
    pub fn new(
        list: Vec<CertificateRequest>,
        calendar: &Calendar,
        council_name: impl Fn(&CertificateRequest) -> String,
    ) -> CertData {
        let mut data = CertData::default();
        data.list.reserve(list.len());
        for c in list {
            data.put(c, calendar, &council_name);
        }
        data
    }

    pub fn get(&self, id: u64) -> Option<&CertificateRequest> {
        self.by_id.get(&id).map(|&i| &self.list[i])
    }

    pub fn index_of(&self, id: u64) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// Adds or replaces a request, recomputing what derives from it.
    pub fn put(
        &mut self,
        c: CertificateRequest,
        calendar: &Calendar,
        council_name: impl Fn(&CertificateRequest) -> String,
    ) {
        let due = calendar.due(c.received_at, c.urgent);
        let folded = fold(&format!("{} {}", c.holder, council_name(&c)));
        match self.by_id.get(&c.id) {
            Some(&i) => {
                self.list[i] = c;
                self.due[i] = due;
                self.folded[i] = folded;
            }
            None => {
                self.by_id.insert(c.id, self.list.len());
                self.list.push(c);
                self.due.push(due);
                self.folded.push(folded);
            }
        }
    }

    pub fn remove(&mut self, id: u64) {
        let Some(i) = self.by_id.remove(&id) else { return };
        self.list.swap_remove(i);
        self.due.swap_remove(i);
        self.folded.swap_remove(i);
        if let Some(moved) = self.list.get(i) {
            self.by_id.insert(moved.id, i);
        }
    }
}
