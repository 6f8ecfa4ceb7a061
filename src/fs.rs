//! Files as results need them: written atomically, never over something that is not a
//! regular file, in folders checked before a run starts.
//!
//! Every result file goes to a temporary file in its target's folder and is renamed
//! into place when complete ([`StreamedFile`], [`write_atomically`]), so a reader
//! never sees a half-written file and a failed or interrupted run leaves none. The
//! rename would replace whatever the name points to, so anything other than a regular
//! file there is refused first ([`check_replaceable`]): a device such as `/dev/full`,
//! a folder, a FIFO, a socket or a symbolic link.

use std::io::{self, Write};
use std::path::Path;

/// A result file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file.
    pub path: std::path::PathBuf,
    /// Why (an I/O error, or a serializer's error as one).
    pub source: io::Error,
}

impl WriteError {
    /// `path` could not be written because of `source` (any error).
    pub fn new(
        path: &Path,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            source: io::Error::other(source),
        }
    }
}

/// Creates `dir` (and its parents) and checks that a file can be created in it.
///
/// # Errors
/// The error creating the folder or the probe file.
pub fn ensure_writable_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    tempfile::tempfile_in(dir)?;
    Ok(())
}

/// Writes `bytes` to `dir/name` atomically (temporary file in `dir`, synced, then
/// renamed).
///
/// # Errors
/// Any I/O error creating, writing, syncing or renaming the file; `InvalidInput` when
/// `dir/name` exists and is not a regular file (see [`check_replaceable`]).
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let mut file = StreamedFile::create(&dir.join(name))?;
    file.write_all(bytes)?;
    file.finish()
}

/// Writes `bytes` to the file `path` atomically, like [`write_atomically`] in its
/// folder (the current folder when `path` has none).
///
/// # Errors
/// `InvalidInput` when `path` does not end in a file name; any error of
/// [`write_atomically`].
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = StreamedFile::create(path)?;
    file.write_all(bytes)?;
    file.finish()
}

/// The folder of `path`: its parent, or `.` when it has none.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Checks that `path` may be replaced by a result file: it does not exist, or it is a
/// regular file. A device (`/dev/full`), a folder, a FIFO, a socket or a symbolic link
/// is refused, so that an atomic rename never puts a file where one of those was.
///
/// # Errors
/// `InvalidInput`, saying what `path` is, when it exists and is not a regular file;
/// the error of reading its metadata otherwise.
pub fn check_replaceable(path: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a folder"
    } else if meta.file_type().is_symlink() {
        "a symbolic link"
    } else {
        "a device, FIFO or socket"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}, not a regular file, and is not replaced"),
    ))
}

/// A file written in pieces and put in place atomically: the bytes go to a temporary
/// file in the target's folder, and [`StreamedFile::finish`] syncs it and renames it
/// over the target. Dropped unfinished (a failed or interrupted run), the temporary
/// file is deleted, so the target is never half-written. The temporary file is also
/// registered with [`crate::interrupt`], which deletes it if the process must exit
/// without unwinding.
pub struct StreamedFile {
    path: std::path::PathBuf,
    writer: io::BufWriter<tempfile::NamedTempFile>,
    _guard: crate::interrupt::TempGuard,
}

impl StreamedFile {
    /// Starts writing `path` (its folder must exist).
    ///
    /// # Errors
    /// `InvalidInput` when `path` has no file name or exists and is not a regular file
    /// ([`check_replaceable`]); the error creating the temporary file.
    pub fn create(path: &Path) -> io::Result<StreamedFile> {
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        check_replaceable(path)?;
        let tmp = temp_file_for(parent_dir(path), &name.to_string_lossy())?;
        let guard = crate::interrupt::register_temp(tmp.path().to_path_buf());
        Ok(StreamedFile {
            path: path.to_path_buf(),
            writer: io::BufWriter::with_capacity(64 * 1024, tmp),
            _guard: guard,
        })
    }

    /// The file being written (its final name).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file into place.
    ///
    /// # Errors
    /// Any error flushing, syncing or renaming; `InvalidInput` if the target became
    /// something other than a regular file meanwhile.
    pub fn finish(self) -> io::Result<()> {
        let tmp = self.writer.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        check_replaceable(&self.path)?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for StreamedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// A temporary file in `dir` that will become `dir/name` (deleted if dropped before
/// it is persisted). On Unix it gets an ordinary file's permissions (0666 less the
/// umask) rather than the temporary file's owner-only 0600, so that results can be
/// shared like any other file.
fn temp_file_for(dir: &Path, name: &str) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}
