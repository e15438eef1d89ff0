//! Which encoding an imported file is in. UTF-8 (a BOM is dropped); UTF-16, known by its
//! BOM or, without one, by a NUL in every other byte; else Windows-1252, but only when the
//! text reads as Catalan, Spanish or English data would. Anything else (Shift-JIS, DOS
//! code pages, a binary file) is refused rather than imported as mojibake.

/// Why bytes were not read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// Rows in UTF-8 beside rows that are not (files pasted together): `utf8` is
    /// the first line with UTF-8 accents, `other` the first line that is not UTF-8.
    Mixed { utf8: u64, other: u64 },
    /// It looks like UTF-16 but is not well formed.
    Utf16,
    /// Read as Windows-1252, this line holds what such data never does.
    AtLine(u64),
}

/// Text from bytes, and whether it was read as Windows-1252; None if it is not text.
pub fn decode(bytes: &[u8]) -> Option<(String, bool)> {
    decode_owned(bytes.to_vec()).ok()
}

/// As `decode`, taking the bytes so that UTF-8, the usual case, is not copied.
/// The rules are `sniff`'s, which a file is read with one pass at a time.
pub fn decode_owned(bytes: Vec<u8>) -> Result<(String, bool), NotText> {
    use super::sniff::{Decoded, Encoding, sniff};
    use std::io::Read;
    let encoding = sniff(bytes.as_slice()).unwrap_or(Err(NotText::Utf16))?;
    match encoding {
        Encoding::Utf8 { bom } => {
            let mut bytes = bytes;
            if bom {
                bytes.drain(..3);
            }
            String::from_utf8(bytes)
                .map(|text| (text, false))
                .map_err(|_| NotText::Utf16)
        }
        other => {
            let mut text = String::new();
            Decoded::new(bytes.as_slice(), other)
                .read_to_string(&mut text)
                .map_err(|_| NotText::Utf16)?;
            Ok((text, other == Encoding::Windows1252))
        }
    }
}

/// UTF-16 by its BOM, or without one when NULs fill every other byte, as ASCII in
/// UTF-16 does (`h\0o\0l\0`); the encoding and the bytes after any BOM.
pub(super) fn utf16(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &[u8])> {
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return Some((encoding_rs::UTF_16LE, body));
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return Some((encoding_rs::UTF_16BE, body));
    }
    // A header line is enough to tell; the whole file is then decoded strictly.
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let zeros = |first: usize| sample.iter().skip(first).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    if pairs < 2 {
        None
    } else if odd * 2 >= pairs && even * 16 <= odd {
        Some((encoding_rs::UTF_16LE, bytes))
    } else if even * 2 >= pairs && odd * 16 <= even {
        Some((encoding_rs::UTF_16BE, bytes))
    } else {
        None
    }
}

// How UTF-8 and Windows-1252 are told apart (applied byte by byte in `sniff`):
//
// - UTF-8 accents. A file that is not UTF-8 but holds a UTF-8 sequence that Catalan
//   or Spanish text in UTF-8 is made of is refused as mixed: an accented letter or
//   sign of Latin-1 (lead byte C2 or C3), typed punctuation (E2 80 xx: ’ “ ” – — … •)
//   or € (E2 82 AC). Read as 1252 these are `Â`, `Ã` or `â€` before a sign or a
//   symbol, which real text never holds. Other well-formed pairs are common in 1252
//   text: `É»` in `«JOSÉ»` is C9 BB, a valid UTF-8 pair.
// - Plausible Latin text. Read as Windows-1252, the file must hold only what
//   Catalan, Spanish or English data holds (`is_plausible_latin`), and no run of
//   three or more non-ASCII characters that are not one repeated character:
//   Shift-JIS lead bytes 0x81–0x9F mostly become `ƒ Š Œ Ž ‚ † ‰ ˜ ž`, DOS code page
//   850 puts `‚ Š ¡ ¢` where accents go, bytes 1252 leaves undefined (0x81, 0x8D,
//   0x8F, 0x90, 0x9D) become C1 controls; in these languages an accented letter sits
//   among ASCII ones (`d’Àger` is the longest usual run, two), while every Shift-JIS
//   or EUC character is two non-ASCII bytes, so two Japanese characters in a row
//   (`—é–Ø`, 鈴木) make a run of four. Guillemets around the run do not count: `«Ö»`
//   is one letter quoted; a no-break space separates as a space does.
//
// A Latin file refused by mistake only needs saving as UTF-8, which the message asks
// for; mojibake let in would be stored for good.

/// What Catalan, Spanish or English data saved as Windows-1252 holds beyond ASCII:
/// Latin letters with their accents (names from elsewhere too: ü, ø, ß), and the
/// punctuation people type or a spreadsheet puts in.
pub(super) fn is_plausible_latin(c: char) -> bool {
    c.is_ascii()
        || (('À'..='ÿ').contains(&c) && c != '×' && c != '÷')
        || "\u{A0}¡§©ª«®°²³´·º»¿€‘’“”•–—…™".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(text: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(text).0.into_owned()
    }

    #[test]
    fn windows_1252_is_decoded_not_mangled() {
        // "Meià" and "Alòs" as a spreadsheet on Windows saves them.
        let bytes = b"name,x\nMei\xe0,1\nAl\xf2s,2\n";
        assert_eq!(
            decode_owned(bytes.to_vec()),
            Ok(("name,x\nMeià,1\nAlòs,2\n".to_string(), true))
        );
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(
            "holder\nd’Àger «Solé» — Nuñez · Müller, 3 m² … ¿Què? 1.500 €\n——— ……\n«\u{A0}Àneu\u{A0}»\n",
        );
        assert!(
            decode_owned(latin.into_owned()).is_ok(),
            "typed punctuation passes"
        );
        assert_eq!(decode(b"a\x81b"), None, "not 1252 either: refused");
        let mixed: Vec<u8> = "holder\nJosep Solé\n".bytes().chain(*b"Mart\xED\n").collect();
        assert_eq!(
            decode_owned(mixed),
            Err(NotText::Mixed { utf8: 2, other: 3 }),
            "UTF-8 and 1252 in one file: refused, not mangled, naming both lines"
        );
        let punctuation: Vec<u8> = b"holder\rPere\x92s\r"
            .iter()
            .copied()
            .chain("d’Àger\r".bytes())
            .collect();
        assert_eq!(
            decode_owned(punctuation),
            Err(NotText::Mixed { utf8: 3, other: 2 }),
            "a UTF-8 apostrophe after a 1252 one; lines end with a carriage return"
        );
    }

    #[test]
    fn capitals_and_guillemets_in_1252_are_not_taken_for_utf8() {
        // A `;` file saved as Windows-1252: `É»` (C9 BB), `È»` (C8 BB) and `Ö»` (D6 BB)
        // are well-formed UTF-8 pairs too.
        let text = "ine_code;holder\n252228;«JOSÉ»\n252228;Dona «MERCÈ» Pi\n252228;Anna Ü «Ö»\n";
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        assert_eq!(decode_owned(latin.into_owned()), Ok((text.to_string(), true)));
        // Other quoted runs of three are still refused, naming their line.
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("holder\nx\n«ÉÈ»\n“Ö”\n");
        assert_eq!(decode_owned(latin.into_owned()), Err(NotText::AtLine(4)));
    }

    #[test]
    fn shift_jis_and_other_code_pages_are_refused_with_the_line() {
        // Kanji only, with no byte 1252 leaves undefined: read as 1252 it is "—é–Ø".
        let suzuki = sjis("ine_code,holder\n252228,鈴木\n");
        assert!(!suzuki.iter().any(|b| [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(b)));
        assert_eq!(decode_owned(suzuki), Err(NotText::AtLine(2)));
        for text in ["holder\n山田太郎\n", "holder\n東京都\n", "holder\nカタカナ\n"] {
            assert_eq!(decode_owned(sjis(text)), Err(NotText::AtLine(2)), "{text}");
        }
        // Its bytes happen to hold a UTF-8 pair (C6 82), not one of Catalan text.
        assert_eq!(decode_owned(sjis("holder\nさとう\n")), Err(NotText::AtLine(2)));
        // "Solé" from a DOS program (code page 850): é is 0x82, a low quote in 1252.
        assert_eq!(
            decode_owned(b"holder\nSol\x82\n".to_vec()),
            Err(NotText::AtLine(2))
        );
    }

    #[test]
    fn utf16_is_read_with_or_without_its_bom() {
        let text = "ine;nom\nMerc\u{e8}\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let expected = Ok((text.to_string(), false));
        assert_eq!(decode_owned([&[0xFF, 0xFE][..], &le].concat()), expected);
        assert_eq!(decode_owned([&[0xFE, 0xFF][..], &be].concat()), expected);
        assert_eq!(decode_owned(le.clone()), expected, "no BOM, little-endian");
        assert_eq!(decode_owned(be), expected, "no BOM, big-endian");
        let mut cut = le;
        cut.pop();
        assert_eq!(
            decode_owned(cut),
            Err(NotText::Utf16),
            "half a character at the end"
        );
        assert_eq!(
            decode_owned(b"a\0".to_vec()),
            Ok(("a\0".to_string(), false)),
            "too short to tell"
        );
    }
}
