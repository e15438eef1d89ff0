//! Times as people and spreadsheets write them, read in the office's time zone.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Why a written time was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// Not a time in any accepted format.
    Unreadable,
    /// A local time the clocks skip when summer time starts (`2026-03-29 02:30` in Madrid).
    Skipped,
}

/// A local time as forms show it: "2026-12-04 10:00".
pub fn format_local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// Reads a local date and time ("2026-12-04 10:00", "04/12/2026 10:00"); a bare date is 00:00.
/// An hour that happens twice when summer time ends is its first occurrence (summer time):
/// that is what a clock on the wall showed first; an offset names the second one.
pub fn parse_local(text: &str, tz: Tz) -> Result<DateTime<Utc>, TimeError> {
    let text = text.trim();
    let naive = minutes(text).or_else(|| {
        [
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
        })
    });
    let naive = naive.ok_or(TimeError::Unreadable)?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(TimeError::Skipped),
    }
}

/// `2026-12-04 10:00` exactly, read without chrono's format parser: the form
/// exports and imports write, and a million of them are read per large import.
fn minutes(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let shape = b.len() == 16 && b[4] == b'-' && b[7] == b'-' && b[10] == b' ' && b[13] == b':';
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if !shape {
        return None;
    }
    let day = NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
    day.and_hms_opt(number(11..13)?, number(14..16)?, 0)
}

/// A day as people write it: 2026-11-26, 26/11/2026, 26-11-2026 or 26.11.2026.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// An RFC 3339 time, or a local time without offset read in `tz`.
pub fn parse_time(text: &str, tz: Tz) -> Result<DateTime<Utc>, TimeError> {
    let text = text.trim();
    // The common case has no offset: read at once, without trying the zoned forms.
    if minutes(text).is_some() {
        return parse_local(text, tz);
    }
    // RFC 3339, or ISO 8601 without seconds (`2026-12-04T10:00+01:00`, `…T09:00Z`).
    let zoned = text
        .strip_suffix(['Z', 'z'])
        .map_or_else(|| text.to_string(), |rest| format!("{rest}+00:00"));
    DateTime::parse_from_rfc3339(&zoned)
        .or_else(|_| DateTime::parse_from_str(&zoned, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| DateTime::parse_from_str(&zoned, "%Y-%m-%d %H:%M%:z"))
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| parse_local(text, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_office_zone() {
        let tz = chrono_tz::Europe::Madrid;
        let t = parse_local("2026-12-04 10:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-04T09:00:00+00:00");
        assert_eq!(parse_local("04/12/2026 10:00", tz), Ok(t));
        assert_eq!(
            parse_local("2026-07-01", tz).unwrap().to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        assert_eq!(parse_local("ahir", tz), Err(TimeError::Unreadable));
        assert_eq!(format_local(t, tz), "2026-12-04 10:00");
        assert_eq!(parse_time("2026-12-04T10:00:00+01:00", tz), Ok(t));
        assert_eq!(parse_time("2026-12-04T10:00", tz), Ok(t));
        assert_eq!(parse_time("2026-12-04T10:00+01:00", tz), Ok(t));
        assert_eq!(parse_time("2026-12-04T09:00Z", tz), Ok(t));
        assert_eq!(parse_time("2026-12-04T09:00:00Z", tz), Ok(t));
    }

    #[test]
    fn the_quick_reading_agrees_with_chrono() {
        let tz = chrono_tz::Europe::Madrid;
        let slow = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").ok();
        for text in [
            "2026-12-04 10:00",
            "2024-02-29 23:59",
            "2026-02-29 10:00",
            "2026-13-01 10:00",
            "2026-12-04 24:00",
            "2026-12-04 10:60",
            "2026-12-04 1a:00",
            "+026-12-04 10:00",
            "2026-12-04T10:00",
            "2026-12-04 10:00:00",
        ] {
            // Read quickly only when chrono reads it the same; else left to chrono.
            if let Some(quick) = minutes(text) {
                assert_eq!(Some(quick), slow(text), "{text}");
            }
        }
        assert!(minutes("2026-12-04 10:00").is_some() && minutes("2024-02-29 23:59").is_some());
        assert_eq!(minutes("2026-02-29 10:00"), None);
        assert_eq!(
            parse_time("+026-12-04 10:00", tz),
            parse_local("0026-12-04 10:00", tz)
        );
        // Read through the quick path, the spring gap and the autumn hour are as before.
        assert_eq!(parse_time("2026-03-29 02:30", tz), Err(TimeError::Skipped));
        assert_eq!(parse_time("2026-02-30 10:00", tz), Err(TimeError::Unreadable));
    }

    #[test]
    fn days_in_iso_and_catalan_order() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26);
        assert_eq!(parse_day("2026-11-26"), d);
        assert_eq!(parse_day(" 26/11/2026 "), d);
        assert_eq!(parse_day("26.11.2026"), d);
        assert_eq!(parse_day("2026-02-30"), None);
    }

    #[test]
    fn the_spring_gap_is_named_and_the_autumn_hour_is_the_first() {
        let tz = chrono_tz::Europe::Madrid;
        assert_eq!(parse_local("2026-03-29 02:30", tz), Err(TimeError::Skipped));
        assert_eq!(parse_time("29/03/2026 02:00", tz), Err(TimeError::Skipped));
        assert_eq!(
            parse_local("2026-03-29 03:00", tz).unwrap().to_rfc3339(),
            "2026-03-29T01:00:00+00:00"
        );
        // 02:30 on 25 October happens twice: the summer-time one comes first.
        assert_eq!(
            parse_local("2026-10-25 02:30", tz).unwrap().to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
        assert_eq!(
            parse_time("2026-10-25T02:30+01:00", tz).unwrap().to_rfc3339(),
            "2026-10-25T01:30:00+00:00",
            "an offset picks the second"
        );
    }
}
