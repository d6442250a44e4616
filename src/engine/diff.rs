//! What a runbook change changes in authority: two runbooks compared on the
//! answers they give, not on their text. For every critical identity (by
//! id), state (by id) and action of the coverage matrix ([`cuts`]), over
//! one horizon: the outcome and the winning, forbidding or tied rules, the
//! first deciders, the time to first decider, the only decider, two-person
//! and break glass (`pre_approved`), the escalation ladder, and the windows
//! in which nobody can be reached; and, for every role, the windows in which
//! nobody is on call. Identities and states that only one side has are
//! listed.
//!
//! Both sides are walked by [`Coverage::build`], the walk `andon coverage`
//! and lint's horizon rules use, so a diff never disagrees with them.
//! Identities that get the same answers on both sides are compared once.

use super::Engine;
use super::authority::Selection;
use super::horizon::{Coverage, Gap, cuts};
use crate::model::{Action, Runbook, Target, Text};
use chrono::DateTime;
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// One side's answer to one question, in the terms a reviewer compares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fact {
    /// `covered`, `forbidden`, `ambiguous` or `uncovered`.
    pub outcome: &'static str,
    /// The winning rule, or the forbidding or tied ones.
    pub rules: Vec<Text>,
    /// Who decides first at the start of the horizon.
    pub first: Vec<Text>,
    /// The longest time to first decider over the horizon, in seconds;
    /// `None`: at some time never (or no chain).
    pub within: Option<u64>,
    /// The only person who can ever decide.
    pub single: Option<Text>,
    pub two_person: bool,
    /// Break glass: the first reachable decider acts at once.
    pub pre_approved: bool,
    /// The chain's levels (after `escalates_to`) and the seconds after the
    /// question at which each is engaged when none is skipped.
    pub ladder: Vec<(Text, u64)>,
    /// Where the chain reaches nobody (in the head's time zone).
    pub gaps: Vec<Gap>,
}

/// One changed decision, for the identities it is the same for.
#[derive(Debug, Clone)]
pub struct Change {
    /// Identity ids, in the head's order (the base's for removed ones).
    pub identities: Vec<Text>,
    /// The states (by id) in which the decision changes alike, in order.
    pub states: Vec<Text>,
    pub action: Action,
    /// `None`: the question was not asked on that side (new or removed
    /// identity or state, or not critical there).
    pub before: Option<Fact>,
    pub after: Option<Fact>,
    /// Windows in which nobody can be reached after the change, not before.
    pub opened: Vec<Gap>,
    /// Windows in which nobody could be reached before, not after.
    pub closed: Vec<Gap>,
}

/// A role whose on-call gaps changed.
#[derive(Debug, Clone)]
pub struct RoleChange {
    pub role: Text,
    pub opened: Vec<Gap>,
    pub closed: Vec<Gap>,
}

/// Everything a change changes in authority.
#[derive(Debug, Clone)]
pub struct Diff {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    pub identities_added: Vec<Text>,
    pub identities_removed: Vec<Text>,
    pub states_added: Vec<Text>,
    pub states_removed: Vec<Text>,
    pub roles_added: Vec<Text>,
    pub roles_removed: Vec<Text>,
    pub decisions: Vec<Change>,
    pub roles: Vec<RoleChange>,
}

impl Diff {
    /// The change leaves nobody to decide, or nobody on call, somewhere it
    /// did not before.
    pub fn opens_gap(&self) -> bool {
        self.decisions.iter().any(|c| !c.opened.is_empty())
            || self.roles.iter().any(|r| !r.opened.is_empty())
    }

    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.identities_added.is_empty()
            && self.identities_removed.is_empty()
            && self.states_added.is_empty()
            && self.states_removed.is_empty()
            && self.roles_added.is_empty()
            && self.roles_removed.is_empty()
            && self.decisions.is_empty()
            && self.roles.is_empty()
    }
}

/// One side: its coverage and where each critical identity's answers are.
struct Side<'a> {
    rb: &'a Runbook,
    coverage: Coverage,
    /// Critical identity id -> group index.
    group_of: HashMap<&'a str, usize>,
}

impl<'a> Side<'a> {
    fn new(engine: &'a Engine<'a>, from: DateTime<Tz>, to: DateTime<Tz>) -> Side<'a> {
        let rb = engine.runbook;
        let tz = rb.plant.timezone.value;
        let coverage = Coverage::build(engine, from.with_timezone(&tz), to.with_timezone(&tz));
        let mut group_of = HashMap::new();
        for (g, group) in coverage.groups.iter().enumerate() {
            for &i in &group.identities {
                group_of.insert(rb.identities[i].id.value.as_str(), g);
            }
        }
        Side {
            rb,
            coverage,
            group_of,
        }
    }

    /// The answer of group `g` in state `state` (by id) to `action`.
    fn fact(&self, g: usize, state: &str, action: Action, tz: Tz) -> Option<Fact> {
        let rb = self.rb;
        let s = rb.states.iter().position(|st| st.id.value == state)?;
        let group = self.coverage.groups.get(g)?;
        let answer = group
            .answers
            .iter()
            .find(|a| a.state == s && a.action == action)?;
        let ids = |rules: &[usize]| -> Vec<Text> {
            rules
                .iter()
                .filter_map(|&k| rb.rules.get(k))
                .map(|r| r.id.value.clone())
                .collect()
        };
        let (outcome, rules) = match &answer.selection {
            Selection::Rule(k) => ("covered", ids(std::slice::from_ref(k))),
            Selection::Forbidden(r) => ("forbidden", ids(r)),
            Selection::Ambiguous(r) => ("ambiguous", ids(r)),
            Selection::Uncovered => ("uncovered", Vec::new()),
        };
        let mut fact = Fact {
            outcome,
            rules,
            first: Vec::new(),
            within: None,
            single: None,
            two_person: false,
            pre_approved: false,
            ladder: Vec::new(),
            gaps: Vec::new(),
        };
        if let (Selection::Rule(k), Some(facts)) = (
            &answer.selection,
            answer.chain.and_then(|c| self.coverage.chains.get(c)),
        ) {
            fact.first.clone_from(&facts.first);
            fact.within = facts.within;
            fact.single.clone_from(&facts.single);
            fact.gaps = facts
                .gaps
                .iter()
                .map(|g| Gap {
                    from: g.from.with_timezone(&tz),
                    to: g.to.with_timezone(&tz),
                })
                .collect();
            if let Some(decide) = rb.rules.get(*k).and_then(|r| r.decide()) {
                fact.two_person = decide.two_person;
                fact.pre_approved = decide.pre_approved;
                fact.ladder = ladder(rb, &decide.levels);
            }
        }
        Some(fact)
    }
}

/// The levels of a chain, extended through `escalates_to` as resolution
/// does, with the time each is engaged when no level is skipped.
fn ladder(rb: &Runbook, levels: &[crate::model::Level]) -> Vec<(Text, u64)> {
    let mut out: Vec<(Text, u64)> = Vec::new();
    let mut offset: u64 = 0;
    let role_after = |target: &Target| match target {
        Target::Role(r) => rb
            .role(&r.value)
            .and_then(|role| role.after)
            .map(|a| a.value),
        Target::Person(_) => None,
    };
    let mut last_role: Option<Text> = None;
    let mut open = true;
    for level in levels {
        out.push((level.target.id().value.clone(), offset));
        if let Target::Role(r) = &level.target {
            last_role = Some(r.value.clone());
        } else {
            last_role = None;
        }
        match level.after.map(|a| a.value).or(role_after(&level.target)) {
            Some(d) => offset = offset.saturating_add(d.secs()),
            None => {
                open = false;
                break;
            }
        }
    }
    // escalates_to from the last role, while it has a time to pass on.
    while open {
        let Some(next) = last_role
            .as_ref()
            .and_then(|r| rb.role(r))
            .and_then(|r| r.escalates_to.as_ref())
        else {
            break;
        };
        if out.iter().any(|(id, _)| *id == next.value) {
            break;
        }
        out.push((next.value.clone(), offset));
        let target = Target::Role(next.clone());
        last_role = Some(next.value.clone());
        match role_after(&target) {
            Some(d) => offset = offset.saturating_add(d.secs()),
            None => open = false,
        }
    }
    out
}

/// The parts of the windows `a` that no window of `b` covers.
pub fn subtract(a: &[Gap], b: &[Gap]) -> Vec<Gap> {
    let mut out = Vec::new();
    for gap in a {
        let mut pieces = vec![*gap];
        for cut in b {
            let mut next = Vec::new();
            for p in pieces {
                if cut.to <= p.from || cut.from >= p.to {
                    next.push(p);
                    continue;
                }
                if cut.from > p.from {
                    next.push(Gap {
                        from: p.from,
                        to: cut.from,
                    });
                }
                if cut.to < p.to {
                    next.push(Gap {
                        from: cut.to,
                        to: p.to,
                    });
                }
            }
            pieces = next;
        }
        out.extend(pieces);
    }
    out
}

fn ids_not_in<'x>(a: impl Iterator<Item = &'x Text>, b: &[&Text]) -> Vec<Text> {
    a.filter(|x| !b.contains(x)).cloned().collect()
}

/// Compares `base` with `head` over `[from, to)` (instants; shown in the
/// head's time zone).
pub fn diff(base: &Engine, head: &Engine, from: DateTime<Tz>, to: DateTime<Tz>) -> Diff {
    let (b, h) = (base.runbook, head.runbook);
    let tz = h.plant.timezone.value;
    let (from, to) = (from.with_timezone(&tz), to.with_timezone(&tz));
    let bs = Side::new(base, from, to);
    let hs = Side::new(head, from, to);
    let b_ids: Vec<&Text> = b.identities.iter().map(|i| &i.id.value).collect();
    let h_ids: Vec<&Text> = h.identities.iter().map(|i| &i.id.value).collect();
    let b_states: Vec<&Text> = b.states.iter().map(|s| &s.id.value).collect();
    let h_states: Vec<&Text> = h.states.iter().map(|s| &s.id.value).collect();
    let b_roles: Vec<&Text> = b.roles.iter().map(|r| &r.id.value).collect();
    let h_roles: Vec<&Text> = h.roles.iter().map(|r| &r.id.value).collect();

    // Identities by (base group, head group): each pair is compared once.
    // (base group, head group) of an identity.
    type Pair = (Option<usize>, Option<usize>);
    let mut pairs: Vec<(Pair, Vec<Text>)> = Vec::new();
    let mut pair_at: HashMap<Pair, usize> = HashMap::new();
    let mut add = |key: Pair, id: &Text| {
        if key == (None, None) {
            return;
        }
        let p = *pair_at.entry(key).or_insert_with(|| {
            pairs.push((key, Vec::new()));
            pairs.len() - 1
        });
        pairs[p].1.push(id.clone());
    };
    for id in &h_ids {
        add(
            (
                bs.group_of.get(id.as_str()).copied(),
                hs.group_of.get(id.as_str()).copied(),
            ),
            id,
        );
    }
    for id in b_ids.iter().filter(|id| !h_ids.contains(id)) {
        add((bs.group_of.get(id.as_str()).copied(), None), id);
    }

    let mut states: Vec<&Text> = h_states.clone();
    states.extend(b_states.iter().filter(|s| !h_states.contains(s)));
    type Key = (usize, Action, Option<Fact>, Option<Fact>);
    let mut changes: BTreeMap<usize, Vec<(Key, Vec<Text>)>> = BTreeMap::new();
    let mut at: HashMap<Key, (usize, usize)> = HashMap::new();
    for ((bg, hg), identities) in &pairs {
        let vendor = [bg.and_then(|g| bs.coverage.groups.get(g).map(|x| x.vendor_session))]
            .into_iter()
            .chain([hg.and_then(|g| hs.coverage.groups.get(g).map(|x| x.vendor_session))])
            .flatten()
            .any(|v| v);
        for (s, state) in states.iter().enumerate() {
            for &action in cuts(vendor) {
                let before = bg.and_then(|g| bs.fact(g, state, action, tz));
                let after = hg.and_then(|g| hs.fact(g, state, action, tz));
                if before == after {
                    continue;
                }
                let key: Key = (s, action, before, after);
                match at.get(&key) {
                    Some(&(s, i)) => {
                        if let Some(list) = changes.get_mut(&s) {
                            list[i].1.extend(identities.iter().cloned());
                        }
                    }
                    None => {
                        let list = changes.entry(s).or_default();
                        at.insert(key.clone(), (s, list.len()));
                        list.push((key, identities.clone()));
                    }
                }
            }
        }
    }
    let order = |id: &Text| {
        h_ids
            .iter()
            .position(|x| *x == id)
            .unwrap_or(h_ids.len() + b_ids.iter().position(|x| *x == id).unwrap_or(0))
    };
    let mut decisions = Vec::new();
    for (_, list) in changes {
        for ((s, action, before, after), mut identities) in list {
            identities.sort_by_key(&order);
            identities.dedup();
            let no = Vec::new();
            let bg = before.as_ref().map_or(&no, |f| &f.gaps);
            let ag = after.as_ref().map_or(&no, |f| &f.gaps);
            // The same change in another state joins its first one.
            if let Some(same) = decisions.iter_mut().find(|c: &&mut Change| {
                c.action == action
                    && c.identities == identities
                    && c.before == before
                    && c.after == after
            }) {
                same.states.push(states[s].clone());
                continue;
            }
            decisions.push(Change {
                identities,
                states: vec![states[s].clone()],
                action,
                opened: if before.is_some() {
                    subtract(ag, bg)
                } else {
                    ag.clone()
                },
                closed: if after.is_some() {
                    subtract(bg, ag)
                } else {
                    Vec::new()
                },
                before,
                after,
            });
        }
    }
    decisions.sort_by_key(|c| {
        (
            c.identities.first().map(&order),
            c.states
                .first()
                .and_then(|first| states.iter().position(|s| *s == first)),
            cuts(true).iter().position(|a| *a == c.action),
        )
    });

    let mut roles = Vec::new();
    for (r, id) in h_roles.iter().enumerate() {
        let Some(br) = b_roles.iter().position(|x| x == id) else {
            continue;
        };
        let to_tz = |gaps: &[Gap]| -> Vec<Gap> {
            gaps.iter()
                .map(|g| Gap {
                    from: g.from.with_timezone(&tz),
                    to: g.to.with_timezone(&tz),
                })
                .collect()
        };
        let before = to_tz(&bs.coverage.roles[br]);
        let after = to_tz(&hs.coverage.roles[r]);
        let opened = subtract(&after, &before);
        let closed = subtract(&before, &after);
        if !opened.is_empty() || !closed.is_empty() {
            roles.push(RoleChange {
                role: (*id).clone(),
                opened,
                closed,
            });
        }
    }
    Diff {
        from,
        to,
        identities_added: ids_not_in(h_ids.iter().copied(), &b_ids),
        identities_removed: ids_not_in(b_ids.iter().copied(), &h_ids),
        states_added: ids_not_in(h_states.iter().copied(), &b_states),
        states_removed: ids_not_in(b_states.iter().copied(), &h_states),
        roles_added: ids_not_in(h_roles.iter().copied(), &b_roles),
        roles_removed: ids_not_in(b_roles.iter().copied(), &h_roles),
        decisions,
        roles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn gap(from: u32, to: u32) -> Gap {
        let at = |h: u32| {
            chrono_tz::Europe::Paris
                .with_ymd_and_hms(2026, 11, 23, h, 0, 0)
                .unwrap()
        };
        Gap {
            from: at(from),
            to: at(to),
        }
    }

    #[test]
    fn subtract_keeps_only_the_uncovered_parts() {
        // A night gap 0-8 that the base already had from 2 to 4: two new pieces.
        assert_eq!(
            subtract(&[gap(0, 8)], &[gap(2, 4)]),
            vec![gap(0, 2), gap(4, 8)]
        );
        assert_eq!(subtract(&[gap(0, 8)], &[gap(0, 8)]), Vec::<Gap>::new());
        assert_eq!(subtract(&[gap(2, 4)], &[gap(5, 6)]), vec![gap(2, 4)]);
        assert_eq!(
            subtract(&[gap(2, 6)], &[gap(0, 3), gap(5, 9)]),
            vec![gap(3, 5)]
        );
    }
}
