//! Judging a drill: each decision against the chain the runbook resolves,
//! each expectation by the first decision that matches it, and each
//! objective on the HSEEP scale.
//!
//! # Decisions
//!
//! A decision is **forbidden** when the runbook forbids the action. It is
//! **authorized** when the runbook resolves a chain and every decider is
//! one of the people that chain names, at any level: the order says whom to
//! call first, not who may decide. A decider whose first level had not
//! started when they decided is still authorized, and the decision is noted
//! as taken **ahead of the chain**. A `two_person` rule needs two distinct
//! authorized deciders; one alone is not authorized. An ambiguous or
//! uncovered question names nobody, so nobody is authorized. Preconditions
//! not acknowledged do not change authority; they are noted.
//!
//! # Expectations
//!
//! The first approved decision that matches an expectation counts: same
//! action, same identity (or, for `declare`, the same declared state), taken
//! in the expectation's `state` when it gives one, and by `by` when it gives
//! one (`by` is a person, or a role whose member decided). A decision
//! declined by responders takes no action and matches nothing. The counted
//! decision ends the expectation as the worst that applies to it:
//! `forbidden`, then `unauthorized`, then `late` (after `within`; exactly at
//! the deadline is in time), else `met`. No matching decision: `missed`.
//!
//! # Objectives (HSEEP)
//!
//! Each objective is rated over its expectations, the worst rating winning:
//!
//! | Rating | When |
//! |---|---|
//! | **P** performed without challenges | every expectation `met`, every precondition acknowledged |
//! | **S** performed with some challenges | all done by authorized deciders, but some `late`, or taken with preconditions not acknowledged |
//! | **M** performed with major challenges | some `unauthorized` or `forbidden` |
//! | **U** unable to be performed | some `missed` |
//!
//! An objective that no expectation scores is not rated.

use crate::engine::{Decision, Verdict};
use crate::model::{Action, Duration, Expectation, Objective, Response, Runbook, Text};
use std::fmt;

/// One decision as responders took it, from a responses file or the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    /// From the drill's start.
    pub at: Duration,
    pub action: Action,
    /// The identity acted on; `None` for `declare`.
    pub identity: Option<Text>,
    /// For `declare`, the state declared.
    pub state: Option<Text>,
    /// One person, or two for a two-person rule.
    pub by: Vec<Text>,
    /// The preconditions acknowledged (exact texts); `None`: all of them.
    pub acknowledged: Option<Vec<Text>>,
    /// `false`: responders decided not to act.
    pub approved: bool,
}

impl From<&Response> for Act {
    fn from(r: &Response) -> Act {
        Act {
            at: r.at.value,
            action: r.action.value,
            identity: r.identity.as_ref().map(|i| i.value.clone()),
            state: r.state.as_ref().map(|s| s.value.clone()),
            by: r.by.iter().map(|p| p.value.clone()).collect(),
            acknowledged: r
                .acknowledged
                .as_ref()
                .map(|a| a.iter().map(|t| t.value.clone()).collect()),
            approved: r.approved,
        }
    }
}

impl Act {
    /// `disconnect vendor-acme-remote` or `declare emergency`.
    pub fn action_phrase(&self) -> String {
        let object = self.identity.as_ref().or(self.state.as_ref());
        match object {
            Some(o) => format!("{} {o}", self.action),
            None => self.action.to_string(),
        }
    }
}

/// Where the chain names one decider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub person: Text,
    /// The first level (from 1) that names them; `None`: not named.
    pub level: Option<usize>,
    /// When that level starts, from the drill's start.
    pub from: Option<Duration>,
    /// Whether that level had started when they decided.
    pub reached: bool,
}

/// How the runbook sees one decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The chain it was judged against.
    pub decision: Decision,
    pub forbidden: bool,
    pub authorized: bool,
    pub ahead_of_chain: bool,
    pub deciders: Vec<Named>,
    /// Preconditions of the rule that were not acknowledged.
    pub unacknowledged: Vec<Text>,
    /// Why it is not authorized, and other remarks, in words.
    pub flags: Vec<String>,
}

impl Judgement {
    pub fn preconditions_acknowledged(&self) -> bool {
        self.unacknowledged.is_empty()
    }
}

/// Judges `act` against `decision`, the runbook's answer at the act's
/// moment. Its levels are read against the drill clock, every question
/// being open from the drill's start: a level is reached when its offset is
/// at or before `act.at`.
pub fn judge(decision: Decision, act: &Act) -> Judgement {
    let mut flags = Vec::new();
    let forbidden = decision.verdict == Verdict::Forbidden;
    match decision.verdict {
        Verdict::Forbidden => {
            let why: Vec<String> = (decision.rules.iter().zip(&decision.reasons))
                .map(|(rule, reason)| format!("rule `{rule}`: {reason}"))
                .collect();
            flags.push(format!("forbidden by {}", why.join("; ")));
        }
        Verdict::Ambiguous => flags.push(format!(
            "ambiguous: rules {} tie, so the runbook names nobody",
            ticks(&decision.rules)
        )),
        Verdict::Uncovered => flags.push("uncovered: no rule names anyone".to_owned()),
        Verdict::Chain => {}
    }
    let deciders: Vec<Named> = act.by.iter().map(|p| named(&decision, p, act.at)).collect();
    let chain = decision.verdict == Verdict::Chain;
    if chain {
        for d in deciders.iter().filter(|d| d.level.is_none()) {
            flags.push(format!(
                "`{}` is not named by {}",
                d.person,
                source(&decision)
            ));
        }
        for d in deciders.iter().filter(|d| d.level.is_some() && !d.reached) {
            if let (Some(level), Some(from)) = (d.level, d.from) {
                flags.push(format!(
                    "`{}` decided ahead of the chain: level {level} starts at +{from}",
                    d.person
                ));
            }
        }
    }
    if deciders.is_empty() {
        flags.push("nobody is named as the decider".to_owned());
    }
    let all_named = !deciders.is_empty() && deciders.iter().all(|d| d.level.is_some());
    let mut distinct: Vec<&Text> = deciders.iter().map(|d| &d.person).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let second = !decision.two_person || distinct.len() >= 2;
    if chain && !second {
        flags.push(
            "two-person rule: a second, distinct decider from the chain must confirm".to_owned(),
        );
    }
    let authorized = chain && all_named && second;
    let ahead_of_chain = authorized && deciders.iter().any(|d| !d.reached);
    let unacknowledged: Vec<Text> = match &act.acknowledged {
        None => Vec::new(),
        Some(done) => decision
            .preconditions
            .iter()
            .filter(|p| !done.contains(p))
            .cloned()
            .collect(),
    };
    for p in &unacknowledged {
        flags.push(format!("precondition not acknowledged: {p}"));
    }
    Judgement {
        decision,
        forbidden,
        authorized,
        ahead_of_chain,
        deciders,
        unacknowledged,
        flags,
    }
}

/// The first level that names `person`, and whether it had started at `at`.
fn named(decision: &Decision, person: &Text, at: Duration) -> Named {
    let found = decision
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.people.iter().any(|p| &p.person == person));
    Named {
        person: person.clone(),
        level: found.map(|(i, _)| i + 1),
        from: found.map(|(_, s)| Duration(s.offset)),
        reached: found.is_some_and(|(_, s)| s.offset <= at.secs()),
    }
}

/// `rule `x`` or `the `declare` chain of `emergency``.
pub fn source(decision: &Decision) -> String {
    match &decision.rule {
        Some(rule) => format!("rule `{rule}`"),
        None => format!("the `declare` chain of `{}`", decision.state),
    }
}

/// `` `a`, `b` ``.
pub fn ticks(ids: &[Text]) -> String {
    ids.iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How an expectation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Met,
    Late,
    Unauthorized,
    Forbidden,
    Missed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Late => "late",
            Status::Unauthorized => "unauthorized",
            Status::Forbidden => "forbidden",
            Status::Missed => "missed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision as the drill recorded it: what was done, in which state, and
/// how the runbook saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// `D1`, `D2`, ... in the order taken.
    pub id: String,
    pub act: Act,
    /// The production state it was taken in.
    pub state: Text,
    /// Everyone unavailable when it was taken.
    pub unavailable: Vec<String>,
    pub judgement: Judgement,
    /// Whether it changed the production state (an approved, authorized `declare`).
    pub declared: bool,
}

/// Whether `person` is `by`, or a member (or on the rota) of the role `by`.
pub fn is_by(runbook: &Runbook, by: &str, person: &str) -> bool {
    if by == person {
        return true;
    }
    let Some(role) = runbook.role(by) else {
        return false;
    };
    let on_rota = role.schedule.iter().any(|s| {
        s.layers
            .iter()
            .flat_map(|l| &l.rotation)
            .chain(s.overrides.iter().map(|o| &o.person))
            .any(|p| p.value == person)
    });
    on_rota || role.members.iter().any(|m| m.value == person)
}

/// Whether `taken` is a decision `e` looks for: the same action on the
/// same identity (or declaring the same state), approved. Who took it does
/// not matter here: a decision from someone other than the expectation's
/// `by` is the right action by the wrong decider, `unauthorized`.
pub fn matches(e: &Expectation, taken: &Judged) -> bool {
    let act = &taken.act;
    if !act.approved || act.action != e.action.value {
        return false;
    }
    if act.action == Action::Declare {
        act.state.as_deref() == e.state.as_ref().map(|s| s.value.as_str())
    } else {
        act.identity.as_deref() == e.identity.as_ref().map(|i| i.value.as_str())
            && e.state.as_ref().is_none_or(|s| s.value == taken.state)
    }
}

/// Whether `taken` comes from the role or person the expectation names
/// (always, when it names none).
pub fn from_expected(runbook: &Runbook, e: &Expectation, taken: &Judged) -> bool {
    e.by.as_ref()
        .is_none_or(|by| taken.act.by.iter().any(|p| is_by(runbook, &by.value, p)))
}

/// How one expectation ended, and by which decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub expectation: Text,
    pub objective: Text,
    pub status: Status,
    /// Index of the counted decision in the drill's decisions.
    pub decision: Option<usize>,
    /// When the counted decision was taken, from the drill's start.
    pub time_to_decision: Option<Duration>,
    /// The counted decision left some precondition unacknowledged.
    pub unacknowledged: bool,
    /// Why, in one line.
    pub why: String,
}

/// Scores `e` over every decision taken (in the order taken).
pub fn score(runbook: &Runbook, e: &Expectation, taken: &[Judged]) -> Score {
    let found = taken.iter().enumerate().find(|(_, t)| matches(e, t));
    let within = e.within.value;
    let (status, why) = match found {
        None => (Status::Missed, format!("no matching decision by +{within}")),
        Some((_, t)) => {
            let j = &t.judgement;
            let first_flag = || j.flags.first().cloned().unwrap_or_default();
            if j.forbidden {
                (Status::Forbidden, format!("{}: {}", t.id, first_flag()))
            } else if !j.authorized {
                let who = ticks(&t.act.by);
                (
                    Status::Unauthorized,
                    format!("{} by {who}: {}", t.id, first_flag()),
                )
            } else if !from_expected(runbook, e, t) {
                let who = ticks(&t.act.by);
                let by = e.by.as_ref().map_or("", |b| b.value.as_str());
                (
                    Status::Unauthorized,
                    format!(
                        "{} by {who}: the expectation wants a decision from `{by}`",
                        t.id
                    ),
                )
            } else if t.act.at > within {
                (Status::Late, format!("{}, after +{within}", counted(t)))
            } else {
                (Status::Met, counted(t))
            }
        }
    };
    Score {
        expectation: e.id.value.clone(),
        objective: e.objective.value.clone(),
        status,
        decision: found.map(|(i, _)| i),
        time_to_decision: found.map(|(_, t)| t.act.at),
        unacknowledged: found.is_some_and(|(_, t)| !t.judgement.preconditions_acknowledged()),
        why,
    }
}

/// An authorized decision in words: `D2 by `bob` at +7m (rule `x`, level
/// 1)`, and whether it was taken ahead of the chain.
fn counted(t: &Judged) -> String {
    let j = &t.judgement;
    let mut levels: Vec<String> = j
        .deciders
        .iter()
        .filter_map(|d| d.level.map(|l| l.to_string()))
        .collect();
    levels.dedup();
    let ahead = if j.ahead_of_chain {
        ", ahead of the chain"
    } else {
        ""
    };
    format!(
        "{} by {} at +{} ({}, level {}{ahead})",
        t.id,
        ticks(&t.act.by),
        t.act.at,
        source(&j.decision),
        levels.join(" and ")
    )
}

/// The HSEEP scale, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::P => "P",
            Rating::S => "S",
            Rating::M => "M",
            Rating::U => "U",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Rating::P => "performed without challenges",
            Rating::S => "performed with some challenges",
            Rating::M => "performed with major challenges",
            Rating::U => "unable to be performed",
        }
    }

    /// The rating one expectation's score calls for.
    pub fn of(score: &Score) -> Rating {
        match score.status {
            Status::Missed => Rating::U,
            Status::Unauthorized | Status::Forbidden => Rating::M,
            Status::Late => Rating::S,
            Status::Met if score.unacknowledged => Rating::S,
            Status::Met => Rating::P,
        }
    }
}

/// One objective's rating, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveRating {
    pub objective: Text,
    pub text: Text,
    /// `None` when no expectation scores it.
    pub rating: Option<Rating>,
    pub reason: String,
}

/// Rates `objective` over the scores of its expectations (the worst wins).
pub fn rate(objective: &Objective, scores: &[Score]) -> ObjectiveRating {
    let own: Vec<&Score> = scores
        .iter()
        .filter(|s| s.objective == objective.id.value)
        .collect();
    let rating = own.iter().map(|s| Rating::of(s)).max();
    let reason = match rating {
        None => "no expectation scores this objective".to_owned(),
        Some(Rating::P) => format!("{} met", plural(own.len(), "expectation")),
        Some(worst) => own
            .iter()
            .filter(|s| Rating::of(s) == worst)
            .map(|s| {
                let status = if s.status == Status::Met {
                    "met with preconditions not acknowledged"
                } else {
                    s.status.as_str()
                };
                format!("`{}` {status} ({})", s.expectation, s.why)
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    ObjectiveRating {
        objective: objective.id.value.clone(),
        text: objective.text.clone(),
        rating,
        reason,
    }
}

/// `1 expectation`, `2 expectations`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
