//! Municipal elections: taking office follows them, so a mayor's card asked for
//! between the election and the constitution of the new council (about 20 days)
//! may be for someone who will not hold the post. The AOC advises waiting.

use super::certificate::{CertificateRequest, HolderRole, Operation};
use chrono::{Days, NaiveDate};

/// Days from the election to the new councils' constitution (the 20th day after).
pub const WINDOW_DAYS: u32 = 20;

/// The next municipal elections: the fourth Sunday of May 2027.
pub fn default_dates() -> Vec<NaiveDate> {
    NaiveDate::from_ymd_opt(2027, 5, 23).into_iter().collect()
}

/// The election whose window `day` falls in (from election day to `window` days
/// after, both included), if a mayor's card request on that day is to wait.
pub fn warning_for(
    c: &CertificateRequest,
    day: NaiveDate,
    elections: &[NaiveDate],
    window: u32,
) -> Option<NaiveDate> {
    let card = c.cert_type != super::tcat_p::CODE;
    if c.role != HolderRole::Mayor || c.operation == Operation::Revocation || !card {
        return None;
    }
    elections.iter().copied().find(|&e| {
        day >= e
            && e.checked_add_days(Days::new(u64::from(window)))
                .is_some_and(|end| day <= end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::municipality::IneCode;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_mayors_card_asked_for_between_the_election_and_the_new_council_is_warned() {
        let at = "2027-05-24T09:00:00Z".parse().unwrap();
        let mut c = CertificateRequest::received(1, IneCode(252228), "Anna", HolderRole::Mayor, "tcat", at);
        let elections = default_dates();
        assert_eq!(warning_for(&c, day("2027-05-22"), &elections, 20), None, "before");
        assert_eq!(
            warning_for(&c, day("2027-05-23"), &elections, 20),
            Some(day("2027-05-23"))
        );
        assert_eq!(
            warning_for(&c, day("2027-06-12"), &elections, 20),
            Some(day("2027-05-23"))
        );
        assert_eq!(
            warning_for(&c, day("2027-06-13"), &elections, 20),
            None,
            "constituted"
        );
        assert_eq!(
            warning_for(&c, day("2027-06-13"), &elections, 30),
            Some(day("2027-05-23"))
        );
        c.role = HolderRole::Secretary;
        assert_eq!(warning_for(&c, day("2027-05-24"), &elections, 20), None);
        c.role = HolderRole::Mayor;
        c.cert_type = "tcat-p".into();
        assert_eq!(
            warning_for(&c, day("2027-05-24"), &elections, 20),
            None,
            "software, not a card"
        );
    }
}
