//! The events of the decision log as types: one struct per kind, written
//! and read back through the same serde definitions, so that the writer,
//! `verify`, replay, resume and the reports cannot disagree on a field's
//! name or shape (docs/console.md, "The decision log").
//!
//! Reading is lenient, because a log is evidence and must be shown whatever
//! it holds: a field that is missing or of the wrong type (a log from
//! another version, or one edited by hand and re-hashed) reads as absent,
//! never as an error or a panic. Fields the types do not know are ignored
//! when read; the hash chain is checked on the line's bytes before that.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The type of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Opened,
    StateDeclared,
    Inject,
    DecisionOpened,
    Escalated,
    Acknowledged,
    Decided,
    Note,
    Closed,
    Recovered,
    Signed,
}

impl Kind {
    /// Every kind, in the order of a session.
    pub const ALL: [Kind; 11] = [
        Kind::Opened,
        Kind::StateDeclared,
        Kind::Inject,
        Kind::DecisionOpened,
        Kind::Escalated,
        Kind::Acknowledged,
        Kind::Decided,
        Kind::Note,
        Kind::Closed,
        Kind::Recovered,
        Kind::Signed,
    ];

    /// The name written in the `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Opened => "opened",
            Kind::StateDeclared => "state-declared",
            Kind::Inject => "inject",
            Kind::DecisionOpened => "decision-opened",
            Kind::Escalated => "escalated",
            Kind::Acknowledged => "acknowledged",
            Kind::Decided => "decided",
            Kind::Note => "note",
            Kind::Closed => "closed",
            Kind::Recovered => "recovered",
            Kind::Signed => "signed",
        }
    }

    /// The kind named `name`, if any.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// One event: when it happened and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: DateTime<FixedOffset>,
    pub body: Body,
}

impl Event {
    pub fn new(at: DateTime<FixedOffset>, body: impl Into<Body>) -> Event {
        Event {
            at,
            body: body.into(),
        }
    }

    /// An event of `kind` with every field absent, as a damaged log can hold.
    pub fn empty(at: DateTime<FixedOffset>, kind: Kind) -> Event {
        Event {
            at,
            body: Body::from_fields(kind, Map::new()),
        }
    }

    pub fn kind(&self) -> Kind {
        self.body.kind()
    }

    /// The decision the event is about (`D1`, ...), if it is about one.
    pub fn decision(&self) -> Option<&str> {
        match &self.body {
            Body::DecisionOpened(e) => Some(e.decision.as_str()),
            Body::Escalated(e) => Some(e.decision.as_str()),
            Body::Acknowledged(e) => Some(e.decision.as_str()),
            Body::Decided(e) => Some(e.decision.as_str()),
            Body::StateDeclared(e) => e.decision.as_deref(),
            _ => None,
        }
        .filter(|d| !d.is_empty())
    }
}

/// What an event says, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Opened(Opened),
    StateDeclared(StateDeclared),
    Inject(Inject),
    DecisionOpened(DecisionOpened),
    Escalated(Escalated),
    Acknowledged(Acknowledged),
    Decided(Decided),
    Note(Note),
    Closed(Closed),
    Recovered(Recovered),
    Signed(Signed),
}

macro_rules! bodies {
    ($($kind:ident),*) => {
        impl Body {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Body::$kind(_) => Kind::$kind,)*
                }
            }

            /// The event's own fields, as written on its line.
            pub fn to_fields(&self) -> Map<String, Value> {
                let value = match self {
                    $(Body::$kind(e) => serde_json::to_value(e),)*
                };
                match value {
                    Ok(Value::Object(map)) => map,
                    // Plain structs of strings, numbers and lists always
                    // serialize to an object.
                    _ => Map::new(),
                }
            }

            /// The body of a `kind` line from its fields, leniently.
            pub fn from_fields(kind: Kind, fields: Map<String, Value>) -> Body {
                let value = Value::Object(fields);
                match kind {
                    $(Kind::$kind => Body::$kind(serde_json::from_value(value).unwrap_or_default()),)*
                }
            }
        }

        $(impl From<$kind> for Body {
            fn from(e: $kind) -> Body {
                Body::$kind(e)
            }
        })*
    };
}

bodies!(
    Opened,
    StateDeclared,
    Inject,
    DecisionOpened,
    Escalated,
    Acknowledged,
    Decided,
    Note,
    Closed,
    Recovered,
    Signed
);

/// What the console runs as: a live incident or a drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// Why a decision moved to another level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// `approved` (do it) or `declined` (decided not to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Approved,
    Declined,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Declined => "declined",
        }
    }
}

/// `opened`: the first event of every log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Opened {
    /// The path given on the command line.
    #[serde(deserialize_with = "lenient")]
    pub runbook: Option<String>,
    /// `sha256:` and the hex digest of the runbook's files.
    #[serde(deserialize_with = "lenient")]
    pub runbook_hash: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub plant: Option<String>,
    /// IANA name, such as `Europe/Paris`.
    #[serde(deserialize_with = "lenient")]
    pub timezone: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub mode: Option<Mode>,
    /// The production state when the session opened.
    #[serde(deserialize_with = "lenient")]
    pub state: Option<String>,
    /// The scenario id, in a drill.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Set when the session rehearsed with `--at`: times are simulated.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub rehearsal: Option<String>,
    /// The shared incident's id, when consoles share it through a database.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
}

/// `state-declared`: the production state is now `state`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StateDeclared {
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    #[serde(deserialize_with = "lenient")]
    pub from: String,
    #[serde(deserialize_with = "lenient")]
    pub by: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub authorized: Option<bool>,
    /// The `declare` decision it closes, when there was one.
    #[serde(deserialize_with = "lenient")]
    pub decision: Option<String>,
}

/// `inject`: the `n`th inject of a scenario (from 1) was shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Inject {
    #[serde(deserialize_with = "lenient")]
    pub n: u64,
    #[serde(deserialize_with = "lenient")]
    pub text: String,
    #[serde(deserialize_with = "lenient")]
    pub identities: Vec<String>,
    /// People unavailable from now on.
    #[serde(deserialize_with = "lenient")]
    pub unavailable: Vec<String>,
    /// MITRE ATT&CK for ICS technique ids.
    #[serde(deserialize_with = "lenient")]
    pub attack: Vec<String>,
}

/// One level of a frozen chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Level {
    /// From 1.
    #[serde(deserialize_with = "lenient")]
    pub level: usize,
    #[serde(deserialize_with = "lenient")]
    pub offset_s: u64,
    #[serde(with = "time")]
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// Person ids; empty when skipped.
    #[serde(deserialize_with = "lenient")]
    pub people: Vec<String>,
    /// `role:ID` or `person:ID`.
    #[serde(deserialize_with = "lenient")]
    pub via: String,
    #[serde(deserialize_with = "lenient")]
    pub skipped: bool,
    /// How long the level has before the next (or before the chain runs
    /// out, on the last level); absent when it holds until someone decides,
    /// and in logs written before it was recorded.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub lasts_s: Option<u64>,
}

/// A system an action stops, and how critical it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Impact {
    #[serde(deserialize_with = "lenient")]
    pub system: String,
    #[serde(deserialize_with = "lenient")]
    pub criticality: String,
}

/// `decision-opened`: the question, the verdict and the frozen chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionOpened {
    /// `D1`, `D2`, ...: names the decision in later events.
    #[serde(deserialize_with = "lenient")]
    pub decision: String,
    /// `None` for a declaration.
    #[serde(deserialize_with = "lenient")]
    pub identity: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub action: String,
    /// The state asked in; for `declare`, the state to declare.
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    /// When the chain was resolved (its level 1 starts then).
    #[serde(with = "time")]
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// `chain`, `forbidden`, `ambiguous` or `uncovered`.
    #[serde(deserialize_with = "lenient")]
    pub verdict: String,
    #[serde(deserialize_with = "lenient")]
    pub rule: Option<String>,
    /// Forbidding or tied rules.
    #[serde(deserialize_with = "lenient")]
    pub rules: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub reasons: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub chain: Vec<Level>,
    #[serde(deserialize_with = "lenient")]
    pub two_person: bool,
    #[serde(deserialize_with = "lenient")]
    pub pre_approved: bool,
    /// How many times the chain starts again after its last level.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "is_zero")]
    pub repeat: u8,
    #[serde(deserialize_with = "lenient")]
    pub preconditions: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub consult: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub impact: Vec<Impact>,
}

impl DecisionOpened {
    /// The first level that engages someone.
    pub fn first_deciders(&self) -> Option<&Level> {
        self.chain.iter().find(|l| !l.skipped)
    }
}

/// `escalated`: the decision now calls `level` (from 1) of its chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Escalated {
    #[serde(deserialize_with = "lenient")]
    pub decision: String,
    #[serde(deserialize_with = "lenient")]
    pub level: usize,
    #[serde(deserialize_with = "lenient")]
    pub people: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub reason: Option<Reason>,
    /// The new chain, when unavailability re-resolved it or it was re-timed.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub chain: Option<Vec<Level>>,
    /// Which pass of the chain (from 1) this level belongs to, when the
    /// chain has started again (`repeat`); absent on the first pass.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub pass: Option<u8>,
}

/// `acknowledged`: a precondition of the decision was ticked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Acknowledged {
    #[serde(deserialize_with = "lenient")]
    pub decision: String,
    #[serde(deserialize_with = "lenient")]
    pub precondition: String,
}

/// `decided`: what was decided, by whom, and whether they could.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Decided {
    #[serde(deserialize_with = "lenient")]
    pub decision: String,
    #[serde(deserialize_with = "lenient")]
    pub identity: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub action: String,
    /// The state the decision was taken in (for `declare`, the target state).
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    /// One person, or two for a two-person rule.
    #[serde(deserialize_with = "lenient")]
    pub by: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub outcome: Option<Outcome>,
    /// Every decider is named by the chain at some level and nothing forbids it.
    #[serde(deserialize_with = "lenient")]
    pub authorized: Option<bool>,
    /// Some decider's level was not reached yet when they decided.
    #[serde(deserialize_with = "lenient")]
    pub ahead_of_chain: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub rule: Option<String>,
    /// Every precondition was acknowledged first.
    #[serde(deserialize_with = "lenient")]
    pub preconditions_acknowledged: Option<bool>,
    /// Why it is not authorized, or other remarks, in words.
    #[serde(deserialize_with = "lenient")]
    pub flags: Vec<String>,
}

impl Decided {
    pub fn approved(&self) -> bool {
        self.outcome == Some(Outcome::Approved)
    }

    /// A decision that does not say it is authorized is not.
    pub fn is_authorized(&self) -> bool {
        self.authorized == Some(true)
    }
}

/// `note`: free text, and people marked unavailable or available again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Note {
    #[serde(deserialize_with = "lenient")]
    pub text: String,
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Vec::is_empty")]
    pub available: Vec<String>,
}

/// `closed`: the session ended; `open` lists the decisions still open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Closed {
    #[serde(deserialize_with = "lenient")]
    pub open: Vec<String>,
}

/// `recovered`: a torn last line (a write cut short by a crash) was cut
/// off when the log was resumed with `--recover`; its bytes were kept
/// aside first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recovered {
    /// The torn line's number in the file, from 1.
    #[serde(deserialize_with = "lenient")]
    pub line: u64,
    /// How many bytes were cut.
    #[serde(deserialize_with = "lenient")]
    pub bytes: u64,
    /// The SHA-256 of the bytes cut, 64 lowercase hex digits.
    #[serde(deserialize_with = "lenient")]
    pub sha256: String,
    /// The file they were copied to first (`LOG.torn`), as named then.
    #[serde(deserialize_with = "lenient")]
    pub kept_in: String,
}

/// `signed`: the head of the log (the line before this one) signed with
/// an ed25519 key, so that a rewrite without the key shows (`log verify
/// --key`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Signed {
    /// The `seq` of the line signed (named apart from the line's own `seq`).
    #[serde(deserialize_with = "lenient")]
    pub head_seq: u64,
    /// That line's `hash`.
    #[serde(deserialize_with = "lenient")]
    pub head_hash: String,
    /// `ed25519:` and the public key, 64 lowercase hex digits.
    #[serde(deserialize_with = "lenient")]
    pub key: String,
    /// The signature of the head (`log::sign`), 128 lowercase hex digits.
    #[serde(deserialize_with = "lenient")]
    pub signature: String,
}

/// Whether a count is zero (and so left out of the line).
fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// A field of the wrong type reads as absent. serde has no such mode, and
/// a crate for one attribute is not worth its weight.
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// Times as the log writes them: RFC 3339 with an offset (`+00:00`, never
/// `Z`), fractional seconds only when there are some.
mod time {
    use super::*;

    pub fn serialize<S: Serializer>(
        t: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(value
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok()))
    }
}
