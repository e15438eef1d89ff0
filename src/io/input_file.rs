//! Opening a file to import: a regular file only, within a size limit, and never
//! blocking (a FIFO with no writer, a terminal, `/dev/zero` are refused, not read).

use super::IoError;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Why reading a file to import stopped, carried through the readers above it.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// It grew past the limit while it was read.
    TooBig { path: PathBuf, max_mb: u64 },
    /// Its bytes are not the ones an earlier pass read.
    Changed { path: PathBuf },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooBig { path, .. } => write!(f, "{} is too big", path.display()),
            Refusal::Changed { path } => write!(f, "{} changed while it was read", path.display()),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for IoError {
    fn from(refusal: Refusal) -> IoError {
        match refusal {
            Refusal::TooBig { path, max_mb } => IoError::TooBig { path, max_mb },
            Refusal::Changed { path } => IoError::Changed { path },
        }
    }
}

/// The `Refusal` inside an I/O error, if that is what it is.
pub fn refusal(e: &std::io::Error) -> Option<Refusal> {
    e.get_ref()?.downcast_ref::<Refusal>().cloned()
}

/// A regular file of at most `max_mb` MiB, open to read; nothing read yet.
pub fn open_bounded(path: &Path, max_mb: u64) -> Result<std::fs::File, IoError> {
    let max_bytes = max_mb.saturating_mul(1024 * 1024);
    let fail = |source: std::io::Error| IoError::Io {
        path: path.to_path_buf(),
        source,
    };
    let check = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            Err(IoError::NotAFile {
                path: path.to_path_buf(),
            })
        } else if meta.len() > max_bytes {
            Err(IoError::TooBig {
                path: path.to_path_buf(),
                max_mb,
            })
        } else {
            Ok(())
        }
    };
    // Looked at before opening: opening a device or a FIFO can itself block or act.
    check(&std::fs::metadata(path).map_err(fail)?)?;
    // O_NONBLOCK: if the name became a FIFO since, opening it does not wait for a writer.
    let file = std::fs::File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(fail)?;
    check(&file.metadata().map_err(fail)?)?;
    Ok(file)
}

/// The whole of a regular file of at most `max_mb` MiB.
pub fn read_bounded(path: &Path, max_mb: u64) -> Result<Vec<u8>, IoError> {
    let file = open_bounded(path, max_mb)?;
    let len = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Vec::with_capacity(len as usize);
    Tracked::new(file, path, max_mb, None)
        .read_to_end(&mut bytes)
        .map_err(|e| match refusal(&e) {
            Some(refusal) => refusal.into(),
            None => IoError::File {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
        })?;
    Ok(bytes)
}

/// A file read from its start, stopped one byte past the limit (a file that grows
/// while it is read), its bytes summed as they go; given the sum of an earlier
/// pass, its end is an error if the bytes differ.
pub struct Tracked<R> {
    inner: R,
    path: PathBuf,
    max_mb: u64,
    read: u64,
    crc: crc32fast::Hasher,
    expected: Option<(u64, u32)>,
}

impl<R: Read> Tracked<R> {
    pub fn new(inner: R, path: &Path, max_mb: u64, expected: Option<(u64, u32)>) -> Tracked<R> {
        Tracked {
            inner,
            path: path.to_path_buf(),
            max_mb,
            read: 0,
            crc: crc32fast::Hasher::new(),
            expected,
        }
    }

    /// How many bytes were read, and their checksum.
    pub fn sum(&self) -> (u64, u32) {
        (self.read, self.crc.clone().finalize())
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.crc.update(&buf[..n]);
        if self.read > self.max_mb.saturating_mul(1024 * 1024) {
            return Err(std::io::Error::other(Refusal::TooBig {
                path: self.path.clone(),
                max_mb: self.max_mb,
            }));
        }
        if n == 0 && self.expected.is_some_and(|expected| expected != self.sum()) {
            return Err(std::io::Error::other(Refusal::Changed {
                path: self.path.clone(),
            }));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        std::fs::write(&file, vec![b'x'; 1024 * 1024]).unwrap();
        assert_eq!(
            read_bounded(&file, 1).unwrap().len(),
            1024 * 1024,
            "1 MiB exactly passes"
        );
        std::fs::write(&file, vec![b'x'; 1024 * 1024 + 1]).unwrap();
        assert!(matches!(
            read_bounded(&file, 1),
            Err(IoError::TooBig { max_mb: 1, .. })
        ));
        assert!(matches!(
            read_bounded(dir.path(), 1),
            Err(IoError::NotAFile { .. })
        ));
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 1),
            Err(IoError::NotAFile { .. })
        ));
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_bounded(&fifo, 1), Err(IoError::NotAFile { .. })));
        assert!(matches!(
            read_bounded(&dir.path().join("none"), 1),
            Err(IoError::Io { .. })
        ));
    }
}
