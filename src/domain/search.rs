//! Folding and ranking of names: what makes "meia" find "Vilanova de Meià".

use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for matching: no accents, no case, punctuation as single spaces.
/// The Catalan middle dot joins ("col·legi" -> "collegi") instead of splitting.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// `fold`, appended to `out` (which may hold other text before).
pub fn fold_into(text: &str, out: &mut String) {
    let begin = out.len();
    // Most holders are plain ASCII: decomposing them changes nothing, and at a
    // million requests the decomposition was most of the time to index them.
    if text.is_ascii() {
        let mut pending_space = false;
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && out.len() > begin {
                    out.push(' ');
                }
                pending_space = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                pending_space = true;
            }
        }
        return;
    }
    fold_unicode(text, out);
}

/// `fold_into` for any text: decomposed, the marks dropped.
fn fold_unicode(text: &str, out: &mut String) {
    let begin = out.len();
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) || c == '·' || c == '\u{2027}' {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && out.len() > begin {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
}

/// The leading article of a Catalan or Aranese place name, if any ("la ", "l'", "Es ").
fn article_len(name: &str) -> usize {
    for article in [
        "els ", "les ", "el ", "la ", "lo ", "l'", "l’", "Es ", "eth ", "era ",
    ] {
        if name.starts_with(article) && name.len() > article.len() {
            return article.len();
        }
    }
    0
}

/// A name without its leading article, as official lists sort it
/// ("la Sentiu de Sió" sorts under S, as Idescat's "Sentiu de Sió, la").
pub fn without_article(name: &str) -> &str {
    &name[article_len(name)..]
}

/// A sort key giving Catalan alphabetical order: letters compare without accents
/// or case first (Àger beside Agramunt), then accents, then case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct CollationKey {
    primary: String,
    secondary: String,
    tertiary: String,
}

impl CollationKey {
    pub fn new(name: &str) -> Self {
        let base = without_article(name);
        let primary = fold(base);
        let secondary: String = base.nfc().flat_map(char::to_lowercase).collect();
        CollationKey {
            primary,
            secondary,
            tertiary: name.to_string(),
        }
    }
}

/// Compares two names in Catalan order.
pub fn collate(a: &str, b: &str) -> Ordering {
    CollationKey::new(a).cmp(&CollationKey::new(b))
}

/// How well a folded name matches a folded query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    /// The name is the query (with or without its article).
    Exact,
    /// The name (or the name without its article) starts with the query.
    Prefix,
    /// A word of the name starts with the query.
    WordStart,
    /// The query appears inside the name.
    Substring,
    /// The query appears once spaces are ignored ("laguda" in "l aguda").
    Compact,
    /// Every word of the query appears somewhere in the name.
    AllWords,
    /// Close to the name, a letter or two apart (`tiurna`): only the council
    /// index tries this (`council_search`), never `rank`.
    Typo,
}

/// Ranks `folded_name` (already folded) against `folded_query` (already folded).
/// An empty query matches everything as a prefix.
/// It allocates nothing: the council index calls it for every name, contact and
/// address on each keystroke.
pub fn rank(folded_name: &str, folded_query: &str) -> Option<MatchRank> {
    if folded_query.is_empty() {
        return Some(MatchRank::Prefix);
    }
    let bare = without_article_folded(folded_name);
    if folded_name == folded_query || bare == folded_query {
        return Some(MatchRank::Exact);
    }
    if folded_name.starts_with(folded_query) || bare.starts_with(folded_query) {
        return Some(MatchRank::Prefix);
    }
    if let Some(pos) = folded_name.find(folded_query) {
        let mut at = pos;
        let mut rest = &folded_name[pos..];
        loop {
            if at == 0 || folded_name.as_bytes()[at - 1] == b' ' {
                return Some(MatchRank::WordStart);
            }
            // Look for a later occurrence at a word start.
            match rest.get(1..).and_then(|r| r.find(folded_query)) {
                Some(next) => {
                    at += 1 + next;
                    rest = &folded_name[at..];
                }
                None => return Some(MatchRank::Substring),
            }
        }
    }
    if contains_ignoring_spaces(folded_name, folded_query) {
        return Some(MatchRank::Compact);
    }
    if folded_query.contains(' ') && folded_query.split(' ').all(|word| folded_name.contains(word)) {
        return Some(MatchRank::AllWords);
    }
    None
}

/// Whether `needle` appears in `hay` once spaces are ignored in both. Bytes are
/// compared: a UTF-8 sequence never matches from the middle of another.
fn contains_ignoring_spaces(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    if needle.iter().all(|&b| b == b' ') {
        return true;
    }
    (0..hay.len()).filter(|&start| hay[start] != b' ').any(|start| {
        let (mut i, mut j) = (start, 0);
        loop {
            while j < needle.len() && needle[j] == b' ' {
                j += 1;
            }
            if j == needle.len() {
                return true;
            }
            while i < hay.len() && hay[i] == b' ' {
                i += 1;
            }
            if i == hay.len() || hay[i] != needle[j] {
                return false;
            }
            i += 1;
            j += 1;
        }
    })
}

/// The folded name without a folded leading article ("la sentiu de sio" -> "sentiu de sio").
fn without_article_folded(folded: &str) -> &str {
    for article in ["els ", "les ", "el ", "la ", "lo ", "l ", "es ", "eth ", "era "] {
        if let Some(rest) = folded.strip_prefix(article) {
            return rest;
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_folds_as_any_text_does() {
        // Every printable ASCII character, alone, doubled and between letters.
        let all: String = (b' '..=b'~').map(char::from).collect();
        let mut cases = vec![
            all.clone(),
            format!(" {all} "),
            "  Maria  PUIG-Solé 12 ".to_string(),
        ];
        cases.extend((b' '..=b'~').map(|b| format!("a{}{}b", b as char, b as char)));
        cases.extend((b' '..=b'~').map(|b| format!("{}x", b as char)));
        for text in cases.iter().filter(|t| t.is_ascii()) {
            let (mut general, mut fast) = ("pre".to_string(), "pre".to_string());
            fold_unicode(text, &mut general);
            fold_into(text, &mut fast);
            assert_eq!(fast, general, "{text:?}");
        }
        assert_eq!(fold("  Maria  PUIG-Sole 12 "), "maria puig sole 12");
    }

    #[test]
    fn folding_drops_accents_case_and_punctuation() {
        assert_eq!(fold("Vilanova de Meià"), "vilanova de meia");
        assert_eq!(fold("Alòs de Balaguer"), "alos de balaguer");
        assert_eq!(fold("Vilanova de l'Aguda"), "vilanova de l aguda");
        assert_eq!(
            fold("  Castell d'Aro, Platja d'Aro i s'Agaró "),
            "castell d aro platja d aro i s agaro"
        );
        assert_eq!(fold("Col·legi"), "collegi");
        assert_eq!(fold("ÇÀÉÈÍÏÓÒÚÜÑ"), "caeeiioouun");
    }

    #[test]
    fn catalan_order_puts_accented_initials_with_their_letter() {
        let mut names = vec![
            "Tiurana",
            "Agramunt",
            "Àger",
            "Albesa",
            "Zamora",
            "Térmens",
            "Torrelameu",
        ];
        names.sort_by(|a, b| collate(a, b));
        assert_eq!(
            names,
            [
                "Àger",
                "Agramunt",
                "Albesa",
                "Térmens",
                "Tiurana",
                "Torrelameu",
                "Zamora"
            ]
        );
    }

    #[test]
    fn catalan_order_ignores_the_leading_article() {
        let mut names = vec![
            "la Sentiu de Sió",
            "les Avellanes i Santa Linya",
            "Balaguer",
            "Ponts",
        ];
        names.sort_by(|a, b| collate(a, b));
        assert_eq!(
            names,
            [
                "les Avellanes i Santa Linya",
                "Balaguer",
                "Ponts",
                "la Sentiu de Sió"
            ]
        );
    }

    #[test]
    fn accents_break_ties_after_letters() {
        assert_eq!(collate("Mas", "Màs"), Ordering::Less);
        assert_eq!(collate("Màs", "Mat"), Ordering::Less);
    }

    #[test]
    fn ranking_prefers_prefix_then_word_start_then_substring() {
        let name = fold("Vilanova de Meià");
        assert_eq!(rank(&name, "vilanova de meia"), Some(MatchRank::Exact));
        assert_eq!(
            rank(&fold("la Sentiu de Sió"), "sentiu de sio"),
            Some(MatchRank::Exact)
        );
        assert_eq!(rank(&name, "vila"), Some(MatchRank::Prefix));
        assert_eq!(rank(&name, "meia"), Some(MatchRank::WordStart));
        assert_eq!(rank(&name, "nova"), Some(MatchRank::Substring));
        assert_eq!(rank(&name, "xyz"), None);
        assert_eq!(
            rank(&fold("Vilanova de l'Aguda"), "l aguda"),
            Some(MatchRank::WordStart)
        );
        assert_eq!(
            rank(&fold("Vilanova de l'Aguda"), "laguda"),
            Some(MatchRank::Compact)
        );
        assert_eq!(rank(&fold("la Sentiu de Sió"), "sent"), Some(MatchRank::Prefix));
        assert_eq!(rank(&fold("Alòs de Balaguer"), "alos"), Some(MatchRank::Prefix));
        assert_eq!(
            rank(&fold("Vilanova de Meià"), "meia vila"),
            Some(MatchRank::AllWords)
        );
        assert_eq!(rank("sant marti", "tmar"), Some(MatchRank::Compact));
        assert_eq!(rank("sant marti", "t  m"), Some(MatchRank::Compact));
        assert_eq!(rank("sant marti", "tmx"), None);
    }

    #[test]
    fn a_later_word_start_wins_over_an_earlier_substring() {
        // "ana" is inside "Tiurana" and starts the word "Ana".
        assert_eq!(rank("tiurana ana", "ana"), Some(MatchRank::WordStart));
    }
}
