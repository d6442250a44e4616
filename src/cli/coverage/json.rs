//! `--format json`: every identity, every answer, every gap window.

use super::{Covered, Summary, outcome, rule_ids, summary};
use crate::cli::output::{Render, json_text};
use crate::engine::authority::Selection;
use crate::engine::horizon::{ChainFacts, Coverage, Gap};
use crate::model::Runbook;
use crate::model::clock::day_time;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    plant: &'a str,
    timezone: String,
    from: String,
    to: String,
    days: u32,
    actions: [&'static str; 3],
    summary: Summary,
    /// Identities with the same answer to every question.
    groups: Vec<JsonGroup<'a>>,
    roles: Vec<JsonRole<'a>>,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    identities: Vec<&'a str>,
    vendor_session: bool,
    answers: Vec<JsonAnswer<'a>>,
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    state: &'a str,
    action: &'static str,
    /// covered | forbidden | ambiguous | uncovered
    outcome: &'static str,
    /// The winning rule (covered only).
    rule: Option<&'a str>,
    /// Forbidding or tied rules.
    rules: Vec<&'a str>,
    first_deciders: Vec<&'a str>,
    /// The longest time to first decider over the horizon; `null`: at some time never.
    first_decider_within_s: Option<u64>,
    single_decider: Option<&'a str>,
    gaps: Vec<JsonWindow>,
    slow: bool,
}

#[derive(Serialize)]
struct JsonWindow {
    from: String,
    to: String,
    /// Plant time, as the human output shows it.
    text: String,
}

#[derive(Serialize)]
struct JsonRole<'a> {
    role: &'a str,
    gaps: Vec<JsonWindow>,
}

fn window(gap: &Gap) -> JsonWindow {
    JsonWindow {
        from: gap.from.to_rfc3339(),
        to: gap.to.to_rfc3339(),
        text: format!("{} to {}", day_time(gap.from), day_time(gap.to)),
    }
}

pub struct Json;

impl Render<Covered<'_>> for Json {
    fn render(&self, covered: &Covered) -> Result<String> {
        json_text(&document(covered.runbook, covered.coverage, covered.days))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn document<'a>(runbook: &'a Runbook, c: &'a Coverage, days: u32) -> Document<'a> {
    let groups = c
        .groups
        .iter()
        .map(|g| JsonGroup {
            identities: g
                .identities
                .iter()
                .map(|&i| runbook.identities[i].id.value.as_str())
                .collect(),
            vendor_session: g.vendor_session,
            answers: g
                .answers
                .iter()
                .map(|a| {
                    let facts = a.chain.and_then(|i| c.chains.get(i));
                    let rules = rule_ids(runbook, &a.selection);
                    let emergency = runbook.states[a.state].emergency;
                    JsonAnswer {
                        state: &runbook.states[a.state].id.value,
                        action: a.action.as_str(),
                        outcome: outcome(&a.selection),
                        rule: match a.selection {
                            Selection::Rule(_) => rules.first().copied(),
                            _ => None,
                        },
                        rules: match a.selection {
                            Selection::Rule(_) => Vec::new(),
                            _ => rules,
                        },
                        first_deciders: facts
                            .map(|f| f.first.iter().map(|p| p.as_str()).collect())
                            .unwrap_or_default(),
                        first_decider_within_s: facts.and_then(|f| f.within),
                        single_decider: facts.and_then(|f| f.single.as_deref()),
                        gaps: facts
                            .map(|f| f.gaps.iter().map(window).collect())
                            .unwrap_or_default(),
                        slow: emergency && facts.is_some_and(ChainFacts::slow),
                    }
                })
                .collect(),
        })
        .collect();
    let roles = c
        .roles
        .iter()
        .enumerate()
        .map(|(r, gaps)| JsonRole {
            role: &runbook.roles[r].id.value,
            gaps: gaps.iter().map(window).collect(),
        })
        .collect();
    Document {
        plant: &runbook.plant.id.value,
        timezone: runbook.plant.timezone.value.to_string(),
        from: c.from.to_rfc3339(),
        to: c.to.to_rfc3339(),
        days,
        actions: ["pause", "revoke", "disconnect"],
        summary: summary(runbook, c),
        groups,
        roles,
    }
}
