//! What a store shared by several technicians adds to the trait's words: news of
//! other writers' changes, who created and last changed each record, and the
//! settings an office shares. A single-user backend has none of them.

use chrono::NaiveDate;

/// News from a shared store, sent from its own thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Changes were committed: read `changes_since`. The numbers of those the
    /// store announced (none: whatever changed, read it all).
    Changed(Vec<u64>),
    /// The server cannot be reached; why, in the server's or the system's words.
    Lost(String),
    /// Reachable again: what changed meanwhile is to be read.
    Back,
    /// The store, opened after the first screen, was refused (damaged): its
    /// `opened` says why. Nothing was written to it.
    Refused,
}

/// Where a shared store sends its signals; false once nobody listens (the
/// watching thread then ends).
pub type Notify = Box<dyn FnMut(Signal) -> bool + Send>;

/// Who created a record and who changed it last, from the history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authors {
    pub created_by: String,
    pub updated_by: String,
}

/// Settings every technician of an office must agree on, kept in a shared store
/// rather than in each one's config.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedSettings {
    /// The office's local holidays (not working days).
    pub local_holidays: Vec<NaiveDate>,
    /// Several offices share the database: each sees only its comarca's records.
    pub multi_office: bool,
}
