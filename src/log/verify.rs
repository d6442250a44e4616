//! Reading a log back and checking its chain: the first line that was
//! changed, removed or reordered, and a torn last line, each named.

use super::canon::{self, GENESIS, LineFault};
use super::{Event, LogError};
use std::fmt;
use std::path::Path;

/// One event read back from the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its line in the file, from 1.
    pub line: usize,
    pub seq: u64,
    pub event: Event,
    pub prev: String,
    pub hash: String,
}

/// A last line without its newline: a write cut short by a crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// Its line in the file, from 1.
    pub line: usize,
    pub bytes: Vec<u8>,
}

/// A whole log read back: its events and any torn tail.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRead {
    pub events: Vec<Entry>,
    pub torn_tail: Option<TornTail>,
}

/// The first line found wrong, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub fault: Fault,
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Not a log line at all (not JSON, a field missing or of the wrong type).
    Malformed(String),
    /// Its content does not match its `hash`: the line was changed.
    HashMismatch,
    /// Its `hash` matches, but it is not written in canonical form.
    NotCanonical,
    /// Its `seq` is not the one expected after the previous line.
    Seq { expected: u64, found: u64 },
    /// Its `prev` is not the previous line's `hash`.
    Prev,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Malformed(why) => write!(f, "not a log line ({why}): changed"),
            Fault::HashMismatch => {
                write!(f, "content does not match its hash: the line was changed")
            }
            Fault::NotCanonical => write!(
                f,
                "not in canonical form although its hash matches: the line was rewritten"
            ),
            Fault::Seq { expected, found } if found > expected => write!(
                f,
                "seq {found} where {expected} was expected: a line before it was removed, or lines were reordered"
            ),
            Fault::Seq { expected, found } => write!(
                f,
                "seq {found} where {expected} was expected: lines were reordered or repeated"
            ),
            Fault::Prev => write!(
                f,
                "`prev` is not the hash of the line before it: that line was changed, or lines were removed or reordered"
            ),
        }
    }
}

/// The result of checking a log's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Lines checked good, in order from the first, before any problem.
    pub events: u64,
    /// The first line changed, removed or reordered, if any.
    pub problem: Option<Problem>,
    /// A torn last line, if any; the chain is checked up to it.
    pub torn_tail: Option<TornTail>,
    /// The last good line's `seq` and `hash`: the head an auditor writes
    /// down (`None` for an empty log).
    pub head: Option<(u64, String)>,
    /// Whether the last good event (a `signed` one aside) is `closed`:
    /// the session ended cleanly.
    pub closed: bool,
    /// What the intact events say that does not hold together, in line
    /// order (`log::story`).
    pub story: Vec<super::Finding>,
}

impl Verification {
    /// Whether the chain is intact (a torn tail alone does not break it).
    pub fn intact(&self) -> bool {
        self.problem.is_none()
    }

    /// Whether the intact events tell one session's story: no finding
    /// that is an error (warnings are said, and do not break it).
    pub fn story_holds(&self) -> bool {
        !(self.story.iter()).any(|f| f.weight == super::Weight::Error)
    }
}

/// Checks the chain of the log at `path`; `Err` only when it cannot be read.
pub fn verify(path: &Path) -> Result<Verification, LogError> {
    let bytes = crate::fsio::read(path, crate::fsio::MAX_LOG_BYTES)
        .map_err(|e| LogError::io("read", path, e))?;
    Ok(scan(&bytes).verification())
}

/// [`verify`], with the intact events it checked (for the anchors of
/// `log::sign`: signatures and a written-down head).
pub fn verify_events(path: &Path) -> Result<(Verification, Vec<Entry>), LogError> {
    let bytes = crate::fsio::read(path, crate::fsio::MAX_LOG_BYTES)
        .map_err(|e| LogError::io("read", path, e))?;
    let scan = scan(&bytes);
    Ok((scan.verification(), scan.events))
}

/// Reads every event of the log at `path`, for replay; a broken chain is an
/// error, a torn tail is reported in the result.
pub fn read(path: &Path) -> Result<LogRead, LogError> {
    let bytes = crate::fsio::read(path, crate::fsio::MAX_LOG_BYTES)
        .map_err(|e| LogError::io("read", path, e))?;
    let scan = scan(&bytes);
    match scan.problem {
        Some(problem) => Err(LogError::Broken {
            path: path.to_path_buf(),
            problem,
        }),
        None => Ok(LogRead {
            events: scan.events,
            torn_tail: scan.torn_tail,
        }),
    }
}

/// Reads the events of the log at `path` that can be trusted: every line
/// before the first changed, removed or reordered one (which is returned
/// too), for a replay that shows the intact part of a damaged log.
pub fn read_intact(path: &Path) -> Result<(LogRead, Option<Problem>), LogError> {
    let bytes = crate::fsio::read(path, crate::fsio::MAX_LOG_BYTES)
        .map_err(|e| LogError::io("read", path, e))?;
    let scan = scan(&bytes);
    Ok((
        LogRead {
            events: scan.events,
            torn_tail: scan.torn_tail,
        },
        scan.problem,
    ))
}

pub(super) struct Scan {
    pub events: Vec<Entry>,
    pub problem: Option<Problem>,
    pub torn_tail: Option<TornTail>,
}

impl Scan {
    /// What the scan says of the chain.
    pub fn verification(&self) -> Verification {
        let last = self.events.last();
        Verification {
            events: self.events.len() as u64,
            head: last.map(|e| (e.seq, e.hash.clone())),
            closed: (self.events.iter().rev())
                .find(|e| e.event.kind() != super::Kind::Signed)
                .is_some_and(|e| e.event.kind() == super::Kind::Closed),
            story: super::story::check(&self.events),
            problem: self.problem.clone(),
            torn_tail: self.torn_tail.clone(),
        }
    }
}

/// Walks the lines, checking each and the chain, up to the first problem.
pub(super) fn scan(bytes: &[u8]) -> Scan {
    scan_after(bytes, None)
}

/// [`scan`] of lines that continue the chain after `last` (from the
/// first line when `None`): the first must have the next `seq` and
/// `last`'s hash as its `prev`; lines are numbered as in the whole log.
pub(super) fn scan_after(bytes: &[u8], last: Option<&Entry>) -> Scan {
    let mut events: Vec<Entry> = Vec::new();
    let mut rest = bytes;
    let mut line = last.map_or(0, |e| e.line);
    let first_seq = last.map_or(1, |e| e.seq.saturating_add(1));
    let first_prev = last.map_or(GENESIS, |e| e.hash.as_str());
    while !rest.is_empty() {
        line += 1;
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Scan {
                events,
                problem: None,
                torn_tail: Some(TornTail {
                    line,
                    bytes: rest.to_vec(),
                }),
            };
        };
        let text = &rest[..end];
        rest = &rest[end + 1..];
        let fault = match canon::parse(text) {
            Err(LineFault::Malformed(why)) => Some(Fault::Malformed(why)),
            Err(LineFault::HashMismatch) => Some(Fault::HashMismatch),
            Err(LineFault::NotCanonical) => Some(Fault::NotCanonical),
            Ok(parsed) => {
                let expected = events.last().map_or(first_seq, |e| e.seq.saturating_add(1));
                let prev = events.last().map_or(first_prev, |e| e.hash.as_str());
                if parsed.seq != expected {
                    Some(Fault::Seq {
                        expected,
                        found: parsed.seq,
                    })
                } else if parsed.prev != prev {
                    Some(Fault::Prev)
                } else {
                    events.push(Entry {
                        line,
                        seq: parsed.seq,
                        event: parsed.event,
                        prev: parsed.prev,
                        hash: parsed.hash,
                    });
                    None
                }
            }
        };
        if let Some(fault) = fault {
            // Whatever follows is not trusted, a torn tail included.
            return Scan {
                events,
                problem: Some(Problem { line, fault }),
                torn_tail: None,
            };
        }
    }
    Scan {
        events,
        problem: None,
        torn_tail: None,
    }
}
