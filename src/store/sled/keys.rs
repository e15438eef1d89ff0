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
    }
}

/// The kind's byte in the history index. Stored: never renumber.
pub(super) fn kind_byte(kind: Kind) -> u8 {
    match kind {
        Kind::Municipality => 0,
        Kind::Rollout => 1,
        Kind::Certificate => 2,
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
        RecordId::Certificate(id) => id.to_be_bytes().to_vec(),
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
    }
}

/// A value read from `kind`'s tree.
pub(super) fn decode_value(kind: Kind, bytes: &[u8]) -> Result<Record, CodecError> {
    Ok(match kind {
        Kind::Municipality => Record::Municipality(codec::decode(bytes)?),
        Kind::Rollout => Record::Rollout(codec::decode(bytes)?),
        Kind::Certificate => Record::Certificate(codec::decode(bytes)?),
    })
}
