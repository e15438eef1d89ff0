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

/// Which fixed-width columns to show beside the flexible ones in `total` columns,
/// so that the flexible ones keep at least `flexible_min` between them. Columns
/// are given up in `drop_order` (indexes into `widths`); one column of spacing
/// separates every pair.
pub fn fitting_columns(
    total: u16,
    widths: &[u16],
    drop_order: &[usize],
    flexible: u16,
    flexible_min: u16,
) -> Vec<bool> {
    let mut shown = vec![true; widths.len()];
    let needed = |shown: &[bool]| -> u16 {
        let fixed: u16 = widths
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(w, _)| w + 1)
            .sum();
        fixed + flexible_min + flexible.saturating_sub(1)
    };
    for &i in drop_order {
        if needed(&shown) <= total {
            break;
        }
        shown[i] = false;
    }
    shown
}

/// The items whose `shown` flag is set.
pub fn keep<T>(items: impl IntoIterator<Item = T>, shown: &[bool]) -> Vec<T> {
    items
        .into_iter()
        .zip(shown)
        .filter(|(_, s)| **s)
        .map(|(item, _)| item)
        .collect()
}

/// A column as wide as `base`, or as the widest of `texts` (headers and words in
/// the interface language), so that no language's words are cut.
pub fn column_width<'a>(base: u16, texts: impl IntoIterator<Item = &'a str>) -> u16 {
    use unicode_width::UnicodeWidthStr;
    texts.into_iter().map(|t| t.width() as u16).fold(base, u16::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_give_up_columns_in_order() {
        let widths = [9, 12, 5, 14, 14];
        assert_eq!(fitting_columns(120, &widths, &[2, 3, 0], 1, 18), [true; 5]);
        assert_eq!(fitting_columns(80, &widths, &[2, 3, 0], 1, 18), [true; 5]);
        assert_eq!(
            fitting_columns(74, &widths, &[2, 3, 0], 1, 18),
            [true, true, false, true, true]
        );
        assert_eq!(
            fitting_columns(60, &widths, &[2, 3, 0], 1, 18),
            [true, true, false, false, true]
        );
        assert_eq!(keep(["a", "b", "c"], &[true, false, true]), ["a", "c"]);
    }

    #[test]
    fn ellipsize_cuts_with_a_mark() {
        assert_eq!(ellipsize("les Avellanes i Santa Linya", 10), "les Avell…");
        assert_eq!(ellipsize("Àger", 10), "Àger");
        assert_eq!(ellipsize("Àger", 0), "");
    }
}
