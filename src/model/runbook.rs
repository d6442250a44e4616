//! The entities of a runbook, as the format defines them.

use super::{
    AccessLevel, Action, CredentialType, Criticality, Day, Duration, FileId, Function,
    IdentityKind, Origin, Span, Spanned, Storage, Text, WrittenTime, Zone,
};
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// An id as written, with its span.
pub type Id = Spanned<Text>;

/// A reference to an entity by id, as written; the loader checks it exists.
pub type Ref = Spanned<Text>;

/// Who owns the authority matrix when the runbook has no management role.
pub const NO_MANAGEMENT_ROLE: &str =
    "whoever directs the plant (the runbook has no management role)";

/// A whole runbook: every file merged.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Runbook {
    /// The files read, in load order; [`FileId`] indexes this list. Their
    /// text is not kept (it would double the memory of a large plant):
    /// `load::read_sources` reads it again to show findings.
    pub files: Vec<PathBuf>,
    /// `sha256:` and the digest of the files' bytes as they were read and
    /// parsed (see `load`): the `runbook_hash` of a decision log.
    pub content_hash: String,
    pub version: u32,
    pub plant: Plant,
    pub states: Vec<State>,
    pub people: Vec<Person>,
    pub roles: Vec<Role>,
    pub systems: Vec<System>,
    pub identities: Vec<Identity>,
    pub rules: Vec<Rule>,
    /// Rebuilt from the lists, never stored (see `load::image`).
    #[serde(skip)]
    pub index: Index,
}

/// Positions by id. Hashed with foldhash, seeded at random per process
/// (ids come from runbooks others write), several times faster than
/// SipHash on the short ids resolution looks up a dozen times a question.
pub type IdIndex = HashMap<Text, usize, foldhash::fast::RandomState>;

/// Position of each entity by id, built once per load.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub states: IdIndex,
    pub people: IdIndex,
    pub roles: IdIndex,
    pub systems: IdIndex,
    pub identities: IdIndex,
    pub rules: IdIndex,
}

impl Runbook {
    pub fn state(&self, id: &str) -> Option<&State> {
        self.index.states.get(id).map(|&i| &self.states[i])
    }
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.index.people.get(id).map(|&i| &self.people[i])
    }
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.index.roles.get(id).map(|&i| &self.roles[i])
    }
    /// The runbook's own management role (`function: management`), when it
    /// has one: not every plant calls it "plant management".
    pub fn management_role(&self) -> Option<&Role> {
        (self.roles.iter()).find(|r| r.function == Some(Function::Management))
    }
    pub fn system(&self, id: &str) -> Option<&System> {
        self.index.systems.get(id).map(|&i| &self.systems[i])
    }
    pub fn identity(&self, id: &str) -> Option<&Identity> {
        self.index.identities.get(id).map(|&i| &self.identities[i])
    }
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.index.rules.get(id).map(|&i| &self.rules[i])
    }
    /// The state marked `default: true` (the loader guarantees exactly one
    /// when the runbook has states).
    pub fn default_state(&self) -> Option<&State> {
        self.states.iter().find(|s| s.default)
    }
    /// The path of the file a span points into.
    pub fn file(&self, file: FileId) -> Option<&Path> {
        self.files.get(file.0 as usize).map(PathBuf::as_path)
    }
}

/// Suppression of one lint rule on one entity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Allow {
    pub rule: Spanned<Text>,
    pub reason: Option<Spanned<Text>>,
    pub until: Option<Spanned<NaiveDate>>,
    pub span: Span,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Plant {
    pub id: Id,
    pub name: Option<Text>,
    pub timezone: Spanned<Tz>,
    pub span: Span,
}

/// A production state.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct State {
    pub id: Id,
    pub name: Option<Text>,
    pub default: bool,
    pub emergency: bool,
    /// Systems locked out (LOTO) in this state.
    pub lockout: Vec<Ref>,
    /// Who may declare this state; empty when the runbook does not say.
    pub declare: Vec<Level>,
    pub allow: Vec<Allow>,
    pub span: Span,
}

impl State {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id.value)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    pub phone: Option<Text>,
    pub radio: Option<Text>,
    pub email: Option<Text>,
}

/// A person who may decide.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub id: Id,
    pub name: Option<Text>,
    pub contact: Contact,
    pub backup: Option<Ref>,
    pub active: bool,
    pub allow: Vec<Allow>,
    pub span: Span,
}

impl Person {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id.value)
    }
}

/// A role: people who share a duty, with an optional on-call schedule.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Role {
    pub id: Id,
    pub name: Option<Text>,
    pub function: Option<Function>,
    pub members: Vec<Ref>,
    pub after: Option<Spanned<Duration>>,
    pub escalates_to: Option<Ref>,
    pub schedule: Option<Schedule>,
    pub allow: Vec<Allow>,
    pub span: Span,
}

impl Role {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id.value)
    }
}

/// Who of a role is on call when: layers, then overrides on top.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Schedule {
    pub layers: Vec<Layer>,
    pub overrides: Vec<Override>,
    pub span: Span,
}

/// A rotation of people in turns of `shift`, from `start`, optionally only
/// inside a weekly window.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    pub rotation: Vec<Ref>,
    pub shift: Spanned<Duration>,
    pub start: Spanned<WrittenTime>,
    pub only: Option<Window>,
    pub span: Span,
}

/// A weekly wall-clock window; `to <= from` spans midnight and belongs to the day it started.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    /// Days the window starts on; every day when the runbook lists none.
    pub days: Vec<Day>,
    pub from: NaiveTime,
    pub to: NaiveTime,
    pub span: Span,
}

/// A person on call for a role over `[from, to)`, beating every layer.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Override {
    pub person: Ref,
    pub from: WrittenTime,
    pub to: WrittenTime,
    pub span: Span,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct System {
    pub id: Id,
    pub name: Option<Text>,
    pub zone: Option<Zone>,
    pub level: Option<u8>,
    pub criticality: Criticality,
    pub owner: Option<Ref>,
    pub depends_on: Vec<Ref>,
    pub safe_state: Option<Text>,
    pub allow: Vec<Allow>,
    pub span: Span,
}

impl System {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id.value)
    }
}

/// Access of an identity to one system: a default level and per-state levels.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Access {
    pub system: Ref,
    pub default: AccessLevel,
    pub states: Vec<(Ref, AccessLevel)>,
    pub span: Span,
}

impl Access {
    /// The level in `state`.
    pub fn level_in(&self, state: &str) -> AccessLevel {
        self.states
            .iter()
            .find(|(s, _)| s.value == state)
            .map_or(self.default, |(_, level)| *level)
    }
    /// The highest level in any state.
    pub fn max_level(&self) -> AccessLevel {
        self.states
            .iter()
            .map(|(_, l)| *l)
            .fold(self.default, AccessLevel::max)
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Credential {
    pub kind: Option<CredentialType>,
    pub rotation: Option<Spanned<Duration>>,
    pub last_rotated: Option<Spanned<NaiveDate>>,
    pub expires: Option<Spanned<WrittenTime>>,
    pub storage: Option<Spanned<Storage>>,
    pub origin: Option<Spanned<Origin>>,
    pub shared_with: Vec<Ref>,
    pub span: Span,
}

/// A machine (or human) identity: who may act on it is the point of andon.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub id: Id,
    pub kind: Spanned<IdentityKind>,
    pub name: Option<Text>,
    pub owner: Option<Ref>,
    pub vendor: Option<Spanned<Text>>,
    pub purpose: Option<Text>,
    pub access: Vec<Access>,
    /// Systems that stop when this identity is paused or revoked; `None` when
    /// the key is absent (an explicit `[]` declares none).
    pub serves: Option<Vec<Ref>>,
    pub credential: Option<Credential>,
    pub last_used: Option<Spanned<NaiveDate>>,
    pub labels: Vec<(Text, Text)>,
    pub allow: Vec<Allow>,
    pub span: Span,
}

impl Identity {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id.value)
    }
    /// Ids of the systems this identity touches (`access`, then `serves`), without duplicates.
    pub fn touches(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let serves = self.serves.iter().flatten();
        for id in self.access.iter().map(|a| &a.system).chain(serves) {
            if !out.contains(&id.value.as_str()) {
                out.push(&id.value);
            }
        }
        out
    }
}

/// Which identities a rule covers; keys are ANDed, list values ORed.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Selector {
    pub identity: Option<Vec<Ref>>,
    pub kind: Option<Vec<IdentityKind>>,
    pub system: Option<Vec<Ref>>,
    pub zone: Option<Vec<Zone>>,
    pub criticality: Option<Vec<Criticality>>,
    pub vendor: Option<Vec<Text>>,
    pub labels: Vec<(Text, Text)>,
    pub span: Span,
}

/// Whom a level (or a `consult` entry) names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Role(Ref),
    Person(Ref),
}

impl Target {
    pub fn id(&self) -> &Ref {
        match self {
            Target::Role(r) | Target::Person(r) => r,
        }
    }
}

/// One level of a chain: a role or a person, and how long it has.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Level {
    pub target: Target,
    pub after: Option<Spanned<Duration>>,
    pub span: Span,
}

/// What a rule says: who decides, or that nobody may.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Decide(Decide),
    Forbid(Spanned<Text>),
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Decide {
    pub levels: Vec<Level>,
    pub repeat: u8,
    pub consult: Vec<Target>,
    pub two_person: bool,
    pub pre_approved: bool,
    pub preconditions: Vec<Text>,
}

/// An authority rule.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    pub id: Id,
    pub selector: Selector,
    /// `None` covers every state.
    pub states: Option<Vec<Ref>>,
    pub actions: Vec<Spanned<Action>>,
    pub outcome: Outcome,
    pub allow: Vec<Allow>,
    pub span: Span,
}

impl Rule {
    pub fn decide(&self) -> Option<&Decide> {
        match &self.outcome {
            Outcome::Decide(d) => Some(d),
            Outcome::Forbid(_) => None,
        }
    }
    pub fn covers_state(&self, state: &str) -> bool {
        self.states
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x.value == state))
    }
    pub fn covers_action(&self, action: Action) -> bool {
        self.actions.iter().any(|a| a.value == action)
    }
}
