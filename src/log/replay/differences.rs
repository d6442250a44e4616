//! `--against`: every question of a log asked again of another runbook, and
//! where today's answer differs from the one the log froze.
//!
//! Each `decision-opened` is resolved again with the same question
//! (identity or declared state, action, the state it was asked in, the
//! people unavailable then) at its `resolved_at`, and compared with what the
//! log says: the verdict, the winning rule (or the forbidding ones), the
//! people called first. Each `decided` is checked person by person: is
//! every decider still named by the chain at some level, with nothing
//! forbidding it (the judgement of drills.md: the order says whom to call
//! first, not who may decide)? An identity, state or person the other
//! runbook does not define is a difference too.

use super::{Moment, Open, Replay, Taken};
use crate::engine::{Decision, Engine, Query, Verdict};
use crate::log::words::{Answer, verdict};
use crate::log::{Entry, Kind, events};
use crate::model::Action;
use chrono::{DateTime, FixedOffset};
use std::collections::HashSet;
use std::fmt;

/// What differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The other runbook has no such identity.
    UnknownIdentity,
    /// The other runbook has no such state.
    UnknownState,
    /// The log names an action andon does not know.
    UnknownAction,
    /// Chain, forbidden, ambiguous or uncovered changed.
    Verdict,
    /// Another rule decides (or forbids).
    Rule,
    /// Other people are called first.
    FirstDeciders,
    /// A decider of a `decided` event could decide then and no longer
    /// can, or the other way round.
    Authority { person: String, now: bool },
    /// The rule now wants two people and fewer decided.
    TwoPerson,
}

impl Change {
    /// The name in JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Change::UnknownIdentity => "unknown-identity",
            Change::UnknownState => "unknown-state",
            Change::UnknownAction => "unknown-action",
            Change::Verdict => "verdict",
            Change::Rule => "rule",
            Change::FirstDeciders => "first-deciders",
            Change::Authority { .. } => "authority",
            Change::TwoPerson => "two-person",
        }
    }
}

/// One place where the other runbook answers differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `D1`, `D2`...
    pub decision: String,
    /// The event that asked or decided.
    pub seq: u64,
    pub line: usize,
    pub at: DateTime<FixedOffset>,
    /// `disconnect vendor-acme-remote` or `declare emergency`.
    pub what: String,
    pub change: Change,
    /// The change in words: `today bob could no longer decide this (...)`.
    pub words: String,
}

impl fmt::Display for Difference {
    /// `D1 disconnect vendor-acme-remote at 02:10: today bob could no longer decide this (...)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} at {}: {}",
            self.decision,
            self.what,
            self.at.format("%H:%M"),
            self.words
        )
    }
}

impl Replay {
    /// Every difference between the answers the log froze and those of
    /// `engine`'s runbook, in log order.
    pub fn differences(&self, engine: &Engine) -> Vec<Difference> {
        let mut out = Vec::new();
        let mut m = Moment::default();
        // Decisions whose question the other runbook cannot ask at all:
        // said once, at `decision-opened`.
        let mut unaskable: HashSet<String> = HashSet::new();
        for (i, entry) in self.entries.iter().enumerate() {
            match entry.event.kind() {
                Kind::DecisionOpened => {
                    m.apply(i, entry);
                    let id = entry.event.decision();
                    if let Some(open) = m.open.iter().find(|o| Some(o.id.as_str()) == id) {
                        let found = asked(engine, entry, open);
                        if found.iter().any(|d| is_unknown(&d.change)) {
                            unaskable.insert(open.id.clone());
                        }
                        out.extend(found);
                    }
                }
                Kind::Decided => {
                    let before = m.clone();
                    m.apply(i, entry);
                    if let Some(taken) = m.taken.last() {
                        let open = before.open.iter().find(|o| o.id == taken.id);
                        let found = decided(engine, entry, taken, open, &before.unavailable);
                        out.extend(found.into_iter().filter(|d| {
                            !(is_unknown(&d.change) && unaskable.contains(&d.decision))
                        }));
                    }
                }
                _ => m.apply(i, entry),
            }
        }
        out
    }
}

fn is_unknown(change: &Change) -> bool {
    matches!(
        change,
        Change::UnknownIdentity | Change::UnknownState | Change::UnknownAction
    )
}

/// One question for the other runbook.
struct Question<'a> {
    identity: Option<&'a str>,
    action: &'a str,
    state: &'a str,
    at: DateTime<FixedOffset>,
    unavailable: &'a [String],
}

/// The other runbook's answer, or why it cannot answer (in words).
fn ask(engine: &Engine, q: &Question) -> Result<Decision, (Change, String)> {
    let rb = engine.runbook;
    let Some(action) = Action::parse(q.action) else {
        return Err((
            Change::UnknownAction,
            format!(
                "the log names the action `{}`, which andon does not know",
                q.action
            ),
        ));
    };
    if let Some(id) = q.identity
        && rb.identity(id).is_none()
    {
        return Err((
            Change::UnknownIdentity,
            format!("today the runbook has no identity `{id}`"),
        ));
    }
    if rb.state(q.state).is_none() {
        return Err((
            Change::UnknownState,
            format!("today the runbook has no state `{}`", q.state),
        ));
    }
    let at = q.at.with_timezone(&rb.plant.timezone.value);
    Ok(match q.identity {
        None => engine.declare(q.state, at, q.unavailable),
        Some(identity) => engine.resolve(&Query {
            identity,
            action,
            state: q.state,
            at,
            unavailable: q.unavailable,
        }),
    })
}

/// A difference found at `entry` about `decision`.
fn difference(
    entry: &Entry,
    decision: &str,
    what: String,
    change: Change,
    words: String,
) -> Difference {
    Difference {
        decision: decision.to_owned(),
        seq: entry.seq,
        line: entry.line,
        at: entry.event.at,
        what,
        change,
        words,
    }
}

/// `decision-opened`: the verdict, the rule and the first people called.
fn asked(engine: &Engine, entry: &Entry, open: &Open) -> Vec<Difference> {
    let at = open.resolved_at.unwrap_or(open.opened_at);
    let q = Question {
        identity: open.identity.as_deref(),
        action: &open.action,
        state: &open.state,
        at,
        unavailable: &open.unavailable,
    };
    let found = |change, words| difference(entry, &open.id, open.action_phrase(), change, words);
    let new = match ask(engine, &q) {
        Ok(d) => d,
        Err((change, words)) => return vec![found(change, words)],
    };
    let old_first = open.first_deciders();
    if open.verdict != new.verdict.as_str() {
        let was = verdict(&Answer {
            verdict: &open.verdict,
            rule: open.rule.as_deref(),
            rules: &open.rules,
            reasons: &open.reasons,
            first: old_first,
            two_person: open.two_person,
        });
        let now = today(&new);
        return vec![found(
            Change::Verdict,
            format!("the log says {was}; today {now}"),
        )];
    }
    let mut out = Vec::new();
    let rules_now: Vec<String> = new.rules.iter().map(|r| r.to_string()).collect();
    let rule_now = new.rule.as_deref().map(str::to_owned);
    if new.verdict == Verdict::Chain && open.rule != rule_now {
        out.push(found(
            Change::Rule,
            format!(
                "decided by {} in the log, today by {}",
                rule_name(open.rule.as_deref()),
                rule_name(rule_now.as_deref())
            ),
        ));
    } else if new.verdict != Verdict::Chain && open.rules != rules_now {
        out.push(found(
            Change::Rule,
            format!(
                "{} by rule {} in the log, today by rule {}",
                open.verdict,
                open.rules.join(", "),
                rules_now.join(", ")
            ),
        ));
    }
    if new.verdict == Verdict::Chain {
        let was: Vec<String> = old_first.map(|l| l.people.clone()).unwrap_or_default();
        let first = new.first_deciders();
        let now: Vec<String> = first
            .map(|s| s.people.iter().map(|p| p.person.to_string()).collect())
            .unwrap_or_default();
        if was != now {
            let was_via = old_first.map(|l| l.via.clone()).unwrap_or_default();
            let now_via = first.map(|s| events::via(&s.target)).unwrap_or_default();
            out.push(found(
                Change::FirstDeciders,
                format!(
                    "first called was {}, today {}",
                    called(&was, &was_via),
                    called(&now, &now_via)
                ),
            ));
        }
    }
    out
}

/// `decided`: would every decider still be authorized?
fn decided(
    engine: &Engine,
    entry: &Entry,
    taken: &Taken,
    open: Option<&Open>,
    unavailable_then: &[String],
) -> Vec<Difference> {
    let q = match open {
        Some(o) => Question {
            identity: o.identity.as_deref(),
            action: &o.action,
            state: &o.state,
            at: o.resolved_at.unwrap_or(o.opened_at),
            unavailable: &o.unavailable,
        },
        None => Question {
            identity: taken.identity.as_deref(),
            action: &taken.action,
            state: &taken.state,
            at: taken.at,
            unavailable: unavailable_then,
        },
    };
    let found = |change, words| difference(entry, &taken.id, taken.action_phrase(), change, words);
    let new = match ask(engine, &q) {
        Ok(d) => d,
        Err((change, words)) => return vec![found(change, words)],
    };
    let mut distinct: Vec<&String> = taken.by.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut out = Vec::new();
    for person in distinct.iter().copied() {
        let was = open.map_or(taken.authorized, |o| o.names(person));
        let level = level_naming(&new, person);
        match (was, level) {
            (true, None) => out.push(found(
                Change::Authority {
                    person: person.clone(),
                    now: false,
                },
                format!(
                    "today {person} could no longer decide this ({})",
                    why_not(engine, &new, person)
                ),
            )),
            (false, Some(level)) => out.push(found(
                Change::Authority {
                    person: person.clone(),
                    now: true,
                },
                format!(
                    "today {person} could decide this (level {level} of {})",
                    source(&new)
                ),
            )),
            _ => {}
        }
    }
    let wanted_two = open.is_some_and(|o| o.two_person);
    if new.verdict == Verdict::Chain && new.two_person && !wanted_two && distinct.len() < 2 {
        out.push(found(
            Change::TwoPerson,
            format!(
                "today {} wants two people and only {} decided",
                source(&new),
                distinct
                    .first()
                    .map_or("nobody".to_owned(), |p| p.to_string())
            ),
        ));
    }
    out
}

/// The level (from 1) of `decision`'s chain that first names `person`;
/// `None` when it names them nowhere or decides nothing.
fn level_naming(decision: &Decision, person: &str) -> Option<usize> {
    if decision.verdict != Verdict::Chain {
        return None;
    }
    decision
        .steps
        .iter()
        .position(|s| s.people.iter().any(|p| &*p.person == person))
        .map(|i| i + 1)
}

/// Why `person` cannot decide what `decision` answers.
fn why_not(engine: &Engine, decision: &Decision, person: &str) -> String {
    match decision.verdict {
        Verdict::Forbidden => {
            let why: Vec<String> = decision
                .rules
                .iter()
                .zip(&decision.reasons)
                .map(|(rule, reason)| format!("rule {rule} forbids it: {reason}"))
                .collect();
            if why.is_empty() {
                format!("forbidden by rule {}", join(&decision.rules))
            } else {
                why.join("; ")
            }
        }
        Verdict::Ambiguous => format!("no rule decides it: rules {} tie", join(&decision.rules)),
        Verdict::Uncovered => "no rule covers it".to_owned(),
        Verdict::Chain if engine.runbook.person(person).is_none() => {
            format!("the runbook has no person `{person}`")
        }
        Verdict::Chain => format!("not in the chain of {}", source(decision)),
    }
}

/// Today's answer in words.
fn today(d: &Decision) -> String {
    let rules: Vec<String> = d.rules.iter().map(|r| r.to_string()).collect();
    match d.verdict {
        Verdict::Chain => {
            let first = d.steps.iter().position(|s| !s.skipped);
            match first {
                Some(i) => format!(
                    "{}, calling {} (level {})",
                    source(d),
                    d.steps[i]
                        .people
                        .iter()
                        .map(|p| p.person.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    i + 1
                ),
                None => format!("{}, nobody can be called", source(d)),
            }
        }
        Verdict::Forbidden => {
            let reasons: Vec<String> = d.reasons.iter().map(|r| r.to_string()).collect();
            format!(
                "FORBIDDEN by rule {}: {}",
                rules.join(", "),
                reasons.join("; ")
            )
        }
        Verdict::Ambiguous => format!("UNCLEAR: rules {} tie", rules.join(", ")),
        Verdict::Uncovered => "UNCOVERED: no rule covers it".to_owned(),
    }
}

/// `rule vendor-sessions` or `the declare chain of emergency`.
fn source(d: &Decision) -> String {
    match (&d.rule, &d.identity) {
        (Some(rule), _) => format!("rule {rule}"),
        (None, None) => format!("the declare chain of {}", d.state),
        (None, Some(_)) => "no rule".to_owned(),
    }
}

fn rule_name(rule: Option<&str>) -> String {
    match rule {
        Some(r) => format!("rule {r}"),
        None => "no rule".to_owned(),
    }
}

/// `bob (role:shift-lead)` or `nobody`.
fn called(people: &[String], via: &str) -> String {
    if people.is_empty() {
        return "nobody".to_owned();
    }
    if via.is_empty() {
        people.join(", ")
    } else {
        format!("{} ({via})", people.join(", "))
    }
}

fn join(items: &[crate::model::Text]) -> String {
    items
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
