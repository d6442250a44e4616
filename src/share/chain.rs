//! One incident's chain as a console or an appender holds it: the lines
//! read from the database (each checked to follow the one before, as a log
//! file's are), the incident as it stands after them, and the judgement of
//! a new event against it.
//!
//! The judgement is what keeps two consoles from recording something
//! false: a decision already taken is not taken again ("already decided by
//! X at T"), an escalation or an acknowledgement already made is not made
//! twice, a person already marked unavailable is not marked again, and a
//! decision opened under a number another console took meanwhile gets the
//! next free number.

use super::ShareError;
use crate::log::event::{Body, Escalated, Reason};
use crate::log::replay::Moment;
use crate::log::{Entry, Event, GENESIS};
use chrono::{DateTime, FixedOffset};
use std::collections::{HashMap, HashSet};

/// An incident's events so far, and what they add up to.
#[derive(Debug, Clone)]
pub struct Chain {
    pub incident: String,
    pub entries: Vec<Entry>,
    /// Each entry's line as stored, without its newline.
    pub lines: Vec<String>,
    /// The incident after the last entry.
    pub moment: Moment,
    /// The pass each decision's chain is on (from 1), and its escalations.
    passes: HashMap<String, u8>,
    escalations: HashSet<(String, usize, u8)>,
    /// Decisions whose `state-declared` is recorded.
    declared: HashSet<String>,
    /// When each person was last marked unavailable or available.
    marked: HashMap<String, DateTime<FixedOffset>>,
    /// The highest `D` number opened.
    highest: u64,
    /// The `seq` of each decision's `decided`.
    decided_at: HashMap<String, u64>,
}

/// What to do with an event, judged against the incident as it stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Judged {
    /// Record it.
    Append(Event),
    /// Record it under the next free decision number: another console
    /// opened `from` meanwhile.
    Renumbered {
        event: Event,
        from: String,
        to: String,
    },
    /// Already so in the incident: nothing to record and nothing to say
    /// (another console's timer escalated first).
    AlreadyDone,
    /// Not recorded, for this reason, to be shown.
    Refused(String),
}

impl Chain {
    pub fn new(incident: &str) -> Chain {
        Chain {
            incident: incident.to_owned(),
            entries: Vec::new(),
            lines: Vec::new(),
            moment: Moment::default(),
            passes: HashMap::new(),
            escalations: HashSet::new(),
            declared: HashSet::new(),
            marked: HashMap::new(),
            highest: 0,
            decided_at: HashMap::new(),
        }
    }

    /// The `seq` of the last event, 0 when there is none.
    pub fn head_seq(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.seq)
    }

    /// The hash the next event's `prev` must be.
    pub fn head_hash(&self) -> &str {
        self.entries.last().map_or(GENESIS, |e| e.hash.as_str())
    }

    /// Adds `lines` (read by `seq` after the head), each checked to be a
    /// canonical line that follows the one before; returns how many.
    pub fn extend(&mut self, lines: Vec<String>) -> Result<usize, ShareError> {
        if lines.is_empty() {
            return Ok(0);
        }
        let mut text = String::new();
        for l in &lines {
            text.push_str(l);
            text.push('\n');
        }
        let (read, problem) = crate::log::read_bytes(text.as_bytes(), self.entries.last());
        let count = read.events.len();
        for (entry, line) in read.events.into_iter().zip(lines) {
            self.learn(&entry);
            let index = self.entries.len();
            self.moment.apply(index, &entry);
            self.entries.push(entry);
            self.lines.push(line);
        }
        match problem {
            Some(p) => Err(ShareError::Chain {
                incident: self.incident.clone(),
                seq: self.head_seq() + 1,
                problem: p.fault.to_string(),
            }),
            None => Ok(count),
        }
    }

    fn learn(&mut self, entry: &Entry) {
        let at = entry.event.at;
        match &entry.event.body {
            Body::DecisionOpened(d) => self.highest = self.highest.max(number(&d.decision)),
            Body::Decided(d) => {
                self.decided_at.insert(d.decision.clone(), entry.seq);
            }
            Body::Escalated(x) => {
                let pass = x.pass.unwrap_or(1);
                let now = self.passes.entry(x.decision.clone()).or_insert(1);
                *now = (*now).max(pass);
                self.escalations.insert((x.decision.clone(), x.level, pass));
            }
            Body::StateDeclared(s) => {
                if let Some(d) = &s.decision {
                    self.declared.insert(d.clone());
                }
            }
            Body::Note(n) => {
                for p in n.unavailable.iter().chain(&n.available) {
                    self.marked.insert(p.clone(), at);
                }
            }
            Body::Inject(i) => {
                for p in &i.unavailable {
                    self.marked.insert(p.clone(), at);
                }
            }
            _ => {}
        }
    }

    /// What to do with `event` from a console that has seen the chain up
    /// to `seen` (its `seq`), and may not have seen the rest.
    pub fn judge(&self, event: &Event, seen: u64) -> Judged {
        let m = &self.moment;
        let taken = |id: &str| m.taken.iter().find(|t| t.id == id);
        let open = |id: &str| m.open.iter().find(|o| o.id == id);
        let decided = |id: &str| -> Option<String> {
            taken(id).map(|t| {
                format!(
                    "{id} was already decided by {} at {}",
                    if t.by.is_empty() {
                        "someone".to_owned()
                    } else {
                        t.by.join(" and ")
                    },
                    t.at.format("%H:%M:%S")
                )
            })
        };
        match &event.body {
            Body::Opened(_) if !self.entries.is_empty() => {
                Judged::Refused("the incident is already opened".to_owned())
            }
            Body::DecisionOpened(d) => {
                let same = m.open.iter().find(|o| {
                    o.identity == d.identity
                        && o.action == d.action
                        && (d.identity.is_some() || o.state == d.state)
                });
                // The same question decided by another console since this
                // one last looked: it was about to decide it again.
                let unseen = m.taken.iter().rev().find(|t| {
                    t.identity == d.identity
                        && t.action == d.action
                        && (d.identity.is_some() || t.state == d.state)
                        && self.decided_at.get(&t.id).is_some_and(|&seq| seq > seen)
                });
                if let Some(t) = unseen
                    && let Some(why) = decided(&t.id)
                {
                    return Judged::Refused(why);
                }
                // Another console opened the same question (under any
                // number, this one's too: numbers are given per console).
                if let Some(o) = same {
                    return Judged::Refused(format!(
                        "{} is already open as {} since {}: see it in the open decisions (o)",
                        o.action_phrase(),
                        o.id,
                        o.opened_at.format("%H:%M:%S")
                    ));
                }
                if open(&d.decision).is_some() || taken(&d.decision).is_some() {
                    // Numbers read from the database are bounded as `log
                    // verify` bounds them: a forged incident cannot overflow.
                    let Some(next) = (self.highest.checked_add(1))
                        .filter(|n| *n <= crate::log::story::MAX_DECISION)
                    else {
                        return Judged::Refused(format!(
                            "this incident has used every decision number up to D{}",
                            crate::log::story::MAX_DECISION
                        ));
                    };
                    let to = format!("D{next}");
                    let mut renumbered = d.clone();
                    renumbered.decision.clone_from(&to);
                    return Judged::Renumbered {
                        event: Event::new(event.at, renumbered),
                        from: d.decision.clone(),
                        to,
                    };
                }
                Judged::Append(event.clone())
            }
            Body::Decided(d) => match decided(&d.decision) {
                Some(why) => Judged::Refused(why),
                None => Judged::Append(event.clone()),
            },
            Body::StateDeclared(s) => match &s.decision {
                Some(d) if self.declared.contains(d) => Judged::AlreadyDone,
                _ => Judged::Append(event.clone()),
            },
            Body::Escalated(x) => self.escalation(event, x, decided(&x.decision)),
            Body::Acknowledged(a) => {
                if let Some(why) = decided(&a.decision) {
                    Judged::Refused(why)
                } else if open(&a.decision)
                    .is_some_and(|o| o.acknowledged.contains(&a.precondition))
                {
                    Judged::AlreadyDone
                } else {
                    Judged::Append(event.clone())
                }
            }
            Body::Note(n) => {
                let since = |p: &str| {
                    self.marked.get(p).map_or(String::new(), |t| {
                        format!(" since {}", t.format("%H:%M:%S"))
                    })
                };
                if let Some(p) = n.unavailable.iter().find(|p| m.unavailable.contains(p)) {
                    return Judged::Refused(format!(
                        "{p} is already marked unavailable{}",
                        since(p)
                    ));
                }
                if let Some(p) = n.available.iter().find(|p| !m.unavailable.contains(p)) {
                    return Judged::Refused(format!("{p} is already available{}", since(p)));
                }
                Judged::Append(event.clone())
            }
            _ => Judged::Append(event.clone()),
        }
    }

    fn escalation(&self, event: &Event, x: &Escalated, decided: Option<String>) -> Judged {
        let by_hand = x.reason == Some(Reason::Manual);
        if let Some(why) = decided {
            return if by_hand {
                Judged::Refused(why)
            } else {
                Judged::AlreadyDone
            };
        }
        if x.reason == Some(Reason::Unavailable) {
            // A chain re-resolved because someone became unavailable is
            // news even at the same level.
            return Judged::Append(event.clone());
        }
        let pass = x.pass.unwrap_or(1);
        let now = self.passes.get(&x.decision).copied().unwrap_or(1);
        let level = (self.moment.open.iter())
            .find(|o| o.id == x.decision)
            .map_or(0, |o| o.level);
        let repeated = self
            .escalations
            .contains(&(x.decision.clone(), x.level, pass));
        let stale = pass < now || (pass == now && x.level <= level);
        if repeated || stale {
            if by_hand {
                Judged::Refused(format!(
                    "{} is already at level {level}: another console escalated it",
                    x.decision
                ))
            } else {
                Judged::AlreadyDone
            }
        } else {
            Judged::Append(event.clone())
        }
    }
}

/// `D12` -> 12.
fn number(id: &str) -> u64 {
    id.trim_start_matches('D').parse().unwrap_or(0)
}

#[cfg(test)]
mod tests;
