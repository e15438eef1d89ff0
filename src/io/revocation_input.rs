//! A certificates file's `revokes_id`, `revocation_reason` and `renews_id`
//! columns: read on the first pass, checked against the store's requests on the
//! second.

use super::csv_input::CsvRow;
use super::{IoError, Problem};
use crate::domain::certificate::CertificateRequest;
use crate::domain::revocation::RevocationReason;
use crate::ops;
use crate::store::{Kind, Record, Store};
use std::collections::HashMap;

/// The request a row's revocation revokes, by its number in the store.
pub fn revokes(row: &CsvRow, column: Option<usize>) -> Result<Option<u64>, IoError> {
    request_id(row, column, "revokes_id")
}

/// The request whose certificate a row renews, by its number in the store.
pub fn renews(row: &CsvRow, column: Option<usize>) -> Result<Option<u64>, IoError> {
    request_id(row, column, "renews_id")
}

fn request_id(row: &CsvRow, column: Option<usize>, field: &'static str) -> Result<Option<u64>, IoError> {
    let Some(column) = column else {
        return Ok(None);
    };
    let text = row.get(column, field)?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.trim_start_matches('#').parse().map(Some).map_err(|_| {
        row.error(Problem::UnknownValue {
            field,
            value: text.into(),
        })
    })
}

pub fn reason(row: &CsvRow, column: Option<usize>) -> Result<Option<RevocationReason>, IoError> {
    let Some(column) = column else {
        return Ok(None);
    };
    let text = row.get(column, "revocation_reason")?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    RevocationReason::parse(text).map(Some).ok_or_else(|| {
        row.error(Problem::UnknownValue {
            field: "revocation_reason",
            value: text.into(),
        })
    })
}

/// What a file's revocations are checked against: the store's requests (read
/// only when the file has the columns), and the certificates earlier rows revoke.
pub struct Links {
    stored: HashMap<u64, CertificateRequest>,
    revoked_by: HashMap<u64, u64>,
    in_file: HashMap<u64, u64>,
}

impl Links {
    pub fn new(store: &dyn Store, needed: bool) -> Result<Links, IoError> {
        let mut links = Links {
            stored: HashMap::new(),
            revoked_by: HashMap::new(),
            in_file: HashMap::new(),
        };
        if !needed {
            return Ok(links);
        }
        for record in store.records(Kind::Certificate).map_err(IoError::Store)? {
            if let Record::Certificate(c) = record.map_err(IoError::Store)? {
                if ops::revocation::is_live(&c)
                    && let Some(id) = c.revokes
                {
                    links.revoked_by.insert(id, c.id);
                }
                links.stored.insert(c.id, c);
            }
        }
        Ok(links)
    }

    /// A row that names a certificate to revoke, or a reason: the certificate
    /// exists, is the same council's, was issued and had not expired when the
    /// revocation was received, and nothing else revokes it. A revocation without
    /// either (a file from before they were kept) is taken as it is.
    pub fn check(&mut self, line: u64, c: &CertificateRequest) -> Result<(), IoError> {
        // A renewal names a certificate of the store, of the same council.
        if let Some(id) = c.renews {
            let same_council = self.stored.get(&id).is_some_and(|old| old.ine == c.ine);
            if !same_council {
                return Err(IoError::Line {
                    line,
                    problem: Problem::UnknownValue {
                        field: "renews_id",
                        value: id.to_string(),
                    },
                });
            }
        }
        if c.revokes.is_none() && c.revocation_reason.is_none() {
            return Ok(());
        }
        let target = c.revokes.and_then(|id| self.stored.get(&id));
        let already = c.revokes.and_then(|id| self.revoked_by.get(&id)).copied();
        ops::revocation::check(c, target, already).map_err(|rule| IoError::Line {
            line,
            problem: Problem::Rule(rule),
        })?;
        if let Some(id) = c.revokes
            && let Some(first) = self.in_file.insert(id, line)
        {
            return Err(IoError::Line {
                line,
                problem: Problem::RevokedTwice { id, line: first },
            });
        }
        Ok(())
    }
}
