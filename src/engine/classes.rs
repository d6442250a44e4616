//! The plant's identities in classes that no rule can tell apart: the same
//! rules select every identity of a class, so they get the same candidates
//! for every state and action, and lint and coverage ask each question once
//! per class.
//!
//! The rules whose `match` selects an identity are found rule by rule
//! through an index of the identities (by system, label, vendor and kind):
//! each rule looks only at the identities that carry its most selective key
//! and checks its whole selector on those. The cost is the sum of the rules'
//! matches, not identities x rules, and the classes follow what the rules
//! distinguish, not the identities' raw attributes, so a plant where every
//! identity differs (an imported inventory) still has few classes.

use super::authority::{self, Selection};
use crate::model::{Action, Criticality, IdentityKind, Runbook, Selector};
use std::collections::HashMap;

/// Identities that the same rules select, with what lint reports of them.
#[derive(Debug, Clone)]
pub struct Alike {
    /// Identity indices, in runbook order; never empty.
    pub identities: Vec<usize>,
    /// The criticalities of the systems they touch, as bits (`1 << c`).
    pub criticalities: u8,
    pub vendor_session: bool,
    /// Indices of the rules whose `match` selects them, in definition order.
    rules: Vec<usize>,
}

impl Alike {
    /// The identity that stands for all.
    pub fn first(&self) -> usize {
        // Created with its first identity, it only grows.
        self.identities[0]
    }

    /// The highest criticality among the systems they touch.
    pub fn top(&self) -> Option<Criticality> {
        Criticality::ALL
            .iter()
            .rev()
            .copied()
            .find(|&c| self.criticalities & (1 << c as u8) != 0)
    }

    /// Whether they touch a `high` or `safety` system.
    pub fn critical(&self) -> bool {
        self.top().is_some_and(Criticality::is_critical)
    }

    /// The rules whose `match` selects them, in definition order.
    pub fn rules(&self) -> &[usize] {
        &self.rules
    }

    /// Resolution's candidates for them (step 1): the rules that select
    /// them and cover `action` in `state`, in definition order.
    pub fn candidates(&self, runbook: &Runbook, action: Action, state: &str) -> Vec<usize> {
        candidates(runbook, &self.rules, action, state)
    }

    /// Resolution steps 1 to 4 for every identity of the class.
    pub fn select(&self, runbook: &Runbook, action: Action, state: &str) -> Selection {
        authority::select(runbook, &self.candidates(runbook, action, state))
    }
}

/// The rules of `rules` that cover `action` in `state`.
pub(crate) fn candidates(
    runbook: &Runbook,
    rules: &[usize],
    action: Action,
    state: &str,
) -> Vec<usize> {
    rules
        .iter()
        .copied()
        .filter(|&i| {
            let rule = &runbook.rules[i];
            rule.covers_action(action) && rule.covers_state(state)
        })
        .collect()
}

/// Identity indices by what selectors name.
#[derive(Default)]
struct Postings<'r> {
    /// By system index: the identities that touch it.
    system: Vec<Vec<usize>>,
    kind: HashMap<IdentityKind, Vec<usize>>,
    label: HashMap<(&'r str, &'r str), Vec<usize>>,
    vendor: HashMap<&'r str, Vec<usize>>,
}

impl<'r> Postings<'r> {
    fn new(runbook: &'r Runbook) -> Postings<'r> {
        let mut p = Postings {
            system: vec![Vec::new(); runbook.systems.len()],
            ..Postings::default()
        };
        for (n, identity) in runbook.identities.iter().enumerate() {
            for id in identity.touches() {
                if let Some(&k) = runbook.index.systems.get(id) {
                    p.system[k].push(n);
                }
            }
            p.kind.entry(identity.kind.value).or_default().push(n);
            for (key, value) in &identity.labels {
                let list = p.label.entry((key.as_str(), value.as_str())).or_default();
                if list.last() != Some(&n) {
                    list.push(n);
                }
            }
            if let Some(vendor) = &identity.vendor {
                p.vendor.entry(vendor.value.as_str()).or_default().push(n);
            }
        }
        p
    }

    /// The identities a selector can select, from its most selective key
    /// (a superset; `None`: every identity). Unsorted, maybe repeated.
    fn preselect(&self, runbook: &Runbook, s: &Selector) -> Option<Vec<usize>> {
        let mut best: Option<Vec<usize>> = None;
        let mut offer = |list: Vec<usize>| {
            if best.as_ref().is_none_or(|b| list.len() < b.len()) {
                best = Some(list);
            }
        };
        if let Some(ids) = &s.identity {
            offer(
                ids.iter()
                    .filter_map(|id| runbook.index.identities.get(&id.value).copied())
                    .collect(),
            );
        }
        if let Some(systems) = &s.system {
            let known: Option<Vec<usize>> = systems
                .iter()
                .map(|id| runbook.index.systems.get(&id.value).copied())
                .collect();
            // A system the index does not know is matched by name: look at all.
            if let Some(known) = known {
                offer(
                    known
                        .iter()
                        .flat_map(|&k| self.system[k].iter().copied())
                        .collect(),
                );
            }
        }
        for (key, value) in &s.labels {
            let list = self.label.get(&(key.as_str(), value.as_str()));
            offer(list.cloned().unwrap_or_default());
        }
        if let Some(vendors) = &s.vendor {
            let of = |v: &str| self.vendor.get(v).map_or(&[][..], Vec::as_slice);
            offer(vendors.iter().flat_map(|v| of(v).iter().copied()).collect());
        }
        if let Some(kinds) = &s.kind {
            let of = |k| self.kind.get(k).map_or(&[][..], Vec::as_slice);
            offer(kinds.iter().flat_map(|k| of(k).iter().copied()).collect());
        }
        best
    }
}

#[cfg(test)]
thread_local! {
    /// Tests compare the classes with one class per identity.
    pub(crate) static PER_IDENTITY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The identities of `runbook` in classes, in the order of their first identity.
pub fn classes(runbook: &Runbook) -> Vec<Alike> {
    let postings = Postings::new(runbook);
    let mut selected: Vec<Vec<usize>> = vec![Vec::new(); runbook.identities.len()];
    for (i, rule) in runbook.rules.iter().enumerate() {
        let s = &rule.selector;
        let mut check = |n: usize| {
            let rules = &mut selected[n];
            if rules.last() != Some(&i) && authority::matches(runbook, s, &runbook.identities[n]) {
                rules.push(i);
            }
        };
        match postings.preselect(runbook, s) {
            Some(list) => list.into_iter().for_each(&mut check),
            None => (0..runbook.identities.len()).for_each(&mut check),
        }
    }
    #[cfg(test)]
    let per_identity = PER_IDENTITY.with(std::cell::Cell::get);
    #[cfg(not(test))]
    let per_identity = false;
    let mut at: HashMap<(Vec<usize>, u8, bool), usize> = HashMap::new();
    let mut out: Vec<Alike> = Vec::new();
    for (n, (identity, rules)) in runbook.identities.iter().zip(selected).enumerate() {
        let mut criticalities = 0u8;
        for id in identity.touches() {
            if let Some(system) = runbook.system(id) {
                criticalities |= 1 << system.criticality as u8;
            }
        }
        let vendor_session = identity.kind.value == IdentityKind::VendorSession;
        let key = (rules, criticalities, vendor_session);
        if !per_identity && let Some(&c) = at.get(&key) {
            out[c].identities.push(n);
            continue;
        }
        out.push(Alike {
            identities: vec![n],
            criticalities,
            vendor_session,
            rules: key.0.clone(),
        });
        at.insert(key, out.len() - 1);
    }
    out
}
