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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(fits(&"à".repeat(120), NAME));
        assert!(!fits(&"a".repeat(121), NAME));
        assert!(is_plausible_email("secretaria@tiurana.cat"));
        assert!(!is_plausible_email("not-an-email"));
        assert!(!is_plausible_email("a b@c.cat"));
    }
}
