//! The kinds of record the store keeps, one sled tree each, keys in big-endian.

use crate::domain::certificate::CertificateRequest;
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Municipality,
    Rollout,
    Certificate,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Municipality, Kind::Rollout, Kind::Certificate];

    pub fn tree_name(self) -> &'static str {
        match self {
            Kind::Municipality => "municipalities",
            Kind::Rollout => "rollout",
            Kind::Certificate => "certificates",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    Municipality(Municipality),
    Rollout(Rollout),
    Certificate(CertificateRequest),
}

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::Municipality(_) => Kind::Municipality,
            Record::Rollout(_) => Kind::Rollout,
            Record::Certificate(_) => Kind::Certificate,
        }
    }

    /// The value as stored in its tree: the record itself, without the kind.
    pub fn encode_value(&self) -> Result<Vec<u8>, super::codec::CodecError> {
        match self {
            Record::Municipality(m) => super::codec::encode(m),
            Record::Rollout(r) => super::codec::encode(r),
            Record::Certificate(c) => super::codec::encode(c),
        }
    }

    pub fn key(&self) -> Vec<u8> {
        match self {
            Record::Municipality(m) => municipality_key(m.ine).to_vec(),
            Record::Rollout(r) => rollout_key(r.ine, &r.service),
            Record::Certificate(c) => certificate_key(c.id).to_vec(),
        }
    }
}

pub fn municipality_key(ine: IneCode) -> [u8; 4] {
    ine.0.to_be_bytes()
}

/// The council first, so one council's services are one range scan.
pub fn rollout_key(ine: IneCode, service: &str) -> Vec<u8> {
    let mut key = ine.0.to_be_bytes().to_vec();
    key.extend_from_slice(service.as_bytes());
    key
}

pub fn certificate_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

/// One record's change: absent before means created, absent after means removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub before: Option<Record>,
    pub after: Option<Record>,
}

impl Edit {
    pub fn create(after: Record) -> Edit {
        Edit {
            before: None,
            after: Some(after),
        }
    }

    pub fn update(before: Record, after: Record) -> Edit {
        Edit {
            before: Some(before),
            after: Some(after),
        }
    }

    fn any(&self) -> Option<&Record> {
        self.after.as_ref().or(self.before.as_ref())
    }

    pub fn kind(&self) -> Option<Kind> {
        self.any().map(Record::kind)
    }

    pub fn key(&self) -> Option<Vec<u8>> {
        self.any().map(Record::key)
    }

    pub fn inverse(&self) -> Edit {
        Edit {
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// A unit of work: what the user did, as the records it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// A machine name for the action, e.g. "contacts.edit"; kept in the history.
    pub action: String,
    pub edits: Vec<Edit>,
    /// False for changes `u` must not walk back, such as seeding the store.
    pub undoable: bool,
}

impl Change {
    pub fn new(action: impl Into<String>, edits: Vec<Edit>) -> Change {
        Change {
            action: action.into(),
            edits,
            undoable: true,
        }
    }

    /// The same change, kept in the history but out of reach of undo.
    pub fn not_undoable(mut self) -> Change {
        self.undoable = false;
        self
    }

    pub fn update(action: impl Into<String>, before: Record, after: Record) -> Change {
        Change::new(action, vec![Edit::update(before, after)])
    }
}
