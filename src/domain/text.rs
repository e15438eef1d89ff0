//! Untrusted text: names, notes and imported cells may carry bytes that would
//! drive a terminal (ESC, C1 controls), reorder what is shown (bidi controls), or
//! take a width on which the terminal and the layout disagree (invisible fillers,
//! variation selectors). What goes is chosen by Unicode property, not by a list.

use icu_properties::props::{
    BinaryProperty, DefaultIgnorableCodePoint, Emoji, EmojiModifier, ExtendedPictographic, GeneralCategory,
};
use icu_properties::{CodePointMapData, CodePointSetData};
use std::borrow::Cow;

/// ZERO WIDTH JOINER: kept only between emoji, where it joins them into one (👨‍👩‍👧).
pub const ZWJ: char = '\u{200D}';
/// VARIATION SELECTOR-16: kept only after an emoji, which it shows as a picture (❤️).
pub const VS16: char = '\u{FE0F}';

/// True for characters that never reach the terminal from data, whatever surrounds
/// them: controls (Cc), format characters (Cf, such as bidi controls and the Arabic
/// number signs U+0600–0605), line and paragraph separators, and every
/// Default_Ignorable_Code_Point (zero-width characters, fillers, variation selectors,
/// tags). ZWJ and VS16 are judged in context, by `clean`.
pub fn is_unsafe(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    if c == ZWJ || c == VS16 {
        return false;
    }
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    matches!(
        category,
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// The Hangul fillers: invisible, yet drawn as blank as a space is, so that text
/// typed or pasted with one between two words reads as two words. Cleaning puts a
/// space in their place rather than nothing (`Anna\u{3164}Bo` is `Anna Bo`, not
/// `AnnaBo`). Other default-ignorable characters take no room where they are shown,
/// so removing them changes nothing a reader saw.
pub fn is_filler(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// Text safe to draw on one line: unsafe characters dropped, line breaks and tabs as spaces.
pub fn clean(text: &str) -> Cow<'_, str> {
    clean_with(text, false)
}

/// Text safe to keep in a multi-line field: like `clean`, but line breaks stay.
pub fn clean_multiline(text: &str) -> Cow<'_, str> {
    clean_with(text, true)
}

/// `text` cleaned for insertion after `before` (the character it will follow), so a
/// VS16 or ZWJ typed after an emoji is judged beside that emoji.
pub fn clean_after(before: Option<char>, text: &str) -> String {
    let mut state = InEmoji::default();
    if let Some(c) = before {
        state.push(c);
    }
    let mut out = String::with_capacity(text.len());
    // What follows the insertion is not known here: a filler at its end stays a space.
    push_clean(&mut out, text, false, state, before, true);
    out
}

fn clean_with(text: &str, multiline: bool) -> Cow<'_, str> {
    let suspect = |c: char| c == ZWJ || c == VS16 || if c == '\n' { !multiline } else { is_unsafe(c) };
    if !text.chars().any(suspect) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    push_clean(&mut out, text, multiline, InEmoji::default(), None, false);
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// Where the characters kept so far stand within an emoji sequence.
#[derive(Default, Clone, Copy)]
struct InEmoji {
    /// The last character kept has the Emoji property (VS16 may follow).
    emoji: bool,
    /// The last characters kept end an emoji, with its modifier or VS16 (ZWJ may follow).
    element: bool,
}

impl InEmoji {
    fn push(&mut self, c: char) {
        let pictographic = ExtendedPictographic::for_char(c);
        let extends = c == VS16 || EmojiModifier::for_char(c);
        self.element = pictographic || (self.element && extends);
        self.emoji = c != VS16 && Emoji::for_char(c);
    }
}

/// Appends `text` cleaned to `out`. `last` is the character before it; a filler
/// after a word becomes a space, taken back if a space or a line break follows anyway
/// or, unless `open_end`, if nothing does.
fn push_clean(
    out: &mut String,
    text: &str,
    multiline: bool,
    mut state: InEmoji,
    mut last: Option<char>,
    open_end: bool,
) {
    // The space put for a filler, with the emoji state from before it.
    let mut soft: Option<InEmoji> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let kept = match c {
            '\n' if multiline => '\n',
            '\r' if multiline => continue,
            '\n' | '\r' | '\t' => ' ',
            c if is_filler(c) => {
                if last.is_some_and(|l| !l.is_whitespace()) {
                    soft = Some(state);
                    state.push(' ');
                    out.push(' ');
                    last = Some(' ');
                }
                continue;
            }
            ZWJ if state.element && chars.peek().is_some_and(|&n| ExtendedPictographic::for_char(n)) => ZWJ,
            VS16 if state.emoji => VS16,
            ZWJ | VS16 => continue,
            c if is_unsafe(c) => continue,
            c => c,
        };
        if let Some(before) = soft.take()
            && kept.is_whitespace()
        {
            out.pop();
            state = before;
        }
        state.push(kept);
        out.push(kept);
        last = Some(kept);
    }
    if soft.is_some() && !open_end {
        out.pop();
    }
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

    /// Every character of `from..=to`, between two letters.
    fn each(from: u32, to: u32) -> Vec<(u32, String)> {
        (from..=to)
            .filter_map(char::from_u32)
            .map(|c| (c as u32, format!("a{c}b")))
            .collect()
    }

    #[test]
    fn invisible_and_width_changing_characters_go() {
        let ranges = [
            (0x206A, 0x206F), // deprecated format characters
            (0x0600, 0x0605), // Arabic number signs (prepended concatenation marks)
            (0x180B, 0x180D), // Mongolian free variation selectors
            (0xFE00, 0xFE0F), // variation selectors (FE0F outside an emoji)
            (0xE0100, 0xE01EF),
            (0x17B4, 0x17B5), // Khmer inherent vowels
            (0x200B, 0x200F), // zero-width characters, ZWJ outside an emoji, LRM, RLM
            (0x2060, 0x2064),
            (0xE0000, 0xE007F), // tags
            (0x0080, 0x009F),   // C1 controls
        ];
        for (from, to) in ranges {
            for (code, text) in each(from, to) {
                assert_eq!(clean(&text), "ab", "U+{code:04X}");
                assert_eq!(clean_multiline(&text), "ab", "U+{code:04X}");
            }
        }
    }

    #[test]
    fn a_hangul_filler_between_words_becomes_a_space() {
        for filler in ['\u{3164}', '\u{115F}', '\u{1160}', '\u{FFA0}'] {
            let f = filler.to_string();
            for (text, cleaned) in [
                (format!("Anna{f}Bo"), "Anna Bo"),
                (format!("Anna{f}{f}\u{200B}{f}Bo"), "Anna Bo"),
                (format!("Anna{f} Bo"), "Anna Bo"),
                (format!("Anna {f}Bo"), "Anna Bo"),
                (format!("{f}Anna{f}"), "Anna"),
                (format!("a{f}b"), "a b"),
                (format!("👨{f}\u{200D}👩"), "👨 👩"),
            ] {
                assert_eq!(clean(&text), cleaned, "U+{:04X} in {text:?}", filler as u32);
            }
            assert_eq!(clean_multiline(&format!("Anna{f}\nBo")), "Anna\nBo");
            // Typed in a field: after a letter it is a space, whatever comes next.
            assert_eq!(clean_after(Some('a'), &f), " ");
            assert_eq!(clean_after(Some(' '), &f), "");
            assert_eq!(clean_after(None, &f), "");
        }
    }

    #[test]
    fn emoji_sequences_stay_whole() {
        for emoji in [
            "👨\u{200D}👩\u{200D}👧", // family
            "👩🏽\u{200D}💻",           // with a skin tone
            "🏳\u{FE0F}\u{200D}🌈",    // rainbow flag
            "❤\u{FE0F}",              // picture presentation
            "1\u{FE0F}\u{20E3}",      // keycap
            "🧑\u{200D}🤝\u{200D}🧑",
        ] {
            let text = format!("Maria {emoji} Puig");
            assert_eq!(clean(&text), text.as_str(), "{emoji}");
            assert_eq!(clean(&clean(&text)), text.as_str());
        }
    }

    #[test]
    fn a_joiner_or_selector_outside_an_emoji_goes() {
        assert_eq!(clean("a\u{200D}b"), "ab");
        assert_eq!(clean("\u{200D}👩"), "👩");
        assert_eq!(clean("👨\u{200D}"), "👨");
        assert_eq!(clean("👨\u{200D}a"), "👨a");
        assert_eq!(clean("👨\u{200D}\u{200D}👩"), "👨\u{200D}👩", "one joiner of two");
        assert_eq!(clean("a\u{FE0F}"), "a");
        assert_eq!(clean("❤\u{FE0F}\u{FE0F}"), "❤\u{FE0F}");
        assert_eq!(clean("❤\u{FE0E}"), "❤");
        // Tags go, so a subdivision flag shows as its black flag.
        assert_eq!(clean("🏴\u{E0065}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"), "🏴");
        // Typed after an emoji already in a field, a VS16 or ZWJ is judged beside it.
        assert_eq!(clean_after(Some('❤'), "\u{FE0F}"), "\u{FE0F}");
        assert_eq!(clean_after(Some('👨'), "\u{200D}👩"), "\u{200D}👩");
        assert_eq!(clean_after(Some('a'), "\u{200D}👩"), "👩");
    }

    /// Characters to build hostile text from: letters, emoji and their joiners,
    /// controls, format and default-ignorable characters, and anything at all.
    fn hostile() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pick = prop_oneof![
            prop::sample::select(vec![
                'a',
                'à',
                'ç',
                ' ',
                '\n',
                '\r',
                '\t',
                '\u{1b}',
                '\u{9b}',
                '\u{7f}',
                '\u{200D}',
                '\u{FE0F}',
                '\u{FE0E}',
                '👨',
                '👩',
                '❤',
                '🏳',
                '🌈',
                '🏽',
                '1',
                '\u{20E3}',
                '\u{301}',
                '\u{200B}',
                '\u{202E}',
                '\u{2066}',
                '\u{0600}',
                '\u{3164}',
                '\u{17B4}',
                '\u{E0100}',
                '\u{E0041}',
                '中',
                '\u{2028}',
                '\u{FEFF}',
                '\u{115F}',
            ]),
            any::<char>(),
        ];
        proptest::collection::vec(pick, 0..24).prop_map(|chars| chars.into_iter().collect())
    }

    /// Checks that `text` holds only what `clean` may leave.
    fn only_allowed(text: &str, multiline: bool) -> Result<(), String> {
        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let ok = match c {
                '\n' => multiline,
                ZWJ => {
                    before.is_some_and(|b| {
                        ExtendedPictographic::for_char(b) || b == VS16 || EmojiModifier::for_char(b)
                    }) && chars
                        .get(i + 1)
                        .is_some_and(|&n| ExtendedPictographic::for_char(n))
                }
                VS16 => before.is_some_and(|b| b != VS16 && Emoji::for_char(b)),
                // The rule itself, restated from the Unicode properties.
                c => {
                    let category = CodePointMapData::<GeneralCategory>::new().get(c);
                    !(c.is_control()
                        || matches!(
                            category,
                            GeneralCategory::Format
                                | GeneralCategory::LineSeparator
                                | GeneralCategory::ParagraphSeparator
                        )
                        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c))
                }
            };
            if !ok {
                return Err(format!("U+{:04X} at {i} in {text:?}", c as u32));
            }
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn cleaned_text_is_visible_and_cleaning_twice_changes_nothing(text in hostile()) {
            for multiline in [false, true] {
                let once = clean_with(&text, multiline);
                proptest::prop_assert_eq!(only_allowed(&once, multiline), Ok(()));
                proptest::prop_assert_eq!(clean_with(&once, multiline), once.clone());
                proptest::prop_assert!(matches!(clean_with(&once, multiline), Cow::Borrowed(_)));
            }
        }
    }

    #[test]
    fn truncate_respects_characters() {
        assert_eq!(truncate_chars("Àger", 2), "Àg");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
