//! GR001-GR003, GR005, GR006, GR008, GR009: the authority and escalation
//! graph: cycles, uncovered and ambiguous authority, single deciders,
//! self-approval, dead rules, stalled levels.
//!
//! Several of these rules ask "which rule wins" for every identity, state and
//! action. A large plant has a hundred thousand identities but only a few
//! thousand kinds of them as far as selectors can tell, so the identities are
//! first grouped into [`Cohort`]s that the same rules select (the engine's
//! classes, `engine::classes`), and each question is asked once per cohort
//! (steps 1 to 4 of resolution only: no people, no clock).

mod cycle;
pub use cycle::{ESCALATION_CYCLE, EscalationCycle};
mod uncovered;
pub use uncovered::{UNCOVERED_AUTHORITY, UncoveredAuthority};
mod ambiguous;
pub use ambiguous::{AMBIGUOUS_AUTHORITY, AmbiguousAuthority};
mod single_decider;
pub use single_decider::{SINGLE_DECIDER, SingleDecider};
mod self_approval;
pub use self_approval::{SELF_APPROVAL, SelfApproval};
mod dead_rule;
pub use dead_rule::{DEAD_RULE, DeadRule};
mod stalled;
pub use stalled::{STALLED_LEVEL, StalledLevel};

use crate::engine::authority::Selection;
use crate::engine::horizon::Alike as Cohort;
use crate::lint::{Context, Rule};
use crate::model::{Action, Identity, Level, Runbook, Target, Text};

pub static RULES: &[&dyn Rule] = &[
    &EscalationCycle,
    &UncoveredAuthority,
    &AmbiguousAuthority,
    &SingleDecider,
    &SelfApproval,
    &DeadRule,
    &StalledLevel,
];

// ------------------------------------------------------------------ cohorts

/// The actions an authority rule can cover (`declare` lives on states).
const ACTIONS: [Action; 7] = Action::ON_IDENTITIES;

/// The plant's identities in cohorts (identities the same rules select,
/// with the same candidate rules for every query), and the states to ask
/// about.
struct Population<'r> {
    /// State ids; one empty id when the runbook defines no states.
    states: Vec<&'r str>,
    cohorts: Vec<Cohort>,
}

impl<'r> Population<'r> {
    /// The identities `keep` accepts, in cohorts.
    fn new(cx: &Context<'r>, keep: impl Fn(&Identity) -> bool) -> Population<'r> {
        let rb = cx.runbook;
        let mut states: Vec<&str> = rb.states.iter().map(|s| s.id.value.as_str()).collect();
        if states.is_empty() {
            states.push("");
        }
        Population {
            states,
            cohorts: cx
                .engine
                .classes()
                .iter()
                .filter_map(|c| {
                    let mut cohort = c.clone();
                    cohort.identities.retain(|&i| keep(&rb.identities[i]));
                    (!cohort.identities.is_empty()).then_some(cohort)
                })
                .collect(),
        }
    }

    /// Steps 1 to 4 of resolution for every identity of `cohort`.
    fn select(&self, cx: &Context, cohort: &Cohort, action: Action, state: &str) -> Selection {
        cohort.select(cx.runbook, action, state)
    }
}

/// A state id for a message; the runbook may define none.
fn state_name(state: &str) -> &str {
    if state.is_empty() {
        "every state"
    } else {
        state
    }
}

/// Whether two chains are the same levels (the tie-break of resolution step 3).
fn same_chain(rb: &Runbook, a: usize, b: usize) -> bool {
    let levels = |i: usize| rb.rules[i].decide().map_or(&[][..], |d| &d.levels[..]);
    let (a, b) = (levels(a), levels(b));
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            let kind = |t: &Target| matches!(t, Target::Role(_));
            kind(&x.target) == kind(&y.target)
                && x.target.id().value == y.target.id().value
                && x.after.map(|d| d.value) == y.after.map(|d| d.value)
        })
}

/// One position of a chain as resolution expands it (step 5): a level of the
/// rule, or a role reached by `escalates_to` from the last level.
struct Link<'r> {
    /// The role or person id.
    id: &'r Text,
    /// The level of the chain (0-based), or `None` for a role reached by escalation.
    level: Option<(usize, &'r Level)>,
    /// For a role: its position in `runbook.roles`.
    role: Option<usize>,
}

/// The chain of `levels` as resolution expands it: the levels, then
/// `escalates_to` from a last level that names a role, each role once.
fn expand<'r>(rb: &'r Runbook, levels: &'r [Level]) -> Vec<Link<'r>> {
    let mut chain: Vec<Link> = levels
        .iter()
        .enumerate()
        .map(|(n, level)| Link {
            id: &level.target.id().value,
            level: Some((n, level)),
            role: match &level.target {
                Target::Role(r) => rb.index.roles.get(r.value.as_str()).copied(),
                Target::Person(_) => None,
            },
        })
        .collect();
    let mut current = chain.last().and_then(|l| l.role);
    while let Some(j) = current {
        let next = rb.roles[j]
            .escalates_to
            .as_ref()
            .and_then(|e| rb.index.roles.get(e.value.as_str()).copied())
            .filter(|&n| !chain.iter().any(|l| l.role == Some(n)));
        let Some(n) = next else { break };
        chain.push(Link {
            id: &rb.roles[n].id.value,
            level: None,
            role: Some(n),
        });
        current = Some(n);
    }
    chain
}
