//! Every file andon reads or writes goes through here: reads are bounded and
//! refuse anything but a regular file (a FIFO would hang, `/dev/zero` would
//! never end); writes never follow a link planted where the file goes.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Largest runbook file, scenario or responses file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest runbook read, all its files together, in bytes: a generated
/// plant of 1,000,000 identities is 458 MiB (docs/performance.md).
pub const MAX_RUNBOOK_BYTES: u64 = 512 * 1024 * 1024;
/// Largest decision log read, in bytes.
pub const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;
/// Largest small side file read (a lock note, a host name), in bytes.
pub const MAX_NOTE_BYTES: u64 = 64 * 1024;

/// What a file system entry is, in words, when it is not a regular file.
fn not_a_file(kind: std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        None
    } else if kind.is_dir() {
        Some("is a directory, not a file")
    } else if kind.is_fifo() {
        Some("is a FIFO, not a file")
    } else if kind.is_char_device() {
        Some("is a character device, not a file")
    } else if kind.is_block_device() {
        Some("is a block device, not a file")
    } else if kind.is_socket() {
        Some("is a socket, not a file")
    } else if kind.is_symlink() {
        Some("is a symbolic link, not a file")
    } else {
        Some("is not a regular file")
    }
}

/// The error of a read that went over its limit.
#[derive(Debug)]
pub struct OverLimit {
    pub limit: u64,
}

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "is over the limit of {} bytes", self.limit)
    }
}

impl std::error::Error for OverLimit {}

/// Whether `e` is a read refused for going over its limit.
pub fn over_limit(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<OverLimit>())
}

fn refused(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.into())
}

/// Opens `path` for reading without blocking on a FIFO (the descriptor is
/// close-on-exec, as std opens every file), and refuses it unless the handle
/// is a regular file (links are resolved: the file they name counts).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    check_regular(&file)?;
    Ok(file)
}

/// Refuses `file` unless it is a regular file.
pub fn check_regular(file: &File) -> io::Result<()> {
    match not_a_file(file.metadata()?.file_type()) {
        None => Ok(()),
        Some(what) => Err(refused(what)),
    }
}

/// Reads all of `path`, a regular file of at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    read_handle(&file, limit)
}

/// Reads `path` as UTF-8 text, a regular file of at most `limit` bytes.
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "is not valid UTF-8"))
}

/// Reads the rest of an open file, a regular file, up to `limit` bytes: a
/// larger size is refused before reading, and one byte more than `limit`
/// read is an error too (a file that grows while read, or a /proc file).
pub fn read_handle(file: &File, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    read_handle_into(file, limit, &mut bytes)?;
    Ok(bytes)
}

/// [`read`] into `bytes` (emptied first): many files read one after the
/// other into one buffer, which keeps its memory from one to the next.
pub fn read_into(path: &Path, limit: u64, bytes: &mut Vec<u8>) -> io::Result<()> {
    let file = open_regular(path)?;
    read_handle_into(&file, limit, bytes)
}

fn read_handle_into(file: &File, limit: u64, bytes: &mut Vec<u8>) -> io::Result<()> {
    bytes.clear();
    check_regular(file)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            OverLimit { limit },
        ));
    }
    bytes.reserve(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(bytes)?;
    if bytes.len() as u64 > limit {
        bytes.clear();
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            OverLimit { limit },
        ));
    }
    Ok(())
}

/// Reads a stream (standard input) to its end, up to `limit` bytes: one
/// byte more is an error, so an endless pipe ends in a refusal, not in
/// exhausted memory.
pub fn read_stream(stream: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    stream
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            OverLimit { limit },
        ));
    }
    Ok(bytes)
}

/// Creates a folder at `path` and its missing parents (mode 0755 less the
/// umask); an existing folder is fine, a link (even to a folder) or a
/// file there is an error.
pub fn create_folder(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)?;
    if std::fs::symlink_metadata(path)?.is_dir() {
        Ok(())
    } else {
        Err(refused("is a link or a file, not a folder"))
    }
}

/// Creates a new file at `path`, mode 0600, open for writing: an existing
/// file or link there is an error, and a link is never followed.
pub fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// The folder `path` is in.
pub fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// (mode 0600, created new), synced, then renamed over `path`; `path` must
/// be absent or a regular file: a link, a FIFO or a device is refused and
/// left as it is. A reader sees the old file or the new one, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            if let Some(what) = not_a_file(meta.file_type()) {
                return Err(refused(what));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let dir = folder(path);
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    // The process id keeps processes apart, the counter threads of one.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    name.push(format!(".{}.{n}.tmp", std::process::id()));
    let temp = dir.join(name);
    // Left by a crash of an earlier process with this id, if it exists
    // (removing a link removes the link, not what it names).
    let _ = std::fs::remove_file(&temp);
    let written = create_new(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    sync_folder(path)
}

/// Creates the folder `path` and its parents, as `mkdir -p` does; anything
/// else already at `path` (a file, a link) is refused.
pub fn create_folders(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)?;
    if std::fs::symlink_metadata(path)?.is_dir() {
        Ok(())
    } else {
        Err(refused("is not a folder"))
    }
}

/// Whether the folder `path` is absent or holds nothing; anything but a
/// folder there (a file, a link) is refused.
pub fn absent_or_empty_folder(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
        Ok(meta) if meta.is_dir() => Ok(std::fs::read_dir(path)?.next().is_none()),
        Ok(meta) if meta.file_type().is_symlink() => {
            Err(refused("is a symbolic link, not a folder"))
        }
        Ok(_) => Err(refused("is not a folder")),
    }
}

/// Syncs the folder `path` is in, so that a new name survives a crash.
pub fn sync_folder(path: &Path) -> io::Result<()> {
    File::open(folder(path)).and_then(|d| d.sync_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_one_byte_over_the_limit_is_refused_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"12345");
        let e = read(&path, 4).unwrap_err();
        assert_eq!(e.to_string(), "is over the limit of 4 bytes");
    }

    #[test]
    fn devices_and_folders_are_named_not_read() {
        let e = read(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(e.to_string(), "is a character device, not a file");
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), 10).unwrap_err();
        assert_eq!(e.to_string(), "is a directory, not a file");
    }

    #[test]
    fn a_stream_one_byte_over_the_limit_is_refused_and_one_at_it_is_read() {
        assert_eq!(read_stream(&b"12345"[..], 5).unwrap(), b"12345");
        let e = read_stream(&b"123456"[..], 5).unwrap_err();
        assert!(over_limit(&e));
    }

    #[test]
    fn a_folder_is_created_once_and_a_link_in_its_place_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a/imported");
        create_folder(&folder).unwrap();
        create_folder(&folder).unwrap();
        let link = dir.path().join("linked");
        std::os::unix::fs::symlink(&folder, &link).unwrap();
        let e = create_folder(&link).unwrap_err();
        assert_eq!(e.to_string(), "is a link or a file, not a folder");
    }

    #[test]
    fn an_atomic_write_refuses_a_planted_link_and_leaves_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let path = dir.path().join("report.md");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        let e = write_atomically(&path, b"new").unwrap_err();
        assert_eq!(e.to_string(), "is a symbolic link, not a file");
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(create_new(&path).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    }

    #[test]
    fn an_atomic_write_replaces_a_regular_file_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
