//! Spreadsheet formula injection (OWASP "CSV injection"): a spreadsheet runs a cell
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, so a holder
//! named `=HYPERLINK(…)` would be a live link in the office's sheet. Every CSV cell
//! written gets one `'` before such a start, which spreadsheets read as "text";
//! a cell that starts with `'` gets one too, so reading back is exact.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula, and
/// the quote itself, so that a quoted original survives the round trip.
const NEEDS_QUOTE: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// The cell as written to a CSV file.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(NEEDS_QUOTE) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The text of a cell read from a CSV file: one leading `'` goes when `neutralise`
/// could have put it there; any other quote is the text's own.
pub fn original(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(NEEDS_QUOTE) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_quoted_and_plain_text_is_not() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+34 973 00 00 00", "'+34 973 00 00 00"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("'", "''"),
            ("Maria Puig", "Maria Puig"),
            (" =1", " =1"),
            ("a=1", "a=1"),
            ("", ""),
            ("[{\"name\":\"=x\"}]", "[{\"name\":\"=x\"}]"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(original(written), cell, "{written:?}");
        }
    }

    #[test]
    fn a_quote_typed_by_hand_before_plain_text_is_kept() {
        assert_eq!(original("'hello"), "'hello");
        assert_eq!(original("'"), "'");
        assert_eq!(original("'' x"), "' x");
        assert_eq!(original("''=1"), "'=1", "only one quote goes");
    }

    #[test]
    fn every_cell_the_csv_writer_writes_is_guarded() {
        #[derive(serde::Serialize)]
        struct Row {
            name: &'static str,
            count: u32,
            note: Option<&'static str>,
        }
        let rows = [
            Row {
                name: "=1+1",
                count: 7,
                note: Some("@x"),
            },
            Row {
                name: "Anna",
                count: 0,
                note: None,
            },
        ];
        let bytes = crate::io::export::to_csv(&rows).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{FEFF}name,count,note\n'=1+1,7,'@x\nAnna,0,\n");
        let rows = [vec!["-1", "+1"], vec!["\t", "ok"]];
        let text = String::from_utf8(crate::io::export::to_csv(rows).unwrap()).unwrap();
        assert_eq!(text, "\u{FEFF}'-1,'+1\n'\t,ok\n", "no header for plain rows");
    }

    proptest! {
        #[test]
        fn a_round_trip_gives_back_the_text(
            cell in "(['=+@\t\r-]{0,3})(?s:.{0,12})",
        ) {
            let written = neutralise(&cell);
            prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']));
            prop_assert_eq!(original(&written), cell.as_str());
        }
    }
}
