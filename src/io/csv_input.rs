//! Reading a spreadsheet's CSV: UTF-8 with or without a BOM, UTF-16, or Windows-1252
//! (see `encoding`); comma or semicolon, detected; columns found by header name, each once.

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
    /// Each cell trimmed, without the quotes `formula::neutralise` puts in.
    pub fields: Vec<String>,
}

pub use super::encoding::decode;

/// The longest physical line read, in KiB: a spreadsheet row is far shorter, and a file
/// without line breaks is not a spreadsheet.
pub const MAX_LINE_KB: usize = 64;

/// The physical lines of `text`. A line ends with a line feed, a carriage return and
/// a line feed (Windows), or a carriage return alone (old Mac spreadsheets), as the
/// CSV reader ends its records.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
}

/// How many line ends `text[from..to]` holds (a `\r\n` counts once, at its `\n`).
pub(super) fn line_ends(text: &[u8], from: usize, to: usize) -> u64 {
    let lone_cr = |at: usize| text[at] == b'\r' && text.get(at + 1) != Some(&b'\n');
    (from..to).filter(|&at| text[at] == b'\n' || lone_cr(at)).count() as u64
}

/// The first line longer than `MAX_LINE_KB`, counted from 1.
fn overlong_line(text: &str) -> Option<u64> {
    lines(text)
        .position(|line| line.len() > MAX_LINE_KB * 1024)
        .map(|n| n as u64 + 1)
}

/// The separator a header line uses: `;` if it has more of them than commas.
fn separator(text: &str) -> u8 {
    let header = lines(text).next().unwrap_or("");
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
    if let Some(line) = overlong_line(text) {
        return Err(IoError::Line {
            line,
            problem: Problem::LineTooLong { max_kb: MAX_LINE_KB },
        });
    }
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
        .collect::<Vec<String>>();
    // Which of two `holder` columns is meant cannot be guessed. Unnamed columns (a
    // spreadsheet's trailing separators) are never read, so they may repeat.
    for (i, name) in headers.iter().enumerate() {
        if !name.is_empty() && headers[..i].contains(name) {
            return Err(IoError::DuplicateColumn(name.clone()));
        }
    }
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
            counted = (byte, counted.1 + line_ends(text.as_bytes(), counted.0, byte));
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
            // Trimmed, and without the quotes an export puts before formulas.
            fields: record
                .iter()
                .map(|f| super::formula::original(f.trim()).into_owned())
                .collect(),
        });
    }
    Ok(CsvTable {
        headers,
        rows,
        was_latin: false,
    })
}

/// Reads and parses a file of at most `max_mb` MiB (see `input_file`).
pub fn read(path: &Path, max_mb: u64) -> Result<CsvTable, IoError> {
    let bytes = super::input_file::read_bounded(path, max_mb)?;
    let (text, was_latin) = super::encoding::decode_owned(bytes).map_err(|why| IoError::Encoding {
        path: path.to_path_buf(),
        why,
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
    /// A field by position (see `fields`); a short row is an error naming the column.
    pub fn get(&self, index: usize, name: &'static str) -> Result<&str, IoError> {
        let field = self.fields.get(index).map(String::as_str);
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

    #[test]
    fn a_column_named_twice_is_refused_by_name() {
        let err = parse("ine_code,holder,role,Holder \n252228,A,mayor,B\n").unwrap_err();
        assert!(
            matches!(&err, IoError::DuplicateColumn(c) if c == "holder"),
            "{err:?}"
        );
        let t = parse("ine_code,role,,\n252228,mayor,,\n").unwrap();
        assert_eq!(t.column("role"), Some(1), "unnamed trailing columns may repeat");
    }

    #[test]
    fn a_carriage_return_alone_ends_a_line() {
        // An old Mac spreadsheet's file: over 64 KiB, with no line feed at all.
        let row = "252228,Maria Puig,mayor\r";
        let mut text = String::from("ine_code,holder,role\r");
        for _ in 0..4000 {
            text.push_str(row);
        }
        text.push_str("\r252228,Anna Vidal,mayor\r");
        assert!(text.len() > 64 * 1024);
        let t = parse(&text).unwrap();
        assert_eq!(t.rows.len(), 4001);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[3999].line, 4001);
        assert_eq!(t.rows[4000].line, 4003, "the blank line counts");
        assert_eq!(t.rows[4000].fields[1], "Anna Vidal");
        let mixed = parse("a;b\r\n1;2\r3;4\n5;6\r\n").unwrap();
        let lines: Vec<u64> = mixed.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4], "CRLF, CR and LF each end one line");
        assert_eq!(
            mixed.rows[1].fields,
            ["3", "4"],
            "';' read from the first line alone"
        );
        let long = "x".repeat(64 * 1024 + 1);
        let err = parse(&format!("a,b\r1,2\r3,{long}\r")).unwrap_err();
        assert!(matches!(err, IoError::Line { line: 3, .. }), "{err:?}");
    }

    #[test]
    fn a_line_over_64_kib_is_refused_with_its_number() {
        let long = "x".repeat(64 * 1024);
        let t = parse(&format!("a,b\n1,{}\n", &long[2..])).unwrap();
        assert_eq!(t.rows[0].fields[1].len(), 64 * 1024 - 2, "64 KiB exactly passes");
        let err = parse(&format!("a,b\n1,2\n3,{long}\n")).unwrap_err();
        assert!(
            matches!(
                err,
                IoError::Line {
                    line: 3,
                    problem: Problem::LineTooLong { max_kb: 64 }
                }
            ),
            "{err:?}"
        );
    }
}
