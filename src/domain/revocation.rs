//! What the AOC's revocation form asks (the five reasons), and the appointment
//! check the ER makes in EACAT's register before filing for a secretary,
//! intervenor or treasurer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The reasons of the EACAT form "T-CAT: Sol·licitud de revocacions".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RevocationReason {
    /// The certificate's data changed.
    DataChanged,
    /// The key or the PIN was compromised.
    KeyCompromised,
    /// The card was lost or is unusable.
    CardLost,
    /// The holder's relationship with the ens ended.
    RelationshipEnded,
    /// The holder is on a list of prohibited subscribers.
    ProhibitedList,
}

impl RevocationReason {
    pub const ALL: [RevocationReason; 5] = [
        RevocationReason::DataChanged,
        RevocationReason::KeyCompromised,
        RevocationReason::CardLost,
        RevocationReason::RelationshipEnded,
        RevocationReason::ProhibitedList,
    ];

    /// The name in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::DataChanged => "data_changed",
            RevocationReason::KeyCompromised => "key_compromised",
            RevocationReason::CardLost => "card_lost",
            RevocationReason::RelationshipEnded => "relationship_ended",
            RevocationReason::ProhibitedList => "prohibited_list",
        }
    }

    pub fn parse(text: &str) -> Option<RevocationReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// Every name, for a message that lists what is allowed.
    pub fn names() -> String {
        Self::ALL.map(|r| r.as_str()).join(", ")
    }
}

/// The ER looked the appointment up in EACAT's register: when, who, and whether
/// it was there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentCheck {
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub at: DateTime<Utc>,
    pub user: String,
    pub found: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_has_its_name_and_reads_back() {
        let names: Vec<&str> = RevocationReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names,
            [
                "data_changed",
                "key_compromised",
                "card_lost",
                "relationship_ended",
                "prohibited_list"
            ]
        );
        for r in RevocationReason::ALL {
            assert_eq!(RevocationReason::parse(&format!(" {} ", r.as_str())), Some(r));
        }
        assert_eq!(RevocationReason::parse("lost"), None);
    }
}
