//! The import report in words (human), for a pull request (markdown) and
//! for tools (json). Every value from an export is escaped for where it
//! goes: control characters never reach a terminal, and a Markdown cell
//! cannot be broken out of.

use crate::import::generate::MISSING_LABEL;
use crate::import::reimport::{FieldChange, Merge};
use serde::Serialize;
use std::fmt::Write as _;

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

/// `text` as Markdown inline code when it can be, else escaped text.
fn code(text: &str) -> String {
    if text.contains('`') || text.contains('|') || text.chars().any(char::is_control) {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '\\' | '|' | '`' | '*' | '_' | '[' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out
    } else {
        format!("`{text}`")
    }
}

fn outcome(r: &Report) -> String {
    let n = r.identities;
    let s = if n == 1 { "identity" } else { "identities" };
    match r.outcome {
        Outcome::Written => format!("written, {n} {s}"),
        Outcome::Unchanged => format!("unchanged, {n} {s} (not rewritten)"),
        Outcome::DryRun => format!("dry run, nothing written ({n} {s} after the import)"),
    }
}

fn change_words(c: &FieldChange) -> String {
    let v = |x: &Option<String>| x.as_deref().map_or("(none)".to_owned(), shown);
    let what = match c.what {
        "rotated" => "rotated",
        "expiry" => "expires",
        "used" => "last used",
        _ => c.field.as_str(),
    };
    format!("{what} {} -> {}", v(&c.before), v(&c.after))
}

/// The report for a person at a terminal.
pub fn human(r: &Report) -> String {
    let mut out = String::new();
    let m = &r.merge;
    let _ = writeln!(
        out,
        "andon import {}: {} {}",
        r.source,
        shown(&r.file),
        outcome(r)
    );
    let _ = writeln!(
        out,
        "{} new, {} changed, {} disappeared from the source, {} unchanged",
        m.new.len(),
        m.changed.len(),
        m.disappeared.len(),
        m.unchanged
    );
    let list = |out: &mut String, title: String, ids: &mut dyn Iterator<Item = String>| {
        let ids: Vec<String> = ids.collect();
        if ids.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title} ({}):", ids.len());
        for id in ids {
            let _ = writeln!(out, "  {id}");
        }
    };
    list(&mut out, "New".into(), &mut m.new.iter().map(|i| shown(i)));
    list(
        &mut out,
        "Changed".into(),
        &mut m.changed.iter().map(|c| {
            let words: Vec<String> = c.changes.iter().map(change_words).collect();
            format!("{}: {}", shown(&c.id), words.join("; "))
        }),
    );
    list(
        &mut out,
        format!(
            "Disappeared from the source, kept and marked `{MISSING_LABEL}` until a person removes them"
        ),
        &mut m.disappeared.iter().map(|x| shown(&x.id)),
    );
    list(
        &mut out,
        "Still missing from the source".into(),
        &mut m
            .still_missing
            .iter()
            .map(|x| format!("{} (since {})", shown(&x.id), shown(&x.since))),
    );
    list(
        &mut out,
        "Back in the source".into(),
        &mut m.back.iter().map(|i| shown(i)),
    );
    list(
        &mut out,
        "Unclassified, no mapping rule matched".into(),
        &mut r.unclassified.iter().map(|i| shown(i)),
    );
    list(
        &mut out,
        "Left out, a hand-written identity has the id".into(),
        &mut r.hand_written_wins.iter().map(|i| shown(i)),
    );
    list(
        &mut out,
        "Records left out".into(),
        &mut r.left_out.iter().map(|i| shown(i)),
    );
    out
}

/// The report for a pull request.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let m = &r.merge;
    let _ = writeln!(
        out,
        "### andon import `{}`: {} new, {} changed, {} disappeared\n",
        r.source,
        m.new.len(),
        m.changed.len(),
        m.disappeared.len()
    );
    let _ = writeln!(out, "{}: {}.", code(&r.file), outcome(r));
    let bullets = |out: &mut String, title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n**{title}** ({})\n", items.len());
        for item in items {
            let _ = writeln!(out, "- {item}");
        }
    };
    bullets(&mut out, "New", m.new.iter().map(|i| code(i)).collect());
    if !m.changed.is_empty() {
        let _ = writeln!(out, "\n**Changed** ({})\n", m.changed.len());
        let _ = writeln!(out, "| identity | field | before | after |");
        let _ = writeln!(out, "|---|---|---|---|");
        for c in &m.changed {
            for f in &c.changes {
                let v = |x: &Option<String>| x.as_deref().map_or("(none)".to_owned(), code);
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    code(&c.id),
                    f.field,
                    v(&f.before),
                    v(&f.after)
                );
            }
        }
    }
    bullets(
        &mut out,
        &format!(
            "Disappeared from the source: kept, marked `{MISSING_LABEL}`, until a person removes them"
        ),
        m.disappeared.iter().map(|x| code(&x.id)).collect(),
    );
    bullets(
        &mut out,
        "Still missing from the source",
        m.still_missing
            .iter()
            .map(|x| format!("{} since {}", code(&x.id), code(&x.since)))
            .collect(),
    );
    bullets(
        &mut out,
        "Back in the source",
        m.back.iter().map(|i| code(i)).collect(),
    );
    bullets(
        &mut out,
        "Unclassified (no mapping rule matched)",
        r.unclassified.iter().map(|i| code(i)).collect(),
    );
    bullets(
        &mut out,
        "Left out, a hand-written identity has the id",
        r.hand_written_wins.iter().map(|i| code(i)).collect(),
    );
    bullets(
        &mut out,
        "Records left out",
        r.left_out.iter().map(|i| code(i)).collect(),
    );
    out
}
