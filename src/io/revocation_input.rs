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

/// What a file's revocations are checked against, as the store was before the
/// import: the requests the rows name, looked up one by one as they come; the
/// live revocations already stored, and the highest id (read once, when the file
/// has the columns, keeping only those); and the certificates earlier rows
/// revoke. Nothing else of the store is held.
#[derive(Clone)]
pub struct Links<'a> {
    store: &'a dyn Store,
    /// Ids above it are the import's own (a sled import writes as it goes).
    highest: u64,
    stored: HashMap<u64, Option<CertificateRequest>>,
    revoked_by: HashMap<u64, u64>,
    in_file: HashMap<u64, u64>,
}

impl<'a> Links<'a> {
    pub fn new(store: &'a dyn Store, needed: bool) -> Result<Links<'a>, IoError> {
        let mut links = Links {
            store,
            highest: 0,
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
                    && let Some(id) = c.revokes()
                {
                    links.revoked_by.insert(id, c.id);
                }
                links.highest = links.highest.max(c.id);
            }
        }
        Ok(links)
    }

    /// Reads request `id` from the store once, unless the import wrote it.
    fn look_up(&mut self, id: u64) -> Result<(), IoError> {
        if id <= self.highest && !self.stored.contains_key(&id) {
            let found = self.store.certificate(id).map_err(IoError::Store)?;
            self.stored.insert(id, found);
        }
        Ok(())
    }

    /// A row that names a certificate to revoke, or a reason: the certificate
    /// exists, is the same council's, was issued and had not expired when the
    /// revocation was received, and nothing else revokes it. A revocation without
    /// either (a file from before they were kept) is taken as it is.
    pub fn check(&mut self, line: u64, c: &mut CertificateRequest) -> Result<(), IoError> {
        // A renewal names a certificate of the store, of the same council.
        if let Some(id) = c.renews() {
            self.look_up(id)?;
            let same_council = self
                .stored
                .get(&id)
                .and_then(Option::as_ref)
                .is_some_and(|old| old.ine == c.ine);
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
        if c.revokes().is_none() && c.revocation_reason().is_none() {
            return Ok(());
        }
        if let Some(id) = c.revokes() {
            self.look_up(id)?;
        }
        let already = c.revokes().and_then(|id| self.revoked_by.get(&id)).copied();
        let target = c
            .revokes()
            .and_then(|id| self.stored.get(&id))
            .and_then(Option::as_ref);
        ops::revocation::check(c, target, already).map_err(|rule| IoError::Line {
            line,
            problem: Problem::Rule(rule),
        })?;
        if let Some(target) = target {
            ops::revocation::spelled_as(c, target);
        }
        if let Some(id) = c.revokes()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::{CertStatus, HolderRole, Operation};
    use crate::domain::municipality::IneCode;
    use crate::store::sled::SledStore;
    use crate::store::{Change, ChangeKind, Edit, NEW_ID};
    use chrono::{DateTime, Utc};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn card(ine: u32) -> CertificateRequest {
        let mut c = CertificateRequest::received(
            NEW_ID,
            IneCode(ine),
            "Maria Puig",
            HolderRole::Mayor,
            "tcat",
            at("2025-01-10T10:00:00Z"),
        );
        c.status = CertStatus::Delivered;
        c.issued_at = Some(at("2025-01-10T10:00:00Z"));
        c
    }

    fn revocation(of: u64) -> CertificateRequest {
        let mut c = card(252228);
        c.status = CertStatus::Received;
        c.issued_at = None;
        c.operation = Operation::Revocation;
        c.received_at = at("2026-12-01T10:00:00Z");
        c.set_revokes(Some(of));
        c.set_revocation_reason(Some(RevocationReason::KeyCompromised));
        c
    }

    #[test]
    fn only_the_requests_the_rows_name_are_read_and_the_imports_own_are_not_there() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let edits = (0..50)
            .map(|_| Edit::create(Record::Certificate(card(252228))))
            .collect();
        store
            .apply(
                Change::new(ChangeKind::ImportCertificates, edits),
                at("2026-11-01T09:00:00Z"),
            )
            .unwrap();
        let mut links = Links::new(&store, true).unwrap();
        assert_eq!(links.highest, 50);
        links.check(2, &mut revocation(7)).unwrap();
        // Held: the one request named, not the fifty.
        assert_eq!(links.stored.len(), 1);
        assert!(links.stored[&7].is_some());
        let twice = links.check(3, &mut revocation(7)).unwrap_err();
        assert!(matches!(twice, IoError::Line { line: 3, .. }), "{twice:?}");
        // A request written after the links were taken (an import's own, by a
        // sled import that writes as it goes) is not one to revoke.
        let edits = vec![Edit::create(Record::Certificate(card(252228)))];
        store
            .apply(
                Change::new(ChangeKind::ImportCertificates, edits),
                at("2026-11-01T09:00:00Z"),
            )
            .unwrap();
        assert!(store.certificate(51).unwrap().is_some());
        let unknown = links.check(4, &mut revocation(51)).unwrap_err();
        assert!(
            matches!(
                &unknown,
                IoError::Line {
                    line: 4,
                    problem: Problem::Rule(crate::ops::RuleError::RevokesUnknown(51))
                }
            ),
            "{unknown:?}"
        );
    }
}
