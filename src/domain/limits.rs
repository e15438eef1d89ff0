//! How long a field may be, wherever the text comes from (a form, a CSV file, the
//! command line): a 200 KB paste or a runaway spreadsheet cell stops here.

pub const NAME: usize = 120;
pub const PHONE: usize = 40;
pub const EMAIL: usize = 120;
pub const NOTES: usize = 2000;
pub const REASON: usize = 200;
pub const FILTER: usize = 100;
/// An activity's one-line summary.
pub const SUMMARY: usize = 200;
/// Minutes spent on one activity: a week of full days is a typo.
pub const MINUTES: u32 = 9_999;
/// Attendees of one council at a training.
pub const ATTENDEES: u32 = 999;
/// A training's length, in minutes (99 hours).
pub const SESSION_MINUTES: u32 = 99 * 60;

/// The longest text the shared store takes in a record, in characters (its
/// schema 10 refuses a longer one): every limit above must stay within it.
pub const STORED_TEXT: usize = 10_000;
/// The largest record the shared store takes, as JSON text, in bytes.
pub const STORED_RECORD_BYTES: usize = 1 << 20;

/// The earliest and latest instants the shared store takes (1900-01-01 and the
/// end of 9999, UTC, in milliseconds): far within chrono's range, so that any
/// of them can be shown in local time and moved by a deadline.
pub const EARLIEST_INSTANT_MS: i64 = -2_208_988_800_000;
pub const LATEST_INSTANT_MS: i64 = 253_402_300_799_999;

/// Whether `text` fits in `max` characters.
pub fn fits(text: &str, max: usize) -> bool {
    text.chars().nth(max).is_none()
}

/// An address with something before the `@`, a dot after it and no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !email.contains(' '),
        None => false,
    }
}

/// A phone number as people write one: digits and spaces, a `+` before the
/// country code, and an extension after it (`973 00 00 00 ext. 12`, `x12`).
pub fn is_plausible_phone(phone: &str) -> bool {
    let lower = phone.trim().to_lowercase();
    let (number, extension) = match lower.find("ext").or_else(|| lower.find('x')) {
        Some(at) => (&lower[..at], Some(&lower[at..])),
        None => (lower.as_str(), None),
    };
    let number = number.trim();
    let digits = number.strip_prefix('+').unwrap_or(number);
    let number_ok = digits.chars().filter(char::is_ascii_digit).count() >= 3
        && digits.chars().all(|c| c.is_ascii_digit() || c == ' ');
    let extension_ok = extension.is_none_or(|e| {
        let e = e.trim_start_matches("extensió").trim_start_matches("extension");
        let e = e.trim_start_matches("ext").trim_start_matches('x');
        let e = e.trim_start_matches('.').trim();
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    number_ok && extension_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_is_digits_spaces_a_leading_plus_and_an_extension() {
        for good in [
            "973 00 00 00",
            "+34 973 00 00 00",
            "973000000",
            "973 00 00 00 ext. 12",
            "973000000 x 3",
            "012",
        ] {
            assert!(is_plausible_phone(good), "{good}");
        }
        for bad in [
            "truqueu al matí",
            "973 00 00 00 (matins)",
            "97+3",
            "973-00",
            "ext. 12",
            "973 ext.",
            "12",
        ] {
            assert!(!is_plausible_phone(bad), "{bad}");
        }
    }

    #[test]
    fn every_text_limit_is_within_what_the_shared_store_takes() {
        for limit in [NAME, PHONE, EMAIL, NOTES, REASON, FILTER, SUMMARY] {
            assert!(limit <= STORED_TEXT, "{limit}");
        }
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(fits(&"à".repeat(120), NAME));
        assert!(!fits(&"a".repeat(121), NAME));
        assert!(is_plausible_email("secretaria@tiurana.cat"));
        assert!(!is_plausible_email("not-an-email"));
        assert!(!is_plausible_email("a b@c.cat"));
    }
}
