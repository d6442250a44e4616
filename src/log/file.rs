//! The writer: creating or reopening a log under an exclusive lock, and
//! appending an event that is on disk when `append` returns.

use super::canon::{self, GENESIS};
use super::verify::{TornTail, scan};
use super::{Event, Kind, LogError};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Who holds a log: written to `LOG.lock` while the lock is held, and read
/// back to tell a second writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub host: Option<String>,
    pub since: DateTime<FixedOffset>,
}

impl Holder {
    /// This process, on this host, holding the log from `since`.
    pub fn this_process(since: DateTime<FixedOffset>) -> Holder {
        let host = crate::fsio::read_to_string(
            Path::new("/proc/sys/kernel/hostname"),
            crate::fsio::MAX_NOTE_BYTES,
        )
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
        Holder {
            pid: std::process::id(),
            host,
            since,
        }
    }

    fn describe(&self) -> String {
        let since = self.since.to_rfc3339_opts(SecondsFormat::Secs, false);
        match &self.host {
            Some(host) => format!("process {} on `{host}` since {since}", self.pid),
            None => format!("process {} since {since}", self.pid),
        }
    }

    fn to_json(&self) -> String {
        serde_json::json!({
            "pid": self.pid,
            "host": self.host,
            "since": self.since.to_rfc3339_opts(SecondsFormat::AutoSi, false),
        })
        .to_string()
    }

    fn from_json(text: &str) -> Option<Holder> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        Some(Holder {
            pid: u32::try_from(v.get("pid")?.as_u64()?).ok()?,
            host: v.get("host").and_then(|h| h.as_str()).map(str::to_owned),
            since: DateTime::parse_from_rfc3339(v.get("since")?.as_str()?).ok()?,
        })
    }
}

/// A log open for appending, locked against every other writer until dropped.
#[derive(Debug)]
pub struct Log {
    file: File,
    path: PathBuf,
    lock_path: PathBuf,
    next_seq: u64,
    prev: String,
    /// The log's length after its last whole line: a failed append is cut
    /// back to it.
    len: u64,
    poisoned: bool,
    /// A torn last line not recovered yet: no event is appended after it.
    torn: Option<TornTail>,
    /// The key the head is signed with, when given (`--sign-key`).
    signer: Option<super::sign::Signer>,
    /// Events since the last `signed` one (all of them when none).
    unsigned: u64,
}

/// What [`Log::recover`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The `seq` of the `recovered` event.
    pub seq: u64,
    /// The torn line's number, from 1.
    pub line: usize,
    pub bytes: usize,
    pub sha256: String,
    /// Where the torn bytes are kept.
    pub kept_in: PathBuf,
}

impl Log {
    /// Creates a new log at `path` (mode 0600; an existing file is an error)
    /// and locks it.
    pub fn create(path: &Path, holder: &Holder) -> Result<Log, LogError> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| LogError::io("create", path, e))?;
        let log = Log::locked(file, path, holder, 1, GENESIS.to_owned())?;
        // The new name must survive a crash too.
        crate::fsio::sync_folder(path)
            .map_err(|e| LogError::io("sync the directory of", path, e))?;
        Ok(log)
    }

    /// Opens an existing log to append to it, after checking its whole
    /// chain; a broken chain or a torn last line is refused.
    pub fn open_append(path: &Path, holder: &Holder) -> Result<Log, LogError> {
        let log = Log::open_recoverable(path, holder)?;
        match &log.torn {
            Some(torn) => Err(log.torn_error(torn)),
            None => Ok(log),
        }
    }

    /// Opens an existing log as [`Log::open_append`] does, but keeps one
    /// whose last line is torn: it takes no event until [`Log::recover`]
    /// has set the torn bytes aside and cut them off. A broken chain is
    /// refused.
    pub fn open_recoverable(path: &Path, holder: &Holder) -> Result<Log, LogError> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| LogError::io("open", path, e))?;
        crate::fsio::check_regular(&file).map_err(|e| LogError::io("open", path, e))?;
        let mut log = Log::locked(file, path, holder, 1, GENESIS.to_owned())?;
        let bytes = crate::fsio::read_handle(&log.file, crate::fsio::MAX_LOG_BYTES)
            .map_err(|e| LogError::io("read", path, e))?;
        log.len = bytes.len() as u64;
        let scan = scan(&bytes);
        if let Some(problem) = scan.problem {
            return Err(LogError::Broken {
                path: path.to_path_buf(),
                problem,
            });
        }
        if let Some(last) = scan.events.last() {
            log.next_seq = last.seq.saturating_add(1);
            log.prev.clone_from(&last.hash);
        }
        log.torn = scan.torn_tail;
        log.unsigned = (scan.events.iter().rev())
            .take_while(|e| e.event.kind() != Kind::Signed)
            .count() as u64;
        Ok(log)
    }

    /// The torn last line this log was opened with, while it is not recovered.
    pub fn torn(&self) -> Option<&TornTail> {
        self.torn.as_ref()
    }

    fn torn_error(&self, torn: &TornTail) -> LogError {
        LogError::Torn {
            path: self.path.clone(),
            line: torn.line,
            bytes: torn.bytes.len(),
        }
    }

    /// Recovers a log opened with a torn last line: its bytes are copied
    /// to `LOG.torn` (a new file, mode 0600, never through a link; then
    /// `LOG.torn.2`... when that name is taken) and synced, the log is cut
    /// back to its last whole line, and a `recovered` event at `at` says
    /// how many bytes were cut, their SHA-256 and where they are. `None`
    /// when there was nothing torn.
    pub fn recover(&mut self, at: DateTime<FixedOffset>) -> Result<Option<Recovery>, LogError> {
        let Some(torn) = self.torn.clone() else {
            return Ok(None);
        };
        let kept_in = keep_aside(&self.path, &torn.bytes)?;
        let good = self.len.saturating_sub(torn.bytes.len() as u64);
        self.file
            .set_len(good)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| LogError::io("cut the torn line of", &self.path, e))?;
        self.len = good;
        self.torn = None;
        let sha256 = canon::sha256_hex(&torn.bytes);
        let name = kept_in
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let event = super::events::recovered(at, torn.line, torn.bytes.len(), &sha256, &name);
        let seq = self.append(&event)?;
        Ok(Some(Recovery {
            seq,
            line: torn.line,
            bytes: torn.bytes.len(),
            sha256,
            kept_in,
        }))
    }

    fn locked(
        file: File,
        path: &Path,
        holder: &Holder,
        next_seq: u64,
        prev: String,
    ) -> Result<Log, LogError> {
        let lock_path = lock_path(path);
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = crate::fsio::read_to_string(&lock_path, crate::fsio::MAX_NOTE_BYTES)
                    .ok()
                    .and_then(|t| Holder::from_json(&t))
                    .map_or_else(
                        || format!("another process (`{}` unreadable)", lock_path.display()),
                        |h| h.describe(),
                    );
                return Err(LogError::Locked {
                    path: path.to_path_buf(),
                    holder,
                });
            }
            Err(TryLockError::Error(e)) => return Err(LogError::io("lock", path, e)),
        }
        // Never through a link planted at `LOG.lock`.
        crate::fsio::write_atomically(&lock_path, holder.to_json().as_bytes())
            .map_err(|e| LogError::io("write", &lock_path, e))?;
        Ok(Log {
            file,
            path: path.to_path_buf(),
            lock_path,
            next_seq,
            prev,
            len: 0,
            poisoned: false,
            torn: None,
            signer: None,
            unsigned: 0,
        })
    }

    /// Appends `event` and returns its `seq` once the line is on disk
    /// (`sync_data` done). After a failed write the log takes no more events.
    pub fn append(&mut self, event: &Event) -> Result<u64, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned(self.path.clone()));
        }
        if let Some(torn) = &self.torn {
            return Err(self.torn_error(torn));
        }
        let seq = self.next_seq;
        let (line, hash) = canon::seal(&canon::canonical(seq, event, &self.prev));
        self.write_line(line, hash)?;
        self.count(event.kind());
        // The head is signed after `closed` and every SIGN_EVERY events.
        // The event is on disk already: a signature that cannot be written
        // leaves the log poisoned (the next append says so), not this
        // event unrecorded.
        let due = event.kind() == Kind::Closed || self.unsigned >= super::sign::SIGN_EVERY;
        if let (true, Some(signer)) = (due, &self.signer) {
            let signed = signer.sign(event.at, seq, &self.prev);
            let (line, hash) = canon::seal(&canon::canonical(self.next_seq, &signed, &self.prev));
            if self.write_line(line, hash).is_ok() {
                self.count(Kind::Signed);
            }
        }
        Ok(seq)
    }

    /// Signs the head with `signer` from now on: after `closed` and every
    /// [`super::sign::SIGN_EVERY`] events.
    pub fn sign_with(&mut self, signer: super::sign::Signer) {
        self.signer = Some(signer);
    }

    fn count(&mut self, kind: Kind) {
        self.unsigned = match kind {
            Kind::Signed => 0,
            _ => self.unsigned.saturating_add(1),
        };
    }

    /// Appends a line sealed elsewhere (a shared incident's event, read
    /// back from the database), byte for byte, once it is the next link of
    /// this log's chain: its `seq` follows the last one and its `prev` is
    /// the last line's hash. Returns its `seq` once on disk.
    pub fn append_entry(&mut self, entry: &super::Entry, line: &str) -> Result<u64, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned(self.path.clone()));
        }
        if let Some(torn) = &self.torn {
            return Err(self.torn_error(torn));
        }
        if entry.seq != self.next_seq || entry.prev != self.prev {
            return Err(LogError::OffChain {
                path: self.path.clone(),
                seq: entry.seq,
                expected: self.next_seq,
            });
        }
        let seq = entry.seq;
        self.write_line(line.to_owned(), entry.hash.clone())?;
        self.count(entry.event.kind());
        Ok(seq)
    }

    fn write_line(&mut self, mut line: String, hash: String) -> Result<(), LogError> {
        line.push('\n');
        // The whole line in one write; a short or failed one (a full disk,
        // a file size limit) is cut back so that no partial line remains.
        let bytes = line.as_bytes();
        let written = match self.file.write(bytes) {
            Ok(n) if n == bytes.len() => self.file.sync_data(),
            Ok(n) => Err(std::io::Error::other(format!(
                "only {n} of {} bytes written (is the disk full?)",
                bytes.len()
            ))),
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            let _ = self
                .file
                .set_len(self.len)
                .and_then(|()| self.file.sync_data());
            self.poisoned = true;
            return Err(LogError::io("append to", &self.path, e));
        }
        self.next_seq += 1;
        self.len += bytes.len() as u64;
        self.prev = hash;
        Ok(())
    }

    /// The hash of the last line written (64 zeros before the first).
    pub fn last_hash(&self) -> &str {
        &self.prev
    }

    /// The `seq` of the last event written, 0 when there is none.
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        // The lock is still held here (the file closes after this), so no
        // new holder's note can be removed.
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// `LOG.lock` next to `LOG`.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Copies `bytes` to a new `LOG.torn` next to `LOG` (or `LOG.torn.2`, ...
/// up to `.torn.9` when taken), synced with its folder; its path.
fn keep_aside(path: &Path, bytes: &[u8]) -> Result<PathBuf, LogError> {
    for n in 1..=9 {
        let mut name = path.as_os_str().to_owned();
        name.push(if n == 1 {
            ".torn".to_owned()
        } else {
            format!(".torn.{n}")
        });
        let aside = PathBuf::from(name);
        let mut file = match crate::fsio::create_new(&aside) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(LogError::io("create", &aside, e)),
        };
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| crate::fsio::sync_folder(&aside))
            .map_err(|e| LogError::io("write", &aside, e))?;
        return Ok(aside);
    }
    Err(LogError::io(
        "keep the torn line of",
        path,
        std::io::Error::other("`.torn` to `.torn.9` already exist next to it; move them away"),
    ))
}
