//! The coverage matrix as a heat map: one row per group of critical
//! identities and action, one column per state; each cell names the first
//! decider and how long until a decider is reached over the horizon, and its
//! colour says the same (green now, yellow-green within 15 minutes, orange
//! slower, red a gap, a tie or no rule, blue forbidden).

use crate::engine::authority::Selection;
use crate::engine::horizon::{Coverage, EMERGENCY_FIRST_DECIDER};
use crate::log::report::html::esc;
use crate::model::Runbook;
use std::fmt::Write as _;

/// Identities named in a row header before "and N more".
const NAMED: usize = 4;

pub fn section(runbook: &Runbook, coverage: &Coverage) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<h2 id=\"coverage\">Coverage: who decides first, and how soon</h2>\n<p>{} critical identities (touching a <code>high</code> or <code>safety</code> system), in every state, for <code>pause</code> and <code>revoke</code> (and <code>disconnect</code> for vendor sessions). Each cell: the first decider at the start of the horizon, then the longest wait for a decider over the horizon.</p>",
        coverage.identities
    );
    out.push_str(
        "<p class=\"legend\">Legend: <span class=\"cell now\" style=\"background:#cdeccd\">now</span><span style=\"background:#e8f4c8\">within 15 min</span><span style=\"background:#ffe0a6\">slower than 15 min</span><span style=\"background:#f7b9b3\">GAP, tie or no rule</span><span style=\"background:#d9d9f2\">forbidden</span></p>\n",
    );
    out.push_str("<table>\n<caption>Coverage matrix over the horizon</caption>\n<thead><tr><th scope=\"col\">identities</th><th scope=\"col\">action</th>");
    for state in &runbook.states {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(state.label()));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for group in &coverage.groups {
        let names: Vec<&str> = group
            .identities
            .iter()
            .filter_map(|&i| runbook.identities.get(i))
            .map(|i| i.id.value.as_str())
            .collect();
        let mut who = names
            .iter()
            .take(NAMED)
            .map(|n| format!("<code>{}</code>", esc(n)))
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > NAMED {
            let _ = write!(who, " and {} more", names.len() - NAMED);
        }
        let mut actions: Vec<_> = group.answers.iter().map(|a| a.action).collect();
        actions.dedup();
        actions.sort_by_key(|a| a.as_str());
        actions.dedup();
        for action in actions {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{who}</th><td>{}</td>",
                action.as_str()
            );
            for (s, _) in runbook.states.iter().enumerate() {
                let answer = group
                    .answers
                    .iter()
                    .find(|a| a.state == s && a.action == action);
                let (class, text) = match answer {
                    None => ("bad", "not asked".to_owned()),
                    Some(a) => cell(runbook, coverage, a),
                };
                let _ = write!(out, "<td class=\"{class}\">{text}</td>");
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The class and the (escaped) words of one answer.
fn cell(
    runbook: &Runbook,
    coverage: &Coverage,
    answer: &crate::engine::horizon::Answer,
) -> (&'static str, String) {
    let rule_id = |k: &usize| {
        runbook
            .rules
            .get(*k)
            .map_or_else(|| "?".to_owned(), |r| esc(&r.id.value))
    };
    match &answer.selection {
        Selection::Forbidden(rules) => (
            "forbid",
            format!(
                "forbidden by {}",
                rules.iter().map(rule_id).collect::<Vec<_>>().join(", ")
            ),
        ),
        Selection::Ambiguous(rules) => (
            "bad",
            format!(
                "TIE between {}",
                rules.iter().map(rule_id).collect::<Vec<_>>().join(", ")
            ),
        ),
        Selection::Uncovered => ("bad", "NO RULE".to_owned()),
        Selection::Rule(k) => {
            let Some(facts) = answer.chain.and_then(|c| coverage.chains.get(c)) else {
                return ("bad", format!("rule {}", rule_id(k)));
            };
            let first = if facts.first.is_empty() {
                "nobody".to_owned()
            } else {
                facts
                    .first
                    .iter()
                    .map(|p| esc(runbook.person(p).map_or(p.as_str(), |p| p.label())))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (class, wait) = match facts.within {
                _ if !facts.gaps.is_empty() => (
                    "gap",
                    format!("GAP: nobody in {} window(s)", facts.gaps.len()),
                ),
                None => ("gap", "GAP: never".to_owned()),
                Some(0) => ("now", "now".to_owned()),
                Some(s) if s <= EMERGENCY_FIRST_DECIDER => {
                    ("ok", format!("within {}", wait_text(s)))
                }
                Some(s) => ("slow", format!("within {} (slow)", wait_text(s))),
            };
            (class, format!("{first}<br>{wait}"))
        }
    }
}

/// `45m`, `1h30m`, `2d`.
pub fn wait_text(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    let mut out = String::new();
    if d > 0 {
        let _ = write!(out, "{d}d");
    }
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 || out.is_empty() {
        let _ = write!(out, "{m}m");
    }
    out
}
