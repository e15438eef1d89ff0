//! Which encoding a file is in, told in one pass over its bytes with nothing kept
//! but a few counters (see `encoding` for the rules), and the decoding of such a
//! file to UTF-8 as it is read.

use super::encoding::{NotText, is_plausible_latin, utf16};
use std::io::{self, Read};

/// How a file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8; `bom` if it starts with one (dropped).
    Utf8 {
        bom: bool,
    },
    /// UTF-16; `bom` if it starts with one (dropped).
    Utf16 {
        big_endian: bool,
        bom: bool,
    },
    Windows1252,
}

/// How many bytes tell UTF-16 without a BOM: a header line.
const SAMPLE: usize = 4096;

/// Reads `reader` to its end and says how it is encoded, or why it is not text.
pub fn sniff(mut reader: impl Read) -> io::Result<Result<Encoding, NotText>> {
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut reader).take(SAMPLE as u64).read_to_end(&mut sample)?;
    if let Some((encoding, body)) = utf16(&sample) {
        let bom = body.len() != sample.len();
        let big_endian = encoding == encoding_rs::UTF_16BE;
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut out = vec![0u8; 3 * 8192 + 16];
        let mut feed = |bytes: &[u8], last: bool| -> bool {
            let mut bytes = bytes;
            loop {
                let (result, read, _) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, last);
                bytes = &bytes[read..];
                match result {
                    encoding_rs::DecoderResult::InputEmpty => return true,
                    encoding_rs::DecoderResult::OutputFull => continue,
                    encoding_rs::DecoderResult::Malformed(..) => return false,
                }
            }
        };
        let mut well_formed = feed(body, false);
        let mut chunk = vec![0u8; 8192];
        while well_formed {
            let n = reader.read(&mut chunk)?;
            well_formed = feed(&chunk[..n], n == 0);
            if n == 0 {
                break;
            }
        }
        return Ok(match well_formed {
            true => Ok(Encoding::Utf16 { big_endian, bom }),
            false => Err(NotText::Utf16),
        });
    }
    let mut scan = Scan::default();
    scan.feed(&sample);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        scan.feed(&chunk[..n]);
    }
    Ok(scan.verdict(sample.starts_with(b"\xEF\xBB\xBF")))
}

/// What one pass over bytes that are not UTF-16 learns, byte by byte.
#[derive(Default)]
struct Scan {
    at: u64,
    /// Line ends so far (a `\r\n` counts once, at its `\n`).
    lines: u64,
    /// The previous byte was a `\r`.
    after_cr: bool,
    /// The bytes of a UTF-8 sequence begun and not ended, and how many it needs.
    pending: Vec<u8>,
    need: usize,
    seq_line: u64,
    /// The line of the first byte that is not UTF-8.
    bad_line: Option<u64>,
    /// The line of the first accent of Catalan text in UTF-8 (see `utf8_accents`).
    accent_line: Option<u64>,
    /// The last two bytes, for an accent that spans chunks.
    last: [u8; 2],
    /// The Windows-1252 reading's check (see `implausible_latin`).
    latin: LatinRun,
}

impl Scan {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        let line = self.lines + 1;
        // A lone `\r` ended a line: counted once the next byte is not `\n`.
        if self.after_cr && b != b'\n' {
            self.lines += 1;
        }
        let line_now = self.lines + 1;
        self.after_cr = b == b'\r';
        if b == b'\n' {
            self.lines += 1;
        }
        self.utf8(b, line_now);
        // UTF-8 accents: C2/C3 then a continuation byte, E2 80 xx, E2 82 AC.
        let follows = (0x80..=0xBF).contains(&b);
        let accent = match self.last {
            [_, 0xC2 | 0xC3] => follows,
            [0xE2, 0x80] => follows,
            [0xE2, 0x82] => b == 0xAC,
            _ => false,
        };
        if accent && self.accent_line.is_none() {
            // The line of the sequence's first byte; a line end is never inside one.
            self.accent_line = Some(line);
        }
        self.last = [self.last[1], b];
        self.latin.push(b, line_now);
        self.at += 1;
    }

    fn utf8(&mut self, b: u8, line: u64) {
        if self.bad_line.is_some() {
            return;
        }
        if self.need == 0 {
            // The line of a sequence's first byte is the one a bad sequence is on.
            self.seq_line = line;
            self.need = match b {
                0x00..=0x7F => 1,
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => 0,
            };
            if self.need == 0 {
                self.bad_line = Some(line);
                return;
            }
        }
        self.pending.push(b);
        let complete = self.pending.len() == self.need;
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => true,
            Err(e) => !complete && e.error_len().is_none(),
        };
        if !valid {
            self.bad_line = Some(self.seq_line);
        }
        if complete || !valid {
            self.pending.clear();
            self.need = 0;
        }
    }

    fn verdict(mut self, bom: bool) -> Result<Encoding, NotText> {
        if !self.pending.is_empty() && self.bad_line.is_none() {
            // A sequence cut short at the end.
            self.bad_line = Some(self.seq_line);
        }
        let Some(other) = self.bad_line else {
            return Ok(Encoding::Utf8 { bom });
        };
        if let Some(utf8) = self.accent_line {
            return Err(NotText::Mixed { utf8, other });
        }
        match self.latin.finish() {
            Some(line) => Err(NotText::AtLine(line)),
            None => Ok(Encoding::Windows1252),
        }
    }
}

/// `implausible_latin` as bytes go by: the first character 1252 data never holds,
/// or the first odd run of non-ASCII characters, kept as a few fields however long.
#[derive(Default)]
struct LatinRun {
    found: Option<u64>,
    /// The run: its line, its length, its first character, the first after a
    /// leading `«` (its base), its last, and whether any before the last differs
    /// from the base.
    line: u64,
    len: usize,
    first: char,
    base: Option<char>,
    last: char,
    differs: bool,
}

impl LatinRun {
    fn push(&mut self, b: u8, line: u64) {
        if self.found.is_some() {
            return;
        }
        let c = decode_1252(b);
        if !is_plausible_latin(c) {
            self.found = Some(line);
            return;
        }
        if c.is_ascii() || c == '\u{A0}' {
            if self.odd() {
                self.found = Some(self.line);
            }
            self.len = 0;
            return;
        }
        if self.len == 0 {
            *self = LatinRun {
                found: None,
                line,
                len: 1,
                first: c,
                base: (c != '«').then_some(c),
                last: c,
                differs: false,
            };
            return;
        }
        // The character that was last is now inside the run.
        let prefix = usize::from(self.first == '«');
        if self.len > prefix && Some(self.last) != self.base {
            self.differs = true;
        }
        if self.base.is_none() {
            self.base = Some(c);
        }
        self.last = c;
        self.len += 1;
    }

    /// Whether the run so far is one that `odd_run` refuses.
    fn odd(&self) -> bool {
        let prefix = usize::from(self.first == '«');
        let Some(base) = self.base.filter(|_| self.len > prefix) else {
            return false;
        };
        let suffix = usize::from(self.last == '»' && self.len > prefix);
        let inner = self.len - prefix - suffix;
        let last_differs = suffix == 0 && self.len - 1 > prefix && self.last != base;
        inner >= 3 && (self.differs || last_differs)
    }

    fn finish(&self) -> Option<u64> {
        self.found.or_else(|| self.odd().then_some(self.line))
    }
}

/// A byte as Windows-1252 reads it: Latin-1 but for 0x80–0x9F.
fn decode_1252(b: u8) -> char {
    if !(0x80..=0x9F).contains(&b) {
        return char::from(b);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(std::slice::from_ref(&b));
    text.chars().next().unwrap_or('\u{FFFD}')
}

/// A file's bytes as UTF-8 text, decoded as they are read.
pub struct Decoded<R> {
    inner: R,
    decoder: Option<encoding_rs::Decoder>,
    /// Bytes still to drop at the start (a BOM).
    skip: usize,
    raw: Vec<u8>,
    /// Decoded text not yet given out, from `text_at`.
    text: Vec<u8>,
    text_at: usize,
    ended: bool,
}

impl<R: Read> Decoded<R> {
    pub fn new(inner: R, encoding: Encoding) -> Decoded<R> {
        let (decoder, skip) = match encoding {
            Encoding::Utf8 { bom } => (None, if bom { 3 } else { 0 }),
            Encoding::Utf16 { big_endian, bom } => {
                let encoding = match big_endian {
                    true => encoding_rs::UTF_16BE,
                    false => encoding_rs::UTF_16LE,
                };
                (
                    Some(encoding.new_decoder_without_bom_handling()),
                    if bom { 2 } else { 0 },
                )
            }
            Encoding::Windows1252 => (
                Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling()),
                0,
            ),
        };
        Decoded {
            inner,
            decoder,
            skip,
            raw: vec![0u8; 16 * 1024],
            text: Vec::new(),
            text_at: 0,
            ended: false,
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.skip > 0 {
            let mut byte = [0u8; 1];
            if self.inner.read(&mut byte)? == 0 {
                return Ok(0);
            }
            self.skip -= 1;
        }
        let Some(decoder) = self.decoder.as_mut() else {
            return self.inner.read(out);
        };
        while self.text_at == self.text.len() && !self.ended {
            let n = self.inner.read(&mut self.raw)?;
            self.ended = n == 0;
            let room = decoder
                .max_utf8_buffer_length_without_replacement(n)
                .unwrap_or(3 * n + 16);
            self.text.resize(room, 0);
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(&self.raw[..n], &mut self.text, self.ended);
            if let encoding_rs::DecoderResult::Malformed(..) = result {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "not UTF-16"));
            }
            debug_assert_eq!(read, n);
            self.text.truncate(written);
            self.text_at = 0;
        }
        let n = out.len().min(self.text.len() - self.text_at);
        out[..n].copy_from_slice(&self.text[self.text_at..self.text_at + n]);
        self.text_at += n;
        Ok(n)
    }
}
