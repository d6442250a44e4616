//! The change as a pull-request comment, in Markdown.

use super::Compared;
use super::phrases::{gap_sentences, heading, list, phrases, window};
use crate::cli::output::Render;
use crate::engine::diff::Diff;
use crate::model::Runbook;
use anyhow::Result;
use std::fmt::Write as _;

pub struct Markdown;

impl Render<Compared<'_>> for Markdown {
    fn render(&self, c: &Compared) -> Result<String> {
        Ok(comment(c.head, c.diff, c.days))
    }
}

fn comment(rb: &Runbook, d: &Diff, days: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### andon: {}\n", heading(rb, d, days));
    if d.is_empty() {
        let _ = writeln!(out, "No change in who may decide what.");
        return out;
    }
    let opened: Vec<String> = d
        .decisions
        .iter()
        .flat_map(|c| gap_sentences(d, c, true))
        .collect();
    if d.opens_gap() {
        let _ = writeln!(out, "**This change opens on-call gaps.**\n");
    }
    let listed = !opened.is_empty()
        || !d.roles.is_empty()
        || [
            &d.identities_added,
            &d.identities_removed,
            &d.states_added,
            &d.states_removed,
            &d.roles_added,
            &d.roles_removed,
        ]
        .iter()
        .any(|ids| !ids.is_empty());
    for s in &opened {
        let _ = writeln!(out, "- {}{}.", &s[..1].to_uppercase(), &s[1..]);
    }
    for r in &d.roles {
        for g in &r.opened {
            let _ = writeln!(
                out,
                "- Nobody of `{}` is on call {}.",
                r.role,
                window(g, d.to)
            );
        }
        for g in &r.closed {
            let _ = writeln!(
                out,
                "- `{}` now has someone on call {}.",
                r.role,
                window(g, d.to)
            );
        }
    }
    for (what, ids) in [
        ("New identities", &d.identities_added),
        ("Removed identities", &d.identities_removed),
        ("New states", &d.states_added),
        ("Removed states", &d.states_removed),
        ("New roles", &d.roles_added),
        ("Removed roles", &d.roles_removed),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(out, "- {what}: {}.", list(ids));
        }
    }
    if !d.decisions.is_empty() {
        if listed {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "| action | identities | states | what changes |\n|---|---|---|---|"
        );
    }
    for c in &d.decisions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.action.as_str(),
            list(&c.identities),
            list(&c.states),
            phrases(c).join("; ").replace('|', "\\|")
        );
    }
    out
}
