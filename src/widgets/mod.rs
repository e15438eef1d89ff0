//! Reusable pieces of screen.

pub mod countdown;
pub mod input;
pub mod progress;

use unicode_width::UnicodeWidthStr;

/// `text` cut to `width` columns, with an ellipsis when it was longer.
pub fn ellipsize(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ellipsize_cuts_with_a_mark() {
        assert_eq!(ellipsize("les Avellanes i Santa Linya", 10), "les Avell…");
        assert_eq!(ellipsize("Àger", 10), "Àger");
        assert_eq!(ellipsize("Àger", 0), "");
    }
}
