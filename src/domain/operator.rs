//! The office's own ER operators and their operator cards. A card lasts 4
//! years; renewing it means sending the Fitxa d'ER again, with every operator.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How long an operator card lasts.
pub const CARD_YEARS: u32 = 4;
/// From how many days before expiry the card is shown to renew.
pub const WARN_DAYS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// The operator's name, as written; its identity in the store.
    pub name: String,
    /// When the operator card was issued.
    pub card_issued_on: NaiveDate,
}

impl Operator {
    /// The card's last day: issued plus 4 years.
    pub fn card_expires_on(&self) -> NaiveDate {
        self.card_issued_on
            .checked_add_months(Months::new(CARD_YEARS * 12))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Days from `today` to the card's expiry (negative once expired).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.card_expires_on() - today).num_days()
    }

    /// Within 60 days of expiry, or expired: to renew.
    pub fn to_renew(&self, today: NaiveDate) -> bool {
        self.days_left(today) <= WARN_DAYS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_lasts_four_years_and_is_due_60_days_before() {
        let op = Operator {
            name: "Laia Font".into(),
            card_issued_on: "2023-02-28".parse().unwrap(),
        };
        assert_eq!(op.card_expires_on(), "2027-02-28".parse::<NaiveDate>().unwrap());
        assert!(!op.to_renew("2026-12-29".parse().unwrap()), "61 days before");
        assert!(op.to_renew("2026-12-30".parse().unwrap()), "60 days before");
        assert_eq!(op.days_left("2027-03-01".parse().unwrap()), -1);
    }
}
