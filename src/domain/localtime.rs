//! Times as people and spreadsheets write them, read in the office's time zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A local time as forms show it: "2026-12-04 10:00".
pub fn format_local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// Reads a local date and time ("2026-12-04 10:00", "04/12/2026 10:00"); a bare date is 00:00.
pub fn parse_local(text: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| {
        ["%Y-%m-%d", "%d/%m/%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// An RFC 3339 time, or a local time without offset read in `tz`.
pub fn parse_time(text: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    // RFC 3339, or ISO 8601 without seconds (`2026-12-04T10:00+01:00`, `…T09:00Z`).
    let zoned = text
        .strip_suffix(['Z', 'z'])
        .map_or_else(|| text.to_string(), |rest| format!("{rest}+00:00"));
    DateTime::parse_from_rfc3339(&zoned)
        .or_else(|_| DateTime::parse_from_str(&zoned, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| DateTime::parse_from_str(&zoned, "%Y-%m-%d %H:%M%:z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| parse_local(text, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_office_zone() {
        let tz = chrono_tz::Europe::Madrid;
        let t = parse_local("2026-12-04 10:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-04T09:00:00+00:00");
        assert_eq!(parse_local("04/12/2026 10:00", tz), Some(t));
        assert_eq!(
            parse_local("2026-07-01", tz).unwrap().to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        assert_eq!(parse_local("ahir", tz), None);
        assert_eq!(format_local(t, tz), "2026-12-04 10:00");
        assert_eq!(parse_time("2026-12-04T10:00:00+01:00", tz), Some(t));
        assert_eq!(parse_time("2026-12-04T10:00", tz), Some(t));
        assert_eq!(parse_time("2026-12-04T10:00+01:00", tz), Some(t));
        assert_eq!(parse_time("2026-12-04T09:00Z", tz), Some(t));
        assert_eq!(parse_time("2026-12-04T09:00:00Z", tz), Some(t));
    }
}
