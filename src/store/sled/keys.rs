//! How sled keys records: one tree per kind, keys in big-endian so that a tree
//! iterates in id order. Nothing outside this backend sees a byte key.

use super::codec::{self, CodecError};
use crate::store::{Kind, Record, RecordId};

/// The tree that holds a kind's records.
pub(super) fn tree_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Municipality => "municipalities",
        Kind::Rollout => "rollout",
        Kind::Certificate => "certificates",
        Kind::Activity => "activities",
        Kind::Operator => "operators",
        Kind::Service => "services",
    }
}

/// The kind's byte in the history index. Stored: never renumber.
pub(super) fn kind_byte(kind: Kind) -> u8 {
    match kind {
        Kind::Municipality => 0,
        Kind::Rollout => 1,
        Kind::Certificate => 2,
        Kind::Activity => 3,
        Kind::Operator => 4,
        Kind::Service => 5,
    }
}

/// The meta key of a numbered kind's next id. Stored: never rename.
pub(super) fn counter_key(kind: Kind) -> Option<&'static [u8]> {
    match kind {
        Kind::Certificate => Some(b"next_certificate_id"),
        Kind::Activity => Some(b"next_activity_id"),
        Kind::Municipality | Kind::Rollout | Kind::Operator | Kind::Service => None,
    }
}

pub(super) fn key(id: &RecordId) -> Vec<u8> {
    match id {
        RecordId::Municipality(ine) => ine.0.to_be_bytes().to_vec(),
        // The council first, so one council's services are one range scan.
        RecordId::Rollout(ine, service) => {
            let mut key = ine.0.to_be_bytes().to_vec();
            key.extend_from_slice(service.as_bytes());
            key
        }
        RecordId::Certificate(id) | RecordId::Activity(id) => id.to_be_bytes().to_vec(),
        RecordId::Operator(name) | RecordId::Service(name) => name.as_bytes().to_vec(),
    }
}

pub(super) fn record_key(record: &Record) -> Vec<u8> {
    key(&record.id())
}

/// The value as stored in its tree: the record itself, without the kind.
pub(super) fn encode_value(record: &Record) -> Result<Vec<u8>, CodecError> {
    match record {
        Record::Municipality(m) => codec::encode(m),
        Record::Rollout(r) => codec::encode(r),
        Record::Certificate(c) => codec::encode(c),
        Record::Activity(a) => codec::encode(a),
        Record::Operator(o) => codec::encode(o),
        Record::Service(s) => codec::encode(s),
    }
}

/// A value read from `kind`'s tree.
pub(super) fn decode_value(kind: Kind, bytes: &[u8]) -> Result<Record, CodecError> {
    Ok(match kind {
        Kind::Municipality => Record::Municipality(codec::decode(bytes)?),
        Kind::Rollout => Record::Rollout(codec::decode(bytes)?),
        Kind::Certificate => Record::Certificate(codec::decode(bytes)?),
        Kind::Activity => Record::Activity(codec::decode(bytes)?),
        Kind::Operator => Record::Operator(codec::decode(bytes)?),
        Kind::Service => Record::Service(codec::decode(bytes)?),
    })
}
