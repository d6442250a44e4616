//! The fields of each event kind, built in one place so that the live
//! console, drills and replay write and read the same shapes
//! (docs/console.md, "The decision log").
//!
//! Every builder takes the time of the event; none reads a clock.

use super::{Event, Kind};
use crate::engine::{Decision, Step};
use crate::model::Target;
use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

/// What the console runs as: a live incident or a drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    Drill,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Drill => "drill",
        }
    }
}

/// The runbook a session opened, as written in `opened`.
#[derive(Debug, Clone)]
pub struct Opened<'a> {
    /// The path given on the command line.
    pub runbook: &'a str,
    /// `sha256:` and the hex digest of the runbook's files ([`crate::load::content_hash`]).
    pub runbook_hash: &'a str,
    pub plant: &'a str,
    pub timezone: &'a str,
    pub mode: Mode,
    /// The production state when the session opened.
    pub state: &'a str,
    /// The scenario id, in a drill.
    pub scenario: Option<&'a str>,
}

/// `opened`: the first event of every log.
pub fn opened(at: DateTime<FixedOffset>, o: &Opened) -> Event {
    let mut e = Event::new(at, Kind::Opened)
        .with("runbook", o.runbook)
        .with("runbook_hash", o.runbook_hash)
        .with("plant", o.plant)
        .with("timezone", o.timezone)
        .with("mode", o.mode.as_str())
        .with("state", o.state);
    if let Some(s) = o.scenario {
        e = e.with("scenario", s);
    }
    e
}

/// `via` of a chain level: `role:ID` or `person:ID`.
pub fn via(target: &Target) -> String {
    match target {
        Target::Role(r) => format!("role:{}", r.value),
        Target::Person(p) => format!("person:{}", p.value),
    }
}

/// One level of a frozen chain, numbered from 1.
fn level(n: usize, s: &Step) -> Value {
    json!({
        "level": n,
        "offset_s": s.offset,
        "starts_at": s.starts_at.fixed_offset().to_rfc3339(),
        "people": s.people.iter().map(|p| p.person.to_string()).collect::<Vec<_>>(),
        "via": via(&s.target),
        "skipped": s.skipped,
    })
}

/// The frozen chain of a decision, as written in `decision-opened` and in
/// an `escalated` event that re-resolved it.
pub fn chain(d: &Decision) -> Value {
    Value::Array(
        d.steps
            .iter()
            .enumerate()
            .map(|(i, s)| level(i + 1, s))
            .collect(),
    )
}

/// `decision-opened`: the question, the verdict and the frozen chain.
/// `id` names the decision in later events (`D1`, `D2`, ...).
pub fn decision_opened(at: DateTime<FixedOffset>, id: &str, d: &Decision) -> Event {
    Event::new(at, Kind::DecisionOpened)
        .with("decision", id)
        .with("identity", d.identity.as_deref().map(str::to_owned))
        .with("action", d.action.as_str())
        .with("state", d.state.to_string())
        .with("resolved_at", d.at.fixed_offset().to_rfc3339())
        .with("verdict", d.verdict.as_str())
        .with("rule", d.rule.as_deref().map(str::to_owned))
        .with("rules", strings(&d.rules))
        .with("reasons", strings(&d.reasons))
        .with("chain", chain(d))
        .with("two_person", d.two_person)
        .with("pre_approved", d.pre_approved)
        .with("preconditions", strings(&d.preconditions))
        .with("consult", strings(&d.consult))
        .with(
            "impact",
            Value::Array(
                d.impact
                    .iter()
                    .map(|i| json!({"system": i.system.to_string(), "criticality": i.criticality.as_str()}))
                    .collect(),
            ),
        )
}

/// Why a decision moved to another level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The level's time ran out.
    Timeout,
    /// A responder escalated by hand.
    Manual,
    /// Everyone at the level was marked unavailable.
    Unavailable,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Timeout => "timeout",
            Reason::Manual => "manual",
            Reason::Unavailable => "unavailable",
        }
    }
}

/// `escalated`: decision `id` now calls `level` (1-based) of its chain.
/// `rechained` is the new chain when unavailability re-resolved it.
pub fn escalated(
    at: DateTime<FixedOffset>,
    id: &str,
    level: usize,
    people: &[String],
    reason: Reason,
    rechained: Option<&Decision>,
) -> Event {
    let mut e = Event::new(at, Kind::Escalated)
        .with("decision", id)
        .with("level", level)
        .with("people", people.to_vec())
        .with("reason", reason.as_str());
    if let Some(d) = rechained {
        e = e.with("chain", chain(d));
    }
    e
}

/// `acknowledged`: a precondition of decision `id` was ticked.
pub fn acknowledged(at: DateTime<FixedOffset>, id: &str, precondition: &str) -> Event {
    Event::new(at, Kind::Acknowledged)
        .with("decision", id)
        .with("precondition", precondition)
}

/// What was decided, as written in `decided`.
#[derive(Debug, Clone)]
pub struct Decided<'a> {
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
pub fn decided(at: DateTime<FixedOffset>, d: &Decided) -> Event {
    Event::new(at, Kind::Decided)
        .with("decision", d.decision)
        .with("identity", d.identity.map(str::to_owned))
        .with("action", d.action)
        .with("state", d.state)
        .with("by", d.by.to_vec())
        .with("outcome", if d.approved { "approved" } else { "declined" })
        .with("authorized", d.authorized)
        .with("ahead_of_chain", d.ahead_of_chain)
        .with("rule", d.rule.map(str::to_owned))
        .with("preconditions_acknowledged", d.preconditions_acknowledged)
        .with("flags", d.flags.to_vec())
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
    Event::new(at, Kind::StateDeclared)
        .with("state", state)
        .with("from", from)
        .with("by", by.to_vec())
        .with("authorized", authorized)
        .with("decision", decision.map(str::to_owned))
}

/// `note` marking people unavailable (or available again) from now on.
pub fn availability(at: DateTime<FixedOffset>, person: &str, available: bool) -> Event {
    let key = if available {
        "available"
    } else {
        "unavailable"
    };
    Event::new(at, Kind::Note)
        .with(key, vec![person.to_owned()])
        .with(
            "text",
            format!(
                "{person} is {}",
                if available {
                    "available again"
                } else {
                    "unavailable"
                }
            ),
        )
}

/// `note` with free text.
pub fn note(at: DateTime<FixedOffset>, text: &str) -> Event {
    Event::new(at, Kind::Note).with("text", text)
}

/// `closed`: the session ended; `open` lists the decisions still open.
pub fn closed(at: DateTime<FixedOffset>, open: &[String]) -> Event {
    Event::new(at, Kind::Closed).with("open", open.to_vec())
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
    Event::new(at, Kind::Inject)
        .with("n", n)
        .with("text", text)
        .with("identities", identities.to_vec())
        .with("unavailable", unavailable.to_vec())
        .with("attack", attack.to_vec())
}
