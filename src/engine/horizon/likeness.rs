//! Identities grouped by what selectors can see of them: the critical groups of coverage and the likeness groups of lint.

use crate::engine::authority::{self, Selection};
use crate::model::{Action, Criticality, IdentityKind, Runbook};
use std::collections::{HashMap, HashSet};

/// Identities that touch a `high` or `safety` system, grouped by the rules
/// whose `match` selects them: identities of one group get the same answer
/// to every question of action and state. A 100,000-identity plant has a
/// few thousand groups, so questions are asked per group.
#[derive(Debug, Clone, Default)]
pub struct Critical {
    pub groups: Vec<Group>,
    /// Critical identities in all.
    pub identities: usize,
}

/// Critical identities that the same rules select.
#[derive(Debug, Clone)]
pub struct Group {
    /// Identity indices, in runbook order.
    pub identities: Vec<usize>,
    pub vendor_session: bool,
    /// Indices of the rules whose `match` selects them, in definition order.
    rules: Vec<usize>,
}

impl Group {
    /// Resolution steps 1 to 4 for the group's identities.
    pub fn select(&self, runbook: &Runbook, state: &str, action: Action) -> Selection {
        let candidates: Vec<usize> = self
            .rules
            .iter()
            .copied()
            .filter(|&i| {
                let rule = &runbook.rules[i];
                rule.covers_action(action) && rule.covers_state(state)
            })
            .collect();
        authority::select(runbook, &candidates)
    }
}

/// Rules by the key that selects them most narrowly (as the engine's
/// index), and the labels selectors name.
#[derive(Default)]
pub(super) struct ByKey<'r> {
    labels: HashSet<(&'r str, &'r str)>,
    identity: HashMap<&'r str, Vec<usize>>,
    /// By system index.
    system: Vec<Vec<usize>>,
    kind: HashMap<IdentityKind, Vec<usize>>,
    general: Vec<usize>,
}

/// What makes two identities alike to every selector of a runbook: the same
/// id where a rule names it, kind, vendor, the labels and systems that
/// selectors name, and the zones and criticalities of the systems they
/// touch. Alike identities are matched by the same rules.
#[derive(PartialEq, Eq, Hash)]
struct Likeness<'r> {
    id: Option<&'r str>,
    kind: IdentityKind,
    vendor: Option<&'r str>,
    labels: Vec<(&'r str, &'r str)>,
    /// Indices of the systems it touches that a rule's `system` names.
    systems: Vec<usize>,
    zones: u8,
    criticalities: u8,
}

/// Identities that no selector of the runbook can tell apart (see
/// [`Likeness`]): they have the same candidate rules for every state and
/// action, so one stands for all.
#[derive(Debug, Clone)]
pub struct Alike {
    /// Identity indices, in runbook order; never empty.
    pub identities: Vec<usize>,
    /// The criticalities of the systems they touch, as bits (`1 << c`).
    pub criticalities: u8,
    pub vendor_session: bool,
    /// The systems they touch that a rule's `system` names (indices).
    named_systems: Vec<usize>,
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
}

/// The identities `keep` accepts, grouped by [`Likeness`]. Groups come in
/// the order of their first identity.
pub fn alike(runbook: &Runbook, keep: impl Fn(&crate::model::Identity) -> bool) -> Vec<Alike> {
    group(runbook, &ByKey::new(runbook), keep, |_| true)
}

impl<'r> ByKey<'r> {
    fn new(runbook: &'r Runbook) -> ByKey<'r> {
        let mut by = ByKey {
            system: vec![Vec::new(); runbook.systems.len()],
            ..ByKey::default()
        };
        for (i, rule) in runbook.rules.iter().enumerate() {
            let s = &rule.selector;
            by.labels
                .extend(s.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            if let Some(ids) = &s.identity {
                for id in ids {
                    by.identity.entry(&id.value).or_default().push(i);
                }
            } else if let Some(systems) = &s.system {
                for id in systems {
                    if let Some(&k) = runbook.index.systems.get(&id.value) {
                        by.system[k].push(i);
                    }
                }
            } else if let Some(kinds) = &s.kind {
                for kind in kinds {
                    by.kind.entry(*kind).or_default().push(i);
                }
            } else {
                by.general.push(i);
            }
        }
        by
    }

    /// The rules whose `match` selects the identities of `a`, in definition order.
    fn rules(&self, runbook: &Runbook, a: &Alike) -> Vec<usize> {
        let identity = &runbook.identities[a.first()];
        let from_identity = self.identity.get(identity.id.value.as_str());
        let from_systems = a.named_systems.iter().map(|&k| &self.system[k]);
        let from_kind = self.kind.get(&identity.kind.value);
        let mut rules: Vec<usize> = Vec::new();
        for list in from_identity
            .into_iter()
            .chain(from_systems)
            .chain(from_kind)
            .chain(std::iter::once(&self.general))
        {
            rules.extend(
                list.iter()
                    .copied()
                    .filter(|&i| authority::matches(runbook, &runbook.rules[i].selector, identity)),
            );
        }
        rules.sort_unstable();
        rules.dedup();
        rules
    }
}

/// [`alike`], keeping only identities whose systems' criticality bits
/// `touching` accepts (checked before the rest of the likeness is built).
pub(super) fn group(
    runbook: &Runbook,
    by: &ByKey,
    keep: impl Fn(&crate::model::Identity) -> bool,
    touching: impl Fn(u8) -> bool,
) -> Vec<Alike> {
    let mut at: HashMap<Likeness, usize> = HashMap::new();
    let mut out: Vec<Alike> = Vec::new();
    for (n, identity) in runbook.identities.iter().enumerate() {
        if !keep(identity) {
            continue;
        }
        let (mut zones, mut criticalities) = (0u8, 0u8);
        let mut systems: Vec<usize> = Vec::new();
        let touched = identity.access.iter().map(|a| &a.system);
        for id in touched.chain(identity.serves.iter().flatten()) {
            let Some(&k) = runbook.index.systems.get(&id.value) else {
                continue;
            };
            let system = &runbook.systems[k];
            criticalities |= 1 << system.criticality as u8;
            if let Some(zone) = system.zone {
                zones |= 1 << zone as u8;
            }
            if !by.system[k].is_empty() {
                systems.push(k);
            }
        }
        if !touching(criticalities) {
            continue;
        }
        systems.sort_unstable();
        systems.dedup();
        let id = identity.id.value.as_str();
        let mut labels: Vec<(&str, &str)> = identity
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .filter(|pair| by.labels.contains(pair))
            .collect();
        labels.sort_unstable();
        let likeness = Likeness {
            id: by.identity.contains_key(id).then_some(id),
            kind: identity.kind.value,
            vendor: identity.vendor.as_ref().map(|v| v.value.as_str()),
            labels,
            systems,
            zones,
            criticalities,
        };
        if let Some(&g) = at.get(&likeness) {
            out[g].identities.push(n);
            continue;
        }
        out.push(Alike {
            identities: vec![n],
            criticalities,
            vendor_session: identity.kind.value == IdentityKind::VendorSession,
            named_systems: likeness.systems.clone(),
        });
        at.insert(likeness, out.len() - 1);
    }
    out
}

impl Critical {
    pub fn build(runbook: &Runbook) -> Critical {
        let by = ByKey::new(runbook);
        let mut same_rules: HashMap<(Vec<usize>, bool), usize> = HashMap::new();
        let mut out = Critical::default();
        let critical_bits = (1u8 << Criticality::High as u8) | (1u8 << Criticality::Safety as u8);
        for a in group(runbook, &by, |_| true, |bits| bits & critical_bits != 0) {
            out.identities += a.identities.len();
            let rules = by.rules(runbook, &a);
            let g = *same_rules
                .entry((rules.clone(), a.vendor_session))
                .or_insert_with(|| {
                    out.groups.push(Group {
                        identities: Vec::new(),
                        vendor_session: a.vendor_session,
                        rules,
                    });
                    out.groups.len() - 1
                });
            out.groups[g].identities.extend(&a.identities);
        }
        // In runbook order, as they were added one by one.
        for group in &mut out.groups {
            group.identities.sort_unstable();
        }
        out
    }
}
