//! Events built from what the console and drills hold (engine decisions,
//! people), in one place so that the live console, drills and replay write
//! the same shapes; the shapes themselves are the types of
//! [`super::event`].
//!
//! Every builder takes the time of the event; none reads a clock.

use super::event::{
    Acknowledged, Closed, DecisionOpened, Impact, Inject, Level, Note, Opened, Outcome,
    StateDeclared,
};
pub use super::event::{Mode, Reason};
use super::{Event, event};
use crate::engine::{Decision, Step};
use crate::model::Target;
use chrono::{DateTime, FixedOffset};

/// The runbook a session opened, as written in `opened`.
#[derive(Debug, Clone)]
pub struct Opening<'a> {
    /// The path given on the command line.
    pub runbook: &'a str,
    /// `sha256:` and the hex digest of the runbook's files (`Runbook::content_hash`).
    pub runbook_hash: &'a str,
    pub plant: &'a str,
    pub timezone: &'a str,
    pub mode: Mode,
    /// The production state when the session opened.
    pub state: &'a str,
    /// The scenario id, in a drill.
    pub scenario: Option<&'a str>,
    /// Times are simulated (`--at`).
    pub rehearsal: bool,
}

/// `opened`: the first event of every log.
pub fn opened(at: DateTime<FixedOffset>, o: &Opening) -> Event {
    Event::new(
        at,
        Opened {
            runbook: Some(o.runbook.to_owned()),
            runbook_hash: Some(o.runbook_hash.to_owned()),
            plant: Some(o.plant.to_owned()),
            timezone: Some(o.timezone.to_owned()),
            mode: Some(o.mode),
            state: Some(o.state.to_owned()),
            scenario: o.scenario.map(str::to_owned),
            rehearsal: o
                .rehearsal
                .then(|| "times are simulated from --at".to_owned()),
            incident: None,
        },
    )
}

/// `via` of a chain level: `role:ID` or `person:ID`.
pub fn via(target: &Target) -> String {
    match target {
        Target::Role(r) => format!("role:{}", r.value),
        Target::Person(p) => format!("person:{}", p.value),
    }
}

/// One level of a frozen chain, numbered from 1.
fn level(n: usize, s: &Step) -> Level {
    Level {
        level: n,
        offset_s: s.offset,
        starts_at: Some(s.starts_at.fixed_offset()),
        people: s.people.iter().map(|p| p.person.to_string()).collect(),
        via: via(&s.target),
        skipped: s.skipped,
        lasts_s: s.lasts.map(|d| d.secs()),
    }
}

/// The frozen chain of a decision, as written in `decision-opened` and in
/// an `escalated` event that re-resolved it.
pub fn chain(d: &Decision) -> Vec<Level> {
    (d.steps.iter().enumerate())
        .map(|(i, s)| level(i + 1, s))
        .collect()
}

/// `decision-opened`: the question, the verdict and the frozen chain.
/// `id` names the decision in later events (`D1`, `D2`, ...).
pub fn decision_opened(at: DateTime<FixedOffset>, id: &str, d: &Decision) -> Event {
    Event::new(
        at,
        DecisionOpened {
            decision: id.to_owned(),
            identity: d.identity.as_deref().map(str::to_owned),
            action: d.action.as_str().to_owned(),
            state: d.state.to_string(),
            resolved_at: Some(d.at.fixed_offset()),
            verdict: d.verdict.as_str().to_owned(),
            rule: d.rule.as_deref().map(str::to_owned),
            rules: strings(&d.rules),
            reasons: strings(&d.reasons),
            chain: chain(d),
            two_person: d.two_person,
            pre_approved: d.pre_approved,
            repeat: d.repeat,
            preconditions: strings(&d.preconditions),
            consult: strings(&d.consult),
            impact: (d.impact.iter())
                .map(|i| Impact {
                    system: i.system.to_string(),
                    criticality: i.criticality.as_str().to_owned(),
                })
                .collect(),
        },
    )
}

/// `escalated`: decision `id` now calls `level` (1-based) of its chain.
/// `rechained` is the new chain when unavailability re-resolved it or it
/// was re-timed; `pass` counts the chain's restarts so far (`repeat`).
pub fn escalated(
    at: DateTime<FixedOffset>,
    id: &str,
    level: usize,
    people: &[String],
    reason: Reason,
    rechained: Option<&Decision>,
    pass: u8,
) -> Event {
    Event::new(
        at,
        event::Escalated {
            decision: id.to_owned(),
            level,
            people: people.to_vec(),
            reason: Some(reason),
            chain: rechained.map(chain),
            pass: (pass > 0).then_some(pass + 1),
        },
    )
}

/// `acknowledged`: a precondition of decision `id` was ticked.
pub fn acknowledged(at: DateTime<FixedOffset>, id: &str, precondition: &str) -> Event {
    Event::new(
        at,
        Acknowledged {
            decision: id.to_owned(),
            precondition: precondition.to_owned(),
        },
    )
}

/// What was decided, as written in `decided`.
#[derive(Debug, Clone)]
pub struct Deciding<'a> {
    pub decision: &'a str,
    pub identity: Option<&'a str>,
    pub action: &'a str,
    /// The state the decision was taken in (for `declare`, the target state).
    pub state: &'a str,
    /// One person, or two for a two-person rule.
    pub by: &'a [String],
    /// `true`: do it; `false`: decided not to.
    pub approved: bool,
    /// Every decider is named by the chain at some level and nothing forbids it.
    pub authorized: bool,
    /// Some decider's level was not reached yet when they decided.
    pub ahead_of_chain: bool,
    pub rule: Option<&'a str>,
    /// Every precondition was acknowledged first.
    pub preconditions_acknowledged: bool,
    /// Why it is not authorized, or other remarks, in words.
    pub flags: &'a [String],
}

/// `decided`.
pub fn decided(at: DateTime<FixedOffset>, d: &Deciding) -> Event {
    Event::new(
        at,
        event::Decided {
            decision: d.decision.to_owned(),
            identity: d.identity.map(str::to_owned),
            action: d.action.to_owned(),
            state: d.state.to_owned(),
            by: d.by.to_vec(),
            outcome: Some(if d.approved {
                Outcome::Approved
            } else {
                Outcome::Declined
            }),
            authorized: Some(d.authorized),
            ahead_of_chain: Some(d.ahead_of_chain),
            rule: d.rule.map(str::to_owned),
            preconditions_acknowledged: Some(d.preconditions_acknowledged),
            flags: d.flags.to_vec(),
        },
    )
}

/// `state-declared`: the production state is now `state`.
pub fn state_declared(
    at: DateTime<FixedOffset>,
    state: &str,
    from: &str,
    by: &[String],
    authorized: bool,
    decision: Option<&str>,
) -> Event {
    Event::new(
        at,
        StateDeclared {
            state: state.to_owned(),
            from: from.to_owned(),
            by: by.to_vec(),
            authorized: Some(authorized),
            decision: decision.map(str::to_owned),
        },
    )
}

/// `note` marking people unavailable (or available again) from now on.
pub fn availability(at: DateTime<FixedOffset>, person: &str, available: bool) -> Event {
    let people = vec![person.to_owned()];
    let (unavailable, available, text) = if available {
        (Vec::new(), people, format!("{person} is available again"))
    } else {
        (people, Vec::new(), format!("{person} is unavailable"))
    };
    Event::new(
        at,
        Note {
            text,
            unavailable,
            available,
        },
    )
}

/// `note` with free text.
pub fn note(at: DateTime<FixedOffset>, text: &str) -> Event {
    Event::new(
        at,
        Note {
            text: text.to_owned(),
            ..Note::default()
        },
    )
}

/// `closed`: the session ended; `open` lists the decisions still open.
pub fn closed(at: DateTime<FixedOffset>, open: &[String]) -> Event {
    Event::new(
        at,
        Closed {
            open: open.to_vec(),
        },
    )
}

fn strings(items: &[crate::model::Text]) -> Vec<String> {
    items.iter().map(|t| t.to_string()).collect()
}

/// `inject`: the `n`th inject of a scenario (from 1) was shown.
pub fn inject(
    at: DateTime<FixedOffset>,
    n: usize,
    text: &str,
    identities: &[String],
    unavailable: &[String],
    attack: &[String],
) -> Event {
    Event::new(
        at,
        Inject {
            n: n as u64,
            text: text.to_owned(),
            identities: identities.to_vec(),
            unavailable: unavailable.to_vec(),
            attack: attack.to_vec(),
        },
    )
}

/// `recovered`: the torn last line `line` (`bytes` long, their SHA-256
/// `sha256`) was cut off after being copied to `kept_in`.
pub fn recovered(
    at: DateTime<FixedOffset>,
    line: usize,
    bytes: usize,
    sha256: &str,
    kept_in: &str,
) -> Event {
    Event::new(
        at,
        event::Recovered {
            line: line as u64,
            bytes: bytes as u64,
            sha256: sha256.to_owned(),
            kept_in: kept_in.to_owned(),
        },
    )
}
