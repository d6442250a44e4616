//! Which rules apply to a query, and which one wins (spec, Resolution steps
//! 1 to 4).
//!
//! Rules are indexed once per load by their most selective key (identity,
//! then system, then a label, then vendor, then kind), so a query looks at
//! the few rules that can match rather than scanning all of them: only rules
//! that select on none of these keys (`match: {}`, zone or criticality
//! alone) are checked on every query.

use crate::model::{Action, Decide, Identity, Level, Outcome, Rule, Runbook, Selector, Text};
/// A map of the rule index: foldhash, as the runbook's own id indexes.
type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Rules by the key that selects them most narrowly.
#[derive(Debug, Default)]
pub struct RuleIndex {
    by_identity: Map<Text, Vec<usize>>,
    by_system: Map<Text, Vec<usize>>,
    /// By label key, then value: rules that require that label.
    by_label: Map<Text, Map<Text, Vec<usize>>>,
    by_vendor: Map<Text, Vec<usize>>,
    by_kind: Map<crate::model::IdentityKind, Vec<usize>>,
    general: Vec<usize>,
    /// Each rule's actions and states as bits, by position.
    covers: Vec<Covers>,
}

/// A rule's `actions` and `states` as bits, so that a query's action and
/// state are checked against a candidate without comparing names.
#[derive(Debug, Clone, Copy)]
struct Covers {
    /// Bit `action as u32` for each action covered.
    actions: u32,
    /// Bit `k` for each state `k` (a position in `runbook.states`) covered;
    /// `None` when the rule names a state the bits cannot hold (past the
    /// 64th, or unknown): then the names are compared.
    states: Option<u64>,
}

fn action_bit(action: Action) -> u32 {
    1 << (action as u32)
}

impl Covers {
    fn of(runbook: &Runbook, rule: &Rule) -> Covers {
        let actions = rule
            .actions
            .iter()
            .fold(0, |bits, a| bits | action_bit(a.value));
        let states = match &rule.states {
            None => Some(u64::MAX),
            Some(states) => states.iter().try_fold(0u64, |bits, s| {
                let k = *runbook.index.states.get(s.value.as_str())?;
                (k < 64).then(|| bits | (1 << k))
            }),
        };
        Covers { actions, states }
    }
}

impl RuleIndex {
    pub fn build(runbook: &Runbook) -> RuleIndex {
        let mut index = RuleIndex {
            covers: runbook
                .rules
                .iter()
                .map(|r| Covers::of(runbook, r))
                .collect(),
            ..RuleIndex::default()
        };
        for (i, rule) in runbook.rules.iter().enumerate() {
            let s = &rule.selector;
            if let Some(ids) = &s.identity {
                for id in ids {
                    push_once(index.by_identity.entry(id.value.clone()).or_default(), i);
                }
            } else if let Some(systems) = &s.system {
                for id in systems {
                    push_once(index.by_system.entry(id.value.clone()).or_default(), i);
                }
            } else if let Some((key, value)) = s.labels.first() {
                // Every label of a selector is required: one of them is enough.
                let values = index.by_label.entry(key.clone()).or_default();
                push_once(values.entry(value.clone()).or_default(), i);
            } else if let Some(vendors) = &s.vendor {
                for vendor in vendors {
                    push_once(index.by_vendor.entry(vendor.clone()).or_default(), i);
                }
            } else if let Some(kinds) = &s.kind {
                for kind in kinds {
                    push_once(index.by_kind.entry(*kind).or_default(), i);
                }
            } else {
                index.general.push(i);
            }
        }
        index
    }

    /// How many rules are checked on every query (not indexed by any key).
    #[cfg(test)]
    pub fn general_len(&self) -> usize {
        self.general.len()
    }

    /// Resolution without the index: every rule checked (tests compare).
    #[cfg(test)]
    pub fn scan(runbook: &Runbook, identity: &Identity, action: Action, state: &str) -> Vec<usize> {
        (0..runbook.rules.len())
            .filter(|&i| {
                let rule = &runbook.rules[i];
                rule.covers_action(action)
                    && rule.covers_state(state)
                    && matches(runbook, &rule.selector, identity)
            })
            .collect()
    }

    /// Every rule whose `match`, `states` and `actions` cover the query, in
    /// definition order (file-name order, then position).
    pub fn candidates(
        &self,
        runbook: &Runbook,
        identity: &Identity,
        action: Action,
        state: &str,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let touched = identity.touches();
        let wanted = action_bit(action);
        // The state's bit; `None` for a state the runbook does not define
        // (or past the 64th): then names are compared.
        let state_bit = runbook
            .index
            .states
            .get(state)
            .filter(|&&k| k < 64)
            .map(|&k| 1u64 << k);
        let mut consider = |i: usize| {
            let rule = &runbook.rules[i];
            let covered = match self.covers.get(i) {
                Some(c) => {
                    c.actions & wanted != 0
                        && match (c.states, state_bit) {
                            (Some(states), Some(bit)) => states & bit != 0,
                            _ => rule.covers_state(state),
                        }
                }
                None => rule.covers_action(action) && rule.covers_state(state),
            };
            if covered && matches_touching(runbook, &rule.selector, identity, &touched) {
                out.push(i);
            }
        };
        if let Some(rules) = self.by_identity.get(&identity.id.value) {
            rules.iter().copied().for_each(&mut consider);
        }
        for system in &touched {
            if let Some(rules) = self.by_system.get(*system) {
                rules.iter().copied().for_each(&mut consider);
            }
        }
        for (key, value) in &identity.labels {
            if let Some(rules) = self.by_label.get(key).and_then(|v| v.get(value)) {
                rules.iter().copied().for_each(&mut consider);
            }
        }
        if let Some(rules) = identity
            .vendor
            .as_ref()
            .and_then(|v| self.by_vendor.get(&v.value))
        {
            rules.iter().copied().for_each(&mut consider);
        }
        if let Some(rules) = self.by_kind.get(&identity.kind.value) {
            rules.iter().copied().for_each(&mut consider);
        }
        self.general.iter().copied().for_each(&mut consider);
        // A rule found under two keys (two systems, two labels) once.
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn push_once(list: &mut Vec<usize>, i: usize) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

/// Whether a selector matches an identity: keys ANDed, list values ORed.
pub fn matches(runbook: &Runbook, s: &Selector, identity: &Identity) -> bool {
    matches_touching(runbook, s, identity, &identity.touches())
}

/// [`matches`], given the systems the identity touches
/// ([`Identity::touches`], computed once for many selectors).
fn matches_touching(
    runbook: &Runbook,
    s: &Selector,
    identity: &Identity,
    touched: &[&str],
) -> bool {
    if let Some(ids) = &s.identity
        && !ids.iter().any(|id| id.value == identity.id.value)
    {
        return false;
    }
    if let Some(kinds) = &s.kind
        && !kinds.contains(&identity.kind.value)
    {
        return false;
    }
    if let Some(vendors) = &s.vendor {
        let vendor = identity.vendor.as_ref().map(|v| v.value.as_str());
        if !vendors.iter().any(|v| Some(v.as_str()) == vendor) {
            return false;
        }
    }
    for (key, value) in &s.labels {
        if !identity.labels.iter().any(|(k, v)| k == key && v == value) {
            return false;
        }
    }
    if s.system.is_none() && s.zone.is_none() && s.criticality.is_none() {
        return true;
    }
    if let Some(systems) = &s.system
        && !systems
            .iter()
            .any(|id| touched.contains(&id.value.as_str()))
    {
        return false;
    }
    let touched_systems = || touched.iter().filter_map(|id| runbook.system(id));
    if let Some(zones) = &s.zone
        && !touched_systems().any(|sys| sys.zone.is_some_and(|z| zones.contains(&z)))
    {
        return false;
    }
    if let Some(levels) = &s.criticality
        && !touched_systems().any(|sys| levels.contains(&sys.criticality))
    {
        return false;
    }
    true
}

/// How specific a rule is, compared in the spec's order: `identity` given,
/// `system` given, number of other selector keys (each label one), `states`
/// given. Greater is more specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    pub identity: bool,
    pub system: bool,
    pub other_keys: usize,
    pub states: bool,
}

pub fn specificity(rule: &Rule) -> Specificity {
    let s = &rule.selector;
    let other_keys = [
        s.kind.is_some(),
        s.zone.is_some(),
        s.criticality.is_some(),
        s.vendor.is_some(),
    ]
    .iter()
    .filter(|&&given| given)
    .count()
        + s.labels.len();
    Specificity {
        identity: s.identity.is_some(),
        system: s.system.is_some(),
        other_keys,
        states: rule.states.is_some(),
    }
}

/// The outcome of steps 1 to 4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Step 2: every forbidding candidate.
    Forbidden(Vec<usize>),
    /// Step 3: the most specific rule (the first defined among identical ties).
    Rule(usize),
    /// Step 3: most specific rules that tie with different chains.
    Ambiguous(Vec<usize>),
    /// Step 4: no candidate.
    Uncovered,
}

fn same_levels(a: &[Level], b: &[Level]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.target.id().value == y.target.id().value
                && std::mem::discriminant(&x.target) == std::mem::discriminant(&y.target)
                && x.after.as_ref().map(|d| d.value) == y.after.as_ref().map(|d| d.value)
        })
}

/// Steps 2 to 4 over the candidates (in definition order).
pub fn select(runbook: &Runbook, candidates: &[usize]) -> Selection {
    let forbidding: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| matches!(runbook.rules[i].outcome, Outcome::Forbid(_)))
        .collect();
    if !forbidding.is_empty() {
        return Selection::Forbidden(forbidding);
    }
    let Some(best) = candidates
        .iter()
        .map(|&i| specificity(&runbook.rules[i]))
        .max()
    else {
        return Selection::Uncovered;
    };
    let winners: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| specificity(&runbook.rules[i]) == best)
        .collect();
    let levels = |i: usize| {
        runbook.rules[i]
            .decide()
            .map_or(&[][..], |d: &Decide| &d.levels)
    };
    let first = winners[0];
    if winners
        .iter()
        .all(|&i| same_levels(levels(i), levels(first)))
    {
        Selection::Rule(first)
    } else {
        Selection::Ambiguous(winners)
    }
}
