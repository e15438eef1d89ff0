//! Reading a spreadsheet's CSV: UTF-8 with or without a BOM, or Windows-1252;
//! comma or semicolon, detected; columns found by header name.

use super::{IoError, Problem};
use std::path::Path;

/// A CSV file read into memory, with the line of each row for messages.
#[derive(Debug)]
pub struct CsvTable {
    pub headers: Vec<String>,
    pub rows: Vec<CsvRow>,
    /// True if the file was decoded from Windows-1252.
    pub was_latin: bool,
}

#[derive(Debug)]
pub struct CsvRow {
    pub line: u64,
    pub fields: Vec<String>,
}

/// Bytes that Windows-1252 leaves undefined; text holding them is not 1252.
const UNDEFINED_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Text from bytes: UTF-8 (a BOM is dropped), else Windows-1252, else None.
pub fn decode(bytes: &[u8]) -> Option<(String, bool)> {
    // UTF-16, as some spreadsheets save "Unicode text": known by its BOM.
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(body) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(body);
            return (!had_errors).then(|| (text.into_owned(), false));
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), false));
    }
    // Rows in UTF-8 beside rows in 1252 (a file pasted together): any reading
    // would mangle one of them.
    if bytes.iter().any(|b| UNDEFINED_1252.contains(b)) || has_utf8_sequences(bytes) {
        return None;
    }
    let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(bytes);
    (!had_errors).then(|| (text.into_owned(), true))
}

/// Whether the bytes hold a well-formed multi-byte UTF-8 sequence, which Catalan
/// text in Windows-1252 practically never does ("Ã©" is "é" read wrongly).
fn has_utf8_sequences(bytes: &[u8]) -> bool {
    bytes.windows(2).enumerate().any(|(i, pair)| {
        let len = match pair[0] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return false,
        };
        bytes
            .get(i + 1..i + len)
            .is_some_and(|rest| rest.iter().all(|b| (0x80..=0xBF).contains(b)))
            && std::str::from_utf8(&bytes[i..i + len]).is_ok()
    })
}

/// The separator a header line uses: `;` if it has more of them than commas.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| {
        let mut quoted = false;
        header
            .chars()
            .filter(|&x| {
                if x == '"' {
                    quoted = !quoted;
                }
                !quoted && x == c
            })
            .count()
    };
    if count(';') > count(',') { b';' } else { b',' }
}

pub fn parse(text: &str) -> Result<CsvTable, IoError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| IoError::Line {
            line: 1,
            problem: Problem::Unreadable(e.to_string()),
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut rows = Vec::new();
    // Lines counted from byte offsets: the reader's own count skips blank lines.
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = (byte as usize).min(text.len());
        // A record's position can be where the blank lines before it begin.
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte >= counted.0 {
            let newlines = text.as_bytes()[counted.0..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = (byte, counted.1 + newlines as u64);
        }
        counted.1
    };
    for record in reader.records() {
        let record = record.map_err(|e| IoError::Line {
            line: e.position().map_or(0, |p| line_at(p.byte())),
            problem: Problem::Unreadable(e.to_string()),
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows.push(CsvRow {
            line,
            fields: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(CsvTable {
        headers,
        rows,
        was_latin: false,
    })
}

pub fn read(path: &Path) -> Result<CsvTable, IoError> {
    let bytes = std::fs::read(path).map_err(|e| IoError::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let (text, was_latin) = decode(&bytes).ok_or_else(|| IoError::Encoding {
        path: path.to_path_buf(),
    })?;
    let mut table = parse(&text)?;
    table.was_latin = was_latin;
    Ok(table)
}

impl CsvTable {
    /// The positions of `required` columns, or the list of those missing.
    pub fn columns<const N: usize>(&self, required: [&str; N]) -> Result<[usize; N], IoError> {
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !self.headers.iter().any(|h| h == *c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(IoError::MissingColumns(missing));
        }
        Ok(required.map(|c| self.headers.iter().position(|h| h == c).unwrap_or(0)))
    }

    /// The position of an optional column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

impl CsvRow {
    /// A field by position, trimmed and without the quote an export puts before a
    /// formula (`formula::original`); a short row is an error naming the column.
    pub fn get(&self, index: usize, name: &'static str) -> Result<&str, IoError> {
        let field = self.fields.get(index).map(|f| super::formula::original(f.trim()));
        field.ok_or(IoError::Line {
            line: self.line,
            problem: Problem::MissingField(name),
        })
    }

    /// A field that must not be empty.
    pub fn required(&self, index: usize, name: &'static str) -> Result<&str, IoError> {
        let value = self.get(index, name)?;
        if value.is_empty() {
            return Err(self.error(Problem::EmptyField(name)));
        }
        Ok(value)
    }

    pub fn error(&self, problem: Problem) -> IoError {
        IoError::Line {
            line: self.line,
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_a_bom_and_semicolons() {
        let (text, latin) = decode("\u{FEFF}ine_code;name\n252228;Tiurana\n".as_bytes()).unwrap();
        assert!(!latin);
        let t = parse(&text).unwrap();
        assert_eq!(t.headers, ["ine_code", "name"]);
        assert_eq!(t.rows[0].fields, ["252228", "Tiurana"]);
        assert_eq!(t.rows[0].line, 2);
        let t = parse("a,b\n1,2\n\n\n3,4\n").unwrap();
        assert_eq!(t.rows[1].line, 5, "blank lines count");
    }

    #[test]
    fn windows_1252_is_decoded_not_mangled() {
        // "Meià" and "Alòs" as a spreadsheet on Windows saves them.
        let bytes = b"name,x\nMei\xe0,1\nAl\xf2s,2\n";
        let (text, latin) = decode(bytes).unwrap();
        assert!(latin);
        assert_eq!(text, "name,x\nMeià,1\nAlòs,2\n");
        assert_eq!(decode(b"a\x81b"), None, "not 1252 either: refused");
        assert_eq!(
            decode(
                "Josep Solé\n"
                    .bytes()
                    .chain(*b"Mart\xED\n")
                    .collect::<Vec<_>>()
                    .as_slice()
            ),
            None,
            "UTF-8 and 1252 in one file: refused, not mangled"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ine;nom\nMerc\u{e8}".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16), Some(("ine;nom\nMercè".to_string(), false)));
    }

    #[test]
    fn quoted_commas_do_not_fool_the_separator() {
        let t = parse("\"name, full\";role\n\"Puig, Maria\";mayor\n").unwrap();
        assert_eq!(t.rows[0].fields, ["Puig, Maria", "mayor"]);
    }

    #[test]
    fn missing_columns_and_short_rows_are_named() {
        let t = parse("ine_code,role\n252228\n").unwrap();
        assert!(matches!(
            t.columns(["ine_code", "role", "name"]).unwrap_err(),
            IoError::MissingColumns(c) if c == ["name"]
        ));
        let [_, role] = t.columns(["ine_code", "role"]).unwrap();
        assert!(matches!(
            t.rows[0].get(role, "role").unwrap_err(),
            IoError::Line {
                line: 2,
                problem: Problem::MissingField("role")
            }
        ));
    }
}
