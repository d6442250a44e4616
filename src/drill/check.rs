//! Static readiness (`andon drill check`): for each expectation, resolve the
//! chain at the drill's start time with the scenario's unavailability, and
//! say whether some authorized decider is engaged before `within`, and when.
//!
//! The unavailability used for an expectation is every `unavailable` of the
//! injects at or before its `within`: the check asks whether the runbook
//! copes with everyone the drill takes away before the deadline, even if
//! they were reachable at first (pessimistic, so "ready" holds in any run).
//! Engagement is the offset of the first level with someone to call; with
//! `by`, of the first level that names `by` (as its role or person) or
//! calls them. Engaged exactly at the deadline is in time.

use crate::engine::{Decision, Engine, Query, Verdict};
use crate::model::{Action, Duration, Expectation, Runbook, Scenario, Text};
use chrono::DateTime;
use chrono_tz::Tz;

/// How an expectation fares before any response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// A decider is engaged at or before `within`.
    Ready,
    /// The chain engages a decider, but only after `within`.
    Late,
    /// Nobody can decide: forbidden, ambiguous, uncovered, every level
    /// skipped, or `by` never reached.
    NotReady,
}

impl Readiness {
    pub fn as_str(self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::Late => "late",
            Readiness::NotReady => "not ready",
        }
    }
}

/// The level that first engages an authorized decider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engaged {
    /// From the drill's start.
    pub offset: Duration,
    pub at: DateTime<Tz>,
    /// The level's role or person.
    pub level: Text,
    pub people: Vec<Text>,
}

/// One expectation's readiness.
#[derive(Debug, Clone)]
pub struct Check {
    pub expectation: Text,
    pub objective: Text,
    pub action: Action,
    pub identity: Option<Text>,
    pub state: Text,
    pub within: Duration,
    pub by: Option<Text>,
    /// The people taken away before `within`.
    pub unavailable: Vec<String>,
    pub verdict: Verdict,
    pub rule: Option<Text>,
    pub engaged: Option<Engaged>,
    pub readiness: Readiness,
    /// Why, in one line.
    pub why: String,
}

/// Every expectation of one scenario.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenario: Text,
    pub title: Text,
    pub start: DateTime<Tz>,
    pub state: Text,
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every expectation is ready.
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.readiness == Readiness::Ready)
    }
}

/// Checks every expectation of `scenario` against `runbook` (the one it
/// names, loaded with it).
pub fn check(scenario: &Scenario, runbook: &Runbook) -> Report {
    let engine = Engine::new(runbook);
    let start = scenario
        .start
        .at
        .value
        .instant(runbook.plant.timezone.value);
    let checks = scenario
        .expect
        .iter()
        .map(|e| check_one(&engine, scenario, start, e))
        .collect();
    Report {
        scenario: scenario.id.value.clone(),
        title: scenario.title.clone(),
        start,
        state: scenario.start.state.value.clone(),
        checks,
    }
}

/// Everyone made unavailable by an inject at or before `within`.
fn unavailable(scenario: &Scenario, within: Duration) -> Vec<String> {
    let mut people: Vec<String> = Vec::new();
    for inject in scenario.injects.iter().filter(|i| i.at.value <= within) {
        for person in &inject.unavailable {
            if !people.iter().any(|p| p == person.value.as_str()) {
                people.push(person.value.to_string());
            }
        }
    }
    people
}

fn check_one(engine: &Engine, scenario: &Scenario, start: DateTime<Tz>, e: &Expectation) -> Check {
    let within = e.within.value;
    let unavailable = unavailable(scenario, within);
    let state = e
        .state
        .as_ref()
        .map_or(&scenario.start.state.value, |s| &s.value)
        .clone();
    // For an action on an identity, `state` is the state it is taken in;
    // for `declare`, the state declared.
    let decision = match &e.identity {
        Some(identity) if e.action.value != Action::Declare => engine.resolve(&Query {
            identity,
            action: e.action.value,
            state: &state,
            at: start,
            unavailable: &unavailable,
        }),
        _ => engine.declare(&state, start, &unavailable),
    };
    let by = e.by.as_ref().map(|b| b.value.as_str());
    let engaged = engaged(&decision, by);
    let (readiness, why) = judge(&decision, engaged.as_ref(), within, by);
    Check {
        expectation: e.id.value.clone(),
        objective: e.objective.value.clone(),
        action: e.action.value,
        identity: e.identity.as_ref().map(|i| i.value.clone()),
        state,
        within,
        by: e.by.as_ref().map(|b| b.value.clone()),
        unavailable,
        verdict: decision.verdict,
        rule: decision.rule.clone(),
        engaged,
        readiness,
        why,
    }
}

/// The first level that engages someone (who is, or names, `by` when given).
fn engaged(decision: &Decision, by: Option<&str>) -> Option<Engaged> {
    if decision.verdict != Verdict::Chain {
        return None;
    }
    let step = decision.steps.iter().filter(|s| !s.skipped).find(|s| {
        by.is_none_or(|by| {
            s.target.id().value.as_str() == by || s.people.iter().any(|p| p.person.as_str() == by)
        })
    })?;
    Some(Engaged {
        offset: Duration(step.offset),
        at: step.starts_at,
        level: step.target.id().value.clone(),
        people: step.people.iter().map(|p| p.person.clone()).collect(),
    })
}

fn judge(
    decision: &Decision,
    engaged: Option<&Engaged>,
    within: Duration,
    by: Option<&str>,
) -> (Readiness, String) {
    match decision.verdict {
        Verdict::Forbidden => {
            let rules = join(&decision.rules);
            return (Readiness::NotReady, format!("forbidden by {rules}"));
        }
        Verdict::Ambiguous => {
            let rules = join(&decision.rules);
            return (Readiness::NotReady, format!("ambiguous: rules {rules} tie"));
        }
        Verdict::Uncovered => {
            return (Readiness::NotReady, "no rule covers it".to_owned());
        }
        Verdict::Chain => {}
    }
    let Some(engaged) = engaged else {
        let why = match by {
            Some(by) => format!("the chain never reaches `{by}`"),
            None => "every level of the chain is skipped".to_owned(),
        };
        return (Readiness::NotReady, why);
    };
    if let Some(only) = decision.lone_of_two() {
        let why = format!(
            "two-person rule cannot be met: the chain reaches only `{only}`, and a second decider is needed"
        );
        return (Readiness::NotReady, why);
    }
    let who = join(&engaged.people);
    if engaged.offset <= within {
        let why = format!("{who} ({}) engaged at +{}", engaged.level, engaged.offset);
        (Readiness::Ready, why)
    } else {
        let why = format!(
            "{who} ({}) engaged only at +{}, after {within}",
            engaged.level, engaged.offset
        );
        (Readiness::Late, why)
    }
}

fn join(ids: &[Text]) -> String {
    ids.iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_scenario_with_runbook;

    const RUNBOOK: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: emergency, declare: [{ person: ann, after: 5m }, { person: bo }] }
people:
  - { id: ann }
  - { id: bo }
identities:
  - { id: key, kind: api-key }
";

    /// Checks a scenario declaring `emergency` within `within`, with `ann`
    /// made unavailable at `out` and the expectation's extra `keys`.
    fn readiness(within: &str, out: &str, keys: &str) -> Check {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("rb.yaml"), RUNBOOK).expect("write runbook");
        let path = dir.path().join("s.yaml");
        let text = format!(
            "andon-scenario: 1
id: s
title: T
runbook: rb.yaml
start: {{ at: 2026-03-06T02:10, state: normal }}
objectives: [{{ id: o, text: O }}]
injects: [{{ at: {out}, text: Ann is out, unavailable: [ann] }}]
expect:
  - {{ id: e, objective: o, action: declare, state: emergency, within: {within}{keys} }}
"
        );
        std::fs::write(&path, text).expect("write scenario");
        let (scenario, runbook) = load_scenario_with_runbook(&path).expect("loads");
        check(&scenario, &runbook).checks.remove(0)
    }

    #[test]
    fn a_two_person_rule_that_reaches_one_person_is_not_ready() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let people = RUNBOOK.replace("  - { id: bo }\n", "  - { id: bo }\n  - { id: cy }\n");
        let runbook = format!(
            "{people}authority:
  - id: two
    match: {{ identity: key }}
    actions: [revoke]
    decide: [{{ person: ann, after: 5m }}, {{ person: bo }}]
    two_person: true
"
        );
        std::fs::write(dir.path().join("rb.yaml"), runbook).expect("write runbook");
        let scenario = |out: &str| {
            let path = dir.path().join("s.yaml");
            let text = format!(
                "andon-scenario: 1
id: s
title: T
runbook: rb.yaml
start: {{ at: 2026-03-06T02:10, state: normal }}
objectives: [{{ id: o, text: O }}]
injects: [{{ at: 1m, text: Someone is out, unavailable: [{out}] }}]
expect:
  - {{ id: e, objective: o, action: revoke, identity: key, within: 10m }}
"
            );
            std::fs::write(&path, text).expect("write scenario");
            let (scenario, runbook) = load_scenario_with_runbook(&path).expect("loads");
            check(&scenario, &runbook).checks.remove(0)
        };
        let c = scenario("bo");
        assert_eq!(c.readiness, Readiness::NotReady);
        assert_eq!(
            c.why,
            "two-person rule cannot be met: the chain reaches only `ann`, and a second decider is needed"
        );
        // Someone outside the chain away: both are reached, ann then bo.
        let c = scenario("cy");
        assert_eq!(c.readiness, Readiness::Ready, "{}", c.why);
    }

    #[test]
    fn unavailability_after_the_deadline_is_not_used() {
        let c = readiness("8m", "9m", "");
        assert!(c.unavailable.is_empty());
        assert_eq!(c.readiness, Readiness::Ready);
        assert_eq!(c.engaged.map(|e| e.people), Some(vec![Text::from("ann")]));
    }

    #[test]
    fn unavailability_up_to_the_deadline_skips_the_level_from_the_start() {
        // The skipped level takes no time: bo is engaged at once.
        let c = readiness("8m", "8m", "");
        assert_eq!(c.unavailable, ["ann"]);
        let engaged = c.engaged.expect("engaged");
        assert_eq!(engaged.people, [Text::from("bo")]);
        assert_eq!(engaged.offset, Duration(0));
    }

    #[test]
    fn by_is_engaged_at_its_level_and_the_deadline_is_in_time() {
        let c = readiness("5m", "1h", ", by: bo");
        assert_eq!(c.readiness, Readiness::Ready);
        assert_eq!(c.engaged.map(|e| e.offset), Some(Duration(300)));
        assert_eq!(readiness("4m", "1h", ", by: bo").readiness, Readiness::Late);
    }

    #[test]
    fn a_chain_that_never_reaches_by_is_not_ready() {
        let c = readiness("1h", "0m", ", by: ann");
        assert_eq!(c.readiness, Readiness::NotReady);
        assert_eq!(c.why, "the chain never reaches `ann`");
    }
}
