//! `--format json`: the decision in the stable shape of the spec.

use super::Resolved;
use crate::cli::output::{Render, json_text};
use crate::engine::{Decision, Verdict};
use crate::model::{Target, Text};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct JsonDecision<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a str>,
    action: &'a str,
    state: &'a str,
    at: String,
    outcome: &'a str,
    rule: Option<&'a str>,
    rules: &'a [Text],
    reasons: &'a [Text],
    steps: Vec<JsonStep<'a>>,
    repeat: u8,
    two_person: bool,
    /// For a `two_person` chain: whether it reaches two different people
    /// at this time (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    two_person_met: Option<bool>,
    pre_approved: bool,
    consult: &'a [Text],
    preconditions: &'a [Text],
    impact: Vec<JsonImpact<'a>>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    offset_s: u64,
    starts_at: String,
    people: Vec<&'a str>,
    via: String,
    skipped: bool,
    why: &'a str,
}

#[derive(Serialize)]
struct JsonImpact<'a> {
    system: &'a str,
    criticality: &'a str,
    safe_state: Option<&'a str>,
}

fn via(target: &Target) -> String {
    match target {
        Target::Role(r) => format!("role:{}", r.value),
        Target::Person(p) => format!("person:{}", p.value),
    }
}

pub struct Json;

impl Render<Resolved<'_>> for Json {
    fn render(&self, resolved: &Resolved) -> Result<String> {
        json_text(&decision(resolved.decision))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

/// The JSON shape of the spec (console.md), field for field.
fn decision(d: &Decision) -> JsonDecision<'_> {
    JsonDecision {
        identity: d.identity.as_deref(),
        action: d.action.as_str(),
        state: &d.state,
        at: d.at.to_rfc3339(),
        outcome: d.verdict.as_str(),
        rule: d.rule.as_deref(),
        rules: &d.rules,
        reasons: &d.reasons,
        steps: d
            .steps
            .iter()
            .map(|s| JsonStep {
                offset_s: s.offset,
                starts_at: s.starts_at.to_rfc3339(),
                people: s.people.iter().map(|p| p.person.as_str()).collect(),
                via: via(&s.target),
                skipped: s.skipped,
                why: &s.why,
            })
            .collect(),
        repeat: d.repeat,
        two_person: d.two_person,
        two_person_met: (d.two_person && d.verdict == Verdict::Chain)
            .then(|| d.reachable().len() >= 2),
        pre_approved: d.pre_approved,
        consult: &d.consult,
        preconditions: &d.preconditions,
        impact: d
            .impact
            .iter()
            .map(|i| JsonImpact {
                system: &i.system,
                criticality: i.criticality.as_str(),
                safe_state: i.safe_state.as_deref(),
            })
            .collect(),
    }
}
