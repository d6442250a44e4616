//! From a level to the people it engages at a moment (spec, Resolution step
//! 6): on-call people, activity, availability and `backup` chains.

use super::schedule::{self, OnCall, OnCallReason};
use crate::model::{Person, Runbook, Target, Text};
use chrono::DateTime;
use chrono_tz::Tz;

/// Someone a level engages, and why it is them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decider {
    /// Person id.
    pub person: Text,
    /// Why they are here: on shift, named by the rule, or backing up someone.
    pub reason: String,
    /// When their turn or override ends, when known.
    pub until: Option<DateTime<Tz>>,
    /// The person they stand in for, when reached through `backup`.
    pub backup_for: Option<Text>,
}

/// Whether `person` is among the people marked unavailable during an incident (or drill).
fn is_unavailable(unavailable: &[String], person: &str) -> bool {
    unavailable.iter().any(|p| p == person)
}

fn can_answer(person: &Person, unavailable: &[String]) -> bool {
    person.active && !is_unavailable(unavailable, &person.id.value)
}

/// `person` if they can answer, otherwise the first in their `backup` chain
/// who can (transitively, skipping the unavailable; a cycle ends the search).
/// Returns the person id and the id of the one they stand in for, if any.
pub fn answering(
    runbook: &Runbook,
    person: &str,
    unavailable: &[String],
) -> Option<(Text, Option<Text>)> {
    let start = runbook.person(person)?;
    let mut current = start;
    let mut seen: Vec<&str> = Vec::new();
    loop {
        if can_answer(current, unavailable) {
            let for_whom = (current.id.value != person).then(|| start.id.value.clone());
            return Some((current.id.value.clone(), for_whom));
        }
        seen.push(&current.id.value);
        let next = current.backup.as_ref()?;
        if seen.contains(&next.value.as_str()) {
            return None;
        }
        current = runbook.person(&next.value)?;
    }
}

fn why_absent(runbook: &Runbook, person: &str, unavailable: &[String]) -> &'static str {
    match runbook.person(person) {
        Some(p) if !p.active => "inactive",
        Some(_) if is_unavailable(unavailable, person) => "unavailable",
        _ => "absent",
    }
}

/// The people a level engages at `at`, without duplicates, in order.
pub fn level_people(
    runbook: &Runbook,
    target: &Target,
    at: DateTime<Tz>,
    unavailable: &[String],
) -> Vec<Decider> {
    let tz = runbook.plant.timezone.value;
    level_people_with(runbook, target, unavailable, |role| {
        schedule::on_call(&runbook.roles[role], tz, at)
    })
}

/// [`level_people`], with who is on call for a role (by its position in
/// `runbook.roles`) at that moment given by `on_call` (the engine reads it
/// from its [`super::oncall::OnCallCache`]).
pub fn level_people_with<L: AsRef<[OnCall]>>(
    runbook: &Runbook,
    target: &Target,
    unavailable: &[String],
    on_call: impl FnOnce(usize) -> L,
) -> Vec<Decider> {
    let mut out: Vec<Decider> = Vec::new();
    let add =
        |out: &mut Vec<Decider>, wanted: &str, reason: String, until: Option<DateTime<Tz>>| {
            let Some((person, backup_for)) = answering(runbook, wanted, unavailable) else {
                return;
            };
            if out.iter().any(|d| d.person == person) {
                return;
            }
            let reason = match &backup_for {
                Some(absent) => format!(
                    "backup for {absent} ({})",
                    why_absent(runbook, absent, unavailable)
                ),
                None => reason,
            };
            out.push(Decider {
                person,
                reason,
                until: if backup_for.is_some() { None } else { until },
                backup_for,
            });
        };
    match target {
        Target::Person(id) => add(&mut out, &id.value, "named by the rule".to_owned(), None),
        Target::Role(id) => {
            let Some(&role) = runbook
                .index
                .roles
                .get(id.value.as_str())
                .filter(|&&r| r < runbook.roles.len())
            else {
                return out;
            };
            for on_call in on_call(role).as_ref() {
                let reason = match on_call.reason {
                    OnCallReason::Override { .. } => "on call (override)".to_owned(),
                    OnCallReason::Layer { index } => format!("on shift (layer {})", index + 1),
                    OnCallReason::NoSchedule => "member".to_owned(),
                };
                add(&mut out, &on_call.person, reason, on_call.until);
            }
        }
    }
    out
}
