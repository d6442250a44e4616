//! A shared incident: several consoles on one incident through PostgreSQL
//! (docs/shared-incident.md).
//!
//! The database holds each incident's events as the very lines of a
//! `.andonlog`: `seq`, `prev` and `hash` are those of the file, so that the
//! incident exported from the database is a log that `andon log verify`,
//! `replay` and the reports read as they read a file. Every console also
//! keeps its own `.andonlog`, a copy of the shared chain as far as it saw it.
//!
//! Appends to one incident are serialised: under a transaction-scoped
//! advisory lock on the incident, the appender reads what it has not seen,
//! judges its event against the incident as it stands (a decision already
//! taken by another console is refused and said, never recorded twice:
//! [`chain::Chain::judge`]), seals the line after the head it read, and
//! commits; the primary key `(incident, seq)` and a trigger checking `prev`
//! are the last defence. At commit, `NOTIFY andon_events` carries only
//! `INCIDENT SEQ`; a console then reads by `seq` whatever it has not seen,
//! so a notification missed loses nothing.
//!
//! tokio-postgres is async; [`Store`] runs it on a thread of its own with
//! its own runtime, so that the command line and the console (which has
//! its own event loop) call it alike, blocking until the answer.

pub mod chain;
pub mod config;
pub mod link;
pub mod schema;
mod store;
mod worker;

pub use chain::{Chain, Judged};
pub use config::Target;
pub use link::{Link, Outcome};
pub use store::Store;
pub use worker::{Appended, Incident, NewIncident, Presence, Signal};

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("bad database URL: {0}")]
    Url(String),
    #[error("cannot reach {target}: {cause}")]
    Connect { target: String, cause: String },
    #[error("{}", schema_words(*.found, *.binary))]
    Schema { found: i32, binary: i32 },
    #[error("the database said: {0}")]
    Db(String),
    #[error("no incident `{0}` in the database; `andon incidents --db URL` lists them")]
    NoIncident(String),
    #[error("incident `{incident}` in the database, event {seq}: {problem}")]
    Chain {
        incident: String,
        seq: u64,
        problem: String,
    },
    #[error("the link to the database is closed")]
    Closed,
    #[error("the database cannot be reached: {0}")]
    Unreachable(String),
}

impl ShareError {
    /// The database is down or cut off (as opposed to refusing something).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            ShareError::Closed | ShareError::Connect { .. } | ShareError::Unreachable(_)
        )
    }
}

fn schema_words(found: i32, binary: i32) -> String {
    if found == 0 {
        "the database has no andon schema yet: run `andon db migrate --db URL` first".to_owned()
    } else if found < binary {
        format!(
            "the database's andon schema is version {found}, older than this andon's {binary}: run `andon db migrate --db URL`"
        )
    } else {
        format!(
            "the database's andon schema is version {found}, newer than this andon's {binary}: use a newer andon"
        )
    }
}

impl From<tokio_postgres::Error> for ShareError {
    fn from(e: tokio_postgres::Error) -> ShareError {
        if e.as_db_error().is_some() {
            ShareError::Db(cause(&e))
        } else if e.is_closed() {
            ShareError::Closed
        } else {
            // The connection itself failed (reset, refused, timed out).
            ShareError::Unreachable(cause(&e))
        }
    }
}

/// What went wrong, in words: the server's message, or the error and its
/// cause (tokio-postgres keeps the cause apart: "error connecting to
/// server" alone says little).
pub(crate) fn cause(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return printable(db.message());
    }
    match std::error::Error::source(e) {
        Some(source) => printable(&format!("{e}: {source}")),
        None => printable(&e.to_string()),
    }
}

/// `text` safe to print on one line of a terminal or a CI log: control
/// characters (escape sequences and newlines included) and bidirectional
/// controls written as `\u{..}` ([`crate::model::unsafe_to_show`]).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if crate::model::unsafe_to_show(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_mismatch_says_what_to_do() {
        let older = ShareError::Schema {
            found: 1,
            binary: 2,
        };
        assert!(
            older.to_string().contains("run `andon db migrate"),
            "{older}"
        );
        let newer = ShareError::Schema {
            found: 3,
            binary: 2,
        };
        assert!(newer.to_string().contains("newer andon"), "{newer}");
        let none = ShareError::Schema {
            found: 0,
            binary: 1,
        };
        assert!(none.to_string().contains("no andon schema"), "{none}");
    }

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(printable("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        // A console name from another console cannot reverse the line.
        assert_eq!(printable("eve\u{202e}nimda"), "eve\\u{202e}nimda");
    }
}
