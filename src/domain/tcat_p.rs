//! The software certificate's two clocks (T-CAT P). After issue, the council's
//! responsable del servei has 30 natural days to deliver it; the holder then has
//! 10 natural days from delivery to download it. Either clock run out, the
//! certificate is lost and must be requested again.

use super::certificate::{CertStatus, CertificateRequest};
use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The software certificate's type code.
pub const CODE: &str = "tcat-p";
/// Natural days to deliver, from the day after issue.
pub const DELIVERY_DAYS: u64 = 30;
/// Natural days to download, from the day after delivery.
pub const DOWNLOAD_DAYS: u64 = 10;

/// Where a T-CAT P is between issue and download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Issued, to be delivered by the responsable del servei before `due`.
    ToDeliver { due: DateTime<Utc> },
    /// Delivered, to be downloaded by the holder before `due`.
    ToDownload { due: DateTime<Utc> },
    /// Not delivered in time: lost since `since`.
    LostUndelivered { since: DateTime<Utc> },
    /// Not downloaded in time: lost since `since`.
    LostNotDownloaded { since: DateTime<Utc> },
}

impl Clock {
    pub fn is_lost(self) -> bool {
        matches!(
            self,
            Clock::LostUndelivered { .. } | Clock::LostNotDownloaded { .. }
        )
    }
}

/// The end of the `days`-th natural day after `from`'s day, in office time: a
/// day counts whole, whatever the hour, and months end where the calendar says.
pub fn natural_deadline(from: DateTime<Utc>, days: u64, tz: Tz) -> DateTime<Utc> {
    let last = from.with_timezone(&tz).date_naive() + Days::new(days);
    let next = (last + Days::new(1)).and_time(NaiveTime::MIN);
    // Midnight exists in every Catalan day (summer time starts at 2:00).
    tz.from_local_datetime(&next).earliest().map_or_else(
        || from + chrono::Duration::days(days as i64 + 1),
        |t| t.with_timezone(&Utc),
    )
}

/// The clock a request shows now, if it is a T-CAT P between issue and download.
pub fn clock(c: &CertificateRequest, now: DateTime<Utc>, tz: Tz) -> Option<Clock> {
    if c.cert_type != CODE || c.downloaded_at().is_some() {
        return None;
    }
    match c.status {
        CertStatus::Issued => {
            let due = natural_deadline(c.issued_at?, DELIVERY_DAYS, tz);
            Some(match now < due {
                true => Clock::ToDeliver { due },
                false => Clock::LostUndelivered { since: due },
            })
        }
        CertStatus::Delivered => {
            let due = natural_deadline(c.delivered_at?, DOWNLOAD_DAYS, tz);
            Some(match now < due {
                true => Clock::ToDownload { due },
                false => Clock::LostNotDownloaded { since: due },
            })
        }
        _ => None,
    }
}

/// Natural days left after today until the last day before `due` (0 on the last
/// day itself), in office time.
pub fn days_left(due: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> i64 {
    let day = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    (day(due - chrono::Duration::seconds(1)) - day(now)).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::HolderRole;
    use crate::domain::municipality::IneCode;

    const TZ: Tz = chrono_tz::Europe::Madrid;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn software(issued: &str) -> CertificateRequest {
        let mut c =
            CertificateRequest::received(1, IneCode(252228), "Anna", HolderRole::Other, CODE, at(issued));
        c.status = CertStatus::Issued;
        c.issued_at = Some(at(issued));
        c
    }

    #[test]
    fn the_delivery_clock_runs_30_natural_days_across_a_month_end() {
        // Issued on Sunday 31 January 2027 at 18:00 in Barcelona: day 1 is 1 February,
        // day 30 is 2 March (February has 28 days); lost from 3 March at 00:00.
        let c = software("2027-01-31T17:00:00Z");
        let due = at("2027-03-02T23:00:00Z");
        assert_eq!(natural_deadline(at("2027-01-31T17:00:00Z"), 30, TZ), due);
        assert_eq!(
            clock(&c, at("2027-03-02T22:59:00Z"), TZ),
            Some(Clock::ToDeliver { due })
        );
        assert_eq!(days_left(due, at("2027-03-02T22:59:00Z"), TZ), 0, "the last day");
        assert_eq!(days_left(due, at("2027-02-01T09:00:00Z"), TZ), 29);
        assert_eq!(clock(&c, due, TZ), Some(Clock::LostUndelivered { since: due }));
        assert!(clock(&c, due, TZ).unwrap().is_lost());
    }

    #[test]
    fn the_download_clock_runs_10_natural_days_from_delivery_across_a_month_end() {
        let mut c = software("2026-12-01T09:00:00Z");
        c.status = CertStatus::Delivered;
        // Delivered on 25 December at 23:30 in Barcelona (22:30 UTC): the 10 days
        // run 26 December to 4 January, across the year's end too.
        c.delivered_at = Some(at("2026-12-25T22:30:00Z"));
        let due = at("2027-01-04T23:00:00Z");
        assert_eq!(
            clock(&c, at("2027-01-04T12:00:00Z"), TZ),
            Some(Clock::ToDownload { due })
        );
        assert_eq!(
            clock(&c, at("2027-01-05T00:00:00Z"), TZ),
            Some(Clock::LostNotDownloaded { since: due })
        );
        c.set_downloaded_at(Some(at("2027-01-02T10:00:00Z")));
        assert_eq!(
            clock(&c, at("2027-01-05T00:00:00Z"), TZ),
            None,
            "downloaded: no clock"
        );
    }

    #[test]
    fn a_card_certificate_has_no_such_clocks() {
        let mut c = software("2026-12-01T09:00:00Z");
        c.cert_type = "tcat".into();
        assert_eq!(clock(&c, at("2027-06-01T09:00:00Z"), TZ), None);
        let mut open = software("2026-12-01T09:00:00Z");
        open.status = CertStatus::Filed;
        assert_eq!(clock(&open, at("2026-12-02T09:00:00Z"), TZ), None);
    }
}
