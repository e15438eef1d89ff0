//! Spreadsheet formula injection (OWASP "CSV injection"): a spreadsheet runs a cell
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, so a holder
//! named `=HYPERLINK(…)` would be a live link in the office's sheet. Every CSV cell
//! written gets one `'` before such a start, which spreadsheets read as "text";
//! a cell that starts with `'` gets one too, so reading back is exact.
//!
//! Our CSV is comma-separated, but Excel and LibreOffice in Catalan and Spanish
//! open CSV with `;` as the separator, where `a;=2+3` is two cells, the second a
//! formula, and quoting done for commas does not hold. So each part of a cell that
//! a reading may start a cell with (after a `;`, a tab or a line break) is guarded
//! the same way, and also when it starts with `"`: its quote is doubled in the
//! file, and `""=1` read as a quoted cell is `=1`.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// After these, some reading of the file (`;` or tab as separator, a line break
/// outside quotes) may start a new cell.
const STARTS_CELL: [char; 4] = [';', '\t', '\n', '\r'];

/// Whether `next` at a cell's start (or a part's, `part`) gets a quote before it:
/// a formula's start, the quote itself (so a quoted original survives the round
/// trip), and within a cell a double quote.
fn guarded(next: char, part: bool) -> bool {
    FORMULA.contains(&next) || next == '\'' || (part && next == '"')
}

/// Blanks a spreadsheet may trim from a cell's start before it reads it
/// (LibreOffice's "Trim spaces"): `a; =1` is then a formula.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && !STARTS_CELL.contains(&c)
}

/// Whether a cell (or a part, `part`) that starts with `rest` gets a quote: its
/// first character after any blanks would start a formula.
fn starts_guarded(rest: &str, part: bool) -> bool {
    rest.trim_start_matches(is_blank)
        .chars()
        .next()
        .is_some_and(|c| guarded(c, part))
}

/// Whether the cell needs any quote at all (the usual answer is no).
fn needs_guard(cell: &str) -> bool {
    starts_guarded(cell, false)
        || cell
            .match_indices(STARTS_CELL)
            .any(|(at, sep)| starts_guarded(&cell[at + sep.len()..], true))
}

/// The cell as written to a CSV file: one `'` at the start of the cell and of
/// each part whose first character after any blanks starts a formula (before the
/// blanks, so the spreadsheet reads the rest as text whether it trims them or not).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if !needs_guard(cell) {
        return Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len() + 4);
    let mut start = Some(false); // Some(part) where a cell may start
    for (at, c) in cell.char_indices() {
        if start.is_some_and(|part| starts_guarded(&cell[at..], part)) {
            out.push('\'');
        }
        out.push(c);
        start = STARTS_CELL.contains(&c).then_some(true);
    }
    Cow::Owned(out)
}

/// The text of a cell read from a CSV file: at the start and after each `;`, tab
/// or line break, one `'` goes when `neutralise` could have put it there (before
/// blanks and a formula's start, or a quote); any other quote is the text's own.
pub fn original(cell: &str) -> Cow<'_, str> {
    if !cell.contains('\'') {
        return Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len());
    let mut start = Some(false);
    for (at, c) in cell.char_indices() {
        let put_by_us = c == '\'' && start.is_some_and(|part| starts_guarded(&cell[at + 1..], part));
        if put_by_us {
            start = None;
            continue;
        }
        out.push(c);
        start = STARTS_CELL.contains(&c).then_some(true);
    }
    if out == cell {
        Cow::Borrowed(cell)
    } else {
        Cow::Owned(out)
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
            ("\t=1", "'\t'=1"),
            ("\r=1", "'\r'=1"),
            ("'=1", "''=1"),
            ("'", "''"),
            ("Maria Puig", "Maria Puig"),
            (" =1", "' =1"),
            ("  +34 973", "'  +34 973"),
            ("\u{a0}@x", "'\u{a0}@x"),
            (" ' x", "' ' x"),
            (" a", " a"),
            ("a=1", "a=1"),
            ("", ""),
            ("\"Pepa\" Puig", "\"Pepa\" Puig"),
            ("[{\"name\":\"=x\"}]", "[{\"name\":\"=x\"}]"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(original(written), cell, "{written:?}");
        }
    }

    #[test]
    fn each_part_a_semicolon_or_a_line_break_starts_is_quoted_too() {
        for (cell, written) in [
            ("a;=2+3;b", "a;'=2+3;b"),
            ("Puig, Maria;=2*21;x", "Puig, Maria;'=2*21;x"),
            ("x\n=5+5", "x\n'=5+5"),
            ("x\r\n@A1", "x\r\n'@A1"),
            ("a;\"=1\"", "a;'\"=1\""),
            ("a;'b", "a;''b"),
            ("a;;-1", "a;;'-1"),
            ("a;\t=1", "a;'\t'=1"),
            ("a; =1", "a;' =1"),
            ("Anna Pi; =HYPERLINK(\"x\");b", "Anna Pi;' =HYPERLINK(\"x\");b"),
            ("; =20+22;", ";' =20+22;"),
            ("a; b", "a; b"),
            ("a;b=1", "a;b=1"),
            ("[{\"name\":\"a;=1\"}]", "[{\"name\":\"a;'=1\"}]"),
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
        assert_eq!(original("a;'b"), "a;'b");
        assert_eq!(original("a'=1"), "a'=1", "only where a cell may start");
        assert_eq!(
            original("'\"x\""),
            "'\"x\"",
            "a double quote counts only within a cell"
        );
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

    /// The cells a spreadsheet finds in `csv` when it splits on `sep`, as the
    /// `csv` crate reads them (as LibreOffice does: a quote not at a cell's start
    /// is text).
    fn cells_read_with(csv: &[u8], sep: u8) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(csv);
        reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect()
    }

    /// Text made of what formula injection and CSV quoting are built from.
    fn tricky() -> impl Strategy<Value = String> {
        let pick = prop::sample::select(vec![
            'a', 'b', ' ', ' ', ',', ';', '"', '\'', '=', '+', '-', '@', '\t', '\r', '\n', 'à', '\u{a0}',
        ]);
        proptest::collection::vec(pick, 0..14).prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn a_round_trip_gives_back_the_text(
            cell in "([ '=+@\t\r;\n\"-]{0,4})(?s:.{0,12})",
        ) {
            let written = neutralise(&cell);
            prop_assert!(!written.starts_with(FORMULA));
            prop_assert_eq!(original(&written), cell.as_str());
        }

        #[test]
        fn no_reading_of_the_file_starts_a_cell_with_a_formula(
            rows in proptest::collection::vec(proptest::collection::vec(tricky(), 3), 1..4),
        ) {
            let csv = crate::io::export::to_csv(&rows).unwrap();
            let body = &csv[3..];
            for sep in [b',', b';', b'\t'] {
                for cell in cells_read_with(body, sep) {
                    prop_assert!(!cell.starts_with(FORMULA), "{:?} read with {:?}", cell, sep as char);
                    // Nor with the blanks at its start trimmed ("Trim spaces").
                    let trimmed = cell.trim_start_matches(is_blank);
                    prop_assert!(!trimmed.starts_with(FORMULA), "{:?} trimmed, read with {:?}", cell, sep as char);
                }
            }
            // Read back as an import reads it, every cell is what was written.
            let text = std::str::from_utf8(body).unwrap();
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let back: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(|c| original(c).into_owned()).collect())
                .collect();
            prop_assert_eq!(back, rows);
        }
    }
}
