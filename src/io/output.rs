//! Where an export, a report, a backup or `E` writes: standard output, or a file
//! written whole or not at all. Never inside the store (a file there could be
//! taken for the store's own, or be one of its files), never through anything
//! already at the target, and never over anything but a regular file.

use super::IoError;
use std::io::Write;
use std::path::Path;

/// The name that means standard output (`-o -`).
pub const STDOUT: &str = "-";

/// Writes to `path`, or to stdout when there is none or it is `-`. A file is written
/// whole or not at all, and never through anything already there: the bytes go to
/// a new private (0600) file beside it, created exclusively under a name nobody can
/// guess, which then replaces `path` by a rename (a symbolic link at `path` is
/// replaced, not followed). `store` is the store's directory, refused as a place.
pub fn write_output(path: Option<&Path>, bytes: &[u8], store: Option<&Path>) -> Result<(), IoError> {
    write_output_with(path, store, |out| out.write_all(bytes))
}

/// As `write_output`, with the bytes written by `write` as they come (buffered),
/// so that they need not be held at once.
pub fn write_output_with<T>(
    path: Option<&Path>,
    store: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, IoError> {
    write_output_verified(path, store, write, |_| Ok(()))
}

/// As `write_output_with`, and `verify` reads the file written before it takes
/// the place of the one there: refused, the one there is left as it was.
/// (Standard output is not read back.)
pub fn write_output_verified<T>(
    path: Option<&Path>,
    store: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
    verify: impl FnOnce(&Path) -> Result<(), IoError>,
) -> Result<T, IoError> {
    let fail = |p: &Path, source: std::io::Error| IoError::Io {
        path: p.to_path_buf(),
        source,
    };
    let Some(path) = path.filter(|p| *p != Path::new(STDOUT)) else {
        let mut out = std::io::BufWriter::new(UntilClosed {
            out: std::io::stdout().lock(),
            closed: false,
        });
        return write(&mut out)
            .and_then(|value| out.flush().map(|()| value))
            .map_err(|e| fail(Path::new(STDOUT), e));
    };
    check_target(path, store)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Errors name the file asked for, not the temporary one beside it, which
    // is removed when `tmp` drops on any failure.
    let mut tmp = tempfile::Builder::new()
        .prefix(".ocsae-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail(path, e))?;
    let value = {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut out).and_then(|value| out.flush().map(|()| value))
    }
    .and_then(|value| tmp.as_file().sync_all().map(|()| value))
    .map_err(|e| fail(path, e))?;
    verify(tmp.path())?;
    tmp.persist(path).map_err(|e| fail(path, e.error))?;
    // The rename itself reaches the disk too; a directory that cannot be synced
    // still holds the file.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(value)
}

/// Standard output, where a reader that stopped early (`| head`) is not an
/// error: what follows is dropped.
struct UntilClosed<W> {
    out: W,
    closed: bool,
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(bytes.len());
        }
        match self.out.write_all(bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.closed = true,
            other => other?,
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.closed {
            true => Ok(()),
            false => match self.out.flush() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
        }
    }
}

/// Refuses a target inside the store, or one that is there and is not a regular
/// file (a directory, a FIFO, a device, or a link to one): the rename would put a
/// file in its place. A link to a regular file, or to nothing, is replaced.
pub fn check_target(path: &Path, store: Option<&Path>) -> Result<(), IoError> {
    if path == Path::new(STDOUT) {
        return Ok(());
    }
    if let Some(store) = store
        && lies_within(path, store)
    {
        return Err(IoError::OutputInsideStore {
            path: path.to_path_buf(),
            store: store.to_path_buf(),
        });
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(IoError::OutputNotAFile {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// Whether writing `file` would put something inside `dir`, links resolved. The
/// last part of `file` is not resolved: a link there is replaced, not followed.
fn lies_within(file: &Path, dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let resolved = match file.file_name() {
        Some(name) => parent.canonicalize().map(|p| p.join(name)),
        None => file.canonicalize(),
    };
    resolved.is_ok_and(|f| f.starts_with(&dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, symlink};

    #[test]
    fn nothing_is_written_inside_the_store_nor_over_what_is_not_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("db");
        std::fs::create_dir_all(store.join("sled")).unwrap();
        std::fs::write(store.join("sled/db"), "the store").unwrap();
        let link = tmp.path().join("link");
        symlink(&store, &link).unwrap();
        for inside in [
            store.join("sled/db"),
            store.join("new.csv"),
            store.clone(),
            link.join("sled/db"),
        ] {
            let err = write_output(Some(&inside), b"x", Some(&store)).unwrap_err();
            assert!(
                matches!(err, IoError::OutputInsideStore { .. }),
                "{inside:?}: {err:?}"
            );
        }
        assert_eq!(std::fs::read(store.join("sled/db")).unwrap(), b"the store");

        let fifo = tmp.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let to_null = tmp.path().join("to-null");
        symlink("/dev/null", &to_null).unwrap();
        let dir = tmp.path().join("dir");
        std::fs::create_dir(&dir).unwrap();
        for node in [&fifo, &to_null, &dir] {
            let err = write_output(Some(node), b"x", Some(&store)).unwrap_err();
            assert!(matches!(err, IoError::OutputNotAFile { .. }), "{node:?}: {err:?}");
        }
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(
            std::fs::symlink_metadata(&to_null)
                .unwrap()
                .file_type()
                .is_symlink()
        );

        // A link to a regular file, or to nothing, is replaced by the file.
        let mine = tmp.path().join("mine");
        std::fs::write(&mine, "mine").unwrap();
        for (name, to) in [("to-file", mine.as_path()), ("dangling", Path::new("/nowhere/x"))] {
            let at = tmp.path().join(name);
            symlink(to, &at).unwrap();
            write_output(Some(&at), b"new", Some(&store)).unwrap();
            assert!(std::fs::symlink_metadata(&at).unwrap().is_file(), "{name}");
        }
        assert_eq!(std::fs::read(&mine).unwrap(), b"mine");
    }
}
