//! The decision as advice a shift lead can act on at 3 a.m.: whom to call
//! now, who next and when, what it stops.

use super::Resolved;
use crate::cli::clock;
use crate::cli::output::Render;
use crate::engine::{Decision, Step, Verdict};
use crate::model::{Runbook, Target};
use anyhow::Result;
use std::fmt::Write as _;

/// A person as a responder needs them: name, role, shift end, contacts.
pub(crate) fn person_line(
    runbook: &Runbook,
    step: &Step,
    d: &crate::engine::people::Decider,
    at: chrono::DateTime<chrono_tz::Tz>,
) -> String {
    let Some(person) = runbook.person(&d.person) else {
        return d.person.to_string();
    };
    let mut parts: Vec<String> = Vec::new();
    if let Target::Role(r) = &step.target
        && let Some(role) = runbook.role(&r.value)
    {
        parts.push(role.label().to_owned());
    }
    match (&d.backup_for, d.until) {
        (Some(absent), _) => {
            let name = runbook
                .person(absent)
                .map_or(absent.as_str(), |p| p.label());
            parts.push(format!("backup for {name}"));
        }
        (None, Some(until)) if d.reason.contains("override") => {
            parts.push(format!("on call until {} (override)", clock(until, at)))
        }
        (None, Some(until)) => parts.push(format!("on shift until {}", clock(until, at))),
        (None, None) => {}
    }
    let c = &person.contact;
    if let Some(phone) = &c.phone {
        parts.push(format!("phone {phone}"));
    }
    if let Some(radio) = &c.radio {
        parts.push(format!("radio {radio}"));
    }
    if let Some(email) = &c.email {
        parts.push(email.to_string());
    }
    if parts.is_empty() {
        person.label().to_owned()
    } else {
        format!("{} ({})", person.label(), parts.join(", "))
    }
}

fn target_label(runbook: &Runbook, target: &Target) -> String {
    match target {
        Target::Role(r) => runbook
            .role(&r.value)
            .map_or(r.value.to_string(), |role| role.label().to_owned()),
        Target::Person(p) => runbook
            .person(&p.value)
            .map_or(p.value.to_string(), |person| person.label().to_owned()),
    }
}

fn duration_words(secs: u64) -> String {
    crate::model::Duration(secs).to_string()
}

pub struct Human;

impl Render<Resolved<'_>> for Human {
    fn render(&self, resolved: &Resolved) -> Result<String> {
        Ok(advice(resolved.runbook, resolved.decision))
    }
}

/// Advice a shift lead can act on at 3 a.m.
fn advice(runbook: &Runbook, d: &Decision) -> String {
    let mut out = String::new();
    let state_label = runbook
        .state(&d.state)
        .map_or(d.state.as_str(), |s| s.label());
    let when = d.at.format("%a %d %b %Y %H:%M %Z");
    match &d.identity {
        Some(id) => {
            let identity = runbook.identity(id);
            let name = identity.map_or(id.as_str(), |i| i.label());
            let kind = identity.map_or("", |i| i.kind.value.as_str());
            let _ = writeln!(out, "{} {id} ({name}, {kind})", d.action);
        }
        None => {
            let _ = writeln!(out, "declare state {} ({state_label})", d.state);
        }
    }
    if d.identity.is_some() {
        let _ = writeln!(out, "in state {} ({state_label}), at {when}", d.state);
    } else {
        let _ = writeln!(out, "at {when}");
    }
    out.push('\n');
    match d.verdict {
        Verdict::Forbidden => {
            let _ = writeln!(
                out,
                "FORBIDDEN: nobody may {} this in state {}.",
                d.action, d.state
            );
            for (rule, reason) in d.rules.iter().zip(&d.reasons) {
                let _ = writeln!(out, "  rule {rule}: {reason}");
            }
        }
        Verdict::Ambiguous => {
            let _ = writeln!(
                out,
                "AMBIGUOUS: rules {} are equally specific and name different chains, so the runbook does not say who decides.",
                d.rules.join(", ")
            );
            let _ = writeln!(
                out,
                "  The runbook must be fixed; meanwhile ask each rule's first level:"
            );
            for id in &d.rules {
                if let Some(first) = runbook
                    .rule(id)
                    .and_then(|r| r.decide())
                    .and_then(|dc| dc.levels.first())
                {
                    let _ = writeln!(out, "  rule {id}: {}", target_label(runbook, &first.target));
                }
            }
        }
        Verdict::Uncovered => {
            let what = match &d.identity {
                Some(id) => format!("may {} {id} in state {}", d.action, d.state),
                None => format!("may declare state {}", d.state),
            };
            let _ = writeln!(out, "UNCOVERED: no rule says who {what}.");
            let management = runbook.management_role().map_or_else(
                || crate::model::NO_MANAGEMENT_ROLE.to_owned(),
                |r| format!("{} ({})", r.label(), r.id.value),
            );
            let _ = writeln!(
                out,
                "  Escalate to {management} and record who decided; then add a rule to the runbook."
            );
        }
        Verdict::Chain => chain(runbook, d, &mut out),
    }
    if !d.impact.is_empty() {
        let _ = writeln!(out, "\nWhat it stops:");
        for i in &d.impact {
            let name = runbook
                .system(&i.system)
                .and_then(|s| s.name.as_ref())
                .map_or(String::new(), |n| format!(" ({n})"));
            let via = i
                .via
                .as_ref()
                .map_or("served by this identity".to_owned(), |on| {
                    format!("depends on {on}")
                });
            let _ = writeln!(
                out,
                "  - {}{name}, criticality {}, {via}",
                i.system, i.criticality
            );
            if let Some(safe) = &i.safe_state {
                let _ = writeln!(out, "    safe state: {safe}");
            }
        }
    } else if d.action.stops_service() && d.identity.is_some() {
        let _ = writeln!(out, "\nWhat it stops: nothing the runbook knows of.");
    }
    out
}

fn chain(runbook: &Runbook, d: &Decision, out: &mut String) {
    let rule = d
        .rule
        .as_deref()
        .map_or(String::new(), |r| format!(" (rule {r})"));
    let mut first = true;
    // Who was already called, and when: a person named again at a later
    // level is shown as such, not as a second decider.
    let mut called: Vec<(&str, String)> = Vec::new();
    for step in &d.steps {
        let at = clock(step.starts_at, d.at);
        if step.skipped {
            let _ = writeln!(
                out,
                "  skipped: {}: nobody can answer at {at}",
                target_label(runbook, &step.target)
            );
            continue;
        }
        let people: Vec<String> = step
            .people
            .iter()
            .map(
                |p| match called.iter().find(|(id, _)| *id == p.person.as_str()) {
                    Some((_, when)) => {
                        let name = runbook
                            .person(&p.person)
                            .map_or(p.person.as_str(), |x| x.label());
                        format!("{name} again (already called {when})")
                    }
                    None => person_line(runbook, step, p, d.at),
                },
            )
            .collect();
        for p in &step.people {
            if !called.iter().any(|(id, _)| *id == p.person.as_str()) {
                called.push((p.person.as_str(), format!("at {at}")));
            }
        }
        let who = if people.len() == 1 {
            people[0].clone()
        } else {
            format!("any of: {}", people.join("; "))
        };
        if first {
            let _ = writeln!(out, "Call {who} now{rule}.");
            first = false;
        } else {
            let _ = writeln!(
                out,
                "At {at} (in {}), if no decision yet: {who}.",
                duration_words(step.offset)
            );
        }
    }
    match d.steps.iter().rev().find(|s| !s.skipped) {
        None => {
            let _ = writeln!(
                out,
                "NOBODY can be reached: every level of the chain{rule} is skipped."
            );
        }
        // `ends_at` is checked; `walk` leaves room after every level's
        // start, so a level with a time limit always has its end.
        Some(last) => match last.ends_at() {
            Some(end) if d.repeat > 0 => {
                let _ = writeln!(
                    out,
                    "If nobody decides by {}, the chain starts again ({} more time{}).",
                    clock(end, d.at),
                    d.repeat,
                    if d.repeat == 1 { "" } else { "s" }
                );
            }
            Some(end) => {
                let _ = writeln!(
                    out,
                    "The chain ends at {}: after that, nobody else is named.",
                    clock(end, d.at)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "No time limit at the last level: nobody else is named after it."
                );
            }
        },
    }
    if d.pre_approved {
        let _ = writeln!(
            out,
            "Pre-approved (break glass): the first reachable decider may act at once."
        );
    }
    if let Some(only) = d.lone_of_two() {
        let _ = writeln!(
            out,
            "TWO-PERSON RULE CANNOT BE MET: at this time the chain reaches only {} ({only}); a second decider would come from outside the chain and be recorded as NOT AUTHORIZED.",
            runbook.person(only).map_or(only.as_str(), |p| p.label())
        );
    } else if d.two_person {
        let _ = writeln!(
            out,
            "Two people: a second, different decider from this chain must confirm."
        );
    }
    if !d.consult.is_empty() {
        let names: Vec<String> = d
            .consult
            .iter()
            .map(|c| consult_label(runbook, c))
            .collect();
        let _ = writeln!(
            out,
            "Consult before acting (does not block): {}.",
            names.join(", ")
        );
    }
    if !d.preconditions.is_empty() {
        let _ = writeln!(out, "Before acting:");
        for p in &d.preconditions {
            let _ = writeln!(out, "  [ ] {p}");
        }
    }
}

fn consult_label(runbook: &Runbook, id: &str) -> String {
    if let Some(role) = runbook.role(id) {
        return format!("{} ({id})", role.label());
    }
    runbook
        .person(id)
        .map_or(id.to_owned(), |p| format!("{} ({id})", p.label()))
}
