//! Filing a request from the command line with its revocation's link checked
//! against the store: the certificate it names, and any revocation of it.

use crate::domain::certificate::{CertificateRequest, Operation};
use crate::ops::{self, RuleError};
use crate::store::{Change, Kind, Record, Store, StoreError};
use chrono::{DateTime, Utc};

pub enum Refused {
    Rule(RuleError),
    Store(StoreError),
}

/// The change that files `request`: a revocation with the certificate it revokes.
pub fn file(store: &dyn Store, request: CertificateRequest, now: DateTime<Utc>) -> Result<Change, Refused> {
    if request.operation != Operation::Revocation {
        ops::revocation::check(&request, None, None).map_err(Refused::Rule)?;
        return ops::requests::file_request(request, now).map_err(Refused::Rule);
    }
    let Some(id) = request.revokes() else {
        return Err(Refused::Rule(
            ops::revocation::check(&request, None, None)
                .err()
                .unwrap_or(RuleError::Empty(ops::Field::Revokes)),
        ));
    };
    let mut revoked = None;
    let mut already = None;
    for record in store.records(Kind::Certificate).map_err(Refused::Store)? {
        let Record::Certificate(c) = record.map_err(Refused::Store)? else {
            continue;
        };
        if c.id == id {
            revoked = Some(c);
        } else if ops::revocation::is_live(&c) && c.revokes() == Some(id) {
            already = Some(c.id);
        }
    }
    ops::revocation::check(&request, revoked.as_ref(), already).map_err(Refused::Rule)?;
    let revoked = revoked.ok_or(Refused::Rule(RuleError::RevokesUnknown(id)))?;
    ops::revocation::file(request, &revoked, now).map_err(Refused::Rule)
}
