//! The import report, which the formats render: in words (`human.rs`),
//! for a pull request (`markdown.rs`) and for tools (`json.rs`). Every
//! value from an export is escaped for where it goes: control characters
//! never reach a terminal, and a Markdown cell cannot be broken out of.

use crate::import::reimport::Merge;
use serde::Serialize;

/// What happened to the generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Written with the new identities.
    Written,
    /// The same bytes as before: left as it was (not rewritten).
    Unchanged,
    /// `--dry-run`: nothing written.
    DryRun,
}

/// The whole report of one import.
#[derive(Debug, Serialize)]
pub struct Report {
    pub source: String,
    /// The generated file, relative to the runbook directory.
    pub file: String,
    pub outcome: Outcome,
    /// Identities in the file (disappeared ones included).
    pub identities: usize,
    #[serde(flatten)]
    pub merge: Merge,
    /// Identities no mapping rule classified.
    pub unclassified: Vec<String>,
    /// Records that could not be given an id, in words with their place.
    pub left_out: Vec<String>,
    /// Imported ids left out because a hand-written identity has them.
    pub hand_written_wins: Vec<String>,
}

/// `text` without control characters (shown escaped, as `\u{1b}`).
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn outcome(r: &Report) -> String {
    let n = r.identities;
    let s = if n == 1 { "identity" } else { "identities" };
    match r.outcome {
        Outcome::Written => format!("written, {n} {s}"),
        Outcome::Unchanged => format!("unchanged, {n} {s} (not rewritten)"),
        Outcome::DryRun => format!("dry run, nothing written ({n} {s} after the import)"),
    }
}
