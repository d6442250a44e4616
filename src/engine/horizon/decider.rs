//! Who may act on a decision, and how long until a chain reaches them.

use crate::engine::resolve::Step;
use crate::model::{Action, Function, Runbook, Target, Text};

/// Who may act on a decision: how many distinct deciders it needs, and
/// whether people reached through a `vendor` role count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quorum {
    /// 2 for a `two_person` chain that is not `pre_approved` (the action
    /// waits for the second decider), else 1.
    pub people: usize,
    /// On a vendor session, a vendor role's people would approve their own
    /// session (GR006): they do not count as deciders.
    pub vendor_roles_count: bool,
}

impl Quorum {
    pub fn of(decide: &crate::model::Decide, vendor_session: bool) -> Quorum {
        Quorum {
            people: if decide.two_person && !decide.pre_approved {
                2
            } else {
                1
            },
            vendor_roles_count: !vendor_session,
        }
    }
}

/// Seconds from the question until the chain has engaged the deciders
/// `quorum` needs: its **time to first decider**. `None` when it never does.
///
/// Skipped levels take no time, so a plain chain that reaches anyone has its
/// first decider at once; the wait comes from a second decider that a
/// `two_person` chain needs, or from levels whose people may not decide.
pub fn first_decider(runbook: &Runbook, steps: &[Step], quorum: Quorum) -> Option<u64> {
    let mut seen: Vec<&Text> = Vec::new();
    for step in steps.iter().filter(|s| !s.skipped) {
        if !quorum.vendor_roles_count && is_vendor_role(runbook, &step.target) {
            continue;
        }
        for d in &step.people {
            if !seen.contains(&&d.person) {
                seen.push(&d.person);
            }
        }
        if seen.len() >= quorum.people {
            return Some(step.offset);
        }
    }
    None
}

/// The first step whose people may decide: the first decider, even when a
/// `two_person` chain then waits for a second one.
pub fn first_deciding_step<'s>(
    runbook: &Runbook,
    steps: &'s [Step],
    quorum: Quorum,
) -> Option<&'s Step> {
    steps
        .iter()
        .find(|s| !s.skipped && (quorum.vendor_roles_count || !is_vendor_role(runbook, &s.target)))
}

pub(super) fn is_vendor_role(runbook: &Runbook, target: &Target) -> bool {
    match target {
        Target::Role(r) => runbook
            .role(&r.value)
            .is_some_and(|role| role.function == Some(Function::Vendor)),
        Target::Person(_) => false,
    }
}

/// The actions whose chains must be quick and never empty for a critical
/// identity: `pause` and `revoke`, and `disconnect` for a vendor session
/// (the actions GR002 asks a rule for).
pub fn cuts(vendor_session: bool) -> &'static [Action] {
    if vendor_session {
        &[Action::Pause, Action::Revoke, Action::Disconnect]
    } else {
        &[Action::Pause, Action::Revoke]
    }
}
