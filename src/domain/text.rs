//! Untrusted text: names, notes and imported cells may carry bytes that would
//! drive a terminal (ESC, C1 controls) or reorder what is shown (bidi overrides).

use std::borrow::Cow;

/// True for characters that must never reach the terminal from data.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{061C}'              // Arabic letter mark
            | '\u{FEFF}'              // zero-width no-break space / BOM
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation controls
            | '\u{00AD}'              // soft hyphen
            | '\u{034F}'              // combining grapheme joiner
            | '\u{180E}'              // Mongolian vowel separator
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// Text safe to draw on one line: unsafe characters dropped, line breaks and tabs as spaces.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// Text safe to keep in a multi-line field: like `clean`, but line breaks stay.
pub fn clean_multiline(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' => Some('\n'),
                '\t' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// Truncates to at most `max` characters, on a character boundary.
pub fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_invisible_separators_and_tags() {
        assert_eq!(clean("a\u{2028}b\u{00AD}c\u{E0041}d\u{180E}e\u{034F}"), "abcde");
    }

    #[test]
    fn clean_removes_terminal_controls_and_bidi() {
        let nasty = "Ti\u{1b}[2Jur\u{7}a\u{9b}31mna\u{202E}\u{2066}\u{200B}";
        assert_eq!(clean(nasty), "Ti[2Jura31mna");
        assert_eq!(clean("a\nb\tc"), "a b c");
        assert!(matches!(clean("Vilanova de Meià"), Cow::Borrowed(_)));
    }

    #[test]
    fn multiline_keeps_line_breaks_only() {
        assert_eq!(clean_multiline("a\nb\u{1b}c\r"), "a\nbc");
    }

    #[test]
    fn truncate_respects_characters() {
        assert_eq!(truncate_chars("Àger", 2), "Àg");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
