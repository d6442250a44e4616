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
mod frozen;
#[cfg(test)]
mod tests;

pub use differences::{Change, Difference};

use super::Entry;
pub use super::event::Impact;
pub use super::event::Level;
use super::event::{Body, DecisionOpened, Opened};
use super::words::action_phrase;
use chrono::{DateTime, FixedOffset};

/// A log to replay: how its session opened, and its events in order.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The `opened` event, or nothing known when there is none.
    pub session: Opened,
    pub entries: Vec<Entry>,
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
    /// How many times the chain has started again (`repeat`), 0 on its
    /// first pass (an `escalated` event's `pass` counts from 1).
    pub pass: u8,
    /// How many times the rule lets the chain start again.
    pub repeat: u8,
    pub pre_approved: bool,
    pub consult: Vec<String>,
    pub impact: Vec<Impact>,
}

impl Open {
    /// `disconnect vendor-acme-remote` or `declare emergency`.
    pub fn action_phrase(&self) -> String {
        action_phrase(&self.action, self.identity.as_deref(), &self.state)
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
    /// The preconditions ticked on the decision before it was taken.
    pub acknowledged: Vec<String>,
}

impl Taken {
    pub fn action_phrase(&self) -> String {
        action_phrase(&self.action, self.identity.as_deref(), &self.state)
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
        match &e.body {
            Body::Opened(o) => self.state.clone_from(&o.state),
            Body::StateDeclared(d) => {
                if !d.state.is_empty() {
                    self.state = Some(d.state.clone());
                }
            }
            Body::Inject(i) => {
                self.mark(&i.unavailable, false);
                self.injects.push(Inject {
                    n: i.n,
                    at: e.at,
                    text: i.text.clone(),
                    identities: i.identities.clone(),
                    unavailable: i.unavailable.clone(),
                });
            }
            Body::Note(n) => {
                self.mark(&n.unavailable, false);
                self.mark(&n.available, true);
            }
            Body::DecisionOpened(d) => {
                let open = self.opened(e.at, d);
                self.open.retain(|o| o.id != open.id);
                self.open.push(open);
            }
            Body::Escalated(x) => {
                let unavailable = self.unavailable.clone();
                if let Some(open) = self.open_mut(&x.decision) {
                    if x.level > 0 {
                        open.level = x.level;
                    }
                    if let Some(chain) = &x.chain {
                        open.chain.clone_from(chain);
                        open.unavailable = unavailable;
                    }
                    if let Some(pass) = x.pass {
                        open.pass = pass.saturating_sub(1);
                    }
                }
            }
            Body::Acknowledged(a) => {
                if let Some(open) = self.open_mut(&a.decision)
                    && !a.precondition.is_empty()
                    && !open.acknowledged.contains(&a.precondition)
                {
                    open.acknowledged.push(a.precondition.clone());
                }
            }
            Body::Decided(d) => {
                let acknowledged = self
                    .open_mut(&d.decision)
                    .map(|o| std::mem::take(&mut o.acknowledged))
                    .unwrap_or_default();
                self.open.retain(|o| o.id != d.decision);
                self.taken.push(Taken {
                    acknowledged,
                    id: d.decision.clone(),
                    at: e.at,
                    identity: d.identity.clone(),
                    action: d.action.clone(),
                    state: d.state.clone(),
                    by: d.by.clone(),
                    approved: d.approved(),
                    authorized: d.is_authorized(),
                    ahead_of_chain: d.ahead_of_chain == Some(true),
                    rule: d.rule.clone(),
                    flags: d.flags.clone(),
                });
            }
            Body::Closed(_) => self.closed = true,
            // What the log itself went through, not the incident.
            Body::Recovered(_) | Body::Signed(_) => {}
        }
    }

    /// The open decision named `id`.
    fn open_mut(&mut self, id: &str) -> Option<&mut Open> {
        self.open.iter_mut().find(|o| o.id == id)
    }

    fn opened(&self, at: DateTime<FixedOffset>, d: &DecisionOpened) -> Open {
        let level = d.first_deciders().map_or(0, |l| l.level);
        Open {
            id: d.decision.clone(),
            identity: d.identity.clone(),
            action: d.action.clone(),
            state: if d.state.is_empty() {
                self.state.clone().unwrap_or_default()
            } else {
                d.state.clone()
            },
            opened_at: at,
            resolved_at: d.resolved_at,
            verdict: d.verdict.clone(),
            rule: d.rule.clone(),
            rules: d.rules.clone(),
            reasons: d.reasons.clone(),
            chain: d.chain.clone(),
            level,
            two_person: d.two_person,
            preconditions: d.preconditions.clone(),
            acknowledged: Vec::new(),
            unavailable: self.unavailable.clone(),
            pass: 0,
            repeat: d.repeat,
            pre_approved: d.pre_approved,
            consult: d.consult.clone(),
            impact: d.impact.clone(),
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
        let session = (entries.iter())
            .find_map(|e| match &e.event.body {
                Body::Opened(o) => Some(o.clone()),
                _ => None,
            })
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
