//! A certificates file's `revokes_id` and `revocation_reason` columns: read on
//! the first pass, checked against the store's requests on the second.

use super::csv_input::CsvRow;
use super::{IoError, Problem};
use crate::domain::certificate::CertificateRequest;
use crate::domain::revocation::RevocationReason;
use crate::ops;
use crate::store::{Kind, Record, Store};
use std::collections::HashMap;

/// The request a row's revocation revokes, by its number in the store.
pub fn revokes(row: &CsvRow, column: Option<usize>) -> Result<Option<u64>, IoError> {
    let Some(column) = column else {
        return Ok(None);
    };
    let text = row.get(column, "revokes_id")?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.trim_start_matches('#').parse().map(Some).map_err(|_| {
        row.error(Problem::UnknownValue {
            field: "revokes_id",
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

/// Each row that names a certificate to revoke, or a reason, against the store:
/// the certificate exists, is the same council's, was issued and had not expired
/// when the revocation was received, and no other revocation has it. A
/// revocation without either (a file from before they were kept) is taken as it is.
pub fn check_links(store: &dyn Store, rows: &[(u64, CertificateRequest)]) -> Result<(), IoError> {
    let linked = |c: &CertificateRequest| c.revokes.is_some() || c.revocation_reason.is_some();
    if !rows.iter().any(|(_, c)| linked(c)) {
        return Ok(());
    }
    let mut stored: HashMap<u64, CertificateRequest> = HashMap::new();
    let mut revoked_by: HashMap<u64, u64> = HashMap::new();
    for record in store.records(Kind::Certificate).map_err(IoError::Store)? {
        if let Record::Certificate(c) = record.map_err(IoError::Store)? {
            if ops::revocation::is_live(&c)
                && let Some(id) = c.revokes
            {
                revoked_by.insert(id, c.id);
            }
            stored.insert(c.id, c);
        }
    }
    // Two rows of the file revoking one certificate: the second is refused too.
    let mut in_file: HashMap<u64, u64> = HashMap::new();
    for (line, c) in rows.iter().filter(|(_, c)| linked(c)) {
        let target = c.revokes.and_then(|id| stored.get(&id));
        let already = c.revokes.and_then(|id| revoked_by.get(&id)).copied();
        ops::revocation::check(c, target, already).map_err(|rule| IoError::Line {
            line: *line,
            problem: Problem::Rule(rule),
        })?;
        if let Some(id) = c.revokes
            && let Some(first) = in_file.insert(id, *line)
        {
            return Err(IoError::Line {
                line: *line,
                problem: Problem::RevokedTwice { id, line: first },
            });
        }
    }
    Ok(())
}
