//! Reading a spreadsheet's CSV: UTF-8 with or without a BOM, UTF-16, or Windows-1252
//! (see `encoding`); comma or semicolon, detected; columns found by header name, each once.
//!
//! A file is read as a stream, a row at a time, as often as an import needs to
//! (`CsvFile::rows`): nothing of it is held but the row at hand. Each pass checks
//! that it read the bytes the first one did.

use super::input_file::{Tracked, open_bounded, refusal};
use super::sniff::{Decoded, Encoding, sniff};
use super::{IoError, Problem};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{Chain, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A CSV text read into memory, with the line of each row for messages (small
/// texts: tests, and what is typed or pasted).
#[derive(Debug)]
pub struct CsvTable {
    pub headers: Vec<String>,
    pub rows: Vec<CsvRow>,
    /// True if the file was decoded from Windows-1252.
    pub was_latin: bool,
}

#[derive(Debug, Clone)]
pub struct CsvRow {
    pub line: u64,
    /// Each cell trimmed, without the quotes `formula::neutralise` puts in.
    pub fields: Vec<String>,
}

pub use super::encoding::decode;

/// The longest physical line read, in KiB: a spreadsheet row is far shorter, and a file
/// without line breaks is not a spreadsheet.
pub const MAX_LINE_KB: usize = 64;

/// The separator a header line uses: `;` if it has more of them than commas.
fn separator(header: &str) -> u8 {
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

/// A line longer than `MAX_LINE_KB`, found as the text is read.
#[derive(Debug, Clone, Copy)]
struct LineTooLong(u64);

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} is too long", self.0)
    }
}

impl std::error::Error for LineTooLong {}

/// The line ends of the text read so far and not yet passed by the reader: where
/// each starts and ends (`\r\n` is one). The CSV reader reads ahead a buffer at a
/// time, so few are kept however long the file.
#[derive(Default)]
struct Lines {
    breaks: VecDeque<(u64, u64)>,
    /// Line ends the rows have passed.
    passed: u64,
    /// Line ends read so far, and bytes.
    seen: u64,
    at: u64,
    /// Where a `\r` was, if the byte after it is not read yet.
    cr: Option<u64>,
    line_len: usize,
}

impl Lines {
    fn byte(&mut self, b: u8) -> Result<(), LineTooLong> {
        let at = self.at;
        self.at += 1;
        if let Some(cr) = self.cr.take() {
            match b {
                b'\n' => {
                    self.ended(cr, at + 1);
                    return Ok(());
                }
                _ => self.ended(cr, cr + 1),
            }
        }
        match b {
            b'\n' => self.ended(at, at + 1),
            b'\r' => self.cr = Some(at),
            _ => {
                self.line_len += 1;
                if self.line_len > MAX_LINE_KB * 1024 {
                    return Err(LineTooLong(self.seen + 1));
                }
            }
        }
        Ok(())
    }

    fn ended(&mut self, start: u64, end: u64) {
        self.breaks.push_back((start, end));
        self.seen += 1;
        self.line_len = 0;
    }

    fn end_of_text(&mut self) {
        if let Some(cr) = self.cr.take() {
            self.ended(cr, cr + 1);
        }
    }

    /// The line (from 1) of what starts at `byte`: blank lines before a record count.
    fn line_at(&mut self, mut byte: u64) -> u64 {
        while let Some(&(start, end)) = self.breaks.front() {
            if end <= byte {
                self.passed += 1;
            } else if start <= byte {
                // A record's position can be where the blank lines before it begin,
                // or on the `\n` of the `\r\n` that ended the row before.
                byte = end;
                self.passed += 1;
            } else {
                break;
            }
            self.breaks.pop_front();
        }
        self.passed + 1
    }
}

/// Text passing through on its way to the CSV reader, its line ends noted.
struct Counting<R> {
    inner: R,
    lines: Rc<RefCell<Lines>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.borrow_mut();
        if n == 0 {
            lines.end_of_text();
        }
        for &b in &buf[..n] {
            lines.byte(b).map_err(std::io::Error::other)?;
        }
        Ok(n)
    }
}

/// The columns of a file, by header name.
#[derive(Debug, Clone)]
pub struct Header {
    pub names: Vec<String>,
}

/// A CSV text read a row at a time: blank rows skipped, each with its line.
pub struct CsvReader<R> {
    reader: csv::Reader<Chain<Cursor<Vec<u8>>, Counting<R>>>,
    lines: Rc<RefCell<Lines>>,
    pub header: Header,
    record: csv::StringRecord,
}

impl<R: Read> CsvReader<R> {
    /// Reads the header line of `text` (UTF-8), which also says the separator.
    pub fn new(text: R) -> Result<CsvReader<R>, IoError> {
        let lines = Rc::new(RefCell::new(Lines::default()));
        let mut counting = Counting {
            inner: text,
            lines: lines.clone(),
        };
        // The first line (and what came with it), read ahead for its separator.
        let mut first = Vec::new();
        let mut chunk = [0u8; 4096];
        while lines.borrow().seen == 0 {
            let n = counting.read(&mut chunk).map_err(|e| text_error(&e, 1))?;
            first.extend_from_slice(&chunk[..n]);
            if n == 0 {
                break;
            }
        }
        let header_end = first
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(first.len());
        let delimiter = separator(&String::from_utf8_lossy(&first[..header_end]));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Cursor::new(first).chain(counting));
        let names = reader
            .headers()
            .map_err(|e| csv_error(&e, 1))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect::<Vec<String>>();
        // Which of two `holder` columns is meant cannot be guessed. Unnamed columns (a
        // spreadsheet's trailing separators) are never read, so they may repeat.
        for (i, name) in names.iter().enumerate() {
            if !name.is_empty() && names[..i].contains(name) {
                return Err(IoError::DuplicateColumn(name.clone()));
            }
        }
        Ok(CsvReader {
            reader,
            lines,
            header: Header { names },
            record: csv::StringRecord::new(),
        })
    }
}

/// An error of the text beneath the CSV reader, at `line` if it names none.
fn text_error(e: &std::io::Error, line: u64) -> IoError {
    if let Some(refusal) = refusal(e) {
        return refusal.into();
    }
    if let Some(LineTooLong(line)) = e.get_ref().and_then(|e| e.downcast_ref::<LineTooLong>()) {
        return IoError::Line {
            line: *line,
            problem: Problem::LineTooLong { max_kb: MAX_LINE_KB },
        };
    }
    IoError::Line {
        line,
        problem: Problem::Unreadable(e.to_string()),
    }
}

fn csv_error(e: &csv::Error, line: u64) -> IoError {
    match e.kind() {
        csv::ErrorKind::Io(io) => text_error(io, line),
        _ => IoError::Line {
            line,
            problem: Problem::Unreadable(e.to_string()),
        },
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<CsvRow, IoError>;

    fn next(&mut self) -> Option<Result<CsvRow, IoError>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(0, |p| self.lines.borrow_mut().line_at(p.byte()));
                    return Some(Err(csv_error(&e, line)));
                }
            }
            let line = self
                .record
                .position()
                .map_or(0, |p| self.lines.borrow_mut().line_at(p.byte()));
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            return Some(Ok(CsvRow {
                line,
                // Trimmed, and without the quotes an export puts before formulas.
                fields: self
                    .record
                    .iter()
                    .map(|f| super::formula::original(f.trim()).into_owned())
                    .collect(),
            }));
        }
    }
}

/// A CSV text held in memory, every row read.
pub fn parse(text: &str) -> Result<CsvTable, IoError> {
    let mut reader = CsvReader::new(text.as_bytes())?;
    let rows = reader.by_ref().collect::<Result<Vec<CsvRow>, IoError>>()?;
    Ok(CsvTable {
        headers: reader.header.names,
        rows,
        was_latin: false,
    })
}

/// A file to import: checked to be a regular file within `max_mb` MiB, its
/// encoding told by a first pass over it, then read as often as needed.
pub struct CsvFile {
    path: PathBuf,
    file: File,
    max_mb: u64,
    encoding: Encoding,
    /// Its length and checksum when first read: every later pass must match.
    sum: (u64, u32),
}

impl CsvFile {
    pub fn open(path: &Path, max_mb: u64) -> Result<CsvFile, IoError> {
        let file = open_bounded(path, max_mb)?;
        let mut tracked = Tracked::new(&file, path, max_mb, None);
        let encoding = sniff(&mut tracked)
            .map_err(|e| match refusal(&e) {
                Some(refusal) => refusal.into(),
                None => IoError::File {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                },
            })?
            .map_err(|why| IoError::Encoding {
                path: path.to_path_buf(),
                why,
            })?;
        let sum = tracked.sum();
        Ok(CsvFile {
            path: path.to_path_buf(),
            file,
            max_mb,
            encoding,
            sum,
        })
    }

    /// The file's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True if the file is read as Windows-1252.
    pub fn was_latin(&self) -> bool {
        self.encoding == Encoding::Windows1252
    }

    /// The rows, read from the start once more.
    pub fn rows(&mut self) -> Result<CsvReader<impl Read + '_>, IoError> {
        let fail = |e: std::io::Error| IoError::File {
            path: self.path.clone(),
            detail: e.to_string(),
        };
        self.file.rewind().map_err(fail)?;
        let raw = Tracked::new(&self.file, &self.path, self.max_mb, Some(self.sum));
        CsvReader::new(Decoded::new(
            std::io::BufReader::with_capacity(64 * 1024, raw),
            self.encoding,
        ))
    }
}

/// Reads and parses a whole file of at most `max_mb` MiB into memory (for tests;
/// an import streams it, see `CsvFile`).
pub fn read(path: &Path, max_mb: u64) -> Result<CsvTable, IoError> {
    let mut file = CsvFile::open(path, max_mb)?;
    let was_latin = file.was_latin();
    let mut reader = file.rows()?;
    let rows = reader.by_ref().collect::<Result<Vec<CsvRow>, IoError>>()?;
    Ok(CsvTable {
        headers: reader.header.names.clone(),
        rows,
        was_latin,
    })
}

impl Header {
    /// The positions of `required` columns, or the list of those missing.
    pub fn columns<const N: usize>(&self, required: [&str; N]) -> Result<[usize; N], IoError> {
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !self.names.iter().any(|h| h == *c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(IoError::MissingColumns(missing));
        }
        Ok(required.map(|c| self.names.iter().position(|h| h == c).unwrap_or(0)))
    }

    /// The position of an optional column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| h == name)
    }
}

impl CsvTable {
    pub fn header(&self) -> Header {
        Header {
            names: self.headers.clone(),
        }
    }

    /// The positions of `required` columns, or the list of those missing.
    pub fn columns<const N: usize>(&self, required: [&str; N]) -> Result<[usize; N], IoError> {
        self.header().columns(required)
    }

    /// The position of an optional column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header().column(name)
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

#[cfg(test)]
mod streaming {
    use super::*;

    /// A reader that gives one byte at a time: every boundary a chunk can have.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.is_empty()) {
                (Some((&b, rest)), false) => {
                    buf[0] = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn rows_of(reader: impl Read) -> Vec<(u64, Vec<String>)> {
        CsvReader::new(reader)
            .unwrap()
            .map(|r| r.map(|row| (row.line, row.fields)).unwrap())
            .collect()
    }

    #[test]
    fn rows_and_their_lines_do_not_depend_on_how_the_text_arrives() {
        let texts = [
            "a;b\r\n1;2\r3;4\n5;6\r\n",
            "a,b\n1,2\n\n\n3,4\n",
            "a,b\r\r\r1,\"x\ny\"\r\n\r\n2,3",
            "\"name, full\";role\n\"Puig, Maria\";mayor\n",
        ];
        for text in texts {
            assert_eq!(
                rows_of(OneByte(text.as_bytes())),
                rows_of(text.as_bytes()),
                "{text:?}"
            );
        }
        let lines: Vec<u64> = rows_of(OneByte(texts[2].as_bytes()))
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(lines, [4, 7], "blank lines and a quoted line break count");
    }

    #[test]
    fn the_encoding_is_told_the_same_a_byte_at_a_time() {
        use crate::io::sniff::sniff;
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("holder\n«JOSÉ» d’Àger\r«ÉÈ»\n");
        let samples: Vec<Vec<u8>> = vec![
            "holder\nJosep Solé\n".into(),
            b"holder\nMart\xED\n".to_vec(),
            "holder\nJosep Solé\n".bytes().chain(*b"Mart\xED\n").collect(),
            latin.into_owned(),
            encoding_rs::SHIFT_JIS.encode("holder\n山田太郎\n").0.into_owned(),
            "ine;nom\nMercè\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
            b"holder\r\xC3".to_vec(),
        ];
        for bytes in samples {
            let whole = sniff(bytes.as_slice()).unwrap();
            assert_eq!(sniff(OneByte(&bytes)).unwrap(), whole, "{bytes:?}");
        }
    }
}
