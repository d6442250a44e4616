//! The change in words for a reviewer at a terminal.

use super::Compared;
use super::phrases::{gap_sentences, heading, phrases, window};
use crate::cli::output::Render;
use crate::engine::diff::Diff;
use crate::model::{Runbook, Text};
use anyhow::Result;
use std::fmt::Write as _;

pub struct Human;

impl Render<Compared<'_>> for Human {
    fn render(&self, c: &Compared) -> Result<String> {
        Ok(text(c.head, c.diff, c.days))
    }
}

fn text(rb: &Runbook, d: &Diff, days: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(rb, d, days));
    if d.is_empty() {
        let _ = writeln!(out, "no change in authority");
        return out;
    }
    for (what, ids) in [
        ("identities added", &d.identities_added),
        ("identities removed", &d.identities_removed),
        ("states added", &d.states_added),
        ("states removed", &d.states_removed),
        ("roles added", &d.roles_added),
        ("roles removed", &d.roles_removed),
    ] {
        if !ids.is_empty() {
            let ids: Vec<String> = ids.iter().map(Text::to_string).collect();
            let _ = writeln!(out, "{what}: {}", ids.join(", "));
        }
    }
    if !d.decisions.is_empty() {
        let _ = writeln!(out, "\ndecisions that change ({}):", d.decisions.len());
    }
    for c in &d.decisions {
        let ids: Vec<String> = c.identities.iter().map(Text::to_string).collect();
        let _ = writeln!(
            out,
            "  {} {} in {}:",
            c.action.as_str(),
            ids.join(", "),
            c.states
                .iter()
                .map(Text::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        for p in phrases(c) {
            let _ = writeln!(out, "    {p}");
        }
        for s in gap_sentences(d, c, false) {
            let _ = writeln!(out, "    {s}");
        }
    }
    if !d.roles.is_empty() {
        let _ = writeln!(out, "\non-call gaps per role:");
    }
    for r in &d.roles {
        for g in &r.opened {
            let _ = writeln!(out, "  {}: new gap {}", r.role, window(g, d.to));
        }
        for g in &r.closed {
            let _ = writeln!(out, "  {}: gap closed {}", r.role, window(g, d.to));
        }
    }
    out
}
