//! The coverage of critical identities over the horizon: answers, gaps, chain facts.

use super::decider::{Quorum, cuts, first_decider, first_deciding_step, is_vendor_role};
use super::likeness::Critical;
use super::{EMERGENCY_FIRST_DECIDER, Horizon};
use crate::engine::Engine;
use crate::engine::authority::Selection;
use crate::model::clock::day_time;
use crate::model::{Action, Text};
use chrono::DateTime;
use chrono_tz::Tz;
use std::collections::HashMap;

/// A stretch `[from, to)` of the horizon in which nobody can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gap {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
}

/// What walking one winning chain over the horizon shows.
#[derive(Debug, Clone)]
pub struct ChainFacts {
    /// The winning rule's index.
    pub rule: usize,
    /// Asked for vendor sessions (a `vendor` role's people do not decide).
    pub vendor_session: bool,
    /// Who decides first at the start of the horizon (person ids), even if
    /// a `two_person` chain then waits for a second; empty in a gap.
    pub first: Vec<Text>,
    /// The longest [time to first decider](first_decider) over the horizon,
    /// in seconds; `None` when at some time it never comes.
    pub within: Option<u64>,
    /// The only person who can ever decide, at any level and any time, when
    /// there is just one.
    pub single: Option<Text>,
    /// Where the chain yields nobody.
    pub gaps: Vec<Gap>,
}

impl ChainFacts {
    fn walk(horizon: &mut Horizon, rule: usize, vendor_session: bool) -> ChainFacts {
        let rb = horizon.runbook();
        let mut facts = ChainFacts {
            rule,
            vendor_session,
            first: Vec::new(),
            within: Some(0),
            single: None,
            gaps: Vec::new(),
        };
        let Some(decide) = rb.rules.get(rule).and_then(|r| r.decide()) else {
            facts.within = None;
            return facts;
        };
        let quorum = Quorum::of(decide, vendor_session);
        let windows = horizon.windows(&decide.levels);
        if let Some(step) = windows
            .first()
            .and_then(|w| first_deciding_step(rb, &w.steps, quorum))
        {
            facts.first = step.people.iter().map(|d| d.person.clone()).collect();
        }
        let mut deciders: Vec<&Text> = Vec::new();
        for w in windows {
            facts.within = match (facts.within, first_decider(rb, &w.steps, quorum)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            if w.yields_nobody() {
                facts.gaps.push(Gap {
                    from: w.from,
                    to: w.to,
                });
            }
            let counted = w.steps.iter().filter(|s| {
                !s.skipped && (quorum.vendor_roles_count || !is_vendor_role(rb, &s.target))
            });
            for d in counted.flat_map(|s| &s.people) {
                if !deciders.contains(&&d.person) {
                    deciders.push(&d.person);
                }
            }
        }
        if let [one] = deciders.as_slice() {
            facts.single = Some((*one).clone());
        }
        facts
    }

    /// Slower than an emergency allows ([`EMERGENCY_FIRST_DECIDER`]), or never.
    pub fn slow(&self) -> bool {
        self.within.is_none_or(|w| w > EMERGENCY_FIRST_DECIDER)
    }
}

/// The answer to one question of the coverage matrix.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Index in `runbook.states`.
    pub state: usize,
    pub action: Action,
    pub selection: Selection,
    /// For a chain: its facts, an index in [`Coverage::chains`].
    pub chain: Option<usize>,
}

/// Critical identities with the same answer to every question.
#[derive(Debug, Clone)]
pub struct AnswerGroup {
    /// Identity indices, in runbook order.
    pub identities: Vec<usize>,
    pub vendor_session: bool,
    /// By state (runbook order), then by action ([`cuts`] order).
    pub answers: Vec<Answer>,
}

/// The coverage matrix: every critical identity, in every state, for every
/// action of [`cuts`]; who decides, how fast, and the on-call gaps of every
/// role, over a horizon.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// Critical identities in all.
    pub identities: usize,
    pub groups: Vec<AnswerGroup>,
    pub chains: Vec<ChainFacts>,
    /// For every role (by index, in runbook order), where nobody of it,
    /// backups included, is on call.
    pub roles: Vec<Vec<Gap>>,
}

/// A [`Selection`] as a map key.
fn selection_key(selection: &Selection) -> (u8, Vec<usize>) {
    match selection {
        Selection::Rule(k) => (0, vec![*k]),
        Selection::Forbidden(rules) => (1, rules.clone()),
        Selection::Ambiguous(rules) => (2, rules.clone()),
        Selection::Uncovered => (3, Vec::new()),
    }
}

impl Coverage {
    pub fn build(engine: &Engine, from: DateTime<Tz>, to: DateTime<Tz>) -> Coverage {
        let rb = engine.runbook;
        let critical = Critical::build(engine);
        let mut horizon = Horizon::new(engine, from, to);
        let mut chains: Vec<ChainFacts> = Vec::new();
        let mut chain_at: HashMap<(usize, bool), usize> = HashMap::new();
        let mut groups: Vec<AnswerGroup> = Vec::new();
        type Key = (bool, Vec<(u8, Vec<usize>)>);
        let mut group_at: HashMap<Key, usize> = HashMap::new();
        for group in &critical.groups {
            let vendor = group.vendor_session;
            let mut answers = Vec::new();
            for (s, state) in rb.states.iter().enumerate() {
                for &action in cuts(vendor) {
                    let selection = group.select(rb, &state.id.value, action);
                    let chain = match selection {
                        Selection::Rule(k) => {
                            Some(*chain_at.entry((k, vendor)).or_insert_with(|| {
                                chains.push(ChainFacts::walk(&mut horizon, k, vendor));
                                chains.len() - 1
                            }))
                        }
                        _ => None,
                    };
                    answers.push(Answer {
                        state: s,
                        action,
                        selection,
                        chain,
                    });
                }
            }
            let key: Key = (
                vendor,
                answers
                    .iter()
                    .map(|a| selection_key(&a.selection))
                    .collect(),
            );
            match group_at.get(&key) {
                Some(&g) => groups[g].identities.extend(&group.identities),
                None => {
                    group_at.insert(key, groups.len());
                    groups.push(AnswerGroup {
                        identities: group.identities.clone(),
                        vendor_session: vendor,
                        answers,
                    });
                }
            }
        }
        for g in &mut groups {
            g.identities.sort_unstable();
        }
        groups.sort_by_key(|g| g.identities.first().copied());
        let roles = (0..rb.roles.len())
            .map(|r| {
                horizon
                    .role_windows(r)
                    .into_iter()
                    .filter(|w| w.people.is_empty())
                    .map(|w| Gap {
                        from: w.from,
                        to: w.to,
                    })
                    .collect()
            })
            .collect();
        Coverage {
            from,
            to,
            identities: critical.identities,
            groups,
            chains,
            roles,
        }
    }
}

/// A window as text: `Fri 27 Nov 18:00 to Mon 30 Nov 08:00 (2d14h)`; a
/// window reaching the end of the horizon says so (it may go on after it).
pub fn window_text(from: DateTime<Tz>, to: DateTime<Tz>, horizon_end: DateTime<Tz>) -> String {
    let secs = u64::try_from((to - from).num_seconds()).unwrap_or_default();
    let end = if to >= horizon_end {
        ", to the end of the horizon"
    } else {
        ""
    };
    format!(
        "{} to {} ({}{end})",
        day_time(from),
        day_time(to),
        crate::model::Duration(secs)
    )
}
