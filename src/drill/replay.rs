//! Replay: a decision log read back as a sequence of moments, one after
//! each event, for `andon replay` (spec drills.md, "Replay").
//!
//! A [`Moment`] is what the console showed after an event: the production
//! state (from `opened`, then `state-declared`), who was unavailable (`note`
//! with `unavailable`/`available`, `inject` with `unavailable`), the open
//! decisions with their frozen chains and the level each had reached
//! (`decision-opened`, then `escalated` with its `level` and, when
//! unavailability re-resolved it, its new `chain`), the decisions taken
//! (`decided`) and the injects shown. Everything comes from the log alone:
//! the runbook it was written with is not needed.
//!
//! [`Replay::differences`] re-resolves every question of the log with
//! another runbook and says, in words, where today's answer differs
//! ("today bob could no longer decide this").
//!
//! Pure: no I/O, no clock. A field missing or of the wrong type (a log from
//! another version) is read as absent, never a panic.

mod differences;
#[cfg(test)]
mod tests;

pub use differences::{Change, Difference};

use crate::log::{Entry, Event, Kind};
use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

type Fields = Map<String, Value>;

/// A log to replay: how its session opened, and its events in order.
#[derive(Debug, Clone)]
pub struct Replay {
    pub session: Session,
    pub entries: Vec<Entry>,
}

/// What the `opened` event says about the session, when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    pub runbook: Option<String>,
    pub runbook_hash: Option<String>,
    pub plant: Option<String>,
    /// IANA name, such as `Europe/Paris`.
    pub timezone: Option<String>,
    /// `live` or `drill`.
    pub mode: Option<String>,
    pub scenario: Option<String>,
    /// Set when the session rehearsed with `--at`.
    pub rehearsal: Option<String>,
}

/// One level of a frozen chain, as the log wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// From 1.
    pub level: usize,
    pub offset_s: u64,
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// Person ids; empty when skipped.
    pub people: Vec<String>,
    /// `role:ID` or `person:ID`.
    pub via: String,
    pub skipped: bool,
}

/// A decision opened and not decided yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// `D1`, `D2`...
    pub id: String,
    /// `None` for a declaration.
    pub identity: Option<String>,
    pub action: String,
    /// The state asked in; for `declare`, the state to declare.
    pub state: String,
    pub opened_at: DateTime<FixedOffset>,
    /// When the chain was resolved (its level 1 starts then).
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// `chain`, `forbidden`, `ambiguous` or `uncovered`.
    pub verdict: String,
    pub rule: Option<String>,
    /// Forbidding or tied rules.
    pub rules: Vec<String>,
    pub reasons: Vec<String>,
    pub chain: Vec<Level>,
    /// The level being called, from 1; 0 when the chain engages nobody.
    pub level: usize,
    pub two_person: bool,
    pub preconditions: Vec<String>,
    pub acknowledged: Vec<String>,
    /// Who was unavailable when the chain was last resolved: what it was
    /// resolved with, so that re-resolving asks the same question.
    pub unavailable: Vec<String>,
}

impl Open {
    /// `disconnect vendor-acme-remote` or `declare emergency`.
    pub fn what(&self) -> String {
        what(&self.action, self.identity.as_deref(), &self.state)
    }

    /// The first level that engages someone.
    pub fn first_deciders(&self) -> Option<&Level> {
        self.chain.iter().find(|l| !l.skipped)
    }

    /// Whether the chain names `person` at some level (and decides at all).
    pub fn names(&self, person: &str) -> bool {
        self.verdict == "chain"
            && self
                .chain
                .iter()
                .any(|l| l.people.iter().any(|p| p == person))
    }
}

/// A decision taken (`decided`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub id: String,
    pub at: DateTime<FixedOffset>,
    pub identity: Option<String>,
    pub action: String,
    pub state: String,
    pub by: Vec<String>,
    pub approved: bool,
    pub authorized: bool,
    pub ahead_of_chain: bool,
    pub rule: Option<String>,
    pub flags: Vec<String>,
}

impl Taken {
    pub fn what(&self) -> String {
        what(&self.action, self.identity.as_deref(), &self.state)
    }
}

/// An inject shown to the responders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inject {
    /// From 1, in the scenario.
    pub n: u64,
    pub at: DateTime<FixedOffset>,
    pub text: String,
    pub identities: Vec<String>,
    pub unavailable: Vec<String>,
}

/// What the console showed after one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moment {
    /// The event just applied, from 0; `None` before the first.
    pub index: Option<usize>,
    /// The production state; `None` until the log says.
    pub state: Option<String>,
    pub unavailable: Vec<String>,
    /// In the order they were opened.
    pub open: Vec<Open>,
    /// In the order they were taken.
    pub taken: Vec<Taken>,
    pub injects: Vec<Inject>,
    /// The session was closed (`closed`).
    pub closed: bool,
}

impl Moment {
    /// The moment after `entry`, from this one.
    pub fn apply(&mut self, index: usize, entry: &Entry) {
        self.index = Some(index);
        let e = &entry.event;
        let f = &e.fields;
        match e.kind {
            Kind::Opened => self.state = text(f, "state"),
            Kind::StateDeclared => {
                if let Some(state) = text(f, "state") {
                    self.state = Some(state);
                }
            }
            Kind::Inject => {
                let unavailable = texts(f, "unavailable");
                self.mark(&unavailable, false);
                self.injects.push(Inject {
                    n: f.get("n").and_then(Value::as_u64).unwrap_or(0),
                    at: e.at,
                    text: text(f, "text").unwrap_or_default(),
                    identities: texts(f, "identities"),
                    unavailable,
                });
            }
            Kind::Note => {
                self.mark(&texts(f, "unavailable"), false);
                self.mark(&texts(f, "available"), true);
            }
            Kind::DecisionOpened => {
                let open = self.opened(e);
                self.open.retain(|o| o.id != open.id);
                self.open.push(open);
            }
            Kind::Escalated => {
                let unavailable = self.unavailable.clone();
                if let Some(open) = self.open_mut(f) {
                    if let Some(level) = f.get("level").and_then(Value::as_u64) {
                        open.level = usize::try_from(level).unwrap_or(usize::MAX);
                    }
                    if let Some(chain) = f.get("chain") {
                        open.chain = levels(chain);
                        open.unavailable = unavailable;
                    }
                }
            }
            Kind::Acknowledged => {
                if let (Some(p), Some(open)) = (text(f, "precondition"), self.open_mut(f))
                    && !open.acknowledged.contains(&p)
                {
                    open.acknowledged.push(p);
                }
            }
            Kind::Decided => {
                let id = text(f, "decision").unwrap_or_default();
                self.open.retain(|o| o.id != id);
                self.taken.push(Taken {
                    id,
                    at: e.at,
                    identity: text(f, "identity"),
                    action: text(f, "action").unwrap_or_default(),
                    state: text(f, "state").unwrap_or_default(),
                    by: texts(f, "by"),
                    approved: text(f, "outcome").as_deref() == Some("approved"),
                    authorized: flag(f, "authorized"),
                    ahead_of_chain: flag(f, "ahead_of_chain"),
                    rule: text(f, "rule"),
                    flags: texts(f, "flags"),
                });
            }
            Kind::Closed => self.closed = true,
        }
    }

    /// The open decision named by the event's `decision` field.
    fn open_mut(&mut self, f: &Fields) -> Option<&mut Open> {
        let id = f.get("decision").and_then(Value::as_str)?;
        self.open.iter_mut().find(|o| o.id == id)
    }

    fn opened(&self, e: &Event) -> Open {
        let f = &e.fields;
        let chain = f.get("chain").map(levels).unwrap_or_default();
        let level = chain.iter().find(|l| !l.skipped).map_or(0, |l| l.level);
        Open {
            id: text(f, "decision").unwrap_or_default(),
            identity: text(f, "identity"),
            action: text(f, "action").unwrap_or_default(),
            state: text(f, "state")
                .or_else(|| self.state.clone())
                .unwrap_or_default(),
            opened_at: e.at,
            resolved_at: text(f, "resolved_at").and_then(|t| time(&t)),
            verdict: text(f, "verdict").unwrap_or_default(),
            rule: text(f, "rule"),
            rules: texts(f, "rules"),
            reasons: texts(f, "reasons"),
            chain,
            level,
            two_person: flag(f, "two_person"),
            preconditions: texts(f, "preconditions"),
            acknowledged: Vec::new(),
            unavailable: self.unavailable.clone(),
        }
    }

    /// Marks `people` unavailable, or available again.
    fn mark(&mut self, people: &[String], available: bool) {
        for p in people {
            let listed = self.unavailable.contains(p);
            if available {
                self.unavailable.retain(|u| u != p);
            } else if !listed {
                self.unavailable.push(p.clone());
            }
        }
    }
}

impl Replay {
    /// The replay of `entries`, in log order.
    pub fn new(entries: Vec<Entry>) -> Replay {
        let session = entries
            .iter()
            .find(|e| e.event.kind == Kind::Opened)
            .map(|e| session(&e.event.fields))
            .unwrap_or_default();
        Replay { session, entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The moment after event `index` (from 0; clamped to the last event).
    pub fn moment(&self, index: usize) -> Moment {
        let mut m = Moment::default();
        let end = index.min(self.entries.len().saturating_sub(1));
        for (i, entry) in self.entries.iter().enumerate().take(end + 1) {
            m.apply(i, entry);
        }
        m
    }

    /// Every moment, one after each event.
    pub fn moments(&self) -> impl Iterator<Item = Moment> + '_ {
        self.entries
            .iter()
            .enumerate()
            .scan(Moment::default(), |m, (i, e)| {
                m.apply(i, e);
                Some(m.clone())
            })
    }
}

fn session(f: &Fields) -> Session {
    Session {
        runbook: text(f, "runbook"),
        runbook_hash: text(f, "runbook_hash"),
        plant: text(f, "plant"),
        timezone: text(f, "timezone"),
        mode: text(f, "mode"),
        scenario: text(f, "scenario"),
        rehearsal: text(f, "rehearsal"),
    }
}

/// One event in words, as the timeline shows it.
pub fn words(e: &Event) -> String {
    let f = &e.fields;
    let or_unknown = |key: &str| text(f, key).unwrap_or_else(|| "?".to_owned());
    match e.kind {
        Kind::Opened => {
            let mode = match text(f, "mode").as_deref() {
                Some("drill") => match text(f, "scenario") {
                    Some(s) => format!("drill of scenario {s}"),
                    None => "drill".to_owned(),
                },
                Some("live") => "live incident".to_owned(),
                Some(other) => other.to_owned(),
                None => "session".to_owned(),
            };
            let rehearsal = if f.contains_key("rehearsal") {
                " (rehearsal: times are simulated)"
            } else {
                ""
            };
            format!(
                "opened: {mode}{rehearsal}, runbook {}, state {}",
                or_unknown("runbook"),
                or_unknown("state")
            )
        }
        Kind::StateDeclared => {
            let by = texts(f, "by");
            let by = if by.is_empty() {
                String::new()
            } else {
                format!(" by {}", by.join(" and "))
            };
            let decision = text(f, "decision")
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            format!(
                "state {} -> {}{by}{decision}, {}",
                or_unknown("from"),
                or_unknown("state"),
                authorized(flag(f, "authorized"))
            )
        }
        Kind::Inject => {
            let mut out = format!(
                "inject {}: {}",
                f.get("n").and_then(Value::as_u64).unwrap_or(0),
                or_unknown("text")
            );
            let unavailable = texts(f, "unavailable");
            if !unavailable.is_empty() {
                out.push_str(&format!(
                    " [unavailable from now: {}]",
                    unavailable.join(", ")
                ));
            }
            out
        }
        Kind::DecisionOpened => {
            let what = what(
                &or_unknown("action"),
                text(f, "identity").as_deref(),
                &or_unknown("state"),
            );
            let chain = f.get("chain").map(levels).unwrap_or_default();
            let answer = answer(
                text(f, "verdict").as_deref(),
                text(f, "rule").as_deref(),
                &texts(f, "rules"),
                chain.iter().find(|l| !l.skipped),
            );
            let state = match text(f, "identity") {
                Some(_) => format!(" in state {}", or_unknown("state")),
                None => String::new(),
            };
            format!("{} opened: {what}{state}: {answer}", or_unknown("decision"))
        }
        Kind::Escalated => {
            let people = texts(f, "people");
            let who = if people.is_empty() {
                "nobody".to_owned()
            } else {
                people.join(", ")
            };
            let rechained = if f.contains_key("chain") {
                ", chain re-resolved"
            } else {
                ""
            };
            format!(
                "{} escalated to level {}: {who} ({}{rechained})",
                or_unknown("decision"),
                f.get("level").and_then(Value::as_u64).unwrap_or(0),
                or_unknown("reason")
            )
        }
        Kind::Acknowledged => format!(
            "{} precondition acknowledged: {}",
            or_unknown("decision"),
            or_unknown("precondition")
        ),
        Kind::Decided => {
            let what = what(
                &or_unknown("action"),
                text(f, "identity").as_deref(),
                &or_unknown("state"),
            );
            let by = texts(f, "by");
            let outcome = text(f, "outcome").unwrap_or_else(|| "?".to_owned());
            let mut out = format!(
                "{} {what} by {}: {outcome}, {}",
                or_unknown("decision"),
                if by.is_empty() {
                    "nobody".to_owned()
                } else {
                    by.join(" and ")
                },
                authorized(flag(f, "authorized"))
            );
            if flag(f, "ahead_of_chain") {
                out.push_str(", ahead of the chain");
            }
            let flags = texts(f, "flags");
            if !flags.is_empty() {
                out.push_str(&format!(" ({})", flags.join("; ")));
            }
            out
        }
        Kind::Note => format!("note: {}", or_unknown("text")),
        Kind::Closed => {
            let open = texts(f, "open");
            if open.is_empty() {
                "closed".to_owned()
            } else {
                format!("closed; still open: {}", open.join(", "))
            }
        }
    }
}

/// `authorized` or `NOT AUTHORIZED`.
pub fn authorized(yes: bool) -> &'static str {
    if yes { "authorized" } else { "NOT AUTHORIZED" }
}

/// What the runbook answered, in words: `rule x, calling bob (level 1)`,
/// `FORBIDDEN by rule x`, `UNCOVERED: no rule covers it`, ...
pub fn answer(
    verdict: Option<&str>,
    rule: Option<&str>,
    rules: &[String],
    first: Option<&Level>,
) -> String {
    match verdict {
        Some("chain") => {
            let source = match rule {
                Some(r) => format!("rule {r}"),
                None => "the declare chain".to_owned(),
            };
            match first {
                Some(l) => format!(
                    "{source}, calling {} (level {})",
                    l.people.join(", "),
                    l.level
                ),
                None => format!("{source}, nobody can be called"),
            }
        }
        Some("forbidden") => format!("FORBIDDEN by rule {}", rules.join(", ")),
        Some("ambiguous") => format!("UNCLEAR: rules {} tie", rules.join(", ")),
        Some("uncovered") => "UNCOVERED: no rule covers it".to_owned(),
        Some(other) => other.to_owned(),
        None => "no verdict recorded".to_owned(),
    }
}

/// `disconnect vendor-acme-remote` or `declare emergency`.
fn what(action: &str, identity: Option<&str>, state: &str) -> String {
    match identity {
        Some(i) => format!("{action} {i}"),
        None => format!("{action} {state}"),
    }
}

fn levels(chain: &Value) -> Vec<Level> {
    let Some(items) = chain.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let f = l.as_object()?;
            Some(Level {
                level: f
                    .get("level")
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(i + 1),
                offset_s: f.get("offset_s").and_then(Value::as_u64).unwrap_or(0),
                starts_at: text(f, "starts_at").and_then(|t| time(&t)),
                people: texts(f, "people"),
                via: text(f, "via").unwrap_or_default(),
                skipped: flag(f, "skipped"),
            })
        })
        .collect()
}

fn text(f: &Fields, key: &str) -> Option<String> {
    f.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn texts(f: &Fields, key: &str) -> Vec<String> {
    f.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn flag(f: &Fields, key: &str) -> bool {
    f.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn time(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}
