//! The decision log: every event of a console session, live or drill, as a
//! hash-chained JSON Lines file (`*.andonlog`), so that what was decided is
//! evidence afterwards and any later edit shows.
//!
//! # Format
//!
//! One event per line, each line ending with `\n`. A line is a JSON object
//! whose fields are, in this order and with no whitespace anywhere:
//!
//! 1. `seq`: the event's number, from 1, one more on each line;
//! 2. `at`: when it happened, RFC 3339 with an offset (`+00:00`, never `Z`),
//!    fractional seconds only when there are some; the caller passes it in;
//! 3. `kind`: `opened`, `state-declared`, `inject`, `decision-opened`,
//!    `escalated`, `acknowledged`, `decided`, `note`, `closed`, `recovered`
//!    (a torn line cut off on `--recover`) or `signed` (the head signed,
//!    [`sign`]);
//! 4. the event's own fields, keys sorted by their UTF-8 bytes;
//! 5. `prev`: the `hash` of the previous line, or 64 zeros ([`GENESIS`]) on
//!    the first line;
//! 6. `hash`: the SHA-256 of the line's canonical form, 64 lowercase hex digits.
//!
//! The **canonical form** of a line is the line without its `,"hash":"…"`
//! field (so it ends `…,"prev":"…"}`), written as follows: objects at every
//! depth with keys sorted by their UTF-8 bytes; strings with `"` and `\`
//! escaped as `\"` and `\\`, `\b \f \n \r \t` as those escapes, other
//! control characters below U+0020 as `\u00xx` (lowercase hex), everything
//! else as raw UTF-8; integers in decimal, other numbers as `serde_json`
//! prints them (shortest round trip); `true`, `false`, `null`; no spaces.
//! The line on disk is exactly the canonical form with `,"hash":"HEX"`
//! inserted before its final `}`. A reader re-renders each line and demands
//! byte equality, so any changed byte shows, either as a hash mismatch or as
//! a line that is not in canonical form.
//!
//! # Durability and locking
//!
//! [`Log::append`] writes the whole line with one `write` and calls
//! `sync_data` before it returns: a step is shown done only after that. A log
//! is held by one writer at a time through an exclusive lock on the file;
//! the holder (process id, host, since when) is written next to it in
//! `LOG.lock` so that a second writer is told who holds it. After a crash
//! the file is readable up to its last whole line; a last line without its
//! newline is reported as a torn tail ([`TornTail`]), never silently
//! dropped or repaired: [`Log::open_append`] refuses such a file, and
//! [`Log::recover`] (`--resume LOG --recover`, after the user asked)
//! copies the torn bytes to `LOG.torn` before it cuts them off and
//! records a `recovered` event.

mod canon;
pub mod event;
pub mod events;
mod file;
pub mod replay;
pub mod report;
pub mod sign;
pub mod story;
mod verify;
pub mod words;

pub use canon::GENESIS;
pub use event::{Body, Event, Kind};
pub use file::{Holder, Log, Recovery};
pub use story::{Finding, Weight};
pub use verify::{
    Entry, Fault, LogRead, Problem, TornTail, Verification, read, read_intact, verify,
    verify_events,
};

use std::path::PathBuf;

/// Event `seq` after the line hashed `prev`, as the log writes it: the
/// line (without its newline) and its hash. A shared incident seals its
/// events with this, so that its lines are those of a `.andonlog`.
pub fn seal(seq: u64, event: &Event, prev: &str) -> (String, String) {
    canon::seal(&canon::canonical(seq, event, prev))
}

/// The events of log text held in memory (a shared incident's lines, each
/// ending with `\n`) that continue the chain after `last` (from the first
/// line when `None`), checked as [`verify`] checks a file: the intact
/// events and the first problem, if any.
pub fn read_bytes(bytes: &[u8], last: Option<&Entry>) -> (LogRead, Option<Problem>) {
    let scan = verify::scan_after(bytes, last);
    (
        LogRead {
            events: scan.events,
            torn_tail: scan.torn_tail,
        },
        scan.problem,
    )
}

/// Why the log could not be created, opened, written or read.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The cause is in the message, not chained, so that it prints once.
    #[error("cannot {action} `{path}`: {cause}")]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("`{path}` is in use by {holder}")]
    Locked { path: PathBuf, holder: String },
    #[error("`{path}` line {}: {}", .problem.line, .problem.fault)]
    Broken { path: PathBuf, problem: Problem },
    #[error(
        "`{path}` ends with a torn line {line} ({bytes} bytes without a newline, from a crash mid-write); to go on with it, add `--recover` to the resume command: the torn bytes are kept in `{path}.torn`, the log is cut back to its last whole line and a `recovered` event says so"
    )]
    Torn {
        path: PathBuf,
        line: usize,
        bytes: usize,
    },
    #[error(
        "`{path}`: event {seq} does not follow this log's last line (expected {expected}); the log was not written"
    )]
    OffChain {
        path: PathBuf,
        seq: u64,
        expected: u64,
    },
    #[error("an earlier write to `{0}` failed; the log takes no more events, open it again")]
    Poisoned(PathBuf),
}

impl LogError {
    fn io(action: &'static str, path: &std::path::Path, cause: std::io::Error) -> LogError {
        LogError::Io {
            action,
            path: path.to_path_buf(),
            cause,
        }
    }
}

#[cfg(test)]
mod tests;
