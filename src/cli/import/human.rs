//! The import report for a person at a terminal.

use super::report::{Report, outcome, shown};
use crate::cli::output::Render;
use crate::import::generate::MISSING_LABEL;
use crate::import::reimport::FieldChange;
use anyhow::Result;
use std::fmt::Write as _;

/// The report for a person at a terminal.
pub struct Human;

/// Every value is escaped where it is written ([`shown`]).
impl Render<Report> for Human {
    fn render(&self, report: &Report) -> Result<String> {
        Ok(text(report))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn text(r: &Report) -> String {
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
