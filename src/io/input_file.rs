//! Opening a file to import: a regular file only, within a size limit, and never
//! blocking (a FIFO with no writer, a terminal, `/dev/zero` are refused, not read).

use super::IoError;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The whole of a regular file of at most `max_mb` MiB.
pub fn read_bounded(path: &Path, max_mb: u64) -> Result<Vec<u8>, IoError> {
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
    let meta = file.metadata().map_err(fail)?;
    check(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read stops one byte past the limit.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > max_bytes {
        return Err(IoError::TooBig {
            path: path.to_path_buf(),
            max_mb,
        });
    }
    Ok(bytes)
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
